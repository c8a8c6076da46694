"""Derivative rules of dualad.scipy.special / dualad.scipy.stats at extreme but
valid magnitudes, where a textbook formula cancels, under- or overflows:
``betaln`` / ``beta`` with one argument much larger, ``expi`` near the overflow
of ``exp``, the log-cdf / log-sf of heavy-tailed distributions in the far tail,
the ``t`` log-density at large ``|z|``, and the incomplete gamma / beta
densities at large shape.

Reference numbers were computed once with mpmath 1.3.0 at 60 significant digits
(``mp.mp.dps = 60``) from closed forms; the tests do not need mpmath:

* betaln: ``d/da = mp.digamma(a) - mp.digamma(a + b)``, ``d2/da2 = mp.psi(1, a)
  - mp.psi(1, a + b)``, ``d2/dadb = -mp.psi(1, a + b)`` (and ``a <-> b``).
* expi: ``mp.exp(x) / x`` and ``mp.exp(x) (x - 1) / x^2`` at the float value of x.
* log cdf of t and cauchy at z < 0: ``d/dz log F = f / F``, ``d2 = (f'/f) (f / F) -
  (f / F)^2`` with ``F_t = mp.betainc(nu/2, 1/2, 0, nu/(nu+z^2), regularized=True)
  / 2``, ``f_t = Gamma((nu+1)/2) / (sqrt(nu pi) Gamma(nu/2)) (1+z^2/nu)^(-(nu+1)/2)``,
  ``f_t'/f_t = -(nu+1) z / (nu+z^2)``; ``F_cauchy = mp.atan(-1/z) / pi``,
  ``f_cauchy = 1 / (pi (1+z^2))``.  ``logsf(-z) = logcdf(z)``.
* t log density ``lp = mp.loggamma((nu+1)/2) - mp.loggamma(nu/2) - log(nu pi)/2 -
  (nu+1)/2 log1p(z^2/nu)``: ``d/dz = -(nu+1) z / (nu+z^2)``, ``d2/dz2 = -(nu+1) (nu-z^2)
  / (nu+z^2)^2``, ``d/dnu = mp.diff(lp, nu)``, ``d2/dz dnu = mp.diff(d/dz, nu)``.
* gammainc in x: ``f = mp.exp((a-1) log x - x - mp.loggamma(a))``, ``f' = f ((a-1)/x - 1)``;
  betainc in x: ``f = mp.exp((a-1) log x + (b-1) log(1-x)) / mp.beta(a, b)``, ``f' = f
  ((a-1)/x - (b-1)/(1-x))`` (at the float32 values of the arguments).
"""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
from dualad.scipy import special as dsp
from dualad.scipy import stats

from ._derivatives import both

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def approx(ref, rel):
    """Relative only (pytest's default ``abs=1e-12`` would accept any tiny value)."""
    return pytest.approx(ref, rel=rel, abs=0)


def both32(f, argnum, *args):
    """(reverse, forward) derivative of scalar ``f`` in argument ``argnum``, the
    tangent of the argument's own dtype (float32 stays float32)."""
    args = list(args)

    def g(v):
        a = list(args)
        a[argnum] = v
        return f(*a)
    x = args[argnum]
    fwd = ad.jvp(g, (x,), (np.ones_like(x),))[1]
    return ad.grad(f, argnums=argnum)(*args), fwd


def second(f, i, j, *args):
    """d2 f / d(arg i) d(arg j) in three nestings: reverse-over-reverse,
    forward-over-reverse, and the Hessian."""
    rr = ad.grad(ad.grad(f, argnums=i), argnums=j)(*args)
    fr = ad.jacfwd(ad.grad(f, argnums=i), argnums=j)(*args)
    fwd2 = ad.jacfwd(ad.jacfwd(f, argnums=i), argnums=j)(*args)
    return rr, fr, fwd2


