"""Products, polynomials and convolution: values against NumPy, derivatives
against closed forms, and batched tangents / cotangents against one-at-a-time
passes (the rules must accept leading batch axes)."""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.forward import jvp_flat
from dualad.reverse import vjp_flat
from dualad.testing import check_grads

RNG = np.random.default_rng(20261122)


def rand(*shape, complex_=False):
    x = RNG.standard_normal(shape)
    if complex_:
        x = x + 1j * RNG.standard_normal(shape)
    return x


# --- batched JVP / VJP against one direction at a time ----------------------------
def check_batched(f, args, k=3, complex_cts=False):
    """Push ``k`` tangents (and ``k`` cotangents) through in one pass and
    compare with ``k`` separate passes."""
    args = [np.asarray(a) for a in args]

    def fun(xs):
        return [f(*xs)]

    tans = [rand(k, *a.shape, complex_=np.iscomplexobj(a)) for a in args]
    _, (batched,) = jvp_flat(fun, args, tans)
    for j in range(k):
        _, (one,) = jvp_flat(fun, args, [t[j] for t in tans])
        np.testing.assert_allclose(np.asarray(batched)[j], one, rtol=1e-10, atol=1e-12)

    outs, back = vjp_flat(fun, args)
    out = np.asarray(outs[0])
    cts = rand(k, *out.shape, complex_=complex_cts or np.iscomplexobj(out))
    batched = back([cts])
    for j in range(k):
        outs1, back1 = vjp_flat(fun, args)
        one = back1([cts[j]])
        for b, o in zip(batched, one):
            np.testing.assert_allclose(np.asarray(b)[j], o, rtol=1e-10, atol=1e-12)


