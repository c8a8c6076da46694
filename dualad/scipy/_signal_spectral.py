"""Differentiable spectral analysis of ``scipy.signal``: ``detrend``, ``hilbert``,
``periodogram``, ``welch``, ``csd``, ``coherence``, ``spectrogram``, ``stft``,
``istft`` (re-exported by ``dualad.scipy.signal``).

``detrend`` is one primitive, ``"signal.detrend"``, whose value is SciPy's: it
subtracts the least-squares fit of a constant or a (piecewise) line, i.e. it
applies an orthogonal projection ``I - P``, which is linear and symmetric, so
both its JVP and its VJP are ``detrend`` again (of the tangent / cotangent).
Everything else is composed of dualad operations (slicing into segments,
products with the window, the FFTs of ``dualad.numpy.fft``, ``median``), so it
differentiates to any order in the signal(s), in ``fs`` and in an array
``window`` passed as a traced value.  A string or tuple ``window`` is
``scipy.signal.get_window``'s constant.  Plain (untraced) inputs go straight to
SciPy.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import signal
>>> x = np.array([1.0, 2.0, 0.0, -1.0, 3.0, 1.0, 0.5, 2.0])
>>> g = ad.grad(lambda v: signal.welch(v, nperseg=4)[1].sum())(x)
>>> g.shape
(8,)
"""
from __future__ import annotations

import operator
import warnings

import numpy as _np
import scipy.fft as _sfft
import scipy.signal as _ss

from .. import numpy as dnp
from ..numpy import fft as _dfft
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of

__all__ = ["detrend", "hilbert", "periodogram", "welch", "csd", "coherence",
           "spectrogram", "stft", "istft"]


def _traced(*vs):
    return any(isinstance(v, Tracer) or contains_tracer(v) for v in vs)


def _neg_axis(axis, nd):
    axis = operator.index(axis)
    if not -nd <= axis < nd:
        raise _np.exceptions.AxisError(axis, nd)
    return axis - nd if axis >= 0 else axis


# --- detrend: a symmetric linear projection -------------------------------------------
def _detrend_impl(x, axis=-1, type="linear", bp=0):   # noqa: A002
    return _ss.detrend(_np.asarray(x), axis=axis, type=type,
                       bp=bp if isinstance(bp, int) else list(bp))


detrend_p = primitive(_detrend_impl, name="signal.detrend")


def _detrend_rule(t, ans, x, axis=-1, type="linear", bp=0):   # noqa: A002
    return detrend_p(t, axis=axis, type=type, bp=bp)


defjvp(detrend_p, _detrend_rule)
defvjp_direct(detrend_p, lambda g, ans, x, axis=-1, type="linear", bp=0:
              detrend_p(g, axis=axis, type=type, bp=bp))


def detrend(data, axis=-1, type="linear", bp=0, overwrite_data=False):   # noqa: A002
    """``scipy.signal.detrend``: remove the least-squares constant or (piecewise,
    breakpoints ``bp``) linear trend along ``axis``.  Linear and self-adjoint in
    ``data``: the derivative of ``detrend(x)`` in direction ``t`` is
    ``detrend(t)``.  ``overwrite_data`` is ignored for traced data."""
    if not _traced(data):
        return _ss.detrend(data, axis=axis, type=type, bp=bp, overwrite_data=overwrite_data)
    if type not in ("linear", "l", "constant", "c"):
        raise ValueError("Trend type must be 'linear' or 'constant'.")
    if not isinstance(data, Tracer):
        data = dnp.asarray(data)
    nd = ndim_of(data)
    if nd == 0:
        raise _np.exceptions.AxisError(axis, 0)
    axis = _neg_axis(axis, nd)
    if _np.ndim(bp) == 0:
        bp = operator.index(bp)
    else:
        bp = tuple(operator.index(b) for b in _np.asarray(bp).ravel())
    if _np.result_type(primal_of(data)).char not in "fdFD":
        data = dnp.astype(data, _np.float64)       # SciPy detrends other dtypes as float64
    return detrend_p(data, axis=axis, type=type, bp=bp)


