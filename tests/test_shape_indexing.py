"""Shape and indexing operations: values against NumPy, derivatives against
finite differences and closed forms, batched tangents/cotangents against one
direction at a time, and the core getitem rule's advanced-indexing corners."""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.forward import jvp_flat
from dualad.reverse import vjp_flat
from dualad.testing import check_grads

RNG = np.random.default_rng(1)
A34 = RNG.standard_normal((3, 4))
A234 = RNG.standard_normal((2, 3, 4))
V5 = RNG.standard_normal(5)
S33 = RNG.standard_normal((3, 3))


def traced_value(f, x):
    """``f(x)`` computed on a traced ``x`` (forward mode), as a plain array."""
    out, _ = jvp_flat(lambda xs: [f(xs[0])], [x], [np.zeros_like(x)])
    return out[0]


def check_batched(f, x, k=3):
    """Batched JVP / VJP agree with ``k`` separate unbatched passes."""
    rng = np.random.default_rng(7)
    T = rng.standard_normal((k,) + np.shape(x))
    (out,), (tb,) = jvp_flat(lambda xs: [f(xs[0])], [x], [T])
    out = np.asarray(out)
    for i in range(k):
        _, (ti,) = jvp_flat(lambda xs: [f(xs[0])], [x], [T[i]])
        np.testing.assert_allclose(np.asarray(tb)[i], ti, rtol=1e-12, atol=1e-12)
    assert np.shape(tb) == (k,) + out.shape
    outs, back = vjp_flat(lambda xs: [f(xs[0])], [x])
    G = rng.standard_normal((k,) + out.shape)
    gb = back([G])[0]
    assert np.shape(gb) == (k,) + np.shape(x)
    for i in range(k):
        gi = back([G[i]])[0]
        np.testing.assert_allclose(np.asarray(gb)[i], gi, rtol=1e-12, atol=1e-12)
    # and the two modes are transposes of each other
    lhs = np.sum(np.asarray(gb) * T)
    rhs = np.sum(G * np.asarray(tb))
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10, atol=1e-10)


