"""Differentiable parts of ``numpy.lib``: :mod:`dualad.numpy.lib.stride_tricks`."""
from . import stride_tricks  # noqa: F401

__all__ = ["stride_tricks"]
