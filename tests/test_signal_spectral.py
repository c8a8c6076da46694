"""dualad.scipy.signal spectral analysis (detrend, hilbert, periodogram, welch,
csd, coherence, spectrogram, stft, istft) against SciPy.

Truths: SciPy's values; for the maps that are linear in the signal (detrend,
hilbert, stft, istft, csd in each argument) SciPy applied to the unit vectors
column by column; for the quadratic ones (welch, periodogram, spectrogram)
the exact central difference ``(Q(x + e_i) - Q(x - e_i)) / 2`` of SciPy and the
constant Hessian ``Q(e_i + e_j) - Q(e_i) - Q(e_j)`` (polarisation); Richardson
differences of SciPy otherwise (fs, window, coherence, median average)."""

import numpy as np
import pytest
import scipy.signal as ss

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import signal as ds

from ._derivatives import richardson_jacobian

RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 24))
Y = RNG.standard_normal((2, 24))


def _close(a, b, rtol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    scale = max(np.max(np.abs(b)), 1e-300) if b.size else 1.0
    err = np.max(np.abs(a - b)) / scale if b.size else 0.0
    assert err <= rtol, err


def _cols(f, x):
    """SciPy's linear map f applied to each unit vector: Jacobian (out..., in...)."""
    cols = [f(e.reshape(x.shape)) for e in np.eye(x.size)]
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(cols[0]) + x.shape)


def _cols_quad(f, x):
    """Exact central difference of a quadratic map, column by column."""
    cols = [(f(x + e.reshape(x.shape)) - f(x - e.reshape(x.shape))) / 2
            for e in np.eye(x.size)]
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(cols[0]) + x.shape)


def _richardson(f, x, h=1e-3):
    return richardson_jacobian(lambda x: np.asarray(f(x)), (x,), 0, h)


def _jacs(f, x):
    return ad.jacfwd(f)(x), ad.jacrev(f)(x)


LINEAR = {
    "detrend": (lambda v, m: m.detrend(v), {}),
    "detrend_bp_axis0": (lambda v, m: m.detrend(v.T, bp=[5, 17], axis=0), {}),
    "detrend_constant": (lambda v, m: m.detrend(v, type="constant"), {}),
    "hilbert": (lambda v, m: m.hilbert(v), {}),
    "hilbert_N_axis0": (lambda v, m: m.hilbert(v.T, N=27, axis=0), {}),
    "stft": (lambda v, m: m.stft(v, nperseg=8)[2], {}),
    "stft_opts": (lambda v, m: m.stft(v, fs=2.0, window=("kaiser", 2.0), nperseg=7,
                                      noverlap=4, nfft=9, boundary="even", padded=False,
                                      scaling="psd", detrend="linear",
                                      return_onesided=False)[2], {}),
    "stft_axis0": (lambda v, m: m.stft(v.T, nperseg=6, boundary="odd", axis=0)[2], {}),
    "istft": (lambda v, m: m.istft(m.stft(v, nperseg=8)[2])[1], {}),
    "istft_opts": (lambda v, m: m.istft(m.stft(v, nperseg=9, noverlap=6, nfft=12)[2],
                                        nperseg=9, noverlap=6, nfft=12, scaling="psd",
                                        fs=3.0)[1], {}),
    "spectrogram_complex": (lambda v, m: m.spectrogram(v, nperseg=8, mode="complex")[2], {}),
    "csd_x": (lambda v, m: m.csd(v, Y, nperseg=8)[1], {}),
    "csd_y_twosided": (lambda v, m: m.csd(X, v, nperseg=8, noverlap=3, nfft=10,
                                          return_onesided=False, detrend="linear")[1], {}),
}

