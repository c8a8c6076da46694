"""Differentiable ``numpy.fft``: the rule table.

Every transform is linear, so its JVP is the same transform applied to the
(batched) tangent, and its VJP is the transpose (JAX's convention: no complex
conjugation, the pairing is ``Re(sum(a * b))``).  Writing ``P`` for the
zero-padding / truncation to the transform length ``n``:

* ``fft`` / ``ifft`` (and the n-dimensional ones): the DFT matrix is
  symmetric, so the VJP is the same transform of ``g`` (length ``n``)
  followed by ``P^T`` (crop or zero-pad back to the input length).
* ``rfft``: the transform keeps ``n // 2 + 1`` outputs; its VJP zero-pads
  ``g`` to ``n``, applies ``fft``, then ``P^T`` and takes the real part.
* ``irfft``: the output is ``Re(M X)`` with Hermitian weights ``c_j`` (1 for
  the zero and Nyquist terms, 2 for the others); the VJP is
  ``c * ifft(g)[:n // 2 + 1]``.  ``hfft`` / ``ihfft`` likewise, with ``fft``
  and ``ifft`` exchanged.
* The ``norm`` scaling is the same in a transform and in its VJP.

A cotangent for a real input is real (the real part of the transpose).
Axes are stored negative, so the rules work with batch axes in front.

>>> import dualad as ad, dualad.numpy as np
>>> x = np.array([1.0, 2.0, 0.5, -1.0])
>>> ad.grad(lambda v: np.real(np.fft.fft(v)[1]))(x)  # cos(2 pi k / 4)
array([ 1.,  0., -1.,  0.])
"""
from __future__ import annotations

import numpy as _np
import numpy.fft as _nfft

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer as _Tracer
from ..tracer import primal_of, shape_of
from ._casting import real_for as _realify
from ._shape import concatenate


# --- helpers -----------------------------------------------------------------------
def _neg_axes(axes, nd):
    out = []
    for a in axes:
        a = int(a)
        if not -nd <= a < nd:
            raise ValueError(f"axis {a} is out of bounds for array of dimension {nd}")
        out.append(a % nd - nd)
    return tuple(out)


def _resize_axis(x, axis, n):
    """Crop or zero-pad ``x`` along (negative) ``axis`` to length ``n``."""
    shp = shape_of(x)
    cur = shp[axis]
    if cur == n:
        return x
    if cur > n:
        idx = (Ellipsis, slice(0, n)) + (slice(None),) * (-axis - 1)
        return x[idx]
    pad_shape = list(shp)
    pad_shape[axis] = n - cur
    zeros = _np.zeros(pad_shape, dtype=_np.result_type(primal_of(x)))
    return concatenate([x, zeros], axis=axis)


def _resize(x, axes, lengths):
    for a, n in zip(axes, lengths):
        x = _resize_axis(x, a, n)
    return x


def _herm_weights(n, axis, like):
    """``c_j`` for the ``n // 2 + 1`` half-spectrum terms, shaped to broadcast on ``axis``."""
    m = n // 2 + 1
    dt = _np.result_type(primal_of(like))
    dt = _np.finfo(dt).dtype if dt.kind in "fc" else _np.dtype(_np.float64)
    c = _np.full(m, 2.0, dtype=dt)
    c[0] = 1.0
    if n % 2 == 0:
        c[-1] = 1.0
    return c.reshape((m,) + (1,) * (-axis - 1))


# --- primitives ----------------------------------------------------------------------
def _fftn_impl(x, s, axes, norm):
    return _nfft.fftn(x, s=s, axes=axes, norm=norm)


def _ifftn_impl(x, s, axes, norm):
    return _nfft.ifftn(x, s=s, axes=axes, norm=norm)


def _rfftn_impl(x, s, axes, norm):
    return _nfft.rfftn(x, s=s, axes=axes, norm=norm)


def _irfftn_impl(x, s, axes, norm):
    return _nfft.irfftn(x, s=s, axes=axes, norm=norm)


def _hfft_impl(x, n, axis, norm):
    return _nfft.hfft(x, n=n, axis=axis, norm=norm)


def _ihfft_impl(x, n, axis, norm):
    return _nfft.ihfft(x, n=n, axis=axis, norm=norm)


fftn_p = primitive(_fftn_impl, name="fft.fftn")
ifftn_p = primitive(_ifftn_impl, name="fft.ifftn")
rfftn_p = primitive(_rfftn_impl, name="fft.rfftn")
irfftn_p = primitive(_irfftn_impl, name="fft.irfftn")
hfft_p = primitive(_hfft_impl, name="fft.hfft")
ihfft_p = primitive(_ihfft_impl, name="fft.ihfft")


def _same(p):
    def jvp(t, ans, x, s, axes, norm):
        return p(t, s, axes, norm)
    return jvp


def _c2c_vjp(p):
    def vjp(g, ans, x, s, axes, norm):
        r = p(g, s, axes, norm)
        xs = shape_of(x)
        return _realify(_resize(r, axes, [xs[a] for a in axes]), x)
    return vjp


