"""``numpy.polynomial.chebyshev``, differentiable.

``chebval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring for the other functions.

>>> import numpy as np, dualad as ad
>>> from dualad.numpy.polynomial import chebyshev as C
>>> float(ad.grad(lambda x: C.chebval(x, [0.0, 0.0, 1.0]))(0.5))   # T2 = 2x^2 - 1
2.0
"""
import numpy.polynomial.chebyshev as _nm

from ._common import build, make_class


def _clenshaw(x, c):
    if len(c) == 1:
        c0, c1 = c[0], 0
    elif len(c) == 2:
        c0, c1 = c[0], c[1]
    else:
        x2 = 2 * x
        c0, c1 = c[-2], c[-1]
        for i in range(3, len(c) + 1):
            tmp = c0
            c0 = c[-i] - c1
            c1 = tmp + c1 * x2
    return c0 + c1 * x


_F = build(globals(), "cheb", _nm, _clenshaw)
Chebyshev = make_class(_nm.Chebyshev, _F, __name__)
__all__ = list(_nm.__all__)
