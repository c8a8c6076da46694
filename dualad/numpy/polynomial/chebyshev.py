"""``numpy.polynomial.chebyshev``, differentiable.

``chebval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring for the other functions.

>>> import numpy as np, dualad as ad
>>> from dualad.numpy.polynomial import chebyshev as C
>>> float(ad.grad(lambda x: C.chebval(x, [0.0, 0.0, 1.0]))(0.5))   # T2 = 2x^2 - 1
2.0
"""
import numpy.polynomial.chebyshev as _nm

from ._common import build, clenshaw, make_class


def _clenshaw(x, c):
    x2 = 2 * x
    return clenshaw(c, lambda c1, nd: c1, lambda c1, nd: c1 * x2, lambda c0, c1: c0 + c1 * x)


_F = build(globals(), "cheb", _nm, _clenshaw)
Chebyshev = make_class(_nm.Chebyshev, _F, __name__)
__all__ = list(_nm.__all__)
