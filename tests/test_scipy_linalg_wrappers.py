"""dualad.scipy.linalg's namesakes of SciPy's decompositions and structured
matrices (eigh, svd, qr, lu, pinv, lstsq, norm, eig, polar, expm_frechet,
solve_continuous_lyapunov, toeplitz, hankel, circulant, ...).

Values: on traced input they equal SciPy's own (shape, dtype, container type;
to rounding where dualad computes them another way).  Derivatives: every
JVP against Richardson-extrapolated central differences of SciPy's own
function, every VJP through the transpose identity
``Re sum(vjp(u) * v) = Re sum(u * jvp(v))`` with that checked JVP, and second
derivatives against Richardson second differences.  Eigen- and singular
vectors are only compared through gauge-invariant functions (docs/linalg.md).
"""
from contextlib import nullcontext

import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as L
from dualad.testing import check_grads

from ._derivatives import richardson_directional, richardson_second_directional

RNG = np.random.default_rng(20240611)
N = 4
A = RNG.standard_normal((N, N))
S = A + A.T
AC = A + 1j * RNG.standard_normal((N, N))
HC = AC + AC.conj().T
B = RNG.standard_normal((N, N))
SPD = B @ B.T + N * np.eye(N)
TALL = RNG.standard_normal((5, 3))
WIDE = RNG.standard_normal((3, 5))
TALLC = TALL + 1j * RNG.standard_normal((5, 3))
STACK = RNG.standard_normal((2, 3, 3))
C3 = RNG.standard_normal(3)
R4 = RNG.standard_normal(4)
B5 = RNG.standard_normal(5)


_rich1 = richardson_directional
_rich2 = richardson_second_directional


def _direction(x, seed):
    r = np.random.default_rng(seed)
    v = r.standard_normal(np.shape(x))
    if np.iscomplexobj(x):
        v = v + 1j * r.standard_normal(np.shape(x))
    return v


def _close(got, want, tol):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    err = float(np.max(np.abs(got - want), initial=0.0))
    assert err <= tol * scale, f"max error {err:.3e} (scale {scale:.3g})"


def _first_order(ours, theirs, x, tol=1e-7, seed=0):
    """JVP against Richardson differences of SciPy's ``theirs``; the VJP
    through the transpose identity with a random cotangent."""
    v = _direction(x, seed)
    out, jv = ad.jvp(ours, (x,), (v,))
    _close(jv, _rich1(theirs, x, v), tol)
    u = _direction(np.asarray(out), seed + 1)
    if np.iscomplexobj(out) or np.iscomplexobj(jv):
        u = u + 1j * np.random.default_rng(seed + 2).standard_normal(np.shape(out))
    _, pull = ad.vjp(ours, x)
    ct = pull(u)[0]
    assert ct.shape == np.shape(x) and ct.dtype == np.asarray(x).dtype
    lhs, rhs = np.real(np.sum(ct * v)), np.real(np.sum(u * jv))
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, abs(rhs))


def _second_order(ours, theirs, x, tol=1e-5, seed=0):
    """Forward over forward and reverse over forward against the second
    difference of SciPy's function along one direction."""
    v = _direction(x, seed)
    inner = lambda y: ad.jvp(ours, (y,), (v,))[1]
    d2 = ad.jvp(inner, (x,), (v,))[1]
    _close(d2, _rich2(theirs, x, v), tol)
    u = _direction(np.asarray(d2), seed + 3)
    g = ad.grad(lambda y: dnp.real(dnp.sum(u * inner(y))))(x)
    assert abs(np.real(np.sum(g * v)) - np.real(np.sum(u * d2))) <= 1e-9 * max(
        1.0, abs(np.real(np.sum(u * d2))))


# gauge-invariant functions of the vectors (docs/linalg.md), in plain NumPy:
# on traced values NumPy's functions reach dualad's
def _eigh_fun(mod, **kw):
    def f(a):
        w, v = mod.eigh(a, **kw)
        c = np.diag(np.arange(1.0, np.shape(w)[-1] + 1))
        return (v * w[None, :]) @ np.conj(v).T + v @ c @ np.conj(v).T
    return f


