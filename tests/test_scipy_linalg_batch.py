"""dualad.scipy.linalg rules with leading batch axes on tangents/cotangents.

jacfwd pushes a batch of directions as a leading axis, and jacfwd of jacfwd
(or of jacrev) gives the inner rules' operands a batch of their own: every
rule must keep the batch axes in front and never pair them with the stack
axes of its operands.  Checked here for every function: second derivatives
in all four nestings against an independent reference (closed forms, the
equivalent ``dualad.numpy.linalg`` composition, or power series written with
``dualad.numpy``), first-order ``jacfwd`` with stacks of different depth
against central differences, float32 dtypes, and values bit-identical to
SciPy's.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import linalg as L

N = 3
A = np.array([[3.0, 1.0, 0.2], [0.5, 4.0, 1.0], [0.3, 1.0, 5.0]])
S = A @ A.T / 10.0 + np.eye(N)                       # symmetric positive definite
B = np.array([1.0, 2.0, 3.0])
C = np.array([1.0, -1.0, 2.0])
W = np.array([[1.0, -0.5, 0.25], [0.3, 2.0, -1.0], [0.7, 0.1, 0.6]])   # contraction weights
E = np.array([[0.1, -0.2, 0.05], [0.15, 0.05, -0.1], [-0.05, 0.2, 0.1]])  # small, non-symmetric
NEAR_I = np.eye(N) + E                               # for the power-series references
NEAR_I2 = NEAR_I[:2, :2]                             # logm is slow: its nested tests use n = 2

MODES = {
    "jacfwd(jacfwd)": lambda f: ad.jacfwd(ad.jacfwd(f)),
    "jacfwd(jacrev)": lambda f: ad.jacfwd(ad.jacrev(f)),
    "jacrev(jacfwd)": lambda f: ad.jacrev(ad.jacfwd(f)),
    "hessian": ad.hessian,
}


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")    # logm's accuracy estimate


def _eye(dt=np.float64):
    return np.eye(N, dtype=dt)


def _tril(k=0):
    return np.tril(np.ones((N, N)), k)


def _triu(k=0):
    return np.triu(np.ones((N, N)), k)


def _sym_from(m, lower):
    """The symmetric matrix whose ``lower`` (else upper) triangle is that of ``m``."""
    t = m * (_tril() if lower else _triu())
    return t + dnp.swapaxes(t, -1, -2) - t * _eye()


def _solve_hessian(a, b, c):
    """Exact Hessian of ``c^T a^-1 b`` in ``a``."""
    ai = np.linalg.inv(a)
    u, x = ai.T @ c, ai @ b
    return np.einsum("k,li,j->ijkl", u, ai, x) + np.einsum("i,jk,l->ijkl", u, ai, x)


def _det_hessian(a):
    """Exact Hessian of ``det(a)``."""
    ai = np.linalg.inv(a)
    return np.linalg.det(a) * (np.einsum("ji,lk->ijkl", ai, ai) - np.einsum("jk,li->ijkl", ai, ai))


def _series(coef, x, terms=60):
    """``sum_k coef(k) x^k`` with dualad.numpy operations (x small)."""
    n = x.shape[-1]
    out = coef(0) * np.eye(n)
    p = np.eye(n)
    for k in range(1, terms):
        p = dnp.matmul(p, x)
        out = out + coef(k) * p
    return out


def _binom_half(k):
    r = 1.0
    for j in range(k):
        r *= (0.5 - j) / (j + 1)
    return r


def _exp_coef(k):
    r = 1.0
    for j in range(1, k + 1):
        r /= j
    return r


def _log_coef(k):
    return 0.0 if k == 0 else (-1.0) ** (k + 1) / k


def _scal(matfun):
    return lambda m: dnp.sum(matfun(m) * W[:m.shape[-1], :m.shape[-1]])


def _vsolve(solver):
    return lambda m: dnp.dot(C, solver(m))


# (name, f, x, reference Hessian or reference function of x)
_SOLVE_KINDS = [None, "gen", "general", "sym", "her", "pos", "diagonal", "tridiagonal",
                "lower triangular", "upper triangular"]


def _solve_ref(kind, lower):
    if kind in (None, "gen", "general"):
        return lambda m: m
    if kind in ("sym", "her", "pos"):
        return lambda m: _sym_from(m, lower)
    if kind == "diagonal":
        return lambda m: m * _eye()
    if kind == "tridiagonal":
        return lambda m: m * (_tril(1) * _triu(-1))
    return lambda m: m * (_tril() if kind == "lower triangular" else _triu())


CASES = []
for _kind in _SOLVE_KINDS:
    for _lower in ((False, True) if _kind in ("sym", "her", "pos") else (False,)):
        _x = S if _kind in ("sym", "her", "pos") else A
        _mat = _solve_ref(_kind, _lower)
        CASES.append((f"solve-{_kind}-lower{_lower}",
                      _vsolve(lambda m, k=_kind, lo=_lower: L.solve(m, B, assume_a=k, lower=lo)),
                      _x, _vsolve(lambda m, f=_mat: dnp.linalg.solve(f(m), B))))
for _tr in (0, 1):
    CASES.append((f"solve-transposed{_tr}",
                  _vsolve(lambda m, t=_tr: L.solve(m, B, transposed=bool(t))), A,
                  _vsolve(lambda m, t=_tr: dnp.linalg.solve(m.T if t else m, B))))
    CASES.append((f"lu_solve-trans{_tr}",
                  _vsolve(lambda m, t=_tr: L.lu_solve(L.lu_factor(m), B, trans=t)), A,
                  _vsolve(lambda m, t=_tr: dnp.linalg.solve(m.T if t else m, B))))
for _lower in (False, True):
    CASES.append((f"cho_solve-lower{_lower}",
                  _vsolve(lambda m, lo=_lower: L.cho_solve(L.cho_factor(m, lower=lo), B)), S,
                  _vsolve(lambda m, lo=_lower: dnp.linalg.solve(_sym_from(m, lo), B))))
    CASES.append((f"cholesky-lower{_lower}",
                  _scal(lambda m, lo=_lower: L.cholesky(m, lower=lo)), S,
                  _scal(lambda m, lo=_lower: dnp.linalg.cholesky(_sym_from(m, lo), upper=not lo))))
for _tr in (0, 1, "T", "C"):
    for _lower in (False, True):
        for _unit in (False, True):
            def _tri_ref(m, t=_tr, lo=_lower, u=_unit):
                m = m * ((_tril(-1) if lo else _triu(1)) if u else (_tril() if lo else _triu()))
                if u:
                    m = m + _eye()
                return dnp.linalg.solve(m if t == 0 else m.T, B)
            CASES.append((f"solve_triangular-trans{_tr}-lower{_lower}-unit{_unit}",
                          _vsolve(lambda m, t=_tr, lo=_lower, u=_unit:
                                  L.solve_triangular(m, B, trans=t, lower=lo, unit_diagonal=u)),
                          A, _vsolve(_tri_ref)))
CASES += [
    ("solve-closed-form", _vsolve(lambda m: L.solve(m, B)), A, _solve_hessian(A, B, C)),
    ("inv-closed-form", _vsolve(lambda m: dnp.dot(L.inv(m), B)), A, _solve_hessian(A, B, C)),
    ("inv_p-closed-form", _vsolve(lambda m: dnp.dot(L.inv_p(m), B)), A, _solve_hessian(A, B, C)),
    ("det-closed-form", L.det, A, _det_hessian(A)),
    ("det_p-closed-form", L.det_p, A, _det_hessian(A)),
    ("expm", _scal(L.expm), E, _scal(lambda m: _series(_exp_coef, m, 25))),
    ("logm", _scal(L.logm), NEAR_I2, _scal(lambda m: _series(_log_coef, m - np.eye(2)))),
    ("sqrtm", _scal(L.sqrtm), NEAR_I, _scal(lambda m: _series(_binom_half, m - np.eye(N)))),
    # solve_sylvester: a x + x b = q through the Kronecker form
    ("solve_sylvester-a", _scal(lambda m: L.solve_sylvester(m, S, W)), A,
     _scal(lambda m: _sylv_ref(m, S, W))),
    ("solve_sylvester-b", _scal(lambda m: L.solve_sylvester(A, m, W)), S,
     _scal(lambda m: _sylv_ref(A, m, W))),
    ("solve_sylvester-q", _scal(lambda m: L.solve_sylvester(A, S, m * m)), W,
     _scal(lambda m: _sylv_ref(A, S, m * m))),
    ("sqrtm-of-solve", _scal(lambda m: L.sqrtm(L.solve(m, S))), S + 2 * np.eye(N),
     _scal(lambda m: _series(_binom_half, dnp.linalg.solve(m, S) - np.eye(N), 120))),
]


def _kron_sum(a, b):
    """``I (x) a + b^T (x) I``: the matrix of ``x -> a x + x b`` on column-major vec(x)."""
    i = np.eye(N)
    ka = dnp.reshape(i[:, None, :, None] * a[None, :, None, :], (N * N, N * N))
    kb = dnp.reshape(dnp.swapaxes(b, 0, 1)[:, None, :, None] * i[None, :, None, :], (N * N, N * N))
    return ka + kb


def _sylv_ref(a, b, q):
    vq = dnp.reshape(dnp.swapaxes(q, 0, 1), (N * N,))
    x = dnp.linalg.solve(_kron_sum(a, b), vq)
    return dnp.swapaxes(dnp.reshape(x, (N, N)), 0, 1)


def _reference_hessian(ref, x):
    return ref if isinstance(ref, np.ndarray) else ad.hessian(ref)(x)


@pytest.mark.parametrize("name, f, x, ref", CASES, ids=[c[0] for c in CASES])
def test_second_derivatives_all_nestings(name, f, x, ref):
    h_ref = _reference_hessian(ref, x)
    assert h_ref.shape == x.shape + x.shape
    scale = np.abs(h_ref).max()
    assert scale > 0
    for mode, tr in MODES.items():
        h = tr(f)(x)
        err = np.abs(h - h_ref).max() / scale
        assert err < 1e-9, f"{name} {mode}: relative error {err:.2e}"


def test_reference_hessians_are_right():
    """The references themselves: the closed form against central differences."""
    g = ad.grad(lambda m: C @ np.linalg.solve(m, B))
    eps = 1e-6
    fd = np.zeros((N, N, N, N))
    for i, j in np.ndindex(N, N):
        e = np.zeros((N, N))
        e[i, j] = eps
        fd[..., i, j] = (g(A + e) - g(A - e)) / (2 * eps)
    np.testing.assert_allclose(fd, _solve_hessian(A, B, C), atol=1e-7)
    np.testing.assert_allclose(_scal(lambda m: _sylv_ref(A, S, m))(W),
                               np.sum(sl.solve_sylvester(A, S, W) * W), rtol=1e-12)
    np.testing.assert_allclose(_series(_binom_half, E), sl.sqrtm(NEAR_I), atol=1e-13)
    np.testing.assert_allclose(_series(_log_coef, E), sl.logm(NEAR_I), atol=1e-13)


def test_third_order_forward():
    """Three leading batch axes: jacfwd(jacfwd(jacfwd)) of a solve."""
    f = _vsolve(lambda m: L.solve(m, B))
    ref = ad.jacrev(ad.jacrev(ad.jacrev(_vsolve(lambda m: dnp.linalg.solve(m, B)))))(A)
    got = ad.jacfwd(ad.jacfwd(ad.jacfwd(f)))(A)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())
    f = _scal(lambda m: L.cholesky(m, lower=True))
    ref = ad.jacrev(ad.jacrev(ad.jacrev(_scal(lambda m: dnp.linalg.cholesky(_sym_from(m, True))))))(S)
    got = ad.jacfwd(ad.jacfwd(ad.jacfwd(f)))(S)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-10 * np.abs(ref).max())


# --- first order, stacks of different depth ----------------------------------------------
RNG = np.random.default_rng(7)
B3 = RNG.standard_normal((2, N, 2))          # a stack of right-hand sides
A3 = np.stack([A, A.T + np.eye(N)])          # a stack of matrices
S3 = np.stack([S, S + np.eye(N)])


def _fd_jac(f, x, eps=1e-6):
    y0 = np.asarray(f(x))
    jac = np.zeros(y0.shape + x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        jac[(Ellipsis,) + idx] = (np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps)
    return jac


STACKED = [
    ("solve-A2d-Bstack-in-A", lambda m: L.solve(m, B3), A),
    ("solve-A2d-Bstack-in-B", lambda b: L.solve(A, b), B3),
    ("solve-Astack-B2d-in-B", lambda b: L.solve(A3, b), B3[0]),
    ("solve-Astack-b1d-in-b", lambda b: L.solve(A3, b), B),
    ("solve-Astack-B2d-in-A", lambda m: L.solve(m, B3[0]), A3),
    ("solve-sym-A2d-Bstack-in-A", lambda m: L.solve(m, B3, assume_a="sym", lower=True), S),
    ("solve-pos-A2d-Bstack-in-A", lambda m: L.solve(m, B3, assume_a="pos"), S),
    ("solve_triangular-A2d-Bstack-in-A", lambda m: L.solve_triangular(m, B3), A),
    ("solve_triangular-T-lower-Bstack-in-A",
     lambda m: L.solve_triangular(m, B3, trans=1, lower=True), A),
    ("solve_triangular-unit-Bstack-in-B",
     lambda b: L.solve_triangular(A, b, unit_diagonal=True), B3),
    ("cho_solve-Bstack-in-factor", lambda m: L.cho_solve(L.cho_factor(m), B3), S),
    ("lu_solve-Bstack-in-A", lambda m: L.lu_solve(L.lu_factor(m), B3, trans=1), A),
    ("sylvester-qstack-in-a", lambda m: L.solve_sylvester(m, S, B3[..., :1] * W), A),
    ("sylvester-qstack-in-b", lambda m: L.solve_sylvester(A, m, B3[..., :1] * W), S),
    ("sylvester-astack-in-q", lambda q: L.solve_sylvester(A3, S, q), W),
    ("sylvester-astack-in-b", lambda m: L.solve_sylvester(A3, m, W), S),
    ("expm-stack", lambda m: L.expm(0.3 * m), A3[:, :2, :2]),
    ("inv_p-stack", L.inv_p, A3),
    ("det_p-stack", L.det_p, A3),
    ("solve_p-broadcast-unit-stack-in-A", lambda m: L.solve_p(m, B3), A3[:1]),
    ("cholesky_p-stack", L.cholesky_p, S3),
]


@pytest.mark.parametrize("name, f, x", STACKED, ids=[c[0] for c in STACKED])
def test_first_order_stacked(name, f, x):
    ref = _fd_jac(f, x)
    scale = np.abs(ref).max()
    for jac in (ad.jacfwd, ad.jacrev):
        got = jac(f)(x)
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-7 * scale, err_msg=name)


# --- float32 ---------------------------------------------------------------------------
A32, S32, B32 = A.astype(np.float32), S.astype(np.float32), B.astype(np.float32)
NEAR_I32 = NEAR_I.astype(np.float32)

F32 = [(f"solve-{k}-lower{lo}", lambda m, k=k, lo=lo: L.solve(m, B32, assume_a=k, lower=lo), S32)
       for k in _SOLVE_KINDS for lo in (False, True)]
F32 += [(f"solve_triangular-{t}{lo}{u}",
         lambda m, t=t, lo=lo, u=u: L.solve_triangular(m, B32, trans=t, lower=lo, unit_diagonal=u),
         A32) for t in (0, 1) for lo in (False, True) for u in (False, True)]
F32 += [(f"solve_triangular-b-unit{u}",
         lambda b, u=u: L.solve_triangular(A32, b, unit_diagonal=u), B32) for u in (False, True)]
F32 += [
    ("lu_solve", lambda m: L.lu_solve(L.lu_factor(m), B32), A32),
    ("cho_solve", lambda m: L.cho_solve(L.cho_factor(m), B32), S32),
    ("cholesky", L.cholesky, S32),
    ("cholesky-lower", lambda m: L.cholesky(m, lower=True), S32),
    ("solve_sylvester", lambda m: L.solve_sylvester(m, S32, A32), A32),
    ("sqrtm", L.sqrtm, S32),
    ("expm", L.expm, 0.3 * A32),
    ("inv", L.inv, A32),
    # (L.det: float64 value for float32 input, as scipy.linalg.det; its dtypes are
    # checked in test_complex_audit_fixes.py)
    ("inv_p", L.inv_p, A32),
    ("det_p", L.det_p, A32),
]


@pytest.mark.parametrize("name, f, x", F32, ids=[c[0] for c in F32])
def test_float32_stays_float32(name, f, x):
    v, t = ad.jvp(f, (x,), (np.ones_like(x),))
    v2, back = ad.vjp(f, x)
    ct = back(np.ones_like(v2))[0]
    got = {"value": v, "jvp": t, "vjp": ct, "jacfwd": ad.jacfwd(f)(x), "jacrev": ad.jacrev(f)(x)}
    for k, val in got.items():
        assert np.asarray(val).dtype == np.float32, f"{name}: {k} is {np.asarray(val).dtype}"


SECOND_F32 = ["solve-sym-lowerTrue", "solve-diagonal-lowerFalse", "solve_triangular-1TrueTrue",
              "cholesky", "solve_sylvester", "sqrtm", "det_p"]


@pytest.mark.parametrize("name", SECOND_F32)
def test_float32_second_order(name):
    f, x = {c[0]: c[1:] for c in F32}[name]
    g = lambda m: dnp.sum(f(m))
    for mode, tr in MODES.items():
        assert tr(g)(x).dtype == np.float32, f"{name} {mode}"


def test_logm_float32_follows_its_value():
    """SciPy's logm returns float64 for float32 input; jvp's tangent follows the
    value (it lives where the value does); vjp, and the Jacobians, like grad,
    hand back the input's precision, as they do for every function."""
    x = NEAR_I2.astype(np.float32)
    ref = sl.logm(x)
    v, t = ad.jvp(L.logm, (x,), (np.ones_like(x),))
    assert v.dtype == ref.dtype == t.dtype
    np.testing.assert_array_equal(v, ref)
    v2, back = ad.vjp(L.logm, x)
    assert v2.dtype == ref.dtype
    assert back(np.ones_like(v2))[0].dtype == np.float32
    jf, jr = ad.jacfwd(L.logm)(x), ad.jacrev(L.logm)(x)
    # (SciPy's float32 logm may come back complex128: then complex64)
    assert jf.dtype == jr.dtype == (np.complex64 if ref.dtype.kind == "c" else np.float32)
    np.testing.assert_allclose(jf, jr, atol=1e-5)


