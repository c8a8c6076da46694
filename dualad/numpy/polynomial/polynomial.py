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
import numpy as _np
import numpy.polynomial.polynomial as _nm

from ... import numpy as _dnp
from ...tracer import Tracer, ndim_of, shape_of
from ._common import arr, build, coef_array, make_class, traced


def _horner(x, c):
    c0 = c[-1] + x * 0
    for i in range(2, len(c) + 1):
        c0 = c[-i] + c0 * x
    return c0


def polyvalfromroots(x, r, tensor=True):
    """``numpy.polynomial.polynomial.polyvalfromroots``: ``prod(x - r)`` over the
    first axis of ``r``, differentiable in ``x`` and ``r``."""
    if not traced(x, r):
        return _nm.polyvalfromroots(x, r, tensor)
    r = coef_array(r)
    if isinstance(x, (tuple, list)):
        x = arr(x)
    if isinstance(x, (_np.ndarray, Tracer)):
        if tensor:
            r = _dnp.reshape(r, shape_of(r) + (1,) * ndim_of(x))
        elif ndim_of(x) >= ndim_of(r):
            raise ValueError("x.ndim must be < r.ndim when tensor == False")
    return _dnp.prod(x - r, axis=0)


_F = build(globals(), "poly", _nm, _horner)
Polynomial = make_class(_nm.Polynomial, _F, __name__)
__all__ = list(_nm.__all__)
