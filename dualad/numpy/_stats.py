"""Statistics: weighted averages, order statistics, covariances, logsumexp.

Order statistics (``median``, ``quantile``, ``percentile`` and their ``nan``
forms) sort the *values* (a constant permutation, stable sort) and gather
from the differentiable input, so their derivative is that of the
interpolation formula: for ``method="linear"`` the result is
``v[lo] + f * (v[hi] - v[lo])`` with ``v`` the sorted sample,
``lo = floor(p)``, ``hi = lo + 1`` and ``f = p - lo`` for the position
``p = q * (n - 1)``; its derivative in ``q`` is ``(n - 1) * (v[hi] - v[lo])``.
Values, dtypes and result types are NumPy's, bit for bit: the position in q's
float dtype, NumPy's ``_lerp`` (from ``v[hi]`` when ``f >= 0.5``), a Python-number
``q`` keeping a float32 ``a`` float32 and a float64 ``q`` array making it float64;
``median`` is the mean of the two middle values, as NumPy computes it.
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
from ._short_axis import extreme
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


# the methods NumPy knows; the ones outside _METHODS are refused by name
_NUMPY_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                  "interpolated_inverted_cdf", "hazen", "weibull", "linear",
                  "median_unbiased", "normal_unbiased", "lower", "higher", "midpoint",
                  "nearest")


def _as_array(a):
    """Lists (also holding traced values) as arrays, as NumPy's asanyarray."""
    if isinstance(a, Tracer):
        return a
    from .. import numpy as _dnp
    return _dnp.asarray(a)


def _sorted_rows(a, axis, skip_nan, as_float):
    """``a`` as (M, n) rows, their stable sort order (NaNs last), the non-NaN
    counts, the rows that give NaN and the kept / keepdims shapes."""
    rows, kept, kd = _rows(a, axis)
    if as_float and _np.result_type(primal_of(rows)).kind not in "f":
        from ._ufuncs import astype
        rows = astype(rows, _np.float64)
    vals = _np.asarray(primal_of(rows))
    m, n = vals.shape
    isnan = _np.isnan(vals) if vals.dtype.kind in "fc" else _np.zeros(vals.shape, bool)
    order = _np.argsort(vals, axis=-1, kind="stable")          # NaNs sort last
    nv = (n - _np.sum(isnan, axis=-1)) if skip_nan else _np.full(m, n)
    bad = (nv == 0) if skip_nan else _np.any(isnan, axis=-1)
    return rows, order, nv, bad, kept, kd


def _finish(out, bad, shape):
    """NaN in the rows ``bad``, reshaped; a 0-d result is a NumPy scalar, as in NumPy."""
    from ._shape import reshape
    from ._ufuncs import where
    if _np.any(bad):
        out = where(_np.broadcast_to(bad, shape_of(out)), _np.nan, out)
    out = reshape(out, shape)
    return out[()] if shape == () else out


