"""eig / eigvals, lstsq, pinv, matrix_power and scipy.special.logsumexp at
points and branches the property tests do not reach, against truths computed
independently of dualad.  Each case is a place where a deliberately wrong rule
(a mutation audit) went unnoticed by the rest of the suite.

Provenance of the truths (no constant here was produced by dualad):

* EIG: ``V diag(exp(w)) V^-1`` is ``expm(A)``; its derivative along ``E`` is the
  Frechet derivative ``L(A, E)``, the upper right block of
  ``scipy.linalg.expm([[A, E], [0, A]])``.  With the holomorphic convention of
  docs/complex.md (no conjugate) the VJP of a cotangent ``G`` is ``L(A^T, G)``.
  ``sum(w^k) = trace(A^k)``, whose gradient is ``k (A^(k-1))^T`` (closed form).
* matrix_power: ``d(A^n) = sum_j A^j E A^(n-1-j)`` and, for ``n < 0`` with
  ``B = inv(A)``, ``d(B^k) = sum_j B^j dB B^(k-1-j)``, ``dB = -B E B``, in plain
  NumPy; ``A^0 = I`` is constant.
* pinv / lstsq at a matrix with a singular value between ``min(m, n) eps`` and
  ``max(m, n) eps`` (relative): NumPy's own values (``max(m, n) eps`` is NumPy's
  default cut-off for both).
* logsumexp: SciPy's own values (``-inf`` and sign 0 at an exact cancellation;
  shapes of a 0-d input); for complex ``a`` and ``b``, ``log S`` and its
  derivatives ``b_i exp(a_i) / S``, ``exp(a_i) / S`` with mpmath 1.3.0 at
  ``mp.mp.dps = 40`` (pasted below; mpmath is not a test dependency).
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.special as ss

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.special as dsp

L = dnp.linalg


def _frechet_exp(a, e):
    n = a.shape[-1]
    big = np.zeros((2 * n, 2 * n), dtype=np.result_type(a, e))
    big[:n, :n] = a
    big[n:, n:] = a
    big[:n, n:] = e
    return sla.expm(big)[:n, n:]


def _expm_by_eig(m):
    w, v = L.eig(m)
    return v @ (dnp.exp(w)[..., None] * L.inv(v))


def _eig_inputs():
    rng = np.random.default_rng(11)
    real = rng.standard_normal((3, 3))
    real[0, 1], real[1, 0] = 1.5, -1.5          # a complex pair of eigenvalues
    cplx = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    return {"real_with_complex_pair": real, "complex": cplx}


@pytest.mark.parametrize("kind", ["real_with_complex_pair", "complex"])
def test_eig_vectors_through_expm_forward_and_reverse(kind):
    """``V diag(exp(w)) V^-1`` (invariant under column scaling) differentiated
    through eig's eigenvector rules, forward and reverse, against the Frechet
    derivative of expm.  The real matrix has a complex pair of eigenvalues (so
    complex V for real A: the VJP must be real and use V^T, not V^H)."""
    a = _eig_inputs()[kind]
    assert np.iscomplexobj(np.linalg.eigvals(a))
    rng = np.random.default_rng(5)
    e = rng.standard_normal(a.shape).astype(a.dtype)
    g = rng.standard_normal(a.shape).astype(a.dtype)
    if kind == "complex":
        e = e + 1j * rng.standard_normal(a.shape)
        g = g + 1j * rng.standard_normal(a.shape)
    val, tan = ad.jvp(_expm_by_eig, (a,), (e,))
    np.testing.assert_allclose(val, sla.expm(a), rtol=1e-11, atol=1e-12)
    want = _frechet_exp(a, e)
    np.testing.assert_allclose(tan, want, rtol=1e-10, atol=1e-11 * np.abs(want).max())
    _, back = ad.vjp(_expm_by_eig, a)
    got = back(g.astype(complex))[0]      # V is complex, so is the value
    want = _frechet_exp(a.T, g)
    if kind != "complex":
        assert np.isrealobj(got)
        want = want.real
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-11 * np.abs(want).max())


@pytest.mark.parametrize("kind", ["real_with_complex_pair", "complex"])
def test_eigvals_power_sums_forward_and_reverse(kind):
    """``sum(w^3) = trace(A^3)``: gradient ``3 (A^2)^T``; forward along E gives
    ``3 trace(A^2 E)``."""
    a = _eig_inputs()[kind]
    rng = np.random.default_rng(6)
    e = rng.standard_normal(a.shape) + (1j * rng.standard_normal(a.shape)
                                        if kind == "complex" else 0)
    f = lambda m: dnp.sum(L.eigvals(m) ** 3)  # noqa: E731
    _, t = ad.jvp(f, (a,), (e,))
    want_t = 3 * np.trace(a @ a @ e)
    assert complex(t) == pytest.approx(complex(want_t), rel=1e-11, abs=1e-12)
    _, back = ad.vjp(f, a)
    got = back(np.ones((), dtype=complex))[0]
    want = 3 * (a @ a).T
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


def _power_jvp_truth(a, e, n):
    if n < 0:
        b = np.linalg.inv(a)
        return _power_jvp_truth(b, -b @ e @ b, -n)
    p = [np.linalg.matrix_power(a, j) for j in range(n)]
    return sum(p[j] @ e @ p[n - 1 - j] for j in range(n))


@pytest.mark.parametrize("n", [-7, -5, 13, 0])
def test_matrix_power_beyond_the_spec_exponents(n):
    """Values and derivatives of matrix_power beyond the exponents the specs
    use (3 and -2): n = -7, -5 (more than two squarings of the inverse), 13
    (binary 1101), and n = 0, whose value I is constant (derivative 0 in both
    modes)."""
    rng = np.random.default_rng(3)
    a = np.eye(3) + 0.3 * rng.standard_normal((3, 3))
    e = rng.standard_normal((3, 3))
    f = lambda m: L.matrix_power(m, n)  # noqa: E731
    val, tan = ad.jvp(f, (a,), (e,))
    np.testing.assert_allclose(val, np.linalg.matrix_power(a, n), rtol=1e-12)
    if n == 0:
        assert np.all(np.asarray(tan) == 0)
        jac = ad.jacobian(f)(a)
        assert np.all(np.asarray(jac) == 0)
        return
    want = _power_jvp_truth(a, e, n)
    np.testing.assert_allclose(tan, want, rtol=1e-11, atol=1e-12 * np.abs(want).max())
    g = rng.standard_normal((3, 3))
    _, back = ad.vjp(f, a)
    # <G, dF(E)> summed over unit E: the gradient by the closed form, entry by entry
    want_g = np.array([[np.sum(g * _power_jvp_truth(a, np.eye(3)[:, [i]] @ np.eye(3)[[j]], n))
                        for j in range(3)] for i in range(3)])
    np.testing.assert_allclose(back(g)[0], want_g, rtol=1e-11,
                               atol=1e-12 * np.abs(want_g).max())


def _nearly_rank_one(m, n):
    """An m x n matrix with singular values 1 and ~8e-16: between
    min(m, n) eps and max(m, n) eps, so NumPy's default cut-off (max(m, n)
    eps) drops the second and a min(m, n) eps one would keep it."""
    rng = np.random.default_rng(7)
    u, _ = np.linalg.qr(rng.standard_normal((m, m)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = u[:, :2] @ np.diag([1.0, 8e-16]) @ v[:, :2].T
    s = np.linalg.svd(a, compute_uv=False)
    eps = np.finfo(float).eps
    assert min(m, n) * eps * s[0] < s[1] < max(m, n) * eps * s[0]
    return a


@pytest.mark.parametrize("shape", [(2, 5), (5, 2)])
def test_pinv_default_cutoff_is_numpys(shape):
    """A singular value between min(m, n) eps and max(m, n) eps: NumPy's
    default drops it (pinv stays of size ~1); a traced pinv must agree."""
    a = _nearly_rank_one(*shape)
    val, tan = ad.jvp(L.pinv, (a,), (np.zeros_like(a),))
    want = np.linalg.pinv(a)
    assert np.abs(want).max() < 10
    np.testing.assert_allclose(val, want, rtol=1e-10, atol=1e-12)


def test_lstsq_rank_and_residuals_of_a_numerically_rank_deficient_tall_matrix():
    """lstsq's traced (x, residuals, rank) where the default rcond cuts a tiny
    singular value: rank 1 as NumPy, and no residuals (shape (0,)) since the
    rank is below n although m > n."""
    a = _nearly_rank_one(5, 2)
    b = np.array([1.0, -2.0, 0.5, 3.0, 1.5])
    want = np.linalg.lstsq(a, b)
    got = {}

    def f(m, v):
        x, res, rank, s = L.lstsq(m, v)
        got.update(res_shape=tuple(res.shape), rank=rank)
        return x
    x, _ = ad.jvp(f, (a, b), (np.zeros_like(a), np.zeros_like(b)))
    np.testing.assert_allclose(x, want[0], rtol=1e-10, atol=1e-12)
    assert got["rank"] == want[2] == 1
    assert got["res_shape"] == want[1].shape == (0,)


def test_logsumexp_exact_cancellation_is_minus_inf_with_sign_zero():
    """sum(b exp(a)) = 0 exactly: SciPy gives -inf and sign 0 (NaN only where
    the sum is negative); traced a and b must give the same values."""
    a, b = np.array([[0.0, 0.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    want = ss.logsumexp(a, axis=1, b=b)
    assert want[0] == -np.inf and np.isnan(want[1])
    val, _ = ad.jvp(lambda x, y: dsp.logsumexp(x, axis=1, b=y), (a, b),
                    (np.ones_like(a), np.ones_like(b)))
    assert val[0] == -np.inf and np.isnan(val[1])
    out = {}

    def f(x):
        v, s = dsp.logsumexp(x, axis=1, b=b, return_sign=True)
        out["sign"] = s
        return v
    val, _ = ad.jvp(f, (a,), (np.ones_like(a),))
    np.testing.assert_array_equal(out["sign"], [0.0, -1.0])
    assert val[0] == -np.inf and val[1] == ss.logsumexp(a[1], b=b, return_sign=True)[0]


# mpmath (dps 40): L = log(sum(b exp(a))), d L / d a_i = b_i exp(a_i) / S and
# d L / d b_i = exp(a_i) / S, S = sum(b exp(a)), at large real parts and a large
# imaginary part (|a_1| >> Re a_1: a scale taken from |a| would underflow exp)
LSE_A = np.array([1000 + 0j, 999.5 + 3000j, 998 - 1j])
LSE_B = np.array([1.0 + 0j, -2.0 + 0.5j, 0.7 + 0j])
LSE_VAL = 1000.8158869074225346 - 0.28765097491915326855j
LSE_DA = np.array([0.42407629554526920527 + 0.12546567240660795193j,
                   0.54421551559409975558 - 0.098081802065498256293j,
                   0.031708188860631039143 - 0.027383870341109695635j])
LSE_DB = np.array([0.42407629554526920527 + 0.12546567240660795193j,
                   -0.26764045464022320925 - 0.017869212627306674166j,
                   0.045297412658044341633 - 0.039119814773013850907j])


def test_complex_logsumexp_with_b_far_from_the_origin():
    """Complex a with b (holomorphic: no conjugate), forward and reverse in a
    and in b, where |Im a| is much larger than Re a."""
    f = lambda x, y: dsp.logsumexp(x, b=y)  # noqa: E731
    assert complex(ss.logsumexp(LSE_A, b=LSE_B)) == pytest.approx(LSE_VAL, rel=1e-15)
    for argnum, want in [(0, LSE_DA), (1, LSE_DB)]:
        args = [LSE_A, LSE_B]

        def g(z, argnum=argnum):
            xs = list(args)
            xs[argnum] = z
            return f(*xs)
        for i in range(3):
            e = np.zeros(3, complex)
            e[i] = 1
            val, t = ad.jvp(g, (args[argnum],), (e,))
            assert complex(val) == pytest.approx(LSE_VAL, rel=1e-15)
            assert complex(t) == pytest.approx(want[i], rel=1e-11)
        _, back = ad.vjp(g, args[argnum])
        np.testing.assert_allclose(back(np.complex128(1.0))[0], want, rtol=1e-11)


@pytest.mark.parametrize("b", [None, -2.0])
def test_logsumexp_of_a_0d_input_over_no_axis(b):
    """A 0-d a with axis=(): SciPy's value has shape (1,) (sign too); the
    derivative of log|b e^a| in a is 1, in b it is 1 / b."""
    x = np.float64(0.3)
    kw = {} if b is None else {"b": np.float64(b)}
    want = ss.logsumexp(x, axis=(), return_sign=True, **kw)
    got = {}

    def f(y):
        v, s = dsp.logsumexp(y, axis=(), return_sign=True, **kw)
        got["sign"] = s
        return v
    val, t = ad.jvp(f, (x,), (np.float64(1.0),))
    assert np.shape(val) == np.shape(want[0]) == (1,)
    np.testing.assert_allclose(val, want[0], rtol=1e-15)
    np.testing.assert_array_equal(got["sign"], want[1])
    np.testing.assert_allclose(t, [1.0], rtol=1e-15)
    if b is not None:
        _, back = ad.vjp(lambda y: dsp.logsumexp(x, axis=(), b=y, return_sign=True)[0],
                         np.float64(b))
        np.testing.assert_allclose(back(np.ones(1))[0], 1.0 / b, rtol=1e-15)


def test_complex_logsumexp_with_b_and_a_slice_of_all_minus_inf():
    """Complex a with b, one slice all -inf: SciPy's value there is -inf (not
    NaN) and the other slice is untouched; shifting a by t moves log S by t
    (tangent 1 on the finite slice)."""
    a = np.array([[-np.inf + 0j, -np.inf + 0j], [0.5 + 1j, 0.2 - 0.3j]])
    b = np.array([1.0, 2.0 + 0j])
    want = ss.logsumexp(a, axis=1, b=b)
    assert want[0] == -np.inf
    val, t = ad.jvp(lambda x: dsp.logsumexp(x, axis=1, b=b), (a,), (np.ones_like(a),))
    assert val[0] == -np.inf
    assert complex(val[1]) == pytest.approx(complex(want[1]), rel=1e-15)
    assert complex(t[1]) == pytest.approx(1.0, rel=1e-13)


@pytest.mark.parametrize("kw", [{"rtol": 1e-3}, {"rcond": 1e-3}])
def test_pinv_explicit_cutoff(kw):
    """pinv with rtol (NumPy 2) or rcond cutting a singular value of 1e-4: the
    traced value is NumPy's (rank 1, entries of size ~1, not ~1e4)."""
    rng = np.random.default_rng(8)
    u, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    v, _ = np.linalg.qr(rng.standard_normal((2, 2)))
    a = u[:, :2] @ np.diag([1.0, 1e-4]) @ v.T
    want = np.linalg.pinv(a, **kw)
    assert np.abs(want).max() < 10
    val, _ = ad.jvp(lambda m: L.pinv(m, **kw), (a,), (np.zeros_like(a),))
    np.testing.assert_allclose(val, want, rtol=1e-10, atol=1e-12)
