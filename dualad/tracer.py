"""Traced values and the dispatch that routes a primitive call to a trace.

A *trace* is one running transform (one ``jvp`` or one ``vjp`` call).  Each
trace gets a level from a process-wide counter when it starts, so a trace
started inside another always has the higher level.  A traced value
(:class:`Tracer`) belongs to exactly one trace.  When a primitive sees traced
arguments it hands the call to the trace with the highest level; that trace
unwraps its own values, calls the primitive again on what is left (values of
outer traces stay wrapped and are handled by the next call down), and wraps
the result.  This ordering is what keeps nested derivatives apart
(no perturbation confusion): ``d/dx [x * d/dy (x + y)]`` is 1.

There is no global "current trace": levels come from an atomic counter and
every tape or dual belongs to the call that made it, so threads never see each
other's traces.
"""
from __future__ import annotations

import importlib
import itertools
import sys
from threading import get_ident as _thread_id

import numpy as _np

__all__ = ["Trace", "Tracer", "strip_all", "primal_of", "new_level",
           "shape_of", "ndim_of"]

_levels = itertools.count(1)


def new_level() -> int:
    """A level higher than that of every trace started before (thread-safe)."""
    return next(_levels)


class Trace:
    """Base of the forward (JVP) and reverse (tape) traces."""

    __slots__ = ("level", "done", "thread")

    def __init__(self):
        self.level = new_level()
        self.done = False       # set when the transform's function has returned
        self.thread = _thread_id()   # a transform runs in one thread

    def process(self, prim, args, kwargs):  # pragma: no cover - abstract
        raise NotImplementedError


class Tracer:
    """Base of traced values: quacks like a NumPy array.

    Subclasses keep the value of the innermost computation in ``_value`` and
    their trace in ``_trace``.  Operators, NumPy's ``__array_ufunc__`` and
    ``__array_function__`` protocols and the ndarray methods are attached by
    :mod:`dualad.numpy` (see ``dualad/numpy/_methods.py``).
    """

    __slots__ = ()
    __array_priority__ = 1000

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__getitem__" in vars(Tracer):
            _hide_sequence_slot(cls)

    # shape-like attributes read the primal value
    @property
    def shape(self):
        return shape_of(self._value)

    @shape.setter
    def shape(self, value):
        raise AttributeError(
            "traced values are immutable: instead of x.shape = s, write x = x.reshape(s)")

    @property
    def ndim(self):
        return ndim_of(self._value)

    @property
    def size(self):
        return _np.size(self._value)

    @property
    def dtype(self):
        return _np.result_type(self._value)

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self.size * self.dtype.itemsize

    def __len__(self):
        return len(self._value)

    def __bool__(self):
        return bool(self._value)

    def __int__(self):
        return int(self._value)

    def __round__(self, ndigits=None):
        # piecewise constant: the rounded value carries no derivative
        v = primal_of(self)
        return round(v) if ndigits is None else round(v, ndigits)

    def __index__(self):
        raise TypeError("a traced floating-point value cannot be used as an index")

    def __float__(self):
        raise TypeError(
            "a traced value cannot be converted to a Python or NumPy float "
            "(float(x), math functions, or item assignment a[i] = x into a numpy "
            "array): its derivative would be lost." + _library_hint(sys._getframe(1))
            + " Keep it an array and use "
            "dualad.numpy functions; build arrays with dualad.numpy.stack / "
            "concatenate / where / index_update instead of assigning into numpy "
            "arrays; or use dualad.stop_gradient(x) if the derivative is not wanted.")

    __complex__ = __float__

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "a traced value cannot become a plain numpy array: its derivative "
            "would be lost." + _library_hint(sys._getframe(1)) + " Build arrays from "
            "traced values with dualad.numpy.stack / concatenate / where / array "
            "instead of item assignment into numpy arrays, or use "
            "dualad.stop_gradient(x) if the derivative is not wanted.")

    def __setitem__(self, key, value):
        caller = sys._getframe(1)          # inside NumPy's or SciPy's code: name it
        raise TypeError(
            "traced values are immutable: instead of x[i] = v, write "
            "x = dualad.numpy.index_update(x, i, v), and instead of x[i] += v, "
            "x = dualad.numpy.index_add(x, i, v) (or build the array with "
            "dualad.numpy.where / stack / concatenate)."
            + (_library_hint(caller) if _library_frames(caller)[0] is not None else ""))

    def __hash__(self):
        return id(self)

    # traced values are immutable: a copy is the value itself (a deep copy
    # would also copy the trace, and the copy would no longer be traced)
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __format__(self, spec):
        # formatting (f"{x:.3f}") reads the value; the string has no derivative
        return format(primal_of(self), spec) if spec else repr(self)

    def __reversed__(self):
        for i in range(len(self) - 1, -1, -1):
            yield self[i]

    def __repr__(self):
        return f"{type(self).__name__}(level={self._trace.level}, value={self._value!r})"