QUADRATIC = {
    "welch": lambda v, m: m.welch(v, nperseg=8)[1],
    "welch_opts": lambda v, m: m.welch(v, fs=5.0, window="hamming", nperseg=9, noverlap=2,
                                       nfft=12, detrend="linear", scaling="spectrum")[1],
    "welch_twosided_axis0": lambda v, m: m.welch(v.T, nperseg=6, return_onesided=False,
                                                 axis=0, detrend=False)[1],
    "periodogram": lambda v, m: m.periodogram(v, fs=2.0)[1],
    "periodogram_nfft": lambda v, m: m.periodogram(v, window="hann", nfft=30,
                                                   scaling="spectrum")[1],
    "periodogram_short_nfft": lambda v, m: m.periodogram(v, nfft=20)[1],
    "spectrogram": lambda v, m: m.spectrogram(v, nperseg=8)[2],
    "spectrogram_opts": lambda v, m: m.spectrogram(v.T, nperseg=7, noverlap=3,
                                                   window="blackman", axis=0,
                                                   scaling="spectrum")[2],
}


@pytest.mark.parametrize("name", sorted(LINEAR))
def test_linear_maps(name):
    f, _ = LINEAR[name]
    x = X
    _close(f(x, ds), f(x, ss))                       # plain: SciPy itself
    val, _ = ad.jvp(lambda v: f(v, ds), (x,), (x,))
    _close(val, f(x, ss))
    J = _cols(lambda v: f(v, ss), x)
    Jf, Jr = _jacs(lambda v: f(v, ds), x)
    _close(Jf, J)
    _close(Jr, J)


@pytest.mark.parametrize("name", sorted(QUADRATIC))
def test_quadratic_maps(name):
    f = QUADRATIC[name]
    x = X
    val, tan = ad.jvp(lambda v: f(v, ds), (x,), (Y,))
    _close(val, f(x, ss))
    J = _cols_quad(lambda v: f(v, ss), x)
    Jf, Jr = _jacs(lambda v: f(v, ds), x)
    _close(Jf, J, 1e-11)
    _close(Jr, J, 1e-11)
    _close(tan, J.reshape(J.shape[:-2] + (-1,)) @ Y.ravel(), 1e-11)


@pytest.mark.parametrize("name", ["welch", "periodogram", "spectrogram_opts"])
def test_quadratic_hessian_constant(name):
    f = QUADRATIC[name]
    x = X[:1, :14] if name != "spectrogram_opts" else X[:, :14]
    w = np.random.default_rng(1).standard_normal(np.shape(f(x, ss)))

    def q(v):
        return float(np.sum(w * f(v, ss)))

    E = np.eye(x.size)
    H = np.array([[q((E[i] + E[j]).reshape(x.shape)) - q(E[i].reshape(x.shape))
                   - q(E[j].reshape(x.shape)) for j in range(x.size)]
                  for i in range(x.size)]).reshape(x.shape + x.shape)
    Hd = ad.hessian(lambda v: dnp.sum(w * f(v, ds)))(x)
    _close(Hd, H, 1e-11)
    Hfr = ad.jacfwd(ad.jacrev(lambda v: dnp.sum(w * f(v, ds))))(2 * x)   # constant
    _close(Hfr, H, 1e-11)


def test_welch_median_selected_segments():
    f = lambda v, m: m.welch(v, nperseg=6, noverlap=3, average="median")[1]   # noqa: E731
    x = X[:, :21]                                   # 6 segments: even count
    _close(ad.jvp(lambda v: f(v, ds), (x,), (x,))[0], f(x, ss))
    J = _richardson(lambda v: f(v, ss), x, 1e-4)
    Jf, Jr = _jacs(lambda v: f(v, ds), x)
    _close(Jf, J, 1e-8)
    _close(Jr, J, 1e-8)
    g = lambda v, m: m.csd(v, Y[:, :18], nperseg=6, average="median")[1]     # noqa: E731
    x = X[:, :18]
    _close(ad.jvp(lambda v: g(v, ds), (x,), (x,))[0], g(x, ss))
    _close(ad.jacrev(lambda v: g(v, ds))(x), _richardson(lambda v: g(v, ss), x, 1e-4), 1e-8)


