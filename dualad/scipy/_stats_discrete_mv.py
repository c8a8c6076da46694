"""More differentiable ``scipy.stats`` distributions: discrete ones (``geom``,
``bernoulli``, ``betabinom``, ``zipf``, ``logser``, ``boltzmann``, ``skellam``,
and, without derivatives since their parameters are integers, ``randint`` and
``hypergeom``), multivariate ones (``multivariate_t``, ``multinomial``,
``dirichlet_multinomial``, ``wishart``, ``invwishart``, ``matrix_normal``),
``entropy`` / ``cov`` of ``multivariate_normal`` and ``dirichlet``, and
:class:`gaussian_kde`.  Its names are added to :mod:`dualad.scipy.stats` (``_export``, run when
this module is imported, at the end of stats.py).

Every one is a composition of dualad primitives (no new rules), so it is
differentiable in every float parameter, in both modes and to any order.  The
count ``k`` / ``x`` of a discrete distribution has derivative 0 (a traced one is
accepted), and an integer parameter (``binom``'s ``n``, ``betabinom``'s ``n``,
``boltzmann``'s ``N``, ``multinomial``'s ``n``, ...) passed traced raises
``NotImplementedError``.  ``ppf`` / ``isf`` of a discrete distribution is
SciPy's value (a step function of ``q``): derivative 0.

>>> import dualad as ad
>>> from dualad.scipy.stats import geom
>>> float(ad.grad(lambda p: geom.logpmf(3, p))(0.5))    # 1/p - (k-1)/(1-p)
-2.0
"""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from .. import numpy as dnp
from ..tracer import contains_tracer, ndim_of, primal_of, shape_of
from . import special as sp
from . import linalg as sla
from . import stats as _st
from .stats import (_LOG_2PI, _Moments, _arr, _counts, _integer_param, _invalid, _outside,
                    _plain, _pv, _raw, _sub)

__all__ = ["geom", "bernoulli", "betabinom", "zipf", "logser", "boltzmann", "skellam",
           "randint", "hypergeom", "multivariate_t", "multinomial", "dirichlet_multinomial",
           "wishart", "invwishart", "matrix_normal", "multivariate_normal", "dirichlet",
           "gaussian_kde"]

_LOG_2 = float(_np.log(2.0))


def _floor_k(k, loc):
    """The plain ``floor(k - loc)`` of a cdf (``k`` has derivative 0)."""
    with _np.errstate(invalid="ignore"):
        return _np.floor(_np.asarray(primal_of(k), float) - _np.asarray(primal_of(loc), float))


class _Discrete(_Moments):
    """A discrete distribution: ``pmf = exp(logpmf)``, ``logcdf = log(cdf)``,
    ``logsf = log(sf)`` unless a subclass has better forms; ``ppf`` / ``isf``
    are SciPy's values (derivative 0)."""

    _density = "logpmf"

    def pmf(self, k, *args, **kwds):
        return dnp.exp(self.logpmf(k, *args, **kwds))

    def logcdf(self, k, *args, **kwds):
        with _np.errstate(divide="ignore"):
            return dnp.log(self.cdf(k, *args, **kwds))

    def logsf(self, k, *args, **kwds):
        with _np.errstate(divide="ignore"):
            return dnp.log(self.sf(k, *args, **kwds))

    def ppf(self, q, *args, **kwds):
        """SciPy's ``ppf`` on the plain values: a step function of ``q`` and of
        the parameters, so its derivative is 0."""
        return _np.asarray(self._scipy_value("ppf", (_raw(q),), args, kwds))[()]

    def isf(self, q, *args, **kwds):
        """SciPy's ``isf`` on the plain values (derivative 0, as ``ppf``)."""
        return _np.asarray(self._scipy_value("isf", (_raw(q),), args, kwds))[()]

    def median(self, *args, **kwds):
        return self.ppf(0.5, *args, **kwds)


class bernoulli_gen(_Discrete):
    """The Bernoulli distribution: ``bernoulli.logpmf(k, p, loc=0)`` etc.,
    differentiable in ``p``."""

    name = "bernoulli"

    def _mv(self, p):
        return p, p * (1 - p)

    @staticmethod
    def _bad(p):
        pv = _pv(p)
        return ~((pv >= 0) & (pv <= 1))

    def logpmf(self, k, p, loc=0):
        k, ok = _counts(k, loc)
        ok = ok & (k <= 1)
        ks = _np.where(ok, k, 0.0)
        out = sp.xlogy(ks, p) + sp.xlog1py(1 - ks, -_arr(p))
        return _invalid(self._bad(p), _outside(~ok, out, -_np.inf))

    def _tail(self, k, p, loc, upper):
        k = _floor_k(k, loc)
        p = _arr(p)
        mid = (1 - p) if not upper else p + 0 * (1 - p)
        out = _outside(k < 0, mid, float(upper))
        out = _outside(k >= 1, out, float(not upper))
        return _invalid(self._bad(p), out)

    def cdf(self, k, p, loc=0):
        return self._tail(k, p, loc, False)

    def sf(self, k, p, loc=0):
        return self._tail(k, p, loc, True)


