"""Cumulative reductions and differences: the rule table.

``cumsum`` and ``cumprod`` are primitives with explicit JVP and VJP rules (the
VJP of a cumulative sum is a reversed cumulative sum).  ``cumprod`` is exact
where entries are zero: when the values hold no zero its rules use
``cumprod(x) * cumsum(t / x)`` (O(n)).  Where the values hold a zero, or are
traced (the rule is being differentiated again, and the derivatives of a
quotient cancel at small entries), they use a scan of products with no
division (O(n log n)), whose derivatives are exact at every order.  ``diff``, ``ediff1d`` and ``trapezoid`` are
written with registry operations, so they need no rules of their own.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> # d/dx of x0 + x0 x1 + x0 x1 x2 at (2, 0, 3) is (1 + x1 + x1 x2, x0 + x0 x2, x0 x1)
>>> ad.grad(lambda x: dnp.sum(dnp.cumprod(x)))(np.array([2.0, 0.0, 3.0]))
array([1., 8., 0.])
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes
from ._reductions import _nan_fill, prod_p, sum_p


def _one_axis(a, axis):
    """``(a, negative axis)``; ``axis=None`` flattens ``a`` first."""
    from ._shape import ravel
    if axis is None:
        return ravel(a), -1
    return a, norm_axes(int(axis), ndim_of(a))[0]


def _cumulative_operand(a, axis, dtype):
    """``(a, axis)`` prepared as numpy.cumsum / cumprod see them: cast to
    ``dtype``, flattened for ``axis=None``, a 0-d value made 1-d."""
    from ._shape import reshape
    from ._ufuncs import astype
    if dtype is not None:
        a = astype(a, dtype)
    a, ax = _one_axis(a, axis)
    if _np.ndim(primal_of(a)) == 0:
        a = reshape(a, (1,))
    return a, ax


# --- cumsum ------------------------------------------------------------------------
def _cumsum_impl(x, axis=-1):
    return _np.cumsum(x, axis=axis)


def _rev_cumsum(g, axis):
    """``r_i = sum_{j >= i} g_j`` along ``axis``: the transpose of ``cumsum``."""
    return _flip(cumsum_p(_flip(g, axis), axis=axis), axis)


def _flip(g, axis):
    """``g`` reversed along negative ``axis`` (batch axes in front are left alone)."""
    from ._indexing import getitem
    return getitem(g, (Ellipsis, slice(None, None, -1)) + (slice(None),) * (-axis - 1))


cumsum_p = primitive(_cumsum_impl, name="cumsum")
defjvp(cumsum_p, lambda t, ans, x, axis=-1: cumsum_p(t, axis=axis))
defvjp_direct(cumsum_p, lambda g, ans, x, axis=-1: _rev_cumsum(g, axis))


def cumsum(a, axis=None, dtype=None, out=None):
    """``numpy.cumsum``, differentiable in ``a``."""
    if out is not None:
        return _np.cumsum(a, axis=axis, dtype=dtype, out=out)
    a, ax = _cumulative_operand(a, axis, dtype)
    return cumsum_p(a, axis=ax)


# --- cumprod -----------------------------------------------------------------------
def _cumprod_impl(x, axis=-1):
    return _np.cumprod(x, axis=axis)


def _has_zero(x):
    return bool(_np.any(_np.equal(primal_of(x), 0)))


def _last(v, lo=None, hi=None):
    """``v[..., lo:hi]``: a slice of the last axis, batch axes in front kept."""
    from ._indexing import getitem
    return getitem(v, (Ellipsis, slice(lo, hi)))


def _join(a, b):
    from ._shape import concatenate
    return concatenate([a, b], axis=-1)


def _scan_jvp(t, x):
    """Tangent of ``cumprod(x)`` along the last axis, without a division.

    A Hillis-Steele scan on (value, tangent) pairs: after the step with
    stride ``d`` each entry holds the product of the ``2d`` entries ending at
    it, and its tangent by the product rule.  Only multiplications, sums,
    slices and concatenations, so its own derivatives are exact at every order
    however small or zero the entries are.  O(n log n) along the axis.
    """
    n = shape_of(x)[-1]
    d = 1
    while d < n:
        xl, xr = _last(x, None, -d), _last(x, d)
        t = _join(_last(t, None, d), _last(t, d) * xl + xr * _last(t, None, -d))
        x = _join(_last(x, None, d), xr * xl)
        d *= 2
    return t


def _scan_vjp(g, x):
    """Cotangent of ``x`` for cotangent ``g`` of ``cumprod(x)`` along the last
    axis: the steps of :func:`_scan_jvp` transposed, last step first."""
    n = shape_of(x)[-1]
    steps = []
    d = 1
    while d < n:
        steps.append((d, x))
        x = _join(_last(x, None, d), _last(x, d) * _last(x, None, -d))
        d *= 2
    for d, x in reversed(steps):
        # y_i = x_i (i < d), x_i x_(i-d) (i >= d): x_i feeds y_i and y_(i+d)
        gr = _last(g, d)
        through_self = _join(_last(g, None, d), gr * _last(x, None, -d))
        through_next = gr * _last(x, d)
        zeros = _np.zeros(tuple(shape_of(through_next)[:-1]) + (d,),
                          dtype=_np.result_type(primal_of(through_next)))
        g = through_self + _join(through_next, zeros)
    return g


def _along_last(rule, v, x, axis):
    """``rule(v, x)`` with ``axis`` moved to the end and back (``v`` may carry batch axes)."""
    from ._shape import moveaxis
    if axis == -1:
        return rule(v, x)
    return moveaxis(rule(moveaxis(v, axis, -1), moveaxis(x, axis, -1)), -1, axis)


def _exact_path(x):
    """The scan rules are needed where ``x`` is traced (the rule is itself
    differentiated: the division form's derivatives cancel badly at small
    entries) or holds a zero; otherwise the O(n) division form is exact to
    rounding."""
    return isinstance(x, Tracer) or _has_zero(x)


def _cumprod_jvp(t, ans, x, axis=-1):
    if not _exact_path(x):
        return ans * cumsum_p(t / x, axis=axis)
    return _along_last(_scan_jvp, t, x, axis)


def _cumprod_vjp(g, ans, x, axis=-1):
    if not _exact_path(x):
        return _rev_cumsum(g * ans, axis) / x
    return _along_last(_scan_vjp, g, x, axis)


cumprod_p = primitive(_cumprod_impl, name="cumprod")
defjvp(cumprod_p, _cumprod_jvp)
defvjp_direct(cumprod_p, _cumprod_vjp)


def cumprod(a, axis=None, dtype=None, out=None):
    """``numpy.cumprod``; exact derivatives also where entries are zero."""
    if out is not None:
        return _np.cumprod(a, axis=axis, dtype=dtype, out=out)
    a, ax = _cumulative_operand(a, axis, dtype)
    return cumprod_p(a, axis=ax)


def nancumsum(a, axis=None, dtype=None, out=None):
    """``numpy.nancumsum``: NaNs count as 0 (derivative 0 there)."""
    if out is not None:
        return _np.nancumsum(a, axis=axis, dtype=dtype, out=out)
    return cumsum(_nan_fill(a, 0.0)[0], axis=axis, dtype=dtype)


def nancumprod(a, axis=None, dtype=None, out=None):
    """``numpy.nancumprod``: NaNs count as 1 (derivative 0 there)."""
    if out is not None:
        return _np.nancumprod(a, axis=axis, dtype=dtype, out=out)
    return cumprod(_nan_fill(a, 1.0)[0], axis=axis, dtype=dtype)


def _with_initial(c, x, axis, value):
    from ._shape import concatenate
    ax = norm_axes(axis, ndim_of(c))[0]
    shp = list(shape_of(c))
    shp[ax] = 1
    first = _np.full(shp, value, dtype=_np.result_type(primal_of(c)))
    return concatenate([first, c], axis=ax)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """``numpy.cumulative_sum`` (the array-API ``cumsum``)."""
    if out is not None:
        return _np.cumulative_sum(x, axis=axis, dtype=dtype, out=out,
                                  include_initial=include_initial)
    if axis is None and ndim_of(x) > 1:
        raise ValueError("cumulative_sum: axis must be given for arrays of more than one dimension")
    c = cumsum(x, axis=axis, dtype=dtype)
    return _with_initial(c, x, -1 if axis is None else axis, 0) if include_initial else c


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """``numpy.cumulative_prod`` (the array-API ``cumprod``)."""
    if out is not None:
        return _np.cumulative_prod(x, axis=axis, dtype=dtype, out=out,
                                   include_initial=include_initial)
    if axis is None and ndim_of(x) > 1:
        raise ValueError("cumulative_prod: axis must be given for arrays of more than one dimension")
    c = cumprod(x, axis=axis, dtype=dtype)
    return _with_initial(c, x, -1 if axis is None else axis, 1) if include_initial else c


# --- differences and integration ----------------------------------------------------
def _slice_along(nd, axis, sl):
    idx = [slice(None)] * nd
    idx[axis] = sl
    return tuple(idx)


def _edge(v, a, axis):
    """``prepend`` / ``append`` value ``v`` shaped to join ``a`` along ``axis``."""
    from ._shape import broadcast_to
    if ndim_of(v) == 0:
        shp = list(shape_of(a))
        shp[axis] = 1
        return broadcast_to(v, tuple(shp)) if isinstance(v, Tracer) else _np.broadcast_to(v, shp)
    return v


def diff(a, n=1, axis=-1, prepend=_np._NoValue, append=_np._NoValue):
    """``numpy.diff``; ``prepend`` and ``append`` are differentiable too.  On
    plain values it is NumPy's (so a boolean difference is ``not_equal``)."""
    from ._shape import concatenate
    if not any(isinstance(v, Tracer) for v in (a, prepend, append)):
        return _np.diff(a, n=n, axis=axis, prepend=prepend, append=append)
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    nd = ndim_of(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = norm_axes(axis, nd)[0] + nd
    parts = []
    if prepend is not _np._NoValue:
        parts.append(_edge(prepend, a, axis))
    parts.append(a)
    if append is not _np._NoValue:
        parts.append(_edge(append, a, axis))
    if len(parts) > 1:
        a = concatenate(parts, axis=axis)
    hi = _slice_along(nd, axis, slice(1, None))
    lo = _slice_along(nd, axis, slice(None, -1))
    for _ in range(n):
        a = a[hi] - a[lo]
    return a


def ediff1d(ary, to_end=None, to_begin=None):
    """``numpy.ediff1d``; ``to_begin`` / ``to_end`` are differentiable too."""
    from ._shape import concatenate, ravel
    from ._ufuncs import astype
    from .. import numpy as _dnp      # asarray stacks lists holding traced values
    ary = ravel(_dnp.asarray(ary))
    dt = _np.result_type(primal_of(ary))
    d = diff(ary)

    def extra(v, name):
        # NumPy casts the extras to ary's dtype (same_kind), so float32 stays float32
        v = ravel(_dnp.asarray(v))
        vdt = _np.result_type(primal_of(v))
        if not _np.can_cast(vdt, dt, casting="same_kind"):
            raise TypeError(f"dtype of `{name}` must be compatible with input `ary` "
                            f"under the `same_kind` rule.")
        return v if vdt == dt else astype(v, dt)

    parts = []
    if to_begin is not None:
        parts.append(extra(to_begin, "to_begin"))
    parts.append(d)
    if to_end is not None:
        parts.append(extra(to_end, "to_end"))
    return concatenate(parts) if len(parts) > 1 else d


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """``numpy.trapezoid``, differentiable in ``y``, ``x`` and ``dx``."""
    from ._reductions import sum as sum_
    from ._shape import reshape
    # lists and tuples are arrays, as in NumPy (y[hi] below needs an array)
    from .. import numpy as _dnp      # asarray stacks lists holding traced values
    y = _dnp.asarray(y)
    if x is not None:
        x = _dnp.asarray(x)
    nd = ndim_of(y)
    axis = norm_axes(axis, nd)[0] + nd
    if x is None:
        d = dx
    elif ndim_of(x) == 1:
        d = diff(x)
        shp = [1] * nd
        shp[axis] = shape_of(d)[0]
        d = reshape(d, tuple(shp))
    else:
        d = diff(x, axis=axis)
    hi = _slice_along(nd, axis, slice(1, None))
    lo = _slice_along(nd, axis, slice(None, -1))
    return sum_(d * (y[hi] + y[lo]) / 2.0, axis=axis)


__all__ = ["cumsum", "cumprod", "nancumsum", "nancumprod", "cumulative_sum",
           "cumulative_prod", "diff", "ediff1d", "trapezoid"]
