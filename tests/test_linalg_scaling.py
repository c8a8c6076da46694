"""Derivatives of ``svd`` / ``pinv`` / ``lstsq`` and of the ``p``-norms of
badly scaled input (float32 1e-18 .. 1e18, float64 1e-150 .. 1e200), where the
true derivatives are normal numbers.

Truths, all independent of dualad: closed forms (``d inv = -inv dA inv``,
``d^2 inv[D, E] = inv D inv E inv + inv E inv D inv``, the ``p``-norm's gradient
``sign(x) |x|^(p-1) ||x||^(1-p)`` and Hessian), Richardson-extrapolated
differences of the plain NumPy function at the unscaled matrix, and the
scaling identities ``pinv(cA) = pinv(A) / c``, ``lstsq(cA, b) = lstsq(A, b) / c``,
``U, V`` of ``cA`` those of ``A``, ``||cx||_p = c ||x||_p``.  The scales are
powers of two, so ``cA`` is exactly ``c`` times the unscaled matrix.
"""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from ._derivatives import richardson_jacobian

L = dnp.linalg
_rng = np.random.default_rng(20240611)
# exactly representable in float32, so one float64 truth serves both dtypes
A0 = (_rng.standard_normal((3, 3)) + 3 * np.eye(3)).astype(np.float32).astype(np.float64)
T0 = _rng.standard_normal((5, 3)).astype(np.float32).astype(np.float64)
B0 = _rng.standard_normal(5).astype(np.float32).astype(np.float64)
W = _rng.standard_normal((3, 3)).astype(np.float32).astype(np.float64)
D0 = _rng.standard_normal((3, 3)).astype(np.float32).astype(np.float64)
DT = _rng.standard_normal((5, 3)).astype(np.float32).astype(np.float64)

# 2**k: float32 about 1e-18, 1.4e-14, 7e13, 1e18; float64 about 1e-150, 1e-115, 1e115, 1e150
SCALES = [(np.float32, k) for k in (-60, -46, 46, 60)] + \
         [(np.float64, k) for k in (-500, -380, 380, 500)]
RTOL = {np.float32: 3e-5, np.float64: 1e-12}


def _scaled(a, dt, k):
    return np.ldexp(a, k).astype(dt)


def _rel(got, want):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return np.max(np.abs(got - want)) / np.max(np.abs(want))


# --- pinv: closed forms of inv (pinv of a square invertible matrix) ---------------------
def _pinv_grad_truth(a):
    bi = np.linalg.inv(a)
    return -bi.T @ W @ bi.T                       # d/dA sum(W * inv(A))


def _pinv_hessian_truth(a):
    # d^2 sum(W * inv(A)) / dA_ij dA_kl = sum_ab W_ab (B_ak B_li B_jb + B_ai B_jk B_lb)
    b = np.linalg.inv(a)
    return (np.einsum("ab,ak,li,jb->ijkl", W, b, b, b)
            + np.einsum("ab,ai,jk,lb->ijkl", W, b, b, b))


def _f_pinv(a):
    return dnp.sum(L.pinv(a) * W.astype(a.dtype))     # no promotion of float32


def test_pinv_gradient_of_unscaled_matrix_against_richardson():
    rj = richardson_jacobian(lambda a: np.sum(np.linalg.pinv(a) * W), (A0,), 0)
    np.testing.assert_allclose(_pinv_grad_truth(A0), rj, rtol=1e-8)
    np.testing.assert_allclose(ad.grad(_f_pinv)(A0), rj, rtol=1e-8)


@pytest.mark.parametrize("dt,k", SCALES)
def test_pinv_gradient_and_jvp_of_scaled_matrix(dt, k):
    """grad at 2^k A is grad at A / 4^k (it was NaN at 1e-14 in float32 and
    2.65x too large at 1e15; NaN at 1e-115 in float64)."""
    a = _scaled(A0, dt, k)
    want = _pinv_grad_truth(A0) * 2.0 ** (-2 * k)
    g = ad.grad(_f_pinv)(a)
    assert g.dtype == dt
    assert _rel(g, want) < RTOL[dt]
    # forward mode along an O(1) tangent: <grad, D>
    t = ad.jvp(_f_pinv, (a,), (D0.astype(dt),))[1]
    np.testing.assert_allclose(t, np.sum(want * D0), rtol=RTOL[dt] * 10)


@pytest.mark.parametrize("dt,k", [(np.float32, -36), (np.float32, 36),
                                  (np.float64, -300), (np.float64, 300)])
def test_pinv_hessian_of_scaled_matrix(dt, k):
    """Second order: the Hessian at 2^k A is the Hessian at A / 8^k (float32
    1.5e-11 gave NaN, 7e10 was 1.2x off)."""
    want = _pinv_hessian_truth(A0) * 2.0 ** (-3 * k)
    h = ad.hessian(_f_pinv)(_scaled(A0, dt, k))
    assert _rel(h, want) < RTOL[dt] * 10


