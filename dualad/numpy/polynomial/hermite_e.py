"""``numpy.polynomial.hermite_e`` (probabilists' Hermite), differentiable.

``hermeval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring.

>>> import dualad as ad
>>> from dualad.numpy.polynomial import hermite_e as HE
>>> float(ad.grad(lambda x: HE.hermeval(x, [0.0, 0.0, 1.0]))(0.5))   # He2 = x^2 - 1
1.0
"""
import numpy.polynomial.hermite_e as _nm

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
            c0 = c[-i] - c1 * (nd - 1)
            c1 = tmp + c1 * x
    return c0 + c1 * x


_F = build(globals(), "herme", _nm, _clenshaw)
HermiteE = make_class(_nm.HermiteE, _F, __name__)
__all__ = list(_nm.__all__)
