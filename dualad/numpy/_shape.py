"""Shape operations: the rule table.  All are linear; each rule applies the
same operation to the tangent (batch axes kept in front) or its inverse to the
cotangent."""
from __future__ import annotations

import operator as _operator

import numpy as _np

from ..registry import defjvp, defjvp_joint, defvjp_direct, defvjp_varargs, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import (bcast_tangent, norm_axes, normalize_axis_index,
                         normalize_axis_tuple, unbroadcast)


# --- reshape -------------------------------------------------------------------
def _reshape_impl(x, shape):
    return _np.reshape(x, shape)


def _lead(t, x):
    return shape_of(t)[:ndim_of(t) - ndim_of(x)]


reshape_p = primitive(_reshape_impl, name="reshape")
defjvp(reshape_p, lambda t, ans, x, shape: reshape_p(t, _lead(t, x) + shape_of(ans)))
defvjp_direct(reshape_p, lambda g, ans, x, shape: reshape_p(g, _lead(g, ans) + shape_of(x)))


def _order_arg(order):
    return "C" if order is None else str(order).upper()


def memory_order(a):
    """``"F"`` when ``a`` is F-contiguous and not C-contiguous, else ``"C"``: what
    NumPy's ``order='A'`` reads as.  A traced value's layout is its primal's (the
    array NumPy itself would have computed: ``x.T`` of a C array is F-contiguous)."""
    p = primal_of(a)
    flags = getattr(p, "flags", None)
    return "F" if flags is not None and flags.f_contiguous and not flags.c_contiguous else "C"


