"""Derivatives of the incomplete beta and gamma functions (and the beta inverses)
at points the property tests do not reach, against truths computed
independently.  Each case is a place where a deliberately wrong rule (a mutation
audit of ``_incbeta.py`` / ``_incgamma.py``) went unnoticed by the rest of the
suite.

The constants were computed once with mpmath 1.3.0 at ``mp.mp.dps = 40`` and
pasted here (the tests do not need mpmath):

* BETAINC: ``dI/da = int_0^x f(t) log t dt - I (psi(a) - psi(a+b))`` and
  ``dI/db = int_0^x f(t) log1p(-t) dt - I (psi(b) - psi(a+b))``, ``f`` the beta
  density (``mp.quad`` with breakpoints at the mode +- multiples of the standard
  deviation); at small parameters checked against ``mp.diff`` of
  ``mp.betainc(a, b, 0, x, regularized=True)``.  ``x`` is the float64 value.
* BETA_INV (moderate parameters): ``u = 1 - x`` solved from ``I_u(b, a) = 1 - y``
  (``betaincinv``) or ``= y`` (``betainccinv``) by bisection and ``mp.findroot``
  in ``log u``; then ``dx/da = -(dI/da) / f(x)``, ``dx/db = -(dI/db) / f(x)``
  with ``dI/da = -mp.diff(lambda A: I_u(b, A), a)`` (the reflection, so that ``x``
  near 1 keeps its digits) and ``dx/dy = +-1 / f(x)``.
* BETA_INV_BIG (a + b ~ 1e5, where mpmath's betainc does not converge): at the
  float64 ``x0 = scipy.special.betaincinv(a, b, y)`` (resp. ``betainccinv``),
  ``-(dI/da)(x0) / f(x0)`` with ``dI/da`` from the quadrature above; checked
  against Richardson differences of SciPy's inverse in ``a`` (``h = 20, 40``).
* BETAINC_TINY: ``mp.diff`` of ``mp.betainc(a, b, 0, x, regularized=True)`` in ``a``
  (``b`` tiny) or ``b`` (``a`` tiny), first and second order, and the mixed one.
* GAMMAINCC_DA: ``mp.diff(lambda A: mp.gammainc(A, x, mp.inf, regularized=True), a)``.
* GAMMA_DENSITY_DA: ``mp.diff`` in ``a`` (orders 1-3) of ``exp((a-1) log x - x -
  loggamma(a))``; order 2 also as ``mp.diff`` of ``mp.gammainc(a, 0, x,
  regularized=True)`` to orders (2, 1) in (a, x).
"""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.scipy.special as dsp


def _fr(f, argnum, *args):
    """(forward, reverse) derivative of scalar ``f`` in argument ``argnum``."""
    args = [np.float64(v) for v in args]

    def g(v):
        a = list(args)
        a[argnum] = v
        return f(*a)
    return (ad.jvp(g, (args[argnum],), (np.float64(1.0),))[1], ad.grad(g)(args[argnum]))


# (a, b, x): (dI/da, dI/db)
BETAINC = {
    (2.0, 3.0, 0.3): (-0.24609372774672350387, 0.1295450609648718869),
    (2.0, 3.0, 0.8): (-0.025074046718463235741, 0.037376711218207512691),
    (500.0, 700.0, 0.41): (-0.012309879343046522716, 0.0086719654639586555867),
    (700.0, 500.0, 0.59): (-0.0086719654639586719157, 0.012309879343046544484),
}
# a + b = 2e5: over 4000 terms (two chunks of 2048 and more), below and above the mean
BETAINC_BIG = {
    (1e5, 1e5, 0.4999): (-0.00088859164986338216844, 0.0008884139494503506361),
    (1e5, 1e5, 0.5003): (-0.00086026273987578389919, 0.00086077905201406707857),
}


