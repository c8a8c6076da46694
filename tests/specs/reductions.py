"""Specs for reductions, cumulative functions and statistics
(dualad/numpy/_reductions.py, _cumulative.py, _stats.py)."""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import arrays, shapes

from . import Spec

small = shapes(min_dims=1, max_dims=3, max_side=3)
mats = st.tuples(arrays(shapes(min_dims=2, max_dims=2, min_side=2, max_side=4)))


def distinct_array(shape, low=-2.0, high=2.0):
    """Arrays whose entries are pairwise apart (no ties for sort-based functions)."""
    def ok(x):
        v = np.sort(np.ravel(x))
        return v.size < 2 or bool(np.min(np.diff(v)) > 0.05)
    return arrays(shape, low, high).filter(ok)


def distinct(shape, low=-2.0, high=2.0):
    return st.tuples(distinct_array(shape, low, high))


def with_zeros(a):
    """Put exact zeros where ``|a| < 0.7`` (cumprod's zero-exact path)."""
    return (np.where(np.abs(a[0]) < 0.7, 0.0, a[0]),)


def _quiet(thunk):
    with np.errstate(invalid="ignore", divide="ignore"):
        return thunk()


def _nan_in(a):
    x = np.array(a[0], dtype=float)
    x.flat[0] = np.nan
    return (x,)