def primal_of(x):
    """The plain value under every level of tracing."""
    while isinstance(x, Tracer):
        x = x._value
    return x


def escaped_error(used=False):
    """The ``RuntimeError`` for a traced value used after its transform returned."""
    what = ("a computation used a traced value" if used
            else "the result depends on a traced value")
    return RuntimeError(
        f"{what} that escaped the transform that made it (kept in a global, a "
        f"closure or a container while an inner grad/jvp/vjp ran, and used after "
        f"that transform returned); its derivative cannot be right. Return such "
        f"values from the function instead, or store dualad.stop_gradient(value).")


def check_not_escaped(values):
    """Raise if any of ``values`` holds a traced value of a transform that has
    already finished: one that escaped it (through a global, a closure, a
    list...) and was used afterwards.  Its derivative cannot be right."""
    me = None
    for v in values:
        while isinstance(v, Tracer):
            if v._trace.done:
                raise escaped_error()
            if me is None:
                me = _thread_id()
            if v._trace.thread != me:
                raise RuntimeError(
                    "the result depends on a traced value of a transform running in "
                    "another thread (shared through a global or a closure); each "
                    "transform belongs to its thread: share plain values between "
                    "threads, or dualad.stop_gradient(value).")
            v = v._value


def contains_tracer(x):
    """True if ``x`` is traced or a (nested) list/tuple holding a traced value."""
    if isinstance(x, Tracer):
        return True
    if isinstance(x, (list, tuple)):
        return any(contains_tracer(v) for v in x)
    return False


def strip_all(args):
    return [primal_of(a) for a in args]




def shape_of(x):
    """``numpy.shape`` that also reads traced values (and is cheaper)."""
    try:
        return x.shape
    except AttributeError:
        return _np.shape(x)


def ndim_of(x):
    try:
        return x.ndim
    except AttributeError:
        return _np.ndim(x)


def _hide_sequence_slot(cls):
    """Make NumPy treat traced values as scalars-or-arrays, not Python sequences.

    A Python class with ``__getitem__`` fills CPython's ``sq_item`` slot, and
    NumPy then reports item assignment ``a[i] = traced`` as "setting an array
    element with a sequence" (ValueError), hiding dualad's explanatory
    TypeError.  Indexing keeps working through the mapping slot.  The slot is
    only cleared after checking that the type's layout is the one expected
    (heap type, sequence methods stored inside the type object); otherwise
    nothing is changed and only the error message is less helpful.
    """
    import ctypes
    import sys
    try:
        ptr_size = ctypes.sizeof(ctypes.c_void_p)
        # PyTypeObject: PyObject_VAR_HEAD (3 words), tp_name, tp_basicsize,
        # tp_itemsize, tp_dealloc, tp_vectorcall_offset, tp_getattr,
        # tp_setattr, tp_as_async, tp_repr, tp_as_number, then tp_as_sequence
        seq = ctypes.c_void_p.from_address(id(cls) + 13 * ptr_size).value
        if not seq or not id(cls) < seq < id(cls) + sys.getsizeof(cls) + 64 * ptr_size:
            return
        sq_item = ctypes.c_void_p.from_address(seq + 3 * ptr_size)
        if sq_item.value:
            sq_item.value = None
    except Exception:  # noqa: BLE001 - purely cosmetic, never fatal
        return


