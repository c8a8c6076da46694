"""Differentiable ``scipy.signal`` rate changes: ``upfirdn``, ``resample`` (FFT),
``resample_poly`` and ``decimate`` (re-exported by ``dualad.scipy.signal``).

All are composed of dualad operations: ``upfirdn`` extends the signal as SciPy
does, interleaves zeros, convolves directly with the filter (the
``"signal.convolve"`` primitive, bilinear) and keeps every ``down``-th sample,
so it is differentiable in both the filter ``h`` and the signal ``x`` (and in
``cval``).  ``resample`` is SciPy's sequence of FFT, window product,
spectrum crop / zero-fill and inverse FFT (linear in ``x``, differentiable
in an array ``window``).  ``resample_poly`` builds on ``upfirdn`` (SciPy's
``firwin`` filter is a constant; an array ``window`` is the filter itself and
may be traced), ``decimate`` on ``sosfiltfilt`` / ``sosfilt`` / ``filtfilt`` /
``lfilter`` or ``resample_poly`` / ``upfirdn``.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import signal
>>> ad.grad(lambda h: signal.upfirdn(h, np.array([1.0, 2.0, 3.0]), up=2).sum())(np.ones(2))
array([6., 6.])
"""
from __future__ import annotations

import math
import operator

import numpy as _np
import scipy.fft as _sfft
import scipy.signal as _ss

from .. import numpy as dnp
from ..numpy import fft as _dfft
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of

__all__ = ["upfirdn", "resample", "resample_poly", "decimate"]

#: the extension modes done here (numpy.pad's), of SciPy's
_PAD_MODES = {"constant": "constant", "wrap": "wrap", "edge": "edge",
              "symmetric": "symmetric", "reflect": "reflect"}
_SCIPY_MODES = ["constant", "wrap", "edge", "smooth", "symmetric", "reflect",
                "antisymmetric", "antireflect", "line"]


def _traced(*vs):
    return any(isinstance(v, Tracer) or contains_tracer(v) for v in vs)


def _arr(v):
    return v if isinstance(v, Tracer) else dnp.asarray(v)


def _output_len(len_h, in_len, up, down):
    return ((in_len - 1) * up + len_h - 1) // down + 1