class geom_gen(_Discrete):
    """The geometric distribution: ``geom.logpmf(k, p, loc=0)`` etc. (support
    ``k >= 1``), differentiable in ``p``: ``sf = exp(k log1p(-p))``, ``cdf =
    -expm1(k log1p(-p))``, as SciPy."""

    name = "geom"

    def _mv(self, p):
        return 1 / p, (1 - p) / (p * p)

    @staticmethod
    def _bad(p):
        pv = _pv(p)
        return ~((pv > 0) & (pv <= 1))

    def logpmf(self, k, p, loc=0):
        k, ok = _counts(k, loc)
        ok = ok & (k >= 1)
        ks = _np.where(ok, k, 1.0)
        p = _arr(p)
        out = sp.xlog1py(ks - 1, -p) + dnp.log(p)
        return _invalid(self._bad(p), _outside(~ok, out, -_np.inf))

    def _logsf(self, k, p, loc):
        k = _floor_k(k, loc)
        low = k < 1
        return low, _np.where(low, 0.0, k) * dnp.log1p(-_arr(p))

    def cdf(self, k, p, loc=0):
        low, ls = self._logsf(k, p, loc)
        return _invalid(self._bad(p), _outside(low, -dnp.expm1(ls), 0.0))

    def sf(self, k, p, loc=0):
        low, ls = self._logsf(k, p, loc)
        return _invalid(self._bad(p), _outside(low, dnp.exp(ls), 1.0))

    def logsf(self, k, p, loc=0):
        low, ls = self._logsf(k, p, loc)
        return _invalid(self._bad(p), _outside(low, ls, 0.0))


class betabinom_gen(_Discrete):
    """The beta-binomial distribution: ``betabinom.logpmf(k, n, a, b, loc=0)``
    etc., differentiable in ``a`` and ``b``; ``n`` is a plain integer count.
    ``cdf`` and ``sf`` are sums of the pmf (``sf`` over ``j > k``, so it keeps
    its relative accuracy where SciPy's ``1 - cdf`` cancels)."""

    name = "betabinom"

    def _mv(self, n, a, b):
        n = _integer_param(n, self.name, "n")
        ab = a + b
        ep = a / ab
        return n * ep, n * (ab + n) * ep * (1 - ep) / (ab + 1)

    @staticmethod
    def _bad(n, a, b):
        return ~((n >= 0) & (n == _np.floor(n)) & (_pv(a) > 0) & (_pv(b) > 0))

    @staticmethod
    def _lp(ks, n, a, b):
        with _np.errstate(all="ignore"):
            comb = -_np.log(n + 1) - _sp.betaln(n - ks + 1, ks + 1)
        return comb + sp.betaln(ks + a, n - ks + b) - sp.betaln(a, b)

    def logpmf(self, k, n, a, b, loc=0):
        n = _integer_param(n, self.name, "n")
        k, ok = _counts(k, loc)
        ok = ok & (k <= n)
        ks = _np.where(ok, k, 0.0)
        nn = _np.where(ok, n, _np.maximum(n, 0.0))
        out = self._lp(ks, nn, _arr(a), _arr(b))
        return _invalid(self._bad(n, a, b), _outside(~ok, out, -_np.inf))

    def _tails(self, k, n, a, b, loc, upper):
        n = _integer_param(n, self.name, "n")
        k = _floor_k(k, loc)
        a, b = _arr(a), _arr(b)
        bad = self._bad(n, a, b)
        shape = _np.broadcast_shapes(k.shape, n.shape, shape_of(a), shape_of(b))
        kb, nb = _np.broadcast_to(k, shape), _np.broadcast_to(n, shape)
        nb = _np.where(bad | ~_np.isfinite(nb), 0.0, nb)
        top = int(nb.max()) if nb.size else 0
        j = _np.arange(top + 1.0)                       # (J,), along a new last axis
        inside = j <= nb[..., None]
        take = inside & ((j > kb[..., None]) if upper else (j <= kb[..., None]))
        js = _np.where(inside, j, 0.0)
        terms = dnp.exp(self._lp(js, nb[..., None], dnp.expand_dims(a + 0 * nb, -1),
                                 dnp.expand_dims(b + 0 * nb, -1)))
        out = dnp.sum(dnp.where(take, terms, 0.0), axis=-1)
        out = _outside(kb >= nb, out, float(not upper))     # SciPy's exact 1 / 0 there
        return _plain(_invalid(bad, out))

    def cdf(self, k, n, a, b, loc=0):
        return self._tails(k, n, a, b, loc, False)

    def sf(self, k, n, a, b, loc=0):
        return self._tails(k, n, a, b, loc, True)


class zipf_gen(_Discrete):
    """The Zipf distribution: ``zipf.logpmf(k, a, loc=0)`` etc. (``k >= 1``, ``a >
    1``), differentiable in ``a``: ``pmf = k^-a / zeta(a)``, ``sf = zeta(a, k+1)
    / zeta(a)`` (SciPy sums the pmf for ``cdf`` and takes ``sf = 1 - cdf``, which
    loses relative accuracy in the upper tail; this ``sf`` does not)."""

    name = "zipf"

    def _mv(self, a):
        z = sp.zeta(a, 1.0)
        m = sp.zeta(a - 1, 1.0) / z
        return m, sp.zeta(a - 2, 1.0) / z - m * m

    @staticmethod
    def _bad(a):
        return ~(_pv(a) > 1)

    def logpmf(self, k, a, loc=0):
        k, ok = _counts(k, loc)
        ok = ok & (k >= 1)
        ks = _np.where(ok, k, 1.0)
        a = _arr(a)
        bad = self._bad(a)
        a = _sub(bad, a, 2.0)
        out = -a * _np.log(ks) - dnp.log(sp.zeta(a, 1.0))
        return _invalid(bad, _outside(~ok, out, -_np.inf))

    def _sf(self, k, a, loc):
        k = _floor_k(k, loc)
        low = k < 1
        a = _arr(a)
        bad = self._bad(a)
        a = _sub(bad, a, 2.0)
        return bad, low, sp.zeta(a, _np.where(low, 1.0, k) + 1) / sp.zeta(a, 1.0)

    def sf(self, k, a, loc=0):
        bad, low, s = self._sf(k, a, loc)
        return _invalid(bad, _outside(low, s, 1.0))

    def cdf(self, k, a, loc=0):
        bad, low, s = self._sf(k, a, loc)
        return _invalid(bad, _outside(low, 1 - s, 0.0))