def _library_frames(frame):
    """``(entry, user)`` from ``frame`` outwards, dualad's own frames skipped:
    the outermost SciPy / NumPy frame before user code (the library function
    the user called; ``None`` if the call came straight from user code) and
    the user's frame (``None`` if there is none).

    A library function that a transform called as the user's ``f`` (say
    ``scipy.optimize.rosen`` given to ``dualad.optimize.minimize``) is the
    entry: the SciPy / NumPy frames further out (SciPy's ``minimize`` calling
    back into dualad) belong to another call and are passed over."""
    entry, frozen = None, False
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(("scipy.", "numpy.")):
            if not frozen:
                entry = frame
        elif not module.startswith("dualad."):
            return entry, frame
        elif entry is not None and module.startswith(_CALLERS_OF_USER_CODE):
            frozen = True
        frame = frame.f_back
    return entry, None


_CALLERS_OF_USER_CODE = ("dualad.transforms", "dualad.jacobians", "dualad.forward",
                         "dualad.reverse", "dualad.optimize", "dualad.testing")


def _converting_primitive(frame):
    """The name of the dualad primitive whose NumPy implementation (a ufunc,
    written in C) converted a list argument, when ``frame`` is its call."""
    if frame is None or frame.f_globals.get("__name__") != "dualad.registry":
        return None
    name = getattr(frame.f_locals.get("self"), "name", None)
    if not isinstance(name, str):
        return None
    return name if name.startswith(("special.", "linalg.", "fft.")) else f"dualad.numpy.{name}"


def _dualad_caller(entry, user):
    """``"dualad.numpy.sum"`` when the library call ``entry`` was made by a
    public dualad function the user called (it passed on an argument NumPy
    had to convert: a list of traced values), else ``None``."""
    frame, found = entry.f_back, None
    while frame is not None and frame is not user:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith("dualad.") or module.startswith(_CALLERS_OF_USER_CODE):
            break                               # the user, or a transform calling the user's f
        code = frame.f_code
        if not code.co_name.startswith(("_", "<")) and "<locals>" not in code.co_qualname:
            found = f"{module.split('._')[0]}.{code.co_qualname}"  # not a decorator's wrapper
        frame = frame.f_back
    return found


def _list_of_traced_hint(called):
    """The hint for a dualad function ``called`` with a list of traced values."""
    return (f" {called} was given a list or tuple holding traced values, which NumPy "
            f"turns into a plain array: make it one traced array first, e.g. "
            f"{called}(dualad.numpy.stack([...])).")


def _polynomial_hint(entry, module, name):
    """The hint for a call into ``numpy.polynomial`` (``entry``: its outermost
    frame): name the same class or function of ``dualad.numpy.polynomial``."""
    series = entry.f_locals.get("self")
    sub = module.split(".")[2] if module.count(".") >= 2 else ""
    if isinstance(series, _np.polynomial._polybase.ABCPolyBase):
        ours = f"dualad.numpy.polynomial.{type(series).__name__}"
    elif sub in ("polynomial", "chebyshev", "legendre", "hermite", "hermite_e", "laguerre"):
        ours = f"dualad.numpy.polynomial.{sub}.{name}"
    else:
        ours = "dualad.numpy.polynomial"
    return (f" numpy.polynomial converts traced values to plain arrays: use {ours} "
            f"instead (the same names and signatures), which accepts them.")


