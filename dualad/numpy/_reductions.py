"""Reductions: the rule table.

``max`` / ``min`` split the derivative equally between tied maxima (so the
derivative of ``max(x)`` sums to 1); this matches ``maximum``'s convention.
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import ndim_of, shape_of
from ._broadcast import norm_axes


def _sum_impl(x, axis=None, keepdims=False):
    return _np.sum(x, axis=axis, keepdims=keepdims)


def expand_reduced(g, x, axis, keepdims):
    """Cotangent ``g`` of a reduction of ``x``, broadcast back to ``batch + x.shape``."""
    from ._shape import broadcast_to, reshape
    nd = ndim_of(x)
    xs = shape_of(x)
    gs = shape_of(g)
    axes = norm_axes(axis, nd)
    nb = len(gs) - (nd if keepdims else nd - len(axes))
    if not keepdims:
        kept = tuple(1 if (i - nd) in axes else d for i, d in enumerate(xs))
        g = reshape(g, gs[:nb] + kept)
    return broadcast_to(g, gs[:nb] + tuple(xs))


sum_p = primitive(_sum_impl, name="sum")
defjvp(sum_p, lambda t, ans, x, axis=None, keepdims=False:
       sum_p(t, axis=norm_axes(axis, ndim_of(x)), keepdims=keepdims))
defvjp_direct(sum_p, lambda g, ans, x, axis=None, keepdims=False:
              expand_reduced(g, x, axis, keepdims))


def _axis_arg(axis):
    if isinstance(axis, list):
        axis = tuple(axis)
    return axis


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``numpy.sum``, differentiable in ``a``."""
    if out is not None or initial is not None or where is not None:
        from ..tracer import Tracer
        if isinstance(a, Tracer):
            raise NotImplementedError("dualad.numpy.sum: out=, initial= and where= "
                                      "are not supported on traced values")
        return _np.sum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                       **({} if initial is None else {"initial": initial}),
                       **({} if where is None else {"where": where}))
    if dtype is not None:
        from ._ufuncs import astype
        a = astype(a, dtype)
    return sum_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))


def _count(a, axis):
    shape = shape_of(a)
    n = 1
    for ax in norm_axes(axis, len(shape)):
        n *= shape[ax]
    return n


def mean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """``numpy.mean``, differentiable in ``a``."""
    if out is not None or where is not None:
        return _np.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                        **({} if where is None else {"where": where}))
    axis = _axis_arg(axis)
    s = sum(a, axis=axis, dtype=dtype, keepdims=keepdims)
    n = _count(a, axis)
    if _np.result_type(s).kind not in "fc":
        from ._ufuncs import astype
        s = astype(s, _np.float64)
    return s / n


# --- max / min -----------------------------------------------------------------
def _extreme_weights(ans, x, axis, keepdims):
    """1/k at each of the k positions attaining the extreme, 0 elsewhere."""
    from ._ufuncs import equal
    full = expand_reduced(ans, x, axis, keepdims)
    hit = equal(x, full) * 1.0
    return hit / _np.sum(hit, axis=norm_axes(axis, ndim_of(x)), keepdims=True)


def _make_extreme(npfunc, name):
    def impl(x, axis=None, keepdims=False):
        return npfunc(x, axis=axis, keepdims=keepdims)
    p = primitive(impl, name=name)
    defjvp(p, lambda t, ans, x, axis=None, keepdims=False:
           sum_p(t * _extreme_weights(ans, x, axis, keepdims),
                 axis=norm_axes(axis, ndim_of(x)), keepdims=keepdims))
    defvjp_direct(p, lambda g, ans, x, axis=None, keepdims=False:
                  expand_reduced(g, x, axis, keepdims) * _extreme_weights(ans, x, axis, keepdims))
    return p


max_p = _make_extreme(_np.max, "max")
min_p = _make_extreme(_np.min, "min")


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``numpy.max``; tied maxima share the derivative equally."""
    if out is not None or initial is not None or where is not None:
        return _np.max(a, axis=axis, out=out, keepdims=keepdims,
                       **({} if initial is None else {"initial": initial}),
                       **({} if where is None else {"where": where}))
    return max_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``numpy.min``; tied minima share the derivative equally."""
    if out is not None or initial is not None or where is not None:
        return _np.min(a, axis=axis, out=out, keepdims=keepdims,
                       **({} if initial is None else {"initial": initial}),
                       **({} if where is None else {"where": where}))
    return min_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))


amax = max
amin = min


# --- prod ----------------------------------------------------------------------
def _prod_impl(x, axis=None, keepdims=False):
    return _np.prod(x, axis=axis, keepdims=keepdims)


def _prod_others(x, axis):
    """For each entry, the product of the other entries along ``axis``.

    Exact where entries are zero: the product of the non-zero entries is
    multiplied by the zero entries themselves (as traced values), so first and
    second derivatives are exact however many zeros there are (third and
    higher ones too with at most two zeros).
    """
    from ._ufuncs import equal, where
    ax = norm_axes(axis, ndim_of(x))
    is0 = equal(x, 0)
    safe = where(is0, 1.0, x)
    nz = _np.sum(is0, axis=ax, keepdims=True)
    p_nz = prod_p(safe, axis=ax, keepdims=True)
    if not _np.any(nz):
        return p_nz / safe
    zeros_prod = prod_p(where(is0, x, 1.0), axis=ax, keepdims=True)
    zsum = sum_p(where(is0, x, 0.0), axis=ax, keepdims=True)
    other_zeros = where(nz == 1, 1.0, where(nz == 2, zsum - x, 0.0))
    return where(is0, p_nz * other_zeros, p_nz / safe * zeros_prod)


prod_p = primitive(_prod_impl, name="prod")
defjvp(prod_p, lambda t, ans, x, axis=None, keepdims=False:
       sum_p(t * _prod_others(x, axis), axis=norm_axes(axis, ndim_of(x)), keepdims=keepdims))
defvjp_direct(prod_p, lambda g, ans, x, axis=None, keepdims=False:
              expand_reduced(g, x, axis, keepdims) * _prod_others(x, axis))


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``numpy.prod``; exact derivatives also where entries are zero."""
    if out is not None or initial is not None or where is not None:
        return _np.prod(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                        **({} if initial is None else {"initial": initial}),
                        **({} if where is None else {"where": where}))
    if dtype is not None:
        from ._ufuncs import astype
        a = astype(a, dtype)
    return prod_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))

__all__ = ["sum", "mean", "max", "min", "amax", "amin", "prod"]
