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