class logser_gen(_Discrete):
    """The log-series distribution: ``logser.logpmf(k, p, loc=0)`` etc. (``k >=
    1``, ``0 < p < 1``), differentiable in ``p``; ``sf`` is SciPy's incomplete
    beta form ``-B(p; k+1, 0) / log1p(-p)`` and ``cdf = 1 - sf``."""

    name = "logser"
    _TINY = 1e-100

    def _mv(self, p):
        r = dnp.log1p(-p)
        mu = p / (p - 1.0) / r
        return mu, -p / r / ((p - 1.0) * (p - 1.0)) - mu * mu

    @staticmethod
    def _bad(p):
        pv = _pv(p)
        return ~((pv > 0) & (pv < 1))

    def logpmf(self, k, p, loc=0):
        k, ok = _counts(k, loc)
        ok = ok & (k >= 1)
        ks = _np.where(ok, k, 1.0)
        p = _arr(p)
        bad = self._bad(p)
        p = _sub(bad, p, 0.5)
        out = ks * dnp.log(p) - _np.log(ks) - dnp.log(-dnp.log1p(-p))
        return _invalid(bad, _outside(~ok, out, -_np.inf))

    def _sf(self, k, p, loc):
        k = _floor_k(k, loc)
        low = k < 1
        p = _arr(p)
        bad = self._bad(p)
        p = _sub(bad, p, 0.5)
        k1 = _np.where(low, 1.0, k) + 1
        s = -sp.betainc(k1, self._TINY, p) * _sp.beta(k1, self._TINY) / dnp.log1p(-p)
        return bad, low, s

    def sf(self, k, p, loc=0):
        bad, low, s = self._sf(k, p, loc)
        return _invalid(bad, _outside(low, s, 1.0))

    def cdf(self, k, p, loc=0):
        bad, low, s = self._sf(k, p, loc)
        return _invalid(bad, _outside(low, 1 - s, 0.0))


class boltzmann_gen(_Discrete):
    """The truncated discrete exponential distribution: ``boltzmann.logpmf(k,
    lambda_, N, loc=0)`` etc. (``0 <= k < N``), differentiable in ``lambda_``;
    ``N`` is a plain integer.  ``cdf = (1 - e^(-lambda (k+1))) / (1 - e^(-lambda
    N))`` and ``sf = (e^(-lambda (k+1)) - e^(-lambda N)) / (1 - e^(-lambda N))``,
    with ``expm1`` (SciPy's ``1 - exp`` loses digits for small ``lambda_``, and
    its ``sf = 1 - cdf`` in the upper tail)."""

    name = "boltzmann"

    def _mv(self, lambda_, N):
        N = _integer_param(N, self.name, "N")
        z = dnp.exp(-lambda_)
        zN = dnp.exp(-lambda_ * N)
        return (z / (1.0 - z) - N * zN / (1 - zN),
                z / ((1.0 - z) * (1.0 - z)) - N * N * zN / ((1 - zN) * (1 - zN)))

    @staticmethod
    def _bad(lam, N):
        return ~((_pv(lam) > 0) & (N > 0) & (N == _np.floor(N)))

    def _prep(self, lambda_, N):
        N = _integer_param(N, self.name, "N")
        lam = _arr(lambda_)
        bad = self._bad(lam, N)
        return N, _sub(bad, lam, 1.0), bad

    def logpmf(self, k, lambda_, N, loc=0):
        N, lam, bad = self._prep(lambda_, N)
        k, ok = _counts(k, loc)
        ok = ok & (k <= N - 1)
        ks = _np.where(ok, k, 0.0)
        Ns = _np.where(bad, 1.0, N)
        out = dnp.log(-dnp.expm1(-lam)) - lam * ks - dnp.log(-dnp.expm1(-lam * Ns))
        return _invalid(bad, _outside(~ok, out, -_np.inf))

    def _tails(self, k, lambda_, N, loc, upper):
        N, lam, bad = self._prep(lambda_, N)
        k = _floor_k(k, loc)
        Ns = _np.where(bad, 1.0, N)
        below, above = k < 0, k >= Ns - 1
        ks = _np.where(below | above, 0.0, k)
        den = -dnp.expm1(-lam * Ns)
        if upper:
            val = dnp.exp(-lam * (ks + 1)) * -dnp.expm1(-lam * (Ns - ks - 1)) / den
        else:
            val = -dnp.expm1(-lam * (ks + 1)) / den
        out = _outside(above, _outside(below, val, float(upper)), float(not upper))
        return _invalid(bad, out)

    def cdf(self, k, lambda_, N, loc=0):
        return self._tails(k, lambda_, N, loc, False)

    def sf(self, k, lambda_, N, loc=0):
        return self._tails(k, lambda_, N, loc, True)


