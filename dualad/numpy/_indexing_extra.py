"""Gathers, functional scatters and permutations: the rule table.

All of these are linear in their differentiable arguments:

* ``take``, ``take_along_axis``, ``compress``, ``choose``, ``select`` are built
  from ``getitem`` / ``where``, whose rules are in :mod:`._indexing` and
  :mod:`._ufuncs`;
* ``index_update(x, idx, v)`` (functional ``x[idx] = v``) is a primitive: its
  tangent is the same update applied to the tangents (``t_x`` with the
  ``idx`` entries replaced by ``t_v``); its cotangent in ``x`` is ``g`` with the
  ``idx`` entries zeroed and in ``v`` is ``g[idx]`` summed back to ``v``'s shape;
* ``index_add(x, idx, v)`` (functional ``x[idx] += v``, duplicates accumulate,
  like ``numpy.add.at``) is ``x + scatter_add(v)``;
* ``sort`` and ``partition`` permute: the derivative is the same permutation
  of the tangent (``permute_along_axis``), and the cotangent is gathered with
  the inverse permutation, so reverse mode needs no scatter at all.

Conventions at non-differentiable points:

* ``sort`` / ``partition`` at ties: the derivative follows NumPy's stable
  ``argsort`` (resp. ``argpartition``) order of the tied entries; any such
  choice is a valid one-sided derivative.
* ``index_update`` with repeated integer indices: as in NumPy, the last write
  wins, and only the winning entry of ``v`` receives a derivative.
* ``partition`` returns ``take_along_axis(a, argpartition(a, kth))``: the
  entries at ``kth`` equal NumPy's, the order inside each side may differ.

>>> import numpy, dualad as ad, dualad.numpy as dnp
>>> ad.grad(lambda x: dnp.sum(dnp.index_update(x, 1, 3.0 * x[0])))(numpy.ones(3))
array([4., 0., 1.])
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ._broadcast import bcast_tangent, norm_axes, sum_to
from ._indexing import (_is_basic, _spell_out, _to_back, _to_front, batched_getitem, getitem,
                        normalize_index, scatter_add)


def _traced(*xs):
    return any(isinstance(x, Tracer) for x in xs)


def _along(axis, idx):
    """The index selecting ``idx`` along ``axis`` (non-negative), all else whole."""
    return (slice(None),) * axis + (idx,)


def _sel_shape(shape, idx):
    """``shape(x[idx])`` without touching data."""
    return _np.broadcast_to(_np.zeros((), dtype=bool), shape)[idx].shape


# --- take, take_along_axis, compress ---------------------------------------------
def take(a, indices, axis=None, out=None, mode="raise"):
    """``numpy.take``; differentiable in ``a`` (``mode``: raise, wrap or clip)."""
    if not _traced(a):
        return _np.take(a, indices, axis=axis, out=out, mode=mode)
    if out is not None:
        raise TypeError("take: out= cannot hold a traced value; use the returned value")
    ind = _np.asarray(primal_of(indices))
    if ind.dtype.kind not in "iu":
        if ind.size == 0:
            ind = ind.astype(_np.intp)
        else:
            raise IndexError("take: indices must be integers")
    if axis is None:
        from ._shape import ravel
        a, axis = ravel(a), 0
    axis = norm_axes(axis, ndim_of(a))[0] % ndim_of(a)
    n = shape_of(a)[axis]
    if mode == "wrap":
        ind = ind % n if n else ind
    elif mode == "clip":
        ind = _np.clip(ind, 0, max(n - 1, 0))
    elif mode == "raise":
        if ind.size and (ind.min() < -n or ind.max() >= n):
            raise IndexError(f"take: index out of range for axis {axis} with size {n}")
    else:
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
    return getitem(a, _along(axis, ind))


def _along_axis_index(shape, indices, axis):
    """The advanced index equivalent to ``take_along_axis(x, indices, axis)``."""
    nd = len(shape)
    ind = _np.asarray(primal_of(indices))
    if ind.ndim != nd:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    if ind.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    out = []
    for d in range(nd):
        if d == axis:
            out.append(ind)
        else:
            sh = [1] * nd
            sh[d] = shape[d]
            out.append(_np.arange(shape[d]).reshape(sh))
    return tuple(out)


def take_along_axis(arr, indices, axis=-1):
    """``numpy.take_along_axis``; differentiable in ``arr``."""
    if not _traced(arr):
        return _np.take_along_axis(arr, indices, axis=axis)
    if axis is None:
        from ._shape import ravel
        arr, axis = ravel(arr), 0
    axis = norm_axes(axis, ndim_of(arr))[0] % ndim_of(arr)
    return getitem(arr, _along_axis_index(shape_of(arr), indices, axis))


def put_along_axis(arr, indices, values, axis, inplace=True):
    """``numpy.put_along_axis``.

    With ``inplace=True`` (NumPy's behaviour) ``arr`` is modified and ``None``
    returned, which traced values cannot do.  ``inplace=False`` returns the
    updated copy, differentiable in ``arr`` and ``values``.
    """
    if inplace:
        if _traced(arr, values):
            raise TypeError("put_along_axis cannot write into a traced array; use "
                            "dualad.numpy.put_along_axis(arr, indices, values, axis, "
                            "inplace=False), which returns the updated array")
        return _np.put_along_axis(arr, indices, values, axis)
    if axis is None:
        from ._shape import ravel
        arr, axis = ravel(arr), 0
    axis = norm_axes(axis, ndim_of(arr))[0] % ndim_of(arr)
    return index_update(arr, _along_axis_index(shape_of(arr), indices, axis), values)


def compress(condition, a, axis=None, out=None):
    """``numpy.compress``; differentiable in ``a``."""
    if not _traced(a):
        return _np.compress(primal_of(condition), a, axis=axis, out=out)
    if out is not None:
        raise TypeError("compress: out= cannot hold a traced value; use the returned value")
    cond = _np.asarray(primal_of(condition)).astype(bool).ravel()
    if axis is None:
        from ._shape import ravel
        a, axis = ravel(a), 0
    axis = norm_axes(axis, ndim_of(a))[0] % ndim_of(a)
    n = shape_of(a)[axis]
    if cond.size > n:
        if cond[n:].any():
            raise IndexError(f"compress: condition selects index beyond axis length {n}")
        cond = cond[:n]
    elif cond.size < n:
        cond = _np.concatenate([cond, _np.zeros(n - cond.size, dtype=bool)])
    return getitem(a, _along(axis, cond))


# --- index_update / index_add ------------------------------------------------------
def _update_impl(x, v, idx):
    x = _np.asarray(x)
    dt = x.dtype if x.dtype.kind in "fc" else _np.result_type(x, primal_of(v))
    y = _np.array(x, dtype=dt, copy=True)
    y[idx] = v
    return y


def _update_batched(t, v, idx, nb, x_ndim, v_batched):
    """``index_update`` of ``t`` (``batch(nb) + x.shape``) with batch kept in front.

    ``v`` is either unbatched (broadcasting, e.g. the scalar 0) or, when
    ``v_batched``, of shape ``batch + shape(x[idx])``.
    """
    from ._shape import transpose_p
    if nb == 0:
        return index_update_p(t, v, idx)
    tt = transpose_p(t, _to_back(t, nb))
    if v_batched:
        v = transpose_p(v, _to_back(v, nb))
    r = index_update_p(tt, v, _spell_out(idx, x_ndim))
    return transpose_p(r, _to_front(r, nb))


def _winners(shape, idx):
    """Mask over ``x[idx]``: True where the write is the one that survives."""
    sel = _sel_shape(shape, idx)
    n = int(_np.prod(sel, dtype=_np.int64))
    w = _np.full(shape, -1, dtype=_np.int64)
    order = _np.arange(n).reshape(sel)
    w[idx] = order
    return w[idx] == order


def _update_jvp_x(t, ans, x, v, idx):
    nb = ndim_of(t) - ndim_of(x)
    return _update_batched(t, _np.zeros((), dtype=_np.result_type(ans)), idx, nb,
                           ndim_of(x), False)


def _update_jvp_v(t, ans, x, v, idx):
    from ._shape import reshape
    nb = ndim_of(t) - ndim_of(v)
    xs = shape_of(ans)
    sel = _np.broadcast_to(_np.zeros((), dtype=bool), _sel_shape(xs, idx))
    vs = shape_of(v)
    if len(vs) > sel.ndim:           # NumPy drops leading size-1 axes of v
        v = _np.zeros(vs[len(vs) - sel.ndim:])
        t = reshape(t, shape_of(t)[:nb] + vs[len(vs) - sel.ndim:])
    tb = bcast_tangent(t, v, sel)
    z = _np.zeros(shape_of(t)[:nb] + xs, dtype=_np.result_type(ans, primal_of(t)))
    return _update_batched(z, tb, idx, nb, len(xs), True)


def _update_vjp_x(g, ans, x, v, idx):
    nb = ndim_of(g) - ndim_of(ans)
    return _update_batched(g, _np.zeros((), dtype=_np.result_type(primal_of(g))), idx, nb,
                           ndim_of(ans), False)


def _update_vjp_v(g, ans, x, v, idx):
    from ._ufuncs import where_p
    nb = ndim_of(g) - ndim_of(ans)
    from ._indexing import _distinct_targets
    from ._shape import reshape
    xs = shape_of(ans)
    gi = batched_getitem(g, idx, nb, len(xs))
    if not _is_basic(idx) and not _distinct_targets(_spell_out(idx, len(xs)), xs, _np.inf):
        win = _winners(xs, idx)
        if not win.all():
            gi = where_p(win, gi, _np.zeros((), dtype=_np.result_type(primal_of(gi))))
    vs, gs = shape_of(v), shape_of(gi)
    if len(vs) > len(gs) - nb:       # v had leading size-1 axes NumPy dropped
        gi = reshape(gi, gs[:nb] + (1,) * (len(vs) - len(gs) + nb) + gs[nb:])
    return sum_to(gi, vs, nb)


index_update_p = primitive(_update_impl, name="index_update")
defjvp(index_update_p, _update_jvp_x, _update_jvp_v)
defvjp_direct(index_update_p, _update_vjp_x, _update_vjp_v)


def index_update(x, idx, v):
    """Functional ``x[idx] = v``: a new array, differentiable in ``x`` and ``v``.

    ``idx`` is any NumPy index (ints, slices, ``None``, ``...``, integer or
    boolean arrays).  With repeated integer indices the last write wins.

    >>> import numpy
    >>> index_update(numpy.zeros(4), slice(1, 3), 1.0)
    array([0., 1., 1., 0.])
    """
    idx = normalize_index(idx)
    if not _traced(x, v):
        return _update_impl(x, v, idx)
    if not isinstance(x, Tracer):
        x = _np.asarray(x)
    return index_update_p(x, v, idx)


def index_add(x, idx, v):
    """Functional ``x[idx] += v``; repeated indices accumulate (``numpy.add.at``).

    A floating or complex ``x`` keeps its dtype (float32 ``x`` plus float64 ``v``
    stays float32, as ``x[idx] += v`` does); a complex ``v`` into a real ``x``
    gives a complex result, and an integer ``x`` is promoted as ``x + v`` is.

    >>> import numpy
    >>> index_add(numpy.zeros(3), numpy.array([0, 0, 2]), 1.0)
    array([2., 0., 1.])
    """
    from ._shape import broadcast_to
    from ._ufuncs import add
    idx = normalize_index(idx)
    xs = shape_of(x)
    sel = _sel_shape(xs, idx)
    if not _traced(x, v):
        # lists too, as numpy.add.at takes (a python number stays weak: float32 x stays)
        x = _np.asarray(x)
        if isinstance(v, (list, tuple)):
            v = _np.asarray(v)
        y = _np.array(x, dtype=_add_dtype(x, v), copy=True)
        if _is_basic(idx):
            y[idx] += v
        else:
            _np.add.at(y, idx, v)
        return y
    if not isinstance(v, Tracer):
        # a python number is weak, as in x + v: float32 x stays float32
        weak = isinstance(v, (int, float, complex)) and not isinstance(v, bool)
        v = _np.asarray(v, dtype=_np.result_type(primal_of(x), v) if weak else None)
    dt = _add_dtype(primal_of(x), primal_of(v))
    if _np.result_type(primal_of(v)) != dt:
        from ._ufuncs import astype
        v = astype(v, dt)         # float64 v into float32 x: float32, as x[idx] += v
    return add(x, scatter_add(broadcast_to(v, sel), idx, xs, 0))


def _add_dtype(x, v):
    """dtype of ``index_add(x, idx, v)``: ``x``'s when ``x`` is floating or complex
    and ``v`` of the same kind or lower (``x[idx] += v`` keeps it), else the
    promoted type (a complex ``v`` into a real ``x``, any ``v`` into an integer ``x``)."""
    xd = _np.result_type(x)
    rd = _np.result_type(x, v)
    return xd if xd.kind in "fc" and rd.kind == xd.kind else rd


# --- select / choose -----------------------------------------------------------------
def select(condlist, choicelist, default=0):
    """``numpy.select``; differentiable in the choices and ``default``."""
    if not _traced(default, *choicelist):
        return _np.select([primal_of(c) for c in condlist], choicelist, default)
    from ._ufuncs import where_p
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conds = [_np.asarray(primal_of(c)) for c in condlist]
    for c in conds:
        if c.dtype != bool:
            raise TypeError("invalid entry in condlist: should be boolean ndarray")
    out = default
    for c, ch in zip(reversed(conds), reversed(list(choicelist))):
        out = where_p(c, ch, out)
    shape = _np.broadcast_shapes(*[c.shape for c in conds],
                                 *[shape_of(ch) for ch in choicelist], shape_of(default))
    if shape_of(out) != shape:
        from ._shape import broadcast_to
        out = broadcast_to(out, shape)
    return out


def choose(a, choices, out=None, mode="raise"):
    """``numpy.choose``; differentiable in ``choices`` (``a`` is an index array)."""
    choices = list(choices)
    if not _traced(*choices):
        return _np.choose(primal_of(a), choices, out=out, mode=mode)
    if out is not None:
        raise TypeError("choose: out= cannot hold a traced value; use the returned value")
    from ._shape import broadcast_to
    from ._ufuncs import where_p
    ind = _np.asarray(primal_of(a))
    n = len(choices)
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = _np.clip(ind, 0, n - 1)
    elif ind.size and (ind.min() < 0 or ind.max() >= n):
        raise ValueError("invalid entry in choice array")
    shape = _np.broadcast_shapes(ind.shape, *[shape_of(c) for c in choices])
    res = choices[0]
    for k in range(1, n):
        res = where_p(ind == k, choices[k], res)
    if shape_of(res) != shape:
        res = broadcast_to(res, shape)
    return res


# --- sort / partition: permutations -------------------------------------------------------
def _permute_impl(x, flat, inv):
    x = _np.asarray(x)
    nb = x.ndim - flat.ndim
    return x.reshape(x.shape[:nb] + (-1,))[..., flat]


# ``flat`` is a permutation of the flattened positions (shaped like the
# unbatched value) and ``inv`` its inverse; batch axes in front pass through
permute_p = primitive(_permute_impl, name="permute_along_axis")
defjvp(permute_p, lambda t, ans, x, flat, inv: permute_p(t, flat, inv))
defvjp_direct(permute_p, lambda g, ans, x, flat, inv: permute_p(g, inv, flat))


def permute_along_axis(x, perm, axis=-1):
    """``take_along_axis(x, perm, axis)`` where each 1-D slice of ``perm`` along
    ``axis`` is a permutation; the cotangent is gathered by the inverse
    permutation (no scatter)."""
    perm = _np.asarray(perm)
    shape = shape_of(x)
    if perm.shape != shape:
        raise ValueError("permute_along_axis: perm must have the shape of x")
    nd = len(shape)
    axis = norm_axes(axis, nd)[0] % nd
    size = int(_np.prod(shape, dtype=_np.int64))
    stride = int(_np.prod(shape[axis + 1:], dtype=_np.int64))
    along = _np.arange(shape[axis]).reshape((-1,) + (1,) * (nd - axis - 1))
    flat = _np.arange(size).reshape(shape) + (perm - along) * stride
    inv = _np.empty(size, dtype=flat.dtype)
    inv[flat.ravel()] = _np.arange(size)
    return permute_p(x, flat, inv.reshape(shape))


def _ravel_if_none(a, axis):
    if axis is None:
        from ._shape import ravel
        return ravel(a), -1
    return a, axis


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``numpy.sort``; the derivative is permuted like the values (ties: stable order)."""
    if not _traced(a):
        return _np.sort(a, axis=axis, kind=kind, order=order, stable=stable)
    a, axis = _ravel_if_none(a, axis)
    if ndim_of(a) == 0:
        raise _np.exceptions.AxisError("axis -1 is out of bounds for array of dimension 0")
    perm = _np.argsort(primal_of(a), axis=axis, kind="stable")
    return permute_along_axis(a, perm, axis)


def sort_complex(a):
    """``numpy.sort_complex``: sorted along the last axis (real part first, then
    imaginary), cast to complex as NumPy casts (``complex64`` for small integers,
    ``clongdouble`` for long doubles, ``complex128`` otherwise, float32 included);
    the derivative is permuted like the values."""
    if not contains_tracer(a):
        return _np.sort_complex(a)
    from . import asarray
    from ._ufuncs import astype
    b = sort(asarray(a), axis=-1)
    dt = _np.result_type(primal_of(b))
    if dt.kind == "c":
        return b
    return astype(b, "F" if dt.char in "bhBH" else "G" if dt.char == "g" else "D")


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``numpy.partition``; the derivative is permuted like the values."""
    if not _traced(a):
        return _np.partition(a, kth, axis=axis, kind=kind, order=order)
    a, axis = _ravel_if_none(a, axis)
    perm = _np.argpartition(primal_of(a), kth, axis=axis)
    return permute_along_axis(a, perm, axis)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """``numpy.argpartition`` of the primal value (integer result, no derivative)."""
    return _np.argpartition(primal_of(a), kth, axis=axis, kind=kind, order=order)


__all__ = ["take", "take_along_axis", "put_along_axis", "compress", "index_update",
           "index_add", "select", "choose", "sort", "sort_complex", "partition", "permute_along_axis",
           "argpartition"]