# --- values: bit-identical to SciPy's, traced or not -------------------------------------
# (assume_a=None: SciPy detects structure itself; a general matrix is used here, for
# which it takes the general solver, as dualad does)
def _traced_value(f, *args):
    return ad.jvp(f, args, tuple(np.ones_like(a) for a in args))[0]


VALUES = []
for _dt in (np.float64, np.float32):
    _A, _S, _B2 = A.astype(_dt), S.astype(_dt), np.stack([B, C], axis=1).astype(_dt)
    for _kind in (None, "gen", "sym", "her", "pos", "diagonal", "lower triangular",
                  "upper triangular"):
        for _lower in (False, True):
            VALUES.append((f"solve-{_kind}-{_lower}-{_dt.__name__}",
                           lambda m, b, k=_kind, lo=_lower: L.solve(m, b, assume_a=k, lower=lo),
                           lambda m, b, k=_kind, lo=_lower: sl.solve(m, b, assume_a=k, lower=lo),
                           (_S if _kind in ("sym", "her", "pos") else _A, _B2)))
    VALUES.append((f"solve-transposed-{_dt.__name__}",
                   lambda m, b: L.solve(m, b, transposed=True),
                   lambda m, b: sl.solve(m, b, transposed=True), (_A, _B2)))
    for _tr in (0, 1):
        for _lower in (False, True):
            for _unit in (False, True):
                VALUES.append((f"solve_triangular-{_tr}{_lower}{_unit}-{_dt.__name__}",
                               lambda m, b, t=_tr, lo=_lower, u=_unit:
                               L.solve_triangular(m, b, trans=t, lower=lo, unit_diagonal=u),
                               lambda m, b, t=_tr, lo=_lower, u=_unit:
                               sl.solve_triangular(m, b, trans=t, lower=lo, unit_diagonal=u),
                               (_A, _B2)))
                VALUES.append((f"solve_triangular-stack-{_tr}{_lower}{_unit}-{_dt.__name__}",
                               lambda m, b, t=_tr, lo=_lower, u=_unit:
                               L.solve_triangular(m, b, trans=t, lower=lo, unit_diagonal=u),
                               lambda m, b, t=_tr, lo=_lower, u=_unit:
                               sl.solve_triangular(m, b, trans=t, lower=lo, unit_diagonal=u),
                               (_A, B3.astype(_dt))))
    for _tr in (0, 1):
        VALUES.append((f"lu_solve-{_tr}-{_dt.__name__}",
                       lambda m, b, t=_tr: L.lu_solve(L.lu_factor(m), b, trans=t),
                       lambda m, b, t=_tr: sl.lu_solve(sl.lu_factor(m), b, trans=t), (_A, _B2)))
    for _lower in (False, True):
        VALUES.append((f"cho_solve-{_lower}-{_dt.__name__}",
                       lambda m, b, lo=_lower: L.cho_solve(L.cho_factor(m, lower=lo), b),
                       lambda m, b, lo=_lower: sl.cho_solve(sl.cho_factor(m, lower=lo), b),
                       (_S, _B2)))
        VALUES.append((f"cholesky-{_lower}-{_dt.__name__}",
                       lambda m, lo=_lower: L.cholesky(m, lower=lo),
                       lambda m, lo=_lower: sl.cholesky(m, lower=lo), (_S,)))
    VALUES += [
        (f"solve_sylvester-{_dt.__name__}", L.solve_sylvester, sl.solve_sylvester, (_A, _S, _A)),
        (f"sqrtm-{_dt.__name__}", L.sqrtm, sl.sqrtm, (_S,)),
        (f"logm-{_dt.__name__}", L.logm, sl.logm, (NEAR_I.astype(_dt),)),
        (f"expm-{_dt.__name__}", L.expm, sl.expm, (0.3 * _A,)),
    ]