# --- F5: betaln / beta with a >> b (or b >> a) -------------------------------------------
# (a, b, d/da, d/db, d2/da2, d2/dadb, d2/db2)   mpmath (see the module docstring)
BETALN = [
    (1e15, 1.0, -1.0e-15, -35.115992059812218621, 1.0e-30, -9.999999999999995e-16,
     1.6449340668482254365),
    (1e10, 1.0, -1.0e-10, -23.603066594891989701, 1.0e-20, -9.9999999995e-11,
     1.6449340667482264365),
    (1e12, 2.5, -2.499999999998125e-12, -26.927864475285305021, 2.49999999999625e-24,
     -9.99999999998e-13, 0.49035775609923486497),
    (3.0, 1e13, -29.010821873824376753, -2.9999999999997e-13, 0.39493406684812643647,
     -9.9999999999975e-14, 2.9999999999994e-26),
    (1e8, 0.3, -3.000000010499999903e-9, -21.923204964152498599, 3.000000020999999931e-17,
     -1.0000000019999999957e-8, 12.245364536107731281),
    (30.0, 5.0, -0.15655619285837502156, -2.0348766571120994254, 0.0049115818860984137575,
     -0.028983478471641530456, 0.19233947726547379491),
    (25.0, -3.5, 0.15412563033944937764, -1.6557459561529957294, -0.0067993931822535575734,
     -0.047610056439479136761, 9.5732692416108691069),
    (40.0, 39.0, -0.68677801216103927283, -0.71241903780206491386, 0.012576422598374639385,
     -0.012738681242916388773, 0.01323388479429837377),
    (5.0, 2.0, -0.36666666666666666667, -1.45, 0.067777777777777777778,
     -0.15354517795933754758, 0.49138888888888888889),
]


def test_betaln_reproducer():
    # was exactly 0.0: psi(a) - psi(a + 1) at a = 1e15 cancels completely
    assert ad.grad(dsp.betaln)(1e15, 1.0) == approx(-1e-15, 1e-14)


@pytest.mark.parametrize("a, b, da, db, daa, dab, dbb", BETALN)
def test_betaln_first_second(a, b, da, db, daa, dab, dbb):
    for i, ref in ((0, da), (1, db)):
        for g in both(dsp.betaln, i, a, b):
            assert g == approx(ref, 1e-13)
    for (i, j), ref in (((0, 0), daa), ((0, 1), dab), ((1, 0), dab), ((1, 1), dbb)):
        for h in second(dsp.betaln, i, j, a, b):
            assert h == approx(ref, 1e-12)


@pytest.mark.parametrize("a, b, da, db, daa, dab, dbb", BETALN[:5])
def test_beta_first(a, b, da, db, daa, dab, dbb):
    from scipy.special import beta as sbeta
    val = sbeta(a, b)
    for i, ref in ((0, da), (1, db)):
        for g in both(dsp.beta, i, a, b):
            assert g == approx(val * ref, 1e-13)


def test_betaln_float32_and_arrays():
    # mpmath: psi(1e6) - psi(1e6 + 1) = -1.0e-6 (float32: was 5% off and worse)
    for g in both32(dsp.betaln, 0, np.float32(1e6), np.float32(1.0)):
        assert g.dtype == np.float32
        assert g == approx(-1e-6, 1e-6)
    # mixed far / near entries in one array, both modes
    a = np.array([1e15, 5.0, 1e10])
    g = ad.grad(lambda v: ad.numpy.sum(dsp.betaln(v, 1.0)))(a)
    np.testing.assert_allclose(g, [-1e-15, -0.2, -1e-10], rtol=1e-13, atol=0)
    j = ad.jacfwd(lambda v: dsp.betaln(v, 1.0))(a)
    np.testing.assert_allclose(np.diag(j), [-1e-15, -0.2, -1e-10], rtol=1e-13, atol=0)


# --- F8: expi' = e^x / x where e^x overflows but the derivative does not --------------------
# (x, dtype, expi', expi'')   mpmath (see the module docstring)
EXPI = [
    (710.0, np.float64, 3.1464715016362127201e+305, 3.1420398516339081951e+305),
    (715.5, np.float64, 7.6399789797381447991e+307, 7.6293011614575883424e+307),
    (705.0, np.float64, 2.1351118199477929983e+303, 2.1320832925436117317e+303),
    (-3.0, np.float64, -0.01659568945595464766, -0.022127585941272863546),
    (90.0, np.float32, 1.3560036603531564467e+37, 1.3409369530158991528e+37),
    (92.0, np.float32, 9.8017700054720640559e+37, 9.6952290271517155335e+37),
    (60.0, np.float32, 1.9033456496928071394e+24, 1.8716232221979270204e+24),
]


def test_expi_reproducer():
    assert ad.grad(dsp.expi)(710.0) == approx(3.1464715016362127201e+305, 1e-15)   # was inf


