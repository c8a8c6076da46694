"""Specs for dualad.scipy.spatial.distance: the (squared) Euclidean distance
primitives in the cdist layout (feature axis first, (k, n, 1) against (k, 1, m))
and in the pdist layout (pairs of rows), to second order in both arguments."""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy.spatial import distance
from dualad.testing.strategies import arrays

from . import Spec


def _sq(a, b):
    return (distance.cdist(a, b, "sqeuclidean"), distance.pdist(a, "sqeuclidean"),
            distance.sqeuclidean(a[0], b[0]))


def _euc(a, b):
    # points apart (a + 3 vs b): no zero distance, where the derivative is the convention 0
    a = a + 3.0
    return (distance.cdist(a, b), distance.pdist(a + np.array([[0.0], [3.0], [6.0]])),
            distance.euclidean(a[0], b[0]))


SPECS = [
    Spec("spatial.sqeuclidean", _sq, st.tuples(arrays((3, 2)), arrays((2, 2))),
         covers=("spatial.sqeuclidean",)),
    Spec("spatial.euclidean", _euc, st.tuples(arrays((3, 2), low=-1.0, high=1.0),
                                               arrays((2, 2), low=-1.0, high=1.0)),
         covers=("spatial.euclidean",)),
]
