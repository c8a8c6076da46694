"""Differentiable ``scipy.signal`` frequency responses and median filter:
``freqz``, ``sosfreqz`` / ``freqz_sos``, ``medfilt`` (re-exported by
``dualad.scipy.signal``).

``freqz`` follows SciPy's two paths: for an integer ``worN`` and an FIR
filter (``a`` a scalar) the FFT of ``b`` (``dualad.numpy.fft``), otherwise
Horner's rule for ``b(z) / a(z)`` at ``z = exp(-1j w)``; both are dualad
operations, so the response is differentiable in ``b``, ``a``, the frequency
points ``worN`` (an array) and ``fs``.  ``medfilt`` gathers each zero-padded
window and takes its ``median``: the derivative goes to the selected
(middle-rank) entry, ties ranked by position (docs/conventions.md).

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import signal
>>> ad.grad(lambda x: signal.medfilt(x)[1])(np.array([3.0, 1.0, 2.0, 5.0]))
array([0., 0., 1., 0.])
"""
from __future__ import annotations

import math
import operator
import warnings

import numpy as _np
import scipy.signal as _ss

from .. import numpy as dnp
from ..numpy import fft as _dfft
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of

__all__ = ["freqz", "sosfreqz", "freqz_sos", "medfilt"]


def _traced(*vs):
    return any(isinstance(v, Tracer) or contains_tracer(v) for v in vs)


def _arr(v):
    return v if isinstance(v, Tracer) else dnp.asarray(v)


def _horner(x, c):
    """SciPy's ``npp_polyval(x, c, tensor=False)``: ``sum_k c[k] x**k``."""
    c0 = c[-1] + x * 0
    for i in range(2, shape_of(c)[0] + 1):
        c0 = c[-i] + c0 * x
    return c0


def freqz(b, a=1, worN=512, whole=False, plot=None, fs=2 * math.pi, include_nyquist=False):
    """``scipy.signal.freqz``: the frequency response ``(w, h)``, differentiable in
    ``b``, ``a``, an array ``worN`` and ``fs``."""
    if not _traced(b, a, worN, fs):
        return _ss.freqz(b, a, worN=worN, whole=whole, plot=plot, fs=fs,
                         include_nyquist=include_nyquist)
    b, a = _arr(b), _arr(a)
    if _np.result_type(primal_of(a)).kind in "iub":     # a = 1: b's precision, as SciPy
        bdt = _np.result_type(primal_of(b))
        a = dnp.astype(a, _np.empty(0, bdt).real.dtype if bdt.kind in "fc" else _np.float64)
    res_dtype = _np.result_type(primal_of(b), primal_of(a))
    real_dtype = _np.empty(0, res_dtype).real.dtype if res_dtype.kind in "fc" else \
        _np.dtype(_np.float64)
    if ndim_of(b) == 0:
        b = dnp.reshape(b, (1,))
    if ndim_of(a) == 0:
        a = dnp.reshape(a, (1,))
    if not _np.isscalar(primal_of(fs)) and _np.ndim(primal_of(fs)) != 0:
        raise ValueError("Sampling frequency fs must be a single scalar.")
    if worN is None:
        worN = 512
    h = None
    if isinstance(worN, (int, _np.integer)) and not isinstance(worN, bool):
        N = operator.index(worN)
        if N < 0:
            raise ValueError(f"worN must be nonnegative, got {N}")
        lastpoint = 2 * math.pi if whole else math.pi
        w = _np.linspace(0, lastpoint, N, endpoint=include_nyquist and not whole,
                         dtype=real_dtype)
        n_fft = N if whole else 2 * (N - 1) if include_nyquist else 2 * N
        asize = int(_np.prod(shape_of(a)))
        if asize == 1 and (ndim_of(b) == 1 or shape_of(b)[-1] == 1) \
                and n_fft >= shape_of(b)[0] and n_fft > 0:
            real = (_np.result_type(primal_of(b)).kind == "f"
                    and _np.result_type(primal_of(a)).kind == "f")
            h = (_dfft.rfft if real else _dfft.fft)(b, n_fft, axis=0)
            h = h[:min(N, shape_of(h)[0]), ...]
            h = h / a
            if real and whole:
                stop = None if n_fft % 2 == 1 else -1
                h = dnp.concatenate([h, dnp.conj(dnp.flip(h[1:stop, ...], axis=0))])
            if ndim_of(b) > 1:
                h = dnp.moveaxis(h[..., 0], 0, -1)
    else:
        if isinstance(worN, complex):
            worN = worN.real
        w = _arr(worN)
        if _np.result_type(primal_of(w)).kind in "iub":
            w = dnp.astype(w, _np.float64)
        elif _np.result_type(primal_of(w)) != res_dtype and res_dtype.kind in "fc":
            w = dnp.astype(w, res_dtype)
        if ndim_of(w) == 0:
            w = dnp.reshape(w, (1,))
        w = 2 * math.pi * w / fs
    if h is None:
        zm1 = dnp.exp(-1j * w)
        h = _horner(zm1, b) / _horner(zm1, a)
    w = w * (fs / (2 * math.pi))
    if plot is not None:
        plot(w, h)
    return w, h


