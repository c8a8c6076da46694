"""dualad.scipy.stats: the distributions added after norm / t / gamma / beta /
poisson, frozen distributions, moments, and the module's missing-name errors.

Every value is compared with SciPy's own (dtype and shape too).  Every first
derivative, forward and reverse, is compared with an independent truth:
Richardson-extrapolated central differences of the SciPy function, or, for the
cdfs in ``x`` / ``loc`` / ``scale``, SciPy's own density (``d cdf / dx = pdf``,
``d / dloc = -d / dx``, ``d / dscale = -y d / dx``).  Second order is in
tests/specs/scipy_stats.py.
"""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
from dualad.scipy import stats

from ._derivatives import richardson


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def both_modes(g, v):
    """(forward, reverse) derivative of elementwise-in-``v`` (array ``v``) or
    scalar-``v`` function ``g``, as an array of the output's shape."""
    v = np.asarray(v, dtype=float)
    if v.ndim:
        fwd = ad.jvp(g, (v,), (np.ones_like(v),))[1]
        rev = ad.grad(lambda u: ad.numpy.sum(g(u)))(v)
    else:
        fwd, rev = ad.jacfwd(g)(float(v)), ad.jacrev(g)(float(v))
    return np.asarray(fwd), np.asarray(rev)


# name: (shape parameters, x points inside the support, away from kinks); loc 0.3, scale 1.7
CONT = {
    "expon": ((), [0.5, 1.0, 2.5, 6.0]),
    "uniform": ((), [0.5, 1.0, 1.5, 1.9]),
    "laplace": ((), [-3.0, -0.2, 0.9, 5.0]),
    "cauchy": ((), [-30.0, -1.0, 0.7, 2.5, 40.0]),
    "logistic": ((), [-30.0, -1.0, 0.7, 2.5, 40.0]),
    "chi2": ((2.7,), [0.5, 1.0, 4.0, 20.0]),
    "lognorm": ((0.8,), [0.5, 1.0, 4.0, 20.0]),
    "invgamma": ((2.3,), [0.5, 1.0, 4.0, 20.0]),
    "halfnorm": ((), [0.5, 1.0, 4.0, 6.0]),
    "weibull_min": ((1.6,), [0.5, 1.0, 4.0, 8.0]),
}
LOC, SCALE = 0.3, 1.7
METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")
Q = [0.03, 0.3, 0.45, 0.55, 0.7, 0.97]


def _ref(name, m):
    return lambda x, *p: getattr(getattr(sst, name), m)(x, *p[:-2], loc=p[-2], scale=p[-1])


# --- values ---------------------------------------------------------------------------------
X_ALL = np.array([-np.inf, -50.0, -3.0, -1.0, -1e-300, 0.0, 1e-300, 1e-8, 0.3, 0.5, 1.0, 1.7,
                  3.0, 30.0, 200.0, np.inf, np.nan])
SHAPES = {"chi2": [(1.0,), (2.0,), (3.5,)], "lognorm": [(0.7,), (2.0,)],
          "invgamma": [(0.5,), (2.0,)], "weibull_min": [(0.5,), (1.0,), (2.5,)]}


@pytest.mark.parametrize("name", sorted(CONT))
def test_values_match_scipy(name):
    for shp in SHAPES.get(name, [CONT[name][0]]):
        for loc, scale in ((0.0, 1.0), (0.5, 2.0), (0.0, -1.0), (0.0, 0.0)):
            for m in METHODS + ("ppf",):
                if not hasattr(getattr(stats, name), m):
                    continue
                x = (np.array([-0.1, 0.0, 1e-300, 1e-10, 0.1, 0.25, 0.5, 0.75, 0.9, 1 - 1e-10,
                               1.0, 1.1, np.nan]) if m == "ppf" else X_ALL)
                ref = getattr(getattr(sst, name), m)(x, *shp, loc=loc, scale=scale)
                got = getattr(getattr(stats, name), m)(x, *shp, loc, scale)
                assert isinstance(got, np.ndarray) and got.dtype == ref.dtype
                assert got.shape == ref.shape
                if name in ("laplace", "halfnorm") and m in ("logpdf", "logsf"):
                    # SciPy's log(pdf) / log(sf) underflow to -inf at x = 200: ours is exact
                    keep = ~(x == 200.0)
                    got, ref = got[keep], ref[keep]
                if name in ("chi2", "gamma") and m == "logcdf":
                    # SciPy's log(gammainc) is -inf at x = 1e-300: ours is the finite value
                    # (tests/test_stats_audit_fixes.py checks it against mpmath)
                    keep = ~((x == 1e-300) & (loc == 0.0) & (scale > 0))
                    got, ref = got[keep], ref[keep]
                np.testing.assert_allclose(got, ref, rtol=1e-13, atol=0,
                                           err_msg=f"{name}{shp} {m} loc={loc} scale={scale}")