@pytest.mark.parametrize("name, f, ref, args", VALUES, ids=[c[0] for c in VALUES])
def test_values_bit_identical_to_scipy(name, f, ref, args):
    r = ref(*args)
    for v in (f(*args), _traced_value(f, *args)):
        assert v.dtype == r.dtype, name
        np.testing.assert_array_equal(v, r, err_msg=name)


# --- stacked matrices, as SciPy (>= 1.15) batches them ------------------------------------
_RS = np.random.default_rng(5)
_MS = _RS.standard_normal((2, 3, 3))
SPD_STACK = _MS @ np.swapaxes(_MS, -1, -2) + 3 * np.eye(3)
_HS = _RS.standard_normal((2, 3, 3)) * 0.5j
HPD_STACK = SPD_STACK + _HS - np.swapaxes(_HS, -1, -2).conj()        # Hermitian (complex)
TRI_STACK = np.triu(_RS.standard_normal((2, 3, 3))) + 3 * np.eye(3)


def _from_stack(f, x):
    """Reference: ``f`` applied to each matrix of the stack by hand, stacked."""
    return np.stack([f(x[i]) for i in range(x.shape[0])])


@pytest.mark.parametrize("stack", [SPD_STACK, HPD_STACK, SPD_STACK[None]],
                         ids=["real", "complex", "4-D"])
