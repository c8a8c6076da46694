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


# ---------------------------------------------------------------------------
# shapes, against finite differences
# ---------------------------------------------------------------------------
A_TALL = RNG.normal(size=(20, 3))
A_WIDE = RNG.normal(size=(3, 20))
A_SQ = RNG.normal(size=(6, 6))
B3 = RNG.normal(size=(4, 2, 2, 3))


def tall(x):
    return dnp.tanh(A_TALL @ x) * x[0]


def wide(x):
    return dnp.sin(A_WIDE @ x) + dnp.sum(x ** 2)


def square(x):
    return dnp.exp(0.1 * (A_SQ @ x)) * x


def multi(x):  # (2, 3) -> (4, 2)
    return dnp.tensordot(B3, dnp.sin(x), axes=([2, 3], [0, 1])) + x[:, :2].sum() ** 2


def scalar_in(x):  # () -> (5,)
    return dnp.sin(x * dnp.arange(1.0, 6.0))


def scalar_out(x):  # (4,) -> ()
    return dnp.sum(dnp.cos(x) * x)


def scalar_scalar(x):
    return dnp.exp(dnp.sin(x))


CASES = [
    ("tall", tall, (3,)),
    ("wide", wide, (20,)),
    ("square", square, (6,)),
    ("multi", multi, (2, 3)),
    ("scalar_in", scalar_in, ()),
    ("scalar_out", scalar_out, (4,)),
    ("scalar_scalar", scalar_scalar, ()),
]


