"""Batches that come one at a time: a Python generator or a `Sequence` as `x` of fit, evaluate, predict.

Arrays are checked whole before training; a generator's batches do not exist
yet, so each batch is checked by the same array checks just before its step,
and a mistake is reported with the index of the batch it came in.

A `Sequence` knows its length and gives batch `i` on demand, so an epoch is one
pass over its batches (their order shuffled when `fit` shuffles) and
`on_epoch_end` runs after each epoch. A generator only gives its next batch:
an epoch of `fit` needs `steps_per_epoch`, and `evaluate`/`predict` read it to
its end unless `steps` says how many batches to take.
"""
import warnings

from ..runtime.random import permutation


class Sequence:
    """A dataset that gives whole batches by index, as `keras.utils.Sequence` (Keras 3's `PyDataset`).

    Subclass it and write `__len__` (the number of batches) and `__getitem__`
    (batch `index` as ``(x, y)``, ``(x, y, sample_weight)``, or `x` for predict);
    `on_epoch_end` may reshuffle or regenerate the data between epochs.
    `workers`, `use_multiprocessing` and `max_queue_size` are accepted for
    Keras's signature; kerasbook reads batches in order, in this process.

    Example:
        class Batches(Sequence):
            def __init__(self, x, y, batch_size):
                super().__init__()
                self.x, self.y, self.batch_size = x, y, batch_size
            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)
            def __getitem__(self, index):
                rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
                return self.x[rows], self.y[rows]

        model.fit(Batches(x, y, 32), epochs=5)
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__: the number of batches.")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__: batch `index`.")

    def on_epoch_end(self):
        """Called after each epoch of `fit`; by default does nothing."""


def is_batch_source(x):
    """True for a generator, any other iterator, or a Sequence: data that comes a batch at a time."""
    return isinstance(x, Sequence) or (hasattr(x, "__next__") and hasattr(x, "__iter__"))


class BatchSource:
    """The batches of a generator or a Sequence, `steps` of them per epoch.

    `steps=None` means: all of a Sequence, or a generator to its end (`fit`
    refuses that: a generator may never end).
    """

    def __init__(self, data, steps, argument, shuffle=False):
        self.data, self.argument, self.shuffle = data, argument, shuffle
        self.sequence = isinstance(data, Sequence)
        self.steps = steps if steps is not None else (len(data) if self.sequence else None)
        if self.sequence and not len(data):
            raise ValueError(f"The Sequence {type(data).__name__} has no batches (its __len__ is 0).")

    def epoch(self):
        """(index, batch) pairs for one epoch; stops early if a generator runs out."""
        if self.sequence:
            order = permutation(len(self.data)) if self.shuffle else range(len(self.data))
            for step in range(self.steps):
                index = int(order[step % len(self.data)])
                yield index, self.data[index]
            return
        step = 0
        while self.steps is None or step < self.steps:
            try:
                batch = next(self.data)
            except StopIteration:
                if self.steps is not None:
                    warnings.warn(f"The generator ran out of data after {step} of {self.steps} batches "
                                  f"(`{self.argument}`); make it yield at least {self.argument} batches per "
                                  f"epoch, or loop forever.", stacklevel=4)
                return
            yield step, batch
            step += 1

    def end_epoch(self):
        if self.sequence:
            self.data.on_epoch_end()


def checked(prepare, index, batch):
    """`prepare(batch)` (the array checks), with any error saying which batch it was in."""
    try:
        return prepare(batch)
    except (ValueError, TypeError) as error:
        raise type(error)(f"Batch {index} from the generator: {error}") from error


_NOTED = set()  # the arguments already noted in this process


def note_ignored(arguments, method):
    """One note per argument per process: Keras 2's parallel-loading arguments have no effect here."""
    for name, value, default in arguments:
        if value != default and name not in _NOTED:
            _NOTED.add(name)
            warnings.warn(f"{method}: `{name}={value!r}` is accepted for Keras 2's signature and ignored: "
                          f"kerasbook reads batches one at a time in this process.", stacklevel=3)
