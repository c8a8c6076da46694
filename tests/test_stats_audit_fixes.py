"""dualad.scipy.stats: derivatives the stats audit found inaccurate, NaN or
asymmetric (beta's log tails, nbinom at k = 0, logistic near the mode, lognorm /
binom at extreme inputs, gamma.logcdf's Hessian where its value is -inf) and
dirichlet's input checks.  Truths: mpmath (50 digits) where stated, or closed forms.
"""
import numpy as np
import pytest
from pytest import approx

import dualad as ad
from dualad.scipy import stats

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _hessians(f, x):
    return [ad.hessian(f)(x), ad.jacrev(ad.jacrev(f))(x), ad.jacfwd(ad.jacfwd(f))(x),
            ad.jacfwd(ad.jacrev(f))(x), ad.jacrev(ad.jacfwd(f))(x)]


# --- beta.logcdf / logsf: d2/dx db (d2/dx da for logsf) deep in the tail -------------
# The x-derivative of log I is the hazard pdf / I ~ a / x; its b-derivative
# (O(1)) was the difference of two O(a/x) terms: -0.71973 at x = 1e-12 (rel 7.6e-3),
# 0.0 or -inf at 1e-200.  mpmath: mp.diff in b of
# exp((a-1) log x + (b-1) log1p(-x) - log B(a, b) - log betainc(a, b, 0, x)), 50 digits;
# at 1e-200 the limit -a/(a+1) (the next term is O(x)).
BETA_LOW = [  # (x, d2/dx db, d2/dx da), a = 2.5, b = 1.5
    (1e-8, -0.71428571938775514, 99999999.959183673),
    (1e-12, -0.71428571428622449, 999999999999.95918),
    (1e-200, -2.5 / 3.5, 1e200),
    (0.05, -0.74074315652244632, 19.956344501192392),
]


@pytest.mark.parametrize("x, dxb, dxa", BETA_LOW)
def test_beta_logcdf_mixed_lower_tail(x, dxb, dxa):
    f = lambda v: stats.beta.logcdf(v[0], v[1], v[2])     # noqa: E731
    for h in _hessians(f, np.array([x, 2.5, 1.5])):
        assert h[0, 2] == approx(dxb, rel=1e-13, abs=0)
        assert h[2, 0] == approx(dxb, rel=1e-13, abs=0)
        assert h[0, 1] == approx(dxa, rel=1e-13, abs=0)
        assert h[1, 0] == approx(dxa, rel=1e-13, abs=0)


@pytest.mark.parametrize("x, dxa", [(1 - 1e-12, 0.60000000000022285), (1 - 1e-14, 0.60000000000000223)])
def test_beta_logsf_mixed_upper_tail(x, dxa):
    # log sf = log I_(1-x)(1.5, a); mpmath as above at y = 1 - x (exact in binary)
    # was 0.59375 and 0.75
    f = lambda v: stats.beta.logsf(v[0], v[1], 1.5)       # noqa: E731
    for h in _hessians(f, np.array([x, 2.5])):
        assert h[0, 1] == approx(dxa, rel=1e-13, abs=0)
        assert h[1, 0] == approx(dxa, rel=1e-13, abs=0)


def test_beta_log_tails_values_are_scipys():
    import scipy.stats as sst
    rng = np.random.default_rng(1)
    a, b = np.exp(rng.uniform(np.log(1e-3), np.log(300), (2, 200)))
    x = 10 ** rng.uniform(-30, -1, 200)
    for ours, ref in ((stats.beta.logcdf(x, a, b), sst.beta.logcdf(x, a, b)),
                      (stats.beta.logsf(1 - x, a, b), sst.beta.logsf(1 - x, a, b))):
        fin = np.isfinite(ref)          # where SciPy's cdf underflows, log's is finite
        assert fin.sum() > 50
        np.testing.assert_array_equal(ours[fin], ref[fin])