@pytest.mark.parametrize("name,f,shape", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_jacobian_against_finite_differences(name, f, shape, mode):
    x = RNG.normal(size=shape)
    if shape == ():
        x = np.float64(x)
    Jfd = fd_jacobian(f, x)
    Jad = ad.jacobian(f, mode=mode)(x)
    out_shape = np.shape(f(x))
    assert np.shape(Jad) == out_shape + np.shape(x)
    assert isinstance(Jad, (np.ndarray, np.generic))
    np.testing.assert_allclose(Jad, Jfd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name,f,shape", CASES, ids=[c[0] for c in CASES])
def test_modes_agree(name, f, shape):
    x = RNG.normal(size=shape)
    Jf = ad.jacfwd(f)(x)
    Jr = ad.jacrev(f)(x)
    np.testing.assert_allclose(Jf, Jr, rtol=1e-13, atol=1e-13)


def test_hessian_multi_dim_against_fd():
    def f(X):
        return dnp.sum(dnp.sin(X) * X[::-1, :]) + dnp.sum(X) ** 3
    X = RNG.normal(size=(2, 3))
    H = ad.hessian(f)(X)
    assert H.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(H, fd_jacobian(ad.grad(f), X), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(H, np.swapaxes(np.swapaxes(H, 0, 2), 1, 3), atol=1e-12)


# ---------------------------------------------------------------------------
# argnums, containers, has_aux, dtypes
# ---------------------------------------------------------------------------
def test_argnums_tuple():
    def f(x, y, c):
        return dnp.sin(x)[:, None] * y[None, :] * c
    x, y = RNG.normal(size=3), RNG.normal(size=2)
    for mode in ("auto", "forward", "reverse"):
        Jx, Jy = ad.jacobian(f, argnums=(0, 1), mode=mode)(x, y, 2.0)
        assert Jx.shape == (3, 2, 3) and Jy.shape == (3, 2, 2)
        np.testing.assert_allclose(Jx, fd_jacobian(lambda x: f(x, y, 2.0), x), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(Jy, fd_jacobian(lambda y: f(x, y, 2.0), y), rtol=1e-6, atol=1e-8)
        (Jy1,) = ad.jacobian(f, argnums=(1,), mode=mode)(x, y, 2.0)
        np.testing.assert_array_equal(Jy1, Jy)
        Jc = ad.jacobian(f, argnums=2, mode=mode)(x, y, 2.0)
        np.testing.assert_allclose(Jc, np.sin(x)[:, None] * y[None, :], rtol=1e-14)


def test_repeated_argnums():
    # an argument named twice gets its Jacobian / Hessian block for each entry
    def f(x, y):
        return dnp.sin(x) * y ** 2
    x, y = RNG.normal(size=3), RNG.normal(size=3)
    for mode in ("auto", "forward", "reverse"):
        Jy, Jx, Jy2 = ad.jacobian(f, argnums=(1, 0, 1), mode=mode)(x, y)
        np.testing.assert_allclose(Jx, np.diag(np.cos(x) * y ** 2), atol=1e-14)
        np.testing.assert_allclose(Jy, np.diag(2 * np.sin(x) * y), atol=1e-14)
        np.testing.assert_array_equal(Jy2, Jy)
        assert Jy2 is not Jy
    Hyy = ad.hessian(lambda x, y: dnp.sum(f(x, y)), argnums=1)(x, y)
    (H00, H01), (H10, H11) = ad.hessian(lambda x, y: dnp.sum(f(x, y)), argnums=(1, 1))(x, y)
    for H in (H00, H01, H10, H11):
        np.testing.assert_array_equal(H, Hyy)
    np.testing.assert_allclose(Hyy, np.diag(2 * np.sin(x)), atol=1e-14)


def test_pytree_input_and_output():
    def f(p):
        return {"u": p["a"] * p["b"][0], "v": (dnp.sum(p["b"] ** 2),)}
    p = {"a": RNG.normal(size=2), "b": RNG.normal(size=3)}
    for mode in ("auto", "forward", "reverse"):
        J = ad.jacobian(f, mode=mode)(p)
        np.testing.assert_allclose(J["u"]["a"], np.eye(2) * p["b"][0])
        Jub = np.zeros((2, 3))
        Jub[:, 0] = p["a"]
        np.testing.assert_allclose(J["u"]["b"], Jub)
        np.testing.assert_allclose(J["v"][0]["a"], np.zeros(2))
        np.testing.assert_allclose(J["v"][0]["b"], 2 * p["b"])


def test_has_aux():
    def f(x):
        y = dnp.sin(x)
        return y * 2, {"y": y}
    x = RNG.normal(size=3)
    for mode in ("auto", "forward", "reverse"):
        J, aux = ad.jacobian(f, mode=mode, has_aux=True)(x)
        np.testing.assert_allclose(J, np.diag(2 * np.cos(x)), atol=1e-15)
        assert type(aux["y"]) is np.ndarray
        np.testing.assert_allclose(aux["y"], np.sin(x))
    H, aux = ad.hessian(lambda x: (dnp.sum(x ** 3), x[0]), has_aux=True)(x)
    np.testing.assert_allclose(H, np.diag(6 * x))
    assert float(aux) == x[0]


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_float32_preserved(mode):
    x = RNG.normal(size=4).astype(np.float32)
    J = ad.jacobian(lambda x: dnp.tanh(x) * x[0], mode=mode)(x)
    assert J.dtype == np.float32
    assert ad.hessian(lambda x: dnp.sum(x ** 3))(x).dtype == np.float32
    assert ad.hvp(lambda x: dnp.sum(x ** 3), (x,), (x,)).dtype == np.float32
    np.testing.assert_allclose(ad.hessian(rosen)(x), rosen_hess(x.astype(float)), rtol=1e-4)


def test_integer_argument_rejected():
    with pytest.raises(TypeError, match="int"):
        ad.jacobian(lambda x: x * 2)(np.arange(3))


# ---------------------------------------------------------------------------
# the mode choice
# ---------------------------------------------------------------------------
def test_auto_picks_forward_on_tall_and_reverse_on_wide():
    W = RNG.normal(size=(500, 5))
    f_tall = lambda x: dnp.tanh(W @ x)          # n=5, m=500
    f_wide = lambda x: dnp.tanh(W.T @ x)        # n=500, m=5
    assert explain_mode(f_tall, np.ones(5)).mode == "forward"
    assert explain_mode(f_wide, np.ones(500)).mode == "reverse"
    jt, jw = ad.jacobian(f_tall), ad.jacobian(f_wide)
    jt(np.ones(5))
    jw(np.ones(500))
    assert jt.last_decision.mode == "forward"
    assert jw.last_decision.mode == "reverse"
    d = jw.explain(np.ones(500))
    assert d.n == 500 and d.m == 5 and d.cost_reverse < d.cost_forward
    assert "reverse" in str(d) and "n=500" in str(d)
    # scalar output: a gradient, reverse; scalar input: forward
    assert explain_mode(lambda x: dnp.sum(x ** 2), np.ones(50)).mode == "reverse"
    assert explain_mode(lambda x: dnp.ones(50) * x, 1.0).mode == "forward"
    # forced modes are reported as requested
    assert ad.jacrev(f_tall).explain(np.ones(5)).mode == "reverse"
    assert ad.jacfwd(f_wide).explain(np.ones(500)).mode == "forward"


def test_chunk_size_changes_passes_not_results():
    f = lambda x: dnp.tanh(A_SQ @ x) * dnp.sum(x)
    x = RNG.normal(size=6)
    d = ad.jacfwd(f, chunk_size=4).explain(x)
    assert d.chunk_forward == 4 and d.passes_forward == 2
    d = explain_mode(f, x, chunk_size=1)
    assert d.passes_forward == 6 and d.passes_reverse == 6


# ---------------------------------------------------------------------------
# chunking
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("chunk", [1, 2, 5, 7, 100])
def test_chunked_equals_unchunked_exactly(chunk):
    def f(x, y):
        return dnp.tanh(B3 @ x) * y.sum() + x.sum() * y[:, None, None]
    x, y = RNG.normal(size=(3,)), RNG.normal(size=4)
    for mode in ("forward", "reverse"):
        J0 = ad.jacobian(f, argnums=(0, 1), mode=mode, chunk_size=10 ** 6)(x, y)
        J1 = ad.jacobian(f, argnums=(0, 1), mode=mode, chunk_size=chunk)(x, y)
        for a, b in zip(J0, J1):
            np.testing.assert_array_equal(a, b)
    X = RNG.normal(size=(3, 4))
    np.testing.assert_array_equal(ad.hessian(rosen, chunk_size=chunk)(X),
                                  ad.hessian(rosen, chunk_size=10 ** 6)(X))


def test_automatic_chunk_bounds_memory():
    from dualad import jacobians
    f = lambda x: dnp.sum(dnp.sin(x))
    d = ad.jacfwd(f).explain(np.ones(5000))
    per_dir = d.largest * 8
    assert d.chunk_forward * per_dir <= max(jacobians.CHUNK_BYTES,
                                            jacobians.MIN_CHUNK * per_dir)
    assert d.passes_forward == -(-5000 // d.chunk_forward)
    assert d.chunk_reverse == 1


def test_invalid_options():
    with pytest.raises(ValueError, match="mode"):
        ad.jacobian(dnp.sin, mode="sideways")
    with pytest.raises(ValueError, match="chunk_size"):
        ad.jacfwd(dnp.sin, chunk_size=0)(np.ones(3))


# ---------------------------------------------------------------------------
# Hessians and HVPs
# ---------------------------------------------------------------------------
def test_hessian_of_non_scalar_raises():
    with pytest.raises(TypeError, match=r"\(3,\)"):
        ad.hessian(lambda x: x ** 2)(np.ones(3))
    with pytest.raises(TypeError, match="scalar"):
        ad.hvp(lambda x: x ** 2, (np.ones(3),), (np.ones(3),))
    # and nothing is left behind: the next call works
    np.testing.assert_allclose(ad.hessian(lambda x: dnp.sum(x ** 2))(np.ones(3)), 2 * np.eye(3))


def test_hessian_argnums():
    def f(x, Y):
        return dnp.sum(dnp.sin(x) @ Y ** 2)
    x, Y = RNG.normal(size=2), RNG.normal(size=(2, 3))
    (Hxx, HxY), (HYx, HYY) = ad.hessian(f, argnums=(0, 1))(x, Y)
    assert Hxx.shape == (2, 2) and HxY.shape == (2, 2, 3)
    assert HYx.shape == (2, 3, 2) and HYY.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(Hxx, np.diag(-np.sin(x) * (Y ** 2).sum(1)), atol=1e-12)
    np.testing.assert_allclose(HxY, fd_jacobian(lambda Y: ad.grad(f)(x, Y), Y), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(HYx, np.moveaxis(HxY, 0, -1), atol=1e-12)
    np.testing.assert_allclose(HYY, fd_jacobian(lambda Y: ad.grad(f, 1)(x, Y), Y),
                               rtol=1e-6, atol=1e-7)
    H1 = ad.hessian(f, argnums=1)(x, Y)
    np.testing.assert_array_equal(H1, HYY)


def test_hvp_matches_hessian_and_multiple_args():
    def f(x, Y):
        return dnp.sum(dnp.sin(x) @ Y ** 2) + dnp.sum(x ** 4)
    x, Y = RNG.normal(size=2), RNG.normal(size=(2, 3))
    vx, vY = RNG.normal(size=2), RNG.normal(size=(2, 3))
    (Hxx, HxY), (HYx, HYY) = ad.hessian(f, argnums=(0, 1))(x, Y)
    hx, hY = ad.hvp(f, (x, Y), (vx, vY))
    np.testing.assert_allclose(hx, Hxx @ vx + np.tensordot(HxY, vY, 2), rtol=1e-12)
    np.testing.assert_allclose(hY, np.tensordot(HYx, vx, 1) + np.tensordot(HYY, vY, 2),
                               rtol=1e-12)
    # a bare array is a 1-tuple
    g = lambda x: dnp.sum(x ** 4)
    np.testing.assert_allclose(ad.hvp(g, x, vx), 12 * x ** 2 * vx)
    with pytest.raises(ValueError, match="shape"):
        ad.hvp(g, (x,), (np.ones(3),))


def test_hvp_forms_no_hessian_and_scales():
    n = 20000
    x = RNG.normal(size=n)
    v = RNG.normal(size=n)
    np.testing.assert_allclose(ad.hvp(rosen, (x,), (v,)), rosen_hess_prod(x, v),
                               rtol=1e-10, atol=1e-8)


# ---------------------------------------------------------------------------
# higher derivatives through these transforms
# ---------------------------------------------------------------------------
def cubic(x):
    return dnp.sum(x ** 3) + x[0] * x[1] * x[2]


def cubic_third(n):
    T = np.zeros((n, n, n))
    for i in range(n):
        T[i, i, i] = 6.0
    for p in [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]:
        T[p] = 1.0
    return T


def test_third_derivatives_exact():
    x = RNG.normal(size=4)
    T = cubic_third(4)
    np.testing.assert_allclose(ad.jacfwd(ad.hessian(cubic))(x), T, atol=1e-12)
    np.testing.assert_allclose(ad.jacrev(ad.hessian(cubic))(x), T, atol=1e-12)
    np.testing.assert_allclose(ad.jacobian(ad.jacobian(ad.grad(cubic)))(x), T, atol=1e-12)
    np.testing.assert_allclose(ad.hessian(lambda x: ad.grad(cubic)(x)[0])(x), T[0], atol=1e-12)


def test_nested_jacobians_against_fd():
    def f(x):
        return dnp.sin(x) * dnp.sum(x ** 2) + dnp.exp(x[::-1])
    x = RNG.normal(size=3)
    for outer in ("forward", "reverse"):
        for inner in ("forward", "reverse"):
            JJ = ad.jacobian(ad.jacobian(f, mode=inner), mode=outer)(x)
            assert JJ.shape == (3, 3, 3)
            np.testing.assert_allclose(JJ, fd_jacobian(ad.jacobian(f), x), rtol=1e-6, atol=1e-7)
    # a third derivative of rosenbrock, against finite differences of rosen_hess
    y = RNG.normal(size=5)
    np.testing.assert_allclose(ad.jacfwd(ad.hessian(rosen))(y), fd_jacobian(rosen_hess, y),
                               rtol=1e-6, atol=1e-5)


def test_grad_of_hessian_trace_and_hvp():
    x = RNG.normal(size=3)
    # d/dx trace(H(x)) for sum(x^4): trace = 12 sum x^2 -> 24 x
    g = ad.grad(lambda x: dnp.trace(ad.hessian(lambda y: dnp.sum(y ** 4))(x)))(x)
    np.testing.assert_allclose(g, 24 * x, rtol=1e-12)
    v = RNG.normal(size=3)
    gv = ad.grad(lambda x: dnp.sum(ad.hvp(lambda y: dnp.sum(y ** 4), (x,), (v,))))(x)
    np.testing.assert_allclose(gv, 24 * x * v, rtol=1e-12)


# ---------------------------------------------------------------------------
# batched tangents and cotangents (what the engines rely on)
# ---------------------------------------------------------------------------
def test_batched_directions_match_single_ones():
    f = lambda xs: [dnp.tanh(A_TALL @ xs[0]) * xs[0][1]]
    x = RNG.normal(size=3)
    T = RNG.normal(size=(5, 3))
    _, (tb,) = jvp_flat(f, [x], [T])
    for k in range(5):
        _, (tk,) = jvp_flat(f, [x], [T[k]])
        np.testing.assert_allclose(tb[k], tk, rtol=1e-14, atol=1e-15)
    G = RNG.normal(size=(4, 20))
    _, back = vjp_flat(f, [x])
    (gb,) = back([G])
    for k in range(4):
        (gk,) = back([G[k]])
        np.testing.assert_allclose(gb[k], gk, rtol=1e-14, atol=1e-15)


def test_results_are_fresh_writeable_arrays():
    x = RNG.normal(size=3)
    for mode in ("forward", "reverse"):
        J1 = ad.jacobian(lambda x: x, mode=mode)(x)
        J1[0, 0] = 42.0                      # must not corrupt anything shared
        J2 = ad.jacobian(lambda x: x, mode=mode)(x)
        np.testing.assert_array_equal(J2, np.eye(3))
        J3 = ad.jacobian(lambda x: 2.0 * x, mode=mode)(x)
        J3[1, 1] = 0.0
        np.testing.assert_array_equal(ad.jacobian(lambda x: 2.0 * x, mode=mode)(x), 2 * np.eye(3))


@pytest.mark.parametrize("jac", ["jacobian", "jacfwd", "jacrev", "hessian"])
def test_float32_input_gives_float32_blocks_whatever_the_output_precision(jac):
    """The contract: float32 inputs give float32 derivatives.  NumPy promotes
    a * float64 constant to float64, but the Jacobian, like grad, keeps the
    input's precision (complex64 for a complex output)."""
    a32 = np.array([0.3, -1.2, 2.0], np.float32)
    w = np.array([1.0, 2.0, 3.0])
    f = {"hessian": lambda a: dnp.sum(a * a * w)}.get(jac, lambda a: dnp.sin(a) * w)
    J = getattr(ad, jac)(f)(a32)
    assert J.dtype == np.float32
    want = np.diag(2 * w) if jac == "hessian" else np.diag(np.cos(a32.astype(np.float64)) * w)
    np.testing.assert_allclose(J, want, rtol=2e-6)
    if jac != "hessian":
        Jc = getattr(ad, jac)(lambda a: dnp.exp(1j * a * w))(a32)
        assert Jc.dtype == np.complex64
        np.testing.assert_allclose(Jc, np.diag(1j * w * np.exp(1j * a32 * w)), rtol=2e-6)
    assert ad.grad(lambda a: dnp.sum(a * w))(a32).dtype == np.float32
