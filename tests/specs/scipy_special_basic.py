"""Specs for dualad/scipy/special/_basic.py and the primitives of _cdf.py: the elementary ufuncs ``expm1``,
``log1p``, ``exp2``, ``exp10``, ``cbrt`` (away from its kink at 0), ``round``
(derivative 0, checked through ``x * round(x)`` away from the half-integers) and
the integer-order Bessel functions ``yn``, ``kn`` (in ``x``, orders 0, 1, 3 at
once); the inverses in a shape parameter (``gdtrib``, ``chdtriv``, ``pdtrik``,
``btdtria``, ``btdtrib``, ``stdtridf``: SciPy's root, derivatives by the implicit
function theorem) in every argument, mapped from [0.1, 0.9] into their domains;
second order throughout."""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy import special as sp
from dualad.testing.strategies import array_args, arrays

from . import Spec


def one(low, high, avoid=None):
    return st.tuples(arrays(low=low, high=high, avoid=avoid))


_N = np.array([0, 1, 3])

SPECS = [
    Spec("special.expm1", sp.expm1, one(-3.0, 3.0)),
    Spec("special.log1p", sp.log1p, one(-0.8, 3.0)),
    Spec("special.exp2", sp.exp2, one(-3.0, 3.0)),
    Spec("special.exp10", sp.exp10, one(-1.5, 1.5)),
    Spec("special.cbrt", sp.cbrt, one(-3.0, 3.0, avoid=(0.0,))),
    Spec("special.round", lambda x: x * sp.round(x),
         one(-3.0, 3.0, avoid=(-2.5, -1.5, -0.5, 0.5, 1.5, 2.5))),
    Spec("special.yn", lambda x: sp.yn(_N, x[..., None]), one(0.5, 6.0)),
    Spec("special.kn", lambda x: sp.kn(_N, x[..., None]), one(0.5, 6.0)),
    Spec("special.gdtrib", lambda u, v, w: sp.gdtrib(1.0 + u, 0.1 + v, 1.0 + w),
         array_args(3, low=0.1, high=0.8)),
    Spec("special.chdtriv", lambda v, w: sp.chdtriv(0.1 + v, 1.0 + 2 * w),
         array_args(2, low=0.1, high=0.8)),
    Spec("special.pdtrik", lambda v, w: sp.pdtrik(0.45 + 0.5 * v, 1.0 + 2 * w),   # k > 0
         array_args(2, low=0.1, high=0.8)),
    Spec("special.btdtria", lambda v, u, w: sp.btdtria(0.1 + v, 1.0 + u, 0.1 + w),
         array_args(3, low=0.1, high=0.8)),
    Spec("special.btdtrib", lambda u, v, w: sp.btdtrib(1.0 + u, 0.1 + v, 0.1 + w),
         array_args(3, low=0.1, high=0.8)),
    Spec("special.stdtridf", lambda v, w: sp.stdtridf(0.79 + 0.05 * v, 1.1 + 0.1 * w),
         array_args(2, low=0.1, high=0.8)),
]