def _weighted_vectors(mod, decomp, **kw):
    """sum_i c_i u_i v_i^H from (U, s, Vh): invariant under the SVD's gauge."""
    def f(a):
        u, s, vh = getattr(mod, decomp)(a, **kw)
        c = np.arange(1.0, s.shape[-1] + 1)
        return (u * c) @ vh
    return f


def _eig_fun(mod):
    def f(a):
        w, v = mod.eig(a)
        return (v * (w * w)) @ np.linalg.inv(v)
    return f


FIRST = {
    "eigh_w": (lambda m: lambda a: m.eigh(a)[0], S),
    "eigh_w_upper_nonsym": (lambda m: lambda a: m.eigh(a, lower=False)[0], A),
    "eigh_vectors": (lambda m: _eigh_fun(m), A),
    "eigh_vectors_complex": (lambda m: _eigh_fun(m, lower=False), HC),
    "eigh_generalized_a": (lambda m: lambda a: m.eigh(a, SPD)[0], S),
    "eigh_generalized_b_t2": (lambda m: lambda b: m.eigh(S, b, type=2)[0], SPD),
    "eigh_generalized_vectors_t3": (
        lambda m: lambda b: (lambda wv: (wv[1] * wv[0][None, :]) @ wv[1].T)(m.eigh(S, b, type=3)),
        SPD),
    "eigh_subset_index": (lambda m: lambda a: m.eigh(a, subset_by_index=[1, 2])[0], S),
    "eigh_subset_value": (
        lambda m: lambda a: (lambda wv: (wv[1] * wv[0][None, :]) @ wv[1].T)(
            m.eigh(a, subset_by_value=[-1.0, 100.0])), S),
    "eigvalsh": (lambda m: lambda a: m.eigvalsh(a), HC),
    "svd_s": (lambda m: lambda a: m.svd(a)[1], A),
    "svd_vectors": (lambda m: _weighted_vectors(m, "svd", full_matrices=False), TALL),
    "svd_vectors_complex": (lambda m: _weighted_vectors(m, "svd", full_matrices=False), TALLC),
    "svd_gesvd": (lambda m: _weighted_vectors(m, "svd", lapack_driver="gesvd"), A),
    "svdvals": (lambda m: m.svdvals, WIDE),
    "pinv": (lambda m: m.pinv, TALL),
    "pinv_complex": (lambda m: m.pinv, TALLC),
    "lstsq_x": (lambda m: lambda a: m.lstsq(a, B5)[0], TALL),
    "lstsq_residues": (lambda m: lambda a: m.lstsq(a, B5)[1], TALL),
    "lstsq_s": (lambda m: lambda a: m.lstsq(a, B5)[3], TALL),
    "lstsq_b": (lambda m: lambda b: m.lstsq(TALL, b)[1], B5),
    "lstsq_complex": (lambda m: lambda a: m.lstsq(a, B5)[0], TALLC),
    "norm_2": (lambda m: lambda a: m.norm(a, 2), A),
    "norm_fro_complex": (lambda m: lambda a: m.norm(a), AC),
    "qr_full_square": (lambda m: lambda a: m.qr(a)[0], A),
    "qr_economic": (lambda m: lambda a: m.qr(a, mode="economic")[1], TALL),
    "qr_r": (lambda m: lambda a: m.qr(a, mode="r")[0], TALL),
    "qr_wide_full": (lambda m: lambda a: m.qr(a)[1], WIDE),
    "qr_pivoting": (lambda m: lambda a: m.qr(a, pivoting=True)[1], A),
    "lu_L": (lambda m: lambda a: m.lu(a)[1], A),
    "lu_U": (lambda m: lambda a: m.lu(a)[2], A),
    "lu_permute_l": (lambda m: lambda a: m.lu(a, permute_l=True)[0], A),
    "eig_w": (lambda m: lambda a: m.eig(a)[0], A),
    "eig_function": (lambda m: _eig_fun(m), A),
    "eigvals_complex": (lambda m: m.eigvals, AC),
    "polar_u": (lambda m: lambda a: m.polar(a)[0], A),
    "polar_p_left_wide": (lambda m: lambda a: m.polar(a, "left")[1], WIDE),
    "polar_u_tall_complex": (lambda m: lambda a: m.polar(a)[0], TALLC),
    "polar_u_wide": (lambda m: lambda a: m.polar(a)[0], WIDE),
    "expm_frechet_A": (lambda m: lambda a: m.expm_frechet(0.3 * a, A)[1], A),
    "expm_frechet_E": (lambda m: lambda e: m.expm_frechet(0.3 * A, e, compute_expm=False), AC),
    "lyapunov_a": (lambda m: lambda a: m.solve_continuous_lyapunov(a - 4 * np.eye(N), S), A),
    "lyapunov_complex": (lambda m: lambda a: m.solve_continuous_lyapunov(a - 4 * np.eye(N), HC), AC),
    "toeplitz": (lambda m: m.toeplitz, C3),
    "toeplitz_complex": (lambda m: m.toeplitz, C3 + 1j * C3[::-1]),
    "toeplitz_r": (lambda m: lambda r: m.toeplitz(C3, r), R4),
    "hankel": (lambda m: lambda r: m.hankel(C3, r), R4),
    "hankel_c": (lambda m: m.hankel, C3),
    "circulant": (lambda m: m.circulant, R4),
}


