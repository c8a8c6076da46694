"""Differentiable ``numpy.emath`` (``numpy.lib.scimath``): the functions whose
result is complex where the real function is undefined.

Each function looks at the values (not the derivatives) as NumPy does: a real
input with an entry outside the real domain (``x < 0`` for ``sqrt``, the logs
and ``power``; ``|x| > 1`` for ``arccos``, ``arcsin``, ``arctanh``) is cast to
complex (``complex64`` from ``float32``, else ``complex128``) and the complex
function is applied, so values, dtypes and branch cuts are NumPy's.  The
derivatives are those of the function applied (docs/complex.md: a complex
output of a real input has a complex tangent; the cotangent of the real input
is the real part of the transpose).  ``power``'s exponent, when integer and
negative, is cast to float as NumPy does.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> x = np.array([-4.0, 9.0])
>>> dnp.emath.sqrt(x)
array([0.+2.j, 3.+0.j])
>>> ad.jvp(dnp.emath.sqrt, (x,), (np.ones(2),))[1].round(4)     # 1 / (2 sqrt(x))
array([0.    -0.25j, 0.1667+0.j  ])
"""
from __future__ import annotations

import numpy as _np

from .. import numpy as _dnp   # imported last by dualad.numpy: its functions exist
from ..tracer import primal_of as _primal_of

__all__ = ["sqrt", "log", "log2", "log10", "logn", "power", "arccos", "arcsin", "arctanh"]


def _complexed(x, outside):
    """``x``, cast to complex when it is real and ``outside(values)`` holds somewhere."""
    v = _np.asarray(_primal_of(x))
    if v.dtype.kind == "c" or not _np.any(outside(v)):
        return x
    dt = _np.complex64 if v.dtype in (_np.float32, _np.float16, _np.int8, _np.int16,
                                       _np.uint8, _np.uint16) else _np.complex128
    return _dnp.astype(x, dt)


def _negative(v):
    return v < 0


def _beyond_one(v):
    return _np.abs(v) > 1


def _scimath(name, outside, where):
    """``numpy.emath.<name>``: ``dualad.numpy.<name>`` of ``x``, made complex first
    where ``outside`` holds."""
    func = getattr(_dnp, name)

    def f(x):
        return func(_complexed(x, outside))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``numpy.emath.{name}``: complex where ``{where}``."
    return f


sqrt, log, log2, log10 = (_scimath(n, _negative, "x < 0") for n in ("sqrt", "log", "log2", "log10"))
arccos, arcsin, arctanh = (_scimath(n, _beyond_one, "|x| > 1")
                           for n in ("arccos", "arcsin", "arctanh"))


def logn(n, x):
    """``numpy.emath.logn``: ``log(x) / log(n)``, each complex where negative."""
    return _dnp.log(_complexed(x, _negative)) / _dnp.log(_complexed(n, _negative))


def power(x, p):
    """``numpy.emath.power``: complex where ``x < 0``; a negative integer ``p`` is
    made float first (as in NumPy)."""
    pv = _np.asarray(_primal_of(p))
    if pv.dtype.kind in "iub" and _np.any(pv < 0):
        p = p * 1.0
    return _dnp.power(_complexed(x, _negative), p)