class skellam_gen(_Discrete):
    """The Skellam distribution (the difference of two Poisson counts):
    ``skellam.logpmf(k, mu1, mu2, loc=0)`` / ``pmf``, differentiable in ``mu1``
    and ``mu2``: ``log pmf = -(sqrt(mu1) - sqrt(mu2))^2 + (k/2) log(mu1/mu2) +
    log ive(|k|, 2 sqrt(mu1 mu2))``.  ``cdf`` / ``sf`` (SciPy's non-central chi^2
    tails) have no derivative here: plain parameters give SciPy's values, traced
    ones raise ``NotImplementedError``."""

    name = "skellam"

    def _mv(self, mu1, mu2):
        return mu1 - mu2, mu1 + mu2

    def logpmf(self, k, mu1, mu2, loc=0):
        k = _np.asarray(primal_of(k), dtype=float) - _np.asarray(primal_of(loc), dtype=float)
        ok = k == _np.floor(k)
        ks = _np.where(ok, k, 0.0)
        mu1, mu2 = _arr(mu1), _arr(mu2)
        bad = ~((_pv(mu1) > 0) & (_pv(mu2) > 0))
        mu1, mu2 = _sub(bad, mu1, 1.0), _sub(bad, mu2, 1.0)
        r1, r2 = dnp.sqrt(mu1), dnp.sqrt(mu2)
        d = r1 - r2
        out = -(d * d) + (0.5 * ks) * (dnp.log(mu1) - dnp.log(mu2)) + \
            dnp.log(sp.ive(_np.abs(ks), 2 * (r1 * r2)))
        return _invalid(bad, _outside(~ok, out, -_np.inf))

    def _scipy_only(self, method, k, args, kwds):
        if self._traced_call(args, kwds):
            raise NotImplementedError(
                f"dualad.scipy.stats.skellam.{method}: no derivative in the parameters "
                f"(SciPy's non-central chi-square tails); sum skellam.pmf over k instead, "
                f"or call scipy.stats.skellam.{method} on plain values")
        return _np.asarray(self._scipy_value(method, (_raw(k),), args, kwds))[()]

    def cdf(self, k, mu1, mu2, loc=0):
        return self._scipy_only("cdf", k, (mu1, mu2), {"loc": loc})

    def sf(self, k, mu1, mu2, loc=0):
        return self._scipy_only("sf", k, (mu1, mu2), {"loc": loc})


class _IntegerOnly(_Discrete):
    """A distribution whose parameters are all integers: every method is SciPy's
    value (derivative 0 in a traced ``k``; a traced parameter raises
    ``NotImplementedError``)."""

    def _call(self, method, lead, args, kwds):
        p = self._params(args, kwds)
        for name, v in p.items():
            if contains_tracer(v):
                _integer_param(v, self.name, name)
        return _np.asarray(self._scipy_value(method, tuple(_raw(v) for v in lead),
                                             args, kwds))[()]

    def _mv(self, *shapes):
        raise NotImplementedError


def _integer_method(method):
    def f(self, k, *args, **kwds):
        return self._call(method, (k,), args, kwds)
    f.__name__ = method
    f.__doc__ = f"SciPy's ``{method}`` (integer parameters: no derivative)."
    return f


for _m in ("logpmf", "pmf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf"):
    setattr(_IntegerOnly, _m, _integer_method(_m))


def _integer_moment(method):
    def f(self, *args, **kwds):
        return self._call(method, (), args, kwds)
    f.__name__ = method
    return f


for _m in ("mean", "var", "std", "median", "entropy"):
    setattr(_IntegerOnly, _m, _integer_moment(_m))


class randint_gen(_IntegerOnly):
    """``randint.pmf(k, low, high, loc=0)`` etc.: SciPy's values, no derivative
    (its parameters are integers)."""

    name = "randint"

    def logpmf(self, k, low, high, loc=0):
        return self._call("logpmf", (k,), (low, high), {"loc": loc})


class hypergeom_gen(_IntegerOnly):
    """``hypergeom.pmf(k, M, n, N, loc=0)`` etc.: SciPy's values, no derivative
    (its parameters are integers)."""

    name = "hypergeom"

    def logpmf(self, k, M, n, N, loc=0):
        return self._call("logpmf", (k,), (M, n, N), {"loc": loc})


# ----------------------------------------------------------------------------- multivariate

def _chol_logdet(low):
    """``log det`` of ``low @ low.T`` from its (batched) Cholesky factor."""
    d = shape_of(low)[-1]
    return 2 * dnp.sum(dnp.log(dnp.sum(low * _np.eye(d), axis=-1)), axis=-1)


def _as_matrix(m, d):
    """A scalar / vector of variances / matrix as a ``(d, d)`` matrix."""
    m = _arr(m)
    if ndim_of(m) == 0:
        return m * _np.eye(d)
    if ndim_of(m) == 1:
        return dnp.reshape(m, (shape_of(m)[0], 1)) * _np.eye(shape_of(m)[0])
    return m


def _tri_inv(low):
    """The inverse of a lower-triangular ``(d, d)`` matrix."""
    return sla.solve_triangular(low, _np.eye(shape_of(low)[-1]), lower=True)


def _scipy_check(dist, method, *args, **kwds):
    """SciPy's own argument checks and value on the plain values."""
    import scipy.stats as _sst
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        def plain(v):
            return None if v is None else _raw(v)[()]     # 0-d: a NumPy scalar
        return getattr(getattr(_sst, dist), method)(*[plain(a) for a in args],
                                                    **{k: plain(v) for k, v in kwds.items()})


class _Multivariate:
    """Freezing (``multivariate_t(loc, shape, df).logpdf(x)``) for the
    multivariate distributions."""

    name = ""
    _density = "logpdf"

    def __call__(self, *args, **kwds):
        return _st.rv_frozen(self, *args, **kwds)

    _params = _st._Dist._params
    _signature = _st._Dist._signature
    __getattr__ = _st._Dist.__getattr__