def _interpolate_hint(entry, name, qualname):
    """The hint for a call into ``scipy.interpolate`` (``entry``: its outermost
    frame): building an interpolant (``__init__``) or calling one built by SciPy
    (its ``self`` is the object); name dualad.scipy.interpolate's class."""
    this = entry.f_locals.get("self") if "." in qualname else None
    what = type(this).__name__ if this is not None else name
    try:
        ours = getattr(importlib.import_module("dualad.scipy.interpolate"), what, None)
    except ImportError:
        ours = None
    if ours is None:
        return (f" scipy.interpolate.{what} converts its input to a plain array, so it "
                f"cannot see derivatives, and dualad.scipy.interpolate has no {what}: use "
                f"dualad.scipy.interpolate.CubicSpline or PPoly (differentiable in the data, "
                f"the knots and the points), or dualad.numpy.interp for linear interpolation.")
    if this is not None and name != "__init__":
        if not hasattr(ours, "antiderivative"):    # interp1d, RegularGridInterpolator
            return (f" A scipy.interpolate.{what} converts its data and the points it is "
                    f"evaluated at to plain arrays, so it cannot see derivatives: build it "
                    f"with dualad.scipy.interpolate.{what} instead (the same signature), "
                    f"differentiable in its data and the points.")
        return (f" A scipy.interpolate.{what} converts the points it is evaluated at (and "
                f"the bounds of its methods) to plain arrays, so it cannot see derivatives: "
                f"build it with dualad.scipy.interpolate.{what} instead (the same signature), "
                f"whose evaluation, derivative, antiderivative and integrate are "
                f"differentiable.")
    return (f" scipy.interpolate.{what} converts its input to a plain array, so it cannot "
            f"see derivatives: call dualad.scipy.interpolate.{what} instead (the same "
            f"signature), differentiable in its data, knots and evaluation points.")


#: scipy.optimize's solvers (not its test functions such as rosen, which convert x)
_SOLVERS = {"minimize", "least_squares", "root", "minimize_scalar", "root_scalar", "brentq",
            "brenth", "ridder", "bisect", "newton", "toms748", "fsolve", "curve_fit",
            "leastsq", "fmin", "fmin_powell", "fmin_cg", "fmin_bfgs", "fmin_ncg",
            "fmin_l_bfgs_b", "fmin_tnc", "fmin_slsqp", "fmin_cobyla", "fminbound", "brent",
            "golden", "fixed_point", "basinhopping", "differential_evolution",
            "dual_annealing", "shgo", "direct"}


def _optimize_hint(name):
    """The hint for a call into ``scipy.optimize`` whose function depends on a
    traced value: SciPy solves on plain floats; dualad.optimize differentiates
    the solution when the traced values are passed in ``args``."""
    if name in ("minimize", "least_squares", "root"):
        return (f" scipy.optimize.{name} works on plain floats, so its solution cannot "
                f"carry derivatives, and the function given to it depends on a traced "
                f"value: call dualad.optimize.{name} instead (the same signature) and pass "
                f"the traced values in args=(...): it differentiates the solution (implicit "
                f"function theorem)."
                + (" (SciPy reports this as 'The user-provided objective function must "
                   "return a scalar value'.)" if name == "minimize" else ""))
    return (f" scipy.optimize.{name} works on plain floats, so its solution cannot carry "
            f"derivatives, and the function given to it depends on a traced value: "
            f"dualad.optimize.minimize, least_squares and root differentiate their "
            f"solutions when the traced values are passed in args=(...); write the "
            f"problem with one of them.")


