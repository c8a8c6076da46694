"""Counting: histograms, ``bincount`` and ``unique`` on traced values.

Compositions of existing primitives (no new primitive).  The values are
NumPy's own (computed by NumPy on the plain values; ``_poly._exact`` attaches
the derivatives), the derivatives are those below.

* **Counts are integers, with derivative 0** in the data: ``histogram``
  without weights or density returns NumPy's plain integer counts, and the
  integer outputs of ``unique`` (``return_index``, ``return_inverse``,
  ``return_counts``, and those of ``unique_all`` / ``unique_counts`` /
  ``unique_inverse``) are plain arrays.  A bin count only changes when a data
  point crosses an edge, so 0 is its derivative wherever it has one.
* **Weighted counts are sums of weights** (``histogram(..., weights=w)``,
  ``histogram2d``, ``histogramdd``, ``bincount(x, weights=w)``): linear in
  ``w``, the derivative of bin ``b`` is the sum of ``dw`` over the entries in
  bin ``b`` (0 in the data and in ``x``).
* **Bin edges computed from the data** (``bins`` an int or a string and
  ``range=None``) are ``linspace(min(a), max(a), bins + 1)`` and have the
  derivative of that: ``d(edge_k) = (1 - k/n) d(min a) + (k/n) d(max a)``,
  with the tie rule of ``min`` / ``max`` (tied extremes share it equally).
  With ``range=(lo, hi)`` the edges follow ``lo`` and ``hi`` (traced or not)
  and not the data; an array ``bins`` is returned as given (its own
  derivative).  ``density=True`` divides by the bin widths, so it has a
  derivative in the data through the edges.
* **``unique``** returns a selection of the input's entries: each unique value
  is the entry at its *first occurrence* (the index ``return_index`` gives),
  and only that entry gets its derivative; the equal entries merged into it
  get 0.  This is the rule of sorts with ties (a stable sort ranks tied entries
  by their index, and the entry at the rank used gets the derivative).  A
  perturbation that breaks the tie would change the output's length: the
  function is not differentiable there, and this is the convention.

>>> import numpy as np, dualad as ad
>>> ad.grad(lambda x: np.sum(np.unique(x) ** 2))(np.array([3.0, 1.0, 3.0]))
array([6., 2., 0.])
>>> ad.grad(lambda w: np.histogram(np.array([0.1, 0.7, 0.8]), bins=2, weights=w)[0][1])(
...     np.ones(3))
array([0., 1., 1.])
>>> ad.grad(lambda a: np.histogram(a, bins=4)[1][1])(np.array([0.0, 1.0, 2.0]))
array([0.75, 0.  , 0.25])
"""
from __future__ import annotations

import builtins

import numpy as _np

from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ._poly import _arr, _exact, _plain

_range = builtins.range


def _traced(*xs):
    return any(contains_tracer(x) for x in xs)


def _scatter_sum(w, idx, n):
    """``bincount(idx, weights=w, minlength=n)[:n]`` on a traced ``w``: entries
    with ``idx == n`` (out of range) are dropped."""
    from ._indexing import scatter_add
    from ._shape import ravel
    r = scatter_add(ravel(w), (_np.asarray(idx, dtype=_np.intp),), (n + 1,), 0)
    return r[:n]


# --- bincount ------------------------------------------------------------------------
def bincount(x, /, weights=None, minlength=0):
    """``numpy.bincount``, differentiable in ``weights`` (a sum per bin, in
    float64 as NumPy's); ``x`` holds integer labels (derivative 0)."""
    if not _traced(weights):
        return _np.bincount(_plain(x), weights=weights, minlength=minlength)
    from ._indexing import scatter_add
    from ._ufuncs import astype
    xv = _np.asarray(_plain(x))
    v = _np.bincount(xv, weights=_plain(weights), minlength=minlength)
    w = _arr(weights)
    if _np.result_type(primal_of(w)) != v.dtype:
        w = astype(w, v.dtype)
    return _exact(v, scatter_add(w, (xv.astype(_np.intp),), v.shape, 0))


# --- histograms ----------------------------------------------------------------------
def _outer_edges(a, av, rng):
    """``(lo, hi)``: NumPy's outer edges, as (possibly traced) values; ``None``
    when they are constant."""
    from ._reductions import max as _max
    from ._reductions import min as _min
    if rng is not None:
        lo, hi = rng
        if not _traced(lo, hi):
            return None
    elif av.size == 0 or not isinstance(a, Tracer):
        return None
    else:
        lo, hi = _min(a), _max(a)
    if primal_of(lo) == primal_of(hi):
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def _edges_expr(a, av, bins, rng, edges_v):
    """The traced bin edges (``None`` if they are constant)."""
    if not isinstance(bins, str) and _np.ndim(_plain(bins)) == 1:
        return _arr(bins) if contains_tracer(bins) else None
    lohi = _outer_edges(a, av, rng)
    if lohi is None:
        return None
    lo, hi = lohi
    n = len(edges_v) - 1
    k = _np.arange(n + 1, dtype=_np.float64) / n
    return lo * (1.0 - k) + hi * k