@pytest.mark.parametrize("lower", [False, True])
def test_cholesky_of_a_stack(stack, lower):
    # used to raise "cholesky: expected a square 2-D matrix" even for plain input
    want = sl.cholesky(stack, lower=lower)
    assert want.shape == stack.shape
    # (the upper factor is the conjugate transpose of the lower one of a^H: SciPy's
    # to rounding)
    np.testing.assert_allclose(L.cholesky(stack, lower=lower), want, rtol=1e-14, atol=1e-15)
    c = L.cho_factor(stack, lower=lower)[0]
    np.testing.assert_allclose(c, np.tril(want) if lower else np.triu(want), rtol=1e-14, atol=1e-15)
    got = ad.jvp(lambda a: L.cholesky(a, lower=lower), (stack,), (stack,))
    np.testing.assert_allclose(got[0], want, rtol=1e-14, atol=1e-15)
    # derivative: d chol along dA = A is chol / 2 (chol(cA) = sqrt(c) chol(A))
    np.testing.assert_allclose(got[1], want / 2, rtol=1e-13, atol=1e-15)
    b = np.arange(1.0, 4.0)
    np.testing.assert_allclose(L.cho_solve(L.cho_factor(stack, lower=lower), b),
                               sl.cho_solve(sl.cho_factor(stack, lower=lower), b), rtol=1e-13)
    np.testing.assert_allclose(L.cho_solve(sl.cho_factor(stack, lower=lower), b),   # SciPy's list
                               sl.cho_solve(sl.cho_factor(stack, lower=lower), b), rtol=1e-13)
    s2 = stack.reshape((-1, 3, 3))[:2]
    from dualad.testing import check_grads
    check_grads(lambda a: L.cholesky(a, lower=lower), (s2,), order=2)
    check_grads(lambda a, z: L.cho_solve(L.cho_factor(a, lower=lower), z), (s2, b), order=1)


