"""dualad.scipy.linalg: solve_banded, solveh_banded, solve_toeplitz,
solve_circulant, pinvh, rq, orthogonal_procrustes, khatri_rao, companion,
convolution_matrix, solve_discrete_lyapunov, solve_continuous_are and
solve_discrete_are.

Truths, all independent of dualad: SciPy's own values (traced input must give
them exactly where dualad calls SciPy for the value), closed forms (scalar
Lyapunov / Riccati equations, 2 x 2 Toeplitz and circulant systems, the
companion matrix of a polynomial), and Richardson-extrapolated central
differences of SciPy's own functions for first and second derivatives; the
VJP is checked against those JVPs through ``<u, J v>``.
"""
import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.scipy.linalg as L
from dualad.jacobians import hessian, jacfwd, jacrev

from ._derivatives import richardson_directional, richardson_second_directional

RNG = np.random.default_rng(7)


_rich1 = richardson_directional
_rich2 = richardson_second_directional


def _rel(got, want):
    got, want = np.asarray(got), np.asarray(want)
    return float(np.max(np.abs(got - want)) / max(1.0, float(np.max(np.abs(want)))))


def _check(f, sf, x, tol1=1e-8, tol2=1e-5, seed=0):
    """f (dualad) against sf (SciPy) at x along a random direction v: the value
    exactly-or-to-rounding, the JVP and the second directional derivative
    against Richardson differences of sf, the VJP by <u, J v>."""
    r = np.random.default_rng(seed)
    v = r.standard_normal(np.shape(x))
    val, tan = ad.jvp(f, (x,), (v,))
    assert _rel(val, sf(x)) <= 1e-13
    assert _rel(tan, _rich1(sf, x, v)) <= tol1
    u = r.standard_normal(np.shape(val))
    _, pull = ad.vjp(f, x)
    (gx,) = pull(u)
    assert abs(np.sum(gx * v) - np.sum(u * tan)) <= 1e-10 * max(1.0, abs(np.sum(u * tan)))
    sec = ad.jvp(lambda y: ad.jvp(f, (y,), (v,))[1], (x,), (v,))[1]
    assert _rel(sec, _rich2(sf, x, v)) <= tol2
    return tan


# --- banded solves ---------------------------------------------------------------------------
N = 5
AB = RNG.standard_normal((4, N)) + np.array([[0.0], [5.0], [0.0], [0.0]])   # (l, u) = (2, 1)
BV = RNG.standard_normal(N)
BM = RNG.standard_normal((N, 2))
HB_U = np.vstack([RNG.standard_normal((2, N)), 6.0 + RNG.random(N)])       # upper, k = 2
HB_L = HB_U[::-1].copy()                                                   # lower storage


def _dense_from_band(ab, l, u):
    n = ab.shape[1]
    a = np.zeros((n, n))
    for i in range(n):
        for j in range(max(0, i - l), min(n, i + u + 1)):
            a[i, j] = ab[u + i - j, j]
    return a


def test_solve_banded_values_and_derivatives():
    for b in (BV, BM):
        _check(lambda ab: L.solve_banded((2, 1), ab, b), lambda ab: sl.solve_banded((2, 1), ab, b), AB)
        _check(lambda b: L.solve_banded((2, 1), AB, b), lambda b: sl.solve_banded((2, 1), AB, b), b)
    # against the dense solve (closed form of the derivative: dx = -A^-1 dA x)
    a = _dense_from_band(AB, 2, 1)
    x = np.linalg.solve(a, BV)
    g = ad.grad(lambda ab: L.solve_banded((2, 1), ab, BV)[0])(AB)
    gd = -np.outer(np.linalg.solve(a.T, np.eye(N)[0]), x)
    want = np.zeros_like(AB)
    for i in range(N):
        for j in range(max(0, i - 2), min(N, i + 2)):
            want[1 + i - j, j] = gd[i, j]
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("lower", [False, True])
def test_solveh_banded(lower):
    hb = HB_L if lower else HB_U
    f = lambda h: L.solveh_banded(h, BM, lower=lower)
    sf = lambda h: sl.solveh_banded(h, BM, lower=lower)
    _check(f, sf, hb)
    _check(lambda b: L.solveh_banded(hb, b, lower=lower),
           lambda b: sl.solveh_banded(hb, b, lower=lower), BV)
    # tridiagonal (SciPy's ptsv path)
    _check(lambda h: L.solveh_banded(h, BV, lower=lower),
           lambda h: sl.solveh_banded(h, BV, lower=lower), hb[1:] if lower is False else hb[:2])