def upfirdn(h, x, up=1, down=1, axis=-1, mode="constant", cval=0):
    """``scipy.signal.upfirdn``: upsample by ``up``, FIR filter with ``h``, downsample
    by ``down``.  Bilinear in ``(h, x)`` (affine with ``cval``); differentiable in
    ``h``, ``x`` and ``cval``.  Traced inputs support the modes ``'constant'``,
    ``'wrap'``, ``'edge'``, ``'symmetric'`` and ``'reflect'``."""
    if not _traced(h, x, cval):
        return _ss.upfirdn(h, x, up=up, down=down, axis=axis, mode=mode, cval=cval)
    h = _arr(h)
    x = _arr(x)
    if ndim_of(h) != 1 or shape_of(h)[0] == 0:
        raise ValueError("h must be 1-D with non-zero length")
    up, down = int(up), int(down)
    if up < 1 or down < 1:
        raise ValueError("Both up and down must be >= 1")
    if mode not in _SCIPY_MODES:
        raise ValueError(f"Unknown mode: {mode}")
    if mode not in _PAD_MODES:
        raise NotImplementedError(
            f"dualad.scipy.signal.upfirdn: mode={mode!r} is not supported for traced "
            f"inputs; use one of {sorted(_PAD_MODES)} (or call scipy.signal.upfirdn on "
            f"plain arrays)")
    nd = ndim_of(x)
    if nd == 0:
        raise ValueError("x must be at least 1-D")
    axis = operator.index(axis)
    if not -nd <= axis < nd:
        raise _np.exceptions.AxisError(axis, nd)
    out_dtype = _np.result_type(primal_of(h), primal_of(x), _np.float32)
    xm = dnp.moveaxis(x, axis, -1)
    n_in = shape_of(xm)[-1]
    L = shape_of(h)[0]
    out_len = _output_len(L, n_in, up, down)
    K = -(-(L - 1) // up)                       # original samples reached past each end
    if K:
        pw = [(0, 0)] * (nd - 1) + [(K, K)]
        if mode == "constant":
            if _traced(cval):
                ones = _np.ones(shape_of(xm)[:-1] + (K,))
                xm = dnp.concatenate([ones * cval, xm, ones * cval], axis=-1)
            else:
                xm = dnp.pad(xm, pw, mode="constant", constant_values=cval)
        else:
            xm = dnp.pad(xm, pw, mode=_PAD_MODES[mode])
    m = shape_of(xm)[-1]
    if up > 1:
        z = _np.zeros(shape_of(xm) + (up - 1,), dtype=_np.result_type(primal_of(xm)))
        u = dnp.concatenate([dnp.expand_dims(xm, -1), z], axis=-1)
        u = dnp.reshape(u, shape_of(xm)[:-1] + (m * up,))[..., :(m - 1) * up + 1]
    else:
        u = xm
    from .signal import conv_p
    hh = dnp.reshape(h, (1,) * (nd - 1) + (L,))
    c = conv_p(u, hh)
    start = K * up
    y = c[..., start:start + (out_len - 1) * down + 1:down]
    y = dnp.moveaxis(y, -1, axis)
    if _np.result_type(primal_of(y)) != out_dtype:
        y = dnp.astype(y, out_dtype)
    return y


# --- resample (FFT) -------------------------------------------------------------------
def resample(x, num, t=None, axis=0, window=None, domain="time"):
    """``scipy.signal.resample`` (FFT method, ``domain`` 'time' or 'freq'):
    linear in ``x``; differentiable also in an array ``window`` and in ``t``."""
    if not _traced(x, t, window):
        return _ss.resample(x, num, t=t, axis=axis, window=window, domain=domain)
    if domain not in ("time", "freq"):
        raise ValueError(f"Parameter domain={domain!r} not in ('time', 'freq')!")
    x = _arr(x)
    num = operator.index(num)
    if ndim_of(x) > 1:
        x = dnp.moveaxis(x, axis, -1)
    n_x = shape_of(x)[-1]
    s_fac = n_x / num
    m = min(num, n_x)
    m2 = m // 2 + 1
    if window is None:
        W = None
    elif callable(window):
        W = window(_sfft.fftfreq(n_x))
    elif hasattr(window, "shape"):
        if tuple(shape_of(window)) != (n_x,):
            raise ValueError(f"window.shape={tuple(shape_of(window))!r} != ({n_x},), i.e., "
                             "window length is not equal to number of frequency bins!")
        W = window
    else:
        W = _sfft.fftshift(_ss.get_window(window, n_x)).astype(_np.float64)
    xc = _np.iscomplexobj(primal_of(x))
    rdt = _np.result_type(primal_of(x), _np.float32)
    rdt = _np.empty(0, rdt).real.dtype             # constants keep single precision
    if W is not None and not _traced(W):
        W = _np.asarray(W)
    if domain == "time" and not xc:
        X = _dfft.rfft(x, axis=-1)
        if W is not None:
            n_X = shape_of(X)[-1]
            # W[1:n_X] = (W[1:n_X] + flip(W[-n_X+1:])) / 2
            if n_X > 1:
                mid = (W[1:n_X] + W[-n_X + 1:][::-1]) / 2
                Wh = dnp.concatenate([W[:1], mid]) if _traced(W) else \
                    _np.concatenate([W[:1], mid])
            else:
                Wh = W[:1]
            X = X * (Wh[:n_X] if _traced(Wh) else Wh[:n_X].astype(rdt))
        X = X[..., :m2]
        if m % 2 == 0 and num != n_x:
            c = _np.ones(shape_of(X)[-1])
            c[m // 2] = 2 if num < n_x else 0.5
            X = X * c.astype(rdt)
        x_r = _dfft.irfft(X / s_fac, num, axis=-1)
    else:
        X = _dfft.fft(x, axis=-1) if domain == "time" else x
        if W is not None:
            X = X * W                       # not in place in SciPy: promotes
        # Y = sum_j X[..., idx_j] * c_j: the crop / zero-fill as a gather
        idx0 = _np.zeros(num, dtype=int)
        c0 = _np.zeros(num)
        idx0[:m2] = _np.arange(m2)
        c0[:m2] = 1
        if m2 < m:
            idx0[m2 - m:] = _np.arange(n_x)[m2 - m:]
            c0[m2 - m:] = 1
        idx1 = _np.zeros(num, dtype=int)
        c1 = _np.zeros(num)
        if m % 2 == 0:
            if num < n_x:
                idx1[-m // 2] = n_x - m // 2
                c1[-m // 2] = 1
            elif n_x < num:
                c0[m // 2] /= 2
                idx0[num - m // 2] = m // 2
                c0[num - m // 2] = c0[m // 2]
        Y = X[..., idx0] * c0.astype(rdt)
        if c1.any():
            Y = Y + X[..., idx1] * c1.astype(rdt)
        x_r = _dfft.ifft(Y / s_fac, num, axis=-1)
    if ndim_of(x_r) > 1:
        x_r = dnp.moveaxis(x_r, -1, axis)
    if t is not None:
        return x_r, t[0] + (t[1] - t[0]) * s_fac * _np.arange(num)
    return x_r


# --- resample_poly / decimate ---------------------------------------------------------
def resample_poly(x, up, down, axis=0, window=("kaiser", 5.0), padtype="constant",
                  cval=None):
    """``scipy.signal.resample_poly``: ``upfirdn`` with SciPy's ``firwin`` filter (or
    an array ``window`` as the filter, differentiable), ``padtype`` 'constant'
    (``cval`` differentiable), 'mean', 'median', 'minimum', 'maximum', 'wrap',
    'edge', 'symmetric', 'reflect'."""
    if not _traced(x, window, cval):
        return _ss.resample_poly(x, up, down, axis=axis, window=window, padtype=padtype,
                                 cval=cval)
    x = _arr(x)
    if up != int(up):
        raise ValueError("up must be an integer")
    if down != int(down):
        raise ValueError("down must be an integer")
    up, down = int(up), int(down)
    if up < 1 or down < 1:
        raise ValueError("up and down must be >= 1")
    if cval is not None and padtype != "constant":
        raise ValueError("cval has no effect when padtype is ", padtype)
    g_ = math.gcd(up, down)
    up //= g_
    down //= g_
    if up == down == 1:
        return x * 1
    n_in = shape_of(x)[axis]
    n_out = n_in * up
    n_out = n_out // down + bool(n_out % down)
    xdt = _np.result_type(primal_of(x))
    if isinstance(window, (list, Tracer)) or isinstance(window, _np.ndarray):
        h = _arr(window)
        if ndim_of(h) > 1:
            raise ValueError("window must be 1-D")
        half_len = (shape_of(h)[0] - 1) // 2
    else:
        max_rate = max(up, down)
        half_len = 10 * max_rate
        h = _ss.firwin(2 * half_len + 1, 1.0 / max_rate, window=window)
        if xdt.kind in "fc":
            h = _np.asarray(h, dtype=xdt)
    h = h * up
    n_pre_pad = down - half_len % down
    n_post_pad = 0
    n_pre_remove = (half_len + n_pre_pad) // down
    while _output_len(shape_of(h)[0] + n_pre_pad + n_post_pad, n_in, up, down) \
            < n_out + n_pre_remove:
        n_post_pad += 1
    hdt = _np.result_type(primal_of(h))
    h = dnp.concatenate([_np.zeros(n_pre_pad, dtype=hdt), h,
                         _np.zeros(n_post_pad, dtype=hdt)])
    funcs = {"mean": dnp.mean, "median": dnp.median, "minimum": dnp.min, "maximum": dnp.max}
    kw = {"mode": "constant", "cval": 0}
    if padtype in funcs:
        bg = funcs[padtype](x, axis=axis, keepdims=True)
        x = x - bg
    elif padtype in _SCIPY_MODES:
        kw = {"mode": padtype}
        if padtype == "constant":
            kw["cval"] = 0 if cval is None else cval
    else:
        raise ValueError("padtype must be one of: maximum, mean, median, minimum, "
                         + ", ".join(_SCIPY_MODES))
    y = upfirdn(h, x, up, down, axis=axis, **kw)
    keep = [slice(None)] * ndim_of(x)
    keep[axis] = slice(n_pre_remove, n_pre_remove + n_out)
    y = y[tuple(keep)]
    if padtype in funcs:
        y = y + bg
    return y


def decimate(x, q, n=None, ftype="iir", axis=-1, zero_phase=True):
    """``scipy.signal.decimate`` with ``ftype`` 'iir' (Chebyshev I, ``sosfiltfilt`` /
    ``sosfilt``) or 'fir' (``resample_poly`` / ``upfirdn``); linear in ``x``.  An
    ``dlti`` ``ftype`` is refused for traced input."""
    if not _traced(x):
        return _ss.decimate(x, q, n=n, ftype=ftype, axis=axis, zero_phase=zero_phase)
    from . import signal as _sig
    x = _arr(x)
    q = operator.index(q)
    if n is not None:
        n = operator.index(n)
    rt = _np.result_type(primal_of(x))
    if not _np.issubdtype(rt, _np.inexact) or rt.type == _np.float16:
        rt = _np.dtype(_np.float64)
        x = dnp.astype(x, rt)
    sl = [slice(None)] * ndim_of(x)
    if ftype == "fir":
        if n is None:
            n = 20 * q
        b = _np.asarray(_ss.firwin(n + 1, 1.0 / q, window="hamming"), dtype=rt)
        if zero_phase:
            y = resample_poly(x, 1, q, axis=axis, window=b)
        else:
            n_out = shape_of(x)[axis] // q + bool(shape_of(x)[axis] % q)
            y = upfirdn(b, x, up=1, down=q, axis=axis)
            sl[axis] = slice(None, n_out, None)
    elif ftype == "iir":
        if n is None:
            n = 8
        sos = _np.asarray(_ss.cheby1(n, 0.05, 0.8 / q, output="sos"), dtype=rt)
        y = (_sig.sosfiltfilt(sos, x, axis=axis) if zero_phase
             else _sig.sosfilt(sos, x, axis=axis))
        sl[axis] = slice(None, None, q)
    elif isinstance(ftype, _ss.dlti):
        raise NotImplementedError(
            "dualad.scipy.signal.decimate: an dlti ftype is not supported for traced "
            "input; pass ftype='iir' or 'fir', or filter with sosfiltfilt / filtfilt and "
            "slice [::q] yourself")
    else:
        raise ValueError("invalid ftype")
    return y[tuple(sl)]
