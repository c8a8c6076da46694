"""More shape operations: the rule table.

Every function here is linear in its array arguments.  Most are compositions
of the core's shape primitives (``reshape``, ``broadcast_to``, ``transpose``,
``concatenate``, ``getitem``, ``where``), whose JVP applies the same operation
to the batched tangent and whose VJP is its transpose.  The primitives of
their own are:

* ``roll``: JVP rolls the tangent, VJP rolls back;
* ``pad`` (zero padding): JVP pads the tangent, VJP slices the interior out;
* ``diagonal`` and its transpose ``diag_embed`` (writes a stack of vectors on
  a diagonal of zeros): each one's VJP is the other.

``pad`` with ``edge`` / ``reflect`` / ``symmetric`` / ``wrap`` gathers along
each axis with the index map NumPy's own ``pad`` gives for ``arange(n)``;
``reflect_type='odd'`` follows NumPy's loop (chunks ``2 * edge - reflected``
outwards).  ``maximum`` /
``minimum`` / ``mean`` / ``median`` concatenate the (broadcast) reduction of
the first / last ``stat_length`` entries, ``linear_ramp`` a ramp computed with
``numpy.linspace``'s arithmetic in its dtype, axis by axis as NumPy does (so
values match NumPy's bit for bit).  ``empty`` (whose padding NumPy leaves
uninitialized) pads with zeros, derivative 0 there; a callable ``mode`` (which
writes in place) is not supported on traced values.  ``triu`` / ``tril``
select with ``where`` (no multiplication by a mask, so infinities stay put).
``trim_zeros`` decides what to trim from the primal value (the derivative is
that of the slice kept, also where a kept entry is exactly zero).
``copy`` returns a traced value as it is (traced values are immutable).

On plain (untraced) arguments every function calls NumPy directly.

>>> import numpy, dualad as ad, dualad.numpy as dnp
>>> ad.grad(lambda x: dnp.trace(dnp.roll(x, 1, axis=0)))(numpy.ones((2, 2)))
array([[0., 1.],
       [1., 0.]])
"""
from __future__ import annotations

import operator as _operator

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes, normalize_axis_index, normalize_axis_tuple
from ._indexing import getitem
from ._shape import broadcast_to, concatenate, ravel, reshape, transpose


def _traced(*xs):
    return any(isinstance(x, Tracer) for x in xs)


from ..tracer import contains_tracer as _any_traced  # noqa: E402


def _asarr(x):
    return x if isinstance(x, Tracer) else _np.asarray(x)


def _axis1(axis, nd):
    """One axis as a non-negative int (NumPy's AxisError when out of range)."""
    return norm_axes(axis, nd)[0] % nd


# --- flips and rotations -----------------------------------------------------------
def flip(m, axis=None):
    """``numpy.flip``."""
    if not _traced(m):
        return _np.flip(m, axis)
    nd = ndim_of(m)
    axes = set(range(nd) if axis is None else normalize_axis_tuple(axis, nd))
    if not axes:
        return m
    return getitem(m, tuple(slice(None, None, -1) if d in axes else slice(None)
                            for d in range(nd)))


def fliplr(m):
    """``numpy.fliplr``."""
    if ndim_of(m) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def flipud(m):
    """``numpy.flipud``."""
    if ndim_of(m) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    """``numpy.rot90``."""
    if not _traced(m):
        return _np.rot90(m, k, axes)
    nd = ndim_of(m)
    a0, a1 = (int(a) % nd for a in axes)
    if len(axes) != 2 or a0 == a1:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(m, a1), perm)
    return flip(transpose(m, perm), a1)


# --- roll ----------------------------------------------------------------------------
def _roll_impl(x, shifts, axes):
    return _np.roll(x, shifts, axes)


roll_p = primitive(_roll_impl, name="roll")
defjvp(roll_p, lambda t, ans, x, shifts, axes: roll_p(t, shifts, axes))
defvjp_direct(roll_p, lambda g, ans, x, shifts, axes:
              roll_p(g, tuple(-s for s in shifts), axes))


def roll(a, shift, axis=None):
    """``numpy.roll``."""
    if not _traced(a):
        return _np.roll(a, shift, axis)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    nd = ndim_of(a)
    b = _np.broadcast(_np.asarray(shift), _np.asarray(axis))
    total = {}
    for s, ax in b:
        ax = norm_axes(int(ax), nd)[0]
        total[ax] = total.get(ax, 0) + int(s)
    sh = shape_of(a)
    items = [(ax, s % sh[ax]) for ax, s in sorted(total.items()) if sh[ax] and s % sh[ax]]
    if not items:
        return a
    return roll_p(a, tuple(s for _, s in items), tuple(ax for ax, _ in items))


