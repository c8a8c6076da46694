"""Functions that call a Python function, pick entries, or write in place.

* ``apply_along_axis(func1d, axis, arr, *args, **kwargs)`` calls ``func1d``
  on each 1-D slice of a traced ``arr`` (the slices are traced, so ``func1d``
  may use ``numpy`` or ``dualad.numpy`` freely) and stacks the results as
  NumPy does: a result of shape ``s`` per slice takes the place of ``axis``,
  and the result has the first slice's dtype.
* ``real_if_close(a, tol=100)`` is ``real(a)`` when every imaginary part is
  below ``tol`` (times the dtype's eps when ``tol > 1``), decided on the
  primal as NumPy decides; otherwise ``a``.  Differentiable either way.
* ``extract(condition, arr)`` is ``ravel(arr)[nonzero(ravel(condition))]``,
  differentiable in ``arr``.
* ``vectorize(pyfunc, ...)`` is ``numpy.vectorize``, and on traced arguments
  it calls ``pyfunc`` once per element (traced 0-d values) and stacks the
  results.  Plain ``numpy.vectorize`` cannot do this: it is a class, not a
  function NumPy dispatches, and it converts its arguments to plain arrays
  first, which a traced value refuses (``TypeError``); use
  ``dualad.numpy.vectorize`` or, better and faster, write the function with
  array operations.
* ``numpy.add.reduceat`` on a traced value is a primitive (segment sums:
  NumPy's values, the tangent is the same ``reduceat`` of the tangent and the
  cotangent of an entry is that of every segment holding it).  The
  ``reduceat`` of the other ufuncs has no rule.
* ``numpy.add.at(a, indices, b)`` (and every ``ufunc.at``) writes into ``a``
  in place, which a traced value cannot do: it raises a ``TypeError``
  pointing to ``dualad.numpy.index_add(a, indices, b)``, which returns the
  updated array (repeated indices accumulate, as in ``numpy.add.at``).

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
>>> ad.grad(lambda x: np.apply_along_axis(lambda r: r[0] * r[1], 1, x).sum())(x)
array([[2., 1.],
       [4., 3.]])
>>> ad.grad(lambda x: np.add.reduceat(x ** 2, [0, 1], axis=1)[:, 1].sum())(x)
array([[0., 4.],
       [0., 8.]])
>>> ad.grad(lambda x: dnp.index_add(x, ([0, 0], [1, 1]), x[1, 0]).sum())(x)
array([[1., 1.],
       [3., 1.]])
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes


# --- apply_along_axis -------------------------------------------------------------------
def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``numpy.apply_along_axis``; differentiable through ``func1d`` in ``arr``
    (and in traced ``args`` / ``kwargs`` that ``func1d`` uses)."""
    if not contains_tracer((arr, args, kwargs)):
        return _np.apply_along_axis(func1d, axis, arr, *args, **kwargs)
    from .. import numpy as dnp
    nd = ndim_of(arr)
    axis = norm_axes(axis, nd)[0] % nd
    view = dnp.moveaxis(arr, axis, -1)
    outer = tuple(shape_of(view)[:-1])
    inds = _np.ndindex(outer)
    try:
        first = next(inds)
    except StopIteration:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0") from None
    res = [dnp.asarray(func1d(view[first], *args, **kwargs))]
    shape0 = tuple(shape_of(res[0]))
    dtype0 = _np.result_type(primal_of(res[0]))
    for ind in inds:
        r = dnp.asarray(func1d(view[ind], *args, **kwargs))
        if tuple(shape_of(r)) != shape0:
            raise ValueError(f"apply_along_axis: func1d returned shape {tuple(shape_of(r))} "
                             f"for slice {ind}, but {shape0} for the first slice")
        res.append(r)
    out = dnp.stack(res) if len(res) > 1 else dnp.expand_dims(res[0], 0)
    if _np.result_type(primal_of(out)) != dtype0:
        out = dnp.astype(out, dtype0)
    out = dnp.reshape(out, outer + shape0)
    # the result's axes take the place of `axis`, as in NumPy
    k = len(shape0)
    perm = (tuple(range(axis)) + tuple(range(len(outer), len(outer) + k))
            + tuple(range(axis, len(outer))))
    return dnp.transpose(out, perm) if perm != tuple(range(len(perm))) else out


# --- real_if_close, extract -----------------------------------------------------------
def real_if_close(a, tol=100):
    """``numpy.real_if_close``: ``real(a)`` if every imaginary part is within
    ``tol`` (times eps for ``tol > 1``), decided on the primal; differentiable."""
    if not isinstance(a, Tracer):
        return _np.real_if_close(a, tol=primal_of(tol))
    from ._ufuncs import real
    dt = _np.result_type(primal_of(a))
    if not issubclass(dt.type, _np.complexfloating):
        return a
    tol = primal_of(tol)
    if tol > 1:
        tol = _np.finfo(dt.type).eps * tol
    if _np.all(_np.absolute(_np.imag(primal_of(a))) < tol):
        return real(a)
    return a


def extract(condition, arr):
    """``numpy.extract``: ``ravel(arr)[nonzero(ravel(condition))]``,
    differentiable in ``arr``."""
    if not isinstance(arr, Tracer):
        return _np.extract(primal_of(condition), arr)
    from ._indexing_extra import take
    from ._shape import ravel
    return take(ravel(arr), _np.nonzero(_np.ravel(primal_of(condition)))[0])


