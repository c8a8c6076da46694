"""Specs for dualad.scipy.fft's DCT / DST primitives: every type, the three
norms, orthogonalize on and off, n / s padding and truncation, chosen axes,
the inverse transforms (the same primitives with the mirrored type and norm).

Each spec applies its transform with several option sets and checks the tuple
of results.  The transforms are linear; the second-order checks test that the
rules are themselves differentiable.  tests/test_scipy_fft.py checks every
option combination against SciPy's explicit matrices.
"""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy import fft as F
from dualad.testing.strategies import arrays

from . import Spec

SHAPES = st.sampled_from([(4,), (5,), (2, 3), (3, 4)])
real = arrays(SHAPES).map(lambda a: (a,))


def _one_d(f):
    def fun(x):
        nd = np.ndim(x)
        return tuple(f(x, t, n, ax, norm, orthogonalize=o)
                     for t, n, ax, norm, o in [(1, None, -1, None, None), (2, 3, 0, "ortho", None),
                                               (3, 6, -1, "forward", True),
                                               (4, 2, nd - 1, "ortho", False),
                                               (1, 4, 0, "ortho", True)])
    return fun


def _n_d(f):
    def fun(x):
        outs = [f(x), f(x, 1, None, None, "ortho"), f(x, 3, (3,), (0,), "forward")]
        if np.ndim(x) >= 2:
            outs.append(f(x, 4, (2, 5), (-1, 0)))
            outs.append(f(x, 2, (3, 4), (0, 1), "ortho", orthogonalize=False))
        return tuple(outs)
    return fun


SPECS = [
    Spec("scipy.fft.dct", _one_d(F.dct), real, covers=("scipy.fft.dctn",)),
    Spec("scipy.fft.idct", _one_d(F.idct), real, covers=("scipy.fft.dctn",)),
    Spec("scipy.fft.dst", _one_d(F.dst), real, covers=("scipy.fft.dstn",)),
    Spec("scipy.fft.idst", _one_d(F.idst), real, covers=("scipy.fft.dstn",)),
    Spec("scipy.fft.dctn", _n_d(F.dctn), real, covers=("scipy.fft.dctn",)),
    Spec("scipy.fft.idstn", _n_d(F.idstn), real, covers=("scipy.fft.dstn",)),
]