def rollaxis(a, axis, start=0):
    """``numpy.rollaxis``."""
    nd = ndim_of(a)
    axis = _axis1(axis, nd)
    if not -nd <= start <= nd:
        raise _np.exceptions.AxisError(f"start={start} out of range for {nd} dimensions")
    if start < 0:
        start += nd
    if axis < start:
        start -= 1
    if axis == start:
        return a
    order = [d for d in range(nd) if d != axis]
    order.insert(start, axis)
    return transpose(a, order)


# --- tile / repeat / resize ---------------------------------------------------------------
def tile(A, reps):
    """``numpy.tile``."""
    if not _traced(A):
        return _np.tile(A, reps)
    reps = (int(reps),) if _np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    shape = shape_of(A)
    d = max(len(reps), len(shape))
    shape = (1,) * (d - len(shape)) + tuple(shape)
    reps = (1,) * (d - len(reps)) + reps
    if all(r == 1 for r in reps):
        return reshape(A, shape)
    x = reshape(A, sum(((1, s) for s in shape), ()))
    x = broadcast_to(x, sum(((r, s) for r, s in zip(reps, shape)), ()))
    return reshape(x, tuple(r * s for r, s in zip(reps, shape)))


def repeat(a, repeats, axis=None):
    """``numpy.repeat`` with an int or an array of repeats."""
    if not _traced(a):
        return _np.repeat(a, repeats, axis)
    if axis is None:
        a, axis = ravel(a), 0
    nd = ndim_of(a)
    axis = _axis1(axis, nd)
    shape = shape_of(a)
    reps = _np.asarray(primal_of(repeats))
    if reps.ndim == 0 or reps.size == 1 and shape[axis] != 1:
        r = int(reps.reshape(()))
        if r < 0:
            raise ValueError("repeats may not contain negative values.")
        x = reshape(a, shape[:axis + 1] + (1,) + shape[axis + 1:])
        x = broadcast_to(x, shape[:axis + 1] + (r,) + shape[axis + 1:])
        return reshape(x, shape[:axis] + (shape[axis] * r,) + shape[axis + 1:])
    idx = _np.repeat(_np.arange(shape[axis]), reps)
    return getitem(a, (slice(None),) * axis + (idx,))


def resize(a, new_shape):
    """``numpy.resize``: the flattened data repeated to fill ``new_shape``."""
    if not _traced(a):
        return _np.resize(a, new_shape)
    new_shape = (int(new_shape),) if _np.ndim(new_shape) == 0 else tuple(new_shape)
    n = int(_np.prod(new_shape, dtype=_np.int64))
    flat = ravel(a)
    size = shape_of(flat)[0]
    if size == 0 or n == 0:
        return _np.zeros(new_shape, dtype=_np.result_type(primal_of(a)))
    return reshape(getitem(flat, (_np.arange(n) % size,)), new_shape)


# --- pad -----------------------------------------------------------------------------
def _pad_impl(x, widths):
    return _np.pad(x, widths)


def _pad_vjp(g, ans, x, widths):
    xs = shape_of(x)
    return getitem(g, (Ellipsis,) + tuple(slice(b, b + n) for (b, _), n in zip(widths, xs)))


pad_p = primitive(_pad_impl, name="pad")
defjvp(pad_p, lambda t, ans, x, widths:
       pad_p(t, ((0, 0),) * (ndim_of(t) - ndim_of(x)) + widths))
defvjp_direct(pad_p, _pad_vjp)


def _pad_frame(cv, x, widths):
    """The padded frame holding the (traced) ``constant_values`` ``cv``, zero inside.

    ``cv`` is read as NumPy's ``pad`` reads it: one value, a ``(before, after)``
    pair for every axis, or one pair per axis (any broadcastable shape).  Which
    value lands where (corners included: a later axis overwrites an earlier
    one) is taken from NumPy's own ``pad`` of the value labels."""
    from .. import numpy as _dnp
    from ._ufuncs import astype
    nd = len(widths)
    try:
        vals = ravel(_dnp.asarray(cv))
    except (TypeError, ValueError) as e:
        raise TypeError(f"pad: constant_values {cv!r} is neither a number nor "
                        f"(before, after) pairs of numbers: {e}") from None
    vshape = _np.shape(primal_of(_dnp.asarray(cv)))
    size = int(_np.prod(vshape, dtype=_np.int64))
    flat = _np.arange(size).reshape(vshape)
    # NumPy's _as_pairs: one value for all, one (before, after) pair for all axes,
    # or a broadcast to (ndim, 2)
    if len(vshape) < 3 and size == 1:
        idx = _np.zeros((nd, 2), dtype=_np.intp)
    elif len(vshape) < 3 and size == 2 and vshape != (2, 1):
        idx = _np.broadcast_to(_np.arange(2), (nd, 2))
    else:
        try:
            idx = _np.broadcast_to(flat, (nd, 2))
        except ValueError:
            raise ValueError(f"pad: constant_values of shape {vshape} cannot be "
                             f"broadcast to ({nd}, 2)") from None
    labels = _np.pad(_np.zeros(shape_of(x), dtype=_np.intp), widths,
                     constant_values=_np.arange(1, 2 * nd + 1).reshape(nd, 2))
    dt = _np.result_type(primal_of(x))
    if _np.result_type(primal_of(vals)) != dt and dt.kind in "fc":
        vals = astype(vals, dt)                   # NumPy writes them in x's dtype
    zero = _np.zeros(1, dtype=_np.result_type(primal_of(vals)))
    table = concatenate([zero, getitem(vals, (_np.ravel(idx),))])
    return getitem(table, (labels,))