# --- hilbert --------------------------------------------------------------------------
def hilbert(x, N=None, axis=-1):
    """``scipy.signal.hilbert``: the analytic signal ``ifft(fft(x, N) * h)``,
    linear in the real ``x``."""
    if not _traced(x):
        return _ss.hilbert(x, N=N, axis=axis)
    if not isinstance(x, Tracer):
        x = dnp.asarray(x)
    if _np.iscomplexobj(primal_of(x)):
        raise ValueError("x must be real.")
    if N is None:
        N = shape_of(x)[axis]
    if N <= 0:
        raise ValueError("N must be positive.")
    h = _np.zeros(N, dtype=primal_of(x).dtype if primal_of(x).dtype.char in "fd" else float)
    if N % 2 == 0:
        h[0] = h[N // 2] = 1
        h[1:N // 2] = 2
    else:
        h[0] = 1
        h[1:(N + 1) // 2] = 2
    nd = ndim_of(x)
    axis = _neg_axis(axis, nd)
    h = h.reshape((N,) + (1,) * (-axis - 1))
    Xf = _dfft.fft(x, N, axis=axis)
    return _dfft.ifft(Xf * h, axis=axis)


# --- windows and segments -------------------------------------------------------------
def _is_named(window):
    return isinstance(window, (str, tuple))


def _win_len(win):
    s = shape_of(win)
    if len(s) != 1:
        raise ValueError("window must be 1-D")
    return s[0]


def _segments(x, nperseg, step, nseg):
    """``x[..., p * step + k]`` for p < nseg, k < nperseg: shape (..., nseg, nperseg)."""
    if nperseg == 1 and step == 1 and nseg == shape_of(x)[-1]:
        return dnp.expand_dims(x, -1)
    idx = _np.arange(nseg)[:, None] * step + _np.arange(nperseg)[None, :]
    return x[..., idx]


def _freqs(nfft, fs, twosided):
    """``fftfreq`` / ``rfftfreq(nfft, 1 / fs)``, differentiable in ``fs``."""
    if not _traced(fs):
        return (_sfft.fftfreq if twosided else _sfft.rfftfreq)(nfft, 1 / fs)
    k = (_sfft.fftfreq(nfft) * nfft if twosided else _np.arange(nfft // 2 + 1.0))
    return k * (1.0 / (nfft * (1.0 / fs)))


def _zeros_like_last(x, n):
    shp = shape_of(x)[:-1] + (n,)
    return _np.zeros(shp, dtype=_np.result_type(primal_of(x)))


def _pad_end(x, n):
    if n <= 0:
        return x
    return dnp.concatenate([x, _zeros_like_last(x, n)], axis=-1)


def _apply_detrend(seg, detrend, axis_wrap=None):
    if detrend is False or detrend is None:
        return seg
    if callable(detrend):
        if axis_wrap is not None and axis_wrap != -1:
            d = dnp.moveaxis(seg, -1, axis_wrap)
            d = detrend(d)
            return dnp.moveaxis(d, axis_wrap, -1)
        return detrend(seg)
    if not detrend:
        return seg
    return globals()["detrend"](seg, type=detrend, axis=-1)


def _onesided_doubling(nf, nfft):
    c = _np.full(nf, 2.0)
    c[0] = 1.0
    if nfft % 2 == 0:
        c[-1] = 1.0
    return c


def _stft_core(x, win, detrend, nperseg, step, nseg, nfft, twosided, axis_wrap=None):
    seg = _segments(x, nperseg, step, nseg)
    seg = _apply_detrend(seg, detrend, axis_wrap)
    seg = seg * win
    if twosided:
        return _dfft.fft(seg, nfft, axis=-1)
    return _dfft.rfft(dnp.real(seg) if _np.iscomplexobj(primal_of(seg)) else seg, nfft, axis=-1)


def _abs2(z):
    return dnp.real(z) ** 2 + dnp.imag(z) ** 2


def _median_bias(n):
    ii_2 = 2 * _np.arange(1.0, (n - 1) // 2 + 1)
    return 1 + _np.sum(1.0 / (ii_2 + 1) - 1.0 / ii_2)


def _window_args(window, nperseg, n):
    if _is_named(window):
        nperseg = int(nperseg) if nperseg is not None else 256
        if nperseg < 1:
            raise ValueError(f"Parameter nperseg={nperseg!r} is not a positive integer!")
        elif n < nperseg:
            warnings.warn(f"nperseg={nperseg!r} is greater than signal length max(len(x), "
                          f"len(y)) = {n}, using nperseg = {n}", stacklevel=4)
            nperseg = n
        win = _ss.get_window(window, nperseg)
    else:
        win = window if isinstance(window, Tracer) else _np.asarray(window)
        if nperseg is None:
            nperseg = len(win)
    if nperseg != len(win):
        raise ValueError(f"nperseg={nperseg!r} does not equal len(win)={len(win)!r}")
    return win, nperseg


def csd(x, y, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None,
        detrend="constant", return_onesided=True, scaling="density", axis=-1,
        average="mean"):
    """``scipy.signal.csd``: Welch's cross spectral density ``conj(X) Y``,
    differentiable in ``x``, ``y``, ``fs`` and an array ``window``.
    ``average='median'`` differentiates the median of the real and imaginary
    parts (the middle segment(s) get the derivative, docs/conventions.md)."""
    return _csd(x, y, y is x, fs, window, nperseg, noverlap, nfft, detrend,
                return_onesided, scaling, axis, average)


def _csd(x, y, same, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
         scaling, axis, average):
    if not _traced(x, y, fs, window) and not (callable(detrend)):
        if same:
            return _ss.csd(x, x, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                           nfft=nfft, detrend=detrend, return_onesided=return_onesided,
                           scaling=scaling, axis=axis, average=average)
        return _ss.csd(x, y, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                       nfft=nfft, detrend=detrend, return_onesided=return_onesided,
                       scaling=scaling, axis=axis, average=average)
    axis = int(axis)
    x = x if isinstance(x, Tracer) else dnp.asarray(x)
    y = x if same else (y if isinstance(y, Tracer) else dnp.asarray(y))
    xs, ys = shape_of(x), shape_of(y)
    if not same:
        xo, yo = list(xs), list(ys)
        xo.pop(axis)
        yo.pop(axis)
        try:
            outer = _np.broadcast_shapes(xo, yo)
        except ValueError as e:
            raise ValueError("x and y cannot be broadcast together.") from e
        if 0 in xs or 0 in ys:
            out_shape = outer + (min(xs[axis], ys[axis]),)
            e = _np.moveaxis(_np.empty(out_shape), -1, axis)
            return e, e
        out_dtype = _np.result_type(primal_of(x), primal_of(y), _np.complex64)
    else:
        if 0 in xs:
            return _np.empty(xs), _np.empty(xs)
        out_dtype = _np.result_type(primal_of(x), _np.complex64)
    n = xs[axis] if same else max(xs[axis], ys[axis])
    win, nperseg = _window_args(window, nperseg, n)
    nfft = int(nfft) if nfft is not None else nperseg
    if nfft < nperseg:
        raise ValueError(f"nfft={nfft!r} must be greater than or equal to nperseg={nperseg!r}!")
    noverlap = int(noverlap) if noverlap is not None else nperseg // 2
    if noverlap >= nperseg:
        raise ValueError(f"noverlap={noverlap!r} must be less than nperseg={nperseg!r}!")
    xcomplex = _np.iscomplexobj(primal_of(x))
    if xcomplex and return_onesided:
        return_onesided = False
    if return_onesided and not same and _np.iscomplexobj(primal_of(y)):
        raise ValueError("Complex y requires return_onesided=False (as in SciPy, whose "
                         "ShortTimeFFT refuses complex input for a one-sided FFT)")
    if scaling not in ("spectrum", "density"):
        raise ValueError(f"Parameter scaling={scaling!r} not in "
                         f"{ {'spectrum': 'magnitude', 'density': 'psd'} }!")
    if detrend is not False and not callable(detrend) and detrend not in ("linear", "constant"):
        raise ValueError(f"Parameter detr={detrend!r} is not a str, function or None!")
    if average not in ("mean", "median"):
        raise ValueError(f"Parameter average={average!r} must be 'median' or 'mean'!")
    x = dnp.moveaxis(x, axis, -1)
    if not same:
        y = dnp.moveaxis(y, axis, -1)
        x = _pad_end(x, n - xs[axis])
        y = _pad_end(y, n - ys[axis])
    step = nperseg - noverlap
    nseg = (n - noverlap) // step
    if nseg < 1:
        raise ValueError("signal too short for one segment")
    if scaling == "density":
        scale = 1.0 / (fs * dnp.sum(win * win)) if _traced(win, fs) else \
            1.0 / (fs * _np.sum(win * win))
    else:
        scale = 1.0 / dnp.sum(win) ** 2 if _traced(win) else 1.0 / _np.sum(win) ** 2
    wc = dnp.conj(win) if _traced(win) else _np.conj(win)
    det = None if detrend is False else detrend
    twosided = not return_onesided
    Sx = _stft_core(x, wc, det, nperseg, step, nseg, nfft, twosided)   # (..., nseg, nf)
    if same:
        P = _abs2(Sx) * scale
    else:
        Sy = _stft_core(y, wc, det, nperseg, step, nseg, nfft, twosided)
        P = dnp.conj(Sx) * Sy * scale
    if return_onesided:
        P = P * _onesided_doubling(shape_of(P)[-1], nfft)
    if nseg > 1:
        if average == "median":
            bias = _median_bias(nseg)
            if _np.iscomplexobj(primal_of(P)):
                P = (dnp.median(dnp.real(P), axis=-2)
                     + dnp.median(dnp.imag(P), axis=-2) * 1j)
            else:
                P = dnp.median(P, axis=-2)
            P = P / bias
        else:
            P = dnp.mean(P, axis=-2)
    else:
        P = P[..., 0, :]
    P = dnp.moveaxis(P, -1, axis)
    if same:
        P = dnp.astype(dnp.real(P), _np.empty(0, out_dtype).real.dtype)
    else:
        P = dnp.astype(P, out_dtype)
    return _freqs(nfft, fs, twosided), P


def welch(x, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None,
          detrend="constant", return_onesided=True, scaling="density", axis=-1,
          average="mean"):
    """``scipy.signal.welch``: Welch's power spectral density, a quadratic map of
    ``x`` (differentiable also in ``fs`` and an array ``window``)."""
    if not _traced(x, fs, window) and not callable(detrend):
        return _ss.welch(x, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                         nfft=nfft, detrend=detrend, return_onesided=return_onesided,
                         scaling=scaling, axis=axis, average=average)
    f, P = _csd(x, x, True, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
                scaling, axis, average)
    return f, P


def periodogram(x, fs=1.0, window="boxcar", nfft=None, detrend="constant",
                return_onesided=True, scaling="density", axis=-1):
    """``scipy.signal.periodogram``: one-segment ``welch``."""
    if not _traced(x, fs, window) and not callable(detrend):
        return _ss.periodogram(x, fs=fs, window=window, nfft=nfft, detrend=detrend,
                               return_onesided=return_onesided, scaling=scaling, axis=axis)
    x = x if isinstance(x, Tracer) else dnp.asarray(x)
    if 0 in shape_of(x):
        return _np.empty(shape_of(x)), _np.empty(shape_of(x))
    if window is None:
        window = "boxcar"
    n = shape_of(x)[axis]
    if nfft is None:
        nperseg = n
    elif nfft == n:
        nperseg = nfft
    elif nfft > n:
        nperseg = n
    else:
        s = [slice(None)] * ndim_of(x)
        s[axis] = slice(None, nfft)
        x = x[tuple(s)]
        nperseg = nfft
        nfft = None
    if not _is_named(window) and _np.size(primal_of(window)) != nperseg:
        raise ValueError("the size of the window must be the same size of the input on "
                         "the specified axis")
    return welch(x, fs=fs, window=window, nperseg=nperseg, noverlap=0, nfft=nfft,
                 detrend=detrend, return_onesided=return_onesided, scaling=scaling,
                 axis=axis)


def coherence(x, y, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None,
              detrend="constant", axis=-1):
    """``scipy.signal.coherence``: ``|Pxy|**2 / (Pxx Pyy)``."""
    if not _traced(x, y, fs, window) and not callable(detrend):
        return _ss.coherence(x, y, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                             nfft=nfft, detrend=detrend, axis=axis)
    kw = dict(fs=fs, window=window, nperseg=nperseg, noverlap=noverlap, nfft=nfft,
              detrend=detrend, axis=axis)
    with warnings.catch_warnings():
        freqs, Pxx = welch(x, **kw)
        _, Pyy = welch(y, **kw)
        _, Pxy = csd(x, y, **kw)
    return freqs, _abs2(Pxy) / Pxx / Pyy


# --- the legacy STFT helper (stft, spectrogram) ---------------------------------------
def _ext(x, n, kind):
    """SciPy's ``even_ext`` / ``odd_ext`` / ``const_ext`` / ``zero_ext`` on the last axis."""
    if n < 1:
        return x
    m = shape_of(x)[-1]
    if kind in ("even", "odd") and n > m - 1:
        raise ValueError(f"The extension length n ({n}) is too big. It must not exceed "
                         f"x.shape[axis]-1, which is {m - 1}.")
    if kind == "zeros":
        z = _zeros_like_last(x, n)
        return dnp.concatenate([z, x, z], axis=-1)
    first, last = x[..., :1], x[..., -1:]
    if kind == "constant":
        ones = _np.ones(n)
        return dnp.concatenate([first * ones, x, last * ones], axis=-1)
    left = x[..., n:0:-1]
    right = x[..., -2:-(n + 2):-1]
    if kind == "odd":
        left = 2 * first - left
        right = 2 * last - right
    return dnp.concatenate([left, x, right], axis=-1)


def _triage(window, nperseg, n):
    if _is_named(window):
        if nperseg is None:
            nperseg = 256
        if nperseg > n:
            warnings.warn(f"nperseg = {nperseg:d} is greater than input length  = {n:d}, "
                          f"using nperseg = {n:d}", stacklevel=4)
            nperseg = n
        return _ss.get_window(window, nperseg), nperseg
    win = window if isinstance(window, Tracer) else _np.asarray(window)
    if ndim_of(win) != 1:
        raise ValueError("window must be 1-D")
    if n < shape_of(win)[0]:
        raise ValueError("window is longer than input signal")
    if nperseg is None:
        nperseg = shape_of(win)[0]
    elif nperseg != shape_of(win)[0]:
        raise ValueError("value specified for nperseg is different from length of window")
    return win, nperseg


def _spectral_helper(x, fs, window, nperseg, noverlap, nfft, detrend, return_onesided,
                     scaling, axis, mode, boundary=None, padded=False):
    if boundary not in ("even", "odd", "constant", "zeros", None):
        raise ValueError(f"Unknown boundary option '{boundary}', must be one of: "
                         f"{['even', 'odd', 'constant', 'zeros', None]}")
    axis = int(axis)
    x = x if isinstance(x, Tracer) else dnp.asarray(x)
    outdtype = _np.result_type(primal_of(x), _np.complex64)
    if 0 in shape_of(x):
        e = _np.empty(shape_of(x))
        return e, e, e
    if ndim_of(x) > 1 and axis != -1:
        x = dnp.moveaxis(x, axis, -1)
    if nperseg is not None:
        nperseg = int(nperseg)
        if nperseg < 1:
            raise ValueError("nperseg must be a positive integer")
    win, nperseg = _triage(window, nperseg, shape_of(x)[-1])
    if nfft is None:
        nfft = nperseg
    elif nfft < nperseg:
        raise ValueError("nfft must be greater than or equal to nperseg.")
    else:
        nfft = int(nfft)
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    if noverlap >= nperseg:
        raise ValueError("noverlap must be less than nperseg.")
    nstep = nperseg - noverlap
    if boundary is not None:
        x = _ext(x, nperseg // 2, boundary)
    if padded:
        nadd = (-(shape_of(x)[-1] - nperseg) % nstep) % nperseg
        x = _pad_end(x, nadd)
    if detrend is not False and not callable(detrend) and detrend \
            and detrend not in ("linear", "l", "constant", "c"):
        raise ValueError("Trend type must be 'linear' or 'constant'.")
    if scaling == "density":
        scale = 1.0 / (fs * dnp.sum(win * win))
    elif scaling == "spectrum":
        scale = 1.0 / dnp.sum(win) ** 2
    else:
        raise ValueError(f"Unknown scaling: {scaling!r}")
    if mode == "stft":
        scale = dnp.sqrt(scale)
    xcomplex = _np.iscomplexobj(primal_of(x))
    if return_onesided and xcomplex:
        warnings.warn("Input data is complex, switching to return_onesided=False",
                      stacklevel=4)
    twosided = (not return_onesided) or xcomplex
    m = shape_of(x)[-1]
    nseg = (m - nperseg) // nstep + 1
    r = _stft_core(x, win, detrend, nperseg, nstep, nseg, nfft, twosided, axis_wrap=axis)
    if mode == "psd":
        r = _abs2(r) * scale
        if not twosided:
            r = r * _onesided_doubling(shape_of(r)[-1], nfft)
    else:
        r = r * scale
    time = _np.arange(nperseg / 2, m - nperseg / 2 + 1, nperseg - noverlap)
    if boundary is not None:
        time = time - nperseg / 2
    time = time / fs if _traced(fs) else time / float(fs)
    if mode == "psd":
        r = dnp.astype(r, _np.empty(0, outdtype).real.dtype)
    else:
        r = dnp.astype(r, outdtype)
    r = dnp.moveaxis(r, -1, axis - 1 if axis < 0 else axis)
    return _freqs(nfft, fs, twosided), time, r


def spectrogram(x, fs=1.0, window=("tukey_periodic", .25), nperseg=None, noverlap=None,
                nfft=None, detrend="constant", return_onesided=True, scaling="density",
                axis=-1, mode="psd"):
    """``scipy.signal.spectrogram`` (every ``mode``): differentiable in ``x``, ``fs``
    and an array ``window``.  ``'magnitude'`` / ``'angle'`` / ``'phase'`` follow
    ``abs`` / ``angle`` / ``unwrap`` (derivative 0 at a zero coefficient)."""
    if not _traced(x, fs, window) and not callable(detrend):
        return _ss.spectrogram(x, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                               nfft=nfft, detrend=detrend, return_onesided=return_onesided,
                               scaling=scaling, axis=axis, mode=mode)
    modelist = ["psd", "complex", "magnitude", "angle", "phase"]
    if mode not in modelist:
        raise ValueError(f"unknown value for mode {mode}, must be one of {modelist}")
    x = x if isinstance(x, Tracer) else dnp.asarray(x)
    window, nperseg = _triage(window, nperseg, shape_of(x)[axis])
    if noverlap is None:
        noverlap = nperseg // 8
    f, t, S = _spectral_helper(x, fs, window, nperseg, noverlap, nfft, detrend,
                               return_onesided, scaling, axis,
                               mode="psd" if mode == "psd" else "stft")
    if mode == "magnitude":
        S = dnp.abs(S)
    elif mode in ("angle", "phase"):
        S = dnp.angle(S)
        if mode == "phase":
            S = dnp.unwrap(S, axis=axis - 1 if axis < 0 else axis)
    return f, t, S


def stft(x, fs=1.0, window="hann_periodic", nperseg=256, noverlap=None, nfft=None,
         detrend=False, return_onesided=True, boundary="zeros", padded=True, axis=-1,
         scaling="spectrum"):
    """``scipy.signal.stft`` (legacy STFT): linear in ``x``; differentiable also in
    ``fs`` (with ``scaling='psd'``) and an array ``window``."""
    if not _traced(x, fs, window) and not callable(detrend):
        return _ss.stft(x, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                        nfft=nfft, detrend=detrend, return_onesided=return_onesided,
                        boundary=boundary, padded=padded, axis=axis, scaling=scaling)
    if scaling == "psd":
        scaling = "density"
    elif scaling != "spectrum":
        raise ValueError(f"Parameter scaling={scaling!r} not in ['spectrum', 'psd']!")
    return _spectral_helper(x, fs, window, nperseg, noverlap, nfft, detrend,
                            return_onesided, scaling, axis, mode="stft",
                            boundary=boundary, padded=padded)


def istft(Zxx, fs=1.0, window="hann_periodic", nperseg=None, noverlap=None, nfft=None,
          input_onesided=True, boundary=True, time_axis=-1, freq_axis=-2,
          scaling="spectrum"):
    """``scipy.signal.istft``: the weighted overlap-add inverse, linear in ``Zxx``;
    differentiable also in ``fs`` (``scaling='psd'``) and an array ``window``."""
    if not _traced(Zxx, fs, window):
        return _ss.istft(Zxx, fs=fs, window=window, nperseg=nperseg, noverlap=noverlap,
                         nfft=nfft, input_onesided=input_onesided, boundary=boundary,
                         time_axis=time_axis, freq_axis=freq_axis, scaling=scaling)
    Z = Zxx if isinstance(Zxx, Tracer) else dnp.asarray(Zxx)
    if not _np.iscomplexobj(primal_of(Z)):
        Z = Z + 0j
    freq_axis, time_axis = int(freq_axis), int(time_axis)
    nd = ndim_of(Z)
    if nd < 2:
        raise ValueError("Input stft must be at least 2d!")
    if freq_axis == time_axis:
        raise ValueError("Must specify differing time and frequency axes!")
    zs = shape_of(Z)
    nseg = zs[time_axis]
    n_default = 2 * (zs[freq_axis] - 1) if input_onesided else zs[freq_axis]
    if nperseg is None:
        nperseg = n_default
    else:
        nperseg = int(nperseg)
        if nperseg < 1:
            raise ValueError("nperseg must be a positive integer")
    if nfft is None:
        nfft = nperseg if (input_onesided and nperseg == n_default + 1) else n_default
    elif nfft < nperseg:
        raise ValueError("nfft must be greater than or equal to nperseg.")
    else:
        nfft = int(nfft)
    noverlap = nperseg // 2 if noverlap is None else int(noverlap)
    if noverlap >= nperseg:
        raise ValueError("noverlap must be less than nperseg.")
    nstep = nperseg - noverlap
    if time_axis != nd - 1 or freq_axis != nd - 2:
        if freq_axis < 0:
            freq_axis = nd + freq_axis
        if time_axis < 0:
            time_axis = nd + time_axis
        zouter = list(range(nd))
        for ax in sorted([time_axis, freq_axis], reverse=True):
            zouter.pop(ax)
        Z = dnp.transpose(Z, zouter + [freq_axis, time_axis])
    if _is_named(window) and (isinstance(window, str) or type(window) is tuple):
        win = _ss.get_window(window, nperseg)
    else:
        win = window if isinstance(window, Tracer) else _np.asarray(window)
        if ndim_of(win) != 1:
            raise ValueError("window must be 1-D")
        if shape_of(win)[0] != nperseg:
            raise ValueError(f"window must have length of {nperseg}")
    ifunc = _dfft.irfft if input_onesided else _dfft.ifft
    xsubs = ifunc(Z, nfft, axis=-2)[..., :nperseg, :]
    xdt = _np.result_type(primal_of(xsubs))
    if not _traced(win) and _np.result_type(win, xdt) != xdt:
        win = win.astype(xdt)
    if scaling == "spectrum":
        xsubs = xsubs * dnp.sum(win)
    elif scaling == "psd":
        xsubs = xsubs * dnp.sqrt(fs * dnp.sum(win ** 2))
    else:
        raise ValueError(f"Parameter scaling={scaling!r} not in ['spectrum', 'psd']!")
    outputlength = nperseg + (nseg - 1) * nstep
    # overlap-add: segment ii starts at ii * nstep.  Split each (zero-padded)
    # windowed segment into R = ceil(nperseg / nstep) blocks of nstep samples;
    # output block j is the sum over k of block k of segment j - k.
    R = -(-nperseg // nstep)
    L = R * nstep
    seg = dnp.moveaxis(xsubs, -1, -2) * win                    # (..., nseg, nperseg)
    seg = _pad_end(seg, L - nperseg)
    wseg = _np.zeros(L, dtype=_np.result_type(primal_of(win)))
    w2 = win ** 2
    if _traced(w2):
        w2p = _pad_end(w2, L - nperseg)
    else:
        wseg[:nperseg] = w2
        w2p = wseg
    blocks = dnp.reshape(seg, shape_of(seg)[:-1] + (R, nstep))  # (..., nseg, R, nstep)
    x = None
    norm = None
    for k in range(R):
        bk = blocks[..., :, k, :]
        z = _np.zeros(shape_of(bk)[:-2] + (k, nstep), dtype=_np.result_type(primal_of(bk)))
        zr = _np.zeros(shape_of(bk)[:-2] + (R - 1 - k, nstep),
                       dtype=_np.result_type(primal_of(bk)))
        term = dnp.concatenate([z, bk, zr], axis=-2)
        x = term if x is None else x + term
        wk = w2p[k * nstep:(k + 1) * nstep]
        wdt = _np.result_type(primal_of(wk))           # the window's precision, as SciPy
        wt = dnp.concatenate([_np.zeros((k, nstep), wdt), dnp.broadcast_to(wk, (nseg, nstep)),
                              _np.zeros((R - 1 - k, nstep), wdt)], axis=0) \
            if _traced(wk) else _np.concatenate([_np.zeros((k, nstep), wdt),
                                                 _np.broadcast_to(wk, (nseg, nstep)),
                                                 _np.zeros((R - 1 - k, nstep), wdt)])
        norm = wt if norm is None else norm + wt
    x = dnp.reshape(x, shape_of(x)[:-2] + ((nseg + R - 1) * nstep,))[..., :outputlength]
    norm = dnp.reshape(norm, ((nseg + R - 1) * nstep,))[:outputlength] if _traced(norm) \
        else _np.reshape(norm, -1)[:outputlength]
    if boundary:
        x = x[..., nperseg // 2:-(nperseg // 2)]
        norm = norm[nperseg // 2:-(nperseg // 2)]
    pn = _np.asarray(primal_of(norm))
    if _np.sum(pn > 1e-10) != len(pn):
        warnings.warn("NOLA condition failed, STFT may not be invertible."
                      + (" Possibly due to missing boundary" if not boundary else ""),
                      stacklevel=2)
    x = x / dnp.where(pn > 1e-10, norm, 1.0)
    if input_onesided:
        x = dnp.real(x) if _np.iscomplexobj(primal_of(x)) else x
    if ndim_of(x) > 1 and time_axis != nd - 1:
        if freq_axis < time_axis:
            time_axis -= 1
        x = dnp.moveaxis(x, -1, time_axis)
    time = _np.arange(shape_of(x)[0]) / (fs if _traced(fs) else float(fs))
    return time, x
