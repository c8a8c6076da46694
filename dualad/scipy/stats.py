"""Differentiable ``scipy.stats`` distributions.

Each distribution object has SciPy's method names and signatures
(``norm.logpdf(x, loc=0, scale=1)``) and is written as a composition of
dualad primitives, so its derivatives in ``x`` and in the parameters come from
their rules.  The cdfs are differentiable in their shape parameters too
(``t.cdf`` in ``df``, ``gamma.cdf`` in ``a``, ``beta.cdf`` in ``a`` and ``b``),
through the series derivatives of ``special.stdtr``, ``special.gammainc`` and
``special.betainc``, and four internal primitives keep them accurate where
those lose relative precision: ``stats.gammaincc_tail`` /
``stats.log_gammaincc_tail`` (``gamma.sf`` / ``logsf`` above the median: the
``a``-derivative from tail integrals, relative to the survival function),
``stats.stdtr`` (the ``df``-derivative integrated from that of the log
density for ``df >= 1000``, no cancellation) and ``stats.betaincc``.

Values follow SciPy: ``logcdf`` / ``logsf`` switch to ``log1p(-sf)`` /
``log1p(-cdf)`` at the median; ``t`` with ``df = inf`` is the normal (its
log density uses an asymptotic series for the gamma-function ratio from
``df = 20``, so it is accurate, with accurate ``df``-derivatives, for large
``df``).  Python-float constants keep float32 arguments float32.

Outside the support, ``logpdf`` is ``-inf`` and ``pdf`` is 0, and the log cdfs
are constant: their derivative there is 0 in every mode.

>>> import dualad as ad
>>> from dualad.scipy.stats import norm
>>> float(ad.grad(norm.logpdf, argnums=1)(1.0, 0.0, 1.0))   # d/dloc = (x - loc) / scale**2
1.0
"""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from .. import numpy as dnp
from ..numpy._broadcast import bcast_tangent, unbroadcast
from ..numpy._ufuncs import times_finite_zero
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import ndim_of, primal_of, shape_of
from . import special as sp
from . import linalg as sla

__all__ = ["norm", "t", "gamma", "beta", "poisson", "dirichlet", "multivariate_normal"]

# python floats, not np.float64: weak scalars, so float32 stays float32
_LOG_2PI = float(_np.log(2 * _np.pi))
_HALF_LOG_2PI = float(0.5 * _np.log(2 * _np.pi))
_NORM_PDF_C = float(_np.sqrt(2 * _np.pi))


def _outside(mask, value, fill):
    """``value`` with ``fill`` where the (plain) ``mask`` is True."""
    mask = _np.asarray(mask)
    if not _np.any(mask):
        return value
    return dnp.where(mask, fill, value)


def _sub(mask, value, fill):
    """``value`` with the constant ``fill`` where the plain ``mask`` is True: a safe
    input for a branch that is not used there (its derivative is then exactly 0)."""
    mask = _np.asarray(mask)
    if not _np.any(mask):
        return value
    return dnp.where(mask, fill, value)


def _std(x, loc, scale):
    return (x - loc) / scale


def _log(scale):
    """``log(scale)``; a python float for a python number (a weak scalar: float32
    arguments keep float32)."""
    if isinstance(scale, (int, float)) and not isinstance(scale, bool):
        with _np.errstate(all="ignore"):
            return float(_np.log(float(scale)))
    return dnp.log(scale)


def _pv(v):
    return _np.asarray(primal_of(v), dtype=float)


def _split(y, med, lower, upper, bad=None, fill=None):
    """``lower(y)`` where ``y < med``, ``upper(y)`` elsewhere, each evaluated only
    at its own points (``med`` elsewhere); ``fill`` where the plain mask ``bad``."""
    yv = _pv(y)
    med = _np.asarray(med, dtype=float)
    lo = yv < med
    if bad is not None:
        bad = _np.broadcast_to(bad, _np.broadcast_shapes(lo.shape, _np.shape(bad)))
        lo = lo & ~bad
        hi = ~lo & ~bad
    else:
        hi = ~lo
    medb = _np.broadcast_to(med, _np.broadcast_shapes(med.shape, lo.shape))
    if not hi.any():
        out = lower(_sub(~lo, y, medb))
    elif not lo.any():
        out = upper(_sub(~hi, y, medb))
    else:
        out = dnp.where(lo, lower(_sub(~lo, y, medb)), upper(_sub(~hi, y, medb)))
    return out if bad is None else _outside(bad, out, fill)


