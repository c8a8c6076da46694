"""``numpy.polynomial.hermite_e`` (probabilists' Hermite), differentiable.

``hermeval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import hermite_e as HE
>>> float(ad.grad(lambda x: HE.hermeval(x, [0.0, 0.0, 1.0]))(0.5))   # He2 = x^2 - 1
1.0
"""
import numpy.polynomial.hermite_e as _nm

from ._common import build, clenshaw, make_class


def _clenshaw(x, c):
    return clenshaw(c, lambda c1, nd: c1 * (nd - 1), lambda c1, nd: c1 * x,
                    lambda c0, c1: c0 + c1 * x)


_F = build(globals(), "herme", _nm, _clenshaw)
HermiteE = make_class(_nm.HermiteE, _F, __name__)
__all__ = list(_nm.__all__)
