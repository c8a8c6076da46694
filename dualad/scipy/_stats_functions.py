"""Differentiable sample statistics of ``scipy.stats``: ``zscore``, ``zmap``,
``entropy``, ``skew``, ``kurtosis``, ``sem``, ``gmean``, ``hmean``, ``pmean``,
``variation``, ``moment``, ``describe``, ``median_abs_deviation``, ``iqr``,
``trim_mean`` and ``pearsonr`` (re-exported from :mod:`dualad.scipy.stats`).

Each keeps SciPy's signature and defaults.  Untraced arguments go straight to
SciPy (every option of it works, the values are SciPy's own).  With traced
arguments the statistic is SciPy's formula written with dualad operations, so
it is differentiable in the data (and in ``weights``, ``qk``, ``center``, a
``scale`` array, ``pmean``'s ``p``, ...) in every mode and to any order; its
values agree with SciPy's to rounding.  Options that are not supported with
traced arguments (``nan_policy`` other than ``'propagate'``, ``pearsonr``'s
``method``) raise ``NotImplementedError`` naming them.

Non-differentiable points: where SciPy returns NaN because the data are
constant (``skew``, ``kurtosis``, ``zscore``, ``pearsonr``) the result is that
NaN, with derivative 0; ``median`` / ``percentile`` based statistics
(``median_abs_deviation``, ``iqr``) and ``trim_mean`` differentiate at the
fixed ordering of the data (docs/conventions.md).

>>> import numpy as np, scipy.stats as sst, dualad as ad
>>> from dualad.scipy import stats
>>> x = np.array([1.0, 2.0, 4.0, 7.0])
>>> bool(np.isclose(ad.grad(stats.skew)(x) @ np.ones(4), 0.0))   # shift-invariant
True
>>> ad.grad(lambda v: stats.gmean(v))(np.array([1.0, 4.0]))   # sqrt(x y): d/dx = sqrt(y/x)/2
array([1.  , 0.25])
"""
from __future__ import annotations

import math as _math
import warnings as _warnings
from collections import namedtuple as _namedtuple

import numpy as _np
import scipy.stats as _sst

from .. import numpy as dnp
from ..tracer import Tracer, contains_tracer, primal_of, shape_of, ndim_of
from . import special as sp

__all__ = ["zscore", "zmap", "entropy", "skew", "kurtosis", "sem", "gmean", "hmean",
           "pmean", "variation", "moment", "describe", "median_abs_deviation", "iqr",
           "trim_mean", "pearsonr", "DescribeResult", "PearsonRResult"]

DescribeResult = _namedtuple("DescribeResult", ("nobs", "minmax", "mean", "variance",
                                                "skewness", "kurtosis"))


def _any_traced(*vals):
    return any(contains_tracer(v) for v in vals)


def _nan_policy(fname, nan_policy):
    if nan_policy != "propagate":
        if nan_policy not in ("raise", "omit"):
            raise ValueError("nan_policy must be one of {'propagate', 'raise', 'omit'}")
        raise NotImplementedError(
            f"dualad.scipy.stats.{fname}: nan_policy={nan_policy!r} is not supported with "
            f"traced arguments; use nan_policy='propagate' (remove NaNs first, or mask "
            f"them with dualad.numpy.where) or call it with plain arrays")


def _one_d(a, axis):
    """A 0-d ``a`` as one observation (shape ``(1,)``) when reducing along an
    axis, as SciPy's decorated functions do (``skew(2.0)`` is NaN, ``gmean(2.0)``
    2.0)."""
    if axis is not None and ndim_of(a) == 0:
        return dnp.reshape(a, (1,))
    return a


def _float(a):
    """``a`` as a floating array (SciPy's ``force_floating``): a list/tuple or an
    integer array becomes float64; a tracer is kept."""
    if isinstance(a, Tracer):
        return a
    if isinstance(a, (list, tuple)) and contains_tracer(a):
        return dnp.array(a)
    a = _np.asarray(a)
    if not _np.issubdtype(a.dtype, _np.inexact):
        a = a.astype(_np.float64)
    return a