def _elementwise(impl, name, derivs, doc):
    """A broadcasting element-wise primitive ``stats.<name>`` whose partial
    derivative in argument k is ``derivs[k](ans, *args)`` (registry operations)."""
    p = primitive(lambda *args: impl(*args), name="stats." + name)
    p.__doc__ = doc

    def jvp(k):
        return lambda t, ans, *args: times_finite_zero(bcast_tangent(t, args[k], ans),
                                                       derivs[k](ans, *args))

    def vjp(k):
        return lambda g, ans, *args: unbroadcast(times_finite_zero(g, derivs[k](ans, *args)),
                                                 ans, args[k])
    defjvp(p, *[jvp(k) for k in range(len(derivs))])
    defvjp_direct(p, *[vjp(k) for k in range(len(derivs))])
    return p


# --- composite Gauss-Legendre on [0, 1]: 10 geometric panels [2^-(j+1), 2^-j] -----------
def _quad_rule(npanel=10, order=16):
    x, w = _np.polynomial.legendre.leggauss(order)
    edges = _np.concatenate([[0.0], 2.0 ** -_np.arange(npanel - 1, -1, -1)])
    lo, hi = edges[:-1, None], edges[1:, None]
    return ((lo + (hi - lo) * (x + 1) / 2).ravel(), ((hi - lo) * w / 2).ravel())


_QU, _QW = _quad_rule()
_SPAN = 60.0   # the integrands are cut where their exponent has dropped by this much


# --- gamma upper tail: d/da log Q(a, x) relative to Q ------------------------------------
def _gamma_tail_span(a, x):
    """``S`` with ``(a-1) log1p(S) - x S = -_SPAN`` (plain, for ``x > a - 1``): the
    exponent is decreasing from 0; Newton from an upper bound (monotone)."""
    a, x = _np.broadcast_arrays(_pv(a), _pv(x))
    with _np.errstate(all="ignore"):
        lam = _np.where(a <= 1, x, x - (a - 1))
        s = _SPAN / _np.maximum(lam, 1e-300)
        for _ in range(60):
            e = (a - 1) * _np.log1p(s) - x * s + _SPAN
            de = (a - 1) / (1 + s) - x
            s = _np.where(a > 1, s - e / de, s)
        s = _np.where(_np.isfinite(s) & (s > 0), s, 1.0)
    return s


def _gamma_tail_nd(a, x):
    """``(N / D, D)`` with ``D = int_0^inf (1+s)^(a-1) e^(-x s) ds`` (so that
    ``Gamma(a, x) = x^a e^-x D``) and ``N`` the same with a factor ``log1p(s)``:
    ``d/da log Gamma(a, x) = log x + N / D``, ``d/dx log Q = -1 / (x D)``; both
    without cancellation in the upper tail.  Registry operations (differentiable)."""
    span = _gamma_tail_span(a, x)
    A, X = dnp.expand_dims(a, -1), dnp.expand_dims(x, -1)
    s = span[..., None] * _QU
    l1 = _np.log1p(s)
    e = dnp.exp((A - 1) * l1 - X * s) * (_QW * span[..., None])
    d = dnp.sum(e, axis=-1)
    return dnp.sum(e * l1, axis=-1) / d, d


def _gamma_logq_da(a, x):
    r, _ = _gamma_tail_nd(a, x)
    return dnp.log(x) + r - sp.digamma(a)


def _bcast2(a, x):
    shp = _np.broadcast_shapes(shape_of(a), shape_of(x))
    return dnp.broadcast_to(a, shp), dnp.broadcast_to(x, shp)


def _gq_da(ans, a, x):
    a, x = _bcast2(a, x)
    return ans * _gamma_logq_da(a, x)


def _glogq_da(ans, a, x):
    a, x = _bcast2(a, x)
    return _gamma_logq_da(a, x)


def _glogq_dx(ans, a, x):
    a, x = _bcast2(a, x)
    return -1.0 / (x * _gamma_tail_nd(a, x)[1])


def _log_gammaincc_impl(a, x):
    with _np.errstate(divide="ignore"):
        return _np.log(_sp.gammaincc(a, x))


# gammaincc / its log for x above the median (x > a - 1): the derivative in a from
# the tail integrals above, accurate relative to Q however small Q is
_gammaincc_tail = _elementwise(_sp.gammaincc, "gammaincc_tail",
                               [_gq_da, lambda ans, a, x: -sp._gammainc_dx(None, a, x)],
                               "``gammaincc(a, x)`` for ``x`` above the median (internal).")