def test_cholesky_of_a_stack_refuses_what_scipy_refuses():
    with pytest.raises(ValueError, match="zero-size batches"):
        L.cholesky(np.zeros((0, 3, 3)))
    with pytest.raises(ValueError, match="square"):
        L.cholesky(np.ones((2, 3, 2)))


@pytest.mark.parametrize("bshape", [(3,), (3, 1), (2, 3, 1), (4, 2, 3, 2), (1, 3, 2)])
@pytest.mark.parametrize("trans", [0, 1, 2])
@pytest.mark.parametrize("lower", [False, True])
def test_solve_triangular_of_a_stack(bshape, trans, lower):
    # used to raise "solve_triangular: expected a square 2-D matrix"
    a = np.swapaxes(TRI_STACK, -1, -2) if lower else TRI_STACK
    b = np.random.default_rng(6).standard_normal(bshape)
    want = sl.solve_triangular(a, b, trans=trans, lower=lower)
    got = L.solve_triangular(a, b, trans=trans, lower=lower)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    v, t = ad.jvp(lambda m, z: L.solve_triangular(m, z, trans=trans, lower=lower), (a, b),
                  (a, b))
    np.testing.assert_allclose(v, want, rtol=1e-14, atol=0)
    # x(c a, c b) = x: the derivative along (a, b) itself is 0
    np.testing.assert_allclose(t, 0 * want, rtol=0, atol=1e-13)
    # the JVP along a direction of b alone is the solve of that direction
    t = ad.jvp(lambda z: L.solve_triangular(a, z, trans=trans, lower=lower), (b,), (b[::-1],))[1]
    np.testing.assert_allclose(t, sl.solve_triangular(a, b[::-1], trans=trans, lower=lower),
                               rtol=1e-13, atol=0)


