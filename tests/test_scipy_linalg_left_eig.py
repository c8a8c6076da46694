"""Left eigenvectors: ``scipy.linalg.eig(a, left=True)`` and ``eig(a, b, left=True)``.

The values are SciPy's (unit-length columns, SciPy's phase).  Like the right
eigenvectors, each column has a phase gauge, so the derivatives are checked on
functions that do not depend on it (``|vl|``, spectral projectors).

Truths: SciPy's own ``eig(..., left=True)`` (values, and Richardson-extrapolated
central differences of phase-invariant functions of its output: the test
matrices have eigenvalue gaps >= 0.9, so the vectors are well conditioned) and
the defining identity ``vl_i^H a = w_i vl_i^H b``.
"""
import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as L
from tests._derivatives import richardson_jacobian

RNG = np.random.default_rng(3)
A = RNG.standard_normal((4, 4))                       # two complex pairs
A_REAL = np.array([[3.0, 1.0, 0.2], [0.4, 1.0, -0.5], [0.1, 0.3, -1.5]])  # real spectrum
B = RNG.standard_normal((4, 4)) + 4 * np.eye(4)
AC = A + 1j * RNG.standard_normal((4, 4))
WT = RNG.standard_normal((4, 4))


def _invariant(vl, weights, np_):
    """A phase-invariant function of the left vectors that depends on their length."""
    return np_.sum(np_.abs(vl) ** 2 * weights) + np_.sum(np_.abs(vl[..., 0, :]) ** 3)


def _f(a, b=None):
    w, vl, vr = L.eig(a, b, left=True)
    return _invariant(vl, WT[:a.shape[-1], :a.shape[-1]], dnp)


def _f_scipy(a, b=None):
    w, vl, vr = sl.eig(a, b, left=True)
    return _invariant(vl, WT[:a.shape[-1], :a.shape[-1]], np)


@pytest.mark.parametrize("args", [(A,), (A_REAL,), (A, B), (AC,), (np.stack([A, A.T]),)],
                         ids=["real-complex-pairs", "real-spectrum", "generalized", "complex",
                              "stack"])
def test_values_and_containers_are_scipys(args):
    ref = sl.eig(*args, left=True)
    got, _ = ad.jvp(lambda a: L.eig(a, *args[1:], left=True), (args[0],),
                    (np.zeros_like(args[0]),))
    assert type(got) is type(ref) and len(got) == 3
    for g, r in zip(got, ref):
        assert g.dtype == r.dtype and g.shape == r.shape
        np.testing.assert_allclose(g, r, rtol=0, atol=1e-13)
    only, _ = ad.jvp(lambda a: L.eig(a, *args[1:], left=True, right=False), (args[0],),
                     (np.zeros_like(args[0]),))
    assert len(only) == 2
    np.testing.assert_allclose(only[1], ref[1], rtol=0, atol=1e-13)


def test_defining_identity_holds_for_traced_output():
    w, vl, _ = ad.jvp(lambda a: L.eig(a, B, left=True), (A,), (np.zeros_like(A),))[0]
    lhs = vl.conj().T @ A
    rhs = w[:, None] * (vl.conj().T @ B)
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("a", [A, A_REAL, AC], ids=["real", "real-spectrum", "complex"])
def test_gradient_matches_differences_of_scipy(a):
    truth = richardson_jacobian(_f_scipy, [a], 0)
    if a.dtype.kind == "c":
        # the real-valued f of complex a: dualad's gradient is df/dRe - i df/dIm
        truth_im = richardson_jacobian(lambda im: _f_scipy(a.real + 1j * im), [a.imag], 0)
        truth = truth.real - 1j * truth_im
    scale = np.abs(truth).max()
    np.testing.assert_allclose(ad.grad(_f)(a), truth, rtol=0, atol=3e-9 * scale)
    if a.dtype.kind != "c":
        np.testing.assert_allclose(ad.jacfwd(_f)(a), truth, rtol=0, atol=3e-9 * scale)


def test_generalized_gradients_in_a_and_b():
    for argnum, x in ((0, A), (1, B)):
        truth = richardson_jacobian(_f_scipy, [A, B], argnum)
        got = ad.grad(_f, argnums=argnum)(A, B)
        np.testing.assert_allclose(got, truth, rtol=0, atol=3e-9 * np.abs(truth).max())
        fwd = ad.jacfwd(_f, argnums=argnum)(A, B)
        np.testing.assert_allclose(fwd, truth, rtol=0, atol=3e-9 * np.abs(truth).max())