def test_far_tails_exact_where_scipy_underflows():
    # closed forms: laplace logsf(y) = -y - log 2 for y > 0, halfnorm logsf = log(2 sf_norm)
    assert stats.laplace.logpdf(800.0) == pytest.approx(-800 - np.log(2), rel=1e-15)
    assert stats.laplace.logsf(800.0) == pytest.approx(-800 - np.log(2), rel=1e-15)
    assert stats.halfnorm.logsf(40.0) == pytest.approx(np.log(2) + sst.norm.logsf(40.0), rel=1e-15)
    assert stats.halfnorm.logsf(1e-300) == pytest.approx(-np.sqrt(2 / np.pi) * 1e-300, rel=1e-15, abs=0)
    # log(1 - exp(-y)) far right: -exp(-y) (SciPy's log(-expm1(-y)) rounds to 0)
    assert stats.expon.logcdf(40.0) == pytest.approx(-np.exp(-40.0), rel=1e-15, abs=0)
    assert stats.weibull_min.logcdf(6.0, 2.0) == pytest.approx(-np.exp(-36.0), rel=1e-15, abs=0)
    assert stats.cauchy.logcdf(1e8) == pytest.approx(-3.1830988669039658e-09, rel=1e-12, abs=0)  # mpmath; -1/(pi x) is only first order
    for g in both_modes(lambda v: stats.expon.logcdf(v), 40.0):
        assert g == pytest.approx(np.exp(-40.0), rel=1e-14, abs=0)


def test_broadcasting_and_lists():
    x = np.linspace(0.2, 3.0, 6).reshape(3, 2, 1)
    loc, scale = np.array([0.0, 0.1]), np.array([[1.0], [2.0]])
    for name, (shp, _) in CONT.items():
        for m in METHODS:
            got = getattr(getattr(stats, name), m)(x, *shp, loc, scale)
            ref = getattr(getattr(sst, name), m)(x, *shp, loc=loc, scale=scale)
            assert got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=1e-13)
    np.testing.assert_allclose(stats.expon.logpdf([0.5, 1.0], [0.0, 0.1]),
                               sst.expon.logpdf([0.5, 1.0], [0.0, 0.1]), rtol=1e-15)
    assert isinstance(stats.norm.logpdf(1.0), np.floating)    # never a python float


def test_float32_stays_float32():
    x = np.array([0.5, 1.5, 4.0], np.float32)
    for name, (shp, _) in CONT.items():
        sh = [np.float32(s) for s in shp]
        for m in METHODS:
            f = getattr(getattr(stats, name), m)
            assert f(x, *sh, np.float32(0.3), np.float32(1.7)).dtype == np.float32, (name, m)
            g = ad.grad(lambda v: ad.numpy.sum(f(v, *sh, 0.3, 1.7)))(x)
            assert g.dtype == np.float32


