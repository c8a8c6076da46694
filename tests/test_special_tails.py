"""dualad.scipy.special.stdtr / gammaincc called directly, where the plain
series rules lose relative precision: ``stdtr`` in ``df`` for large ``df`` and
``gammaincc`` in ``a`` above the median (where ``Q`` is small).

Reference numbers were computed once with mpmath 1.3.0 at 60 significant digits
(``mp.mp.dps = 60``); the tests do not need mpmath:

* ``Q(a, x) = mp.gammainc(a, x, mp.inf, regularized=True)``, ``mp.diff`` in
  ``a`` (first, second) and mixed ``(1, 1)`` in ``(a, x)``;
* ``F(t, nu) = mp.betainc(nu/2, 1/2, 0, nu/(nu+t^2), regularized=True) / 2`` for
  ``t < 0``, ``1 - F(-t, nu)`` for ``t > 0``; ``mp.diff`` in ``nu`` (first,
  second) and mixed ``(1, 1)`` in ``(nu, t)``.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.special as ss

import dualad as ad
from dualad.scipy import special as dsp
from dualad.scipy import stats

from ._derivatives import both


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def approx(ref, rel):
    """``pytest.approx`` relative only: its default ``abs=1e-12`` would accept any
    of the tiny derivatives here."""
    return pytest.approx(ref, rel=rel, abs=0)


def second(f, i, j, *args):
    """d2 f / d(arg i) d(arg j): reverse-over-reverse, forward-over-reverse
    (jacfwd of grad) and the Hessian (both modes)."""
    rr = ad.grad(ad.grad(f, argnums=i), argnums=j)(*args)
    fr = ad.jacfwd(ad.grad(f, argnums=i), argnums=j)(*args)
    h = ad.hessian(lambda v: f(v[0], v[1]))(np.array(args, dtype=float))[i, j]
    return rr, fr, h


# --- stdtr(df, t) in df, large df ------------------------------------------------------
# (df, t, d/ddf, d2/ddf2, d2/ddf dt)   mpmath (see the module docstring)
STDTR = [
    (1e6, 2.0, 1.3497754451081794e-13, -2.6995521724878602e-19, -9.448363686757769e-14),
    (1e5, 2.0, 1.3497869849866015e-11, -2.6995867914324745e-16, -9.4478646247605601e-12),
    (1500.0, -1.0, -5.3753345371305807e-8, 7.1659174008318523e-11, 5.374140814301108e-8),
]


def test_stdtr_df_reproducer():
    # was about -3.3e-08 (the betainc series cancels); mpmath: +1.3497754451081794e-13
    g = ad.grad(dsp.stdtr, argnums=0)(1e6, 2.0)
    assert g == approx(1.3497754451081794e-13, rel=1e-12)
    assert g == approx(ad.grad(stats.t.cdf, argnums=1)(2.0, 1e6), rel=1e-14)


@pytest.mark.parametrize("df, t, d1, d2, dmix", STDTR)
def test_stdtr_df_derivatives(df, t, d1, d2, dmix):
    for g in both(dsp.stdtr, 0, df, t):
        assert g == approx(d1, rel=1e-12)
    for g in second(dsp.stdtr, 0, 0, df, t):
        assert g == approx(d2, rel=1e-9)
    for g in second(dsp.stdtr, 0, 1, df, t) + second(dsp.stdtr, 1, 0, df, t):
        assert g == approx(dmix, rel=1e-10)
    assert dsp.stdtr(df, t) == ss.stdtr(df, t)


# (df, d/ddf of the t density at 0 = d2/ddf dt stdtr(df, 0))   mpmath:
# mp.diff(lambda n: mp.gamma((n+1)/2) / (mp.gamma(n/2) * mp.sqrt(n*mp.pi)), df)
STDTR_AT_0 = [(3.0, 0.0097329816499884882), (50.0, 3.9687335259993919e-5),
              (999.0, 9.991028508067652e-8), (1e4, 9.9733076243611548e-10)]


@pytest.mark.parametrize("df, dmix", STDTR_AT_0)
def test_stdtr_at_zero(df, dmix):
    # stdtr(df, 0) = 1/2: every df-derivative is 0, but the mixed one is not
    for g in both(dsp.stdtr, 0, df, 0.0):
        assert abs(g) < 1e-24
    for g in second(dsp.stdtr, 0, 1, df, 0.0) + second(dsp.stdtr, 1, 0, df, 0.0):
        assert g == approx(dmix, rel=1e-12)
    for g in second(dsp.stdtr, 0, 0, df, 0.0):
        assert abs(g) < 1e-27


def test_stdtr_batched_across_switch():
    df = np.array([5.0, 900.0, 1100.0, 1e5, 1e6, np.inf])
    t = np.array([-2.0, 0.7, 0.0, 2.0, 2.0, 1.0])
    np.testing.assert_array_equal(dsp.stdtr(df, t), ss.stdtr(df, t))
    J = ad.jacfwd(dsp.stdtr, argnums=0)(df, t)
    R = ad.jacrev(dsp.stdtr, argnums=0)(df, t)
    np.testing.assert_allclose(J, R, rtol=1e-13, atol=0)
    assert np.count_nonzero(J - np.diag(np.diag(J))) == 0
    d = np.diag(J)
    assert abs(d[2]) < 1e-20 and d[5] == 0.0           # t = 0 (0 up to rounding); df = inf
    assert d[3] == approx(1.3497869849866015e-11, rel=1e-12)
    assert d[4] == approx(1.3497754451081794e-13, rel=1e-12)
    # below the switch: the betainc series (finite differences of SciPy)
    for k in (0, 1):
        h = 1e-4 * df[k]
        fd = (ss.stdtr(df[k] + h, t[k]) - ss.stdtr(df[k] - h, t[k])) / (2 * h)
        assert d[k] == approx(fd, rel=1e-6)
    # in t: the density (mpmath: exp of the log density, mp.npdf(1) at df = inf)
    Jt = ad.jacrev(dsp.stdtr, argnums=1)(df, t)
    np.testing.assert_allclose(Jt, ad.jacfwd(dsp.stdtr, argnums=1)(df, t), rtol=1e-14, atol=0)
    np.testing.assert_allclose(np.diag(Jt), [0.06509031032621647, 0.3121030713545875,
                                             0.39885162201630825, 0.05399191132737599,
                                             0.053991060997102186, 0.24197072451914334],
                               rtol=1e-14)
    # second order, batched: the Hessian diagonal in df
    H = ad.jacfwd(ad.grad(lambda v: np.sum(dsp.stdtr(v, t[:5]))))(df[:5])
    assert H[3, 3] == approx(-2.6995867914324745e-16, rel=1e-9)
    assert H[4, 4] == approx(-2.6995521724878602e-19, rel=1e-9)


# --- gammaincc(a, x) in a, above the median -------------------------------------------
# (a, x, Q, d/da Q, d2/da2 Q, d2/da dx Q)   mpmath (see the module docstring)
GAMMAINCC = [
    (2.0, 100.0, 3.7572767357810443e-42, 1.5751950177143769e-41, 6.3615410277633288e-41,
     -1.5558793126343953e-41),
    (0.5, 30.0, 9.4857375710738484e-15, 5.118991143389857e-14, 2.2944585712327423e-13,
     -5.1710176439877709e-14),
    (2.0, 8.0, 0.0030191636511226065, 0.0053748474712272204, 0.0076583248738552642,
     -0.0044459726404273632),
    (2.0, 1.5, 0.55782540037107457, 0.31348863782507932, -0.10058919839254356,
     0.0057966628379898939),                        # below the median (1.678): the series
]


def test_gammaincc_a_reproducer():
    # mpmath: d/da Q(2, 100) / Q(2, 100) = 4.192384880021176 (the series rule is only
    # accurate to ~1e-15 absolute, i.e. no digit of this 1.6e-41)
    g = ad.grad(lambda a: dsp.gammaincc(a, 100.0))(2.0)
    assert g == approx(ss.gammaincc(2.0, 100.0) * 4.192384880021176, rel=1e-13)


@pytest.mark.parametrize("a, x, q, d1, d2, dmix", GAMMAINCC)
def test_gammaincc_a_derivatives(a, x, q, d1, d2, dmix):
    assert dsp.gammaincc(a, x) == ss.gammaincc(a, x)
    assert dsp.gammaincc(a, x) == approx(q, rel=1e-13)
    for g in both(dsp.gammaincc, 0, a, x):
        assert g == approx(d1, rel=1e-12)
    for g in second(dsp.gammaincc, 0, 0, a, x):
        assert g == approx(d2, rel=1e-10)
    for g in second(dsp.gammaincc, 0, 1, a, x) + second(dsp.gammaincc, 1, 0, a, x):
        assert g == approx(dmix, rel=1e-10)


def test_gammaincc_batched_across_median():
    x = np.array([0.0, 0.3, 1.5, 2.0, 8.0, 100.0, np.inf])     # median of gamma(2): 1.678
    a = 2.0
    np.testing.assert_array_equal(dsp.gammaincc(a, x), ss.gammaincc(a, x))
    J = ad.jacfwd(lambda s: dsp.gammaincc(s, x))(a)
    R = ad.jacrev(lambda s: dsp.gammaincc(s, x))(a)
    np.testing.assert_allclose(J, R, rtol=1e-13, atol=0)
    assert J[0] == 0.0 and J[-1] == 0.0
    assert J[2] == approx(0.31348863782507932, rel=1e-12)
    assert J[4] == approx(0.0053748474712272204, rel=1e-12)
    assert J[5] == approx(1.5751950177143769e-41, rel=1e-12)
    # elementwise a and x, straddling the median; Jacobians diagonal, both modes
    av = np.array([2.0, 2.0, 0.5, 2.0])
    xv = np.array([1.5, 8.0, 30.0, 100.0])
    Ja = ad.jacfwd(dsp.gammaincc, argnums=0)(av, xv)
    np.testing.assert_allclose(Ja, ad.jacrev(dsp.gammaincc, argnums=0)(av, xv), rtol=1e-13, atol=0)
    assert np.count_nonzero(Ja - np.diag(np.diag(Ja))) == 0
    np.testing.assert_allclose(np.diag(Ja), [0.31348863782507932, 0.0053748474712272204,
                                             5.118991143389857e-14, 1.5751950177143769e-41],
                               rtol=1e-12)
    # second order: Hessian of the sum in (a) and mixed (a, x), both nestings
    H = ad.hessian(lambda s: np.sum(dsp.gammaincc(s, xv)))(av)
    np.testing.assert_allclose(np.diag(H), [-0.10058919839254356, 0.0076583248738552642,
                                            2.2944585712327423e-13, 6.3615410277633288e-41],
                               rtol=1e-10)
    Hm = ad.jacrev(ad.grad(lambda s, y: np.sum(dsp.gammaincc(s, y))), argnums=1)(av, xv)
    np.testing.assert_allclose(np.diag(Hm), [0.0057966628379898939, -0.0044459726404273632,
                                             -5.1710176439877709e-14, -1.5558793126343953e-41],
                               rtol=1e-10)


# --- float32 in, float32 out ----------------------------------------------------------
def test_float32():
    f32 = np.float32
    for f, args in [(dsp.stdtr, (f32(1e6), f32(2.0))), (dsp.stdtr, (f32(5.0), f32(-1.0))),
                    (dsp.gammaincc, (f32(2.0), f32(30.0))), (dsp.gammaincc, (f32(2.0), f32(1.0)))]:
        assert np.asarray(f(*args)).dtype == np.float32
        for g in ad.grad(f, argnums=(0, 1))(*args):
            assert np.asarray(g).dtype == np.float32
        v = [np.full(2, a) for a in args]
        for k in (0, 1):
            assert ad.jacfwd(f, argnums=k)(*v).dtype == np.float32
            assert ad.jacrev(f, argnums=k)(*v).dtype == np.float32
    g = ad.grad(dsp.stdtr)(f32(1e6), f32(2.0))
    assert g == approx(1.3497754451081794e-13, rel=1e-5)
    g = ad.grad(dsp.gammaincc)(f32(2.0), f32(30.0))
    assert g == approx(ad.grad(dsp.gammaincc)(2.0, 30.0), rel=1e-5)


# --- expit: its derivative in the upper tail -------------------------------------
@pytest.mark.parametrize("x", [-30.0, -5.0, 0.5, 4.0, 5.0, 20.0, 40.0, 100.0, 700.0])
def test_expit_derivatives_keep_their_relative_accuracy_in_both_tails(x):
    """Closed forms: expit' = e^-|x| / (1 + e^-|x|)^2, expit'' = -expit' tanh(x/2),
    expit''' = expit' (1 - 6 expit'), each accurate in floats as written.  The
    rule ans * (1 - ans) gave 0 from x = 37 on (the truth e^-x) and lost
    relative accuracy eps / (1 - ans) before."""
    import math
    e = math.exp(-abs(x))
    d1 = e / (1.0 + e) ** 2
    d2 = -d1 * math.tanh(x / 2)
    d3 = d1 * (1.0 - 6.0 * d1)
    f = dsp.expit
    np.testing.assert_allclose(ad.grad(f)(x), d1, rtol=1e-14)
    np.testing.assert_allclose(ad.jvp(f, (x,), (1.0,))[1], d1, rtol=1e-14)
    for h in (ad.hessian(f)(x), ad.grad(ad.grad(f))(x), ad.jacfwd(ad.jacfwd(f))(x)):
        np.testing.assert_allclose(h, d2, rtol=1e-14, atol=0)
    np.testing.assert_allclose(ad.grad(ad.grad(ad.grad(f)))(x), d3, rtol=1e-13)
    # a batch across both branches of the rule
    xs = np.array([-3.0, x, 1.0])
    es = np.exp(-np.abs(xs))
    np.testing.assert_allclose(ad.grad(lambda v: np.sum(f(v)))(xs), es / (1 + es) ** 2,
                               rtol=1e-14)


@pytest.mark.parametrize("x,dk1,d2k0,d2k1,rel", [
    # mpmath (dps 40) of K_1', K_0'' and K_1''; at 720 the values are subnormal
    # (about 8 significant digits left)
    (700.0, -4.6764523042521025e-306, 4.6764523042521025e-306, 4.6798009798177073e-306, 1e-13),
    (720.0, -9.503740302288379e-315, 9.503740302288379e-315, 9.5103561663160985e-315, 1e-7),
])
def test_k1_derivative_where_kv2_underflows(x, dk1, d2k0, d2k1, rel):
    """k1' was -(k0 + kv(2, x)) / 2, and SciPy's kv(2, x) is 0 from x ~ 697.9
    while k0 and k1 are not: half the derivative (k0'' too, every nesting)."""
    assert ss.kv(2.0, x) == 0.0 and ss.k1(x) > 0      # the regime this guards
    assert ad.grad(dsp.k1)(x) == pytest.approx(dk1, rel=rel, abs=0)
    for h in (ad.hessian(dsp.k0)(x), ad.grad(ad.grad(dsp.k0))(x),
              ad.jacfwd(ad.jacfwd(dsp.k0))(x), ad.jacrev(ad.jacfwd(dsp.k0))(x)):
        assert float(h) == pytest.approx(d2k0, rel=rel, abs=0)
    assert float(ad.hessian(dsp.k1)(x)) == pytest.approx(d2k1, rel=rel, abs=0)