EINSUM_CASES = [
    ("ii->", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("iii->i", [(2, 2, 2)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("...ii->...", [(4, 2, 2)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("...i,...i", [(2, 1, 3), (4, 3)]),
    ("i...i,j->...j", [(3, 2, 3), (2,)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("ij->", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("bA,Ac", [(2, 3), (3, 2)]),
    ("i,j", [(2,), (3,)]),
    (",i->i", [(), (3,)]),
]


@pytest.mark.parametrize("subs,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_value_and_batched(subs, shapes):
    ops = [rand(*s) for s in shapes]
    want = np.einsum(subs, *ops)
    got = ad.jvp(lambda *o: dnp.einsum(subs, *o), tuple(ops), tuple(ops))[0]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.shape(got) == np.shape(want)
    check_batched(lambda *o: dnp.einsum(subs, *o), ops)


def test_einsum_complex_batched():
    a, b = rand(2, 3, 3, complex_=True), rand(3, 2)
    check_batched(lambda x, y: dnp.einsum("...ii,ij->...j", x, y), [a, b])


def test_einsum_nested_batched_second_order():
    # the tangent of a tangent: the JVP rule's einsum gets batch letters twice
    a = rand(3, 3)

    def f(x):
        return dnp.einsum("ii,ij->j", x, x)

    def jac_fwd(x):                 # batched JVP inside, traced by an outer transform
        eye = np.eye(9).reshape(9, 3, 3)
        return jvp_flat(lambda xs: [f(xs[0])], [x], [eye])[1][0]
    check_grads(jac_fwd, (a,), order=1)
    check_batched(jac_fwd, [a], k=2)


def test_einsum_forms():
    a, b, c = rand(2, 3), rand(3, 4), rand(4)
    d = rand(2, 3, 3)
    cases = [
        (lambda x: dnp.einsum("ij,jk,k->i", x, b, c, optimize=True),
         np.einsum("ij,jk,k->i", a, b, c), a),
        (lambda x: dnp.einsum("ij,jk,k->i", x, b, c, optimize="greedy"),
         np.einsum("ij,jk,k->i", a, b, c), a),
        (lambda x: dnp.einsum("ij,jk,k", x, b, c, optimize=["einsum_path", (0, 1), (0, 1)]),
         np.einsum("ij,jk,k", a, b, c), a),
        (lambda x: dnp.einsum(x, [0, 1], b, [1, 2]), np.einsum(a, [0, 1], b, [1, 2]), a),
        (lambda x: dnp.einsum(x, [0, 1], b, [1, 2], [2, 0]),
         np.einsum(a, [0, 1], b, [1, 2], [2, 0]), a),
        (lambda x: dnp.einsum(x, [Ellipsis, 0, 0], [Ellipsis]),
         np.einsum(d, [Ellipsis, 0, 0], [Ellipsis]), d),
        (lambda x: dnp.einsum(" i j -> j i ", x), a.T, a),
    ]
    for f, want, x in cases:
        got = ad.jvp(f, (x,), (x,))[0]
        np.testing.assert_allclose(got, want, rtol=1e-12)
        check_grads(f, (x,), order=1)
    # plain inputs go straight to NumPy, out= included
    out = np.empty((2, 4))
    dnp.einsum("ij,jk->ik", a, b, out=out)
    np.testing.assert_allclose(out, a @ b)


def test_einsum_dtype_kwarg():
    a = rand(2, 2)
    got = ad.jvp(lambda x: dnp.einsum("ij->j", x, dtype=np.float32), (a,), (a,))[0]
    assert got.dtype == np.float32


def test_einsum_repeated_index_vjp_is_diagonal():
    a = rand(3, 3)
    np.testing.assert_allclose(ad.grad(lambda x: dnp.einsum("ii->", x))(a), np.eye(3))
    w = rand(3)
    np.testing.assert_allclose(ad.grad(lambda x: dnp.sum(w * dnp.einsum("ii->i", x)))(a),
                               np.diag(w))
    t = rand(2, 2, 3)
    g = ad.grad(lambda x: dnp.sum(w * dnp.einsum("iij->ij", x)))(t)
    want = np.zeros((2, 2, 3))
    for i in range(2):
        want[i, i] = w
    np.testing.assert_allclose(g, want)
    # a broadcast (size-1) index sums back: d/dx sum(x * y) over broadcast rows
    x, y = rand(1, 3), rand(4, 3)
    np.testing.assert_allclose(ad.grad(lambda u: dnp.sum(dnp.einsum("ij,ij->ij", u, y)))(x),
                               y.sum(0, keepdims=True))


def test_einsum_vjp_other_operand_broadcast_along_summed_index():
    """An index summed out of the output, at full size in the differentiated
    operand and size 1 (broadcast) in another: the cotangent keeps the full
    size.  (Reverse mode used to return size 1 there, a factor 1/4 short after
    the broadcast's sum.)  Truth: the closed form sum_b a[0, i] w[b, i]."""
    a = np.array([[1.0, 2.0, 3.0]])                       # (1, 3): broadcast along b
    f = lambda w: dnp.sum(dnp.einsum("bi,bi->i", a, w + np.zeros((4, 3))))
    want = 4 * a[0]                                       # d/dw_i of 4 a_i w_i
    for d in (ad.grad, ad.jacrev, ad.jacfwd):
        np.testing.assert_allclose(d(f)(np.ones(3)), want, rtol=1e-15)
    g = ad.grad(lambda b: dnp.sum(dnp.einsum("bi,bi->i", a, b)))(np.ones((4, 3)))
    np.testing.assert_allclose(g, np.broadcast_to(a, (4, 3)), rtol=1e-15)
    # the Jacobian of einsum("bi,bi->i", a, b) in b: J[i, b, j] = a[0, i] delta_ij
    want_j = np.einsum("i,ij,b->ibj", a[0], np.eye(3), np.ones(4))
    for jac in (ad.jacrev, ad.jacfwd):
        np.testing.assert_allclose(jac(lambda b: dnp.einsum("bi,bi->i", a, b))(rand(4, 3)),
                                   want_j, rtol=1e-15)
    # second order: f2(w) = sum_i (4 a_i w_i)^2, Hessian 32 diag(a^2)
    f2 = lambda w: dnp.sum(dnp.einsum("bi,bi->i", a, w + np.zeros((4, 3))) ** 2)
    w = rand(3)
    for h in (ad.hessian, lambda q: ad.jacrev(ad.jacrev(q)), lambda q: ad.jacrev(ad.grad(q)),
              lambda q: ad.jacfwd(ad.grad(q))):
        np.testing.assert_allclose(h(f2)(w), 32 * np.diag(a[0] ** 2), rtol=1e-14)
    # both operands slices of one variable (used to crash in scatter_add)
    z = rand(2, 3, 4)
    h3 = lambda z: dnp.sum(dnp.einsum("ij,ij->i", z[0, :, :1], z[1]) ** 2)
    np.testing.assert_allclose(ad.jacrev(ad.grad(h3))(z), ad.jacfwd(ad.jacfwd(h3))(z),
                               rtol=1e-12, atol=1e-13)


def test_einsum_vjp_zero_size_summed_axis():
    """A zero-size summed index: the cotangent has the operand's (0, 3) shape
    (it used to come back as (1, 3)) and jacrev gives the empty Jacobian."""
    e = np.zeros((0, 3))
    assert ad.grad(lambda z: dnp.sum(dnp.einsum("ij->j", z)))(e).shape == (0, 3)
    for jac in (ad.jacrev, ad.jacfwd):
        assert jac(lambda z: dnp.einsum("ij->j", z))(e).shape == (3, 0, 3)
    # broadcast against a zero: a (1, 3) operand times a (0, 3) one
    a = np.ones((1, 3))
    assert ad.grad(lambda u: dnp.sum(dnp.einsum("ij,ij->j", u, e)))(a).shape == (1, 3)
    np.testing.assert_array_equal(ad.grad(lambda u: dnp.sum(dnp.einsum("ij,ij->j", u, e)))(a), 0)
    assert ad.grad(lambda u: dnp.sum(dnp.einsum("ij,ij->j", a, u)))(e).shape == (0, 3)


def test_einsum_second_order_closed_form():
    m, x, v = rand(3, 3), rand(3), rand(3)
    f = lambda u: dnp.einsum("i,ij,j", u, m, u)
    g = ad.grad(f)
    np.testing.assert_allclose(g(x), (m + m.T) @ x, rtol=1e-12)
    hv = ad.jvp(g, (x,), (v,))[1]
    np.testing.assert_allclose(hv, (m + m.T) @ v, rtol=1e-12)
    # trace(A A): d/dA = 2 A^T, H[A] dA = 2 dA^T; batched over 4 directions
    a, da = rand(3, 3), rand(4, 3, 3)
    h = lambda u: dnp.einsum("ij,ji->", u, u)
    _, (hvb,) = jvp_flat(lambda xs: [ad.grad(h)(xs[0])], [a], [da])
    np.testing.assert_allclose(hvb, 2 * np.swapaxes(da, -1, -2), rtol=1e-12)


def test_einsum_errors():
    a = rand(2, 3)
    with pytest.raises(ValueError):
        ad.grad(lambda x: dnp.sum(dnp.einsum("ijk->i", x)))(a)
    with pytest.raises(ValueError):
        ad.grad(lambda x: dnp.sum(dnp.einsum("ij,jk", x)))(a)
    with pytest.raises(ValueError):     # like NumPy: '...' dims need '...' in the output
        ad.grad(lambda x: dnp.sum(dnp.einsum("...i->i", x)))(a)


# --- tensordot and the composed products --------------------------------------------
TD_CASES = [
    ((2, 3), (3, 2), 1), ((2, 3), (2, 3), 2), ((2,), (3,), 0),
    ((3, 2), (2, 3), ((0,), (1,))), ((2, 3, 2), (3, 2, 2), ((1, 0), (0, 2))),
    ((2, 3, 4), (4, 3), ([2, 1], [0, 1])), ((3,), (3, 2), ([-1], [0])),
]


@pytest.mark.parametrize("sa,sb,axes", TD_CASES)
def test_tensordot(sa, sb, axes):
    a, b = rand(*sa), rand(*sb)
    f = lambda x, y: dnp.tensordot(x, y, axes)
    np.testing.assert_allclose(ad.jvp(f, (a, b), (a, b))[0], np.tensordot(a, b, axes))
    check_batched(f, [a, b])
    check_grads(f, (a, b), order=2)


def test_dot_nd_uses_tensordot():
    a, b = rand(2, 2, 3), rand(4, 3, 2)
    np.testing.assert_allclose(ad.jvp(dnp.dot, (a, b), (a, b))[0], np.dot(a, b))
    check_batched(dnp.dot, [a, b])


@pytest.mark.parametrize("name,args", [
    ("outer", [rand(2, 2), rand(3)]),
    ("inner", [rand(2, 3), rand(4, 3)]),
    ("inner", [rand(2, 2, 3), rand(2, 3)]),
    ("inner", [rand(3), rand(3)]),
    ("vdot", [rand(2, 3), rand(6)]),
    ("kron", [rand(2, 2), rand(2, 3)]),
    ("kron", [rand(3), rand(2, 2)]),
    ("cross", [rand(4, 3), rand(3)]),
    ("cross", [rand(4, 2), rand(4, 3)]),
    ("vecdot", [rand(2, 3), rand(3)]),
    ("matvec", [rand(2, 2, 3), rand(3)]),
    ("vecmat", [rand(3), rand(2, 3, 2)]),
    ("matrix_transpose", [rand(2, 3, 4)]),
])
def test_products_match_numpy_and_batch(name, args):
    f, g = getattr(dnp, name), getattr(np, name)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # cross of 2-vectors
        want = g(*args)
        got = ad.jvp(f, tuple(args), tuple(args))[0]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    check_batched(f, args)


def test_cross_axes():
    a, b = rand(3, 2), rand(2, 3)
    f = lambda x, y: dnp.cross(x, y, axisa=0, axisb=1, axisc=0)
    np.testing.assert_allclose(ad.jvp(f, (a, b), (a, b))[0],
                               np.cross(a, b, axisa=0, axisb=1, axisc=0))
    check_grads(f, (a, b))


def test_vdot_complex_convention():
    a, b = rand(2, 2, complex_=True), rand(4, complex_=True)
    np.testing.assert_allclose(ad.jvp(dnp.vdot, (a, b), (a, b))[0], np.vdot(a, b))
    _, back = ad.vjp(dnp.vdot, a, b)
    ga, gb = back(np.complex128(1.0))
    # holomorphic in b: g * conj(a); conj-linear in a: transpose gives conj(g * b)
    np.testing.assert_allclose(gb, np.conj(a).ravel())
    np.testing.assert_allclose(ga, np.conj(b).reshape(2, 2))
    check_batched(dnp.vdot, [a, b])


def test_vecdot_vecmat_conjugate_first():
    x1, x2 = rand(2, 3, complex_=True), rand(3, complex_=True)
    np.testing.assert_allclose(ad.jvp(dnp.vecdot, (x1, x2), (x1, x2))[0], np.vecdot(x1, x2))
    m = rand(3, 2, complex_=True)
    np.testing.assert_allclose(ad.jvp(dnp.vecmat, (x2, m), (x2, m))[0], np.vecmat(x2, m))
    np.testing.assert_allclose(ad.jvp(dnp.matvec, (m.T, x2), (m.T, x2))[0],
                               np.matvec(m.T, x2))


def test_numpy_dispatch_reaches_products():
    a, b = rand(3, 3), rand(3)
    g = ad.grad(lambda x: np.einsum("ii->", x) + np.sum(np.tensordot(x, b, 1))
                + np.vdot(b, np.matvec(x, b)))(a)
    want = np.eye(3) + np.outer(np.ones(3), b) + np.outer(b, b)
    np.testing.assert_allclose(g, want, rtol=1e-12)


# --- polyval, interp, convolve, correlate ---------------------------------------------
def test_polyval_closed_forms():
    p, x = rand(4), rand(2, 3)
    np.testing.assert_allclose(ad.jvp(dnp.polyval, (p, x), (p, x))[0], np.polyval(p, x))
    gx = ad.grad(lambda u: dnp.sum(dnp.polyval(p, u)))(x)
    np.testing.assert_allclose(gx, np.polyval(np.polyder(p), x), rtol=1e-12)
    gp = ad.grad(lambda q: dnp.sum(dnp.polyval(q, x)))(p)
    np.testing.assert_allclose(gp, [np.sum(x ** k) for k in (3, 2, 1, 0)], rtol=1e-12)
    h = ad.jvp(ad.grad(lambda u: dnp.polyval(p, u)), (0.3,), (1.0,))[1]
    np.testing.assert_allclose(h, np.polyval(np.polyder(p, 2), 0.3), rtol=1e-12)
    check_batched(dnp.polyval, [p, x])
    check_batched(dnp.polyval, [p, np.float64(0.4)])
    check_batched(dnp.polyval, [p[:1], x])


def test_polyval_poly1d_and_2d():
    p = np.poly1d([1.0, -2.0, 0.5])
    np.testing.assert_allclose(ad.grad(lambda u: dnp.polyval(p, u))(1.5), 2 * 1.5 - 2)
    p2, x = rand(3, 2), rand(2)
    np.testing.assert_allclose(ad.jvp(dnp.polyval, (p2, x), (p2, x))[0], np.polyval(p2, x))
    check_grads(dnp.polyval, (p2, x))


def test_polyval_empty_coefficients_give_empty_derivatives():
    # NumPy's value of no coefficients is 0; the derivative in p has p's size 0
    x = np.array([0.5, 1.0, 2.0])
    p = np.zeros(0)
    assert ad.grad(lambda q: dnp.sum(dnp.polyval(q, x)))(p).shape == (0,)
    assert ad.jacrev(lambda q: dnp.polyval(q, x))(p).shape == (3, 0)
    assert ad.jacfwd(lambda q: dnp.polyval(q, x))(p).shape == (3, 0)
    np.testing.assert_array_equal(ad.grad(lambda u: dnp.sum(dnp.polyval(p, u)))(x), 0.0)


def test_polyval_2d_coefficients_keep_float32():
    # NumPy's Horner starts from zeros_like(x): float32 in, float32 out, NumPy's values
    P = np.arange(6, dtype=np.float32).reshape(3, 2) / 7
    X = np.array([0.3, 1.7], np.float32)
    val, tan = ad.jvp(lambda x: dnp.polyval(P, x), (X,), (np.ones_like(X),))
    assert val.dtype == tan.dtype == np.float32
    np.testing.assert_array_equal(val, np.polyval(P, X))
    np.testing.assert_allclose(tan, 2 * P[0] * X + P[1], rtol=1e-6)


@pytest.mark.parametrize("as_seq", [list, tuple])
def test_polyval_sequence_of_traced_coefficients(as_seq):
    """A list / tuple of coefficients (some traced, some plain), as NumPy takes;
    also through plain numpy.polyval, and x a list."""
    c = np.array([0.7, -1.3, 2.1])
    x = np.array([0.4, -1.1, 2.0])

    def f(c, x, poly=dnp.polyval):
        return poly(as_seq([c[0], 0.5, c[1] * 2.0, c[2]]), x)
    want = np.polyval([c[0], 0.5, c[1] * 2.0, c[2]], x)
    for poly in (dnp.polyval, np.polyval):
        val, _ = ad.jvp(lambda cc, xx: f(cc, xx, poly), (c, x), (c, x))
        np.testing.assert_allclose(val, want, rtol=1e-14)
    gc = ad.jacobian(lambda cc: f(cc, x))(c)
    np.testing.assert_allclose(gc, np.stack([x ** 3, 2 * x, np.ones(3)], axis=-1), rtol=1e-14)
    check_grads(f, (c, x), order=2)
    val = dnp.polyval([0.5, 1.0], as_seq([ad.stop_gradient(1.0), 2.0]))
    np.testing.assert_allclose(val, [1.5, 2.0])
    g = ad.grad(lambda t: dnp.sum(dnp.polyval([0.5, 1.0], as_seq([t, 2.0 * t]))))(1.0)
    assert float(g) == pytest.approx(1.5)


def test_interp_values_and_slopes():
    xp, fp = np.array([-1.0, 0.0, 0.5, 2.0]), rand(4)
    x = np.array([-1.5, -0.7, 0.0, 0.2, 0.9, 2.0, 2.5])
    for kw in ({}, {"left": -3.0, "right": 4.0}, {"period": 3.0}):
        np.testing.assert_allclose(ad.jvp(lambda u: dnp.interp(u, xp, fp, **kw), (x,), (x,))[0],
                                   np.interp(x, xp, fp, **kw))
    slopes = np.diff(fp) / np.diff(xp)
    g = ad.jacobian(lambda u: dnp.interp(u, xp, fp))(x)
    # outside: 0; at a knot: the interval to the right (the last one at xp[-1])
    want = [0.0, slopes[0], slopes[1], slopes[1], slopes[2], slopes[2], 0.0]
    np.testing.assert_allclose(np.diag(g), want, rtol=1e-12)
    # linear in fp: the Jacobian is the matrix of hat-function weights
    jf = ad.jacobian(lambda f: dnp.interp(x, xp, f))(fp)
    np.testing.assert_allclose(jf, np.stack([np.interp(x, xp, e) for e in np.eye(4)], -1),
                               atol=1e-15)
    check_batched(lambda u, a, f: dnp.interp(u, a, f), [x[[1, 3, 4]], xp, fp])
    check_batched(lambda u, f: dnp.interp(u, xp, f, left=0.5), [x, fp])


def test_interp_repeated_knots_fp_derivative_follows_numpy():
    """At repeated knots (first, interior, last) interp is linear in fp, so its
    Jacobian in fp is NumPy's own interp of the unit vectors.  At a repeated
    last knot, x == xp[-1], NumPy returns fp[-1]; the derivative went to fp[-2]
    ([0, 1, 0] instead of [0, 0, 1])."""
    xp0, fp0 = np.array([0.0, 1.0, 1.0]), np.array([0.0, 5.0, 7.0])
    assert dnp.interp(1.0, xp0, fp0) == np.interp(1.0, xp0, fp0) == 7.0
    for d in (ad.grad, ad.jacrev, ad.jacfwd):
        np.testing.assert_array_equal(d(lambda f: dnp.interp(1.0, xp0, f))(fp0), [0, 0, 1])
    for xp in ([0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0],
               [-1.0, 0.5, 0.5, 0.5, 3.0], [1.0, 1.0]):
        xp = np.array(xp)
        m = len(xp)
        x = np.concatenate([xp, (xp[:-1] + xp[1:]) / 2, [xp[0] - 1, xp[-1] + 1]])
        fp = rand(m)
        want = np.stack([np.interp(x, xp, e) for e in np.eye(m)], -1)
        for jac in (ad.jacrev, ad.jacfwd):
            np.testing.assert_array_equal(jac(lambda f: dnp.interp(x, xp, f))(fp), want)
        # the mixed second derivative at xp[-1], both nesting orders: the
        # derivative in fp of the slope there (0 on a zero-width last interval)
        h = xp[-1] - xp[-2]
        want_mixed = np.zeros(m) if h == 0 else np.eye(m)[-1] / h - np.eye(m)[-2] / h
        np.testing.assert_allclose(ad.jacfwd(lambda u: ad.grad(
            lambda f: dnp.interp(u, xp, f))(fp))(xp[-1]), want_mixed, rtol=1e-15)
        np.testing.assert_array_equal(ad.jacfwd(lambda u: ad.grad(
            lambda f: dnp.interp(u, xp, f))(fp))(xp[-1]),
            ad.grad(lambda f: ad.grad(lambda u: dnp.interp(u, xp, f))(xp[-1]))(fp))


def test_interp_scalar_and_complex():
    xp, fp = np.array([0.0, 1.0, 3.0]), rand(3, complex_=True)
    np.testing.assert_allclose(ad.jvp(lambda u, f: dnp.interp(u, xp, f), (2.0, fp), (1.0, fp))[0],
                               np.interp(2.0, xp, fp))
    d = ad.jvp(lambda u: dnp.interp(u, xp, fp), (2.0,), (1.0,))[1]
    np.testing.assert_allclose(d, (fp[2] - fp[1]) / 2.0)
    check_batched(lambda u, f: dnp.interp(u, xp, f), [np.array([0.5, 2.5]), fp])


@pytest.mark.parametrize("m,n", [(1, 1), (1, 3), (3, 1), (2, 3), (3, 2), (4, 4), (5, 2), (2, 5)])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate_match_numpy(m, n, mode):
    a, v = rand(m, complex_=True), rand(n, complex_=True)
    for f, g in ((dnp.convolve, np.convolve), (dnp.correlate, np.correlate)):
        got = ad.jvp(lambda x, y: f(x, y, mode), (a, v), (a, v))[0]
        np.testing.assert_allclose(got, g(a, v, mode), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_batched_and_linear(mode):
    a, v = rand(4), rand(3)
    check_batched(lambda x, y: dnp.convolve(x, y, mode), [a, v])
    check_batched(lambda x, y: dnp.correlate(x, y, mode), [a, rand(3, complex_=True)])
    # linear in each argument: the Jacobian in a is the convolution matrix
    ja = ad.jacobian(lambda x: dnp.convolve(x, v, mode))(a)
    np.testing.assert_allclose(ja, np.stack([np.convolve(e, v, mode) for e in np.eye(4)], -1),
                               atol=1e-15)