def test_solve_triangular_of_a_stack_second_order():
    from dualad.testing import check_grads
    b = np.random.default_rng(7).standard_normal((3, 2))
    check_grads(lambda m, z: L.solve_triangular(m, z, trans=1), (TRI_STACK, b), order=2)
    with pytest.raises(ValueError, match="incompatible"):
        L.solve_triangular(TRI_STACK, np.ones((2, 3)))     # as SciPy: b (2, 3) is one matrix


@pytest.mark.parametrize("name", ["null_space", "orth"])
def test_null_space_and_orth_of_a_traced_stack(name):
    # used to raise "expected a 2-D array" under tracing (plain stacks worked)
    a = np.random.default_rng(8).standard_normal((2, 3, 4))
    f, ref = getattr(L, name), getattr(sl, name)
    want = ref(a)
    v = ad.jvp(f, (a,), (a,))[0]
    assert v.shape == want.shape
    np.testing.assert_array_equal(v, want)
    # the projector onto the basis' span, per matrix, against central differences
    # of SciPy's function per matrix
    proj = lambda q: q @ np.swapaxes(q, -1, -2)                         # noqa: E731
    d = np.random.default_rng(9).standard_normal(a.shape)
    h = 1e-6
    fd = (proj(_from_stack(ref, a + h * d)) - proj(_from_stack(ref, a - h * d))) / (2 * h)
    t = ad.jvp(lambda m: (lambda q: dnp.matmul(q, dnp.swapaxes(q, -1, -2)))(f(m)), (a,), (d,))[1]
    np.testing.assert_allclose(t, fd, rtol=0, atol=1e-8)
    g = ad.grad(lambda m: dnp.sum(np.arange(32.0).reshape(2, 4, 4)[:, :want.shape[-2], :want.shape[-2]]
                                  * (lambda q: dnp.matmul(q, dnp.swapaxes(q, -1, -2)))(f(m))))(a)
    g0 = ad.grad(lambda m: dnp.sum(np.arange(32.0).reshape(2, 4, 4)[0, :want.shape[-2], :want.shape[-2]]
                                   * (lambda q: dnp.matmul(q, dnp.swapaxes(q, -1, -2)))(f(m))))(a[0])
    np.testing.assert_allclose(g[0], g0, rtol=1e-13, atol=1e-13)
    b = np.stack([a[0], np.zeros((3, 4))])               # ranks 3 and 0: SciPy refuses too
    with pytest.raises(ValueError):
        ref(b)
    with pytest.raises(ValueError, match="different numerical ranks"):
        ad.jvp(f, (b,), (b,))