defjvp(fftn_p, _same(fftn_p))
defvjp_direct(fftn_p, _c2c_vjp(fftn_p))
defjvp(ifftn_p, _same(ifftn_p))
defvjp_direct(ifftn_p, _c2c_vjp(ifftn_p))
defjvp(rfftn_p, _same(rfftn_p))
defjvp(irfftn_p, _same(irfftn_p))


def _rfftn_vjp(g, ans, x, s, axes, norm):
    g = _resize_axis(g, axes[-1], s[-1])          # zero-pad the half spectrum to n
    r = fftn_p(g, s, axes, norm)
    xs = shape_of(x)
    return _realify(_resize(r, axes, [xs[a] for a in axes]), x)


def _irfftn_vjp(g, ans, x, s, axes, norm):
    g = _realify(g, ans)     # a real output pairs with the real part of g only
    r = ifftn_p(g, s, axes, norm)
    n = s[-1]
    r = _resize_axis(r, axes[-1], n // 2 + 1) * _herm_weights(n, axes[-1], r)
    xs = shape_of(x)
    return _realify(_resize(r, axes, [xs[a] for a in axes]), x)


defvjp_direct(rfftn_p, _rfftn_vjp)
defvjp_direct(irfftn_p, _irfftn_vjp)


def _hfft_jvp(t, ans, x, n, axis, norm):
    return hfft_p(t, n, axis, norm)


def _hfft_vjp(g, ans, x, n, axis, norm):
    g = _realify(g, ans)     # as _irfftn_vjp
    r = fftn_p(g, (n,), (axis,), norm)
    r = _resize_axis(r, axis, n // 2 + 1) * _herm_weights(n, axis, r)
    return _realify(_resize_axis(r, axis, shape_of(x)[axis]), x)


def _ihfft_jvp(t, ans, x, n, axis, norm):
    return ihfft_p(t, n, axis, norm)


def _ihfft_vjp(g, ans, x, n, axis, norm):
    g = _resize_axis(g, axis, n)
    r = ifftn_p(g, (n,), (axis,), norm)
    return _realify(_resize_axis(r, axis, shape_of(x)[axis]), x)


defjvp(hfft_p, _hfft_jvp)
defvjp_direct(hfft_p, _hfft_vjp)
defjvp(ihfft_p, _ihfft_jvp)
defvjp_direct(ihfft_p, _ihfft_vjp)


def _shift_impl(x, axes):
    return _nfft.fftshift(x, axes=axes)


def _ishift_impl(x, axes):
    return _nfft.ifftshift(x, axes=axes)


fftshift_p = primitive(_shift_impl, name="fft.fftshift")
ifftshift_p = primitive(_ishift_impl, name="fft.ifftshift")
defjvp(fftshift_p, lambda t, ans, x, axes: fftshift_p(t, axes))
defvjp_direct(fftshift_p, lambda g, ans, x, axes: ifftshift_p(g, axes))
defjvp(ifftshift_p, lambda t, ans, x, axes: ifftshift_p(t, axes))
defvjp_direct(ifftshift_p, lambda g, ans, x, axes: fftshift_p(g, axes))


# --- argument normalisation --------------------------------------------------------------
def _check_norm(norm):
    if norm is None:
        return "backward"
    if norm not in ("backward", "ortho", "forward"):
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or "forward".')
    return norm


def _nd_args(a, s, axes, real_out_last=False):
    """Resolved ``(s, axes)``: explicit lengths and negative axes, as NumPy reads them."""
    shp = shape_of(a)
    nd = len(shp)
    if axes is None:
        axes = tuple(range(-len(s), 0)) if s is not None else tuple(range(-nd, 0))
    axes = _neg_axes(tuple(axes), nd)
    if s is None:
        s = [shp[ax] for ax in axes]
        if real_out_last:
            s[-1] = 2 * (s[-1] - 1)
    s = tuple(int(v) for v in s)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    for v in s:
        if v < 1:
            raise ValueError(f"Invalid number of FFT data points ({v}) specified.")
    return s, axes


def _repeats(axes):
    return len(set(axes)) < len(axes)


def _one_axis_at_a_time(p, a, s, axes, norm):
    """An n-d transform with an axis named twice, as NumPy computes it: 1-d
    transforms from the last axis given to the first.  The one-primitive
    form would resize each axis once, so its VJP would not be the transpose."""
    for n, ax in zip(reversed(s), reversed(axes)):
        a = p(a, (n,), (ax,), norm)
    return a


def _one(a, n, axis, real_out=False):
    s, axes = _nd_args(a, None if n is None else (n,), (axis,), real_out)
    return s, axes


# --- public functions ----------------------------------------------------------------------
def fft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.fft``."""
    if out is not None:
        return _nfft.fft(a, n, axis, norm, out=out)
    s, axes = _one(a, n, axis)
    return fftn_p(a, s, axes, _check_norm(norm))


def ifft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.ifft``."""
    if out is not None:
        return _nfft.ifft(a, n, axis, norm, out=out)
    s, axes = _one(a, n, axis)
    return ifftn_p(a, s, axes, _check_norm(norm))


def rfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.rfft``."""
    if out is not None:
        return _nfft.rfft(a, n, axis, norm, out=out)
    s, axes = _one(a, n, axis)
    return rfftn_p(a, s, axes, _check_norm(norm))


def irfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.irfft``."""
    if out is not None:
        return _nfft.irfft(a, n, axis, norm, out=out)
    s, axes = _one(a, n, axis, real_out=True)
    return irfftn_p(a, s, axes, _check_norm(norm))


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.hfft``."""
    if out is not None:
        return _nfft.hfft(a, n, axis, norm, out=out)
    s, axes = _one(a, n, axis, real_out=True)
    return hfft_p(a, s[0], axes[0], _check_norm(norm))


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.ihfft``."""
    if out is not None:
        return _nfft.ihfft(a, n, axis, norm, out=out)
    s, axes = _one(a, n, axis)
    return ihfft_p(a, s[0], axes[0], _check_norm(norm))


def fftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.fftn``."""
    if out is not None:
        return _nfft.fftn(a, s, axes, norm, out=out)
    s, axes = _nd_args(a, s, axes)
    if _repeats(axes):
        return _one_axis_at_a_time(fftn_p, a, s, axes, _check_norm(norm))
    return fftn_p(a, s, axes, _check_norm(norm))


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.ifftn``."""
    if out is not None:
        return _nfft.ifftn(a, s, axes, norm, out=out)
    s, axes = _nd_args(a, s, axes)
    if _repeats(axes):
        return _one_axis_at_a_time(ifftn_p, a, s, axes, _check_norm(norm))
    return ifftn_p(a, s, axes, _check_norm(norm))


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.rfftn``."""
    if out is not None:
        return _nfft.rfftn(a, s, axes, norm, out=out)
    s, axes = _nd_args(a, s, axes)
    norm = _check_norm(norm)
    if _repeats(axes):          # NumPy's order: the real transform on the last axis first
        a = rfftn_p(a, s[-1:], axes[-1:], norm)
        return _one_axis_at_a_time(fftn_p, a, s[:-1], axes[:-1], norm)
    return rfftn_p(a, s, axes, norm)


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.irfftn``."""
    if out is not None:
        return _nfft.irfftn(a, s, axes, norm, out=out)
    s, axes = _nd_args(a, s, axes, real_out_last=True)
    norm = _check_norm(norm)
    if _repeats(axes):          # NumPy's order: the complex axes first, in order
        for n, ax in zip(s[:-1], axes[:-1]):
            a = ifftn_p(a, (n,), (ax,), norm)
        return irfftn_p(a, s[-1:], axes[-1:], norm)
    return irfftn_p(a, s, axes, norm)


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.fft2``."""
    return fftn(a, s, axes, norm, out)


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.ifft2``."""
    return ifftn(a, s, axes, norm, out)


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.rfft2``."""
    return rfftn(a, s, axes, norm, out)


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.irfft2``."""
    return irfftn(a, s, axes, norm, out)


def _shift_axes(x, axes):
    nd = len(shape_of(x))
    if axes is None:
        return tuple(range(-nd, 0))
    if isinstance(axes, (int, _np.integer)):
        axes = (axes,)
    return _neg_axes(tuple(axes), nd)


def fftshift(x, axes=None):
    """``numpy.fft.fftshift``."""
    return fftshift_p(x, _shift_axes(x, axes))


def ifftshift(x, axes=None):
    """``numpy.fft.ifftshift``."""
    return ifftshift_p(x, _shift_axes(x, axes))


def _freqs(k, n, d):
    """``k * (1 / (n * d))``, NumPy's own arithmetic (the same values), differentiable
    in a traced sample spacing ``d``."""
    if isinstance(d, _Tracer):
        from ._ufuncs import multiply
        return multiply(k, 1.0 / (n * d))
    return k * (1.0 / (n * d))


def fftfreq(n, d=1.0, device=None):
    """``numpy.fft.fftfreq``: ``k / (n d)``, differentiable in ``d``."""
    n = int(n)
    if not isinstance(d, _Tracer):
        return _nfft.fftfreq(n, d)
    k = _np.concatenate([_np.arange(0, (n - 1) // 2 + 1), _np.arange(-(n // 2), 0)])
    return _freqs(k, n, d)


def rfftfreq(n, d=1.0, device=None):
    """``numpy.fft.rfftfreq``: ``k / (n d)``, differentiable in ``d``."""
    n = int(n)
    if not isinstance(d, _Tracer):
        return _nfft.rfftfreq(n, d)
    return _freqs(_np.arange(0, n // 2 + 1), n, d)


__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fftn", "ifftn", "rfftn",
           "irfftn", "fft2", "ifft2", "rfft2", "irfft2", "fftshift", "ifftshift",
           "fftfreq", "rfftfreq"]
