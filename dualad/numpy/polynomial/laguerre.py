"""``numpy.polynomial.laguerre``, differentiable.

``lagval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import laguerre as La
>>> float(ad.grad(lambda x: La.lagval(x, [0.0, 1.0]))(0.5))   # L1 = 1 - x
-1.0
"""
import numpy.polynomial.laguerre as _nm

from ._common import build, clenshaw, make_class


def _clenshaw(x, c):
    return clenshaw(c, lambda c1, nd: (c1 * (nd - 1)) / nd,
                    lambda c1, nd: (c1 * ((2 * nd - 1) - x)) / nd,
                    lambda c0, c1: c0 + c1 * (1 - x))


_F = build(globals(), "lag", _nm, _clenshaw)
Laguerre = make_class(_nm.Laguerre, _F, __name__)
__all__ = list(_nm.__all__)
