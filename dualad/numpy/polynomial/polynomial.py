"""``numpy.polynomial.polynomial`` (power series), differentiable.

``polyval`` is Horner's rule in NumPy's order (``c0 = c[-i] + c0 * x``), so
values are NumPy's to the bit; see the package docstring for the other
functions.

>>> import numpy as np, dualad as ad
>>> from dualad.numpy.polynomial import polynomial as P
>>> float(ad.grad(lambda x: P.polyval(x, [1.0, 0.0, -2.0]))(3.0))
-12.0
>>> ad.grad(lambda c: P.polyval(3.0, c))(np.array([1.0, 0.0, -2.0]))
array([1., 3., 9.])
"""
import numpy.polynomial.polynomial as _nm

from ._common import build, make_class


def _horner(x, c):
    c0 = c[-1] + x * 0
    for i in range(2, len(c) + 1):
        c0 = c[-i] + c0 * x
    return c0


_F = build(globals(), "poly", _nm, _horner)
Polynomial = make_class(_nm.Polynomial, _F, __name__)
__all__ = list(_nm.__all__)
