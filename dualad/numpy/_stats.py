"""Statistics: weighted averages, order statistics, covariances, logsumexp.

Order statistics (``median``, ``quantile``, ``percentile`` and their ``nan``
forms) sort the *values* (a constant permutation, stable sort) and gather
from the differentiable input, so their derivative is that of the
interpolation formula: for ``method="linear"`` the result is
``v[lo] + f * (v[hi] - v[lo])`` with ``v`` the sorted sample,
``lo = floor(p)``, ``hi = lo + 1`` and ``f = p - lo`` for the position
``p = q * (n - 1)``; its derivative in ``q`` is ``(n - 1) * (v[hi] - v[lo])``.
Every NumPy ``method`` is supported: the continuous ones (hazen, weibull,
median_unbiased, normal_unbiased, interpolated_inverted_cdf) interpolate at
``p = n q + alpha + q (1 - alpha - beta) - 1``, derivative in ``q`` the slope
``n + 1 - alpha - beta`` times ``v[hi] - v[lo]``; midpoint and
averaged_inverted_cdf interpolate with a fixed weight, and the discrete ones
(inverted_cdf, closest_observation, lower, higher, nearest, and ``weights=``,
which NumPy allows with inverted_cdf only) pick one order statistic: their
derivative in ``a`` is a gather and in ``q`` (and the weights) 0.  Plain
arguments go to NumPy's own function.
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
``numpy.logaddexp.reduce`` (``logaddexp2.reduce``) on a traced value is a
primitive with the same derivative (``2^(a - out)`` for base 2) whose values
are NumPy's own (its pairwise ``logaddexp`` in its order); ``-inf`` entries
get derivative 0, also when the whole slice is ``-inf``.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> ad.grad(np.logaddexp.reduce)(np.array([0.0, np.log(3.0), -np.inf]))
array([0.25, 0.75, 0.  ])
>>> ad.grad(lambda a: dnp.median(a))(np.array([3.0, 1.0, 2.0, 5.0]))
array([0.5, 0. , 0.5, 0. ])
>>> round(float(dnp.logsumexp(np.array([1000.0, 1000.0]))), 6)   # 1000 + log 2, no overflow
1000.693147
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes
from ._short_axis import extreme
from ._reductions import _axis_arg, _count, expand_reduced, sum_p


# --- average -------------------------------------------------------------------------
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """``numpy.average``; differentiable in ``a`` and in ``weights``."""
    from ._reductions import mean
    from ._reductions import sum as sum_
    from ._shape import broadcast_to, reshape, transpose
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
            norm_axes(axis, nd)                              # checks the bounds
            axes = tuple(int(ax) % nd for ax in (axis if isinstance(axis, tuple) else (axis,)))
            if tuple(wshape) != tuple(shape_of(a)[ax] for ax in axes):
                raise ValueError("Shape of weights must be consistent with shape of a "
                                 "along specified axis.")
            # as NumPy: the weights' axes follow ``axis``'s order, a's are ascending
            order = tuple(int(k) for k in _np.argsort(axes))
            if order != tuple(range(len(axes))):
                weights = transpose(weights, order)
            weights = reshape(weights, tuple(shape_of(a)[ax] if ax in axes else 1
                                             for ax in range(nd)))
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
# NumPy's methods (numpy.quantile's docs, Hyndman & Fan): the continuous ones by
# (alpha, beta) of the virtual index n q + alpha + q (1 - alpha - beta) - 1
_ALPHA_BETA = {"hazen": (0.5, 0.5), "weibull": (0.0, 0.0), "median_unbiased": (1 / 3.0, 1 / 3.0),
               "normal_unbiased": (3 / 8.0, 3 / 8.0), "interpolated_inverted_cdf": (0.0, 1.0)}
# interpolating with a gamma fixed by the method (constant in q)
_FIXED_GAMMA = ("midpoint", "averaged_inverted_cdf")
# the order statistic at an index NumPy picks (a gather: derivative in q is 0)
_DISCRETE = ("inverted_cdf", "closest_observation", "lower", "higher", "nearest")
_NUMPY_METHODS = ("linear",) + tuple(_ALPHA_BETA) + _FIXED_GAMMA + _DISCRETE


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
    if as_float and _np.result_type(primal_of(rows)).kind not in "fc":
        from ._ufuncs import astype
        rows = astype(rows, _np.float64)
    vals = _np.asarray(primal_of(rows))
    m, n = vals.shape
    isnan = _np.isnan(vals) if vals.dtype.kind in "fc" else _np.zeros(vals.shape, bool)
    order = _np.argsort(vals, axis=-1, kind="stable")          # NaNs sort last
    nv = (n - _np.sum(isnan, axis=-1)) if skip_nan else _np.full(m, n)
    bad = (nv == 0) if skip_nan else _np.any(isnan, axis=-1)
    return rows, order, nv, bad, kept, kd


def _finish(out, bad, shape, fill=_np.nan):
    """``fill`` (NaN) in the rows ``bad``, reshaped; a 0-d result is a NumPy scalar,
    as in NumPy."""
    from ._shape import reshape
    from ._ufuncs import where
    if _np.any(bad):
        out = where(_np.broadcast_to(bad, shape_of(out)), fill, out)
    out = reshape(out, shape)
    return out[()] if shape == () else out


def _weight_rows(weights, a, axis):
    """Plain ``weights`` checked as NumPy does and laid out as ``_rows(a, axis)``."""
    w = _np.asanyarray(primal_of(weights))
    shape = tuple(shape_of(a))
    if w.shape != shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        norm_axes(axis, len(shape))                             # bounds check
        axes = tuple(int(ax) % len(shape) for ax in (axis if isinstance(axis, tuple)
                                                     else (axis,)))  # in the order given
        if w.shape != tuple(shape[ax] for ax in axes):
            raise ValueError("Shape of weights must be consistent with shape of a "
                             "along specified axis.")
        w = w.transpose(_np.argsort(axes)).reshape(
            tuple(s if ax in axes else 1 for ax, s in enumerate(shape)))
    if _np.any(w < 0):
        raise ValueError("Weights must be non-negative.")
    return _np.asarray(primal_of(_rows(_np.broadcast_to(w, shape), axis)[0]))


def _picked_ranks(order, nv, qv, method, weights, skip_nan):
    """The rank NumPy's discrete ``method`` (or weighted ``inverted_cdf``) picks in each
    row, ``qshape + (M,)``: NumPy's own quantile of the ranks ``0 .. n-1`` (NaN for
    NaN entries), which depends on ``n``, ``q`` and the weights only."""
    import warnings
    m, n = order.shape
    ranks = _np.empty((m, n))
    _np.put_along_axis(ranks, order, _np.arange(n, dtype=float)[None], axis=-1)
    if skip_nan:
        ranks[ranks >= nv[:, None]] = _np.nan
    fn = _np.nanquantile if skip_nan else _np.quantile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # all-NaN rows: NaN
        idx = fn(ranks, qv, axis=-1, method=method, weights=weights)
    return _np.nan_to_num(_np.asarray(idx), nan=0.0).astype(_np.intp)


def _quantile(a, q, axis, keepdims, method, skip_nan, name, weak_q, weights=None):
    """NumPy's ``_quantile`` on traced values, with NumPy's dtypes and arithmetic.

    Interpolating methods: the virtual index ``p`` (``(n - 1) q`` for linear,
    ``n q + alpha + q (1 - alpha - beta) - 1`` for the others; midpoint and
    averaged_inverted_cdf fix gamma) in q's float dtype (float64 for a Python number
    or integers), clamped to ``[0, n - 1]`` as NumPy's ``_get_indexes``; ``gamma``
    its fraction; NumPy's ``_lerp``
    ``where(gamma >= 0.5, hi - d * (1 - gamma), lo + d * gamma)`` with
    ``d = hi - lo``.  A Python-number ``q`` (``weak_q``) leaves the result in a's
    dtype (gamma is a Python float to NumPy); a q array gives
    ``result_type(a, gamma)``.  Only a traced ``q`` makes gamma traced.
    Discrete methods (and ``weights=``, inverted_cdf only) gather the order
    statistic NumPy picks."""
    if method not in _NUMPY_METHODS:
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
    if weights is not None:
        if method != "inverted_cdf":
            raise ValueError(f"Only method 'inverted_cdf' supports weights. Got: {method}.")
        weights = _weight_rows(weights, a, axis)
    # integer q with method='linear' needs no interpolation (NumPy takes the entries)
    interp = method not in _DISCRETE and weights is None and not (
        method == "linear" and qv.dtype.kind != "f")
    rows, order, nv, bad, kept, kd = _sorted_rows(a, axis, skip_nan, as_float=interp)
    m = shape_of(rows)[0]
    qshape = qv.shape
    shape = qshape + (kd if keepdims else kept)
    top = _np.maximum(nv - 1, 0)
    if not interp:
        lo = _picked_ranks(order, nv, qv, method, weights, skip_nan)
        ridx = _np.broadcast_to(_np.arange(m), lo.shape)
        return _finish(rows[ridx, order[ridx, lo]], bad, shape)
    pdt = qv.dtype if qv.dtype.kind == "f" else _np.dtype(_np.float64)
    n = _np.maximum(nv, 1).astype(pdt)                     # exact: n < 2**24

    def vindex(qq):     # the virtual index, for plain or traced q of shape qshape + (1,)
        if method in ("linear", "midpoint"):
            return qq * (n - 1)
        if method == "averaged_inverted_cdf":
            return n * qq - 1
        alpha, beta = _ALPHA_BETA[method]
        return n * qq + (alpha + qq * (1 - alpha - beta)) - 1

    pos = vindex(qv.astype(pdt)[..., None])                 # qshape + (m,)
    if method == "midpoint":
        pos = 0.5 * (_np.floor(pos) + _np.ceil(pos))
    lo = _np.clip(_np.floor(pos), 0, top).astype(_np.intp)
    hi = _np.where((pos < 0) | (pos >= top), lo, lo + 1)
    ridx = _np.broadcast_to(_np.arange(m), lo.shape)
    v_lo = rows[ridx, order[ridx, lo]]
    v_hi = rows[ridx, order[ridx, hi]]
    if method == "midpoint":
        gamma = _np.where(pos == _np.floor(pos), 0.0, 0.5).astype(pdt)
    elif method == "averaged_inverted_cdf":
        gamma = _np.where(pos == lo, 0.5, 1.0).astype(pdt)
    elif isinstance(q, Tracer):       # continuous in a traced q: d gamma / dq = d p / dq
        gamma = vindex(reshape(q, qshape + (1,))) - lo.astype(pdt)
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
    middle entries (each gets half the derivative), in a's float dtype.  Complex
    input is ordered as NumPy sorts it (lexicographically, NaN-containing entries
    last); in ``median`` a row with NaN gives, as in NumPy, its last entry in that
    order (``nanmedian``'s all-NaN rows give NaN)."""
    axis = _axis_arg(axis)
    a = _as_array(a)
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
    fill = _np.nan
    if not skip_nan and _np.any(bad) and _np.result_type(primal_of(rows)).kind == "c":
        # NumPy's _median_nancheck: the entry sorted last (R + nanj, nan + Rj, ...)
        vals = _np.asarray(primal_of(rows))
        fill = vals[ridx, order[ridx, n - 1]]
    return _finish(out, bad, kd if keepdims else kept, fill)