class multivariate_t_gen(_Multivariate):
    """``multivariate_t.logpdf(x, loc=None, shape=1, df=1)`` / ``pdf``,
    differentiable in ``x``, ``loc``, ``shape`` (a matrix, read through its lower
    triangle like a Cholesky factorisation; a vector of variances or a scalar) and
    ``df``; ``df = inf`` is the normal distribution (``df`` has derivative 0
    there).  ``shape`` must be positive definite."""

    name = "multivariate_t"

    def logpdf(self, x, loc=None, shape=1, df=1):
        ref = _scipy_check(self.name, "logpdf", x, loc, shape, df)
        if not any(contains_tracer(v) for v in (x, loc, shape, df)):
            return ref
        if _np.isinf(_pv(df)):
            out = _st.multivariate_normal.logpdf(x, loc, shape)
            return _plain(dnp.reshape(out, _np.shape(ref)))
        x, loc, shape, df = _arr(x), _arr(loc), _arr(shape), _arr(df)
        if loc is not None and ndim_of(loc) >= 1:
            d = shape_of(loc)[-1]
        elif ndim_of(shape) >= 1:
            d = shape_of(shape)[-1]
        else:
            d = 1
        xs = shape_of(x)
        if ndim_of(x) == 0:
            x = dnp.reshape(x, (1,))
        elif ndim_of(x) == 1:
            x = dnp.reshape(x, (xs[0], 1) if d == 1 else (1, xs[0]))
        diff = x if loc is None else x - loc
        lead = shape_of(diff)[:-1]
        low = sla.cholesky(_as_matrix(shape, d), lower=True)
        r = dnp.reshape(diff, (-1, d))
        z = sla.solve_triangular(low, dnp.transpose(r), lower=True)      # (d, N)
        maha = dnp.sum(z * z, axis=0)
        t = 0.5 * (df + d)
        out = (sp.gammaln(t) - sp.gammaln(0.5 * df) - (d / 2.0) * dnp.log(df * _np.pi)
               - 0.5 * _chol_logdet(low) - t * dnp.log1p(maha / df))
        return _plain(dnp.reshape(out, shape_of(_np.asarray(ref))))

    def pdf(self, x, loc=None, shape=1, df=1):
        return dnp.exp(self.logpdf(x, loc, shape, df))


class multinomial_gen(_Multivariate):
    """``multinomial.logpmf(x, n, p)`` / ``pmf``, differentiable in ``p`` (as
    SciPy, a row of ``p`` whose sum is not 1 has its last entry replaced by ``1 -
    sum`` of the others, with SciPy's ``FutureWarning``); ``n`` is a plain integer,
    ``x`` counts (derivative 0).  ``mean(n, p) = n p`` and ``cov(n, p)``."""

    name = "multinomial"
    _density = "logpmf"

    @staticmethod
    def _p(p):
        """SciPy's ``p``: a row whose sum is more than ``10 eps`` from 1 has its last
        entry replaced by ``1 - sum`` of the others.  So that the derivative is that
        of SciPy's function about the point (the last entry ``1 - sum(others)`` as
        soon as the row leaves the simplex), the last entry is always ``1 -
        sum(others)`` shifted by a plain constant to SciPy's value: its own
        derivative is 0 and the others' are the projected ones."""
        import warnings
        p = _arr(p)
        pv = _np.asarray(_pv(p), dtype=float)
        eps = _np.finfo(_np.result_type(_raw(p), _np.float32)).eps * 10
        adj = _np.abs(1 - pv.sum(axis=-1)) > eps
        if _np.any(adj):
            warnings.warn(
                "Some rows of `p` do not sum to 1.0 within tolerance of "
                f"{eps=}. Currently, the last element of these rows is adjusted "
                "to compensate, but this condition will produce NaNs "
                "beginning in SciPy 1.18.0. Please ensure that rows of `p` sum "
                "to 1.0 to avoid futher disruption.", FutureWarning, stacklevel=3)
        rest = 1 - pv[..., :-1].sum(axis=-1)
        used = _np.where(adj, rest, pv[..., -1])
        last = 1 - dnp.sum(p[..., :-1], axis=-1, keepdims=True) + (used - rest)[..., None]
        return dnp.concatenate([p[..., :-1], last], axis=-1)

    def logpmf(self, x, n, p):
        import warnings
        if contains_tracer(n):
            _integer_param(n, self.name, "n")
        if not contains_tracer(p):
            import scipy.stats as _sst
            return _sst.multinomial.logpmf(_raw(x), _raw(n), _raw(p))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            ref = _np.asarray(_scipy_check(self.name, "logpmf", x, n, p))
        n = _integer_param(n, self.name, "n")
        p = self._p(p)
        xv = _np.asarray(primal_of(x), dtype=float)
        xs = _np.where(xv >= 0, _np.floor(_np.abs(xv)), 0.0)
        with _np.errstate(all="ignore"):
            out = _sp.gammaln(n + 1) + dnp.sum(sp.xlogy(xs, p) - _sp.gammaln(xs + 1), axis=-1)
        out = out + 0.0 * _np.zeros(ref.shape)
        return _plain(_outside(~_np.isfinite(ref), out, ref))

    def pmf(self, x, n, p):
        return dnp.exp(self.logpmf(x, n, p))

    def mean(self, n, p):
        n = _integer_param(n, self.name, "n")
        p = self._p(p)
        return _plain(dnp.expand_dims(n, -1) * p if _np.ndim(n) else n * p)

    def cov(self, n, p):
        n = _integer_param(n, self.name, "n")
        p = self._p(p)
        k = shape_of(p)[-1]
        pp = dnp.expand_dims(p, -1) * dnp.expand_dims(p, -2)
        c = dnp.expand_dims(p, -1) * _np.eye(k) - pp
        return _plain(c * (n[..., None, None] if _np.ndim(n) else n))


