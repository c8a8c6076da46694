"""Specs for dualad.scipy.ndimage: the 1-D and n-d correlation primitives (in the
input, the weights and cval, several boundary modes, origins, a kernel longer
than the axis), the uniform filter, and the transpose primitive called directly
(in the cotangent and the weights), all to second order."""
from hypothesis import strategies as st

from dualad.scipy import ndimage
from dualad.scipy.ndimage import corrT_p
from dualad.testing.strategies import arrays

from . import Spec


def _c1(x, w, c):
    return (ndimage.correlate1d(x, w, mode="constant", cval=c),
            ndimage.correlate1d(x, w, axis=0, mode="reflect", origin=1),
            ndimage.convolve1d(x, w, mode="mirror", cval=c),
            ndimage.correlate1d(x, w, mode="wrap", origin=-2))


def _cn(x, w, c):
    return (ndimage.correlate(x, w, mode="constant", cval=c),
            ndimage.convolve(x, w, mode="nearest", origin=(0, -1)),
            ndimage.correlate(x, w, mode="reflect"))


def _u1(x, c):
    return (ndimage.uniform_filter1d(x, 3, mode="constant", cval=c),
            ndimage.uniform_filter(x, (2, 4), mode="mirror", cval=c))


def _transpose(g, w):
    return (corrT_p(g, w, mode="reflect", origin=(1, -1), kind="nd"),
            corrT_p(g, w, mode="grid-constant", origin=(-1, 0), kind="nd"),
            corrT_p(g, w[:, :1], mode="mirror", origin=(1, 0), kind="1d"))


SPECS = [
    Spec("ndimage.correlate1d", _c1,
         st.tuples(arrays((2, 3)), arrays((4,)), st.floats(-2.0, 2.0)),
         covers=("ndimage.correlate1d",), max_examples=3),
    Spec("ndimage.correlate", _cn,
         st.tuples(arrays((3, 2)), arrays((2, 3)), st.floats(-2.0, 2.0)),
         covers=("ndimage.correlate",), max_examples=3),
    Spec("ndimage.uniform_filter1d", _u1,
         st.tuples(arrays((3, 2)), st.floats(-2.0, 2.0)),
         covers=("ndimage.uniform_filter1d",), max_examples=3),
    Spec("ndimage.correlate_transpose", _transpose,
         st.tuples(arrays((2, 3)), arrays((3, 2))),
         covers=("ndimage.correlate_transpose",), max_examples=3),
]