@pytest.mark.parametrize("a, b, x", list(BETAINC))
def test_betainc_param_derivatives(a, b, x):
    da, db = BETAINC[(a, b, x)]
    for g in _fr(dsp.betainc, 0, a, b, x):
        assert float(g) == pytest.approx(da, rel=1e-12, abs=0)
    for g in _fr(dsp.betainc, 1, a, b, x):
        assert float(g) == pytest.approx(db, rel=1e-12, abs=0)


@pytest.mark.parametrize("a, b, x", list(BETAINC_BIG))
def test_betainc_param_derivatives_past_the_first_chunk_of_terms(a, b, x):
    """Every chunk of the series counts, its last term too.  (The terms'
    logarithms are differences of gammaln of 2e5: ~2e-10 is what float64 gives.)"""
    da, db = BETAINC_BIG[(a, b, x)]
    for g in _fr(dsp.betainc, 0, a, b, x):
        assert float(g) == pytest.approx(da, rel=1e-9, abs=0)
    for g in _fr(dsp.betainc, 1, a, b, x):
        assert float(g) == pytest.approx(db, rel=1e-9, abs=0)


def test_betainc_param_derivatives_zero_at_x_ends_beside_an_interior_x():
    """``d/da``, ``d/db`` are 0 at ``x = 0`` and ``x = 1`` also when other entries
    of the same call are interior (the series is summed at a stand-in point
    there); ``betaincc`` (beta's survival function) is the negation."""
    da, db = BETAINC[(2.0, 3.0, 0.3)]
    x = np.array([0.0, 0.3, 1.0])
    for argnum, want in ((0, da), (1, db)):
        for f, sign in ((dsp.betainc, 1.0), (dsp._betaincc, -1.0)):
            def g(p):
                args = [2.0, 3.0, x]
                args[argnum] = p
                return f(*args)
            p0 = (2.0, 3.0)[argnum]
            fwd = ad.jvp(g, (p0,), (1.0,))[1]
            rev = ad.jacrev(g)(np.float64(p0))
            for got in (fwd, rev):
                np.testing.assert_allclose(got, [0.0, sign * want, 0.0], rtol=1e-12, atol=0)


# (a, b, y, comp): (dx/da, dx/db, dx/dy); comp: betainccinv
BETA_INV = {
    (2.0, 3.0, 0.3, False): (0.13752211378441105607, -0.06799256991321103783,
                             0.57787339862999604008),
    (2.0, 3.0, 0.3, True): (0.1290770361210718603, -0.10352257131613046199,
                            -0.6782562479973507623),
    # x = 1 - 2.84e-13: 1 - x from the reflection
    (3.0, 0.5, 0.999999, False): (1.0261180049475783098e-13, -1.5827383051190130241e-11,
                                  5.6888888890567917968e-7),
    (3.0, 0.5, 1e-6, True): (1.0261180048885648067e-13, -1.5827383050312592582e-11,
                             -5.688888888893203759e-7),
    (2.0, 3.0, 1e-5, True): (0.0048880575573626741395, -0.018435731418637024154,
                             -455.52067773356066433),
}
BETA_INV_BIG = {
    (1e5, 1e5, 0.4, False): (2.5007159276392976358e-6, -2.4992996693079408137e-6),
    (3e4, 7e4, 0.45, True): (7.0003625746762333275e-6, -3.0014373645244360639e-6),
}


def _inv(comp):
    return dsp.betainccinv if comp else dsp.betaincinv


@pytest.mark.parametrize("a, b, y, comp", list(BETA_INV))
def test_beta_inverse_derivatives(a, b, y, comp):
    f = _inv(comp)
    for argnum, want in enumerate(BETA_INV[(a, b, y, comp)]):
        for g in _fr(f, argnum, a, b, y):
            assert float(g) == pytest.approx(want, rel=1e-12, abs=0)


