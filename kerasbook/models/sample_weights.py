"""Sample weights: how much each sample's loss counts, given per sample or per class.

``fit(x, y, sample_weight=w)`` multiplies sample i's loss by ``w[i]`` before the
batch's losses are averaged (Keras 3 divides the weighted sum by the number of
losses, not by the sum of the weights). ``class_weight={0: 1.0, 1: 5.0}`` is the
same with each sample's weight looked up from its class: the usual remedy when
one class is rare. Metrics passed as `metrics` are not weighted, as in Keras.
"""
import numpy

from ..config import floatx


def resolve(sample_weight, class_weight, targets, output_names, model_name):
    """One weight array per output (None where the output's samples all count 1)."""
    if sample_weight is not None and class_weight is not None:
        raise ValueError(f"Model '{model_name}': pass class_weight or sample_weight, not both.")
    if class_weight is not None:
        if len(targets) != 1:
            raise ValueError(f"Model '{model_name}': class_weight works for a model with one output; this one "
                             f"has {len(targets)} ({output_names}). Pass sample_weight per output instead.")
        return [class_weights_to_sample_weights(class_weight, targets[0], model_name)]
    if sample_weight is None:
        return [None] * len(targets)
    weights = _per_output(sample_weight, output_names, model_name)
    return [None if weight is None else _checked(weight, target, name, model_name)
            for weight, target, name in zip(weights, targets, output_names)]


def class_weights_to_sample_weights(class_weight, target, model_name):
    """Each sample's weight from its class: the index of the one-hot 1, or the integer (or 0/1) label."""
    if not isinstance(class_weight, dict):
        raise TypeError(f"Model '{model_name}': class_weight must be a dict {{class index: weight}}, "
                        f"received {type(class_weight).__name__}.")
    target = numpy.asarray(target)
    one_hot = target.ndim > 1 and target.shape[-1] > 1
    classes = target.argmax(axis=-1) if one_hot else numpy.rint(target.reshape(len(target), -1)[:, 0])
    weights = numpy.ones(len(target), dtype=floatx())
    for label, weight in class_weight.items():
        weights[classes == int(label)] = weight
    return weights


def _per_output(sample_weight, output_names, model_name):
    if isinstance(sample_weight, dict):
        unknown = sorted(set(sample_weight) - set(output_names))
        if unknown:
            raise ValueError(f"Model '{model_name}' has no output named {unknown} for sample_weight; "
                             f"its outputs are {output_names}.")
        return [sample_weight.get(name) for name in output_names]
    if isinstance(sample_weight, (list, tuple)):
        if len(sample_weight) != len(output_names):
            raise ValueError(f"Model '{model_name}' has {len(output_names)} outputs {output_names} but received "
                             f"{len(sample_weight)} sample_weight arrays.")
        return list(sample_weight)
    return [sample_weight] * len(output_names)  # one array weighs the samples of every output


def _checked(weight, target, name, model_name):
    weight = numpy.asarray(weight, dtype=floatx())
    if weight.shape == (len(target), 1):  # a column of weights
        weight = weight[:, 0]
    if weight.shape != (len(target),):
        raise ValueError(f"Model '{model_name}': sample_weight for output '{name}' should have shape "
                         f"({len(target)},), one weight per sample, but received shape {weight.shape}.")
    return weight
