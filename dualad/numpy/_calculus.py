"""Finite differences, phase unwrapping and piecewise functions: ``gradient``,
``unwrap``, ``piecewise``.

No primitive of their own: each is NumPy's own algorithm written with the
registry's operations, so the values are NumPy's and the derivatives follow.
On plain arguments ``gradient`` and ``unwrap`` call NumPy directly.

* ``gradient(f, *varargs, axis=None, edge_order=1)``: NumPy's second-order
  central differences inside and first- or second-order one-sided ones at the
  edges.  Linear in ``f``; differentiable in the spacings too, scalar or
  coordinate arrays.  With plain coordinates NumPy's shortcut applies (evenly
  spaced coordinates count as one scalar spacing) and the values are NumPy's
  bit for bit.  With traced coordinates the general (uneven) formula is used
  always, since the coordinates may move apart: where they happen to be evenly
  spaced the values then agree with NumPy's to rounding only.
* ``unwrap(p, discont=None, axis=-1, period=2 pi)``: ``p`` plus a cumulative
  sum of multiples of ``period``.  The multiples are piecewise constant in
  ``p``, so the derivative in ``p`` is exactly 1 (also across jumps) and the
  one in ``period`` is the multiple added (a correction of ``period / 2``
  where a step is exactly half a period, as NumPy makes it).  ``discont``
  only selects where to correct: derivative 0.
* ``piecewise(x, condlist, funclist, *args, **kw)``: as in NumPy, each
  function is called on the entries its condition selects (``x[cond]``) and
  the results are written in order into an array of zeros of ``x``'s dtype
  (later conditions win), with ``index_update``.  The derivative is that of
  the function applied at each entry (0 for constants and for entries no
  condition selects); functions may close over traced values, and constants
  in ``funclist`` may be traced.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> ad.grad(lambda f: dnp.gradient(f)[1])(np.array([1.0, 4.0, 9.0]))
array([-0.5,  0. ,  0.5])
>>> ad.grad(lambda p: dnp.unwrap(p)[-1])(np.array([0.0, 3.0, -3.0]))
array([0., 0., 1.])
"""
from __future__ import annotations

import collections.abc as _abc
import operator as _operator

import numpy as _np

from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes
from ._creation import _arr, _cast


def _dtype(x):
    return _np.result_type(primal_of(x))


