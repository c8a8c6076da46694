"""Specs for dualad.scipy.special: every primitive, second order (the
functions are smooth on the drawn domains), broadcasting pairs for the
functions of two arguments."""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy import special as sp
from dualad.scipy.special._student_t import _far_logq
from dualad.testing.strategies import array_args, arrays, shapes

from . import Spec


def one(low=-2.0, high=2.0, avoid=None):
    return st.tuples(arrays(low=low, high=high, avoid=avoid))


def two(low, high):
    return array_args(2, low=low, high=high)


pos = one(0.3, 3.0)
mats = st.tuples(arrays(shapes(min_dims=1, max_dims=3)))

SPECS = [
    Spec("special.gammaln", sp.gammaln, pos),
    Spec("special.digamma", sp.digamma, pos),
    Spec("special.polygamma", lambda x: (sp.polygamma(1, x), sp.polygamma(np.array([0, 2]), x[..., None])),
         pos),
    Spec("special.gamma", sp.gamma, pos),
    Spec("special.beta", sp.beta, two(0.5, 3.0)),
    Spec("special.betaln", sp.betaln, two(0.5, 3.0)),
    Spec("special.multigammaln", lambda a: sp.multigammaln(a, 3), one(1.3, 4.0),
         covers=("special.gammaln",)),
    Spec("special.erf", sp.erf, one()),
    Spec("special.erfc", sp.erfc, one()),
    Spec("special.erfinv", sp.erfinv, one(-0.9, 0.9)),
    Spec("special.erfcinv", sp.erfcinv, one(0.1, 1.9)),
    Spec("special.ndtr", sp.ndtr, one(-3.0, 3.0)),
    Spec("special.log_ndtr", sp.log_ndtr, one(-6.0, 3.0)),
    Spec("special.log_ndtr_h", sp._log_ndtr_h, one(-8.0, 3.0)),
    Spec("special.log_ndtr_h_dk", lambda x: sp._log_ndtr_h_dk(x, 2), one(-8.0, 3.0)),
    Spec("special.ndtri", sp.ndtri, one(0.05, 0.95)),
    Spec("special.expit", sp.expit, one(-4.0, 4.0), covers=("special.expit", "special.expit_d")),
    Spec("special.logit", sp.logit, one(0.05, 0.95)),
    Spec("special.log_expit", sp.log_expit, one(-4.0, 4.0)),
    Spec("special.xlogy", sp.xlogy, array_args(2).map(lambda a: (a[0], np.abs(a[1]) + 0.2))),
    Spec("special.xlog1py", sp.xlog1py, array_args(2).map(lambda a: (a[0], np.abs(a[1]) - 0.8))),
    Spec("special.entr", sp.entr, pos),
    Spec("special.rel_entr", sp.rel_entr, two(0.2, 3.0)),
    Spec("special.kl_div", sp.kl_div, two(0.2, 3.0)),
    Spec("special.iv", lambda x: (sp.iv(0, x), sp.iv(1.0, x), sp.iv(2.5, x)), st.tuples(arrays(low=0.2, high=3.0))),
    Spec("special.ive", lambda x: (sp.ive(0, x), sp.ive(1.0, x), sp.ive(2, x)), st.tuples(arrays(low=-3.0, high=3.0, avoid=[0.0]))),
    Spec("special.jv", lambda x: (sp.jv(0, x), sp.jv(1.0, x), sp.jv(2.5, x)), st.tuples(arrays(low=0.2, high=5.0))),
    Spec("special.yv", lambda x: (sp.yv(0, x), sp.yv(1.0, x), sp.yv(2.5, x)), st.tuples(arrays(low=0.5, high=5.0))),
    Spec("special.i0", sp.i0, one(-3.0, 3.0)),
    Spec("special.i1", sp.i1, one(-3.0, 3.0)),
    Spec("special.i0e", sp.i0e, one(-3.0, 3.0, avoid=[0.0])),
    Spec("special.i1e", sp.i1e, one(-3.0, 3.0, avoid=[0.0])),
    Spec("special.j0", sp.j0, one(-5.0, 5.0)),
    Spec("special.j1", sp.j1, one(-5.0, 5.0)),
    Spec("special.y0", sp.y0, one(0.5, 5.0)),
    Spec("special.y1", sp.y1, one(0.5, 5.0)),
    Spec("special.gammainc", lambda x: sp.gammainc(np.array([1.5, 2.5]), x[..., None]), pos),
    Spec("special.gammaincc", lambda x: sp.gammaincc(np.array([1.5, 2.5]), x[..., None]), pos),
    Spec("special.gammainc_a", lambda a, x: (sp.gammainc(a, x), sp.gammaincc(a, x)),
         array_args(2, low=0.3, high=4.0),
         covers=("special.gammainc", "special.gammaincc", "special.gammainc_da")),
    # above the median (x > gammaincinv(a, 1/2)): gammaincc's a-derivative is
    # Q d/da log Q from the tail integrals; log_gammaincc_tail's both derivatives
    Spec("special.gammaincc_tail", lambda a, x: sp.gammaincc(a, x),
         st.tuples(arrays((3,), low=0.5, high=3.0), arrays((3,), low=4.0, high=8.0)),
         covers=("special.gammaincc",)),
    Spec("special.log_gammaincc_tail", sp._log_gammaincc_tail,
         st.tuples(arrays((3,), low=0.5, high=3.0), arrays((3,), low=4.0, high=8.0))),
    # below the median: log P with the series derivatives (gamma.logcdf where P underflows)
    Spec("special.log_gammainc_low", sp._log_gammainc_low,
         st.tuples(arrays((3,), low=3.0, high=8.0), arrays((3,), low=0.1, high=1.5))),
    Spec("special.log_betainc_low", sp._log_betainc_low,
         st.tuples(arrays((3,), low=3.0, high=6.0), arrays((3,), low=2.0, high=4.0),
                   arrays((3,), low=0.05, high=0.3))),
    Spec("special.gammainc_da", lambda a, x: sp.gammainc_da(a, x, 2),
         array_args(2, low=0.3, high=4.0)),
    Spec("special.betainc", lambda x: sp.betainc(np.array([1.5, 2.5]), 2.2, x[..., None]),
         one(0.05, 0.95)),
    Spec("special.stdtr", lambda x: sp.stdtr(np.array([1.5, 4.0]), x[..., None]), one(-3.0, 3.0)),
    Spec("special.stdtr_df", sp.stdtr,
         array_args(2, low=-2.0, high=2.0, avoid=[0.0], margin=0.1).map(
             lambda a: (np.abs(a[0]) + 0.5, a[1])), covers=("special.stdtr",)),
    # df >= 1000: the df-derivative is integrated from that of the log density
    # (df from 1001: finite differences straddling the switch at 1000 would compare
    # with the betainc series, accurate to ~1e-13 absolute near t = 0)
    Spec("special.stdtr_large_df", sp.stdtr,
         st.tuples(st.floats(1001.0, 3000.0), arrays((3,), low=-3.0, high=3.0)),
         covers=("special.stdtr",)),
    Spec("special.betainc_ab", sp.betainc,
         st.tuples(arrays((3,), low=0.5, high=3.0), arrays((3,), low=0.5, high=3.0),
                   arrays((3,), low=0.05, high=0.95, avoid=[0.5], margin=0.02)),
         covers=("special.betainc",)),
    Spec("special.zeta", lambda q: sp.zeta(np.array([2.0, 3.5]), q[..., None]), one(0.5, 3.0)),
    Spec("special.zeta_x", sp.zeta, array_args(2, low=0.5, high=3.0).map(lambda a: (a[0] + 1.0, a[1])),
         covers=("special.zeta", "special.zeta_dx")),
    Spec("special.zeta_dx", lambda x, q: sp.zeta_dx(x, q, 2),
         array_args(2, low=0.5, high=3.0).map(lambda a: (a[0] + 1.0, a[1]))),
    # complex input, built from real (Re, Im) pairs: digamma (its derivatives are the
    # complex polygammas), ive (not holomorphic: exp(-|Re z|)), Riemann zeta in x
    Spec("special.polygamma_complex",
         lambda x, y: (sp.digamma(x + 1j * y), sp.polygamma_complex(2, x - 1j * y)),
         array_args(2, low=0.5, high=3.0), covers=("special.digamma", "special.polygamma_complex")),
    Spec("special.ive_complex", lambda x, y: (sp.ive(1.5, x + 1j * y), sp.ive(0, x + 1j * y)),
         array_args(2, low=-3.0, high=3.0, avoid=[0.0], margin=0.2), covers=("special.ive",)),
    Spec("special.zeta_complex", lambda x, y: sp.zeta(x + 1.0 + 1j * y),
         array_args(2, low=0.5, high=3.0), covers=("special.zeta", "special.zeta_dx")),
    # Riemann zeta left of Re x = 0 (its derivatives from the functional equation)
    Spec("special.zeta_negative", sp.zeta, one(-9.0, -0.5),
         covers=("special.zeta", "special.zeta_dx")),
    Spec("special.zeta_complex_negative", lambda x, y: sp.zeta(x - 7.0 + 1j * y),
         array_args(2, low=0.5, high=6.0), covers=("special.zeta", "special.zeta_dx")),
    Spec("special.logsumexp", lambda a: (sp.logsumexp(a), sp.logsumexp(a, axis=-1, keepdims=True)),
         mats),
    Spec("special.logsumexp_b",
         lambda a, b: sp.logsumexp(a, axis=0, b=b, return_sign=True)[0],
         array_args(2, min_dims=1, low=-2.0, high=2.0, avoid=[0.0], margin=0.3).filter(
             lambda ab: bool(np.all(np.abs(np.sum(np.broadcast_arrays(*ab)[1]
                                                  * np.exp(np.broadcast_arrays(*ab)[0]), axis=0))
                                    > 0.2))),
         covers=("special.logsumexp",)),
    Spec("special.log_softmax",
         lambda a: (sp.softmax(a, axis=0), sp.log_softmax(a), sp.log_softmax(a, axis=-1),
                    sp.log_softmax(a, axis=[0, -1] if a.ndim > 1 else 0)), mats,
         covers=("special.log_softmax", "softmax_weights", "softmax_complement")),
    Spec("special.softmax",
         lambda a: (sp.softmax(a), sp.softmax(a, axis=-1),
                    sp.softmax(a * 30.0, axis=[0, -1] if a.ndim > 1 else 0)), mats),
    # --- added: Bessel K, exponential integrals, erfcx / dawsn, elliptic, Lambert W,
    # spence, Huber losses, Box-Cox, Owen's T, gamma inverses
    Spec("special.kv", lambda x: (sp.kv(0, x), sp.kv(1.3, x), sp.kv(2.5, x)), one(0.3, 4.0)),
    Spec("special.kve", lambda x: (sp.kve(0, x), sp.kve(1.3, x), sp.kve(2.5, x)), one(0.3, 4.0)),
    # x >= 20: kve's derivative from Hankel's series differentiated term by term
    Spec("special.kve_large", lambda x: (sp.kve(1.3, x), sp.k0e(x), sp.k1e(x)), one(21.0, 40.0),
         covers=("special.kve", "special.k0e", "special.k1e"), atol=1e-8),
    Spec("special.k0", sp.k0, one(0.3, 4.0)),
    Spec("special.k1", sp.k1, one(0.3, 4.0)),
    Spec("special.k0e", sp.k0e, one(0.3, 4.0)),
    Spec("special.k1e", sp.k1e, one(0.3, 4.0)),
    Spec("special.loggamma", sp.loggamma, pos),
    Spec("special.exp1", sp.exp1, pos),
    Spec("special.expi", sp.expi, one(0.5, 3.0)),
    Spec("special.expn", lambda x: (sp.expn(0, x), sp.expn(np.array([1, 3]), x[..., None])), pos),
    Spec("special.binom", sp.binom, st.tuples(arrays((3,), low=4.0, high=7.0),
                                              arrays((3,), low=0.3, high=3.0))),
    Spec("special.binom_int_k", lambda n: sp.binom(n[..., None], np.array([1.0, 3.0])), one(3.5, 6.0),
         covers=("special.binom",)),
    Spec("special.erfcx", sp.erfcx, one(-2.0, 9.0),
         covers=("special.erfcx", "special.erfcx_dk")),
    Spec("special.erfcx_dk", lambda x: sp.erfcx_dk(x, 2), one(-2.0, 9.0)),
    Spec("special.dawsn", sp.dawsn, one(-9.0, 9.0), covers=("special.dawsn", "special.dawsn_dk")),
    Spec("special.dawsn_dk", lambda x: sp.dawsn_dk(x, 2), one(-9.0, 9.0)),
    Spec("special.erfi", sp.erfi, one()),
    Spec("special.ellipk", sp.ellipk, one(-2.0, 0.9)),
    Spec("special.ellipe", sp.ellipe, one(-2.0, 0.9)),
    Spec("special.ellipkinc", sp.ellipkinc, st.tuples(arrays((3,), low=-4.0, high=4.0),
                                                      arrays((3,), low=-2.0, high=0.9))),
    Spec("special.ellipeinc", sp.ellipeinc, st.tuples(arrays((3,), low=-4.0, high=4.0),
                                                      arrays((3,), low=-2.0, high=0.9))),
    Spec("special.ellipkm1", sp.ellipkm1, one(0.05, 3.0)),
    Spec("special.ellipj_ph", lambda u, m: sp.ellipj(u, m), st.tuples(arrays((3,), low=-3.0, high=3.0),
                                                                     arrays((3,), low=0.05, high=0.9))),
    Spec("special.lambertw", lambda x: (sp.lambertw(x), sp.lambertw(x + 0.5, k=1)), one(-0.3, 3.0)),
    Spec("special.spence", sp.spence, one(0.2, 3.0)),
    Spec("special.huber", sp.huber, two(0.2, 3.0), order=1),
    Spec("special.huber_smooth", lambda r: (sp.huber(0.5, r), sp.huber(4.0, r)), one(1.0, 3.0),
         covers=("special.huber",)),
    Spec("special.pseudo_huber", sp.pseudo_huber,
         st.tuples(arrays((3,), low=0.2, high=3.0), arrays((3,), low=-5.0, high=5.0))),
    Spec("special.boxcox", sp.boxcox, st.tuples(arrays((3,), low=0.3, high=4.0),
                                                arrays((3,), low=-2.0, high=2.0))),
    Spec("special.boxcox1p", sp.boxcox1p, st.tuples(arrays((3,), low=-0.7, high=4.0),
                                                    arrays((3,), low=-2.0, high=2.0))),
    # 1 + lmbda y >= 0.1 (the edge of the domain, 0, has one-sided derivatives only,
    # and below it SciPy gives NaN: tests/test_special_edges.py checks the edge)
    Spec("special.inv_boxcox", sp.inv_boxcox, st.tuples(arrays((3,), low=-0.45, high=2.0),
                                                        arrays((3,), low=-0.45, high=2.0))),
    Spec("special.inv_boxcox1p", sp.inv_boxcox1p, st.tuples(arrays((3,), low=-0.45, high=2.0),
                                                            arrays((3,), low=-0.45, high=2.0))),
    Spec("special.owens_t", sp.owens_t, two(-2.0, 2.0)),
    Spec("special.gammaincinv", sp.gammaincinv,
         st.tuples(arrays((3,), low=0.5, high=4.0), arrays((3,), low=0.1, high=0.9)),
         covers=("special.gammaincinv", "special.gammainc_da")),
    Spec("special.gammainccinv", sp.gammainccinv,
         st.tuples(arrays((3,), low=0.5, high=4.0), arrays((3,), low=0.1, high=0.9)),
         covers=("special.gammainccinv", "special.gammainc_da")),
    # beta and Student's t inverses: dx/dy = +-1/density, parameters by implicit
    # differentiation through betainc's series (divided by the density) / stdtr's df rule
    Spec("special.betaincinv", sp.betaincinv,
         st.tuples(arrays((3,), low=0.5, high=3.0), arrays((3,), low=0.5, high=3.0),
                   arrays((3,), low=0.05, high=0.95))),
    Spec("special.betainccinv", sp.betainccinv,
         st.tuples(arrays((3,), low=0.5, high=3.0), arrays((3,), low=0.5, high=3.0),
                   arrays((3,), low=0.05, high=0.95))),
    Spec("special.stdtrit", sp.stdtrit,
         st.tuples(arrays((3,), low=0.5, high=8.0),
                   arrays((3,), low=0.05, high=0.95, avoid=[0.5], margin=0.05)),
         covers=("special.stdtrit", "special.stdtr")),
    Spec("special.stdtrit_large_df", sp.stdtrit,
         st.tuples(st.floats(1001.0, 3000.0), arrays((3,), low=0.05, high=0.95, avoid=[0.5],
                                                     margin=0.05)),
         covers=("special.stdtrit",)),
    # stdtrit's far tail: s = log abs(t) of the inverted leading term as a function of
    # (df, P) (t = inf: no SciPy value to shift to, the formula itself)
    Spec("special.t_far_logq", lambda df, P: _far_logq(df, P, np.inf),
         st.tuples(arrays((3,), low=0.5, high=8.0), arrays((3,), low=1e-3, high=0.3))),
]