# --- vectorize -------------------------------------------------------------------------
class vectorize(_np.vectorize):
    """``numpy.vectorize``; on traced arguments ``pyfunc`` is called once per
    element (a Python loop, as in NumPy) and the results are stacked, so the
    result is differentiable.  ``signature=`` is not supported on traced
    arguments.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> f = dnp.vectorize(lambda v: v * v if v > 0 else -v)
    >>> ad.grad(lambda x: f(x).sum())(np.array([-1.0, 3.0]))
    array([-1.,  6.])
    """

    def __call__(self, *args, **kwargs):
        if not contains_tracer((args, kwargs)):
            return super().__call__(*args, **kwargs)
        if self.signature is not None:
            raise NotImplementedError(
                "dualad.numpy.vectorize: signature= is not supported on traced "
                "arguments; apply the function to the core slices yourself (or "
                "write it with array operations)")
        from .. import numpy as dnp
        names = sorted(kwargs)
        vec = [i for i in range(len(args)) if i not in self.excluded]
        vec_k = [k for k in names if k not in self.excluded]
        vals = [dnp.asarray(args[i]) for i in vec] + [dnp.asarray(kwargs[k]) for k in vec_k]
        shape = _np.broadcast_shapes(*[tuple(shape_of(v)) for v in vals])
        flat = [dnp.reshape(dnp.broadcast_to(v, shape), (-1,)) if isinstance(v, Tracer)
                else _np.broadcast_to(v, shape).reshape(-1) for v in vals]
        size = int(_np.prod(shape, dtype=_np.int64))
        if size == 0:
            # nothing to differentiate: NumPy's own result (or its error for size-0
            # input without otypes)
            return super().__call__(*[primal_of(a) for a in args],
                                    **{k: primal_of(v) for k, v in kwargs.items()})
        outs = []
        for n in range(size):
            a = list(args)
            kw = dict(kwargs)
            for j, i in enumerate(vec):
                a[i] = flat[j][n]
            for j, k in enumerate(vec_k):
                kw[k] = flat[len(vec) + j][n]
            outs.append(self.pyfunc(*a, **kw))
        tup = isinstance(outs[0], tuple)
        cols = list(zip(*outs)) if tup else [outs]
        otypes = self.otypes or None
        results = []
        for c, col in enumerate(cols):
            col = [dnp.asarray(v) for v in col]
            dt = _np.dtype(otypes[c]) if otypes else _np.result_type(primal_of(col[0]))
            r = dnp.reshape(dnp.stack(col), shape)
            if _np.result_type(primal_of(r)) != dt:
                r = dnp.astype(r, dt)
            results.append(r)
        return tuple(results) if tup else results[0]


# --- add.reduceat ------------------------------------------------------------------------
def _reduceat_impl(x, indices, axis=-1):
    return _np.add.reduceat(x, indices, axis=axis)


def _segments(indices, n):
    """Plain ``(pos, seg)``: entry ``pos[m]`` of the axis belongs to segment ``seg[m]``
    (segment ``s`` is ``indices[s]:indices[s + 1]``, or the one entry
    ``indices[s]`` where that is empty, as in ``numpy.add.reduceat``)."""
    lo = _np.asarray(indices, dtype=_np.intp)
    hi = _np.append(lo[1:], n)
    length = _np.where(lo < hi, hi - lo, 1)
    seg = _np.repeat(_np.arange(lo.size), length)
    start = _np.cumsum(length) - length
    pos = lo[seg] + (_np.arange(seg.size) - start[seg])
    return pos, seg


def _reduceat_vjp(g, ans, x, indices, axis=-1):
    from ._indexing import getitem, normalize_index, scatter_add
    nd = ndim_of(x)
    xs = tuple(shape_of(x))
    ax = axis % nd
    pos, seg = _segments(_np.asarray(indices) % xs[ax], xs[ax])
    rest = (slice(None),) * (-axis - 1)
    picked = getitem(g, (Ellipsis, seg) + rest)
    idx = normalize_index((slice(None),) * ax + (pos,))
    return scatter_add(picked, idx, xs, ndim_of(g) - ndim_of(ans))


add_reduceat_p = primitive(_reduceat_impl, name="add.reduceat")
defjvp(add_reduceat_p, lambda t, ans, x, indices, axis=-1: add_reduceat_p(t, indices, axis=axis))
defvjp_direct(add_reduceat_p, _reduceat_vjp)


def _add_reduceat(a, indices, axis=0, dtype=None):
    """``numpy.add.reduceat`` on a traced ``a``: segment sums, NumPy's values."""
    from ._ufuncs import astype
    x = _np.asarray(primal_of(a))
    ind = _np.asarray(primal_of(indices))
    ref = _np.add.reduceat(x, ind, axis=axis, dtype=dtype)   # NumPy's checks and dtype
    if ref.dtype != x.dtype:
        a = astype(a, ref.dtype)
    if not ref.size:
        return ref
    ax = norm_axes(axis, x.ndim)[0]
    return add_reduceat_p(a, ind.astype(_np.intp), axis=ax)


__all__ = ["apply_along_axis", "real_if_close", "extract", "vectorize"]