def _axes(a, axis):
    """The reduced axes as a tuple of non-negative ints (``None``: all)."""
    nd = ndim_of(a)
    if axis is None:
        return tuple(range(nd))
    ax = axis if isinstance(axis, tuple) else (axis,)
    out = []
    for v in ax:
        if int(v) != v:
            raise ValueError("`axis` must be an integer, a tuple of integers, or None")
        v = int(v)
        if not -nd <= v < nd:
            raise _np.exceptions.AxisError(v, nd)
        out.append(v % nd)
    return tuple(out)


def _count(a, axes):
    shp = shape_of(a)
    return int(_np.prod([shp[i] for i in axes])) if axes else 1


def _finish(out, keepdims, a_ndim, axes):
    """Re-insert the reduced axes as length 1 (``keepdims``), and a 0-d result
    as a scalar the way SciPy returns it."""
    if keepdims:
        for i in sorted(axes):
            out = dnp.expand_dims(out, i)
    return out


def _eps(a):
    dt = _np.asarray(primal_of(a)).dtype
    return float(_np.finfo(dt if _np.issubdtype(dt, _np.inexact) else _np.float64).eps)


def _nan_where(mask, out):
    """SciPy's NaN where the plain ``mask``, with derivative 0 there."""
    mask = _np.asarray(mask)
    if not mask.any():
        return out
    return dnp.where(mask, _np.nan, out)


def _mean(x, axes, weights=None, keepdims=False):
    if weights is None:
        return dnp.mean(x, axis=axes, keepdims=keepdims)
    return dnp.sum(x * weights, axis=axes, keepdims=keepdims) / \
        dnp.sum(weights, axis=axes, keepdims=keepdims)


# --- z-scores -------------------------------------------------------------------------

def zmap(scores, compare, axis=0, ddof=0, nan_policy="propagate"):
    """SciPy's ``zmap``: ``(scores - mean(compare)) / std(compare, ddof)`` along
    ``axis``, differentiable in ``scores`` and ``compare``."""
    if not _any_traced(scores, compare):
        return _sst.zmap(scores, compare, axis=axis, ddof=ddof, nan_policy=nan_policy)
    return _zmap(scores, compare, axis, ddof, nan_policy, scores is compare, "zmap")


def _zmap(scores, compare, axis, ddof, nan_policy, like_zscore, fname):
    _nan_policy(fname, nan_policy)
    scores, compare = _float(scores), _float(compare)
    mn = dnp.mean(compare, axis=axis, keepdims=True)
    std = dnp.sqrt(dnp.var(compare, axis=axis, ddof=ddof, keepdims=True))
    with _np.errstate(invalid="ignore", divide="ignore"):
        z = (scores - mn) / std
    if like_zscore:
        sv, mv = _np.asarray(primal_of(std)), _np.asarray(primal_of(mn))
        zero = _np.broadcast_to(sv <= _np.abs(_eps(std) * mv), shape_of(z))
        z = _nan_where(zero, z)
    return z


def zscore(a, axis=0, ddof=0, nan_policy="propagate"):
    """SciPy's ``zscore``: ``zmap(a, a, ...)``; NaN (derivative 0) for constant
    data, as SciPy."""
    if not _any_traced(a):
        return _sst.zscore(a, axis=axis, ddof=ddof, nan_policy=nan_policy)
    return _zmap(a, a, axis, ddof, nan_policy, True, "zscore")


# --- entropy --------------------------------------------------------------------------