def _bin_index(av, edges, rng, uniform):
    """The bin of each entry of ``av`` (raveled) as NumPy's ``histogram`` puts
    it, ``len(edges) - 1`` for entries left out."""
    n = len(edges) - 1
    if uniform:
        # NumPy's equal-width path: first/last edges, then its index arithmetic
        if rng is not None:
            first, last = rng
        elif av.size == 0:
            first, last = 0, 1
        else:
            first, last = av.min(), av.max()
        if first == last:
            first, last = first - 0.5, last + 0.5
        keep = (av >= first) & (av <= last)
        a = av.astype(edges.dtype, copy=False)
        denom = _np.subtract(last, first, dtype=_np.result_type(last, first, float)) \
            if _np.result_type(first, last).kind in "iu" else last - first
        with _np.errstate(invalid="ignore"):
            f = ((a - first) / denom) * n
        idx = _np.where(keep, f, 0).astype(_np.intp)
        idx[idx == n] -= 1
        idx = _np.clip(idx, 0, n - 1)
        idx[a < edges[idx]] -= 1
        up = (a >= edges[_np.clip(idx + 1, 0, n)]) & (idx != n - 1)
        idx[up] += 1
        idx = _np.clip(idx, 0, n - 1)
    else:
        # the cumulative path: [e_i, e_{i+1}), the last bin closed
        idx = _np.searchsorted(edges, av, side="right") - 1
        idx[av == edges[-1]] = n - 1
        keep = (av >= edges[0]) & (av <= edges[-1])
        idx = _np.clip(idx, 0, n - 1)
    return _np.where(keep, idx, n)


def _counts_and_density(n_v, n_e, edges_v, edges_e, density):
    """NumPy's counts (or density) with their derivative."""
    if not density:
        return _exact(n_v, n_e) if n_e is not None else n_v
    from ._cumulative import diff
    from ._ufuncs import astype
    from ._reductions import sum_p
    val = n_v / _np.array(_np.diff(edges_v), float) / n_v.sum()
    if n_e is None and edges_e is None:
        return val
    nn = n_v if n_e is None else n_e
    db = _np.array(_np.diff(edges_v), float) if edges_e is None else \
        astype(diff(edges_e), _np.float64)
    return _exact(val, nn / db / sum_p(nn))


def _is_uniform(bins):
    return isinstance(bins, str) or _np.ndim(_plain(bins)) == 0