def _order_stat(name, skip_nan, pct):
    """``numpy.<name>``: plain arguments go to NumPy itself; traced ones to
    ``_quantile`` (``q / 100`` for the percentiles)."""
    npfunc = getattr(_np, name)

    def f(a, q, axis=None, out=None, overwrite_input=False, method="linear",
          keepdims=False, *, weights=None, interpolation=None):
        method = interpolation or method      # NumPy < 2.4's old name for it
        if not contains_tracer((a, q, weights)):
            return npfunc(a, q, axis=axis, out=out, overwrite_input=overwrite_input,
                          method=method, keepdims=keepdims, weights=weights)
        _no_extras(name, out)
        return _quantile(a, _pct(q) if pct else q, axis, keepdims, method, skip_nan, name,
                         type(q) in (int, float), weights)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"``numpy.{name}``{' of the non-NaN entries' if skip_nan else ''}, "
                 "differentiable in ``a`` and (continuous methods) ``q``; every NumPy "
                 "method, and ``weights=`` (inverted_cdf, constant); see the module notes.")
    return f


quantile = _order_stat("quantile", False, False)
percentile = _order_stat("percentile", False, True)
nanquantile = _order_stat("nanquantile", True, False)
nanpercentile = _order_stat("nanpercentile", True, True)


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.median``: the middle value, or the mean of the two middle values for an
    even count (each getting half the derivative)."""
    _no_extras("median", out)
    return _median(a, axis, keepdims, skip_nan=False)


def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``numpy.nanmedian``."""
    _no_extras("nanmedian", out)
    return _median(a, axis, keepdims, skip_nan=True)


