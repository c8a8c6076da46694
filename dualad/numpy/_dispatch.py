"""Routing plain ``numpy`` calls on traced values to dualad's functions.

``__array_ufunc__`` and ``__array_function__`` look the NumPy callable up in
tables built from the :mod:`dualad.numpy` namespace (and its ``linalg`` and
``fft`` submodules, and any module registered with :func:`register_module`).
A ufunc of ``scipy.special`` loads :mod:`dualad.scipy.special` (which
registers itself) the first time one reaches dualad, so ``import dualad``
does not import SciPy.  A function with no dualad counterpart raises
``NotImplementedError`` naming it, at the call.

The ufunc methods: ``reduce`` of ``add``, ``multiply``, ``maximum``,
``minimum``, ``logical_and``, ``logical_or`` is ``sum``, ``prod``, ``max``,
``min``, ``all``, ``any``; of ``logaddexp`` / ``logaddexp2`` a logsumexp with
NumPy's values; of every other binary ufunc dualad has (``subtract``,
``divide``, ``hypot``, ``fmax``, ``power``, ...) NumPy's value with the
derivative of the fold ``(x0 op x1) op ...`` (``_ufunc_reduce``).  ``accumulate`` of ``add`` / ``multiply`` is ``cumsum`` /
``cumprod``; of ``maximum`` / ``minimum`` a running maximum / minimum (a gather
of the entries attaining it; tied entries share the derivative as in ``max``);
of ``logaddexp`` / ``logaddexp2`` a running logsumexp.  ``outer`` works for
every ufunc dualad has, ``add.reduceat`` gives segment sums, and ``ufunc.at``
(in place) raises a ``TypeError`` pointing to ``dualad.numpy.index_add``.
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
# ufunc methods whose dualad version takes the ufunc first: (module, function)
_REDUCE_UFUNC = {"logaddexp": ("_stats", "_logaddexp_reduce"),
                 "logaddexp2": ("_stats", "_logaddexp_reduce")}
_ACCUMULATE_UFUNC = {"maximum": ("_cumulative", "_running_extreme"),
                     "minimum": ("_cumulative", "_running_extreme"),
                     "logaddexp": ("_cumulative", "_logaddexp_accumulate"),
                     "logaddexp2": ("_cumulative", "_logaddexp_accumulate")}
# the functional form of `ufunc.at(a, indices, b)` (which writes into `a`)
_AT_HINT = {"add": "dualad.numpy.index_add(a, indices, b)",
            "subtract": "dualad.numpy.index_add(a, indices, -b)",
            "negative": "dualad.numpy.index_update(a, indices, -a[indices]) (with distinct "
                        "indices)"}
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
    # private implementation modules are re-exported by numpy itself; public
    # submodules of numpy.lib keep their names (numpy.lib.scimath is numpy.emath)
    if mod.startswith(("numpy.lib._", "numpy._")) or mod == "numpy.fromnumeric":
        mod = "numpy"
    elif mod == "numpy.lib.scimath":
        mod = "numpy.emath"
    return f"{mod}.{getattr(func, '__name__', repr(func))}"


def _ufunc_home(ufunc):
    """The public module of ``ufunc``: ``"scipy.special"`` for SciPy's, else ``"numpy"``.
    A private SciPy ufunc (``scipy.special._ufuncs._zeta``, called by the public
    function ``scipy.special.zeta``) gets a phrase naming that public function, and
    dualad's version of it where there is one; the ``.name`` that follows in the
    messages then reads as the ufunc's full name."""
    name = ufunc.__name__
    home, private = _ufunc_owner(ufunc)
    if home is None:
        return "numpy"
    module = _sys.modules.get(home)
    if not private:
        return home
    # the public function whose code calls it (scipy.special.zeta: _zeta, _riemann_zeta)
    public = [p for p in sorted(dir(module)) if not p.startswith("_")
              and name in getattr(getattr(getattr(module, p, None), "__code__", None),
                                  "co_names", ())] if module is not None else []
    if not public:
        return home + "._ufuncs"
    public = public[0]
    ours = _UFUNC_MODULES[home]
    hint = ""
    try:
        if callable(getattr(_importlib.import_module(ours), public, None)):
            hint = f" (differentiable as {ours}.{public}: call that instead)"
    except ImportError:
        pass
    return f"{home}.{public}{hint}, whose ufunc {home}._ufuncs"


def _ufunc_owner(ufunc):
    """``(home, private)``: the module of ``_UFUNC_MODULES`` whose namespace holds
    ``ufunc`` (``private=False``: ``scipy.special.erf``) or whose ``._ufuncs``
    does (``private=True``: ``_lambertw``, which the public function
    ``scipy.special.lambertw`` calls); ``(None, False)`` for NumPy's own."""
    name = ufunc.__name__
    for private in (False, True):
        for home in _UFUNC_MODULES:
            module = _sys.modules.get(home + "._ufuncs" if private else home)
            if module is not None and getattr(module, name, None) is ufunc:
                return home, private
    return None, False


def _find_ufunc(ufunc):
    """dualad's version of ``ufunc`` (None if there is none), loading the dualad
    module that covers ``ufunc``'s module (public or private ufunc) the first
    time it is needed."""
    ours = _UFUNCS.get(ufunc)
    if ours is None:
        home, _ = _ufunc_owner(ufunc)
        if home is not None:
            _importlib.import_module(_UFUNC_MODULES[home])     # registers its ufuncs
            ours = _UFUNCS.get(ufunc)
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
    if method == "at":
        hint = _AT_HINT.get(name)
        hint = (f"use {hint}, which returns the updated array instead (repeated indices "
                f"accumulate, as in numpy.add.at)" if hint else
                "build the result with dualad.numpy.index_add / index_update, which "
                "return the updated array instead")
        raise TypeError(f"{_ufunc_home(ufunc)}.{name}.at writes into its first argument "
                        f"in place, which cannot be done with a traced value (its "
                        f"derivative would be lost); {hint}")
    own = {"reduce": _REDUCE_UFUNC, "accumulate": _ACCUMULATE_UFUNC}.get(method, {})
    if name in own and getattr(_np, name, None) is ufunc:
        module, func = own[name]
        return getattr(_importlib.import_module(f"{__package__}.{module}"), func)(
            ufunc, *inputs, **kwargs)
    if method == "reduceat" and ufunc is _np.add:
        from ._functional import _add_reduceat
        return _add_reduceat(*inputs, **kwargs)
    if method == "reduce" and name in _REDUCE:
        kwargs.setdefault("axis", 0)        # ufunc.reduce runs along axis 0
        return getattr(dnp, _REDUCE[name])(*inputs, **kwargs)
    if method == "reduce" and ufunc.nin == 2 and _find_ufunc(ufunc) is not None:
        from ._ufunc_reduce import fold_reduce
        return fold_reduce(ufunc, _find_ufunc(ufunc), *inputs, **kwargs)
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
