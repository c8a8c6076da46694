"""Element-wise functions: values equal NumPy's, derivatives equal closed forms,
plain ``numpy.<ufunc>`` calls on traced values reach dualad's rules, and the
documented conventions hold."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

X = np.array([0.3, -1.2, 0.7, 1.9])
Y = np.array([0.8, 0.5, -0.4, 1.1])


def d(f, x):
    """Element-wise derivative of ``f`` at ``x`` (a diagonal Jacobian)."""
    return ad.grad(lambda a: dnp.sum(f(a)))(x)


@pytest.mark.parametrize("name, deriv", [
    ("cbrt", lambda x: np.cbrt(x) / (3 * x)),
    ("exp2", lambda x: np.exp2(x) * np.log(2)),
    ("log2", lambda x: 1 / (x * np.log(2))),
    ("log10", lambda x: 1 / (x * np.log(10))),
    ("deg2rad", lambda x: np.full_like(x, np.pi / 180)),
    ("rad2deg", lambda x: np.full_like(x, 180 / np.pi)),
    ("radians", lambda x: np.full_like(x, np.pi / 180)),
    ("degrees", lambda x: np.full_like(x, 180 / np.pi)),
    ("sinc", lambda x: (np.cos(np.pi * x) - np.sinc(x)) / x),
    ("fabs", np.sign),
    ("arcsinh", lambda x: 1 / np.sqrt(x * x + 1)),
])
def test_unary_closed_forms(name, deriv):
    x = np.abs(X) + 0.5 if name.startswith("log") else X
    ours = getattr(dnp, name)
    np.testing.assert_allclose(ours(x), getattr(np, name)(x))
    np.testing.assert_allclose(d(ours, x), deriv(x), rtol=1e-12)
    # plain numpy on a traced value dispatches to the same rule
    np.testing.assert_allclose(d(getattr(np, name), x), deriv(x), rtol=1e-12)


@pytest.mark.parametrize("name, dx, dy", [
    ("hypot", lambda x, y: x / np.hypot(x, y), lambda x, y: y / np.hypot(x, y)),
    ("logaddexp", lambda x, y: 1 / (1 + np.exp(y - x)), lambda x, y: 1 / (1 + np.exp(x - y))),
    ("logaddexp2", lambda x, y: 1 / (1 + 2 ** (y - x)), lambda x, y: 1 / (1 + 2 ** (x - y))),
    ("copysign", lambda x, y: np.sign(x) * np.sign(y), lambda x, y: 0 * x),
    ("mod", lambda x, y: 1 + 0 * x, lambda x, y: -np.floor(x / y)),
    ("remainder", lambda x, y: 1 + 0 * x, lambda x, y: -np.floor(x / y)),
    ("fmod", lambda x, y: 1 + 0 * x, lambda x, y: -np.trunc(x / y)),
    ("fmax", lambda x, y: (x > y) * 1.0, lambda x, y: (y > x) * 1.0),
    ("fmin", lambda x, y: (x < y) * 1.0, lambda x, y: (y < x) * 1.0),
])
def test_binary_closed_forms(name, dx, dy):
    ours = getattr(dnp, name)
    np.testing.assert_allclose(ours(X, Y), getattr(np, name)(X, Y))
    gx, gy = ad.grad(lambda a, b: dnp.sum(getattr(np, name)(a, b)), argnums=(0, 1))(X, Y)
    np.testing.assert_allclose(gx, dx(X, Y), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(gy, dy(X, Y), rtol=1e-12, atol=1e-15)


def test_float_power_and_broadcasting():
    x, y = np.abs(X)[:, None] + 0.2, Y[None, :]
    check_grads(dnp.float_power, (x, y), order=2)
    np.testing.assert_allclose(dnp.float_power(x, y), np.float_power(x, y))


def test_sinc_smooth_at_zero():
    assert float(ad.grad(dnp.sinc)(0.0)) == 0.0
    assert float(ad.grad(ad.grad(dnp.sinc))(0.0)) == pytest.approx(-np.pi ** 2 / 3, rel=1e-12)
    check_grads(dnp.sinc, (np.array([0.0, 0.01, -0.049, 0.051]),), order=2)


def test_hypot_at_origin_is_finite():
    g = ad.grad(lambda a: dnp.hypot(a, 0.0))(0.0)
    assert float(g) == 0.0


def test_nan_to_num_zero_derivative_at_replaced_entries():
    x = np.array([1.0, np.nan, np.inf, -2.0])
    np.testing.assert_array_equal(dnp.nan_to_num(x, posinf=5.0), np.nan_to_num(x, posinf=5.0))
    np.testing.assert_array_equal(d(dnp.nan_to_num, x), [1.0, 0.0, 0.0, 1.0])


def test_heaviside_derivative_only_in_x2_at_zero():
    x1 = np.array([0.0, 1.0, -1.0])
    np.testing.assert_array_equal(
        ad.grad(lambda b: dnp.sum(np.heaviside(x1, b)))(np.array([0.5, 0.5, 0.5])), [1, 0, 0])


def test_frexp_ldexp_modf_divmod():
    m, e = dnp.frexp(X)
    np.testing.assert_array_equal((m, e), np.frexp(X))
    np.testing.assert_allclose(d(lambda a: dnp.frexp(a)[0], X), 2.0 ** -e)
    np.testing.assert_allclose(d(lambda a: dnp.ldexp(a, 3), X), 8.0)
    frac, whole = dnp.modf(X)
    np.testing.assert_array_equal((frac, whole), np.modf(X))
    np.testing.assert_allclose(d(lambda a: dnp.modf(a)[0], X), 1.0)
    q, r = dnp.divmod(X, 0.7)
    np.testing.assert_allclose((q, r), np.divmod(X, 0.7))
    np.testing.assert_allclose(d(lambda a: np.divmod(a, 0.7)[1], X), 1.0)


def test_integer_valued_functions_trace_with_zero_derivative():
    def f(a):
        z = (np.floor(a) + np.ceil(a) + np.trunc(a) + np.rint(a) + np.round(a, 1)
             + np.sign(a) + np.isfinite(a) + (a > 0) + np.isnan(a))
        assert isinstance(z, np.ndarray)
        return dnp.sum(a * z)
    x = X
    expected = (np.floor(x) + np.ceil(x) + np.trunc(x) + np.rint(x) + np.round(x, 1)
                + np.sign(x) + 1 + (x > 0))
    np.testing.assert_allclose(ad.grad(f)(x), expected)


def test_conventions_abs_maximum_clip():
    assert float(ad.grad(dnp.abs)(0.0)) == 0.0
    assert float(ad.grad(lambda a: dnp.maximum(a, 1.0))(1.0)) == 0.5
    assert float(ad.grad(lambda a: dnp.minimum(a, a))(1.0)) == 1.0
    assert float(ad.grad(lambda a: dnp.clip(a, -1.0, 1.0))(-1.0)) == 1.0