class dirichlet_multinomial_gen(_Multivariate):
    """``dirichlet_multinomial.logpmf(x, alpha, n)`` / ``pmf``, differentiable in
    ``alpha`` (``x`` and ``n`` are counts); ``mean``, ``var`` and ``cov``."""

    name = "dirichlet_multinomial"
    _density = "logpmf"

    def logpmf(self, x, alpha, n):
        ref = _np.asarray(_scipy_check(self.name, "logpmf", x, alpha, n))
        if not contains_tracer(alpha):
            return ref[()]
        n = _integer_param(n, self.name, "n")
        xv = _np.floor(_np.asarray(primal_of(x), dtype=float))
        a = _arr(alpha)
        sa = dnp.sum(a, axis=-1)
        out = sp.gammaln(sa) + _sp.gammaln(n + 1) - sp.gammaln(n + sa)
        out = out + dnp.sum(sp.gammaln(xv + a) - (sp.gammaln(a) + _sp.gammaln(xv + 1)),
                            axis=-1)
        return _plain(_outside(~_np.isfinite(ref), out + _np.zeros(ref.shape), ref))

    def pmf(self, x, alpha, n):
        return dnp.exp(self.logpmf(x, alpha, n))

    def mean(self, alpha, n):
        _scipy_check(self.name, "mean", alpha, n)
        n = _integer_param(n, self.name, "n")
        a = _arr(alpha)
        return _plain(dnp.expand_dims(n, -1) * a / dnp.sum(a, axis=-1, keepdims=True))

    def var(self, alpha, n):
        _scipy_check(self.name, "var", alpha, n)
        n = _integer_param(n, self.name, "n")
        a = _arr(alpha)
        sa = dnp.sum(a, axis=-1, keepdims=True)
        nn = dnp.expand_dims(n, -1)
        p = a / sa
        return _plain(nn * p * (1 - p) * (nn + sa) / (1 + sa))

    def cov(self, alpha, n):
        _scipy_check(self.name, "cov", alpha, n)
        n = _integer_param(n, self.name, "n")
        a = _arr(alpha)
        sa = dnp.sum(a, axis=-1, keepdims=True)
        nn = dnp.expand_dims(n, -1)
        p = a / sa
        k = shape_of(a)[-1]
        c = dnp.expand_dims(p, -1) * _np.eye(k) - dnp.expand_dims(p, -1) * dnp.expand_dims(p, -2)
        f = nn * (nn + sa) / (1 + sa)
        return _plain(dnp.expand_dims(f, -1) * c)


def _wishart_x(x, dim):
    """SciPy's quantiles of ``wishart``: ``(dim, dim, N)`` with the points along
    the last axis, returned as ``(N, dim, dim)``."""
    x = _arr(x)
    if ndim_of(x) == 0:
        x = x * _np.eye(dim)[:, :, None]
    elif ndim_of(x) == 1:
        x = dnp.reshape(x, (1, 1, -1)) if dim == 1 else \
            dnp.reshape(x, (dim, 1, 1)) * _np.eye(dim)[:, :, None]
    elif ndim_of(x) == 2:
        x = dnp.expand_dims(x, -1)
    return dnp.moveaxis(x, -1, 0)


def _wishart_scale(scale):
    scale = _arr(1.0 if scale is None else scale)
    if ndim_of(scale) == 0:
        return dnp.reshape(scale, (1, 1))
    if ndim_of(scale) == 1:
        return _as_matrix(scale, shape_of(scale)[0])
    return scale


class wishart_gen(_Multivariate):
    """``wishart.logpdf(x, df=None, scale=None)`` / ``pdf``, differentiable in
    ``x``, ``df`` and ``scale``.  As in SciPy, ``log det x`` and ``log det
    scale`` come from Cholesky factors (the lower triangles) and the trace
    ``tr(scale^-1 x)`` uses all of ``x``; several points are stacked along the
    last axis of ``x``."""

    name = "wishart"

    def logpdf(self, x, df=None, scale=None):
        ref = _scipy_check(self.name, "logpdf", x, df, scale)
        if not any(contains_tracer(v) for v in (x, df, scale)):
            return ref
        scale = _wishart_scale(scale)
        dim = shape_of(scale)[0]
        df = dim if df is None else _arr(df)
        xs = _wishart_x(x, dim)                                # (N, dim, dim)
        c = sla.cholesky(scale, lower=True)
        ci = _tri_inv(c)
        sinv = dnp.matmul(dnp.transpose(ci), ci)
        tr = dnp.sum(dnp.sum(sinv * dnp.swapaxes(xs, -1, -2), axis=-1), axis=-1)
        ldx = _chol_logdet(sla.cholesky(xs, lower=True))
        out = (0.5 * (df - dim - 1) * ldx - 0.5 * tr) - \
            (0.5 * df * dim * _LOG_2 + 0.5 * df * _chol_logdet(c) +
             sp.multigammaln(0.5 * df, dim))
        return _plain(dnp.reshape(out, _np.shape(ref)))

    def pdf(self, x, df=None, scale=None):
        return dnp.exp(self.logpdf(x, df, scale))


class invwishart_gen(_Multivariate):
    """``invwishart.logpdf(x, df=None, scale=None)`` / ``pdf``, differentiable in
    ``x``, ``df`` and ``scale`` (both matrices read through their lower
    triangles, as SciPy's Cholesky factorisations)."""

    name = "invwishart"

    def logpdf(self, x, df=None, scale=None):
        ref = _scipy_check(self.name, "logpdf", x, df, scale)
        if not any(contains_tracer(v) for v in (x, df, scale)):
            return ref
        scale = _wishart_scale(scale)
        dim = shape_of(scale)[0]
        df = dim if df is None else _arr(df)
        xs = _wishart_x(x, dim)
        c = sla.cholesky(scale, lower=True)
        cx = sla.cholesky(xs, lower=True)
        a = dnp.linalg.solve(cx, dnp.broadcast_to(c, shape_of(cx)))    # cx^-1 c
        tr = dnp.sum(dnp.sum(a * a, axis=-1), axis=-1)
        out = (0.5 * df * _chol_logdet(c) - 0.5 * tr) - \
            (0.5 * df * dim * _LOG_2 + 0.5 * (df + dim + 1) * _chol_logdet(cx)) - \
            sp.multigammaln(0.5 * df, dim)
        return _plain(dnp.reshape(out, _np.shape(ref)))

    def pdf(self, x, df=None, scale=None):
        return dnp.exp(self.logpdf(x, df, scale))


