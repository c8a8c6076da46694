"""dualad: exact derivatives of NumPy code, in forward and reverse mode.

>>> import dualad as ad
>>> import dualad.numpy as np
>>> f = lambda x: np.sum(np.sin(x) * x)
>>> ad.grad(f)(np.array([0.0, 1.0]))
array([0.        , 1.38177329])
"""
from __future__ import annotations

from . import _heap
from . import numpy  # noqa: F401  (binds operators and NumPy protocols on traced values)
from .registry import (Primitive, defjvp, defjvp_joint, defvjp, defvjp_direct,
                       nondifferentiable)
from .registry import user_primitive as primitive
from .transforms import grad, jvp, stop_gradient, value_and_grad, vjp

__version__ = "0.1.0"

_heap.warm_up()   # see dualad/_heap.py: keeps glibc from trimming after every call

__all__ = [
    "jvp", "vjp", "grad", "value_and_grad", "stop_gradient",
    "jacobian", "jacfwd", "jacrev", "hessian", "hvp",
    "primitive", "defjvp", "defvjp", "defvjp_direct", "defjvp_joint",
    "nondifferentiable", "Primitive",
]


def __getattr__(name):
    # the Jacobian transforms and the optional SciPy layers load on first use
    if name in ("jacobian", "jacfwd", "jacrev", "hessian", "hvp"):
        from . import jacobians as _jac
        return getattr(_jac, name)
    if name in ("scipy", "optimize", "testing"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'dualad' has no attribute {name!r}")
