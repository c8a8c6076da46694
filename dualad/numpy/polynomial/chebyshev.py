"""``numpy.polynomial.chebyshev``, differentiable.

``chebval`` is Clenshaw's recurrence in NumPy's order, so values are NumPy's
to the bit; see the package docstring for the other functions.

>>> import numpy as np, dualad as ad
>>> from dualad.numpy.polynomial import chebyshev as C
>>> float(ad.grad(lambda x: C.chebval(x, [0.0, 0.0, 1.0]))(0.5))   # T2 = 2x^2 - 1
2.0
"""
import numpy.polynomial.chebyshev as _nm
from numpy.polynomial import polyutils as _pu

from ._common import build, clenshaw, make_class, make_unsupported, traced


def _clenshaw(x, c):
    x2 = 2 * x
    return clenshaw(c, lambda c1, nd: c1, lambda c1, nd: c1 * x2, lambda c0, c1: c0 + c1 * x)


_F = build(globals(), "cheb", _nm, _clenshaw)
Chebyshev = make_class(_nm.Chebyshev, _F, __name__)


def _interpolate(func, deg, args, who):
    """NumPy's ``chebinterpolate``; ``func`` returning traced values raises."""
    if traced(deg, args):
        make_unsupported(_nm.chebinterpolate, who)(func, deg, args)

    def plain_func(x, *a):
        y = func(x, *a)
        if traced(y):
            raise NotImplementedError(
                f"dualad.numpy.polynomial: {who} is not differentiable in dualad (func "
                "returned traced values); interpolate a plain function, or fit with "
                "Chebyshev.fit / chebfit at chebpts1(deg + 1), which are differentiable")
        return y
    return _nm.chebinterpolate(plain_func, deg, args)


def chebinterpolate(func, deg, args=()):
    return _interpolate(func, deg, args, "chebinterpolate")


chebinterpolate.__doc__ = ("``chebinterpolate``: NumPy's own for plain functions; a ``func`` "
                           "returning traced values (or traced ``args``) raises "
                           "NotImplementedError.")
chebinterpolate._dualad_nondiff = True


@classmethod
def _class_interpolate(cls, func, deg, domain=None, args=()):
    if domain is None:
        domain = cls.domain
    if traced(domain):
        raise NotImplementedError("dualad.numpy.polynomial: Chebyshev.interpolate is not "
                                  "differentiable in dualad (traced domain)")

    def xfunc(x):
        return func(_pu.mapdomain(x, cls.window, domain), *args)
    return cls(_interpolate(xfunc, deg, (), "Chebyshev.interpolate"), domain=domain)


_class_interpolate.__func__.__doc__ = _nm.Chebyshev.interpolate.__doc__
Chebyshev.interpolate = _class_interpolate
__all__ = list(_nm.__all__)
