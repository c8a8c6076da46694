"""Specs for the shape operations of dualad/numpy/_shape_extra.py (and the core
ones they are built from).  Each linear operation is squared afterwards so the
second-order checks push non-trivial tangents and cotangents through it."""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import array_args, arrays, shapes

from . import Spec


def sq(op):
    """``op(...) ** 2``: second derivatives then go through ``op``'s rules twice."""
    def f(*a):
        return op(*a) ** 2
    return f


def one(shape_strategy):
    return st.tuples(arrays(shape_strategy))


def distinct_array(shape_strategy):
    """Arrays whose entries are pairwise apart (no ties for max / min / median)."""
    def ok(x):
        v = np.sort(np.ravel(x))
        return v.size < 2 or bool(np.min(np.diff(v)) > 0.05)
    return arrays(shape_strategy).filter(ok)


nd1 = one(shapes(min_dims=1))
nd2 = one(shapes(min_dims=2))
nd3 = one(shapes(min_dims=3, max_dims=3, max_side=3))
mat = one(shapes(min_dims=2, max_dims=2))
vec = one(shapes(min_dims=1, max_dims=1))
anyd = one(shapes())

SPECS = [
    Spec("flip", sq(lambda x: dnp.flip(x, axis=-1) + dnp.flip(x)), nd1, covers=("getitem",)),
    Spec("rot90", sq(lambda x: dnp.rot90(x, 1 + x.shape[0] % 3)), nd2,
         covers=("getitem", "transpose")),
    Spec("roll", sq(lambda x: dnp.roll(x, (1, -2), axis=(0, -1))), nd1),
    Spec("roll_flat", sq(lambda x: dnp.roll(x, x.shape[0] + 1)), nd1, covers=("roll", "reshape")),
    Spec("tile", sq(lambda x: dnp.tile(x, (2, 1, 2))), anyd, covers=("broadcast_to", "reshape")),
    Spec("repeat_int", sq(lambda x: dnp.repeat(x, 2, axis=-1)), nd1, covers=("broadcast_to",)),
    Spec("repeat_array", sq(lambda x: dnp.repeat(x, np.arange(x.shape[0]) % 3, axis=0)), nd1,
         covers=("getitem",)),
    Spec("resize", sq(lambda x: dnp.resize(x, (3, 5))), nd1, covers=("getitem",)),
    Spec("pad", sq(lambda x: dnp.pad(x, ((1, 0),) + ((0, 2),) * (x.ndim - 1), constant_values=0.5)),
         nd1),
    Spec("pad_modes", sq(lambda x: dnp.pad(x, (1, 2), mode="edge")
                         + dnp.pad(x, (1, 2), mode="wrap")
                         + dnp.pad(x, (1, 2), mode="symmetric")
                         + dnp.sum(dnp.pad(x[..., :1], (1, 2), mode="reflect"))), nd1, covers=("getitem",)),
    Spec("pad_reflect", sq(lambda x: dnp.pad(x, ((2, 1), (0, 3)), mode="reflect")),
         one(shapes(min_dims=2, max_dims=2, min_side=2)), covers=("getitem",)),
    Spec("pad_linear_ramp", sq(lambda x: dnp.pad(x, ((1, 2),) + ((2, 0),) * (x.ndim - 1),
                                                 mode="linear_ramp", end_values=(0.5, -1.0))
                               + dnp.sum(dnp.pad(x, 1, mode="linear_ramp"))), nd1,
         covers=("getitem", "concatenate")),
    Spec("pad_linear_ramp_end_values",
         sq(lambda x, e: dnp.pad(x, ((2, 1),) * x.ndim, mode="linear_ramp", end_values=e)),
         st.tuples(arrays(shapes(min_dims=1, max_dims=2)), arrays((2,))),
         covers=("getitem", "concatenate")),
    Spec("pad_mean", sq(lambda x: dnp.pad(x, ((2, 1),) + ((1, 1),) * (x.ndim - 1), mode="mean",
                                          stat_length=2)
                        + dnp.sum(dnp.pad(x, (0, 2), mode="mean"))), nd1,
         covers=("getitem", "concatenate", "broadcast_to")),
    Spec("pad_max_min_median", sq(lambda x: dnp.pad(x, (1, 2), mode="maximum", stat_length=(1, 3))
                                  + dnp.pad(x, (1, 2), mode="minimum")
                                  + dnp.pad(x, (1, 2), mode="median", stat_length=2)),
         st.tuples(distinct_array(shapes(min_dims=1, max_side=3))),
         covers=("getitem", "concatenate", "broadcast_to", "max", "min")),
    # NumPy leaves mode='empty' padding uninitialized (dualad: zeros): the finite
    # differences of plain NumPy see only the interior
    Spec("pad_empty", sq(lambda x: dnp.pad(x, ((1, 2),) + ((2, 0),) * (x.ndim - 1), mode="empty")[
        (slice(1, -2),) + (slice(2, None),) * (x.ndim - 1)]), nd1, covers=("pad", "getitem")),
    Spec("split", sq(lambda x: dnp.concatenate(dnp.array_split(x, 3, axis=-1)[::-1], axis=-1)
                     + dnp.concatenate(dnp.split(x, [1], axis=0)[::-1], axis=0)), nd1,
         covers=("getitem", "concatenate")),
    Spec("hvdsplit", sq(lambda x: dnp.concatenate([dnp.ravel(p) for p in (
        dnp.hsplit(x, 1) + dnp.vsplit(x, [1]) + dnp.dsplit(x, [1]))])), nd3,
         covers=("getitem", "concatenate")),
    Spec("stacks", sq(lambda x: dnp.sum(dnp.hstack([x, x[:1]])) + dnp.vstack([x, 2 * x])
                      + dnp.sum(dnp.dstack([x, x])) + dnp.sum(dnp.column_stack([x, x]))), vec,
         covers=("concatenate",)),
    Spec("block", sq(lambda x: dnp.block([[x, x[:, :1]], [x[:1], np.ones((1, 1))]])), mat,
         covers=("concatenate",)),
    Spec("append_insert_delete", sq(lambda x: dnp.concatenate([
        dnp.append(x, x[:1]), dnp.insert(x, [0, -1], x[-1]), dnp.delete(x, 0),
        dnp.append(x[:, None], x[:1, None] * 2, axis=0)[:, 0]])), vec,
         covers=("concatenate", "getitem")),
    Spec("meshgrid", sq(lambda x: dnp.stack(dnp.meshgrid(x, x[:2] * 3))
                        + dnp.stack(dnp.broadcast_arrays(x[:2, None], x)) * 0.5), vec,
         covers=("broadcast_to",)),
    Spec("atleast", sq(lambda x: dnp.atleast_3d(dnp.atleast_2d(dnp.atleast_1d(x))) * 2), anyd,
         covers=("reshape",)),
    Spec("rollaxis", sq(lambda x: dnp.rollaxis(x, -1) + dnp.moveaxis(x, -1, 0)), nd1,
         covers=("transpose",)),
    Spec("diag_embed", sq(lambda x: dnp.diag(x, 1) + dnp.diag(x, -1) + dnp.diagflat(x, 1)), vec),
    Spec("diagonal", sq(lambda x: dnp.diag(x) + dnp.diag(x, -1)[:1].sum()
                        + dnp.diagonal(x, 0, -1, 0)), mat),
    Spec("diagonal_nd", sq(lambda x: dnp.diagonal(x, 1, 2, 0) + dnp.sum(dnp.trace(x, -1, 0, 1))),
         nd3, covers=("diagonal", "sum")),
    Spec("trace", lambda x: dnp.trace(x) ** 3 + dnp.trace(x * x, 1), nd2, covers=("diagonal",)),
    Spec("triu_tril", sq(lambda x: dnp.triu(x, 1) - dnp.tril(x) * 2), nd1, covers=("where",)),
    Spec("r_c_", sq(lambda x: dnp.r_[x, 0:2, x[::-1]][None, :] * dnp.c_[x, x][:, :1]), vec,
         covers=("concatenate",)),
    Spec("r_c_directives", sq(lambda x: dnp.concatenate([
        dnp.ravel(dnp.r_["0,2,0", x, x[::-1]]), dnp.ravel(dnp.c_[x, 0:x.shape[0], 1.5 * x]),
        dnp.r_[x, 0.5, x[:1]], dnp.ravel(dnp.r_["-1,2", x, 1:3:3j])])), vec,
         covers=("concatenate", "reshape", "transpose")),
    Spec("unstack", sq(lambda x: dnp.stack(dnp.unstack(x, axis=-1)[::-1])), nd1,
         covers=("getitem", "concatenate")),
    Spec("copy", sq(lambda x: dnp.copy(x) * 1.5), anyd, covers=("multiply",)),
    # --- array creation and finite differences (dualad/numpy/_creation.py, _calculus.py)
    Spec("full", sq(lambda c: dnp.full((2, 3) + np.shape(c), c)), anyd,
         covers=("index_update",)),
    Spec("linspace", sq(lambda a, b: dnp.concatenate([
        dnp.ravel(dnp.linspace(a, b, 5)),
        dnp.ravel(dnp.linspace(a, b, 4, endpoint=False, axis=-1)),
        dnp.ravel(dnp.linspace(a, b, 3, retstep=True)[1])])),
         array_args(2), covers=("concatenate", "broadcast_to")),
    Spec("logspace_geomspace", lambda a, b, c: dnp.concatenate([
        dnp.ravel(dnp.logspace(a, b, 4, base=c)),
        dnp.ravel(dnp.geomspace(a, b, 4, axis=-1)),
        dnp.ravel(dnp.geomspace(-a, -b, 3, endpoint=False))]) ** 2,
         array_args(3, low=0.3, high=2.0), covers=("power", "log10")),
    Spec("gradient", lambda f: dnp.concatenate([dnp.ravel(g) for g in (
        dnp.gradient(f, axis=0), dnp.gradient(f, 0.7, edge_order=2, axis=-1))]) ** 2,
         one(shapes(min_dims=1, max_dims=2, min_side=3)), covers=("getitem", "concatenate")),
    Spec("gradient_coordinates", lambda f, s, h: dnp.concatenate([dnp.ravel(g) for g in (
        dnp.gradient(f, dnp.cumsum(0.5 + s * s), axis=0),
        *dnp.gradient(f, dnp.cumsum(0.6 + s * s), 0.5 + h * h, edge_order=2))]) ** 2,
         st.integers(3, 5).flatmap(lambda n: st.tuples(
             arrays((n, 3)), arrays((n,)), arrays(()))),
         covers=("getitem", "concatenate", "cumsum", "reshape")),
    # sqrt(5) and a period of 2 + 0.3 c keep the drawn steps off the jumps of unwrap
    Spec("unwrap", sq(lambda p, c: dnp.unwrap(np.sqrt(5.0) * p, period=2.0 + 0.3 * c)),
         st.tuples(arrays(shapes(min_dims=1, max_dims=2, min_side=2)), arrays(())),
         covers=("mod", "cumsum", "concatenate")),
    Spec("piecewise", sq(lambda x: dnp.piecewise(
        x, [x < -0.5, x > 0.5], [lambda v: v ** 3, lambda v: dnp.sin(v), lambda v: 2.0 * v])),
         st.tuples(arrays(shapes(min_dims=1), avoid=(-0.5, 0.5))),
         covers=("index_update", "getitem")),
    Spec("i0", lambda x: dnp.i0(x), st.tuples(arrays(low=-4.0, high=12.0)),
         covers=("i0",)),
    Spec("nan_to_num_fills", lambda s: dnp.nan_to_num(
        np.array([np.nan, 1.0, np.inf, -np.inf]), nan=s, posinf=2.0 * s, neginf=s * s) * s,
         st.tuples(arrays(())), covers=("where",)),
    Spec("sum_initial", lambda a, s: dnp.sum(a * a, initial=s, axis=-1) * s,
         st.tuples(arrays(shapes(min_dims=1)), arrays(())), covers=("sum",)),
]
