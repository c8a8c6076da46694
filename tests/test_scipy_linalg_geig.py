"""The generalized eigenproblem ``A v = w B v`` (dualad.scipy.linalg.eig(a, b)).

Truths, none from the rule under test: the eigenvalues' power sums are traces,
``sum(w**k) = tr(C**k)`` with ``C = B^-1 A``, and ``V diag(f(w)) V^-1 = f(C)``
(gauge invariant), so every derivative is checked against (a) the hand-derived
gradient ``d tr(C^k) = k tr(C^(k-1) dC)``, ``dC = B^-1 (dA - dB C)``, (b) the
same function spelled with ``inv``/``matmul`` (other, separately tested rules),
and (c) Richardson central differences of SciPy's own ``eig(a, b)``.
"""
import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as L
from tests._derivatives import richardson_jacobian

RNG = np.random.default_rng(7)
N = 4
A = RNG.standard_normal((N, N))
B = RNG.standard_normal((N, N)) + 3 * np.eye(N)
# a pencil with a complex pair and one with real eigenvalues only
AR = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, 0.2], [0.0, 0.1, 5.0]])
BR = np.array([[1.0, 0.1, 0.0], [0.0, 2.0, 0.3], [0.2, 0.0, 1.5]])


def _trace_power(a, b, k=3):
    return dnp.real(dnp.sum(L.eigvals(a, b) ** k))


def _trace_power_closed(a, b, k=3):
    c = dnp.linalg.inv(b) @ a
    return dnp.trace(dnp.linalg.matrix_power(c, k))


def _f_of_c(a, b):
    """``V diag(w^2) V^-1 = C^2``, real part (gauge invariant)."""
    w, v = L.eig(a, b)
    return dnp.real((v * w ** 2) @ dnp.linalg.inv(v))


def test_values_match_scipy():
    for a, b in ((A, B), (AR, BR)):
        w, v = ad.jvp(lambda a: L.eig(a, b), (a,), (np.ones_like(a),))[0]
        w0, v0 = sl.eig(a, b)
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(v, v0)
        assert v.dtype == v0.dtype and w.dtype == w0.dtype
    assert sl.eig(AR, BR)[1].dtype == np.float64       # the real-vectors case is covered


def test_gradient_matches_hand_derived_formula():
    c = np.linalg.solve(B, A)
    binv = np.linalg.inv(B)
    c2 = c @ c
    want_a = 3 * (c2 @ binv).T                          # d tr(C^3) = 3 tr(C^2 dC)
    want_b = -3 * (c2 @ c @ binv).T
    ga, gb = ad.grad(_trace_power, argnums=(0, 1))(A, B)
    np.testing.assert_allclose(ga, want_a, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gb, want_b, rtol=1e-10, atol=1e-12)
    ta = ad.jvp(lambda a: _trace_power(a, B), (A,), (np.ones_like(A),))[1]
    np.testing.assert_allclose(ta, want_a.sum(), rtol=1e-10)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("argnum", [0, 1])
def test_jacobian_of_gauge_invariant_function(mode, argnum):
    def plain(x):
        a, b = (x, B) if argnum == 0 else (A, x)
        w, v = sl.eig(a, b)
        return np.real((v * w ** 2) @ np.linalg.inv(v))
    x = (A, B)[argnum]
    want = richardson_jacobian(plain, (x,), 0)
    got = ad.jacobian(_f_of_c, argnums=argnum, mode=mode)(A, B)
    np.testing.assert_allclose(got.reshape(want.shape), want, rtol=1e-7, atol=1e-9)
    closed = ad.jacobian(lambda a, b: dnp.linalg.matrix_power(dnp.linalg.inv(b) @ a, 2),
                         argnums=argnum)(A, B)
    np.testing.assert_allclose(got, closed, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("transform", [
    ad.hessian,
    lambda f, argnums: ad.jacfwd(ad.jacfwd(f, argnums=argnums), argnums=argnums),
    lambda f, argnums: ad.jacrev(ad.jacrev(f, argnums=argnums), argnums=argnums),
    lambda f, argnums: ad.jacfwd(ad.grad(f, argnums=argnums), argnums=argnums),
])
@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_second_order_matches_closed_form(transform, argnums):
    got = transform(_trace_power, argnums)(A, B)
    want = ad.hessian(_trace_power_closed, argnums)(A, B)
    if argnums == (0, 1):                   # ((d2/da2, d2/da db), (d2/db da, d2/db2))
        got, want = np.array(got), np.array(want)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def test_real_spectrum_and_float32_and_complex():
    # real eigenvalues: real eigenvectors, as SciPy's
    g = ad.grad(lambda a: dnp.sum(_f_of_c(a, BR)))(AR)
    want = richardson_jacobian(lambda a: np.sum(np.real(
        (lambda wv: (wv[1] * wv[0] ** 2) @ np.linalg.inv(wv[1]))(sl.eig(a, BR)))), (AR,), 0)
    np.testing.assert_allclose(g, want.reshape(g.shape), rtol=1e-7)
    a32, b32 = AR.astype(np.float32), BR.astype(np.float32)
    g32 = ad.grad(_trace_power, argnums=1)(a32, b32)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, ad.grad(_trace_power_closed, argnums=1)(AR, BR), rtol=1e-4)
    ac = A + 1j * RNG.standard_normal((N, N))
    # complex A: the derivative of the holomorphic tr(C^3) is 3 (C^2 B^-1)^T (no conjugate,
    # docs/complex.md); through vjp with cotangent 1 on sum(w^3)
    c = np.linalg.solve(B, ac)
    _, back = ad.vjp(lambda a: dnp.sum(L.eigvals(a, B) ** 3), ac)
    np.testing.assert_allclose(back(1.0 + 0j)[0], 3 * (c @ c @ np.linalg.inv(B)).T,
                               rtol=1e-10)


def test_stack_and_broadcast_b():
    a = np.stack([A, A + 0.1 * np.eye(N)])
    w, v = L.eig(ad.jvp(lambda x: x, (a,), (a,))[0], B)      # plain: SciPy's batched call
    np.testing.assert_array_equal(w, sl.eig(a, B)[0])
    g = ad.grad(lambda a: dnp.sum(dnp.real(L.eigvals(a, B) ** 3)))(a)
    want = np.stack([ad.grad(_trace_power_closed)(x, B) for x in a])
    np.testing.assert_allclose(g, want, rtol=1e-10)
    gb = ad.grad(lambda b: dnp.sum(dnp.real(L.eigvals(a, b) ** 3)))(B)
    want_b = sum(ad.grad(_trace_power_closed, argnums=1)(x, B) for x in a)
    np.testing.assert_allclose(gb, want_b, rtol=1e-10)


def test_singular_b_is_refused_clearly():
    b = np.diag([1.0, 0.0, 2.0])
    with pytest.raises(ValueError, match=r"infinite .*eigenvalues \(b is singular\)"):
        ad.grad(lambda a: dnp.real(dnp.sum(L.eigvals(a, b))))(AR)
    # the reciprocal pencil has finite eigenvalues 1/w: differentiable
    g = ad.grad(lambda a: dnp.real(dnp.sum(L.eigvals(b, a))))(AR)
    assert np.all(np.isfinite(g))
