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