def _pct(q):
    # NumPy: true_divide(q, 100), keeping a float32 q float32
    return q / 100 if isinstance(q, Tracer) else _np.true_divide(q, 100)


def _no_extras(name, out):
    if out is not None:
        raise NotImplementedError(f"dualad.numpy.{name}: out= is not supported")


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
        w = fweights = _float64(fweights)
    if aweights is not None:
        aweights = _float64(aweights)
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
    x = _keep_dtype(x - avg, x)           # NumPy: X -= avg, in place
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
    c = dot(x, xt)
    c = _keep_dtype(c * inv, c)   # as NumPy: c *= true_divide(1, fact), in place
    return squeeze(c)


def _float64(w):
    """Weights as NumPy's cov takes them: ``asarray(w, dtype=float)``."""
    from ._ufuncs import astype
    if not isinstance(w, Tracer):
        return _np.asarray(w, dtype=float)
    return w if _np.result_type(primal_of(w)) == _np.float64 else astype(w, _np.float64)


def _keep_dtype(new, old):
    """``new`` in ``old``'s dtype, as an in-place NumPy operation leaves it."""
    from ._ufuncs import astype
    dt = _np.result_type(primal_of(old))
    return new if _np.result_type(primal_of(new)) == dt else astype(new, dt)


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


