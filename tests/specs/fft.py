"""Specs for dualad.numpy.fft: every transform, real and complex inputs,
padding and truncation (``n`` / ``s``), every ``norm``, chosen axes.

Options are not differentiable arguments, so each spec applies its transform
with several option sets at once and checks the tuple of results.  The
transforms are linear; the second-order checks test that the rules are
themselves differentiable.  tests/test_fft.py sweeps the option grid fully.
"""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import arrays

from . import Spec

F = dnp.fft
SHAPES = st.sampled_from([(4,), (5,), (2, 3), (3, 4), (2, 2, 3)])


def _tup(s):
    return s.map(lambda a: (a,))


real = _tup(arrays(SHAPES))
cplx = _tup(SHAPES.flatmap(lambda s: st.tuples(arrays(s), arrays(s)))
            .map(lambda p: p[0] + 1j * p[1]))
mixed = st.one_of(real, cplx)


def _one_d(f):
    """``f`` with n None / truncating / padding, three norms, first and last axis."""
    def fun(x):
        nd = np.ndim(x)
        return (f(x), f(x, 3, 0, "ortho"), f(x, 6, -1, "forward"), f(x, 2, nd - 1, "backward"))
    return fun


def _n_d(f):
    def fun(x):
        nd = np.ndim(x)
        outs = [f(x), f(x, None, None, "ortho"), f(x, (3,), (0,), "forward")]
        if nd >= 2:
            outs.append(f(x, (2, 5), (-1, 0)))
            outs.append(f(x, (3, 4), (0, 1), "ortho"))
        return tuple(outs)
    return fun


def _two_d(f):
    def fun(x):
        x2 = x if np.ndim(x) >= 2 else x[None, :]
        return f(x2), f(x2, (3, 4), norm="ortho")
    return fun


SPECS = [
    Spec("fft", _one_d(F.fft), mixed, covers=("fft.fftn",)),
    Spec("ifft", _one_d(F.ifft), mixed, covers=("fft.ifftn",)),
    Spec("rfft", _one_d(F.rfft), real, covers=("fft.rfftn",)),
    Spec("irfft", _one_d(F.irfft), mixed, covers=("fft.irfftn",)),
    Spec("hfft", _one_d(F.hfft), mixed, covers=("fft.hfft",)),
    Spec("ihfft", _one_d(F.ihfft), real, covers=("fft.ihfft",)),
    Spec("fftn", _n_d(F.fftn), mixed, covers=("fft.fftn",)),
    Spec("ifftn", _n_d(F.ifftn), mixed, covers=("fft.ifftn",)),
    Spec("rfftn", _n_d(F.rfftn), real, covers=("fft.rfftn",)),
    Spec("irfftn", _n_d(F.irfftn), mixed, covers=("fft.irfftn",)),
    Spec("fft2", _two_d(F.fft2), mixed, covers=("fft.fftn",)),
    Spec("ifft2", _two_d(F.ifft2), mixed, covers=("fft.ifftn",)),
    Spec("rfft2", _two_d(F.rfft2), real, covers=("fft.rfftn",)),
    Spec("irfft2", _two_d(F.irfft2), mixed, covers=("fft.irfftn",)),
    Spec("fftshift", lambda x: (F.fftshift(x), F.fftshift(x, axes=0)), mixed,
         covers=("fft.fftshift",)),
    Spec("ifftshift", lambda x: (F.ifftshift(x), F.ifftshift(x, axes=-1)), mixed,
         covers=("fft.ifftshift",)),
    Spec("fft_chain", lambda x: F.irfft(F.rfft(x) * F.rfftfreq(np.shape(x)[-1]), np.shape(x)[-1])
         * dnp.sin(x), real, covers=("fft.rfftn", "fft.irfftn")),
]
