"""Shape operations: the rule table.  All are linear; each rule applies the
same operation to the tangent (batch axes kept in front) or its inverse to the
cotangent."""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defjvp_joint, defvjp_direct, defvjp_varargs, primitive
from ..tracer import Tracer, ndim_of, shape_of
from ._broadcast import bcast_tangent, norm_axes, unbroadcast


# --- reshape -------------------------------------------------------------------
def _reshape_impl(x, shape):
    return _np.reshape(x, shape)


def _lead(t, x):
    return shape_of(t)[:ndim_of(t) - ndim_of(x)]


reshape_p = primitive(_reshape_impl, name="reshape")
defjvp(reshape_p, lambda t, ans, x, shape: reshape_p(t, _lead(t, x) + shape_of(ans)))
defvjp_direct(reshape_p, lambda g, ans, x, shape: reshape_p(g, _lead(g, ans) + shape_of(x)))


def reshape(a, *shape, order="C", newshape=None, **kw):
    """``numpy.reshape`` (C order)."""
    if newshape is not None:
        shape = (newshape,)
    if "shape" in kw:
        shape = (kw.pop("shape"),)
    if len(shape) == 1:
        shape = shape[0]
    if isinstance(shape, (int, _np.integer)):
        shape = (int(shape),)
    shape = tuple(int(s) for s in shape)
    if order not in ("C", "A"):
        if order == "F":
            return transpose(reshape(transpose(a), shape[::-1]))
        raise ValueError(f"reshape: order={order!r} is not supported")
    if shape_of(a) == shape:
        return a
    return reshape_p(a, shape)


def ravel(a, order="C"):
    """``numpy.ravel``."""
    return reshape(a, (-1,), order=order)


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
    """``numpy.transpose``."""
    nd = ndim_of(a)
    if axes is None:
        axes = tuple(range(nd))[::-1]
    else:
        axes = tuple(int(ax) % nd for ax in axes) if nd else ()
        if sorted(axes) != list(range(nd)):
            raise ValueError(f"transpose: axes {axes} don't match array of dimension {nd}")
    if axes == tuple(range(nd)):
        return a
    return transpose_p(a, axes)


def permute_dims(a, axes=None):
    return transpose(a, axes)


def swapaxes(a, axis1, axis2):
    """``numpy.swapaxes``."""
    nd = ndim_of(a)
    perm = list(range(nd))
    i, j = axis1 % nd, axis2 % nd
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a, source, destination):
    """``numpy.moveaxis``."""
    nd = ndim_of(a)
    src = [s % nd for s in (source if isinstance(source, (tuple, list)) else (source,))]
    dst = [d % nd for d in (destination if isinstance(destination, (tuple, list)) else (destination,))]
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same length")
    order = [n for n in range(nd) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


def expand_dims(a, axis):
    """``numpy.expand_dims``."""
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    shape = list(shape_of(a))
    nd = len(shape) + len(axes)
    for ax in sorted(ax % nd for ax in axes):
        shape.insert(ax, 1)
    return reshape(a, tuple(shape))


def squeeze(a, axis=None):
    """``numpy.squeeze``."""
    shape = shape_of(a)
    if axis is None:
        axes = {i for i, d in enumerate(shape) if d == 1}
    else:
        axes = {ax % len(shape) for ax in (axis if isinstance(axis, (tuple, list)) else (axis,))}
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
    axis = axis % nd
    return concatenate([expand_dims(a, axis) for a in arrays], axis=axis, dtype=dtype)

__all__ = ["reshape", "ravel", "broadcast_to", "transpose", "permute_dims", "swapaxes",
           "moveaxis", "expand_dims", "squeeze", "concatenate", "stack"]
