"""dualad.numpy.linalg against closed forms, NumPy's values, batched tangents
and the conventions at singular points (see docs/linalg.md)."""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as dsl
from dualad.forward.dual import jvp_flat
from dualad.reverse.tape import vjp_flat
from dualad.testing import check_grads

L = dnp.linalg
rng = np.random.default_rng(1234)


def randn(*shape):
    return rng.standard_normal(shape)


def well(*shape):
    n = shape[-1]
    return randn(*shape) + 3.0 * np.eye(n)


def spd(*shape):
    a = randn(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def sym(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


# --- closed forms ---------------------------------------------------------------------
def test_logdet_gradient_is_inverse_transpose():
    a = spd(2, 3, 3)
    g = ad.grad(lambda m: dnp.sum(L.slogdet(m)[1]))(a)
    np.testing.assert_allclose(g, np.swapaxes(np.linalg.inv(a), -1, -2), rtol=1e-10)
    s, ld = L.slogdet(a)
    np.testing.assert_array_equal(s, np.linalg.slogdet(a)[0])


def test_det_gradient_is_cofactor_matrix():
    a = well(3, 3)
    g = ad.grad(L.det)(a)
    np.testing.assert_allclose(g, np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-10)


def _cofactor(a):
    n = a.shape[0]
    c = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, 0), j, 1)
            c[i, j] = (-1) ** (i + j) * (np.linalg.det(minor) if minor.size else 1.0)
    return c


@pytest.mark.parametrize("a", [
    np.array([[1.0, 2.0], [2.0, 4.0]]),                       # rank 1
    np.outer([1.0, 2.0, -1.0], [0.5, 1.0, 3.0]),              # rank 1, 3x3
    np.diag([1.0, 2.0, 0.0]),                                  # rank 2
    np.zeros((3, 3)),
])
def test_det_of_singular_matrix_is_finite_adjugate(a):
    g = ad.grad(L.det)(a)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, _cofactor(a), atol=1e-12)
    _, t = ad.jvp(L.det, (a,), (np.ones_like(a),))
    np.testing.assert_allclose(t, np.sum(_cofactor(a)), atol=1e-12)


def test_inv_jvp_closed_form():
    a, da = well(2, 3, 3), randn(2, 3, 3)
    _, t = ad.jvp(L.inv, (a,), (da,))
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(t, -ai @ da @ ai, rtol=1e-10, atol=1e-12)


def test_solve_matches_inverse_times_b():
    a, b = well(2, 3, 3), randn(2, 3, 2)
    for bb in (b, b[0, :, 0]):
        f1 = lambda m, v: dnp.sum(dnp.sin(L.solve(m, v)))          # noqa: E731
        f2 = lambda m, v: dnp.sum(dnp.sin(L.inv(m) @ v)) if np.ndim(v) > 1 else \
            dnp.sum(dnp.sin(dnp.matmul(L.inv(m), v)))              # noqa: E731
        g1 = ad.grad(f1, argnums=(0, 1))(a, bb)
        g2 = ad.grad(f2, argnums=(0, 1))(a, bb)
        for x, y in zip(g1, g2):
            np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)


def test_cholesky_jvp_identities():
    a, da = spd(2, 3, 3), sym(randn(2, 3, 3))
    lo, dl = ad.jvp(L.cholesky, (a,), (da,))
    np.testing.assert_allclose(lo, np.linalg.cholesky(a))
    np.testing.assert_allclose(np.triu(dl, 1), 0, atol=1e-14)
    np.testing.assert_allclose(dl @ np.swapaxes(lo, -1, -2) + lo @ np.swapaxes(dl, -1, -2),
                               da, atol=1e-12)
    # 1x1: d sqrt(a) = 1 / (2 sqrt(a))
    g = ad.grad(lambda m: L.cholesky(m)[0, 0])(np.array([[4.0]]))
    np.testing.assert_allclose(g, [[0.25]])


def test_qr_jvp_identities():
    for shape in [(4, 3), (3, 3), (2, 3, 3), (2, 3)]:
        a, da = randn(*shape), randn(*shape)
        (q, r), (dq, dr) = ad.jvp(lambda m: tuple(L.qr(m)), (a,), (da,))
        np.testing.assert_allclose(q @ r, a, atol=1e-12)
        np.testing.assert_allclose(dq @ r + q @ dr, da, atol=1e-10)
        skew = np.swapaxes(q, -1, -2) @ dq
        np.testing.assert_allclose(skew + np.swapaxes(skew, -1, -2), 0, atol=1e-10)
        k = min(shape[-2:])
        np.testing.assert_allclose(np.tril(dr[..., :k, :k], -1), 0, atol=1e-12)


def test_eigvalsh_derivative_closed_form():
    a, da = sym(randn(2, 4, 4)), sym(randn(2, 4, 4))
    w, dw = ad.jvp(L.eigvalsh, (a,), (da,))
    v = np.linalg.eigh(a)[1]
    expect = np.einsum("...ji,...jk,...ki->...i", v, da, v)
    np.testing.assert_allclose(dw, expect, atol=1e-10)
    # symmetric-input convention: the derivative along dA is that along sym(dA)
    _, dw2 = ad.jvp(L.eigvalsh, (a,), (np.tril(2 * da) - np.eye(4) * da,))
    np.testing.assert_allclose(dw2, expect, atol=1e-10)


@pytest.mark.parametrize("a", [np.eye(3), np.diag([1.0, 1.0, 2.0]),
                               np.array([[2.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 3.0]])])
