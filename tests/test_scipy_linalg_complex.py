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
