"""Specs for polynomials, interpolation and 1-D convolution."""
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
]