_log_gammaincc_tail = _elementwise(_log_gammaincc_impl, "log_gammaincc_tail",
                                   [_glogq_da, _glogq_dx],
                                   "``log(gammaincc(a, x))`` above the median (internal).")


# --- Student's t for large df: cancellation-free pieces -----------------------------
# log Gamma((df+1)/2) - log Gamma(df/2) - log(df/2)/2 = sum_n e_n df^-n (odd n), with
# e_n = (-1)^(n+1) (1 - 2^(n+1)) B_(n+1) / (n (n+1)) (Bernoulli polynomials at 1/2 and 0)
_BERN = _sp.bernoulli(18)
_R_COEF = [(n, float((-1) ** (n + 1) * (1 - 2.0 ** (n + 1)) * _BERN[n + 1] / (n * (n + 1))))
           for n in range(1, 17, 2)]
_R_BIG = 20.0       # df from which the series is used (converged to rounding there)


def _t_r(df, deriv=False):
    """``R(df) = log Gamma((df+1)/2) - log Gamma(df/2) - log(df/2)/2`` (or ``R'``),
    -> 0 like ``-1/(4 df)``; the series for large ``df`` (no cancellation, and
    ``R(inf) = 0``), ``gammaln`` / ``digamma`` below."""
    dv = _pv(df)
    big = dv >= _R_BIG
    out = None
    if big.any():
        w = 1.0 / _sub(~big, df, 100.0)
        w2 = w * w
        acc = 0.0
        for n, c in reversed(_R_COEF):      # R = w sum c_n w^(n-1), R' = w^2 sum -n c_n w^(n-1)
            acc = acc * w2 + (-n * c if deriv else c)
        out = acc * w2 if deriv else acc * w
    if (~big).any():
        ds = _sub(big, df, 1.0)
        if deriv:
            small = 0.5 * (sp.digamma(0.5 * (ds + 1)) - sp.digamma(0.5 * ds)) - 0.5 / ds
        else:
            small = sp.gammaln(0.5 * (ds + 1)) - sp.gammaln(0.5 * ds) - 0.5 * dnp.log(0.5 * ds)
        out = small if out is None else dnp.where(big, out, small)
    return out


_H_TERMS = 32     # H(v) = sum_(n>=2) v^(n-2) / n to v^31 for v < 0.3


def _t_h(v):
    """``H(v) = (-log1p(-v) - v) / v^2`` (series for ``v < 0.3``)."""
    vv = _pv(v)
    sm = vv < 0.3
    out = None
    if sm.any():
        vs = _sub(~sm, v, 0.0)
        acc = 1.0 / (_H_TERMS + 1)
        for n in range(_H_TERMS, 1, -1):
            acc = acc * vs + 1.0 / n
        out = acc
    if (~sm).any():
        vl = _sub(sm, v, 0.5)
        direct = (-dnp.log1p(-vl) - vl) / (vl * vl)
        out = direct if out is None else dnp.where(sm, out, direct)
    return out


def _t_pieces(z, df):
    """``(u, v, L)``: ``u = z^2/df``, ``v = u / (1+u)``, ``L = log1p(u) / u``
    (``(1-v)(1 + v H(v))``, 1 at ``u = 0`` and at ``df = inf``)."""
    z2 = z * z
    u = z2 / df
    v = z2 / (df + z2) if not _np.any(_np.isinf(_pv(df))) else u / (1 + u)
    return z2, u, v, (1 - v) * (1 + v * _t_h(v))


def _t_logpdf_std(z, df):
    """log density of the standard t, without cancellation in ``df``:
    ``R(df) - log(2 pi)/2 - (z^2/2) (1 + 1/df) log1p(z^2/df) / (z^2/df)``."""
    z2, u, v, L = _t_pieces(z, df)
    return _t_r(df) - _HALF_LOG_2PI - (0.5 * z2) * (1 + 1 / df) * L


def _t_dlogpdf_ddf(z, df):
    """``d/ddf`` of the log density: ``R'(df) + z^2 / (2 df^2) (L - q (1-v) H)``
    with ``q = z^2 (1 + 1/df) / (1 + u)``; every term is O(1/df^2)."""
    z2, u, v, L = _t_pieces(z, df)
    q = z2 * (1 + 1 / df) / (1 + u)
    return _t_r(df, deriv=True) + (0.5 * z2 / (df * df)) * (L - q * (1 - v) * _t_h(v))