SPECS = [
    Spec("var", lambda x: dnp.var(x, axis=(0, -1), ddof=1) + dnp.var(x, keepdims=True),
         st.tuples(arrays(shapes(min_dims=2, max_dims=3, min_side=2, max_side=3))),
         covers=("sum",)),
    # std has a kink where the variance is 0: draw samples that vary
    Spec("std", lambda x: dnp.std(x, axis=0) + dnp.std(x, ddof=1, keepdims=True),
         st.tuples(arrays(shapes(min_dims=1, max_dims=2, min_side=2, max_side=3)).filter(
             lambda x: bool(np.all(np.std(x, axis=0) > 0.1)))),
         covers=("std_sqrt",)),
    Spec("std_complex", lambda z: dnp.std(z * (1 + 2j) + z ** 2, axis=-1),
         st.tuples(arrays((2, 3)).filter(lambda x: bool(np.all(np.ptp(x, axis=-1) > 0.3)))),
         covers=("std_sqrt", "conjugate", "real")),
    Spec("ptp", lambda x: dnp.ptp(x, axis=-1), distinct(small), covers=("max", "min"),
         order=1),
    Spec("nan_reductions", lambda x: _quiet(lambda: dnp.nansum(x, axis=-1) ** 2
                                            + dnp.nanprod(x, axis=-1) + dnp.nanmean(x, axis=-1)
                                            + dnp.nanvar(x, axis=-1) + dnp.nanstd(x, axis=-1)),
         st.tuples(arrays((2, 4)).filter(lambda x: bool(np.all(np.std(x[:, 1:], axis=-1) > 0.1)))
                   ).map(_nan_in), covers=("sum", "prod", "where", "std_sqrt")),
    Spec("nanmax", lambda x: dnp.nanmax(x, axis=0) + dnp.nanmin(x),
         distinct((3, 2)).map(_nan_in), covers=("max", "min"), order=1),
    Spec("value_only", lambda x: x[dnp.argmax(x)] + x[dnp.argmin(x)] + x[dnp.argsort(x)] * 2
         + x[dnp.nanargmax(x)] - x[dnp.nanargmin(x)] + x[dnp.nonzero(x > 0)].sum()
         + x[dnp.flatnonzero(x)].sum() + dnp.sum(x[dnp.argwhere(x > 0)[:, 0]])
         + x * (dnp.all(x > -5) + dnp.any(x > 5))
         + x[dnp.lexsort((x, -x))] + x[dnp.searchsorted(dnp.sort(x), x) % 4]
         + x[dnp.digitize(x, dnp.sort(x[:2])) % 4],
         st.tuples(distinct_array((4,)).filter(lambda x: bool(np.all(np.abs(x) > 0.05)))),
         covers=("argmax", "argmin", "argsort", "nanargmax", "nanargmin",
                                 "nonzero", "flatnonzero", "argwhere", "all", "any",
                                 "lexsort", "searchsorted", "digitize"), order=1),
    Spec("cumsum", lambda x: dnp.cumsum(x, axis=0) ** 2 + dnp.cumsum(x).reshape(np.shape(x)),
         st.tuples(arrays(small))),
    Spec("cumprod", lambda x: dnp.cumprod(x, axis=-1) + dnp.nancumprod(x, axis=0)
         + dnp.nancumsum(x, axis=0), st.tuples(arrays(small))),
    Spec("cumprod_zeros", lambda x: dnp.cumprod(x, axis=-1) + dnp.cumprod(x, axis=0),
         st.tuples(arrays((3, 3))).map(with_zeros), covers=("cumprod",)),
    Spec("diff", lambda x, y: dnp.diff(x, n=2, axis=0, prepend=y, append=1.5) ** 2,
         st.tuples(arrays((3, 2)), arrays((1, 2))), covers=("getitem", "concatenate")),
    Spec("trapezoid", lambda y, x: dnp.trapezoid(y, x, axis=0).sum()
         + dnp.trapezoid(y, dx=x[0]) + dnp.trapezoid(y * y, x=y, axis=-1),
         st.tuples(arrays((3, 2)), arrays((3,))), covers=("getitem", "sum")),
    Spec("average", lambda x, w: dnp.average(x, axis=-1, weights=w)
         + dnp.average(x, weights=x * x + 1.0),
         st.tuples(arrays((2, 3)), arrays((3,), low=0.5, high=2.0)), covers=("sum",)),
    Spec("median", lambda x: dnp.median(x, axis=-1) + dnp.median(x),
         distinct(small), covers=("getitem",), order=1),
    Spec("quantile", lambda x, q: dnp.quantile(x, q, axis=0)
         + dnp.percentile(x, 100 * q[::-1], axis=0, method="midpoint"),
         st.tuples(distinct_array((4, 2)), arrays((2,), low=0.05, high=0.95).filter(
             lambda q: bool(np.all(np.abs(q * 3 - np.round(q * 3)) > 0.05)))),
         covers=("getitem",), order=1),
    Spec("quantile_nd_q", lambda x, q: dnp.quantile(x, q, axis=-1)
         + dnp.nanpercentile(x, 100 * q, axis=-1, keepdims=True)[..., 0],
         st.tuples(distinct_array((3, 4)), arrays((2, 2), low=0.05, high=0.95).filter(
             lambda q: bool(np.all(np.abs(q * 3 - np.round(q * 3)) > 0.05)))),
         covers=("getitem",), order=1),
    Spec("quantile_methods", lambda x, q: sum(
        dnp.quantile(x, q, axis=-1, method=m) for m in
        ("hazen", "weibull", "median_unbiased", "normal_unbiased", "interpolated_inverted_cdf",
         "averaged_inverted_cdf", "inverted_cdf", "closest_observation"))
         + dnp.nanquantile(x, q, axis=-1, method="inverted_cdf", weights=np.ones((2, 5))),
         st.tuples(distinct_array((2, 5)), arrays((3,), low=0.05, high=0.95).filter(
             # every method's virtual index (n = 5) away from the integers (its kinks
             # or jumps in q), by its slope and offset
             lambda q: bool(all(np.all(np.abs(v - np.round(v)) > 0.05) for v in (
                 5 * q, 5 * q - 0.5, 6 * q, 16 / 3 * q + 1 / 3, 5.25 * q + 3 / 8))))),
         covers=("getitem",), order=1),
    Spec("nanmedian", lambda x: dnp.nanmedian(x, axis=-1) + dnp.nanquantile(x, 0.3)
         + dnp.nanpercentile(x, [20.0, 70.0], axis=0).sum(),
         distinct((3, 3)).map(_nan_in), covers=("getitem",), order=1),
    Spec("cov", lambda x, w: dnp.cov(x).sum() + dnp.cov(x, x[::-1] ** 2, rowvar=False,
                                                         aweights=w, ddof=2),
         st.tuples(arrays((3, 4)), arrays((3,), low=0.5, high=2.0)).filter(
             # keep the weighted degrees of freedom sum(w) - 2 sum(w**2) / sum(w) away from 0
             lambda a: bool(np.sum(a[1]) - 2 * np.sum(a[1] ** 2) / np.sum(a[1]) > 0.3)),
         covers=("matmul",)),
    Spec("corrcoef", lambda x: dnp.corrcoef(x), st.tuples(arrays((2, 5))).filter(
        lambda a: bool(np.all(np.std(a[0], axis=1) > 0.3)
                       and np.all(np.abs(np.corrcoef(a[0])[0, 1]) < 0.95))),
         covers=("clip", "sqrt")),
    Spec("logsumexp", lambda x: dnp.logsumexp(x, axis=-1).sum()
         + dnp.logsumexp(x, keepdims=True) + dnp.logsumexp(x * 200.0, axis=0).sum() / 200.0,
         st.tuples(arrays(small))),
    Spec("logsumexp_b", lambda x, b: dnp.logsumexp(x, axis=-1, b=b, return_sign=True)[0],
         st.tuples(arrays((2, 3)), arrays((3,), avoid=[0.0], margin=0.2)).filter(
             lambda a: bool(np.all(np.abs(np.sum(a[1] * np.exp(a[0]), -1)) > 0.3))),
         covers=("exp", "log", "absolute")),
    # ufunc methods on traced values (dualad/numpy/_dispatch.py routes them)
    Spec("maximum_accumulate", lambda x: np.maximum.accumulate(x, axis=-1)
         + np.minimum.accumulate(x[::-1], axis=0) + dnp.maximum.accumulate(x * x),
         distinct(small), covers=("getitem",), order=1),
    # the repeated copy ties with the first (two-way ties: there the central
    # differences see the 1/2 each of the convention)
    Spec("maximum_accumulate_ties", lambda x: np.maximum.accumulate(
        dnp.concatenate([x, x], axis=-1), axis=-1)[..., 3:]
         + np.minimum.accumulate(dnp.concatenate([x, x], axis=0), axis=0)[2:],
         distinct((2, 3)), covers=("getitem", "cumsum", "where"), order=1),
    Spec("logaddexp_reduce", lambda x: np.logaddexp.reduce(x, axis=-1).sum()
         + np.logaddexp2.reduce(x * 50.0, axis=None) / 50.0
         + np.logaddexp.reduce(x, axis=0, keepdims=True),
         st.tuples(arrays(small)), covers=("logaddexp.reduce",)),
    Spec("logaddexp_accumulate", lambda x: np.logaddexp.accumulate(x, axis=-1)
         + np.logaddexp2.accumulate(x * 30.0, axis=0) / 30.0,
         st.tuples(arrays(small)), covers=("logaddexp.accumulate",)),
    Spec("add_reduceat", lambda x: np.add.reduceat(x * x, [0, 2, 1, 3], axis=-1)
         + np.add.reduceat(x, [1, 0], axis=0).sum(),
         st.tuples(arrays((2, 4))), covers=("add.reduceat",)),
    Spec("apply_along_axis", lambda x: np.apply_along_axis(
        lambda r: dnp.stack([dnp.sum(r * r), r[0] * r[-1]]), 0, x)
         + np.apply_along_axis(lambda r: np.sin(r).prod(), 1, x).sum(),
         st.tuples(arrays((3, 2))), covers=("getitem", "sin")),
    Spec("real_if_close_extract", lambda x: np.real_if_close(x * (1 + 0j)) ** 2
         + np.extract(np.array([[1, 0, 1], [0, 1, 1]]), x).sum()
         + dnp.vectorize(lambda v: v * dnp.exp(v))(x),
         st.tuples(arrays((2, 3))), covers=("real", "getitem")),
]