@pytest.mark.parametrize("name", sorted(FIRST))
def test_first_order_against_scipy(name):
    make, x = FIRST[name]
    _first_order(make(L), make(sl), x)


SECOND = ["eigh_vectors", "eigh_vectors_complex", "eigh_generalized_a", "svd_vectors",
          "svd_vectors_complex", "pinv", "lstsq_x", "qr_economic", "lu_U", "eig_function",
          "polar_u", "polar_u_tall_complex", "polar_u_wide", "expm_frechet_A", "lyapunov_complex",
          "toeplitz_complex"]


@pytest.mark.parametrize("name", SECOND)
def test_second_order_against_scipy(name):
    make, x = FIRST[name]
    _second_order(make(L), make(sl), x)


def test_polar_at_repeated_singular_values():
    """An orthogonal matrix has all singular values 1, where the SVD's vectors
    have no derivative; polar's is exact there (its rule solves a Sylvester
    equation with the positive definite factor)."""
    q = sl.qr(A)[0]
    for x in (q, np.eye(3), 2.0 * np.eye(3)):
        for side in ("right", "left"):
            for k in (0, 1):
                _first_order(lambda a: L.polar(a, side)[k], lambda a: sl.polar(a, side)[k], x)
    _second_order(lambda a: L.polar(a)[0], lambda a: sl.polar(a)[0], q)