_T_BIG = 1000.0     # df from which the t cdf's df-derivative is integrated


def _t_cdf_ddf_big(df, z):
    """``d/ddf stdtr(df, z) = int_-inf^z f(s) d/ddf log f(s) ds`` for large ``df``,
    by Gauss-Legendre over ``[T - W, T]``, ``T = -|z|`` (``-int_z^inf`` for
    ``z > 0``, by symmetry), where the density has dropped by ``e^-60``."""
    zv = _pv(z)
    sgn = _np.where(zv > 0, -1.0, 1.0)
    T = sgn * z
    tv, dv = _np.broadcast_arrays(-_np.abs(zv), _pv(df))
    with _np.errstate(all="ignore"):
        target = _np.where(dv > 1e300, tv * tv + 2 * _SPAN,
                           dv * _np.expm1(_np.log1p(tv * tv / dv) + 2 * _SPAN / (dv + 1)))
        w = _np.sqrt(target) - _np.abs(tv)
    w = _np.where(_np.isfinite(w) & (w > 0), w, 1.0)
    S = dnp.expand_dims(T, -1) - w[..., None] * _QU
    DF = dnp.expand_dims(df, -1)
    f = dnp.exp(_t_logpdf_std(S, DF)) * _t_dlogpdf_ddf(S, DF)
    return sgn * dnp.sum(f * (_QW * w[..., None]), axis=-1)


def _t_cdf_ddf(ans, df, z):
    df, z = _bcast2(df, z)
    big = _pv(df) >= _T_BIG
    if big.all():
        return _t_cdf_ddf_big(df, z)
    if not big.any():
        return sp._stdtr_ddf(ans, df, z)
    return dnp.where(big, _t_cdf_ddf_big(_sub(~big, df, 1e6), z),
                     sp._stdtr_ddf(ans, _sub(big, df, 10.0), z))


def _t_cdf_dz(ans, df, z):
    return dnp.exp(_t_logpdf_std(z, df))


_stdtr = _elementwise(_sp.stdtr, "stdtr", [_t_cdf_ddf, _t_cdf_dz],
                      "``stdtr(df, t)`` with a df-derivative accurate for large df (internal).")


# --- beta survival function --------------------------------------------------------
_betaincc = _elementwise(
    _sp.betaincc, "betaincc",
    [lambda ans, a, b, x: -sp._betainc_dparam(ans, a, b, x, 0),
     lambda ans, a, b, x: -sp._betainc_dparam(ans, a, b, x, 1),
     lambda ans, a, b, x: -sp._betainc_dx(ans, a, b, x)],
    "``betaincc(a, b, x)``, the beta survival function (internal).")


class _Continuous:
    """``pdf`` / ``cdf`` / ``sf`` / ``logsf`` from ``logpdf`` / ``cdf`` / ``logcdf``."""

    def pdf(self, x, *args, **kwargs):
        return dnp.exp(self.logpdf(x, *args, **kwargs))

    def sf(self, x, *args, **kwargs):
        return 1 - self.cdf(x, *args, **kwargs)

    def logcdf(self, x, *args, **kwargs):
        return dnp.log(self.cdf(x, *args, **kwargs))

    def logsf(self, x, *args, **kwargs):
        return dnp.log(self.sf(x, *args, **kwargs))


class norm_gen(_Continuous):
    """The normal distribution: ``norm.logpdf(x, loc=0, scale=1)`` etc."""

    def logpdf(self, x, loc=0, scale=1):
        z = _std(x, loc, scale)
        return (-0.5 * (z * z) - _HALF_LOG_2PI) - _log(scale)

    def pdf(self, x, loc=0, scale=1):
        # as SciPy: exp(-z^2/2) / sqrt(2 pi) / scale
        z = _std(x, loc, scale)
        return dnp.exp(-0.5 * (z * z)) / _NORM_PDF_C / scale

    def cdf(self, x, loc=0, scale=1):
        return sp.ndtr(_std(x, loc, scale))

    def logcdf(self, x, loc=0, scale=1):
        return sp.log_ndtr(_std(x, loc, scale))

    def sf(self, x, loc=0, scale=1):
        return sp.ndtr(-_std(x, loc, scale))

    def logsf(self, x, loc=0, scale=1):
        return sp.log_ndtr(-_std(x, loc, scale))

    def ppf(self, q, loc=0, scale=1):
        return loc + scale * sp.ndtri(q)


