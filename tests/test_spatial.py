"""dualad.scipy.spatial.distance against SciPy's values, closed forms and central
differences of SciPy's own functions (never dualad's)."""
import warnings

import numpy as np
import pytest
import scipy.spatial.distance as ssd

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy.spatial import distance as D

rng = np.random.default_rng(7)
A = rng.normal(size=(4, 3))
B = rng.normal(size=(3, 3))
W = rng.uniform(0.5, 2.0, 3)
P = rng.uniform(0.1, 1.0, size=(4, 3))
Q = rng.uniform(0.1, 1.0, size=(3, 3))
VI = np.linalg.inv(np.cov(np.vstack([A, B]).T)).T

CASES = [("euclidean", {}), ("sqeuclidean", {}), ("euclidean", {"w": W}),
         ("sqeuclidean", {"w": W}), ("cityblock", {}), ("cityblock", {"w": W}),
         ("chebyshev", {}), ("chebyshev", {"w": np.array([1.0, 0.0, 2.0])}),
         ("minkowski", {"p": 3.0}), ("minkowski", {"p": 1.5, "w": W}),
         ("minkowski", {"p": np.inf}), ("cosine", {}), ("cosine", {"w": W}),
         ("correlation", {}), ("correlation", {"w": W}), ("braycurtis", {}),
         ("braycurtis", {"w": W}), ("canberra", {}), ("canberra", {"w": W}),
         ("seuclidean", {}), ("seuclidean", {"V": W}), ("mahalanobis", {}),
         ("mahalanobis", {"VI": VI}), ("jensenshannon", {}), ("euclid", {})]


def _data(m):
    return (P, Q) if m == "jensenshannon" else (A, B)


