"""Specs for the element-wise functions (dualad/numpy/_ufuncs.py) beyond the
first set in core_ops.py: the remaining float ufuncs, the complex parts and
holomorphic functions on complex input, and the integer-valued ones."""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import array_args, arrays, shapes

from . import Spec

one = st.tuples(arrays())
pos = st.tuples(arrays(low=0.2, high=3.0))
unit = st.tuples(arrays(low=-0.9, high=0.9))
nonzero = st.tuples(arrays(avoid=[0.0], margin=0.1))
apart = array_args(2).filter(lambda a: bool(np.all(np.abs(np.subtract(*a)) > 0.05)))


def complex_arrays(avoid_zero=False, low=-2.0, high=2.0, re_low=None):
    """One complex array per draw (real part kept off 0 with ``avoid_zero``,
    above ``re_low`` if given, e.g. to stay off a branch cut)."""
    def build(s):
        re = arrays(s, low if re_low is None else re_low, high,
                    avoid=[0.0] if avoid_zero else None, margin=0.1)
        return st.tuples(re, arrays(s, low, high)).map(
            lambda p: (np.asarray(p[0] + 1j * np.asarray(p[1])),))
    return shapes(max_dims=2, max_side=3).flatmap(build)


def off_integers(ratio, margin=0.03):
    """A filter keeping the pairs ``(x, y)`` whose ``ratio(x, y)`` is off the integers."""
    def ok(a):
        r = np.asarray(ratio(*a), dtype=float)
        return bool(np.all(np.abs(r - np.round(r)) > margin))
    return ok


def off_powers_of_two(a):
    m = np.abs(np.frexp(np.asarray(a[0]))[0])
    return bool(np.all((m > 0.51) & (m < 0.99)))


def _quiet(thunk):
    with np.errstate(invalid="ignore", divide="ignore"):
        return thunk()


