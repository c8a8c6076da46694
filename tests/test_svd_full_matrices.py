"""``numpy.linalg.svd(full_matrices=True)`` of non-square traced matrices: the
extra columns are NumPy's and move with the least rotation; functions that do
not depend on their basis get exact derivatives (checked against finite
differences of NumPy's own svd), and the completed factors stay unitary."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

RNG = np.random.default_rng(11)


def _draw(shape, complex_):
    a = RNG.standard_normal(shape)
    return a + 1j * RNG.standard_normal(shape) if complex_ else a


def _extra(m, n, mod, U, Vh):
    """The extra basis (columns): of U for a tall matrix, of V for a wide one."""
    if m > n:
        return U[..., :, n:]
    return mod.conj(mod.swapaxes(Vh[..., m:, :], -1, -2))


SHAPES = [(5, 3), (3, 5), (2, 4, 2), (2, 2, 3), (4, 1)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("complex_", [False, True])
def test_values_are_numpys(shape, complex_):
    A = _draw(shape, complex_)
    ref = np.linalg.svd(A)
    got = ad.jvp(lambda a: dnp.linalg.svd(a), (A,), (A,))[0]
    for r, g in zip(ref, got):
        assert g.shape == r.shape and g.dtype == r.dtype
        np.testing.assert_allclose(g, r, atol=1e-14)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("complex_", [False, True])
def test_projector_on_the_extra_space_against_finite_differences(shape, complex_):
    # C C^H = I - Q Q^H is basis-free: its derivative is exact, to second order
    A = _draw(shape, complex_)
    m, n = shape[-2:]
    W = RNG.standard_normal(shape[:-2] + (max(m, n),) * 2)

    def f(a):
        U, s, Vh = dnp.linalg.svd(a)
        C = _extra(m, n, dnp, U, Vh)
        P = C @ dnp.conj(dnp.swapaxes(C, -1, -2))
        return dnp.real(dnp.sum(P * W)) + dnp.sum(s ** 3)

    check_grads(f, (A,), order=2)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_projection_residual_closed_form(shape):
    # tall: |C^H b|^2 = |r|^2, r = b - A pinv(A) b: gradient -2 r (pinv(A) b)^T
    A = RNG.standard_normal(shape)
    m, n = shape
    if m > n:
        b = RNG.standard_normal(m)

        def f(a):
            U = dnp.linalg.svd(a)[0]
            return dnp.sum((U[:, n:].T @ b) ** 2)
        r = b - A @ np.linalg.pinv(A) @ b
        exact = -2 * np.outer(r, np.linalg.pinv(A) @ b)
    else:
        b = RNG.standard_normal(n)

        def f(a):
            Vh = dnp.linalg.svd(a)[2]
            return dnp.sum((Vh[m:] @ b) ** 2)
        # the part of b in the null space of A, r = (I - P) b, P = pinv(A) A:
        # dP = pinv(A) dA (I - P) + its transpose, so the gradient is -2 (pinv(A)^T b) r^T
        r = b - np.linalg.pinv(A) @ A @ b
        exact = -2 * np.outer(np.linalg.pinv(A).T @ b, r)
    np.testing.assert_allclose(ad.grad(f)(A), exact, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
@pytest.mark.parametrize("complex_", [False, True])
def test_completed_factors_stay_unitary_and_extra_columns_rotate_least(shape, complex_):
    A = _draw(shape, complex_)
    T = _draw(shape, complex_)
    m, n = shape

    def factors(a):
        U, s, Vh = dnp.linalg.svd(a)
        return U, Vh

    (U, Vh), (dU, dVh) = ad.jvp(factors, (A,), (T,))
    for X, dX in ((U, dU), (dnp.conj(Vh.T), np.conj(dVh.T))):
        skew = X.conj().T @ dX                       # d(X^H X) = 0: X^H dX skew-Hermitian
        np.testing.assert_allclose(skew + skew.conj().T, 0, atol=1e-12)
    k = min(m, n)
    Q, dQ = (U, dU) if m > n else (np.conj(Vh.T), np.conj(dVh.T))
    C, dC = Q[:, k:], dQ[:, k:]
    # no rotation inside the extra space: C^H dC = 0, and dC = -Q_k dQ_k^H C
    np.testing.assert_allclose(C.conj().T @ dC, 0, atol=1e-12)
    np.testing.assert_allclose(dC, -Q[:, :k] @ dQ[:, :k].conj().T @ C, atol=1e-12)


def test_rank_deficient_matrix_gets_a_complement_of_its_own_singular_vectors():
    A = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0], [1.0, 2.0]])     # rank 1
    U = ad.jvp(lambda a: dnp.linalg.svd(a)[0], (A,), (np.ones_like(A),))[0]
    np.testing.assert_allclose(U.T @ U, np.eye(4), atol=1e-12)


# --- the same for numpy.linalg.qr(mode='complete') and scipy.linalg's svd / qr ----------------
def _factor_calls():
    import scipy.linalg as sl

    from dualad.scipy import linalg as L
    return [
        ("numpy qr complete", lambda a: np.linalg.qr(a, mode="complete"),
         lambda a: dnp.linalg.qr(a, mode="complete"), lambda r: r[0]),
        ("scipy svd", lambda a: sl.svd(a), lambda a: L.svd(a), lambda r: r[0]),
        ("scipy qr full", lambda a: sl.qr(a), lambda a: L.qr(a), lambda r: r[0]),
    ]


@pytest.mark.parametrize("case", range(3))
@pytest.mark.parametrize("complex_", [False, True])
def test_full_factors_of_tall_matrices_elsewhere(case, complex_):
    name, plain, ours, q_of = _factor_calls()[case]
    A = _draw((5, 3), complex_)
    ref = plain(A)
    got = ad.jvp(ours, (A,), (A,))[0]
    for r, g in zip(ref, got):
        assert g.shape == r.shape and g.dtype == r.dtype, name
        np.testing.assert_allclose(g, r, atol=1e-14)
    W = RNG.standard_normal((5, 5))

    def f(a):
        C = q_of(ours(a))[:, 3:]
        return dnp.real(dnp.sum((C @ dnp.conj(C.T)) * W))
    check_grads(f, (A,), order=2)


def test_wide_scipy_svd_full_matrices():
    from dualad.scipy import linalg as L
    A = _draw((3, 5), True)
    W = RNG.standard_normal((5, 5))

    def f(a):
        Vh = L.svd(a)[2]
        return dnp.real(dnp.sum((dnp.conj(Vh[3:].T) @ Vh[3:]) * W))
    check_grads(f, (A,), order=2)


@pytest.mark.parametrize("shape, rank", [((3, 5), 3), ((2, 4), 1), ((4, 6), 2)])
@pytest.mark.parametrize("complex_", [False, True])
def test_scipy_null_space_and_orth(shape, rank, complex_):
    import scipy.linalg as sl

    from dualad.scipy import linalg as L
    m, n = shape
    A = _draw((m, rank), complex_) @ _draw((rank, n), complex_)    # rank-deficient too
    ns = ad.jvp(L.null_space, (A,), (A,))[0]
    np.testing.assert_allclose(ns, sl.null_space(A), atol=1e-14)
    o = ad.jvp(L.orth, (A,), (A,))[0]
    np.testing.assert_allclose(o, sl.orth(A), atol=1e-14)
    W = RNG.standard_normal((n, n))
    Wm = RNG.standard_normal((m, m))

    def projectors(a):
        q = L.null_space(a)
        r = L.orth(a)
        return (dnp.real(dnp.sum((q @ dnp.conj(q.T)) * W))
                + dnp.real(dnp.sum((r @ dnp.conj(r.T)) * Wm)))
    # rank-preserving directions only: perturb the factors, not A itself
    B, C = _draw((m, rank), complex_), _draw((rank, n), complex_)
    check_grads(lambda b, c: projectors(b @ c), (B, C), order=2)
    # closed form: Q Q^H = I - pinv(A) A for the null space
    dB, dC = _draw((m, rank), complex_), _draw((rank, n), complex_)
    _, d = ad.jvp(lambda b, c: L.null_space(b @ c) @ dnp.conj(L.null_space(b @ c).T),
                  (B, C), (dB, dC))
    h = 1e-6
    P = lambda t: np.eye(n) - np.linalg.pinv((B + t * dB) @ (C + t * dC)) @ ((B + t * dB) @ (C + t * dC))
    np.testing.assert_allclose(d, (P(h) - P(-h)) / (2 * h), atol=1e-7)


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0), (2, 0, 0)])
def test_empty_matrices_in_both_modes(shape):
    A = np.zeros(shape)
    for f in (dnp.linalg.svd, lambda a: dnp.linalg.svd(a, compute_uv=False), dnp.linalg.pinv):
        out, t = ad.jvp(f, (A,), (A,))
        ref = f(A)
        for o, r, tt in zip(out if isinstance(out, tuple) else (out,),
                            ref if isinstance(ref, tuple) else (ref,),
                            t if isinstance(t, tuple) else (t,)):
            assert o.shape == r.shape == tt.shape
        g = ad.grad(lambda a: dnp.sum(f(a)[1] if isinstance(f(a), tuple) else f(a)))(A)
        assert g.shape == shape and g.dtype == A.dtype
    if shape[-1] == shape[-2]:
        w, t = ad.jvp(dnp.linalg.eigvalsh, (A,), (A,))
        assert w.shape == t.shape == shape[:-1]