def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``numpy.histogram``: see the module docstring for the derivatives (0 for
    unweighted counts; sums of weights; edges from ``min`` / ``max`` of the
    data, or from ``range``; the density through both)."""
    if not _traced(a, bins, range, weights):
        return _np.histogram(a, bins=bins, range=range, density=density, weights=weights)
    from ._shape import ravel
    rng = None if range is None else tuple(_plain(r) for r in range)
    av = _np.asarray(_plain(a))
    wv = None if weights is None else _np.asarray(_plain(weights))
    bv = bins if isinstance(bins, str) else _plain(bins)
    n_v, edges_v = _np.histogram(av, bins=bv, range=rng, weights=wv)
    a_r = ravel(_arr(a)) if contains_tracer(a) else a
    edges_e = _edges_expr(a_r, av, bins, range, edges_v)
    n_e = None
    if contains_tracer(weights):
        idx = _bin_index(av.ravel(), edges_v, rng, _is_uniform(bins))
        n_e = _scatter_sum(_arr(weights), idx, len(edges_v) - 1)
    edges = _exact(edges_v, edges_e) if edges_e is not None else edges_v
    return _counts_and_density(n_v, n_e, edges_v, edges_e, density), edges


def histogram_bin_edges(a, bins=10, range=None, weights=None):  # noqa: A002
    """``numpy.histogram_bin_edges``: edges from the data follow its ``min``
    and ``max``; from ``range`` they follow ``range``."""
    if not _traced(a, bins, range):
        return _np.histogram_bin_edges(a, bins=bins, range=range, weights=_plain(weights))
    from ._shape import ravel
    rng = None if range is None else tuple(_plain(r) for r in range)
    av = _np.asarray(_plain(a))
    bv = bins if isinstance(bins, str) else _plain(bins)
    edges_v = _np.histogram_bin_edges(av, bins=bv, range=rng, weights=_plain(weights))
    a_r = ravel(_arr(a)) if contains_tracer(a) else a
    edges_e = _edges_expr(a_r, av, bins, range, edges_v)
    return _exact(edges_v, edges_e) if edges_e is not None else edges_v


def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``numpy.histogramdd``, with the derivatives of ``histogram`` per
    dimension (weights summed per cell; each dimension's edges from its own
    ``min`` / ``max`` or ``range``; the density through the cell volumes)."""
    if not _traced(sample, bins, range, weights):
        return _np.histogramdd(sample, bins=bins, range=range, density=density,
                               weights=weights)
    from ._reductions import sum_p
    from ._cumulative import diff
    from ._ufuncs import astype
    # NumPy's own layout: a sequence of D coordinate arrays, or an (N, D) array
    if isinstance(sample, (list, tuple)):
        cols = [_arr(c) for c in sample]
    else:
        s = _arr(sample)
        cols = [s] if ndim_of(s) == 1 else [s[:, i] for i in _range(shape_of(s)[1])]
    sv = _np.stack([_np.asarray(primal_of(c)) for c in cols], axis=1)
    d = sv.shape[1]
    wv = None if weights is None else _np.asarray(_plain(weights))
    try:
        len(bins)
    except TypeError:
        blist = [bins] * d
    else:
        blist = list(bins)
    rngs = [None] * d if range is None else list(range)
    bv = [b if isinstance(b, str) else _plain(b) for b in blist]
    rv = [None if r is None else tuple(_plain(x) for x in r) for r in rngs]
    h_v, edges_v = _np.histogramdd(sv, bins=bv, range=rv, weights=wv)
    edges, edges_e = [], []
    for i in _range(d):
        e = _edges_expr(cols[i], sv[:, i], blist[i], rngs[i], edges_v[i])
        edges_e.append(e)
        edges.append(edges_v[i] if e is None else _exact(edges_v[i], e))
    h_e = None
    if contains_tracer(weights):
        # NumPy's cells: searchsorted right, the last edge closed, outliers dropped
        shape = tuple(len(e) - 1 for e in edges_v)
        flat = _np.zeros(sv.shape[0], dtype=_np.intp)
        out = _np.zeros(sv.shape[0], dtype=bool)
        for i in _range(d):
            e = edges_v[i]
            k = _np.searchsorted(e, sv[:, i], side="right")
            k[sv[:, i] == e[-1]] -= 1
            out |= (k == 0) | (k == len(e))
            flat = flat * shape[i] + _np.clip(k - 1, 0, shape[i] - 1)
        total = int(_np.prod(shape))
        flat[out] = total
        h_e = _scatter_sum(_arr(weights), flat, total).reshape(shape)
    if not density:
        return (h_v if h_e is None else _exact(h_v, h_e)), edges
    val = _np.histogramdd(sv, bins=bv, range=rv, density=True, weights=wv)[0]
    if h_e is None and all(e is None for e in edges_e):
        return val, edges
    hh = h_v if h_e is None else h_e
    ex = hh / sum_p(hh)
    for i in _range(d):
        shp = [1] * d
        shp[i] = len(edges_v[i]) - 1
        wdt = _np.diff(edges_v[i])
        w = wdt if edges_e[i] is None else astype(diff(edges_e[i]), wdt.dtype)
        ex = ex / w.reshape(tuple(shp))
    return _exact(val, ex), edges


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``numpy.histogram2d``: ``histogramdd`` of ``(x, y)``, as NumPy's."""
    if not _traced(x, y, bins, range, weights):
        return _np.histogram2d(x, y, bins=bins, range=range, density=density,
                               weights=weights)
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n != 1 and n != 2:
        bins = [bins, bins]
    h, edges = histogramdd([x, y], bins, range, density, weights)
    return h, edges[0], edges[1]


# --- unique --------------------------------------------------------------------------
def _first_occurrence(flat, values, equal_nan):
    """For each entry of ``values`` (unique values of ``flat``, in any order),
    the index of its first occurrence in ``flat``."""
    su, si = _np.unique(flat, return_index=True, equal_nan=equal_nan)
    pos = _np.searchsorted(su, values)
    if values.dtype.kind in "fc":
        vn, sn = _np.isnan(values), _np.flatnonzero(_np.isnan(su))
        pos[vn] = sn[:int(vn.sum())]
    pos = _np.minimum(pos, len(su) - 1)
    idx = si[pos]
    if not _np.array_equal(flat[idx], values, equal_nan=True):
        raise RuntimeError("unique: internal error mapping the unique values to the "
                           "input; please report it")
    return idx