class matrix_normal_gen(_Multivariate):
    """``matrix_normal.logpdf(X, mean=None, rowcov=1, colcov=1)`` / ``pdf``,
    differentiable in ``X``, ``mean``, ``rowcov`` and ``colcov`` (positive
    definite, read through their lower triangles)."""

    name = "matrix_normal"

    def logpdf(self, X, mean=None, rowcov=1, colcov=1):
        ref = _scipy_check(self.name, "logpdf", X, mean, rowcov, colcov)
        if not any(contains_tracer(v) for v in (X, mean, rowcov, colcov)):
            return ref
        X = _arr(X)
        mean = None if mean is None else _arr(mean)
        m = shape_of(mean)[0] if mean is not None else \
            (shape_of(rowcov)[0] if ndim_of(rowcov) else 1)
        n = shape_of(mean)[1] if mean is not None else \
            (shape_of(colcov)[0] if ndim_of(colcov) else 1)
        lu = sla.cholesky(_as_matrix(rowcov, m), lower=True)
        lv = sla.cholesky(_as_matrix(colcov, n), lower=True)
        dev = X if mean is None else X - mean                          # (..., m, n)
        z = dnp.matmul(_tri_inv(lu), dev)                              # lu^-1 dev
        w = dnp.matmul(z, dnp.transpose(_tri_inv(lv)))                 # ... lv^-T
        maha = dnp.sum(dnp.sum(w * w, axis=-1), axis=-1)
        out = -0.5 * (m * n * _LOG_2PI + n * _chol_logdet(lu) + m * _chol_logdet(lv) + maha)
        return _plain(dnp.reshape(out, _np.shape(ref)))

    def pdf(self, X, mean=None, rowcov=1, colcov=1):
        return dnp.exp(self.logpdf(X, mean, rowcov, colcov))


class multivariate_normal_gen(_st.multivariate_normal_gen):
    __doc__ = _st.multivariate_normal_gen.__doc__ + """

    ``entropy(mean=None, cov=1)``: ``(d (log 2 pi + 1) + log det cov) / 2``,
    differentiable in ``cov``."""

    def entropy(self, mean=None, cov=1):
        ref = _scipy_check(self.name, "entropy", mean, cov)
        if not contains_tracer(cov):
            return ref
        d = shape_of(cov)[-1] if ndim_of(cov) else \
            (shape_of(mean)[-1] if mean is not None and ndim_of(mean) else 1)
        low = sla.cholesky(_as_matrix(cov, d), lower=True)
        return 0.5 * (d * (_LOG_2PI + 1) + _chol_logdet(low))


class dirichlet_gen(_st.dirichlet_gen):
    __doc__ = _st.dirichlet_gen.__doc__ + """

    ``entropy(alpha)`` and ``cov(alpha)``, differentiable in ``alpha``."""

    def entropy(self, alpha):
        ref = _scipy_check(self.name, "entropy", alpha)
        if not contains_tracer(alpha):
            return ref
        a = _arr(alpha)
        k = shape_of(a)[-1]
        a0 = dnp.sum(a)
        lnb = dnp.sum(sp.gammaln(a)) - sp.gammaln(a0)
        return lnb + (a0 - k) * sp.digamma(a0) - dnp.sum((a - 1) * sp.digamma(a))

    def cov(self, alpha):
        self._check("cov", alpha)
        a = _arr(alpha)
        a0 = dnp.sum(a)
        m = a / a0
        k = shape_of(a)[-1]
        c = dnp.reshape(m, (k, 1)) * _np.eye(k) - dnp.reshape(m, (k, 1)) * dnp.reshape(m, (1, k))
        return _plain(c / (a0 + 1))


# ----------------------------------------------------------------------------- gaussian_kde

