"""Statistics: weighted averages, order statistics, covariances, logsumexp.

Order statistics (``median``, ``quantile``, ``percentile`` and their ``nan``
forms) sort the *values* (a constant permutation, stable sort) and gather
from the differentiable input, so their derivative is that of the
interpolation formula: for ``method="linear"`` the result is
``v[lo] + f * (v[hi] - v[lo])`` with ``v`` the sorted sample,
``lo = floor(p)``, ``hi = lo + 1`` and ``f = p - lo`` for the position
``p = q * (n - 1)``; its derivative in ``q`` is ``(n - 1) * (v[hi] - v[lo])``.
Tied values: the stable sort ranks tied entries by their index, and the
derivative goes to the entry at the rank(s) used; see docs/conventions.md.

``logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False)`` is not a
NumPy function; it is SciPy's (``scipy.special.logsumexp``), kept here as the
stable reduction the SciPy namespace reuses.  Without ``b`` it is a primitive
whose derivative is the softmax ``exp(a - logsumexp(a))``.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> ad.grad(lambda a: dnp.median(a))(np.array([3.0, 1.0, 2.0, 5.0]))
array([0.5, 0. , 0.5, 0. ])
>>> round(float(dnp.logsumexp(np.array([1000.0, 1000.0]))), 6)   # 1000 + log 2, no overflow
1000.693147
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes
from ._reductions import _axis_arg, _count, expand_reduced, sum_p


# --- average -------------------------------------------------------------------------
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """``numpy.average``; differentiable in ``a`` and in ``weights``."""
    from ._reductions import mean
    from ._reductions import sum as sum_
    from ._shape import broadcast_to, reshape
    axis = _axis_arg(axis)
    nd = ndim_of(a)
    if weights is None:
        avg = mean(a, axis=axis, keepdims=keepdims)
        scl = _np.asarray(_count(a, axis), dtype=_np.result_type(primal_of(avg)))
    else:
        wshape = shape_of(weights)
        if tuple(wshape) != tuple(shape_of(a)):
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            axes = tuple(ax % nd for ax in norm_axes(axis, nd))
            if tuple(wshape) != tuple(shape_of(a)[ax] for ax in axes):
                raise ValueError("Shape of weights must be consistent with shape of a "
                                 "along specified axis.")
            shp = [1] * nd
            for ax, d in zip(axes, wshape):
                shp[ax] = d
            weights = reshape(weights, tuple(shp))
        if _np.result_type(primal_of(a)).kind not in "fc":
            from ._ufuncs import astype
            a = astype(a, _np.float64)
        w = broadcast_to(weights, shape_of(a)) if isinstance(weights, Tracer) \
            else _np.broadcast_to(weights, shape_of(a))
        scl = sum_(w, axis=axis, keepdims=keepdims)
        if _np.any(primal_of(scl) == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = sum_(a * w, axis=axis, keepdims=keepdims) / scl
    if returned:
        if shape_of(scl) != shape_of(avg):
            scl = broadcast_to(scl, shape_of(avg)) if isinstance(scl, Tracer) \
                else _np.broadcast_to(scl, shape_of(avg)).copy()
        return avg, scl
    return avg


# --- order statistics ---------------------------------------------------------------
_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def _rows(a, axis):
    """``a`` as ``(M, n)`` rows to reduce, the kept shape and the keepdims shape."""
    from ._shape import moveaxis, reshape
    shape = tuple(shape_of(a))
    nd = len(shape)
    if nd == 0:
        return reshape(a, (1, 1)), (), ()
    axes = tuple(ax % nd for ax in norm_axes(axis, nd))
    rest = tuple(i for i in range(nd) if i not in axes)
    moved = moveaxis(a, axes, tuple(range(nd - len(axes), nd))) if axis is not None else a
    kept = tuple(shape[i] for i in rest)
    n = 1
    for ax in axes:
        n *= shape[ax]
    kd = tuple(1 if i in axes else shape[i] for i in range(nd))
    m = 1
    for d in kept:
        m *= d
    return reshape(moved, (m, n)), kept, kd


def _quantile(a, q, axis, keepdims, method, skip_nan):
    from ._reductions import _nan_fill  # noqa: F401  (same NaN policy as nanmean)
    from ._shape import reshape
    from ._ufuncs import astype, where
    if method not in _METHODS:
        raise NotImplementedError(f"dualad quantile: method={method!r} is not supported; "
                                  f"use one of {_METHODS}")
    axis = _axis_arg(axis)
    if _np.result_type(primal_of(a)).kind not in "f":
        a = astype(a, _np.float64)
    qv = _np.asarray(primal_of(q), dtype=_np.float64)
    if _np.any((qv < 0) | (qv > 1)) or _np.any(_np.isnan(qv)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    rows, kept, kd = _rows(a, axis)
    vals = _np.asarray(primal_of(rows))
    m, n = vals.shape
    isnan = _np.isnan(vals)
    order = _np.argsort(vals, axis=-1, kind="stable")          # NaNs sort last
    nv = (n - _np.sum(isnan, axis=-1)) if skip_nan else _np.full(m, n)
    qshape = qv.shape
    qb = q if isinstance(q, Tracer) else qv
    qb = reshape(qb, qshape + (1,)) if isinstance(qb, Tracer) else qv[..., None]
    pos = qb * (_np.maximum(nv, 1) - 1).astype(_np.float64)   # shape qshape + (m,)
    posv = _np.asarray(primal_of(pos))
    top = _np.maximum(nv - 1, 0)
    if method == "nearest":
        lo = _np.around(posv)
    elif method == "higher":
        lo = _np.ceil(posv)
    else:
        lo = _np.floor(posv)
    lo = _np.clip(lo.astype(_np.intp), 0, top)
    hi = _np.minimum(lo + 1, top) if method in ("linear", "midpoint") else lo
    ridx = _np.broadcast_to(_np.arange(m), lo.shape)
    v_lo = rows[ridx, order[ridx, lo]]
    if method in ("linear", "midpoint"):
        v_hi = rows[ridx, order[ridx, hi]]
        f = 0.5 if method == "midpoint" else pos - lo
        out = v_lo + f * (v_hi - v_lo)
    else:
        out = v_lo
    bad = (nv == 0) if skip_nan else _np.any(isnan, axis=-1)
    if _np.any(bad):
        out = where(_np.broadcast_to(bad, _np.shape(posv)), _np.nan, out)
    return reshape(out, qshape + (kd if keepdims else kept))


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """``numpy.quantile``, differentiable in ``a`` and ``q`` (see the module notes)."""
    _no_extras("quantile", out, weights)
    return _quantile(a, q, axis, keepdims, interpolation or method, skip_nan=False)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """``numpy.percentile``: ``quantile(a, q / 100)``."""
    _no_extras("percentile", out, weights)
    return _quantile(a, _pct(q), axis, keepdims, interpolation or method, skip_nan=False)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.median``: the linear 0.5-quantile (the mean of the two middle values
    for an even count, each getting half the derivative)."""
    _no_extras("median", out, None)
    return _quantile(a, 0.5, axis, keepdims, "linear", skip_nan=False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None, interpolation=None):
    """``numpy.nanquantile``: the quantile of the non-NaN entries."""
    _no_extras("nanquantile", out, weights)
    return _quantile(a, q, axis, keepdims, interpolation or method, skip_nan=True)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None, interpolation=None):
    """``numpy.nanpercentile``."""
    _no_extras("nanpercentile", out, weights)
    return _quantile(a, _pct(q), axis, keepdims, interpolation or method, skip_nan=True)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.nanmedian``."""
    _no_extras("nanmedian", out, None)
    return _quantile(a, 0.5, axis, keepdims, "linear", skip_nan=True)


def _pct(q):
    return (q if isinstance(q, Tracer) else _np.asarray(q, dtype=_np.float64)) / 100.0


def _no_extras(name, out, weights):
    if out is not None:
        raise NotImplementedError(f"dualad.numpy.{name}: out= is not supported")
    if weights is not None:
        raise NotImplementedError(f"dualad.numpy.{name}: weights= is not supported")


# --- covariance and correlation -------------------------------------------------------
def _atleast_2d_rows(m, rowvar):
    from ._shape import reshape
    if ndim_of(m) > 2:
        raise ValueError("m has more than 2 dimensions")
    if ndim_of(m) < 2:
        m = reshape(m, (1, -1))
    if not rowvar and shape_of(m)[0] != 1:
        m = m.T
    return m


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """``numpy.cov``; differentiable in ``m``, ``y`` and the weights."""
    from ._products import dot
    from ._shape import concatenate, squeeze
    from ._ufuncs import _is_complex, astype, conj
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    x = _atleast_2d_rows(m, rowvar)
    if shape_of(x)[0] == 0:
        return _np.array([]).reshape(0, 0)
    if y is not None:
        x = concatenate([x, _atleast_2d_rows(y, rowvar)], axis=0)
    if dtype is not None or _np.result_type(primal_of(x)).kind not in "fc":
        x = astype(x, dtype or _np.float64)
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        from ._reductions import mean
        avg = mean(x, axis=1, keepdims=True)
        fact = shape_of(x)[1] - ddof
        xt = None
    else:
        avg, w_sum = average(x, axis=1, weights=w, returned=True, keepdims=True)
        w_sum = w_sum[0, 0]
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = w_sum - ddof
        else:
            from ._reductions import sum as sum_
            fact = w_sum - ddof * sum_(w * aweights) / w_sum
    x = x - avg
    xt = (x if w is None else x * w).T
    if _is_complex(xt):
        xt = conj(xt)
    c = dot(x, xt) / fact
    return squeeze(c)


def corrcoef(x, y=None, rowvar=True, bias=_np._NoValue, ddof=_np._NoValue, *, dtype=None):
    """``numpy.corrcoef``: ``cov / sqrt(outer(diag, diag))``."""
    from ._ufuncs import _is_complex, clip, real, sqrt
    c = cov(x, y, rowvar, dtype=dtype)
    if ndim_of(c) == 0:
        return c / c
    k = shape_of(c)[0]
    d = c[_np.arange(k), _np.arange(k)]
    sd = sqrt(real(d))
    c = c / sd[:, None]
    c = c / sd[None, :]
    if _is_complex(c):
        return c
    return clip(c, -1, 1)


# --- logsumexp --------------------------------------------------------------------------
def _lse_impl(a, axis=None, keepdims=False):
    mx = _np.max(a, axis=axis, keepdims=True)
    mx = _np.where(_np.isfinite(mx), mx, 0.0)
    with _np.errstate(divide="ignore"):
        out = _np.log(_np.sum(_np.exp(a - mx), axis=axis, keepdims=True)) + mx
    return out if keepdims else _np.squeeze(out, axis=axis)


def _softmax(ans, a, axis, keepdims):
    """``exp(a - logsumexp(a))``, 0 where the whole slice is ``-inf``."""
    from ._ufuncs import exp, isfinite, where
    full = expand_reduced(ans, a, axis, keepdims)
    return exp(a - where(isfinite(full), full, 0.0))


lse_p = primitive(_lse_impl, name="logsumexp")
defjvp(lse_p, lambda t, ans, a, axis=None, keepdims=False:
       sum_p(t * _softmax(ans, a, axis, keepdims), axis=axis, keepdims=keepdims))
defvjp_direct(lse_p, lambda g, ans, a, axis=None, keepdims=False:
              expand_reduced(g, a, axis, keepdims) * _softmax(ans, a, axis, keepdims))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``log(sum(b * exp(a), axis))`` computed stably (SciPy's signature).

    With ``return_sign=True`` returns ``(log|s|, sign(s))``; otherwise a
    negative sum gives NaN, as in SciPy.  Differentiable in ``a`` and ``b``.
    """
    from ._reductions import max as max_
    from ._reductions import sum as sum_
    from ._ufuncs import absolute, exp, isfinite, log, sign, where
    axis = _axis_arg(axis)
    if _np.result_type(primal_of(a)).kind not in "fc":
        from ._ufuncs import astype
        a = astype(a, _np.float64)
    ax = norm_axes(axis, ndim_of(a)) if ndim_of(a) else None
    if b is None:
        out = lse_p(a, axis=ax, keepdims=bool(keepdims)) if ax is not None else a
        if return_sign:
            return out, _np.ones_like(primal_of(out))
        return out
    from ._shape import broadcast_to
    shp = _np.broadcast_shapes(shape_of(a), shape_of(b))
    a = broadcast_to(a, shp) if isinstance(a, Tracer) else _np.broadcast_to(a, shp)
    ax = norm_axes(axis, len(shp)) if len(shp) else None
    mx = _np.asarray(primal_of(max_(primal_of(a), axis=ax, keepdims=True)))
    mx = _np.where(_np.isfinite(mx), mx, 0.0)
    s = sum_(b * exp(a - mx), axis=ax, keepdims=True)
    sgn = sign(s)
    with _np.errstate(divide="ignore", invalid="ignore"):
        if return_sign:
            out = log(absolute(s)) + mx
        else:
            out = log(s) + mx
    if not keepdims and ax is not None:
        from ._shape import squeeze
        out = squeeze(out, axis=ax)
        sgn = _np.squeeze(sgn, axis=ax)
    return (out, sgn) if return_sign else out


__all__ = ["average", "quantile", "percentile", "median", "nanquantile", "nanpercentile",
           "nanmedian", "cov", "corrcoef", "logsumexp"]
