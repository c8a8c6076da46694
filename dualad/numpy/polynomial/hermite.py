"""``numpy.polynomial.hermite`` (physicists' Hermite), differentiable.

``hermval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import hermite as H
>>> float(ad.grad(lambda x: H.hermval(x, [0.0, 0.0, 1.0]))(0.5))   # H2 = 4x^2 - 2
4.0
"""
import numpy.polynomial.hermite as _nm

from ._common import build, make_class


def _clenshaw(x, c):
    x2 = x * 2
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
            c0 = c[-i] - c1 * (2 * (nd - 1))
            c1 = tmp + c1 * x2
    return c0 + c1 * x2


_F = build(globals(), "herm", _nm, _clenshaw)
Hermite = make_class(_nm.Hermite, _F, __name__)
__all__ = list(_nm.__all__)
