"""``numpy.polynomial.laguerre``, differentiable.

``lagval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import laguerre as La
>>> float(ad.grad(lambda x: La.lagval(x, [0.0, 1.0]))(0.5))   # L1 = 1 - x
-1.0
"""
import numpy.polynomial.laguerre as _nm

from ._common import build, make_class


def _clenshaw(x, c):
    if len(c) == 1:
        c0, c1 = c[0], 0
    elif len(c) == 2:
        c0, c1 = c[0], c[1]
    else:
        nd = len(c)
        c0, c1 = c[-2], c[-1]
        for i in range(3, len(c) + 1):
            tmp = c0
            nd = nd - 1
            c0 = c[-i] - (c1 * (nd - 1)) / nd
            c1 = tmp + (c1 * ((2 * nd - 1) - x)) / nd
    return c0 + c1 * (1 - x)


_F = build(globals(), "lag", _nm, _clenshaw)
Laguerre = make_class(_nm.Laguerre, _F, __name__)
__all__ = list(_nm.__all__)
