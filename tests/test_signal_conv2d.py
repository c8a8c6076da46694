"""dualad.scipy.signal.convolve2d / correlate2d: values equal to SciPy's, and,
the functions being bilinear in (in1, in2) and affine in fillvalue, Jacobians
equal to SciPy's own functions applied to unit matrices (exact truth), every
mode and boundary, forward and reverse; second order by finite differences."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import dualad as ad
from dualad.scipy import signal
from dualad.testing import check_grads

RNG = np.random.default_rng(20261202)
SHAPES = [((4, 5), (2, 3)), ((3, 3), (3, 3)), ((2, 3), (4, 5)), ((5, 4), (2, 2)),
          ((3, 2), (5, 6)), ((6, 7), (1, 1)), ((2, 2), (4, 4))]


def _unit_jac(f, a):
    """The Jacobian of the linear ``f`` at any point: ``f`` of each unit matrix."""
    cols = []
    for i in range(a.size):
        e = np.zeros(a.size, dtype=a.dtype)
        e[i] = 1.0
        cols.append(f(e.reshape(a.shape)))
    return np.stack(cols, -1).reshape(np.shape(cols[0]) + a.shape)


@pytest.mark.parametrize("name", ["convolve2d", "correlate2d"])
@pytest.mark.parametrize("boundary", ["fill", "wrap", "symm"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("s1, s2", SHAPES)
def test_conv2d_jacobians_are_scipys(name, boundary, mode, s1, s2):
    S, D = getattr(ss, name), getattr(signal, name)
    a, b, fv = RNG.standard_normal(s1), RNG.standard_normal(s2), 0.7
    if mode == "valid" and not (all(m >= n for m, n in zip(s1, s2))
                                or all(n >= m for m, n in zip(s1, s2))):
        pytest.skip("SciPy refuses")
    ref = S(a, b, mode, boundary, fv)
    y = ad.jvp(lambda x: D(x, b, mode, boundary, fv), (a,), (a,))[0]
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-15 * np.abs(ref).max())
    j1 = _unit_jac(lambda e: S(e, b, mode, boundary, 0.0), a)
    j2 = _unit_jac(lambda e: S(a, e, mode, boundary, fv) - S(a, 0 * e, mode, boundary, fv), b)
    jf = S(a, b, mode, boundary, 1.0) - S(a, b, mode, boundary, 0.0)
    tol = dict(rtol=0, atol=1e-13)
    np.testing.assert_allclose(ad.jacfwd(lambda x: D(x, b, mode, boundary, fv))(a), j1, **tol)
    np.testing.assert_allclose(ad.jacrev(lambda x: D(x, b, mode, boundary, fv))(a), j1, **tol)
    np.testing.assert_allclose(ad.jacfwd(lambda x: D(a, x, mode, boundary, fv))(b), j2, **tol)
    np.testing.assert_allclose(ad.jacrev(lambda x: D(a, x, mode, boundary, fv))(b), j2, **tol)
    np.testing.assert_allclose(ad.jacfwd(lambda x: D(a, b, mode, boundary, x))(fv), jf, **tol)
    np.testing.assert_allclose(ad.jacrev(lambda x: D(a, b, mode, boundary, x))(fv), jf, **tol)


@pytest.mark.parametrize("name", ["convolve2d", "correlate2d"])
def test_conv2d_complex_and_second_order(name):
    S, D = getattr(ss, name), getattr(signal, name)
    a = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
    b = RNG.standard_normal((2, 3)) + 1j * RNG.standard_normal((2, 3))
    for mode in ("full", "same"):
        y = ad.jvp(lambda x: D(x, b, mode, "symm"), (a,), (a,))[0]
        np.testing.assert_allclose(y, S(a, b, mode, "symm"), rtol=0, atol=1e-14)
        # linear in in2 (SciPy conjugates in2 for the correlation: linear in conj(in2),
        # so test the real direction, where conj is the identity)
        e = np.zeros(b.shape)
        e[1, 2] = 1.0
        d = ad.jvp(lambda t: D(a, b + t * e, mode, "wrap"), (0.0,), (1.0,))[1]
        np.testing.assert_allclose(d, S(a, e, mode, "wrap"), rtol=0, atol=1e-14)
    check_grads(lambda x, k, f: D(x, k, "same", "fill", f),
                (RNG.standard_normal((3, 4)), RNG.standard_normal((2, 2)), 0.4), order=2)
    check_grads(lambda x, k: D(x, k, "full", "wrap"),
                (RNG.standard_normal((3, 3)), RNG.standard_normal((2, 3))), order=2)


def test_conv2d_errors_are_scipys():
    with pytest.raises(ValueError, match="must both be 2-D"):
        ad.grad(lambda x: signal.convolve2d(x, np.ones(2)).sum())(np.ones(3))
    with pytest.raises(ValueError):
        ad.grad(lambda x: signal.correlate2d(x, np.ones((1, 1)), boundary="nope").sum())(np.ones((2, 2)))