def _softmax(ans, a, axis, keepdims, base="e", initial=None):
    """``exp(a - logsumexp(a))`` (``2^(a - ans)`` for ``base="2"``), 0 where the
    whole slice is ``-inf``: the primitive of ``a`` alone in ``_softmax.py``, whose
    derivatives keep full relative accuracy (no ``1 - p`` cancellation)."""
    from ._softmax import weights
    return weights(ans, a, norm_axes(axis, ndim_of(a)), keepdims, base=base, initial=initial)


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


# --- numpy.logaddexp.reduce / logaddexp2.reduce ------------------------------------------
def _lae_reduce_impl(a, axis=None, keepdims=False, base="e", initial=None):
    ufunc = _np.logaddexp if base == "e" else _np.logaddexp2
    extra = {} if initial is None else {"initial": initial}
    return ufunc.reduce(a, axis=axis, keepdims=keepdims, **extra)


lae_reduce_p = primitive(_lae_reduce_impl, name="logaddexp.reduce")
defjvp(lae_reduce_p, lambda t, ans, a, axis=None, keepdims=False, base="e", initial=None:
       sum_p(t * _softmax(ans, a, axis, keepdims, base, initial), axis=axis,
             keepdims=keepdims))
defvjp_direct(lae_reduce_p, lambda g, ans, a, axis=None, keepdims=False, base="e", initial=None:
              expand_reduced(g, a, axis, keepdims) * _softmax(ans, a, axis, keepdims, base,
                                                              initial))


def _logaddexp_reduce(ufunc, a, axis=0, dtype=None, keepdims=False, initial=_np._NoValue,
                      where=True):
    """``numpy.logaddexp.reduce`` (``logaddexp2.reduce``): logsumexp with NumPy's
    values (its pairwise ``logaddexp`` in its order), differentiable in ``a``
    with derivative ``base^(a - out)``; ``-inf`` entries get 0, also when the
    whole slice is ``-inf``.  ``initial`` must be a plain number; entries left
    out by ``where`` get derivative 0."""
    from ._ufuncs import astype
    from ._ufuncs import where as where_
    name = f"numpy.{ufunc.__name__}.reduce"
    if isinstance(initial, Tracer):
        raise NotImplementedError(f"{name}: a traced initial= has no derivative rule; "
                                  f"pass it as one more entry of the array instead")
    x = _np.asarray(primal_of(a))
    plain_where = _np.asarray(primal_of(where))
    init = None if initial is _np._NoValue or initial is None else initial
    extra = {} if init is None else {"initial": init}
    # NumPy's own checks (axes, dtype, empty slices) and result dtype, on the primal
    ref = ufunc.reduce(x, axis=axis, dtype=dtype, keepdims=keepdims, where=plain_where, **extra)
    if _np.result_type(ref) != x.dtype:
        a = astype(a, _np.result_type(ref))
    if plain_where.dtype != bool or not plain_where.all():
        a = where_(plain_where, a, -_np.inf)     # logaddexp(acc, -inf) == acc exactly
    nd = ndim_of(a)
    if not x.size:
        return ref
    ax = norm_axes(axis, nd) if nd else ()
    if not ax:                       # nothing reduced: the (cast) input itself
        if init is None:
            return a
        from ._ufuncs import logaddexp, logaddexp2
        return (logaddexp if ufunc is _np.logaddexp else logaddexp2)(init, a)
    return lae_reduce_p(a, axis=ax, keepdims=bool(keepdims),
                        base="e" if ufunc is _np.logaddexp else "2", initial=init)


__all__ = ["average", "quantile", "percentile", "median", "nanquantile", "nanpercentile",
           "nanmedian", "cov", "corrcoef", "logsumexp"]
