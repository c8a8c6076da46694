"""Differentiable ``numpy.lib.stride_tricks.sliding_window_view``.

NumPy returns a read-only strided *view*; on a traced value the windows are a
gather ``ravel(x)[idx]``, ``idx`` NumPy's own sliding windows of the flat
indices ``arange(x.size).reshape(x.shape)``.  So the values and shape are
NumPy's, forward mode gathers the tangent the same way, and reverse mode adds
each window's cotangent back into the entries it read (an entry in ``k``
windows gets the sum of ``k`` cotangents), to every order (it is a
composition of ``reshape`` and indexing).  The result is a new array, not a
view; ``writeable=True`` is refused on a traced value (traced values are
immutable).  ``as_strided`` has no derivative rule (its strides may make
entries overlap in ways only the caller knows): write the windows with
``sliding_window_view`` or indexing instead.

>>> import numpy as np, dualad as ad
>>> from numpy.lib.stride_tricks import sliding_window_view
>>> ad.grad(lambda x: np.sum(sliding_window_view(x, 3) @ np.array([1.0, 2.0, 3.0])))(
...     np.arange(5.0))
array([1., 3., 6., 5., 3.])
"""
from __future__ import annotations

import numpy as _np
from numpy.lib import stride_tricks as _st

from ...tracer import contains_tracer, shape_of


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """``numpy.lib.stride_tricks.sliding_window_view``: on a traced value a
    gather of the windows (a new array); see the module docstring."""
    if not contains_tracer(x):
        return _st.sliding_window_view(x, window_shape, axis, subok=subok,
                                       writeable=writeable)
    if writeable:
        raise TypeError("sliding_window_view(..., writeable=True) of a traced value: traced "
                        "values are immutable; build the new array with "
                        "dualad.numpy.index_update / where instead of writing into a view")
    from .._shape import reshape
    shape = tuple(shape_of(x))
    idx = _st.sliding_window_view(_np.arange(int(_np.prod(shape, dtype=_np.int64)))
                                  .reshape(shape), window_shape, axis)
    return reshape(x, (-1,))[idx]


__all__ = ["sliding_window_view"]