SPECS = [
    # --- real, smooth -------------------------------------------------------------
    Spec("cbrt", dnp.cbrt, nonzero),
    Spec("exp2", dnp.exp2, one),
    Spec("log2", dnp.log2, pos),
    Spec("log10", dnp.log10, pos),
    Spec("reciprocal", dnp.reciprocal, nonzero),
    Spec("positive", lambda x: dnp.positive(x) * x, one),
    Spec("arcsinh", dnp.arcsinh, one),
    Spec("arccosh", dnp.arccosh, st.tuples(arrays(low=1.2, high=3.0))),
    Spec("arctanh", dnp.arctanh, unit),
    Spec("deg2rad", lambda x: dnp.sin(dnp.deg2rad(100 * x)) + dnp.radians(x), one),
    Spec("rad2deg", lambda x: dnp.rad2deg(x) * x + dnp.degrees(x), one),
    Spec("sinc", dnp.sinc, one),
    Spec("sinc_near_0", dnp.sinc, st.tuples(arrays(low=-0.1, high=0.1)), covers=("sinc",)),
    Spec("hypot", dnp.hypot, array_args(2, avoid=[0.0], margin=0.1)),
    Spec("logaddexp", dnp.logaddexp, array_args(2)),
    Spec("logaddexp2", dnp.logaddexp2, array_args(2)),
    Spec("float_power", dnp.float_power, array_args(2, low=0.3, high=2.0)),
    Spec("ldexp", lambda x: dnp.ldexp(x, np.array([1, -2, 3])) ** 2,
         st.tuples(arrays((3,)))),
    Spec("astype", lambda x: dnp.real(dnp.astype(x, np.complex128) * (1 + 2j)) ** 2
         + dnp.astype(x * x, np.float64), one),
    Spec("nan_to_num", lambda x: _quiet(lambda: dnp.nan_to_num(dnp.log(x)) * x),
         st.tuples(arrays(avoid=[0.0], margin=0.1))),
    # --- real, piecewise ------------------------------------------------------------
    Spec("fabs", dnp.fabs, nonzero, order=1),
    Spec("copysign", dnp.copysign, array_args(2, avoid=[0.0], margin=0.1), order=1),
    Spec("mod", dnp.mod, array_args(2, avoid=[0.0], margin=0.3).filter(
        off_integers(lambda x, y: x / y)), order=1),
    Spec("remainder", lambda x, y: dnp.remainder(x, y) * x, array_args(
        2, low=0.3, high=2.0).filter(off_integers(lambda x, y: x / y)), covers=("mod",),
        order=1),
    Spec("fmod", dnp.fmod, array_args(2, avoid=[0.0], margin=0.3).filter(
        off_integers(lambda x, y: x / y)), order=1),
    Spec("divmod", lambda x, y: dnp.divmod(x, y)[1] + dnp.floor_divide(x, y),
         array_args(2, avoid=[0.0], margin=0.3).filter(off_integers(lambda x, y: x / y)),
         covers=("mod", "floor_divide"), order=1),
    Spec("fmax", dnp.fmax, apart, order=1),
    Spec("fmin", dnp.fmin, apart, order=1),
    Spec("fmax_nan", lambda y: dnp.fmax(np.array([np.nan, 0.5, -3.0]), y)
         + dnp.fmin(y, np.array([1.0, np.nan, -3.0])),
         st.tuples(arrays((3,), avoid=[0.5, -3.0, 1.0])), covers=("fmax", "fmin"), order=1),
    Spec("heaviside", lambda y: dnp.heaviside(np.array([0.0, 1.5, -1.0]), y) * y,
         st.tuples(arrays((3,))), order=1),
    Spec("frexp", lambda x: dnp.frexp(x)[0] * x, st.tuples(arrays(avoid=[0.0], margin=0.1)
                                                             ).filter(off_powers_of_two),
         covers=("ldexp",), order=1),
    Spec("modf", lambda x: dnp.modf(x)[0] * dnp.modf(x)[1] + x,
         st.tuples(arrays()).filter(lambda a: bool(np.all(np.abs(a[0] - np.round(a[0])) > 0.03))),
         covers=("trunc", "subtract"), order=1),
    Spec("integer_valued", lambda x: x * (dnp.floor(x) + dnp.ceil(x) + dnp.trunc(x)
                                          + dnp.rint(x) + dnp.round(x, 1) + dnp.sign(x)
                                          + dnp.fix(x) + dnp.spacing(x) * 0)
         + dnp.where(dnp.isfinite(x) & (x > 0) & ~dnp.isnan(x), x, -x),
         st.tuples(arrays()).filter(lambda a: bool(np.all(
             np.abs(a[0] * 2 - np.round(a[0] * 2)) > 0.05) and np.all(
             np.abs(a[0] * 10 - np.floor(a[0] * 10) - 0.5) > 0.02))),
         covers=("floor", "ceil", "trunc", "rint", "round", "sign", "fix", "spacing",
                 "isfinite", "isnan", "greater"), order=1),
    Spec("comparisons_and_logic",
         lambda x, y: dnp.where(dnp.logical_and(dnp.less(x, y), dnp.not_equal(x, 0.3))
                                | dnp.logical_or(dnp.equal(x, y), dnp.greater_equal(x, 1.5))
                                | dnp.logical_xor(dnp.less_equal(y, -1.0), dnp.signbit(x))
                                | dnp.logical_not(dnp.isinf(x) | dnp.isneginf(y)
                                                  | dnp.isposinf(x) | dnp.iscomplex(x)
                                                  | ~dnp.isreal(y)), x * y, x - y)
         + dnp.nextafter(x, y) * 0 + dnp.gcd(np.array([4, 6]), 2)[0] * x
         + dnp.lcm(np.array([4, 6]), 3)[0] * y,
         array_args(2).filter(lambda a: bool(np.all(np.abs(np.subtract(*a)) > 0.05)
                                             and np.all(np.abs(a[0] - 1.5) > 0.05)
                                             and np.all(np.abs(a[1] + 1.0) > 0.05)
                                             and np.all(np.abs(a[0]) > 0.05))),
         covers=("equal", "not_equal", "less", "less_equal", "greater_equal",
                 "logical_and", "logical_or", "logical_xor", "logical_not", "isinf",
                 "isneginf", "isposinf", "iscomplex", "isreal", "signbit", "nextafter",
                 "gcd", "lcm"), order=1),
    # --- complex input ----------------------------------------------------------------
    Spec("complex_holomorphic",
         lambda z: dnp.exp(z) * dnp.sin(z) + dnp.sqrt(z + 3.0) * dnp.log(z * z + 5.0)
         + dnp.tanh(z / 4) / (z + 3.0) + z ** 3,
         complex_arrays(low=-1.0, high=1.0),
         covers=("exp", "sin", "sqrt", "log", "tanh", "divide", "power", "multiply")),
    # the inverse hyperbolic functions away from their branch cuts (Re z > 0.2)
    Spec("inverse_hyperbolic_complex",
         lambda z: dnp.arcsinh(z) + dnp.arccosh(z + 1.5) * z + dnp.arctanh(z / 3.0),
         complex_arrays(re_low=0.2), covers=("arcsinh", "arccosh", "arctanh")),
    Spec("absolute_complex", lambda z: dnp.abs(z) * z, complex_arrays(avoid_zero=True),
         covers=("absolute",)),
    Spec("real", lambda z: dnp.real(z) ** 2 + dnp.real(z * z), complex_arrays()),
    Spec("imag", lambda z: dnp.imag(z) * z + dnp.imag(z ** 2), complex_arrays()),
    Spec("conjugate", lambda z: dnp.conj(z) * z ** 2 + dnp.conjugate(dnp.exp(z)),
         complex_arrays()),
    # the angle jumps by 2 pi across the negative real axis: stay in Re z > 0
    Spec("angle", lambda z: dnp.angle(z) * z + dnp.angle(z, deg=True),
         complex_arrays(re_low=0.2)),
    # sign(z) = z / |z| (NumPy 2) is smooth off z = 0; Re z kept off 0 keeps |z| > 0.1
    Spec("sign_complex", lambda z: dnp.sign(z) * z + dnp.sign(z * z),
         complex_arrays(avoid_zero=True)),
    Spec("real_of_real", lambda x: dnp.real(x) * dnp.imag(x + 1.0) + dnp.conj(x) ** 2
         + dnp.angle(x + 3.0), one, covers=("real", "imag", "conjugate", "angle")),
]
