"""Complex cholesky, qr, eigh / eigvalsh, svd (and what is built on them: pinv,
lstsq, the nuclear and spectral norms, cond, det at a singular matrix, and
scipy.linalg's cholesky / cho_factor / cho_solve) against finite differences of
NumPy's and SciPy's own functions along complex tangents (the functions as maps
R^2n -> R^2m), under docs/complex.md's pairing Re(sum(a * b)).

Eigen- and singular vectors carry a phase per column (docs/linalg.md), so
they are compared through phase-invariant functions (|V|^2, V diag(c) V^H,
U diag(c) V^H); Cholesky factors and LAPACK's QR (real diagonal of R) are
unique and compared as they are.  Every function below is written with plain
``numpy`` calls: on plain arrays it *is* NumPy (the finite-difference truth),
on traced values it reaches dualad.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as dsl

RNG = np.random.default_rng(20240601)


def cn(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def H(x):
    return np.conj(np.swapaxes(x, -1, -2))


def herm(a):
    return (a + H(a)) / 2


def hpd(*shape):
    m = cn(*shape)
    return m @ H(m) + shape[-1] * np.eye(shape[-1])


def gap(w):
    """The smallest distance between two of the values along the last axis."""
    w = np.sort(w, axis=-1)
    return np.min(np.diff(w, axis=-1)) if w.shape[-1] > 1 else np.inf


def sample(make, ok):
    for _ in range(100):
        a = make()
        if ok(a):
            return a
    raise AssertionError("no suitable sample")   # pragma: no cover


# --- finite differences of plain functions (the truth) -------------------------------
def _tree(y):
    return tuple(np.asarray(v) for v in y) if isinstance(y, tuple) else (np.asarray(y),)


def _comb(ws, ys):
    return tuple(sum(w * y[k] for w, y in zip(ws, ys)) for k in range(len(ys[0])))


def fd_jvp(f, x, t, h=1e-4):
    """Directional derivative of ``f`` along ``t`` (five-point stencil)."""
    ys = [_tree(f(x + s * h * t)) for s in (-2, -1, 1, 2)]
    return _comb([1 / (12 * h), -8 / (12 * h), 8 / (12 * h), -1 / (12 * h)], ys)


def fd_second(f, x, t, h=2e-3):
    """Second directional derivative of ``f`` along ``t``."""
    ys = [_tree(f(x + s * h * t)) for s in (-2, -1, 0, 1, 2)]
    c = np.array([-1, 16, -30, 16, -1]) / (12 * h * h)
    return _comb(c, ys)


def fd_mixed(loss, x, t1, t2, h=2e-3):
    """d^2 loss(x + a t1 + b t2) / da db at 0 (real scalar loss)."""
    def d1(y):
        return (-loss(y + 2 * h * t1) + 8 * loss(y + h * t1) - 8 * loss(y - h * t1)
                + loss(y - 2 * h * t1)) / (12 * h)
    return (-d1(x + 2 * h * t2) + 8 * d1(x + h * t2) - 8 * d1(x - h * t2)
            + d1(x - 2 * h * t2)) / (12 * h)


def fd_cotangent(f, x, g, h=1e-4):
    """The cotangent c with Re(sum(c * t)) = Re(sum(g * J t)) for every t, entry
    by entry from finite differences along the real and imaginary unit directions."""
    c = np.zeros(x.shape, dtype=complex)
    for idx in np.ndindex(*x.shape):
        e = np.zeros(x.shape, dtype=complex)
        e[idx] = 1.0
        re = sum(np.real(np.sum(gk * dk)) for gk, dk in zip(g, fd_jvp(f, x, e, h)))
        im = sum(np.real(np.sum(gk * dk)) for gk, dk in zip(g, fd_jvp(f, x, 1j * e, h)))
        c[idx] = re - 1j * im
    return c


def close(got, want, tol):
    got, want = np.asarray(got), np.asarray(want)
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=0, atol=tol * scale)


def random_cotangent(ys):
    return tuple(cn(*y.shape) if np.iscomplexobj(y) else RNG.standard_normal(y.shape)
                 for y in ys)


def check_first_order(f, x, tol=1e-8, want_values=None):
    """Values, JVP along two complex directions, and the VJP entry by entry."""
    y = _tree(f(x))                       # plain: NumPy's own result
    for _ in range(2):
        t = cn(*x.shape)
        val, tan = ad.jvp(f, (x,), (t,))
        for a, b in zip(_tree(val), y):
            assert a.dtype == b.dtype
            close(a, b, 1e-12)
        for a, b in zip(_tree(tan), fd_jvp(f, x, t)):
            assert a.dtype == b.dtype      # real outputs get real tangents
            close(a, b, tol)
    out, back = ad.vjp(f, x)
    g = random_cotangent(y)
    c = back(g if isinstance(out, tuple) else g[0])[0]
    assert c.dtype == x.dtype
    close(c, fd_cotangent(f, x, g), tol)


def check_second_order(f, x, tol=2e-6):
    """Forward over forward against the second difference of ``f``; forward over
    reverse (hvp) and reverse over reverse against mixed second differences of a
    real loss built from ``f``."""
    t1, t2 = cn(*x.shape), cn(*x.shape)
    ff = ad.jvp(lambda z: ad.jvp(f, (z,), (t1,))[1], (x,), (t1,))[1]
    for a, b in zip(_tree(ff), fd_second(f, x, t1)):
        close(a, b, tol)
    ws = random_cotangent(_tree(f(x)))

    def loss_t(z):                        # a real loss; NumPy's on plain values
        out = f(z)
        out = out if isinstance(out, tuple) else (out,)
        total = 0.0
        for w, y in zip(ws, out):
            total = total + dnp.real(dnp.sum(w * y))
        return total

    want = fd_mixed(lambda z: float(loss_t(z)), x, t1, t2)
    hv = ad.hvp(loss_t, (x,), (t1,))
    hv = hv[0] if isinstance(hv, tuple) else hv
    close(np.real(np.sum(hv * t2)), want, tol)
    rr = ad.grad(lambda z: dnp.real(dnp.sum(ad.grad(loss_t)(z) * t1)))(x)
    close(np.real(np.sum(rr * t2)), want, tol)


# --- cholesky ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(shape, upper):
    a = hpd(*shape)

    def f(z):
        return np.linalg.cholesky(herm(z), upper=upper)
    check_first_order(f, a)
    check_second_order(f, a)


def test_cholesky_takes_the_hermitian_part_of_the_tangent():
    # docs/linalg.md: the derivative along (dA + dA^H) / 2, as for real input
    a, t = hpd(3, 3), cn(3, 3)
    tan = ad.jvp(np.linalg.cholesky, (a,), (t,))[1]
    close(tan, fd_jvp(np.linalg.cholesky, a, herm(t))[0], 1e-8)
    assert np.all(np.diag(tan).imag == 0)          # L's diagonal stays real


@pytest.mark.parametrize("lower", [True, False])
def test_scipy_cholesky_reads_one_triangle(lower):
    # SciPy reads one triangle (its diagonal as real): finite differences of SciPy
    # itself along any complex tangent are the truth
    a = hpd(3, 3)

    def f_np(z):
        return sl.cholesky(z, lower=lower)

    def f_ad(z):
        return dsl.cholesky(z, lower=lower)
    for _ in range(2):
        t = cn(3, 3)
        val, tan = ad.jvp(f_ad, (a,), (t,))
        close(val, f_np(a), 1e-13)
        close(tan, fd_jvp(f_np, a, t)[0], 1e-8)
    g = cn(3, 3)
    c = ad.vjp(f_ad, a)[1](g)[0]
    close(c, fd_cotangent(f_np, a, (g,)), 1e-8)
    # the unread triangle and the imaginary part of the diagonal: derivative 0
    unread = np.triu(c, 1) if lower else np.tril(c, -1)
    assert np.all(unread == 0) and np.all(np.diag(c).imag == 0)
    t1, t2 = cn(3, 3), cn(3, 3)
    ff = ad.jvp(lambda z: ad.jvp(f_ad, (z,), (t1,))[1], (a,), (t1,))[1]
    close(ff, fd_second(f_np, a, t1)[0], 2e-6)
    w = cn(3, 3)
    want = fd_mixed(lambda z: np.real(np.sum(w * f_np(z))), a, t1, t2)
    hv = ad.hvp(lambda z: dnp.real(dnp.sum(w * f_ad(z))), (a,), (t1,))
    close(np.real(np.sum(hv * t2)), want, 2e-6)


@pytest.mark.parametrize("lower", [True, False])
def test_scipy_cho_factor_cho_solve(lower):
    a, b = hpd(3, 3), cn(3, 2)

    def f_np(z):
        return sl.cho_solve(sl.cho_factor(z, lower=lower), b)

    def f_ad(z):
        return dsl.cho_solve(dsl.cho_factor(z, lower=lower), b)
    t = cn(3, 3)
    val, tan = ad.jvp(f_ad, (a,), (t,))
    close(val, f_np(a), 1e-12)
    close(tan, fd_jvp(f_np, a, t)[0], 1e-8)
    g = cn(3, 2)
    close(ad.vjp(f_ad, a)[1](g)[0], fd_cotangent(f_np, a, (g,)), 1e-8)


# --- eigh ------------------------------------------------------------------------------
def _eigh_invariants(uplo):
    c = np.array([1.0, -2.0, 0.5, 3.0])

    def f(z):
        w, v = np.linalg.eigh(herm(z), UPLO=uplo)
        k = w.shape[-1]
        # eigenvalues, |V|^2 and a weighted sum of the eigenprojectors: phase-invariant
        return w, np.abs(v) ** 2, (v * c[:k]) @ H(v)
    return f


def _eigh_input(*shape):
    return sample(lambda: herm(cn(*shape)), lambda a: gap(np.linalg.eigvalsh(a)) > 0.2)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (4, 4)])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh(shape, uplo):
    a = _eigh_input(*shape)
    f = _eigh_invariants(uplo)
    check_first_order(f, a)
    if shape != (4, 4):
        check_second_order(f, a)


def test_eigvalsh_and_its_dtypes():
    a = _eigh_input(2, 3, 3)

    def f(z):
        return np.linalg.eigvalsh(herm(z))
    check_first_order(f, a)
    check_second_order(f, a)
    w = ad.jvp(f, (a,), (cn(2, 3, 3),))
    assert w[0].dtype == np.float64 and w[1].dtype == np.float64


def test_eigh_gauge_and_hermitian_tangent():
    # the phase gauge of docs/linalg.md: diag(V^H dV) = 0; and the derivative is
    # along herm(dA)
    a, t = _eigh_input(3, 3), cn(3, 3)
    (w, v), (dw, dv) = ad.jvp(np.linalg.eigh, (a,), (t,))
    np.testing.assert_allclose(np.diag(H(v) @ dv), 0, atol=1e-13)
    close(dw, fd_jvp(lambda z: np.linalg.eigvalsh(z), a, herm(t))[0], 1e-8)


# --- svd -------------------------------------------------------------------------------
def _svd_invariants(z):
    u, s, vh = np.linalg.svd(z, full_matrices=False)
    c = np.array([1.0, -2.0, 0.5])[:s.shape[-1]]
    # s, U diag(c) V^H, the weighted projectors U diag(c) U^H and V diag(c) V^H, |U|^2
    return s, (u * c) @ vh, (u * c) @ H(u), (H(vh) * c) @ vh, np.abs(u) ** 2


def _svd_input(*shape):
    def ok(a):
        s = np.linalg.svd(a, compute_uv=False)
        return gap(s) > 0.2 and np.min(s) > 0.2
    return sample(lambda: cn(*shape), ok)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 4, 3), (2, 3, 4)])
def test_svd(shape):
    a = _svd_input(*shape)
    check_first_order(_svd_invariants, a)
    check_second_order(_svd_invariants, a)


def test_svd_phase_term_matters():
    # U diag(c) V^H with distinct c: its derivative needs the i Im(U^H dA V)_ii / s_i
    # phase term; a direction that moves only the phases of (u_i, v_i) shows it
    a = _svd_input(3, 3)
    u, s, vh = np.linalg.svd(a)
    t = u @ np.diag(1j * s * np.array([1.0, -1.0, 2.0])) @ vh     # A -> U e^{i th} S V^H
    f = lambda z: _svd_invariants(z)[1]                           # noqa: E731
    tan = ad.jvp(f, (a,), (t,))[1]
    want = fd_jvp(f, a, t)[0]
    assert np.max(np.abs(want)) > 0.5
    close(tan, want, 1e-8)


@pytest.mark.parametrize("fun", [
    lambda z: np.linalg.svd(z, compute_uv=False),
    lambda z: np.linalg.svdvals(z),
    lambda z: np.linalg.norm(z, "nuc") + np.linalg.norm(z, 2) + np.linalg.norm(z, -2),
    lambda z: np.linalg.matrix_norm(z, ord="nuc"),
    lambda z: np.linalg.cond(z),
    lambda z: np.linalg.pinv(z),
], ids=["svd_s", "svdvals", "norms", "matrix_norm", "cond", "pinv"])
def test_functions_built_on_the_svd(fun):
    a = _svd_input(3, 2)
    check_first_order(fun, a)
    check_second_order(fun, a)


def test_lstsq_complex():
    a, b = _svd_input(4, 2), cn(4)

    def f(z):
        x, res, rank, s = np.linalg.lstsq(z, b)
        return x, res, s
    x, res, rank, s = dnp.linalg.lstsq(a, b)
    assert res.dtype == np.float64 and rank == 2
    check_first_order(f, a)
    check_second_order(f, a)


def test_det_of_a_singular_complex_matrix():
    # first derivative: the cofactor matrix, from the SVD; higher orders refused
    for rank in (2, 1):
        a = cn(3, rank) @ cn(rank, 3)
        check_first_order(np.linalg.det, a)
    with pytest.raises(NotImplementedError, match="singular complex"):
        ad.hessian(lambda z: dnp.real(dnp.linalg.det(z)))(cn(3, 2) @ cn(2, 3))


# --- qr --------------------------------------------------------------------------------
def _qr_input(*shape):
    k = min(shape[-2:])
    return sample(lambda: cn(*shape), lambda a: np.min(np.abs(
        np.linalg.qr(a[..., :k], mode="r").diagonal(0, -2, -1))) > 0.3)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 4, 3), (2, 2, 3)])
def test_qr(shape):
    # LAPACK's factors (real diagonal of R) are smooth at generic input: Q and R
    # themselves against finite differences of numpy.linalg.qr
    a = _qr_input(*shape)

    def f(z):
        return tuple(np.linalg.qr(z))
    check_first_order(f, a)
    check_second_order(f, a)
    t = cn(*shape)
    dr = ad.jvp(lambda z: np.linalg.qr(z, mode="r"), (a,), (t,))[1]
    assert np.all(np.diagonal(dr, 0, -2, -1).imag == 0)
    close(dr, fd_jvp(lambda z: np.linalg.qr(z, mode="r"), a, t)[0], 1e-8)


# --- complex64 --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cholesky", "eigh", "svd", "qr"])
def test_complex64_gives_complex64(name):
    a = hpd(3, 3).astype(np.complex64)
    t = cn(3, 3).astype(np.complex64)

    def eigh(z):
        w, v = np.linalg.eigh(herm(z))
        return (v * w ** 3) @ H(v)             # phase-invariant, no float64 constants

    def svd(z):
        u, s, vh = np.linalg.svd(z)
        return (u * s ** 2) @ vh
    f = {"cholesky": lambda z: np.linalg.cholesky(herm(z)), "eigh": eigh, "svd": svd,
         "qr": lambda z: np.linalg.qr(z)[1]}[name]
    val, tan = ad.jvp(f, (a,), (t,))
    assert val.dtype == np.complex64 and tan.dtype == np.complex64
    want = fd_jvp(f, a.astype(np.complex128), t.astype(np.complex128))[0]
    close(tan, want, 2e-3)
    g = ad.grad(lambda z: dnp.sum(dnp.abs(f(z)) ** 2))(a)
    assert g.dtype == np.complex64
    want = fd_cotangent(lambda z: np.sum(np.abs(f(z)) ** 2), a.astype(np.complex128), (1.0,))
    close(g, want, 2e-3)


# --- batched directions: jacfwd / jacrev ---------------------------------------------------
def _realified(f):
    """The real and imaginary parts of every output of ``f``, flattened."""
    def g(z):
        out = f(z)
        out = out if isinstance(out, tuple) else (out,)
        parts = [np.reshape(np.real(y), (-1,)) for y in out]
        parts += [np.reshape(np.imag(y), (-1,)) for y in out if np.iscomplexobj(y)]
        return np.concatenate(parts)
    return g


@pytest.mark.parametrize("name", ["cholesky", "eigh", "svd", "qr"])
def test_jacobians_push_many_directions_at_once(name):
    # jacfwd / jacrev carry one tangent / cotangent per input / output entry in a
    # leading batch axis; for a real-valued f of complex z the Jacobian is
    # df/dx - i df/dy (docs/complex.md)
    f, a = {"cholesky": (lambda z: np.linalg.cholesky(herm(z)), hpd(2, 2, 2)),
            "eigh": (_eigh_invariants("L"), _eigh_input(2, 3, 3)),
            "svd": (_svd_invariants, _svd_input(2, 3, 2)),
            "qr": (lambda z: tuple(np.linalg.qr(z)), _qr_input(2, 3, 2))}[name]
    g = _realified(f)
    want = np.zeros(g(a).shape + a.shape, dtype=complex)
    for idx in np.ndindex(*a.shape):
        e = np.zeros(a.shape, dtype=complex)
        e[idx] = 1.0
        want[(Ellipsis,) + idx] = fd_jvp(g, a, e)[0] - 1j * fd_jvp(g, a, 1j * e)[0]
    close(ad.jacfwd(g)(a), want, 1e-8)
    close(ad.jacrev(g)(a), want, 1e-8)
