"""Memory-order arguments (``order='A'`` / ``'K'``, positional ``order``), invalid
axes, ``ndarray.clip`` with a traced bound and ``index_add``'s dtype.

The truth for the linear shape operations is NumPy's own function applied to the
unit basis vectors (an exact 0/1 Jacobian); for invalid axes it is the exception
NumPy itself raises on the same call.
"""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

BASE = np.arange(24.0).reshape(2, 3, 4)

# how the traced value is laid out: (input as given to the transform, op inside)
LAYOUTS = {
    "C": (BASE, lambda a: a),
    "F input": (np.asfortranarray(BASE), lambda a: a),
    "transposed": (BASE, lambda a: a.T),
    "permuted": (BASE, lambda a: a.transpose(1, 0, 2)),
    "reversed axis": (BASE, lambda a: a[:, ::-1]),
    "permuted reversed": (BASE, lambda a: a.transpose(2, 0, 1)[::-1]),
    "strided": (BASE, lambda a: a[:, ::2]),
    "transposed strided": (BASE, lambda a: a.T[::2]),
}
OPS = {
    "ravel A": lambda a: np.ravel(a, order="A"),
    "ravel K": lambda a: np.ravel(a, order="K"),
    "method ravel A": lambda a: a.ravel("A"),
    "method ravel K": lambda a: a.ravel("K"),
    "flatten A": lambda a: a.flatten("A"),
    "flatten K": lambda a: a.flatten(order="K"),
    "reshape A": lambda a: np.reshape(a, (4, -1), order="A"),
    "method reshape A": lambda a: a.reshape(4, -1, order="A"),
    "reshape positional F": lambda a: np.reshape(a, (4, -1), "F"),
}


def _truth_jacobian(f, x):
    """NumPy's ``f`` on the unit vectors of ``x``'s layout (``zeros_like`` keeps it)."""
    y = f(x)
    J = np.zeros(y.shape + x.shape)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        assert e.flags.f_contiguous == x.flags.f_contiguous
        e[i] = 1.0
        J[(Ellipsis,) + i] = f(e)
    return J


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_order_follows_primal_layout(layout, op):
    x, lay = LAYOUTS[layout]
    f = lambda a: OPS[op](lay(a))                     # noqa: E731
    y = f(x)
    T = _truth_jacobian(f, x)
    for mode in ("forward", "reverse"):
        assert np.array_equal(ad.jacobian(f, mode=mode)(x), T), mode
    yv, tv = ad.jvp(f, (x,), (x,))
    assert np.array_equal(yv, y) and np.array_equal(tv, y)
    # second order: g = sum(w * f(x)^3) has Hessian sum_k 6 w_k y_k J_k J_k^T
    w = np.arange(1.0, y.size + 1).reshape(y.shape)
    g = lambda a: np.sum(f(a) ** 3 * w)              # noqa: E731
    Jk = T.reshape(y.size, -1)
    H = np.einsum("k,ki,kj->ij", (6 * w * y).ravel(), Jk, Jk).reshape(x.shape * 2)
    for hess in (ad.hessian(g), ad.jacfwd(ad.jacfwd(g)), ad.jacrev(ad.jacrev(g))):
        assert np.allclose(hess(x), H, rtol=1e-14, atol=0)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_order_on_plain_arrays(layout):
    x, lay = LAYOUTS[layout]
    a = lay(x)
    assert np.array_equal(dnp.ravel(a, "A"), np.ravel(a, "A"))
    assert np.array_equal(dnp.ravel(a, order="K"), np.ravel(a, order="K"))
    assert np.array_equal(dnp.reshape(a, (4, -1), order="A"), np.reshape(a, (4, -1), order="A"))
    assert np.array_equal(dnp.reshape(a, (4, -1), "F"), np.reshape(a, (4, -1), "F"))


def test_ravel_A_of_F_array_gradient():
    # the audit's case; truth: NumPy's ravel(order='A') of the unit vectors of an
    # F-contiguous 2x3 array reads down the columns, so weight k lands at (k % 2, k // 2)
    xf = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    g = ad.grad(lambda a: np.sum(np.ravel(a, order="A") * np.arange(6.0)))(xf)
    assert np.array_equal(g, [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]])
    x = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(ad.jvp(lambda a: a.T.ravel(order="A"), (x,), (x,))[0],
                          [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])


