"""dualad.scipy.signal freqz, sosfreqz / freqz_sos and medfilt against SciPy.

Truths: SciPy's values; freqz is linear in ``b``, so its Jacobian in ``b`` is
SciPy's response of each unit vector; Richardson differences of SciPy in
``a``, the points ``worN``, ``fs`` and ``sos``; medfilt is piecewise linear
(exact central differences of SciPy away from ties) and, at a tie, picks the
middle-rank entry of a stable sort (docs/conventions.md)."""
import warnings

import numpy as np
import pytest
import scipy.signal as ss

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import signal as ds

RNG = np.random.default_rng(5)
B = RNG.standard_normal(4)
A = np.array([1.0, -0.5, 0.2])
W = np.linspace(0.1, 3.0, 7)
SOS = ss.butter(4, 0.3, output="sos")


def _close(a, b, rtol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    err = np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)
    assert err <= rtol, err


def _jac(f, x, h=None):
    """Columns of SciPy's f: exact for linear f (h=None: f(e_k)), else Richardson."""
    x = np.asarray(x, dtype=float)
    E = np.eye(x.size) if x.ndim else np.ones((1, 1))
    cols = []
    for e in E:
        e = e.reshape(x.shape)
        if h is None:
            cols.append(f(e))
        else:
            d1 = (f(x + h * e) - f(x - h * e)) / (2 * h)
            d2 = (f(x + h / 2 * e) - f(x - h / 2 * e)) / h
            cols.append((4 * d2 - d1) / 3)
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(cols[0]) + x.shape)


@pytest.mark.parametrize("kw", [dict(worN=16), dict(worN=15, whole=True),
                                dict(worN=9, include_nyquist=True), dict(worN=3),
                                dict(worN=W, fs=10.0)])
@pytest.mark.parametrize("fir", [True, False])
def test_freqz_in_b(kw, fir):
    a = 2.0 if fir else A
    f = lambda v, m: m.freqz(v, a, **kw)      # noqa: E731
    val = ad.jvp(lambda v: f(v, ds)[1], (B,), (B,))[0]
    _close(val, f(B, ss)[1])
    _close(ad.jvp(lambda v: f(v, ds)[0], (B,), (B,))[0], f(B, ss)[0])
    J = _jac(lambda v: ss.freqz(v, a, **kw)[1], B)
    _close(ad.jacfwd(lambda v: f(v, ds)[1])(B), J)
    _close(ad.jacrev(lambda v: f(v, ds)[1])(B), J)


def test_freqz_in_a_points_fs_second_order():
    Ja = _jac(lambda v: ss.freqz(B, v, worN=16)[1], A, 1e-4)
    _close(ad.jacfwd(lambda v: ds.freqz(B, v, worN=16)[1])(A), Ja, 1e-9)
    _close(ad.jacrev(lambda v: ds.freqz(B, v, worN=16)[1])(A), Ja, 1e-9)
    Jw = _jac(lambda v: ss.freqz(B, A, worN=v, fs=10.0)[1], W, 1e-4)
    _close(ad.jacrev(lambda v: ds.freqz(B, A, worN=v, fs=10.0)[1])(W), Jw, 1e-9)
    Jf = _jac(lambda s: ss.freqz(B, A, worN=W, fs=float(s))[1], 7.0, 1e-4)
    _close(ad.jacfwd(lambda s: ds.freqz(B, A, worN=W, fs=s)[1])(7.0), Jf, 1e-9)
    # |H|^2 at one point: Hessian in a by Richardson of SciPy's gradient
    g = lambda v: np.abs(ss.freqz(B, v, worN=[0.7])[1][0]) ** 2   # noqa: E731
    grad_sp = lambda v: _jac(g, v, 1e-4)                           # noqa: E731
    H = _jac(grad_sp, A, 1e-3)
    Hd = ad.hessian(lambda v: dnp.abs(ds.freqz(B, v, worN=np.array([0.7]))[1][0]) ** 2)(A)
    _close(Hd, H, 1e-6)


