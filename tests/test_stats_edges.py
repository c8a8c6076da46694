"""dualad.scipy.stats at awkward points: far tails, large shape parameters,
float32, outside the support.

Reference numbers marked "mpmath" were computed once with mpmath 1.3.0 at 60
significant digits (``mp.mp.dps = 60``); the repository does not need mpmath:

* gamma: ``mp.diff`` (first, second, mixed) of
  ``log(mp.gammainc(a, x, mp.inf, regularized=True))``;
* t: ``F(t, nu) = betainc(nu/2, 1/2, 0, nu/(nu+t^2), regularized=True) / 2``
  (``t < 0``, ``1 - F(-t)`` above), ``mp.diff`` in ``nu`` (and in ``t``); the
  log density ``loggamma((nu+1)/2) - loggamma(nu/2) - log(nu pi)/2
  - (nu+1)/2 log(1 + t^2/nu)``, ``mp.diff`` in ``nu``.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
from dualad.scipy import stats
from dualad.testing import check_grads

from ._derivatives import both


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


# --- 1. gamma.logsf / gamma.sf in the shape a, upper tail ---------------------------
# (x, a, d/da logsf, d2/da2 logsf, d2/da dx logsf)  mpmath
GAMMA_TAIL = [
    (100.0, 2.0, 4.192384880021176, -0.64483604649032878, 0.009900028843120606),
    (40.0, 2.0, 3.2910805852369235, -0.64433950590929211, 0.024376064606296932),
    (30.0, 0.5, 5.3965135605267997, -4.9338487114215063, 0.032319900519262367),
    (1000.0, 300.0, 1.2070631839143802, -0.0033368788871484522, 0.00099797809911736448),
]


@pytest.mark.parametrize("x, a, d1, d2, dax", GAMMA_TAIL)
def test_gamma_logsf_shape_derivative_tail(x, a, d1, d2, dax):
    f = stats.gamma.logsf
    for g in both(f, 1, x, a):
        assert g == pytest.approx(d1, rel=1e-13, abs=0)
    assert ad.grad(ad.grad(f, argnums=1), argnums=1)(x, a) == pytest.approx(d2, rel=1e-12, abs=0)
    assert ad.grad(ad.grad(f, argnums=1), argnums=0)(x, a) == pytest.approx(dax, rel=1e-12, abs=0)
    h = ad.hessian(lambda v: f(v[0], v[1]))(np.array([x, a]))
    assert h[1, 1] == pytest.approx(d2, rel=1e-12, abs=0) and h[0, 1] == pytest.approx(dax, rel=1e-12, abs=0)
    # d/dx logsf = -pdf / sf
    assert ad.grad(f)(x, a) == pytest.approx(-sst.gamma.pdf(x, a) / sst.gamma.sf(x, a), rel=1e-12, abs=0)


def test_gamma_sf_shape_derivative_tail():
    # mpmath: d/da Q(2, 40) = 5.732487245607515e-16
    for g in both(stats.gamma.sf, 1, 40.0, 2.0):
        assert g == pytest.approx(5.732487245607515e-16, rel=1e-12, abs=0)
    assert stats.gamma.sf(40.0, 2.0) == sst.gamma.sf(40.0, 2.0)


def test_gamma_logsf_batched_across_median():
    x = np.array([0.3, 1.5, 2.0, 8.0, 40.0])      # median of gamma(2) is 1.678
    a = 2.0
    J = ad.jacfwd(lambda s: stats.gamma.logsf(x, s))(a)
    R = ad.jacrev(lambda s: stats.gamma.logsf(x, s))(a)
    np.testing.assert_allclose(J, R, rtol=1e-13)
    assert J[-1] == pytest.approx(3.2910805852369235, rel=1e-13, abs=0)
    np.testing.assert_allclose(stats.gamma.logsf(x, a), sst.gamma.logsf(x, a), rtol=1e-15)
    np.testing.assert_allclose(stats.gamma.sf(x, a), sst.gamma.sf(x, a), rtol=1e-15)
    check_grads(lambda v, s: stats.gamma.logsf(v, s), (np.array([0.5, 3.0, 6.0]), 1.7), order=2)
    check_grads(lambda v, s: stats.gamma.sf(v, s), (np.array([0.5, 3.0, 6.0]), 1.7), order=2)


# --- 2. t cdf / sf / logcdf / logsf in df, large df -----------------------------------
# (x, df, d/ddf cdf)  mpmath
T_CDF_DDF = [
    (2.0, 1e6, 1.3497754451081794e-13),
    (2.0, 1e5, 1.3497869849866015e-11),
    (3.0, 1e5, 3.3243217354916471e-12),
    (2.0, 1e3, 1.3510494894605939e-7),
    (-3.0, 1e4, -3.3282403426193826e-10),
    (0.5, 2e3, 1.3750423172801202e-8),
]


@pytest.mark.parametrize("x, df, d", T_CDF_DDF)
def test_t_cdf_df_derivative_large_df(x, df, d):
    for g in both(stats.t.cdf, 1, x, df):
        assert g == pytest.approx(d, rel=1e-12, abs=0)
    for g in both(stats.t.sf, 1, x, df):
        assert g == pytest.approx(-d, rel=1e-12, abs=0)


def test_t_log_cdf_sf_df_derivative_tails():
    # mpmath: d/ddf log sf(10, 1e5) = d/ddf log cdf(-10, 1e5) = -2.5463890035291377e-7
    ref = -2.5463890035291377e-7
    for g in both(stats.t.logsf, 1, 10.0, 1e5) + both(stats.t.logcdf, 1, -10.0, 1e5):
        assert g == pytest.approx(ref, rel=1e-12, abs=0)
    # logcdf near 1: d/ddf log(1 - sf) = -d/ddf sf / cdf
    g = ad.grad(stats.t.logcdf, argnums=1)(2.0, 1e5)
    assert g == pytest.approx(1.3497869849866015e-11 / sst.t.cdf(2.0, 1e5), rel=1e-12, abs=0)


def test_t_cdf_df_second_derivatives():
    # mpmath: d2/ddf2 cdf(2, 1e5) = -2.6995867914324745e-16,
    #         d2/dx ddf cdf(2, 1e5) = -9.4478646247605601e-12
    f = stats.t.cdf
    assert ad.grad(ad.grad(f, argnums=1), argnums=1)(2.0, 1e5) == \
        pytest.approx(-2.6995867914324745e-16, rel=1e-10, abs=0)
    assert ad.grad(ad.grad(f, argnums=1), argnums=0)(2.0, 1e5) == \
        pytest.approx(-9.4478646247605601e-12, rel=1e-10, abs=0)
    h = ad.hessian(lambda v: f(v[0], v[1]))(np.array([2.0, 1e5]))
    assert h[0, 1] == pytest.approx(-9.4478646247605601e-12, rel=1e-10, abs=0)
    assert h[1, 1] == pytest.approx(-2.6995867914324745e-16, rel=1e-10, abs=0)


def test_t_cdf_batched_df_both_sides_of_switch():
    x = np.array([-2.0, 0.0, 0.7, 2.0])
    df = np.array([5.0, 900.0, 1100.0, 1e5])
    J = ad.jacfwd(stats.t.cdf, argnums=1)(x, df)
    R = ad.jacrev(stats.t.cdf, argnums=1)(x, df)
    np.testing.assert_allclose(J, R, rtol=1e-13, atol=1e-300)
    assert J[3, 3] == pytest.approx(1.3497869849866015e-11, rel=1e-12, abs=0)
    assert J[1, 1] == 0.0 and np.count_nonzero(J - np.diag(np.diag(J))) == 0
    np.testing.assert_array_equal(stats.t.cdf(x, df), sst.t.cdf(x, df))
    check_grads(stats.t.cdf, (np.array([-1.5, 0.4, 2.5]), 1500.0), order=2)


def test_t_logpdf_df_derivative_large_df():
    # mpmath: d/ddf logpdf(1.5, 1e5) = 1.0938765584595752e-11, d2 = -2.1878796713384032e-16;
    # at x = 0: 2.499999999875e-11 (the gammaln difference had a 2e-5 relative error)
    for g in both(stats.t.logpdf, 1, 0.0, 1e5):
        assert g == pytest.approx(2.499999999875e-11, rel=1e-13, abs=0)
    for g in both(stats.t.logpdf, 1, 1.5, 1e5):
        assert g == pytest.approx(1.0938765584595752e-11, rel=1e-12, abs=0)
    assert ad.grad(ad.grad(stats.t.logpdf, argnums=1), argnums=1)(1.5, 1e5) == \
        pytest.approx(-2.1878796713384032e-16, rel=1e-10, abs=0)


# --- 3. beta.sf / logsf / logcdf ------------------------------------------------------
def test_beta_sf_upper_tail():
    assert stats.beta.sf(0.99, 2.0, 30.0) == sst.beta.sf(0.99, 2.0, 30.0)      # 3.07e-59
    assert stats.beta.logsf(0.99, 2.0, 30.0) == pytest.approx(-134.73084292504956, rel=1e-15, abs=0)
    ref = -sst.beta.pdf(0.99, 2.0, 30.0) / sst.beta.sf(0.99, 2.0, 30.0)         # -2999.02
    for g in both(stats.beta.logsf, 0, 0.99, 2.0, 30.0):
        assert g == pytest.approx(ref, rel=1e-12, abs=0)
    x = np.array([0.05, 0.3, 0.7, 0.95])
    for m in ("sf", "logsf", "cdf", "logcdf"):
        np.testing.assert_allclose(getattr(stats.beta, m)(x, 2.5, 1.5),
                                   getattr(sst.beta, m)(x, 2.5, 1.5), rtol=2e-16)
    check_grads(lambda v, a, b: stats.beta.logsf(v, a, b), (np.array([0.2, 0.8]), 1.5, 2.5),
                order=2)
    J = ad.jacfwd(stats.beta.sf)(x, 2.5, 1.5)
    np.testing.assert_allclose(np.diag(J), -sst.beta.pdf(x, 2.5, 1.5), rtol=1e-13)


def test_beta_logcdf_near_one():
    assert stats.beta.logcdf(1 - 1e-10, 2.0, 3.0) == sst.beta.logcdf(1 - 1e-10, 2.0, 3.0)
    assert stats.beta.logcdf(1 - 1e-10, 2.0, 3.0) < 0


# --- 4. poisson.sf ---------------------------------------------------------------------
def test_poisson_sf_tail():
    assert stats.poisson.sf(20.0, 1.0) == sst.poisson.sf(20.0, 1.0)            # 7.54e-21
    k = np.array([-1.0, 0.0, 2.0, 5.5, 20.0])
    np.testing.assert_array_equal(stats.poisson.sf(k, 2.5), sst.poisson.sf(k, 2.5))
    # d/dmu sf(k, mu) = pmf(k, mu); d/dmu log sf = pmf / sf
    ref = sst.poisson.pmf(20, 1.0) / sst.poisson.sf(20.0, 1.0)
    g = ad.grad(lambda m: stats.poisson.logsf(20.0, m))(1.0)
    assert np.isfinite(g) and g == pytest.approx(ref, rel=1e-12, abs=0)
    J = ad.jacfwd(lambda m: stats.poisson.sf(k, m))(2.5)
    np.testing.assert_allclose(J, [0.0, *sst.poisson.pmf([0, 2, 5, 20], 2.5)], rtol=1e-13)


# --- 5. t.logpdf for large and infinite df -------------------------------------------
def test_t_logpdf_large_and_infinite_df():
    assert stats.t.logpdf(0.0, 1e14) == pytest.approx(sst.t.logpdf(0.0, 1e14), rel=1e-15, abs=0)
    assert stats.t.logpdf(0.0, 1e10) == pytest.approx(-0.918938533229672, rel=1e-15, abs=0)
    assert stats.t.logpdf(0.5, np.inf) == sst.t.logpdf(0.5, np.inf)
    assert stats.t.pdf(0.5, np.inf) == pytest.approx(sst.norm.pdf(0.5), rel=1e-15, abs=0)
    x = np.array([-3.0, 0.2, 1.0, 4.0])
    for df in (0.7, 3.5, 19.0, 1e8):
        np.testing.assert_allclose(stats.t.logpdf(x, df, 0.2, 1.3),
                                   sst.t.logpdf(x, df, 0.2, 1.3), rtol=4e-15)
    # where SciPy's log(poch) cancels (it is off by 3e-13 at df = 1000): mpmath
    np.testing.assert_allclose(stats.t.logpdf(x, 30.0, 0.2, 1.3),
                               [-4.0410744657329319, -1.1896345898463367,
                                -1.3840706949571182, -5.0741343732360607], rtol=4e-16)
    np.testing.assert_allclose(stats.t.logpdf(x, 1e3, 0.2, 1.3),
                               [-4.2050175586053673, -1.1815527976304972,
                                -1.3710553792876416, -5.4398478899714615], rtol=4e-16)
    gx, gdf = both(stats.t.logpdf, 0, 0.5, np.inf), both(stats.t.logpdf, 1, 0.5, np.inf)
    assert gx[0] == gx[1] == -0.5
    assert gdf[0] == gdf[1] == 0.0
    assert ad.grad(ad.grad(stats.t.logpdf))(0.5, np.inf) == -1.0
    check_grads(lambda v, d: stats.t.logpdf(v, d), (np.array([-1.0, 0.5, 2.0]), 60.0), order=2)


# --- 6. float32 in, float32 out (values and every mode) --------------------------------
@pytest.mark.parametrize("name, params", [("norm", ()), ("t", (3.0,)), ("gamma", (2.0,)),
                                          ("beta", (2.0, 3.0))])
def test_float32(name, params):
    f32 = np.float32
    dist = getattr(stats, name)
    params = tuple(f32(p) for p in params)
    x = f32(0.3)
    for m in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
        f = getattr(dist, m)
        assert np.asarray(f(x, *params)).dtype == np.float32, m
        for g in ad.grad(f, argnums=tuple(range(1 + len(params))))(x, *params):
            assert np.asarray(g).dtype == np.float32, m
        assert ad.jacrev(f)(np.full(2, x), *params).dtype == np.float32, m
        assert ad.jacfwd(f)(np.full(2, x), *params).dtype == np.float32, m
        assert np.asarray(ad.jvp(lambda v: f(v, *params), (x,), (f32(1),))[1]).dtype == np.float32, m


# --- 7. log cdf near 1, log sf near 0 --------------------------------------------------
def test_log_cdf_sf_near_one():
    assert stats.gamma.logcdf(60.0, 0.5) == sst.gamma.logcdf(60.0, 0.5)          # -6.3e-28
    assert stats.gamma.logsf(1e-5, 2.5) == sst.gamma.logsf(1e-5, 2.5)            # -9.5153e-14
    assert stats.t.logcdf(40.0, 5.0) == sst.t.logcdf(40.0, 5.0)
    assert stats.t.logsf(-40.0, 5.0) == sst.t.logsf(-40.0, 5.0)
    # d/dx log cdf = pdf / cdf, finite and right on both sides of the median
    for x in (0.5, 60.0):
        assert ad.grad(stats.gamma.logcdf)(x, 0.5) == pytest.approx(
            sst.gamma.pdf(x, 0.5) / sst.gamma.cdf(x, 0.5), rel=1e-12, abs=0)
    x = np.linspace(-40, 40, 801)
    np.testing.assert_array_equal(stats.norm.pdf(x, 0.3, 1.7), sst.norm.pdf(x, 0.3, 1.7))


# --- 8. outside the support: derivative 0 in both modes --------------------------------
def test_outside_support_zero_derivative():
    for f, args in [(stats.gamma.logcdf, (-1.0, 2.0)), (stats.beta.logcdf, (-0.5, 2.0, 3.0)),
                    (stats.gamma.logsf, (-1.0, 2.0)), (stats.beta.logsf, (1.5, 2.0, 3.0)),
                    (stats.gamma.cdf, (-1.0, 2.0)), (stats.beta.sf, (-0.5, 2.0, 3.0))]:
        for k in range(len(args)):
            r, fw = both(f, k, *args)
            assert r == 0.0 and fw == 0.0, (f, k)
    assert stats.gamma.logcdf(-1.0, 2.0) == -np.inf
    assert stats.beta.logcdf(1.5, 2.0, 3.0) == 0.0 and stats.beta.logsf(1.5, 2.0, 3.0) == -np.inf
    x = np.array([-1.0, 0.5, 3.0])
    J = ad.jacrev(stats.gamma.logcdf)(x, 2.0)
    np.testing.assert_allclose(J, ad.jacfwd(stats.gamma.logcdf)(x, 2.0), rtol=1e-15, atol=0)
    assert J[0, 0] == 0.0 and np.all(np.isfinite(J))