# --- values -------------------------------------------------------------------------------------
VALUES = [
    ("eigh", lambda m, a: m.eigh(a), S),
    ("eigh_upper", lambda m, a: m.eigh(a, lower=False), A),
    ("eigh_complex", lambda m, a: m.eigh(a), HC),
    ("eigh_only", lambda m, a: m.eigh(a, eigvals_only=True), S),
    ("eigh_driver", lambda m, a: m.eigh(a, driver="evd"), S),
    ("eigh_subset", lambda m, a: m.eigh(a, subset_by_index=[1, 2]), S),
    ("eigh_b", lambda m, a: m.eigh(a, SPD), S),
    ("eigh_b_t3", lambda m, a: m.eigh(a, SPD, type=3, lower=False), A),
    ("eigh_stack", lambda m, a: m.eigh(a + np.swapaxes(a, -1, -2)), STACK),
    ("eigvalsh", lambda m, a: m.eigvalsh(a), HC),
    ("svd", lambda m, a: m.svd(a), A),
    ("svd_econ", lambda m, a: m.svd(a, full_matrices=False), TALLC),
    ("svd_gesvd", lambda m, a: m.svd(a, lapack_driver="gesvd"), A),
    ("svd_stack", lambda m, a: m.svd(a), STACK),
    ("svd_s", lambda m, a: m.svd(a, compute_uv=False), WIDE),
    ("svdvals", lambda m, a: m.svdvals(a), TALL),
    ("pinv", lambda m, a: m.pinv(a), TALL),
    ("pinv_rank", lambda m, a: m.pinv(a, return_rank=True, atol=0.5), TALL),
    ("lstsq", lambda m, a: m.lstsq(a, B5), TALL),
    ("lstsq_2d", lambda m, a: m.lstsq(a, np.stack([B5, B5], 1)), TALLC),
    ("lstsq_wide", lambda m, a: m.lstsq(a, C3), WIDE),
    ("lstsq_gelsy", lambda m, a: m.lstsq(a, B5, lapack_driver="gelsy"), TALL),
    ("norm", lambda m, a: m.norm(a), A),
    ("norm_ord", lambda m, a: m.norm(a, ord=1, axis=0), A),
    ("qr", lambda m, a: m.qr(a), A),
    ("qr_econ", lambda m, a: m.qr(a, mode="economic"), TALL),
    ("qr_r", lambda m, a: m.qr(a, mode="r"), TALL),
    ("qr_r_stack", lambda m, a: m.qr(a, mode="r"), STACK),
    ("qr_stack", lambda m, a: m.qr(a), STACK),
    ("qr_wide", lambda m, a: m.qr(a), WIDE),
    ("qr_piv", lambda m, a: m.qr(a, pivoting=True), A),
    ("qr_piv_r", lambda m, a: m.qr(a, mode="r", pivoting=True), TALL),
    ("lu", lambda m, a: m.lu(a), A),
    ("lu_permute_l", lambda m, a: m.lu(a, permute_l=True), A),
    ("lu_p_indices", lambda m, a: m.lu(a, p_indices=True), A),
    ("eig", lambda m, a: m.eig(a), A),
    ("eig_complex", lambda m, a: m.eig(a), AC),
    ("eig_real_spectrum", lambda m, a: m.eig(a), S),
    ("eig_novec", lambda m, a: m.eig(a, right=False), A),
    ("eig_homogeneous", lambda m, a: m.eig(a, homogeneous_eigvals=True), A),
    ("eigvals", lambda m, a: m.eigvals(a), A),
    ("polar", lambda m, a: m.polar(a), A),
    ("polar_left_complex", lambda m, a: m.polar(a, "left"), TALLC),
    ("expm_frechet", lambda m, a: m.expm_frechet(0.3 * a, a), A),
    ("lyapunov", lambda m, a: m.solve_continuous_lyapunov(a - 4 * np.eye(N), S), A),
    ("toeplitz", lambda m, c: m.toeplitz(c), C3 + 1j),
    ("toeplitz_r", lambda m, c: m.toeplitz(c, R4), C3),
    ("toeplitz_batch", lambda m, c: m.toeplitz(c), STACK[0]),
    ("hankel", lambda m, c: m.hankel(c, R4), C3),
    ("hankel_c", lambda m, c: m.hankel(c), C3),
    ("circulant", lambda m, c: m.circulant(c), R4),
    ("circulant_batch", lambda m, c: m.circulant(c), STACK[0]),
]

_EXACT = {"eigh", "eigh_upper", "eigh_complex", "eigh_only", "eigh_driver", "eigh_stack",
          "eigvalsh", "svd", "svd_econ", "svd_gesvd", "svd_stack", "svd_s", "svdvals", "qr",
          "qr_econ", "qr_r", "qr_stack", "lu", "lu_permute_l", "lu_p_indices", "eig",
          "eig_complex", "eig_real_spectrum", "eig_novec", "eig_homogeneous", "eigvals",
          "toeplitz", "toeplitz_r", "toeplitz_batch", "hankel", "hankel_c", "circulant",
          "circulant_batch"}