# (name, dualad function, numpy function, argument)
CASES = [
    ("flip", lambda x: dnp.flip(x), lambda x: np.flip(x), A34),
    ("flip_axis", lambda x: dnp.flip(x, axis=(0, 2)), lambda x: np.flip(x, axis=(0, 2)), A234),
    ("fliplr", dnp.fliplr, np.fliplr, A34),
    ("flipud", dnp.flipud, np.flipud, A34),
    ("rot90", lambda x: dnp.rot90(x), lambda x: np.rot90(x), A34),
    ("rot90_3", lambda x: dnp.rot90(x, 3, axes=(2, 1)), lambda x: np.rot90(x, 3, axes=(2, 1)), A234),
    ("roll", lambda x: dnp.roll(x, 2), lambda x: np.roll(x, 2), A34),
    ("roll_axes", lambda x: dnp.roll(x, (1, -1, 5), axis=(0, 1, 0)),
     lambda x: np.roll(x, (1, -1, 5), axis=(0, 1, 0)), A34),
    ("tile", lambda x: dnp.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), A34),
    ("tile_int", lambda x: dnp.tile(x, 2), lambda x: np.tile(x, 2), V5),
    ("repeat_int", lambda x: dnp.repeat(x, 2, axis=1), lambda x: np.repeat(x, 2, axis=1), A34),
    ("repeat_none", lambda x: dnp.repeat(x, 3), lambda x: np.repeat(x, 3), A34),
    ("repeat_array", lambda x: dnp.repeat(x, [1, 0, 2], axis=0),
     lambda x: np.repeat(x, [1, 0, 2], axis=0), A34),
    ("resize", lambda x: dnp.resize(x, (4, 4)), lambda x: np.resize(x, (4, 4)), V5),
    ("take", lambda x: dnp.take(x, [0, 2, 2, -1], axis=1),
     lambda x: np.take(x, [0, 2, 2, -1], axis=1), A34),
    ("take_flat", lambda x: dnp.take(x, [[0, 11], [5, 5]]),
     lambda x: np.take(x, [[0, 11], [5, 5]]), A34),
    ("take_wrap", lambda x: dnp.take(x, [4, 7, -6], axis=1, mode="wrap"),
     lambda x: np.take(x, [4, 7, -6], axis=1, mode="wrap"), A34),
    ("take_clip", lambda x: dnp.take(x, [4, 7, -6], axis=0, mode="clip"),
     lambda x: np.take(x, [4, 7, -6], axis=0, mode="clip"), A34),
    ("take_scalar", lambda x: dnp.take(x, 2, axis=1), lambda x: np.take(x, 2, axis=1), A34),
    ("take_along_axis", lambda x: dnp.take_along_axis(x, np.argsort(A34, axis=0)[:2], axis=0),
     lambda x: np.take_along_axis(x, np.argsort(A34, axis=0)[:2], axis=0), A34),
    ("take_along_axis_bcast", lambda x: dnp.take_along_axis(x, np.array([[[1, 0, 1]]]), axis=-1),
     lambda x: np.take_along_axis(x, np.array([[[1, 0, 1]]]), axis=-1), A234),
    ("compress", lambda x: dnp.compress([True, False, True], x, axis=0),
     lambda x: np.compress([True, False, True], x, axis=0), A34),
    ("compress_flat", lambda x: dnp.compress([0, 1, 1, 0, 1], x),
     lambda x: np.compress([0, 1, 1, 0, 1], x), A34),
    ("moveaxis", lambda x: dnp.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), A234),
    ("rollaxis", lambda x: dnp.rollaxis(x, 2), lambda x: np.rollaxis(x, 2), A234),
    ("rollaxis_start", lambda x: dnp.rollaxis(x, 0, 3), lambda x: np.rollaxis(x, 0, 3), A234),
    ("pad_constant", lambda x: dnp.pad(x, ((1, 2), (0, 1))), lambda x: np.pad(x, ((1, 2), (0, 1))), A34),
    ("pad_constant_values", lambda x: dnp.pad(x, 1, constant_values=(2.0, -1.0)),
     lambda x: np.pad(x, 1, constant_values=(2.0, -1.0)), A34),
    ("pad_edge", lambda x: dnp.pad(x, (2, 1), mode="edge"), lambda x: np.pad(x, (2, 1), mode="edge"), A34),
    ("pad_reflect", lambda x: dnp.pad(x, ((2, 5), (3, 1)), mode="reflect"),
     lambda x: np.pad(x, ((2, 5), (3, 1)), mode="reflect"), A34),
    ("pad_symmetric", lambda x: dnp.pad(x, 4, mode="symmetric"),
     lambda x: np.pad(x, 4, mode="symmetric"), A34),
    ("pad_wrap", lambda x: dnp.pad(x, ((0, 5), (2, 2)), mode="wrap"),
     lambda x: np.pad(x, ((0, 5), (2, 2)), mode="wrap"), A34),
    ("split", lambda x: dnp.concatenate(dnp.split(x, 2, axis=1)[::-1], axis=0),
     lambda x: np.concatenate(np.split(x, 2, axis=1)[::-1], axis=0), A34),
    ("split_idx", lambda x: dnp.concatenate(dnp.split(x, [1, 3, 9], axis=1)[::-1], axis=1),
     lambda x: np.concatenate(np.split(x, [1, 3, 9], axis=1)[::-1], axis=1), A34),
    ("array_split", lambda x: dnp.array_split(x, 3)[1] * dnp.array_split(x, 3)[2],
     lambda x: np.array_split(x, 3)[1] * np.array_split(x, 3)[2], V5),
    ("hsplit", lambda x: dnp.hsplit(x, 2)[1], lambda x: np.hsplit(x, 2)[1], A34),
    ("vsplit", lambda x: dnp.vsplit(x, [1])[1], lambda x: np.vsplit(x, [1])[1], A34),
    ("dsplit", lambda x: dnp.dsplit(x, 2)[0], lambda x: np.dsplit(x, 2)[0], A234),
    ("block", lambda x: dnp.block([[x, x[:, :1]], [x[:1] * 2, np.ones((1, 1))]]),
     lambda x: np.block([[x, x[:, :1]], [x[:1] * 2, np.ones((1, 1))]]), A34),
    ("block_1d", lambda x: dnp.block([x, 3.0, x]), lambda x: np.block([x, 3.0, x]), V5),
    ("hstack", lambda x: dnp.hstack([x, x[:, :2]]), lambda x: np.hstack([x, x[:, :2]]), A34),
    ("hstack_1d", lambda x: dnp.hstack([x, 1.0]), lambda x: np.hstack([x, 1.0]), V5),
    ("vstack", lambda x: dnp.vstack([x, x * 2]), lambda x: np.vstack([x, x * 2]), V5),
    ("dstack", lambda x: dnp.dstack([x, x]), lambda x: np.dstack([x, x]), A34),
    ("column_stack", lambda x: dnp.column_stack([x, x ** 2]), lambda x: np.column_stack([x, x ** 2]), V5),
    ("meshgrid", lambda x: dnp.stack(dnp.meshgrid(x, x[:3])),
     lambda x: np.stack(np.meshgrid(x, x[:3])), V5),
    ("meshgrid_ij", lambda x: dnp.meshgrid(x, x[:3], x[:2], indexing="ij")[2],
     lambda x: np.meshgrid(x, x[:3], x[:2], indexing="ij")[2], V5),
    ("meshgrid_sparse", lambda x: dnp.meshgrid(x, x[:3], sparse=True)[1],
     lambda x: np.meshgrid(x, x[:3], sparse=True)[1], V5),
    ("broadcast_arrays", lambda x: dnp.broadcast_arrays(x[:, :1], x[:1])[1],
     lambda x: np.broadcast_arrays(x[:, :1], x[:1])[1], A34),
    ("diag_vec", lambda x: dnp.diag(x), lambda x: np.diag(x), V5),
    ("diag_vec_k", lambda x: dnp.diag(x, 2), lambda x: np.diag(x, 2), V5),
    ("diag_vec_negk", lambda x: dnp.diag(x, -1), lambda x: np.diag(x, -1), V5),
    ("diag_mat", lambda x: dnp.diag(x, 1), lambda x: np.diag(x, 1), A34),
    ("diag_mat_negk", lambda x: dnp.diag(x, -2), lambda x: np.diag(x, -2), A34),
    ("diagflat", lambda x: dnp.diagflat(x, -1), lambda x: np.diagflat(x, -1), A34[:2, :2]),
    ("diagonal", lambda x: dnp.diagonal(x, 1, 2, 0), lambda x: np.diagonal(x, 1, 2, 0), A234),
    ("diagonal_neg", lambda x: dnp.diagonal(x, -1, -1, -2), lambda x: np.diagonal(x, -1, -1, -2), A234),
    ("trace", lambda x: dnp.trace(x), lambda x: np.trace(x), A34),
    ("trace_axes", lambda x: dnp.trace(x, 1, 1, 2), lambda x: np.trace(x, 1, 1, 2), A234),
    ("triu", lambda x: dnp.triu(x, 1), lambda x: np.triu(x, 1), A234),
    ("tril", lambda x: dnp.tril(x, -1), lambda x: np.tril(x, -1), A34),
    ("triu_1d", lambda x: dnp.triu(x), lambda x: np.triu(x), V5),
    ("sort", lambda x: dnp.sort(x), lambda x: np.sort(x), A34),
    ("sort_axis0", lambda x: dnp.sort(x, axis=0), lambda x: np.sort(x, axis=0), A234),
    ("sort_none", lambda x: dnp.sort(x, axis=None), lambda x: np.sort(x, axis=None), A34),
    ("partition_kth", lambda x: dnp.partition(x, 2)[..., 2], lambda x: np.partition(x, 2)[..., 2], A34),
    ("atleast_1d", lambda x: dnp.atleast_1d(x[0, 0]), lambda x: np.atleast_1d(x[0, 0]), A34),
    ("atleast_2d", lambda x: dnp.atleast_2d(x[0]), lambda x: np.atleast_2d(x[0]), A34),
    ("atleast_3d_1", lambda x: dnp.atleast_3d(x[0]), lambda x: np.atleast_3d(x[0]), A34),
    ("atleast_3d_2", lambda x: dnp.atleast_3d(x), lambda x: np.atleast_3d(x), A34),
    ("copy", lambda x: dnp.copy(x) * 2, lambda x: np.copy(x) * 2, A34),
    ("r_", lambda x: dnp.r_[x, 0:2, x[::-1], 7.0], lambda x: np.r_[x, 0:2, x[::-1], 7.0], V5),
    ("r_axis", lambda x: dnp.r_["-1", x, x], lambda x: np.r_["-1", x, x], A34),
    ("r_ndmin", lambda x: dnp.r_["0,2,0", x, x], lambda x: np.r_["0,2,0", x, x], V5),
    ("c_", lambda x: dnp.c_[x, x ** 2, np.ones(5)], lambda x: np.c_[x, x ** 2, np.ones(5)], V5),
    ("c_2d", lambda x: dnp.c_[x, x[:, :1]], lambda x: np.c_[x, x[:, :1]], A34),
    ("append", lambda x: dnp.append(x, x[0]), lambda x: np.append(x, x[0]), A34),
    ("append_axis", lambda x: dnp.append(x, x[:1] * 3, axis=0),
     lambda x: np.append(x, x[:1] * 3, axis=0), A34),
    ("delete", lambda x: dnp.delete(x, [0, 2], axis=1), lambda x: np.delete(x, [0, 2], axis=1), A34),
    ("delete_slice", lambda x: dnp.delete(x, slice(None, None, 2)),
     lambda x: np.delete(x, slice(None, None, 2)), A34),
    ("insert", lambda x: dnp.insert(x, 1, x[:, 0] * 2, axis=1),
     lambda x: np.insert(x, 1, x[:, 0] * 2, axis=1), A34),
    ("insert_scalar", lambda x: dnp.insert(x, [1, 3, 3], 5.0), lambda x: np.insert(x, [1, 3, 3], 5.0), V5),
    ("insert_bcast", lambda x: dnp.insert(x, 2, x[0], axis=0),
     lambda x: np.insert(x, 2, x[0], axis=0), A34),
    ("select", lambda x: dnp.select([x > 0.5, x < -0.5], [x, x ** 2], default=-x),
     lambda x: np.select([x > 0.5, x < -0.5], [x, x ** 2], default=-x), A34),
    ("choose", lambda x: dnp.choose(np.array([[0, 1, 2, 1]]), [x, x ** 2, x[:1] * 3]),
     lambda x: np.choose(np.array([[0, 1, 2, 1]]), [x, x ** 2, x[:1] * 3]), A34),
    ("choose_wrap", lambda x: dnp.choose(np.array([4, -1, 0, 3, 2]), [x, 2 * x], mode="wrap"),
     lambda x: np.choose(np.array([4, -1, 0, 3, 2]), [x, 2 * x], mode="wrap"), V5),
    ("put_along_axis", lambda x: dnp.put_along_axis(x, np.array([[1], [0], [3]]), x[:, :1] * 3,
                                                    axis=1, inplace=False),
     lambda x: _np_put_along_axis(x, np.array([[1], [0], [3]]), x[:, :1] * 3, 1), A34),
    ("index_update", lambda x: dnp.index_update(x, (slice(None), [0, 2]), x[:, 1:3] ** 2),
     lambda x: _np_update(x, (slice(None), [0, 2]), x[:, 1:3] ** 2), A34),
    ("index_update_dups", lambda x: dnp.index_update(x, np.array([0, 3, 0]), x[1:4] * 5),
     lambda x: _np_update(x, np.array([0, 3, 0]), x[1:4] * 5), V5),
    ("index_update_mask", lambda x: dnp.index_update(x, x > 0, 0.0),
     lambda x: _np_update(x, x > 0, 0.0), A34),
    ("index_update_bcast", lambda x: dnp.index_update(x, (Ellipsis, 1), x[0, 0, :3]),
     lambda x: _np_update(x, (Ellipsis, 1), x[0, 0, :3]), A234),
    ("index_add", lambda x: dnp.index_add(x, np.array([0, 3, 0]), x[1:4] * 5),
     lambda x: _np_add(x, np.array([0, 3, 0]), x[1:4] * 5), V5),
    ("index_add_basic", lambda x: dnp.index_add(x, (1, slice(1, None)), x[0, 0]),
     lambda x: _np_add(x, (1, slice(1, None)), x[0, 0]), A34),
    ("unstack", lambda x: dnp.unstack(x, axis=1)[2], lambda x: np.unstack(x, axis=1)[2], A234),
    ("trim_zeros", lambda x: dnp.trim_zeros(x * (np.arange(5) % 4 != 0)),
     lambda x: np.trim_zeros(x * (np.arange(5) % 4 != 0)), V5),
    ("trim_zeros_f", lambda x: dnp.trim_zeros(x * (np.arange(5) % 4 != 0), "f"),
     lambda x: np.trim_zeros(x * (np.arange(5) % 4 != 0), "f"), V5),
    ("trim_zeros_2d", lambda x: dnp.trim_zeros(x * (A34 > -0.3), axis=0),
     lambda x: np.trim_zeros(x * (A34 > -0.3), axis=0), A34),
    # core getitem corners
    ("getitem_nonadjacent", lambda x: x[[0, 1], :, [1, 2]], lambda x: x[[0, 1], :, [1, 2]], A234),
    ("getitem_adjacent", lambda x: x[:, [0, 2, 2], [1, 0, 3]], lambda x: x[:, [0, 2, 2], [1, 0, 3]], A234),
    ("getitem_bool", lambda x: x[A34 > 0], lambda x: x[A34 > 0], A34),
    ("getitem_bool_axis", lambda x: x[:, A34[:, 0] > 0], lambda x: x[:, A34[:, 0] > 0], A234),
    ("getitem_newaxis", lambda x: x[None, 1, ..., None, ::-2], lambda x: x[None, 1, ..., None, ::-2], A234),
    ("getitem_ellipsis_adv", lambda x: x[..., [3, 0]], lambda x: x[..., [3, 0]], A234),
    ("getitem_negstep", lambda x: x[::-1, -1:0:-2], lambda x: x[::-1, -1:0:-2], A34),
    ("getitem_mixed", lambda x: x[1:, None, [0, 0, 2]], lambda x: x[1:, None, [0, 0, 2]], A34),
    ("getitem_adv_newaxis_split", lambda x: x[[1, 0], None, [2, 3]], lambda x: x[[1, 0], None, [2, 3]], A34),
    ("getitem_scalar_bool", lambda x: x[True], lambda x: x[True], A34),
    ("getitem_int_adv", lambda x: x[1, :, [0, 1]], lambda x: x[1, :, [0, 1]], A234),
]