def test_banded_errors():
    with pytest.raises(ValueError, match="not compatible"):
        ad.grad(lambda ab: L.solve_banded((2, 1), ab, np.ones(3))[0])(AB)
    with pytest.raises(ValueError, match="number of lower and upper"):
        ad.grad(lambda ab: L.solve_banded((1, 1), ab, BV)[0])(AB)
    with pytest.raises(ValueError, match="zero-size batches"):
        ad.grad(lambda ab: L.solve_banded((2, 1), ab, BV).sum())(np.zeros((0,) + AB.shape))


def test_banded_and_toeplitz_batches():
    abs_ = np.stack([AB, AB + np.array([[0.0], [1.0], [0.0], [0.0]])])
    bs = np.stack([BM, -BM, BM ** 2])[:, None]                      # (3, 1, n, 2)
    for ab, b in ((abs_, BV), (abs_, BM), (AB, bs), (abs_, bs)):
        _check(lambda ab: L.solve_banded((2, 1), ab, b), lambda ab: sl.solve_banded((2, 1), ab, b), ab)
        _check(lambda b: L.solve_banded((2, 1), ab, b), lambda b: sl.solve_banded((2, 1), ab, b), b)
    hbs = np.stack([HB_U, HB_U * [[0.5], [1], [1]]])
    _check(lambda h: L.solveh_banded(h, BM), lambda h: sl.solveh_banded(h, BM), hbs)
    cs, rs = np.stack([C, C * [1, 2, 1, 1]]), np.stack([R, R])
    _check(lambda c: L.solve_toeplitz((c, rs), B4), lambda c: sl.solve_toeplitz((c, rs), B4), cs)
    bb = np.stack([B4, -B4 ** 2])[:, :, None]                          # (2, n, 1)
    _check(lambda c: L.solve_toeplitz(c, bb), lambda c: sl.solve_toeplitz(c, bb), cs)
    _check(lambda b: L.solve_toeplitz(cs, b), lambda b: sl.solve_toeplitz(cs, b), bb)
    with pytest.raises(np.linalg.LinAlgError):     # SciPy's: not positive definite
        ad.grad(lambda h: L.solveh_banded(h, BV)[0])(HB_U * [[1], [1], [-1]])


# --- Toeplitz and circulant ------------------------------------------------------------------
C = np.array([4.0, 1.0, -0.5, 0.25])
R = np.array([9.0, 0.7, 0.2, -0.3])          # r[0] is ignored
B4 = RNG.standard_normal(4)


def test_solve_toeplitz():
    _check(lambda c: L.solve_toeplitz((c, R), B4), lambda c: sl.solve_toeplitz((c, R), B4), C)
    _check(lambda r: L.solve_toeplitz((C, r), B4), lambda r: sl.solve_toeplitz((C, r), B4), R)
    _check(lambda c: L.solve_toeplitz(c, B4), lambda c: sl.solve_toeplitz(c, B4), C)
    _check(lambda b: L.solve_toeplitz((C, R), b), lambda b: sl.solve_toeplitz((C, R), b),
           np.stack([B4, B4 ** 2], 1))
    # r[0] gets no derivative
    assert ad.grad(lambda r: L.solve_toeplitz((C, r), B4)[1])(R)[0] == 0.0
    # closed form, 2 x 2 symmetric [[c0, c1], [c1, c0]] x = [1, 0]: x0 = c0 / (c0^2 - c1^2)
    c0, c1 = 3.0, 1.0
    g = ad.grad(lambda c: L.solve_toeplitz(c, np.array([1.0, 0.0]))[0])(np.array([c0, c1]))
    d = c0 ** 2 - c1 ** 2
    np.testing.assert_allclose(g, [(d - 2 * c0 ** 2) / d ** 2, 2 * c0 * c1 / d ** 2], rtol=1e-14)


