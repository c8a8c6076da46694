"""NumPy calls that ordinary model code makes on traced values and that used
to raise ``NotImplementedError`` (found by the models audit): indices from an
array's shape, membership and set operations, sliding windows.

Truths are closed forms: the functions are selections / gathers, so the
gradient of ``sum(w * f(x))`` puts ``w`` on the entries selected (summed over
repeats), and values are NumPy's own.
"""
import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import dualad as ad
import dualad.numpy as dnp


# --- indices from a traced array's shape -------------------------------------------------
@pytest.mark.parametrize("which, k, mask", [
    (np.diag_indices_from, None, np.eye(3, dtype=bool)),
    (np.triu_indices_from, 1, np.triu(np.ones((3, 3), bool), 1)),
    (np.tril_indices_from, 0, np.tril(np.ones((3, 3), bool))),
])
def test_indices_from_a_traced_matrix(which, k, mask):
    x = np.array([1.0, 2.0, 3.0])

    def f(x):
        kmat = np.outer(x, x)
        idx = which(kmat) if k is None else which(kmat, k)
        return np.sum(kmat[idx] ** 2)
    # d/dx_i sum_{(a,b) in mask} (x_a x_b)^2 = sum_b 2 x_i^2 x_b^2 ([i,b] in mask + [b,i] in mask)
    m = mask.astype(float)
    truth = np.array([sum(2 * x[i] * x[b] ** 2 * (m[i, b] + m[b, i]) for b in range(3))
                      for i in range(3)])
    assert np.allclose(ad.grad(f)(x), truth, rtol=1e-14, atol=0)
    assert np.allclose(ad.jacfwd(f)(x), truth, rtol=1e-14, atol=0)


def test_isin_mask_on_traced_values():
    x = np.array([0.5, 2.0, -1.0, 2.0])
    f = lambda x: np.sum(x[np.isin(x, [2.0, 7.0])] ** 3)      # noqa: E731
    assert ad.grad(f)(x) == pytest.approx([0.0, 12.0, 0.0, 12.0], rel=1e-15, abs=0)
    assert dnp.isin(x, [2.0]).tolist() == np.isin(x, [2.0]).tolist()


# --- set operations: selections of the input -------------------------------------------
def test_union1d_setdiff1d_intersect1d():
    a = np.array([3.0, 1.0, 3.0, 5.0])
    b = np.array([5.0, 4.0])
    w = lambda n: np.arange(1.0, n + 1)                        # noqa: E731

    u = lambda a, b: np.sum(np.union1d(a, b) * w(4))           # noqa: E731  [1, 3, 4, 5]
    assert np.union1d(a, b).tolist() == [1.0, 3.0, 4.0, 5.0]
    ga, gb = ad.grad(u, argnums=(0, 1))(a, b)
    # first occurrence carries the derivative: 1 <- a[1], 3 <- a[0], 5 <- a[3], 4 <- b[1]
    assert ga.tolist() == [2.0, 1.0, 0.0, 4.0] and gb.tolist() == [0.0, 3.0]

    d = lambda a: np.sum(np.setdiff1d(a, b) * w(2))            # noqa: E731  [1, 3]
    assert ad.grad(d)(a).tolist() == [2.0, 1.0, 0.0, 0.0]
    assert ad.jvp(d, (a,), (np.array([1.0, 10.0, 100.0, 1000.0]),))[1] == 12.0

    i = lambda a, b: np.sum(np.intersect1d(a, b) ** 2)         # noqa: E731  [5]
    ga, gb = ad.grad(i, argnums=(0, 1))(a, b)
    assert ga.tolist() == [0.0, 0.0, 0.0, 10.0] and gb.tolist() == [0.0, 0.0]
    vals, i1, i2 = dnp.intersect1d(ad.stop_gradient(a), b, return_indices=True)
    ref = np.intersect1d(a, b, return_indices=True)
    assert [r.tolist() for r in (vals, i1, i2)] == [r.tolist() for r in ref]
    # only b traced: the common values carry b's derivative
    assert ad.grad(lambda b: np.sum(np.intersect1d(a, b) ** 2))(b).tolist() == [10.0, 0.0]


# --- sliding windows ------------------------------------------------------------------
def _window_matrix(n, k):
    """The (n-k+1, n) matrix of 1-D windows, written out with a loop."""
    a = np.zeros((n - k + 1, n))
    for r in range(n - k + 1):
        a[r, r:r + k] = 1.0
    return a


def test_sliding_window_view_first_and_second_order():
    x = np.array([0.3, -1.2, 2.0, 0.7, 1.5, -0.4])
    w = np.array([1.0, -2.0, 0.5])
    # moving-window filter: y = X w with X_rk = x_{r+k}; loss = sum(y^2)
    f = lambda x: np.sum((sliding_window_view(x, 3) @ w) ** 2)  # noqa: E731
    c = np.zeros((4, 6))
    for r in range(4):
        c[r, r:r + 3] = w                                       # y = C x
    assert np.allclose(ad.grad(f)(x), 2 * c.T @ (c @ x), rtol=1e-14, atol=1e-15)
    assert np.allclose(ad.jacfwd(f)(x), 2 * c.T @ (c @ x), rtol=1e-14, atol=1e-15)
    h = 2 * c.T @ c
    for second in (ad.hessian, lambda g: ad.jacfwd(ad.jacfwd(g)), lambda g: ad.jacrev(ad.jacrev(g))):
        assert np.allclose(second(f)(x), h, rtol=1e-14, atol=1e-14)
    # each entry's cotangent is the number of windows it is in
    counts = _window_matrix(6, 3).sum(axis=0)
    assert ad.grad(lambda x: np.sum(sliding_window_view(x, 3)))(x).tolist() == counts.tolist()


def test_sliding_window_view_axes_values_and_dtype():
    x = np.arange(20.0, dtype=np.float32).reshape(4, 5)
    for args in [((2, 3),), (3, 1), (2, 0), ((2, 2), (0, 1))]:
        out, tan = ad.jvp(lambda v: sliding_window_view(v, *args), (x,), (2 * x,))
        ref = sliding_window_view(x, *args)
        assert out.shape == ref.shape and np.array_equal(out, ref)
        assert tan.dtype == np.float32 and np.array_equal(tan, 2 * ref)
    g = ad.grad(lambda v: np.sum(sliding_window_view(v, (2, 3))))(x)
    rows = _window_matrix(4, 2).sum(axis=0)
    cols = _window_matrix(5, 3).sum(axis=0)
    assert g.dtype == np.float32 and np.array_equal(g, np.outer(rows, cols))
    with pytest.raises(TypeError, match="immutable"):
        ad.grad(lambda v: np.sum(sliding_window_view(v, 2, writeable=True)))(x[0])
