"""Differentiable ``scipy.signal`` convolutions and linear filters.

The filters (``lfilter``, ``lfilter_zi``, ``sosfilt``, ``sosfilt_zi``,
``filtfilt``, ``sosfiltfilt``) rest on one primitive, ``"signal.lfilter"``
(SciPy's lfilter, see below); the convolutions on two primitives, both
bilinear in their two arguments:

* ``"signal.convolve"``: the full N-D convolution over all axes, computed
  directly (``convolve`` / ``correlate`` with ``method='direct'``);
* ``"signal.fftconvolve"``: the full convolution along some (negative) axes
  ``axes``, broadcasting over the others, computed by SciPy's
  ``fftconvolve`` (or ``oaconvolve``, keyword ``method='oa'``): ``fftconvolve``
  and ``oaconvolve`` (any ``axes=``), and ``convolve`` / ``correlate`` with
  ``method='fft'`` (or ``'auto'`` when SciPy's ``choose_conv_method`` picks
  it), so traced values get SciPy's own values.

The JVP in one argument convolves the tangent with the other argument; the
VJP is the 'valid' part (along the convolved axes) of the convolution of the
cotangent with the other argument reversed along them (no conjugate: the
transpose convention), summed over the axes the argument was broadcast along.
``mode='same'`` and ``'valid'`` slice the full result as SciPy does (for
``fftconvolve``, 'same' takes ``in1``'s shape on every axis, the broadcast ones
too), and ``correlate`` convolves with the reversed (conjugated) second
argument, so every function differentiates in both arguments, to any order.

Spectral analysis (``detrend``, ``hilbert``, ``periodogram``, ``welch``,
``csd``, ``coherence``, ``spectrogram``, ``stft``, ``istft``) lives in
``_signal_spectral.py``, the rate changes (``upfirdn``, ``resample``,
``resample_poly``, ``decimate``) in ``_signal_resample.py``, ``freqz``,
``sosfreqz`` / ``freqz_sos`` and ``medfilt`` in ``_signal_misc.py``; all are
re-exported here.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import signal
>>> ad.grad(lambda k: signal.convolve(np.array([1.0, 2.0, 3.0]), k, mode="valid").sum())(np.ones(2))
array([5., 3.])
"""
from __future__ import annotations

import operator

import numpy as _np
import scipy.signal as _ss

from .. import numpy as dnp
from ..numpy._broadcast import sum_to, unbroadcast
from ..registry import defjvp, defvjp_direct, primitive, vjp_reads
from ..tracer import Tracer, ndim_of, primal_of, shape_of

__all__ = ["convolve", "correlate", "fftconvolve", "oaconvolve", "lfilter", "lfilter_zi",
           "sosfilt", "sosfilt_zi", "filtfilt", "sosfiltfilt", "savgol_filter",
           "convolve2d", "correlate2d"]


def _conv_impl(a, b):
    a = _np.asarray(a)
    b = _np.asarray(b)
    if a.ndim < b.ndim:
        a = a.reshape((1,) * (b.ndim - a.ndim) + a.shape)
    elif b.ndim < a.ndim:
        b = b.reshape((1,) * (a.ndim - b.ndim) + b.shape)
    if a.size == 0 or b.size == 0:
        return _np.zeros(tuple(m + n - 1 for m, n in zip(a.shape, b.shape)),
                         dtype=_np.result_type(a, b))
    return _ss.convolve(a, b, mode="full", method="direct")


conv_p = primitive(_conv_impl, name="signal.convolve")


def _padded(x, nd, nb=0):
    """``x`` (batch(nb) + core) with its core padded by leading unit axes to ``nd``."""
    s = shape_of(x)
    return dnp.reshape(x, s[:nb] + (1,) * (nd - (len(s) - nb)) + s[nb:])


def _flip_all(x):
    return x[(slice(None, None, -1),) * ndim_of(x)]


def _conv_jvp(k):
    def rule(t, ans, a, b):
        args = (a, b)
        nd = ndim_of(ans)
        nb = ndim_of(t) - ndim_of(args[k])
        tt = _padded(t, nd, nb)
        other = _padded(args[1 - k], nd + nb)
        return conv_p(tt, other) if k == 0 else conv_p(other, tt)
    return rule


def _conv_vjp(k):
    def rule(g, ans, a, b):
        args = (a, b)
        nd = ndim_of(ans)
        nb = ndim_of(g) - nd
        mine = (1,) * (nd - ndim_of(args[k])) + shape_of(args[k])
        other = _padded(args[1 - k], nd)
        osh = shape_of(other)
        full = conv_p(g, _padded(_flip_all(other), nd + nb))
        idx = (Ellipsis,) + tuple(slice(o - 1, o - 1 + m) for o, m in zip(osh, mine))
        r = full[idx]
        return dnp.reshape(r, shape_of(g)[:nb] + shape_of(args[k]))
    return rule


defjvp(conv_p, _conv_jvp(0), _conv_jvp(1))
defvjp_direct(conv_p, _conv_vjp(0), _conv_vjp(1))


def _check(in1, in2):
    if ndim_of(in1) != ndim_of(in2):
        raise ValueError("in1 and in2 should have the same dimensionality")


