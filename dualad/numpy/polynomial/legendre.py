"""``numpy.polynomial.legendre``, differentiable.

``legval`` is Clenshaw's recurrence for Legendre's three-term recurrence in
NumPy's order, so values are NumPy's to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import legendre as L
>>> float(ad.grad(lambda x: L.legval(x, [0.0, 0.0, 1.0]))(0.5))   # P2 = (3x^2 - 1)/2
1.5
"""
import numpy.polynomial.legendre as _nm

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
            c0 = c[-i] - c1 * ((nd - 1) / nd)
            c1 = tmp + c1 * x * ((2 * nd - 1) / nd)
    return c0 + c1 * x


_F = build(globals(), "leg", _nm, _clenshaw)
Legendre = make_class(_nm.Legendre, _F, __name__)
__all__ = list(_nm.__all__)