def test_solve_circulant():
    _check(lambda c: L.solve_circulant(c, B4), lambda c: sl.solve_circulant(c, B4), C)
    bm = np.stack([B4, -B4, B4 ** 2])
    _check(lambda b: L.solve_circulant(C, b, baxis=1, outaxis=1),
           lambda b: sl.solve_circulant(C, b, baxis=1, outaxis=1), bm)
    cs = np.stack([C, C[::-1] + [2, 0, 0, 0]])                 # a stack of c broadcast with b
    _check(lambda c: L.solve_circulant(c, B4), lambda c: sl.solve_circulant(c, B4), cs)
    # closed form: circulant [[a, b], [b, a]] x = [1, 0]: x0 = a / (a^2 - b^2)
    g = ad.grad(lambda c: L.solve_circulant(c, np.array([1.0, 0.0]))[0])(np.array([3.0, 1.0]))
    np.testing.assert_allclose(g, [-10 / 64, 6 / 64], rtol=1e-14)
    # singular: 'raise' is SciPy's error, 'lstsq' drops the zero eigenvalue
    cz = np.array([1.0, 1.0])
    with pytest.raises(np.linalg.LinAlgError, match="near singular"):
        ad.grad(lambda c: L.solve_circulant(c, np.ones(2))[0])(cz)
    f = lambda c: L.solve_circulant(c, np.array([1.0, 2.0]), singular="lstsq")
    sf = lambda c: sl.solve_circulant(c, np.array([1.0, 2.0]), singular="lstsq")
    val, tan = ad.jvp(f, (cz,), (np.array([1.0, 0.5]),))
    np.testing.assert_array_equal(val, sf(cz))
    # only the eigenvalue c0 + c1 = 2 is kept: x = (b0 + b1) / (2 (c0 + c1)) [1, 1], whose
    # derivative along dc = [1, 0.5] is -3 * 1.5 / (2 * 2^2) (the dropped set is fixed)
    np.testing.assert_allclose(tan, -3 * 1.5 / 8 * np.ones(2), rtol=1e-14)
    with pytest.raises(ValueError, match="incompatible"):
        ad.grad(lambda c: L.solve_circulant(c, np.ones(3))[0])(C)


# --- pinvh, rq, orthogonal_procrustes ----------------------------------------------------------
S4 = RNG.standard_normal((4, 4))
SYM = S4 + S4.T


@pytest.mark.parametrize("lower", [True, False])
def test_pinvh(lower):
    _check(lambda a: L.pinvh(a, lower=lower), lambda a: sl.pinvh(a, lower=lower), S4)
    # rank-deficient (rank 2): constant-rank directions; and a stack
    u = np.linalg.qr(RNG.standard_normal((4, 2)))[0]
    low = u @ np.diag([2.0, -3.0]) @ u.T
    f = lambda w: L.pinvh(u @ np.diag(w) @ u.T)
    sf = lambda w: sl.pinvh(u @ np.diag(w) @ u.T)
    _check(f, sf, np.array([2.0, -3.0]))
    val, rank = L.pinvh(ad.stop_gradient(low), return_rank=True)
    assert rank == 2
    _check(lambda a: L.pinvh(a), lambda a: sl.pinvh(a), np.stack([SYM, SYM @ SYM + np.eye(4)]))
    # the identity (a repeated eigenvalue): d pinv(c I) = -I / c^2
    np.testing.assert_allclose(ad.jvp(L.pinvh, (2 * np.eye(3),), (np.eye(3),))[1],
                               -np.eye(3) / 4, atol=1e-15)


@pytest.mark.parametrize("shape,mode", [((3, 3), "full"), ((3, 5), "economic"),
                                        ((5, 3), "economic"), ((5, 3), "full"),
                                        ((3, 5), "r")])
def test_rq(shape, mode):
    a = RNG.standard_normal(shape)
    if mode == "r":
        _check(lambda a: L.rq(a, mode="r"), lambda a: sl.rq(a, mode="r"), a)
        return
    for i in (0, 1):
        _check(lambda a: L.rq(a, mode=mode)[i], lambda a: sl.rq(a, mode=mode)[i], a, seed=i)


