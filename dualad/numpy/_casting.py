"""Casting a derivative back to the dtype of the value it belongs to."""
from __future__ import annotations

import numpy as _np

from ..tracer import Tracer, primal_of


def cast_like(g, x):
    """``g`` with the dtype of ``x``; a NumPy scalar if ``x`` is one."""
    xv = primal_of(x)
    if (type(g) is _np.ndarray and type(xv) is _np.ndarray and g.dtype == xv.dtype
            and g.dtype.kind in "fc"):
        return g                     # the common case: nothing to convert
    dt = _np.result_type(xv)
    if dt.kind not in "fc":
        dt = _np.dtype(_np.float64)
    if isinstance(g, Tracer):
        if g.dtype != dt:
            from ._ufuncs import astype, real
            if g.dtype.kind == "c" and dt.kind == "f":
                g = real(g)
            g = astype(g, dt)
        return g
    if not isinstance(g, (_np.ndarray, _np.generic)) or g.dtype != dt:
        g = _np.asarray(g)
        if g.dtype != dt:
            if g.dtype.kind == "c" and dt.kind == "f":
                g = g.real
            g = g.astype(dt)
    if not isinstance(xv, _np.ndarray) and isinstance(g, _np.ndarray):
        g = g[()]
    elif isinstance(xv, _np.ndarray) and not isinstance(g, _np.ndarray):
        g = _np.asarray(g)
    return g


def real_for(g, x):
    """The real part of a complex cotangent ``g`` of a real value ``x`` (the
    transpose convention, docs/complex.md); ``g`` itself otherwise."""
    if type(g) is _np.ndarray and g.dtype.kind != "c":
        return g                     # the common case: nothing to drop
    if (_np.result_type(primal_of(g)).kind == "c"
            and _np.result_type(primal_of(x)).kind != "c"):
        from ._ufuncs import real
        return real(g)
    return g