def _as_pairs(v, nd, as_index=False):
    """NumPy's ``pad`` reading of a per-axis argument (``_as_pairs`` in
    numpy/lib/_arraypad_impl.py): one value, a ``(before, after)`` pair for every
    axis, or one pair per axis.  Returns ``nd`` pairs, as NumPy does: NumPy
    scalars in the first two cases, Python numbers in the last (the difference
    matters: it decides the dtype ``linear_ramp`` computes in)."""
    if v is None:
        return ((None, None),) * nd
    a = _np.array(v)
    if as_index:
        a = _np.round(a).astype(_np.intp, copy=False)
        if a.size and a.min() < 0:
            raise ValueError("index can't contain negative values")
    if a.ndim < 3 and a.size == 1:
        a = a.ravel()
        return ((a[0], a[0]),) * nd
    if a.ndim < 3 and a.size == 2 and a.shape != (2, 1):
        a = a.ravel()
        return ((a[0], a[1]),) * nd
    return tuple(tuple(p) for p in _np.broadcast_to(a, (nd, 2)).tolist())


def _pad_value_pairs(v, nd):
    """:func:`_as_pairs` for a possibly traced ``v``: ``nd`` pairs of (traced or
    plain) 0-d values, placed as NumPy places them, and the plain pairs NumPy
    would see (of the primal)."""
    if not _any_traced(v):
        ref = _as_pairs(v, nd)
        return ref, ref
    from .. import numpy as _dnp
    va = _dnp.asarray(v)
    flat = ravel(va)
    ref = _as_pairs(primal_of(va), nd)
    labels = _np.arange(shape_of(flat)[0]).reshape(_np.shape(primal_of(va)))
    vals = tuple(tuple(getitem(flat, int(i)) for i in pair) for pair in _as_pairs(labels, nd))
    return vals, ref


def _pad_stat(x, widths, mode, stat_length):
    """``pad`` with mode ``maximum`` / ``minimum`` / ``mean`` / ``median``.

    As NumPy does it: axis by axis (a later axis's statistic includes the
    padding of the earlier axes), the statistic of the first / last
    ``stat_length`` entries of the axis (``None``, or more than the axis holds:
    the whole axis), broadcast over the pad area.  The statistic is dualad's
    reduction with ``keepdims``, so ties follow its conventions."""
    from .. import numpy as _dnp
    func = {"maximum": _dnp.max, "minimum": _dnp.min,
            "mean": _dnp.mean, "median": _dnp.median}[mode]
    nd = len(widths)
    lengths = _as_pairs(stat_length, nd, as_index=True)
    for d, ((b, e), (lb, le)) in enumerate(zip(widths, lengths)):
        n = shape_of(x)[d]
        lb = n if lb is None or lb > n else int(lb)
        le = n if le is None or le > n else int(le)
        if (lb == 0 or le == 0) and mode in ("maximum", "minimum"):
            raise ValueError("stat_length of 0 yields no value for padding")
        if not (b or e):
            continue
        pre = (slice(None),) * d
        left = func(getitem(x, pre + (slice(0, lb),)), axis=d, keepdims=True)
        right = left if lb == le == n else func(getitem(x, pre + (slice(n - le, n),)),
                                                axis=d, keepdims=True)
        parts = []
        for stat, w in ((left, b), (x, None), (right, e)):
            if w is None:
                parts.append(x)
            elif w:
                shp = list(shape_of(x))
                shp[d] = w
                parts.append(broadcast_to(stat, tuple(shp)))
        x = concatenate(parts, axis=d)
    return x


