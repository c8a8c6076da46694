"""Indexing: ``x[idx]`` and its transpose, the scatter-add.

Indices are basic (ints, slices, ``None``, ``...``) or advanced (integer and
boolean arrays).  Batched tangents/cotangents are handled by moving the batch
axes to the end, where an index with its ``...`` spelled out never reaches them.
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive, vjp_reads
from ..tracer import Tracer, ndim_of, primal_of, shape_of


def normalize_index(idx):
    """A hashable-ish tuple index with lists turned into arrays."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    out = []
    for i in idx:
        if isinstance(i, Tracer):
            v = primal_of(i)
            if _np.result_type(v).kind not in "biu":
                raise IndexError("only integer or boolean arrays are valid indices; "
                                 "a traced floating-point value was used as an index")
            i = v
        if isinstance(i, list):
            i = _np.asarray(i)
            if i.size == 0:
                i = i.astype(_np.intp)
        out.append(i)
    return tuple(out)


def _is_basic(idx):
    for i in idx:
        if isinstance(i, _np.ndarray) and i.ndim > 0:
            return False
        if isinstance(i, _np.ndarray) and i.dtype == bool:
            return False
        if isinstance(i, (bool, _np.bool_)):
            return False
    return True


def _spell_out(idx, ndim):
    """``idx`` with any ``...`` replaced by explicit full slices."""
    if not any(i is Ellipsis for i in idx):
        return idx
    used = 0
    for i in idx:
        if i is None or i is Ellipsis or isinstance(i, (bool, _np.bool_)):
            continue            # None and scalar booleans add an axis, use none
        if isinstance(i, _np.ndarray) and i.dtype == bool:
            used += i.ndim
        else:
            used += 1
    out = []
    for i in idx:
        if i is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
        else:
            out.append(i)
    return tuple(out)


def _to_back(t, nb):
    nd = ndim_of(t)
    return tuple(range(nb, nd)) + tuple(range(nb))


def _to_front(r, nb):
    nd = ndim_of(r)
    return tuple(range(nd - nb, nd)) + tuple(range(nd - nb))


def _distinct_targets(idx, shape, n_values):
    """True if advanced index ``idx`` (``...`` spelled out) hits no position twice.

    Boolean masks never repeat a position.  Integer arrays are checked only
    when that is cheap next to the scatter it saves (the values outnumber the
    index entries), by counting hits on the flattened indexed axes.
    """
    arrays, dims, d = [], [], 0
    for i in idx:
        if i is None or isinstance(i, (bool, _np.bool_)):
            continue
        if isinstance(i, _np.ndarray) and i.dtype == bool:
            if i.ndim:
                for k, nz in enumerate(_np.nonzero(i)):
                    arrays.append(nz)
                    dims.append(shape[d + k])
                d += i.ndim
            continue
        if isinstance(i, _np.ndarray) and i.ndim > 0:
            arrays.append(i)
            dims.append(shape[d])
        d += 1
    if all(a.dtype == bool for a in idx if isinstance(a, _np.ndarray) and a.ndim > 0):
        return True
    if not arrays:
        return True
    b = _np.broadcast_arrays(*arrays)
    count = b[0].size
    if count < 2:
        return True
    if 4 * count > n_values:
        return False
    flat = _np.ravel_multi_index(tuple(a.ravel() for a in b), tuple(dims), mode="wrap")
    total = int(_np.prod(dims, dtype=_np.int64))
    if total <= 8 * count:
        return bool(_np.bincount(flat, minlength=total).max() <= 1)
    return _np.unique(flat).size == count


def _getitem_impl(x, idx):
    return x[idx]


def batched_getitem(t, idx, nb, x_ndim):
    """``t[idx]`` for ``t`` of shape ``batch(nb) + x.shape``, batch kept in front."""
    from ._shape import transpose_p
    if nb == 0:
        return getitem_p(t, idx)
    if _is_basic(idx):          # basic indices: a view, batch axes untouched
        return getitem_p(t, (slice(None),) * nb + idx)
    tt = transpose_p(t, _to_back(t, nb))
    r = getitem_p(tt, _spell_out(idx, x_ndim))
    return transpose_p(r, _to_front(r, nb))


getitem_p = primitive(_getitem_impl, name="getitem")
defjvp(getitem_p, lambda t, ans, x, idx:
       batched_getitem(t, idx, ndim_of(t) - ndim_of(x), ndim_of(x)))
defvjp_direct(getitem_p, lambda g, ans, x, idx:
              scatter_add(g, idx, shape_of(x), ndim_of(g) - ndim_of(ans)))
vjp_reads(getitem_p, {0: ()})  # x's shape only


#: dtypes whose sums np.bincount forms (in float64, parts of complex values apart)
_BINCOUNT_DTYPES = frozenset(map(_np.dtype, ("float64", "float32", "complex128", "complex64")))


def _add_at(z, idx, v):
    """``numpy.add.at(z, idx, v)`` into the zeros ``z``.  Where every entry of
    ``v`` goes to one place of ``z`` (``v`` shaped like ``z[idx]``) and ``z`` is
    not much larger than ``v``, the sums are formed by ``bincount`` on the
    flattened target positions, several times faster than ``add.at``, adding in
    the same order (float32 is summed in float64, then rounded once)."""
    if z.dtype in _BINCOUNT_DTYPES and 0 < z.size <= 4 * v.size + 4096:
        pos = _np.arange(z.size).reshape(z.shape)[idx]
        if pos.shape == v.shape:
            pos = pos.ravel()
            v = v.ravel()
            if z.dtype.kind == "c":
                z[...] = (_np.bincount(pos, v.real, z.size)
                          + 1j * _np.bincount(pos, v.imag, z.size)).reshape(z.shape)
            else:
                z[...] = _np.bincount(pos, v, z.size).reshape(z.shape)
            return
    _np.add.at(z, idx, v)


def _scatter_impl(g, idx, shape, nb):
    g = _np.asarray(g)
    if nb and _is_basic(idx):   # basic indices: contiguous result, no transposes
        z = _np.zeros(g.shape[:nb] + tuple(shape), dtype=g.dtype)
        z[(slice(None),) * nb + idx] = g
        return z
    if nb:
        gm = _np.transpose(g, _to_back(g, nb))
        z = _np.zeros(tuple(shape) + g.shape[:nb], dtype=g.dtype)
        full = _spell_out(idx, len(shape))
    else:
        gm, z, full = g, _np.zeros(shape, dtype=g.dtype), idx
    if _is_basic(full) or _distinct_targets(_spell_out(full, len(shape)), z.shape, gm.size):
        z[full] = gm            # every entry written once: plain assignment
    else:
        _add_at(z, full, gm)
    if nb:
        z = _np.transpose(z, _to_front(z, nb))
    return z


scatter_add = primitive(_scatter_impl, name="scatter_add")
defjvp(scatter_add, lambda t, ans, g, idx, shape, nb:
       scatter_add(t, idx, shape, nb + ndim_of(t) - ndim_of(g)))
defvjp_direct(scatter_add, lambda h, ans, g, idx, shape, nb:
              batched_getitem(h, idx, nb + ndim_of(h) - ndim_of(ans), len(shape)))


def getitem(x, idx):
    """``x[idx]`` for traced or plain ``x``."""
    return getitem_p(x, normalize_index(idx))

__all__ = ["getitem", "scatter_add"]