def freqz_sos(sos, worN=512, whole=False, fs=2 * math.pi):
    """``scipy.signal.freqz_sos`` (``sosfreqz``): the product of the sections'
    ``freqz``, differentiable in ``sos``, an array ``worN`` and ``fs``."""
    if not _traced(sos, worN, fs):
        return _ss.freqz_sos(sos, worN=worN, whole=whole, fs=fs)
    sos = _arr(sos)
    if ndim_of(sos) != 2 or shape_of(sos)[1] != 6:
        raise ValueError("sos array must be shape (n_sections, 6)")
    if not _np.all(_np.asarray(primal_of(sos))[:, 3] == 1):
        raise ValueError("sos[:, 3] should be all ones")
    if shape_of(sos)[0] == 0:
        raise ValueError("Cannot compute frequencies with no sections")
    h = 1.0
    for j in range(shape_of(sos)[0]):
        row = sos[j, :]
        w, rowh = freqz(row[:3], row[3:], worN=worN, whole=whole, fs=fs)
        h = h * rowh
    return w, h


sosfreqz = freqz_sos


def medfilt(volume, kernel_size=None):
    """``scipy.signal.medfilt``: the median of each zero-padded window; the
    derivative is that of the selected entry (ties ranked by position)."""
    if not _traced(volume):
        return _ss.medfilt(volume, kernel_size)
    v = _arr(volume)
    if ndim_of(v) == 0:
        v = dnp.reshape(v, (1,))
    dt = _np.result_type(primal_of(v))
    if not (dt.kind in "iu" or dt in (_np.float32, _np.float64)):
        raise ValueError(f"dtype={dt} is not supported by medfilt")
    nd = ndim_of(v)
    if kernel_size is None:
        kernel_size = [3] * nd
    ks = _np.asarray(kernel_size)
    if ks.shape == ():
        ks = _np.repeat(ks, nd)
    ks = [int(k) for k in ks]
    if len(ks) != nd:
        raise RuntimeError("sequence argument must have length equal to input rank")
    for k in ks:
        if k % 2 != 1:
            raise ValueError("Each element of kernel_size should be odd.")
    if any(k > s for k, s in zip(ks, shape_of(v))):
        warnings.warn("kernel_size exceeds volume extent: the volume will be zero-padded.",
                      stacklevel=2)
    p = dnp.pad(v, [(k // 2, k // 2) for k in ks])
    win = dnp.lib.stride_tricks.sliding_window_view(p, ks)    # (*shape, *ks)
    win = dnp.reshape(win, tuple(shape_of(v)) + (math.prod(ks),))
    return dnp.median(win, axis=-1)
