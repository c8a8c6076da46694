"""Rules at the inputs the general specs miss: permutations that are not their
own inverse (tensordot's axes, LU pivots), reverse rules of cholesky and eigh
against non-symmetric tangents, and nearly equal eigenvalues.  Each test is
here because a wrong rule passed every other test (found by mutating the rule
tables)."""
import numpy as np
import pytest
import scipy.linalg

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import linalg as dsl
from dualad.testing import check_grads

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("axes, shape_b", [
    (([2, 0], [0, 1]), (4, 2, 5)),
    (([0, 2], [1, 0]), (4, 2, 5)),
    (([1, 2, 0], [2, 0, 1]), (4, 2, 3)),
])
def test_tensordot_with_axes_in_a_cyclic_order(axes, shape_b):
    # the contracted axes listed in an order whose permutation is not its own
    # inverse: the VJP must apply the inverse permutation
    a = RNG.standard_normal((2, 3, 4))
    b = RNG.standard_normal(shape_b)
    check_grads(lambda a, b: dnp.tensordot(a, b, axes=axes), (a, b), order=2)


def test_lu_factor_with_a_three_cycle_of_pivots():
    A = np.array([[1.0, 2.0, 0.5], [3.0, 0.2, 1.0], [0.5, 4.0, 0.1]])
    piv = scipy.linalg.lu_factor(A)[1]
    perm = np.arange(3)
    for i, p in enumerate(piv):
        perm[[i, p]] = perm[[p, i]]
    assert not np.array_equal(perm[perm], np.arange(3))      # not its own inverse
    C = np.arange(9.0).reshape(3, 3) - 4.0
    check_grads(lambda a: dnp.sum(dsl.lu_factor(a)[0] * C), (A,), order=2)


def _spd(n):
    m = RNG.standard_normal((n, n))
    return m @ m.T + n * np.eye(n)


@pytest.mark.parametrize("decomposition", ["cholesky", "eigh"])
def test_symmetric_decompositions_reverse_mode_against_non_symmetric_tangents(decomposition):
    # the forward rules differentiate along the symmetric part of dA (documented);
    # the reverse rules must be their transposes: a symmetric gradient, and
    # <grad, t> equal to the JVP along any t, symmetric or not
    A = _spd(4)
    C = RNG.standard_normal((4, 4))
    if decomposition == "cholesky":
        def f(a):
            return dnp.sum(dnp.linalg.cholesky(a) * C)
    else:
        def f(a):
            w, v = dnp.linalg.eigh(a)
            return dnp.sum(w * C[0]) + dnp.sum((v * v) * C)        # phase-invariant
    g = ad.grad(f)(A)
    np.testing.assert_allclose(g, g.T, rtol=1e-12, atol=1e-14)
    t = RNG.standard_normal((4, 4))                               # not symmetric
    _, jt = ad.jvp(f, (A,), (t,))
    np.testing.assert_allclose(np.sum(g * t), jt, rtol=1e-12)
    # and the JVP is the derivative of NumPy's function along the symmetric part
    s = (t + t.T) / 2
    plain = (lambda a: np.sum(np.linalg.cholesky(a) * C)) if decomposition == "cholesky" else (
        lambda a: np.sum(np.linalg.eigh(a)[0] * C[0]) + np.sum(np.linalg.eigh(a)[1] ** 2 * C))
    h = 1e-6
    np.testing.assert_allclose(jt, (plain(A + h * s) - plain(A - h * s)) / (2 * h), rtol=1e-7)


