"""Whether values are normal floating-point numbers: the test that lets a
rule use a quotient or a product in the order that is exact in the normal
range, and fall back to a safer form where an intermediate would under- or
overflow (``prod``, ``cumprod``, ``divide``).

>>> import numpy as np
>>> from dualad.numpy._normal import all_normal
>>> all_normal(np.array([1.0, 1e-300])), all_normal(np.array([1.0, 1e-320]))
(True, False)
>>> all_normal(np.array([0.0, 2.0]), unless=np.array([0.0, 1.0]))
True
"""
from __future__ import annotations

from math import isfinite as _isfinite

import numpy as _np

from ..tracer import primal_of

_CHUNK = 1 << 15


def _abs_range(v):
    """``(min |v|, max |v|)`` of a non-empty array (NaN if one is NaN), in
    float; large arrays by chunks, so that no array of their size is
    allocated (a fresh large buffer costs page faults on every call)."""
    flat = v.reshape(-1)
    if flat.dtype.kind not in "fc":
        flat = flat.astype(_np.float64)
    if flat.size <= _CHUNK:
        m = _np.abs(flat)
        return m.min(), m.max()
    buf = _np.empty(_CHUNK, dtype=_np.abs(flat[:1]).dtype)
    lo, hi = [], []
    for i in range(0, flat.size, _CHUNK):
        m = _np.abs(flat[i:i + _CHUNK], out=buf[:min(_CHUNK, flat.size - i)])
        lo.append(m.min())
        hi.append(m.max())
    return _np.min(lo), _np.max(hi)            # (NaN-propagating, unlike min())


def all_normal(v, unless=None):
    """Whether every entry of the plain value ``v`` is a finite number of
    normal size (no zero, no subnormal, no inf or NaN): then a product of
    such entries divided by one of them is the product of the others to
    rounding.  A zero among the products means that a factor is zero *or*
    that the product underflowed while the products of the others need not
    (``1e-200 * 3 * 1e-150``): the quotient forms of ``prod`` and
    ``cumprod`` would give 0 for them.  Entries where ``unless`` (broadcast
    against ``v``) is 0 are not looked at: a zero tangent or cotangent
    makes its product 0 whatever its size."""
    v = primal_of(v)
    if type(v) is float or type(v) is _np.float64:      # the scalar chains: no array
        m = abs(v)
        if _SCALAR_TINY <= m and _isfinite(m):
            return True
        if unless is None:
            return False
    v = _np.asarray(v)
    if v.size == 0:
        return True
    if v.dtype.kind == "f":             # one sign throughout: no |v| needed
        fi = _np.finfo(v.dtype)
        lo, hi = v.min(), v.max()
        if (fi.tiny <= lo and hi <= fi.max) or (-fi.max <= lo and hi <= -fi.tiny):
            return True
    lo, hi = _abs_range(v)
    fi = _np.finfo(lo.dtype)
    if lo >= fi.tiny and hi <= fi.max:     # (a NaN fails both)
        return True
    if unless is None:
        return False
    m = _np.abs(v)
    ok = _np.logical_and(m >= fi.tiny, m <= fi.max)
    return bool(_np.all(_np.logical_or(ok, _np.equal(primal_of(unless), 0))))


_SCALAR_TINY = float(_np.finfo(_np.float64).tiny)
