"""Hypothesis strategies for derivative checks.

Values are drawn away from overflow and from the points where finite
differences are unreliable; shapes are small so that second-order checks stay
fast.

>>> from hypothesis import given
>>> from dualad.testing.strategies import arrays
>>> @given(arrays(shape=(3,)))
... def test(x):
...     assert x.shape == (3,)
>>> test()
"""
from __future__ import annotations

import numpy as _np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

__all__ = ["shapes", "broadcastable_shapes", "arrays", "array_args", "square_matrices",
           "spd_matrices", "values"]


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Array shapes, including ``()``."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims,
                            min_side=min_side, max_side=max_side)


def broadcastable_shapes(n=2, min_dims=0, max_dims=3, min_side=1, max_side=4):
    """``n`` shapes that broadcast together (size-1 and missing axes included)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda r: r.input_shapes)


def values(low=-2.0, high=2.0, avoid=None, margin=0.05):
    """Floats in ``[low, high]``, at least ``margin`` away from each point in ``avoid``."""
    s = st.floats(low, high, allow_nan=False, allow_infinity=False)
    # tiny non-zero magnitudes make every quotient rule overflow in the check
    # itself; zero stays in (it is a point where rules must be right)
    # (only where 0 is in the range: ``low > 0`` must keep every value positive)
    if low <= 0.0 <= high:
        s = s.map(lambda v: 0.0 if abs(v) < 1e-8 else v)
    if avoid:
        s = s.filter(lambda v: all(abs(v - a) > margin for a in avoid))
    return s


def arrays(shape=None, low=-2.0, high=2.0, dtype=_np.float64, avoid=None, margin=0.05):
    """Float arrays (or NumPy scalars for shape ``()``) with entries in ``[low, high]``.

    ``avoid`` lists points (kinks, poles) to stay ``margin`` away from.
    """
    shape_st = shapes() if shape is None else (shape if isinstance(shape, st.SearchStrategy)
                                               else st.just(tuple(shape)))

    def build(shp):
        return hnp.arrays(dtype, shp, elements=values(low, high, avoid, margin).map(float))
    return shape_st.flatmap(build).map(lambda a: a if a.ndim else a[()])


def array_args(n=2, low=-2.0, high=2.0, avoid=None, margin=0.05, **shape_kw):
    """A tuple of ``n`` arrays with mutually broadcastable shapes."""
    def build(shps):
        return st.tuples(*[arrays(s, low, high, avoid=avoid, margin=margin) for s in shps])
    return broadcastable_shapes(n, **shape_kw).flatmap(build)


def square_matrices(n=None, batch=(), low=-1.0, high=1.0, well_conditioned=True):
    """Square matrices (optionally stacked), shifted towards the identity when
    ``well_conditioned`` so that inverses and solves are stable."""
    n_st = st.integers(1, 4) if n is None else st.just(n)

    def build(k):
        shp = tuple(batch) + (k, k)
        a = hnp.arrays(_np.float64, shp, elements=values(low, high).map(float))
        if well_conditioned:
            a = a.map(lambda m: m + 2.0 * k * _np.eye(k))
        return a
    return n_st.flatmap(build)


def spd_matrices(n=None, batch=()):
    """Symmetric positive definite matrices (optionally stacked)."""
    return square_matrices(n, batch, well_conditioned=False).map(
        lambda m: _np.swapaxes(m, -1, -2) @ m + _np.eye(m.shape[-1]))
