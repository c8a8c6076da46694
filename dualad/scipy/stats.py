"""Differentiable ``scipy.stats`` distributions.

Each distribution object has SciPy's method names and signatures
(``norm.logpdf(x, loc=0, scale=1)``) and is written as a composition of
dualad primitives, so its derivatives in ``x`` and in the parameters come from
their rules.  The cdfs are differentiable in their shape parameters too
(``t.cdf`` in ``df``, ``gamma.cdf`` in ``a``, ``beta.cdf`` in ``a`` and ``b``),
through the rules of ``special.stdtr``, ``special.gammainc``,
``special.gammaincc`` and ``special.betainc``.  The machinery that keeps them
accurate where a plain series loses relative precision lives in
:mod:`dualad.scipy.special`, one implementation used both by the distributions
and by the special functions called directly: ``special.gammaincc`` (above the
median its ``a``-derivative is ``Q d/da log Q`` from tail integrals, relative to
the survival function), the internal ``special.log_gammaincc_tail``
(``gamma.logsf`` above the median), ``special.stdtr`` (the ``df``-derivative
integrated from that of the log density for ``df >= 1000``, no cancellation),
the t log density ``special._t_logpdf_std`` and the internal ``special.betaincc``
(``beta.sf`` / ``logsf``).

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
from ..tracer import ndim_of, primal_of, shape_of
from . import special as sp
from . import linalg as sla

__all__ = ["norm", "t", "gamma", "beta", "poisson", "dirichlet", "multivariate_normal"]

# python floats, not np.float64: weak scalars, so float32 stays float32
_LOG_2PI = float(_np.log(2 * _np.pi))
_HALF_LOG_2PI = float(0.5 * _np.log(2 * _np.pi))
_NORM_PDF_C = float(_np.sqrt(2 * _np.pi))


# ``value`` with the constant ``fill`` where a plain mask is True: on an input, a
# safe value for a branch not used there; on an output, the value outside the support
_sub = _outside = sp._sub
_pv = sp._pv


def _std(x, loc, scale):
    return (x - loc) / scale


def _log(scale):
    """``log(scale)``; a python float for a python number (a weak scalar: float32
    arguments keep float32)."""
    if isinstance(scale, (int, float)) and not isinstance(scale, bool):
        with _np.errstate(all="ignore"):
            return float(_np.log(float(scale)))
    return dnp.log(scale)


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


_betaincc = sp._betaincc       # beta's survival function, not 1 - cdf


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
        return sp._t_logpdf_std(_std(x, loc, scale), df) - _log(scale)

    def cdf(self, x, df, loc=0, scale=1):
        return sp.stdtr(df, _std(x, loc, scale))

    def sf(self, x, df, loc=0, scale=1):
        return sp.stdtr(df, -_std(x, loc, scale))

    def logcdf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        return _split(z, 0.0, lambda y: dnp.log(sp.stdtr(df, y)),
                      lambda y: dnp.log1p(-sp.stdtr(df, -y)))

    def logsf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        return _split(z, 0.0, lambda y: dnp.log1p(-sp.stdtr(df, y)),
                      lambda y: dnp.log(sp.stdtr(df, -y)))


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
        return _outside(bad, sp.gammaincc(a, _sub(bad, y, 1.0)), 1.0)

    def logcdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _split(y, self._median(a, y), lambda v: dnp.log(sp.gammainc(a, v)),
                      lambda v: dnp.log1p(-sp.gammaincc(a, v)), _pv(y) < 0, -_np.inf)

    def logsf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _split(y, self._median(a, y), lambda v: dnp.log1p(-sp.gammainc(a, v)),
                      lambda v: sp._log_gammaincc_tail(a, v), _pv(y) < 0, 0.0)


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