def _library_hint(frame):
    """A sentence naming the call that tried to turn a traced value into a plain
    array or float, and what to call instead, or ''.  ``frame`` is the caller
    of ``__array__`` / ``__float__``: inside a SciPy or NumPy function written
    in Python (the outermost such frame is the function the user called), or
    the user's own line (a NumPy function written in C, such as ``asarray``,
    or an item assignment)."""
    entry, user = _library_frames(frame)
    if entry is None:
        prim = _converting_primitive(frame)
        return _call_site_hint(user) if prim is None else _list_of_traced_hint(prim)
    ours = _dualad_caller(entry, user)
    if ours is not None:
        return _list_of_traced_hint(ours)
    module, code = entry.f_globals.get("__name__", ""), entry.f_code
    name, qualname = code.co_name, code.co_qualname
    if qualname == "AxisConcatenator.__getitem__":     # numpy.r_[...] / numpy.c_[...]
        which = "c_" if entry.f_locals.get("self") is _np.c_ else "r_"
        return (f" numpy.{which}[...] converts its entries to plain arrays: write "
                f"dualad.numpy.{which}[...] instead (the same syntax), which accepts traced values.")
    if "<locals>" in qualname:   # a decorator's wrapper: name the function it wraps
        for v in entry.f_locals.values():
            q = getattr(v, "__qualname__", "")
            if (callable(v) and q   # q: a MapWrapper or partial has none
                    and getattr(v, "__module__", "").startswith(module.split(".")[0])
                    and "<locals>" not in q and not q.startswith("_")):
                name = qualname = q
                module = v.__module__
                break
    if module == "scipy.fft._backend":   # scipy.fft's uarray dispatch: name the function
        method = entry.f_locals.get("method")
        name = qualname = getattr(method, "__name__", "") or name
        module = "scipy.fft"
    if module.startswith("scipy.sparse"):
        return (" A scipy.sparse matrix turns its dense operand into a plain array: "
                "write the product as dualad.scipy.sparse.matmul(S, x) (or (x, S)), "
                "differentiable in x, or use S.toarray().")
    if module.startswith("numpy.") and qualname.split(".")[0] == "vectorize":
        return (" numpy.vectorize converts its arguments to plain arrays: use "
                "dualad.numpy.vectorize (the same signature), or write the function "
                "with array operations (faster).")
    if module.startswith("numpy.polynomial"):
        return _polynomial_hint(entry, module, name)
    if module.startswith("scipy.interpolate"):
        return _interpolate_hint(entry, name, qualname)
    if module.startswith("scipy.optimize") and qualname == name and name in _SOLVERS:
        return _optimize_hint(name)
    if name.startswith("_"):
        return _call_site_hint(user)
    if module.startswith("numpy."):
        return _numpy_hint(name, qualname, user)
    sub = module.split(".")[1]
    ours = None
    if qualname == name:         # a function, not a method
        public = f"scipy.{sub}.{name}"
        try:
            ours = getattr(importlib.import_module(f"dualad.scipy.{sub}"), name, None)
        except ImportError:
            pass
    else:
        public = f"{qualname} (scipy.{sub})"
        dist = getattr(entry.f_locals.get("self"), "dist", entry.f_locals.get("self"))
        dname = getattr(dist, "name", None)
        if sub == "stats" and isinstance(dname, str):   # a scipy.stats distribution's method
            ours = getattr(importlib.import_module("dualad.scipy.stats"), dname, None)
            if ours is not None:
                return (f" scipy.stats.{dname}.{name} converts its input to a plain array, so "
                        f"it cannot see derivatives: use dualad.scipy.stats.{dname} instead "
                        f"(same signature; frozen too: dualad.scipy.stats.{dname}(...).{name}).")
            return (f" scipy.stats.{dname}.{name} converts its input to a plain array, so it "
                    f"cannot see derivatives, and dualad.scipy.stats has no {dname}: write its "
                    f"density with dualad.numpy and dualad.scipy.special.")
    if callable(ours):
        return (f" {public} converts its input to a plain array, so it cannot see "
                f"derivatives: call dualad.scipy.{sub}.{name} instead.")
    return (f" {public} converts its input to a plain array, so it cannot see "
            f"derivatives (SciPy functions that are not ufuncs do this): write it "
            f"with dualad.numpy functions.")


