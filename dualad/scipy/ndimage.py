"""Differentiable ``scipy.ndimage`` linear filters.

Provided, with SciPy's signatures and defaults: ``correlate1d``, ``convolve1d``,
``correlate``, ``convolve``, ``gaussian_filter1d``, ``gaussian_filter``,
``uniform_filter1d``, ``uniform_filter``, ``sobel``, ``prewitt``, ``laplace``,
``gaussian_laplace`` and ``gaussian_gradient_magnitude``, with every boundary
``mode`` (``'reflect'``, ``'constant'``, ``'nearest'``, ``'mirror'``, ``'wrap'``,
``'grid-constant'``, ``'grid-mirror'``, ``'grid-wrap'``; a sequence of modes
where SciPy takes one), ``cval``, ``origin``, ``axis`` / ``axes`` and ``output``
given as ``None`` or a float dtype.  Plain (untraced) arguments go straight to
``scipy.ndimage``; on traced values every filter pass is a call of SciPy's own
routine (``correlate1d``, ``correlate`` or ``uniform_filter1d``), in SciPy's
order and with SciPy's intermediate dtypes, so the values are SciPy's, bit for
bit.  Derivatives: in the input, in ``weights`` (``correlate1d``,
``convolve1d``, ``correlate``, ``convolve``) and in ``cval``, forward and
reverse, to any order.  ``sigma``, ``truncate``, ``size`` and ``origin`` are
parameters, not differentiated (a traced ``sigma`` raises).

Four primitives:

* ``"ndimage.correlate1d"`` ``(x, w, cval)``: SciPy's ``correlate1d`` along a
  (negative) ``axis``;
* ``"ndimage.correlate"`` ``(x, w, cval)``: SciPy's n-d ``correlate`` over the
  last ``w.ndim`` axes;
* ``"ndimage.uniform_filter1d"`` ``(x, cval)``: SciPy's ``uniform_filter1d``;
* ``"ndimage.correlate_transpose"`` ``(g, w)``: the transpose, in ``x``, of the
  first two (``cval = 0``).

Each filter is affine in ``(x, cval)`` and linear in ``w``.  The JVP in ``x``
filters the tangent (``cval = 0``); the one in ``cval`` is ``dcval`` times the
filter of zeros with ``cval = 1``; the one in ``w`` filters ``x`` with the
tangent as weights.  The VJP in ``x`` is *not* the same filter: the boundary
extension reads some entries several times, so the transpose is the full
convolution of the cotangent with ``w``, whose part on the extended positions
is then folded back onto the entries each position was read from (for
``'constant'`` dropped).  The map from extended positions to entries is
SciPy's, pads wider than the array included (the extension repeats: reflect,
mirror and wrap fold back several times).  The VJP in ``w`` is the inner
product of the cotangent with ``x`` filtered by each unit kernel.  Every rule is
a call of these primitives, so higher orders work.  The transposes were checked
against the Jacobian built column by column from SciPy (``J[:, j] = filter(e_j)``)
for every mode and origin, with kernels up to several times longer than the array.

One SciPy defect is refused rather than differentiated: SciPy's n-d
``correlate`` / ``convolve`` with ``mode='reflect'`` (or ``'grid-mirror'``) reads
outside the array (undefined values, different from call to call) when
``weights.shape[k] // 2 + origin[k] >= 4 * input.shape[k]`` on an axis longer
than 1.  On traced values that raises a ``ValueError`` (pad the input first, or
filter axis by axis with ``correlate1d``, whose extension is right).

``gaussian_gradient_magnitude`` is ``sqrt`` of a sum of squares, a norm: where
it is 0 its derivative is 0 (the subgradient, as ``norm`` and ``hypot`` at 0 in
docs/conventions.md), not NaN.

Not supported on traced values (a clear error): complex input or weights,
``output`` given as an array (pass a dtype), integer output dtypes (SciPy rounds:
no derivative).

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import ndimage
>>> x = np.array([1.0, 2.0, 4.0, 8.0])
>>> ad.grad(lambda x: ndimage.correlate1d(x, [1.0, 2.0, 3.0], mode="nearest")[0])(x)
array([3., 3., 0., 0.])
>>> dcval = ad.grad(lambda c: ndimage.correlate1d(x, [1.0, 2.0, 3.0], mode="constant",
...                                                cval=c).sum())
>>> float(dcval(0.0))         # cval is read by the first output (weight 1) and the last (weight 3)
4.0
"""
from __future__ import annotations

