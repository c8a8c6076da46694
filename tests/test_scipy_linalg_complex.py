"""scipy.linalg on complex matrices: the Hermitian kinds and conjugate-transposed
solves read what LAPACK reads (values equal SciPy's), derivatives against finite
differences under docs/complex.md's pairing; complex Cholesky of traced values
is differentiable (tests/test_linalg_complex_decomp.py has the full checks)."""
import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as dsl
from dualad.testing import check_grads

RNG = np.random.default_rng(11)
_M = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
A = _M @ _M.conj().T + 3 * np.eye(3)          # Hermitian positive definite
B = RNG.standard_normal(3) + 0.5j * RNG.standard_normal(3)
# what SciPy does not read must not matter: garbage below the diagonal, and an
# imaginary part on the diagonal (LAPACK takes the diagonal as real)
A_UPPER = np.triu(A) + np.tril(RNG.standard_normal((3, 3)), -1) + 0.3j * np.eye(3)


@pytest.mark.parametrize("assume", ["her", "pos", "hermitian", "positive definite"])
def test_hermitian_solve_reads_one_triangle(assume):
    want = sl.solve(A_UPPER, B, assume_a=assume)
    got = ad.jvp(lambda a: dsl.solve(a, B, assume_a=assume), (A_UPPER,),
                 (np.ones_like(A_UPPER),))[0]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
    check_grads(lambda a, b: dsl.solve(a, b, assume_a=assume), (A_UPPER, B), order=1)
    # the unread triangle and the diagonal's imaginary part get derivative 0
    g = ad.grad(lambda a: dnp.sum(dnp.abs(dsl.solve(a, B, assume_a=assume)) ** 2))(A_UPPER)
    assert np.all(np.tril(g, -1) == 0) and np.all(np.diag(g).imag == 0)


@pytest.mark.parametrize("trans", [2, "C"])
def test_triangular_solve_with_the_conjugate_transpose(trans):
    u = np.triu(A)
    want = sl.solve_triangular(u, B, trans=trans)
    got = ad.jvp(lambda a: dsl.solve_triangular(a, B, trans=trans), (u,), (np.ones_like(u),))[0]
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-14)
    check_grads(lambda a, b: dsl.solve_triangular(a, b, trans=trans), (u, B), order=1)


@pytest.mark.parametrize("lower", [False, True])
def test_cho_solve_with_a_plain_complex_factor(lower):
    c = sl.cho_factor(A, lower=lower)
    want = sl.cho_solve(c, B)
    got = ad.jvp(lambda b: dsl.cho_solve(c, b), (B,), (np.ones_like(B),))[0]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
    check_grads(lambda b: dsl.cho_solve(c, b), (B,), order=2)


@pytest.mark.parametrize("call", [
    lambda a: dsl.cholesky(a), lambda a: dsl.cho_factor(a)[0],
    # numpy's rule differentiates along the Hermitian part of the tangent
    lambda a: dnp.linalg.cholesky((a + dnp.conj(dnp.swapaxes(a, -1, -2))) / 2)])
def test_complex_cholesky_of_traced_values(call):
    check_grads(call, (A,), order=1)
    np.testing.assert_allclose(call(A), np.triu(sl.cholesky(A)) if call(A)[1, 0] == 0
                               else np.linalg.cholesky(A), rtol=1e-14)   # plain: SciPy's


# lu_solve: trans 0 / 1 / 2 solve with a, a^T, a^H (LAPACK getrs' codes), for
# plain factors, factors of a traced matrix and a traced right-hand side
_G = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3)) + 2 * np.eye(3)   # general
_T = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))                   # direction
_LU_CASES = [(m, b) for m in (_G, _G.real.copy()) for b in (B, B.real.copy())]
_TRANS = [(0, 0), (1, 1), (2, 2), ("N", 0), ("T", 1), ("C", 2)]


@pytest.mark.parametrize("trans, code", _TRANS)
@pytest.mark.parametrize("case", range(4))
def test_lu_solve_values_are_scipys_for_every_trans(trans, code, case):
    # trans=2 of complex factors used to solve a^T x = b (1.5 off for plain input),
    # and factors from dsl.lu_factor of a complex matrix raised NotImplementedError
    m, b = _LU_CASES[case]
    want = sl.lu_solve(sl.lu_factor(m), b, trans=code)
    calls = [lambda: dsl.lu_solve(sl.lu_factor(m), b, trans=trans),
             lambda: dsl.lu_solve(dsl.lu_factor(m), b, trans=trans),
             lambda: ad.jvp(lambda a: dsl.lu_solve(dsl.lu_factor(a), b, trans=trans),
                            (m,), (m,))[0],
             lambda: ad.jvp(lambda z: dsl.lu_solve(sl.lu_factor(m), z, trans=trans),
                            (b,), (b,))[0],
             lambda: ad.jvp(lambda a, z: dsl.lu_solve(dsl.lu_factor(a), z, trans=trans),
                            (m, b), (m, b))[0]]
    for call in calls:
        np.testing.assert_allclose(call(), want, rtol=1e-14, atol=0)


@pytest.mark.parametrize("code", [0, 1, 2])
def test_lu_solve_derivatives_for_every_trans(code):
    """JVP in ``a`` against central differences of SciPy's own
    ``lu_solve(lu_factor(a + h T))`` along a complex direction; the VJP
    and second derivatives (every nesting) by check_grads."""
    h = 1e-5
    f = lambda a: sl.lu_solve(sl.lu_factor(a), B, trans=code)     # noqa: E731
    fd = (8 * (f(_G + h * _T) - f(_G - h * _T)) - (f(_G + 2 * h * _T) - f(_G - 2 * h * _T))) / (12 * h)
    got = ad.jvp(lambda a: dsl.lu_solve(dsl.lu_factor(a), B, trans=code), (_G,), (_T,))[1]
    np.testing.assert_allclose(got, fd, rtol=1e-8, atol=0)
    # a^H x = b: the solution is not holomorphic in a (trans=2); in b it is linear
    # in conj(a)^-T, so the cotangent of b is conj(a^-1 conj(g))
    g = RNG.standard_normal(3) + 1j * RNG.standard_normal(3)
    lf = sl.lu_factor(_G)
    vb = ad.vjp(lambda z: dsl.lu_solve(lf, z, trans=code), B)[1](g)[0]
    op = [_G, _G.T, _G.conj().T][code]
    np.testing.assert_allclose(vb, np.linalg.inv(op).T @ g, rtol=1e-13, atol=0)
    for m in (_G, _G.real.copy()):
        check_grads(lambda a, z: dsl.lu_solve(dsl.lu_factor(a), z, trans=code), (m, B), order=2)
        check_grads(lambda z: dsl.lu_solve(sl.lu_factor(m), z, trans=code), (B,), order=2)
        S = lambda a, z: dnp.sum(dnp.abs(dsl.lu_solve(dsl.lu_factor(a), z, trans=code)) ** 2)  # noqa: E731
        H1 = ad.hessian(lambda a: S(a, B))(m)
        H2 = ad.jacfwd(ad.jacfwd(lambda a: S(a, B)))(m)
        H3 = ad.jacrev(ad.jacrev(lambda a: S(a, B)))(m)
        np.testing.assert_allclose(H2, H1, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(H3, H1, rtol=1e-10, atol=1e-12)
