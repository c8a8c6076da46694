"""Specs for dualad.scipy.stats: the distributions are compositions of
primitives, checked here in ``x`` and in their parameters (second order)."""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy import stats
from dualad.testing.strategies import arrays, spd_matrices

from . import Spec

x3 = arrays((3,), low=-2.0, high=2.0)
pos = st.floats(0.5, 3.0)


def _norm(x, loc, scale):
    n = stats.norm
    return (n.logpdf(x, loc, scale), n.pdf(x, loc, scale), n.cdf(x, loc, scale),
            n.logcdf(x, loc, scale), n.logsf(x, loc, scale))


def _t(x, df, loc, scale):
    return (stats.t.logpdf(x, df, loc, scale), stats.t.cdf(x, df, loc, scale),
            stats.t.logsf(x, df, loc, scale), stats.t.logcdf(x, df, loc, scale))


def _t_large_df(x, df):
    # df >= 1000: the cdf's df-derivative is integrated (special.stdtr's rule)
    return stats.t.cdf(x, df), stats.t.logpdf(x, df)


def _gamma_tail(x, a):
    # above the median: the survival function's a-derivative from its tail integrals
    # (special.gammaincc's rule there, special.log_gammaincc_tail)
    return stats.gamma.sf(x, a), stats.gamma.logsf(x, a)


def _beta_sf(x, a, b):
    return stats.beta.sf(x, a, b), stats.beta.logsf(x, a, b)


def _gamma(x, a, scale):
    return stats.gamma.logpdf(x, a, 0.0, scale), stats.gamma.cdf(x, a, 0.0, scale)


def _beta(x, a, b):
    return stats.beta.logpdf(x, a, b), stats.beta.cdf(x, a, b)


def _poisson(mu):
    k = np.array([0.0, 1.0, 4.0])
    return stats.poisson.logpmf(k, mu), stats.poisson.cdf(k, mu)


def _both_tails(dist, x, *params):
    d = getattr(stats, dist)
    return (d.logpdf(x, *params), d.cdf(x, *params), d.logcdf(x, *params),
            d.sf(x, *params), d.logsf(x, *params))


def _expon(x, loc, scale):
    return _both_tails("expon", x, loc, scale) + (stats.expon.ppf(np.array([0.1, 0.6]), loc, scale),)


def _uniform(x, loc, scale):
    return _both_tails("uniform", x, loc, scale) + (stats.uniform.pdf(x, loc, scale),)


def _laplace(x, loc, scale):
    return _both_tails("laplace", x, loc, scale) + (stats.laplace.ppf(np.array([0.2, 0.7]), loc, scale),)


def _cauchy(x, loc, scale):
    return _both_tails("cauchy", x, loc, scale) + (stats.cauchy.ppf(np.array([0.1, 0.5, 0.9]), loc, scale),)


def _logistic(x, loc, scale):
    return _both_tails("logistic", x, loc, scale) + (stats.logistic.ppf(np.array([0.1, 0.6]), loc, scale),)


def _halfnorm(x, loc, scale):
    return _both_tails("halfnorm", x, loc, scale) + (stats.halfnorm.ppf(np.array([0.1, 0.6]), loc, scale),)


def _lognorm(x, s, loc, scale):
    return (_both_tails("lognorm", x, s, loc, scale)
            + (stats.lognorm.ppf(np.array([0.1, 0.6]), s, loc, scale),))


def _weibull(x, c, scale):
    return (_both_tails("weibull_min", x, c, 0.0, scale) + (stats.weibull_min.pdf(x, c, 0.0, scale),
            stats.weibull_min.ppf(np.array([0.1, 0.6]), c, 0.0, scale)))


def _binom(p):
    k = np.array([0.0, 2.0, 5.0])
    return stats.binom.logpmf(k, 6, p), stats.binom.cdf(k, 6, p), stats.binom.sf(k, 6, p)


def _nbinom(n, p):
    k = np.array([0.0, 2.0, 5.0])
    return stats.nbinom.logpmf(k, n, p), stats.nbinom.cdf(k, n, p), stats.nbinom.sf(k, n, p)