def test_rq_wide_full_and_stack_and_complex():
    a = RNG.standard_normal((3, 5))
    # R and Q's last 3 rows are exact; Q's first two rows span null(a) (a gauge)
    _check(lambda a: L.rq(a)[0], lambda a: sl.rq(a)[0], a)
    _check(lambda a: L.rq(a)[1][2:], lambda a: sl.rq(a)[1][2:], a)
    q = ad.jvp(lambda a: L.rq(a)[1], (a,), (a,))[0]
    np.testing.assert_array_equal(q, sl.rq(a)[1])
    st = RNG.standard_normal((2, 3, 3))
    out = L.rq(ad.stop_gradient(st))
    assert isinstance(out, list) and isinstance(sl.rq(st), list)
    _check(lambda a: L.rq(a)[1], lambda a: np.asarray(sl.rq(a)[1]), st)
    ac = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    v = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    val, tan = ad.jvp(lambda a: L.rq(a)[0], (ac,), (v,))
    np.testing.assert_array_equal(val, sl.rq(ac)[0])
    assert _rel(tan, _rich1(lambda a: sl.rq(a)[0], ac, v)) < 1e-8


def test_orthogonal_procrustes():
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    for i in (0, 1):
        _check(lambda a: L.orthogonal_procrustes(a, b)[i],
               lambda a: sl.orthogonal_procrustes(a, b)[i], a)
        _check(lambda b: L.orthogonal_procrustes(a, b)[i],
               lambda b: sl.orthogonal_procrustes(a, b)[i], b)
    ast, bst = RNG.standard_normal((2, 4, 3)), RNG.standard_normal((2, 4, 3))    # a stack
    for i in (0, 1):
        _check(lambda a: L.orthogonal_procrustes(a, bst)[i],
               lambda a: sl.orthogonal_procrustes(a, bst)[i], ast)
    # closed form: scale = sum of singular values of A^T B, d scale = tr(R^T dM)
    r, _ = sl.orthogonal_procrustes(a, b)
    g = ad.grad(lambda b: L.orthogonal_procrustes(a, b)[1])(b)
    np.testing.assert_allclose(g, a @ r, rtol=1e-12)
    with pytest.raises(ValueError, match="shapes"):
        ad.grad(lambda a: L.orthogonal_procrustes(a, b[:4])[1])(a)


# --- structured matrices ----------------------------------------------------------------------
def test_khatri_rao_companion_convolution_matrix():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((4, 3))
    _check(lambda a: L.khatri_rao(a, b), lambda a: sl.khatri_rao(a, b), a)
    # closed form: column j is kron(a[:, j], b[:, j])
    j = jacfwd(lambda b: L.khatri_rao(a, b)[:, 1])(b)
    want = np.zeros((8, 4, 3))
    for i in range(2):
        for k in range(4):
            want[4 * i + k, k, 1] = a[i, 1]
    np.testing.assert_allclose(j, want, atol=0)
    p = np.array([2.0, -6.0, 4.0, 1.0])
    _check(L.companion, sl.companion, p)
    _check(L.companion, sl.companion, np.stack([p, p + 1]))
    # its eigenvalues are the roots: d root / d p_k = -x^(3-k) / P'(x)
    roots = np.sort(np.roots(p).real)
    assert np.allclose(np.sort(np.linalg.eigvals(sl.companion(p)).real), roots)
    for mode, n in (("full", 3), ("same", 5), ("valid", 2)):
        _check(lambda a: L.convolution_matrix(a, n, mode), lambda a: sl.convolution_matrix(a, n, mode), p)
        x = RNG.standard_normal(n)
        np.testing.assert_allclose(ad.jvp(lambda a: L.convolution_matrix(a, n, mode) @ x, (p,), (p,))[1],
                                   np.convolve(p, x, mode), rtol=1e-13)
    _check(lambda a: L.convolution_matrix(a, 3), lambda a: sl.convolution_matrix(a, 3), np.stack([p, -p]))
    with pytest.raises(ValueError, match="first coefficient"):
        ad.grad(lambda a: L.companion(a)[0, 0])(np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="at least 2"):
        ad.grad(lambda a: L.companion(a)[0, 0])(np.array([1.0]))
    with pytest.raises(ValueError, match="mode"):
        ad.grad(lambda a: L.convolution_matrix(a, 2, "bad")[0, 0])(p)
    with pytest.raises(ValueError, match="columns"):
        ad.grad(lambda a: L.khatri_rao(a, b[:, :2])[0, 0])(a)


