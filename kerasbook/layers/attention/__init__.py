"""Attention layers: `Attention` (dot-product) and `MultiHeadAttention` (the Transformer's)."""
from .attention import Attention
from .multi_head_attention import MultiHeadAttention
