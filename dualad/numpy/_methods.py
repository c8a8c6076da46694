"""Python operators, ndarray methods and NumPy's override protocols on traced values.

This module attaches to :class:`dualad.tracer.Tracer`:

* the arithmetic and comparison operators (``x + y``, ``x @ y``, ``x < y``, ...);
* ndarray-style methods and properties (``x.sum()``, ``x.T``, ``x.reshape()``, ...);
* ``__array_ufunc__`` and ``__array_function__``, so that plain ``numpy`` calls
  on traced values reach the same registry functions.
"""
from __future__ import annotations

import numpy as _np

from ..registry import Primitive
from ..tracer import Tracer
from . import _dispatch


def _ns():
    from .. import numpy as dnp
    return dnp


def attach():
    dnp = _ns()
    a = {"add": dnp.add, "sub": dnp.subtract, "mul": dnp.multiply,
         "truediv": dnp.divide, "floordiv": dnp.floor_divide, "mod": dnp.mod,
         "pow": dnp.power, "matmul": dnp.matmul}
    ops = {}
    for name, prim in a.items():
        ops[f"__{name}__"] = _forward(prim, name)
        ops[f"__r{name}__"] = _reflected(prim, name)
    neg, absolute = dnp.negative, dnp.absolute
    lt, le, gt, ge = dnp.less, dnp.less_equal, dnp.greater, dnp.greater_equal
    eq, ne = dnp.equal, dnp.not_equal
    ops.update({
        "__neg__": _unary(neg),
        "__pos__": lambda s: s,
        "__abs__": lambda s: absolute(s),
        "__lt__": _deferring(lambda s, o: lt(s, o)),
        "__le__": _deferring(lambda s, o: le(s, o)),
        "__gt__": _deferring(lambda s, o: gt(s, o)),
        "__ge__": _deferring(lambda s, o: ge(s, o)),
        "__eq__": _deferring(lambda s, o: eq(s, o)),
        "__ne__": _deferring(lambda s, o: ne(s, o)),
        "__divmod__": _deferring(lambda s, o: dnp.divmod(s, o)),
        "__rdivmod__": _deferring(lambda s, o: dnp.divmod(o, s)),
        "__getitem__": lambda s, idx: dnp.getitem(s, idx),
        "__iter__": _iter,
        "__array_ufunc__": _dispatch.array_ufunc,
        "__array_function__": _dispatch.array_function,
    })
    for name, f in ops.items():
        setattr(Tracer, name, f)
    from ..tracer import _hide_sequence_slot
    for cls in _all_subclasses(Tracer):
        _hide_sequence_slot(cls)

    methods = {
        "sum": dnp.sum, "mean": dnp.mean, "prod": dnp.prod, "max": dnp.max,
        "min": dnp.min, "reshape": _reshape_method, "transpose": _transpose_method,
        "ravel": dnp.ravel, "flatten": dnp.ravel, "squeeze": dnp.squeeze,
        "swapaxes": dnp.swapaxes, "dot": dnp.dot, "astype": _astype_method,
        "clip": dnp.clip, "copy": lambda s, *a, **k: s,
        "conj": "conj", "conjugate": "conj", "var": "var", "std": "std",
        "cumsum": "cumsum", "cumprod": "cumprod", "diagonal": "diagonal",
        "trace": "trace", "repeat": "repeat", "take": "take", "round": "round",
        "argmax": "argmax", "argmin": "argmin", "argsort": "argsort",
        "all": "all", "any": "any", "nonzero": "nonzero",
        "argpartition": "argpartition",
        "compress": lambda s, condition, axis=None, out=None: dnp.compress(condition, s, axis, out),
    }
    for name, f in methods.items():
        if isinstance(f, str):
            f = getattr(dnp, f, None)
        if f is None:
            continue
        setattr(Tracer, name, _method(f))
    Tracer.T = property(lambda s: dnp.transpose(s))
    Tracer.mT = property(lambda s: dnp.swapaxes(s, -1, -2))
    Tracer.real = property(lambda s: dnp.real(s))
    if hasattr(dnp, "imag"):
        Tracer.imag = property(lambda s: dnp.imag(s))
    Tracer.item = _item
    Tracer.tolist = _item
    # every other public ndarray attribute: an error naming it (explicit
    # stand-ins: a __getattr__ would slow every attribute read of a tracer)
    for name in dir(_np.ndarray):
        if not name.startswith("_") and not hasattr(Tracer, name):
            setattr(Tracer, name, _in_place(name) if name in _IN_PLACE else _missing(name))


#: ndarray methods that modify the array in place, with what to write instead
_IN_PLACE = {
    "sort": "dualad.numpy.sort(x, axis)",
    "partition": "dualad.numpy.partition(x, kth, axis)",
    "fill": "dualad.numpy.full_like(x, value)",
    "put": "dualad.numpy.index_update(x, indices, values)",
    "itemset": "dualad.numpy.index_update(x, index, value)",
    "resize": "dualad.numpy.resize(x, shape)",
    "setfield": "a new array built with dualad.numpy functions",
    "byteswap": "a new array built with dualad.numpy functions",
    "setflags": "a new array built with dualad.numpy functions",
}


