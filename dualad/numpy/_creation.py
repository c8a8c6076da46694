"""Arrays built from traced values: ``full``, ``linspace``, ``logspace``,
``geomspace``.

No primitive of their own: each is NumPy's own algorithm written with the
registry's operations (``index_update``, ``getitem``, ``concatenate``,
``moveaxis``, arithmetic, ``power``, ``log10``), in NumPy's order and in
NumPy's working dtype, so the values are NumPy's bit for bit and the
derivatives follow.  On plain arguments each calls NumPy directly.

* ``full(shape, fill_value)``: derivative 1 from every entry to ``fill_value``
  (summed over the broadcast).  The dtype is ``fill_value``'s unless
  ``dtype=`` is given, as in NumPy.
* ``linspace(start, stop, num)``: ``start + k * step`` with
  ``step = (stop - start) / div`` (``(k / div) * (stop - start)`` where some
  step is exactly 0, as NumPy decides from the value); the last entry is
  ``stop`` itself when ``endpoint``.  So ``d y_k / d start = 1 - k / div`` and
  ``d y_k / d stop = k / div`` (rounded as the values are), and the
  ``retstep`` step has derivative ``-1 / div`` and ``1 / div``.
* ``logspace``: ``base ** linspace(start, stop)``, differentiable in
  ``base`` too.
* ``geomspace``: NumPy's ``10 ** linspace(log10(start), log10(stop))`` with
  its sign rotation (``sign(start)``, piecewise constant for real input) and
  its end points set to ``start`` and ``stop`` exactly.

With an integer or bool ``dtype=`` the values are integer-valued (NumPy
floors them): the array comes back plain, with derivative 0 (a ``retstep``
step stays differentiable).

``numpy.full(shape, x)`` itself cannot reach dualad when ``x`` is traced:
NumPy dispatches ``full`` on its ``like=`` argument only and converts ``x``
with ``numpy.asarray``.  Call ``dualad.numpy.full`` (or ``numpy.full_like``,
which does dispatch).  ``numpy.copyto`` writing a traced value into a plain
array (``numpy.full(shape, x, dtype=...)``, ``numpy.nan_to_num(a, nan=x)`` on a
plain ``a``, ``numpy.unwrap(p, period=x)`` on a plain ``p``: NumPy dispatches
these on their first argument only) raises a ``TypeError`` naming the NumPy
function that called it and dualad's function to call instead.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> ad.grad(lambda s: dnp.sum(dnp.linspace(0.0, s, 5)))(2.0)      # sum of k/4
np.float64(2.5)
>>> ad.grad(lambda c: dnp.sum(dnp.full((2, 3), c)))(1.5)
np.float64(6.0)
"""
from __future__ import annotations

import operator as _operator
import sys as _sys

import numpy as _np

from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of


def _arr(x, keep_scalars=False):
    """``x`` as an array: traced values as they are, lists holding traced values
    stacked (as ``numpy.asarray`` would), plain values through ``numpy.asanyarray``;
    with ``keep_scalars``, Python numbers stay as they are (weak in NumPy's dtype
    promotion)."""
    if isinstance(x, Tracer) or (keep_scalars and type(x) in (int, float, complex, bool)):
        return x
    if contains_tracer(x):
        from .. import numpy as dnp
        return dnp.asarray(x)
    return _np.asanyarray(x)


def _cast(x, dt):
    """``x`` (array, traced or plain, or a Python number) in dtype ``dt``."""
    if isinstance(x, Tracer):
        if _np.result_type(primal_of(x)) == dt:
            return x
        from ._ufuncs import astype
        return astype(x, dt)
    return _np.asarray(x, dtype=dt)


def _plain_int(dtype):
    return dtype is not None and _np.dtype(dtype).kind in "biu"


# --- full ------------------------------------------------------------------------
def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """``numpy.full``, differentiable in ``fill_value`` (which may be an array
    broadcasting to ``shape``)."""
    if not contains_tracer(fill_value):
        kw = {} if like is None else {"like": like}
        return _np.full(shape, fill_value, dtype=dtype, order=order, device=device, **kw)
    from ._indexing_extra import index_update
    fill_value = _arr(fill_value)
    dt = _np.result_type(primal_of(fill_value)) if dtype is None else _np.dtype(dtype)
    base = _np.empty(shape, dt, order, device=device)      # NumPy's checks of shape / order
    if dt.kind not in "fc":
        # integer / bool: integer-valued, derivative 0
        base[...] = primal_of(fill_value)
        return base
    return index_update(base, Ellipsis, _cast(fill_value, dt))


