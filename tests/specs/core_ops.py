"""Specs for the first primitive set: arithmetic, common ufuncs, reductions,
shape operations, indexing, matmul."""
import numpy as np
from hypothesis import strategies as st

import dualad as ad
import dualad.numpy as dnp
from dualad.testing.strategies import array_args, arrays, shapes

from . import Spec

one = st.tuples(arrays())
pos = st.tuples(arrays(low=0.2, high=3.0))
unit = st.tuples(arrays(low=-0.9, high=0.9))
two = array_args(2)
apart = array_args(2).filter(lambda a: bool(np.all(np.abs(np.subtract(*a)) > 0.05)))



def distinct(shape):
    """Arrays whose entries are pairwise apart (no ties for max/min/sort)."""
    def ok(x):
        v = np.sort(np.ravel(x))
        return v.size < 2 or bool(np.min(np.diff(v)) > 0.05)
    return st.tuples(arrays(shape).filter(ok))


SPECS = [
    # stop_gradient hides a dependence on purpose, so finite differences can
    # only check it where the hidden factor cancels: sin(x) * (c / c), c = x.
    # Its meaning (zero derivative) is tested in tests/test_transforms.py.
    Spec("stop_gradient", lambda x: dnp.sin(x) * (ad.stop_gradient(x) / ad.stop_gradient(x)),
         st.tuples(arrays(low=0.5, high=2.0))),
    Spec("add", dnp.add, two),
    Spec("subtract", dnp.subtract, two),
    Spec("multiply", dnp.multiply, two),
    Spec("divide", dnp.divide, array_args(2, low=0.3, high=2.0)),
    Spec("negative", dnp.negative, one),
    Spec("power", dnp.power, array_args(2, low=0.3, high=2.0)),
    Spec("power_const", lambda x: x ** 2 + x ** 3 - 1.0 / x ** 0.5, pos, covers=("power",)),
    Spec("square", dnp.square, one),
    Spec("sqrt", dnp.sqrt, pos),
    Spec("exp", dnp.exp, one),
    Spec("log", dnp.log, pos),
    Spec("log1p", dnp.log1p, unit),
    Spec("expm1", dnp.expm1, one),
    Spec("sin", dnp.sin, one),
    Spec("cos", dnp.cos, one),
    Spec("tan", dnp.tan, unit),
    Spec("arcsin", dnp.arcsin, unit),
    Spec("arccos", dnp.arccos, unit),
    Spec("arctan", dnp.arctan, one),
    Spec("arctan2", dnp.arctan2, array_args(2, low=0.2, high=2.0)),
    Spec("sinh", dnp.sinh, one),
    Spec("cosh", dnp.cosh, one),
    Spec("tanh", dnp.tanh, one),
    Spec("absolute", dnp.abs, st.tuples(arrays(avoid=[0.0])), order=1),
    Spec("maximum", dnp.maximum, apart, order=1),
    Spec("minimum", dnp.minimum, apart, order=1),
    Spec("clip", lambda x: dnp.clip(x, -0.5, 0.7),
         st.tuples(arrays(avoid=[-0.5, 0.7])), order=1),
    Spec("where", lambda x, y: dnp.where(x > 0, x * y, y ** 2), array_args(2, avoid=[0.0])),
    Spec("sum", lambda x: dnp.sum(x, axis=-1, keepdims=True) + dnp.sum(x),
         st.tuples(arrays(shapes(min_dims=1)))),
    Spec("mean", lambda x: dnp.mean(x ** 2, axis=0), st.tuples(arrays(shapes(min_dims=1))),
         covers=("sum",)),
    Spec("max", lambda x: dnp.max(x, axis=-1), distinct(shapes(min_dims=1)), order=1),
    Spec("min", lambda x: dnp.min(x), distinct(shapes()), order=1),
    Spec("prod", lambda x: dnp.prod(x, axis=0), st.tuples(arrays(shapes(min_dims=1)))),
    Spec("prod_zeros", lambda x: dnp.prod(x, axis=-1),
         st.sampled_from([[0.0, 2.0, 3.0], [0.0, 0.0, 1.5], [0.0, 0.0, 0.0], [1.0, -2.0, 0.5]]
                         ).map(lambda v: (np.array([v, v[::-1]]),)), covers=("prod",)),
    Spec("reshape", lambda x: dnp.reshape(x, (-1,)) * 2, one),
    Spec("transpose", lambda x: dnp.sin(x).T, one),
    Spec("broadcast_to", lambda x: dnp.broadcast_to(x, (2,) + np.shape(x)), one),
    Spec("concatenate", lambda x, y: dnp.concatenate([x, y * 2, x], axis=0),
         st.tuples(arrays((2, 3)), arrays((1, 3)))),
    Spec("getitem", lambda x: x[1:, ::2] + x[[0, 0, 1]][:2, :1] + x[x[:, 0] > 0, :].sum(),
         st.tuples(arrays((3, 4), avoid=[0.0]))),
    Spec("scatter_add", lambda x: x[[0, 0, 2]], st.tuples(arrays((3,)))),
    Spec("matmul", dnp.matmul, st.sampled_from([((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)),
                                                ((3,), (3,)), ((2, 2, 3), (3, 2)),
                                                ((3,), (2, 3, 4)), ((2, 1, 3, 2), (3, 2, 4))]
                                               ).flatmap(lambda s: st.tuples(arrays(s[0]), arrays(s[1])))),
]