def _pad_linear_ramp(x, widths, end_values):
    """``pad`` with mode ``linear_ramp``: along each axis in turn (later axes see
    the earlier padding), ``w`` values from the end value towards the edge
    value, the edge excluded.  The arithmetic is ``numpy.linspace``'s, in the
    array's dtype: ``end + k * ((edge - end) / w)``, or ``end + (k / w) * (edge -
    end)`` when some step is exactly 0 (as NumPy decides, from the primal)."""
    from ._ufuncs import astype
    nd = len(widths)
    dt = _np.result_type(primal_of(x))
    ends, refs = _pad_value_pairs(end_values, nd)
    for d, ((b, e), pair, rpair) in enumerate(zip(widths, ends, refs)):
        if not (b or e):
            continue
        n = shape_of(x)[d]
        pre = (slice(None),) * d
        parts = []
        for w, end, ref, edge_at, rev in ((b, pair[0], rpair[0], 0, False),
                                          (e, pair[1], rpair[1], n - 1, True)):
            if not w:
                parts.append(None)
                continue
            # linspace's dtype: of the end value (a NumPy scalar or a Python
            # number, see _as_pairs) and the edge, made inexact
            ct = _np.result_type(ref, _np.empty(0, dt))
            if not _np.issubdtype(ct, _np.inexact):
                ct = _np.result_type(ct, _np.float64)
            end = astype(end, ct) if _traced(end) else ct.type(end)
            edge = getitem(x, pre + (slice(edge_at, edge_at + 1),))
            if ct != dt:
                edge = astype(edge, ct)
            k = _np.arange(w, dtype=ct).reshape((1,) * d + (w,) + (1,) * (nd - d - 1))
            if rev:
                k = k[pre + (slice(None, None, -1),)]
            delta = edge - end
            step = delta / w
            if _np.any(_np.asarray(primal_of(step)) == 0):
                ramp = (k / w) * delta
            else:
                ramp = k * step
            ramp = ramp + end
            parts.append(astype(ramp, dt) if ct != dt else ramp)
        x = concatenate([p for p in (parts[0], x, parts[1]) if p is not None], axis=d)
    return x


def pad(array, pad_width, mode="constant", **kwargs):
    """``numpy.pad`` with modes constant, edge, reflect, symmetric, wrap,
    linear_ramp, maximum, minimum, mean, median and empty (padded with zeros
    on traced values: NumPy leaves that padding uninitialized)."""
    cv = kwargs.get("constant_values", 0)
    ev = kwargs.get("end_values", 0)
    if not _traced(array) and not _any_traced(cv) and not _any_traced(ev):
        return _np.pad(array, pad_width, mode=mode, **kwargs)
    x = _asarr(array)
    nd = ndim_of(x)
    w = _np.broadcast_to(_np.asarray(pad_width, dtype=_np.int64), (nd, 2))
    if (w < 0).any():
        raise ValueError("index can't contain negative values")
    widths = tuple((int(b), int(e)) for b, e in w)
    if mode == "constant":
        unknown = set(kwargs) - {"constant_values"}
        if unknown:
            raise TypeError(f"pad: unsupported keyword(s) {sorted(unknown)} for mode 'constant'")
        out = pad_p(x, widths) if any(b or e for b, e in widths) else x
        if _any_traced(cv):
            return out + _pad_frame(cv, x, widths)
        if _np.any(_np.asarray(cv) != 0):
            dt = _np.result_type(primal_of(x))
            return out + _np.pad(_np.zeros(shape_of(x), dtype=dt), widths, constant_values=cv)
        return out
    if mode in ("linear_ramp", "maximum", "minimum", "mean", "median"):
        allowed = {"end_values"} if mode == "linear_ramp" else {"stat_length"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unknown}")
        if 0 in shape_of(x):
            for d, (b, e) in enumerate(widths):
                if shape_of(x)[d] == 0 and (b or e):
                    raise ValueError(f"can't extend empty axis {d} using modes other than "
                                     "'constant' or 'empty'")
            return pad_p(x, widths)
        if mode == "linear_ramp":
            return _pad_linear_ramp(x, widths, ev)
        return _pad_stat(x, widths, mode, kwargs.get("stat_length"))
    if mode == "empty":
        # NumPy leaves the padding uninitialized: here it is 0, with derivative 0
        if kwargs:
            raise ValueError(f"unsupported keyword arguments for mode 'empty': {set(kwargs)}")
        return pad_p(x, widths) if any(b or e for b, e in widths) else x
    if callable(mode):
        raise NotImplementedError("pad: a callable mode writes into the array in place, "
                                  "which traced values do not allow; pad with a built-in "
                                  "mode, or build the padding with dualad.numpy.concatenate")
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        raise ValueError(f"mode {mode!r} is not supported")
    # (as NumPy: any reflect_type other than 'odd' reflects evenly)
    odd = mode in ("reflect", "symmetric") and kwargs.get("reflect_type", "even") == "odd"
    for d, (b, e) in enumerate(widths):
        if b or e:
            n = shape_of(x)[d]
            if odd and n > 1:
                x = _pad_reflect_odd(x, d, b, e, mode == "symmetric")
                continue
            # (a length-1 axis: NumPy repeats the edge, in either reflect_type)
            idx = _np.pad(_np.arange(n), (b, e), mode=mode)
            x = getitem(x, (slice(None),) * d + (idx,))
    return x