def _leaves(x):
    if isinstance(x, (tuple, list)):
        return [y for z in x for y in _leaves(z)]
    return [x]


@pytest.mark.parametrize("name,call,x", VALUES, ids=[v[0] for v in VALUES])
def test_values_equal_scipy(name, call, x):
    want = call(sl, x)
    seen = []

    def f(a):
        out = call(L, a)
        seen.append(out)
        return out

    ad.jvp(f, (x,), (np.ones_like(x),))
    got = seen[0]
    assert type(got) is type(want) or (not isinstance(want, (tuple, list))
                                       and not isinstance(got, (tuple, list)))
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want)
    for g, w in zip(_leaves(got), _leaves(want)):
        if w is None:
            assert g is None
            continue
        g = ad.stop_gradient(g) if not isinstance(g, (np.ndarray, np.generic, int)) else g
        g = np.asarray(g)
        w = np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert g.dtype == w.dtype or (g.dtype.kind == w.dtype.kind == "i"), (g.dtype, w.dtype)
        if name in _EXACT:
            np.testing.assert_array_equal(g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-12)
    # plain input: SciPy's own call
    plain = call(L, x)
    for g, w in zip(_leaves(plain), _leaves(want)):
        if w is not None:
            np.testing.assert_array_equal(g, w)


def test_float32_stays_float32():
    a = S.astype(np.float32)
    for call in (lambda a: L.eigh(a)[1], lambda a: L.svd(a)[0], lambda a: L.polar(a)[0],
                 lambda a: L.pinv(a), lambda a: L.qr(a)[1], lambda a: L.lu(a)[2]):
        out, t = ad.jvp(call, (a,), (np.ones_like(a),))
        assert out.dtype == np.float32 and t.dtype == np.float32
        assert ad.grad(lambda a: dnp.sum(call(a)))(a).dtype == np.float32


# --- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,match", [
    (lambda a: L.qr(a, mode="raw"), r"qr\(mode='raw'\) has no derivative rule"),
    (lambda a: L.lu(a), r"lu of a traced \(5, 3\) array: square"),
    (lambda a: L.eig(a[:3], np.eye(3), homogeneous_eigvals=True),
     r"eig\(a, b, homogeneous_eigvals=True\)"),
])
def test_refusals_name_the_function(call, match):
    with pytest.raises(NotImplementedError, match=match):
        ad.grad(lambda a: dnp.sum(dnp.abs(call(a)[0] if isinstance(call(a), tuple) else call(a))))(
            TALL)


def test_null_space_of_plain_input_is_scipys():
    np.testing.assert_array_equal(L.null_space(WIDE), sl.null_space(WIDE))


def test_hankel_of_multidimensional_input_has_scipys_shape():
    # this SciPy ravels N-D input to hankel (batching starts in 1.19): traced
    # input must give the same shape and values
    c = np.arange(6.0).reshape(2, 3)
    r = np.arange(4.0)
    for args in ((c,), (c, r)):
        with pytest.warns(FutureWarning) if not L._batches("hankel") else nullcontext():
            ref = sl.hankel(*args)
        with pytest.warns(FutureWarning) if not L._batches("hankel") else nullcontext():
            out, t = ad.jvp(lambda c: L.hankel(c, *args[1:]), (c,), (np.ones_like(c),))
        assert out.shape == ref.shape and np.array_equal(out, ref)
        assert t.shape == ref.shape



@pytest.mark.parametrize("shape", [(2, 3, 3), (2, 4, 3), (3, 2, 4)])
@pytest.mark.parametrize("side", ["right", "left"])
def test_polar_of_stacks(shape, side):
    # SciPy takes stacks of matrices: so does the traced polar, to second order
    A = np.random.default_rng(8).standard_normal(shape)
    u, p = sl.polar(A, side=side)
    (uu, pp), _ = ad.jvp(lambda a: L.polar(a, side=side), (A,), (A,))
    np.testing.assert_allclose(uu, u, atol=1e-14)
    np.testing.assert_allclose(pp, p, atol=1e-13)
    W = np.cos(np.arange(u.size)).reshape(u.shape)
    V = np.sin(np.arange(p.size)).reshape(p.shape)
    check_grads(lambda a: dnp.sum(L.polar(a, side=side)[0] * W)
                + dnp.sum(L.polar(a, side=side)[1] * V), (A,), order=2)


