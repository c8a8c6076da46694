"""Differentiable NumPy: ``import dualad.numpy as np``.

Functions keep NumPy's names, signatures, broadcasting and dtype rules.  On
plain values they cost what NumPy costs; on traced values they dispatch to the
registry.  Names dualad does not define (constants, dtypes, array creation
such as ``zeros`` or ``arange``) are NumPy's own.

The rule tables live in family modules: ``_ufuncs`` (element-wise),
``_reductions``, ``_shape``, ``_indexing``, ``_products``; ``linalg`` and
``fft`` are submodules.

>>> import dualad as ad, dualad.numpy as np
>>> float(ad.grad(lambda x: np.sum(np.tanh(x) ** 2))(np.array([0.0, 1.0])).sum().round(6))
0.6397
"""
from __future__ import annotations

import numpy as _np

from ..tracer import Tracer as _Tracer
from ..tracer import contains_tracer as _has_tracer
from ..tracer import primal_of as _primal_of
from . import _dispatch
from ._calculus import *  # noqa: F401,F403
from ._creation import *  # noqa: F401,F403
from ._counting import *  # noqa: F401,F403
from ._cumulative import *  # noqa: F401,F403
from ._functional import *  # noqa: F401,F403
from ._indexing import *  # noqa: F401,F403
from ._inspect import *  # noqa: F401,F403
from ._indexing_extra import *  # noqa: F401,F403
from ._poly import *  # noqa: F401,F403
from ._products import *  # noqa: F401,F403
from ._products_extra import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._shape_extra import *  # noqa: F401,F403
from ._stats import *  # noqa: F401,F403
from ._ufuncs import *  # noqa: F401,F403
from ._ufuncs import where as _where
from ._ufuncs import check_device


def shape(a):
    """``numpy.shape``, reading traced values too."""
    return _np.shape(_primal_of(a))


def ndim(a):
    """``numpy.ndim``, reading traced values too."""
    return _np.ndim(_primal_of(a))


def size(a, axis=None):
    """``numpy.size``, reading traced values too."""
    return _np.size(_primal_of(a), axis)


def result_type(*arrays_and_dtypes):
    return _np.result_type(*[_primal_of(a) for a in arrays_and_dtypes])


def array(object, dtype=None, copy=True, order="K", subok=False, ndmin=0, ndmax=0,  # noqa: A002
          like=None):
    """``numpy.array``; nested lists holding traced values are stacked."""
    if not _has_tracer(object):
        kw = {"ndmax": ndmax} if ndmax else {}
        return _np.array(object, dtype=dtype, copy=copy, order=order, ndmin=ndmin, **kw)
    out = _build(object)
    if ndmax and ndim(out) > ndmax:  # noqa: F405
        raise NotImplementedError(
            f"array: ndmax={ndmax} would keep the innermost of the {ndim(out)} nested "  # noqa: F405
            f"levels as objects, which a traced value cannot be; stack the levels "
            f"wanted with dualad.numpy.stack instead")
    if dtype is not None:
        out = astype(out, dtype)  # noqa: F405
    while ndim(out) < ndmin:
        out = expand_dims(out, 0)  # noqa: F405
    return out


def _build(x):
    if isinstance(x, (list, tuple)):
        return stack([_build(v) for v in x])  # noqa: F405
    if isinstance(x, _Tracer):
        return x
    return _np.asarray(x)


def asarray(a, dtype=None, order=None, like=None, copy=None, *, device=None):
    """``numpy.asarray``; traced values are returned as they are."""
    if _has_tracer(a):
        check_device(device, "asarray")
        return array(a, dtype=dtype)
    kw = {"device": device} if device is not None else {}
    return _np.asarray(a, dtype=dtype, order=order, copy=copy, **kw)


asanyarray = asarray


def __getattr__(name):
    try:
        return getattr(_np, name)
    except AttributeError:
        raise AttributeError(f"module 'dualad.numpy' has no attribute {name!r}") from None


import importlib as _importlib  # noqa: E402

# explicit imports: the module __getattr__ would otherwise hand back numpy's own
linalg = _importlib.import_module(__name__ + ".linalg")
fft = _importlib.import_module(__name__ + ".fft")
emath = _importlib.import_module(__name__ + ".emath")
polynomial = _importlib.import_module(__name__ + ".polynomial")
lib = _importlib.import_module(__name__ + ".lib")

_dispatch.register_module(_np, __import__(__name__, fromlist=["_"]))
_dispatch.register_module(_np.linalg, linalg)
_dispatch.register_module(_np.fft, fft)
_dispatch.register_module(_np.emath, emath)
_dispatch.register_module(_np.lib.stride_tricks, lib.stride_tricks)
_dispatch._FUNCTIONS[_np.where] = _where

# dualad's ufuncs answer to the ufunc methods (dnp.add.reduce, dnp.multiply.outer,
# ...) and attributes as NumPy's do: a method called on a traced value reaches
# dualad again through __array_ufunc__
for _theirs, _ours in list(_dispatch._UFUNCS.items()):
    for _attr in ("reduce", "accumulate", "reduceat", "outer", "at", "nin", "nout",
                  "nargs", "identity", "ntypes", "types", "signature"):
        if not hasattr(_ours, _attr):
            setattr(_ours, _attr, getattr(_theirs, _attr))
del _theirs, _ours, _attr
# ndarray.clip(lo, hi) calls NumPy's private ufunc numpy._core.umath.clip (not
# numpy.clip): with a traced bound and a plain array it reaches __array_ufunc__
_dispatch._UFUNCS[_np._core.umath.clip] = clip

from . import _methods  # noqa: E402

_methods.attach()