def test_eigenvalue_functions_exact_at_degenerate_eigenvalues(a):
    # tr(A^2) and tr(exp(A)) as spectral sums: gradients 2A and expm(A)
    g = ad.grad(lambda m: dnp.sum(L.eigvalsh(m) ** 2))(a)
    np.testing.assert_allclose(g, 2 * a, atol=1e-12)
    w, v = np.linalg.eigh(a)
    g = ad.grad(lambda m: dnp.sum(dnp.exp(L.eigvalsh(m))))(a)
    np.testing.assert_allclose(g, (v * np.exp(w)) @ v.T, atol=1e-12)
    # eigenvector derivatives are not defined there, but stay finite
    jac = ad.jacobian(lambda m: L.eigh(m)[1])(a)
    assert np.all(np.isfinite(jac))


def test_svd_singular_value_derivative():
    a, da = randn(2, 4, 3), randn(2, 4, 3)
    s, ds = ad.jvp(lambda m: L.svd(m, compute_uv=False), (a,), (da,))
    u, _, vt = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(ds, np.einsum("...ji,...jk,...ik->...i", u, da, vt), atol=1e-10)
    g = ad.grad(lambda m: L.norm(m, "nuc"))(a[0])
    np.testing.assert_allclose(g, u[0] @ vt[0], atol=1e-10)


def test_eig_matrix_function_and_complex():
    a = randn(3, 3)
    # V diag(w^2) V^-1 = A @ A: its derivative is a dA + dA a
    f = lambda m: (lambda w, v: v @ ((w ** 2)[..., None] * L.inv(v)))(*L.eig(m))  # noqa: E731
    da = randn(3, 3)
    out, t = ad.jvp(f, (a,), (da,))
    np.testing.assert_allclose(out, a @ a, atol=1e-10)
    np.testing.assert_allclose(t, a @ da + da @ a, atol=1e-9)
    z = well(2, 3, 3) + 1j * randn(2, 3, 3)
    check_grads(lambda m: dnp.sum(L.eigvals(m) ** 3, axis=-1), (z,))
    check_grads(L.inv, (z,))
    check_grads(L.det, (z,))


def test_no_nan_at_zero_for_every_norm():
    for ord_ in [None, 2, 1, np.inf, -np.inf, 3, 0.5, -1, 0]:
        g = ad.grad(lambda x: L.norm(x, ord_))(np.zeros(3))
        assert np.all(np.isfinite(g)), ord_
    for ord_ in [None, 2, 1, np.inf, -np.inf, 3, 0.5]:
        g = ad.grad(lambda x: L.norm(x, ord_))(np.zeros(3))
        np.testing.assert_array_equal(g, 0.0)
    for ord_ in [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]:
        g = ad.grad(lambda x: L.norm(x, ord_))(np.zeros((2, 3)))
        assert np.all(np.isfinite(g)), ord_
    np.testing.assert_array_equal(ad.grad(lambda x: L.norm(x, "fro"))(np.zeros((2, 2))), 0.0)
    h = ad.hessian(lambda x: L.norm(x))(np.zeros(3))
    assert np.all(np.isfinite(h))


@pytest.mark.parametrize("scale", [1e-200, 1e200, 1e-25])
def test_two_norm_where_the_sum_of_squares_underflows_or_overflows(scale):
    """||c v|| = c ||v||, gradient v / ||v||, Hessian (I - u u^T) / ||c v||
    (u = v / ||v||): closed forms.  NumPy's sum of squares underflows to 0 at
    c = 1e-200 and overflows at 1e200; the derivative was 0 there.  float32
    at 1e-25 likewise (its squares underflow)."""
    dtype = np.float32 if scale == 1e-25 else np.float64
    v = np.array([[3.0, -4.0, 12.0], [1.0, 0.0, 0.0]])
    x = (scale * v).astype(dtype)
    rtol = 1e-14 if dtype == np.float64 else 3e-6
    nv = np.sqrt((v * v).sum(axis=1))                       # 13, 1
    for axis, keepdims in ((1, False), (-1, True)):
        val, g = ad.value_and_grad(
            lambda a: dnp.sum(L.norm(a, axis=axis, keepdims=keepdims)))(x)
        np.testing.assert_allclose(val, scale * nv.sum(), rtol=rtol)
        np.testing.assert_allclose(g, v / nv[:, None], rtol=rtol)
        assert g.dtype == dtype
    for f, vec in ((lambda a: L.norm(a), v[0]), (lambda a: dsl.norm(a), v[0]),
                   (lambda a: L.vector_norm(a), v[0])):
        xv = (scale * vec).astype(dtype)
        u = vec / 13.0
        np.testing.assert_allclose(ad.value_and_grad(f)(xv)[0],
                                   13.0 * scale, rtol=rtol)
        np.testing.assert_allclose(ad.grad(f)(xv), u, rtol=rtol)
        if dtype == np.float64:
            want_h = (np.eye(3) - np.outer(u, u)) / (13.0 * scale)
            for second in (ad.hessian(f), ad.jacfwd(ad.jacfwd(f)), ad.jacrev(ad.jacfwd(f)),
                           ad.jacrev(ad.grad(f))):
                # forward over forward once gave NaN here: the rescaled composition's
                # second tangent scaled like 1 / m^2 (the primitive's rules do not)
                np.testing.assert_allclose(second(xv), want_h, rtol=1e-13,
                                           atol=1e-15 / scale)
    # Frobenius norm of a matrix: ||v||_F = sqrt(170)
    np.testing.assert_allclose(ad.grad(lambda a: L.norm(a, "fro"))(x),
                               v / np.sqrt(170.0), rtol=rtol)
    # a slice of normal size next to a rescued one keeps NumPy's value bit for bit
    mixed = np.stack([x[0], np.array([0.1, -0.54, 0.36], dtype)])
    out = ad.value_and_grad(lambda a: L.norm(a, axis=1)[1])(mixed)[0]
    assert out == np.linalg.norm(mixed[1:], axis=1)[0]
    # a slice of zeros next to a scaled one keeps its subgradient 0
    z = np.stack([x[0], np.zeros(3, dtype)])
    np.testing.assert_array_equal(
        ad.grad(lambda a: dnp.sum(L.norm(a, axis=1)))(z)[1], 0.0)


