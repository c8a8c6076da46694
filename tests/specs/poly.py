"""Specs for polynomials, interpolation and 1-D convolution, and the
compositions of the legacy polynomial API and of counting (histogram,
bincount, unique) built on them."""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import arrays, shapes

from . import Spec


def _complex(shape):
    return st.tuples(arrays(shape), arrays(shape)).map(lambda p: p[0] + 1j * p[1])


_KNOTS = np.array([-1.0, -0.2, 0.5, 1.3])
# x away from every knot by more than the knot perturbation below, also outside
_X = arrays(shapes(max_dims=2), low=-2.0, high=2.0, avoid=list(_KNOTS), margin=0.16)
_XP = arrays((4,), low=-0.1, high=0.1).map(lambda d: _KNOTS + d)


def _conv_cases(fun, name, covers=("convolve_full",)):
    out = []
    for mode in ("full", "same", "valid"):
        for m, n in ((3, 2), (2, 3), (3, 3), (1, 2)):
            out.append(Spec(f"{name}[{mode}|{m},{n}]",
                            lambda a, v, mode=mode: fun(a, v, mode),
                            st.tuples(arrays((m,)), arrays((n,))), covers=covers,
                            max_examples=3))
    return out


def _sorted_apart(n, low, high, gap):
    """``n`` sorted values in ``[low, high]``, consecutive ones ``gap`` apart."""
    return arrays((n,), low=low, high=high).filter(
        lambda v: bool(np.all(np.diff(np.sort(v)) > gap))).map(np.sort)


def _real_roots(n):
    # monic polynomials with well-separated real roots: roots() returns them real
    return _sorted_apart(n, -2.0, 2.0, 0.4).map(np.poly)


_HIST_DATA = np.array([0.0, 0.12, 0.39, 0.42, 0.6, 0.88, 1.0, 0.19, 0.62, 0.93, 0.29])


SPECS = [
    Spec("polyval", dnp.polyval,
         st.integers(1, 4).flatmap(lambda n: st.tuples(arrays((n,)), arrays(shapes(max_dims=2))))),
    Spec("polyval_list", lambda c, x: dnp.polyval([c[0], 0.5, c[1] * c[2], c[2]], x),
         st.tuples(arrays((3,)), arrays((2,))), covers=("polyval", "concatenate")),
    Spec("polyval_complex", dnp.polyval, st.tuples(_complex((3,)), arrays((2,))),
         covers=("polyval",)),
    Spec("interp", dnp.interp, st.tuples(_X, _XP, arrays((4,))), covers=("interp",)),
    Spec("interp_left_right", lambda x, fp, l, r: dnp.interp(x, _KNOTS, fp, l, r),
         st.tuples(_X, arrays((4,)), arrays(()), arrays(())), covers=("interp", "where")),
    Spec("interp_period", lambda x, fp: dnp.interp(x, _KNOTS, fp, period=2.5),
         st.tuples(arrays((3,), low=-4, high=4).filter(
             lambda x: bool(np.all(np.abs((x[:, None] - _KNOTS) / 2.5 - np.round(
                 (x[:, None] - _KNOTS) / 2.5)) > 0.02))),
             arrays((4,))), covers=("interp",)),
    Spec("interp_complex_fp", lambda x, fp: dnp.interp(x, _KNOTS, fp),
         st.tuples(_X, _complex((4,))), covers=("interp",)),
    *_conv_cases(dnp.convolve, "convolve"),
    *_conv_cases(dnp.correlate, "correlate"),
    Spec("correlate_complex", lambda a, v: dnp.correlate(a, v, "full"),
         st.tuples(_complex((3,)), _complex((2,))), covers=("convolve_full", "conjugate")),
    # the legacy polynomial API (compositions; see dualad/numpy/_poly.py)
    Spec("polyfit[w]", lambda x, y, w: dnp.polyfit(x, y, 2, w=w),
         st.tuples(_sorted_apart(6, -1.5, 1.5, 0.2), arrays((6,)), arrays((6,), low=0.5)),
         covers=("linalg.svd", "polyval"), max_examples=3),
    Spec("polyfit[cov]", lambda x, y: dnp.polyfit(x, y, 1, cov=True)[1],
         st.tuples(_sorted_apart(5, -1.5, 1.5, 0.2), arrays((5,))),
         covers=("linalg.svd", "linalg.inv"), max_examples=3),
    Spec("vander", lambda x: dnp.vander(x, 4), st.tuples(arrays((3,))), covers=("multiply",),
         max_examples=3),
    Spec("polyder/polyint", lambda p, k: dnp.polyint(dnp.polyder(p, 1), 2, k),
         st.tuples(arrays((4,)), arrays((2,))), covers=("concatenate",), max_examples=3),
    Spec("polyadd/polysub", lambda a, b: dnp.polysub(dnp.polyadd(a, b), b * b),
         st.tuples(arrays((2,)), arrays((4,))), covers=("add", "subtract"), max_examples=3),
    Spec("polymul", dnp.polymul, st.tuples(arrays((3,), low=0.5), arrays((2,), low=0.5)),
         covers=("convolve_full",), max_examples=3),
    Spec("polydiv", lambda u, v: dnp.concatenate(dnp.polydiv(u, v)),
         # a remainder whose leading coefficient is far from 0 (NumPy drops
         # leading remainder entries below 1e-8: its length jumps there)
         st.tuples(arrays((5,)), arrays((3,), low=0.5)).filter(
             lambda uv: abs(np.polydiv(*uv)[1][0]) > 0.1 and len(np.polydiv(*uv)[1]) == 2),
         covers=("divide",), max_examples=3),
    Spec("poly[roots]", dnp.poly, st.tuples(arrays((3,))), covers=("convolve_full",),
         max_examples=3),
    Spec("poly[matrix]", dnp.poly, st.tuples(arrays((3, 3))), covers=("matmul",),
         max_examples=3),
    Spec("roots", dnp.roots, st.tuples(_real_roots(3)), covers=("polyval",), max_examples=3),
    # counting (zero derivatives of counts; sums of weights; edges from min/max)
    Spec("histogram[weights]", lambda w: dnp.histogram(_HIST_DATA, 3, weights=w)[0],
         st.tuples(arrays((11,))), covers=("scatter_add",), order=1, max_examples=2),
    Spec("histogram[density]", lambda a: dnp.histogram(a, 4, density=True)[0],
         st.tuples(arrays((11,), low=-0.005, high=0.005).map(lambda d: _HIST_DATA + d)),
         covers=("max", "min"), order=1, max_examples=2),
    Spec("bincount", lambda w: dnp.bincount(np.array([2, 0, 2, 4]), weights=w),
         st.tuples(arrays((4,))), covers=("scatter_add",), order=1, max_examples=2),
    Spec("unique", lambda x: dnp.unique(x * 1.0), st.tuples(_sorted_apart(4, -2, 2, 0.01)),
         covers=("getitem",), order=1, max_examples=2),
]
