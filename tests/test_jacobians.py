"""Jacobians, Hessians and Hessian-vector products (dualad.jacobians)."""
import numpy as np
import pytest
from scipy.optimize import rosen_der, rosen_hess, rosen_hess_prod

import dualad as ad
import dualad.numpy as dnp
from dualad.forward import jvp_flat
from dualad.jacobians import explain_mode
from dualad.reverse import vjp_flat

RNG = np.random.default_rng(1234)


def rosen(x):
    """SciPy's Rosenbrock, written with dualad.numpy (any input shape)."""
    x = dnp.ravel(x)
    return dnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def fd_jacobian(f, x, eps=1e-6):
    """Central finite differences, shape out.shape + in.shape."""
    x = np.asarray(x, dtype=float)
    f0 = np.asarray(f(x))
    J = np.zeros(f0.shape + (x.size,))
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        J[..., k] = (np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps)
    return J.reshape(f0.shape + x.shape)


# ---------------------------------------------------------------------------
# against SciPy's hand-written Rosenbrock derivatives
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 3, 10, 57])
def test_rosenbrock_against_scipy(n):
    x = RNG.normal(size=n)
    v = RNG.normal(size=n)
    np.testing.assert_allclose(ad.jacobian(rosen)(x), rosen_der(x), rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(ad.jacfwd(rosen)(x), rosen_der(x), rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(ad.jacrev(rosen)(x), rosen_der(x), rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(ad.hessian(rosen)(x), rosen_hess(x), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ad.hvp(rosen, (x,), (v,)), rosen_hess_prod(x, v),
                               rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ad.jacobian(ad.grad(rosen))(x), rosen_hess(x),
                               rtol=1e-12, atol=1e-9)


def test_rosenbrock_matrix_input():
    X = RNG.normal(size=(3, 4))
    H = ad.hessian(rosen)(X)
    assert H.shape == (3, 4, 3, 4)
    np.testing.assert_allclose(H.reshape(12, 12), rosen_hess(X.ravel()), rtol=1e-12, atol=1e-9)
    V = RNG.normal(size=(3, 4))
    hv = ad.hvp(rosen, (X,), (V,))
    assert hv.shape == (3, 4)
    np.testing.assert_allclose(hv.ravel(), rosen_hess_prod(X.ravel(), V.ravel()),
                               rtol=1e-12, atol=1e-9)