@pytest.mark.parametrize("p", [3.0, 4, -1.5, -3])
@pytest.mark.parametrize("sign", [-1, 1])
def test_p_norms_where_the_sum_of_powers_underflows_or_overflows(p, sign):
    """||c v||_p = c ||v||_p and grad = sign(v) |v|^(p-1) ||v||_p^(1-p), closed
    forms; c = 10^(+-340/|p|), so |c v|^p under- or overflows (it gave the
    value 0 or inf and the derivative 0)."""
    scale = 10.0 ** (sign * round(340 / abs(p)))
    v = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    nv = np.sum(np.abs(v) ** p, axis=1) ** (1.0 / p)
    want_g = np.sign(v) * np.abs(v) ** (p - 1) * nv[:, None] ** (1 - p)
    val, g = ad.value_and_grad(lambda a: dnp.sum(L.norm(a, p, axis=1)))(scale * v)
    np.testing.assert_allclose(val, scale * nv.sum(), rtol=1e-14)
    np.testing.assert_allclose(g, want_g, rtol=1e-14)


def test_two_norm_keeps_numpys_value_in_the_normal_range():
    x = randn(3, 5)
    for kw in (dict(), dict(axis=1), dict(axis=0, keepdims=True), dict(ord="fro")):
        out = ad.value_and_grad(lambda a: dnp.sum(L.norm(a, **kw)))(x)[0]
        assert out == np.sum(np.linalg.norm(x, **kw))


@pytest.mark.parametrize("ord_,axis,keepdims", [
    (None, None, False), (None, None, True), (2, -1, False), (1, 0, True), (3, (1,), False),
    (np.inf, -1, False), (-np.inf, 0, False), (0, -1, False), (-1.5, 1, True),
    ("fro", (0, 2), False), ("nuc", (1, 2), True), (2, (2, 1), False), (-2, (0, 1), False),
    (1, (0, 2), False), (-1, (1, 2), False), (np.inf, (1, 2), True), (-np.inf, (2, 0), False),
])
def test_norm_values_match_numpy(ord_, axis, keepdims):
    x = randn(2, 3, 4)
    out, _ = ad.jvp(lambda v: L.norm(v, ord_, axis=axis, keepdims=keepdims), (x,), (x,))
    np.testing.assert_allclose(out, np.linalg.norm(x, ord_, axis=axis, keepdims=keepdims),
                               rtol=1e-12)


def test_vector_and_matrix_norm_values():
    x = randn(2, 3, 4)
    for kw in [dict(), dict(axis=(0, 2), ord=3), dict(axis=-1, keepdims=True, ord=1),
               dict(keepdims=True)]:
        out, _ = ad.jvp(lambda v: L.vector_norm(v, **kw), (x,), (x,))
        np.testing.assert_allclose(out, np.linalg.vector_norm(x, **kw), rtol=1e-12)
    for kw in [dict(), dict(ord="nuc", keepdims=True), dict(ord=np.inf), dict(ord=-2)]:
        out, _ = ad.jvp(lambda v: L.matrix_norm(v, **kw), (x,), (x,))
        np.testing.assert_allclose(out, np.linalg.matrix_norm(x, **kw), rtol=1e-12)


def test_values_and_tuples_match_numpy():
    a, b = randn(5, 3), randn(5)
    out, _ = ad.jvp(lambda m, v: L.lstsq(m, v)[:2], (a, b), (a, b))
    ref = np.linalg.lstsq(a, b)
    np.testing.assert_allclose(out[0], ref[0], rtol=1e-10)
    np.testing.assert_allclose(out[1], ref[1], rtol=1e-10)
    m = well(3, 3)
    for n in (-3, -1, 0, 1, 2, 5):
        out, _ = ad.jvp(lambda x: L.matrix_power(x, n), (m,), (m,))
        np.testing.assert_allclose(out, np.linalg.matrix_power(m, n), rtol=1e-10)
    arrs = [randn(3), randn(3, 4), randn(4, 2), randn(2)]
    out, _ = ad.jvp(lambda *xs: L.multi_dot(list(xs)), tuple(arrs), tuple(arrs))
    np.testing.assert_allclose(out, np.linalg.multi_dot(arrs), rtol=1e-10)
    out, _ = ad.jvp(lambda x: L.pinv(x), (a,), (a,))
    np.testing.assert_allclose(out, np.linalg.pinv(a), rtol=1e-10, atol=1e-12)
    for p in (None, 2, -2, "fro", 1, np.inf):
        out, _ = ad.jvp(lambda x: L.cond(x, p), (m,), (m,))
        np.testing.assert_allclose(out, np.linalg.cond(m, p), rtol=1e-10)
    t = randn(6, 2, 3)
    out, _ = ad.jvp(lambda x: L.tensorinv(x, 1), (t,), (t,))
    np.testing.assert_allclose(out, np.linalg.tensorinv(t, 1), rtol=1e-10)


def test_plain_numpy_calls_dispatch_to_rules():
    a = well(3, 3)
    g = ad.grad(lambda m: np.linalg.slogdet(m)[1] + np.linalg.norm(np.linalg.inv(m)))(a)
    g2 = ad.grad(lambda m: L.slogdet(m)[1] + L.norm(L.inv(m)))(a)
    np.testing.assert_allclose(g, g2)
    w = ad.grad(lambda m: np.sum(np.linalg.eigvalsh(m)))(sym(a))
    np.testing.assert_allclose(w, np.eye(3), atol=1e-12)