# --- first derivatives, forward and reverse -------------------------------------------------
@pytest.mark.parametrize("name", sorted(CONT))
def test_derivatives_against_scipy(name):
    shp, xs = CONT[name]
    xs = np.array(xs)
    dist, ref_dist = getattr(stats, name), getattr(sst, name)
    for m in METHODS + ("ppf",):
        if not hasattr(dist, m):
            continue
        pts = np.array(Q) if m == "ppf" else xs
        args = [pts, *shp, LOC, SCALE]
        ref_f = _ref(name, m)
        val = ref_f(*args)
        if m in ("cdf", "sf", "logcdf", "logsf"):
            # d/dx from SciPy's density: exact, no differencing of values near 1
            pdf = ref_dist.pdf(pts, *shp, loc=LOC, scale=SCALE)
            dx = {"cdf": pdf, "sf": -pdf,
                  "logcdf": pdf / ref_dist.cdf(pts, *shp, loc=LOC, scale=SCALE),
                  "logsf": -pdf / ref_dist.sf(pts, *shp, loc=LOC, scale=SCALE)}[m]
            y = (pts - LOC) / SCALE
            exact = {0: dx, len(args) - 2: -dx, len(args) - 1: -y * dx}
        else:
            exact = {}
        for i in range(len(args)):
            def ours(v, i=i):
                a = list(args)
                a[i] = v
                return getattr(dist, m)(*a)

            if i in exact:
                ref, rtol = exact[i], 1e-12
            else:
                def plain(v, i=i):
                    a = list(args)
                    a[i] = v
                    return ref_f(*a)
                h = 1e-4 if i == 0 else 1e-3 * max(1.0, abs(args[i]))
                ref, rtol = richardson(plain, args[i], h), 1e-7
            atol = 1e-8 * np.maximum(1.0, np.abs(val)) if i not in exact else 1e-300
            for got in both_modes(ours, args[i]):
                ok = np.abs(got - ref) <= rtol * np.abs(ref) + atol
                assert ok.all(), (name, m, i, got, ref)


def test_logistic_second_derivative_at_the_centre():
    # SciPy's form -|y| - 2 log1p(exp(-|y|)) has a kink at 0 that would give 0 here;
    # logpdf'' = -2 expit(y) expit(-y) = -1/2 at y = 0
    d2 = ad.grad(ad.grad(stats.logistic.logpdf))(0.0)
    assert d2 == pytest.approx(-0.5, rel=1e-15)
    assert ad.hessian(lambda v: stats.logistic.logpdf(v[0], v[1], v[2]))(
        np.array([1.0, 1.0, 2.0]))[0, 0] == pytest.approx(-0.5 / 4, rel=1e-14)


def test_cauchy_logpdf_both_branches_second_order():
    # |y| < 1 and |y| >= 1 use different forms (as SciPy); d2/dx2 = (2y^2 - 2) / (1 + y^2)^2
    for x in (0.0, 0.5, 1.0, 3.0, -7.0):
        assert ad.grad(ad.grad(stats.cauchy.logpdf))(x) == \
            pytest.approx((2 * x * x - 2) / (1 + x * x) ** 2, rel=1e-13, abs=1e-16)


# --- the support: values, and derivative 0 outside / at its ends ----------------------------
OUTSIDE = [("expon", (), -1.0), ("uniform", (), -1.0), ("uniform", (), 5.0),
           ("chi2", (2.7,), -1.0), ("lognorm", (0.8,), -1.0), ("lognorm", (0.8,), 0.3),
           ("invgamma", (2.3,), 0.3), ("invgamma", (2.3,), -2.0), ("halfnorm", (), -1.0),
           ("weibull_min", (1.6,), -1.0), ("gamma", (1.5,), -1.0), ("beta", (2.0, 3.0), 3.0)]


@pytest.mark.parametrize("name, shp, x", OUTSIDE)
def test_zero_derivative_outside_support(name, shp, x):
    f = getattr(stats, name)
    for m in METHODS:
        args = [x, *shp, LOC, 2.0]
        for i in range(len(args)):
            def g(v, i=i):
                a = list(args)
                a[i] = v
                return getattr(f, m)(*a)
            d = [*both_modes(g, args[i]), ad.grad(ad.grad(g))(float(args[i]))]
            assert all(v == 0 for v in d), (name, m, i, d)


EDGE_X = np.array([-np.inf, -5.0, 0.3, 1.0, 2.3, 50.0, np.inf])    # 0.3 = loc, 2.3 = loc + scale


