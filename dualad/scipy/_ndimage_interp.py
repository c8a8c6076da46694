"""Differentiable ``scipy.ndimage`` interpolation (re-exported by
``dualad.scipy.ndimage``).

Provided, with SciPy's signatures and defaults: ``map_coordinates``,
``affine_transform``, ``shift``, ``zoom`` (``grid_mode`` too), ``rotate``,
``spline_filter1d`` and ``spline_filter``; spline orders 0 to 5, every
``mode`` (``'constant'``, ``'grid-constant'``, ``'nearest'``, ``'reflect'``,
``'grid-mirror'``, ``'mirror'``, ``'wrap'``, ``'grid-wrap'``), ``cval`` and
``prefilter``.  Plain (untraced) arguments go straight to SciPy; on traced
values the result's value is SciPy's own (the same call), and the derivatives
are those of SciPy's formula, written with dualad operations:

* the prefilter (``order >= 2``, ``prefilter=True``): SciPy's pre-padding
  (12 entries, edge or ``cval``, for ``'nearest'`` / ``'grid-constant'``), then
  one ``spline_filter1d`` pass per axis, a primitive
  (``"ndimage.spline_filter1d"``) whose JVP is itself and whose VJP is its exact
  transpose (``"ndimage.spline_filter1d_transpose"``): the filter is linear, and
  its matrix ``M[:, j] = spline_filter1d(e_j)`` is built once per (length,
  order, mode) from SciPy itself, so the transpose has SciPy's boundary
  handling for every mode;
* the interpolation: per output point and axis, SciPy's coordinate mapping
  (``map_coordinate`` of ``ni_interpolation.c``: reflect, mirror, wrap, ...),
  the first knot of the support and the indices it reads (out-of-range knots
  mapped with mirror for ``'constant'`` / ``'wrap'`` and with the mode itself
  otherwise, ``cval`` for ``'grid-constant'``), and the B-spline weights as the
  same polynomials of the fractional coordinate as ``ni_splines.c``.  The output
  is ``sum(coeff[idx] * prod_k w_k)``: a gather and products, differentiable in
  the coefficients (hence the input), in ``cval`` and, through the weights, in
  the coordinates.  Where the mode reflects a coordinate, its derivative
  changes sign; where it is clamped (``'nearest'`` far out) or replaced by
  ``cval`` (``'constant'`` outside ``[0, n - 1]``), it is 0.

Coordinates reach the interpolation from ``coordinates`` (``map_coordinates``),
``matrix`` / ``offset`` (``affine_transform``, computed in SciPy's order),
``shift``, ``zoom`` and ``angle`` (``rotate``), all differentiable.

**At the knots** (integer coordinates for odd orders, half-integers for even
ones; for ``order=1`` the kinks of the piecewise-linear interpolant) the
derivative in the coordinate is that of the polynomial piece SciPy evaluates
there: the piece on the right, ``[k, k + 1)``, as ``dualad.numpy.interp``
does at its knots (``order=1`` at ``c = 2.0`` gives ``x[3] - x[2]``), or its
mirror image where the mode reflects the coordinate.  ``order=0`` has
derivative 0 in the coordinates (piecewise constant).  A coordinate that
falls exactly on a boundary where ``'constant'`` switches to ``cval`` gets the
derivative of the side SciPy evaluates.

Not supported on traced values (a clear error): complex input, coordinates or
``cval``, ``output`` given as an array (pass a dtype), integer output dtypes
(SciPy rounds).  A traced ``zoom`` with ``zoom`` / ``shift`` / ``affine_transform``
is differentiated through the coordinates; the output shape
(``round(n * zoom)``) is not differentiable and is taken from the value.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import ndimage
>>> x = np.array([0.0, 1.0, 4.0, 9.0])
>>> float(ndimage.map_coordinates(x, [[1.5]], order=1)[0])
2.5
>>> ad.grad(lambda c: ndimage.map_coordinates(x, c, order=1)[0])(np.array([[1.5]]))
array([[3.]])
>>> ad.grad(lambda x: ndimage.map_coordinates(x, [[1.25]], order=1)[0])(x)
array([0.  , 0.75, 0.25, 0.  ])
"""
from __future__ import annotations

import functools
import operator

import numpy as _np
import scipy.ndimage as _ndi
from numpy.lib.array_utils import normalize_axis_index as _normalize_axis_index
from scipy.ndimage import _ni_support