import functools
import numbers
import operator
from collections.abc import Iterable

import numpy as _np
import scipy.ndimage as _ndi
from numpy.lib.array_utils import normalize_axis_index as _normalize_axis_index
from scipy.ndimage import _ni_support

from .. import numpy as dnp
from ..registry import defjvp, defvjp_direct, primitive, vjp_reads
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of

__all__ = ["correlate1d", "convolve1d", "correlate", "convolve", "gaussian_filter1d",
           "gaussian_filter", "uniform_filter1d", "uniform_filter", "sobel", "prewitt",
           "laplace", "gaussian_laplace", "gaussian_gradient_magnitude"]


def _dtype_of(x):
    v = primal_of(x)
    return v.dtype if hasattr(v, "dtype") else _np.asarray(v).dtype


# --- the boundary extension: extended position -> entry read (-1: cval) -----------
def _analytic_map(n, K, mode, origin):
    """Entry read at each of the ``n + K - 1`` extended positions ``q = s0 ..``,
    ``s0 = -(K // 2) - origin`` (SciPy's ``NI_ExtendLine``); -1 means ``cval``."""
    s0 = -(K // 2) - origin
    q = _np.arange(s0, s0 + n + K - 1)
    if mode in ("constant", "grid-constant"):
        return _np.where((q >= 0) & (q < n), q, -1)
    if mode == "nearest":
        return _np.clip(q, 0, n - 1)
    if mode in ("wrap", "grid-wrap"):
        return q % n
    if mode in ("reflect", "grid-mirror"):
        r = q % (2 * n)
        return _np.where(r < n, r, 2 * n - 1 - r)
    if mode == "mirror":
        if n == 1:
            return _np.zeros_like(q)
        r = q % (2 * n - 2)
        return _np.where(r < n, r, 2 * n - 2 - r)
    raise RuntimeError("boundary mode not supported")


@functools.lru_cache(maxsize=512)
def _ext_map(n, K, mode, origin):
    m = _analytic_map(n, K, mode, origin)
    m.flags.writeable = False
    return m


def _fold(z, ax, n, K, mode, origin):
    """Add each extended position of ``z`` (length ``n + K - 1`` along ``ax``) to
    the entry it was read from: the transpose of the boundary extension."""
    m = _ext_map(n, K, mode, origin)
    z = _np.moveaxis(z, ax, -1)
    p0 = K // 2 + origin
    out = _np.array(z[..., p0:p0 + n])
    for p in range(len(m)):
        if p0 <= p < p0 + n:
            continue
        j = m[p]
        if j >= 0:
            out[..., j] += z[..., p]
    return _np.moveaxis(out, -1, ax)


def _slice_axis(a, ax, start, stop):
    idx = [slice(None)] * a.ndim
    idx[ax] = slice(start, stop)
    return a[tuple(idx)]


def _corrT_impl(g, w, mode="reflect", origin=(), dtype=None, kind="nd"):
    """Transpose (in the input) of correlating the last ``w.ndim`` axes with
    ``w`` (``cval = 0``): the full convolution of ``g`` with ``w``, folded."""
    g = _np.asarray(g)
    w = _np.asarray(w, dtype=_np.float64)
    dt = g.dtype if dtype is None else _np.dtype(dtype)
    nd = w.ndim
    core = g.shape[g.ndim - nd:]
    if g.size == 0:
        return _np.zeros(g.shape, dtype=dt)
    z = _np.asarray(g, dtype=_np.float64)
    big = [a for a in range(nd) if w.shape[a] > 1]
    if not big:
        z = z * w.reshape(())
    elif len(big) == 1:
        a = big[0]
        K, ax = w.shape[a], a - nd
        pad = [(0, 0)] * g.ndim
        pad[ax] = (K - 1, K - 1)
        out = _ndi.correlate1d(_np.pad(z, pad), w.reshape(-1)[::-1], axis=ax,
                               mode="constant", output=_np.float64)
        z = _slice_axis(out, ax, K // 2, K // 2 + core[a] + K - 1)
    else:
        pad = [(0, 0)] * (g.ndim - nd) + [(K - 1, K - 1) for K in w.shape]
        wf = w[(slice(None, None, -1),) * nd].reshape((1,) * (g.ndim - nd) + w.shape)
        out = _ndi.correlate(_np.pad(z, pad), wf, mode="constant", output=_np.float64)
        z = out[(Ellipsis,) + tuple(slice(K // 2, K // 2 + n + K - 1)
                                    for K, n in zip(w.shape, core))]
    for a in big:
        z = _fold(z, a - nd, core[a], w.shape[a], mode, origin[a])
    return z.astype(dt, copy=False)


def _c1_impl(x, w, cval=0.0, axis=-1, mode="reflect", origin=0, dtype=None):
    return _ndi.correlate1d(x, w, axis, dtype, mode, cval, origin)


def _cn_impl(x, w, cval=0.0, mode="reflect", origin=(), dtype=None):
    x = _np.asarray(x)
    w = _np.asarray(w)
    nb = x.ndim - w.ndim
    return _ndi.correlate(x, w.reshape((1,) * nb + w.shape), dtype, mode, cval,
                          [0] * nb + list(origin))


def _u1_impl(x, cval=0.0, size=3, axis=-1, mode="reflect", origin=0, dtype=None):
    return _ndi.uniform_filter1d(x, size, axis, dtype, mode, cval, origin)


corrT_p = primitive(_corrT_impl, name="ndimage.correlate_transpose")
correlate1d_p = primitive(_c1_impl, name="ndimage.correlate1d")
correlate_p = primitive(_cn_impl, name="ndimage.correlate")
uniform1d_p = primitive(_u1_impl, name="ndimage.uniform_filter1d")


# --- rule helpers ---------------------------------------------------------------------
def _as_dtype(v, dt):
    return v if _dtype_of(v) == dt else dnp.astype(v, dt)


def _w_jvp(apply, t, wshape):
    """``apply`` (linear in the weights) of the tangent ``t`` (batch + wshape)."""
    nb = ndim_of(t) - len(wshape)
    if nb == 0:
        return apply(t)
    batch = shape_of(t)[:nb]
    flat = dnp.reshape(t, (-1,) + tuple(wshape))
    outs = [apply(flat[b]) for b in range(shape_of(flat)[0])]
    if not outs:
        raise ValueError("ndimage: an empty batch of tangents")
    return dnp.reshape(dnp.stack(outs, 0), batch + shape_of(outs[0]))


def _w_vjp(apply, g, w, nd):
    """Cotangent of the weights: ``<g, apply(e_k)>`` over the last ``nd`` axes,
    for each unit kernel ``e_k``."""
    wshape = tuple(shape_of(w))
    size = int(_np.prod(wshape))
    axes = tuple(range(-nd, 0))
    cols = []
    for k in range(size):
        e = _np.zeros(size)
        e[k] = 1.0
        cols.append(dnp.sum(g * apply(e.reshape(wshape)), axis=axes))
    nb = ndim_of(g) - nd
    r = dnp.reshape(dnp.stack(cols, -1), tuple(shape_of(g)[:nb]) + wshape)
    return _as_dtype(r, _dtype_of(w))


def _cval_jvp(t, c):
    return dnp.reshape(t, tuple(shape_of(t)) + (1,) * ndim_of(c)) * c


def _cval_vjp(g, c, cval):
    r = dnp.sum(g * c, axis=tuple(range(-ndim_of(c), 0)))
    return _as_dtype(r, _dtype_of(cval))


def _zeros_like(x):
    return _np.zeros(shape_of(x), dtype=_dtype_of(x))


def _along(w, axis):
    """1-D weights as an n-d kernel over the last ``-axis`` axes."""
    return dnp.reshape(w, (-1,) + (1,) * (-axis - 1))


# correlate1d
def _c1_jvp_x(t, ans, x, w, cval=0.0, **kw):
    return correlate1d_p(t, w, 0.0, **kw)


def _c1_jvp_w(t, ans, x, w, cval=0.0, **kw):
    return _w_jvp(lambda v: correlate1d_p(x, v, cval, **kw), t, shape_of(w))


def _c1_jvp_c(t, ans, x, w, cval=0.0, **kw):
    return _cval_jvp(t, correlate1d_p(_zeros_like(x), w, 1.0, **kw))


def _c1_vjp_x(g, ans, x, w, cval=0.0, axis=-1, mode="reflect", origin=0, dtype=None):
    o = (origin,) + (0,) * (-axis - 1)
    return corrT_p(g, _along(w, axis), mode=mode, origin=o, dtype=_dtype_of(x), kind="1d")


def _c1_vjp_w(g, ans, x, w, cval=0.0, **kw):
    return _w_vjp(lambda v: correlate1d_p(x, v, cval, **kw), g, w, ndim_of(ans))


def _c1_vjp_c(g, ans, x, w, cval=0.0, **kw):
    return _cval_vjp(g, correlate1d_p(_zeros_like(x), w, 1.0, **kw), cval)


defjvp(correlate1d_p, _c1_jvp_x, _c1_jvp_w, _c1_jvp_c)
defvjp_direct(correlate1d_p, _c1_vjp_x, _c1_vjp_w, _c1_vjp_c)
vjp_reads(correlate1d_p, {0: (1,), 1: (0, 2), 2: (0, 1)})


# n-d correlate
def _cn_jvp_x(t, ans, x, w, cval=0.0, **kw):
    return correlate_p(t, w, 0.0, **kw)


def _cn_jvp_w(t, ans, x, w, cval=0.0, **kw):
    return _w_jvp(lambda v: correlate_p(x, v, cval, **kw), t, shape_of(w))


def _cn_jvp_c(t, ans, x, w, cval=0.0, **kw):
    return _cval_jvp(t, correlate_p(_zeros_like(x), w, 1.0, **kw))


def _cn_vjp_x(g, ans, x, w, cval=0.0, mode="reflect", origin=(), dtype=None):
    return corrT_p(g, w, mode=mode, origin=origin, dtype=_dtype_of(x), kind="nd")


def _cn_vjp_w(g, ans, x, w, cval=0.0, **kw):
    return _w_vjp(lambda v: correlate_p(x, v, cval, **kw), g, w, ndim_of(ans))


def _cn_vjp_c(g, ans, x, w, cval=0.0, **kw):
    return _cval_vjp(g, correlate_p(_zeros_like(x), w, 1.0, **kw), cval)


defjvp(correlate_p, _cn_jvp_x, _cn_jvp_w, _cn_jvp_c)
defvjp_direct(correlate_p, _cn_vjp_x, _cn_vjp_w, _cn_vjp_c)
vjp_reads(correlate_p, {0: (1,), 1: (0, 2), 2: (0, 1)})


# uniform_filter1d
def _u1_jvp_x(t, ans, x, cval=0.0, **kw):
    return uniform1d_p(t, 0.0, **kw)


def _u1_jvp_c(t, ans, x, cval=0.0, **kw):
    return _cval_jvp(t, uniform1d_p(_zeros_like(x), 1.0, **kw))


def _u1_vjp_x(g, ans, x, cval=0.0, size=3, axis=-1, mode="reflect", origin=0, dtype=None):
    w = _np.full((size,) + (1,) * (-axis - 1), 1.0 / size)
    o = (origin,) + (0,) * (-axis - 1)
    return corrT_p(g, w, mode=mode, origin=o, dtype=_dtype_of(x), kind="1d")


def _u1_vjp_c(g, ans, x, cval=0.0, **kw):
    return _cval_vjp(g, uniform1d_p(_zeros_like(x), 1.0, **kw), cval)


defjvp(uniform1d_p, _u1_jvp_x, _u1_jvp_c)
defvjp_direct(uniform1d_p, _u1_vjp_x, _u1_vjp_c)
vjp_reads(uniform1d_p, {0: (), 1: (0,)})


# the transpose
def _T_jvp_g(t, ans, g, w, **kw):
    return corrT_p(t, w, **kw)


def _T_jvp_w(t, ans, g, w, **kw):
    return _w_jvp(lambda v: corrT_p(g, v, **kw), t, shape_of(w))


def _T_vjp_g(h, ans, g, w, mode="reflect", origin=(), dtype=None, kind="nd"):
    if kind == "1d":
        return correlate1d_p(h, dnp.reshape(w, (-1,)), 0.0, axis=-ndim_of(w), mode=mode,
                             origin=origin[0], dtype=_dtype_of(g))
    return correlate_p(h, w, 0.0, mode=mode, origin=origin, dtype=_dtype_of(g))


def _T_vjp_w(h, ans, g, w, **kw):
    return _w_vjp(lambda v: corrT_p(g, v, **kw), h, w, ndim_of(ans))


defjvp(corrT_p, _T_jvp_g, _T_jvp_w)
defvjp_direct(corrT_p, _T_vjp_g, _T_vjp_w)
vjp_reads(corrT_p, {0: (1,), 1: (0,)})


# --- the public functions -------------------------------------------------------------
def _traced(*vs):
    return any(contains_tracer(v) for v in vs)


def _no_trace(name, **params):
    for k, v in params.items():
        if contains_tracer(v):
            raise NotImplementedError(
                f"ndimage.{name}: differentiating with respect to {k!r} is not supported "
                f"(only the input, the weights and cval); pass {k} as a plain number, or "
                f"wrap it in dualad.stop_gradient")


def _prep(name, input, output, weights=None, cval=0.0):
    """The input as a float array, and the output dtype, as SciPy would have them."""
    x = input if isinstance(input, Tracer) else _np.asarray(input)
    dt = _dtype_of(x)
    if dt.kind == "c" or (weights is not None and _dtype_of(weights).kind == "c") \
            or _np.iscomplexobj(primal_of(cval)):
        raise NotImplementedError(
            f"ndimage.{name}: complex input, weights or cval are not supported when "
            f"differentiating; filter the real and imaginary parts separately")
    if isinstance(cval, Tracer) and ndim_of(cval) != 0:
        raise ValueError(f"ndimage.{name}: cval must be a scalar, got shape {shape_of(cval)}")
    if output is None:
        odt = dt
    elif isinstance(output, (type, _np.dtype, str)):
        odt = _np.dtype(output)
    else:
        raise TypeError(
            f"ndimage.{name}: output= cannot be an array when differentiating (a traced "
            f"result cannot be written into it); pass output=None or a dtype such as "
            f"numpy.float32 and use the returned array")
    if odt.kind == "c":
        raise NotImplementedError(f"ndimage.{name}: a complex output dtype is not supported "
                                  f"when differentiating")
    if odt not in (_np.float32, _np.float64):
        raise TypeError(
            f"ndimage.{name}: the output dtype would be {odt} (SciPy rounds the result to "
            f"it), which has no derivative; pass a float32 or float64 input, or "
            f"output=numpy.float64")
    if dt not in (_np.float32, _np.float64):   # plain integer input: SciPy reads doubles
        x = _np.asarray(x, dtype=_np.float64)
    return x, odt


def _neg_axis(axis, nd):
    return _normalize_axis_index(operator.index(axis), nd) - nd


def _weights(w):
    if isinstance(w, Tracer):
        return w
    if contains_tracer(w):                     # a list holding traced numbers
        return dnp.array(w)
    return _np.asarray(w, dtype=_np.float64)


def correlate1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """``scipy.ndimage.correlate1d``, differentiable in ``input``, ``weights``
    and ``cval``.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.ndimage import correlate1d
    >>> correlate1d(np.array([2.0, 8.0, 0.0, 4.0]), [1.0, 3.0])
    array([ 8., 26.,  8., 12.])
    >>> x = np.array([2.0, 8.0, 0.0, 4.0])     # w[0] reads x[i - 1] (x[-1] is x[0]), w[1] x[i]
    >>> ad.grad(lambda w: correlate1d(x, w).sum())(np.array([1.0, 3.0]))
    array([12., 14.])
    """
    if not _traced(input, weights, cval):
        return _ndi.correlate1d(input, weights, axis, output, mode, cval, origin)
    x, odt = _prep("correlate1d", input, output, weights, cval)
    ax = _neg_axis(axis, ndim_of(x))
    return correlate1d_p(x, _weights(weights), cval, axis=ax, mode=mode,
                         origin=operator.index(origin), dtype=odt)


def convolve1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """``scipy.ndimage.convolve1d``: as SciPy, ``correlate1d`` with the weights
    reversed and the origin mirrored; differentiable in ``input``, ``weights``
    and ``cval``."""
    if not _traced(input, weights, cval):
        return _ndi.convolve1d(input, weights, axis, output, mode, cval, origin)
    w = _weights(weights)[::-1]
    origin = -operator.index(origin)
    if not shape_of(w)[0] & 1:
        origin -= 1
    return correlate1d(input, w, axis, output, mode, cval, origin)


def _correlate_or_convolve(name, input, weights, output, mode, cval, origin, convolution,
                           axes):
    x, odt = _prep(name, input, output, weights, cval)
    nd = ndim_of(x)
    w = _weights(weights)
    axes = _ni_support._check_axes(axes, nd)
    if len(axes) < nd:
        if ndim_of(w) != len(axes):
            raise RuntimeError(f"weights.ndim ({ndim_of(w)}) must match len(axes) ({len(axes)})")
        w = dnp.expand_dims(w, tuple(ax for ax in range(nd) if ax not in axes))
    origins = _ni_support._normalize_sequence(origin, len(axes))
    if len(axes) < nd:
        full = [0] * nd
        for o, ax in zip(origins, axes):
            full[ax] = o
        origins = full
    origins = [operator.index(o) for o in origins]
    wshape = [s for s in shape_of(w) if s > 0]
    if len(wshape) != nd or ndim_of(w) != nd:
        raise RuntimeError(f"weights.ndim ({len(wshape)}) must match len(axes) ({len(axes)})")
    if convolution:
        w = w[(slice(None, None, -1),) * nd]
        for i in range(nd):
            origins[i] = -origins[i]
            if not shape_of(w)[i] & 1:
                origins[i] -= 1
    for o, lenw in zip(origins, wshape):
        if o < -(lenw // 2) or o > (lenw - 1) // 2:
            raise ValueError('Invalid origin; origin must satisfy -(weights.shape[k] // 2) '
                             '<= origin[k] <= (weights.shape[k]-1) // 2')
    if not isinstance(mode, str) and isinstance(mode, Iterable):
        raise RuntimeError("A sequence of modes is not supported")
    if mode in ("reflect", "grid-mirror"):
        for ax, (o, lenw) in enumerate(zip(origins, shape_of(w))):
            n = shape_of(x)[ax]
            if n > 1 and lenw // 2 + o >= 4 * n:
                raise ValueError(
                    f"ndimage.{name}: with mode={mode!r}, SciPy's n-d correlate reads outside "
                    f"the array (undefined values) when the kernel reaches 4 or more times "
                    f"the axis length past its start (axis {ax}: length {n}, "
                    f"weights.shape[{ax}] // 2 + origin = {lenw // 2 + o}); pad the input "
                    f"first (numpy.pad, mode='symmetric'), or filter axis by axis with "
                    f"correlate1d, whose extension is right")
    return correlate_p(x, w, cval, mode=mode, origin=tuple(origins), dtype=odt)


def correlate(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """``scipy.ndimage.correlate`` (n-d weights), differentiable in ``input``,
    ``weights`` and ``cval``."""
    if not _traced(input, weights, cval):
        return _ndi.correlate(input, weights, output, mode, cval, origin, axes=axes)
    return _correlate_or_convolve("correlate", input, weights, output, mode, cval, origin,
                                  False, axes)


def convolve(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """``scipy.ndimage.convolve`` (n-d weights), differentiable in ``input``,
    ``weights`` and ``cval``."""
    if not _traced(input, weights, cval):
        return _ndi.convolve(input, weights, output, mode, cval, origin, axes=axes)
    return _correlate_or_convolve("convolve", input, weights, output, mode, cval, origin,
                                  True, axes)


def _gaussian_weights(sigma, order, truncate, radius):
    sd = float(sigma)
    lw = int(truncate * sd + 0.5)
    if radius is not None:
        lw = radius
    if not isinstance(lw, numbers.Integral) or lw < 0:
        raise ValueError('Radius must be a nonnegative integer.')
    if order < 0:
        raise ValueError('order must be non-negative')
    return _ndi._filters._gaussian_kernel1d(sigma, order, lw)[::-1]


def gaussian_filter1d(input, sigma, axis=-1, order=0, output=None, mode="reflect", cval=0.0,
                      truncate=4.0, *, radius=None):
    """``scipy.ndimage.gaussian_filter1d`` (``order`` 0, 1, 2, 3, ...),
    differentiable in ``input`` and ``cval``.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.ndimage import gaussian_filter1d
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> g = ad.grad(lambda x: gaussian_filter1d(x, 1.0)[2])(x)
    >>> bool(np.allclose(g, gaussian_filter1d(np.eye(5)[2], 1.0)))    # symmetric kernel
    True
    """
    _no_trace("gaussian_filter1d", sigma=sigma, truncate=truncate)
    if not _traced(input, cval):
        return _ndi.gaussian_filter1d(input, sigma, axis, order, output, mode, cval,
                                      truncate, radius=radius)
    x, odt = _prep("gaussian_filter1d", input, output, None, cval)
    w = _gaussian_weights(sigma, order, truncate, radius)
    return correlate1d_p(x, w, cval, axis=_neg_axis(axis, ndim_of(x)), mode=mode, origin=0,
                         dtype=odt)


def _copy_as(x, odt):
    return x if _dtype_of(x) == odt else dnp.astype(x, odt)


def gaussian_filter(input, sigma, order=0, output=None, mode="reflect", cval=0.0,
                    truncate=4.0, *, radius=None, axes=None):
    """``scipy.ndimage.gaussian_filter`` (``sigma``, ``order``, ``mode`` and
    ``radius`` per axis, ``axes``), differentiable in ``input`` and ``cval``:
    one ``correlate1d`` pass per axis, as SciPy.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.ndimage import gaussian_filter
    >>> x = np.arange(12.0).reshape(3, 4)
    >>> ad.grad(lambda x: gaussian_filter(x, 1.0).sum())(x).round(6)   # weights sum to 1
    array([[1., 1., 1., 1.],
           [1., 1., 1., 1.],
           [1., 1., 1., 1.]])
    """
    _no_trace("gaussian_filter", sigma=sigma, truncate=truncate)
    if not _traced(input, cval):
        return _ndi.gaussian_filter(input, sigma, order, output, mode, cval, truncate,
                                    radius=radius, axes=axes)
    x, odt = _prep("gaussian_filter", input, output, None, cval)
    axes = _ni_support._check_axes(axes, ndim_of(x))
    n = len(axes)
    orders = _ni_support._normalize_sequence(order, n)
    sigmas = _ni_support._normalize_sequence(sigma, n)
    modes = _ni_support._normalize_sequence(mode, n)
    radii = _ni_support._normalize_sequence(radius, n)
    passes = [(axes[i], sigmas[i], orders[i], modes[i], radii[i])
              for i in range(n) if sigmas[i] > 1e-15]
    if not passes:
        return _copy_as(x, odt)
    for ax, s, o, m, r in passes:
        x = gaussian_filter1d(x, s, ax, o, odt, m, cval, truncate, radius=r)
    return x


def uniform_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """``scipy.ndimage.uniform_filter1d`` (SciPy's running mean: its values),
    differentiable in ``input`` and ``cval``."""
    _no_trace("uniform_filter1d", size=size)
    if not _traced(input, cval):
        return _ndi.uniform_filter1d(input, size, axis, output, mode, cval, origin)
    x, odt = _prep("uniform_filter1d", input, output, None, cval)
    if size < 1:
        raise RuntimeError('incorrect filter size')
    origin = operator.index(origin)
    if (size // 2 + origin < 0) or (size // 2 + origin >= size):
        raise ValueError('invalid origin')
    return uniform1d_p(x, cval, size=operator.index(size), axis=_neg_axis(axis, ndim_of(x)),
                       mode=mode, origin=origin, dtype=odt)


def uniform_filter(input, size=3, output=None, mode="reflect", cval=0.0, origin=0, *,
                   axes=None):
    """``scipy.ndimage.uniform_filter`` (``size``, ``origin``, ``mode`` per
    axis, ``axes``), differentiable in ``input`` and ``cval``."""
    _no_trace("uniform_filter", size=size)
    if not _traced(input, cval):
        return _ndi.uniform_filter(input, size, output, mode, cval, origin, axes=axes)
    x, odt = _prep("uniform_filter", input, output, None, cval)
    axes = _ni_support._check_axes(axes, ndim_of(x))
    n = len(axes)
    sizes = _ni_support._normalize_sequence(size, n)
    origins = _ni_support._normalize_sequence(origin, n)
    modes = _ni_support._normalize_sequence(mode, n)
    passes = [(axes[i], sizes[i], origins[i], modes[i]) for i in range(n) if sizes[i] > 1]
    if not passes:
        return _copy_as(x, odt)
    for ax, s, o, m in passes:
        x = uniform_filter1d(x, int(s), ax, odt, m, cval, o)
    return x


def _edge_filter(name, input, axis, output, mode, cval, smooth):
    if not _traced(input, cval):
        return getattr(_ndi, name)(input, axis, output, mode, cval)
    x, odt = _prep(name, input, output, None, cval)
    nd = ndim_of(x)
    axis = _normalize_axis_index(operator.index(axis), nd)
    modes = _ni_support._normalize_sequence(mode, nd)
    y = correlate1d(x, [-1, 0, 1], axis, odt, modes[axis], cval, 0)
    for ii in range(nd):
        if ii != axis:
            y = correlate1d(y, smooth, ii, odt, modes[ii], cval, 0)
    return y


def sobel(input, axis=-1, output=None, mode="reflect", cval=0.0):
    """``scipy.ndimage.sobel``, differentiable in ``input`` and ``cval``."""
    return _edge_filter("sobel", input, axis, output, mode, cval, [1, 2, 1])


def prewitt(input, axis=-1, output=None, mode="reflect", cval=0.0):
    """``scipy.ndimage.prewitt``, differentiable in ``input`` and ``cval``."""
    return _edge_filter("prewitt", input, axis, output, mode, cval, [1, 1, 1])


def _generic_laplace(name, x, odt, derivative2, mode, axes):
    axes = _ni_support._check_axes(axes, ndim_of(x))
    if not axes:
        return _copy_as(x, odt)
    modes = _ni_support._normalize_sequence(mode, len(axes))
    y = derivative2(x, axes[0], modes[0])
    for ii in range(1, len(axes)):
        y = y + derivative2(x, axes[ii], modes[ii])
    return y


def laplace(input, output=None, mode="reflect", cval=0.0, *, axes=None):
    """``scipy.ndimage.laplace``, differentiable in ``input`` and ``cval``."""
    if not _traced(input, cval):
        return _ndi.laplace(input, output, mode, cval, axes=axes)
    x, odt = _prep("laplace", input, output, None, cval)
    return _generic_laplace("laplace", x, odt,
                            lambda v, ax, m: correlate1d(v, [1, -2, 1], ax, odt, m, cval, 0),
                            mode, axes)


def gaussian_laplace(input, sigma, output=None, mode="reflect", cval=0.0, *, axes=None,
                     **kwargs):
    """``scipy.ndimage.gaussian_laplace``, differentiable in ``input`` and
    ``cval``."""
    _no_trace("gaussian_laplace", sigma=sigma, **kwargs)
    if not _traced(input, cval):
        return _ndi.gaussian_laplace(input, sigma, output, mode, cval, axes=axes, **kwargs)
    x, odt = _prep("gaussian_laplace", input, output, None, cval)
    nd = ndim_of(x)
    axes = _ni_support._check_axes(axes, nd)
    sigma = _ni_support._normalize_sequence(sigma, len(axes))
    if len(axes) < nd:
        full = [0] * nd
        for s, ax in zip(sigma, axes):
            full[ax] = s
        sigma = full

    def derivative2(v, axis, m):
        order = [0] * nd
        order[axis] = 2
        return gaussian_filter(v, sigma, order, odt, m, cval, **kwargs)
    return _generic_laplace("gaussian_laplace", x, odt, derivative2, mode, axes)


def _sqrt0(s):
    """``sqrt(s)`` with derivative 0 where ``s == 0`` (a norm's subgradient)."""
    z = dnp.equal(s, 0.0)
    return dnp.where(z, _np.zeros((), dtype=_dtype_of(s)),
                     dnp.sqrt(dnp.where(z, _np.ones((), dtype=_dtype_of(s)), s)))


def gaussian_gradient_magnitude(input, sigma, output=None, mode="reflect", cval=0.0, *,
                                axes=None, **kwargs):
    """``scipy.ndimage.gaussian_gradient_magnitude``, differentiable in
    ``input`` and ``cval``; derivative 0 where the magnitude is 0 (see the
    module docstring)."""
    _no_trace("gaussian_gradient_magnitude", sigma=sigma, **kwargs)
    if not _traced(input, cval):
        return _ndi.gaussian_gradient_magnitude(input, sigma, output, mode, cval, axes=axes,
                                                **kwargs)
    x, odt = _prep("gaussian_gradient_magnitude", input, output, None, cval)
    nd = ndim_of(x)
    axes = _ni_support._check_axes(axes, nd)
    if not axes:
        return _copy_as(x, odt)
    modes = _ni_support._normalize_sequence(mode, len(axes))

    def derivative(v, axis, m):
        order = [0] * nd
        order[axis] = 1
        return gaussian_filter(v, sigma, order, odt, m, cval, **kwargs)
    d = derivative(x, axes[0], modes[0])
    s = d * d
    for ii in range(1, len(axes)):
        d = derivative(x, axes[ii], modes[ii])
        s = s + d * d
    return _sqrt0(s)


from ._ndimage_interp import *  # noqa: E402,F401,F403  (interpolation: map_coordinates, ...)
from ._ndimage_interp import __all__ as _interp_all  # noqa: E402

__all__ += _interp_all