def _frozen(x, loc, scale, a):
    return (stats.norm(loc, scale).logpdf(x), stats.gamma(a, loc - 3.0, scale).logsf(x),
            stats.t(a + 1.0, loc=loc, scale=scale).cdf(x))


def _moments(s, c, a):
    return (stats.lognorm.mean(s, 0.1, 2.0), stats.lognorm.var(s), stats.weibull_min.std(c),
            stats.invgamma.var(a + 2.0, scale=s), stats.beta(a, c).mean(), stats.t(a + 2.0).var())


def _quantiles(dist, q, *params):
    d = getattr(stats, dist)
    return d.ppf(q, *params), d.isf(q, *params)


def _closed_form_isf(q, s, loc, scale):
    # laplace's two branches meet at q = 1/2 (a kink of the second derivative): q avoids it
    out = ()
    for name, shp in (("norm", ()), ("expon", ()), ("uniform", ()), ("laplace", ()),
                      ("cauchy", ()), ("logistic", ()), ("halfnorm", ()), ("lognorm", (s,)),
                      ("weibull_min", (s,))):
        out += (getattr(stats, name).isf(q, *shp, loc, scale),)
    return out


xpos = arrays((3,), low=0.2, high=3.0)
loc0 = st.floats(-0.15, 0.0)
q3 = arrays((3,), low=0.02, high=0.98, avoid=[0.5], margin=0.03)


