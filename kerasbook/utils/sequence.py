"""`pad_sequences`: lists of token ids of different lengths into one rectangular array.

A batch must be a rectangle, but sentences differ in length. Keras pads the short
ones with `value` and cuts the long ones to `maxlen`, by default at the front
('pre'), so the last tokens, the ones an LSTM reads last, are kept.
"""
import numpy


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """An array (len(sequences), maxlen, ...) of the sequences, padded or truncated to `maxlen`.

    Args:
        sequences: a list of sequences (lists or arrays of ids, or of equal-shaped vectors).
        maxlen: the length of every row; None means the longest sequence's.
        dtype: the array's type ('int32', as Keras).
        padding: 'pre' or 'post': fill at the start or at the end.
        truncating: 'pre' or 'post': drop tokens from the start or from the end.
        value: the fill value.

    Example:
        pad_sequences([[1, 2, 3], [4]], maxlen=2)   # [[2, 3], [0, 4]]
    """
    for name, where in (("padding", padding), ("truncating", truncating)):
        if where not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', received {where!r}.")
    rows = []
    for position, sequence in enumerate(sequences):
        try:
            rows.append(numpy.asarray(list(sequence)))
        except TypeError:
            raise ValueError(f"pad_sequences expects a list of sequences, but the item at position {position} "
                             f"is not one: {sequence!r}.") from None
    lengths = [len(row) for row in rows]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    sample_shape = next((row.shape[1:] for row in rows if len(row)), ())
    padded = numpy.full((len(rows), maxlen) + sample_shape, value, dtype=dtype)
    for position, row in enumerate(rows):
        if not len(row):
            continue
        if row.shape[1:] != sample_shape:
            raise ValueError(f"pad_sequences: the items of the sequence at position {position} have shape "
                             f"{row.shape[1:]}, those before have shape {sample_shape}.")
        kept = row[max(len(row) - maxlen, 0):] if truncating == "pre" else row[:maxlen]
        if padding == "post":
            padded[position, :len(kept)] = kept
        else:
            padded[position, maxlen - len(kept):] = kept
    return padded