def test_sosfreqz():
    # SciPy requires sos[:, 3] == 1: differentiate in the other five columns
    cols = [0, 1, 2, 4, 5]

    def sp(v, **kw):
        s = SOS.copy()
        s[:, cols] = v
        return ss.sosfreqz(s, **kw)[1]

    def dd(v, **kw):
        s = dnp.concatenate([v[:, :3], SOS[:, 3:4], v[:, 3:]], axis=1)
        return ds.sosfreqz(s, **kw)[1]

    v = SOS[:, cols]
    _close(ad.jvp(lambda u: dd(u, worN=8), (v,), (v,))[0], sp(v, worN=8))
    _close(ad.jacfwd(lambda u: dd(u, worN=8))(v), _jac(lambda u: sp(u, worN=8), v, 1e-5),
           1e-8)
    _close(ad.jacrev(lambda u: dd(u, worN=W))(v), _jac(lambda u: sp(u, worN=W), v, 1e-5),
           1e-8)
    with pytest.raises(ValueError, match="all ones"):
        ad.jacfwd(lambda s: ds.sosfreqz(2 * s)[1])(SOS)


@pytest.mark.parametrize("shape,k", [((9,), None), ((9,), 5), ((4, 6), [3, 5]),
                                     ((5, 4), 3)])
def test_medfilt(shape, k):
    x = RNG.standard_normal(shape)
    f = lambda v, m: m.medfilt(v, k)     # noqa: E731
    _close(ad.jvp(lambda v: f(v, ds), (x,), (x,))[0], f(x, ss), 0)
    J = _jac(lambda v: f(v, ss), x, 1e-6)
    _close(ad.jacfwd(lambda v: f(v, ds))(x), J, 1e-8)
    _close(ad.jacrev(lambda v: f(v, ds))(x), J, 1e-8)


def test_medfilt_ties_dtype_errors():
    # [2, 1, 2]: window at 1 is (2, 1, 2) -> median 2, the first 2 (rank 1, stable sort)
    g = ad.grad(lambda v: ds.medfilt(v)[1])(np.array([2.0, 1.0, 2.0]))
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0])
    x = RNG.standard_normal(7).astype(np.float32)
    val = ad.jvp(ds.medfilt, (x,), (x,))[0]
    assert val.dtype == np.float32
    _close(val, ss.medfilt(x), 0)
    with pytest.raises(ValueError, match="odd"):
        ad.grad(lambda v: ds.medfilt(v, 4).sum())(x.astype(float))
    with pytest.warns(UserWarning, match="kernel_size exceeds"):
        ad.grad(lambda v: ds.medfilt(v, 9).sum())(x.astype(float))
    with pytest.raises(ValueError, match="no sections"):
        ad.jacfwd(lambda s: ds.sosfreqz(s)[1])(np.zeros((0, 6)))
    with pytest.raises(ValueError, match="nonnegative"):
        ad.jacfwd(lambda v: ds.freqz(v, worN=-1)[1])(B)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds.freqz(B, A)                      # plain: SciPy's


def test_freqz_default_a_keeps_single_precision():
    """freqz(b) with the default a = 1: SciPy's complex64 for float32 b (the traced
    value and its tangent too), complex128 for float64 b."""
    import scipy.signal as sps

    import dualad as ad
    from dualad.scipy import signal as dsig
    for dt in (np.float32, np.float64):
        b = np.array([1.0, 2.0, 3.0], dt)
        want = sps.freqz(b, worN=8)[1]
        val, tan = ad.jvp(lambda v: dsig.freqz(v, worN=8)[1], (b,), (np.ones_like(b),))
        assert val.dtype == want.dtype and tan.dtype == want.dtype
        np.testing.assert_allclose(val, want, rtol=1e-6 if dt == np.float32 else 1e-14)
