"""Differentiable ``scipy.stats`` distributions.

Each distribution object has SciPy's method names and signatures
(``norm.logpdf(x, loc=0, scale=1)``) and is written as a composition of
dualad primitives, so its derivatives in ``x`` and in the parameters come from
their rules: no rules of its own.  The cdfs are differentiable in their shape
parameters too (``t.cdf`` in ``df``, ``gamma.cdf`` in ``a``, ``beta.cdf`` in
``a`` and ``b``), through the series derivatives of ``special.stdtr``,
``special.gammainc`` and ``special.betainc``.

Outside the support, ``logpdf`` is ``-inf`` and ``pdf`` is 0 (no derivative).

>>> import dualad as ad
>>> from dualad.scipy.stats import norm
>>> float(ad.grad(norm.logpdf, argnums=1)(1.0, 0.0, 1.0))   # d/dloc = (x - loc) / scale**2
1.0
"""
from __future__ import annotations

import numpy as _np

from .. import numpy as dnp
from ..tracer import ndim_of, primal_of, shape_of
from . import special as sp
from . import linalg as sla

__all__ = ["norm", "t", "gamma", "beta", "poisson", "dirichlet", "multivariate_normal"]

_LOG_2PI = _np.log(2 * _np.pi)


def _outside(mask, value, fill):
    """``value`` with ``fill`` where the (plain) ``mask`` is True."""
    mask = _np.asarray(mask)
    if not _np.any(mask):
        return value
    return dnp.where(mask, fill, value)


def _std(x, loc, scale):
    return (x - loc) / scale


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
        return -0.5 * z * z - dnp.log(scale) - 0.5 * _LOG_2PI

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
    """Student's t: ``t.logpdf(x, df, loc=0, scale=1)`` etc."""

    def logpdf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        return (sp.gammaln(0.5 * (df + 1)) - sp.gammaln(0.5 * df)
                - 0.5 * dnp.log(df * _np.pi) - dnp.log(scale)
                - 0.5 * (df + 1) * dnp.log1p(z * z / df))

    def cdf(self, x, df, loc=0, scale=1):
        return sp.stdtr(df, _std(x, loc, scale))

    def sf(self, x, df, loc=0, scale=1):
        return self.cdf(-x, df, -loc, scale)


class gamma_gen(_Continuous):
    """The gamma distribution: ``gamma.logpdf(x, a, loc=0, scale=1)`` etc."""

    def logpdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _np.asarray(primal_of(y)) < 0
        ys = _outside(bad, y, 1.0)
        out = sp.xlogy(a - 1, ys) - ys - sp.gammaln(a) - dnp.log(scale)
        return _outside(bad, out, -_np.inf)

    def cdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        return sp.gammainc(a, dnp.maximum(y, 0.0) if _np.any(_np.asarray(primal_of(y)) < 0) else y)

    def sf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        return sp.gammaincc(a, dnp.maximum(y, 0.0) if _np.any(_np.asarray(primal_of(y)) < 0) else y)


class beta_gen(_Continuous):
    """The beta distribution: ``beta.logpdf(x, a, b, loc=0, scale=1)`` etc."""

    def logpdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _np.asarray(primal_of(y))
        bad = (yv < 0) | (yv > 1)
        ys = _outside(bad, y, 0.5)
        out = sp.xlogy(a - 1, ys) + sp.xlog1py(b - 1, -ys) - sp.betaln(a, b) - dnp.log(scale)
        return _outside(bad, out, -_np.inf)

    def cdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _np.asarray(primal_of(y))
        if _np.any((yv < 0) | (yv > 1)):
            y = dnp.clip(y, 0.0, 1.0)
        return sp.betainc(a, b, y)


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

    def cdf(self, k, mu, loc=0):
        k = _np.floor(_np.asarray(primal_of(k)) - loc)
        neg = k < 0
        out = sp.gammaincc(_np.where(neg, 0.0, k) + 1, mu)
        return _outside(neg, out, 0.0)

    def logcdf(self, k, mu, loc=0):
        return dnp.log(self.cdf(k, mu, loc))

    def sf(self, k, mu, loc=0):
        return 1 - self.cdf(k, mu, loc)


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
