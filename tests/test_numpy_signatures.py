"""Keyword arguments of NumPy 2.x's own signatures, on traced values.

The contract promises NumPy's own signatures; these calls work in NumPy and
used to fail on traced values with "_astype_impl() got an unexpected keyword
argument 'copy'" and the like.  Truths: NumPy's value, closed-form derivatives.
"""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


@pytest.mark.parametrize("astype", [np.astype, dnp.astype])
@pytest.mark.parametrize("kw", [{"copy": False}, {"copy": True}, {"device": "cpu"},
                                {"copy": False, "device": "cpu"}])
def test_astype_copy_and_device(astype, kw):
    f = lambda x: astype(x, np.float32, **kw) ** 2
    np.testing.assert_array_equal(ad.jvp(f, (X,), (np.ones_like(X),))[0],
                                  np.astype(X, np.float32) ** 2)
    g = ad.grad(lambda x: dnp.sum(f(x)))(X)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * X, rtol=1e-7)       # float32 rounding of 2x
    h = ad.hessian(lambda x: dnp.sum(astype(x, np.float64, **kw) ** 3))(X[0])
    np.testing.assert_allclose(h, np.diag(6 * X[0]), rtol=1e-15)


def test_astype_device_other_than_cpu_is_refused_as_numpy_does():
    with pytest.raises(ValueError, match="device"):
        ad.grad(lambda x: dnp.sum(dnp.astype(x, np.float32, device="gpu")))(X)


def test_astype_copy_false_on_a_plain_array_is_numpys():
    y = dnp.astype(X, np.float64, copy=False)
    assert y is X


@pytest.mark.parametrize("matmul", [np.matmul, dnp.matmul])
def test_matmul_dtype(matmul):
    A = np.arange(6.0).reshape(3, 2) / 7
    f = lambda x: matmul(x, A, dtype=np.float32)
    out, tan = ad.jvp(f, (X,), (np.ones_like(X),))
    assert out.dtype == tan.dtype == np.float32
    np.testing.assert_array_equal(out, np.matmul(X, A, dtype=np.float32))
    np.testing.assert_allclose(tan, np.ones_like(X) @ A, rtol=1e-6)
    # d/dx sum((x A)^2) = 2 (x A) A^T, computed in float32, handed back as float64
    g = ad.grad(lambda x: dnp.sum(f(x) ** 2))(X)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * (X @ A) @ A.T, rtol=1e-6)
    gA = ad.grad(lambda a: dnp.sum(matmul(X, a, dtype=np.float64, casting="same_kind")))(A)
    np.testing.assert_allclose(gA, X.sum(0)[:, None] * np.ones((1, 2)), rtol=1e-15)


def test_matmul_keywords_refused_with_what_to_do():
    A = np.ones((3, 2))
    with pytest.raises(TypeError, match="casting rule 'safe'"):
        ad.grad(lambda x: dnp.sum(np.matmul(x, A, dtype=np.int64, casting="safe")))(X)
    with pytest.raises(NotImplementedError, match="axes=.*moveaxis"):
        ad.grad(lambda x: dnp.sum(np.matmul(x, x.T, axes=[(-2, -1), (-2, -1), (-2, -1)])))(X)
    with pytest.raises(TypeError, match="out="):
        ad.grad(lambda x: dnp.sum(np.matmul(x, A, out=np.zeros((2, 2)))))(X)
    # plain operands: NumPy's own matmul with every keyword
    np.testing.assert_array_equal(dnp.matmul(X, X.T, axes=[(-2, -1), (-2, -1), (-2, -1)]),
                                  np.matmul(X, X.T, axes=[(-2, -1), (-2, -1), (-2, -1)]))


def test_asarray_device_full_like_device_array_ndmax():
    def f(x):
        a = dnp.asarray(x, device="cpu")
        b = dnp.full_like(X, x[0, 0], device="cpu")
        c = dnp.array(x, ndmax=2)
        return dnp.sum(a * b + c)
    g = ad.grad(f)(X)
    want = X[0, 0] + 1.0 + np.zeros_like(X)
    want[0, 0] += X.sum()
    np.testing.assert_allclose(g, want, rtol=1e-15)
    np.testing.assert_array_equal(dnp.array([1.0, 2.0], ndmax=1), np.array([1.0, 2.0], ndmax=1))
    with pytest.raises(ValueError, match="device"):
        ad.grad(lambda x: dnp.sum(dnp.asarray(x, device="gpu")))(X)