@pytest.mark.parametrize("dt", [np.float32, np.complex64])
def test_expm_frechet_of_single_precision_input_has_scipys_dtype(dt):
    # SciPy computes expm_frechet in double precision; the derivative of a float32
    # input stays float32 (the contract)
    A = (np.eye(2) * 0.3 + 0.1).astype(dt)
    E = np.ones((2, 2), dt)
    ref = sl.expm_frechet(A, E)
    out, _ = ad.jvp(lambda a: L.expm_frechet(a, E), (A,), (A,))
    assert [o.dtype for o in out] == [r.dtype for r in ref]
    np.testing.assert_allclose(out[1], ref[1], rtol=1e-6)
    assert ad.grad(lambda a: dnp.real(dnp.sum(L.expm_frechet(a, E)[1])))(A).dtype == dt


# --- inv(assume_a=, lower=) (SciPy 1.17) ---------------------------------------------

def _inv_inputs():
    rng = np.random.default_rng(0)
    M = rng.standard_normal((3, 3))
    P = M @ M.T + 3 * np.eye(3)
    return {"diagonal": np.diag([2.0, -4.0, 5.0]) + 0.1 * M, "upper triangular": np.triu(M) + 3 * np.eye(3),
            "lower triangular": np.tril(M) + 3 * np.eye(3), "sym": P - 4 * np.eye(3), "pos": P,
            "general": M, None: M}


@pytest.mark.parametrize("kind", ["diagonal", "upper triangular", "lower triangular", "sym", "pos",
                                  "general", None])
@pytest.mark.parametrize("lower", [False, True])
def test_scipy_inv_assume_a(kind, lower):
    """SciPy 1.17's inv(a, assume_a=, lower=): SciPy's values (float32 and stacks
    too); the derivative only in the part of a that is read, checked entry by entry
    against central differences of SciPy's own inv (raised TypeError before)."""
    A = _inv_inputs()[kind]
    for a in (A, A.astype(np.float32), np.stack([A, 2 * A])):
        want = sl.inv(a, assume_a=kind, lower=lower)
        got = ad.jvp(lambda v: L.inv(v, assume_a=kind, lower=lower), (a,), (np.ones_like(a),))[0]
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5 if a.dtype == np.float32 else 1e-13,
                                   atol=1e-6 if a.dtype == np.float32 else 1e-14)
    J = ad.jacrev(lambda v: L.inv(v, assume_a=kind, lower=lower))(A)
    h = 1e-6
    for i in range(3):
        for j in range(3):
            E = np.zeros((3, 3))
            E[i, j] = h
            fd = (sl.inv(A + E, assume_a=kind, lower=lower)
                  - sl.inv(A - E, assume_a=kind, lower=lower)) / (2 * h)
            np.testing.assert_allclose(J[..., i, j], fd, rtol=1e-6, atol=1e-8)
    check_grads(lambda v: L.inv(v, assume_a=kind, lower=lower), (A,), order=2)


@pytest.mark.parametrize("lower", [False, True])
def test_scipy_inv_assume_a_hermitian(lower):
    rng = np.random.default_rng(2)
    C = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    H = C @ C.conj().T + 3 * np.eye(3)
    Hx = H + np.tril(np.ones((3, 3)), -1) * (0.5 - 2j) if not lower else H + np.triu(np.ones((3, 3)), 1) * 0.3j
    for kind in ("her", "pos"):
        want = sl.inv(Hx, assume_a=kind, lower=lower)     # the other triangle is not read
        got = ad.jvp(lambda v: L.inv(v, assume_a=kind, lower=lower), (Hx,), (np.ones_like(Hx),))[0]
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-14)