def entropy(pk, qk=None, base=None, axis=0, *, nan_policy="propagate", keepdims=False):
    """SciPy's ``entropy``: the Shannon entropy ``-sum(pk log pk)`` or, with ``qk``,
    the Kullback-Leibler divergence ``sum(pk log(pk / qk))``, after normalising
    ``pk`` and ``qk`` to sum 1 along ``axis``; divided by ``log(base)``.
    Differentiable in ``pk`` and ``qk`` (an entry ``pk = 0`` has the derivative
    of ``entr`` / ``rel_entr`` there)."""
    if not _any_traced(pk, qk):
        return _sst.entropy(pk, qk, base=base, axis=axis, nan_policy=nan_policy,
                            keepdims=keepdims)
    if base is not None and base <= 0:
        raise ValueError("`base` must be a positive number or `None`.")
    _nan_policy("entropy", nan_policy)
    pk = _one_d(_float(pk), axis)
    if qk is not None:
        qk = _one_d(_float(qk), axis)
        shp = _np.broadcast_shapes(shape_of(pk), shape_of(qk))
        pk, qk = dnp.broadcast_to(pk, shp), dnp.broadcast_to(qk, shp)
    nd0 = ndim_of(pk)
    if axis is None:
        pk = dnp.reshape(pk, (-1,))
        qk = None if qk is None else dnp.reshape(qk, (-1,))
        ax = (0,)
    else:
        ax = _axes(pk, axis)
    with _np.errstate(invalid="ignore", divide="ignore"):
        pk = pk / dnp.sum(pk, axis=ax, keepdims=True)
        if qk is None:
            vec = sp.entr(pk)
        else:
            qk = qk / dnp.sum(qk, axis=ax, keepdims=True)
            vec = sp.rel_entr(pk, qk)
        s = dnp.sum(vec, axis=ax)
        if base is not None:
            s = s / _math.log(base)
    return _keep(s, keepdims, ax, nd0, axis is None)
    return s


# --- moments --------------------------------------------------------------------------

def _central(a, axes, order, center=None, mean=None):
    """``mean((a - c)**order)`` over ``axes``; ``c`` the mean unless ``center``."""
    c = center if center is not None else (
        mean if mean is not None else dnp.mean(a, axis=axes, keepdims=True))
    d = a - c
    return dnp.mean(d ** int(order) if order != 1 else d, axis=axes)


def moment(a, order=1, axis=0, nan_policy="propagate", *, center=None, keepdims=False):
    """SciPy's ``moment``: the ``order``-th central moment (about the mean, or about
    ``center``) along ``axis``; ``order`` an integer or a 1-D sequence of them
    (their moments stacked along a new first axis).  Differentiable in ``a`` and
    ``center``; order 0 is 1, and order 1 about the mean is 0 (derivative 0)."""
    if not _any_traced(a, center):
        return _sst.moment(a, order, axis=axis, nan_policy=nan_policy, center=center,
                           keepdims=keepdims)
    _nan_policy("moment", nan_policy)
    a = _one_d(_float(a), axis)
    orders = _np.asarray(order, dtype=float)
    if orders.size == 0 or orders.ndim > 1:
        raise ValueError("`order` must be a scalar or a non-empty 1D array.")
    if _np.any(orders != _np.round(orders)):
        raise ValueError("All elements of `order` must be integral.")
    axes = _axes(a, axis)
    if axis is None:
        a, axes, nd = dnp.reshape(a, (-1,)), (0,), ndim_of(a)
    else:
        nd = ndim_of(a)
    c = center
    if c is None and _np.any(orders > 1):
        mean = dnp.mean(a, axis=axes, keepdims=True)
    else:
        mean = None

    def one(k):
        k = int(k)
        if k == 0 or (k == 1 and center is None):
            shp = tuple(n for i, n in enumerate(shape_of(a)) if i not in axes)
            dt = _np.asarray(primal_of(a)).dtype
            return (_np.ones if k == 0 else _np.zeros)(shp, dtype=dt)[()]
        return _central(a, axes, k, center=c, mean=mean)

    if orders.ndim == 0:
        out = one(orders)
    else:
        out = dnp.stack([one(k) for k in orders], axis=0)
    if keepdims:
        if axis is None:
            out = dnp.reshape(out, shape_of(out)[:orders.ndim] + (1,) * nd)
        else:
            for i in sorted(axes):
                out = dnp.expand_dims(out, i + orders.ndim)
    return out


def _m234(a, axes):
    mean = dnp.mean(a, axis=axes, keepdims=True)
    d = a - mean
    d2 = d * d
    return mean, dnp.mean(d2, axis=axes), d, d2


def _prep(a, axis, fname, nan_policy):
    _nan_policy(fname, nan_policy)
    a = _one_d(_float(a), axis)
    if axis is None:
        nd = ndim_of(a)
        return dnp.reshape(a, (-1,)), (0,), nd, True
    return a, _axes(a, axis), ndim_of(a), False


def _keep(out, keepdims, axes, nd, flat):
    if not keepdims:
        return out
    if flat:
        return dnp.reshape(out, (1,) * nd)
    return _finish(out, True, nd, axes)