# --- nbinom at small n: log poch(n, k) without gammaln(n + k) - gammaln(n) -----------
# Closed forms: pmf(0; n, p) = p^n; logpmf(2; n, p) = log n + log(n+1) - log 2
# + n log p + 2 log(1-p).  Was 0.0 for 0.48045 (k = 0, n = 1e-8, reverse over reverse).
def _n_seconds(f, n):
    return [ad.grad(ad.grad(f))(n), ad.jacfwd(ad.jacfwd(f))(n), ad.jacfwd(ad.grad(f))(n),
            ad.grad(ad.jacfwd(f))(n)]


@pytest.mark.parametrize("n", [1e-8, 1e-6, 0.3])
def test_nbinom_small_n(n):
    p = 0.5
    f0 = lambda m: stats.nbinom.pmf(0.0, m, p)         # noqa: E731
    for g in _n_seconds(f0, n):
        assert g == approx(np.log(p) ** 2 * p ** n, rel=1e-14, abs=0)
    assert ad.grad(lambda m: stats.nbinom.logpmf(0.0, m, p))(n) == np.log(p)
    h = ad.hessian(lambda v: stats.nbinom.pmf(0.0, v[0], v[1]))(np.array([n, p]))
    assert h[0, 0] == approx(np.log(p) ** 2 * p ** n, rel=1e-14, abs=0)
    f2 = lambda m: stats.nbinom.logpmf(2.0, m, 0.3)     # noqa: E731
    assert ad.grad(f2)(n) == approx(1 / n + 1 / (n + 1) + np.log(0.3), rel=1e-14, abs=0)
    for g in _n_seconds(f2, n):
        assert g == approx(-1 / n ** 2 - 1 / (n + 1) ** 2, rel=1e-14, abs=0)


# --- logistic.logpdf / pdf near the mode ----------------------------------------------
# d/dx logpdf = -tanh(x/2), d2/dx2 = -sech(x/2)^2 / 2 (closed forms; numpy's tanh / cosh).
# Was expit(-x) - expit(x): rel 8.9e-5 at x = 1e-12, 0.11 at 1e-15.
@pytest.mark.parametrize("x", [1e-300, 1e-15, 1e-12, 1e-6, 0.3, -0.999, 1.0, -2.5, 30.0, 0.0])
def test_logistic_near_mode(x):
    f = stats.logistic.logpdf
    d1, d2 = -np.tanh(x / 2), -0.5 / np.cosh(x / 2) ** 2
    for g in (ad.grad(f)(x), ad.jvp(f, (x,), (1.0,))[1]):
        assert g == approx(d1, rel=1e-15, abs=0)
    for g in (ad.grad(ad.grad(f))(x), ad.jacfwd(ad.jacfwd(f))(x), ad.jacfwd(ad.grad(f))(x)):
        assert g == approx(d2, rel=1e-15, abs=0)
    pdf = stats.logistic.pdf(x)
    assert ad.grad(stats.logistic.pdf)(x) == approx(pdf * d1, rel=1e-15, abs=0)
    # in loc: d/dloc = -d/dx
    assert ad.grad(f, argnums=1)(0.0, -x) == approx(-(-np.tanh(x / 2)), rel=1e-15, abs=0)


