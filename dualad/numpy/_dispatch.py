"""Routing plain ``numpy`` calls on traced values to dualad's functions.

``__array_ufunc__`` and ``__array_function__`` look the NumPy callable up in
tables built from the :mod:`dualad.numpy` namespace (and its ``linalg`` and
``fft`` submodules, and any module registered with :func:`register_module`).
A ufunc of ``scipy.special`` loads :mod:`dualad.scipy.special` (which
registers itself) the first time one reaches dualad, so ``import dualad``
does not import SciPy.  A function with no dualad counterpart raises
``NotImplementedError`` naming it, at the call.
"""
from __future__ import annotations

import importlib as _importlib
import sys as _sys

import numpy as _np

_FUNCTIONS: dict = {}
_UFUNCS: dict = {}
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min",
           "logical_and": "all", "logical_or": "any"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}
# modules with ufuncs of their own, and the dualad module covering them (loaded on first use)
_UFUNC_MODULES = {"scipy.special": "dualad.scipy.special"}


def register_module(np_module, our_module):
    """Map every public callable of ``np_module`` that ``our_module`` also defines."""
    for name in dir(our_module):
        if name.startswith("_"):
            continue
        ours = getattr(our_module, name)
        theirs = getattr(np_module, name, None)
        if theirs is None or not callable(ours):
            continue
        if isinstance(theirs, _np.ufunc):
            _UFUNCS[theirs] = ours
        elif callable(theirs) and not isinstance(theirs, type):
            _FUNCTIONS[theirs] = ours


def _qualname(func):
    mod = getattr(func, "__module__", None) or "numpy"
    mod = mod.replace("numpy._core.", "numpy.").replace("numpy.core.", "numpy.")
    for prefix in ("numpy.lib._", "numpy._"):
        if mod.startswith(prefix):
            mod = "numpy"
    if mod.startswith("numpy.lib") or mod == "numpy.fromnumeric":
        mod = "numpy"
    return f"{mod}.{getattr(func, '__name__', repr(func))}"


def _ufunc_home(ufunc):
    """The public module of ``ufunc``: ``"scipy.special"`` for SciPy's, else ``"numpy"``.
    A private SciPy ufunc (``scipy.special._ufuncs._zeta``, called by the public
    function ``scipy.special.zeta``) gets a phrase naming that public function, and
    dualad's version of it where there is one; the ``.name`` that follows in the
    messages then reads as the ufunc's full name."""
    name = ufunc.__name__
    for home in _UFUNC_MODULES:
        module = _sys.modules.get(home)
        if module is not None and getattr(module, name, None) is ufunc:
            return home
    for home, ours in _UFUNC_MODULES.items():
        module = _sys.modules.get(home)
        private = _sys.modules.get(home + "._ufuncs")
        if module is None or private is None or getattr(private, name, None) is not ufunc:
            continue
        # the public function whose code calls it (scipy.special.zeta: _zeta, _riemann_zeta)
        public = [p for p in sorted(dir(module)) if not p.startswith("_")
                  and name in getattr(getattr(getattr(module, p, None), "__code__", None),
                                      "co_names", ())]
        if not public:
            return home + "._ufuncs"
        public = public[0]
        hint = ""
        try:
            if callable(getattr(_importlib.import_module(ours), public, None)):
                hint = f" (differentiable as {ours}.{public}: call that instead)"
        except ImportError:
            pass
        return f"{home}.{public}{hint}, whose ufunc {home}._ufuncs"
    return "numpy"


def _find_ufunc(ufunc):
    """dualad's version of ``ufunc`` (None if there is none), loading the dualad
    module that covers ``ufunc``'s module the first time it is needed."""
    ours = _UFUNCS.get(ufunc)
    if ours is None:
        name = ufunc.__name__
        for home, our_module in _UFUNC_MODULES.items():
            # a public ufunc (scipy.special.erf) or a private one that a public
            # function calls (scipy.special.lambertw calls _ufuncs._lambertw)
            for where in (home, home + "._ufuncs"):
                module = _sys.modules.get(where)
                if module is not None and getattr(module, name, None) is ufunc:
                    _importlib.import_module(our_module)     # registers its ufuncs
                    return _UFUNCS.get(ufunc)
    return ours


def array_function(self, func, types, args, kwargs):
    ours = _FUNCTIONS.get(func)
    if kwargs.get("out") is not None and not getattr(ours, "nondiff", False):
        # (dualad's own functions hand out= calls to NumPy: they arrive here)
        raise TypeError(f"{_qualname(func)}(..., out=...) cannot write a traced value "
                        f"into an array; use the returned value instead")
    if ours is None:
        raise NotImplementedError(
            f"{_qualname(func)} has no derivative rule in dualad and was called on a "
            f"traced value; use dualad.stop_gradient on its input if no derivative "
            f"is needed, or register it with dualad.primitive / defjvp / defvjp")
    return ours(*args, **kwargs)


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if method == "__call__" and not kwargs:      # the common case, first
        ours = _UFUNCS.get(ufunc)
        if ours is not None:
            return ours(*inputs)
    name = ufunc.__name__
    if kwargs.get("out") is not None:
        raise TypeError(f"{_ufunc_home(ufunc)}.{name}(..., out=...) cannot write a "
                        f"traced value into an array; use the returned value instead")
    kwargs.pop("out", None)
    from .. import numpy as dnp
    if method == "__call__":
        ours = _find_ufunc(ufunc)
        if ours is None:
            raise NotImplementedError(
                f"{_ufunc_home(ufunc)}.{name} has no derivative rule in dualad and was "
                f"called on a traced value; use dualad.stop_gradient on its input if "
                f"no derivative is needed, or register it with dualad.primitive / "
                f"defjvp / defvjp")
        return ours(*inputs, **kwargs)
    if method == "reduce" and name in _REDUCE:
        kwargs.setdefault("axis", 0)        # ufunc.reduce runs along axis 0
        return getattr(dnp, _REDUCE[name])(*inputs, **kwargs)
    if method == "accumulate" and name in _ACCUMULATE and hasattr(dnp, _ACCUMULATE[name]):
        kwargs.setdefault("axis", 0)        # ufunc.accumulate runs along axis 0
        return getattr(dnp, _ACCUMULATE[name])(*inputs, **kwargs)
    if method == "outer" and _find_ufunc(ufunc) is not None:
        a, b = inputs
        a = dnp.reshape(a, tuple(dnp.shape(a)) + (1,) * dnp.ndim(b))
        return _UFUNCS[ufunc](a, b, **kwargs)
    raise NotImplementedError(
        f"{_ufunc_home(ufunc)}.{name}.{method} has no derivative rule in dualad and "
        f"was called on a traced value")