def skew(a, axis=0, bias=True, nan_policy="propagate", *, keepdims=False):
    """SciPy's ``skew``: ``m3 / m2**1.5`` (``bias=False``: times ``sqrt(n (n-1)) /
    (n - 2)`` where ``n > 2``); NaN (derivative 0) where the data are constant."""
    if not _any_traced(a):
        return _sst.skew(a, axis=axis, bias=bias, nan_policy=nan_policy, keepdims=keepdims)
    a, axes, nd, flat = _prep(a, axis, "skew", nan_policy)
    n = _count(a, axes)
    mean, m2, d, d2 = _m234(a, axes)
    m3 = dnp.mean(d2 * d, axis=axes)
    mr = _np.asarray(primal_of(dnp.squeeze(mean, axis=axes)))
    with _np.errstate(all="ignore"):
        zero = _np.asarray(primal_of(m2)) <= (_eps(m2) * mr) ** 2
        if zero.any():       # a safe m2 there (the result is NaN): no 0/0 in the rules
            m2 = dnp.where(zero, 1.0, m2)
        vals = m3 / m2 ** 1.5
        if not bias and n > 2:
            vals = _math.sqrt((n - 1.0) * n) / (n - 2.0) * vals
    return _keep(_nan_where(zero, vals), keepdims, axes, nd, flat)


def kurtosis(a, axis=0, fisher=True, bias=True, nan_policy="propagate", *, keepdims=False):
    """SciPy's ``kurtosis``: ``m4 / m2**2`` (less 3 when ``fisher``; ``bias=False``
    the k-statistic form where ``n > 3``); NaN (derivative 0) for constant data."""
    if not _any_traced(a):
        return _sst.kurtosis(a, axis=axis, fisher=fisher, bias=bias, nan_policy=nan_policy,
                             keepdims=keepdims)
    a, axes, nd, flat = _prep(a, axis, "kurtosis", nan_policy)
    n = _count(a, axes)
    mean, m2, d, d2 = _m234(a, axes)
    m4 = dnp.mean(d2 * d2, axis=axes)
    mr = _np.asarray(primal_of(dnp.squeeze(mean, axis=axes)))
    with _np.errstate(all="ignore"):
        zero = _np.asarray(primal_of(m2)) <= (_eps(m2) * mr) ** 2
        if zero.any():
            m2 = dnp.where(zero, 1.0, m2)
        vals = m4 / m2 ** 2.0
        if not bias and n > 3:
            vals = 1.0 / (n - 2) / (n - 3) * ((n ** 2 - 1.0) * vals - 3 * (n - 1) ** 2.0) + 3.0
    vals = _nan_where(zero, vals)
    if fisher:
        vals = vals - 3
    return _keep(vals, keepdims, axes, nd, flat)