def test_reshape_order_K_raises_as_numpy():
    with pytest.raises(ValueError, match="order 'K' is not permitted"):
        np.reshape(BASE, -1, order="K")             # NumPy's own behaviour
    with pytest.raises(ValueError, match="order 'K' is not permitted"):
        ad.jvp(lambda a: np.reshape(a, -1, order="K"), (BASE,), (BASE,))


# --- invalid axes -----------------------------------------------------------------
X = np.arange(12.0).reshape(3, 4) + 0.5
BAD_AXES = {
    "swapaxes 0 2": lambda m, a: m.swapaxes(a, 0, 2),
    "swapaxes 0 5": lambda m, a: m.swapaxes(a, 0, 5),
    "swapaxes -3 0": lambda m, a: m.swapaxes(a, -3, 0),
    "moveaxis source": lambda m, a: m.moveaxis(a, 2, 0),
    "moveaxis destination": lambda m, a: m.moveaxis(a, 0, 2),
    "moveaxis repeated destination": lambda m, a: m.moveaxis(a, (0, 1), (0, 0)),
    "moveaxis repeated source": lambda m, a: m.moveaxis(a, (0, 0), (0, 1)),
    "expand_dims repeated": lambda m, a: m.expand_dims(a, (0, 0)),
    "expand_dims repeated negative": lambda m, a: m.expand_dims(a, (1, -3)),
    "expand_dims 4": lambda m, a: m.expand_dims(a, 4),
    "expand_dims -4": lambda m, a: m.expand_dims(a, -4),
    "squeeze out of range": lambda m, a: m.squeeze(a[None], 3),
    "squeeze size 3": lambda m, a: m.squeeze(a, 0),
    "squeeze repeated": lambda m, a: m.squeeze(a[None], (0, 0)),
    "squeeze list": lambda m, a: m.squeeze(a[None], [0]),
    "stack 3": lambda m, a: m.stack([a, a], axis=3),
    "stack -4": lambda m, a: m.stack([a, a], axis=-4),
    "transpose out of range": lambda m, a: m.transpose(a, (0, 2)),
    "transpose -3": lambda m, a: m.transpose(a, (0, -3)),
    "transpose repeated": lambda m, a: m.transpose(a, (0, 0)),
    "transpose too short": lambda m, a: m.transpose(a, (0,)),
    "flip": lambda m, a: m.flip(a, 2),
    "flip repeated": lambda m, a: m.flip(a, (0, 0)),
    "roll": lambda m, a: m.roll(a, 1, 2),
    "take": lambda m, a: m.take(a, [0], 2),
    "repeat": lambda m, a: m.repeat(a, 2, 2),
    "cumsum": lambda m, a: m.cumsum(a, 2),
    "cumprod": lambda m, a: m.cumprod(a, -3),
    "diagonal": lambda m, a: m.diagonal(a, 0, 0, 2),
    "trace": lambda m, a: m.trace(a, 0, 0, 2),
    "split": lambda m, a: m.split(a, 2, 2),
    "method swapaxes": lambda m, a: a.swapaxes(0, 2),
    "method transpose": lambda m, a: a.transpose(0, 2),
    "method squeeze": lambda m, a: a[None].squeeze(3),
    "method squeeze list": lambda m, a: a[None].squeeze(axis=[0]),
    "method cumsum": lambda m, a: a.cumsum(2),
    "method diagonal": lambda m, a: a.diagonal(0, 0, 2),
}


def _numpy_error(f):
    try:
        f(np, X)
    except Exception as e:                      # the truth: what NumPy raises
        return type(e)
    raise AssertionError("NumPy accepted the call")


@pytest.mark.parametrize("name", list(BAD_AXES))
def test_invalid_axes_raise_as_numpy(name):
    f = BAD_AXES[name]
    err = _numpy_error(f)
    with pytest.raises(err):
        f(dnp, X)
    for mode in ("forward", "reverse"):
        with pytest.raises(err):
            ad.jacobian(lambda a: f(np, a), mode=mode)(X)


