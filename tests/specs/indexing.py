"""Specs for gathers, functional scatters and permutations
(dualad/numpy/_indexing_extra.py) and the corners of the core getitem rule
(non-adjacent advanced indices, boolean masks, ``None``, ``...``, negative steps)."""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import arrays, shapes

from . import Spec
from .shape import sq


def one(shape_strategy, **kw):
    return st.tuples(arrays(shape_strategy, **kw))


def distinct(shape_strategy):
    """Entries pairwise apart: sort/partition are smooth there."""
    def ok(a):
        v = np.sort(np.ravel(a))
        return v.size < 2 or bool(np.min(np.diff(v)) > 0.05)
    return st.tuples(arrays(shape_strategy).filter(ok))


nd1 = one(shapes(min_dims=1))
nd2 = one(shapes(min_dims=2))
nd3 = one(shapes(min_dims=3, max_dims=3, min_side=2, max_side=3))
vec = one(shapes(min_dims=1, max_dims=1))
mat_v = st.integers(1, 4).flatmap(lambda n: st.tuples(arrays((3, n)), arrays((n,))))


def _update_basic(x, v):
    return dnp.index_update(x, (Ellipsis, slice(None, None, 2)), v[..., ::2] * 3)


def _update_adv(x, v):
    # repeated indices: the last write wins
    idx = np.array([0, 2, 0]) % x.shape[-1]
    return dnp.index_update(x, (slice(None), idx), dnp.stack([v[0], v[-1], v[0] * 2]))


SPECS = [
    Spec("index_update", sq(lambda x, v: _update_basic(x, v) + _update_adv(x, v)), mat_v),
    Spec("index_update_mask", sq(lambda x: dnp.index_update(x, x > 0, x[(0,) * x.ndim] ** 3)
                                 + dnp.index_update(x, x < 0, x[x < 0] * 2)),
         one(shapes(min_dims=1), avoid=[0.0]), covers=("index_update",)),
    Spec("put_along_axis", sq(lambda x, v: dnp.put_along_axis(
        x, np.zeros((3, 1), dtype=int), v[None, :1] * v[:1], axis=1, inplace=False)), mat_v,
         covers=("index_update",)),
    Spec("index_add", sq(lambda x, v: dnp.index_add(x, (slice(None), np.array([0, 0, -1])),
                                                    dnp.stack([v[0], v[-1], v[0] * v[-1]]))
                         + dnp.index_add(x, (1, slice(None)), v)), mat_v,
         covers=("scatter_add", "add")),
    Spec("take", sq(lambda x: dnp.take(x, [0, -1, 0], axis=-1)
                    + dnp.take(x, [[5, 1, 2]], mode="wrap")[0, 0]
                    + dnp.take(x, [7, -3, 0], axis=0, mode="clip")[:, None].sum()), nd1,
         covers=("getitem",)),
    Spec("take_along_axis", sq(lambda x: dnp.take_along_axis(x, np.argsort(x, axis=0)[::-1], axis=0)
                               + dnp.take_along_axis(x, np.zeros((1,) * x.ndim, int), axis=-1)),
         distinct(shapes(min_dims=1)), covers=("getitem",)),
    Spec("compress", sq(lambda x: dnp.compress(np.arange(x.shape[0]) % 2 == 0, x, axis=0).sum(0)
                        + dnp.compress([True], x).sum()), nd1, covers=("getitem",)),
    Spec("select_choose", sq(lambda x: dnp.select([x > 0.5, x < -0.5], [x ** 2, -x], default=x * 3)
                             + dnp.choose((np.arange(x.size).reshape(x.shape) % 3),
                                          [x, x * x, x[..., :1]])),
         one(shapes(min_dims=1), avoid=[-0.5, 0.5]), covers=("where",)),
    Spec("sort", sq(lambda x: dnp.sort(x, axis=0) * np.arange(1.0, x.shape[-1] + 1)
                    + dnp.sort(x, axis=None)[:1].sum()), distinct(shapes(min_dims=1)),
         covers=("permute_along_axis",)),
    Spec("partition", sq(lambda x: dnp.partition(x, x.shape[-1] // 2)[..., x.shape[-1] // 2]),
         distinct(shapes(min_dims=1)), covers=("permute_along_axis",)),
    # the core getitem rule's corners
    Spec("getitem_nonadjacent", sq(lambda x: x[[0, 1], :, [1, 0]] + x[1, :, [0, 1]]), nd3,
         covers=("getitem", "scatter_add")),
    Spec("getitem_mask_newaxis", sq(lambda x: x[None, ..., ::-1, None][..., x[0, 0] > 0, :].sum()
                                    + x[x > 0].sum() + x[..., [0, 0]][::-2].sum()),
         one(shapes(min_dims=2), avoid=[0.0]), covers=("getitem", "scatter_add")),
]