@pytest.mark.parametrize("name, shp", [(n, s) for n, (s, _) in CONT.items()]
                         + [("weibull_min", (0.6,)), ("chi2", (1.0,)), ("gamma", (0.7,)),
                            ("beta", (2.0, 3.0)), ("t", (3.0,)), ("norm", ())])
def test_no_nan_derivatives_anywhere(name, shp):
    # x = +-inf, the ends of the support, and outside: the derivative is finite
    # wherever the value is (Jacobians in every argument, forward and reverse)
    for m in METHODS:
        f = getattr(getattr(stats, name), m)
        args = [EDGE_X, *shp, LOC, 2.0]
        val = f(*args)
        np.testing.assert_allclose(val, getattr(getattr(sst, name), m)(EDGE_X, *shp, loc=LOC,
                                                                          scale=2.0), rtol=1e-13)
        for i in range(len(args)):
            def g(v, i=i):
                a = list(args)
                a[i] = v
                return f(*a)
            v0 = EDGE_X if i == 0 else float(args[i])
            for jac in (ad.jacfwd(g)(v0), ad.jacrev(g)(v0)):
                jac = np.diag(jac) if i == 0 else jac
                assert not np.isnan(jac[np.isfinite(val)]).any(), (name, m, i, jac)
                assert (jac[np.isinf(EDGE_X)] == 0).all(), (name, m, i, jac)


def test_support_end_conventions():
    # at x = loc: expon's logpdf is finite with its one-sided derivatives; the cdfs take
    # the value they have outside, with derivative 0
    assert ad.grad(stats.expon.logpdf, argnums=2)(0.3, 0.3, 2.0) == pytest.approx(-0.5)
    assert ad.grad(stats.expon.cdf)(0.3, 0.3, 2.0) == 0.0
    assert ad.grad(stats.uniform.logsf)(2.0, 0.0, 2.0) == 0.0
    # weibull_min with c < 1: pdf = inf at x = loc, a constant there
    assert stats.weibull_min.pdf(0.0, 0.5) == np.inf
    assert ad.grad(stats.weibull_min.pdf, argnums=1)(0.0, 0.5) == 0.0


# --- discrete -------------------------------------------------------------------------------
K = np.array([-1.0, 0.0, 1.0, 2.5, 3.0, 7.0, 10.0, 12.0])


@pytest.mark.parametrize("name, shp", [("binom", (10, 0.3)), ("binom", (10, 0.0)),
                                       ("binom", (10, 1.0)), ("binom", (np.array([5, 10]), 0.3)),
                                       ("nbinom", (2.5, 0.3)), ("nbinom", (2.5, 1.0)),
                                       ("nbinom", (0.0, 0.3))])
def test_discrete_values_match_scipy(name, shp):
    k = K if np.ndim(shp[0]) == 0 else K[:, None]
    for m in ("logpmf", "pmf", "cdf", "logcdf", "sf", "logsf"):
        ref = getattr(getattr(sst, name), m)(k, *shp)
        got = getattr(getattr(stats, name), m)(k, *shp)
        assert got.dtype == ref.dtype and got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-13, atol=0, err_msg=f"{name} {m}")


def _varying(module, name, method, args, i):
    """``v -> module.<name>.<method>(*args)`` with ``args[i]`` replaced by ``v``."""
    def f(v):
        a = list(args)
        a[i] = v
        return getattr(getattr(module, name), method)(*a)
    return f


@pytest.mark.parametrize("name, shp, params", [("binom", (10, 0.3), (2,)),
                                               ("nbinom", (2.5, 0.3), (1, 2)),
                                               ("nbinom", (40.0, 0.8), (2,))])
def test_discrete_derivatives_against_scipy(name, shp, params):
    k = np.array([0.0, 1.0, 3.0, 7.0])
    for m in ("logpmf", "pmf", "cdf", "logcdf", "sf", "logsf"):
        args = [k, *shp]
        for i in params:
            plain, ours = (_varying(mod, name, m, args, i) for mod in (sst, stats))
            ref = richardson(plain, args[i], 1e-4)
            for got in both_modes(ours, args[i]):
                np.testing.assert_allclose(got, ref, rtol=1e-7, atol=1e-9,
                                           err_msg=f"{name} {m} argument {i}")


