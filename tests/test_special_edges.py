"""dualad.scipy.special at awkward points: derivatives in the far tails, at
singular points (no NaN leaking into Jacobians), for huge arguments, and
values bitwise equal to SciPy's.

Reference numbers marked "mpmath" were computed once with mpmath 1.3.0 at 50
significant digits (``mp.mp.dps = 50``); the repository does not need mpmath:

* log_ndtr: ``r = npdf(x) / ncdf(x)``, second derivative ``-r (x + r)``;
* betainc: ``mp.diff(lambda s: mp.betainc(s, b, 0, x, regularized=True), a)``
  (and the same in ``b``, and ``mp.diff(..., a, 2)``);
* stdtr: ``mp.diff`` in ``df`` of ``betainc(df/2, 1/2, 0, df/(df+t^2), regularized=True) / 2``
  (``t < 0``);
* i0e / i1e: ``mp.diff`` of ``besseli(v, x) * exp(-|x|)``;
* zeta: ``mp.zeta(s, derivative=k)``.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.special as ssp

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import special
from dualad.testing import check_grads


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def d2(f):
    return ad.grad(ad.grad(f))


# --- 1. log_ndtr: the inverse Mills ratio without cancellation ---------------------
def test_log_ndtr_derivative_far_left_tail():
    # phi(x) / Phi(x) = -x - 1/x + 2/x^3 - ... for x -> -inf (asymptotic series)
    assert ad.grad(special.log_ndtr)(-1e8) == pytest.approx(1e8, rel=1e-15, abs=0)
    assert ad.grad(special.log_ndtr)(-1e10) == pytest.approx(1e10, rel=1e-15, abs=0)
    assert ad.grad(special.log_ndtr)(-1e4) == pytest.approx(10000.000099999998, rel=1e-15, abs=0)
    # second derivative -r (x + r) = -1 + 1/x^2 - ...: -0.99999999 at -1e4 (mpmath:
    # -0.9999999900000006), -1 to double precision at -1e8
    assert d2(special.log_ndtr)(-1e4) == pytest.approx(-0.9999999900000006, rel=1e-15, abs=0)
    assert d2(special.log_ndtr)(-1e8) == pytest.approx(-1.0, rel=1e-15, abs=0)


def test_log_ndtr_float32():
    g = ad.grad(special.log_ndtr)(np.float32(-1e4))
    assert np.asarray(g).dtype == np.float32
    assert g == np.float32(10000.0)
    x = np.array([-30.0, -2.0, 1.0], dtype=np.float32)
    out, tan = ad.jvp(special.log_ndtr, (x,), (np.ones(3, np.float32),))
    assert out.dtype == np.float32 and tan.dtype == np.float32
    np.testing.assert_array_equal(out, ssp.log_ndtr(x))


# x, phi/Phi, second derivative (mpmath)
LOG_NDTR_REF = [
    (-50.0, 50.01998403190564, -0.9996009568131961),
    (-3.5, 3.7513912648576997, -0.9430669950487032),
    (-1.0, 1.5251352761609812, -0.80090233442965121),
    (0.5, 0.50916043383703349, -0.5138245643036329),
    (3.0, 0.0044378390421256638, -0.013333211541740806),
]


@pytest.mark.parametrize("x, r, r2", LOG_NDTR_REF)
def test_log_ndtr_derivatives_mpmath(x, r, r2):
    assert ad.grad(special.log_ndtr)(x) == pytest.approx(r, rel=1e-14, abs=0)
    assert d2(special.log_ndtr)(x) == pytest.approx(r2, rel=1e-14, abs=0)


# complex z, Re z < 0: the rule took Re z only (h(Re z) - z, with a ComplexWarning).
# mpmath (dps 40): f' = mp.diff(F, z), f'' = mp.diff(F, z, 2), F(w) = log(erfc(-w/sqrt 2)/2)
LOG_NDTR_COMPLEX_REF = [
    (-2 + 1j, 2.344736507438142 - 0.8921175755112867j, -0.9045600814120827 + 0.054589637996319045j),
    (-0.5 - 0.5j, 1.1208658822639086 + 0.3679167336788133j, -0.7445030288098159 - 0.08037932061775617j),
    (-0.0 - 3j, 0.08995734571752524 + 2.5402636162472727j, -1.1759439327606893 - 0.18715870752823785j),
    (-30 + 2j, 30.03311410187714 - 1.9978020764917543j, -0.9989106162060513 + 0.00014493398096523393j),
    (-3.1 + 0.5j, 3.3725240385512127 - 0.4666123440624277j, -0.934672963496802 + 0.014562408201400881j),
    (-3 + 5j, 3.098661467368143 - 4.8550038766508266j, -1.0096752282072419 + 0.029707906208551804j),
    (-5 + 20j, 5.011920342768599 - 19.952770926686114j, -1.002094689326357 + 0.0011355153174595633j),
]


@pytest.mark.parametrize("z, r, r2", LOG_NDTR_COMPLEX_REF)
def test_log_ndtr_complex_left_half_plane_mpmath(z, r, r2):
    z = np.complex128(z)
    one = np.complex128(1)

    def d1(u):
        return ad.jvp(special.log_ndtr, (u,), (np.ones_like(u),))[1]
    got = [d1(z), ad.grad(lambda u: dnp.real(special.log_ndtr(u)))(z),  # = f' (docs/complex.md)
           ad.vjp(special.log_ndtr, z)[1](one)[0]]
    for g in got:
        assert abs(complex(g) - r) <= 1e-14 * abs(r)
    for g in (ad.jvp(d1, (z,), (one,))[1], ad.grad(lambda u: dnp.real(d1(u)))(z)):
        assert abs(complex(g) - r2) <= 5e-14 * abs(r2)
    g32 = ad.jvp(special.log_ndtr, (np.complex64(z),), (np.complex64(1),))[1]
    assert g32.dtype == np.complex64
    assert abs(complex(g32) - r) <= 5e-7 * abs(r)


def test_log_ndtr_batched_and_checked():
    x = np.array([-7.0, -3.2, -2.5, 0.3, 2.0])
    J = ad.jacfwd(special.log_ndtr)(x)
    np.testing.assert_array_equal(J, np.diag(np.diag(J)))
    np.testing.assert_allclose(np.diag(J), ad.jacrev(special.log_ndtr)(x).diagonal(), rtol=1e-15)
    H = ad.hessian(lambda v: special.log_ndtr(v).sum())(x)
    r = np.diag(J)
    np.testing.assert_allclose(np.diag(H), -r * (x + r), rtol=1e-12)
    check_grads(special.log_ndtr, (x,), order=2)
    check_grads(special._log_ndtr_h, (x,), order=2)


# Third and fourth derivatives.  h' = 1 - r h cancelled in the left tail (r h -> 1):
# f''' was 1.2e-9 off at -100, 5.5e-5 at -1e3, 8e-2 at -1e4 and had the wrong sign at
# -1e5 (-1.19e-11 against 2.0e-15); f'''' was 4e-6 off at -100.
# mpmath (dps 500, exact for these orders): with h = x + r, r = npdf(x)/ncdf(x), the
# Taylor coefficients of h from h' = 1 + x h - h^2; f''' = h'', f'''' = h'''.  f''' agrees
# with the closed form r((x + r)(x + 2r) - 1), f'''' with mp.diff(log(ncdf), x, 4).
LOG_NDTR_D34_REF = [
    (-1e8, 1.9999999999999976e-24, 5.999999999999988e-32),
    (-1e5, 1.9999999976e-15, 5.999999988e-20),
    (-1e3, 1.9999760002999959e-9, 5.9998800020999627e-12),
    (-100.0, 1.9976029958623432e-6, 5.9880209627737542e-8),
    (-5.9999, 0.0069538274274605189, 0.0028993602472407376),
    (-3.0001, 0.031468779844023907, 0.018929189287239802),
    (-2.0001, 0.059351919237670721, 0.039419084070029887),
    (-1.9999, 0.059359803636450782, 0.039424903867763927),
    (-0.5, 0.16260392517612297, 0.10301187006051434),
    (2.0, 0.18439481503247759, -0.18785468561160969),
]


def _jvp_d(f):
    return lambda u: ad.jvp(f, (u,), (np.ones_like(u),))[1]


@pytest.mark.parametrize("x, r3, r4", LOG_NDTR_D34_REF)
def test_log_ndtr_third_fourth_derivatives_mpmath(x, r3, r4):
    f = special.log_ndtr
    g, jf, jr = ad.grad, ad.jacfwd, ad.jacrev
    third = [g(g(g(f))), _jvp_d(_jvp_d(_jvp_d(f))), jf(ad.hessian(f)), jr(ad.hessian(f)),
             jr(jf(jr(f))), _jvp_d(g(_jvp_d(f)))]
    for d in third:
        assert d(x) == pytest.approx(r3, rel=1e-12, abs=0)
    fourth = [g(g(g(g(f)))), _jvp_d(_jvp_d(_jvp_d(_jvp_d(f)))), ad.hessian(ad.hessian(f)),
              jr(jf(ad.hessian(f)))]
    for d in fourth:
        assert d(x) == pytest.approx(r4, rel=1e-12, abs=0)


def test_log_ndtr_third_derivative_float32_and_batched():
    d3 = ad.jacfwd(ad.hessian(special.log_ndtr))
    v = d3(np.float32(-1e4))
    assert v.dtype == np.float32
    assert v == pytest.approx(1.99999976e-12, rel=1e-6, abs=0)   # mpmath, as above
    x = np.array([r[0] for r in LOG_NDTR_D34_REF])
    got = _jvp_d(_jvp_d(_jvp_d(special.log_ndtr)))(x)            # tail and body mixed
    np.testing.assert_allclose(got, [r[1] for r in LOG_NDTR_D34_REF], rtol=1e-12, atol=0)
    T = ad.jacrev(ad.hessian(lambda u: special.log_ndtr(u).sum()))(x[:4])
    i = np.arange(4)
    np.testing.assert_allclose(T[i, i, i], [r[1] for r in LOG_NDTR_D34_REF[:4]], rtol=1e-12, atol=0)
    T[i, i, i] = 0.0
    np.testing.assert_array_equal(T, 0.0)        # separable: exact zeros elsewhere


def test_log_ndtr_third_derivative_complex_mpmath():
    # mpmath (dps 500): mp.diff(lambda w: log(erfc(-w/sqrt 2)/2), -1000+50j, 3); was 6e-5 off
    z = np.complex128(-1000 + 50j)
    ref = 1.9701635183604527e-09 + 2.9750717312712986e-10j
    got = _jvp_d(_jvp_d(_jvp_d(special.log_ndtr)))(z)
    assert abs(complex(got) - ref) <= 1e-13 * abs(ref)


# --- 2. betainc in a and b (and stdtr in df) -------------------------------------------
@pytest.mark.parametrize("a, b, x, wrt, ref", [
    (400.0, 3.0, 0.52, 0, -3.0529795463644768e-110),   # mpmath
    (2.0, 50.0, 0.5, 0, -6.5704558560827392e-14),      # mpmath
    (2.0, 50.0, 0.5, 1, 1.5562508343832507e-14),       # mpmath
    (30.0, 30.0, 0.49, 0, -0.051761888609779093),      # mpmath
    (30.0, 30.0, 0.51, 1, 0.051761888609779093),       # mpmath (symmetry of the above)
])
def test_betainc_param_derivative_mpmath(a, b, x, wrt, ref):
    g = ad.grad(lambda a_, b_: special.betainc(a_, b_, x), argnums=wrt)(a, b)
    assert g == pytest.approx(ref, rel=1e-11, abs=0)


def test_betainc_second_derivative_mpmath():
    g = d2(lambda a: special.betainc(a, 50.0, 0.5))(2.0)
    assert g == pytest.approx(-1.7250990941289894e-13, rel=1e-11, abs=0)   # mpmath


def test_stdtr_df_derivative_mpmath():
    assert ad.grad(lambda d: special.stdtr(d, -14.0))(200.0) == pytest.approx(
        -8.1846758270373256e-33, rel=1e-11, abs=0)                           # mpmath
    assert ad.grad(lambda d: special.stdtr(d, -2.0))(10.0) == pytest.approx(
        -0.0014226686074741706, rel=1e-12, abs=0)                            # mpmath


def test_betainc_params_check_grads():
    # both sides of the switch x = (a+1)/(a+b+2), broadcasting, second order
    a = np.array([0.7, 2.0, 5.0, 1.5])
    b = np.array([1.3, 8.0, 2.0, 1.5])
    x = np.array([0.2, 0.3, 0.6, 0.55])
    check_grads(special.betainc, (a, b, x), order=2)
    J = ad.jacfwd(lambda a_: special.betainc(a_, b, x))(a)
    np.testing.assert_array_equal(J, np.diag(np.diag(J)))


# --- 2b. beta / betaln in the larger argument when the other one is tiny -----------------
# psi(b) - psi(a + b) cancelled (relative error ~ eps |psi(b)| / (a psi'(b))): 0.0 at
# a = 1e-20.  mpmath (dps 50): (small, large, dB/dlarge, d2B/dlarge2, dlogB/dlarge,
# d2logB/dlarge2) by mp.diff of mp.beta(small, u) and mp.log(mp.beta(small, u)) at u = large.
BETA_SMALL_REF = [
    (1e-20, 3.0, -0.39493406684822646, 0.15411380631918858, -3.949340668482264e-21,
     1.5411380631918857e-21),
    (1e-14, 0.5, -4.934802200544664, 16.82879664423431, -4.934802200544595e-14,
     1.6828796644233832e-13),
    (1e-05, 0.5, -4.934786467565543, 16.828786418191804, -4.934718058184911e-05,
     0.00016828309611636736),
    (1e-20, 1e-05, -10000000001.644909, 2000000000000002.0, -1.0000000001644898e-10,
     1.9999999999999988e-05),
    (1e-08, 5.0, -0.22132295088227183, 0.04878973161136111, -2.2132295549316666e-09,
     4.878973213797536e-10),
    (1e-12, 0.3, -12.245364546105916, 75.2725365887246, -1.2245364546070095e-11,
     7.527253658835447e-11),
]


@pytest.mark.parametrize("small, large, d1, d2_, l1, l2", BETA_SMALL_REF)
def test_beta_derivative_in_the_larger_argument_mpmath(small, large, d1, d2_, l1, l2):
    for f, r1, r2 in ((special.beta, d1, d2_), (special.betaln, l1, l2)):
        for k, args in ((1, (small, large)), (0, (large, small))):     # both orders
            g = ad.grad(f, argnums=k)
            assert float(g(*args)) == pytest.approx(r1, rel=1e-14, abs=0)
            assert float(ad.jacrev(f, argnums=k)(*args)) == pytest.approx(r1, rel=1e-14, abs=0)
            for h in (ad.hessian(f, argnums=k), ad.grad(g, argnums=k),
                      ad.jacfwd(ad.jacfwd(f, argnums=k), argnums=k),
                      ad.jacrev(ad.jacrev(f, argnums=k), argnums=k)):
                assert float(h(*args)) == pytest.approx(r2, rel=5e-14, abs=0)


def test_beta_derivative_in_the_larger_argument_float32():
    """float32 (1e-5, 0.5): rel 2.5e-3 before (the psi difference in float32)."""
    a, b = np.float32(1e-5), np.float32(0.5)
    g = ad.grad(special.beta, argnums=1)(a, b)
    assert g.dtype == np.float32
    # truth: mpmath at the float32-rounded a = 9.99999974737875e-06, b = 0.5
    assert float(g) == pytest.approx(-4.9347864675659405, rel=1e-6, abs=0)
    h = ad.hessian(special.beta, argnums=1)(np.float32(1e-30), np.float32(1e-5))
    # mpmath d2/db2 beta(1.0000000031710769e-30, 9.999999747378752e-06) (0.0 before)
    assert float(h) == pytest.approx(2000000151572759.0, rel=1e-6, abs=0)


# --- 3. no NaN from a zero tangent times an infinite derivative -------------------------
def test_entr_jacobian_exact_zeros():
    x = np.array([0.0, 0.5])
    expected = np.array([[np.inf, 0.0], [0.0, -np.log(0.5) - 1]])
    np.testing.assert_array_equal(ad.jacfwd(special.entr)(x), expected)
    np.testing.assert_array_equal(ad.jacrev(special.entr)(x), expected)


def test_xlogy_jvp_zero_tangent():
    assert ad.jvp(special.xlogy, (0.0, 0.0), (0.0, 1.0))[1] == 0.0
    assert ad.grad(special.xlogy, argnums=1)(0.0, 0.0) == 0.0


@pytest.mark.parametrize("f, x0", [
    (special.logit, 0.0),
    (special.erfinv, 1.0),
    (special.erfcinv, 0.0),
    (special.ndtri, 0.0),
    (special.gammaln, 0.0),
    (special.digamma, 0.0),
    (special.y0, 0.0),
    (special.y1, 0.0),
    (lambda x: special.xlogy(x, np.array([0.0, 2.0])), 0.0),
    (lambda x: special.rel_entr(x, 2.0), 0.0),
    (lambda x: special.kl_div(x, 2.0), 0.0),
    (lambda x: special.gammainc(0.5, x), 0.0),
    (lambda x: special.gammaincc(0.5, x), 0.0),
    (lambda x: special.betainc(0.5, 2.0, x), 0.0),
])
def test_singular_derivative_keeps_off_diagonal_zero(f, x0):
    x = np.array([x0, 0.3])
    jf, jr = ad.jacfwd(f)(x), ad.jacrev(f)(x)
    assert jf[0, 1] == 0.0 and jf[1, 0] == 0.0
    np.testing.assert_array_equal(jf, jr)
    assert np.isfinite(jf[1, 1])


def test_singular_second_order_exact_zeros():
    H = ad.hessian(lambda v: special.entr(v).sum())(np.array([0.0, 0.5]))
    assert H[0, 1] == 0.0 and H[1, 0] == 0.0 and H[1, 1] == -2.0


# --- 4. i0e / i1e / ive for huge arguments ------------------------------------------------
def test_i1e_derivative_huge_x():
    ref = -2.2301551439365016e-15                         # mpmath, x = 2e9
    assert ad.grad(special.i1e)(2e9) == pytest.approx(ref, rel=1e-5, abs=0)
    assert ad.grad(special.i1e)(-2e9) == pytest.approx(ref, rel=1e-5, abs=0)   # i1e is odd
    assert ad.grad(lambda x: special.ive(1, x))(2e9) == pytest.approx(ref, rel=1e-5, abs=0)
    ref0 = -2.230155145609118e-15                         # mpmath, d/dx i0e at 2e9
    assert ad.grad(lambda x: special.ive(0.0, x))(2e9) == pytest.approx(ref0, rel=1e-5, abs=0)
    h = d2(special.i0e)(2e9)                              # mpmath: 1.67e-24
    assert np.isfinite(h) and abs(h) < 1e-20


def test_i1e_derivatives_ordinary():
    x = np.array([-2.5, -0.4, 0.3, 1.7, 30.0])
    # I1' = (I0 + I2) / 2
    ref = 0.5 * (ssp.ive(0, x) + ssp.ive(2, x)) - np.sign(x) * ssp.ive(1, x)
    np.testing.assert_allclose(ad.jacfwd(special.i1e)(x).diagonal(), ref, rtol=1e-13)
    assert ad.grad(special.i1e)(0.0) == 0.5                # I1'(0) = 1/2
    assert d2(special.i1e)(3.0) == pytest.approx(0.0016096787034987585, rel=1e-12, abs=0)  # mpmath
    assert d2(special.i0e)(-1.5) == pytest.approx(d2_i0e_ref(-1.5), rel=1e-12, abs=0)
    x = np.array([-2.5, -0.4, 0.3, 1.7])
    check_grads(special.i1e, (x,), order=2)
    check_grads(special.i0e, (x,), order=2)
    check_grads(lambda v: (special.ive(0, v), special.ive(1.0, v), special.ive(2, v),
                           special.ive(np.array([0.0, 1.0, 2.0, 1.0]), v)), (x,), order=2)
    check_grads(lambda v: special.ive(2.5, v), (np.abs(x),), order=2)   # real for x > 0 only


def d2_i0e_ref(x):
    # i0e'' for x < 0 (i0e = exp(x) I0(x)): (I0'' + 2 I0' + I0) e^x, I0' = I1, I0'' = (I0 + I2)/2
    return np.exp(x) * (0.5 * (ssp.i0(x) + ssp.iv(2, x)) + 2 * ssp.i1(x) + ssp.i0(x))


# --- 5. rel_entr / kl_div in x: log x - log y, not log(x / y) ---------------------------
def test_rel_entr_kl_div_extreme_ratio():
    ln10 = np.log(10.0)
    assert ad.grad(special.rel_entr)(1e-200, 1e200) == pytest.approx(1 - 400 * ln10, rel=1e-14, abs=0)
    assert ad.grad(special.rel_entr)(1e200, 1e-200) == pytest.approx(1 + 400 * ln10, rel=1e-14, abs=0)
    assert ad.grad(special.kl_div)(1e-200, 1e200) == pytest.approx(-400 * ln10, rel=1e-14, abs=0)
    assert ad.grad(special.kl_div)(1e200, 1e-200) == pytest.approx(400 * ln10, rel=1e-14, abs=0)


def test_rel_entr_kl_div_ordinary():
    x, y = np.array([0.3, 1.5, 2.0]), np.array([1.2, 0.4, 2.0])
    g = ad.grad(lambda a: special.rel_entr(a, y).sum())(x)
    np.testing.assert_allclose(g, np.log(x / y) + 1, rtol=1e-15)
    check_grads(special.rel_entr, (x, y), order=2)
    check_grads(special.kl_div, (x, y), order=2)


# --- 6. values as SciPy computes them ----------------------------------------------------
@pytest.mark.parametrize("x, axis", [
    (np.array([1.0, 2.0, -600.0, 3.0]), None),
    (np.array([0.1, 0.2, 0.3, 0.7, -1.1]), None),
    (np.arange(12.0).reshape(3, 4) / 7 - 0.9, 0),
    (np.arange(12.0).reshape(3, 4) / 7 - 0.9, [0, 1]),
    (np.array([0.5, -0.25, 3.0], dtype=np.float32), -1),
])
def test_softmax_bitwise_scipy(x, axis):
    ref = ssp.softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)
    np.testing.assert_array_equal(special.softmax(x, axis=axis), ref)
    out, _ = ad.jvp(lambda v: special.softmax(v, axis=axis), (x,), (np.ones_like(x),))
    assert out.dtype == ref.dtype
    np.testing.assert_array_equal(out, ref)


def test_softmax_derivatives():
    x = np.array([0.1, 0.5, -0.3, 2.0])
    s = ssp.softmax(x)
    J = np.diag(s) - np.outer(s, s)
    np.testing.assert_allclose(ad.jacfwd(special.softmax)(x), J, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(ad.jacrev(special.softmax)(x), J, rtol=1e-13, atol=1e-16)
    # d^2 s_0 / dx_j dx_k = s_0 (d0j - s_j)(d0k - s_k) - s_0 (dkj s_j - s_j s_k)
    e0 = np.eye(4)[0]
    H = s[0] * (np.outer(e0 - s, e0 - s) - (np.diag(s) - np.outer(s, s)))
    np.testing.assert_allclose(ad.hessian(lambda v: special.softmax(v)[0])(x), H,
                               rtol=1e-12, atol=1e-15)
    check_grads(lambda v: special.softmax(v, axis=-1), (x.reshape(2, 2),), order=2)


def test_zeta_riemann_branch():
    assert special.zeta(1.01) == ssp.zeta(1.01)
    x = np.array([1.01, 2.0, 3.5])
    np.testing.assert_array_equal(special.zeta(x), ssp.zeta(x))
    out, _ = ad.jvp(special.zeta, (x,), (np.ones(3),))
    np.testing.assert_array_equal(out, ssp.zeta(x))
    assert ad.grad(special.zeta)(1.01) == pytest.approx(-9999.927281160435, rel=1e-12, abs=0)  # mpmath
    assert d2(special.zeta)(2.0) == pytest.approx(1.989280234298901, rel=1e-12, abs=0)          # mpmath
    check_grads(special.zeta, (np.array([2.5, 3.0]),), order=2)


def test_scipy_logsumexp_over_an_all_minus_inf_slice_has_derivative_zero():
    """docs/conventions.md: -inf entries get derivative 0, also when the whole
    slice is -inf (as dualad.numpy.logsumexp); it was NaN, and under jacfwd the
    NaN spread to the finite slice's row."""
    import dualad.scipy.special as dss
    b = np.full(3, -np.inf)
    assert np.array_equal(ad.grad(dss.logsumexp)(b), np.zeros(3))
    a = np.array([[-np.inf, 1.0, 2.0], [-np.inf] * 3])
    soft = np.array([0.0, 1.0, np.e]) / (1 + np.e)           # softmax of (-inf, 1, 2)
    want = np.zeros((2, 2, 3))
    want[0, 0] = soft
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(jac(lambda x: dss.logsumexp(x, axis=1))(a), want, rtol=1e-15)


