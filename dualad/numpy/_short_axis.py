"""Reductions over a short last axis, the case NumPy's reductions are slow at.

NumPy reduces a C-contiguous array over its last axis one row at a time: for a
``(512, 10)`` array ``numpy.max(x, axis=-1)`` costs 22 µs and
``numpy.sum(x, axis=-1)`` 14 µs, most of it per-row overhead.  Log-softmax,
cross-entropy losses and the cotangents of ``x - x.max(-1, keepdims=True)``
all reduce such arrays.  Two faster routes:

* :func:`extreme` (values): ``max`` and ``min`` over the transposed copy, one
  vectorized pass per column (6 µs at ``(512, 10)``).  The maximum of a set
  does not depend on the order it is taken in, and NaN propagates either way,
  so the result is NumPy's, bit for bit.
* :func:`sum_last` (derivatives only): the sum as a matrix-vector product with
  a vector of ones (3 µs at ``(512, 10)``).  BLAS adds in another order than
  NumPy's pairwise summation, so the last bits can differ; it is used for
  cotangents, never for a primitive's value.

Both fall back to NumPy's own reduction whenever the fast route does not
apply or would not be faster.

>>> import numpy as np
>>> from dualad.numpy._short_axis import extreme, sum_last
>>> x = np.arange(6.0).reshape(3, 2)
>>> extreme(np.maximum, x, -1, True).ravel()
array([1., 3., 5.])
>>> sum_last(x, True).ravel()
array([1., 5., 9.])
"""
from __future__ import annotations

import numpy as _np

_ndarray = _np.ndarray

#: the transposed-copy route pays for itself up to this length of the last
#: axis, and from this many rows (measured 2026-11-30, float64, one thread:
#: (512, 10) 22 -> 6.5 µs, (512, 16) 32 -> 15 µs, (512, 64) 29 -> 62 µs,
#: (16, 10) 2.0 -> 2.2 µs)
EXTREME_MAX_LEN = 16
EXTREME_MIN_ROWS = 32
#: the BLAS route wins at every length measured ((512, 10) 14 -> 3 µs,
#: (512, 128) 25 -> 11 µs, (100000, 3) 2.0 -> 0.08 ms); past this length
#: NumPy's pairwise summation keeps its accuracy advantage
SUM_MAX_LEN = 128
SUM_MIN_ROWS = 8

_ONES = {}


def _last_axis(x, axis):
    """True if ``axis`` names exactly the last axis of ``x`` (ndim >= 2)."""
    nd = x.ndim
    if type(axis) is tuple:
        if len(axis) != 1:
            return False
        axis = axis[0]
    return type(axis) is int and nd >= 2 and (axis == -1 or axis == nd - 1)


def extreme(ufunc, x, axis, keepdims):
    """``ufunc.reduce(x, axis, keepdims)`` for ``ufunc`` numpy.maximum or
    numpy.minimum, with the same values as NumPy's reduction."""
    if (type(x) is _ndarray and x.dtype.kind == "f" and _last_axis(x, axis)
            and x.flags.c_contiguous):
        k = x.shape[-1]
        if 2 <= k <= EXTREME_MAX_LEN and x.size >= EXTREME_MIN_ROWS * k:
            r = ufunc.reduce(x.reshape(-1, k).T.copy(), axis=0)
            return r.reshape(x.shape[:-1] + ((1,) if keepdims else ()))
    return ufunc.reduce(x, axis=axis, keepdims=keepdims)


def sum_last(g, keepdims):
    """The sum of float or complex cotangent ``g`` over its last axis."""
    k = g.shape[-1] if g.ndim else 0
    if (type(g) is _ndarray and g.ndim >= 2 and g.dtype.kind in "fc"
            and 2 <= k <= SUM_MAX_LEN and g.size >= SUM_MIN_ROWS * k
            and g.flags.c_contiguous):
        key = (g.dtype, k)
        ones = _ONES.get(key)
        if ones is None:
            if len(_ONES) > 64:
                _ONES.clear()
            ones = _ONES[key] = _np.ones(k, g.dtype)
            ones.flags.writeable = False
        r = _np.matmul(g, ones)
        return r[..., None] if keepdims else r
    return _np.add.reduce(g, axis=-1, keepdims=keepdims)