class t_gen(_Continuous):
    """Student's t: ``t.logpdf(x, df, loc=0, scale=1)`` etc.  ``df = inf`` is the
    normal distribution; the derivatives in ``df`` stay accurate for large ``df``
    (no cancellation: an asymptotic series for the gamma-function ratio, and the
    cdf's derivative integrated from that of the log density for ``df >= 1000``)."""

    def logpdf(self, x, df, loc=0, scale=1):
        return _t_logpdf_std(_std(x, loc, scale), df) - _log(scale)

    def cdf(self, x, df, loc=0, scale=1):
        return _stdtr(df, _std(x, loc, scale))

    def sf(self, x, df, loc=0, scale=1):
        return _stdtr(df, -_std(x, loc, scale))

    def logcdf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        return _split(z, 0.0, lambda y: dnp.log(_stdtr(df, y)),
                      lambda y: dnp.log1p(-_stdtr(df, -y)))

    def logsf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        return _split(z, 0.0, lambda y: dnp.log1p(-_stdtr(df, y)),
                      lambda y: dnp.log(_stdtr(df, -y)))


class gamma_gen(_Continuous):
    """The gamma distribution: ``gamma.logpdf(x, a, loc=0, scale=1)`` etc.  Above
    the median the survival function's derivative in ``a`` is computed relative
    to it (tail integrals), so ``logsf`` keeps it far in the tail."""

    def logpdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _pv(y) < 0
        ys = _outside(bad, y, 1.0)
        out = sp.xlogy(a - 1, ys) - ys - sp.gammaln(a) - _log(scale)
        return _outside(bad, out, -_np.inf)

    @staticmethod
    def _median(a, y):
        return _sp.gammaincinv(_pv(a), 0.5) + 0 * _pv(y)

    def cdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _pv(y) < 0
        return _outside(bad, sp.gammainc(a, _sub(bad, y, 1.0)), 0.0)

    def sf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _pv(y) < 0
        out = _split(y, self._median(a, y), lambda v: sp.gammaincc(a, v),
                     lambda v: _gammaincc_tail(a, v), bad, 1.0)
        return out

    def logcdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _split(y, self._median(a, y), lambda v: dnp.log(sp.gammainc(a, v)),
                      lambda v: dnp.log1p(-_gammaincc_tail(a, v)), _pv(y) < 0, -_np.inf)

    def logsf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _split(y, self._median(a, y), lambda v: dnp.log1p(-sp.gammainc(a, v)),
                      lambda v: _log_gammaincc_tail(a, v), _pv(y) < 0, 0.0)


class beta_gen(_Continuous):
    """The beta distribution: ``beta.logpdf(x, a, b, loc=0, scale=1)`` etc."""

    def logpdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        bad = (yv < 0) | (yv > 1)
        ys = _outside(bad, y, 0.5)
        out = sp.xlog1py(b - 1, -ys) + sp.xlogy(a - 1, ys) - sp.betaln(a, b) - _log(scale)
        return _outside(bad, out, -_np.inf)

    @staticmethod
    def _median(a, b, y):
        return _sp.betaincinv(_pv(a), _pv(b), 0.5) + 0 * _pv(y)

    def cdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        lo, hi = yv < 0, yv > 1
        out = sp.betainc(a, b, _sub(lo | hi, y, 0.5))
        return _outside(hi, _outside(lo, out, 0.0), 1.0)

    def sf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        lo, hi = yv < 0, yv > 1
        out = _betaincc(a, b, _sub(lo | hi, y, 0.5))
        return _outside(hi, _outside(lo, out, 1.0), 0.0)

    def logcdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        out = _split(y, self._median(a, b, y), lambda v: dnp.log(sp.betainc(a, b, v)),
                     lambda v: dnp.log1p(-_betaincc(a, b, v)), (yv < 0) | (yv > 1), -_np.inf)
        return _outside(yv > 1, out, 0.0)

    def logsf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        out = _split(y, self._median(a, b, y), lambda v: dnp.log1p(-sp.betainc(a, b, v)),
                     lambda v: dnp.log(_betaincc(a, b, v)), (yv < 0) | (yv > 1), 0.0)
        return _outside(yv > 1, out, -_np.inf)


