"""Differentiable SciPy, one submodule per SciPy subpackage:

* ``special``, ``stats``, ``linalg``
* ``signal`` (convolutions, filters), ``fft`` (the FFTs and the DCT / DST),
  ``ndimage`` (linear filters)
* ``integrate``, ``interpolate`` (``CubicSpline``, ``PchipInterpolator``, ...)
* ``sparse`` (products of sparse constants with traced arrays)
* ``spatial.distance`` (``cdist``, ``pdist``, ``squareform``, the vector metrics)

Each submodule keeps SciPy's names and signatures; its primitives are named
with a prefix (``"special.gammaln"``, ``"scipy.linalg.expm"``,
``"signal.convolve"``, ``"integrate.odeint"``).  ``scipy.special``'s ufuncs
called on a traced value also reach dualad's versions.  See docs/scipy.md.

>>> import dualad as ad, dualad.scipy as dsp
>>> round(float(ad.grad(dsp.special.erf)(0.0)), 6)    # 2 / sqrt(pi)
1.128379
"""
from __future__ import annotations

import importlib as _importlib

__all__ = [
    "special",
    "linalg",
    "stats",
    "signal",
    "integrate",
    "interpolate",
    "sparse",
    "fft",
    "spatial",
    "ndimage",
]


def __getattr__(name):
    if name in __all__:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'dualad.scipy' has no attribute {name!r}")