def test_nbinom_cdf_n_derivative_mpmath():
    # mpmath (dps 40): d/dn betainc(n, 8, 0, 0.8, regularized) at n = 40 is
    # -0.022083484976367750775 (central differences of SciPy's nbinom.cdf are 1e-7 off here)
    for g in both_modes(lambda n: stats.nbinom.cdf(7.0, n, 0.8), 40.0):
        assert g == pytest.approx(-0.02208348497636775, rel=1e-13)


def test_discrete_parameters_without_derivative():
    with pytest.raises(NotImplementedError, match=r"binom.*'n'"):
        ad.grad(lambda n: stats.binom.logpmf(2.0, n, 0.3))(5.0)
    # k is a count: a traced k gets derivative 0 (the pmf is not a function of a real k)
    assert ad.grad(lambda k: stats.binom.logpmf(k, 5, 0.3))(2.0) == 0.0
    assert ad.grad(lambda k: stats.nbinom.cdf(k, 2.5, 0.3))(2.0) == 0.0
    # binom at p = 0: logpmf(0) = 0, derivative -n (from xlog1py), no NaN
    assert ad.grad(lambda p: stats.binom.logpmf(0.0, 5, p))(0.0) == pytest.approx(-5.0)


# --- frozen distributions -------------------------------------------------------------------
def test_frozen_matches_unfrozen_values_and_derivatives():
    x = np.array([0.5, 1.0, 2.5])
    cases = [("norm", (0.3, 1.7)), ("t", (3.3, 0.3, 1.7)), ("gamma", (2.1, 0.3, 1.7)),
             ("beta", (2.0, 3.0, 0.0, 3.0))] + [(n, (*s, LOC, SCALE)) for n, (s, _) in CONT.items()]
    for name, params in cases:
        dist = getattr(stats, name)
        frozen, ref = dist(*params), getattr(sst, name)(*params)
        for m in METHODS:
            np.testing.assert_allclose(getattr(frozen, m)(x), getattr(ref, m)(x), rtol=1e-13)
        for m in ("mean", "var", "std"):
            assert getattr(frozen, m)() == pytest.approx(getattr(ref, m)(), rel=1e-13, nan_ok=True)
        for j in range(len(params)):
            def f_frozen(v, j=j):
                p = list(params)
                p[j] = v
                return dist(*p).logpdf(x)

            def f_plain(v, j=j):
                p = list(params)
                p[j] = v
                return dist.logpdf(x, *p)
            a, b = both_modes(f_frozen, params[j]), both_modes(f_plain, params[j])
            np.testing.assert_array_equal(a[0], b[0])
            np.testing.assert_array_equal(a[1], b[1])
    # keyword parameters, and the discrete / multivariate ones
    np.testing.assert_allclose(stats.gamma(2.0, scale=3.0).cdf(x), sst.gamma(2.0, scale=3.0).cdf(x))
    assert stats.binom(10, 0.3).logpmf(3) == pytest.approx(sst.binom(10, 0.3).logpmf(3), rel=1e-14)
    assert stats.poisson(2.5).cdf(3) == pytest.approx(sst.poisson(2.5).cdf(3), rel=1e-14)
    m, c = np.array([0.1, -0.2]), np.array([[2.0, 0.3], [0.3, 1.0]])
    assert stats.multivariate_normal(m, c).logpdf(np.ones(2)) == \
        pytest.approx(sst.multivariate_normal(m, c).logpdf(np.ones(2)), rel=1e-13)
    alpha = np.array([1.5, 2.0, 3.0])
    assert stats.dirichlet(alpha).logpdf(np.array([0.2, 0.3, 0.5])) == \
        pytest.approx(sst.dirichlet(alpha).logpdf(np.array([0.2, 0.3, 0.5])), rel=1e-13)