def _pad_reflect_odd(x, d, left, right, include_edge):
    """``pad`` along axis ``d`` with ``reflect_type='odd'``: NumPy's loop
    (``_set_reflect_both``), chunk by chunk outwards, each chunk
    ``2 * edge - reflected``, on traced values (the same arithmetic, so the
    same values, and linear in ``x``)."""
    from ._shape import concatenate
    period = shape_of(x)[d]
    pre = (slice(None),) * d
    cur = x
    while left > 0 or right > 0:
        length = shape_of(cur)[d]
        if include_edge:
            length = length // period * period
            offset = 1
        else:
            length = (length - 1) // (period - 1) * (period - 1)
            offset = 0
        if left > 0:
            k = min(length, left)
            # padded[left - offset + k : left - offset : -1], in cur's coordinates
            idx = _np.arange(k - offset, -offset, -1)
            chunk = 2 * getitem(cur, pre + (slice(0, 1),)) - getitem(cur, pre + (idx,))
            cur = concatenate([chunk, cur], axis=d)
            left -= k
        if right > 0:
            k = min(length, right)
            m = shape_of(cur)[d]
            # padded[-right + offset - 2 : ... - k : -1], counted from cur's end
            idx = _np.arange(m - 2 + offset, m - 2 + offset - k, -1)
            chunk = 2 * getitem(cur, pre + (slice(m - 1, m),)) - getitem(cur, pre + (idx,))
            cur = concatenate([cur, chunk], axis=d)
            right -= k
    return cur


# --- splitting -----------------------------------------------------------------------
def _split_at(ary, bounds, axis):
    nd = ndim_of(ary)
    n = shape_of(ary)[axis]
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        lo, hi = min(lo, n), min(max(hi, lo), n)
        out.append(getitem(ary, (slice(None),) * axis + (slice(lo, hi),) + (slice(None),) * (nd - axis - 1)))
    return out


def array_split(ary, indices_or_sections, axis=0):
    """``numpy.array_split``."""
    if not _traced(ary):
        return _np.array_split(ary, indices_or_sections, axis)
    # NumPy reads ary.shape[axis] first: a bad axis raises its IndexError ("tuple
    # index out of range") or TypeError, not an AxisError
    n = shape_of(ary)[axis]
    axis = _axis1(axis, ndim_of(ary))
    if _np.ndim(indices_or_sections) == 0:
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extra = divmod(n, k)
        sizes = [each + 1] * extra + [each] * (k - extra)
        bounds = [0] + list(_np.cumsum(sizes))
    else:
        bounds = [0] + [int(i) if i >= 0 else max(n + int(i), 0)
                        for i in indices_or_sections] + [n]
    return _split_at(ary, [int(b) for b in bounds], axis)


