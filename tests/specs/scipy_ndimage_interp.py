"""Specs for dualad.scipy.ndimage's interpolation: the spline prefilter primitive
and its transpose (several modes, along either axis), and map_coordinates /
shift through them (input and coordinates), all to second order."""
from hypothesis import strategies as st

from dualad.scipy import ndimage
from dualad.scipy._ndimage_interp import spline_filter1d_T_p
from dualad.testing.strategies import arrays

from . import Spec


def _sf(x):
    return (ndimage.spline_filter1d(x, 3, axis=0, mode="mirror"),
            ndimage.spline_filter1d(x, 5, axis=1, mode="grid-constant"),
            ndimage.spline_filter(x, 2, mode="wrap"))


def _sfT(g):
    return (spline_filter1d_T_p(g, order=3, axis=-2, mode="reflect"),
            spline_filter1d_T_p(g, order=4, axis=-1, mode="nearest"))


def _interp(x, c):
    return (ndimage.map_coordinates(x, c, order=3, mode="reflect"),
            ndimage.map_coordinates(x, c, order=1, mode="nearest"),
            ndimage.shift(x, (0.3, -0.6), order=3, mode="grid-constant"))


SPECS = [
    Spec("ndimage.spline_filter1d", _sf, st.tuples(arrays((3, 4))),
         covers=("ndimage.spline_filter1d",), max_examples=3),
    Spec("ndimage.spline_filter1d_transpose", _sfT, st.tuples(arrays((3, 4))),
         covers=("ndimage.spline_filter1d_transpose",), max_examples=3),
    Spec("ndimage.map_coordinates", _interp,
         st.tuples(arrays((3, 4)), st.just(__import__("numpy").array(
             [[[0.3, 1.7], [2.2, -0.4]], [[0.6, 2.45], [3.1, 1.2]]]))),
         covers=("ndimage.spline_filter1d",), max_examples=3),
]
