"""Unique default names (``dense``, ``dense_1``, …), as Keras gives them."""
import re
from collections import defaultdict

_counts = defaultdict(int)


def snake_case(name):
    """'Conv2D' -> 'conv2d', 'MaxPooling2D' -> 'max_pooling2d', as Keras names layers."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    """The first call gives `prefix`, later ones `prefix_1`, `prefix_2`, …"""
    count = _counts[prefix]
    _counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Forget the names handed out so far, so new layers start at ``dense`` again."""
    _counts.clear()