@pytest.mark.parametrize("gap", [1e-5, 1e-7])
def test_eigenvectors_of_nearly_equal_eigenvalues(gap):
    # eigenvalues 1, 1 + gap, 3: the eigenvector derivative grows like 1/gap and
    # must not be cut to 0 (only exactly equal eigenvalues are degenerate);
    # truth: first-order perturbation theory, dv_k = sum_j v_j (v_j' dA v_k) / (l_k - l_j)
    Q = np.linalg.qr(RNG.standard_normal((3, 3)))[0]
    lam = np.array([1.0, 1.0 + gap, 3.0])
    A = (Q * lam) @ Q.T
    A = (A + A.T) / 2
    C = RNG.standard_normal((3, 3))

    def f(a):
        v0 = dnp.linalg.eigh(a)[1][:, 0]
        return dnp.sum(dnp.outer(v0, v0) * C)                     # phase-invariant

    t = RNG.standard_normal((3, 3))
    t = (t + t.T) / 2
    w, V = np.linalg.eigh(A)
    v0 = V[:, 0]
    dv0 = sum(V[:, j] * (V[:, j] @ t @ v0) / (w[0] - w[j]) for j in (1, 2))
    exact = np.sum((np.outer(dv0, v0) + np.outer(v0, dv0)) * C)
    assert abs(exact) > 0.01 / gap                                 # large, as it should be
    _, jt = ad.jvp(f, (A,), (t,))
    np.testing.assert_allclose(jt, exact, rtol=1e-6)
    np.testing.assert_allclose(np.sum(ad.grad(f)(A) * t), exact, rtol=1e-6)


# ---------------------------------------------------------------------------
# Inputs the general specs draw around (found by mutating the rule tables: each
# wrong rule below was caught only by the broad cross-check of
# tests/test_batched_rules.py).  The truths are closed forms.

@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_integer_powers_of_negative_bases(mode):
    # the specs draw positive bases for x ** c; a rule using |x| passes them
    x = np.array([-2.0, -0.5, 1.5, -3.0])

    def f(x):
        return x ** 2 + x ** 3 - 2.0 * dnp.power(x, -1) + dnp.square(x) / 3

    exact = 2 * x + 3 * x ** 2 + 2.0 / x ** 2 + 2 * x / 3
    exact2 = 2 + 6 * x - 4.0 / x ** 3 + 2.0 / 3
    if mode == "forward":
        d = ad.jacfwd(f)(x).diagonal()
        d2 = ad.jacfwd(ad.jacfwd(f))(x)[np.arange(4), np.arange(4), np.arange(4)]
    else:
        d = ad.grad(lambda x: dnp.sum(f(x)))(x)
        d2 = ad.hessian(lambda x: dnp.sum(f(x)))(x).diagonal()
    np.testing.assert_allclose(d, exact, rtol=1e-13)
    np.testing.assert_allclose(d2, exact2, rtol=1e-13)


@pytest.mark.parametrize("reduce", [dnp.max, dnp.min, dnp.amax])
def test_tied_extremes_split_the_derivative(reduce):
    # docs/conventions.md: k tied extremes each get 1/k, in both modes
    x = np.array([[3.0, 1.0, 3.0, 3.0], [2.0, 2.0, 0.5, 2.5]])
    if reduce is dnp.min:
        x = -x
    exact = np.array([[1 / 3, 0, 1 / 3, 1 / 3], [0, 0, 0, 1.0]])
    np.testing.assert_allclose(ad.grad(lambda x: dnp.sum(reduce(x, axis=1)))(x), exact,
                               rtol=1e-15)
    np.testing.assert_allclose(ad.jacfwd(lambda x: reduce(x, axis=1))(x)[0, 0], exact[0],
                               rtol=1e-15)
    whole = np.array([[1 / 3, 0, 1 / 3, 1 / 3], [0, 0, 0, 0]])
    np.testing.assert_allclose(ad.grad(reduce)(x), whole, rtol=1e-15)
    _, t = ad.jvp(reduce, (x,), (np.arange(8.0).reshape(2, 4),))
    assert t == pytest.approx((0 + 2 + 3) / 3, rel=1e-15)


@pytest.mark.parametrize("dtypes", [("c", "c"), ("f", "c"), ("c", "f")])
def test_plain_two_dimensional_complex_matmul(dtypes):
    # a @ b with 2-D operands takes a fast path of its own; its VJP must not
    # conjugate (the pairing is Re(sum(a * b)), docs/complex.md)
    def draw(kind, shape):
        r = RNG.standard_normal(shape)
        return r + 1j * RNG.standard_normal(shape) if kind == "c" else r
    A, B = draw(dtypes[0], (3, 4)), draw(dtypes[1], (4, 2))
    G = RNG.standard_normal((3, 2)) + 1j * RNG.standard_normal((3, 2))
    out, pullback = ad.vjp(lambda a, b: a @ b, A, B)
    ga, gb = pullback(G)
    exact_a, exact_b = G @ B.T, A.T @ G
    if dtypes[0] == "f":
        exact_a = exact_a.real
    if dtypes[1] == "f":
        exact_b = exact_b.real
    np.testing.assert_allclose(ga, exact_a, rtol=1e-13)
    np.testing.assert_allclose(gb, exact_b, rtol=1e-13)
    check_grads(lambda a, b: a @ b, (A, B), order=2)