# --- batched tangents and cotangents ------------------------------------------------------
FUNS = {
    "inv": (L.inv, lambda: (well(2, 3, 3),)),
    "solve": (L.solve, lambda: (well(2, 3, 3), randn(3, 2))),
    "solve_vec": (L.solve, lambda: (well(2, 3, 3), randn(3))),
    "det": (L.det, lambda: (well(2, 3, 3),)),
    "slogdet": (lambda a: L.slogdet(a)[1], lambda: (well(2, 3, 3),)),
    "cholesky": (lambda a: L.cholesky(a), lambda: (spd(2, 3, 3),)),
    "qr": (lambda a: L.qr(a)[0] + 2 * L.qr(a)[1][..., :1, :], lambda: (randn(2, 3, 3),)),
    "eigh": (lambda a: L.eigh(a)[1] * L.eigh(a)[0][..., None, :], lambda: (sym(randn(2, 3, 3)),)),
    "eig": (lambda a: L.eig(a)[0], lambda: (randn(2, 3, 3),)),
    "svd": (lambda a: (lambda u, s, vt: (u * s[..., None, :]) @ (vt * 2))(*L.svd(a, False)),
            lambda: (randn(2, 4, 3),)),
    "svd_wide": (lambda a: L.svd(a, False)[2] + L.svd(a, False)[1][..., None],
                 lambda: (randn(2, 2, 3),)),
}


@pytest.mark.parametrize("name", sorted(FUNS))
def test_batched_rules_match_one_direction_at_a_time(name):
    f, make = FUNS[name]
    args = make()
    k = 3
    tans = [randn(k, *np.shape(x)) for x in args]
    _, (tb,) = jvp_flat(lambda xs: [f(*xs)], list(args), tans)
    for i in range(k):
        _, (ti,) = jvp_flat(lambda xs: [f(*xs)], list(args), [t[i] for t in tans])
        np.testing.assert_allclose(tb[i], ti, rtol=1e-9, atol=1e-11)
    out, back = vjp_flat(lambda xs: [f(*xs)], list(args))
    gs = randn(k, *np.shape(out[0]))
    if np.iscomplexobj(out[0]):
        gs = gs + 1j * randn(k, *np.shape(out[0]))
    cb = back([gs])
    for i in range(k):
        out_i, back_i = vjp_flat(lambda xs: [f(*xs)], list(args))
        ci = back_i([gs[i]])
        for x, y in zip(cb, ci):
            np.testing.assert_allclose(x[i], y, rtol=1e-9, atol=1e-11)


def test_det_hessian_at_singular_2x2_is_exact():
    # det = a d - b c: the Hessian is constant, also where det = 0
    expect = np.zeros((2, 2, 2, 2))
    expect[0, 0, 1, 1] = expect[1, 1, 0, 0] = 1.0
    expect[0, 1, 1, 0] = expect[1, 0, 0, 1] = -1.0
    for a in [np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])]:
        np.testing.assert_allclose(ad.hessian(L.det)(a), expect, atol=1e-12)


@pytest.mark.parametrize("ord_", [2, -2, "nuc"])
def test_spectral_norms_have_subgradient_zero_at_zero(ord_):
    # docs/linalg.md: every norm gives the subgradient 0 at 0, in both modes
    z = np.zeros((3, 3))
    np.testing.assert_array_equal(ad.grad(lambda m: dnp.linalg.norm(m, ord_))(z), z)
    np.testing.assert_array_equal(ad.jacfwd(lambda m: dnp.linalg.norm(m, ord_))(z), z)
    # away from 0 the derivative is unchanged: for ord=2, u1 v1^T
    a = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0], [0.0, 1.0, 4.0]])
    u, s, vt = np.linalg.svd(a)
    want = {2: np.outer(u[:, 0], vt[0]), -2: np.outer(u[:, -1], vt[-1]), "nuc": u @ vt}[ord_]
    np.testing.assert_allclose(ad.grad(lambda m: dnp.linalg.norm(m, ord_))(a), want,
                               rtol=1e-12, atol=1e-12)


# --- NumPy 2's linalg names, offsets, and integer-valued functions on traced values ----------
_R = np.random.default_rng(7)
_X, _Y = _R.standard_normal((2, 3)), _R.standard_normal((2, 3))


@pytest.mark.parametrize("name, args, kw", [
    ("cross", (_X, _Y), {}), ("cross", (_X.T, _Y.T), dict(axis=0)),
    ("outer", (_X[0], _Y[1]), {}), ("tensordot", (_X, _Y.T), dict(axes=1)),
    ("tensordot", (_X, _Y), dict(axes=2)), ("vecdot", (_X, _Y), {}),
    ("vecdot", (_X, _Y), dict(axis=0)),
])
def test_linalg_array_api_names(name, args, kw):
    """numpy.linalg's cross / outer / tensordot / vecdot: NumPy's values, plain and
    traced (also through plain numpy.linalg), and derivatives in both arguments."""
    want = getattr(np.linalg, name)(*args, **kw)
    f = lambda a, b: getattr(dnp.linalg, name)(a, b, **kw)  # noqa: E731
    np.testing.assert_allclose(f(*args), want, rtol=1e-14)
    val, _ = ad.jvp(lambda a, b: getattr(np.linalg, name)(a, b, **kw), args, args)
    np.testing.assert_allclose(val, want, rtol=1e-14)
    check_grads(f, args, order=2)


@pytest.mark.parametrize("name, args", [("cross", (_X[:, :2], _Y[:, :2])), ("outer", (_X, _Y))])
def test_linalg_array_api_shape_errors(name, args):
    with pytest.raises(ValueError) as plain:
        getattr(np.linalg, name)(*args)
    with pytest.raises(ValueError) as traced:
        ad.jvp(getattr(dnp.linalg, name), args, args)
    assert str(traced.value) == str(plain.value)


@pytest.mark.parametrize("name, offset", [("trace", 1), ("trace", -2), ("diagonal", -1),
                                          ("diagonal", 2)])
