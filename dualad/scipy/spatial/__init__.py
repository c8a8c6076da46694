"""Differentiable ``scipy.spatial``: the submodule ``distance`` (``cdist``,
``pdist``, ``squareform`` and the vector metrics).  See docs/scipy.md.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.spatial import distance
>>> ad.grad(lambda u: distance.euclidean(u, np.zeros(2)))(np.array([3.0, 4.0]))
array([0.6, 0.8])
"""
from __future__ import annotations

import importlib as _importlib

__all__ = ["distance"]


def __getattr__(name):
    if name in __all__:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'dualad.scipy.spatial' has no attribute {name!r}")
