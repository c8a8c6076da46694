"""Cumulative reductions and differences: the rule table.

``cumsum`` and ``cumprod`` are primitives with explicit JVP and VJP rules (the
VJP of a cumulative sum is a reversed cumulative sum).  ``cumprod`` is exact
where entries are zero: when the products are all normal numbers its rules
use ``cumprod(x) * cumsum(t / x)`` (O(n)).  Where they hold a zero (a zero
entry, or a product that underflows), overflow, where the scaled
tangent ``t / x`` or cotangent ``g * cumprod(x)`` would under- or overflow
(tiny cotangents), or where the values are traced (the rule is being differentiated again, and the derivatives of a
quotient cancel at small entries), they use a scan of products with no
division (O(n log n)), whose derivatives are exact at every order; a zero
tangent or cotangent meeting a product that overflowed contributes 0 there
(the entries a loss does not read keep their finite gradient).  ``diff``, ``ediff1d`` and ``trapezoid`` are
written with registry operations, so they need no rules of their own.

``numpy.maximum.accumulate`` / ``minimum.accumulate`` on a traced value (and
``dualad.numpy.maximum.accumulate``) is a running maximum (minimum): entry
``i`` is ``a`` gathered (``take_along_axis``) at the first index where the
running extreme was attained, so the values are NumPy's exactly.  **Ties**
follow ``max`` (docs/conventions.md): the ``k`` entries of ``a[..., :i+1]``
equal to the running extreme share its derivative, ``1/k`` each, so entry
``i`` has exactly the derivative of ``max(a[..., :i+1])`` and the last entry
that of ``max(a)``; with no tie this is the derivative of the single entry
attaining it.  (Infinite tied entries leave it all to the first of them; a
NaN entry gets it from where it appears on, as NumPy propagates it.)
``numpy.logaddexp.accumulate`` / ``logaddexp2.accumulate`` is a running
logsumexp with NumPy's values, whose derivative ``base^(x_j - y_i)`` is
computed by a stable scan (see :func:`_linear_scan`).  Differentiated again
(the rule's values traced), the rules use the ``n x n`` matrix of the prefix
logsumexps' weights, whose second derivatives keep full relative accuracy at
any spread, while it has at most ``2^22`` entries; beyond that the scan, whose
coefficients are then the two-argument shares ``expit(y_(i-1) - x_i)`` (exact
where the cancellation is within one step, but entries between two earlier
inputs of a later dominant one can lose relative accuracy).

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> ad.grad(lambda x: np.maximum.accumulate(x)[-1])(np.array([3.0, 1.0, 3.0]))
array([0.5, 0. , 0.5])
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
from ._normal import all_normal
from ._ufuncs import times_finite_zero


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
        t = _join(_last(t, None, d),
                  times_finite_zero(_last(t, d), xl) + times_finite_zero(_last(t, None, -d), xr))
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
        through_self = _join(_last(g, None, d), times_finite_zero(gr, _last(x, None, -d)))
        through_next = times_finite_zero(gr, _last(x, d))
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


def _exact_path(x, ans):
    """The scan rules are needed where ``x`` is traced (the rule is itself
    differentiated: the division form's derivatives cancel badly at small
    entries) or where the products are not all normal numbers (a zero
    entry, or a product that underflows or overflows, see
    :func:`all_normal`); otherwise the O(n) division form is exact to
    rounding."""
    return isinstance(x, Tracer) or not all_normal(ans)


def _cumprod_jvp(t, ans, x, axis=-1):
    if not _exact_path(x, ans):
        q = t / x
        if all_normal(q, unless=t):       # else t / x under- or overflowed
            return ans * cumsum_p(q, axis=axis)
    return _along_last(_scan_jvp, t, x, axis)


def _cumprod_vjp(g, ans, x, axis=-1):
    if not _exact_path(x, ans):
        ga = g * ans
        if all_normal(ga, unless=g):      # else g * ans under- or overflowed
            return _rev_cumsum(ga, axis) / x
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


# --- ufunc.accumulate of maximum / minimum / logaddexp ------------------------------
def _shift_in(v, axis, fill):
    """Plain ``v`` moved one place on along ``axis``, ``fill`` in front."""
    if not v.shape[axis]:
        return v
    head = _np.full_like(_np.take(v, [0], axis=axis), fill)
    body = _np.take(v, _np.arange(v.shape[axis] - 1), axis=axis)
    return _np.concatenate([head, body], axis=axis)


def _running_extreme(ufunc, a, axis=0, dtype=None):
    """``ufunc.accumulate(a, axis, dtype)`` for ``ufunc`` numpy.maximum or
    numpy.minimum: the running maximum (minimum), as a gather of ``a``.

    Entry ``i`` is ``a`` at the first index where the running extreme was
    attained, so values are NumPy's exactly (a NaN propagates from where it
    appears on).  Ties follow ``max``: the ``k`` entries of ``a[..., :i+1]``
    equal to the running extreme share its derivative, ``1/k`` each, so entry
    ``i`` has the derivative of ``max(a[..., :i+1])`` (infinite tied entries
    leave it all to the first of them).  Values are gathered from the primal
    with integer indices; there is no loop along the axis.
    """
    from ._indexing_extra import take_along_axis
    from ._shape import concatenate
    from ._ufuncs import astype, where
    x = _np.asarray(primal_of(a))
    m = ufunc.accumulate(x, axis=axis, dtype=dtype)      # NumPy's checks and dtype
    if m.dtype != x.dtype:
        a = astype(a, m.dtype)
        x = x.astype(m.dtype)
    ax = int(axis) % x.ndim if axis is not None else 0
    prev = _shift_in(m, ax, _np.nan)
    better = _np.greater if ufunc is _np.maximum else _np.less
    with _np.errstate(invalid="ignore"):
        record = better(x, prev) | (_np.isnan(x) & ~_np.isnan(prev))
    along = _np.arange(x.shape[ax]).reshape((-1,) + (1,) * (x.ndim - ax - 1))
    if x.shape[ax]:
        record[_along_first(ax)] = True
    first = _np.maximum.accumulate(_np.where(record, along, 0), axis=ax)
    y = take_along_axis(a, first, axis=ax)
    # the entries tied with the running extreme, up to each position
    tied = (x == m) & _np.isfinite(x)
    ctied = _np.cumsum(tied, axis=ax)
    k = ctied - take_along_axis(_shift_in(ctied, ax, 0), first, axis=ax)
    if not x.size or k.max() <= 1:
        return y
    # y + mean over the tied set of (a_j - a_first): 0 in value, sum_j t_j / k - t_first
    # in derivative; d is a running sum, the set's part is d_i - d_(first - 1)
    d = cumsum_p(where(tied, a - y, 0.0), axis=ax - x.ndim)
    zeros = _np.zeros_like(_np.take(x, [0], axis=ax))
    dpad = concatenate([zeros, d], axis=ax)
    before = take_along_axis(dpad, first, axis=ax)
    return y + (d - before) / _np.maximum(k, 1).astype(x.dtype)


def _along_first(ax):
    return (slice(None),) * ax + (0,)


def _linear_scan(c, u):
    """``z_i = c_i z_(i-1) + u_i`` along the last axis (``z_(-1) = 0``), by a
    Hillis-Steele scan of (coefficient, value) pairs: O(n log n), only products,
    sums, slices and concatenations, so exact to rounding and differentiable
    again at every order.  ``u`` may carry batch axes in front; ``c`` broadcasts."""
    n = shape_of(u)[-1]
    d = 1
    while d < n:
        u = _join(_last(u, None, d), _last(u, d) + _last(c, d) * _last(u, None, -d))
        if 2 * d < n:
            c = _join(_last(c, None, d), _last(c, d) * _last(c, None, -d))
        d *= 2
    return u


def _lae_coefficients(ans, x, base):
    """``(c, b)`` of ``y_i = logaddexp(y_(i-1), x_i)`` along the last axis:
    ``dy_i = c_i dy_(i-1) + b_i dx_i`` with ``c_i = base^(y_(i-1) - y_i)`` and
    ``b_i = base^(x_i - y_i)``, both in [0, 1]; 0 where ``y_i`` (or the entry)
    is ``-inf``."""
    from ._ufuncs import _share, exp, exp2, where
    power = exp if base == "e" else exp2
    y = _np.asarray(primal_of(ans))
    xp = _np.asarray(primal_of(x))
    live = y > -_np.inf
    ys = where(live, ans, 0.0)
    prev_live = _shift_in(live, live.ndim - 1, False)
    prev = _join(_last(ys, None, 1) * 0.0, _last(ys, None, -1))
    if isinstance(ans, Tracer) or isinstance(x, Tracer):
        # differentiated again: c_i = expit(y_(i-1) - x_i), b_i = expit(x_i - y_(i-1))
        # (times ln 2 in base 2), whose derivatives keep full relative accuracy
        # (exp(y_(i-1) - y_i) would differentiate to c (dy_(i-1) - dy_i), which
        # cancels where c is near 1)
        both = prev_live & (xp > -_np.inf)
        d = where(both, prev - x, 0.0)
        if base != "e":
            d = d * _np.log(2.0)
        c = where(both, _share(d), _np.where(prev_live, 1.0, 0.0))
        b = where(both, _share(-d), _np.where(xp > -_np.inf, 1.0, 0.0))
        return c, b
    c = where(live & prev_live, power(where(live & prev_live, prev - ys, 0.0)), 0.0)
    xl = live & (xp > -_np.inf)
    b = where(xl, power(where(xl, x - ys, 0.0)), 0.0)
    return c, b


def _flip_last(v):
    from ._indexing import getitem
    return getitem(v, (Ellipsis, slice(None, None, -1)))


# Differentiated again (traced values), a scan's second derivatives cancel between
# its steps (d2 y_i / dx_j dx_k for j, k < i when x_i dominates); where the n x n
# weights fit, the rules use them instead: w_ij = base^(x_j - y_i) for j <= i, the
# weights of the logsumexp of x[..., :i+1] (dualad.numpy._softmax, whose derivatives
# keep full relative accuracy).
_WEIGHT_MATRIX_LIMIT = 2 ** 22


def _prefix_weights(x, ans, base):
    """``w[..., i, j] = base^(x_j - y_i)`` for ``j <= i``, else 0 (last axis), or
    None when the matrix would exceed ``_WEIGHT_MATRIX_LIMIT`` entries."""
    from ._softmax import weights_p
    from ._ufuncs import where
    shape = tuple(shape_of(x))
    n = shape[-1]
    if not (isinstance(ans, Tracer) or isinstance(x, Tracer)) or \
            int(_np.prod(shape)) * n > _WEIGHT_MATRIX_LIMIT:
        return None
    lower = _np.tril(_np.ones((n, n), bool))
    xm = where(lower, x[..., None, :], -_np.inf)
    y = _np.asarray(primal_of(ans))[..., None]
    return weights_p(xm, None, axis=(-1,), lse=y, base=base)


def _lae_acc_jvp(t, ans, x, axis=-1, base="e"):
    def rule(t, x, ans):
        w = _prefix_weights(x, ans, base)
        if w is not None:
            return sum_p(w * t[..., None, :], axis=(-1,))
        c, b = _lae_coefficients(ans, x, base)
        return _linear_scan(c, b * t)
    return _along_last3(rule, t, x, ans, axis)


def _lae_acc_vjp(g, ans, x, axis=-1, base="e"):
    def rule(g, x, ans):
        w = _prefix_weights(x, ans, base)
        if w is not None:
            return sum_p(w * g[..., :, None], axis=(-2,))
        # transpose of z = scan(c, b t): r_j = g_j + c_(j+1) r_(j+1), cotangent b r
        c, b = _lae_coefficients(ans, x, base)
        c_next = _join(_last(c, 1), _last(c, None, 1) * 0.0)
        r = _flip_last(_linear_scan(_flip_last(c_next), _flip_last(g)))
        return b * r
    return _along_last3(rule, g, x, ans, axis)


def _along_last3(rule, v, x, ans, axis):
    from ._shape import moveaxis
    if axis == -1:
        return rule(v, x, ans)
    return moveaxis(rule(moveaxis(v, axis, -1), moveaxis(x, axis, -1),
                         moveaxis(ans, axis, -1)), -1, axis)


def _lae_acc_impl(x, axis=-1, base="e"):
    return (_np.logaddexp if base == "e" else _np.logaddexp2).accumulate(x, axis=axis)


logaddexp_accumulate_p = primitive(_lae_acc_impl, name="logaddexp.accumulate")
defjvp(logaddexp_accumulate_p, _lae_acc_jvp)
defvjp_direct(logaddexp_accumulate_p, _lae_acc_vjp)


def _logaddexp_accumulate(ufunc, a, axis=0, dtype=None):
    """``numpy.logaddexp.accumulate`` (``logaddexp2``): a running logsumexp,
    NumPy's values, derivative ``base^(x_j - y_i)`` of entry ``i`` in ``x_j``
    (``j <= i``) by a stable scan (no overflow however far apart the entries);
    ``-inf`` entries get derivative 0."""
    from ._ufuncs import astype
    x = _np.asarray(primal_of(a))
    m = ufunc.accumulate(x, axis=axis, dtype=dtype)      # NumPy's checks and dtype
    if not x.size:
        return m
    if m.dtype != x.dtype:
        a = astype(a, m.dtype)
    ax = norm_axes(0 if axis is None else int(axis), x.ndim)[0]
    return logaddexp_accumulate_p(a, axis=ax,
                                  base="e" if ufunc is _np.logaddexp else "2")


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