from .. import numpy as dnp
from ..registry import defjvp, defvjp_direct, primitive, vjp_reads
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ..transforms import stop_gradient

__all__ = ["map_coordinates", "affine_transform", "shift", "zoom", "rotate",
           "spline_filter1d", "spline_filter"]

_MODES = ("constant", "grid-constant", "nearest", "reflect", "grid-mirror", "mirror",
          "wrap", "grid-wrap")


def _dtype_of(x):
    v = primal_of(x)
    return v.dtype if hasattr(v, "dtype") else _np.asarray(v).dtype


def _traced(*vs):
    return any(contains_tracer(v) for v in vs)


def _plain(v):
    if isinstance(v, (list, tuple)):
        return _np.asarray([_plain(u) for u in v]) if contains_tracer(v) else v
    return primal_of(v)


def _as_array(v):
    """A traced value, a list holding traced numbers, or a plain array."""
    if isinstance(v, Tracer):
        return v
    if contains_tracer(v):
        return dnp.array(v)
    return _np.asarray(v)


def _check_mode(name, mode):
    if not isinstance(mode, str) or mode not in _MODES:
        raise RuntimeError(f"ndimage.{name}: boundary mode not supported: {mode!r} "
                           f"(one of {', '.join(_MODES)})")


def _check_order(order):
    if order < 0 or order > 5:
        raise RuntimeError("spline order not supported")


def _out_dtype(name, x, output, cval=0.0):
    """The output dtype SciPy gives, with the filters' checks and messages (complex
    values, an array or integer ``output``, a non-scalar traced ``cval``)."""
    from .ndimage import _prep          # (ndimage imports this module at its end)
    return _prep(name, x, output, None, cval)[1]


def _f64(x):
    return x if _dtype_of(x) == _np.float64 else dnp.astype(x, _np.float64)


# --- the spline prefilter: a primitive and its exact transpose ------------------------
def _sf1_impl(x, order=3, axis=-1, mode="mirror"):
    return _ndi.spline_filter1d(_np.asarray(x, dtype=_np.float64), order, axis,
                                output=_np.float64, mode=mode)


#: axes up to this length keep the filter's matrix (at most 32 MiB each, 16 kept); longer
#: axes form the transpose from blocks of the matrix's columns, memory O(n * block)
_MATRIX_MAX_N = 2048
_BLOCK = 256


@functools.lru_cache(maxsize=16)
def _sf_matrix(n, order, mode):
    """``M`` with ``spline_filter1d(x) = M @ x`` (column ``j`` is the filter of e_j)."""
    m = _ndi.spline_filter1d(_np.eye(n), order, axis=0, output=_np.float64, mode=mode)
    m.flags.writeable = False
    return m


def _sf1T_impl(g, order=3, axis=-1, mode="mirror"):
    g = _np.asarray(g, dtype=_np.float64)
    if g.size == 0:
        return _np.zeros(g.shape)
    n = g.shape[axis]
    gm = _np.moveaxis(g, axis, -1)
    if n <= _MATRIX_MAX_N:
        out = gm @ _sf_matrix(n, order, mode)
    else:                     # g @ M, one block of M's columns (filters of e_j) at a time
        out = _np.empty(gm.shape)
        for j0 in range(0, n, _BLOCK):
            k = min(_BLOCK, n - j0)
            cols = _ndi.spline_filter1d(_np.eye(n, k, -j0), order, axis=0,
                                        output=_np.float64, mode=mode)
            out[..., j0:j0 + k] = gm @ cols
    return _np.moveaxis(out, -1, axis)


spline_filter1d_p = primitive(_sf1_impl, name="ndimage.spline_filter1d")
spline_filter1d_T_p = primitive(_sf1T_impl, name="ndimage.spline_filter1d_transpose")

defjvp(spline_filter1d_p, lambda t, ans, x, **kw: spline_filter1d_p(t, **kw))
defvjp_direct(spline_filter1d_p, lambda g, ans, x, **kw: spline_filter1d_T_p(g, **kw))
vjp_reads(spline_filter1d_p, {0: ()})
defjvp(spline_filter1d_T_p, lambda t, ans, g, **kw: spline_filter1d_T_p(t, **kw))
defvjp_direct(spline_filter1d_T_p, lambda h, ans, g, **kw: spline_filter1d_p(h, **kw))
vjp_reads(spline_filter1d_T_p, {0: ()})