def test_frozen_parameters_traced_at_freezing():
    # the classic use: freeze with traced parameters, evaluate at data
    data = np.array([0.2, -0.5, 1.3])

    def nll(theta):
        return -ad.numpy.sum(stats.norm(theta[0], ad.numpy.exp(theta[1])).logpdf(data))
    theta = np.array([0.1, -0.3])
    s = np.exp(theta[1])
    z = (data - theta[0]) / s
    exact = np.array([-np.sum(z) / s, len(data) - np.sum(z * z)])
    np.testing.assert_allclose(ad.grad(nll)(theta), exact, rtol=1e-14)
    np.testing.assert_allclose(ad.jacfwd(nll)(theta), exact, rtol=1e-14)
    # the frozen object may also be made outside and used inside a transform on x
    fz = stats.gamma(2.0, 0.0, 1.5)
    assert ad.grad(fz.logpdf)(1.2) == pytest.approx((2.0 - 1) / 1.2 - 1 / 1.5, rel=1e-14)


def test_frozen_errors():
    with pytest.raises(TypeError, match=r"dualad.scipy.stats.norm\(loc, scale\)"):
        stats.norm(0.0, 1.0, 2.0)
    with pytest.raises(TypeError, match="gamma"):
        stats.gamma(1.0, shape=2)
    fz = stats.norm(0.0, 1.0)
    assert not hasattr(fz, "rvs") and not hasattr(fz, "logpmf")
    with pytest.raises(AttributeError, match=r"frozen dualad.scipy.stats.norm has no method 'rvs'.*logpdf"):
        fz.rvs
    assert "ppf" in dir(fz) and "logpmf" not in dir(fz)
    assert repr(stats.t(3.0, scale=2.0)) == "dualad.scipy.stats.t(3.0, scale=2.0)"
    mvn = stats.multivariate_normal(np.zeros(2), np.eye(2))
    assert not hasattr(mvn, "mean")


def test_plain_scipy_frozen_on_traced_value_fails_clearly():
    # SciPy's own frozen object cannot be intercepted: its methods convert to arrays
    def f(loc):
        return sst.norm(loc, 1.0).logpdf(0.3)
    with pytest.raises(TypeError, match=r"scipy\.stats"):
        ad.grad(f)(0.1)
    with pytest.raises(TypeError, match=r"scipy\.stats"):
        ad.grad(lambda x: sst.norm(0.0, 1.0).logpdf(x))(0.1)
    # the dualad one works and gives (x - loc) / scale**2
    assert ad.grad(lambda loc: stats.norm(loc, 1.0).logpdf(0.3))(0.1) == pytest.approx(0.2)


# --- moments --------------------------------------------------------------------------------
MOMENTS = [("norm", (0.3, 1.7)), ("t", (3.3, 0.3, 1.7)), ("t", (1.5,)), ("t", (0.7,)),
           ("gamma", (2.1, 0.3, 1.7)), ("beta", (2.0, 3.0, 0.3, 1.7)), ("expon", (0.3, 1.7)),
           ("uniform", (0.3, 1.7)), ("laplace", (0.3, 1.7)), ("cauchy", (0.3, 1.7)),
           ("logistic", (0.3, 1.7)), ("chi2", (2.7, 0.3, 1.7)), ("lognorm", (0.8, 0.3, 1.7)),
           ("invgamma", (2.3, 0.3, 1.7)), ("invgamma", (1.5,)), ("invgamma", (0.5,)),
           ("halfnorm", (0.3, 1.7)), ("weibull_min", (1.6, 0.3, 1.7)), ("binom", (10, 0.3)),
           ("nbinom", (2.5, 0.3)), ("poisson", (2.2, 1.0))]