def _np_update(x, idx, v):
    y = x.copy()
    y[idx] = v
    return y


def _np_add(x, idx, v):
    y = x.copy()
    np.add.at(y, idx, v)
    return y


def _np_put_along_axis(x, ind, v, axis):
    y = x.copy()
    np.put_along_axis(y, ind, v, axis)
    return y


@pytest.mark.parametrize("name,f,g,x", CASES, ids=[c[0] for c in CASES])
def test_value_matches_numpy(name, f, g, x):
    want = g(x)
    np.testing.assert_array_equal(f(x), want)          # plain path
    got = traced_value(f, x)                           # traced path
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)


@pytest.mark.parametrize("name,f,g,x", CASES, ids=[c[0] for c in CASES])
def test_derivatives(name, f, g, x):
    check_grads(f, (x,), order=1)
    check_batched(f, x)


SECOND = ["roll_axes", "pad_reflect", "diag_vec_k", "diagonal", "sort_axis0", "index_update_dups",
          "index_update", "index_add", "insert", "getitem_nonadjacent", "getitem_bool_axis",
          "getitem_newaxis", "take_wrap", "tile", "choose", "r_", "c_", "block"]


@pytest.mark.parametrize("name", SECOND)
def test_second_order(name):
    _, f, _, x = next(c for c in CASES if c[0] == name)
    check_grads(lambda x: dnp.sin(f(x)), (x,), order=2)


