"""Fixes from the complex-number audit: complex ``sign``, derivatives on branch
cuts with signed zeros, complex ``zeta`` / ``ive`` / ``digamma`` in
dualad.scipy.special, complex ``median``, and the value dtype of
``scipy.linalg.det`` for float32.  Every truth here is independent of dualad:
finite differences of NumPy / SciPy's own functions, or mpmath values hard-coded
with the expression that produced them (mpmath is not a test dependency)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.tracer import Tracer

H = 1e-6


def _fd(f, z, t, h=H):
    """Central difference of ``f`` at ``z`` along the complex direction ``t``."""
    return (f(z + h * t) - f(z - h * t)) / (2 * h)


def _fd_real_axis(f, z, h=H):
    """Central difference along the real axis that keeps ``Im z`` bit for bit
    (its sign of zero included): the side of a branch cut ``f`` was taken on."""
    z = np.asarray(z, dtype=complex)
    zp, zm = z.copy(), z.copy()
    zp.real += h
    zm.real -= h
    return (f(zp) - f(zm)) / (2 * h)


def _fd_imag_axis(f, z, h=H):
    z = np.asarray(z, dtype=complex)
    zp, zm = z.copy(), z.copy()
    zp.imag += h
    zm.imag -= h
    return (f(zp) - f(zm)) / (2 * h)


# --- 1. sign of complex input: z / |z| ------------------------------------------------
Z = np.array([0.3 + 0.5j, -2.0 + 0.1j, 1e-3 - 4e-3j, -1.5 - 2.5j])
T = np.array([1.0 + 0.3j, 0.2 - 1.0j, -0.7 + 0.4j, 1j])


def test_sign_complex_jvp_matches_finite_differences():
    got = ad.jvp(dnp.sign, (Z,), (T,))[1]
    want = _fd(np.sign, Z, T, h=1e-8)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    # also reached from plain numpy on a traced value
    got_np = ad.jvp(lambda z: np.sign(z), (Z,), (T,))[1]
    np.testing.assert_allclose(got_np, want, rtol=1e-6, atol=1e-6)


def test_sign_complex_vjp_is_the_transpose():
    g = np.array([0.5 - 1j, 1.0 + 0j, 2 + 1j, -0.3 + 0.2j])
    _, vjp_fn = ad.vjp(dnp.sign, Z)
    c = vjp_fn(g)[0]
    lhs = np.real(np.sum(c * T))
    rhs = np.real(np.sum(g * _fd(np.sign, Z, T, h=1e-8)))
    assert abs(lhs - rhs) < 1e-6 * max(1.0, abs(rhs))
    assert abs(rhs) > 0.1


def test_sign_complex_grad_and_hessian():
    c = 0.3 - 0.2j

    def f(xy):                          # a real function of (Re z, Im z)
        return dnp.real(dnp.sign(xy[0] + 1j * xy[1]) * c)

    def f_np(xy):
        return np.real(np.sign(xy[0] + 1j * xy[1]) * c)

    x0 = np.array([0.3, 0.5])
    e = np.eye(2)
    g_fd = np.array([(f_np(x0 + 1e-7 * v) - f_np(x0 - 1e-7 * v)) / 2e-7 for v in e])
    np.testing.assert_allclose(ad.grad(f)(x0), g_fd, rtol=1e-6)
    h = 1e-4
    hess_fd = np.array([[(f_np(x0 + h * a + h * b) - f_np(x0 + h * a - h * b)
                          - f_np(x0 - h * a + h * b) + f_np(x0 - h * a - h * b)) / (4 * h * h)
                         for b in e] for a in e])
    for hess in (ad.hessian(f)(x0), ad.jacrev(ad.grad(f))(x0), ad.jacfwd(ad.jacfwd(f))(x0)):
        np.testing.assert_allclose(hess, hess_fd, rtol=1e-5, atol=1e-6)


def test_sign_complex_at_zero_and_real_sign():
    # convention: derivative 0 at z = 0, in both modes
    z = np.array([0j, 1 + 1j])
    t = np.array([1 + 1j, 0j])
    assert ad.jvp(dnp.sign, (z,), (t,))[1][0] == 0
    assert ad.vjp(dnp.sign, z)[1](np.array([1 + 0j, 0j]))[0][0] == 0
    # real input: derivative 0, and a plain (untraced) result, as before
    seen = []

    def f(x):
        s = dnp.sign(x)
        seen.append(type(s))
        return dnp.sum(s * x)

    x = np.array([1.5, -2.0, 0.0])
    np.testing.assert_array_equal(ad.grad(f)(x), np.sign(x))
    assert not issubclass(seen[0], Tracer)


# --- 2. branch cuts with signed zeros ----------------------------------------------
def _cut_points(reals):
    out = []
    for x in reals:
        for im in (0.0, -0.0, 1e-300, -1e-300):
            out.append(complex(x, im))
    return np.array(out)


_ACROSS_REAL_CUT = {
    "arcsin": (np.arcsin, dnp.arcsin),
    "arccos": (np.arccos, dnp.arccos),
    "arccosh": (np.arccosh, dnp.arccosh),
    "arctanh": (np.arctanh, dnp.arctanh),
    "log": (np.log, dnp.log),
    "sqrt": (np.sqrt, dnp.sqrt),
    "power_half": (lambda z: np.power(z, 0.5), lambda z: dnp.power(z, 0.5)),
    "power_complex": (lambda z: np.power(z, 0.3 + 0.2j), lambda z: dnp.power(z, 0.3 + 0.2j)),
}


# (arcsin, arccos, arccosh failed before the fix; the others are regression guards)
@pytest.mark.parametrize("name", sorted(_ACROSS_REAL_CUT))
def test_derivative_on_real_branch_cut_follows_signed_zero(name):
    f_np, f_ad = _ACROSS_REAL_CUT[name]
    z = _cut_points([-3.0, -1.5, -0.5, 0.5, 1.5, 3.0])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = _fd_real_axis(f_np, z)
        got = ad.jvp(f_ad, (z,), (np.ones_like(z),))[1]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_power_exponent_derivative_on_the_cut():
    # d/dy (-2 -+ 0j)**y = (-2 -+ 0j)**y log(-2 -+ 0j): the side of the base's cut
    for base in (complex(-2.0, 0.0), complex(-2.0, -0.0)):
        b = np.complex128(base)
        y = np.complex128(0.7 + 0.1j)
        got = ad.jvp(lambda w: dnp.power(b, w), (y,), (np.complex128(1),))[1]
        want = _fd(lambda w: np.power(b, w), y, 1.0)
        assert abs(got - want) < 1e-6


# (arcsinh failed before the fix; arctan is a regression guard)
@pytest.mark.parametrize("f_np, f_ad", [(np.arcsinh, dnp.arcsinh), (np.arctan, dnp.arctan)])
def test_derivative_on_imaginary_branch_cut_follows_signed_zero(f_np, f_ad):
    z = np.array([complex(re, im) for im in (-3.0, -1.5, 1.5, 3.0)
                  for re in (0.0, -0.0, 1e-300, -1e-300)])
    want = _fd_imag_axis(f_np, z)              # the derivative along i: f'(z) * i
    got = ad.jvp(f_ad, (z,), (np.full_like(z, 1j),))[1]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_arcsin_arccos_grad_on_the_cut_reported_case():
    # NumPy: Im arcsin(x + 0j) = +arccosh(x) for x > 1: slope +1/sqrt(x^2 - 1)
    x = 1.5
    assert abs(ad.grad(lambda r: dnp.imag(dnp.arcsin(r + 0j)))(x) - 1 / np.sqrt(1.25)) < 1e-12
    assert abs(ad.grad(lambda r: dnp.imag(dnp.arccos(r + 0j)))(x) + 1 / np.sqrt(1.25)) < 1e-12
    # the -0j side and x < -1, first and second order, against NumPy's own function
    cases = [
        (lambda r: np.imag(np.arcsin(np.conj(r + 0j))),
         lambda r: dnp.imag(dnp.arcsin(dnp.conj(r + 0j)))),
        (lambda r: np.imag(np.arccos(np.conj(r + 0j))),
         lambda r: dnp.imag(dnp.arccos(dnp.conj(r + 0j)))),
        (lambda r: np.imag(np.arccosh(np.conj(r + 0j))),
         lambda r: dnp.imag(dnp.arccosh(dnp.conj(r + 0j)))),
        (lambda r: np.real(np.arcsinh(np.conj(1j * r))),    # +0 - i r: the cut's right side
         lambda r: dnp.real(dnp.arcsinh(dnp.conj(1j * r)))),
    ]
    h = 1e-4
    for f_np, f_ad in cases:
        for x in (-2.5, -1.5, 1.5, 2.5):
            d1 = (f_np(x + h) - f_np(x - h)) / (2 * h)
            d2 = (f_np(x + h) - 2 * f_np(x) + f_np(x - h)) / h ** 2
            assert abs(ad.grad(f_ad)(x) - d1) < 1e-6
            assert abs(ad.grad(ad.grad(f_ad))(x) - d2) < 1e-5 * max(1.0, abs(d2))
            assert abs(ad.jacfwd(ad.grad(f_ad))(x) - d2) < 1e-5 * max(1.0, abs(d2))


# --- 3. dualad.scipy.special on complex input ----------------------------------------
sp = pytest.importorskip("scipy.special")
dsp = pytest.importorskip("dualad.scipy.special")

# mpmath 1.3, mp.dps = 30: complex(mp.zeta(mp.mpc(re, im), 1, k)) for k = 1, 2
_ZETA_D = [
    ((2.5, 0.3), -0.3373974585784925 + 0.16117353177027527j, 0.45292232482384626 - 0.311720525988476j),
    ((1.5, 2.0), 0.27676020861027156 + 0.08729744675245728j, -0.16730830246905684 + 0.16859007776899668j),
    ((3.0, -10.0), -0.06869304663394883 - 0.025664670336928194j, 0.04701246113425439 + 0.00969848613556575j),
    ((0.5, 3.0), 0.19175988409272138 - 0.07313572886592894j, 0.011933804144407988 + 0.05676759350083831j),
]


@pytest.mark.parametrize("z, d1, d2", _ZETA_D)
def test_zeta_complex_x_derivative(z, d1, d2):
    z = np.complex128(complex(*z))
    one = np.complex128(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        got1 = ad.jvp(dsp.zeta, (z,), (one,))[1]
        got1r = ad.grad(lambda w: dnp.real(dsp.zeta(w)))(z)       # = zeta'(z), holomorphic
        got2 = ad.jvp(lambda w: ad.jvp(dsp.zeta, (w,), (one,))[1], (z,), (one,))[1]
    assert abs(got1 - d1) < 1e-13 * abs(d1)
    assert abs(got1r - d1) < 1e-13 * abs(d1)
    assert abs(got2 - d2) < 1e-12 * abs(d2)


def _ive_ref(v, z):
    return sp.ive(v, z)


@pytest.mark.parametrize("v", [1.5, 0, 1, 2, -0.5])
@pytest.mark.parametrize("z", [1.2 + 0.3j, -1.2 + 0.3j, 25 + 3j, -30 - 2j, 0.5 + 40j])
def test_ive_complex_derivative(v, z):
    # ive = iv * exp(-|Re z|) is not holomorphic: check every direction against SciPy
    z = np.complex128(z)
    for t in (1 + 0j, 1j, 0.3 - 0.7j):
        t = np.complex128(t)
        got = ad.jvp(lambda w: dsp.ive(v, w), (z,), (t,))[1]
        want = _fd(lambda w: _ive_ref(v, w), z, t, h=1e-5)
        assert abs(got - want) < 1e-8 * max(abs(want), 1e-3), (t, got, want)
    # the VJP is the transpose of the JVP under Re(sum(a * b))
    g, t = np.complex128(0.4 - 1.1j), np.complex128(0.3 - 0.7j)
    c = ad.vjp(lambda w: dsp.ive(v, w), z)[1](g)[0]
    j = ad.jvp(lambda w: dsp.ive(v, w), (z,), (t,))[1]
    assert abs(np.real(c * t) - np.real(g * j)) < 1e-13 * max(1.0, abs(g * j))


def test_ive_complex_second_order():
    c = 0.7 - 0.4j

    def f(p):
        return dnp.real(dsp.ive(1.5, p[0] + 1j * p[1]) * c)

    def f_np(p):
        return np.real(sp.ive(1.5, p[0] + 1j * p[1]) * c)

    e, h = np.eye(2), 1e-4
    for p0 in (np.array([1.2, 0.3]), np.array([-1.2, 0.5])):
        want = np.array([[(f_np(p0 + h * a + h * b) - f_np(p0 + h * a - h * b)
                           - f_np(p0 - h * a + h * b) + f_np(p0 - h * a - h * b)) / (4 * h * h)
                          for b in e] for a in e])
        np.testing.assert_allclose(ad.hessian(f)(p0), want, atol=1e-7)


# mpmath 1.3, mp.dps = 30: complex(mp.psi(1, w)), complex(mp.psi(2, w)), w = mp.mpc(re, im)
_PSI12 = [
    ((2.5, 0.3), 0.4804737133683945 - 0.06947552779220156j, -0.22251882239411974 + 0.06463871202826742j),
    ((-3.7, 0.2), 6.1877958083206295 - 6.22739646347444j, 11.116465685599458 + 46.33054678133388j),
    ((0.1, -2.0), -0.10264846713740658 + 0.4894283021413411j, 0.23300769432971738 + 0.10598587997298614j),
    ((40.0, 3.0), 0.025169954405996984 - 0.001911439154322408j, -0.0006298407272992594 + 9.621157747994463e-05j),
    ((-150.3, 2.5), -0.006627614952502643 - 0.00010424564974360458j, -7.948941026314133e-05 + 1.0094371311747947e-05j),
    ((0.5, 1e4), 1.0686673045618033e-42 - 0.00010000000008333333j, 1.0000000025e-08 + 2.0563109730219582e-46j),
]


@pytest.mark.parametrize("z, d1, d2", _PSI12)
def test_digamma_complex_derivatives(z, d1, d2):
    z = np.complex128(complex(*z))
    one = np.complex128(1)
    for f in (dsp.digamma, dsp.psi, lambda w: sp.digamma(w)):      # plain SciPy: dispatched
        assert abs(ad.jvp(f, (z,), (one,))[1] - d1) < 1e-14 * abs(d1)
        assert abs(ad.grad(lambda w: dnp.real(f(w)))(z) - d1) < 1e-14 * abs(d1)
    second = ad.jvp(lambda w: ad.jvp(dsp.digamma, (w,), (one,))[1], (z,), (one,))[1]
    assert abs(second - d2) < 1e-13 * abs(d2)
    assert abs(ad.hessian(lambda w: dnp.real(dsp.digamma(w)))(z) - d2) < 1e-13 * abs(d2)


def test_gamma_complex_second_derivative():
    # mpmath 1.3, dps 30: complex(mp.diff(mp.gamma, mp.mpc(2.5, 0.3), 2))
    want = 1.1931649732170881 + 0.4418173849936965j
    z = np.complex128(2.5 + 0.3j)
    got = ad.grad(lambda w: dnp.real(ad.grad(lambda u: dnp.real(dsp.gamma(u)))(w)))(z)
    assert abs(got - want) < 1e-13 * abs(want)


def test_digamma_complex64_keeps_precision():
    z = np.complex64(2.5 + 0.3j)
    assert ad.grad(lambda w: dnp.real(dsp.digamma(w)))(z).dtype == np.complex64


# --- 4. median of complex input -------------------------------------------------------
def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape
            and np.array_equal(a.real, b.real, equal_nan=True)
            and np.array_equal(a.imag, b.imag, equal_nan=True))


_ZM = np.array([[0.3 + 1.0j, -1.2 + 0.5j, 2.0 - 0.4j, 0.7 + 0.1j, -0.5 - 2.0j],
                [1.5 + 0.2j, 1.5 - 0.9j, -0.8 + 0.3j, 0.1 + 0.0j, 2.2 + 1.1j],
                [-0.3 - 0.6j, 0.9 + 0.9j, -1.7 + 0.2j, 1.1 - 1.3j, 0.4 + 0.4j],
                [2.5 + 0.0j, -2.1 + 1.0j, 0.6 - 0.2j, -0.9 - 0.1j, 1.3 + 0.8j]])


@pytest.mark.parametrize("fn", ["median", "nanmedian"])
def test_median_complex_values(fn):
    f_np, f_ad = getattr(np, fn), getattr(dnp, fn)
    for a in (_ZM, _ZM[:, :4], _ZM.astype(np.complex64)):    # ties in Re: row 1
        for axis in (None, 0, 1, -1, (0, 1)):
            for keepdims in (False, True):
                assert _same(f_ad(a, axis=axis, keepdims=keepdims),
                             f_np(a, axis=axis, keepdims=keepdims))
    # NaN: NumPy gives the entry sorted last in median, skips it in nanmedian
    for a in (np.array([1 + 1j, complex(1, np.nan), 2 + 0j]),
              np.array([1 + 1j, complex(np.nan, 2), 2 + 0j, 4j]),
              np.array([[complex(1, np.nan), 2j], [1j, 3 + 0j]])):
        for axis in (None, 0, -1):
            assert _same(f_ad(a, axis=axis), f_np(a, axis=axis))


_ZD = _ZM.copy()
_ZD[1, 1] = 1.6 - 0.9j     # no ties in Re: the order, so the derivative, is defined


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_median_complex_derivative(axis):
    rng = np.random.default_rng(3)
    t = rng.normal(size=_ZD.shape) + 1j * rng.normal(size=_ZD.shape)
    a = _ZD[:, :4] if axis != 0 else _ZD      # even counts: the mean of two middles
    t = t[:, :a.shape[1]]
    for fn in ("median", "nanmedian"):
        got = ad.jvp(lambda u: getattr(dnp, fn)(u, axis=axis), (a,), (t,))[1]
        want = _fd(lambda u: getattr(np, fn)(u, axis=axis), a, t, h=1e-7)
        np.testing.assert_allclose(got, want, atol=1e-8)
        out, vjp_fn = ad.vjp(lambda u: getattr(dnp, fn)(u, axis=axis), a)
        g = np.full(np.shape(out), 0.3 - 1.0j)
        c = vjp_fn(g)[0]
        assert abs(np.real(np.sum(c * t)) - np.real(np.sum(g * got))) < 1e-12
        # the derivative reaches only the selected entries
        assert np.count_nonzero(c) == np.count_nonzero(ad.jacobian(
            lambda u: dnp.real(getattr(dnp, fn)(u, axis=axis)))(a).reshape(-1, a.size).any(0))
    # through plain NumPy on a traced value
    g = ad.grad(lambda u: np.real(np.median(u)))(_ZM[0])
    assert _same(g, np.array([1, 0, 0, 0, 0], dtype=complex))     # 0.3+1j sorts in the middle


# --- 5. scipy.linalg.det: SciPy's value dtype ------------------------------------------
sla = pytest.importorskip("scipy.linalg")
dla = pytest.importorskip("dualad.scipy.linalg")


@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
@pytest.mark.parametrize("stack", [False, True])
def test_scipy_det_float32_value_dtype(dtype, stack):
    a = (np.eye(3) + 0.1 * np.arange(9.0).reshape(3, 3)).astype(dtype)
    if dtype == np.complex64:
        a = (a * np.complex64(1 + 0.2j)).astype(dtype)
    if stack:
        a = np.stack([a, 2 * a])
    want = sla.det(a)
    assert np.asarray(want).dtype == (np.float64 if dtype == np.float32 else np.complex128)
    assert np.asarray(dla.det(a)).dtype == np.asarray(want).dtype       # plain input
    val, tan = ad.jvp(dla.det, (a,), (np.ones_like(a),))
    assert np.asarray(val).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(val, want, rtol=1e-5)
    assert np.asarray(tan).dtype == np.asarray(val).dtype      # as for logm, polygamma
    # the derivative keeps the input's precision: d det / dA = det inv(A)^T
    g = ad.grad(lambda m: dnp.real(dnp.sum(dla.det(m))))(a)
    assert g.dtype == dtype
    want_g = np.asarray(want)[..., None, None] * np.swapaxes(
        np.linalg.inv(a.astype(np.complex128 if dtype == np.complex64 else np.float64)), -1, -2)
    np.testing.assert_allclose(g, want_g, rtol=1e-5)
    assert ad.vjp(dla.det, a)[1](np.ones_like(val))[0].dtype == dtype