@pytest.mark.parametrize("name, params", MOMENTS)
def test_moments(name, params):
    for m in ("mean", "var", "std"):
        ref = getattr(getattr(sst, name), m)(*params)
        got = getattr(getattr(stats, name), m)(*params)
        assert type(got) is type(ref)
        assert got == pytest.approx(ref, rel=1e-13, nan_ok=True)
        for i in range(len(params)):
            if name == "binom" and i == 0:
                continue

            plain, ours = (_varying(mod, name, m, params, i) for mod in (sst, stats))
            d = richardson(plain, params[i], 1e-3)
            for g in (ad.grad(ours)(float(params[i])), ad.jvp(ours, (float(params[i]),), (1.0,))[1]):
                if np.isfinite(ref):
                    assert g == pytest.approx(d, rel=1e-7, abs=1e-10), (m, i)
                else:                     # infinite or undefined: SciPy's value, derivative 0
                    assert g == 0.0


def test_dirichlet_moments():
    alpha = np.array([1.5, 2.0, 3.0])
    np.testing.assert_allclose(stats.dirichlet.mean(alpha), sst.dirichlet.mean(alpha), rtol=1e-15)
    np.testing.assert_allclose(stats.dirichlet.var(alpha), sst.dirichlet.var(alpha), rtol=1e-15)
    J = ad.jacrev(stats.dirichlet.mean)(alpha)
    a0 = alpha.sum()
    np.testing.assert_allclose(J, np.eye(3) / a0 - alpha[:, None] / a0 ** 2, rtol=1e-14)


@pytest.mark.parametrize("x,alpha", [
    ([0.2, 0.3, 0.6], [1.0, 2.0, 3.0]),      # off the simplex
    ([-0.1, 0.5, 0.6], [1.0, 2.0, 3.0]),     # negative entry
    ([0.2, 0.3, 0.5], [0.0, 2.0, 3.0]),      # alpha not positive
    ([0.0, 0.5, 0.5], [0.5, 2.0, 3.0]),      # x = 0 where alpha < 1
])
def test_dirichlet_refuses_what_scipy_refuses(x, alpha):
    """SciPy raises ValueError for these; dualad gave -1.02, NaN or -inf."""
    x, alpha = np.array(x), np.array(alpha)
    with pytest.raises(ValueError) as want:
        sst.dirichlet.logpdf(x, alpha)
    for call in (lambda: stats.dirichlet.logpdf(x, alpha),
                 lambda: ad.grad(lambda v: stats.dirichlet.logpdf(v, alpha))(x),
                 lambda: ad.grad(lambda a: stats.dirichlet.logpdf(x, a))(alpha)):
        with pytest.raises(ValueError, match=re.escape(str(want.value)[:40])):
            call()
    if (alpha <= 0).any():
        with pytest.raises(ValueError, match="greater than 0"):
            stats.dirichlet.mean(alpha)
        with pytest.raises(ValueError, match="greater than 0"):
            ad.jacrev(stats.dirichlet.var)(alpha)


# --- names dualad.scipy.stats does not have -------------------------------------------------
def test_missing_names():
    assert not hasattr(stats, "kstwobign") and not hasattr(stats, "spearmanr")
    with pytest.raises(AttributeError, match=r"no distribution 'kstwobign'.*norm, t, gamma"):
        stats.kstwobign
    with pytest.raises(AttributeError, match=r"no 'spearmanr' \(scipy.stats.spearmanr\)"):
        stats.spearmanr
    with pytest.raises(AttributeError, match=r"no attribute 'nosuch'.*weibull_min"):
        stats.nosuch
    for name in stats.__all__:
        assert hasattr(stats, name)
    from dualad.scipy.stats import expon, binom      # noqa: F401


@pytest.mark.parametrize("method", ["cdf", "sf"])
def test_invgamma_tails_at_tiny_x_agree_in_both_modes(method):
    # at x = 1e-160 the density is exp(-1e160): derivative 0 in x and scale, in both
    # modes (the tangent of 1/x used to overflow, and 0 * inf made forward mode NaN)
    f = getattr(stats.invgamma, method)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (1e-160, 1e-200):
            v, t = ad.jvp(lambda x: f(x, 2.5), (x,), (1.0,))
            assert v == getattr(sst.invgamma, method)(x, 2.5) and t == 0.0
            assert ad.grad(lambda x: f(x, 2.5))(x) == 0.0
            assert ad.jvp(lambda s: f(x, 2.5, scale=s), (1.0,), (1.0,))[1] == 0.0