def _filter_axes(x, order, mode, odt=_np.float64):
    """SciPy's ``spline_filter``: one pass per axis, each written to ``odt``."""
    for ax in range(ndim_of(x)):
        x = spline_filter1d_p(_f64(x), order=order, axis=ax - ndim_of(x), mode=mode)
        if odt != _np.float64:
            x = dnp.astype(x, odt)
    return x


def spline_filter1d(input, order=3, axis=-1, output=_np.float64, mode="mirror"):
    """``scipy.ndimage.spline_filter1d``, differentiable in ``input`` (a linear
    filter: its JVP is itself, its VJP its exact transpose).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.ndimage import spline_filter1d
    >>> x = np.array([1.0, 2.0, 0.0, 3.0])
    >>> J = ad.jacrev(spline_filter1d)(x)
    >>> bool(np.allclose(J, spline_filter1d(np.eye(4), axis=0)))   # J[:, j] = filter(e_j)
    True
    """
    if not _traced(input):
        return _ndi.spline_filter1d(input, order, axis, output, mode)
    _check_order(order)
    _check_mode("spline_filter1d", mode)
    odt = _out_dtype("spline_filter1d", input, output)
    nd = ndim_of(input)
    if order in (0, 1) or nd == 0:
        return dnp.astype(input, odt) if _dtype_of(input) != odt else input
    ax = _normalize_axis_index(operator.index(axis), nd) - nd
    y = spline_filter1d_p(_f64(input), order=order, axis=ax, mode=mode)
    return y if odt == _np.float64 else dnp.astype(y, odt)


def spline_filter(input, order=3, output=_np.float64, mode="mirror"):
    """``scipy.ndimage.spline_filter`` (``spline_filter1d`` along every axis, each
    pass written to the output dtype, as SciPy), differentiable in ``input``."""
    if not _traced(input):
        return _ndi.spline_filter(input, order, output, mode)
    if order < 2 or order > 5:
        raise RuntimeError("spline order not supported")
    _check_mode("spline_filter", mode)
    odt = _out_dtype("spline_filter", input, output)
    if ndim_of(input) == 0:
        return dnp.astype(input, odt)
    return _filter_axes(input, order, mode, odt)


# --- SciPy's coordinate mapping (ni_interpolation.c), vectorized ----------------------
def _map_coord(a, n, mode):
    """``map_coordinate(a, n, mode)`` of SciPy, and its slope (d mapped / d a)."""
    a = _np.array(a, dtype=_np.float64)
    v = a.copy()
    s = _np.ones_like(a)
    lo, hi = a < 0, a > n - 1
    out = lo | hi
    if mode == "constant":
        v[out] = -1.0
        s[out] = 0.0
        return v, s
    if mode == "nearest":
        v[lo], v[hi] = 0.0, n - 1.0
        s[out] = 0.0
        return v, s
    if n <= 1:
        v[out] = 0.0
        s[out] = 0.0
        return v, s
    if mode == "mirror":
        sz2 = 2 * n - 2
        t = sz2 * _np.trunc(-a[lo] / sz2) + a[lo]
        flip = ~(t <= 1 - n)
        v[lo] = _np.where(flip, -t, t + sz2)
        s[lo] = _np.where(flip, -1.0, 1.0)
        t = a[hi] - sz2 * _np.trunc(a[hi] / sz2)
        flip = t >= n
        v[hi] = _np.where(flip, sz2 - t, t)
        s[hi] = _np.where(flip, -1.0, 1.0)
    elif mode in ("reflect", "grid-mirror"):
        sz2 = 2 * n
        t = a[lo]
        far = t < -sz2
        t = _np.where(far, sz2 * _np.trunc(-t / sz2) + t, t)
        flip = ~(t < -n)
        v[lo] = _np.where(flip, _np.where(t > -1e-15, 1e-15, -t) - 1, t + sz2)
        s[lo] = _np.where(flip, -1.0, 1.0)
        t = a[hi] - sz2 * _np.trunc(a[hi] / sz2)
        flip = t >= n
        v[hi] = _np.where(flip, sz2 - t - 1, t)
        s[hi] = _np.where(flip, -1.0, 1.0)
    elif mode == "wrap":
        sz = n - 1
        v[lo] = a[lo] + sz * (_np.trunc(-a[lo] / sz) + 1)
        v[hi] = a[hi] - sz * _np.trunc(a[hi] / sz)
    elif mode == "grid-wrap":
        v[lo] = a[lo] + n * (_np.trunc((-1 - a[lo]) / n) + 1)
        v[hi] = a[hi] - n * _np.trunc(a[hi] / n)
    else:
        raise RuntimeError(f"boundary mode not supported: {mode!r}")
    return v, s