def test_linalg_trace_diagonal_offsets_traced(name, offset):
    m = _R.standard_normal((2, 4, 4))
    want = getattr(np.linalg, name)(m, offset=offset)
    for f in (getattr(dnp.linalg, name), getattr(np.linalg, name)):
        val, tan = ad.jvp(lambda a: f(a, offset=offset), (m,), (m,))
        np.testing.assert_array_equal(val, want)
        np.testing.assert_array_equal(tan, want)         # linear: tangent m gives f(m)
    check_grads(lambda a: getattr(dnp.linalg, name)(a, offset=offset), (m,), order=2)


def test_integer_valued_functions_are_value_only():
    """matrix_rank, lexsort, searchsorted, digitize on traced values: NumPy's integers,
    with no derivative (like argsort)."""
    a = _R.standard_normal((4, 3))
    a[:, 2] = a[:, 0] + a[:, 1]                        # rank 2

    def f(x):
        r = np.linalg.matrix_rank(x)
        r2 = dnp.linalg.matrix_rank(x, tol=x[0, 0] * 0 + 1e-8)
        k = np.lexsort((x[:, 1], x[:, 0]))
        s = np.searchsorted(np.sort(x[:, 0]), x[0, 0], sorter=None)
        d = np.digitize(x[:, 1], np.sort(x[:, 0]))
        assert r == r2 == 2
        np.testing.assert_array_equal(k, np.lexsort((a[:, 1], a[:, 0])))
        assert s == np.searchsorted(np.sort(a[:, 0]), a[0, 0])
        np.testing.assert_array_equal(d, np.digitize(a[:, 1], np.sort(a[:, 0])))
        for v in (r, k, s, d):
            assert type(v) in (int, np.ndarray) or isinstance(v, np.integer)
        return dnp.sum(x[k, 0]) * r + dnp.sum(x[d % 4, 1]) * s
    g = ad.grad(f)(a)
    k = np.lexsort((a[:, 1], a[:, 0]))
    d = np.digitize(a[:, 1], np.sort(a[:, 0]))
    s = np.searchsorted(np.sort(a[:, 0]), a[0, 0])
    want = np.zeros_like(a)
    np.add.at(want[:, 0], k, 2.0)
    np.add.at(want[:, 1], d % 4, float(s))
    np.testing.assert_array_equal(g, want)
    np.testing.assert_array_equal(ad.jacfwd(f)(a), want)


def test_slogdet_sign_of_a_complex_matrix_moves_with_the_phase():
    """Closed form and differences: sign = det/|det|, d sign = sign * i Im tr(A^-1 dA)
    (it was a constant, derivative 0); for real A the sign stays constant."""
    A = np.array([[1 + 2j, 0.5], [0.3j, 2 - 1j]])
    T = np.array([[0.1j, 0.2], [0.3, -0.4 + 0.1j]])
    _, t = ad.jvp(lambda a: dnp.linalg.slogdet(a)[0], (A,), (T,))
    s = np.linalg.det(A) / abs(np.linalg.det(A))
    want = s * 1j * np.trace(np.linalg.solve(A, T)).imag
    np.testing.assert_allclose(t, want, rtol=1e-13)
    h = 1e-6
    fd = (np.linalg.slogdet(A + h * T)[0] - np.linalg.slogdet(A - h * T)[0]) / (2 * h)
    np.testing.assert_allclose(t, fd, rtol=1e-8)
    # reverse mode, through a real function of the sign
    g = ad.grad(lambda a: dnp.real(dnp.linalg.slogdet(a)[0]))(A)
    assert abs(np.real(np.sum(g * T)) - np.real(want)) < 1e-13
    # real A: constant sign
    _, t_real = ad.jvp(lambda a: dnp.linalg.slogdet(a)[0], (A.real,), (T.real,))
    assert t_real == 0


def test_slogdet_derivative_at_a_singular_matrix_raises_saying_so():
    """log|det| = -inf there and inv(A)^T does not exist: the error names slogdet
    (it was NumPy's bare 'Singular matrix' from inside the rule)."""
    S = np.array([[1.0, 2.0], [2.0, 4.0]])
    for call in (lambda: ad.grad(lambda a: dnp.linalg.slogdet(a)[1])(S),
                 lambda: ad.jvp(lambda a: dnp.linalg.slogdet(a)[1], (S,), (np.eye(2),))):
        with pytest.raises(np.linalg.LinAlgError, match="slogdet: the matrix is singular"):
            call()
    # the next call works normally
    A = np.array([[2.0, 1.0], [0.5, 3.0]])
    np.testing.assert_allclose(ad.grad(lambda a: dnp.linalg.slogdet(a)[1])(A),
                               np.linalg.inv(A).T, rtol=1e-14)


