"""Shape helpers used by the rule tables, written with registry operations.

Every helper takes the number of leading batch axes into account: a tangent
has shape ``batch + shape(arg)``, a cotangent ``batch + shape(ans)``.
"""
from __future__ import annotations

from numpy import add as _np_add
from numpy import asarray as _asarray
from numpy import ndarray as _ndarray
from numpy.exceptions import AxisError as _AxisError
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple  # noqa: F401

from ..tracer import ndim_of, shape_of
from ._short_axis import sum_last

_add_reduce = _np_add.reduce


def batch_ndim(t, x):
    """Number of leading batch axes of tangent/cotangent ``t`` of value ``x``."""
    return ndim_of(t) - ndim_of(x)


def sum_to(g, shape, nb):
    """Sum ``g`` (``batch + S``, S broadcast from ``shape``) down to ``batch + shape``."""
    gs = shape_of(g)
    shape = tuple(shape)
    if gs[nb:] == shape:
        return g
    lead = len(gs) - nb - len(shape)
    axes = tuple(range(nb, nb + lead)) + tuple(
        nb + lead + i for i, d in enumerate(shape) if d == 1 and gs[nb + lead + i] != 1)
    target = gs[:nb] + shape
    if type(g) is _ndarray:      # plain cotangent: the ufunc reduction, no dispatch
        if axes == (len(gs) - 1,):
            g = sum_last(g, False)
        elif axes:
            g = _add_reduce(g, axis=axes)
        return g.reshape(target)
    if axes:
        g = sum_p(g, axis=axes)
    return reshape(g, target)


def broadcast_number(n, shape):
    """NumPy scalar (or 0-d array) ``n`` as a read-only array of ``shape``
    with all strides 0: what ``numpy.broadcast_to`` gives, at a third of its
    call cost (sum's rule makes one per call)."""
    n = _asarray(n)
    r = _ndarray(shape, n.dtype, n, 0, (0,) * len(shape))
    r.flags.writeable = False
    return r


def unbroadcast(g, ans, x):
    """Cotangent ``g`` of a broadcasting op's output, reduced to argument ``x``'s shape."""
    try:                              # NumPy and traced values: no call needed
        gs, xs = g.shape, x.shape
    except AttributeError:            # Python numbers
        gs, xs = shape_of(g), shape_of(x)
    if gs == xs:
        return g
    return sum_to(g, xs, ndim_of(g) - ndim_of(ans))


def bcast_tangent(t, x, ans):
    """Tangent ``t`` of argument ``x`` broadcast to ``batch + shape(ans)``."""
    xs = shape_of(x)
    as_ = shape_of(ans)
    if xs == as_:
        return t
    ts = shape_of(t)
    nb = len(ts) - len(xs)
    if len(as_) > len(xs):
        t = reshape(t, ts[:nb] + (1,) * (len(as_) - len(xs)) + tuple(xs))
    return broadcast_to(t, ts[:nb] + tuple(as_))


def norm_axes(axis, ndim):
    """``axis`` (None, int or tuple) as a sorted tuple of negative axes.

    An axis out of range raises NumPy's ``numpy.exceptions.AxisError`` (a
    subclass of both ``ValueError`` and ``IndexError``), as NumPy does."""
    if axis is None:
        return tuple(range(-ndim, 0))
    if not isinstance(axis, tuple):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise _AxisError(a, ndim)
        out.append(a % ndim - ndim if ndim else -1)
    return tuple(sorted(out))

# imported last: these modules import this one (bound once, not per call)
from ._reductions import sum_p  # noqa: E402
from ._shape import broadcast_to, reshape  # noqa: E402