# --- linspace / logspace / geomspace -------------------------------------------------
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """``numpy.linspace``, differentiable in ``start`` and ``stop`` (scalars or
    arrays), with NumPy's values, dtype and shape."""
    if not contains_tracer((start, stop)):
        return _np.linspace(start, stop, num, endpoint, retstep, dtype, axis, device=device)
    from ._shape import broadcast_to, concatenate, moveaxis
    start, stop = _arr(start, True), _arr(stop, True)
    num = _operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    # NumPy's working dtype: that of start and stop, made inexact (Python numbers
    # are weak); with a traced (inexact) operand it is inexact already
    dt = _np.result_type(primal_of(start), primal_of(stop))
    if not _np.issubdtype(dt, _np.inexact):
        dt = _np.result_type(dt, _np.float64)
    start, stop = _cast(start, dt), _cast(stop, dt)
    delta = stop - start
    k = _np.arange(0, num, dtype=dt, device=device).reshape((-1,) + (1,) * ndim_of(delta))
    if div > 0:
        step = delta / div
        if _np.any(_np.asarray(primal_of(step)) == 0):
            y = (k / div) * delta          # NumPy's special case for denormal steps
        else:
            y = k * step
    else:
        step = _np.nan                     # undefined step, as in NumPy
        y = k * delta
    y = y + start
    if endpoint and num > 1:
        last = broadcast_to(stop, (1,) + tuple(shape_of(y)[1:]))
        y = concatenate([y[:-1], last], axis=0)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None and _np.dtype(dtype) != dt:
        if _plain_int(dtype):
            y = _np.floor(primal_of(y)).astype(dtype, copy=False)   # derivative 0
        else:
            from ._ufuncs import astype
            y = astype(y, dtype)
    return (y, step) if retstep else y


def _ndmin(a, n):
    """``numpy.array(a, copy=None, ndmin=n)`` for traced or plain ``a``."""
    if isinstance(a, Tracer):
        from ._shape import reshape
        nd = ndim_of(a)
        return a if nd >= n else reshape(a, (1,) * (n - nd) + tuple(shape_of(a)))
    return _np.array(a, copy=None, subok=True, ndmin=n)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``numpy.logspace``: ``base ** linspace(start, stop)``, differentiable in
    ``start``, ``stop`` and ``base``."""
    if not contains_tracer((start, stop, base)):
        return _np.logspace(start, stop, num, endpoint, base, dtype, axis)
    from ._shape import expand_dims
    from ._ufuncs import astype, power
    start, stop = _arr(start, True), _arr(stop, True)
    if contains_tracer(base) and not isinstance(base, Tracer):
        base = _arr(base)
    if not isinstance(base, (float, int)) and _np.ndim(primal_of(base)):
        # a non-scalar base broadcasts with the others, as in NumPy
        ndmax = _np.broadcast(primal_of(start), primal_of(stop), primal_of(base)).ndim
        start, stop, base = (_ndmin(a, ndmax) for a in (start, stop, base))
        base = expand_dims(base, axis)
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    r = power(base, y)
    if dtype is None:
        return r
    if _plain_int(dtype):
        return _np.asarray(primal_of(r)).astype(dtype, copy=False)       # derivative 0
    return astype(r, dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``numpy.geomspace``, differentiable in ``start`` and ``stop`` (real or
    complex, scalars or arrays); the end points are ``start`` and ``stop``
    exactly, as in NumPy."""
    if not contains_tracer((start, stop)):
        return _np.geomspace(start, stop, num, endpoint, dtype, axis)
    from ._indexing_extra import index_update
    from ._shape import moveaxis
    from ._ufuncs import astype, log10, sign
    start, stop = _arr(start), _arr(stop)
    ps, pe = _np.asanyarray(primal_of(start)), _np.asanyarray(primal_of(stop))
    if _np.any(ps == 0) or _np.any(pe == 0):
        raise ValueError("Geometric sequence cannot include zero")
    dt = _np.result_type(ps, pe, float(num), _np.zeros((), dtype))
    dtype = dt if dtype is None else _np.dtype(dtype)
    start, stop = _cast(start, dt), _cast(stop, dt)
    # rotate start onto the positive reals (sign is piecewise constant for real
    # values, z / |z| for complex ones), compute, rotate back
    out_sign = sign(start)
    start = start / out_sign
    stop = stop / out_sign
    result = logspace(log10(start), log10(stop), num=num, endpoint=endpoint, base=10.0,
                      dtype=dt)
    if num > 0:
        result = index_update(result, 0, start)          # exact end points
        if num > 1 and endpoint:
            result = index_update(result, -1, stop)
    result = result * out_sign
    if axis != 0:
        result = moveaxis(result, 0, axis)
    if dtype == dt:
        return result
    if _plain_int(dtype):
        return _np.asarray(primal_of(result)).astype(dtype, copy=False)  # derivative 0
    return astype(result, dtype)