@pytest.mark.parametrize("lower", [False, True, 1, 0, np.True_])
@pytest.mark.parametrize("stack", [SPD_STACK[0], SPD_STACK, SPD_STACK[None], HPD_STACK],
                         ids=["2-D", "3-D", "4-D", "complex"])
def test_cho_factor_container_is_scipys(stack, lower):
    """``cho_factor`` returns what SciPy returns: ``(c, lower)`` (``lower`` as given)
    for a matrix, the list ``[c, flags]`` (an array of flags over the stack axes)
    for a stack, traced or not.  It used to return ``(c, bool(lower))`` for both."""
    want = sl.cho_factor(stack, lower=lower)
    b = np.arange(1.0, 4.0)

    def check(got):
        assert type(got) is type(want)
        flags = got[1]
        assert type(flags) is type(want[1])
        if isinstance(want[1], np.ndarray):
            assert flags.dtype == want[1].dtype and flags.shape == want[1].shape
            np.testing.assert_array_equal(flags, want[1])
        else:
            assert flags == want[1]

    check(L.cho_factor(stack, lower=lower))
    seen = []

    def f(a):
        got = L.cho_factor(a, lower=lower)
        seen.append(got)
        return L.cho_solve(got, b)

    x, dx = ad.jvp(f, (stack,), (stack,))
    check(seen[0])
    np.testing.assert_allclose(x, sl.cho_solve(want, b), rtol=1e-13)
    np.testing.assert_allclose(dx, -x, rtol=1e-13)      # d(a^-1 b) along da = a is -x
    g = ad.grad(lambda a: dnp.real(dnp.sum(f(a))))(stack)
    np.testing.assert_allclose(L.cho_solve(L.cho_factor(stack, lower=lower), b), x, rtol=1e-13)
    assert g.shape == stack.shape


def test_cho_solve_refuses_mixed_flags():
    c = L.cho_factor(SPD_STACK, lower=True)[0]
    with pytest.raises(ValueError, match="differ"):
        L.cho_solve([c, np.array([True, False])], np.ones(3))


# --- lu / lu_factor / lu_solve of stacks under tracing ---------------------------------------------
# Used to raise NotImplementedError ("square 2-D matrices only") for traced stacks,
# and lu_solve of SciPy's stacked factors with a traced b raised a reshape
# ValueError.  Truths: SciPy's own values, and Richardson-extrapolated central
# differences of SciPy's own lu_factor / lu.
_LU_STACK = np.random.default_rng(11).standard_normal((2, 3, 3))
_LU_W = np.random.default_rng(12).standard_normal((2, 3, 3))


def _rich(f, x, h=1e-3):
    """The Jacobian ``d f / d x`` (shape ``f(x).shape + x.shape``) at ``x``:
    Richardson-extrapolated central differences of the plain function ``f``."""
    out = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = 1.0
        e = e.reshape(x.shape)

        def d(s):
            return (f(x + s * e) - f(x - s * e)) / (2 * s)
        out.append((4 * d(h / 2) - d(h)) / 3)
    return np.moveaxis(np.array(out), 0, -1).reshape(np.shape(f(x)) + x.shape)


def _lu_sum(x):
    return np.sum(_LU_W * sl.lu_factor(x)[0])


_LU_NESTINGS = {"hessian": ad.hessian, "jacfwd(jacfwd)": lambda f: ad.jacfwd(ad.jacfwd(f)),
                "jacrev(jacrev)": lambda f: ad.jacrev(ad.jacrev(f)),
                "jacfwd(jacrev)": lambda f: ad.jacfwd(ad.jacrev(f)),
                "jacrev(jacfwd)": lambda f: ad.jacrev(ad.jacfwd(f))}


