"""dualad.scipy.signal's filters (lfilter, lfilter_zi, sosfilt, sosfilt_zi,
filtfilt, sosfiltfilt): values equal to SciPy's, derivatives in every argument
against Richardson-extrapolated central differences of SciPy's own functions
and against closed forms (the one-pole filter y[n] = x[n] + c y[n-1], whose
output and its c-derivatives are sums of powers of c), forward and reverse, to
second order."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ss

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import signal
from dualad.testing import check_grads

RNG = np.random.default_rng(20240611)
B = np.array([0.5, 0.3, -0.2])
A = np.array([1.3, -0.4, 0.2])          # a[0] != 1: SciPy divides by it
X = RNG.standard_normal(9)
ZI = RNG.standard_normal(2)


def _traced_value(f, args, i):
    """``f(*args)`` computed with argument ``i`` traced (forward mode)."""
    def g(v):
        return f(*args[:i], v, *args[i + 1:])
    return ad.jvp(g, (args[i],), (np.ones_like(args[i]),))[0]


def _richardson_jac(f, x, h=1e-3):
    """The Jacobian of the plain function ``f`` (array out) at ``x`` by central
    differences with two Richardson steps (error O(h^6))."""
    x = np.asarray(x, dtype=np.result_type(x, 1.0))
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size, dtype=x.dtype)
        e[i] = 1.0
        e = e.reshape(x.shape)

        def d(s):
            return (np.asarray(f(x + s * e)) - np.asarray(f(x - s * e))) / (2 * s)
        d1, d2, d3 = d(h), d(h / 2), d(h / 4)
        r1, r2 = (4 * d2 - d1) / 3, (4 * d3 - d2) / 3
        cols.append((16 * r2 - r1) / 15)
    return np.stack(cols, axis=-1).reshape(np.shape(cols[0]) + x.shape)


def _stacked(*outs):
    return np.concatenate([np.ravel(o) for o in outs])


def _dstacked(*outs):
    return dnp.concatenate([dnp.ravel(o) for o in outs])


# --- values --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.complex64])
def test_lfilter_values_equal_scipys(dtype):
    b, a = B.astype(dtype), A.astype(dtype)
    x = (X + (1j * X[::-1] if np.dtype(dtype).kind == "c" else 0)).astype(dtype)
    want = ss.lfilter(b, a, x)
    for i in range(3):
        got = _traced_value(signal.lfilter, (b, a, x), i)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    zi = ZI.astype(dtype)
    want_y, want_zf = ss.lfilter(b, a, x, zi=zi)
    got = _traced_value(lambda b, a, x, zi: _dstacked(*signal.lfilter(b, a, x, zi=zi)),
                        (b, a, x, zi), 3)
    np.testing.assert_array_equal(got, _stacked(want_y, want_zf))


def test_lfilter_values_nd_axis_fir_and_broadcast_zi():
    x = RNG.standard_normal((4, 7, 3))
    zi = RNG.standard_normal((4, 2, 1))             # SciPy broadcasts zi's unit axes
    for axis in (1, -2):
        want = ss.lfilter(B, A, x, axis=axis, zi=zi)
        got = ad.jvp(lambda x: signal.lfilter(B, A, x, axis=axis, zi=zi)[0], (x,), (x,))[0]
        np.testing.assert_array_equal(got, want[0])
        got = ad.jvp(lambda z: signal.lfilter(B, A, x, axis=axis, zi=z)[1], (zi,), (zi,))[0]
        np.testing.assert_array_equal(got, want[1])
    fir = np.array([2.0])                            # a = [a0]: SciPy's convolution path
    np.testing.assert_array_equal(_traced_value(signal.lfilter, (B, fir, X), 2),
                                  ss.lfilter(B, fir, X))


def test_other_filters_values_equal_scipys():
    b, a = ss.butter(4, 0.2)
    sos = ss.butter(4, 0.2, output="sos")
    x = RNG.standard_normal((3, 40))
    zi = RNG.standard_normal((2, 3, 2))
    cases = [(signal.lfilter_zi, ss.lfilter_zi, (b, a)),
             (signal.lfilter_zi, ss.lfilter_zi, (3 * b, 2 * a)),
             (signal.sosfilt_zi, ss.sosfilt_zi, (sos,)),
             (signal.filtfilt, ss.filtfilt, (b, a, x)),
             (signal.sosfilt, ss.sosfilt, (sos, x)),
             (signal.sosfiltfilt, ss.sosfiltfilt, (sos, x))]
    for ours, theirs, args in cases:
        for i in range(len(args)):
            np.testing.assert_array_equal(_traced_value(ours, args, i), theirs(*args))
    # sosfilt: the cascade of lfilter calls rounds differently from SciPy's biquad
    # loop; the value is SciPy's exactly
    want = ss.sosfilt(sos, x, zi=zi)
    for k in range(2):
        np.testing.assert_array_equal(
            _traced_value(lambda s, x: signal.sosfilt(s, x, zi=zi)[k], (sos, x), 1), want[k])
    np.testing.assert_array_equal(
        _traced_value(lambda x: signal.filtfilt(b, a, x, axis=0, padtype="even", padlen=2),
                      (x.T,), 0),
        ss.filtfilt(b, a, x.T, axis=0, padtype="even", padlen=2))


# --- the one-pole filter: closed forms ------------------------------------------------
def _one_pole(c, x, zi=0.0):
    """y[n] = sum_k c^k x[n-k] + c^n zi, and its first two c-derivatives, zf = c y[-1]."""
    n = np.arange(len(x))
    k = n[:, None] - n[None, :]                     # y[n] = sum_m c^(n-m) x[m], m <= n
    low = k >= 0
    kk = np.where(low, k, 0)
    p0 = np.where(low, c ** kk, 0.0)
    p1 = np.where(low & (kk >= 1), kk * c ** np.maximum(kk - 1, 0), 0.0)
    p2 = np.where(low & (kk >= 2), kk * (kk - 1) * c ** np.maximum(kk - 2, 0), 0.0)
    y = p0 @ x + c ** n * zi
    dy = p1 @ x + n * c ** np.maximum(n - 1, 0) * zi
    d2y = p2 @ x + n * (n - 1) * c ** np.maximum(n - 2, 0) * zi
    return y, dy, d2y


def test_one_pole_closed_form_first_and_second_order():
    c, x = 0.7, X
    y, dy, d2y = _one_pole(c, x)

    def f(c):
        return signal.lfilter(np.array([1.0]), dnp.stack([1.0, -c]), x)
    np.testing.assert_allclose(f(c), y, rtol=1e-14, atol=1e-15)
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(jac(f)(c), dy, rtol=1e-13, atol=1e-14)
        for jac2 in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(jac2(jac(f))(c), d2y, rtol=1e-12, atol=1e-13)
    w = RNG.standard_normal(len(x))
    h = ad.hessian(lambda c: dnp.sum(w * f(c)))(c)
    assert h == pytest.approx(float(w @ d2y), rel=1e-12, abs=0)


def test_one_pole_with_state_and_scaled_coefficients():
    # b = [s], a = [s, -s c]: the same filter for every s (zi is the state of the
    # filter normalized by a[0]), so every s-derivative is 0; in c and zi the
    # closed forms: y[n] = sum_k c^k x[n-k] + c^n zi, zf = c y[N-1]
    c, zi0, s0 = 0.6, 0.8, 1.7
    x = X[:6]
    y, dy, d2y = _one_pole(c, x, zi0)
    n = len(x)

    def f(p):
        c, zi, s = p[0], p[1], p[2]
        yy, zf = signal.lfilter(dnp.reshape(s, (1,)), dnp.stack([s, -s * c]), x,
                                zi=dnp.reshape(zi, (1,)))
        return dnp.concatenate([yy, zf])
    p = np.array([c, zi0, s0])
    np.testing.assert_allclose(f(p), np.r_[y, c * y[-1]], rtol=1e-14, atol=1e-15)
    jy = np.stack([dy, c ** np.arange(n), np.zeros(n)], axis=1)
    jzf = np.array([y[-1] + c * dy[-1], c * c ** (n - 1), 0.0])
    want = np.vstack([jy, jzf])
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(jac(f)(p), want, rtol=1e-13, atol=1e-14)
    # second order: d2/dc2 and d2/dc dzi (y and zf); all s-derivatives 0
    hy = np.zeros((n, 3, 3))
    hy[:, 0, 0] = d2y
    hy[:, 0, 1] = hy[:, 1, 0] = np.arange(n) * c ** np.maximum(np.arange(n) - 1, 0)
    hzf = np.zeros((3, 3))
    hzf[0, 0] = 2 * dy[-1] + c * d2y[-1]
    hzf[0, 1] = hzf[1, 0] = n * c ** (n - 1)
    want2 = np.concatenate([hy, hzf[None]])
    for j1 in (ad.jacfwd, ad.jacrev):
        for j2 in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(j1(j2(f))(p), want2, rtol=1e-12, atol=1e-13)


def test_impulse_response_is_the_jacobian():
    # the Jacobian in x of a causal LTI filter is the lower-triangular Toeplitz
    # matrix of its impulse response (SciPy's, of a unit impulse)
    n = 8
    imp = np.zeros(n)
    imp[0] = 1.0
    h = ss.lfilter(B, A, imp)
    toeplitz = np.array([[h[i - j] if i >= j else 0.0 for j in range(n)] for i in range(n)])
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(jac(lambda x: signal.lfilter(B, A, x))(X[:n]), toeplitz,
                                   rtol=1e-14, atol=1e-16)


# --- every argument vs Richardson differences of SciPy ---------------------------------
def _check_vs_scipy(ours, theirs, args, rtol=1e-8, atol=1e-10):
    for i in range(len(args)):
        def plain(v, i=i):
            return theirs(*args[:i], v, *args[i + 1:])

        def traced(v, i=i):
            return ours(*args[:i], v, *args[i + 1:])
        want = _richardson_jac(plain, args[i])
        for jac in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(jac(traced)(args[i]), want, rtol=rtol, atol=atol)


def test_lfilter_jacobians_vs_scipy_differences():
    _check_vs_scipy(signal.lfilter, ss.lfilter, (B, A, X))
    _check_vs_scipy(lambda b, a, x, zi: _dstacked(*signal.lfilter(b, a, x, zi=zi)),
                    lambda b, a, x, zi: _stacked(*ss.lfilter(b, a, x, zi=zi)), (B, A, X, ZI))
    # b longer than a, a shorter than b, a = [a0] (FIR), along axis 0 of a 2-D x
    x2 = RNG.standard_normal((5, 2))
    for b, a in ((B, A[:2]), (B[:1], A), (B, A[:1])):
        zi = RNG.standard_normal((max(len(a), len(b)) - 1, 2))
        _check_vs_scipy(lambda b, a, x, zi: _dstacked(*signal.lfilter(b, a, x, axis=0, zi=zi)),
                        lambda b, a, x, zi: _stacked(*ss.lfilter(b, a, x, axis=0, zi=zi)),
                        (b, a, x2, zi))


def test_lfilter_complex_jacobians_vs_scipy_differences():
    # holomorphic in every argument: the complex Jacobian is the real-direction
    # difference quotient of SciPy's function
    b = B + 0.2j
    a = np.array([1.2 + 0.1j, -0.3 - 0.2j, 0.1j])
    x = X[:5] + 1j * X[4:]
    zi = ZI + 0.5j
    _check_vs_scipy(lambda b, a, x, zi: _dstacked(*signal.lfilter(b, a, x, zi=zi)),
                    lambda b, a, x, zi: _stacked(*ss.lfilter(b, a, x, zi=zi)), (b, a, x, zi))


def test_float32_derivatives_stay_float32():
    b, a, x = B.astype(np.float32), A.astype(np.float32), X.astype(np.float32)
    for i, v in enumerate((b, a, x)):
        def f(v, i=i):
            args = [b, a, x]
            args[i] = v
            return signal.lfilter(*args)
        for jac in (ad.jacfwd, ad.jacrev):
            j = jac(f)(v)
            assert j.dtype == np.float32
            np.testing.assert_allclose(j, _richardson_jac(
                lambda w: ss.lfilter(*[w if k == i else u.astype(np.float64)
                                       for k, u in enumerate((b, a, x))]),
                v.astype(np.float64)), rtol=2e-4, atol=1e-5)


def test_other_filters_jacobians_vs_scipy_differences():
    b, a = ss.butter(3, 0.3)
    x = RNG.standard_normal(30)
    _check_vs_scipy(signal.lfilter_zi, ss.lfilter_zi, (b, 2 * a))
    _check_vs_scipy(signal.filtfilt, ss.filtfilt, (b, a, x), rtol=1e-7)
    _check_vs_scipy(lambda b, a, x: signal.filtfilt(b, a, x, padtype="constant", padlen=4),
                    lambda b, a, x: ss.filtfilt(b, a, x, padtype="constant", padlen=4),
                    (b, a, x), rtol=1e-7)
    # sos with its fixed column of ones left out (SciPy refuses sos[:, 3] != 1)
    sos = ss.butter(4, 0.25, output="sos")
    s5 = np.delete(sos, 3, axis=1)

    def full(s):
        return dnp.concatenate([s[:, :3], np.ones((len(s), 1)), s[:, 3:]], axis=1)

    def full_np(s):
        return np.concatenate([s[:, :3], np.ones((len(s), 1)), s[:, 3:]], axis=1)
    zi = RNG.standard_normal((2, 2))
    _check_vs_scipy(lambda s, x, z: _dstacked(*signal.sosfilt(full(s), x, zi=z)),
                    lambda s, x, z: _stacked(*ss.sosfilt(full_np(s), x, zi=z)), (s5, x, zi))
    _check_vs_scipy(lambda s: signal.sosfilt_zi(full(s)),
                    lambda s: ss.sosfilt_zi(full_np(s)), (s5,))
    _check_vs_scipy(lambda s, x: signal.sosfiltfilt(full(s), x),
                    lambda s, x: ss.sosfiltfilt(full_np(s), x), (s5, x), rtol=1e-7)


def test_second_order_in_every_argument():
    # every nesting (jvp, grad, hessian, jacfwd(jacfwd), jacrev(jacrev), ...) against
    # finite differences, with the state, with a[0] != 1, and a 2-D signal along axis 0
    check_grads(lambda b, a, x, zi: signal.lfilter(b, a, x, zi=zi), (B, A, X[:6], ZI), order=2)
    x2 = RNG.standard_normal((4, 3))
    zi2 = RNG.standard_normal((2, 1))
    check_grads(lambda b, a, x, zi: signal.lfilter(b, a, x, axis=0, zi=zi),
                (B, A, x2, zi2), order=2)
    check_grads(lambda b, a, x: signal.filtfilt(b, a, x, padlen=3), (B, A, X), order=2)


def test_hessian_in_a_vs_scipy_second_differences():
    # d2/da2 of <w, lfilter(b, a, x)>: Richardson differences of SciPy's gradient
    # built from Richardson differences of its values
    w = RNG.standard_normal(len(X))

    def plain_grad(a):
        return _richardson_jac(lambda a: w @ ss.lfilter(B, a, X), a)
    want = _richardson_jac(plain_grad, A, h=1e-2)
    got = ad.hessian(lambda a: dnp.sum(w * signal.lfilter(B, a, X)))(A)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


# --- errors ----------------------------------------------------------------------------
@pytest.mark.parametrize("name,call", [
    ("lfilter", lambda x: ss.lfilter(B, A, x)),
    ("filtfilt", lambda x: ss.filtfilt(B, A, x, padlen=2)),
    ("sosfilt", lambda x: ss.sosfilt(ss.butter(2, 0.3, output="sos"), x)),
    ("sosfiltfilt", lambda x: ss.sosfiltfilt(ss.butter(2, 0.3, output="sos"), x, padlen=2)),
])
def test_scipy_on_traced_names_the_dualad_function(name, call):
    with pytest.raises(TypeError, match=f"call dualad.scipy.signal.{name} instead"):
        ad.grad(lambda x: dnp.sum(call(x)))(X)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Unexpected shape for parameter zi"):
        ad.grad(lambda x: dnp.sum(signal.lfilter(B, A, x, zi=np.zeros(3))[0]))(X)
    with pytest.raises(ValueError, match="non-empty 1d array"):
        ad.grad(lambda x: dnp.sum(signal.lfilter(np.zeros((2, 2)), A, x)))(X)
    with pytest.raises(NotImplementedError, match="'gust'"):
        ad.grad(lambda x: dnp.sum(signal.filtfilt(B, A, x, method="gust")))(X)


@pytest.mark.parametrize("b, a", [([1.0], [2.0]), ([1.0], [0.0, 0.0]), ([1.0], [0.0]),
                                  ([1.0, 2.0], []), ([1.0, 2.0], [0.0, 0.0])])
def test_lfilter_zi_degenerate_coefficients_as_scipy(b, a):
    # len(a) = len(b) = 1 (after dropping leading zeros of a): SciPy raises
    # (companion needs 2 coefficients); traced dualad used to return [].  An all-zero
    # a with a longer b gives SciPy's [nan] (a / a[0]), with no error.
    b, a = np.array(b), np.array(a)
    with np.errstate(all="ignore"):
        try:
            want = ss.lfilter_zi(b, a)
        except ValueError as e:
            want = e
        for i, args in enumerate([(b, a), (b, a)]):
            if args[i].size == 0:
                continue
            if isinstance(want, ValueError):
                with pytest.raises(ValueError) as ours:
                    _traced_value(signal.lfilter_zi, args, i)
                assert str(ours.value) == str(want)
            else:
                got = _traced_value(signal.lfilter_zi, args, i)
                assert got.shape == want.shape
                np.testing.assert_array_equal(got, want)


# --- long filters: the coefficients' VJPs by one FFT correlation ------------------
def test_lfilter_long_fir_grad_is_the_correlation():
    # d/db[k] sum_n w[n] y[n] = sum_n w[n] x[n - k] (y = b * x, truncated): numpy's
    # own correlate, independently
    rng = np.random.default_rng(7)
    b, x, w = ss.firwin(41, 0.3), rng.standard_normal(500), rng.standard_normal(500)
    truth = np.correlate(w, x, mode="full")[len(x) - 1:len(x) - 1 + len(b)]
    g = ad.grad(lambda bb: dnp.sum(signal.lfilter(bb, np.array([1.0]), x) * w))(b)
    np.testing.assert_allclose(g, truth, rtol=1e-13, atol=1e-13 * np.abs(truth).max())
    # a signal shorter than the filter: the lags past its end get empty sums
    g = ad.grad(lambda bb: dnp.sum(signal.lfilter(bb, np.array([1.0]), x[:5]) * w[:5]))(b)
    truth = np.correlate(w[:5], x[:5], mode="full")[4:]
    np.testing.assert_allclose(g, np.concatenate([truth, np.zeros(len(b) - 5)]), rtol=0,
                               atol=1e-15)


@pytest.mark.parametrize("with_zi", [False, True])
def test_lfilter_long_coefficients_second_order(with_zi):
    rng = np.random.default_rng(8)
    b = rng.standard_normal(12) / 4
    a = np.concatenate([[1.2], rng.standard_normal(10) * 0.03])     # stable, 11 taps
    x = rng.standard_normal(15)
    if with_zi:
        zi = rng.standard_normal(11)
        check_grads(lambda b, a, x, zi: _dstacked(*signal.lfilter(b, a, x, zi=zi)),
                    (b, a, x, zi), order=2)
    else:
        check_grads(lambda b, a, x: signal.lfilter(b, a, x), (b, a, x[:6]), order=2)
        check_grads(lambda b, a, x: signal.lfilter(b, a, x, axis=0),
                    (b, a, rng.standard_normal((14, 2))), order=2)


# --- an empty signal with a state: zf = zi ---------------------------------------------
def test_lfilter_empty_x_returns_zi_as_final_state():
    # SciPy returns uninitialized memory for zf here (a SciPy bug); nothing was
    # filtered, so the true final state is zi itself (closed form)
    zi = np.array([0.25, -1.5])
    y, zf = signal.lfilter(B, A, np.zeros(0), zi=zi)
    assert y.shape == (0,)
    np.testing.assert_array_equal(zf, zi)
    f = lambda z: signal.lfilter(B, A, np.zeros(0), zi=z)[1]  # noqa: E731
    np.testing.assert_array_equal(ad.jacfwd(f)(zi), np.eye(2))
    np.testing.assert_array_equal(ad.jacrev(f)(zi), np.eye(2))
    y, zf = ad.jvp(f, (zi,), (np.ones(2),))
    np.testing.assert_array_equal(y, zi)
    # no dependence on the coefficients or on the (empty) signal
    g = ad.jacrev(lambda bb, aa: signal.lfilter(bb, aa, np.zeros(0), zi=zi)[1], (0, 1))(B, A)
    assert not np.any(g[0]) and not np.any(g[1])
    # N-D: zi broadcast to the state's shape, along axis 0, float32 kept
    zi3 = np.float32([[1.0], [2.0]])
    x3 = np.zeros((0, 3), np.float32)
    y, zf = signal.lfilter(np.float32(B), np.float32(A), x3, axis=0, zi=zi3)
    assert y.shape == (0, 3) and zf.dtype == np.float32
    np.testing.assert_array_equal(zf, np.broadcast_to(zi3, (2, 3)))
    zf_t = ad.jvp(lambda z: signal.lfilter(np.float32(B), np.float32(A), x3, axis=0, zi=z)[1],
                  (zi3,), (zi3,))[1]
    np.testing.assert_array_equal(zf_t, np.broadcast_to(zi3, (2, 3)))


@pytest.mark.parametrize("taps", [5, 9, 40])
def test_coefficient_gradients_exact_next_to_a_huge_sample(taps):
    # d y[n-1] / d b[k] = x[n-1-k] for an FIR filter, and = -x[n-1-k] in a with
    # y = x: each entry a single sample, exact; a correlation by FFT would put an
    # error of eps * 1e14 on the O(1) entries (2% relative)
    rng = np.random.default_rng(0)
    n = 60
    x = rng.standard_normal(n)
    x[0] = 1e14
    b = rng.standard_normal(taps)
    g = ad.grad(lambda b: signal.lfilter(b, np.array([1.0]), x)[-1])(b)
    np.testing.assert_allclose(g, x[n - 1 - np.arange(taps)], rtol=1e-15)
    a = np.r_[1.0, np.zeros(taps - 1)]
    ga = ad.grad(lambda a: signal.lfilter(np.array([1.0]), a, x)[-1])(a)
    np.testing.assert_allclose(ga[1:], -x[n - 1 - np.arange(1, taps)], rtol=1e-15)