def test_second_directional_derivative_matches_differences_of_scipy():
    E = RNG.standard_normal((4, 4))
    # d^2/dt^2 f(A + tE) at t = 0: Richardson on SciPy's values
    def second(h):
        return (_f_scipy(A + h * E) - 2 * _f_scipy(A) + _f_scipy(A - h * E)) / h ** 2
    truth = (4 * second(1e-3) - second(2e-3)) / 3
    H = ad.hessian(_f)(A)
    got = np.einsum("ij,ijkl,kl->", E, H, E)
    assert got == pytest.approx(truth, rel=1e-6)
    g2 = ad.jacrev(ad.jacrev(lambda t: _f(A + t * E)))(0.0)
    g3 = ad.jvp(lambda t: ad.jvp(lambda s: _f(A + s * E), (t,), (1.0,))[1], (0.0,), (1.0,))[1]
    assert g2 == pytest.approx(truth, rel=1e-6) and g3 == pytest.approx(truth, rel=1e-6)


def test_spectral_projector_is_gauge_free():
    # P_0 = v_0 vl_0^H / (vl_0^H v_0): the same whatever phases the vectors have
    def proj(a):
        w, vl, vr = L.eig(a, left=True)
        v0, u0 = vr[:, 0], vl[:, 0]
        return dnp.outer(v0, dnp.conj(u0)) / dnp.sum(dnp.conj(u0) * v0)

    def proj_scipy(a):
        w, vl, vr = sl.eig(a, left=True)
        v0, u0 = vr[:, 0], vl[:, 0]
        return np.outer(v0, u0.conj()) / np.sum(u0.conj() * v0)
    truth = richardson_jacobian(lambda a: proj_scipy(a).real, [A_REAL], 0)
    got = ad.jacfwd(lambda a: dnp.real(proj(a)))(A_REAL)
    np.testing.assert_allclose(got, truth, rtol=0, atol=1e-8 * np.abs(truth).max())


def test_float32_stays_float32():
    a = A_REAL.astype(np.float32)
    w, vl, vr = ad.jvp(lambda a: L.eig(a, left=True), (a,), (np.ones_like(a),))[1]
    ref = sl.eig(a, left=True)
    assert vl.dtype == ref[1].dtype == np.float32
    assert ad.grad(lambda a: _f(a))(a).dtype == np.float32


# a pencil with a real spectrum on which a phase taken from SciPy's right=False
# call (only its first column normalized) flipped the sign of vl[:, 0]
A_SIGN = np.array([[-1.2, 0.1, -0.2], [-0.5, 0.3, 0.9], [0.0, -1.2, 0.4]])
B_SIGN = np.array([[1.5, 1.0, -0.3], [0.7, 0.8, 1.7], [-0.8, -0.6, 2.4]])


def test_generalized_left_vectors_have_scipys_sign_and_derivative():
    ref = sl.eig(A_SIGN, B_SIGN, left=True)[1]
    val, tan = ad.jvp(lambda m: L.eig(m, B_SIGN, left=True)[1], (A_SIGN,), (np.eye(3),))
    np.testing.assert_allclose(val, ref, rtol=0, atol=1e-13)
    # SciPy's real vectors have a locally constant sign: differentiate them directly
    truth = richardson_jacobian(lambda t: sl.eig(A_SIGN + t * np.eye(3), B_SIGN, left=True)[1],
                                [0.0], 0)
    np.testing.assert_allclose(tan, truth, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_generalized_left_vectors_are_scipys_on_random_pencils(seed):
    r = np.random.default_rng(seed)
    a, b = r.standard_normal((3, 3)), r.standard_normal((3, 3))
    val = ad.jvp(lambda m: L.eig(m, b, left=True)[1], (a,), (np.eye(3),))[0]
    np.testing.assert_allclose(val, sl.eig(a, b, left=True)[1], rtol=0, atol=1e-10)


def test_generalized_left_only_has_unit_columns():
    # SciPy 1.17's eig(a, b, left=True, right=False) normalizes only the first
    # column (against its documentation); dualad's columns are all unit length and
    # equal SciPy's normalized ones (those of right=True)
    vl = ad.jvp(lambda m: L.eig(m, B_SIGN, left=True, right=False)[1], (A_SIGN,),
                (np.eye(3),))[0]
    np.testing.assert_allclose(np.linalg.norm(vl, axis=0), 1.0, rtol=1e-14)
    np.testing.assert_allclose(vl, sl.eig(A_SIGN, B_SIGN, left=True)[1], rtol=0, atol=1e-13)