def test_pinv_hessian_of_unscaled_matrix():
    np.testing.assert_allclose(ad.hessian(_f_pinv)(A0), _pinv_hessian_truth(A0),
                               rtol=1e-10, atol=1e-12)


# --- lstsq (tall) ----------------------------------------------------------------------
def _f_lstsq(a):
    return dnp.sum(L.lstsq(a, B0.astype(a.dtype))[0] * W[0].astype(a.dtype))


_LSTSQ_TRUTH = richardson_jacobian(lambda a: np.sum(np.linalg.lstsq(a, B0)[0] * W[0]),
                                   (T0,), 0)


def test_lstsq_gradient_of_unscaled_matrix():
    np.testing.assert_allclose(ad.grad(_f_lstsq)(T0), _LSTSQ_TRUTH, rtol=1e-8)


@pytest.mark.parametrize("dt,k", SCALES)
def test_lstsq_gradient_of_scaled_matrix(dt, k):
    """x(2^k A) = x(A) / 2^k: the gradient scales as 4^-k (NaN at 1e-13 in float32)."""
    a = _scaled(T0, dt, k)
    want = _LSTSQ_TRUTH * 2.0 ** (-2 * k)
    assert _rel(ad.grad(_f_lstsq)(a), want) < RTOL[dt] * 100
    t = ad.jvp(_f_lstsq, (a,), (DT.astype(dt),))[1]
    assert abs(t - np.sum(want * DT)) < RTOL[dt] * 100 * np.sum(np.abs(want * DT))


# --- singular vectors: gauge-invariant projectors ----------------------------------------
def _proj_np(a):
    u, s, vh = np.linalg.svd(a)
    return np.sum(W * (u[:, :2] @ u[:, :2].T)) + np.sum(D0 * (vh[:1].T @ vh[:1]))


def _proj(a):
    u, s, vh = L.svd(a)
    w, d = W.astype(a.dtype), D0.astype(a.dtype)
    return dnp.sum(w * (u[:, :2] @ u[:, :2].T)) + dnp.sum(d * (vh[:1].T @ vh[:1]))


_PROJ_TRUTH = richardson_jacobian(_proj_np, (A0,), 0)


@pytest.mark.parametrize("dt,k", SCALES + [(np.float64, -530), (np.float64, 530)])
def test_singular_vector_derivatives_of_scaled_matrix(dt, k):
    """Projectors on singular subspaces are invariant under A -> cA: their
    gradient scales as 1/c (float64 1e-160 gave 0, 1e160 NaN)."""
    a = _scaled(A0, dt, k)
    want = _PROJ_TRUTH * 2.0 ** (-k)
    tol = 3e-5 if dt == np.float32 else 1e-8     # the float64 truth: Richardson differences
    assert _rel(ad.grad(_proj)(a), want) < tol
    t = ad.jvp(_proj, (a,), (D0.astype(dt),))[1]
    assert abs(t - np.sum(want * D0)) < tol * np.sum(np.abs(want * D0))


def test_singular_vector_hessian_of_scaled_matrix():
    """Second order (degree -2 in c) against the unscaled Hessian, itself checked
    by Richardson differences of the (Richardson) gradient along one direction."""
    h0 = ad.hessian(_proj)(A0)
    hd = richardson_jacobian(lambda a: richardson_jacobian(_proj_np, (a,), 0, h=1e-3),
                             (A0,), 0, h=1e-2)
    np.testing.assert_allclose(h0, hd, rtol=1e-4, atol=1e-4 * np.max(np.abs(h0)))
    for dt, k in ((np.float32, -40), (np.float32, 40), (np.float64, -480), (np.float64, 480)):
        h = ad.hessian(_proj)(_scaled(A0, dt, k))
        assert _rel(h, h0 * 2.0 ** (-2 * k)) < (1e-4 if dt == np.float32 else 1e-11)


def test_singular_values_scale():
    for dt, k in SCALES:
        s = ad.jvp(lambda a: L.svd(a, compute_uv=False), (_scaled(A0, dt, k),),
                   (D0.astype(dt),))
        np.testing.assert_allclose(np.ldexp(s[0].astype(np.float64), -k),
                                   np.linalg.svd(A0, compute_uv=False), rtol=RTOL[dt] * 10)


# --- p-norms -----------------------------------------------------------------------------
V0 = np.array([1.0, -2.0, 3.0, 0.5])


def _norm_truth(v, p):
    """gradient and Hessian of ||v||_p (closed forms, float64, unscaled v)."""
    a, sg = np.abs(v), np.sign(v)
    n = np.sum(a ** p) ** (1 / p)
    g = sg * a ** (p - 1) * n ** (1 - p)
    gg = sg * a ** (p - 1)
    h = (p - 1) * (np.diag(a ** (p - 2)) * n ** (1 - p) - np.outer(gg, gg) * n ** (1 - 2 * p))
    return g, h