def test_coherence():
    f = lambda v, m: m.coherence(v, Y, nperseg=8, fs=2.0)[1]    # noqa: E731
    _close(ad.jvp(lambda v: f(v, ds), (X,), (X,))[0], f(X, ss))
    J = _richardson(lambda v: f(v, ss), X)
    Jf, Jr = _jacs(lambda v: f(v, ds), X)
    _close(Jf, J, 1e-7)
    _close(Jr, J, 1e-7)


def test_fs_and_array_window():
    win = ss.get_window("hann", 8) + 0.1
    f = lambda fs, w: ss.welch(X, fs=fs, window=w, nperseg=8)   # noqa: E731
    for k in (0, 1):
        fd = lambda fs: ds.welch(X, fs=fs, window=win, nperseg=8)[k]     # noqa: E731
        _close(ad.jvp(fd, (3.0,), (1.0,))[0], f(3.0, win)[k])
        _close(ad.jacrev(fd)(3.0), _richardson(lambda s: f(s, win)[k], 3.0), 1e-9)
    fw = lambda w: ds.welch(X, fs=3.0, window=w, nperseg=8)[1]   # noqa: E731
    J = _richardson(lambda w: f(3.0, w)[1], win)
    _close(ad.jacfwd(fw)(win), J, 1e-8)
    _close(ad.jacrev(fw)(win), J, 1e-8)
    # stft / istft in the window and in fs (scaling='psd')
    fs_ = lambda w: ss.stft(X, window=w, nperseg=8, scaling="psd", fs=2.0)[2]   # noqa: E731
    _close(ad.jacrev(lambda w: ds.stft(X, window=w, nperseg=8, scaling="psd", fs=2.0)[2])(win),
           _richardson(fs_, win), 1e-8)
    Z = ss.stft(X, nperseg=8)[2]
    fi = lambda w: ss.istft(Z, window=w, nperseg=8)[1]    # noqa: E731
    _close(ad.jacfwd(lambda w: ds.istft(Z, window=w, nperseg=8)[1])(win),
           _richardson(fi, win), 1e-8)
    ft = lambda s: ss.istft(Z, fs=s, nperseg=8, scaling="psd")[1]   # noqa: E731
    _close(ad.jacrev(lambda s: ds.istft(Z, fs=s, nperseg=8, scaling="psd")[1])(2.0),
           _richardson(ft, 2.0), 1e-9)


def test_istft_in_Z_complex_and_second_order():
    Z = ss.stft(X[0], nperseg=8)[2]
    Zr = Z.real.copy()
    # linear in Zxx: gradient of a weighted sum = SciPy's columns
    w = RNG.standard_normal(ss.istft(Z, nperseg=8)[1].shape)
    J = _cols(lambda v: ss.istft(v + 1j * Z.imag, nperseg=8)[1]
              - ss.istft(1j * Z.imag, nperseg=8)[1], Zr)
    g = ad.grad(lambda v: dnp.sum(w * ds.istft(v + 1j * Z.imag, nperseg=8)[1]))(Zr)
    _close(g, np.tensordot(w, J, axes=1))
    # sum(istft(Z)**2) is quadratic in Re Z: Hessian 2 J^T J, with J from SciPy
    Hd = ad.hessian(lambda v: dnp.sum(ds.istft(v + 1j * Z.imag, nperseg=8)[1] ** 2))(Zr)
    Jm = J.reshape(J.shape[0], -1)
    _close(Hd, (2 * Jm.T @ Jm).reshape(Zr.shape + Zr.shape))