@pytest.mark.parametrize("x, dt, d1, d2", EXPI)
def test_expi_first_second(x, dt, d1, d2):
    x = dt(x)
    tol = 1e-14 if dt == np.float64 else 3e-7
    for g in both32(dsp.expi, 0, x):
        assert g.dtype == dt
        assert g == approx(d1, tol)
    for h in second(dsp.expi, 0, 0, x):
        assert np.asarray(h).dtype == dt
        assert h == approx(d2, tol)


def test_expi_mixed_array():
    x = np.array([710.0, 2.0, 715.5])
    g = ad.grad(lambda v: ad.numpy.sum(dsp.expi(v)))(x)
    np.testing.assert_allclose(g, [3.1464715016362127201e+305, np.exp(2.0) / 2,
                                   7.6399789797381447991e+307], rtol=1e-14, atol=0)
    j = ad.jacfwd(dsp.expi)(x)
    np.testing.assert_allclose(np.diag(j), g, rtol=1e-15, atol=0)


# --- F6: log cdf / log sf far in the tail, where the density underflows but the cdf not --------
# (z, df, dtype, d/dz logcdf, d2/dz2 logcdf or None where it underflows / is not checked here,
#  relative tolerance)   mpmath (see the module docstring)
T_LOGCDF = [
    (-1e12, 3.0, np.float32, 3.0000000122880001e-12, 2e-5),    # was 0
    (-1e15, 3.0, np.float32, 3.0000000390266885e-15, 5e-5),    # was NaN
    (-1e80, 3.0, np.float64, 3.0e-80, 1e-13),                  # was 6e-5 off
    (-1e5, 5.0, np.float32, 4.9999999978571429e-5, 3e-6),
    (-30.0, 3.0, np.float64, 0.099734168722797089, 1e-14),
    (-2.5, 4.0, np.float64, 1.0686676828947116, 1e-14),
]
# (z, dtype, d/dz logcdf, d2/dz2 logcdf, relative tolerance)
CAUCHY_LOGCDF = [
    (-1e25, np.float32, 1.0000000437976493e-25, None, 3e-7),     # was 0
    (-1e19, np.float32, 1.0000000019493552e-19, 1.0000000038987104e-38, 3e-7),
    (-3e4, np.float32, 3.3333333308641975e-5, 1.1111111086419753e-9, 3e-7),
    (-1e200, np.float64, 1.0e-200, None, 1e-15),                   # was 0
    (-1e5, np.float64, 9.9999999993333333e-6, 9.999999998e-11, 1e-14),
    (-9000.0, np.float64, 0.00011111111019661638, 1.2345678707514104e-8, 1e-14),
    (-2.0, np.float64, 0.431362086458322, 0.15901641953298074, 1e-14),
]


def test_logcdf_tail_reproducers():
    assert ad.grad(stats.cauchy.logcdf)(np.float32(-1e25)) == approx(1e-25, 1e-6)
    assert ad.grad(lambda x: stats.t.logcdf(x, np.float32(3)))(np.float32(-1e12)) == \
        approx(3.0000000122880001e-12, 2e-5)


@pytest.mark.parametrize("z, df, dt, d1, tol", T_LOGCDF)
def test_t_logcdf_logsf_tail(z, df, dt, d1, tol):
    z, df = dt(z), dt(df)
    for f, x, sign in ((lambda x: stats.t.logcdf(x, df), z, 1), (lambda x: stats.t.logsf(x, df), -z, -1)):
        for g in both32(f, 0, x):
            assert g.dtype == dt
            assert g == approx(sign * d1, tol)
    # the value is computed in float64 (a float32 cdf underflows first): SciPy's
    import scipy.stats as sst
    assert stats.t.logcdf(z, df) == approx(sst.t.logcdf(np.float64(z), np.float64(df)),
                                           1e-6 if dt == np.float32 else 1e-14)


@pytest.mark.parametrize("z, dt, d1, d2, tol", CAUCHY_LOGCDF)
def test_cauchy_logcdf_logsf_tail(z, dt, d1, d2, tol):
    z = dt(z)
    for f, x, sign in ((stats.cauchy.logcdf, z, 1), (stats.cauchy.logsf, -z, -1)):
        for g in both32(f, 0, x):
            assert g.dtype == dt
            assert g == approx(sign * d1, tol)
        if d2 is not None:
            for h in second(f, 0, 0, x):
                assert h == approx(d2, 4 * tol)
    import scipy.stats as sst
    assert stats.cauchy.logcdf(z) == approx(sst.cauchy.logcdf(np.float64(z)) if abs(z) < 1e8
                                            else -np.log(-np.float64(z) * np.pi),
                                            1e-6 if dt == np.float32 else 1e-14)