# --- lognorm.cdf / sf / logsf at tiny x: second derivatives (0 * inf) ----------------
# Through ndtr(log(x) / s) the chain rule forms ndtr''(z) z_x^2 with z_x^2 = 1/(s x)^2
# overflowing while the density has underflowed: forward-over-forward was NaN for
# x <= 1e-160.  mpmath (50 digits): every first and second derivative in (x, s) at
# these points is below 1e-2900 in magnitude (e.g. d2/dx2 of the cdf is 8.7e-2955 at
# s = 3, x = 1e-160), i.e. exactly 0 in double.
@pytest.mark.parametrize("method", ["cdf", "sf", "logsf"])
@pytest.mark.parametrize("s", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("x", [1e-300, 1e-200, 1e-160])
def test_lognorm_tails_second_derivatives_at_tiny_x(method, s, x):
    f = lambda v: getattr(stats.lognorm, method)(v[0], v[1])     # noqa: E731
    v = np.array([x, s])
    for h in _hessians(f, v):
        assert np.array_equal(h, np.zeros((2, 2)))
    assert float(ad.jacfwd(ad.jacfwd(lambda u: getattr(stats.lognorm, method)(u, s)))(x)) == 0


# s = 9.4, x = 1e-160: z = log(x)/s = -39.2, so phi(z) underflows (e^-768) while the
# derivatives do not.  mpmath (50 digits): d2/dx2 = phi(z) (-z/s - 1) / (s x^2) and
# d2/dxds = phi(z) (z^2 - 1) / (s^2 x) (the cdf's; the sf's and logsf's are their
# negatives to 1e-300 relative).
LOGNORM_BAND = (3.7312181410991616e-15, 1.9225167247061002e-173)


@pytest.mark.parametrize("method, sign", [("cdf", 1.0), ("sf", -1.0), ("logsf", -1.0)])
def test_lognorm_tails_where_phi_underflows_but_derivatives_do_not(method, sign):
    f = lambda v: getattr(stats.lognorm, method)(v[0], v[1])     # noqa: E731
    v = np.array([1e-160, 9.4])
    dxx, dxs = LOGNORM_BAND
    for h in _hessians(f, v):
        assert h[0, 0] == approx(sign * dxx, rel=1e-13, abs=0)
        assert h[0, 1] == approx(sign * dxs, rel=1e-12, abs=0)
    for h in (ad.jacfwd(ad.jacfwd(f))(v), ad.hessian(f)(v), ad.jacfwd(ad.jacrev(f))(v)):
        assert h[1, 0] == approx(sign * dxs, rel=1e-12, abs=0)


# --- binom.pmf at p -> 0: exp(logpmf)'s second derivative was 0 * inf -----------------
# pmf = C(n, k) p^k (1-p)^(n-k); closed form: d2/dp2 = C(n,k) [k(k-1) p^(k-2) (1-p)^(n-k)
# - 2k(n-k) p^(k-1) (1-p)^(n-k-1) + ...] = 90 (k = 2, n = 10) and 720 p = 7.2e-298
# (k = 3) at p = 1e-300 (the other terms are below 1e-296 relative); d/dp = 90 p and
# 0 (3 p^2 C underflows).  Was NaN (forward-over-forward, hessian) or 0 (reverse).
@pytest.mark.parametrize("k, d1, d2", [(2, 9e-299, 90.0), (3, 0.0, 7.2e-298)])
def test_binom_pmf_second_derivative_at_tiny_p(k, d1, d2):
    f = lambda p: stats.binom.pmf(float(k), 10, p)               # noqa: E731
    p = 1e-300
    assert float(ad.grad(f)(p)) == approx(d1, rel=1e-13, abs=0)
    for got in (ad.jacfwd(ad.jacfwd(f))(p), ad.grad(ad.grad(f))(p), ad.jacrev(ad.jacrev(f))(p),
                ad.jacfwd(ad.grad(f))(p), ad.hessian(lambda v: f(v[0]))(np.array([p]))[0, 0]):
        assert float(got) == approx(d2, rel=1e-13, abs=0)
    assert f(p) == 0.0 and stats.binom.pmf(1.0, 10, p) == approx(1e-299, rel=1e-14, abs=0)


# --- gamma.logcdf where gammainc underflows: the value and a symmetric Hessian --------
# log P(a, x) for a = 2.5; mpmath (50 digits): log(gammainc(a, 0, x, regularized=True)),
# d/da by mp.diff, d2/dxda = d/da [x^(a-1) e^-x / (Gamma(a) P)] by mp.diff, d2/da2 by
# mp.diff.  The value was -inf (log of SciPy's underflowed P) from x ~ 1e-123, and
# d2/dxda was inf in one nesting order where the truth is 1/x.
GAMMA_LOGCDF_TINY = [  # (x, value, d/da, d2/dxda, d2/da2)
    (1e-300, -1728.1397933478813, -691.87868453885895, 1e300, -0.33035775610023486),
    (1e-200, -1152.4935200993699, -461.62017523945438, 1e200, -0.33035775610023486),
    (1e-160, -922.23501079996535, -369.51677151969255, 1e160, -0.33035775610023486),
]


@pytest.mark.parametrize("x, val, da, dxa, daa", GAMMA_LOGCDF_TINY)
def test_gamma_logcdf_finite_where_gammainc_underflows(x, val, da, dxa, daa):
    assert stats.gamma.logcdf(x, 2.5) == approx(val, rel=1e-14, abs=0)
    assert stats.chi2.logcdf(2 * x, 5.0) == approx(val, rel=1e-14, abs=0)
    f = lambda v: stats.gamma.logcdf(v[0], v[1])                 # noqa: E731
    v = np.array([x, 2.5])
    assert ad.grad(f)(v)[1] == approx(da, rel=1e-13, abs=0)
    for h in _hessians(f, v):
        assert h[0, 1] == approx(dxa, rel=1e-13, abs=0)
        assert h[1, 0] == approx(dxa, rel=1e-13, abs=0)
        assert h[1, 1] == approx(daa, rel=1e-12, abs=0)
        assert h[0, 0] == -np.inf          # -a / x^2 overflows


# --- poisson / nbinom / binom pmf at a small base: exp(logpmf)'s second derivative ---
# pmf = exp(logpmf) differentiates to pmf (lp'^2 + lp'') with lp' ~ k / base: at base =
# 1e-300 the pmf underflows while (k / base)^2 overflows (NaN forward-over-forward, 0
# reverse), and at k = 1 (nbinom: n = 1) the two 1/base^2 terms cancel (0 for -2 at
# base = 1e-100).  Closed forms: poisson e^-mu mu^k / k!: d2/dmu2 = (mu - 2) e^-mu (k = 1),
# (1 - 2 mu + mu^2/2) e^-mu (k = 2); nbinom(k, n, p) = poch(n, k) / k! p^n (1-p)^k:
# 2 p^2 (1-p) at (1, 2): d/dp = 4p - 6p^2, d2 = 4 - 12p; p^2 at (0, 2): d2 = 2; p (1-p)
# at (1, 1): d2 = -2; binom(1, 10, p) = 10 p (1-p)^9: d2 = 10 (-18 (1-p)^8 + 72 p (1-p)^7).
# Values at 1e-8, 1e-5, 1e-3 by mpmath (50 digits) of these forms (mp.diff for
# nbinom(3, 0.5, p)).
def _pmf_seconds(f, x):
    return [ad.grad(ad.grad(f))(x), ad.jacfwd(ad.jacfwd(f))(x), ad.jacrev(ad.jacrev(f))(x),
            ad.jacfwd(ad.grad(f))(x), ad.jacrev(ad.jacfwd(f))(x),
            ad.hessian(lambda v: f(v[0]))(np.array([x]))[0, 0]]


PMF_SMALL_BASE = [  # (name, k, shape, base, d/dbase, d2/dbase2)
    ("poisson", 2, (), 1e-300, 1e-300, 1.0),
    ("poisson", 1, (), 1e-300, 1.0, -2.0),
    ("poisson", 1, (), 1e-100, 1.0, -2.0),
    ("poisson", 1, (), 1e-8, 0.99999998000000015, -1.9999999700000002),
    ("poisson", 2, (), 1e-5, None, 0.99997000029999833),
    ("poisson", 5, (), 1e-300, 0.0, 0.0),
    ("poisson", 0, (), 1e-300, -1.0, 1.0),
    ("nbinom", 1, (2.0,), 1e-300, 4e-300, 4.0),
    ("nbinom", 0, (2.0,), 1e-300, 2e-300, 2.0),
    ("nbinom", 1, (1.0,), 1e-100, 1.0, -2.0),
    ("nbinom", 1, (2.0,), 1e-5, None, 3.99988),
    ("nbinom", 3, (0.5,), 1e-3, None, -2492.6530994491447),
    ("binom", 1, (10,), 1e-100, 10.0, -180.0),
    ("binom", 1, (10,), 1e-8, None, -179.99997840000101),
]


@pytest.mark.parametrize("name, k, shape, x, d1, d2", PMF_SMALL_BASE)
def test_count_pmf_derivatives_at_small_base(name, k, shape, x, d1, d2):
    f = lambda v: getattr(stats, name).pmf(float(k), *shape, v)   # noqa: E731
    if d1 is not None:
        for g in (ad.grad(f)(x), ad.jvp(f, (x,), (1.0,))[1], ad.jacrev(f)(x)):
            assert float(g) == approx(d1, rel=1e-13, abs=0)
    for g in _pmf_seconds(f, x):
        assert float(g) == approx(d2, rel=1e-13, abs=0)


def test_count_pmf_small_base_in_arrays_and_values():
    # mixed points in one array: each entry's own form, no NaN from the other's
    # 1/mu^2 (forward-over-reverse was NaN at mu = 1e-300 beside mu = 3).  Truth:
    # d2/dmu2 of e^-mu mu^k / k! = e^-mu mu^(k-2) (k(k-1) - 2k mu + mu^2) / k!
    import math
    import scipy.stats as sst
    k = np.array([2.0, 1.0, 2.0, 5.0, 0.0])
    mu = np.array([1e-300, 1e-5, 0.3, 3.0, 50.0])
    want = [math.exp(-m) * (kk * (kk - 1) * m ** (kk - 2) - 2 * kk * m ** (kk - 1) + m ** kk)
            / math.factorial(int(kk)) for kk, m in zip(k, mu)]
    f = lambda m: stats.poisson.pmf(k, m).sum()                   # noqa: E731
    for h in _hessians(f, mu):
        np.testing.assert_allclose(np.diag(h), want, rtol=1e-13, atol=0)
    np.testing.assert_allclose(stats.poisson.pmf(k, mu), sst.poisson.pmf(k, mu), rtol=1e-14, atol=0)
    p = np.array([1e-300, 1e-5, 0.3, 0.7])
    for kk in (0.0, 1.0, 2.0, 5.0):
        np.testing.assert_allclose(stats.nbinom.pmf(kk, 2.5, p), sst.nbinom.pmf(kk, 2.5, p),
                                   rtol=1e-14, atol=0)
        # SciPy's binom.pmf(1, 10, 1e-300) is 9.4e-14 above 1e-299
        np.testing.assert_allclose(stats.binom.pmf(kk, 10, p), sst.binom.pmf(kk, 10, p),
                                   rtol=2e-13, atol=0)


def test_nbinom_pmf_n_derivatives_at_small_p():
    # nbinom(k, n, p) in (n, p) at p = 1e-200, n = 0.7 (k = 0: p^n; k = 3: poch(n, 3)/6
    # p^n (1-p)^3).  mpmath (60 digits), mp.diff of the closed form in (n, p):
    # d2/dn2 and d2/dp2; the mixed entry is checked symmetric.
    f = lambda v: stats.nbinom.pmf(0.0, v[0], v[1])               # noqa: E731
    for h in _hessians(f, np.array([0.7, 1e-200])):
        assert h[0, 0] == approx(1e-140 * np.log(1e-200) ** 2, rel=1e-13, abs=0)
        assert h[1, 1] == approx(0.7 * -0.3 * 1e-200 ** (0.7 - 2), rel=1e-13, abs=0)
        assert h[0, 1] == approx(h[1, 0], rel=1e-13, abs=0)


# --- gamma / beta cdf at tiny x: the density's x-derivative where the density underflows
# d2/dx2 cdf = d/dx pdf; pdf = exp((a-1) log x - ...) underflows at x = 1e-300, a = 2.5
# (1e-450) while (a-1)/x overflows the other way, so exp(log pdf)'s derivative was
# 0 * 1.5e300 = 0 in every nesting; the truth is ~1.5 x^0.5 / Gamma(2.5).  mpmath (50
# digits): mp.diff of x^(a-1) e^-x / Gamma(a) and x^(a-1) (1-x)^(b-1) / B(a, b) in x.
GAMMA_BETA_TINY = [  # (x, gamma(2.5) d2/dx2, beta(2.5, 1.5) d2/dx2)
    (1e-300, 1.1283791670955126e-150, 7.6394372684109762e-150),
    (1e-250, 1.1283791670955126e-125, 7.6394372684109763e-125),
    (1e-200, 1.1283791670955126e-100, 7.639437268410976e-100),     # was right
]


@pytest.mark.parametrize("x, dg, db", GAMMA_BETA_TINY)
def test_gamma_beta_cdf_second_x_derivative_at_tiny_x(x, dg, db):
    cases = [(lambda v: stats.gamma.cdf(v, 2.5), dg), (lambda v: stats.gamma.sf(v, 2.5), -dg),
             (lambda v: stats.chi2.cdf(2 * v, 5.0), dg),     # chi2(5) = gamma(2.5, scale 2)
             (lambda v: stats.beta.cdf(v, 2.5, 1.5), db), (lambda v: stats.beta.sf(v, 2.5, 1.5), -db)]
    for f, want in cases:
        for g in _pmf_seconds(f, x):
            assert float(g) == approx(want, rel=1e-13, abs=0)
    # the x-x entry of the joint Hessians (the a-entries are 0 or tiny here)
    for h in _hessians(lambda v: stats.gamma.cdf(v[0], v[1]), np.array([x, 2.5])):
        assert h[0, 0] == approx(dg, rel=1e-13, abs=0)
    for h in _hessians(lambda v: stats.beta.cdf(v[0], v[1], 1.5), np.array([x, 2.5])):
        assert h[0, 0] == approx(db, rel=1e-13, abs=0)


# --- gamma.logcdf in float32 where gammainc underflows in float32 ----------------------
# The series took over below P = 1e-250 judged in float64, while the float32 value
# was log(gammainc) in float32, 0 from P ~ 1e-45: -inf (and NaN / inf derivatives) at
# x = 1e-30, a = 2.5.  mpmath (40 digits) at the float32 x: log P, d/dx, d/da.
GAMMA_LOGCDF_F32 = [  # (x, value, d/dx, d/da)
    (1e-30, -173.89485556897281, 2.4999999920723079e+30, -70.180709427295537),
    (1e-20, -116.33022833138555, 2.5000000793361962e+20, -47.154858532260635),
]


@pytest.mark.parametrize("x, val, dx, da", GAMMA_LOGCDF_F32)
def test_gamma_logcdf_float32_tiny_x(x, val, dx, da):
    x32, a32 = np.float32(x), np.float32(2.5)
    v = stats.gamma.logcdf(x32, a32)
    assert v.dtype == np.float32 and v == approx(val, rel=1e-6, abs=0)
    assert stats.chi2.logcdf(2 * x32, np.float32(5.0)) == approx(val, rel=1e-6, abs=0)
    f = lambda u: stats.gamma.logcdf(u[0], u[1])                  # noqa: E731
    u = np.array([x32, a32])
    for g in (ad.grad(f)(u), ad.jacfwd(f)(u)):
        assert g.dtype == np.float32
        assert g[0] == approx(dx, rel=1e-6, abs=0) and g[1] == approx(da, rel=1e-6, abs=0)


# --- beta.cdf at tiny x: the a- and b-rules' x-derivative where betainc underflows
# d/da betainc was its series with terms exp((a+n) log x + ...): at x = 1e-300, a = 1.5
# they underflow to an exact 0 whose x-derivative was 0 * (a+n)/x = 0, so d/dx (dI/da)
# (and dI/db) was 0 in every nesting while d/da (dI/dx) was right: an asymmetric
# Hessian.  mpmath (50 digits): mp.diff in a (b) of the closed-form density
# x^(a-1) (1-x)^(b-1) / B(a, b); at x = 1e-200 also mp.diff of mp.betainc(a, b, 0, x,
# regularized=True) in a and b, and the density's x-derivative for the x-x entry.
BETA_TINY_AB = [  # (a, b, x, d2I/dx da, d2I/dx db)
    (1.5, 2.5, 1e-300, -3.5118793617795251e-147, 2.8162073891009754e-150),
    (1.2, 0.7, 1e-300, -5.5690963604647832e-58, 1.271941341993835e-60),
    (1.9, 5.0, 1e-300, -1.7842068623852188e-266, 9.0907404129077617e-270),
    (0.5, 3.0, 1e-300, -6.4472705740457535e+152, 1.6909903645010254e+149),   # was right
]


@pytest.mark.parametrize("a, b, x, dxa, dxb", BETA_TINY_AB)
def test_beta_cdf_param_x_hessian_at_tiny_x(a, b, x, dxa, dxb):
    for h in _hessians(lambda v: stats.beta.cdf(v[2], v[0], v[1]), np.array([a, b, x])):
        for i, j, want in ((0, 2, dxa), (2, 0, dxa), (1, 2, dxb), (2, 1, dxb)):
            assert h[i, j] == approx(want, rel=1e-12, abs=0)
    # grad of grad, both orders, and the complement (beta.sf = betaincc)
    for want, f, x0 in (
            (dxa, lambda aa: ad.grad(lambda xx: stats.beta.cdf(xx, aa, b))(x), a),
            (dxa, lambda xx: ad.grad(lambda aa: stats.beta.cdf(xx, aa, b))(a), x),
            (dxb, lambda xx: ad.grad(lambda bb: stats.beta.cdf(xx, a, bb))(b), x),
            (-dxa, lambda xx: ad.grad(lambda aa: stats.beta.sf(xx, aa, b))(a), x)):
        assert float(ad.grad(f)(x0)) == approx(want, rel=1e-12, abs=0)


def test_beta_cdf_full_hessian_where_betainc_underflows_its_series():
    # a = 1.4, b = 3, x = 1e-200: I ~ 4e-280, below e^-600, so the new form of the a-
    # and b-rules (right before too: the series' terms did not underflow here)
    a, b, x = 1.4, 3.0, 1e-200
    grad = [-1.8760094358831413e-277, 1.7988766851766945e-280, 5.712e-80]
    hess = [[8.6259977292220146e-275, -8.2609416682783423e-278, -2.6223332102363978e-77],
            [-8.2609416682783423e-278, 2.2234352994903694e-281, 2.5184273592473723e-80],
            [-2.6223332102363978e-77, 2.5184273592473723e-80, 2.2848e+120]]
    f = lambda v: stats.beta.cdf(v[2], v[0], v[1])
    p = np.array([a, b, x])
    for g in (ad.grad(f)(p), ad.jacfwd(f)(p)):
        for i in range(3):
            assert g[i] == approx(grad[i], rel=1e-12, abs=0)
    for h in _hessians(f, p):
        for i in range(3):
            for j in range(3):
                assert h[i, j] == approx(hess[i][j], rel=1e-12, abs=0)


# gammainc's a-rule was right at tiny x (checked with the beta fix): mpmath (50 digits),
# mp.diff in a of x^(a-1) e^-x / Gamma(a) at x = 1e-300
@pytest.mark.parametrize("a, want", [(1.5, -7.7949788934619467e-148),
                                     (0.5, -3.8862056550600182e+152),
                                     (1.9, -7.1860705499254235e-268)])
def test_gamma_cdf_param_x_hessian_at_tiny_x(a, want):
    for h in _hessians(lambda v: stats.gamma.cdf(v[1], v[0]), np.array([a, 1e-300])):
        assert h[0, 1] == approx(want, rel=1e-12, abs=0)
        assert h[1, 0] == approx(want, rel=1e-12, abs=0)