def _selection(ar, v, idx, axis):
    from ._shape import ravel
    from ._indexing_extra import take
    if axis is None:
        return _exact(v, ravel(ar)[idx])
    return _exact(v, take(ar, idx, axis=axis))


def unique(ar, return_index=False, return_inverse=False, return_counts=False,
           axis=None, *, equal_nan=True, sorted=True):  # noqa: A002
    """``numpy.unique``: the unique values carry the derivative of the entry
    at their first occurrence (see the module docstring); the index, inverse
    and count outputs are integers."""
    if not contains_tracer(ar):
        return _np.unique(ar, return_index, return_inverse, return_counts, axis,
                          equal_nan=equal_nan, sorted=sorted)
    ar = _arr(ar)
    av = _np.asarray(primal_of(ar))
    res = _np.unique(av, return_index, return_inverse, return_counts, axis,
                     equal_nan=equal_nan, sorted=sorted)
    tup = isinstance(res, tuple)
    v = res[0] if tup else res
    if axis is None:
        idx = res[1] if return_index else _first_occurrence(av.ravel(), v, equal_nan)
    else:
        idx = _np.unique(av, return_index=True, axis=axis, equal_nan=equal_nan,
                         sorted=sorted)[1]
    u = _selection(ar, v, idx, axis)
    return (u,) + tuple(res[1:]) if tup else u


def unique_values(x):
    """``numpy.unique_values``: see ``unique``."""
    if not contains_tracer(x):
        return _np.unique_values(x)
    x = _arr(x)
    xv = _np.asarray(primal_of(x))
    v = _np.unique_values(xv)
    return _selection(x, v, _first_occurrence(xv.ravel(), v, False), None)


def _unique_result(fun, x):
    if not contains_tracer(x):
        return fun(x)
    x = _arr(x)
    xv = _np.asarray(primal_of(x))
    res = fun(xv)
    idx = _first_occurrence(xv.ravel(), res.values, False)
    return res._replace(values=_selection(x, res.values, idx, None))


def unique_all(x):
    """``numpy.unique_all``: ``values`` as in ``unique``; the rest integers."""
    return _unique_result(_np.unique_all, x)


def unique_counts(x):
    """``numpy.unique_counts``: ``values`` as in ``unique``; counts integers."""
    return _unique_result(_np.unique_counts, x)


def unique_inverse(x):
    """``numpy.unique_inverse``: ``values`` as in ``unique``; indices integers."""
    return _unique_result(_np.unique_inverse, x)


# --- set operations ---------------------------------------------------------------------
def _ravel(a):
    from ._shape import ravel
    return ravel(_arr(a))


def union1d(ar1, ar2):
    """``numpy.union1d``: ``unique`` of the two arrays concatenated, so each value
    carries the derivative of its first occurrence (in ``ar1`` before ``ar2``)."""
    if not (contains_tracer(ar1) or contains_tracer(ar2)):
        return _np.union1d(ar1, ar2)
    from ._shape import concatenate
    return unique(concatenate([_ravel(ar1), _ravel(ar2)]))


def setdiff1d(ar1, ar2, assume_unique=False):
    """``numpy.setdiff1d``: the (unique, unless ``assume_unique``) entries of
    ``ar1`` not in ``ar2``, a selection of ``ar1`` (derivative 0 in ``ar2``,
    whose values are only compared)."""
    if not (contains_tracer(ar1) or contains_tracer(ar2)):
        return _np.setdiff1d(ar1, ar2, assume_unique=assume_unique)
    a = _ravel(ar1) if assume_unique else unique(ar1)
    keep = _np.isin(_np.asarray(primal_of(a)), _np.asarray(primal_of(ar2)), invert=True)
    return a[keep]


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """``numpy.intersect1d``: the common values, each carrying the derivative
    of its entry in ``ar1`` (at its first occurrence unless ``assume_unique``);
    the indices are integers."""
    if not (contains_tracer(ar1) or contains_tracer(ar2)):
        return _np.intersect1d(ar1, ar2, assume_unique=assume_unique,
                               return_indices=return_indices)
    v, i1, i2 = _np.intersect1d(_np.asarray(primal_of(ar1)), _np.asarray(primal_of(ar2)),
                                assume_unique=assume_unique, return_indices=True)
    if contains_tracer(ar1):
        out = _exact(v, _ravel(ar1)[i1])
    else:
        out = _exact(v, _ravel(ar2)[i2])
    return (out, i1, i2) if return_indices else out


__all__ = ["union1d", "setdiff1d", "intersect1d", "bincount", "histogram", "histogram_bin_edges", "histogram2d", "histogramdd",
           "unique", "unique_values", "unique_all", "unique_counts", "unique_inverse"]