class gaussian_kde:
    """``scipy.stats.gaussian_kde(dataset, bw_method=None, weights=None)``,
    differentiable in the points evaluated, the ``dataset`` and the ``weights``:
    the bandwidth (``'scott'``, the default, ``'silverman'``, a scalar factor or
    a callable of the kde returning one) and the data covariance are computed
    from the (traced) data, as SciPy computes them.  ``evaluate`` / ``__call__``
    / ``pdf`` and ``logpdf`` (a log-sum-exp, no underflow) are provided;
    ``resample``, ``integrate_*`` and ``marginal`` are not (they raise
    ``AttributeError`` naming SciPy's).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.stats import gaussian_kde
    >>> data = np.array([0.0, 1.0, 3.0])
    >>> float(ad.grad(lambda x: gaussian_kde(data).logpdf(x)[0])(1.0)) < 0
    True
    """

    def __init__(self, dataset, bw_method=None, weights=None):
        ds = _arr(dataset)
        if ndim_of(ds) < 2:
            ds = dnp.reshape(ds, (1, -1) if ndim_of(ds) == 1 else (1, 1))
        if not _np.size(_raw(ds)) > 1:
            raise ValueError("`dataset` input should have multiple elements.")
        self.dataset = ds
        self.d, self.n = shape_of(ds)
        if weights is not None:
            w = _arr(weights)
            if ndim_of(w) == 0:
                w = dnp.reshape(w, (1,))
            w = w * 1.0
            w = w / dnp.sum(w)
            if ndim_of(w) != 1:
                raise ValueError("`weights` input should be one-dimensional.")
            if shape_of(w)[0] != self.n:
                raise ValueError("`weights` input should be of length n")
            self._weights = w
            self._neff = 1 / dnp.sum(w * w)
        if self.d > self.n:
            raise ValueError(
                "Number of dimensions is greater than number of samples. This results in "
                "a singular data covariance matrix, which cannot be treated using the "
                "algorithms implemented in `gaussian_kde`. Note that `gaussian_kde` "
                "interprets each *column* of `dataset` to be a point; consider "
                "transposing the input to `dataset`.")
        self.set_bandwidth(bw_method=bw_method)

    @property
    def weights(self):
        try:
            return self._weights
        except AttributeError:
            self._weights = _np.ones(self.n) / self.n
            return self._weights

    @property
    def neff(self):
        try:
            return self._neff
        except AttributeError:
            self._neff = 1 / dnp.sum(self.weights ** 2)
            return self._neff

    def scotts_factor(self):
        """``neff ** (-1 / (d + 4))``."""
        return dnp.power(self.neff, -1.0 / (self.d + 4))

    def silverman_factor(self):
        """``(neff (d + 2) / 4) ** (-1 / (d + 4))``."""
        return dnp.power(self.neff * (self.d + 2.0) / 4.0, -1.0 / (self.d + 4))

    covariance_factor = scotts_factor

    def set_bandwidth(self, bw_method=None):
        if bw_method is None:
            pass
        elif isinstance(bw_method, str) and bw_method == "scott":
            self.covariance_factor = self.scotts_factor
        elif isinstance(bw_method, str) and bw_method == "silverman":
            self.covariance_factor = self.silverman_factor
        elif not isinstance(bw_method, str) and ndim_of(bw_method) == 0 and \
                not callable(bw_method):
            self._bw_method = "use constant"
            self.covariance_factor = lambda: bw_method
        elif callable(bw_method):
            self._bw_method = bw_method
            self.covariance_factor = lambda: self._bw_method(self)
        else:
            raise ValueError("`bw_method` should be 'scott', 'silverman', a scalar "
                             "or a callable.")
        self._compute_covariance()

    def _compute_covariance(self):
        self.factor = self.covariance_factor()
        if not hasattr(self, "_data_cho_cov"):
            w = self.weights
            c = dnp.cov(self.dataset, rowvar=True, bias=False, aweights=w)
            self._data_covariance = dnp.reshape(c, (self.d, self.d))
            self._data_cho_cov = sla.cholesky(self._data_covariance, lower=True)
        self.covariance = self._data_covariance * self.factor ** 2
        self.cho_cov = self._data_cho_cov * self.factor
        self.log_det = 2 * dnp.sum(dnp.log(dnp.sum(self.cho_cov * _np.eye(self.d), axis=-1)
                                           * float(_np.sqrt(2 * _np.pi))))

    @property
    def inv_cov(self):
        ci = _tri_inv(self.cho_cov)
        return dnp.matmul(dnp.transpose(ci), ci)

    def _points(self, points):
        pts = _arr(points)
        if ndim_of(pts) < 2:
            pts = dnp.reshape(pts, (1, -1) if ndim_of(pts) == 1 else (1, 1))
        d, m = shape_of(pts)
        if d != self.d:
            if d == 1 and m == self.d:
                pts = dnp.reshape(pts, (self.d, 1))
            else:
                raise ValueError(f"points have dimension {d}, dataset has dimension "
                                 f"{self.d}")
        return pts

    def _exponents(self, points):
        """``-|L^-1 (x - x_i)|^2 / 2`` as ``(m, n)`` and the normalisation log."""
        pts = self._points(points)
        li = _tri_inv(self.cho_cov)
        wp = dnp.matmul(li, pts)                  # (d, m)
        wd = dnp.matmul(li, self.dataset)         # (d, n)
        diff = dnp.expand_dims(wp, -1) - dnp.expand_dims(wd, -2)     # (d, m, n)
        return -0.5 * dnp.sum(diff * diff, axis=0), 0.5 * self.log_det

    def evaluate(self, points):
        """The estimated density at ``points`` (``(d, m)``; a 1-D array of ``m``
        points when ``d = 1``)."""
        e, half_logdet = self._exponents(points)
        out = dnp.sum(dnp.exp(e) * self.weights, axis=-1) / dnp.exp(half_logdet)
        return _plain(out)

    __call__ = evaluate

    def pdf(self, x):
        return self.evaluate(x)

    def logpdf(self, x):
        """The log of the estimated density, a log-sum-exp over the data."""
        e, half_logdet = self._exponents(x)
        return _plain(sp.logsumexp(e, b=self.weights, axis=-1) - half_logdet)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(
            f"dualad.scipy.stats.gaussian_kde has no {name!r} (scipy.stats.gaussian_kde."
            f"{name}); it has evaluate, __call__, pdf, logpdf, set_bandwidth, "
            f"scotts_factor, silverman_factor")


geom = geom_gen()
bernoulli = bernoulli_gen()
betabinom = betabinom_gen()
zipf = zipf_gen()
logser = logser_gen()
boltzmann = boltzmann_gen()
skellam = skellam_gen()
randint = randint_gen()
hypergeom = hypergeom_gen()
multivariate_t = multivariate_t_gen()
multinomial = multinomial_gen()
dirichlet_multinomial = dirichlet_multinomial_gen()
wishart = wishart_gen()
invwishart = invwishart_gen()
matrix_normal = matrix_normal_gen()
multivariate_normal = multivariate_normal_gen()
dirichlet = dirichlet_gen()


def _export():
    """Put this module's names into dualad.scipy.stats (whichever of the two is
    imported first; stats.py imports this module at its end)."""
    for _n in __all__:
        setattr(_st, _n, globals()[_n])
    _st.__all__ += [_n for _n in __all__ if _n not in _st.__all__]


_export()
