"""dualad.scipy.sparse.matmul: a scipy.sparse constant times a traced dense
array, checked against the dense product's closed-form derivatives."""
import numpy as np
import pytest
import scipy.sparse

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import sparse

RNG = np.random.default_rng(5)


def _matrix(fmt, complex_=False, shape=(6, 4)):
    d = RNG.standard_normal(shape) * (RNG.random(shape) < 0.5)
    if complex_:
        d = d + 1j * RNG.standard_normal(shape) * (d != 0)
    return getattr(scipy.sparse, f"{fmt}_matrix")(d), d


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_values_and_derivatives_of_sparse_times_dense(fmt):
    S, D = _matrix(fmt)
    w = RNG.standard_normal(4)
    M = RNG.standard_normal((4, 3))
    assert np.allclose(ad.jvp(lambda w: sparse.matmul(S, w), (w,), (w,))[0], D @ w)
    # grad of |S w|^2 = 2 D^T D w, hessian 2 D^T D
    np.testing.assert_allclose(ad.grad(lambda w: dnp.sum(sparse.matmul(S, w) ** 2))(w),
                               2 * D.T @ D @ w, rtol=1e-13)
    np.testing.assert_allclose(ad.hessian(lambda w: dnp.sum(sparse.matmul(S, w) ** 2))(w),
                               2 * D.T @ D, rtol=1e-13)
    # the Jacobian of S M in both modes is D (x) I
    for jac in (ad.jacfwd, ad.jacrev):
        J = jac(lambda m: sparse.matmul(S, m))(M)
        np.testing.assert_allclose(J, np.einsum("ij,kl->ikjl", D, np.eye(3)), atol=1e-15)
    # dense on the left: x S, 1-D and 2-D
    v = RNG.standard_normal(6)
    np.testing.assert_allclose(ad.jacrev(lambda v: sparse.matmul(v, S))(v), D.T, atol=1e-15)
    X = RNG.standard_normal((2, 6))
    # d(X D)[i, j] / dX[k, l] = delta_ik D[l, j]
    np.testing.assert_allclose(ad.jacfwd(lambda x: sparse.matmul(x, S))(X),
                               np.einsum("ik,lj->ijkl", np.eye(2), D), atol=1e-15)


def test_complex_sparse_matrix_follows_the_transpose_convention():
    S, D = _matrix("csr", complex_=True)
    w = RNG.standard_normal(4)
    G = RNG.standard_normal(6) + 1j * RNG.standard_normal(6)
    out, back = ad.vjp(lambda w: sparse.matmul(S, w), w)
    # real w: the cotangent is Re(D^T g) (pairing Re(sum(a * b)))
    np.testing.assert_allclose(back(G)[0], np.real(D.T @ G), rtol=1e-13)
    z = w + 1j * RNG.standard_normal(4)
    out, back = ad.vjp(lambda z: sparse.matmul(S, z), z)
    np.testing.assert_allclose(back(G)[0], D.T @ G, rtol=1e-13)


def test_plain_operands_and_refusals():
    S, D = _matrix("csr")
    w = RNG.standard_normal(4)
    assert np.allclose(sparse.matmul(S, w), D @ w)
    with pytest.raises(TypeError, match="exactly one operand"):
        sparse.matmul(w, w)


def test_sparse_at_traced_value_points_to_dualad():
    S, _ = _matrix("csr")
    with pytest.raises(TypeError, match=r"dualad\.scipy\.sparse\.matmul"):
        ad.grad(lambda w: dnp.sum((S @ w) ** 2))(np.ones(4))


@pytest.mark.parametrize("shape, dense", [((0, 3), (3,)), ((3, 0), (0,)), ((2, 3), (3, 0)),
                                          ((0, 0), (0,))])
def test_empty_shapes(shape, dense):
    S = scipy.sparse.csr_array(np.zeros(shape))
    x = np.ones(dense)
    ref = S @ x
    out, t = ad.jvp(lambda x: sparse.matmul(S, x), (x,), (x,))
    assert out.shape == t.shape == ref.shape
    assert ad.grad(lambda x: dnp.sum(sparse.matmul(S, x)))(x).shape == x.shape
    assert ad.jacfwd(lambda x: sparse.matmul(S, x))(x).shape == ref.shape + x.shape
    assert ad.jacrev(lambda x: sparse.matmul(S, x))(x).shape == ref.shape + x.shape