# float32: 2^-83 ~ 1e-25 (the finding), 2^-33 ~ 1e-10 (only the Hessian broke);
# float64: 2^-664 ~ 1e-200, 2^-200 ~ 6e-61
NORM_SCALES = [(np.float32, k) for k in (-83, -33, 33, 83)] + \
              [(np.float64, k) for k in (-664, -200, 200, 664)]


@pytest.mark.parametrize("p", [-1, -2.5, 0.5, 3, 4, 7.5])
@pytest.mark.parametrize("dt,k", NORM_SCALES)
def test_p_norm_gradient_and_hessian_of_scaled_vectors(p, dt, k):
    """grad ||cx||_p = grad ||x||_p and Hessian / c; gave 0 / NaN for ord=-1 at
    1e-25 / 1e25 in float32 (the sum of powers is normal, its derivative's
    intermediates are not), and inf / wrong Hessians for ord 3, 4, -2.5 at
    1e-10 (float32) and 1e-60 (float64)."""
    g0, h0 = _norm_truth(V0, p)
    x = _scaled(V0, dt, k)
    f = lambda v: L.norm(v, p)       # noqa: E731
    val, g = ad.value_and_grad(f)(x)
    np.testing.assert_allclose(np.ldexp(np.float64(val), -k), np.sum(np.abs(V0) ** p) ** (1 / p),
                               rtol=3e-6 if dt == np.float32 else 1e-14)
    assert g.dtype == dt
    # where no rescaling is needed, NumPy's formula: its exponent 1/p (rounded)
    # costs a relative eps * |log s| (s = sum |x|^p), in NumPy's value as well
    widen = 1 + abs(k * p) / 100
    tol = (2e-6 if dt == np.float32 else 1e-14) * widen
    np.testing.assert_allclose(g, g0, rtol=tol, atol=tol * np.max(np.abs(g0)))
    h = np.ldexp(ad.hessian(f)(x).astype(np.float64), k)
    tol = (1e-5 if dt == np.float32 else 1e-13) * widen
    np.testing.assert_allclose(h, h0, rtol=tol, atol=tol * np.max(np.abs(h0)))
    t = ad.jvp(f, (x,), (V0[::-1].astype(dt),))[1]
    np.testing.assert_allclose(t, np.dot(g0, V0[::-1]), rtol=20 * tol)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_negative_p_norm_with_entries_of_very_different_size(dt):
    """ord < 0 is dominated by the smallest entry: x = [1, 1e-30, 2] in float32
    had |x|^-2 = 1e60 overflow in the derivative (value right: 1e-30)."""
    x = np.array([1.0, 1e-30, 2.0], dt)
    for p in (-1.0, -1.5):
        xd = x.astype(np.float64)
        lg = np.log(np.abs(xd))
        ln = (lg[1] * p + np.log(np.sum(np.exp(p * (lg - lg[1]))))) / p   # log ||x||_p
        want = np.sign(xd) * np.exp((p - 1) * (lg - ln))
        val, g = ad.value_and_grad(lambda v: L.norm(v, p))(x)
        np.testing.assert_allclose(val, np.exp(ln), rtol=1e-6 if dt == np.float32 else 1e-14)
        np.testing.assert_allclose(g, want.astype(dt), rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize("p", [3, -1.5, 0.5, 4, 7.5, -3])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_p_norm_keeps_numpys_value_bit_for_bit_in_the_normal_range(p, dt):
    """Where no slice needs it, no rescaling (NumPy's formula, its value exactly);
    one badly scaled slice does not change the value of the others."""
    x = np.random.default_rng(7).standard_normal((3, 5)).astype(dt)
    out = ad.value_and_grad(lambda v: dnp.sum(L.norm(v, p, axis=1) * np.arange(1.0, 4.0)))
    np.testing.assert_array_equal(ad.jvp(lambda v: L.norm(v, p, axis=1), (x,), (x,))[0],
                                  np.linalg.norm(x, p, axis=1))
    y = x.copy()
    y[1] = np.ldexp(y[1], -100 if dt == np.float32 else -900)
    val, g = ad.jvp(lambda v: L.norm(v, p, axis=1), (y,), (y,))
    with np.errstate(over="ignore"):       # NumPy's own row 1 (p < 0: |y|^p overflows)
        want = np.linalg.norm(y, p, axis=1)
    np.testing.assert_array_equal(val[[0, 2]], want[[0, 2]])
    np.testing.assert_allclose(np.ldexp(val[1], 100 if dt == np.float32 else 900),
                               np.linalg.norm(x[1].astype(np.float64), p),
                               rtol=1e-5 if dt == np.float32 else 1e-13)
    # the tangent along y itself is the norm (homogeneity), slice by slice
    np.testing.assert_allclose(g, val, rtol=1e-5 if dt == np.float32 else 1e-13)
    assert np.all(np.isfinite(out(y)[1]))