def test_svd_vectors_of_distinct_small_singular_values():
    """Singular values (1, 3e-8, 1e-8): the two small ones are distinct
    (gap 2e-8, far above rounding), so the derivative of u_1 v_1^T carries
    1 / gap terms of size 1e8.  The degeneracy test on the squares
    (9e-16 - 1e-16 <= 1e-13) counted them as equal and dropped those terms:
    29% off.  Truth: central differences of numpy.linalg.svd with steps far
    below the gap (they agree to 1e-6 among three steps)."""
    rng = np.random.default_rng(3)
    q1, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    q2, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    a = q1[:, :3] @ np.diag([1.0, 3e-8, 1e-8]) @ q2.T
    w = rng.standard_normal((4, 3))

    def f(m):                      # u_1 v_1^T is invariant under the sign gauge
        u, s, vt = dnp.linalg.svd(m, full_matrices=False)
        return dnp.sum(w * (u[:, 1:2] * vt[1:2, :]))

    def f_plain(m):
        u, s, vt = np.linalg.svd(m, full_matrices=False)
        return np.sum(w * np.outer(u[:, 1], vt[1]))

    e = rng.standard_normal(a.shape)
    fds = [(f_plain(a + h * e) - f_plain(a - h * e)) / (2 * h) for h in (1e-11, 3e-12)]
    assert fds[0] == pytest.approx(fds[1], rel=1e-5)
    assert abs(fds[0]) > 1e6
    np.testing.assert_allclose(np.sum(ad.grad(f)(a) * e), fds[0], rtol=1e-5)
    np.testing.assert_allclose(ad.jvp(f, (a,), (e,))[1], fds[0], rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_norm_over_the_whole_array_is_numpys_value_bit_for_bit(dtype):
    """``norm(x)`` with ``axis=None`` (ord None; 2 for vectors, 'fro' for
    matrices): NumPy sums the squares by a dot product of ``x`` raveled in
    memory order, which rounds differently from a reduction; about one
    random input in ten came out one ulp off."""
    rng = np.random.default_rng(7)
    for trial in range(60):
        shape = [(8,), (3, 5), (2, 3, 4), (13,)][trial % 4]
        x = rng.standard_normal(shape)
        if dtype is np.complex128:
            x = x + 1j * rng.standard_normal(shape)
        x = x.astype(dtype)
        if x.ndim == 2 and trial % 3 == 0:
            x = x.T                                    # memory order differs from C order
        ords = [None] + ([2] if x.ndim == 1 else []) + (["fro"] if x.ndim == 2 else [])
        for o in ords:
            for kd in (False, True):
                want = np.linalg.norm(x, ord=o, keepdims=kd)
                got = ad.jvp(lambda v: dnp.linalg.norm(v, ord=o, keepdims=kd), (x,), (x,))[0]
                assert got.dtype == want.dtype and np.shape(got) == np.shape(want)
                np.testing.assert_array_equal(got, want, err_msg=f"{x.shape} {o} {kd}")


def _central_grad(f, a, h=1e-6):
    g = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        e = np.zeros_like(a)
        e[idx] = h
        g[idx] = (f(a + e) - f(a - e)) / (2 * h)
    return g


def test_pinv_and_lstsq_at_repeated_singular_values():
    """pinv went through the SVD's rules, which zero the whole factor of a
    degenerate pair: at an orthogonal matrix or the identity (all singular
    values equal) its gradient was wrong (relative errors 0.2-1).  Truth:
    central differences of numpy.linalg.pinv / lstsq (full rank, so smooth)."""
    rng = np.random.default_rng(5)
    w = rng.standard_normal((3, 3))
    b = rng.standard_normal(3)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    for a in (q, np.eye(3), 2.0 * q):
        f = lambda m: dnp.sum(w * dnp.linalg.pinv(m))                  # noqa: E731
        want = _central_grad(lambda m: np.sum(w * np.linalg.pinv(m)), a)
        np.testing.assert_allclose(ad.grad(f)(a), want, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(ad.jacfwd(f)(a), want, rtol=1e-7, atol=1e-8)
        g = lambda m: dnp.sum(w[0] * dnp.linalg.lstsq(m, b)[0])         # noqa: E731
        want = _central_grad(lambda m: np.sum(w[0] * np.linalg.lstsq(m, b)[0]), a)
        np.testing.assert_allclose(ad.grad(g)(a), want, rtol=1e-7, atol=1e-8)
        # second order: the Hessian against differences of the (checked) gradient
        h = ad.hessian(f)(a).reshape(9, 9)
        col = _central_grad(lambda m: np.sum(ad.grad(f)(m) * np.eye(3)[0][:, None]
                                             * np.eye(3)[1][None, :]), a).reshape(9)
        np.testing.assert_allclose(h[1], col, rtol=1e-6, atol=1e-7)


def test_pinv_derivative_of_a_rank_deficient_matrix_along_the_rank():
    """At constant rank (A = B C, B 4x2, C 2x3) the derivative of pinv along
    a rank-preserving path: central differences of pinv((B + tdB)(C + tdC))."""
    rng = np.random.default_rng(1)
    bb, cc, db, dc, w = (rng.standard_normal(s) for s in ((4, 2), (2, 3), (4, 2), (2, 3), (3, 4)))
    a, da = bb @ cc, db @ cc + bb @ dc
    f = lambda m: dnp.sum(w * dnp.linalg.pinv(m))                      # noqa: E731
    path = lambda t: np.sum(w * np.linalg.pinv((bb + t * db) @ (cc + t * dc)))   # noqa: E731
    want = (path(1e-6) - path(-1e-6)) / 2e-6
    assert ad.jvp(f, (a,), (da,))[1] == pytest.approx(want, rel=1e-7)
    assert np.sum(ad.grad(f)(a) * da) == pytest.approx(want, rel=1e-7)


def _polar_by_svd(m, c=None):
    u, s, vh = dnp.linalg.svd(m, full_matrices=False)
    return u @ vh if c is None else (u * c) @ vh


def test_svd_vectors_at_repeated_singular_values_keep_the_finite_part():
    """Where two singular values coincide, U and V turn freely inside their
    common subspace (the 1 / (s_j - s_i) part of s_j / (s_j^2 - s_i^2)), but
    U against V (the 1 / (s_i + s_j) part) is determined, and functions such
    as the polar factor U V^H or U diag(c) V^H with c equal on the pair see it.
    The whole factor used to be cut: at the identity the gradient of
    sum(W * U V^T) came out 0 (truth (W - W^T) / 2).  Truth: central
    differences of scipy.linalg.polar and of the same product from
    numpy.linalg.svd (smooth at full rank)."""
    import scipy.linalg as sl
    rng = np.random.default_rng(11)

    def q(n, cplx):
        z = rng.standard_normal((n, n)) + (1j * rng.standard_normal((n, n)) if cplx else 0.0)
        return np.linalg.qr(z)[0]

    for cplx in (False, True):
        mats = [np.eye(3), q(3, cplx), q(4, cplx) @ np.diag([3.0, 2.0, 2.0, 0.5]) @ q(4, cplx).conj().T,
                q(5, cplx)[:, :3] @ np.diag([2.0, 2.0, 1.0]) @ q(3, cplx)]
        mats.append(mats[-1].T)                                           # wide
        for a in mats:
            a = a.astype(complex) if cplx else a.real
            w = rng.standard_normal(a.shape) + (1j * rng.standard_normal(a.shape) if cplx else 0.0)
            t = rng.standard_normal(a.shape) + (1j * rng.standard_normal(a.shape) if cplx else 0.0)
            c = np.where(np.isclose(np.linalg.svd(a, compute_uv=False), 2.0), 5.0, 1.0)
            cases = [(lambda m: _polar_by_svd(m), lambda m: sl.polar(m)[0]),
                     (lambda m: _polar_by_svd(m, c), None)]
            for traced, plain in cases:
                if plain is None:
                    def plain(m):
                        u, s, vh = np.linalg.svd(m, full_matrices=False)
                        return (u * np.where(np.isclose(s, 2.0, atol=1e-4), 5.0, 1.0)) @ vh
                f = lambda m: dnp.real(dnp.sum(w * traced(m)))            # noqa: E731
                fp = lambda m: np.real(np.sum(w * plain(m)))             # noqa: E731
                want = (fp(a + 1e-6 * t) - fp(a - 1e-6 * t)) / 2e-6
                assert abs(want) > 1e-2
                assert ad.jvp(f, (a,), (t,))[1] == pytest.approx(want, rel=1e-7, abs=1e-8)
                # reverse: the real pairing of the cotangent with t (docs/complex.md)
                g = ad.vjp(f, a)[1](1.0)[0]
                assert np.real(np.sum(g * t)) == pytest.approx(want, rel=1e-7, abs=1e-8)


def test_svd_vectors_at_repeated_zero_singular_values_stay_finite():
    """Two zero singular values: U and V turn independently in the null
    spaces, and the pair's factor stays 0 (no inf or NaN)."""
    rng = np.random.default_rng(12)
    a = rng.standard_normal((4, 2)) @ rng.standard_normal((2, 4))
    w = rng.standard_normal((4, 4))
    g = ad.grad(lambda m: dnp.sum(w * _polar_by_svd(m)))(a)
    assert np.all(np.isfinite(g))
    # the singular values' own gradient there is exact: U diag(c) V^T
    u, s, vt = np.linalg.svd(a)
    c = np.array([1.0, 2.0, 0.0, 0.0])
    got = ad.grad(lambda m: dnp.sum(c * dnp.linalg.svd(m, compute_uv=False)))(a)
    np.testing.assert_allclose(got, (u * c) @ vt, atol=1e-12)


@pytest.mark.parametrize("name", ["expm", "logm", "sqrtm"])
def test_matrix_functions_exact_at_repeated_eigenvalues(name):
    """docs/linalg.md sends users who build V diag(f(w)) V^T from eigh (whose
    derivative loses the within-block term at repeated eigenvalues) to these
    primitives: their Frechet derivatives must be exact there, to second
    order.  Truth: central differences of SciPy's own function."""
    import scipy.linalg as sl
    rng = np.random.default_rng(13)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    f, fs = getattr(dsl, name), getattr(sl, name)
    e1, e2 = rng.standard_normal((2, 3, 3))
    for a in (np.eye(3), np.diag([1.0, 1.0, 2.0]), q @ np.diag([2.0, 2.0, 0.5]) @ q.T):
        h = 1e-5
        d1 = (fs(a + h * e1) - fs(a - h * e1)) / (2 * h)
        np.testing.assert_allclose(ad.jvp(f, (a,), (e1,))[1], d1, rtol=1e-7, atol=1e-8)
        w = rng.standard_normal((3, 3))
        g = ad.grad(lambda m: dnp.sum(w * f(m)))(a)
        assert np.sum(g * e1) == pytest.approx(np.sum(w * d1), rel=1e-7, abs=1e-8)
        H = 1e-3
        d2 = (fs(a + H * (e1 + e2)) - fs(a + H * (e1 - e2)) - fs(a - H * (e1 - e2))
              + fs(a - H * (e1 + e2))) / (4 * H * H)
        got = ad.jvp(lambda m: ad.jvp(f, (m,), (e2,))[1], (a,), (e1,))[1]
        np.testing.assert_allclose(got, d2, rtol=1e-4, atol=1e-5)


def _eigh_matrix_exp(w_):
    def f(a):
        w, v = dnp.linalg.eigh(a)
        return dnp.sum(w_ * ((v * dnp.exp(w)) @ v.T))
    return f


def test_reverse_mode_warns_where_repeated_eigenvalues_make_the_derivative_wrong():
    """V diag(exp(w)) V^T built from eigh at the identity: its gradient misses
    the within-block term (true: e (W + W^T)/2; eigh's rules give only the
    diagonal), and no eigh rule can supply it.  Reverse mode sees that the
    cotangent reads the repeated eigenvalues apart and warns; the same for
    U diag(s^2) V^T from the SVD."""
    from dualad.numpy.linalg import DegenerateDerivativeWarning
    rng = np.random.default_rng(14)
    w_ = rng.standard_normal((3, 3))
    f = _eigh_matrix_exp(w_)
    with pytest.warns(DegenerateDerivativeWarning, match="eigh: at repeated eigenvalues"):
        g = ad.grad(f)(np.eye(3))
    # the warning is about a real error: the truth is e * sym(W)
    assert not np.allclose(g, np.e * (w_ + w_.T) / 2)

    def usv(a):
        u, s, vh = dnp.linalg.svd(a)
        return dnp.sum(w_ * ((u * s**2) @ vh))
    with pytest.warns(DegenerateDerivativeWarning, match="svd: at repeated singular values"):
        ad.grad(usv)(np.eye(3))
    # second order through a function that is exact at first order
    with pytest.warns(DegenerateDerivativeWarning, match="eigh"):
        ad.hessian(lambda a: dnp.sum(dnp.exp(dnp.linalg.eigvalsh(a))))(np.eye(3))


def test_no_warning_where_the_derivative_at_repeated_values_is_exact():
    """Functions that treat repeated values alike, or read only their common
    subspace, are exact there (first order), and so is the nuclear norm's
    Hessian: none warns.  Nor does anything at distinct values."""
    import warnings
    from dualad.numpy.linalg import DegenerateDerivativeWarning
    rng = np.random.default_rng(15)
    w_ = rng.standard_normal((3, 3))

    def proj(a):
        w, v = dnp.linalg.eigh(a)
        return dnp.sum(w_ * (v[:, :2] @ v[:, :2].T))

    calls = [lambda: ad.grad(lambda a: dnp.sum(dnp.exp(dnp.linalg.eigvalsh(a))))(np.eye(3)),
             lambda: ad.grad(proj)(np.diag([1.0, 1.0, 2.0])),
             lambda: ad.grad(lambda a: dnp.sum(w_ * _polar_by_svd(a)))(np.eye(3)),
             lambda: ad.hessian(lambda a: dnp.linalg.norm(a, "nuc"))(np.eye(3)),
             lambda: ad.hessian(lambda a: dnp.trace(dnp.linalg.eigvalsh(a)[None] * np.eye(3)))(
                 np.eye(3)),
             lambda: ad.hessian(_eigh_matrix_exp(w_))(np.diag([1.0, 2.0, 3.0]))]
    for call in calls:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DegenerateDerivativeWarning)
            call()


def test_nuclear_norm_hessian_at_repeated_singular_values():
    """||A||_* = tr(sqrt(A^T A)) is smooth at full rank, repeated singular
    values included: its Hessian at the identity, which the rules get from
    the polar factor's exact first derivative, against second differences of
    numpy.linalg.norm."""
    rng = np.random.default_rng(16)
    e1, e2 = rng.standard_normal((2, 3, 3))
    f = lambda a: np.linalg.norm(a, "nuc")                                # noqa: E731
    a, h = np.eye(3), 1e-3
    want = (f(a + h * (e1 + e2)) - f(a + h * (e1 - e2)) - f(a - h * (e1 - e2))
            + f(a - h * (e1 + e2))) / (4 * h * h)
    got = np.sum(ad.hvp(lambda m: dnp.linalg.norm(m, "nuc"), a, e1) * e2)
    assert got == pytest.approx(want, rel=1e-5)


def test_degenerate_warning_at_zero_values():
    """Found by the today3 audit.  (a) The Hessian of sum(svdvals(A)^2) = ||A||_F^2
    (truth 2 I) is wrong where two singular values are 0 (they move as the
    singular values of the null block, which ds = diag misses): it must warn.
    (b) The gradient of sum(eigvalsh(A)^2) = 2 A at a rank-deficient A is exact;
    the rounding noise of its zero eigenvalues must not count as 'read apart'."""
    import warnings
    from dualad.numpy.linalg import DegenerateDerivativeWarning
    f = lambda a: dnp.sum(dnp.linalg.svd(a, compute_uv=False) ** 2)       # noqa: E731
    with pytest.warns(DegenerateDerivativeWarning, match="svd"):
        h = ad.hessian(f)(np.diag([1.0, 0.0, 0.0]))
    assert not np.allclose(h.reshape(9, 9), 2 * np.eye(9))      # the warning is about a real error
    b = np.random.default_rng(17).standard_normal((4, 2))
    a = b @ b.T
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateDerivativeWarning)
        g = ad.grad(lambda m: dnp.sum(dnp.linalg.eigvalsh(m) ** 2))(a)
    np.testing.assert_allclose(g, 2 * a, atol=1e-13)


