"""dualad.scipy.signal.savgol_filter: values equal to SciPy's, and the Jacobian in
x equal to SciPy's own linear map (SciPy's savgol_filter applied to the unit
vectors), every mode, forward and reverse; delta and cval derivatives against
closed forms (the result scales as delta**-deriv; it is affine in cval)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import dualad as ad
from dualad.scipy import signal

MODES = ["interp", "mirror", "constant", "nearest", "wrap"]
RNG = np.random.default_rng(20261201)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n, wl, po, deriv", [(9, 5, 2, 0), (9, 5, 3, 1), (10, 4, 2, 1),
                                              (7, 7, 4, 2), (12, 5, 1, 2), (6, 3, 1, 0)])
def test_savgol_jacobian_is_scipys_linear_map(mode, n, wl, po, deriv):
    x = RNG.standard_normal(n)
    kw = dict(deriv=deriv, delta=0.7, mode=mode)
    truth = ss.savgol_filter(np.eye(n), wl, po, axis=0, **kw)      # column k: response to e_k
    f = lambda v: signal.savgol_filter(v, wl, po, cval=0.3, **kw)  # noqa: E731
    scale = np.abs(truth).max()
    assert np.abs(ad.jacfwd(f)(x) - truth).max() <= 1e-13 * scale
    assert np.abs(ad.jacrev(f)(x) - truth).max() <= 1e-13 * scale
    y = ad.jvp(f, (x,), (x,))[0]
    np.testing.assert_allclose(y, ss.savgol_filter(x, wl, po, cval=0.3, **kw),
                               rtol=0, atol=1e-14 * np.abs(y).max())


@pytest.mark.parametrize("mode", ["mirror", "nearest", "wrap", "constant"])
def test_savgol_short_signals(mode):
    # the window longer than the signal: ndimage extends repeatedly
    for n in (1, 2, 3):
        truth = ss.savgol_filter(np.eye(n), 7, 2, deriv=1, axis=0, mode=mode)
        got = ad.jacrev(lambda v: signal.savgol_filter(v, 7, 2, deriv=1, mode=mode))(np.ones(n))
        np.testing.assert_allclose(got, truth, rtol=0, atol=1e-13)


def test_savgol_nd_axis_float32():
    x = RNG.standard_normal((3, 8, 2)).astype(np.float32)
    y, t = ad.jvp(lambda v: signal.savgol_filter(v, 5, 2, axis=1), (x,), (x,))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, ss.savgol_filter(x, 5, 2, axis=1))
    np.testing.assert_allclose(t, ss.savgol_filter(x, 5, 2, axis=1), rtol=0, atol=1e-5)


def test_savgol_delta_and_cval_derivatives():
    t = np.arange(9.0) ** 3
    f = lambda d: signal.savgol_filter(t, 5, 3, deriv=2, delta=d)  # noqa: E731
    y = ss.savgol_filter(t, 5, 3, deriv=2, delta=0.5)
    # y(delta) = y(1) delta**-2: dy/ddelta = -2 y / delta, d2y/ddelta2 = 6 y / delta**2
    np.testing.assert_allclose(ad.jacfwd(f)(0.5), -2 * y / 0.5, rtol=1e-13, atol=1e-9)
    np.testing.assert_allclose(ad.jacrev(f)(0.5), -2 * y / 0.5, rtol=1e-13, atol=1e-9)
    assert ad.hessian(lambda d: f(d)[4])(0.5) == pytest.approx(6 * y[4] / 0.25, rel=1e-13, abs=0)
    assert ad.grad(lambda d: signal.savgol_filter(t, 5, 3, delta=d)[4])(0.5) == 0.0
    g = lambda c: signal.savgol_filter(np.arange(6.0), 5, 2, mode="constant", cval=c)  # noqa: E731
    truth = (ss.savgol_filter(np.arange(6.0), 5, 2, mode="constant", cval=1.0)
             - ss.savgol_filter(np.arange(6.0), 5, 2, mode="constant", cval=0.0))
    np.testing.assert_allclose(ad.jacfwd(g)(1.0), truth, rtol=0, atol=1e-14)
    np.testing.assert_allclose(ad.jacrev(g)(1.0), truth, rtol=0, atol=1e-14)


def test_savgol_errors_are_scipys():
    with pytest.raises(ValueError, match="window_length must be less"):
        ad.grad(lambda v: signal.savgol_filter(v, 5, 2).sum())(np.ones(3))
    with pytest.raises(ValueError, match="mode must be"):
        ad.grad(lambda v: signal.savgol_filter(v, 5, 2, mode="reflect").sum())(np.ones(9))


@pytest.mark.parametrize("mode", MODES)
def test_savgol_second_order_in_x_delta_cval(mode):
    from dualad.testing import check_grads
    check_grads(lambda x, d, c: signal.savgol_filter(x, 5, 3, deriv=1, delta=d, mode=mode, cval=c),
                (RNG.standard_normal(8), 0.8, 0.3), order=2)