# --- copyto: a clear refusal -----------------------------------------------------------
def copyto(dst, src, casting="same_kind", where=True):
    """``numpy.copyto``; it cannot write a traced value into an array (traced
    values are immutable and a plain array cannot hold one)."""
    if not contains_tracer((dst, src, where)):
        return _np.copyto(dst, src, casting=casting, where=where)
    # called by a NumPy function (np.full(shape, x), np.nan_to_num(a, nan=x), ...):
    # name it, and dualad's version of it
    from ..tracer import _library_frames, _library_hint
    caller = _sys._getframe(1)
    hint = _library_hint(caller) if _library_frames(caller)[0] is not None else ""
    if isinstance(dst, Tracer):
        raise TypeError(
            "numpy.copyto cannot write into a traced array: traced values are immutable "
            "(in place changes would be lost to the derivative)." + hint + " Build the "
            "new value instead: dst = dualad.numpy.where(where, src, dst), or "
            "dualad.numpy.index_update(dst, indices, src).")
    raise TypeError(
        "numpy.copyto cannot write a traced value into an array: its derivative would "
        "be lost." + hint + " Build arrays with dualad.numpy.where / full / "
        "index_update, or use dualad.stop_gradient(x) if the derivative is not wanted.")


# --- other in-place writers: clear refusals ---------------------------------------------
def _refuse_write(name, target, instead):
    """The TypeError for an in-place NumPy writer reached with a traced value."""
    if isinstance(target, Tracer):
        raise TypeError(
            f"numpy.{name} writes into its first argument, and traced values are immutable "
            f"(in place changes would be lost to the derivative). Build the new value "
            f"instead: {instead}.")
    raise TypeError(
        f"numpy.{name} cannot write a traced value into a plain numpy array: its derivative "
        f"would be lost. Build the new value instead: {instead}, or use "
        f"dualad.stop_gradient(x) if the derivative is not wanted.")


def fill_diagonal(a, val, wrap=False):
    """``numpy.fill_diagonal``; refused on traced values (an in-place write)
    with what to write instead."""
    if not contains_tracer((a, val)):
        return _np.fill_diagonal(a, val, wrap=wrap)
    _refuse_write("fill_diagonal", a,
                  "a = dualad.numpy.index_update(a, numpy.diag_indices_from(a), val) "
                  "(square a), or a = dualad.numpy.where(numpy.eye(n, m, dtype=bool), val, a) "
                  "for a 2-D a of shape (n, m)")


def put(a, ind, v, mode="raise"):
    """``numpy.put``; refused on traced values (an in-place write) with what to
    write instead."""
    if not contains_tracer((a, ind, v)):
        return _np.put(a, ind, v, mode=mode)
    _refuse_write("put", a, "a = dualad.numpy.index_update(a, numpy.unravel_index(ind, "
                            "a.shape), v)")


def putmask(a, mask, values):
    """``numpy.putmask``; refused on traced values (an in-place write) with what
    to write instead."""
    if not contains_tracer((a, mask, values)):
        return _np.putmask(a, mask, values)
    _refuse_write("putmask", a, "a = dualad.numpy.where(mask, values, a) (values of a's "
                                "shape, or broadcasting to it)")


def place(arr, mask, vals):
    """``numpy.place``; refused on traced values (an in-place write) with what
    to write instead."""
    if not contains_tracer((arr, mask, vals)):
        return _np.place(arr, mask, vals)
    _refuse_write("place", arr, "arr = dualad.numpy.index_update(arr, mask, vals) (vals "
                                "with one entry per True of mask)")


__all__ = ["full", "linspace", "logspace", "geomspace", "copyto", "fill_diagonal", "put",
           "putmask", "place"]