_EMPTY_MATRIX_ORDS = [2, "nuc", 1, np.inf, "fro", None]


@pytest.mark.parametrize("ord_", _EMPTY_MATRIX_ORDS)
@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0), (2, 0, 0)])
def test_matrix_norms_of_empty_matrices(ord_, shape):
    # ord 2 (and 1, inf for some empty shapes) used to raise "zero-size array to
    # reduction operation maximum" under AD; NumPy's value is 0 (its max has
    # initial 0): derivative 0 in every mode
    x = np.zeros(shape)
    want = np.linalg.norm(x, ord_, axis=(-2, -1))
    for f in (lambda z: dnp.linalg.norm(z, ord_, axis=(-2, -1)),
              lambda z: dnp.linalg.matrix_norm(z, ord="fro" if ord_ is None else ord_)):
        v, g = ad.value_and_grad(lambda z: dnp.sum(f(z)))(x)
        assert float(v) == 0.0 == float(np.sum(want))
        assert g.shape == shape
        np.testing.assert_array_equal(np.asarray(f(x)), want)
        assert ad.jvp(f, (x,), (x,))[1].shape == want.shape
        assert ad.hessian(lambda z: dnp.sum(f(z)))(x).shape == shape * 2
    if len(shape) == 2:
        assert float(ad.grad(lambda z: dnp.linalg.norm(z, ord_))(x).sum()) == 0.0


@pytest.mark.parametrize("ord_", [-2, -1, -np.inf])
def test_minimum_norms_of_empty_matrices_raise_as_in_numpy(ord_):
    x = np.zeros((0, 0))
    with pytest.raises(ValueError):
        np.linalg.norm(x, ord_)
    with pytest.raises(ValueError):
        ad.grad(lambda z: dnp.linalg.norm(z, ord_))(x)