def test_float32_dtypes_follow_scipy():
    f32 = np.float32
    p = np.array([2.0, -6.0, 5.0], f32)
    a = (np.eye(3) * 3 + 0.1).astype(f32)
    cases = [(lambda x: L.companion(x), lambda x: sl.companion(x), p),
             (lambda x: L.convolution_matrix(x, 2), lambda x: sl.convolution_matrix(x, 2), p),
             (lambda x: L.khatri_rao(x, x), lambda x: sl.khatri_rao(x, x), a),
             (lambda x: L.pinvh(x), lambda x: sl.pinvh(x), a),
             (lambda x: L.rq(x)[0], lambda x: sl.rq(x)[0], a),
             (lambda x: L.solve_toeplitz(x, np.ones(3, f32)), lambda x: sl.solve_toeplitz(x, np.ones(3, f32)), p),
             (lambda x: L.solve_circulant(x, np.ones(3, f32)), lambda x: sl.solve_circulant(x, np.ones(3, f32)), p),
             (lambda x: L.solve_discrete_lyapunov(0.1 * x, x), lambda x: sl.solve_discrete_lyapunov(0.1 * x, x), a)]
    for f, sf, x in cases:
        val, tan = ad.jvp(f, (x,), (np.ones_like(x),))
        assert val.dtype == np.asarray(sf(x)).dtype, (f, val.dtype)
        np.testing.assert_allclose(val, sf(x), rtol=2e-6)


# --- Lyapunov and Riccati -----------------------------------------------------------------
A3 = 0.3 * RNG.standard_normal((3, 3))
B32 = RNG.standard_normal((3, 2))
Q3 = np.eye(3) + 0.2 * np.ones((3, 3))
R2 = np.array([[2.0, 0.3], [0.3, 1.0]])
S32 = 0.1 * RNG.standard_normal((3, 2))


def _sym_dir(x, seed):
    v = np.random.default_rng(seed).standard_normal(np.shape(x))
    return v + np.swapaxes(v, -1, -2)


@pytest.mark.parametrize("method", [None, "direct", "bilinear"])
def test_solve_discrete_lyapunov(method):
    for x, f, sf in [(A3, lambda a: L.solve_discrete_lyapunov(a, Q3, method),
                      lambda a: sl.solve_discrete_lyapunov(a, Q3, method)),
                     (Q3, lambda q: L.solve_discrete_lyapunov(A3, q, method),
                      lambda q: sl.solve_discrete_lyapunov(A3, q, method))]:
        _check(f, sf, x)
    # closed form: x = q / (1 - a^2), dx/da = 2 a q / (1 - a^2)^2, d2x/da2 = 2q (1 + 3a^2) / (1 - a^2)^3
    f = lambda a: L.solve_discrete_lyapunov(a, np.array([[2.0]]), method)[0, 0]
    a0 = np.array([[0.5]])
    assert np.isclose(ad.grad(f)(a0)[0, 0], 2 * 0.5 * 2 / 0.75 ** 2, rtol=1e-13)
    assert np.isclose(hessian(f)(a0)[0, 0, 0, 0], 4 * (1 + 0.75) / 0.75 ** 3, rtol=1e-12)


def test_solve_discrete_lyapunov_stack_and_complex():
    st = np.stack([A3, 0.5 * A3.T])
    _check(lambda a: L.solve_discrete_lyapunov(a, Q3), lambda a: sl.solve_discrete_lyapunov(a, Q3), st)
    ac = A3 + 0.2j * RNG.standard_normal((3, 3))
    v = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    val, tan = ad.jvp(lambda a: L.solve_discrete_lyapunov(a, Q3), (ac,), (v,))
    np.testing.assert_array_equal(val, sl.solve_discrete_lyapunov(ac, Q3))
    assert _rel(tan, _rich1(lambda a: sl.solve_discrete_lyapunov(a, Q3), ac, v)) < 1e-8


