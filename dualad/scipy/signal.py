"""Differentiable ``scipy.signal`` convolutions.

One primitive, ``"signal.convolve"``: the full N-D convolution, bilinear in
its two arguments.  Its JVP in one argument convolves the tangent with the
other argument; its VJP is the 'valid' part of the convolution of the
cotangent with the other argument reversed (no conjugate: the transpose
convention).  ``mode='same'`` and ``'valid'`` slice the full result, and
``correlate`` convolves with the reversed (conjugated) second argument, so
all of ``convolve``, ``correlate`` and ``fftconvolve`` differentiate in both
arguments through the one primitive.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import signal
>>> ad.grad(lambda k: signal.convolve(np.array([1.0, 2.0, 3.0]), k, mode="valid").sum())(np.ones(2))
array([5., 3.])
"""
from __future__ import annotations

import numpy as _np
import scipy.signal as _ss

from .. import numpy as dnp
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of

__all__ = ["convolve", "correlate", "fftconvolve"]


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


def convolve(in1, in2, mode="full", method="auto"):
    """``scipy.signal.convolve`` (N-D, modes 'full', 'same', 'valid'),
    differentiable in both inputs.  ``method`` only matters for plain inputs."""
    _check(in1, in2)
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.convolve(in1, in2, mode=mode, method=method)
    if ndim_of(in1) == 0:
        return in1 * in2
    return _slice_mode(conv_p(in1, in2), shape_of(in1), shape_of(in2), mode)


def fftconvolve(in1, in2, mode="full", axes=None):
    """``scipy.signal.fftconvolve`` over all axes, differentiable in both inputs."""
    if axes is not None:
        raise NotImplementedError("dualad.scipy.signal.fftconvolve: axes= is not supported")
    _check(in1, in2)
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.fftconvolve(in1, in2, mode=mode)
    return convolve(in1, in2, mode=mode)


def correlate(in1, in2, mode="full", method="auto"):
    """``scipy.signal.correlate`` (N-D, modes 'full', 'same', 'valid'),
    differentiable in both inputs."""
    _check(in1, in2)
    if not isinstance(in1, Tracer) and not isinstance(in2, Tracer):
        return _ss.correlate(in1, in2, mode=mode, method=method)
    if ndim_of(in1) == 0:
        return in1 * (dnp.conj(in2) if _np.iscomplexobj(primal_of(in2)) else in2)
    s1, s2 = shape_of(in1), shape_of(in2)
    rev = _flip_all(in2)
    if _np.iscomplexobj(primal_of(in2)):
        rev = dnp.conj(rev)
    full = conv_p(in1, rev)
    return _slice_mode(full, s1, s2, mode)
