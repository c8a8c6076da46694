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
            stats.t.logsf(x, df, loc, scale))


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


SPECS = [
    Spec("stats.norm", _norm, st.tuples(x3, st.floats(-1.0, 1.0), pos),
         covers=("special.ndtr", "special.log_ndtr")),
    Spec("stats.t", _t, st.tuples(arrays((3,), avoid=[0.0], margin=0.3), pos, st.just(0.1), pos),
         covers=("special.gammaln", "special.stdtr")),
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
]