@pytest.mark.parametrize("name", ["inv_boxcox", "inv_boxcox1p"])
def test_inv_boxcox_edge_of_domain_has_one_sided_derivative(name):
    """At 1 + lmbda y = 0 the y-derivative (1 + lmbda y)^(1/lmbda - 1) is 1 for
    lmbda = 1 (the function is y there, or y + 1), 0 for lmbda < 1 and inf for
    lmbda > 1; the rule's quotient value / (1 + lmbda y) was 0/0 = NaN."""
    f = getattr(special, name)
    lm = np.array([1.0, 0.5, 2.0, 1.0])
    y = np.array([-1.0, -2.0, -0.5, 0.3])
    want = np.array([1.0, 0.0, np.inf, 1.0])
    with np.errstate(divide="ignore"):
        for got in (ad.jvp(lambda v: f(v, lm), (y,), (np.ones(4),))[1],
                    ad.vjp(lambda v: f(v, lm), y)[1](np.ones(4))[0]):
            np.testing.assert_array_equal(got, want)


def test_scipy_logsumexp_of_a_0d_value_under_batched_tangents():
    """logsumexp of a 0-d value is the value (plus log b): its reduction must not
    reach the leading batch axis of forward-mode tangents (found by random-program
    fuzzing: wrong, asymmetric Hessians, and crashes in jacfwd)."""
    x = np.array([0.3, -0.7])
    H = np.array([[2 * x[1] ** 2, 4 * x[0] * x[1]], [4 * x[0] * x[1], 2 * x[0] ** 2]])
    for b, extra in ((None, 0.0), (2.0, 2 * np.log(2.0))):
        f = lambda v: special.logsumexp(v[0] * v[1], b=b) ** 2       # (x0 x1 + log b)^2
        want = H + extra * np.array([[0.0, 1.0], [1.0, 0.0]])
        for hess in (ad.hessian, lambda g: ad.jacfwd(ad.jacfwd(g)),
                     lambda g: ad.jacrev(ad.jacfwd(g)), lambda g: ad.jacfwd(ad.grad(g))):
            np.testing.assert_allclose(hess(f)(x), want, rtol=1e-14, atol=1e-15)
    J = ad.jacfwd(lambda v: dnp.stack([special.logsumexp(v[0]), v[1]]))(x)
    np.testing.assert_array_equal(J, np.eye(2))
    # keepdims: SciPy's (1,) value; the gradient has the input's shape ()
    assert special.logsumexp(np.float64(0.5), keepdims=True).shape == (1,)
    g = ad.grad(lambda v: v * special.logsumexp(v, keepdims=True)[0])(np.float64(0.5))
    assert np.shape(g) == () and g == 1.0