def _are_cases(kind):
    f = L.solve_continuous_are if kind == "c" else L.solve_discrete_are
    sf = sl.solve_continuous_are if kind == "c" else sl.solve_discrete_are
    a = A3 - 0.5 * np.eye(3) if kind == "c" else A3
    return f, sf, a


E3 = np.eye(3) + 0.2 * RNG.standard_normal((3, 3))


@pytest.mark.parametrize("kind,e", [("c", None), ("d", None), ("c", E3), ("d", E3)])
def test_are_values_and_derivatives(kind, e):
    f, sf, a = _are_cases(kind)
    args = dict(a=a, b=B32, q=Q3, r=R2, s=S32, e=e)
    for name in ("a", "b", "q", "r", "s") + (("e",) if e is not None else ()):
        def fn(x, name=name, fun=f):
            kw = dict(args, **{name: x})
            return fun(kw["a"], kw["b"], kw["q"], kw["r"], s=kw["s"], e=kw["e"],
                       balanced=e is None)

        def sfn(x, name=name):
            return fn(x, fun=sf)

        x = args[name]
        if name in ("q", "r"):            # SciPy takes symmetric q and r only
            v = _sym_dir(x, 3)
            val, tan = ad.jvp(fn, (x,), (v,))
            np.testing.assert_array_equal(val, sfn(x))
            assert _rel(tan, _rich1(sfn, x, v)) <= 1e-8
            sec = ad.jvp(lambda y: ad.jvp(fn, (y,), (v,))[1], (x,), (v,))[1]
            assert _rel(sec, _rich2(sfn, x, v)) <= 1e-5
            # the gradient is symmetric and matches the symmetric directions' JVP
            u = _sym_dir(val, 4)
            g = ad.vjp(fn, x)[1](u)[0]
            np.testing.assert_allclose(g, g.T, rtol=1e-12)
            assert np.isclose(np.sum(g * v), np.sum(u * tan), rtol=1e-10)
        else:
            _check(fn, sfn, x)


def test_are_closed_forms():
    # continuous scalar: 2 a x - x^2 b^2 / r + q = 0, x = r (a + sqrt(a^2 + b^2 q / r)) / b^2
    a, b, q, r = 0.3, 1.5, 2.0, 0.7
    xf = lambda a: r * (a + np.sqrt(a * a + b * b * q / r)) / (b * b)
    m = lambda v: np.array([[v]])
    f = lambda a: L.solve_continuous_are(a, m(b), m(q), m(r))[0, 0]
    assert np.isclose(f(m(a)), xf(a), rtol=1e-13)
    dx = r * (1 + a / np.sqrt(a * a + b * b * q / r)) / (b * b)
    assert np.isclose(ad.grad(f)(m(a))[0, 0], dx, rtol=1e-12)
    d2 = r * (b * b * q / r) / (a * a + b * b * q / r) ** 1.5 / (b * b)
    assert np.isclose(jacfwd(jacrev(f))(m(a))[0, 0, 0, 0], d2, rtol=1e-10)
    # discrete scalar, a = b = r = 1: x^2 - x q - q = 0 -> x = (q + sqrt(q^2 + 4q)) / 2
    g = lambda q: L.solve_discrete_are(m(1.0), m(1.0), q, m(1.0))[0, 0]
    q0 = 1.0
    assert np.isclose(g(m(q0)), (1 + np.sqrt(5)) / 2, rtol=1e-13)
    assert np.isclose(ad.grad(g)(m(q0))[0, 0], (1 + (q0 + 2) / np.sqrt(q0 * q0 + 4 * q0)) / 2,
                      rtol=1e-12)
    assert np.isclose(hessian(g)(m(q0))[0, 0, 0, 0], -2 / (q0 * q0 + 4 * q0) ** 1.5, rtol=1e-10)