def _dualad_numpy_has(name):
    """Whether dualad.numpy has a function (not a type such as float64) ``name``."""
    try:
        f = getattr(importlib.import_module("dualad.numpy"), name, None)
    except ImportError:
        return False
    return callable(f) and not isinstance(f, type)


# NumPy functions that write into their first argument: dualad.numpy's versions
# refuse traced values too, so the hint says what to build instead
_NUMPY_WRITERS = {"fill_diagonal", "put", "putmask", "place", "copyto"}


def _numpy_hint(name, qualname, user):
    """The hint for a NumPy function written in Python (``numpy.full``)."""
    public = f"numpy.{qualname}"
    where = _call_site(user)
    where = f" ({where})" if where else ""
    if qualname in _NUMPY_WRITERS:
        return (f" {public}{where} writes into a plain numpy array, which cannot hold a "
                f"traced value: build the new array instead, with "
                f"dualad.numpy.index_update(a, indices, values) or dualad.numpy.where(mask, "
                f"values, a).")
    if qualname == name and _dualad_numpy_has(name):
        return (f" {public}{where} converts a traced argument to a plain array (NumPy "
                f"dispatches it to dualad only from its first argument): call "
                f"dualad.numpy.{name} instead, which accepts traced values.")
    return (f" {public}{where} converts a traced argument to a plain array: write it "
            f"with dualad.numpy functions.")


def _call_site(frame):
    """``"`source` at file:line"`` for the expression ``frame`` is executing, or ''."""
    if frame is None:
        return ""
    try:
        import linecache
        code = frame.f_code
        lineno, end, col, end_col = list(code.co_positions())[frame.f_lasti // 2]
        line = linecache.getline(code.co_filename, lineno)
        if not line:
            return ""
        text = line[col:end_col] if lineno == end and col is not None else line.strip()
        return f"`{text.strip()}` at {code.co_filename}:{lineno}"
    except Exception:  # noqa: BLE001 - a message detail, never fatal
        return ""


#: the opcodes of ``a[i] = v`` and ``a[i:j] = v`` (STORE_SLICE from Python 3.12)
_STORE_OPS = ("STORE_SUBSCR", "STORE_SLICE")


def _is_item_store(frame):
    """Whether ``frame`` is executing an item or slice assignment ``a[i] = v``
    (NumPy's ``__setitem__``, written in C, converts ``v`` there)."""
    try:
        import dis
        for ins in dis.get_instructions(frame.f_code):
            if ins.offset == frame.f_lasti:
                return ins.opname in _STORE_OPS
    except Exception:  # noqa: BLE001 - a message detail, never fatal
        pass
    return False


def _call_site_hint(frame):
    """For a conversion made directly on the user's line: which expression, and
    the dualad.numpy function to call when it is a NumPy call dualad also has."""
    where = _call_site(frame)
    if not where:
        return ""
    import re
    if _is_item_store(frame):
        return (f" The conversion happened in {where}: an item assignment into a NumPy "
                f"array, which cannot hold a traced value. Build the new array "
                f"instead: x = dualad.numpy.index_update(x, index, value) for x[index] "
                f"= value, dualad.numpy.index_add(x, index, value) for x[index] += "
                f"value (x may be plain, e.g. numpy.zeros(n)), or dualad.numpy.where / "
                f"stack / concatenate.")
    if where.split("` at ")[0].endswith("]"):
        return (f" The conversion happened in {where}: an index must be an integer "
                f"array, which carries no derivative; index with a plain integer value "
                f"(dualad.stop_gradient, then astype(int)), or select with "
                f"dualad.numpy.where / take_along_axis.")
    m = re.match(r"`(?:[A-Za-z_][\w]*\.)*([A-Za-z_]\w*)\s*\(", where)
    if m and _dualad_numpy_has(m.group(1)):
        name = m.group(1)
        return (f" The conversion happened in {where}: if that is NumPy's {name}, call "
                f"dualad.numpy.{name} instead, which accepts traced values.")
    return f" The conversion happened in {where}."