def test_lu_factor_of_a_traced_stack():
    a = _LU_STACK
    want = sl.lu_factor(a)
    seen = []

    def packed(x):
        f = L.lu_factor(x)
        seen.append(f)
        return f[0]

    v, t = ad.jvp(packed, (a,), (a,))
    assert isinstance(seen[0], list) and len(seen[0]) == 2       # SciPy's list
    np.testing.assert_array_equal(v, want[0])
    np.testing.assert_array_equal(seen[0][1], want[1])
    assert seen[0][1].dtype == want[1].dtype
    jac = _rich(lambda x: sl.lu_factor(x)[0], a)
    np.testing.assert_allclose(t, np.einsum("...klm,klm->...", jac, a), rtol=1e-8, atol=1e-9)
    for J in (ad.jacfwd(packed)(a), ad.jacrev(packed)(a)):
        np.testing.assert_allclose(J, jac, rtol=1e-8, atol=1e-9)
    S = lambda x: dnp.sum(_LU_W * L.lu_factor(x)[0])                        # noqa: E731
    np.testing.assert_allclose(ad.grad(S)(a), _rich(_lu_sum, a), rtol=1e-8, atol=1e-9)
    # lu_solve with the stacked traced factors differentiates through solve
    b = np.arange(1.0, 4.0)
    x, dx = ad.jvp(lambda m: L.lu_solve(L.lu_factor(m), b, trans=1), (a,), (a,))
    np.testing.assert_array_equal(x, sl.lu_solve(want, b, trans=1))
    np.testing.assert_allclose(dx, -x, rtol=1e-13)        # along da = a: -a^-T b


_LU_H = None


@pytest.mark.parametrize("nest", list(_LU_NESTINGS))
def test_lu_factor_of_a_traced_stack_second_order(nest):
    global _LU_H
    if _LU_H is None:     # differences of the Richardson gradient of SciPy's lu_factor
        _LU_H = _rich(lambda x: _rich(_lu_sum, x, 1e-4), _LU_STACK, 1e-3)
    S = lambda x: dnp.sum(_LU_W * L.lu_factor(x)[0])                        # noqa: E731
    H = _LU_NESTINGS[nest](S)(_LU_STACK)
    np.testing.assert_allclose(H, _LU_H, rtol=1e-5, atol=1e-6 * np.abs(_LU_H).max())
    assert np.all(H[0, :, :, 1] == 0) and np.all(H[1, :, :, 0] == 0)      # matrices apart


@pytest.mark.parametrize("kw", [{}, {"permute_l": True}, {"p_indices": True}],
                         ids=["P", "permute_l", "p_indices"])
def test_lu_of_a_traced_stack(kw):
    a = np.concatenate([_LU_STACK, _LU_STACK[::-1] + 0.5]).reshape(2, 2, 3, 3)
    want = sl.lu(a, **kw)
    got = ad.jvp(lambda x: L.lu(x, **kw), (a,), (a,))[0]
    assert type(got) is type(want) and len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_array_equal(g, w)
    for j in (len(want) - 2, len(want) - 1):       # L (P L with permute_l) and U
        jac = _rich(lambda x: sl.lu(x, **kw)[j], a)
        for J in (ad.jacfwd(lambda x: L.lu(x, **kw)[j])(a),
                  ad.jacrev(lambda x: L.lu(x, **kw)[j])(a)):
            np.testing.assert_allclose(J, jac, rtol=1e-8, atol=1e-9)


def test_lu_of_a_traced_non_square_stack_is_refused():
    with pytest.raises(NotImplementedError, match="square matrices and stacks"):
        ad.grad(lambda x: dnp.sum(L.lu(x)[1]))(np.ones((2, 3, 2)))
    with pytest.raises(NotImplementedError, match="square matrices and stacks"):
        ad.grad(lambda x: dnp.sum(L.lu_factor(x)[0]))(np.ones((2, 3, 2)))


@pytest.mark.parametrize("trans", [0, 1, 2])
@pytest.mark.parametrize("bshape", [(3,), (4, 1, 3, 2)])
def test_lu_solve_of_scipys_stacked_factors_traced_b(trans, bshape):
    fac = sl.lu_factor(_LU_STACK)
    b = np.arange(1.0, 1.0 + np.prod(bshape)).reshape(bshape)
    want = sl.lu_solve(fac, b, trans=trans)
    v, t = ad.jvp(lambda z: L.lu_solve(fac, z, trans=trans), (b,), (b,))
    np.testing.assert_array_equal(v, want)
    np.testing.assert_allclose(t, want, rtol=1e-13)          # linear in b
    g = ad.grad(lambda z: dnp.sum(L.lu_solve(fac, z, trans=trans)))(b)
    # the transpose of b -> op(a)^-1 b (real a: a^-T for trans 0, else a^-1), by
    # SciPy, summed over the stack axes b lacks
    tt = 1 if trans == 0 else 0
    if b.ndim == 1:
        truth = sl.lu_solve(fac, np.ones((2, 3, 1)), trans=tt)[..., 0].sum(0)
    else:
        truth = sl.lu_solve(fac, np.ones((4, 2, 3, 2)), trans=tt).sum(1, keepdims=True)
    np.testing.assert_allclose(g, truth, rtol=1e-12)
