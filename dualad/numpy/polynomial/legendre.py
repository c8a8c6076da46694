"""``numpy.polynomial.legendre``, differentiable.

``legval`` is Clenshaw's recurrence for Legendre's three-term recurrence in
NumPy's order, so values are NumPy's to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import legendre as L
>>> float(ad.grad(lambda x: L.legval(x, [0.0, 0.0, 1.0]))(0.5))   # P2 = (3x^2 - 1)/2
1.5
"""
import numpy.polynomial.legendre as _nm

from ._common import build, clenshaw, make_class


def _clenshaw(x, c):
    return clenshaw(c, lambda c1, nd: c1 * ((nd - 1) / nd),
                    lambda c1, nd: c1 * x * ((2 * nd - 1) / nd), lambda c0, c1: c0 + c1 * x)


_F = build(globals(), "leg", _nm, _clenshaw)
Legendre = make_class(_nm.Legendre, _F, __name__)
__all__ = list(_nm.__all__)