# --- closed forms ---------------------------------------------------------------------
def test_grad_trace_is_identity():
    np.testing.assert_array_equal(ad.grad(lambda x: dnp.trace(x))(S33), np.eye(3))
    g = ad.grad(lambda x: dnp.trace(x, offset=1))(A34)
    np.testing.assert_array_equal(g, np.eye(3, 4, 1))


def test_sort_gradient_is_permutation():
    x = np.array([3.0, -1.0, 2.0, 0.5])
    w = np.array([1.0, 10.0, 100.0, 1000.0])
    g = ad.grad(lambda x: dnp.sum(dnp.sort(x) * w))(x)
    # sorted order: -1 (idx 1), 0.5 (idx 3), 2 (idx 2), 3 (idx 0)
    np.testing.assert_array_equal(g, [1000.0, 1.0, 100.0, 10.0])


def test_sort_ties_follow_stable_order():
    x = np.array([1.0, 1.0, 0.0])
    g = ad.grad(lambda x: dnp.sort(x)[1])(x)
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0])


def test_partition_kth_gradient():
    x = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    g = ad.grad(lambda x: dnp.partition(x, 2)[2])(x)     # the median, 3.0 at index 4
    np.testing.assert_array_equal(g, [0, 0, 0, 0, 1.0])


def test_index_update_gradients():
    x = np.arange(4.0)
    v = np.array([10.0, 20.0, 30.0])
    idx = np.array([1, 1, 3])                          # last write to 1 wins
    gx, gv = ad.grad(lambda x, v: dnp.sum(dnp.index_update(x, idx, v) * np.array([1., 2, 3, 4])),
                     argnums=(0, 1))(x, v)
    np.testing.assert_array_equal(gx, [1.0, 0.0, 3.0, 0.0])
    np.testing.assert_array_equal(gv, [0.0, 2.0, 4.0])
    # forward mode agrees
    _, tv = ad.jvp(lambda v: dnp.index_update(x, idx, v), (v,), (np.array([1.0, 2.0, 3.0]),))
    np.testing.assert_array_equal(tv, [0.0, 2.0, 0.0, 3.0])