def _in_place(name):
    def method(self, *args, **kwargs):
        raise TypeError(f"ndarray.{name}() works in place, and traced values are "
                        f"immutable: write x = {_IN_PLACE[name]} instead")
    method.__name__ = name
    return method


def _missing(name):
    def attribute(self):
        import sys

        from ..tracer import _library_hint
        raise AttributeError(
            f"ndarray.{name} is not available on a traced value (dualad has no "
            f"derivative rule for it)." + _library_hint(sys._getframe(1)) + " Use a "
            f"dualad.numpy function, or dualad.stop_gradient(x).{name} if the "
            f"derivative is not wanted")
    return property(attribute)


def _straight_to_trace(prim):
    """Whether an operator may hand ``prim`` to its operand's trace directly
    (not for non-differentiable primitives: their call strips the values)."""
    return isinstance(prim, Primitive) and not prim.nondiff


#: operand types that never ask an operator to defer to them (the fast path)
_PLAIN_OPERANDS = frozenset({float, int, bool, complex, _np.ndarray, _np.float64,
                             _np.float32, _np.complex128, _np.complex64, _np.int64,
                             _np.bool_, list, tuple})


def _defers(other):
    """Whether ``other`` opts out of NumPy's operators (``__array_ufunc__ =
    None``, as ``numpy.polynomial``'s series do): an ndarray operator then
    returns NotImplemented so that Python calls ``other``'s reflected one,
    and a traced value does the same."""
    return getattr(type(other), "__array_ufunc__", False) is None


def _deferring(op):
    """``op(self, other)``, or NotImplemented where ``other`` opts out of
    NumPy's operators (see :func:`_defers`): comparisons and ``divmod``."""
    def deferring(self, other):
        # (a tracer does not defer: its class sets __array_ufunc__)
        if type(other) not in _PLAIN_OPERANDS and _defers(other):
            return NotImplemented
        return op(self, other)
    return deferring


def _numpy_series_as_ours(other):
    """``other`` as this package's series class if it is one of
    ``numpy.polynomial``'s own (which cannot hold traced coefficients: their
    operators call ``np.array`` on the traced operand), else None."""
    cls = type(other)
    if not cls.__module__.startswith("numpy.polynomial."):
        return None
    from . import polynomial as ours
    mine = getattr(ours, cls.__name__, None)
    if mine is None:
        return None
    return mine(other.coef, domain=other.domain, window=other.window, symbol=other.symbol)


def _defer_to(self, other, name, reflected):
    """What ``self <op> other`` (``other <op> self`` if ``reflected``) returns
    when ``other`` opts out of NumPy's operators: NotImplemented, so that Python
    calls ``other``'s reflected operator -- except for ``numpy.polynomial``'s
    series, which cannot take a traced operand: the same series in
    ``dualad.numpy.polynomial`` does, so its operator is called instead."""
    conv = _numpy_series_as_ours(other)
    if conv is None:
        return NotImplemented
    return getattr(conv, f"__{name}__" if reflected else f"__r{name}__")(self)


def _forward(prim, name=None):
    if not _straight_to_trace(prim):
        return _deferring(lambda self, other: prim(self, other))

    def op(self, other):
        # with no tracer of another transform in the call, self's trace is the
        # one the primitive would pick: go to it directly
        if isinstance(other, Tracer):
            if other._trace is not self._trace:
                return prim(self, other)
        elif type(other) not in _PLAIN_OPERANDS and _defers(other):
            return _defer_to(self, other, name, False)
        return self._trace.process(prim, (self, other), {})
    return op


def _reflected(prim, name=None):
    if not _straight_to_trace(prim):
        return _deferring(lambda self, other: prim(other, self))

    def op(self, other):
        if isinstance(other, Tracer):
            if other._trace is not self._trace:
                return prim(other, self)
        elif type(other) not in _PLAIN_OPERANDS and _defers(other):
            return _defer_to(self, other, name, True)
        return self._trace.process(prim, (other, self), {})
    return op


def _unary(prim):
    if not _straight_to_trace(prim):
        return lambda self: prim(self)

    def op(self):
        return self._trace.process(prim, (self,), {})
    return op


def _all_subclasses(cls):
    out = [cls]
    for c in cls.__subclasses__():
        out.extend(_all_subclasses(c))
    return out


def _method(f):
    def m(self, *args, **kwargs):
        return f(self, *args, **kwargs)
    m.__name__ = getattr(f, "__name__", "method")
    m.__doc__ = getattr(f, "__doc__", None)
    return m


def _iter(self):
    n = len(self)
    for i in range(n):
        yield self[i]


def _reshape_method(self, *shape, order="C"):
    if len(shape) == 1:
        shape = shape[0]
    return _ns().reshape(self, shape, order=order)


def _transpose_method(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return _ns().transpose(self, axes if axes else None)


def _astype_method(self, dtype, *args, **kwargs):
    return _ns().astype(self, dtype)


def _item(self, *args):
    raise TypeError(
        "item()/tolist() of a traced value would drop its derivative; keep it an "
        "array, or use dualad.stop_gradient(x).item() if the derivative is not wanted")