SPECS = [
    Spec("stats.norm", _norm, st.tuples(x3, st.floats(-1.0, 1.0), pos),
         covers=("special.ndtr", "special.log_ndtr")),
    Spec("stats.t", _t, st.tuples(arrays((3,), avoid=[0.0], margin=0.3), pos, st.just(0.1), pos),
         covers=("special.gammaln", "special.stdtr", "special.log_stdtr", "special.t_logpdf")),
    Spec("stats.t_large_df", _t_large_df,
         st.tuples(arrays((3,), low=-3.0, high=3.0), st.floats(1000.0, 3000.0)),
         covers=("special.stdtr",)),
    Spec("stats.gamma_tail", _gamma_tail,
         st.tuples(arrays((3,), low=4.0, high=8.0), st.floats(0.5, 3.0)),
         covers=("special.gammaincc", "special.log_gammaincc_tail")),
    Spec("stats.beta_sf", _beta_sf,
         st.tuples(arrays((3,), low=0.1, high=0.9, avoid=[0.5], margin=0.02), pos, pos),
         covers=("special.betaincc",)),
    Spec("stats.gamma", _gamma, st.tuples(arrays((3,), low=0.2, high=3.0), pos, pos),
         covers=("special.xlogy", "special.gammainc")),
    Spec("stats.beta", _beta, st.tuples(arrays((3,), low=0.1, high=0.9, avoid=[0.5], margin=0.02),
                                        pos, pos),
         covers=("special.xlog1py", "special.betaln", "special.betainc")),
    Spec("stats.poisson", _poisson, st.tuples(pos), covers=("special.gammaincc",)),
    Spec("stats.dirichlet", lambda x, a: stats.dirichlet.logpdf(x, a),
         st.tuples(arrays((2, 2), low=0.1, high=0.45), arrays((3,), low=0.5, high=3.0)),
         covers=("special.gammaln",)),
    Spec("stats.multivariate_normal",
         lambda x, m, c: stats.multivariate_normal.logpdf(x, m, c),
         st.integers(1, 3).flatmap(lambda d: st.tuples(arrays((2, d)), arrays((d,)),
                                                       spd_matrices(d))),
         covers=("scipy.linalg.cholesky", "scipy.linalg.solve_triangular")),
    Spec("stats.expon", _expon, st.tuples(xpos, loc0, pos),
         covers=("expm1", "log1p", "exp")),
    Spec("stats.uniform", _uniform, st.tuples(arrays((3,), low=0.1, high=0.4), st.floats(-0.05, 0.05),
                                              st.floats(1.0, 2.0)), covers=("log1p", "where")),
    Spec("stats.laplace", _laplace, st.tuples(arrays((3,), avoid=[0.0], margin=0.3), st.just(0.0), pos),
         covers=("absolute", "exp", "log1p")),
    Spec("stats.cauchy", _cauchy, st.tuples(arrays((3,), low=-4.0, high=4.0, avoid=[-1.0, 1.0], margin=0.05),
                                            st.just(0.0), pos), covers=("arctan2", "tan", "log1p")),
    Spec("stats.logistic", _logistic, st.tuples(arrays((3,), low=-6.0, high=6.0), st.floats(-1.0, 1.0), pos),
         covers=("special.log_expit", "special.expit", "special.logit")),
    Spec("stats.chi2", lambda x, df, scale: _both_tails("chi2", x, df, 0.0, scale),
         st.tuples(xpos, st.floats(1.5, 5.0), pos), covers=("special.gammainc", "special.gammaincc")),
    Spec("stats.lognorm", _lognorm, st.tuples(xpos, pos, st.floats(-0.15, 0.0), pos),
         covers=("special.ndtr", "special.log_ndtr", "special.ndtri", "special.lognorm_cdf_std",
                 "special.lognorm_sf_std", "special.lognorm_logsf_std")),
    Spec("stats.invgamma", lambda x, a, scale: _both_tails("invgamma", x, a, 0.0, scale),
         st.tuples(xpos, pos, pos), covers=("special.gammainc", "special.gammaincc", "special.gammaln")),
    Spec("stats.halfnorm", _halfnorm, st.tuples(xpos, loc0, pos),
         covers=("special.erf", "special.ndtr", "special.log_ndtr", "special.ndtri")),
    Spec("stats.weibull_min", _weibull, st.tuples(xpos, pos, pos), covers=("power", "special.xlogy")),
    Spec("stats.binom", _binom, st.tuples(st.floats(0.1, 0.9)),
         covers=("special.xlogy", "special.xlog1py", "special.betainc", "special.betaincc")),
    Spec("stats.nbinom", _nbinom, st.tuples(pos, st.floats(0.1, 0.9)),
         covers=("special.gammaln", "special.betainc", "special.betaincc")),
    Spec("stats.frozen", _frozen, st.tuples(x3, st.floats(-1.0, 1.0), pos, pos),
         covers=("special.stdtr", "special.log_gammaincc_tail")),
    Spec("stats.moments", _moments, st.tuples(pos, pos, pos), covers=("special.gamma", "sqrt")),
    Spec("stats.gamma_quantiles", lambda q, a, loc, scale: _quantiles("gamma", q, a, loc, scale),
         st.tuples(q3, pos, st.floats(-1.0, 1.0), pos),
         covers=("special.gammaincinv", "special.gammainccinv")),
    Spec("stats.chi2_quantiles", lambda q, df, scale: _quantiles("chi2", q, df, 0.0, scale),
         st.tuples(q3, st.floats(0.5, 6.0), pos),
         covers=("special.gammaincinv", "special.gammainccinv")),
    Spec("stats.invgamma_quantiles", lambda q, a, loc: _quantiles("invgamma", q, a, loc, 1.5),
         st.tuples(q3, pos, st.floats(-1.0, 1.0)),
         covers=("special.gammaincinv", "special.gammainccinv")),
    Spec("stats.t_quantiles", lambda q, df, loc, scale: _quantiles("t", q, df, loc, scale),
         st.tuples(q3, pos, st.floats(-1.0, 1.0), pos), covers=("special.stdtrit",)),
    Spec("stats.beta_quantiles", lambda q, a, b, scale: _quantiles("beta", q, a, b, 0.2, scale),
         st.tuples(q3, pos, pos, pos), covers=("special.betaincinv", "special.betainccinv")),
    Spec("stats.closed_form_isf", _closed_form_isf, st.tuples(q3, pos, st.floats(-1.0, 1.0), pos),
         covers=("special.ndtri", "special.logit", "log", "tan", "power")),
]