def reshape(a, *shape, order="C", newshape=None, **kw):
    """``numpy.reshape``; ``order`` may be given by position, as NumPy takes it.

    ``order='A'`` reads (and writes) in F order when ``a`` is F-contiguous and not
    C-contiguous, as NumPy does; a traced value's layout is that of its primal."""
    if len(shape) == 2 and (shape[1] is None or isinstance(shape[1], str)):
        shape, order = shape[:1], shape[1]          # numpy.reshape(a, shape, order)
    if newshape is not None:
        shape = (newshape,)
    if "shape" in kw:
        shape = (kw.pop("shape"),)
    if len(shape) == 1:
        shape = shape[0]
    if isinstance(shape, (int, _np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if order != "C":                                 # the common case: no call
        order = _order_arg(order)
        if order == "A":
            order = memory_order(a)
        if order == "F":
            return transpose(reshape(transpose(a), shape[::-1]))
        if order != "C":
            if order == "K":
                raise ValueError("order 'K' is not permitted for reshaping")
            raise ValueError(f"reshape: order={order!r} is not supported")
    if shape_of(a) == shape:
        return a
    return reshape_p(a, shape)


def _k_positions(p):
    """Positions, in C order, of the elements of ``numpy.ravel(p, order='K')``:
    NumPy itself ravels an array of memory offsets laid out with ``p``'s strides."""
    isz = p.itemsize
    if any(s % isz for s in p.strides):             # not whole elements apart: C order
        return None
    st = [s // isz for s in p.strides]
    lo = sum(min(0, (n - 1) * s) for n, s in zip(p.shape, st))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(p.shape, st))
    buf = _np.arange(lo, hi + 1, dtype=_np.intp)
    offsets = _np.lib.stride_tricks.as_strided(
        buf[-lo:], p.shape, tuple(s * buf.itemsize for s in st), writeable=False)
    where = _np.empty(hi - lo + 1, dtype=_np.intp)
    where[_np.ravel(offsets, order="C") - lo] = _np.arange(p.size)
    return where[_np.ravel(offsets, order="K") - lo]


def ravel(a, order="C"):
    """``numpy.ravel``.

    ``order='A'`` is F order when ``a`` is F-contiguous and not C-contiguous, and
    ``order='K'`` is the order of the elements in memory (negative strides not
    reversed), as in NumPy; a traced value's layout is that of its primal."""
    order = _order_arg(order)
    if order != "K":
        return reshape(a, (-1,), order=order)
    if not isinstance(a, Tracer):
        return _np.ravel(a, order="K")
    p = _np.asarray(primal_of(a))
    if p.flags.c_contiguous or p.size < 2:
        return reshape(a, (-1,))
    if p.flags.f_contiguous:
        return reshape(a, (-1,), order="F")
    pos = _k_positions(p)
    flat = reshape(a, (-1,))
    if pos is None or (pos == _np.arange(p.size)).all():
        return flat
    from ._indexing import getitem
    return getitem(flat, pos)


# --- broadcast_to ----------------------------------------------------------------
def _broadcast_to_impl(x, shape):
    return _np.broadcast_to(x, shape)


broadcast_to_p = primitive(_broadcast_to_impl, name="broadcast_to")
defjvp(broadcast_to_p, lambda t, ans, x, shape: bcast_tangent(t, x, ans))
defvjp_direct(broadcast_to_p, lambda g, ans, x, shape: unbroadcast(g, ans, x))


def broadcast_to(array, shape, subok=False):
    """``numpy.broadcast_to`` (a read-only view for plain arrays)."""
    shape = (int(shape),) if isinstance(shape, (int, _np.integer)) else tuple(shape)
    if shape_of(array) == shape:
        return array
    return broadcast_to_p(array, shape)


# --- transpose -------------------------------------------------------------------
def _transpose_impl(x, axes):
    return _np.transpose(x, axes)


def _batched_axes(axes, nb):
    return tuple(range(nb)) + tuple(nb + a for a in axes)


transpose_p = primitive(_transpose_impl, name="transpose")
defjvp(transpose_p, lambda t, ans, x, axes:
       transpose_p(t, _batched_axes(axes, ndim_of(t) - ndim_of(x))))
defvjp_direct(transpose_p, lambda g, ans, x, axes:
              transpose_p(g, _batched_axes(tuple(_np.argsort(axes)), ndim_of(g) - ndim_of(ans))))


def transpose(a, axes=None):
    """``numpy.transpose``; invalid ``axes`` raise as in NumPy (``AxisError`` out of
    range, ``ValueError`` repeated or of the wrong length)."""
    nd = ndim_of(a)
    if axes is None:
        axes = tuple(range(nd))[::-1]
    else:
        given = tuple(axes)
        if len(given) != nd:
            raise ValueError(f"axes don't match array: transpose axes {given} for an "
                             f"array of dimension {nd}")
        axes = tuple(normalize_axis_index(_operator.index(ax), nd) for ax in given)
        if len(set(axes)) != nd:
            raise ValueError(f"repeated axis in transpose: axes {given}")
    if axes == tuple(range(nd)):
        return a
    return transpose_p(a, axes)


def permute_dims(a, axes=None):
    return transpose(a, axes)


def swapaxes(a, axis1, axis2):
    """``numpy.swapaxes``."""
    nd = ndim_of(a)
    perm = list(range(nd))
    i = normalize_axis_index(_operator.index(axis1), nd, "axis1")
    j = normalize_axis_index(_operator.index(axis2), nd, "axis2")
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a, source, destination):
    """``numpy.moveaxis``."""
    nd = ndim_of(a)
    src = normalize_axis_tuple(source, nd, "source")
    dst = normalize_axis_tuple(destination, nd, "destination")
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same "
                         "number of elements")
    order = [n for n in range(nd) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


def expand_dims(a, axis):
    """``numpy.expand_dims``."""
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    shape = iter(shape_of(a))
    nd = ndim_of(a) + len(axes)
    axes = normalize_axis_tuple(axes, nd)
    return reshape(a, tuple(1 if ax in axes else next(shape) for ax in range(nd)))


def squeeze(a, axis=None):
    """``numpy.squeeze``; ``axis`` is None, an int or a tuple of ints."""
    shape = shape_of(a)
    if axis is None:
        axes = {i for i, d in enumerate(shape) if d == 1}
    else:
        given = axis if isinstance(axis, tuple) else (_operator.index(axis),)
        axes = {normalize_axis_index(_operator.index(ax), len(shape)) for ax in given}
        if len(axes) != len(given):
            raise ValueError("duplicate value in 'axis'")
        for ax in axes:
            if shape[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size "
                                 "not equal to one")
    return reshape(a, tuple(d for i, d in enumerate(shape) if i not in axes))


# --- concatenate / stack -----------------------------------------------------------
def _concat_impl(*arrays, axis=0):
    return _np.concatenate(arrays, axis=axis)


def _concat_jvp(tangents, ans, *arrays, axis=0):
    if all(t is None for t in tangents):
        return None
    lead = None
    for t, x in zip(tangents, arrays):
        if t is not None:
            lead = _lead(t, x)
            break
    parts = []
    for t, x in zip(tangents, arrays):
        if t is None:
            t = _np.zeros(lead + shape_of(x), dtype=_np.result_type(ans))
        parts.append(t)
    ax = axis % ndim_of(ans) - ndim_of(ans)
    return concat_p(*parts, axis=ax)


def _concat_vjp(i, g, ans, *arrays, axis=0):
    from ._indexing import getitem
    nd = ndim_of(ans)
    ax = axis % nd
    start = 0
    for x in arrays[:i]:
        start += shape_of(x)[ax]
    stop = start + shape_of(arrays[i])[ax]
    idx = (Ellipsis, slice(start, stop)) + (slice(None),) * (nd - ax - 1)
    return getitem(g, idx)


concat_p = primitive(_concat_impl, name="concatenate")
defjvp_joint(concat_p, _concat_jvp)
defvjp_varargs(concat_p, _concat_vjp)


def concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """``numpy.concatenate`` of arrays some of which may be traced."""
    arrays = list(arrays)
    if out is not None:
        return _np.concatenate(arrays, axis=axis, out=out)
    if axis is None:
        arrays = [ravel(a) for a in arrays]
        axis = 0
    if dtype is not None:
        from ._ufuncs import astype
        arrays = [astype(a, dtype) for a in arrays]
    if not any(isinstance(a, Tracer) for a in arrays):
        return _np.concatenate(arrays, axis=axis)
    arrays = [a if isinstance(a, Tracer) else _np.asarray(a) for a in arrays]
    return concat_p(*arrays, axis=axis)


def stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    """``numpy.stack`` of arrays some of which may be traced."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    shapes = {shape_of(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    nd = len(next(iter(shapes))) + 1
    axis = normalize_axis_index(_operator.index(axis), nd)
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis, dtype=dtype)

__all__ = ["reshape", "ravel", "broadcast_to", "transpose", "permute_dims", "swapaxes",
           "moveaxis", "expand_dims", "squeeze", "concatenate", "stack"]
