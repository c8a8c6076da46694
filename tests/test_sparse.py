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


@pytest.mark.parametrize("fmt", ["coo", "csr", "dok"])
@pytest.mark.parametrize("complex_", [False, True])
def test_one_dimensional_sparse_array(fmt, complex_):
    # a 1-D sparse array v (n,): v @ x contracts x's first axis, x @ v its last,
    # as SciPy's own product does; the truth is the dense vector's closed forms
    d = np.array([1.5, 0.0, -2.0, 0.0, 0.5])
    if complex_:
        d = d + 1j * np.array([0.5, 0.0, 1.0, 0.0, -1.0])
    v = getattr(scipy.sparse, f"{fmt}_array")(d)
    assert v.shape == (5,)
    x, X, Y = RNG.standard_normal(5), RNG.standard_normal((5, 3)), RNG.standard_normal((2, 5))
    for a, b, ref in ((v, x, d @ x), (v, X, d @ X), (x, v, x @ d), (Y, v, Y @ d)):
        dense = b if a is v else a
        f = (lambda t: sparse.matmul(v, t)) if a is v else (lambda t: sparse.matmul(t, v))
        np.testing.assert_allclose(sparse.matmul(a, b), ref, rtol=1e-14)     # plain
        np.testing.assert_allclose(np.asarray(a @ b), ref, rtol=1e-14)       # SciPy's
        val, tan = ad.jvp(f, (dense,), (dense,))
        assert np.shape(val) == np.shape(ref)
        np.testing.assert_allclose(val, ref, rtol=1e-14)
        np.testing.assert_allclose(tan, ref, rtol=1e-14)       # linear: f'(x) x = f(x)
        # the Jacobian: d(v @ X)[j] / dX[k, l] = d[k] delta_jl, d(Y @ v)[i] / dY[k, l]
        # = delta_ik d[l]; for vectors simply d
        if dense.ndim == 1:
            J_true = d
        elif a is v:
            J_true = np.einsum("k,jl->jkl", d, np.eye(3))
        else:
            J_true = np.einsum("ik,l->ikl", np.eye(2), d)
        for jac in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(jac(f)(dense.astype(complex))
                                       if complex_ else jac(f)(dense), J_true, atol=1e-15)
    # real input, complex v: the cotangent is Re(d g) (the transpose convention)
    if complex_:
        g = 0.3 - 0.7j
        np.testing.assert_allclose(ad.vjp(lambda t: sparse.matmul(v, t), x)[1](g)[0],
                                   np.real(d * g), rtol=1e-14)
    else:
        # second order, every nesting: |v . x|^2 has gradient 2 (d . x) d and
        # Hessian 2 d d^T; v @ X @ w is linear, so its Hessian is 0
        f2 = lambda t: sparse.matmul(v, t) ** 2       # noqa: E731
        H_true = 2 * np.outer(d, d)
        np.testing.assert_allclose(ad.grad(f2)(x), 2 * (d @ x) * d, rtol=1e-14)
        for H in (ad.hessian(f2)(x), ad.jacfwd(ad.jacfwd(f2))(x),
                  ad.jacrev(ad.jacrev(f2))(x), ad.jacfwd(ad.grad(f2))(x)):
            np.testing.assert_allclose(H, H_true, rtol=1e-14, atol=1e-15)
        f3 = lambda t: dnp.sum(sparse.matmul(t, v) ** 3)   # noqa: E731
        # sum_i (Y d)_i^3: Hessian 6 (Y d)_i delta_ik d[l] d[n]
        Yd = Y @ d
        H3 = np.einsum("ik,im,i,l,n->ilkn", np.eye(2), np.eye(2), 6 * Yd, d, d)
        for H in (ad.hessian(f3)(Y), ad.jacrev(ad.jacfwd(f3))(Y)):
            np.testing.assert_allclose(H, H3, rtol=1e-13, atol=1e-14)
