"""Eigenvector derivatives of ``eig`` keep NumPy's (and SciPy's) unit-length
columns.  The rule used to differentiate a free complex scale per column
(``diag(V^-1 dV) = 0``), so functions of the returned vectors that depend on
their length -- such as ``|V|**2`` -- got wrong derivatives (100 % error)
while being invariant under the phase, the only freedom NumPy leaves.

Truths:

* a 2x2 matrix ``[[a, b], [c, d]]``: the eigenvector of ``lam`` is
  proportional to ``(b, lam - a)``, so ``|v_0|^2 = b^2 / (b^2 + |lam - a|^2)``
  in closed form; its derivatives were computed with mpmath (mp.dps = 40,
  ``mpmath.diff`` of that closed form, with NumPy's eigenvalue order);
* a 3x3 matrix: Richardson-extrapolated central differences of NumPy's and
  SciPy's own ``eig`` (eigenvalue gaps >= 1.6, well conditioned).
"""
import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as L
from tests._derivatives import richardson_jacobian

W = np.array([[1.0, 2.0], [3.0, 4.0]])


def _weighted_abs2(a):
    return dnp.sum(dnp.abs(dnp.linalg.eig(a)[1]) ** 2 * W)


# (A, gradient, Hessian over A.ravel()) -- mpmath, see the module docstring
REAL = (np.array([[2.0, 1.0], [0.5, -1.0]]),      # eigenvalues 2.158, -1.158
        [0.071111111111111111, -0.32, 0.21333333333333333, -0.071111111111111111],
        [[-0.052148148148148148, 0.1517037037037037, -0.13274074074074074, 0.052148148148148148],
         [0.1517037037037037, -0.16118518518518519, 0.052148148148148148, -0.1517037037037037],
         [-0.13274074074074074, 0.052148148148148148, 0.26548148148148148, 0.13274074074074074],
         [0.052148148148148148, -0.1517037037037037, 0.13274074074074074, -0.052148148148148148]])
COMPLEX = (np.array([[1.0, -2.0], [1.5, 0.5]]),   # eigenvalues 0.75 +- 1.714j
           [0.0, 0.48979591836734694, 0.65306122448979592, 0.0],
           [[0.0, 0.0, 0.0, 0.0],
            [0.0, 0.27988338192419825, 0.046647230320699708, 0.0],
            [0.0, 0.046647230320699708, -0.37317784256559767, 0.0],
            [0.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize("case", [REAL, COMPLEX], ids=["real-spectrum", "complex-pair"])
def test_first_order_matches_closed_form(case):
    a, g, _ = case
    g = np.array(g).reshape(2, 2)
    assert np.allclose(ad.grad(_weighted_abs2)(a), g, rtol=1e-12, atol=1e-13)
    assert np.allclose(ad.jacfwd(_weighted_abs2)(a), g, rtol=1e-12, atol=1e-13)
    t = np.array([[0.3, -0.7], [1.1, 0.2]])
    assert ad.jvp(_weighted_abs2, (a,), (t,))[1] == pytest.approx(np.sum(g * t), rel=1e-12, abs=1e-13)


@pytest.mark.parametrize("case", [REAL, COMPLEX], ids=["real-spectrum", "complex-pair"])
@pytest.mark.parametrize("second", [
    ad.hessian,
    lambda f: ad.jacfwd(ad.jacfwd(f)),
    lambda f: ad.jacrev(ad.jacrev(f)),
    lambda f: ad.jacrev(ad.jacfwd(f)),
], ids=["hessian", "fwd-fwd", "rev-rev", "rev-fwd"])
def test_second_order_matches_closed_form(case, second):
    a, _, h = case
    h = np.array(h).reshape(2, 2, 2, 2)
    assert np.allclose(second(_weighted_abs2)(a), h, rtol=1e-10, atol=1e-12)


def test_three_by_three_and_float32_against_numpy_differences():
    rng = np.random.default_rng(9)
    m = rng.standard_normal((3, 3)) + 3 * np.eye(3)       # eigenvalues 0.137, 3.22, 4.86
    w9 = np.arange(9.0).reshape(3, 3)

    def plain(d):
        return np.sum(np.abs(np.linalg.eig(m + np.diag(d))[1]) ** 2 * w9)

    def traced(d):
        return dnp.sum(dnp.abs(dnp.linalg.eig(m + dnp.diag(d))[1]) ** 2 * w9)
    d0 = np.array([0.1, 0.2, -0.3])
    fd = richardson_jacobian(plain, (d0,), 0, h=1e-3)
    assert np.allclose(ad.grad(traced)(d0), fd, rtol=1e-8, atol=1e-10)
    assert np.allclose(ad.jacfwd(traced)(d0), fd, rtol=1e-8, atol=1e-10)
    g32 = ad.grad(traced)(d0.astype(np.float32))
    assert g32.dtype == np.float32
    assert np.allclose(g32, fd, rtol=2e-4, atol=1e-5)


def test_generalized_eig_vectors_against_scipy_differences():
    rng = np.random.default_rng(9)
    a = np.array([[1.0, -2.0, 0.3], [2.0, 1.0, 0.5], [0.1, 0.4, 3.0]])
    b = rng.standard_normal((3, 3)) + 4 * np.eye(3)
    w9 = np.arange(9.0).reshape(3, 3)

    def plain(da, db):
        return np.sum(np.abs(sl.eig(a + np.diag(da), b + np.diag(db))[1]) ** 2 * w9)

    def traced(da, db):
        return dnp.sum(dnp.abs(L.eig(a + dnp.diag(da), b + dnp.diag(db))[1]) ** 2 * w9)
    z = np.zeros(3)
    for k in (0, 1):
        fd = richardson_jacobian(plain, (z, z), k, h=1e-3)
        assert np.allclose(ad.grad(traced, argnums=k)(z, z), fd, rtol=1e-8, atol=1e-10)
        assert np.allclose(ad.jacfwd(traced, argnums=k)(z, z), fd, rtol=1e-8, atol=1e-10)