@pytest.mark.parametrize("a, b, y, comp", list(BETA_INV_BIG))
def test_beta_inverse_param_derivatives_past_the_first_chunk_of_terms(a, b, y, comp):
    """Over 4000 terms: the running log of the term ratios carries across chunks,
    every chunk's first ratio counts, and no term cap cuts the sum short."""
    f = _inv(comp)
    for argnum, want in enumerate(BETA_INV_BIG[(a, b, y, comp)]):
        for g in _fr(f, argnum, a, b, y):
            assert float(g) == pytest.approx(want, rel=1e-12, abs=0)


@pytest.mark.parametrize("comp", [False, True])
def test_beta_inverse_derivatives_nan_beside_ends(comp):
    """``y`` NaN gives NaN derivatives (not the 0 of ``y`` at an end), beside an
    interior entry and both ends in the same call."""
    f = _inv(comp)
    y = np.array([np.nan, 0.3, 0.0, 1.0])
    truth = BETA_INV[(2.0, 3.0, 0.3, comp)]
    for argnum in (0, 1):
        def g(p):
            args = [2.0, 3.0, y]
            args[argnum] = p
            return f(*args)
        p0 = (2.0, 3.0)[argnum]
        for got in (ad.jvp(g, (p0,), (1.0,))[1], ad.jacrev(g)(np.float64(p0))):
            np.testing.assert_allclose(got, [np.nan, truth[argnum], 0.0, 0.0], rtol=1e-12,
                                       atol=0)


@pytest.mark.parametrize("comp", [False, True])
def test_beta_inverse_dy_at_x_one_for_b_below_one_second_order(comp):
    """``x = 1`` for ``b < 1`` (``y`` at the top end): ``dx/dy`` is 0 for every
    ``a``, ``b`` (x is constant 1 there), so its derivatives in ``a`` and ``b`` are
    0, not NaN (``log(1 - x) = -inf`` must not enter the tape)."""
    f = _inv(comp)
    y = 0.0 if comp else 1.0

    def dy(a, b):
        return ad.grad(lambda v: f(a, b, v))(np.float64(y))
    assert float(dy(3.0, 0.5)) == 0.0
    for argnum in (0, 1):
        for g in _fr(dy, argnum, 3.0, 0.5):
            assert float(g) == 0.0


# --- incomplete gamma -------------------------------------------------------------------
# (a, x): d/da gammaincc (mp.diff of mp.gammainc(a, x, inf, regularized=True)); above the
# median (the tail integrals), where Q is small and the power series of dP/da would give
# it only to ~1e-16 absolute
GAMMAINCC_DA = {
    (2.5, 8.0): 0.010308864177512016848,
    (0.5, 4.0): 0.016565975346630366074,
    (1e3, 1090.0): 0.00026429757633570037751,
    (1e4, 10290.0): 0.000063538810668926750782,
}


@pytest.mark.parametrize("a, x", list(GAMMAINCC_DA))
def test_gamma_a_derivative_above_the_median(a, x):
    want = GAMMAINCC_DA[(a, x)]
    for f, sign in ((dsp.gammaincc, 1.0), (dsp.gammainc, -1.0)):
        for g in _fr(f, 0, a, x):
            assert float(g) == pytest.approx(sign * want, rel=1e-12, abs=0)


def test_gammainc_da_far_above_the_median_is_tiny():
    """``d^k/da^k P(5, 400) = -d^k/da^k Q(5, 400)``, which is ~1e-164 (mp.diff of
    ``gammainc(5, 400, inf)``: 9.26e-165, 4.11e-164, 1.80e-163 for k = 1, 2, 3):
    the power series must run past its peak at ``n ~ x`` by enough terms that the
    sum's error stays at rounding level (~1e-16)."""
    for k in (1, 2, 3):
        assert abs(float(dsp.gammainc_da(5.0, 400.0, k))) < 1e-14


