"""Reductions called with NumPy's ``where=``, ``initial=`` and ``out=`` on traced
values: values equal NumPy's, derivatives match finite differences and closed
forms, and ``out=`` is refused with a message instead of recursing."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

RNG = np.random.default_rng(5)
X = RNG.standard_normal((3, 4))
W = np.array([True, False, True, True])            # broadcast along axis 0
W2 = RNG.random((3, 4)) > 0.3


CASES = [
    ("sum", dict(axis=1, where=W)),
    ("sum", dict(where=W2, initial=0.25)),
    ("sum", dict(axis=0, keepdims=True, initial=-1.5)),
    ("prod", dict(axis=1, where=W2)),
    ("prod", dict(axis=0, initial=2.0, where=W)),
    ("mean", dict(axis=1, where=W)),
    ("mean", dict(where=W2, keepdims=True)),
    ("var", dict(axis=1, where=W, ddof=1)),
    ("std", dict(axis=0, where=W2)),
    ("nansum", dict(axis=1, where=W, initial=1.0)),
    ("nanprod", dict(axis=0, where=W2)),
    ("nanmean", dict(axis=1, where=W)),
    ("nanvar", dict(axis=1, where=W)),
    ("nanstd", dict(axis=0, where=W2)),
]

EXTREMES = [
    ("max", dict(axis=1, where=W, initial=-5.0)),
    ("min", dict(axis=0, where=W2, initial=5.0)),
    ("max", dict(initial=0.3)),
    ("max", dict(axis=1, initial=10.0)),           # initial wins everywhere: derivative 0
    ("nanmax", dict(axis=1, where=W, initial=-5.0)),
    ("nanmin", dict(axis=0, initial=5.0)),
]


def _values_match(name, kw, x):
    ours = ad.jvp(lambda a: getattr(dnp, name)(a, **kw), (x,), (np.ones_like(x),))[0]
    plain_numpy = ad.jvp(lambda a: getattr(np, name)(a, **kw), (x,), (np.ones_like(x),))[0]
    want = getattr(np, name)(x, **kw)
    np.testing.assert_allclose(ours, want, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(plain_numpy, want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name, kw", CASES)
def test_where_initial_smooth(name, kw):
    _values_match(name, kw, X)
    check_grads(lambda a: getattr(np, name)(a, **kw), (X,), order=2)


@pytest.mark.parametrize("name, kw", EXTREMES)
def test_where_initial_extremes(name, kw):
    _values_match(name, kw, X)
    check_grads(lambda a: getattr(np, name)(a, **kw), (X,), order=1)


def test_closed_forms():
    # d/dx sum(x, where=w) is w; d/dx mean(x, axis=1, where=w) is w / (kept per row)
    g = ad.grad(lambda a: np.sum(a, where=W2, initial=3.0))(X)
    np.testing.assert_array_equal(g, W2.astype(float))
    g = ad.grad(lambda a: np.sum(np.mean(a, axis=1, where=W)))(X)
    np.testing.assert_allclose(g, np.broadcast_to(W / W.sum(), X.shape))
    # max over the kept entries: 1 at the kept maximum of each row, unless initial wins
    # (row 0: kept 1, 2, 0.5 -> 2; row 1: kept -7, -6, -9 -> -6 < initial)
    x = np.array([[1.0, 9.0, 2.0, 0.5], [-7.0, 8.0, -6.0, -9.0]])
    g = ad.grad(lambda a: np.sum(np.max(a, axis=1, where=W, initial=-5.5)))(x)
    np.testing.assert_array_equal(g, [[0, 0, 1, 0], [0, 0, 0, 0]])
    # prod with where and initial: initial * prod of the kept entries
    x = np.array([2.0, 3.0, 5.0, 7.0])
    g = ad.grad(lambda a: np.prod(a, where=W, initial=2.0))(x)
    np.testing.assert_allclose(g, [2 * 5 * 7, 0, 2 * 2 * 7, 2 * 2 * 5])  # of 2 x0 x2 x3


def test_nan_family_with_where_skips_nans_and_left_out_entries():
    x = X.copy()
    x[0, 0] = np.nan
    x[2, 1] = np.nan
    for name, kw in [("nansum", dict(axis=1, where=W)), ("nanmean", dict(axis=1, where=W)),
                     ("nanvar", dict(axis=1, where=W)), ("nanmax", dict(axis=1, where=W,
                                                                         initial=-3.0))]:
        _values_match(name, kw, x)
        g = ad.grad(lambda a: np.sum(getattr(np, name)(a, **kw)))(x)
        assert np.isfinite(g).all(), name
        assert g[0, 0] == 0 and g[2, 1] == 0 and (g[:, 1] == 0).all(), name


def test_all_nan_slot_gives_initial():
    x = np.array([[np.nan, np.nan], [1.0, 2.0]])
    v, g = ad.value_and_grad(lambda a: np.sum(np.nanmax(a, axis=1, initial=0.5)))(x)
    assert v == 0.5 + 2.0
    np.testing.assert_array_equal(g, [[0, 0], [0, 1]])


def test_where_without_initial_is_numpys_error():
    for fn in (np.max, dnp.min, np.nanmax):
        with pytest.raises(ValueError, match="to use a where mask one has to specify 'initial'"):
            ad.grad(lambda a: fn(a, where=W2))(X)
    assert ad.grad(lambda a: np.max(a))(X).shape == X.shape     # no state left behind


@pytest.mark.parametrize("call", [
    lambda a: np.sum(a, out=np.empty(())),
    lambda a: dnp.max(a, axis=0, out=np.empty(4)),
    lambda a: np.mean(a, axis=1, out=np.empty(3)),
    lambda a: np.prod(a, initial=2.0, out=np.empty(())),
    lambda a: np.cumsum(a, axis=None, out=np.empty(12)),
    lambda a: dnp.clip(a, 0, 1, out=np.empty((3, 4))),
    lambda a: np.dot(a, a.T, out=np.empty((3, 3))),
    lambda a: np.trace(a, out=np.empty(())),
    lambda a: np.var(a, out=np.empty(())),
])
def test_out_on_traced_value_is_refused(call):
    for transform in (ad.grad, lambda f: ad.jacfwd(f)):
        with pytest.raises(TypeError, match=r"out=\.\.\.\) cannot write a traced value"):
            transform(lambda a: np.sum(call(a)))(X)
    out = np.empty(4)                     # plain values still go to NumPy's out=
    assert dnp.max(X, axis=0, out=out) is out
    np.testing.assert_array_equal(out, X.max(axis=0))


# numpy.average with weights along an axis tuple: the weights' axes follow the
# order of ``axis`` (NumPy transposes them by argsort(axis)), not a's order
A3 = RNG.standard_normal((2, 3, 4))


@pytest.mark.parametrize("axis, wshape", [((1, 0), (3, 2)), ((0, 1), (2, 3)),
                                          ((2, 0), (4, 2)), ((-1, 0, 1), (4, 2, 3)),
                                          ((2, 1), (4, 3)), (1, (3,))])
def test_average_weights_follow_the_order_of_axis(axis, wshape):
    w = RNG.uniform(0.5, 2.0, wshape)
    avg, scl = dnp.average(A3, axis=axis, weights=w, returned=True)
    ref, rscl = np.average(A3, axis=axis, weights=w, returned=True)
    np.testing.assert_allclose(avg, ref, rtol=1e-14)
    np.testing.assert_allclose(scl, rscl, rtol=1e-14)
    check_grads(lambda a, w: dnp.average(a, axis=axis, weights=w), (A3, w), order=2)
    # plain numpy.average on traced values reaches the same function
    g = ad.grad(lambda w: np.sum(np.average(A3, axis=axis, weights=w) ** 2))(w)
    h = 1e-6
    e = np.zeros(w.size)
    e[0] = h
    e = e.reshape(wshape)
    fd = (np.sum(np.average(A3, axis=axis, weights=w + e) ** 2)
          - np.sum(np.average(A3, axis=axis, weights=w - e) ** 2)) / (2 * h)
    assert np.isclose(g.flat[0], fd, rtol=1e-6)
