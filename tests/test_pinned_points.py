"""Derivatives at points that the property tests do not reach, against truths
computed independently.  Each case is a place where a deliberately wrong rule
(a mutation audit) went unnoticed by the rest of the suite.

The constants were computed once with mpmath 1.3.0 at ``mp.mp.dps = 40`` and
pasted here (the tests do not need mpmath):

* DAWSN: ``F(z) = sqrt(pi)/2 exp(-z^2) erfi(z)``, ``F' = 1 - 2 z F``,
  ``F'' = -2 F - 2 z F'``, at ``z = 1 + 2j``.
* PSI: ``mp.psi(1, z)`` and ``mp.psi(2, z)`` at ``z = -25.3 - 0.7j``.
* BESSEL: ``mp.diff(lambda y: mp.besseli(v, y) * mp.exp(-y), x, k)`` and
  ``mp.diff(lambda y: mp.besselk(v, y) * mp.exp(y), x, k)``, k = 1, 2, at
  ``x < v^2`` (where the large-``x`` series must not be used).
* ENTROPY: ``rel_entr`` / ``kl_div`` at ``x = 1e-300``, ``y = 3e23``: ``d/dx =
  log(x/y) + 1`` / ``log(x/y)``; ``log(x/y)`` underflows if formed as a ratio.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.special as ss

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.special as dsp

from ._derivatives import richardson_jacobian


def _d1(f, z):
    """(forward, reverse) first derivative of a scalar holomorphic ``f`` at ``z``."""
    one = np.ones_like(z)
    return ad.jvp(f, (z,), (one,))[1], ad.vjp(f, z)[1](one)[0]


def _d2(f, z):
    """Second derivative of a scalar holomorphic ``f``: forward over forward,
    forward over reverse and reverse over reverse."""
    one = np.ones_like(z)

    def fwd(w):
        return ad.jvp(f, (w,), (one,))[1]

    def rev(w):
        return ad.vjp(f, w)[1](one)[0]
    return (ad.jvp(fwd, (z,), (one,))[1], ad.jvp(rev, (z,), (one,))[1],
            ad.vjp(rev, z)[1](one)[0])


DAWSN = (1 + 2j, -19.537005782592534 + 77.21313947371087j,
         374.7044240929944 - 52.6208256092724j)
PSI = (-25.3 - 0.7j, 0.12079973338484297 - 0.4535874893256106j,
       -2.8124003584773574 - 1.0607026904218064j)


@pytest.mark.parametrize("f, case", [(dsp.dawsn, DAWSN), (dsp.digamma, PSI)],
                         ids=["dawsn", "digamma"])
@pytest.mark.parametrize("conj", [False, True])
def test_holomorphic_special_functions_off_the_real_axis(f, case, conj):
    """dawsn and digamma are holomorphic: first and second derivatives at a
    complex point (and its conjugate, where they are the conjugates) in every
    mode.  digamma's point is left of the poles, where the reflection formula
    is used."""
    z, d1, d2 = (np.conj(c) if conj else c for c in case)
    for got in _d1(f, np.complex128(z)):
        assert complex(got) == pytest.approx(d1, rel=1e-12)
    for got in _d2(f, np.complex128(z)):
        assert complex(got) == pytest.approx(d2, rel=1e-11)


BESSEL = {  # (v, x): (ive', ive'', kve', kve'')
    (8.0, 30.0): (4.802455371071584e-04, -3.647088353192541e-05,
                  -0.03263524753845269, 0.003417454099444907),
    (6.0, 25.0): (3.60893420852316e-04, -5.685516440899758e-05,
                  -0.023771666770468467, 0.0025869712909571147),
}


@pytest.mark.parametrize("v, x", list(BESSEL))
def test_scaled_bessel_derivatives_between_twenty_and_v_squared(v, x):
    """``ive`` / ``kve`` switch to an asymptotic series for ``x >= max(20, v^2)``;
    at ``20 <= x < v^2`` the series is not yet accurate and the recurrence must
    be used."""
    di, dii, dk, dkk = BESSEL[(v, x)]
    for f, d1, d2 in ((dsp.ive, di, dii), (dsp.kve, dk, dkk)):
        g = lambda y: f(v, y)                                   # noqa: E731
        for got in _d1(g, np.float64(x)):
            assert float(got) == pytest.approx(d1, rel=1e-12)
        for got in _d2(g, np.float64(x)):
            assert float(got) == pytest.approx(d2, rel=1e-11)


@pytest.mark.parametrize("f, dx, dy", [(dsp.rel_entr, -743.8335973257449, -5e-324),
                                       (dsp.kl_div, -744.8335973257449, 1.0)],
                         ids=["rel_entr", "kl_div"])
def test_entropy_derivatives_where_x_over_y_underflows(f, dx, dy):
    """``x / y`` underflows to 0 at ``x = 1e-300, y = 3e23``; ``d/dx`` is
    ``log x - log y (+ 1)``, finite and large."""
    got_x = (ad.grad(f, argnums=0)(1e-300, 3e23),
             ad.jvp(lambda a: f(a, 3e23), (1e-300,), (1.0,))[1])
    for g in got_x:
        assert float(g) == pytest.approx(dx, rel=1e-14)
    assert float(ad.grad(f, argnums=1)(1e-300, 3e23)) == pytest.approx(dy, abs=1e-300)


@pytest.mark.parametrize("f, want", [
    (dsp.xlogy, [0.0, 2 / 3]),          # x / y, and 0 where x = 0 (even at y = 0)
    (dsp.xlog1py, [0.0, 0.5]),          # x / (1 + y)
    (dsp.rel_entr, [0.0, -2 / 3]),      # -x / y
    (dsp.kl_div, [1.0, 1 / 3]),         # 1 - x / y
], ids=["xlogy", "xlog1py", "rel_entr", "kl_div"])
def test_y_derivative_of_x_log_y_family_at_x_zero(f, want):
    """The ``y`` derivative over an array holding both ``x = 0, y = 0`` (the
    convention: the limit along ``x = 0``) and an ordinary point; every entry,
    forward and reverse."""
    x, y = np.array([0.0, 2.0]), np.array([0.0, 3.0])
    g = ad.grad(lambda b: dnp.sum(f(x, b)))(y)
    j = ad.jvp(lambda b: f(x, b), (y,), (np.ones(2),))[1]
    for got in (g, j):
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


@pytest.mark.parametrize("f", [dsp.softmax, dsp.log_softmax], ids=["softmax", "log_softmax"])
def test_softmax_of_a_zero_dimensional_input_is_constant(f):
    """A 0-d input is a slice of one element: softmax is 1 and log_softmax 0
    whatever ``x`` is, so every derivative is 0 (SciPy normalizes over all axes)."""
    x = np.float64(0.7)
    assert float(f(x)) == float(getattr(ss, f.__name__.split(".")[-1])(x))
    assert float(ad.jvp(f, (x,), (1.0,))[1]) == 0.0
    assert float(ad.grad(f)(x)) == 0.0
    assert float(ad.hessian(f)(x)) == 0.0


@pytest.mark.parametrize("stacked", [False, True])
@pytest.mark.parametrize("vector_b", [False, True])
def test_solve_reverse_mode_with_complex_matrices(stacked, vector_b):
    """``solve`` is holomorphic in ``a`` and ``b``: the VJP pairs the cotangent
    with the complex derivative, no conjugate (docs/complex.md), so it uses
    ``a^T``, not ``a^H``.  Truth: Richardson differences of numpy.linalg.solve."""
    rng = np.random.default_rng(3)
    lead = (2,) if stacked else ()
    a = rng.standard_normal(lead + (3, 3)) + 1j * rng.standard_normal(lead + (3, 3)) \
        + 3 * np.eye(3)
    bs = lead + ((3,) if vector_b and not stacked else (3, 2))
    b = rng.standard_normal(bs) + 1j * rng.standard_normal(bs)
    out, pull = ad.vjp(dnp.linalg.solve, a, b)
    g = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
    ga, gb = pull(g)
    for got, argnum in ((ga, 0), (gb, 1)):
        jac = richardson_jacobian(np.linalg.solve, (a, b), argnum)
        want = np.tensordot(g, jac, axes=g.ndim)
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
        tan = np.zeros_like((a, b)[argnum])
        tan.flat[1] = 1.0 + 0.5j
        jv = ad.jvp(dnp.linalg.solve, (a, b), ((tan, np.zeros_like(b)) if argnum == 0
                                               else (np.zeros_like(a), tan)))[1]
        np.testing.assert_allclose(jv, np.tensordot(jac, tan, axes=tan.ndim),
                                   rtol=1e-8, atol=1e-10)


def test_logit_second_derivative_where_it_overflows_agrees_in_every_mode():
    """logit'' = -1/x^2 + 1/(1-x)^2 overflows to -inf below x ~ 1e-154; reverse
    over reverse formed inf - inf there (NaN) while the other nestings gave -inf."""
    import warnings
    x = np.array([1e-100, 1e-160, 1e-300, 0.3])
    with np.errstate(divide="ignore", over="ignore"):   # the reference overflows, meant so
        want = -1 / x ** 2 + 1 / (1 - x) ** 2       # -1e200, -inf, -inf, -9.07...
    d1 = ad.grad(lambda v: dnp.sum(dsp.logit(v)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for got in (np.diag(ad.jacrev(d1)(x)), np.diag(ad.jacfwd(d1)(x)),
                    ad.jvp(lambda v: ad.jvp(dsp.logit, (v,), (np.ones(4),))[1], (x,),
                           (np.ones(4),))[1]):
            np.testing.assert_allclose(got, want, rtol=1e-14)


# (a, x): d/dx log P, d/da log P, d2/dx2 log P of P = gammainc(a, x); mpmath (dps 50):
# p / P with p the gamma density, mp.diff of log(mp.gammainc(a, 0, x, regularized=True))
# in a, and p/P ((a-1)/x - 1) - (p/P)^2
GAMMA_LOW_TAIL = {(1e4, 1000.0): (9.000111096024707, -2.3026462005289656, -0.0099999876607198),
                  (500.0, 50.0): (9.002216208529843, -2.303805889475479, -0.19999511251943783),
                  (2e4, 14000.0): (0.42873793817268924, -0.35681648105098335,
                                   -0.00010201312157135314),
                  (30.0, 1e-9): (29999999999.032257, -24.14103730296631, -2.9999999999999996e+19)}


@pytest.mark.parametrize("a, x", list(GAMMA_LOW_TAIL))
def test_gamma_logcdf_derivatives_where_the_cdf_underflows(a, x):
    """Far below the median gammainc underflows (SciPy's logcdf is -inf; ours is
    the series' finite value), yet the derivatives are finite; forward mode gave 0
    and reverse NaN."""
    import dualad.scipy.stats as dst
    dx, da, dxx = GAMMA_LOW_TAIL[(a, x)]
    f = lambda aa, xx: dst.gamma.logcdf(xx, aa)              # noqa: E731
    for got in (ad.grad(f, 1)(a, x), ad.jvp(lambda v: f(a, v), (x,), (1.0,))[1]):
        assert float(got) == pytest.approx(dx, rel=1e-13, abs=0)
    for got in (ad.grad(f, 0)(a, x), ad.jvp(lambda v: f(v, x), (a,), (1.0,))[1]):
        assert float(got) == pytest.approx(da, rel=1e-13, abs=0)
    for got in (ad.grad(ad.grad(f, 1), 1)(a, x), ad.jacfwd(ad.grad(f, 1), 1)(a, x)):
        assert float(got) == pytest.approx(dxx, rel=1e-13, abs=0)
    # chi2 with 2a degrees of freedom is gamma(a, scale=2)
    assert float(ad.grad(lambda v: dst.chi2.logcdf(v, 2 * a))(2 * x)) == pytest.approx(
        dx / 2, rel=1e-13, abs=0)


# (method, a, b, x): d/da, d/db, d/dx, d2/dx2 of beta.logcdf / logsf; mpmath (dps 40):
# mp.diff of log(mp.betainc(a, b, 0, x)) (logcdf) or log(mp.betainc(b, a, 0, 1 - x)) (logsf)
BETA_TAILS = {("logcdf", 2000.0, 3000.0, 0.15): (-0.9813587636120633, 0.3484931878330017,
                                                 9807.916079141549, -93025.20629480839),
              ("logsf", 3000.0, 2000.0, 0.85): (0.34849318783300165, -0.9813587636120632,
                                                -9807.916079141547, -93025.20629480836)}


@pytest.mark.parametrize("method, a, b, x", list(BETA_TAILS))
def test_beta_log_tail_derivatives_where_the_tail_underflows(method, a, b, x):
    """betainc underflows (logcdf / logsf -inf, SciPy's value): the derivatives
    in a, b, x are finite (the series 2F1(a+b, 1; a+1; x) of the tail ratio)."""
    import dualad.scipy.stats as dst
    want = BETA_TAILS[(method, a, b, x)]
    f = lambda aa, bb, xx: getattr(dst.beta, method)(xx, aa, bb)   # noqa: E731
    assert float(f(a, b, x)) == -np.inf
    rev = ad.grad(f, argnums=(0, 1, 2))(a, b, x)
    fwd = [ad.jvp(lambda v: f(*[v if j == i else p for j, p in enumerate((a, b, x))]),
                  ((a, b, x)[i],), (1.0,))[1] for i in range(3)]
    for got in (rev, fwd):
        np.testing.assert_allclose(np.array(got, dtype=float), want[:3], rtol=1e-13, atol=0)
    for got in (ad.grad(ad.grad(f, 2), 2)(a, b, x), ad.jacfwd(ad.grad(f, 2), 2)(a, b, x)):
        assert float(got) == pytest.approx(want[3], rel=1e-13, abs=0)