class poisson_gen:
    """The Poisson distribution: ``poisson.logpmf(k, mu, loc=0)`` etc.,
    differentiable in ``mu``."""

    def logpmf(self, k, mu, loc=0):
        k = _np.asarray(primal_of(k)) - loc
        ok = (k >= 0) & (k == _np.floor(k))
        ks = _np.where(ok, k, 0.0)
        out = sp.xlogy(ks, mu) - mu - sp.gammaln(ks + 1)
        return _outside(~ok, out, -_np.inf)

    def pmf(self, k, mu, loc=0):
        return dnp.exp(self.logpmf(k, mu, loc))

    @staticmethod
    def _tail(gamma_fn, k, mu, loc, below):
        # Q(k+1, mu) is the cdf, P(k+1, mu) the sf (SciPy's pdtr / pdtrc); ``below``
        # for k < 0
        k = _np.floor(_np.asarray(primal_of(k)) - loc)
        neg = k < 0
        return _outside(neg, gamma_fn(_np.where(neg, 0.0, k) + 1, mu), below)

    def cdf(self, k, mu, loc=0):
        return self._tail(sp.gammaincc, k, mu, loc, 0.0)

    def logcdf(self, k, mu, loc=0):
        return dnp.log(self.cdf(k, mu, loc))

    def sf(self, k, mu, loc=0):
        return self._tail(sp.gammainc, k, mu, loc, 1.0)

    def logsf(self, k, mu, loc=0):
        return dnp.log(self.sf(k, mu, loc))


class dirichlet_gen:
    """The Dirichlet distribution: ``dirichlet.logpdf(x, alpha)``, differentiable
    in ``x`` and ``alpha``.  As in SciPy, the components of ``x`` run along its
    first axis; ``K - 1`` components are completed by ``1 - sum``."""

    def logpdf(self, x, alpha):
        k = shape_of(alpha)[-1]
        if ndim_of(alpha) != 1:
            raise ValueError("Parameter vector 'a' must be one dimensional")
        if shape_of(x)[0] == k - 1:
            x = dnp.concatenate([x, dnp.expand_dims(1 - dnp.sum(x, axis=0), 0)], axis=0)
        elif shape_of(x)[0] != k:
            raise ValueError("Vector 'x' must have either the same number of entries "
                             "as, or one entry fewer than, parameter vector 'a'")
        a = dnp.reshape(alpha, (k,) + (1,) * (ndim_of(x) - 1))
        lognorm = dnp.sum(sp.gammaln(alpha)) - sp.gammaln(dnp.sum(alpha))
        return dnp.sum(sp.xlogy(a - 1, x), axis=0) - lognorm

    def pdf(self, x, alpha):
        return dnp.exp(self.logpdf(x, alpha))


class multivariate_normal_gen:
    """``multivariate_normal.logpdf(x, mean=None, cov=1)``, differentiable in
    ``x``, ``mean`` and ``cov`` (a matrix, a vector of variances or a scalar);
    ``cov`` is read through its lower triangle, like a Cholesky factorisation."""

    def logpdf(self, x, mean=None, cov=1):
        xs = shape_of(x)
        if mean is not None and ndim_of(mean) >= 1:
            d = shape_of(mean)[-1]
        elif ndim_of(cov) >= 1:
            d = shape_of(cov)[-1]
        else:
            d = 1
        if d == 1 and (not xs or xs[-1] != 1):
            x = dnp.reshape(x, xs + (1,))
        elif not xs or xs[-1] != d:
            raise ValueError(f"multivariate_normal: x of shape {xs} does not match "
                             f"dimension {d}")
        if ndim_of(cov) == 0:
            cov = cov * _np.eye(d)
        elif ndim_of(cov) == 1:
            cov = dnp.reshape(cov, (d, 1)) * _np.eye(d)
        diff = x if mean is None else x - mean
        lead = shape_of(diff)[:-1]
        low = sla.cholesky(cov, lower=True)
        r = dnp.reshape(diff, (-1, d))
        z = sla.solve_triangular(low, dnp.transpose(r), lower=True)      # (d, N)
        maha = dnp.sum(z * z, axis=0)
        logdet = 2 * dnp.sum(dnp.log(dnp.sum(low * _np.eye(d), axis=-1)))
        out = -0.5 * (maha + logdet + d * _LOG_2PI)
        return dnp.reshape(out, tuple(n for n in lead if n != 1))   # SciPy squeezes

    def pdf(self, x, mean=None, cov=1):
        return dnp.exp(self.logpdf(x, mean, cov))


norm = norm_gen()
t = t_gen()
gamma = gamma_gen()
beta = beta_gen()
poisson = poisson_gen()
dirichlet = dirichlet_gen()
multivariate_normal = multivariate_normal_gen()