def test_index_add_accumulates():
    x = np.zeros(3)
    gv = ad.grad(lambda v: dnp.sum(dnp.index_add(x, np.array([0, 0, 2]), v) * np.array([1., 2, 3])))(
        np.ones(3))
    np.testing.assert_array_equal(gv, [1.0, 1.0, 3.0])


def test_index_update_plain_and_int():
    x = np.arange(4)
    np.testing.assert_array_equal(dnp.index_update(x, 1, 7), [0, 7, 2, 3])
    assert x[1] == 1                                   # input untouched
    out = ad.grad(lambda v: dnp.sum(dnp.index_update(np.arange(3), 0, v) ** 2))(2.0)
    assert out == 4.0


def test_setitem_error_points_to_index_update():
    with pytest.raises(TypeError, match="index_update"):
        ad.grad(lambda x: x.__setitem__(0, 1.0))(np.ones(2))


def test_put_along_axis_inplace_on_traced_raises():
    with pytest.raises(TypeError, match="inplace=False"):
        ad.grad(lambda x: dnp.put_along_axis(x, np.array([0]), 1.0, 0))(np.ones(2))


def test_pad_traced_constant():
    g = ad.grad(lambda c: dnp.sum(dnp.pad(np.ones((2, 2)), 1, constant_values=c)))(0.5)
    assert g == 16 - 4