def test_are_batch_jacobians_and_errors():
    f = lambda a: L.solve_discrete_are(a, B32, Q3, R2)
    st = np.stack([A3, 0.5 * A3])
    _check(f, lambda a: sl.solve_discrete_are(a, B32, Q3, R2), st)
    jf, jr = jacfwd(f)(A3), jacrev(f)(A3)
    np.testing.assert_allclose(jf, jr, rtol=1e-11, atol=1e-12)
    with pytest.raises(ValueError, match="singular"):
        ad.grad(lambda a: L.solve_continuous_are(a, B32, Q3, R2, e=np.zeros((3, 3)))[0, 0])(A3)
    with pytest.raises(NotImplementedError, match="complex"):
        ad.grad(lambda q: L.solve_continuous_are(A3 + 0j, B32, q, R2)[0, 0].real)(Q3)
    with pytest.raises(ValueError, match="symmetric"):
        ad.grad(lambda q: L.solve_continuous_are(A3, B32, q, R2)[0, 0])(Q3 + np.triu(Q3, 1))
    with pytest.raises(ValueError, match="same number of cols"):
        ad.grad(lambda a: L.solve_discrete_are(a, B32, Q3, np.eye(3))[0, 0])(A3)


def test_are_warns_when_scipy_value_is_not_a_solution():
    # SciPy 1.17's balancing with e returns a non-solution here (residual 1.7e-2,
    # checked directly below); balanced=False solves it
    r = np.random.default_rng(3)
    for _ in range(5):
        a = r.uniform(-1, 1, (3, 3)) * 0.3
        b = r.uniform(-1, 1, (3, 1))
        e = np.eye(3) + 0.1 * r.uniform(-1, 1, (3, 3))
    q, rr = np.eye(3), np.eye(1)

    def res(x):
        return np.abs(a.T @ x @ a - e.T @ x @ e
                      - a.T @ x @ b @ np.linalg.solve(rr + b.T @ x @ b, b.T @ x @ a) + q).max()
    assert res(sl.solve_discrete_are(a, b, q, rr, e=e)) > 1e-3
    assert res(sl.solve_discrete_are(a, b, q, rr, e=e, balanced=False)) < 1e-12
    with pytest.warns(RuntimeWarning, match="balanced=False"):
        ad.jvp(lambda a: L.solve_discrete_are(a, b, q, rr, e=e), (a,), (a,))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ad.jvp(lambda a: L.solve_discrete_are(a, b, q, rr, e=e, balanced=False), (a,), (a,))


def test_complex_input_forward_against_scipy():
    """Complex (Hermitian) input: values exact, JVPs along complex directions
    against Richardson differences of SciPy's functions."""
    r = np.random.default_rng(11)
    cr = lambda *s: r.standard_normal(s) + 1j * r.standard_normal(s)
    cases = []
    for lower in (False, True):
        hb = cr(2, 4)
        hb[0 if lower else 1] = 5.0
        b = cr(4)
        cases.append((lambda h, b=b, lo=lower: L.solveh_banded(h, b, lower=lo),
                      lambda h, b=b, lo=lower: sl.solveh_banded(h, b, lower=lo), hb))
    c = cr(4) + 4.0
    b = cr(4)
    cases += [(lambda c: L.solve_toeplitz(c, b), lambda c: sl.solve_toeplitz(c, b), c),
              (lambda c: L.solve_circulant(c, b), lambda c: sl.solve_circulant(c, b), c)]
    a = cr(3, 3)
    bb = cr(3, 3)
    cases += [(L.pinvh, sl.pinvh, a + a.conj().T),
              (lambda a: L.orthogonal_procrustes(a, bb)[0],
               lambda a: sl.orthogonal_procrustes(a, bb)[0], a),
              (lambda a: L.orthogonal_procrustes(a, bb)[1],
               lambda a: sl.orthogonal_procrustes(a, bb)[1], a)]
    for f, sf, x in cases:
        v = cr(*np.shape(x))
        val, tan = ad.jvp(f, (x,), (v,))
        np.testing.assert_array_equal(val, sf(x))
        assert _rel(tan, _rich1(sf, x, v)) < 1e-10