def split(ary, indices_or_sections, axis=0):
    """``numpy.split``."""
    if not _traced(ary):
        return _np.split(ary, indices_or_sections, axis)
    if _np.ndim(indices_or_sections) == 0:
        n = shape_of(ary)[axis]          # NumPy's IndexError for a bad axis
        if n % int(indices_or_sections):
            raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """``numpy.hsplit``."""
    if ndim_of(ary) == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ndim_of(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """``numpy.vsplit``."""
    if ndim_of(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """``numpy.dsplit``."""
    if ndim_of(ary) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def unstack(x, /, *, axis=0):
    """``numpy.unstack``: the slices of ``x`` along ``axis``, as a tuple."""
    if not _traced(x):
        return _np.unstack(x, axis=axis)
    nd = ndim_of(x)
    if nd == 0:
        raise ValueError("Input array must be at least 1-d.")
    axis = _axis1(axis, nd)
    return tuple(getitem(x, (slice(None),) * axis + (i,)) for i in range(shape_of(x)[axis]))


def trim_zeros(filt, trim="fb", axis=None):
    """``numpy.trim_zeros``; where the value is zero is read from the primal."""
    if not _traced(filt):
        return _np.trim_zeros(filt, trim) if axis is None else _np.trim_zeros(filt, trim, axis)
    v = _np.asarray(primal_of(filt))
    nz = v != 0
    nd = v.ndim
    axes = range(nd) if axis is None else [a % nd for a in norm_axes(axis, nd)]
    idx = [slice(None)] * nd
    for ax in axes:
        other = tuple(d for d in range(nd) if d != ax)
        hit = _np.nonzero(nz.any(axis=other) if other else nz)[0]
        if hit.size == 0:
            idx[ax] = slice(0, 0)
            continue
        lo = hit[0] if "f" in trim.lower() else 0
        hi = hit[-1] + 1 if "b" in trim.lower() else v.shape[ax]
        idx[ax] = slice(int(lo), int(hi))
    return getitem(filt, tuple(idx))


# --- atleast_nd ---------------------------------------------------------------------------
def _atleast(arys, n, where):
    out = []
    for a in arys:
        if not isinstance(a, Tracer):
            out.append({1: _np.atleast_1d, 2: _np.atleast_2d, 3: _np.atleast_3d}[n](a))
            continue
        s = shape_of(a)
        if len(s) < n:
            s = where(s)
            a = reshape(a, s)
        out.append(a)
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys):
    """``numpy.atleast_1d``."""
    return _atleast(arys, 1, lambda s: (1,))


def atleast_2d(*arys):
    """``numpy.atleast_2d``."""
    return _atleast(arys, 2, lambda s: (1,) * (2 - len(s)) + tuple(s))


def atleast_3d(*arys):
    """``numpy.atleast_3d``."""
    return _atleast(arys, 3, lambda s: {0: (1, 1, 1), 1: (1,) + tuple(s) + (1,),
                                        2: tuple(s) + (1,)}[len(s)])


# --- stacking -----------------------------------------------------------------------------
def hstack(tup, *, dtype=None, casting="same_kind"):
    """``numpy.hstack``."""
    arrs = [atleast_1d(a) for a in tup]
    if not _any_traced(arrs):
        return _np.hstack(arrs, dtype=dtype, casting=casting)
    axis = 0 if arrs and ndim_of(arrs[0]) == 1 else 1
    return concatenate(arrs, axis=axis, dtype=dtype)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """``numpy.vstack``."""
    arrs = [atleast_2d(a) for a in tup]
    if not _any_traced(arrs):
        return _np.vstack(arrs, dtype=dtype, casting=casting)
    return concatenate(arrs, axis=0, dtype=dtype)


def dstack(tup):
    """``numpy.dstack``."""
    arrs = [atleast_3d(a) for a in tup]
    if not _any_traced(arrs):
        return _np.dstack(arrs)
    return concatenate(arrs, axis=2)


def column_stack(tup):
    """``numpy.column_stack``."""
    if not _any_traced(list(tup)):
        return _np.column_stack(tup)
    arrs = []
    for a in tup:
        a = _asarr(a)
        if ndim_of(a) < 2:
            a = reshape(a, (-1, 1))
        arrs.append(a)
    return concatenate(arrs, axis=1)


def _block_depth(x):
    if isinstance(x, list):
        if not x:
            raise ValueError("Lists cannot be empty")
        ds = {_block_depth(e) for e in x}
        if len(ds) != 1:
            raise ValueError("List depths are mismatched")
        return 1 + ds.pop()
    return 0


def _block_ndim(x):
    if isinstance(x, list):
        return max(_block_ndim(e) for e in x)
    return ndim_of(x)


def _block_rec(x, depth, nd):
    if isinstance(x, list):
        return concatenate([_block_rec(e, depth - 1, nd) for e in x], axis=-depth)
    x = _asarr(x)
    s = shape_of(x)
    return reshape(x, (1,) * (nd - len(s)) + tuple(s)) if len(s) < nd else x


def block(arrays):
    """``numpy.block``."""
    if not _any_traced(arrays):
        return _np.block(arrays)
    if isinstance(arrays, tuple):
        raise TypeError("block: arrays is a tuple; only lists can be used to arrange blocks")
    depth = _block_depth(arrays)
    nd = max(depth, _block_ndim(arrays))
    return _block_rec(arrays, depth, nd)


def append(arr, values, axis=None):
    """``numpy.append``."""
    if not _traced(arr, values):
        return _np.append(arr, values, axis)
    arr, values = _asarr(arr), _asarr(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


def delete(arr, obj, axis=None):
    """``numpy.delete``."""
    if not _traced(arr):
        return _np.delete(arr, obj, axis)
    if axis is None:
        arr, axis = ravel(arr), 0
    axis = _axis1(axis, ndim_of(arr))
    keep = _np.delete(_np.arange(shape_of(arr)[axis]), primal_of(obj) if not isinstance(obj, slice) else obj)
    return getitem(arr, (slice(None),) * axis + (keep,))


def insert(arr, obj, values, axis=None):
    """``numpy.insert``; differentiable in ``arr`` and ``values``."""
    if not _traced(arr, values):
        return _np.insert(arr, obj, values, axis)
    arr, values = _asarr(arr), _asarr(values)
    size = int(_np.prod(shape_of(arr), dtype=_np.int64))
    tags = _np.arange(size).reshape(shape_of(arr))
    vshape = shape_of(values)
    vtags = -1 - _np.arange(int(_np.prod(vshape, dtype=_np.int64))).reshape(vshape)
    out = _np.insert(tags, primal_of(obj) if not isinstance(obj, slice) else obj, vtags, axis)
    src = _np.where(out >= 0, out, size - 1 - out)
    flat = concatenate([ravel(arr), ravel(values)], axis=0)
    if _np.result_type(primal_of(flat)) != _np.result_type(primal_of(arr)) and \
            _np.result_type(primal_of(arr)).kind in "fc":
        from ._ufuncs import astype
        flat = astype(flat, _np.result_type(primal_of(arr)))
    return getitem(flat, (src,))


# --- broadcasting and grids -------------------------------------------------------------
def broadcast_arrays(*args, subok=False):
    """``numpy.broadcast_arrays`` (a tuple, as in NumPy 2)."""
    if not _any_traced(list(args)):
        return _np.broadcast_arrays(*args, subok=subok)
    args = [_asarr(a) for a in args]
    shape = _np.broadcast_shapes(*[shape_of(a) for a in args])
    return tuple(broadcast_to(a, shape) for a in args)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """``numpy.meshgrid``."""
    if not _any_traced(list(xi)):
        return _np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    n = len(xi)
    s0 = (1,) * n
    out = [reshape(_asarr(x), s0[:i] + (-1,) + s0[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and n > 1:
        out[0] = reshape(out[0], (1, -1) + s0[2:])
        out[1] = reshape(out[1], (-1, 1) + s0[2:])
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


# --- diagonals ---------------------------------------------------------------------------
def _diagonal_impl(x, offset, axis1, axis2):
    return _np.diagonal(x, offset, axis1, axis2)


def _diag_embed_impl(v, offset, axis1, axis2, shape):
    v = _np.asarray(v)
    nb = v.ndim - (len(shape) - 1)
    z = _np.zeros(v.shape[:nb] + tuple(shape), dtype=v.dtype)
    zt = _np.moveaxis(z, (axis1, axis2), (-2, -1))
    k = v.shape[-1]
    r = _np.arange(k)
    rows, cols = (r, r + offset) if offset >= 0 else (r - offset, r)
    zt[..., rows, cols] = v
    return z


diagonal_p = primitive(_diagonal_impl, name="diagonal")
diag_embed_p = primitive(_diag_embed_impl, name="diag_embed")
defjvp(diagonal_p, lambda t, ans, x, offset, axis1, axis2: diagonal_p(t, offset, axis1, axis2))
defvjp_direct(diagonal_p, lambda g, ans, x, offset, axis1, axis2:
              diag_embed_p(g, offset, axis1, axis2, shape_of(x)))
defjvp(diag_embed_p, lambda t, ans, v, offset, axis1, axis2, shape:
       diag_embed_p(t, offset, axis1, axis2, shape))
defvjp_direct(diag_embed_p, lambda g, ans, v, offset, axis1, axis2, shape:
              diagonal_p(g, offset, axis1, axis2))


def diagonal(a, offset=0, axis1=0, axis2=1):
    """``numpy.diagonal`` (the diagonal's axis last)."""
    if not _traced(a):
        return _np.diagonal(a, offset, axis1, axis2)
    nd = ndim_of(a)
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    a1 = normalize_axis_index(_operator.index(axis1), nd, "axis1") - nd
    a2 = normalize_axis_index(_operator.index(axis2), nd, "axis2") - nd
    if a1 == a2:
        raise ValueError("axis1 and axis2 cannot be the same")
    return diagonal_p(a, int(offset), a1, a2)


def diag(v, k=0):
    """``numpy.diag``: the k-th diagonal of a matrix, or a matrix from a vector."""
    if not _traced(v):
        return _np.diag(v, k)
    nd = ndim_of(v)
    if nd == 1:
        n = shape_of(v)[0] + abs(int(k))
        return diag_embed_p(v, int(k), -2, -1, (n, n))
    if nd == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    """``numpy.diagflat``."""
    if not _traced(v):
        return _np.diagflat(v, k)
    return diag(ravel(v), k)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """``numpy.trace``."""
    if not _traced(a) or out is not None:
        return _np.trace(a, offset, axis1, axis2, dtype, out)
    from ._reductions import sum as _sum
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def _tri_select(m, mask):
    from ._ufuncs import where_p
    return where_p(mask, m, _np.zeros((), dtype=_np.result_type(primal_of(m))))


def triu(m, k=0):
    """``numpy.triu``."""
    if not _traced(m):
        return _np.triu(m, k)
    s = shape_of(m)[-2:]
    return _tri_select(m, ~_np.tri(*s, k=k - 1, dtype=bool))


def tril(m, k=0):
    """``numpy.tril``."""
    if not _traced(m):
        return _np.tril(m, k)
    s = shape_of(m)[-2:]
    return _tri_select(m, _np.tri(*s, k=k, dtype=bool))


def copy(a, order="K", subok=False):
    """``numpy.copy``; traced values are immutable and are returned as they are."""
    if isinstance(a, Tracer):
        return a
    return _np.copy(a, order=order, subok=subok)


# --- r_ and c_ -------------------------------------------------------------------------
class _AxisConcatenator:
    """``r_`` / ``c_``: ``obj[a, b, ...]`` concatenates (traced) pieces, with
    NumPy's semantics: slices become ``arange`` / ``linspace``, a leading string
    ``'axis[,ndmin[,trans1d]]'`` sets the options, pieces get ``ndmin``
    dimensions (the original ones placed at ``trans1d``), and all pieces are
    cast to the one result type NumPy computes (Python scalars weakly).  Plain
    ``numpy.r_`` cannot see traced values (it converts them to plain arrays,
    and that raises a ``TypeError``): use these instead."""

    def __init__(self, np_obj, axis, ndmin, trans1d):
        self._np = np_obj
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key):
        if isinstance(key, str):                    # NumPy's matrix builder, on the caller's names
            import sys
            frame = sys._getframe(1)
            return _np.bmat(key, frame.f_globals, frame.f_locals)
        if not _any_traced(key if isinstance(key, tuple) else [key]):
            return self._np[key]
        if not isinstance(key, tuple):
            key = (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        pieces, types = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                if item in ("r", "c"):
                    raise NotImplementedError("r_/c_: the matrix directives 'r' and 'c' (which "
                                              "build a numpy.matrix) are not supported on "
                                              "traced values")
                vec = item.split(",")
                try:                                # as NumPy: 'axis' or 'axis,ndmin[,trans1d]'
                    if len(vec) == 1:
                        axis = int(item)
                    else:
                        axis, ndmin = (int(v) for v in vec[:2])
                        if len(vec) == 3:
                            trans1d = int(vec[2])
                except ValueError as e:
                    raise ValueError(f"unknown special directive {item!r}") from e
                continue
            if isinstance(item, slice):
                piece = _np.r_[item]                # arange, or linspace for a complex step
                if ndmin > 1:
                    piece = _np.array(piece, ndmin=ndmin)
                    if trans1d != -1:
                        piece = piece.swapaxes(-1, trans1d)
            elif type(item) in _np.ScalarType:      # weak in the result type, like NumPy
                pieces.append(_np.array(item, ndmin=ndmin))
                types.append(item)
                continue
            else:
                if isinstance(item, Tracer):
                    piece = item
                elif _any_traced(item):
                    from . import array as _array
                    piece = _array(item)
                else:
                    piece = _np.asarray(item)
                nd = ndim_of(piece)
                if nd < ndmin:
                    piece = reshape(piece, (1,) * (ndmin - nd) + tuple(shape_of(piece)))
                    if trans1d != -1:
                        k2 = ndmin - nd
                        k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
                        axes = list(range(ndmin))
                        piece = transpose(piece, axes[:k1] + axes[k2:] + axes[k1:k2])
            pieces.append(piece)
            types.append(_np.result_type(primal_of(piece)))
        if types:
            from ._ufuncs import astype
            dt = _np.result_type(*types)
            pieces = [p if _np.result_type(primal_of(p)) == dt
                      else astype(p, dt) if isinstance(p, Tracer) else p.astype(dt)
                      for p in pieces]
        return concatenate(pieces, axis=axis)

    def __len__(self):
        return 0


r_ = _AxisConcatenator(_np.r_, 0, 1, -1)
c_ = _AxisConcatenator(_np.c_, -1, 2, 0)


__all__ = ["flip", "fliplr", "flipud", "rot90", "roll", "rollaxis", "tile", "repeat", "resize",
           "pad", "split", "array_split", "hsplit", "vsplit", "dsplit", "atleast_1d",
           "atleast_2d", "atleast_3d", "hstack", "vstack", "dstack", "column_stack", "block",
           "append", "delete", "insert", "broadcast_arrays", "meshgrid", "diagonal", "diag",
           "diagflat", "trace", "triu", "tril", "copy", "r_", "c_",
           "unstack", "trim_zeros"]
