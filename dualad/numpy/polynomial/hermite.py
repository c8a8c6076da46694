"""``numpy.polynomial.hermite`` (physicists' Hermite), differentiable.

``hermval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import hermite as H
>>> float(ad.grad(lambda x: H.hermval(x, [0.0, 0.0, 1.0]))(0.5))   # H2 = 4x^2 - 2
4.0
"""
import numpy.polynomial.hermite as _nm

from ._common import build, clenshaw, make_class


def _clenshaw(x, c):
    x2 = x * 2
    return clenshaw(c, lambda c1, nd: c1 * (2 * (nd - 1)), lambda c1, nd: c1 * x2,
                    lambda c0, c1: c0 + c1 * x2)


_F = build(globals(), "herm", _nm, _clenshaw)
Hermite = make_class(_nm.Hermite, _F, __name__)
__all__ = list(_nm.__all__)