_LIST = [1.5, 2.5]


@pytest.mark.parametrize("name, ours, theirs", [
    ("gammainc", lambda x: special.gammainc(_LIST, x), lambda x: ssp.gammainc(_LIST, x)),
    ("gammaincc", lambda x: special.gammaincc(_LIST, x), lambda x: ssp.gammaincc(_LIST, x)),
    ("betainc", lambda x: special.betainc(_LIST, 2.0, x / 3), lambda x: ssp.betainc(_LIST, 2.0, x / 3)),
    ("betaincinv", lambda x: special.betaincinv(_LIST, 2.0, x / 3),
     lambda x: ssp.betaincinv(_LIST, 2.0, x / 3)),
    ("boxcox", lambda x: special.boxcox(x, _LIST), lambda x: ssp.boxcox(x, _LIST)),
    ("jv", lambda x: special.jv(_LIST, x), lambda x: ssp.jv(_LIST, x)),
    ("ive", lambda x: special.ive(_LIST, x), lambda x: ssp.ive(_LIST, x)),
    ("kve", lambda x: special.kve(_LIST, x), lambda x: ssp.kve(_LIST, x)),
    ("owens_t", lambda x: special.owens_t(x, _LIST), lambda x: ssp.owens_t(x, _LIST)),
    ("stdtr", lambda x: special.stdtr(_LIST, x), lambda x: ssp.stdtr(_LIST, x)),
    ("stdtrit", lambda x: special.stdtrit(_LIST, x / 3), lambda x: ssp.stdtrit(_LIST, x / 3)),
])
def test_list_arguments_are_read_as_arrays(name, ours, theirs):
    """SciPy takes a list for any argument; the rules did arithmetic on it
    (TypeError).  Truth: central differences of SciPy's function."""
    x = np.array([0.7, 1.9])
    h = 1e-6
    fd = np.array([(theirs(x + h * e) - theirs(x - h * e)) / (2 * h) for e in np.eye(2)]).T
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(jac(ours)(x), fd, rtol=1e-6, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("name,args,argnum,truth", [
    # mpmath (dps 40) at the float32-rounded arguments: d/da gammainc, d/da betainc,
    # d/dz poch, d/dk binom, d/dy gammaincinv (1 / the gamma density at the inverse)
    ("gammainc", (3e4, 3e4), 0, -0.0023033007278647027),
    ("betainc", (1e3, 0.5, 0.999), 0, -0.00020758099101666566),
    ("poch", (1000.0, 0.5), 0, 0.01581336435341414),
    ("binom", (3.0, 29.5), 1, -4.460171816944015e-7),
    ("gammaincinv", (100.0, 0.3), 1, 27.706523710150528),
])
def test_float32_parameter_derivatives_are_computed_in_double(name, args, argnum, truth):
    """The parameter rules ran in float32 arithmetic and lost 1e-4 relative (series,
    tail integrals and log-differences of size a); they now run in double and round
    to float32, as SciPy computes the float32 values."""
    f = getattr(special, name)
    args32 = tuple(np.float32(v) for v in args)
    for d in (ad.grad(f, argnums=argnum)(*args32),
              ad.jvp(lambda v: f(*args32[:argnum], v, *args32[argnum + 1:]),
                     (args32[argnum],), (np.float32(1.0),))[1]):
        assert np.asarray(d).dtype == np.float32
        assert float(d) == pytest.approx(truth, rel=2e-6, abs=0)