def test_diag_roundtrip_gradient():
    v = np.array([1.0, 2.0, 3.0])
    g = ad.grad(lambda v: dnp.sum(dnp.diag(v, 1) * np.arange(16.0).reshape(4, 4)))(v)
    np.testing.assert_array_equal(g, [1.0, 6.0, 11.0])


def test_numpy_dispatch_on_traced():
    # plain numpy calls on traced values reach the dualad versions
    g = ad.grad(lambda x: np.sum(np.flip(np.roll(np.tile(x, 2), 1)) * np.arange(6.0)))(
        np.array([1.0, 2.0, 3.0]))
    want = ad.grad(lambda x: dnp.sum(dnp.flip(dnp.roll(dnp.tile(x, 2), 1)) * np.arange(6.0)))(
        np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(g, want)
    gt = ad.grad(lambda x: np.trace(np.diag(np.sort(x))) + np.sum(np.pad(x, 1, mode="edge")))(
        np.array([2.0, 1.0]))
    np.testing.assert_array_equal(gt, [3.0, 3.0])


def test_methods_on_traced():
    x = A34

    def f(x):
        return (x.repeat(2, axis=0).sum() + x.take([0, 2], axis=1).sum() + x.diagonal().sum()
                + x.trace() + x.compress([True, False, True], axis=0).sum())
    want = (2 * np.ones_like(x) + np.isin(np.arange(4), [0, 2])[None] + 2 * np.eye(3, 4)
            + np.array([1, 0, 1])[:, None])
    np.testing.assert_array_equal(ad.grad(f)(x), want)


def test_split_returns_all_pieces():
    x = np.arange(6.0)
    jac = ad.jacobian(lambda x: dnp.stack(dnp.split(x, 3))[::-1])(x)
    np.testing.assert_array_equal(jac.reshape(6, 6), np.eye(6)[[4, 5, 2, 3, 0, 1]])


def test_take_raise_mode():
    with pytest.raises(IndexError):
        ad.grad(lambda x: dnp.sum(dnp.take(x, [5])))(np.ones(3))


def test_second_order_nested_modes():
    # reverse over reverse / forward over reverse through permutations and diagonals
    x = np.array([0.3, -1.2, 0.8])
    f = lambda x: dnp.sum(dnp.sort(x) ** 3 * np.array([1.0, 2.0, 3.0]))  # noqa: E731
    h = ad.hessian(f)(x)
    order = np.argsort(x)
    w = np.empty(3)
    w[order] = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(h, np.diag(6 * x * w))


def test_scatter_assignment_only_for_distinct_targets():
    from dualad.numpy._indexing import _distinct_targets, _scatter_impl
    sh = (4, 5)
    assert _distinct_targets((slice(None), np.array([0, 2])), sh, 100)
    assert not _distinct_targets((slice(None), np.array([-1, 4])), sh, 100)   # -1 is 4
    assert not _distinct_targets((np.array([0, 0]), np.array([1, 1])), sh, 100)
    assert _distinct_targets((np.array([0, 0]), np.array([1, 2])), sh, 100)
    assert _distinct_targets((sh[0] * [True],), sh, 100)
    mask = np.zeros(5, bool)
    mask[[1, 3]] = True
    assert _distinct_targets((np.array([2, 2]), mask), sh, 100)       # (2, 1), (2, 3)
    assert not _distinct_targets((np.array([[2], [2]]), mask), sh, 100)  # each twice
    # and the scatter itself accumulates repeats, batched or not
    g = np.arange(6.0).reshape(3, 2)
    z = _scatter_impl(g, (np.array([1, 1]),), (3,), 1)
    np.testing.assert_array_equal(z, [[0, 1, 0], [0, 5, 0], [0, 9, 0]])


@pytest.mark.parametrize("f", [lambda x: x[None], lambda x: x[...], lambda x: x[()],
                               lambda x: x[None, ..., None], lambda x: x[True, ...],
                               lambda x: x[..., np.True_], lambda x: x[False, ...]])
def test_getitem_scalar_and_bool_scalar_batched(f):
    check_batched(f, A34)
    check_batched(f, np.float64(0.7))


@pytest.mark.parametrize("f", [lambda x: x[True, ..., 0], lambda x: x[..., np.True_, 1:],
                               lambda x: x[False, ..., 1], lambda x: x[np.array(True), ..., [0, 1]]])
def test_getitem_bool_scalar_with_ellipsis_batched(f):
    check_batched(f, A34)


def test_index_update_value_with_extra_leading_axes():
    x = A34.copy()
    for v in (RNG.standard_normal((1, 1, 4)), RNG.standard_normal((1, 1))):
        def f(x, v):
            return dnp.index_update(x, 1, v)
        np.testing.assert_array_equal(f(x, v), _np_update(x, 1, v))
        check_grads(f, (x, v), order=2)
        check_batched(lambda v: f(x, v), v)


def test_float32_stays_float32():
    x = A34.astype(np.float32)
    for f in (lambda x: dnp.pad(x, 1, constant_values=x[0, 0]), lambda x: dnp.index_update(x, 0, x[1]),
              lambda x: dnp.sort(x), lambda x: dnp.diag(dnp.diagonal(x)), lambda x: dnp.triu(x),
              lambda x: dnp.roll(dnp.pad(x, 1, mode="wrap"), 1)):
        g = ad.grad(lambda x: dnp.sum(f(x) ** 2))(x)
        assert g.dtype == np.float32
        assert traced_value(f, x).dtype == np.float32


def test_complex_shape_ops_transpose_convention():
    z = A34 + 1j * A34[::-1]
    for f in (lambda z: dnp.sum(dnp.diag(dnp.roll(z, 1, 0), 1) ** 2),
              lambda z: dnp.sum(dnp.index_update(z, (0, [1, 2]), z[1, :2] * 1j) ** 2),
              lambda z: dnp.sum(dnp.pad(z, 1, mode="reflect") ** 2)):
        check_grads(f, (z,), order=2)


@pytest.mark.parametrize("shape, idx", [
    ((3,), (Ellipsis, np.array([0, 2]))),          # ... standing for no axis
    ((3,), (Ellipsis, np.array([2, 2, 0]))),
    ((2, 3, 5), (Ellipsis, np.array([4, 4, 1]))),   # ... for two axes
    ((2, 3, 5), (1, Ellipsis, np.array([3, 0, 3]))),
])
def test_ellipsis_with_integer_arrays_in_reverse_mode(shape, idx):
    # repeated positions accumulate: the gradient of sum(x[idx]) counts the hits
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    exact = np.zeros(shape)
    np.add.at(exact, idx, 1.0)
    assert np.array_equal(ad.grad(lambda x: dnp.sum(x[idx]))(x), exact)
    assert np.array_equal(ad.jacrev(lambda x: x[idx])(x).sum(axis=tuple(range(x[idx].ndim))), exact)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("index", [
    (np.array([0, 2, 2, 5, 0, 0]),),                           # repeated rows
    (np.array([0, 2, 2, 4]), np.array([1, 1, 1, 3])),          # repeated elements
    (slice(None), np.array([[1, 1], [3, 1]])),                 # after a slice
    (np.array([[0, 0], [1, 0]]), slice(1, 4)),                 # before a slice
])
def test_gather_cotangent_sums_repeated_positions_like_add_at(dtype, index):
    """The VJP of x[idx] with repeated positions is numpy.add.at of the cotangent
    (the definition of the transpose of a gather), also with batched cotangents."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 5)).astype(dtype)
    g = rng.standard_normal(x[index].shape).astype(dtype)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(x.shape)
        g = g + 1j * rng.standard_normal(g.shape)
    want = np.zeros_like(x)
    np.add.at(want, index, g)
    _, back = ad.vjp(lambda x: x[index], x)
    got = back(g)[0]
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6 if dtype == np.float32 else 1e-15)
    # a batch of two cotangents at once (jacrev's path): each row is add.at
    J = ad.jacrev(lambda x: x[index])(x)
    for pos in np.ndindex(g.shape):
        e = np.zeros_like(want)
        np.add.at(e, index, (np.arange(g.size) == np.ravel_multi_index(pos, g.shape))
                  .reshape(g.shape).astype(dtype))
        np.testing.assert_array_equal(J[pos], e)