def _slice_mode(full, s1, s2, mode):
    if mode == "full":
        return full
    if mode == "same":
        idx = tuple(slice((f - n) // 2, (f - n) // 2 + n) for f, n in zip(shape_of(full), s1))
        return full[idx]
    if mode == "valid":
        if not (all(m >= n for m, n in zip(s1, s2)) or all(n >= m for m, n in zip(s1, s2))):
            raise ValueError("For 'valid' mode, one must be at least as large as the "
                             "other in every dimension")
        idx = tuple(slice(min(m, n) - 1, max(m, n)) for m, n in zip(s1, s2))
        return full[idx]
    raise ValueError("acceptable mode flags are 'valid', 'same', or 'full'")


def _method(in1, in2, mode, method):
    """``'direct'`` or ``'fft'``: ``method``, or SciPy's choice (from the values) for 'auto'."""
    if method == "auto":
        return _ss.choose_conv_method(primal_of(in1), primal_of(in2), mode=mode)
    if method not in ("direct", "fft"):
        raise ValueError("Acceptable method flags are 'auto', 'direct', or 'fft'.")
    return method


def _has_empty(in1, in2):
    return 0 in shape_of(in1) or 0 in shape_of(in2)


def _empty_operand(fun, in1, in2, mode, method):
    """``convolve`` / ``correlate`` with an empty operand: SciPy's own call on
    the values.  SciPy refuses most such inputs, with an error that depends on
    the function, method and mode ("v cannot be empty", "second array argument
    cannot be empty", an IndexError for method='fft', ...): the same error is
    raised.  Where it returns, every entry is an empty sum (zeros, or an empty
    array): a constant, with derivative zero."""
    return fun(primal_of(in1), primal_of(in2), mode=mode, method=method)


def convolve(in1, in2, mode="full", method="auto"):
    """``scipy.signal.convolve`` (N-D, modes 'full', 'same', 'valid'),
    differentiable in both inputs.  ``method='fft'`` (or 'auto' when SciPy
    would pick it) computes the value with ``fftconvolve``, as SciPy does.
    An empty operand gets SciPy's own result: usually its error."""
    _check(in1, in2)
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.convolve(in1, in2, mode=mode, method=method)
    if _has_empty(in1, in2):
        return _empty_operand(_ss.convolve, in1, in2, mode, method)
    if ndim_of(in1) == 0:
        return in1 * in2
    volume, kernel = in1, in2
    if _swap_needed(mode, shape_of(in1), shape_of(in2), range(ndim_of(in1))):
        volume, kernel = in2, in1
    if _method(volume, kernel, mode, method) == "fft":
        out = fftconvolve(volume, kernel, mode=mode)
        dt = _np.result_type(primal_of(volume), primal_of(kernel))
        return out if _np.result_type(primal_of(out)) == dt else dnp.astype(out, dt)
    return _slice_mode(conv_p(volume, kernel), shape_of(volume), shape_of(kernel), mode)


# --- the FFT convolution along some axes ------------------------------------------
def _fftconv_impl(a, b, axes=(-1,), method="fft"):
    """SciPy's full convolution of ``a`` and ``b`` along the negative ``axes``,
    broadcasting over the other axes (``a`` and ``b`` may differ in ndim:
    leading unit axes are added, as for a NumPy broadcast)."""
    a = _np.asarray(a)
    b = _np.asarray(b)
    nd = max(a.ndim, b.ndim)
    a = a.reshape((1,) * (nd - a.ndim) + a.shape)
    b = b.reshape((1,) * (nd - b.ndim) + b.shape)
    if a.size == 0 or b.size == 0:
        shape = [m + n - 1 if d - nd in axes else max(m, n) if min(m, n) else 0
                 for d, (m, n) in enumerate(zip(a.shape, b.shape))]
        return _np.zeros(shape, dtype=_np.result_type(a, b, 1.0))
    fun = _ss.oaconvolve if method == "oa" else _ss.fftconvolve
    return fun(a, b, mode="full", axes=[nd + ax for ax in axes])


fftconv_p = primitive(_fftconv_impl, name="signal.fftconvolve")


def _flip_axes(x, axes):
    idx = [slice(None)] * ndim_of(x)
    for ax in axes:
        idx[ax] = slice(None, None, -1)
    return x[tuple(idx)]


def _fftconv_jvp(k):
    def rule(t, ans, a, b, axes=(-1,), method="fft"):
        args = (a, b)
        nb = ndim_of(t) - ndim_of(args[k])
        tt = _padded(t, ndim_of(ans), nb)
        if k == 0:
            return fftconv_p(tt, b, axes=axes, method=method)
        return fftconv_p(a, tt, axes=axes, method=method)
    return rule


def _fftconv_vjp(k):
    def rule(g, ans, a, b, axes=(-1,), method="fft"):
        mine, other = (a, b) if k == 0 else (b, a)
        full = fftconv_p(g, _flip_axes(other, axes), axes=axes, method=method)
        idx = [slice(None)] * ndim_of(full)
        for ax in axes:
            o = shape_of(other)[ax]
            idx[ax] = slice(o - 1, o - 1 + shape_of(mine)[ax])
        return unbroadcast(full[tuple(idx)], ans, mine)
    return rule


defjvp(fftconv_p, _fftconv_jvp(0), _fftconv_jvp(1))
defvjp_direct(fftconv_p, _fftconv_vjp(0), _fftconv_vjp(1))
vjp_reads(fftconv_p, {0: (1,), 1: (0,)})     # each rule reads the other argument


def _freq_conv_axes(s1, s2, axes):
    """SciPy's axes of a frequency-domain convolution: ``axes`` normalized (in
    the given order; all axes for None), those where either input has length 1
    dropped (the product broadcasts there), and the other axes' lengths checked
    to broadcast."""
    nd = len(s1)
    if axes is None:
        ax = list(range(nd))
    else:
        try:
            ax = [operator.index(a) for a in _np.atleast_1d(_np.asarray(axes, dtype=object))]
        except TypeError:
            raise ValueError("axes must be a scalar or iterable of integers") from None
        ax = [a + nd if a < 0 else a for a in ax]
        if any(a >= nd or a < 0 for a in ax):
            raise ValueError("axes exceeds dimensionality of input")
        if len(set(ax)) != len(ax):
            raise ValueError("all axes must be unique")
        if not ax:
            raise ValueError("when provided, axes cannot be empty")
    ax = [a for a in ax if s1[a] != 1 and s2[a] != 1]
    if not all(s1[a] == s2[a] or s1[a] == 1 or s2[a] == 1 for a in range(nd) if a not in ax):
        raise ValueError(f"incompatible shapes for in1 and in2: {s1} and {s2}")
    return ax


def _swap_needed(mode, s1, s2, axes):
    """Whether 'valid' mode needs the inputs swapped (in2 the larger one), as in SciPy."""
    if mode != "valid" or not s1:
        return False
    ok1 = all(s1[i] >= s2[i] for i in axes)
    if not (ok1 or all(s2[i] >= s1[i] for i in axes)):
        raise ValueError("For 'valid' mode, one must be at least as large as the "
                         "other in every dimension")
    return not ok1


def _centered(x, shape):
    return x[tuple(slice((c - n) // 2, (c - n) // 2 + n) for c, n in zip(shape_of(x), shape))]


def _freq_conv(in1, in2, mode, axes, method):
    """``fftconvolve`` / ``oaconvolve`` on (possibly) traced inputs, SciPy's steps:
    0-d inputs multiply, empty ones give ``[]``, 'valid' swaps the inputs so that
    ``in1`` is the larger, and the full result is sliced to the mode."""
    if ndim_of(in1) == ndim_of(in2) == 0:
        return in1 * in2
    _check(in1, in2)
    s1, s2 = tuple(shape_of(in1)), tuple(shape_of(in2))
    if 0 in s1 or 0 in s2:
        return _np.asarray([])
    if mode not in ("full", "same", "valid"):
        raise ValueError("acceptable mode flags are 'valid', 'same', or 'full'")
    ax = _freq_conv_axes(s1, s2, axes)
    if _swap_needed(mode, s1, s2, ax):
        in1, in2, s1, s2 = in2, in1, s2, s1
    nd = len(s1)
    if ax:
        full = fftconv_p(in1, in2, axes=tuple(a - nd for a in ax), method=method)
    else:
        full = in1 * in2
    if mode == "full":
        return full
    if mode == "same":
        return _centered(full, s1)
    return _centered(full, [shape_of(full)[a] if a not in ax else s1[a] - s2[a] + 1
                            for a in range(nd)])


def fftconvolve(in1, in2, mode="full", axes=None):
    """``scipy.signal.fftconvolve`` (N-D, modes 'full', 'same', 'valid', any
    ``axes``, broadcasting over the other axes as SciPy does), differentiable in
    both inputs.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import signal
    >>> k = np.array([[1.0, 2.0], [0.5, 0.0]])         # two rows, each its own kernel
    >>> ad.grad(lambda x: signal.fftconvolve(x, k, axes=1).sum())(np.ones((2, 3))).round(12)
    array([[3. , 3. , 3. ],
           [0.5, 0.5, 0.5]])
    """
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.fftconvolve(in1, in2, mode=mode, axes=axes)
    return _freq_conv(in1, in2, mode, axes, "fft")


def oaconvolve(in1, in2, mode="full", axes=None):
    """``scipy.signal.oaconvolve`` (the overlap-add method; the same convolution
    as ``fftconvolve``, with SciPy's own values), differentiable in both inputs."""
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.oaconvolve(in1, in2, mode=mode, axes=axes)
    return _freq_conv(in1, in2, mode, axes, "oa")


def correlate(in1, in2, mode="full", method="auto"):
    """``scipy.signal.correlate`` (N-D, modes 'full', 'same', 'valid'),
    differentiable in both inputs: as in SciPy, ``method='fft'`` or ``'auto'``
    is ``convolve`` with the reversed (conjugated) ``in2``.  An empty operand
    gets SciPy's own result: usually its error."""
    _check(in1, in2)
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.correlate(in1, in2, mode=mode, method=method)
    if _has_empty(in1, in2):
        return _empty_operand(_ss.correlate, in1, in2, mode, method)
    if ndim_of(in1) == 0:
        return in1 * (dnp.conj(in2) if _np.iscomplexobj(primal_of(in2)) else in2)
    s1, s2 = shape_of(in1), shape_of(in2)
    rev = _flip_all(in2)
    if _np.iscomplexobj(primal_of(in2)):
        rev = dnp.conj(rev)
    if method in ("auto", "fft"):         # as SciPy: convolve with the reversed in2
        return convolve(in1, rev, mode=mode, method=method)
    if method != "direct":
        raise ValueError("Acceptable method flags are 'auto', 'direct', or 'fft'.")
    full = conv_p(in1, rev)
    return _slice_mode(full, s1, s2, mode)


# --- linear filters ---------------------------------------------------------------
# The primitive "signal.lfilter" is SciPy's lfilter generalized so that its rules can
# call it on tangents with leading batch axes: ``lfilter_p(b, a, x, zi, axis=ax)``
# with ``ax`` a negative axis, ``b`` and ``a`` holding their coefficients along
# ``ax`` (other axes broadcasting against those of ``x`` and ``zi``, the filtering
# axis left out), ``zi`` None (the output is y) or the initial state (the output is
# ``concatenate([y, zf], ax)``; a 0-d zi stands for a zero state).  Each distinct set
# of coefficients is one call of SciPy's lfilter, on the whole broadcast signal.
def _to_last(v, axis):
    v = _np.asarray(v)
    if v.ndim < -axis:
        v = v.reshape((1,) * (-axis - v.ndim) + v.shape)
    return _np.moveaxis(v, axis, -1)


def _lfilter_impl(b, a, x, zi=None, axis=-1):
    b_, a_, x_ = _to_last(b, axis), _to_last(a, axis), _to_last(x, axis)
    K = max(b_.shape[-1], a_.shape[-1]) - 1
    shapes = [b_.shape[:-1], a_.shape[:-1], x_.shape[:-1]]
    zero_state = zi is not None and _np.ndim(zi) == 0
    if zi is not None and not zero_state:
        zi_ = _to_last(zi, axis)
        shapes.append(zi_.shape[:-1])
    loop = _np.broadcast_shapes(*shapes)
    xb = _np.broadcast_to(x_, loop + x_.shape[-1:])
    if zi is not None:
        if zero_state:
            zi_ = _np.zeros(loop + (K,), dtype=_np.result_type(b_, a_, x_))
        else:
            zi_ = _np.broadcast_to(zi_, loop + zi_.shape[-1:])
    coef = _np.broadcast_shapes(b_.shape[:-1], a_.shape[:-1])
    coef = (1,) * (len(loop) - len(coef)) + coef
    bb = _np.broadcast_to(b_, coef + b_.shape[-1:])
    ab = _np.broadcast_to(a_, coef + a_.shape[-1:])
    out = None
    for idx in _np.ndindex(*coef):
        sel = tuple(i if c != 1 else slice(None) for i, c in zip(idx, coef))
        r = _ss.lfilter(bb[idx], ab[idx], xb[sel], axis=-1,
                        zi=None if zi is None else zi_[sel])
        if zi is not None:
            r = _np.concatenate([r[0], r[1]], axis=-1)
        if out is None:
            if all(c == 1 for c in coef):
                out = r
                break
            out = _np.empty(loop + r.shape[-1:], dtype=r.dtype)
        out[sel] = r
    return _np.moveaxis(out, -1, axis)


lfilter_p = primitive(_lfilter_impl, name="signal.lfilter")


def _ax_slice(v, start, stop, axis, step=None):
    """``v[start:stop:step]`` along the negative ``axis`` (any leading batch axes)."""
    return v[(Ellipsis, slice(start, stop, step)) + (slice(None),) * (-axis - 1)]


def _ax_flip(v, axis):
    return _ax_slice(v, None, None, axis, -1)


def _zero_state(zi):
    return None if zi is None else 0


def _lf_pad(t, arg, ans):
    """Tangent ``t`` of ``arg`` with unit axes after its batch axes, so that it has
    ``ndim(ans)`` axes after them (and broadcasts as ``arg`` did)."""
    nb = ndim_of(t) - ndim_of(arg)
    return _padded(t, ndim_of(ans), nb)


def _lf_y(ans, x, zi, axis):
    return ans if zi is None else _ax_slice(ans, 0, shape_of(x)[axis], axis)


def _lf_jvp_b(t, ans, b, a, x, zi=None, axis=-1):
    return lfilter_p(_lf_pad(t, b, ans), a, x, _zero_state(zi), axis=axis)


def _lf_jvp_a(t, ans, b, a, x, zi=None, axis=-1):
    t = _lf_pad(t, a, ans)
    y = _lf_y(ans, x, zi, axis)
    if zi is None:
        return -lfilter_p(t, a, y, None, axis=axis)
    # zi is the state of the filter normalized by a[0]: a change of a[0] alone
    # rescales it.  (db, da) acts as (db - b s, da - a s), s = da[0] / a[0], which
    # keeps a[0]: there the change of the normalized a acts through -lfilter(., a, y).
    s = _ax_slice(t, 0, 1, axis) / _ax_slice(a, 0, 1, axis)
    da = t - a * s
    extra = shape_of(b)[axis] - shape_of(a)[axis]
    if extra > 0:    # the state has max(len(a), len(b)) - 1 entries: pad da
        zs = list(shape_of(da))
        zs[axis] = extra
        da = dnp.concatenate([da, _np.zeros(zs, dtype=_np.result_type(primal_of(da)))],
                             axis=axis)
    return (-lfilter_p(da, a, y, 0, axis=axis)
            - s * lfilter_p(b, a, x, 0, axis=axis))


def _lf_jvp_x(t, ans, b, a, x, zi=None, axis=-1):
    return lfilter_p(b, a, _lf_pad(t, x, ans), _zero_state(zi), axis=axis)


def _lf_jvp_zi(t, ans, b, a, x, zi=None, axis=-1):
    zb = _np.zeros(shape_of(b), dtype=_np.result_type(primal_of(b)))
    zx = _np.zeros(shape_of(x), dtype=_np.result_type(primal_of(x)))
    return lfilter_p(zb, a, zx, _lf_pad(t, zi, ans), axis=axis)


def _lf_cot(g, a, x, zi, axis):
    """The cotangent ``g`` (of y, or of [y, zf]) as one of the output of the filter
    run from rest on x followed by K zeros: zf = T^-1 (those K outputs), T^-1 the
    lower-triangular Toeplitz matrix of a / a[0]; so ``[g_y, T^-T g_zf]``, flipped."""
    if zi is None:
        return _ax_flip(g, axis)
    n = shape_of(x)[axis]
    gz = _ax_slice(g, n, None, axis)
    w = lfilter_p(a, _ax_slice(a, 0, 1, axis), _ax_flip(gz, axis), None, axis=axis)
    return dnp.concatenate([w, _ax_flip(_ax_slice(g, 0, n, axis), axis)], axis=axis)


def _lf_q(g, a, x, zi, axis):
    """``R^T`` of the cotangent, R the recursive part 1 / A(z) of the filter (with
    1 / a[0]): the transpose of a causal filter is that filter run backwards."""
    one = _np.ones((1,) * -axis, dtype=_np.result_type(primal_of(a)))
    return _ax_flip(lfilter_p(one, a, _lf_cot(g, a, x, zi, axis), None, axis=axis), axis)


def _lf_corr(q, w, n, axis):
    """``c[k] = sum_m q[m + k] w[m]`` for lags k < n, summed along ``axis``
    (leading axes kept): the transpose, in the coefficients, of convolving them
    with ``w``."""
    lq, lw = shape_of(q)[axis], shape_of(w)[axis]
    parts = []
    for k in range(n):
        m = max(0, min(lw, lq - k))
        parts.append(dnp.sum(_ax_slice(q, k, k + m, axis) * _ax_slice(w, 0, m, axis),
                             axis=axis, keepdims=True))
    return dnp.concatenate(parts, axis=axis)


def _lf_nb(g, ans):
    return ndim_of(g) - ndim_of(ans)


def _lf_vjp_b(g, ans, b, a, x, zi=None, axis=-1):
    q = _lf_q(g, a, x, zi, axis)
    return sum_to(_lf_corr(q, x, shape_of(b)[axis], axis), shape_of(b), _lf_nb(g, ans))


def _lf_vjp_a(g, ans, b, a, x, zi=None, axis=-1):
    q = _lf_q(g, a, x, zi, axis)
    ga = -_lf_corr(q, _lf_y(ans, x, zi, axis), shape_of(a)[axis], axis)
    if zi is not None:           # the transpose of the a[0] term of the JVP
        cx = _lf_corr(q, x, shape_of(b)[axis], axis)
        c = (dnp.sum(a * ga, axis=axis, keepdims=True)
             + dnp.sum(b * cx, axis=axis, keepdims=True)) / _ax_slice(a, 0, 1, axis)
        e0 = _np.zeros(shape_of(a)[axis])
        e0[0] = 1.0
        ga = ga - c * e0.reshape(e0.shape + (1,) * (-axis - 1))
    return sum_to(ga, shape_of(a), _lf_nb(g, ans))


def _lf_vjp_x(g, ans, b, a, x, zi=None, axis=-1):
    r = _ax_flip(lfilter_p(b, a, _lf_cot(g, a, x, zi, axis), None, axis=axis), axis)
    r = _ax_slice(r, 0, shape_of(x)[axis], axis)
    return sum_to(r, shape_of(x), _lf_nb(g, ans))


def _lf_vjp_zi(g, ans, b, a, x, zi=None, axis=-1):
    q = _lf_q(g, a, x, zi, axis)
    r = _ax_slice(a, 0, 1, axis) * _ax_slice(q, 0, shape_of(zi)[axis], axis)
    return sum_to(r, shape_of(zi), _lf_nb(g, ans))


defjvp(lfilter_p, _lf_jvp_b, _lf_jvp_a, _lf_jvp_x, _lf_jvp_zi)
defvjp_direct(lfilter_p, _lf_vjp_b, _lf_vjp_a, _lf_vjp_x, _lf_vjp_zi)


def _coef_axis(c, nd, axis, name):
    """1-D coefficients ``c`` as an ``nd``-D array holding them along ``axis``."""
    if ndim_of(c) == 0:
        c = dnp.reshape(c, (1,))
    if ndim_of(c) != 1 or shape_of(c)[0] == 0:
        raise ValueError(f"Parameter {name} is not a non-empty 1d array, since "
                         f"{name}.shape={tuple(shape_of(c))}!")
    return dnp.reshape(c, shape_of(c) + (1,) * (-axis - 1))


def _neg_axis(axis, nd):
    axis = operator.index(axis)
    if not -nd <= axis < nd:
        raise _np.exceptions.AxisError(axis, nd)
    return axis - nd if axis >= 0 else axis


def lfilter(b, a, x, axis=-1, zi=None):
    """``scipy.signal.lfilter``: ``y``, or ``(y, zf)`` when ``zi`` is given,
    differentiable in ``b``, ``a``, ``x`` and ``zi`` to any order, with SciPy's
    values (its own lfilter runs on the values).

    The derivative in ``x`` is ``lfilter(b, a, dx)``, in ``b`` ``lfilter(db, a, x)``,
    in ``a`` ``-lfilter(da, a, y)`` (plus, with ``zi``, the rescaling of the state by
    a change of ``a[0]``); reverse mode runs the filter backwards in time.

    With an empty ``x`` and ``zi`` given, ``zf`` is ``zi`` (broadcast to the
    state's shape; derivative the identity in ``zi``): nothing was filtered.
    This deliberately differs from SciPy, which returns uninitialized memory.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import signal
    >>> x = np.array([1.0, 0.0, 0.0, 0.0])          # y[n] = x[n] + c y[n-1] = c^n
    >>> ad.jacfwd(lambda c: signal.lfilter(np.array([1.0]), ad.numpy.stack([1.0, -c]), x))(0.5)
    array([0.  , 1.  , 1.  , 0.75])
    """
    if not any(isinstance(v, Tracer) for v in (b, a, x, zi)):
        out = _ss.lfilter(b, a, x, axis=axis, zi=zi)
        if zi is not None and _np.shape(x)[axis] == 0:
            # SciPy returns uninitialized memory for zf here: nothing was
            # filtered, so the final state is the initial one
            zf = _np.broadcast_to(_np.asarray(zi), out[1].shape).astype(out[1].dtype)
            return out[0], zf
        return out
    x = x if isinstance(x, Tracer) else _np.asarray(x)
    nd = ndim_of(x)
    if nd == 0:
        raise ValueError("x must be at least 1-D")
    ax = _neg_axis(axis, nd)
    b = b if isinstance(b, Tracer) else _np.atleast_1d(_np.asarray(b))
    a = a if isinstance(a, Tracer) else _np.atleast_1d(_np.asarray(a))
    bb, aa = _coef_axis(b, nd, ax, "b"), _coef_axis(a, nd, ax, "a")
    if zi is None:
        return lfilter_p(bb, aa, x, None, axis=ax)
    zi = zi if isinstance(zi, Tracer) else _np.asarray(zi)
    K = max(shape_of(bb)[ax], shape_of(aa)[ax]) - 1
    expected = list(shape_of(x))
    expected[ax] = K
    zs = shape_of(zi)
    if (ndim_of(zi) != nd or zs[ax] != K
            or any(z not in (e, 1) for z, e in zip(zs, expected))):
        raise ValueError(f"Unexpected shape for parameter zi: expected "
                         f"{tuple(expected)}, found {tuple(zs)}.")
    n = shape_of(x)[ax]
    if n == 0:    # nothing filtered: zf = zi (SciPy returns uninitialized memory)
        y, zf = _ss.lfilter(primal_of(b), primal_of(a), primal_of(x), axis=ax,
                            zi=primal_of(zi))
        zf_t = dnp.broadcast_to(zi, zf.shape)
        if _np.result_type(primal_of(zf_t)) != zf.dtype:
            zf_t = dnp.astype(zf_t, zf.dtype)
        return y, zf_t
    out = lfilter_p(bb, aa, x, zi, axis=ax)
    return _ax_slice(out, 0, n, ax), _ax_slice(out, n, None, ax)


def _traced(*vs):
    return any(isinstance(v, Tracer) for v in vs)


def _arr(v):
    return v if isinstance(v, Tracer) else _np.asarray(v)


def lfilter_zi(b, a):
    """``scipy.signal.lfilter_zi``: the steady state of the step response,
    SciPy's steps (normalization by ``a[0]``, the solve of ``(I - A) zi = B``)
    and errors, differentiable in ``b`` and ``a``."""
    if not _traced(b, a):
        return _ss.lfilter_zi(b, a)
    b = dnp.atleast_1d(_arr(b))
    if ndim_of(b) != 1:
        raise ValueError("Numerator b must be 1-D.")
    a = dnp.atleast_1d(_arr(a))
    if ndim_of(a) != 1:
        raise ValueError("Denominator a must be 1-D.")
    while shape_of(a)[0] > 1 and primal_of(a)[0] == 0.0:
        a = a[1:]
    if shape_of(a)[0] < 1:
        raise ValueError("There must be at least one nonzero `a` coefficient.")
    if isinstance(a, Tracer) or primal_of(a)[0] != 1.0:
        # a traced a[0] of value 1 is divided too (exactly), for its derivative
        b = b / a[0]
        a = a / a[0]
    n = max(shape_of(a)[0], shape_of(b)[0])
    if shape_of(a)[0] < n:
        a = dnp.concatenate([a, _np.zeros(n - shape_of(a)[0], dtype=_np.result_type(primal_of(a)))])
    elif shape_of(b)[0] < n:
        b = dnp.concatenate([b, _np.zeros(n - shape_of(b)[0], dtype=_np.result_type(primal_of(b)))])
    dt = _np.result_type(primal_of(a), primal_of(b))
    if n == 1:
        # SciPy's companion(a) needs two coefficients (a NaN a[0] after dividing an
        # all-zero a by itself leaves n >= 2 only when b is longer)
        raise ValueError("The length of `a` along the last axis must be at least 2.")
    # I - companion(a).T: its first column is e0 + a[1:] / a[0] (as 1 - (-a1), 0 - (-ak)),
    # the rest the constant identity minus the superdiagonal
    rest = _np.eye(n - 1, dtype=dt) - _np.eye(n - 1, k=1, dtype=dt)
    rest[0, 0] = 0.0
    e0 = _np.zeros(n - 1, dtype=dt)
    e0[0] = 1.0
    col = e0 - (-a[1:] / a[0])
    iminus_a = rest + dnp.reshape(col, (n - 1, 1)) * e0
    if _np.result_type(primal_of(iminus_a)) != dt:
        iminus_a = dnp.astype(iminus_a, dt)
    rhs = b[1:] - a[1:] * b[0]
    return dnp.linalg.solve(iminus_a, rhs)


def _check_sos(sos):
    sos = _arr(sos)
    if ndim_of(sos) < 2:
        sos = dnp.reshape(sos, (1,) * (2 - ndim_of(sos)) + tuple(shape_of(sos)))
    if ndim_of(sos) != 2:
        raise ValueError('sos array must be 2D')
    n_sections, m = shape_of(sos)
    if m != 6:
        raise ValueError('sos array must be shape (n_sections, 6)')
    if not _np.all(primal_of(sos)[:, 3] == 1):
        raise ValueError('sos[:, 3] should be all ones')
    return sos, n_sections


def sosfilt_zi(sos):
    """``scipy.signal.sosfilt_zi``: each section's ``lfilter_zi`` scaled by the
    DC gains of the sections before it, differentiable in ``sos``."""
    if not _traced(sos):
        return _ss.sosfilt_zi(sos)
    if ndim_of(sos) != 2 or shape_of(sos)[1] != 6:
        raise ValueError('sos must be shape (n_sections, 6)')
    dt = _np.result_type(primal_of(sos))
    if dt.kind in "biu":
        sos = dnp.astype(sos, _np.float64)
        dt = _np.dtype(_np.float64)
    rows = []
    scale = 1.0
    for section in range(shape_of(sos)[0]):
        b = sos[section, :3]
        a = sos[section, 3:]
        rows.append(scale * lfilter_zi(b, a))
        scale = scale * (dnp.sum(b) / dnp.sum(a))
    zi = dnp.stack(rows)
    return zi if _np.result_type(primal_of(zi)) == dt else dnp.astype(zi, dt)


def sosfilt(sos, x, axis=-1, zi=None):
    """``scipy.signal.sosfilt``: the second-order sections applied in cascade,
    each an ``lfilter`` (``zi`` of shape ``(n_sections, ..., 2, ...)``; returns
    ``(y, zf)`` with it), differentiable in ``sos``, ``x`` and ``zi``."""
    if not _traced(sos, x, zi):
        return _ss.sosfilt(sos, x, axis=axis, zi=zi)
    x = _arr(x)
    sos, n_sections = _check_sos(sos)
    nd = ndim_of(x)
    ax = _neg_axis(axis, nd)
    inputs = [primal_of(sos), primal_of(x)] + ([] if zi is None else [primal_of(zi)])
    dtype = _np.result_type(*inputs)
    if dtype.char not in 'fdgFDGO':
        raise NotImplementedError(f"input type '{dtype}' not supported")
    if zi is not None:
        zi = _arr(zi)
        want = list(shape_of(x))
        want[ax] = 2
        want = tuple([n_sections] + want)
        if tuple(shape_of(zi)) != want:
            raise ValueError(f"Invalid zi shape. With axis={axis!r}, an input with shape "
                             f"{tuple(shape_of(x))!r}, and an sos array with {n_sections} "
                             f"sections, zi must have shape {want!r}, got "
                             f"{tuple(shape_of(zi))!r}.")
    if _np.result_type(primal_of(x)) != dtype:
        x = dnp.astype(x, dtype)
    if _np.result_type(primal_of(sos)) != dtype:
        sos = dnp.astype(sos, dtype)
    y, zfs = x, []
    for s in range(n_sections):
        if zi is None:
            y = lfilter(sos[s, :3], sos[s, 3:], y, axis=ax)
        else:
            zs = zi[s] if _np.result_type(primal_of(zi)) == dtype else dnp.astype(zi[s], dtype)
            y, zf = lfilter(sos[s, :3], sos[s, 3:], y, axis=ax, zi=zs)
            zfs.append(zf)
    # SciPy's biquad loop rounds differently from lfilter (its state update adds in
    # another order): the cascade's value (about 1e-16 of max|y| away) is moved to
    # SciPy's own, a constant added, so the derivatives are the cascade's
    ref = _ss.sosfilt(primal_of(sos), primal_of(x), axis=axis,
                      zi=None if zi is None else primal_of(zi))
    if zi is None:
        return _to_value(y, ref)
    zf = dnp.stack(zfs)
    return _to_value(y, ref[0]), _to_value(zf, ref[1])


def _to_value(v, ref):
    """Traced ``v`` with the value ``ref`` (close to its own) and its derivatives."""
    d = ref - primal_of(v)
    return v + d if _np.any(d) else v


def _ext(x, n, axis, kind):
    """SciPy's ``odd_ext``, ``even_ext`` and ``const_ext`` along the negative ``axis``."""
    if n < 1:
        return x
    if kind != "constant" and n > shape_of(x)[axis] - 1:
        raise ValueError(("The extension length n (%d) is too big. " +
                          "It must not exceed x.shape[axis]-1, which is %d.")
                         % (n, shape_of(x)[axis] - 1))
    left_end = _ax_slice(x, 0, 1, axis)
    right_end = _ax_slice(x, -1, None, axis)
    if kind == "constant":
        ones_shape = [1] * ndim_of(x)
        ones_shape[axis] = n
        ones = _np.ones(ones_shape, dtype=_np.result_type(primal_of(x)))
        return dnp.concatenate([ones * left_end, x, ones * right_end], axis=axis)
    left_ext = _ax_slice(x, n, 0, axis, -1)
    right_ext = _ax_slice(x, -2, -(n + 2), axis, -1)
    if kind == "odd":
        left_ext = 2 * left_end - left_ext
        right_ext = 2 * right_end - right_ext
    return dnp.concatenate([left_ext, x, right_ext], axis=axis)


def _validate_pad(padtype, padlen, x, axis, ntaps):
    if padtype not in ['even', 'odd', 'constant', None]:
        raise ValueError(f"Unknown value '{padtype}' given to padtype. "
                         "padtype must be 'even', 'odd', 'constant', or None.")
    if padtype is None:
        padlen = 0
    edge = ntaps * 3 if padlen is None else padlen
    if shape_of(x)[axis] <= edge:
        raise ValueError(f"The length of the input vector x must be greater than padlen, "
                         f"which is {edge}.")
    ext = _ext(x, edge, axis, padtype) if padtype is not None and edge > 0 else x
    return edge, ext


def filtfilt(b, a, x, axis=-1, padtype='odd', padlen=None, method='pad', irlen=None):
    """``scipy.signal.filtfilt`` (``method='pad'``): SciPy's steps (the padded
    extension, ``lfilter_zi`` times the first value as the state, the forward
    filter, the backward filter from the last value) with differentiable
    operations, so the values are SciPy's; differentiable in ``b``, ``a``, ``x``.
    ``method='gust'`` is not differentiable here (a ``NotImplementedError`` for
    traced arguments)."""
    if not _traced(b, a, x):
        return _ss.filtfilt(b, a, x, axis=axis, padtype=padtype, padlen=padlen,
                            method=method, irlen=irlen)
    if method not in ["pad", "gust"]:
        raise ValueError("method must be 'pad' or 'gust'.")
    if method == "gust":
        raise NotImplementedError("dualad.scipy.signal.filtfilt differentiates "
                                  "method='pad' only, not 'gust'")
    b = dnp.atleast_1d(_arr(b))
    a = dnp.atleast_1d(_arr(a))
    x = _arr(x)
    ax = _neg_axis(axis, ndim_of(x))
    edge, ext = _validate_pad(padtype, padlen, x, ax,
                              ntaps=max(shape_of(a)[0], shape_of(b)[0]))
    zi = lfilter_zi(b, a)
    zi_shape = [1] * ndim_of(x)
    zi_shape[ax] = shape_of(zi)[0]
    zi = dnp.reshape(zi, zi_shape)
    y, _ = lfilter(b, a, ext, axis=ax, zi=zi * _ax_slice(ext, None, 1, ax))
    y0 = _ax_slice(y, -1, None, ax)
    y, _ = lfilter(b, a, _ax_flip(y, ax), axis=ax, zi=zi * y0)
    y = _ax_flip(y, ax)
    if edge > 0:
        y = _ax_slice(y, edge, -edge, ax)
    return y


def sosfiltfilt(sos, x, axis=-1, padtype='odd', padlen=None):
    """``scipy.signal.sosfiltfilt``: SciPy's steps with ``sosfilt`` and
    ``sosfilt_zi``, differentiable in ``sos`` and ``x``."""
    if not _traced(sos, x):
        return _ss.sosfiltfilt(sos, x, axis=axis, padtype=padtype, padlen=padlen)
    sos, n_sections = _check_sos(sos)
    x = _arr(x)
    ax = _neg_axis(axis, ndim_of(x))
    sv = primal_of(sos)
    ntaps = 2 * n_sections + 1
    ntaps -= min(int((sv[:, 2] == 0).sum()), int((sv[:, 5] == 0).sum()))
    edge, ext = _validate_pad(padtype, padlen, x, ax, ntaps=ntaps)
    zi = sosfilt_zi(sos)
    zi_shape = [1] * ndim_of(x)
    zi_shape[ax] = 2
    zi = dnp.reshape(zi, [n_sections] + zi_shape)
    y, _ = sosfilt(sos, ext, axis=ax, zi=zi * _ax_slice(ext, None, 1, ax))
    y0 = _ax_slice(y, -1, None, ax)
    y, _ = sosfilt(sos, _ax_flip(y, ax), axis=ax, zi=zi * y0)
    y = _ax_flip(y, ax)
    if edge > 0:
        y = _ax_slice(y, edge, -edge, ax)
    return y


# --- Savitzky-Golay ---------------------------------------------------------------
def _sg_index(n, pad, mode):
    """Indices into ``x`` (``n`` for the fill value ``cval``) of the positions
    ``-pad .. n + pad - 1`` extended as ``scipy.ndimage``'s ``mode`` does."""
    if mode == "constant":
        r = _np.arange(-pad, n + pad)
        return _np.where((r >= 0) & (r < n), r, n)
    return _np.pad(_np.arange(n), pad, mode={"mirror": "reflect", "nearest": "edge",
                                             "wrap": "wrap"}[mode])


def _sg_polyder(p, m):
    """SciPy's ``_polyder``: the m-th derivative of the polynomials whose
    coefficients (highest power first) are the columns of ``p``."""
    if m == 0:
        return p
    n = len(p)
    if n <= m:
        return _np.zeros_like(p[:1, ...])
    dp = p[:-m].copy()
    for k in range(m):
        dp *= _np.arange(n - k - 1, m - k - 1, -1).reshape((n - m,) + (1,) * (p.ndim - 1))
    return dp


def _sg_map(n, window_length, polyorder, deriv, mode):
    """The linear map of ``savgol_filter`` (with ``delta=1``) as an index matrix
    ``idx`` and a weight matrix ``w`` (both ``n x window_length``):
    ``y[i] = sum_j w[i, j] xe[idx[i, j]]``, ``xe`` being ``x`` followed by ``cval``.
    SciPy's steps: ``convolve1d`` with ``savgol_coeffs`` (``y[i] = sum_j c[j]
    x[i + window_length // 2 - j]``, ``x`` extended by ``mode``); for 'interp' the
    first and last ``window_length // 2`` outputs are instead the ``deriv``-th
    derivative of the polynomial ``polyfit`` to the first (last)
    ``window_length`` points, at those points: ``polyfit`` applied to the unit
    vectors gives that map."""
    c = _ss.savgol_coeffs(window_length, polyorder, deriv=deriv)
    half = window_length // 2
    ext = _sg_index(n, window_length, "constant" if mode == "interp" else mode)
    pos = _np.arange(n)[:, None] + window_length + half - _np.arange(window_length)
    idx = ext[pos]
    w = _np.broadcast_to(c, (n, window_length)).copy()
    if mode == "interp" and half > 0:
        t = _np.arange(window_length)
        coef = _sg_polyder(_np.polyfit(t, _np.eye(window_length), polyorder), deriv)
        edge = _np.polyval(coef, t.reshape(-1, 1))      # row k: the fit's value at t = k
        idx[:half] = t
        w[:half] = edge[:half]
        idx[n - half:] = n - window_length + t
        w[n - half:] = edge[window_length - half:]
    return idx, w


def savgol_filter(x, window_length, polyorder, deriv=0, delta=1.0, axis=-1,
                  mode="interp", cval=0.0):
    """``scipy.signal.savgol_filter``, differentiable in ``x`` (it is linear in
    ``x``: the Jacobian is SciPy's own linear map), ``delta`` (the result scales
    as ``delta**-deriv``) and ``cval`` (``mode='constant'``); every mode
    ('interp', 'mirror', 'constant', 'nearest', 'wrap'), N-D along ``axis``.

    SciPy's steps (the ``savgol_coeffs`` convolution with the edges extended as
    ``scipy.ndimage.convolve1d`` does, or, for 'interp', the polynomial fitted to
    each edge window) are one linear map computed on plain numbers, applied to
    ``x`` with differentiable gathers, products and sums; the value returned is
    SciPy's own (the map's value is within rounding of it, the difference added
    as a constant).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import signal
    >>> t = np.arange(7.0)
    >>> float(ad.grad(lambda d: signal.savgol_filter(t ** 2, 5, 2, deriv=1, delta=d)[3])(1.0).round(12))
    -6.0
    """
    if not _traced(x, delta, cval):
        return _ss.savgol_filter(x, window_length, polyorder, deriv=deriv, delta=delta,
                                 axis=axis, mode=mode, cval=cval)
    x = _arr(x)
    ref = _ss.savgol_filter(primal_of(x), window_length, polyorder, deriv=deriv,
                            delta=primal_of(delta), axis=axis, mode=mode,
                            cval=primal_of(cval))        # SciPy's value, and its errors
    dt = ref.dtype
    if _np.result_type(primal_of(x)) != dt:
        x = dnp.astype(x, dt)
    ax = _neg_axis(axis, ndim_of(x))
    xm = dnp.moveaxis(x, ax, -1)
    n = shape_of(xm)[-1]
    idx, w = _sg_map(n, window_length, polyorder, deriv, mode)
    if mode == "constant":
        fill = dnp.astype(cval, dt) if isinstance(cval, Tracer) else _np.asarray(cval, dtype=dt)
        xm = dnp.concatenate([xm, fill * _np.ones(shape_of(xm)[:-1] + (1,), dtype=dt)],
                             axis=-1)
    y = dnp.sum(xm[..., idx] * w.astype(dt), axis=-1)
    if deriv > 0 and isinstance(delta, Tracer):
        y = y * delta ** (-deriv)
    elif deriv > 0:
        y = y / _np.asarray(delta, dtype=dt) ** deriv
    if _np.result_type(primal_of(y)) != dt:
        y = dnp.astype(y, dt)
    return _to_value(dnp.moveaxis(y, -1, ax), ref)


# --- 2-D convolution with boundary conditions --------------------------------------
def _c2_index(m, pad, boundary):
    """Indices into a length-``m`` axis (``m`` for the fill value) of the positions
    ``-pad .. m + pad - 1`` extended by ``boundary``."""
    if boundary == "fill":
        r = _np.arange(-pad, m + pad)
        return _np.where((r >= 0) & (r < m), r, m)
    return _np.pad(_np.arange(m), pad, mode={"wrap": "wrap", "symm": "symmetric"}[boundary])


def _conv2d(in1, in2, mode, boundary, fillvalue, correlate=False):
    """SciPy's ``_convolve2d`` (flip=1) on traced inputs: ``in1`` extended by
    ``boundary`` far enough for every 'full' output, the 'valid' part of its
    direct convolution with ``in2`` (the full result), sliced to ``mode`` ('same'
    centred as SciPy's correlation when ``correlate``: ``in2`` is then the
    reversed kernel)."""
    (m, n), (p, q) = shape_of(in1), shape_of(in2)
    if boundary == "fill":
        dt = _np.result_type(primal_of(in1), primal_of(fillvalue))
        fv = fillvalue if isinstance(fillvalue, Tracer) else _np.asarray(fillvalue, dtype=dt)
        in1 = dnp.concatenate([in1, fv * _np.ones((m, 1), dtype=dt)], axis=1)
        in1 = dnp.concatenate([in1, fv * _np.ones((1, n + 1), dtype=dt)], axis=0)
    ri = _c2_index(m, p - 1, boundary)
    ci = _c2_index(n, q - 1, boundary)
    ext = in1[ri[:, None], ci[None, :]]
    full = conv_p(ext, in2)[p - 1:p - 1 + m + p - 1, q - 1:q - 1 + n + q - 1]
    if mode == "same" and correlate:    # SciPy's correlation centres at in2's shape // 2
        return full[p // 2:p // 2 + m, q // 2:q // 2 + n]
    return _slice_mode(full, (m, n), (p, q), mode)


def _c2_args(name, in1, in2, mode, boundary, fillvalue):
    in1, in2 = _arr(in1), _arr(in2)
    if not ndim_of(in1) == ndim_of(in2) == 2:
        raise ValueError(f"{name} inputs must both be 2-D arrays")
    ref = getattr(_ss, name)(primal_of(in1), primal_of(in2), mode=mode, boundary=boundary,
                             fillvalue=primal_of(fillvalue))   # SciPy's value and errors
    swap = _swap_needed(mode, shape_of(in1), shape_of(in2), (0, 1))
    boundary = {"fill": "fill", "pad": "fill", "wrap": "wrap", "circular": "wrap",
                "symm": "symm", "symmetric": "symm"}[boundary]
    return in1, in2, swap, boundary, ref


def _c2_out(out, ref):
    if _np.result_type(primal_of(out)) != ref.dtype:
        out = dnp.astype(out, ref.dtype)
    return _to_value(out, ref)


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """``scipy.signal.convolve2d`` (modes 'full', 'same', 'valid'; boundaries
    'fill', 'wrap', 'symm'), differentiable in ``in1``, ``in2`` and
    ``fillvalue``: ``in1`` extended by the boundary condition (a differentiable
    gather), then convolved with ``in2`` by the direct convolution primitive;
    the value returned is SciPy's own."""
    if not _traced(in1, in2, fillvalue):
        return _ss.convolve2d(in1, in2, mode=mode, boundary=boundary, fillvalue=fillvalue)
    in1, in2, swap, boundary, ref = _c2_args("convolve2d", in1, in2, mode, boundary, fillvalue)
    if swap:
        in1, in2 = in2, in1
    return _c2_out(_conv2d(in1, in2, mode, boundary, fillvalue), ref)


def correlate2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """``scipy.signal.correlate2d``: as SciPy, the convolution of ``in1`` with
    ``in2`` conjugated and reversed (``in1`` and ``in2`` swapped for 'valid'
    when ``in2`` is the larger, the result reversed), differentiable in
    ``in1``, ``in2`` and ``fillvalue``."""
    if not _traced(in1, in2, fillvalue):
        return _ss.correlate2d(in1, in2, mode=mode, boundary=boundary, fillvalue=fillvalue)
    in1, in2, swap, boundary, ref = _c2_args("correlate2d", in1, in2, mode, boundary, fillvalue)
    if swap:
        in1, in2 = in2, in1
    k = _flip_all(in2)
    if _np.iscomplexobj(primal_of(k)):
        k = dnp.conj(k)
    out = _conv2d(in1, k, mode, boundary, fillvalue, correlate=True)
    return _c2_out(_flip_all(out) if swap else out, ref)


# --- spectral analysis (dualad/scipy/_signal_spectral.py) --------------------------
from ._signal_spectral import (coherence, csd, detrend, hilbert, istft,  # noqa: E402
                               periodogram, spectrogram, stft, welch)

__all__ += ["detrend", "hilbert", "periodogram", "welch", "csd", "coherence",
            "spectrogram", "stft", "istft"]
from ._signal_resample import decimate, resample, resample_poly, upfirdn  # noqa: E402

__all__ += ["upfirdn", "resample", "resample_poly", "decimate"]
from ._signal_misc import freqz, freqz_sos, medfilt, sosfreqz  # noqa: E402

__all__ += ["freqz", "sosfreqz", "freqz_sos", "medfilt"]