# --- F4: t log density in z (x, loc, scale) at large |z| -----------------------------------
# (z, df, dtype, d/dz, d2/dz2, d/ddf, d2/dz ddf, relative tolerance)   mpmath
T_LOGPDF = [
    (1e12, 3.0, np.float32, -4.0000000163840001e-12, 4.0000000327680002e-24,
     -26.388567786938548, -1.000000004096e-12, 1e-6),                      # was 55x off
    (1e15, 3.0, np.float32, -4.0000000520355847e-15, 4.00000010407117e-30,
     -33.296323057007789, -1.0000000130088962e-15, 1e-6),
    (1e100, 3.0, np.float64, -3.9999999999999999e-100, 3.9999999999999999e-200,
     -229.01605597451057, -9.9999999999999998e-101, 1e-14),                # was 460x off
    (1.7, 3.0, np.float64, -1.1544991511035654, -0.012683002758553118,
     0.016266752208262677, -0.092614745143707064, 1e-13),
    (0.0, 3.0, np.float64, 0.0, -1.3333333333333333, 0.026480513893278643, 0.0, 1e-14),
    (2.5, 1e6, np.float64, -2.4999868750820307, -0.99998225017656099,
     -6.3905631514919229e-12, -1.3124835939038073e-11, 1e-13),
    (-40.0, 2.5, np.float64, 0.087363494539781591, 0.0021772727383354305,
     -2.495143778680519, 0.024906481438664723, 1e-14),
]


def test_t_logpdf_reproducers():
    g = ad.grad(lambda x: stats.t.logpdf(x, np.float32(3)))(np.float32(1e12))
    assert g == approx(-4.0000000163840001e-12, 1e-6)
    # d/dscale at x = 1, scale = 1e-12 (float32 1e-12): -1/s + (df+1) z^2 / (s (df + z^2))
    g = ad.grad(lambda s: stats.t.logpdf(np.float32(1), np.float32(3), scale=s))(np.float32(1e-12))
    assert g == approx(3000000011987.4084, 1e-6)


@pytest.mark.parametrize("z, df, dt, dz, dzz, ddf, dzdf, tol", T_LOGPDF)
def test_t_logpdf_first_second(z, df, dt, dz, dzz, ddf, dzdf, tol):
    z, df = dt(z), dt(df)
    f = stats.t.logpdf
    for i, ref in ((0, dz), (1, ddf)):
        for g in both32(f, i, z, df):
            assert g.dtype == dt
            assert g == approx(ref, 4 * tol) if ref else g == 0
    for (i, j), ref in (((0, 0), dzz), ((0, 1), dzdf), ((1, 0), dzdf)):
        for h in second(f, i, j, z, df):
            assert np.asarray(h).dtype == dt
            assert h == approx(ref, 4 * tol) if ref else h == 0
    # loc and x enter as z = (x - loc) / scale
    for g in both32(lambda x, loc: f(x, df, loc), 1, z + dt(1), dt(1)):
        assert g == approx(-dz, 4 * tol) if dz else g == 0


def test_internal_t_primitives_check_grads():
    # special.t_logpdf and special.log_stdtr (internal) against finite differences,
    # second order, near and far from the |z| = sqrt(df) switch
    from dualad.scipy import special as sp
    from dualad.testing import check_grads
    for z in (-3.0, -0.4, 0.0, 0.9, 2.2):
        check_grads(sp._t_logpdf_std, (z, 3.0), order=2)
    for z in (-3.0, -1.2, -0.3):
        check_grads(sp._log_stdtr, (2.5, z), order=2)


# --- F3 (float32 part): incomplete gamma / beta densities at large shape ---------------------
# (a, x, f, f')   mpmath, float32 arguments
GAMMAINC32 = [
    (1e5, 1e5, 0.0012615652097053006, -1.2615652097053006e-8),       # was 7% off
    (1e3, 1e3, 0.0126146113487215, -1.26146113487215e-5),
    (1e6, 1.0005e6, 0.00035190400961467548, -1.7621580091649417e-7),
]