# --- gradient ---------------------------------------------------------------------------
def gradient(f, *varargs, axis=None, edge_order=1):
    """``numpy.gradient``, differentiable in ``f`` and in the spacings (scalars or
    coordinate arrays)."""
    if not contains_tracer((f, varargs)):
        return _np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    from ._cumulative import diff
    from ._shape import concatenate, reshape
    f = _arr(f)
    N = ndim_of(f)
    shape = shape_of(f)
    if axis is None:
        axes = tuple(range(N))
    else:                      # NumPy's normalize_axis_tuple: the order given is kept
        axes = tuple(_np.lib.array_utils.normalize_axis_index(_operator.index(a), N)
                     for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis")
    len_axes = len(axes)
    n = len(varargs)
    if n == 0:
        dx = [1.0] * len_axes
    elif n == 1 and _np.ndim(primal_of(varargs[0])) == 0:
        dx = list(varargs) * len_axes
    elif n == len_axes:
        dx = list(varargs)
        for i, distances in enumerate(dx):
            distances = _arr(distances)
            if ndim_of(distances) == 0:
                continue
            if ndim_of(distances) != 1:
                raise ValueError("distances must be either scalars or 1d")
            if shape_of(distances)[0] != shape[axes[i]]:
                raise ValueError("when 1d, distances must match "
                                 "the length of the corresponding dimension")
            if _np.issubdtype(_dtype(distances), _np.integer):
                distances = distances.astype(_np.float64)      # plain: never traced
            diffx = diff(distances)
            if not isinstance(diffx, Tracer) and (diffx == diffx[0]).all():
                diffx = diffx[0]         # NumPy's shortcut, for plain coordinates only
            dx[i] = diffx
    else:
        raise TypeError("invalid number of arguments")
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")

    otype = _dtype(f)
    if otype.kind in "mM":
        raise NotImplementedError(
            "gradient: datetime / timedelta values have no derivative in dualad; "
            "pass the spacing as a constant (dualad.stop_gradient)")
    if not _np.issubdtype(otype, _np.inexact):
        if _np.issubdtype(otype, _np.integer):
            f = _np.asarray(f).astype(_np.float64)             # plain: never traced
        otype = _np.dtype(_np.float64)

    def at(ax, sl):
        idx = [slice(None)] * N
        idx[ax] = sl
        return f[tuple(idx)]

    outvals = []
    for ax, ax_dx in zip(axes, dx):
        if shape[ax] < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required.")
        uniform = ndim_of(ax_dx) == 0
        f_lo, f_mid, f_hi = at(ax, slice(None, -2)), at(ax, slice(1, -1)), at(ax, slice(2, None))
        if uniform:
            inner = (f_hi - f_lo) / (2. * ax_dx)
        else:
            dx1, dx2 = ax_dx[0:-1], ax_dx[1:]
            a = -(dx2) / (dx1 * (dx1 + dx2))
            b = (dx2 - dx1) / (dx1 * dx2)
            c = dx1 / (dx2 * (dx1 + dx2))
            bshape = [1] * N
            bshape[ax] = -1
            a, b, c = (reshape(v, tuple(bshape)) for v in (a, b, c))
            inner = a * f_lo + b * f_mid + c * f_hi
        f0, f1, f2 = at(ax, slice(0, 1)), at(ax, slice(1, 2)), at(ax, slice(2, 3))
        fm3, fm2, fm1 = at(ax, slice(-3, -2)), at(ax, slice(-2, -1)), at(ax, slice(-1, None))
        if edge_order == 1:
            first = (f1 - f0) / (ax_dx if uniform else ax_dx[0])
            last = (fm1 - fm2) / (ax_dx if uniform else ax_dx[-1])
        else:
            if uniform:
                a, b, c = -1.5 / ax_dx, 2. / ax_dx, -0.5 / ax_dx
            else:
                dx1, dx2 = ax_dx[0], ax_dx[1]
                a = -(2. * dx1 + dx2) / (dx1 * (dx1 + dx2))
                b = (dx1 + dx2) / (dx1 * dx2)
                c = - dx1 / (dx2 * (dx1 + dx2))
            first = a * f0 + b * f1 + c * f2
            if uniform:
                a, b, c = 0.5 / ax_dx, -2. / ax_dx, 1.5 / ax_dx
            else:
                dx1, dx2 = ax_dx[-2], ax_dx[-1]
                a = (dx2) / (dx1 * (dx1 + dx2))
                b = - (dx2 + dx1) / (dx1 * dx2)
                c = (2. * dx2 + dx1) / (dx2 * (dx1 + dx2))
            last = a * fm3 + b * fm2 + c * fm1
        # NumPy writes each piece into an array of dtype otype
        outvals.append(concatenate([_cast(v, otype) for v in (first, inner, last)], axis=ax))
    if len_axes == 1:
        return outvals[0]
    return tuple(outvals)


# --- unwrap ----------------------------------------------------------------------------
def unwrap(p, discont=None, axis=-1, *, period=2 * _np.pi):
    """``numpy.unwrap``, differentiable in ``p`` (derivative 1) and ``period``."""
    discont = primal_of(discont)          # only compared with: derivative 0
    if not contains_tracer((p, period)):
        return _np.unwrap(p, discont, axis, period=period)
    from ._cumulative import cumsum, diff
    from ._shape import concatenate
    from ._ufuncs import mod, where
    p = _arr(p)
    nd = ndim_of(p)
    dd = primal_of(diff(p, axis=axis))   # the multiples added are piecewise constant in p
    if discont is None:
        discont = primal_of(period) / 2
    dtype = _np.result_type(dd, primal_of(period))
    if _np.issubdtype(dtype, _np.integer):        # (p plain, period traced: never integer)
        raise TypeError("unwrap: an integer period cannot be traced")
    interval_high = period / 2
    interval_low = -interval_high
    ddmod = mod(dd - interval_low, period) + interval_low
    # a step of exactly half a period is corrected to +period/2 when it is positive
    tie = (primal_of(ddmod) == primal_of(interval_low)) & (dd > 0)
    if tie.any():
        ddmod = _cast(where(tie, interval_high, ddmod), _dtype(ddmod))
    ph_correct = ddmod - dd
    small = abs(dd) < discont
    if small.any():
        ph_correct = _cast(where(small, 0, ph_correct), _dtype(ph_correct))
    ax = norm_axes(axis, nd)[0]
    idx0 = [slice(None)] * nd
    idx1 = [slice(None)] * nd
    idx0[ax], idx1[ax] = slice(0, 1), slice(1, None)
    rest = p[tuple(idx1)] + cumsum(ph_correct, axis=ax)
    return concatenate([_cast(p[tuple(idx0)], dtype), _cast(rest, dtype)], axis=ax)


# --- piecewise --------------------------------------------------------------------------
def piecewise(x, condlist, funclist, *args, **kw):
    """``numpy.piecewise``, differentiable in ``x`` (through the functions) and in
    traced constants or values the functions close over."""
    from ._indexing_extra import index_update
    x = _arr(x)
    xp = _np.asanyarray(primal_of(x))
    n2 = len(funclist)
    # undocumented in NumPy: a single condition is promoted to a list of one
    if _np.isscalar(condlist) or (
            not isinstance(condlist[0], (list, _np.ndarray)) and xp.ndim != 0):
        condlist = [condlist]
    if isinstance(condlist, (list, tuple)):
        condlist = [primal_of(c) for c in condlist]
    condlist = _np.asarray(primal_of(condlist), dtype=bool)
    n = len(condlist)
    if n == n2 - 1:      # the "otherwise" condition
        condelse = ~_np.any(condlist, axis=0, keepdims=True)
        condlist = _np.concatenate([condlist, condelse], axis=0)
        n += 1
    elif n != n2:
        raise ValueError(
            f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    y = _np.zeros_like(xp)
    for cond, func in zip(condlist, funclist):
        if not isinstance(func, _abc.Callable):
            val = func
        else:
            vals = x[cond]
            if _np.size(primal_of(vals)) == 0:
                continue
            val = func(vals, *args, **kw)
        if isinstance(y, Tracer) or contains_tracer(val):
            val = _arr(val)
            if isinstance(val, Tracer) and _dtype(val) != _dtype(y):
                val = _cast(val, _dtype(y))       # NumPy casts into x's dtype
            y = index_update(y, cond, val)
        else:
            y[cond] = val
    return y


__all__ = ["gradient", "unwrap", "piecewise"]