def _fd(f, x, h=1e-6):
    """Central differences of the plain function f (SciPy's) in every entry of x."""
    x = np.asarray(x, float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        cols.append((np.asarray(f(x + e.reshape(x.shape))) - np.asarray(f(x - e.reshape(x.shape)))) / (2 * h))
    return np.moveaxis(np.array(cols).reshape(x.shape + np.shape(f(x))), list(range(x.ndim)),
                       list(range(-x.ndim, 0)))


@pytest.mark.parametrize("m,kw", CASES, ids=[f"{m}-{'-'.join(kw)}" for m, kw in CASES])
def test_cdist_pdist_values_and_jacobians(m, kw):
    a, b = _data(m)
    ref = ssd.cdist(a, b, m, **kw)
    val, tan = ad.jvp(lambda x: D.cdist(x, b, m, **kw), (a,), (np.ones_like(a),))
    np.testing.assert_allclose(val, ref, rtol=1e-13 if m != "jensenshannon" else 1e-12, atol=0)
    J = ad.jacrev(lambda x, y: D.cdist(x, y, m, **kw), argnums=(0, 1))(a, b)
    np.testing.assert_allclose(J[0], _fd(lambda x: ssd.cdist(x, b, m, **kw), a), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(J[1], _fd(lambda y: ssd.cdist(a, y, m, **kw), b), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(tan, J[0].sum(axis=(-2, -1)), rtol=1e-12, atol=1e-13)
    refp = ssd.pdist(a, m, **kw)
    np.testing.assert_allclose(D.pdist(ad.stop_gradient(a) + 0 * dnp.zeros(1)) if False else
                               ad.jvp(lambda x: D.pdist(x, m, **kw), (a,), (a,))[0], refp,
                               rtol=1e-12, atol=0)
    Jp = ad.jacfwd(lambda x: D.pdist(x, m, **kw))(a)
    np.testing.assert_allclose(Jp, _fd(lambda x: ssd.pdist(x, m, **kw), a), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("m,key", [("euclidean", "w"), ("cityblock", "w"), ("cosine", "w"),
                                   ("braycurtis", "w"), ("canberra", "w"),
                                   ("correlation", "w"), ("seuclidean", "V"),
                                   ("mahalanobis", "VI"), ("minkowski", "p")])
def test_parameter_derivatives(m, key):
    par = {"VI": VI, "p": 2.5}.get(key, W)
    extra = {"w": W} if m == "minkowski" else {}
    f = lambda t: D.cdist(A, B, m, **{key: t}, **extra)
    g = lambda t: ssd.cdist(A, B, m, **{key: t}, **extra)
    Jr = ad.jacrev(f)(par)
    Jf = ad.jacfwd(f)(par)
    np.testing.assert_allclose(Jr, _fd(g, par), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(Jf, Jr, rtol=1e-12, atol=1e-14)


def test_vector_functions():
    u, v = A[0], B[0]
    calls = [("euclidean", {}), ("euclidean", {"w": W}), ("sqeuclidean", {}),
             ("cityblock", {"w": W}), ("chebyshev", {}), ("minkowski", {"p": 3, "w": W}),
             ("cosine", {}), ("correlation", {"w": W}), ("correlation", {"centered": False}),
             ("braycurtis", {}), ("canberra", {}), ("seuclidean", {"V": W}),
             ("mahalanobis", {"VI": VI})]
    for name, kw in calls:
        f, g = getattr(D, name), getattr(ssd, name)
        assert f(u, v, **kw) == g(u, v, **kw)                 # plain: SciPy's own
        val, gr = ad.value_and_grad(lambda x: f(x, v, **kw))(u)
        np.testing.assert_allclose(val, g(u, v, **kw), rtol=1e-14)
        np.testing.assert_allclose(gr, _fd(lambda x: g(x, v, **kw), u), rtol=1e-6, atol=1e-8)
        H = ad.hessian(lambda x: f(x, v, **kw))(u)
        np.testing.assert_allclose(H, _fd(lambda x: _fd(lambda y: g(y, v, **kw), x), u, 1e-4),
                                   rtol=1e-4, atol=1e-5)


def test_euclidean_closed_forms_and_second_order():
    u, v = A[0], B[0]
    d = np.linalg.norm(u - v)
    r = u - v
    np.testing.assert_allclose(ad.grad(D.euclidean)(u, v), r / d, rtol=1e-15)
    H = ad.hessian(D.euclidean)(u, v)
    np.testing.assert_allclose(H, (np.eye(3) - np.outer(r, r) / d ** 2) / d, rtol=1e-13, atol=1e-15)
    Hf = ad.jacfwd(ad.jacfwd(D.euclidean))(u, v)
    Hr = ad.jacrev(ad.jacrev(D.euclidean))(u, v)
    np.testing.assert_allclose(Hf, H, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(Hr, H, rtol=1e-13, atol=1e-15)


def test_gp_kernel_at_zero_distance_no_nan():
    # k(X) = exp(-cdist(X, X)^2): the diagonal has distance 0. Closed form through the
    # squared distances: d/dX_i sum_j K_ij = sum_j -2 K_ij * 2 (X_i - X_j)
    X = A
    loss = lambda X: dnp.sum(dnp.exp(-D.cdist(X, X) ** 2))
    loss_sq = lambda X: dnp.sum(dnp.exp(-D.cdist(X, X, "sqeuclidean")))
    K = np.exp(-ssd.cdist(X, X, "sqeuclidean"))
    diff = X[:, None, :] - X[None, :, :]
    closed = -4.0 * np.einsum("ij,ijk->ik", K, diff)
    for f in (loss, loss_sq):
        g = ad.grad(f)(X)
        np.testing.assert_allclose(g, closed, rtol=1e-13, atol=1e-14)
        gf = ad.jacfwd(f)(X)
        np.testing.assert_allclose(gf, closed, rtol=1e-13, atol=1e-14)
        H = ad.hessian(f)(X)
        assert np.all(np.isfinite(H))
        np.testing.assert_allclose(H, ad.hessian(loss_sq)(X), rtol=1e-12, atol=1e-12)
        Hff = ad.jacfwd(ad.jacfwd(f))(X)
        np.testing.assert_allclose(Hff, H, rtol=1e-12, atol=1e-12)
    # the same with pdist + squareform
    lp = lambda X: dnp.sum(dnp.exp(-D.squareform(D.pdist(X)) ** 2))
    np.testing.assert_allclose(ad.grad(lp)(X), closed, rtol=1e-13, atol=1e-14)


def test_zero_distance_convention_matches_norm():
    z = np.zeros(3)
    for f in (D.euclidean, lambda u, v: D.minkowski(u, v, 3.0), lambda u, v: D.seuclidean(u, v, W),
              lambda u, v: D.mahalanobis(u, v, VI)):
        np.testing.assert_array_equal(ad.grad(f)(z, z), ad.grad(dnp.linalg.norm)(z))
        np.testing.assert_array_equal(ad.hessian(f)(z, z), np.zeros((3, 3)))
        np.testing.assert_array_equal(ad.jvp(lambda x: f(x, z), (z,), (np.ones(3),))[1], 0.0)
    G = ad.jacrev(lambda X: D.cdist(X, X))(A)
    assert np.all(np.isfinite(G))


def test_close_points_accuracy():
    # SciPy computes differences directly; so do the values and rules here
    X = np.array([[1e6, 1e6, 1e6], [1e6 + 1e-4, 1e6, 1e6]])
    np.testing.assert_allclose(D.cdist(ad.stop_gradient(X), X)[0, 1] if False else
                               ad.jvp(lambda x: D.cdist(x, X), (X,), (X,))[0], ssd.cdist(X, X),
                               rtol=1e-12)
    g = ad.grad(lambda x: D.cdist(x, X)[0, 1])(X)
    np.testing.assert_allclose(g[0], [-1.0, 0.0, 0.0], rtol=1e-9)


def test_minkowski_p_closed_form():
    u, v, p = A[0], B[0], 2.5
    a = np.abs(u - v)
    S = np.sum(a ** p)
    M = S ** (1 / p)
    dp = M * (-np.log(S) / p ** 2 + np.sum(a ** p * np.log(a)) / (p * S))
    np.testing.assert_allclose(ad.grad(lambda p: D.minkowski(u, v, p))(p), dp, rtol=1e-13)


def test_jensenshannon():
    p, q = P[0], Q[0]
    for kw in ({}, {"base": 2.0}):
        val, gr = ad.value_and_grad(lambda x: D.jensenshannon(x, q, **kw))(p)
        np.testing.assert_allclose(val, ssd.jensenshannon(p, q, **kw), rtol=1e-14)
        np.testing.assert_allclose(gr, _fd(lambda x: ssd.jensenshannon(x, q, **kw), p), rtol=1e-6)
    Pm, Qm = P.T, Q[:1].T.repeat(4, axis=1)
    f = lambda x: D.jensenshannon(x, Qm, axis=0, keepdims=True)
    np.testing.assert_allclose(f(Pm), ssd.jensenshannon(Pm, Qm, axis=0, keepdims=True), rtol=1e-14)
    J = ad.jacrev(f)(Pm)
    np.testing.assert_allclose(J, _fd(lambda x: ssd.jensenshannon(x, Qm, axis=0, keepdims=True), Pm),
                               rtol=1e-6, atol=1e-8)
    gb = ad.grad(lambda b: D.jensenshannon(p, q, b))(3.0)
    np.testing.assert_allclose(gb, _fd(lambda b: ssd.jensenshannon(p, q, b), 3.0), rtol=1e-7)
    np.testing.assert_array_equal(ad.grad(lambda x: D.jensenshannon(x, p))(p), np.zeros(3))


def test_squareform_both_ways():
    d = ssd.pdist(A)
    M = ssd.squareform(d)
    val, tan = ad.jvp(D.squareform, (d,), (np.arange(1.0, 7.0),))
    np.testing.assert_array_equal(val, M)
    np.testing.assert_array_equal(tan, ssd.squareform(np.arange(1.0, 7.0)))
    val, tan = ad.jvp(D.squareform, (M,), (M * 2,))
    np.testing.assert_array_equal(val, d)
    np.testing.assert_array_equal(tan, 2 * d)
    g = ad.grad(lambda M: dnp.sum(D.squareform(M, checks=False) * np.arange(6.0)))(M)
    np.testing.assert_array_equal(g, np.triu(ssd.squareform(np.arange(6.0))))
    np.testing.assert_array_equal(ad.jacfwd(lambda d: D.squareform(d, force="tomatrix"))(d).sum(),
                                  12.0)
    e = ad.jvp(D.squareform, (np.zeros(0),), (np.zeros(0),))[0]
    assert e.shape == (1, 1)
    with pytest.raises(ValueError, match="symmetric"):
        ad.jvp(D.squareform, (np.triu(M),), (M,))
    f32 = ad.jvp(D.squareform, (d.astype(np.float32),), (d.astype(np.float32),))[0]
    assert f32.dtype == np.float32


def test_callable_metric():
    f = lambda u, v: dnp.sqrt(dnp.sum((u - v) ** 2))
    np.testing.assert_allclose(ad.jvp(lambda x: D.cdist(x, B, f), (A,), (A,))[0],
                               ssd.cdist(A, B), rtol=1e-14)
    np.testing.assert_allclose(ad.grad(lambda x: dnp.sum(D.pdist(x, f)))(A),
                               ad.grad(lambda x: dnp.sum(D.pdist(x)))(A), rtol=1e-13)


def test_float32_dtypes():
    a, b = A.astype(np.float32), B.astype(np.float32)
    val, tan = ad.jvp(lambda x: D.cdist(x, b), (a,), (a,))
    assert val.dtype == np.float64 and val.dtype == ssd.cdist(a, b).dtype
    np.testing.assert_allclose(val, ssd.cdist(a, b), rtol=1e-13)
    assert ad.grad(lambda x: dnp.sum(D.cdist(x, b)))(a).dtype == np.float32
    assert ad.grad(lambda x: dnp.sum(D.pdist(x, "cosine")))(a).dtype == np.float32
    for name in ("euclidean", "sqeuclidean", "braycurtis", "cosine"):
        ref = getattr(ssd, name)(a[0], b[0])
        got = ad.jvp(lambda x: getattr(D, name)(x, b[0]), (a[0],), (a[0],))[0]
        assert got.dtype == np.asarray(ref).dtype
        np.testing.assert_allclose(got, ref, rtol=1e-6)


def test_empty_and_errors():
    e = ad.jvp(lambda x: D.cdist(x, B), (np.zeros((0, 3)),), (np.zeros((0, 3)),))[0]
    assert e.shape == (0, 3)
    assert ad.jvp(D.pdist, (A[:1],), (A[:1],))[0].shape == (0,)
    with pytest.raises(ValueError, match="same number of columns"):
        ad.grad(lambda x: dnp.sum(D.cdist(x, B[:, :2])))(A)
    with pytest.raises(ValueError, match="2-dimensional"):
        ad.grad(lambda x: dnp.sum(D.cdist(x[0], B)))(A)
    with pytest.raises(NotImplementedError, match="hamming"):
        ad.grad(lambda x: dnp.sum(D.cdist(x, B, "hamming")))(A)
    with pytest.raises(ValueError, match="p must be greater than 0"):
        ad.grad(lambda x: D.minkowski(x, B[0], p=-1.0))(A[0])
    with pytest.raises(TypeError, match="out="):
        ad.grad(lambda x: dnp.sum(D.cdist(x, B, out=np.zeros((4, 3)))))(A)
    with pytest.raises(ValueError, match="non-negative"):
        ad.grad(lambda x: D.euclidean(x, B[0], -W))(A[0])
    np.testing.assert_array_equal(D.cdist(A, B, "hamming"), ssd.cdist(A, B, "hamming"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(ad.jvp(lambda x: D.cosine(x, B[0]), (np.zeros(3),), (np.ones(3),))[0])