# (a, x): d^k/da^k of the gamma density x^(a-1) e^-x / Gamma(a), k = 1, 2, 3 (mp.diff;
# k = 2 checked against mp.diff of gammainc in (a, x) to orders (2, 1))
GAMMA_DENSITY_DA = {
    (2.5, 1.5): (-0.091796357332712645424, -0.12388004281904439586, 0.19974018856346505952),
    (0.7, 3.0): (0.063961629187045056161, 0.070123962702295057928, -0.022433875016299755403),
}


@pytest.mark.parametrize("a, x", list(GAMMA_DENSITY_DA))
def test_gammainc_da_x_derivative(a, x):
    """``d/dx gammainc_da(a, x, k) = d^k/da^k`` of the density (also reached as the
    mixed derivatives of ``gammainc``: ``d^(k+1) P / da^k dx``)."""
    for k, want in enumerate(GAMMA_DENSITY_DA[(a, x)], start=1):
        for g in _fr(lambda a, x: dsp.gammainc_da(a, x, k), 1, a, x):
            assert float(g) == pytest.approx(want, rel=1e-12, abs=0)
    want = GAMMA_DENSITY_DA[(a, x)][1]

    def dpdx(a):
        return ad.grad(lambda v: dsp.gammainc(a, v))(np.float64(x))
    one = np.float64(1.0)
    fwd = ad.jvp(lambda a: ad.jvp(dpdx, (a,), (one,))[1], (np.float64(a),), (one,))[1]
    rev = ad.grad(ad.grad(dpdx))(np.float64(a))
    for g in (fwd, rev):
        assert float(g) == pytest.approx(want, rel=1e-12, abs=0)


# (a, b, x, wrt): (first, second) derivative of betainc in argument wrt, and the
# mixed d2/da db
BETAINC_TINY = {
    (3.0, 1e-14, 0.99, 0): (-3.850089555280998e-15, None),
    (3.0, 1e-14, 0.9, 0): (-3.02320802815369e-15, None),
    (1.0, 1e-12, 0.9, 0): (-1.5423162757441832e-12, None),
    (0.5, 1e-8, 0.95, 0): (-4.883510484037927e-08, None),
    (3.0, 1e-10, 0.99, 0): (-3.8500895540106336e-11, 1.5406413979194856e-11),
    (3.0, 1e-6, 0.999, 0): (None, 1.541122582876549e-07),
    (1e-14, 3.0, 0.01, 1): (3.850089555280998e-15, None),
    (1e-12, 1.0, 0.1, 1): (1.5423162757441832e-12, None),
    (1e-10, 3.0, 0.3, 1): (1.5924673475246748e-11, None),
}
BETAINC_TINY_MIXED = {(3.0, 1e-10, 0.99): -0.3850089552740142,
                      (3.0, 1e-6, 0.999): -0.39393040245487493}


@pytest.mark.parametrize("a, b, x, wrt", list(BETAINC_TINY))
def test_betainc_param_derivative_for_a_tiny_other_parameter(a, b, x, wrt):
    """d/da with b tiny above the mean (and d/db with a tiny below it) is O(b)
    (O(a)) while the usual side's series has O(1) terms that cancel: the
    relative error was 1e-17 / b (2% at b = 1e-14)."""
    d1, d2 = BETAINC_TINY[(a, b, x, wrt)]
    if d1 is not None:
        for got in _fr(dsp.betainc, wrt, a, b, x):
            assert float(got) == pytest.approx(d1, rel=1e-13, abs=0)
    if d2 is not None:
        g = ad.grad(dsp.betainc, argnums=wrt)
        for got in _fr(g, wrt, a, b, x):
            assert float(got) == pytest.approx(d2, rel=1e-13, abs=0)


@pytest.mark.parametrize("a, b, x", list(BETAINC_TINY_MIXED))
def test_betainc_mixed_derivative_for_a_tiny_b(a, b, x):
    for got in _fr(ad.grad(dsp.betainc, argnums=0), 1, a, b, x):
        assert float(got) == pytest.approx(BETAINC_TINY_MIXED[(a, b, x)], rel=1e-13, abs=0)