def test_axis_error_is_numpys():
    with pytest.raises(np.exceptions.AxisError, match="axis2: axis 2 is out of bounds"):
        ad.grad(lambda a: np.sum(np.swapaxes(a, 0, 2) * np.arange(4.0)))(X)
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        ad.jvp(lambda a: np.flip(a, 2), (X,), (X,))
    with pytest.raises(ValueError, match=r"repeated axis in transpose: axes \(0, 0\)"):
        ad.jvp(lambda a: np.transpose(a, (0, 0)), (X,), (X,))
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        ad.jvp(lambda a: np.transpose(a, (0, 2)), (X,), (X,))


def test_valid_negative_axes_still_work():
    x3 = np.arange(24.0).reshape(2, 3, 4)
    for f in (lambda m, a: m.swapaxes(a, -1, 0), lambda m, a: m.moveaxis(a, -1, 0),
              lambda m, a: m.expand_dims(a, (0, -1)), lambda m, a: m.stack([a, a], -1),
              lambda m, a: m.transpose(a, (-1, 0, 1)), lambda m, a: m.squeeze(a[:, :1], -2)):
        assert np.array_equal(f(dnp, x3), f(np, x3))
        assert np.array_equal(ad.jvp(lambda a: f(np, a), (x3,), (x3,))[1], f(np, x3))


# --- ndarray.clip with a traced bound -----------------------------------------------
def test_method_clip_with_traced_bound():
    x = np.array([-2.0, -0.5, 0.3, 1.7])
    # closed form: d/dh sum(clip(x, -1, h)) is 1 where x > h, else 0
    assert np.array_equal(ad.grad(lambda h: np.sum(x.clip(-1.0, h)))(np.zeros(4)),
                          [0.0, 0.0, 1.0, 1.0])
    assert np.array_equal(ad.grad(lambda lo: np.sum(x.clip(lo, 1.0)))(np.zeros(4)),
                          [1.0, 1.0, 0.0, 0.0])
    assert ad.grad(lambda lo: np.sum(x.clip(lo, lo + 1.0)))(0.0) == 3.0
    # sum(clip(x, -1, h^2)^2) at h = 0.5: the last two entries are h^2, so the
    # Hessian is diag(0, 0, 12 h^2, 12 h^2) = diag(0, 0, 3, 3)
    g = lambda h: np.sum(x.clip(-1.0, h ** 2) ** 2)       # noqa: E731
    for hess in (ad.hessian(g), ad.jacfwd(ad.jacfwd(g)), ad.jacrev(ad.jacrev(g))):
        assert np.array_equal(hess(np.full(4, 0.5)), np.diag([0.0, 0.0, 3.0, 3.0]))


# --- index_add keeps a float32 x float32 --------------------------------------------
def test_index_add_keeps_float32():
    x = np.ones(3, np.float32)
    idx = np.array([0, 2])
    want = x.copy()
    want[idx] += np.ones(2)                      # NumPy's in-place add: float32
    for v in (np.ones(2), 1.0, np.ones(2, np.float32)):
        r = dnp.index_add(x, idx, v)
        assert r.dtype == np.float32 and np.array_equal(r, want)
    y, t = ad.jvp(lambda a: dnp.index_add(a, idx, np.ones(2)), (x,), (x,))
    assert y.dtype == np.float32 and t.dtype == np.float32
    y, t = ad.jvp(lambda v: dnp.index_add(x, idx, v), (np.ones(2),), (np.ones(2),))
    assert y.dtype == np.float32 and np.array_equal(t, [1.0, 0.0, 1.0])
    g = ad.grad(lambda v: dnp.sum(dnp.index_add(x, idx, v)))(np.ones(2))
    assert g.dtype == np.float64 and np.array_equal(g, [1.0, 1.0])
    # a complex v into a real x still promotes (x[idx] += v would refuse the cast)
    assert dnp.index_add(np.ones(2), 0, 1j).dtype == np.complex128
