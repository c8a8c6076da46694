"""Complex inputs: the transpose convention (docs/complex.md), holomorphic and
non-holomorphic element-wise rules, against finite differences and closed forms."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

Z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.2 - 1.1j])


def test_holomorphic_check_grads():
    check_grads(lambda z: dnp.exp(z) * dnp.sin(z) + dnp.log(z) ** 2 / dnp.sqrt(z + 3.0), (Z,),
                order=2)


def test_holomorphic_jvp_is_derivative_times_tangent():
    t = np.array([1.0, 1j, 0.5 - 0.5j])
    _, tan = ad.jvp(dnp.sin, (Z,), (t,))
    np.testing.assert_allclose(tan, np.cos(Z) * t)


def test_holomorphic_vjp_has_no_conjugate():
    g = np.array([1.0, 2.0j, -1.0 + 1.0j])
    _, back = ad.vjp(dnp.exp, Z)
    np.testing.assert_allclose(back(g)[0], g * np.exp(Z))


@pytest.mark.parametrize("f", [
    lambda z: dnp.abs(z), lambda z: dnp.abs(z) * z, lambda z: dnp.real(z) ** 2,
    lambda z: dnp.imag(z) * z, lambda z: dnp.conj(z) * z ** 2, lambda z: dnp.angle(z),
    lambda z: dnp.angle(z, deg=True) * dnp.real(z), lambda z: dnp.conjugate(dnp.exp(z)),
    lambda z: dnp.var(z) + dnp.std(z * z),
])
def test_non_holomorphic_check_grads(f):
    check_grads(f, (Z,), order=2)


def test_grad_of_real_function_is_conjugate_of_pytorch():
    # L = |z|^2: dL/dx - i dL/dy = 2x - 2iy = 2 conj(z); PyTorch reports 2z
    z = np.complex128(1.0 + 2.0j)
    assert ad.grad(lambda w: dnp.abs(w) ** 2)(z) == pytest.approx(2 * np.conj(z))
    # L = Re(f(z)) with f holomorphic: the gradient is f'(z) itself
    assert ad.grad(lambda w: dnp.real(dnp.sin(w)))(z) == pytest.approx(np.cos(z))


def test_abs_and_angle_at_zero_are_finite():
    z = np.array([0j, 1 + 1j])
    assert np.all(np.isfinite(ad.grad(lambda w: dnp.sum(dnp.abs(w)))(z)))
    assert np.all(np.isfinite(ad.grad(lambda w: dnp.sum(dnp.angle(w)))(z)))
    assert ad.grad(lambda w: dnp.sum(dnp.abs(w)))(z)[0] == 0


def test_numpy_calls_on_complex_traced_values():
    g = ad.grad(lambda w: np.sum(np.abs(np.conj(w) * w)) + np.sum(np.angle(w) * np.imag(w)))(Z)
    assert np.all(np.isfinite(g))


def test_real_parts_of_real_input():
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(ad.grad(lambda a: dnp.sum(dnp.real(a) + dnp.imag(a)))(x), 1.0)
    np.testing.assert_allclose(ad.grad(lambda a: dnp.sum(dnp.angle(a)))(x), 0.0)


def _fd_conj_pairing(f, z, eps=1e-6):
    """Independent reference for a Jacobian of complex input: columns
    Re(df/dx) - i Re(df/dy), from central differences (docs/complex.md)."""
    z = np.asarray(z, dtype=complex)
    cols = []
    for k in range(z.size):
        e = np.zeros(z.size)
        e[k] = eps
        e = e.reshape(z.shape)
        u = (np.asarray(f(z + e)) - np.asarray(f(z - e))) / (2 * eps)
        v = (np.asarray(f(z + 1j * e)) - np.asarray(f(z - 1j * e))) / (2 * eps)
        cols.append(np.real(u) - 1j * np.real(v))
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(f(z)) + z.shape)


@pytest.mark.parametrize("f", [
    lambda w: dnp.abs(w) ** 2,                       # real output: d/dx - i d/dy
    lambda w: dnp.sin(w) * w,                        # holomorphic: f'(z)
    lambda w: dnp.conj(w) * w * w,                   # neither
    lambda w: dnp.sum(dnp.angle(w) + dnp.real(w * w)),
    lambda w: dnp.stack([dnp.imag(w), dnp.abs(w)]),
])
def test_jacobian_of_complex_input_is_the_same_in_every_mode(f):
    z = np.array([1 + 2j, 3 - 1j, -0.5 + 0.25j])
    want = _fd_conj_pairing(f, z)
    for jac in (ad.jacfwd(f), ad.jacrev(f), ad.jacobian(f)):
        np.testing.assert_allclose(jac(z), want, rtol=1e-7, atol=1e-7)


def test_jacobian_mixed_real_and_complex_arguments():
    def f(x, w):
        return dnp.real(w * w) * x + dnp.imag(w) * x ** 2
    x, z = np.array([0.5, -1.5]), np.array([1 + 2j, 0.3 - 0.7j])
    jf = ad.jacfwd(f, argnums=(0, 1))(x, z)
    jr = ad.jacrev(f, argnums=(0, 1))(x, z)
    np.testing.assert_allclose(jf[0], jr[0], rtol=1e-12)
    np.testing.assert_allclose(jf[1], jr[1], rtol=1e-12)
    np.testing.assert_allclose(jf[1], _fd_conj_pairing(lambda w: f(x, w), z), rtol=1e-7,
                               atol=1e-7)
    assert jf[0].dtype == np.float64            # real input, real output: real Jacobian


def test_hessian_of_complex_input_agrees_across_nestings_and_hvp_is_exact():
    L = lambda w: dnp.sum(dnp.abs(w) ** 2 * dnp.real(w)) + dnp.sum(dnp.imag(w * w * w))
    z = np.array([1 + 2j, 3 - 1j])
    hs = [ad.hessian(L)(z), ad.jacfwd(ad.jacfwd(L))(z), ad.jacrev(ad.jacrev(L))(z),
          ad.jacfwd(ad.jacrev(L))(z), ad.jacrev(ad.jacfwd(L))(z)]
    for h in hs[1:]:
        np.testing.assert_allclose(h, hs[0], rtol=1e-10, atol=1e-10)
    # H·t for a complex direction: hvp (the exact directional derivative of grad)
    t = np.array([0.3 - 0.2j, -0.1 + 0.5j])
    g = ad.grad(L)
    fd = (g(z + 1e-6 * t) - g(z - 1e-6 * t)) / 2e-6
    np.testing.assert_allclose(ad.hvp(L, (z,), (t,)), fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("f, exact", [
    (lambda x: dnp.fft.rfft(x)[1:3], lambda n: np.fft.rfft(np.eye(n), axis=0)[1:3]),
    (lambda x: dnp.fft.fft(x), lambda n: np.fft.fft(np.eye(n), axis=0)),
    (lambda x: dnp.conj(1j * x), lambda n: -1j * np.eye(n)),
    (lambda x: dnp.exp(1j * x[:2]) * x[2], None),
])
def test_real_input_complex_output_jacobian_is_df_dx_in_every_mode(f, exact):
    x = np.linspace(0.1, 1.0, 6)
    want = exact(6) if exact else _fd_real(f, x)
    for jac in (ad.jacfwd(f), ad.jacrev(f), ad.jacobian(f)):
        np.testing.assert_allclose(jac(x), want, rtol=1e-9, atol=1e-9)


def _fd_real(f, x, eps=1e-6):
    cols = [(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(x.size)]
    return np.stack(cols, axis=-1)


def _wirtinger_grad_fd(f, z, h=1e-6):
    """dualad's grad convention for real f of complex z, dL/dx - i dL/dy, by
    central differences of the plain function."""
    out = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[idx] = 1.0
        dx = (f(z + h * e) - f(z - h * e)) / (2 * h)
        dy = (f(z + 1j * h * e) - f(z - 1j * h * e)) / (2 * h)
        out[idx] = dx - 1j * dy
    return out


@pytest.mark.parametrize("c", [1j, 0.3 + 0.7j, 1.0])
def test_slogdet_of_complex_matrix_with_a_complex_cotangent(c):
    # log|det| is real: a complex cotangent reaching it (from * c) pairs through
    # its real part; real(logabsdet * 1j) is identically 0, so its gradient is 0
    A = np.array([[1.0 + 2.0j, 0.5], [0.3j, 2.0 - 1.0j]])

    def f(m, lib):
        return lib.real(lib.linalg.slogdet(m)[1] * c) + lib.abs(m[0, 0]) ** 2

    g = ad.grad(lambda m: f(m, dnp))(A)
    np.testing.assert_allclose(g, _wirtinger_grad_fd(lambda m: f(m, np), A), atol=1e-8)
    if c == 1j:
        assert np.allclose(g, _wirtinger_grad_fd(lambda m: np.abs(m[0, 0]) ** 2, A), atol=1e-8)
    # second order: hvp against differences of the gradient itself
    v = np.array([[0.2 - 0.1j, 1.0j], [0.5, -0.3 + 0.4j]])
    hv = ad.hvp(lambda m: f(m, dnp), (A,), (v,))
    gr = ad.grad(lambda m: f(m, dnp))
    np.testing.assert_allclose(hv, (gr(A + 1e-6 * v) - gr(A - 1e-6 * v)) / 2e-6, atol=1e-6)
