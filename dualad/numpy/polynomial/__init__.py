"""``dualad.numpy.polynomial``: a differentiable mirror of ``numpy.polynomial``.

NumPy's polynomial package is plain Python and is not dispatched, so traced
coefficients meet ``np.array(c)`` inside it and raise.  Import this package
instead (``import dualad.numpy.polynomial as P``,
``from dualad.numpy.polynomial import chebyshev``): every function has
NumPy's name and signature, calls NumPy's own function when nothing is
traced, and is differentiable in its array arguments otherwise.

* Evaluation -- ``polyval``, ``chebval``, ``legval``, ``hermval``,
  ``hermeval``, ``lagval`` (``tensor``, coefficients with trailing axes) and
  their ``*val2d/3d``, ``*grid2d/3d`` -- runs the basis's recurrence (Horner,
  Clenshaw) in NumPy's order with dualad.numpy operations: NumPy's values to
  the bit, every derivative order and nesting, no new primitives.
* ``*der``, ``*int``, ``*add``, ``*sub``, ``*mul``, ``*mulx``, ``*pow``,
  ``*line``, ``*vander`` (and 2d/3d) and ``*fit``: NumPy's values, with the
  derivatives of a composition equal to them up to rounding (linear maps as
  matrix products, the matrix read from NumPy's function on unit vectors;
  products as bilinear forms read the same way; the Vandermonde matrix as the
  traced evaluation of each basis polynomial; the fit as NumPy's column-scaled
  ``lstsq`` on traced values, differentiable where the rank does not change).
* The classes ``Polynomial``, ``Chebyshev``, ``Legendre``, ``Hermite``,
  ``HermiteE``, ``Laguerre`` are subclasses of NumPy's, with the static
  methods (``_val``, ``_der``, ``_add``, ...) replaced by the functions above
  and the few methods that convert with ``np.array`` (construction, call,
  ``fit``) made to keep traced values.  Subclassing keeps every other method,
  the printing and ``isinstance`` checks of NumPy's class, and untraced use is
  NumPy's own code.
* Class arithmetic: ``+ - *`` with scalars and series of the same basis in
  either order (NumPy's own series on either side), ``/`` (and ``//``, ``%``,
  ``divmod``) by a number, plain or traced (``coef / s``); composition
  ``p(q)``, ``convert`` (to our classes or NumPy's), ``trim`` (a selection by
  the plain values), ``truncate``, ``cutdeg``.  Series printed while traced
  show their plain values, marked as traced.
* Traced coefficients are never trimmed, even when zero (NumPy trims trailing
  zeros in ``*add``, ``*mul``, ...): their derivative need not be zero.
* ``*roots`` (and the classes' ``roots()``): NumPy's roots, differentiable in
  the coefficients where they are simple (the implicit function ``p(r) = 0``).
* ``*div`` (and ``//``, ``%``, ``divmod`` by a series),
  ``*companion``, the conversions (``cheb2poly``, ...), ``*trim``, ``*gauss``,
  ``*weight``, ``*pts*``, ``chebinterpolate`` (and ``Chebyshev.interpolate``)
  are NumPy's for plain values and raise ``NotImplementedError`` for traced
  ones.
* NumPy's own classes (``numpy.polynomial.Polynomial``, ...) cannot hold
  traced coefficients.  ``+``, ``-`` or ``*`` of a traced value with
  one of them (``s * numpy.polynomial.Polynomial(c)``, either order) gives
  this package's series of the same kind, domain and window; ``p / s`` with
  NumPy's ``p`` raises NumPy's own ``TypeError`` (NumPy refuses the operand
  before Python can ask the traced value).  Evaluating NumPy's series or
  functions at traced points raises a ``TypeError`` naming this package's
  class or function to call instead.

>>> import numpy as np, dualad as ad
>>> import dualad.numpy.polynomial as P
>>> ad.grad(lambda c: P.Chebyshev(c)(0.5))(np.array([1.0, 2.0, 3.0]))
array([ 1. ,  0.5, -0.5])
"""
from . import chebyshev, hermite, hermite_e, laguerre, legendre, polynomial
from .chebyshev import Chebyshev
from .hermite import Hermite
from .hermite_e import HermiteE
from .laguerre import Laguerre
from .legendre import Legendre
from .polynomial import Polynomial
from numpy.polynomial import set_default_printstyle

__all__ = ["set_default_printstyle", "polynomial", "Polynomial", "chebyshev", "Chebyshev",
           "legendre", "Legendre", "hermite", "Hermite", "hermite_e", "HermiteE",
           "laguerre", "Laguerre"]