def _quantile(a, q, axis, keepdims, method, skip_nan, name, weak_q):
    """NumPy's ``_quantile`` for the methods in ``_METHODS``, with NumPy's dtypes and
    arithmetic: the position ``p = (n - 1) * q`` in q's float dtype (float64 for a
    Python number or integers), ``gamma`` the fraction of ``p`` (for midpoint 0.5,
    or 0 at an integer ``p``) and NumPy's ``_lerp``
    ``where(gamma >= 0.5, hi - d * (1 - gamma), lo + d * gamma)`` with
    ``d = hi - lo``.  A Python-number ``q`` (``weak_q``) leaves the result in a's
    dtype (gamma is a Python float to NumPy); a q array gives
    ``result_type(a, gamma)``.  Only a traced ``q`` makes gamma traced."""
    if method not in _METHODS:
        if method in _NUMPY_METHODS:
            raise NotImplementedError(f"dualad.numpy.{name}: method={method!r} is not "
                                      f"supported; use one of {_METHODS}")
        raise ValueError(f"dualad.numpy.{name}: {method!r} is not a valid method. Use one "
                         f"of: {_NUMPY_METHODS}")
    from ._shape import reshape
    from ._ufuncs import where
    axis = _axis_arg(axis)
    a = _as_array(a)
    if _np.result_type(primal_of(a)).kind == "c":
        raise TypeError("a must be an array of real numbers")
    qv = _np.asanyarray(primal_of(q))
    if qv.ndim > 2:      # NumPy 2's limit (its code would work for any ndim)
        raise ValueError("q must be a scalar or 1d")
    qf = qv.astype(_np.float64) if qv.dtype.kind != "f" else qv
    if _np.any((qf < 0) | (qf > 1)) or _np.any(_np.isnan(qf)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    # integer q with method='linear' needs no interpolation (NumPy takes the entries)
    interp = method == "midpoint" or (method == "linear" and qv.dtype.kind == "f")
    rows, order, nv, bad, kept, kd = _sorted_rows(a, axis, skip_nan, as_float=interp)
    m = shape_of(rows)[0]
    pdt = qv.dtype if qv.dtype.kind == "f" else _np.dtype(_np.float64)
    nm1 = (_np.maximum(nv, 1) - 1).astype(pdt)               # exact: n - 1 < 2**24
    qshape = qv.shape
    pos = qv.astype(pdt)[..., None] * nm1                    # (n - 1) * q, qshape + (m,)
    top = _np.maximum(nv - 1, 0)
    if method == "nearest":
        lo = _np.around(pos)
    elif method == "higher":
        lo = _np.ceil(pos)
    else:
        lo = _np.floor(pos)
    lo = _np.clip(lo.astype(_np.intp), 0, top)
    ridx = _np.broadcast_to(_np.arange(m), lo.shape)
    v_lo = rows[ridx, order[ridx, lo]]
    if not interp:
        return _finish(v_lo, bad, qshape + (kd if keepdims else kept))
    hi = _np.minimum(lo + 1, top)
    v_hi = rows[ridx, order[ridx, hi]]
    if method == "midpoint":
        gamma = _np.where(pos == _np.floor(pos), 0.0, 0.5).astype(pdt)
    elif isinstance(q, Tracer):       # linear in a traced q: d gamma / dq = n - 1
        gamma = reshape(q, qshape + (1,)) * nm1 - lo.astype(pdt)
    else:
        gamma = pos - lo.astype(pdt)
    g = _np.asarray(primal_of(gamma))
    upper = g >= 0.5
    if weak_q:     # NumPy: gamma a Python float, weakly cast to a's dtype
        adt = _np.result_type(primal_of(v_lo))
        t, omt = g.astype(adt), (1.0 - g).astype(adt)
    else:
        t = gamma
        omt = 1 - gamma
    diff = v_hi - v_lo
    if _np.all(~upper):
        out = v_lo + diff * t
    elif _np.all(upper):
        out = v_hi - diff * omt
    else:
        out = where(upper, v_hi - diff * omt, v_lo + diff * t)
    shape = qshape + (kd if keepdims else kept)
    adt = _np.result_type(primal_of(v_lo))
    if _np.result_type(primal_of(out)) != adt and (
            (skip_nan and bad[0]) or (not skip_nan and qshape + kept == () and bad.any())):
        # NumPy's quirks, followed for its dtypes: nanquantile builds its result in
        # the dtype of the first row's, which for an all-NaN row is a's; quantile
        # hands back a's NaN entry itself for a 0-d result
        from ._ufuncs import astype
        out = astype(out, adt)
    return _finish(out, bad, shape)


def _median(a, axis, keepdims, skip_nan):
    """NumPy's ``median``: the middle entry, or the mean ``(lo + hi) / 2`` of the two
    middle entries (each gets half the derivative), in a's float dtype."""
    axis = _axis_arg(axis)
    a = _as_array(a)
    if _np.result_type(primal_of(a)).kind == "c":
        raise TypeError("a must be an array of real numbers")
    rows, order, nv, bad, kept, kd = _sorted_rows(a, axis, skip_nan, as_float=True)
    m, n = shape_of(rows)
    if n == 0:     # NumPy: the mean of an empty slice, NaN
        import warnings
        warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=3)
        nan = _np.full(m, _np.nan, dtype=_np.result_type(primal_of(rows)))
        return _finish(nan, _np.zeros(m, bool), kd if keepdims else kept)
    k = _np.maximum(nv, 1)
    lo = (k - 1) // 2
    hi = k // 2
    ridx = _np.arange(m)
    v_lo = rows[ridx, order[ridx, lo]]
    if _np.all(lo == hi):
        out = v_lo
    else:
        from ._ufuncs import where
        v_hi = rows[ridx, order[ridx, hi]]
        mean2 = (v_lo + v_hi) / 2.0
        out = mean2 if _np.all(lo != hi) else where(lo == hi, v_lo, mean2)
    return _finish(out, bad, kd if keepdims else kept)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
             keepdims=False, *, weights=None, interpolation=None):
    """``numpy.quantile``, differentiable in ``a`` and ``q`` (see the module notes)."""
    _no_extras("quantile", out, weights)
    return _quantile(a, q, axis, keepdims, interpolation or method, False, "quantile",
                     type(q) in (int, float))


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
               keepdims=False, *, weights=None, interpolation=None):
    """``numpy.percentile``: ``quantile(a, q / 100)``."""
    _no_extras("percentile", out, weights)
    return _quantile(a, _pct(q), axis, keepdims, interpolation or method, False,
                     "percentile", type(q) in (int, float))


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.median``: the middle value, or the mean of the two middle values for an
    even count (each getting half the derivative)."""
    _no_extras("median", out, None)
    return _median(a, axis, keepdims, skip_nan=False)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                keepdims=False, *, weights=None, interpolation=None):
    """``numpy.nanquantile``: the quantile of the non-NaN entries."""
    _no_extras("nanquantile", out, weights)
    return _quantile(a, q, axis, keepdims, interpolation or method, True, "nanquantile",
                     type(q) in (int, float))


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                  keepdims=False, *, weights=None, interpolation=None):
    """``numpy.nanpercentile``."""
    _no_extras("nanpercentile", out, weights)
    return _quantile(a, _pct(q), axis, keepdims, interpolation or method, True,
                     "nanpercentile", type(q) in (int, float))


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.nanmedian``."""
    _no_extras("nanmedian", out, None)
    return _median(a, axis, keepdims, skip_nan=True)


def _pct(q):
    # NumPy: true_divide(q, 100), keeping a float32 q float32
    return q / 100 if isinstance(q, Tracer) else _np.true_divide(q, 100)


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
    if dtype is None:     # NumPy computes in result_type(m, y, float64): float32 -> float64
        dtype = _np.result_type(primal_of(m), _np.float64) if y is None else \
            _np.result_type(primal_of(m), primal_of(y), _np.float64)
    if y is not None:
        x = concatenate([x, _atleast_2d_rows(y, rowvar)], axis=0)
    if _np.result_type(primal_of(x)) != _np.dtype(dtype):
        x = astype(x, dtype)
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
    if isinstance(fact, Tracer):
        inv = 1.0 / fact
    else:
        if fact <= 0:
            import warnings
            warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
            fact = 0.0
        with _np.errstate(divide="ignore"):
            inv = _np.true_divide(1, fact)
    c = dot(x, xt) * inv        # as NumPy: c *= true_divide(1, fact)
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
    mx = extreme(_np.maximum, a, axis, True) if type(a) is _np.ndarray and a.size else \
        _np.max(a, axis=axis, keepdims=True)
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
