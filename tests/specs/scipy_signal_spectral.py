"""Specs for dualad.scipy.signal's spectral primitives: ``signal.detrend`` (linear
and self-adjoint: linear / constant trends, breakpoints, both axes) to second
order, also inside welch (a quadratic map)."""
from hypothesis import strategies as st

from dualad.scipy import signal
from dualad.testing.strategies import arrays

from . import Spec


def _detrend(x):
    return (signal.detrend(x), signal.detrend(x, type="constant", axis=0),
            signal.detrend(x, bp=[2, 4]), signal.detrend(x, type="c"),
            signal.welch(x, nperseg=4, detrend="linear")[1])


SPECS = [
    Spec("signal.detrend", _detrend, st.tuples(arrays((3, 7))),
         covers=("signal.detrend",), max_examples=4),
]