def _spline_mode(mode):
    return "mirror" if mode in ("constant", "wrap") else mode


def _axis_support(c, n, order, mode, npad):
    """For coordinates ``c`` (plain, 1-d) along an axis of length ``n``: the
    indices read (P, order + 1; -1: cval), the fractional coordinate, the slope
    of the mapped coordinate, and which points give ``cval`` outright."""
    cc = _np.asarray(c, dtype=_np.float64) + npad
    if mode in ("grid-constant", "nearest"):
        s = _np.ones_like(cc)
        valid = _np.ones(cc.shape, dtype=bool)
    else:
        cc, s = _map_coord(cc, n, mode)
        valid = cc > -1.0
    cc = _np.where(valid, cc, 0.0)
    base = _np.floor(cc) if order & 1 else _np.floor(cc + 0.5)
    start = base.astype(_np.intp) - order // 2
    idx = start[:, None] + _np.arange(order + 1)
    if mode == "grid-constant":
        idx = _np.where((idx < 0) | (idx >= n), -1, idx)
    else:
        mapped = _map_coord(idx.astype(_np.float64), n, _spline_mode(mode))[0]
        idx = mapped.astype(_np.intp)
    return idx, cc - base, s, valid


def _weights(x, order):
    """SciPy's B-spline weights (``get_spline_interpolation_weights``) as
    polynomials of the fractional coordinate ``x``: shape ``x.shape + (order+1,)``."""
    y, z = x, 1.0 - x
    if order == 1:
        w = [1.0 - x]
    elif order == 2:
        w = [0.5 * (0.5 - x) ** 2, 0.75 - x * x]
    elif order == 3:
        w = [z * z * z / 6.0, (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0,
             (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0]
    elif order == 4:
        t = x * x
        y1, z1, y0 = 1.0 + x, z, 0.5 - x
        w = [(y0 * y0) * (y0 * y0) / 24.0,
             y1 * (y1 * (y1 * (5.0 - y1) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0,
             t * (t * 0.25 - 0.625) + 115.0 / 192.0,
             z1 * (z1 * (z1 * (5.0 - z1) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0]
    else:
        ty, tz = y * y, z * z
        y1, z1, y0 = y + 1.0, z + 1.0, 1.0 - x
        w = [y0 * (y0 * y0) * (y0 * y0) / 120.0,
             y1 * (y1 * (y1 * (y1 * (y1 / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425,
             ty * (ty * (0.25 - y / 12.0) - 0.5) + 0.55,
             tz * (tz * (0.25 - z / 12.0) - 0.5) + 0.55,
             z1 * (z1 * (z1 * (z1 * (z1 / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425]
    last = 1.0
    for v in w:
        last = last - v
    return dnp.stack(w + [last], axis=-1)


def _interp(coeffs, coords, order, mode, cval, npad):
    """SciPy's interpolation of the (filtered) ``coeffs`` at ``coords`` (a list of
    arrays of one shape), written with dualad operations."""
    S = tuple(shape_of(coeffs))
    d = len(S)
    oshape = tuple(shape_of(coords[0]))
    K = order + 1
    P = int(_np.prod(oshape))
    size = int(_np.prod(S))
    flat = _np.zeros((P,) + (1,) * d, dtype=_np.intp)
    isc = _np.zeros((P,) + (1,) * d, dtype=bool)
    invalid = _np.zeros(P, dtype=bool)
    W = None
    for k in range(d):
        ck = coords[k]
        cp = _np.ravel(_np.asarray(primal_of(ck), dtype=_np.float64))
        idx, frac, s, valid = _axis_support(cp, S[k], order, mode, npad)
        shp = (P,) + (1,) * k + (K,) + (1,) * (d - 1 - k)
        idx = idx.reshape(shp)
        isc = isc | (idx < 0)
        flat = flat * S[k] + _np.where(idx < 0, 0, idx)
        invalid |= ~valid
        if order > 0:
            xk = frac
            if isinstance(ck, Tracer):
                dk = dnp.ravel(ck - stop_gradient(ck))
                xk = xk + (dk if _np.all(s == 1.0) else s * dk)
            wk = dnp.reshape(_weights(xk, order), shp)
            W = wk if W is None else W * wk
    flat = _np.where(isc | invalid.reshape((P,) + (1,) * d), size, flat)
    ext = dnp.concatenate([dnp.ravel(coeffs), dnp.reshape(_f64(cval), (1,))])
    g = ext[flat]
    if order > 0:
        out = dnp.sum(g * W, axis=tuple(range(1, d + 1)))
    else:
        out = dnp.reshape(g, (P,))
    if invalid.any():
        out = dnp.where(invalid, _f64(cval), out)
    return dnp.reshape(out, oshape)


def _coefficients(x, order, mode, cval, prefilter):
    """The array SciPy interpolates (float64) and its pre-padding."""
    if not (prefilter and order > 1):
        return _f64(x), 0
    npad = 0
    if mode in ("nearest", "grid-constant"):
        npad = 12
        if mode == "nearest":
            x = dnp.pad(x, npad, mode="edge")
        elif isinstance(cval, Tracer):
            x = dnp.pad(_f64(x) - cval, npad) + cval
        else:
            x = dnp.pad(x, npad, mode="constant", constant_values=cval)
    if not isinstance(x, Tracer):
        return _ndi.spline_filter(_np.asarray(x), order, output=_np.float64, mode=mode), npad
    return _filter_axes(x, order, mode), npad


def _attach(value, f, odt):
    """SciPy's ``value``, with the derivatives of ``f`` (whose value is the same
    up to rounding)."""
    zero = f - stop_gradient(f)
    if odt != _np.float64:
        zero = dnp.astype(zero, odt)
    fin = _np.isfinite(primal_of(f))
    if fin.all():
        return value + zero
    return dnp.where(fin, value + zero, value)


def _prepare(name, input, order, mode, cval, output):
    _check_order(order)
    _check_mode(name, mode)
    x = input if isinstance(input, Tracer) else _np.asarray(input)
    odt = _out_dtype(name, x, output, cval)
    if ndim_of(x) < 1:
        raise RuntimeError("input and output rank must be > 0")
    return x, odt


def _transform(x, coords, order, mode, cval, prefilter):
    coeffs, npad = _coefficients(x, order, mode, cval, prefilter)
    return _interp(coeffs, coords, order, mode, cval, npad)


def map_coordinates(input, coordinates, output=None, order=3, mode="constant", cval=0.0,
                    prefilter=True):
    """``scipy.ndimage.map_coordinates``, differentiable in ``input``,
    ``coordinates`` and ``cval`` (SciPy's value; see the module docstring for
    the derivatives at the knots).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.ndimage import map_coordinates
    >>> x = np.array([0.0, 1.0, 8.0, 27.0, 64.0])
    >>> c = np.array([[1.5, 2.0]])
    >>> bool(np.array_equal(map_coordinates(x, c), __import__("scipy").ndimage.map_coordinates(x, c)))
    True
    >>> ad.jacfwd(lambda c: map_coordinates(x, c, order=1))(c)[:, 0, :]   # slopes; at 2.0 the right piece
    array([[ 7.,  0.],
           [ 0., 19.]])
    """
    if not _traced(input, coordinates, cval):
        return _ndi.map_coordinates(input, coordinates, output, order, mode, cval, prefilter)
    x, odt = _prepare("map_coordinates", input, order, mode, cval, output)
    c = _as_array(coordinates)
    if _dtype_of(c).kind == "c":
        raise TypeError("Complex type not supported")
    if ndim_of(c) < 2:
        raise RuntimeError("input and output rank must be > 0")
    if shape_of(c)[0] != ndim_of(x):
        raise RuntimeError("invalid shape for coordinate array")
    value = _ndi.map_coordinates(_np.asarray(primal_of(x)), _np.asarray(primal_of(c)), odt,
                                 order, mode, primal_of(cval), prefilter)
    coords = [c[k] for k in range(ndim_of(x))]
    return _attach(value, _transform(x, coords, order, mode, cval, prefilter), odt)


def _grid(shape):
    return [_np.arange(n, dtype=_np.float64).reshape((-1,) + (1,) * (len(shape) - 1 - k))
            * _np.ones(shape) for k, n in enumerate(shape)]


def affine_transform(input, matrix, offset=0.0, output_shape=None, output=None, order=3,
                     mode="constant", cval=0.0, prefilter=True):
    """``scipy.ndimage.affine_transform`` (a square, homogeneous or diagonal
    ``matrix``), differentiable in ``input``, ``matrix``, ``offset`` and
    ``cval``: the coordinates ``matrix @ o + offset`` are formed in SciPy's
    order and interpolated as in ``map_coordinates``."""
    if not _traced(input, matrix, offset, cval):
        return _ndi.affine_transform(input, matrix, offset, output_shape, output, order,
                                     mode, cval, prefilter)
    x, odt = _prepare("affine_transform", input, order, mode, cval, output)
    nd = ndim_of(x)
    if output_shape is None:
        output_shape = tuple(shape_of(x))
    output_shape = tuple(int(s) for s in output_shape)
    value = _ndi.affine_transform(_np.asarray(primal_of(x)), _plain(matrix), _plain(offset),
                                  output_shape, odt, order, mode, primal_of(cval), prefilter)
    m = _as_array(matrix)
    off = _as_array(offset)
    if ndim_of(m) == 2 and shape_of(m)[1] == nd + 1 and shape_of(m)[0] in (nd, nd + 1):
        off = m[:nd, nd]
        m = m[:nd, :nd]
    m = _f64(m)
    if ndim_of(off) == 0:
        off = dnp.stack([off] * nd) if isinstance(off, Tracer) else _np.full(nd, float(off))
    off = _f64(off)
    o = _grid(output_shape)
    if ndim_of(m) == 1:                    # SciPy: zoom_shift with shift = offset / matrix
        sh = off / m
        coords = [(o[k] + sh[k]) * m[k] for k in range(nd)]
    else:
        coords = []
        for h in range(nd):
            t = off[h]
            for ll in range(len(output_shape)):
                t = t + o[ll] * m[h, ll]
            coords.append(t * _np.ones(output_shape) if not isinstance(t, Tracer) else
                          dnp.broadcast_to(t, output_shape))
    return _attach(value, _transform(x, coords, order, mode, cval, prefilter), odt)


def shift(input, shift, output=None, order=3, mode="constant", cval=0.0, prefilter=True):
    """``scipy.ndimage.shift``, differentiable in ``input``, ``shift`` and
    ``cval`` (output entry ``o`` reads the input at ``o - shift``)."""
    if not _traced(input, shift, cval):
        return _ndi.shift(input, shift, output, order, mode, cval, prefilter)
    x, odt = _prepare("shift", input, order, mode, cval, output)
    nd = ndim_of(x)
    value = _ndi.shift(_np.asarray(primal_of(x)), _plain(shift), odt, order, mode,
                       primal_of(cval), prefilter)
    sh = _as_array(shift)
    if ndim_of(sh) == 0:
        sh = [sh] * nd
    elif shape_of(sh)[0] != nd:
        raise RuntimeError("sequence argument must have length equal to input rank")
    o = _grid(tuple(shape_of(x)))
    coords = [o[k] + (-_f64(sh[k])) for k in range(nd)]
    return _attach(value, _transform(x, coords, order, mode, cval, prefilter), odt)


def zoom(input, zoom, output=None, order=3, mode="constant", cval=0.0, prefilter=True, *,
         grid_mode=False):
    """``scipy.ndimage.zoom`` (``grid_mode`` too), differentiable in ``input``
    and ``cval``.  The zoom factors fix the output shape and SciPy recomputes
    the step from it, so they have no derivative: a traced ``zoom`` raises."""
    if contains_tracer(zoom):
        raise NotImplementedError(
            "ndimage.zoom: differentiating with respect to 'zoom' is not supported (SciPy "
            "uses it only through the output shape round(n * zoom), which is piecewise "
            "constant); pass it as a plain number, or use affine_transform with a diagonal "
            "matrix to differentiate in a scale factor")
    if not _traced(input, cval):
        return _ndi.zoom(input, zoom, output, order, mode, cval, prefilter,
                         grid_mode=grid_mode)
    x, odt = _prepare("zoom", input, order, mode, cval, output)
    value = _ndi.zoom(_np.asarray(primal_of(x)), zoom, odt, order, mode, primal_of(cval),
                      prefilter, grid_mode=grid_mode)
    oshape = value.shape
    ishape = tuple(shape_of(x))
    if all(z == 1 for z in _ni_support._normalize_sequence(zoom, len(ishape))) and prefilter:
        return x if odt == _dtype_of(x) else dnp.astype(x, odt)
    num = _np.array(ishape, dtype=_np.float64)
    div = _np.array(oshape, dtype=_np.float64)
    if not grid_mode:
        num, div = num - 1, div - 1
    z = _np.divide(num, div, out=_np.ones(len(ishape)), where=div != 0)
    o = _grid(oshape)
    coords = [((o[k] + 0.5) * z[k] - 0.5) if grid_mode else o[k] * z[k]
              for k in range(len(ishape))]
    return _attach(value, _transform(x, coords, order, mode, cval, prefilter), odt)


def rotate(input, angle, axes=(1, 0), reshape=True, output=None, order=3, mode="constant",
           cval=0.0, prefilter=True):
    """``scipy.ndimage.rotate``, differentiable in ``input``, ``angle`` (degrees)
    and ``cval``: SciPy's rotation matrix (``cosdg``, ``sindg``) and offset, then
    ``affine_transform`` per plane.  The output shape (``reshape=True``) is
    computed from the angle's value and is not differentiated.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.ndimage import rotate
    >>> import scipy.ndimage as ndi
    >>> img = np.outer(np.arange(4.0) ** 2, np.ones(5))
    >>> f = lambda a: ndi.rotate(img, a, reshape=False, mode="nearest")[1, 2]
    >>> d = ad.grad(lambda a: rotate(img, a, reshape=False, mode="nearest")[1, 2])(10.0)
    >>> bool(abs(d - (f(10.0 + 1e-5) - f(10.0 - 1e-5)) / 2e-5) < 1e-7)
    True
    """
    if not _traced(input, angle, cval):
        return _ndi.rotate(input, angle, axes, reshape, output, order, mode, cval, prefilter)
    from . import special as dsp
    x = input if isinstance(input, Tracer) else _np.asarray(input)
    nd = ndim_of(x)
    if nd < 2:
        raise ValueError("input array should be at least 2D")
    axes = list(axes)
    if len(axes) != 2:
        raise ValueError("axes should contain exactly two values")
    if not all(float(ax).is_integer() for ax in axes):
        raise ValueError("axes should contain only integer values")
    axes = [int(a) + nd if a < 0 else int(a) for a in axes]
    if axes[0] < 0 or axes[1] < 0 or axes[0] >= nd or axes[1] >= nd:
        raise ValueError("invalid rotation plane specified")
    axes.sort()
    odt = _out_dtype("rotate", x, output, cval)
    _check_order(order)
    _check_mode("rotate", mode)
    value = _ndi.rotate(_np.asarray(primal_of(x)), primal_of(angle), axes, reshape, odt,
                        order, mode, primal_of(cval), prefilter)
    c, s = dsp.cosdg(angle), dsp.sindg(angle)
    img_shape = _np.asarray(shape_of(x))
    in_plane = img_shape[axes]
    out_plane = _np.asarray(value.shape)[axes]
    oc = (out_plane - 1) / 2
    ic = (in_plane - 1) / 2
    # rot_matrix = [[c, s], [-s, c]]; offset = in_center - rot_matrix @ out_center
    off0 = ic[0] - (c * oc[0] + s * oc[1])
    off1 = ic[1] - (-s * oc[0] + c * oc[1])
    o0, o1 = _grid(tuple(int(v) for v in out_plane))
    # SciPy's affine loop: tmp = offset; tmp += o0 * m[h, 0]; tmp += o1 * m[h, 1]
    c0 = off0 + o0 * c + o1 * s
    c1 = off1 + o0 * (-s) + o1 * c
    xm = dnp.moveaxis(x, axes, (-2, -1))
    lead = tuple(shape_of(xm)[:-2])
    planes = dnp.reshape(xm, (-1,) + tuple(shape_of(xm)[-2:]))
    outs = []
    for p in range(int(_np.prod(lead, dtype=_np.intp))):
        outs.append(_transform(planes[p], [c0, c1], order, mode, cval, prefilter))
    f = dnp.reshape(dnp.stack(outs, 0), lead + tuple(int(v) for v in out_plane))
    f = dnp.moveaxis(f, (-2, -1), axes)
    return _attach(value, f, odt)
