"""Memory-order arguments (``order='A'`` / ``'K'``, positional ``order``), invalid
axes, ``ndarray.clip`` with a traced bound and ``index_add``'s dtype.

The truth for the linear shape operations is NumPy's own function applied to the
unit basis vectors (an exact 0/1 Jacobian); for invalid axes it is the exception
NumPy itself raises on the same call.
"""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

# --- ndarray.clip with a traced bound -----------------------------------------------
def test_method_clip_with_traced_bound():
    x = np.array([-2.0, -0.5, 0.3, 1.7])
    # closed form: d/dh sum(clip(x, -1, h)) is 1 where x > h, else 0
    assert np.array_equal(ad.grad(lambda h: np.sum(x.clip(-1.0, h)))(np.zeros(4)),
                          [0.0, 0.0, 1.0, 1.0])
    assert np.array_equal(ad.grad(lambda lo: np.sum(x.clip(lo, 1.0)))(np.zeros(4)),
                          [1.0, 1.0, 0.0, 0.0])
    assert ad.grad(lambda lo: np.sum(x.clip(lo, lo + 1.0)))(0.0) == 3.0
    # sum(clip(x, -1, h^2)^2) at h = 0.5: the last two entries are h^2, so the
    # Hessian is diag(0, 0, 12 h^2, 12 h^2) = diag(0, 0, 3, 3)
    g = lambda h: np.sum(x.clip(-1.0, h ** 2) ** 2)       # noqa: E731
    for hess in (ad.hessian(g), ad.jacfwd(ad.jacfwd(g)), ad.jacrev(ad.jacrev(g))):
        assert np.array_equal(hess(np.full(4, 0.5)), np.diag([0.0, 0.0, 3.0, 3.0]))


# --- index_add keeps a float32 x float32 --------------------------------------------
def test_index_add_keeps_float32():
    x = np.ones(3, np.float32)
    idx = np.array([0, 2])
    want = x.copy()
    want[idx] += np.ones(2)                      # NumPy's in-place add: float32
    for v in (np.ones(2), 1.0, np.ones(2, np.float32)):
        r = dnp.index_add(x, idx, v)
        assert r.dtype == np.float32 and np.array_equal(r, want)
    y, t = ad.jvp(lambda a: dnp.index_add(a, idx, np.ones(2)), (x,), (x,))
    assert y.dtype == np.float32 and t.dtype == np.float32
    y, t = ad.jvp(lambda v: dnp.index_add(x, idx, v), (np.ones(2),), (np.ones(2),))
    assert y.dtype == np.float32 and np.array_equal(t, [1.0, 0.0, 1.0])
    g = ad.grad(lambda v: dnp.sum(dnp.index_add(x, idx, v)))(np.ones(2))
    assert g.dtype == np.float64 and np.array_equal(g, [1.0, 1.0])
    # a complex v into a real x still promotes (x[idx] += v would refuse the cast)
    assert dnp.index_add(np.ones(2), 0, 1j).dtype == np.complex128