@pytest.mark.parametrize("n", [10, 5000])
def test_negation_of_large_arrays(n):
    # past a size the sweep folds a constant scale into a symbolic broadcast
    # number; the sign must survive it
    x = np.linspace(-1.0, 1.0, n)
    assert np.array_equal(ad.grad(lambda x: dnp.sum(-x))(x), -np.ones(n))
    assert np.array_equal(ad.grad(lambda x: dnp.sum(2.0 - x))(x), -np.ones(n))
    assert np.array_equal(ad.grad(lambda x: dnp.sum(x - 3.0 * x))(x), -2 * np.ones(n))


@pytest.mark.parametrize("jac", [ad.jacfwd, ad.jacrev])
def test_where_with_a_branch_broadcast_against_the_condition(jac):
    c = np.array([[True, False, True], [False, False, True]])
    x = np.array([1.0, 2.0, 3.0])
    J = jac(lambda x: dnp.where(c, x * x, -x))(x)          # shape (2, 3) + (3,)
    exact = np.zeros((2, 3, 3))
    for i in range(2):
        for j in range(3):
            exact[i, j, j] = 2 * x[j] if c[i, j] else -1.0
    np.testing.assert_array_equal(J, exact)


@pytest.mark.parametrize("outer, inner", [(ad.jacrev, ad.jacrev), (ad.jacfwd, ad.jacrev),
                                          (ad.jacrev, ad.jacfwd)])
def test_second_derivatives_of_repeated_fancy_indexing(outer, inner):
    # out_k = x[i_k] ** 3 with a repeated index: the second derivative tensor is
    # 6 x[i_k] at [k, i_k, i_k] and 0 elsewhere
    idx = np.array([0, 0, 2, 1, 2])
    x = np.array([0.5, -1.5, 2.0])
    T = outer(inner(lambda x: x[idx] ** 3))(x)
    exact = np.zeros((5, 3, 3))
    exact[np.arange(5), idx, idx] = 6 * x[idx]
    np.testing.assert_allclose(T, exact, rtol=1e-14)


@pytest.mark.parametrize("direction", [1.0, 1j, 0.6 - 0.8j])
def test_second_derivative_of_complex_norms_through_zero_entries(direction):
    # ||A + tE||_F with E on an entry where A is 0: the second derivative is
    # |E|^2 / ||A|| - Re<A, E>^2 / ||A||^3 (closed form); |x|^2 must not go
    # through abs, whose derivative at 0 is 0 by convention
    A = np.array([[0.3j, 0.0], [0.0, -0.6 + 0.2j]])
    E = np.array([[0.5, direction], [0.0, 0.25j]])
    nA = np.linalg.norm(A)
    pair = np.real(np.vdot(A, E))
    exact = np.linalg.norm(E) ** 2 / nA - pair ** 2 / nA ** 3
    for ord_ in (None, "fro"):
        def g(t):
            return dnp.linalg.norm(A + t * E, ord_)
        assert ad.grad(ad.grad(g))(0.0) == pytest.approx(exact, rel=1e-13)
        assert ad.jacfwd(ad.grad(g))(0.0) == pytest.approx(exact, rel=1e-13)
    v = np.array([0.0, 0.3j, -0.4])
    w = np.array([direction, 0.5, 0.0])
    exact_v = np.linalg.norm(w) ** 2 / np.linalg.norm(v) - np.real(np.vdot(v, w)) ** 2 / np.linalg.norm(v) ** 3
    assert ad.grad(ad.grad(lambda t: dnp.linalg.norm(v + t * w)))(0.0) == pytest.approx(exact_v, rel=1e-13)
