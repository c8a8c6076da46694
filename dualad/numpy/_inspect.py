"""Functions that only look at values (shapes, dtypes, constants built alike).

They take traced arguments and return plain results: the values of the
arguments at every level are used, and nothing is differentiated (a result
such as ``zeros_like(x)`` does not depend on ``x``'s value).
"""
from __future__ import annotations

import numpy as _np

from ..tracer import primal_of

_NAMES = ["zeros_like", "ones_like", "empty_like", "isscalar", "iscomplexobj",
          "isrealobj", "allclose", "isclose", "array_equal", "array_equiv",
          "can_cast", "min_scalar_type", "may_share_memory", "shares_memory",
          "count_nonzero", "ndim", "shape", "size",
          # indices from an array's shape, and membership tests (booleans)
          "diag_indices_from", "triu_indices_from", "tril_indices_from", "isin"]


def _values_only(npfunc):
    def f(*args, **kwargs):
        return npfunc(*[primal_of(a) for a in args],
                      **{k: primal_of(v) for k, v in kwargs.items()})
    f.__name__ = npfunc.__name__
    f.__doc__ = (f"``numpy.{npfunc.__name__}`` on the values of its arguments "
                 f"(no derivative: the result does not depend on them smoothly).")
    return f


for _n in _NAMES:
    globals()[_n] = _values_only(getattr(_np, _n))


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """``numpy.full_like``; differentiable in ``fill_value``, not in ``a``."""
    from ..tracer import Tracer
    from ._ufuncs import check_device
    check_device(device, "full_like")
    base = _np.zeros_like(primal_of(a), dtype=dtype, shape=shape)
    if isinstance(fill_value, Tracer):
        from ._shape import broadcast_to
        from ._ufuncs import astype
        return broadcast_to(astype(fill_value, base.dtype), base.shape) + base
    return _np.full_like(primal_of(a), fill_value, dtype=dtype, order=order, shape=shape)


__all__ = [n for n in _NAMES if n not in ("ndim", "shape", "size")] + ["full_like"]
del _n