def test_spectrogram_modes_and_callable_detrend():
    x = X
    for mode in ("magnitude", "angle", "phase"):
        f = lambda v, m: m.spectrogram(v, nperseg=8, mode=mode)[2]   # noqa: E731
        _close(ad.jvp(lambda v: f(v, ds), (x,), (x,))[0], f(x, ss))
        _close(ad.jacrev(lambda v: f(v, ds))(x), _richardson(lambda v: f(v, ss), x, 1e-5),
               1e-6)

    def mydetrend(d, m):
        return d - m.mean(d, axis=-1, keepdims=True) * 0.5

    f = lambda v, m, mm: m.welch(v, nperseg=8, detrend=lambda d: mydetrend(d, mm))[1]  # noqa
    _close(ad.jvp(lambda v: f(v, ds, dnp), (x,), (x,))[0], f(x, ss, np))
    _close(ad.jacrev(lambda v: f(v, ds, dnp))(x), _cols_quad(lambda v: f(v, ss, np), x),
           1e-11)
    f = lambda v, m, mm: m.stft(v.T, nperseg=8, detrend=lambda d: mydetrend(d, mm), axis=0)[2]  # noqa
    _close(ad.jacfwd(lambda v: f(v, ds, dnp))(x), _cols(lambda v: f(v, ss, np), x))


def test_float32_and_dtypes():
    x = X.astype(np.float32)
    for f in (lambda v, m: m.welch(v, nperseg=8)[1], lambda v, m: m.stft(v, nperseg=8)[2],
              lambda v, m: m.csd(v, Y.astype(np.float32), nperseg=8)[1],
              lambda v, m: m.detrend(v), lambda v, m: m.hilbert(v)):
        val = ad.jvp(lambda v: f(v, ds), (x,), (x,))[0]
        ref = f(x, ss)
        assert val.dtype == ref.dtype, (val.dtype, ref.dtype)
        _close(val, ref, 1e-5)
    # integer input is detrended as float64
    xi = np.arange(6)
    _close(ad.jacfwd(lambda v: ds.detrend(v, type="constant"))(xi * 1.0),
           ss.detrend(np.eye(6), type="constant", axis=0))


def test_empty_and_errors():
    f, P = ds.welch(np.zeros(0))
    assert f.shape == P.shape == (0,)
    with pytest.raises(ValueError, match="noverlap"):
        ad.grad(lambda v: ds.welch(v, nperseg=8, noverlap=8)[1].sum())(X[0])
    with pytest.raises(ValueError, match="nfft"):
        ad.grad(lambda v: ds.welch(v, nperseg=8, nfft=4)[1].sum())(X[0])
    with pytest.raises(ValueError, match="average"):
        ad.grad(lambda v: ds.welch(v, nperseg=8, average="max")[1].sum())(X[0])
    with pytest.raises(ValueError, match="scaling"):
        ad.grad(lambda v: ds.welch(v, nperseg=8, scaling="x")[1].sum())(X[0])
    with pytest.raises(ValueError, match="Trend type"):
        ad.grad(lambda v: ds.detrend(v, type="quadratic").sum())(X[0])
    with pytest.raises(ValueError, match="boundary"):
        ad.grad(lambda v: ds.stft(v, nperseg=8, boundary="wrap")[2].real.sum())(X[0])
    with pytest.raises(ValueError, match="x must be real"):
        ad.jacfwd(lambda v: ds.hilbert(v * 1j))(X[0])
    with pytest.warns(UserWarning, match="nperseg"):
        ad.grad(lambda v: ds.welch(v)[1].sum())(X[0])


def test_istft_keeps_single_precision():
    """istft of complex64 input: SciPy's float32 (one-sided) / complex64 (two-sided),
    for the traced value and its tangent."""
    import scipy.signal as sps

    import dualad as ad
    from dualad.scipy import signal as dsig
    Z = (np.random.default_rng(0).standard_normal((4, 3)) + 1j).astype(np.complex64)
    for kw in ({"nperseg": 6}, {"nperseg": 4, "input_onesided": False}):
        want = sps.istft(Z, **kw)[1]
        val, tan = ad.jvp(lambda z: dsig.istft(z, **kw)[1], (Z,), (np.ones_like(Z),))
        assert val.dtype == want.dtype and tan.dtype == want.dtype
        np.testing.assert_allclose(val, want, rtol=1e-5, atol=1e-6)
