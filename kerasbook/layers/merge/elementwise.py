"""Elementwise merges: add, subtract, multiply, average, maximum, minimum."""
from ...ops import math as ops
from .base_merge import Merge


class Add(Merge):
    """Sum of the inputs: ``add([x, y])`` is the residual connection's join."""

    def merge_pair(self, a, b):
        return a + b


class Subtract(Merge):
    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"Subtract '{self.name}' takes exactly 2 inputs, received {len(input_shape)}.")

    def merge_pair(self, a, b):
        return a - b


class Multiply(Merge):
    def merge_pair(self, a, b):
        return a * b


class Maximum(Merge):
    def merge_pair(self, a, b):
        return ops.maximum(a, b)


class Minimum(Merge):
    def merge_pair(self, a, b):
        return ops.minimum(a, b)


class Average(Merge):
    def call(self, inputs):
        return super().call(inputs) * (1.0 / len(inputs))

    def merge_pair(self, a, b):
        return a + b
