"""Specs for the distributions of dualad.scipy._stats_continuous2 (truncnorm,
rayleigh, f, weibull_max, genextreme, genpareto, lomax, chi, maxwell, loggamma,
truncexpon, powerlaw, betaprime, triang, vonmises): every method, second order, in
``x`` / ``q`` and every parameter; ``special.ndtri_exp`` is truncnorm's quantile."""
from hypothesis import strategies as st

from dualad.scipy import stats
from dualad.scipy._stats_continuous2 import ndtri_exp
from dualad.testing.strategies import arrays

from . import Spec

pos = st.floats(0.5, 3.0)
loc = st.floats(-0.5, 0.5)
q3 = arrays((3,), low=0.05, high=0.95)


def _all(name, x, q, *params):
    d = getattr(stats, name)
    return (d.logpdf(x, *params), d.cdf(x, *params), d.logcdf(x, *params),
            d.sf(x, *params), d.logsf(x, *params), d.ppf(q, *params), d.isf(q, *params))


def _truncnorm(u, q, a, w, loc, scale):
    # x inside (a, a + w): u in (0.05, 0.95) of the way
    b = a + w
    return _all("truncnorm", loc + scale * (a + u * w), q, a, b, loc, scale)


def _truncnorm_tail(u, q, a):
    # both ends far in the right tail (log-differences of log_ndtr, ndtri_exp)
    return _all("truncnorm", a + 0.5 * u, q, a, a + 0.5)


def _genpareto(x, q, c, scale):
    # c in (-0.3, 0.3) covers the series near c = 0; x < 1 stays inside [0, -1/c]
    return _all("genpareto", x * scale, q, c, 0.0, scale)


def _genextreme(x, q, c, loc):
    return _all("genextreme", x, q, c, loc)


SPECS = [
    Spec("special.ndtri_exp", lambda y: ndtri_exp(y), st.tuples(arrays((3,), low=-30.0, high=-0.05))),
    Spec("stats.truncnorm", _truncnorm,
         st.tuples(arrays((3,), low=0.05, high=0.95), q3, st.floats(-2.0, 1.0), st.floats(0.5, 3.0),
                   loc, pos),
         covers=("special.ndtri_exp", "special.log_ndtr", "special.ndtr", "logaddexp"),
         max_examples=3),
    Spec("stats.truncnorm_tail", _truncnorm_tail,
         st.tuples(arrays((3,), low=0.05, high=0.95), q3, st.floats(5.0, 9.0)),
         covers=("special.ndtri_exp", "special.log_ndtr"), max_examples=3),
    Spec("stats.rayleigh", lambda x, q, l, s: _all("rayleigh", l + s * x, q, l, s),
         st.tuples(arrays((3,), low=0.2, high=3.0), q3, loc, pos), covers=("expm1", "log1p"), max_examples=3),
    Spec("stats.f", lambda x, q, n, m: _all("f", x, q, n, m),
         st.tuples(arrays((3,), low=0.2, high=3.0), q3, st.floats(1.5, 6.0), st.floats(2.5, 9.0)),
         covers=("special.betainc", "special.betaincc", "special.betaincinv"), max_examples=3),
    Spec("stats.weibull_max", lambda x, q, c, s: _all("weibull_max", -x, q, c, 0.0, s),
         st.tuples(arrays((3,), low=0.2, high=2.0), q3, st.floats(0.8, 3.0), pos),
         covers=("power", "special.xlogy"), max_examples=3),
    Spec("stats.genpareto", _genpareto,
         st.tuples(arrays((3,), low=0.1, high=1.0), q3, st.floats(-0.3, 0.3), pos),
         covers=("log1p", "expm1"), max_examples=3),
    Spec("stats.genextreme", _genextreme,
         st.tuples(arrays((3,), low=-1.0, high=1.0), q3, st.floats(-0.3, 0.3), loc),
         covers=("log1p", "expm1", "exp"), max_examples=3),
    Spec("stats.lomax", lambda x, q, c, s: _all("lomax", x, q, c, 0.0, s),
         st.tuples(arrays((3,), low=0.2, high=3.0), q3, pos, pos), covers=("log1p", "expm1"),
         max_examples=3),
    Spec("stats.chi", lambda x, q, df, s: _all("chi", x, q, df, 0.0, s),
         st.tuples(arrays((3,), low=0.3, high=3.0), q3, st.floats(1.0, 6.0), pos),
         covers=("special.gammainc", "special.gammaincc", "special.gammaincinv",
                 "special.gammainccinv"), max_examples=3),
    Spec("stats.maxwell", lambda x, q, l, s: _all("maxwell", l + s * x, q, l, s),
         st.tuples(arrays((3,), low=0.3, high=3.0), q3, loc, pos),
         covers=("special.gammainc", "special.gammaincc"), max_examples=3),
    Spec("stats.loggamma", lambda x, q, c, l: _all("loggamma", x, q, c, l),
         st.tuples(arrays((3,), low=-2.0, high=2.0), q3, pos, loc),
         covers=("special.gammainc", "special.gammaincc", "special.gammaincinv",
                 "special.gammainccinv"), max_examples=3),
    Spec("stats.truncexpon", lambda u, q, b, s: _all("truncexpon", u * b * s, q, b, 0.0, s),
         st.tuples(arrays((3,), low=0.05, high=0.95), q3, pos, pos),
         covers=("expm1", "log1p", "exp"), max_examples=3),
    Spec("stats.powerlaw", lambda x, q, a, s: _all("powerlaw", x * s, q, a, 0.0, s),
         st.tuples(arrays((3,), low=0.1, high=0.9), q3, pos, pos),
         covers=("log", "exp", "expm1"), max_examples=3),
    Spec("stats.betaprime", lambda x, q, a, b: _all("betaprime", x, q, a, b),
         st.tuples(arrays((3,), low=0.2, high=3.0), q3, pos, st.floats(1.0, 4.0)),
         covers=("special.betainc", "special.betaincc", "special.betaincinv",
                 "special.betainccinv"), max_examples=3),
    Spec("stats.triang", lambda x, q, c, s: _all("triang", x * s, q, c, 0.0, s),
         # away from the kink at the mode (x = c, q = c)
         st.tuples(arrays((3,), low=0.05, high=0.95, avoid=[0.5], margin=0.1),
                   arrays((3,), low=0.05, high=0.95, avoid=[0.5], margin=0.1),
                   st.just(0.5), pos),
         covers=("sqrt", "log1p"), max_examples=3),
    Spec("stats.vonmises", lambda x, k, l, s: (stats.vonmises.logpdf(x, k, l, s),
                                               stats.vonmises.pdf(x, k, l, s)),
         st.tuples(arrays((3,), low=-3.0, high=3.0), pos, loc, pos),
         covers=("special.i0e", "special.i0", "special.cosm1"), max_examples=3),
]
