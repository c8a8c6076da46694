"""``ufunc.reduce`` for the binary ufuncs without a reduction of their own.

``add``, ``multiply``, ``maximum``, ``minimum`` (``sum``, ``prod``, ``max``,
``min``) and ``logaddexp`` / ``logaddexp2`` have reductions of their own (see
``_dispatch``).  Every other binary ufunc dualad differentiates reduces here:
the value is NumPy's ``ufunc.reduce`` on the plain values (its checks, order
of operations, dtype and empty-slice behaviour), and the derivative that of
the fold ``((x0 op x1) op x2) op ...`` written with dualad's ufunc, which
equals it up to rounding.  ``subtract`` and ``divide`` fold in one step
(``x0 - sum(rest)``, ``x0 / prod(rest)``); ``hypot``, ``fmax`` and ``fmin``,
associative and commutative, fold pairwise (``log2(n)`` vectorised steps);
the others one entry at a time.

>>> import numpy as np, dualad as ad
>>> ad.grad(lambda x: np.hypot.reduce(x))(np.array([3.0, 4.0]))
array([0.6, 0.8])
"""
from __future__ import annotations

import numpy as _np

from ..tracer import Tracer, primal_of
from ._broadcast import norm_axes

#: associative and commutative: any pairing gives the same function
_PAIRWISE = frozenset(("hypot", "fmax", "fmin"))


def _pairwise(op, x):
    """The fold of ``x`` along axis 0 as a tree of ``op`` (``x`` traced, length >= 1)."""
    from ._shape import concatenate
    while x.shape[0] > 1:
        n = x.shape[0]
        head = op(x[0:n - 1:2], x[1:n:2])
        x = concatenate([head, x[n - 1:]], axis=0) if n % 2 else head
    return x[0]


def fold_reduce(ufunc, ours, a, axis=0, dtype=None, out=None, keepdims=False,
                initial=_np._NoValue, where=True):
    """``ufunc.reduce(a, ...)`` with NumPy's value and the derivative of the
    fold of ``ours`` (dualad's version of ``ufunc``) over the reduced axes."""
    from . import asarray
    from ._reductions import prod, sum as sum_
    from ._shape import concatenate, moveaxis, reshape
    from ._ufuncs import astype
    name = f"numpy.{ufunc.__name__}.reduce"
    if out is not None:
        raise TypeError(f"{name}: out= writes into an array in place, which cannot hold a "
                        f"traced value; use the returned value instead")
    if not (where is True or (not isinstance(where, Tracer) and _np.all(where))):
        raise NotImplementedError(f"{name}: where= is not supported with traced values; "
                                  f"select the entries first (dualad.numpy.compress)")
    extra = {} if initial is _np._NoValue else {"initial": primal_of(initial)}
    x = asarray(a)
    # NumPy's own checks (axes, dtype, reorderability, empty slices) and value
    value = _np.asarray(ufunc.reduce(_np.asarray(primal_of(x)), axis=axis, dtype=dtype,
                                     keepdims=keepdims, **extra))
    nd = x.ndim
    axes = norm_axes(axis, nd) if nd else ()
    if not axes:                                 # nothing reduced
        e = x if initial is _np._NoValue else ours(initial, x)
        return _exact(value, e)
    if _np.result_type(primal_of(x)) != value.dtype:
        x = astype(x, value.dtype)
    x = moveaxis(x, axes, tuple(range(len(axes))))
    kept = x.shape[len(axes):]
    x = reshape(x, (-1,) + kept)
    if initial is not _np._NoValue:
        init = asarray(initial) + _np.zeros(kept, value.dtype)
        x = concatenate([reshape(init, (1,) + kept), x], axis=0)
    if x.shape[0] == 0:
        return value
    n = ufunc.__name__
    if n == "subtract":
        e = x[0] - sum_(x[1:], axis=0)
    elif n == "divide" or n == "true_divide":
        e = x[0] / prod(x[1:], axis=0)
    elif n in _PAIRWISE:
        e = _pairwise(ours, x)
    else:
        e = x[0]
        for i in range(1, x.shape[0]):
            e = ours(e, x[i])
    return _exact(value, reshape(e, value.shape))


def _exact(value, e):
    from ._poly import _exact as exact
    return exact(value, e)