def sem(a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    """SciPy's ``sem``: ``std(a, ddof) / sqrt(n)``."""
    if not _any_traced(a):
        return _sst.sem(a, axis=axis, ddof=ddof, nan_policy=nan_policy, keepdims=keepdims)
    a, axes, nd, flat = _prep(a, axis, "sem", nan_policy)
    n = _count(a, axes)
    with _np.errstate(all="ignore"):
        out = dnp.std(a, axis=axes, ddof=ddof) / n ** 0.5
    return _keep(out, keepdims, axes, nd, flat)


def variation(a, axis=0, nan_policy="propagate", ddof=0, *, keepdims=False):
    """SciPy's ``variation``: ``std(a, ddof) / mean(a)``; where ``ddof == n``,
    ``+-inf`` (or NaN for constant data) with derivative 0, as SciPy."""
    if not _any_traced(a):
        return _sst.variation(a, axis=axis, nan_policy=nan_policy, ddof=ddof,
                              keepdims=keepdims)
    a, axes, nd, flat = _prep(a, axis, "variation", nan_policy)
    n = _count(a, axes)
    with _np.errstate(all="ignore"):
        mean = dnp.mean(a, axis=axes)
        std = dnp.std(a, axis=axes)
        if ddof == n:
            sv, mv = _np.asarray(primal_of(std)), _np.asarray(primal_of(mean))
            out = _np.where(sv > 0, _np.copysign(_np.inf, mv), _np.nan).astype(mv.dtype)[()]
        else:
            out = std * (n / (n - ddof)) ** 0.5 / mean
    return _keep(out, keepdims, axes, nd, flat)


# --- means ----------------------------------------------------------------------------

def _mean_args(a, dtype, weights, axis, fname, nan_policy):
    _nan_policy(fname, nan_policy)
    if dtype is not None:
        a = dnp.asarray(a, dtype=dtype) if contains_tracer(a) else _np.asarray(a, dtype=dtype)
        if weights is not None:
            weights = (dnp.asarray(weights, dtype=dtype) if contains_tracer(weights)
                       else _np.asarray(weights, dtype=dtype))
    a = _one_d(_float(a), axis)
    if weights is not None:
        weights = _one_d(_float(weights), axis)
        shp = _np.broadcast_shapes(shape_of(a), shape_of(weights))
        a, weights = dnp.broadcast_to(a, shp), dnp.broadcast_to(weights, shp)
    if axis is None:
        nd = ndim_of(a)
        a = dnp.reshape(a, (-1,))
        weights = None if weights is None else dnp.reshape(weights, (-1,))
        return a, weights, (0,), nd, True
    return a, weights, _axes(a, axis), ndim_of(a), False


def gmean(a, axis=0, dtype=None, weights=None, *, nan_policy="propagate", keepdims=False):
    """SciPy's ``gmean``: ``exp(mean(log a))`` (weighted: ``exp(sum(w log a) /
    sum(w))``), differentiable in ``a`` and ``weights``."""
    if not _any_traced(a, weights):
        return _sst.gmean(a, axis=axis, dtype=dtype, weights=weights, nan_policy=nan_policy,
                          keepdims=keepdims)
    a, w, axes, nd, flat = _mean_args(a, dtype, weights, axis, "gmean", nan_policy)
    with _np.errstate(divide="ignore", invalid="ignore"):
        out = dnp.exp(_mean(dnp.log(a), axes, w))
    return _keep(out, keepdims, axes, nd, flat)


def _negative_nan(a, what):
    neg = _np.asarray(primal_of(a)) < 0
    if neg.any():
        _warnings.warn(f"The {what} mean is only defined if all elements are non-negative;"
                       f" otherwise, the result is NaN.", RuntimeWarning, stacklevel=3)
        a = dnp.where(neg, _np.nan, a)
    return a


def hmean(a, axis=0, dtype=None, *, weights=None, nan_policy="propagate", keepdims=False):
    """SciPy's ``hmean``: ``1 / mean(1 / a)`` (weighted likewise); NaN with a
    warning for negative entries, as SciPy."""
    if not _any_traced(a, weights):
        return _sst.hmean(a, axis=axis, dtype=dtype, weights=weights, nan_policy=nan_policy,
                          keepdims=keepdims)
    a, w, axes, nd, flat = _mean_args(a, dtype, weights, axis, "hmean", nan_policy)
    a = _negative_nan(a, "harmonic")
    with _np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 / _mean(1.0 / a, axes, w)
    return _keep(out, keepdims, axes, nd, flat)


def pmean(a, p, *, axis=0, dtype=None, weights=None, nan_policy="propagate",
          keepdims=False):
    """SciPy's ``pmean``: ``mean(a**p)**(1/p)`` (``p = 0``: ``gmean``), differentiable
    in ``a``, ``weights`` and ``p``.  A traced ``p`` at exactly 0 gets the value
    of ``gmean`` and the first two ``p``-derivatives of the power mean there
    (``log M_p = k1 + k2 p / 2 + k3 p^2 / 6 + ...``, ``k_i`` the weighted cumulants
    of ``log a``)."""
    traced_p = isinstance(p, Tracer)
    if not _any_traced(a, weights, p):
        return _sst.pmean(a, p, axis=axis, dtype=dtype, weights=weights,
                          nan_policy=nan_policy, keepdims=keepdims)
    pv = primal_of(p)
    while isinstance(pv, Tracer):
        pv = primal_of(pv)
    pv = _np.asarray(pv)
    if pv.ndim != 0 or not (traced_p or isinstance(p, (int, float, _np.ndarray))) or \
            not _np.isrealobj(pv):
        raise ValueError("Power mean only defined for exponent of type int or float.")
    pv = float(pv)
    if _math.isinf(pv):
        raise NotImplementedError("Power mean only implemented for finite `p`")
    if pv == 0 and not traced_p:
        return gmean(a, axis=axis, dtype=dtype, weights=weights, nan_policy=nan_policy,
                     keepdims=keepdims)
    a, w, axes, nd, flat = _mean_args(a, dtype, weights, axis, "pmean", nan_policy)
    a = _negative_nan(a, "power")
    with _np.errstate(divide="ignore", invalid="ignore"):
        if pv == 0:
            la = dnp.log(a)
            k1 = _mean(la, axes, w, keepdims=True)
            dl = la - k1
            k2 = _mean(dl * dl, axes, w)
            k3 = _mean(dl * dl * dl, axes, w)
            out = dnp.exp(dnp.squeeze(k1, axis=axes) + p * k2 / 2 + p * p * k3 / 6)
        else:
            out = _mean(a ** (p if traced_p else float(p)), axes, w) ** (1 / p)
    return _keep(out, keepdims, axes, nd, flat)


def trim_mean(a, proportiontocut, axis=0, *, nan_policy="propagate", keepdims=False):
    """SciPy's ``trim_mean``: the mean after removing ``int(proportiontocut * n)``
    entries at each end of the sorted data, differentiable in ``a`` (at the fixed
    ordering: the kept entries get ``1 / count`` each)."""
    if not _any_traced(a):
        return _sst.trim_mean(a, proportiontocut, axis=axis, nan_policy=nan_policy,
                              keepdims=keepdims)
    _nan_policy("trim_mean", nan_policy)
    a = _one_d(_float(a), axis)
    nd = ndim_of(a)
    if axis is None:
        a, ax = dnp.reshape(a, (-1,)), 0
    else:
        ax = _axes(a, axis)
        if len(ax) != 1:
            raise NotImplementedError("dualad.scipy.stats.trim_mean: a tuple `axis` is not "
                                      "supported with traced arguments; pass one axis")
        ax = ax[0]
    nobs = shape_of(a)[ax]
    lowercut = int(proportiontocut * nobs)
    uppercut = nobs - lowercut
    if lowercut > uppercut:
        raise ValueError("Proportion too big.")
    s = dnp.sort(a, axis=ax)
    sl = [slice(None)] * ndim_of(s)
    sl[ax] = slice(lowercut, uppercut)
    with _np.errstate(all="ignore"):
        out = dnp.mean(s[tuple(sl)], axis=ax)
    if keepdims:
        out = dnp.reshape(out, (1,) * nd) if axis is None else dnp.expand_dims(out, ax)
    return out


# --- robust scales --------------------------------------------------------------------

_MAD_NORMAL = 0.6744897501960817     # special.ndtri(0.75), as SciPy


def median_abs_deviation(x, axis=0, center=None, scale=1.0, nan_policy="propagate", *,
                         keepdims=False):
    """SciPy's ``median_abs_deviation``: ``median(|x - center(x)|) / scale``
    (``scale='normal'``: divided by ``ndtri(0.75)``; ``center`` the median unless
    given a callable ``center(x, axis=...)``, ``numpy.median`` / ``numpy.mean``
    taken as dualad's).  Differentiable in ``x`` (at the fixed ordering of
    ``median``) and in an array ``scale``."""
    if not _any_traced(x, scale):
        return _sst.median_abs_deviation(x, axis=axis, center=center, scale=scale,
                                         nan_policy=nan_policy, keepdims=keepdims)
    if center is None or center is _np.median:
        center = dnp.median
    elif center is _np.mean:
        center = dnp.mean
    if not callable(center):
        raise TypeError("The argument 'center' must be callable. The given "
                        f"value {center!r} is not callable.")
    if isinstance(scale, str):
        if scale.lower() == "normal":
            scale = _MAD_NORMAL
        else:
            raise ValueError(f"{scale} is not a valid scale value.")
    _nan_policy("median_abs_deviation", nan_policy)
    x = _one_d(_float(x), axis)
    nd = ndim_of(x)
    if axis is None:
        x, ax = dnp.reshape(x, (-1,)), (0,)
    else:
        ax = _axes(x, axis)
    axarg = ax if len(ax) > 1 else ax[0]
    med = center(x, axis=axarg)
    for i in sorted(ax):
        med = dnp.expand_dims(med, i)
    mad = dnp.median(dnp.abs(x - med), axis=axarg)
    out = mad / scale
    return _keep(out, keepdims, ax, nd, axis is None)


_IQR_NORMAL = 1.3489795003921636


def iqr(x, axis=None, rng=(25, 75), scale=1.0, nan_policy="propagate",
        interpolation="linear", keepdims=False):
    """SciPy's ``iqr``: ``percentile(x, rng[1]) - percentile(x, rng[0])`` divided
    by ``scale`` (``'normal'``: ``2 sqrt(2) erfinv(1/2)``), every NumPy
    ``method=`` as ``interpolation``; differentiable in ``x`` (docs/conventions.md
    on percentiles) and an array ``scale``; ``rng`` must be plain."""
    if not _any_traced(x, scale, rng):
        return _sst.iqr(x, axis=axis, rng=rng, scale=scale, nan_policy=nan_policy,
                        interpolation=interpolation, keepdims=keepdims)
    if contains_tracer(rng):
        raise NotImplementedError("dualad.scipy.stats.iqr: no derivative in `rng`; pass "
                                  "plain percentiles")
    if isinstance(scale, str):
        if scale.lower() != "normal":
            raise ValueError(f"{scale} not a valid scale for `iqr`")
        scale = _IQR_NORMAL
    if len(rng) != 2:
        raise TypeError("`rng` must be a two element sequence.")
    if _np.isnan(rng).any():
        raise ValueError("`rng` must not contain NaNs.")
    lo, hi = sorted(rng)
    if lo < 0 or hi > 100:
        raise ValueError("Elements of `rng` must be in the range [0, 100].")
    _nan_policy("iqr", nan_policy)
    x = _float(x)
    if axis is not None:
        axis = _axes(x, axis)
        axis = axis if len(axis) > 1 else axis[0]
    pct = dnp.percentile(x, _np.array([lo, hi], dtype=float), axis=axis,
                         method=interpolation, keepdims=keepdims)
    out = pct[1] - pct[0]
    if not (isinstance(scale, (int, float)) and scale == 1.0):
        out = out / scale
    return out


# --- describe -------------------------------------------------------------------------

def describe(a, axis=0, ddof=1, bias=True, nan_policy="propagate"):
    """SciPy's ``describe``: ``DescribeResult(nobs, (min, max), mean, variance,
    skewness, kurtosis)``, each statistic differentiable in ``a``."""
    if not _any_traced(a):
        return _sst.describe(a, axis=axis, ddof=ddof, bias=bias, nan_policy=nan_policy)
    _nan_policy("describe", nan_policy)
    a = _float(a)
    if axis is None:
        a, axis = dnp.reshape(a, (-1,)), 0
    if int(_np.prod(shape_of(a))) == 0:
        raise ValueError("The input must not be empty.")
    n = _np.int64(shape_of(a)[axis])
    mm = (dnp.min(a, axis=axis), dnp.max(a, axis=axis))
    m = dnp.mean(a, axis=axis)
    with _np.errstate(all="ignore"):
        v = dnp.var(a, axis=axis, ddof=ddof)
    return DescribeResult(n, mm, m, v, skew(a, axis, bias=bias), kurtosis(a, axis, bias=bias))


# --- correlation ----------------------------------------------------------------------

class PearsonRResult(tuple):
    """``pearsonr``'s result for traced arguments: ``statistic``, ``pvalue``
    (also unpacked as ``r, p = ...``) and ``n``."""

    def __new__(cls, statistic, pvalue, n):
        self = tuple.__new__(cls, (statistic, pvalue))
        self.statistic, self.pvalue, self.n = statistic, pvalue, n
        return self

    def __repr__(self):
        return f"PearsonRResult(statistic={self.statistic!r}, pvalue={self.pvalue!r})"

    def confidence_interval(self, confidence_level=0.95, method=None):
        raise NotImplementedError(
            "dualad.scipy.stats.pearsonr: confidence_interval is not provided for traced "
            "arguments; call scipy.stats.pearsonr on the plain values")


def pearsonr(x, y, *, alternative="two-sided", method=None, axis=0):
    """SciPy's ``pearsonr``: the correlation coefficient ``r`` and its p-value
    under the null of independent normal samples (``r`` is then beta-distributed
    on [-1, 1] with ``a = b = n/2 - 1``), both differentiable in ``x`` and ``y``
    (the p-value through ``betainc``'s rule).  ``method`` (permutation /
    Monte Carlo) is not supported with traced arguments."""
    if not _any_traced(x, y):
        return _sst.pearsonr(x, y, alternative=alternative, method=method, axis=axis)
    if method is not None:
        raise NotImplementedError(
            "dualad.scipy.stats.pearsonr: `method` (PermutationMethod / MonteCarloMethod) "
            "is not supported with traced arguments; use method=None (the exact beta "
            "distribution p-value)")
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError("`alternative` must be 'less', 'greater', or 'two-sided'.")
    x, y = _float(x), _float(y)
    if axis is None:
        x, y, axis = dnp.reshape(x, (-1,)), dnp.reshape(y, (-1,)), -1
    if int(axis) != axis:
        raise ValueError("`axis` must be an integer.")
    axis = int(axis)
    try:
        shp = _np.broadcast_shapes(shape_of(x), shape_of(y))
    except ValueError as e:
        raise ValueError("`x` and `y` must be broadcastable.") from e
    nd = len(shp)
    x = dnp.reshape(x, (1,) * (nd - ndim_of(x)) + shape_of(x))
    y = dnp.reshape(y, (1,) * (nd - ndim_of(y)) + shape_of(y))
    if shape_of(x)[axis] != shape_of(y)[axis]:
        raise ValueError("`x` and `y` must have the same length along `axis`.")
    if shape_of(x)[axis] < 2:
        raise ValueError("`x` and `y` must have length at least 2.")
    n = shape_of(x)[axis]
    x, y = dnp.moveaxis(x, axis, -1), dnp.moveaxis(y, axis, -1)
    xv, yv = _np.asarray(primal_of(x)), _np.asarray(primal_of(y))
    const = _np.all(xv == xv[..., :1], axis=-1) | _np.all(yv == yv[..., :1], axis=-1)
    if const.any():
        _warnings.warn(_sst.ConstantInputWarning(
            "An input array is constant; the correlation coefficient is not defined."),
            stacklevel=2)
        # a safe, non-constant sample in the constant slices (their r is NaN): no
        # 0/0 in the rules, derivative 0 there
        safe = _np.arange(n, dtype=_np.result_type(xv, yv))
        x = dnp.where(const[..., None], safe, x)
        y = dnp.where(const[..., None], safe, y)
    xm = x - dnp.mean(x, axis=-1, keepdims=True)
    ym = y - dnp.mean(y, axis=-1, keepdims=True)
    with _np.errstate(all="ignore"):
        r = dnp.sum(xm * ym, axis=-1) / dnp.sqrt(dnp.sum(xm * xm, axis=-1) *
                                                 dnp.sum(ym * ym, axis=-1))
    r = dnp.clip(r, -1.0, 1.0)
    r = _nan_where(const, r)
    dt = _np.asarray(primal_of(r)).dtype
    if n == 2:
        rv = _np.asarray(primal_of(r))
        r = dnp.where(_np.isnan(rv), r, _np.round(rv).astype(dt))   # exactly +-1, derivative 0
        p = _np.where(_np.isnan(rv), _np.nan, 1.0).astype(dt)[()]
        return PearsonRResult(r, p, n)
    ab = _np.asarray(n / 2 - 1, dtype=dt)
    rnan = _np.isnan(_np.asarray(primal_of(r)))
    rs = dnp.where(rnan, 0.0, r) if rnan.any() else r      # NaN p there, derivative 0
    with _np.errstate(all="ignore"):
        if alternative == "less":
            p = sp.betainc(ab, ab, (rs + 1) / 2)
        elif alternative == "greater":
            p = sp._betaincc(ab, ab, (rs + 1) / 2)
        else:
            p = 2 * sp._betaincc(ab, ab, (dnp.abs(rs) + 1) / 2)
    return PearsonRResult(r, _nan_where(rnan, p), n)