def test_gammainc_dx_float32_reproducer():
    g = ad.grad(lambda x: dsp.gammainc(np.float32(1e5), x))(np.float32(1e5))
    assert g == approx(1.26157e-3, 1e-5)


@pytest.mark.parametrize("a, x, d1, d2", GAMMAINC32)
def test_gammainc_dx_float32(a, x, d1, d2):
    a, x = np.float32(a), np.float32(x)
    for f, sign in ((lambda x: dsp.gammainc(a, x), 1), (lambda x: dsp.gammaincc(a, x), -1),
                    (lambda x: stats.gamma.cdf(x, a), 1), (lambda x: stats.gamma.sf(x, a), -1)):
        for g in both32(f, 0, x):
            assert g.dtype == np.float32
            assert g == approx(sign * d1, 3e-7)
        for h in second(f, 0, 0, x)[:2]:
            assert np.asarray(h).dtype == np.float32
            assert h == approx(sign * d2, 3e-7)


def test_betainc_dx_float32():
    a = b = np.float32(1e4)
    x = np.float32(0.501)
    f = lambda x: dsp.betainc(a, b, x)
    for g in both32(f, 0, x):
        assert g.dtype == np.float32
        assert g == approx(108.41266017777758, 3e-7)
    for h in second(f, 0, 0, x):
        assert h == approx(-8672.0685498888019, 3e-6)


# (z, df, log density) from mpmath at dps 40: loggamma((df+1)/2) - loggamma(df/2)
# - log(df pi)/2 - (df+1)/2 log(1 + z^2/df)
T_LOGPDF_HUGE = [
    (1e160, 3.0, -1472.4581237884765),
    (1e200, 3.0, -1840.871738667524),
    (-1e300, 0.5, -1037.993685158652),
    (1e200, 1e6, -453609717.8480291),
    (1e155, 2.5, -1248.5655437619505),
]


@pytest.mark.parametrize("z, df, want", T_LOGPDF_HUGE)
def test_t_logpdf_value_where_z_squared_overflows(z, df, want):
    """z^2 overflows beyond |z| = 1.3e154 while the log density does not:
    the value was NaN (SciPy's is -inf); the derivative -(df+1)/z was right."""
    for v in (stats.t.logpdf(z, df), ad.value_and_grad(lambda x: stats.t.logpdf(x, df))(z)[0]):
        assert v == approx(want, 1e-15)
    assert ad.grad(lambda x: stats.t.logpdf(x, df))(z) == approx(-(df + 1) / z * (1 + df / z / z) ** -1, 1e-14)
    # float32: z^2 overflows from 1.8e19; mpmath -183.01047171181094 at z = 1e20, df = 3
    v = stats.t.logpdf(np.float32(1e20), np.float32(3))
    assert v.dtype == np.float32 and v == approx(-183.01047171181094, 1e-6)


@pytest.mark.parametrize("z, df, d1, d2", [
    # mpmath at dps 50: d/ddf and d²/ddf² of the t log density
    (1e155, 3.0, -355.6582360891831, 0.09419963324255345),
    (-1e200, 1.0, -459.3238714182492, -0.3224670334241132),
    (1e300, 2.5, -689.579919538815, 0.09169317884667949),
])
def test_t_logpdf_df_derivatives_where_z_squared_overflows(z, df, d1, d2):
    """The df-rule's log1p(z²/df) overflowed with z² (the value was fixed
    first): -inf for the first derivative, a wrong second."""
    f = lambda d: stats.t.logpdf(z, d)                     # noqa: E731
    assert ad.grad(f)(df) == approx(d1, 1e-14)
    assert ad.grad(ad.grad(f))(df) == approx(d2, 1e-12)
    assert ad.jacfwd(ad.jacrev(f))(np.array(df)) == approx(d2, 1e-12)


def test_t_logpdf_df_derivative_where_z_squared_overflows_in_float32():
    """In float32 z² overflows from 1.8e19: the test for it ran in float64, so
    log1p(z²/df) overflowed in float32 (-inf).  mpmath: -44.809248534986914
    at z = 1e20, df = 3."""
    g = ad.grad(lambda d: stats.t.logpdf(np.float32(1e20), d))(np.float32(3.0))
    assert g.dtype == np.float32 and g == approx(-44.809248534986914, 1e-6)
