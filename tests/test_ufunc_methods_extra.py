"""ufunc methods and function-calling NumPy functions on traced values:
``maximum/minimum.accumulate``, ``logaddexp(2).reduce / .accumulate``,
``add.reduceat``, ``ufunc.at`` (refused, pointing to ``index_add``),
``apply_along_axis``, ``real_if_close``, ``extract``, ``vectorize``.

Values are compared with NumPy's own (exactly, dtype and shape too);
Jacobians (forward and reverse) with Richardson-extrapolated central
differences of the plain NumPy call, or with closed forms."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

from ._derivatives import richardson_jacobian

RNG = np.random.default_rng(11)


def check_jacobians(f, x, atol=1e-7):
    want = richardson_jacobian(f, (x,), 0)
    np.testing.assert_allclose(ad.jacfwd(f)(x), want, atol=atol, rtol=1e-7)
    np.testing.assert_allclose(ad.jacrev(f)(x), want, atol=atol, rtol=1e-7)


def same_value(f, x):
    """``f`` on a traced ``x`` gives NumPy's value, exactly, with its dtype and shape."""
    want = f(x)
    got, _ = ad.vjp(f, x)
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


X = RNG.standard_normal((3, 5))


# --- maximum / minimum.accumulate --------------------------------------------------------
@pytest.mark.parametrize("ufunc", [np.maximum, np.minimum, dnp.maximum, dnp.minimum])
@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_running_extreme(ufunc, axis):
    f = lambda x: ufunc.accumulate(x, axis=axis)        # noqa: E731
    same_value(f, X)
    check_jacobians(f, X)


def test_running_extreme_default_axis_dtype_and_float32():
    same_value(lambda x: np.maximum.accumulate(x), X)
    same_value(lambda x: np.minimum.accumulate(x, dtype=np.float32), X)
    x32 = X.astype(np.float32)
    same_value(lambda x: np.maximum.accumulate(x, axis=1), x32)
    g = ad.grad(lambda x: np.maximum.accumulate(x, axis=1).sum())(x32)
    assert g.dtype == np.float32
    same_value(lambda x: np.maximum.accumulate(x, axis=None), X[0])
    with pytest.raises(ValueError, match="multiple axes"):
        ad.grad(lambda x: np.maximum.accumulate(x, axis=None).sum())(X)
    with pytest.raises(TypeError, match="scalar"):
        ad.grad(lambda x: np.maximum.accumulate(x))(1.0)


def test_running_extreme_closed_form():
    # running max of (1, 3, 2, 5, 4): the entries attaining it are 0, 1, 1, 3, 3
    x = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    J = ad.jacrev(lambda x: np.maximum.accumulate(x))(x)
    np.testing.assert_array_equal(J, np.eye(5)[[0, 1, 1, 3, 3]])
    np.testing.assert_array_equal(ad.jacfwd(lambda x: np.maximum.accumulate(x))(x), J)


def test_running_extreme_ties_follow_max():
    # ties share 1/k, like max: entry i has the derivative of max(x[:i+1])
    x = np.array([2.0, 1.0, 2.0, 0.0, 2.0, 3.0])
    for mode in (ad.jacfwd, ad.jacrev):
        J = mode(lambda x: np.maximum.accumulate(x))(x)
        for i in range(x.size):
            want = np.zeros(x.size)
            want[:i + 1] = ad.grad(dnp.max)(x[:i + 1])
            np.testing.assert_allclose(J[i], want, rtol=0, atol=1e-15)
    np.testing.assert_allclose(J[4], [1 / 3, 0, 1 / 3, 0, 1 / 3, 0])
    # a two-way tie: the central differences see 1/2 each too
    x = np.array([1.0, 4.0, 0.5, 4.0, 2.0])
    check_jacobians(lambda x: np.minimum.accumulate(-x), x)


def test_running_extreme_nan_and_inf():
    x = np.array([1.0, np.nan, 5.0, 0.0])
    f = lambda x: np.maximum.accumulate(x)        # noqa: E731
    same_value(f, x)
    J = ad.jacrev(f)(x)
    np.testing.assert_array_equal(J[1:], np.eye(4)[[1, 1, 1]])   # the NaN's own entry
    x = np.array([-np.inf, -np.inf, 1.0, np.inf, np.inf])
    same_value(f, x)
    J = ad.jacfwd(f)(x)
    assert np.all(np.isfinite(J))
    np.testing.assert_array_equal(J, np.eye(5)[[0, 0, 2, 3, 3]])  # infinite ties: the first


def test_running_extreme_empty_and_second_order():
    same_value(lambda x: np.maximum.accumulate(x, axis=1), np.zeros((2, 0)))
    same_value(lambda x: np.maximum.accumulate(x, axis=0), np.zeros((0, 2)))
    check_grads(lambda x: np.maximum.accumulate(x * x, axis=-1), (X,), order=2)
    x = np.array([[1.0, 2.0, 2.0, 0.5], [3.0, 1.0, 3.0, 3.5]])
    check_grads(lambda x: np.maximum.accumulate(x, axis=1) ** 2, (x,), order=1)   # ties


# --- logaddexp(2).reduce / accumulate ---------------------------------------------------
@pytest.mark.parametrize("ufunc", [np.logaddexp, np.logaddexp2])
@pytest.mark.parametrize("kw", [{}, {"axis": 1}, {"axis": -2, "keepdims": True},
                                {"axis": None}, {"axis": (0, 1)}])
def test_logaddexp_reduce(ufunc, kw):
    f = lambda x: ufunc.reduce(x, **kw)        # noqa: E731
    same_value(f, X)
    check_jacobians(f, X)


def test_logaddexp_reduce_stable_and_closed_form():
    x = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, 0.0, -np.inf]])
    f = lambda x: np.logaddexp.reduce(x, axis=1)        # noqa: E731
    same_value(f, x)
    J = ad.jacrev(f)(x)
    np.testing.assert_allclose(J[0, 0], [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_array_equal(J[1, 1], [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(ad.jacfwd(f)(x), J)
    # a whole slice of -inf: -inf, derivative 0 (not NaN)
    x = np.full((2, 3), -np.inf)
    same_value(f, x)
    np.testing.assert_array_equal(ad.jacrev(f)(x), np.zeros((2, 2, 3)))
    # logaddexp2: derivative 2^(x - out)
    x = np.array([0.0, 1.0, 3.0])
    out = np.logaddexp2.reduce(x)
    np.testing.assert_allclose(ad.grad(np.logaddexp2.reduce)(x), 2.0 ** (x - out), rtol=1e-15)


def test_logaddexp_reduce_where_initial_dtype():
    w = np.array([True, False, True, True, False])
    for kw in ({"axis": 1, "where": w}, {"axis": 1, "initial": 0.5},
               {"axis": 0, "where": w, "initial": -1.0}, {"axis": 1, "dtype": np.float32}):
        f = lambda x: np.logaddexp.reduce(x, **kw)        # noqa: E731
        same_value(f, X)
        if "dtype" not in kw:
            check_jacobians(f, X)
    assert ad.grad(lambda x: np.logaddexp.reduce(x, axis=1, where=w).sum())(X)[:, 1].max() == 0
    same_value(lambda x: np.logaddexp.reduce(x, axis=1), np.zeros((2, 0)))
    same_value(lambda x: np.logaddexp.reduce(x, axis=()), X)
    with pytest.raises(NotImplementedError, match="initial"):
        ad.grad(lambda x: np.logaddexp.reduce(x, axis=None, initial=x[0, 0]))(X)


@pytest.mark.parametrize("ufunc", [np.logaddexp, np.logaddexp2])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_logaddexp_accumulate(ufunc, axis):
    f = lambda x: ufunc.accumulate(x, axis=axis)        # noqa: E731
    same_value(f, X)
    check_jacobians(f, X)


def test_logaddexp_accumulate_stable():
    # entries 1000s apart: dy_i/dx_j = exp(x_j - y_i), no overflow
    x = np.array([0.0, 1000.0, -1000.0, 2000.0, 2000.0, -np.inf])
    f = lambda x: np.logaddexp.accumulate(x)        # noqa: E731
    same_value(f, x)
    y = np.logaddexp.accumulate(x)
    with np.errstate(over="ignore"):
        want = np.tril(np.exp(x[None, :] - y[:, None]))
    for mode in (ad.jacfwd, ad.jacrev):
        J = mode(f)(x)
        assert np.all(np.isfinite(J))
        np.testing.assert_allclose(J, want, rtol=1e-14, atol=1e-300)
    # a leading run of -inf: -inf values, derivative 0 there
    x = np.array([-np.inf, -np.inf, 0.0, np.log(3.0)])
    same_value(f, x)
    J = ad.jacrev(f)(x)
    np.testing.assert_allclose(J, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0],
                                   [0, 0, 0.25, 0.75]], rtol=1e-15)
    check_grads(lambda x: np.logaddexp.accumulate(x, axis=0), (X,), order=2)


# --- add.reduceat ---------------------------------------------------------------------
@pytest.mark.parametrize("idx,axis", [([0, 2, 4], 1), ([0, 3, 1, 4, 4], -1), ([2, 0], 0),
                                      ([1], 0)])
def test_add_reduceat(idx, axis):
    f = lambda x: np.add.reduceat(x, idx, axis=axis)        # noqa: E731
    same_value(f, X)
    check_jacobians(f, X)
    check_grads(lambda x: np.add.reduceat(x * x, idx, axis=axis), (X,), order=2)


def test_reduceat_of_other_ufuncs_is_named():
    with pytest.raises(NotImplementedError, match=r"numpy\.multiply\.reduceat"):
        ad.grad(lambda x: np.multiply.reduceat(x, [0, 2]).sum())(X[0])


# --- ufunc.at -------------------------------------------------------------------------
def test_ufunc_at_is_refused_with_the_alternative():
    with pytest.raises(TypeError, match=r"numpy\.add\.at writes into its first argument "
                                        r"in place.*dualad\.numpy\.index_add\(a, indices, b\)"):
        ad.grad(lambda x: np.add.at(x, [0, 0], 1.0))(X[0])
    with pytest.raises(TypeError, match=r"numpy\.add\.at .*index_add"):       # traced b
        ad.grad(lambda b: np.add.at(np.zeros(3), [0, 0], b))(1.0)
    with pytest.raises(TypeError, match=r"numpy\.subtract\.at .*index_add\(a, indices, -b\)"):
        ad.grad(lambda x: np.subtract.at(x, [1], 2.0))(X[0])
    with pytest.raises(TypeError, match=r"numpy\.maximum\.at .*index_update"):
        ad.grad(lambda x: np.maximum.at(x, [1], 2.0))(X[0])
    # the alternative: repeated indices accumulate, as in numpy.add.at
    a = np.zeros(4)
    np.add.at(a, [0, 0, 2], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(dnp.index_add(np.zeros(4), [0, 0, 2], np.array([1.0, 2.0, 3.0])), a)
    b = np.array([1.0, 2.0, 3.0])
    J = ad.jacrev(lambda b: dnp.index_add(np.zeros(4), np.array([0, 0, 2]), b))(b)
    np.testing.assert_array_equal(J, [[1, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0]])


# --- multiply / maximum.reduce (already routed) --------------------------------------
def test_other_reduces():
    for f in (lambda x: np.multiply.reduce(x, axis=1), lambda x: np.maximum.reduce(x),
              lambda x: np.minimum.reduce(x, axis=None), lambda x: np.add.reduce(x, axis=-1)):
        same_value(f, X)
        check_jacobians(f, X)


# --- reduce of the other binary ufuncs (a fold) ----------------------------------------
POS = RNG.uniform(0.5, 2.0, (3, 5))


@pytest.mark.parametrize("f", [
    lambda x: np.subtract.reduce(x),
    lambda x: np.subtract.reduce(x, axis=1, keepdims=True),
    lambda x: np.divide.reduce(x, axis=-1),
    lambda x: np.hypot.reduce(x, axis=None),
    lambda x: np.hypot.reduce(x, axis=(0, 1), keepdims=True),
    lambda x: np.fmax.reduce(x, axis=1),
    lambda x: np.fmin.reduce(x, axis=0, initial=1.2),
    lambda x: np.power.reduce(x, axis=0),
    lambda x: np.arctan2.reduce(x, axis=1),
    lambda x: np.subtract.reduce(x, axis=1, initial=0.25),
    lambda x: np.hypot.reduce(x, axis=()),
])
def test_fold_reduce(f):
    """NumPy's value, exactly; the derivative against Richardson differences of NumPy's reduce."""
    same_value(f, POS)
    check_jacobians(f, POS)


def test_fold_reduce_closed_forms_float32_and_second_order():
    x = np.array([3.0, 4.0, 12.0])
    # hypot of all: 13; d/dx_i = x_i / 13
    np.testing.assert_allclose(ad.grad(lambda x: np.hypot.reduce(x))(x), x / 13.0, rtol=1e-15)
    # x0 - x1 - x2: (1, -1, -1); x0 / x1 / x2 = x0 / (x1 x2)
    np.testing.assert_array_equal(ad.grad(lambda x: np.subtract.reduce(x))(x), [1, -1, -1])
    np.testing.assert_allclose(ad.grad(lambda x: np.divide.reduce(x))(x),
                               [1 / 48, -3 / (16 * 12), -3 / (4 * 144)], rtol=1e-15)
    x32 = x.astype(np.float32)
    same_value(lambda x: np.hypot.reduce(x), x32)
    assert ad.grad(lambda x: np.hypot.reduce(x))(x32).dtype == np.float32
    check_grads(lambda x: np.hypot.reduce(x * x, axis=1), (POS,), order=2)
    check_grads(lambda x: np.subtract.reduce(x * x, axis=0), (POS,), order=2)


def test_fold_reduce_errors():
    with pytest.raises(ValueError, match="reorderable"):      # NumPy's own check
        ad.grad(lambda x: np.subtract.reduce(x, axis=None))(POS)
    with pytest.raises(NotImplementedError, match=r"numpy\.hypot\.reduce: where="):
        ad.grad(lambda x: np.hypot.reduce(x, where=np.array([True, False, True, True, True])).sum())(POS)
    with pytest.raises(TypeError, match="out="):
        ad.grad(lambda x: np.hypot.reduce(x, axis=0, out=np.empty(5)).sum())(POS)


def test_sort_complex():
    x = np.array([[3.0, -1.0, 2.0], [0.5, 0.25, 1.0]])
    same_value(np.sort_complex, x)
    same_value(np.sort_complex, x.astype(np.float32))          # NumPy: complex128
    z = x * (1 + 1j)
    J = ad.jacfwd(np.sort_complex)(x)
    np.testing.assert_array_equal(J, ad.jacrev(np.sort_complex)(x))
    # a permutation of each row, cast: the entries of the sorted row
    order = np.argsort(x, axis=-1)
    for r in range(2):
        for k in range(3):
            assert J[r, k, r, order[r, k]] == 1
    assert np.count_nonzero(J) == 6
    got = ad.jvp(lambda x: dnp.sort_complex(x * (1 + 1j)), (x,), (np.ones_like(x),))[1]
    np.testing.assert_array_equal(got, np.full(x.shape, 1 + 1j))
    np.testing.assert_array_equal(ad.vjp(np.sort_complex, x)[0], np.sort_complex(x))
    np.testing.assert_array_equal(dnp.sort_complex(z), np.sort_complex(z))


# --- apply_along_axis -------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_apply_along_axis(axis):
    x = RNG.standard_normal((2, 3, 4))
    scalar = lambda r: np.sum(np.sin(r) * r)        # noqa: E731
    vector = lambda r: r[::-1] * r[0]        # noqa: E731
    matrix = lambda r: np.outer(r, r[:2])        # noqa: E731
    for func in (scalar, vector, matrix):
        f = lambda x: np.apply_along_axis(func, axis, x)        # noqa: E731
        same_value(f, x)
        check_jacobians(f, x, atol=1e-6)
    f = lambda x: np.apply_along_axis(lambda r, c, k=1.0: r * c * k, axis, x, 2.0, k=3.0)  # noqa
    same_value(f, x)
    check_jacobians(f, x)


def test_apply_along_axis_traced_extra_argument():
    # dualad.numpy.apply_along_axis with plain arr and a traced extra argument
    c0 = np.array([0.5, -1.0, 2.0])
    f = lambda c: dnp.apply_along_axis(lambda r, c: r * c, 1, X[:, :3], c)        # noqa: E731
    np.testing.assert_array_equal(ad.vjp(f, c0)[0], X[:, :3] * c0)
    check_jacobians(f, c0)


def test_apply_along_axis_dtype_and_errors():
    # NumPy keeps the first result's dtype
    x = X.astype(np.float32)
    f = lambda x: np.apply_along_axis(lambda r: r.sum(), 1, x)        # noqa: E731
    same_value(f, x)
    with pytest.raises(ValueError, match="iteration dimensions are 0"):
        ad.grad(lambda x: np.apply_along_axis(np.sum, 1, x).sum())(np.zeros((0, 3)))
    check_grads(lambda x: np.apply_along_axis(lambda r: r[0] * np.exp(r[1]), 1, x), (X,),
                order=2)


# --- real_if_close, extract -------------------------------------------------------------
def test_real_if_close():
    f = lambda x: np.real_if_close(x * (1 + 1e-17j))        # noqa: E731
    same_value(f, X)
    assert np.asarray(ad.vjp(f, X)[0]).dtype == np.float64
    check_jacobians(f, X)
    g = lambda x: np.real_if_close(x * (1 + 1e-3j))        # noqa: E731  (stays complex)
    same_value(g, X)
    assert ad.vjp(g, X)[0].dtype == np.complex128
    np.testing.assert_array_equal(ad.jacfwd(lambda x: g(x).imag)(X[0]), np.eye(5) * 1e-3)
    same_value(lambda x: np.real_if_close(x * (1 + 1e-3j), tol=1e-2), X)
    same_value(lambda x: np.real_if_close(x), X)             # real input: unchanged
    assert np.isrealobj(ad.vjp(lambda x: np.real_if_close(x * (1 + 1e-3j), tol=1e-2),
                               X)[0])


def test_extract():
    cond = X > 0
    f = lambda x: np.extract(cond, x)        # noqa: E731
    same_value(f, X)
    check_jacobians(f, X)
    f = lambda x: np.extract(np.array([1, 0, 2]), x)        # noqa: E731 (shorter condition)
    same_value(f, X)
    check_jacobians(f, X)


# --- vectorize --------------------------------------------------------------------------
def test_numpy_vectorize_is_refused_but_dualad_vectorize_works():
    def f(v):
        return v * v if v > 0 else np.sin(v)
    with pytest.raises(TypeError, match="cannot become a plain numpy array"):
        ad.grad(lambda x: np.vectorize(f)(x).sum())(X)
    vf = dnp.vectorize(f)
    same_value(vf, X)
    np.testing.assert_array_equal(vf(X), np.vectorize(f)(X))
    check_jacobians(vf, X)


def test_dualad_vectorize_options():
    def f(a, b, c=1.0, mode="mul"):
        return (a * b * c, a + b) if mode == "mul" else a - b
    vf = dnp.vectorize(f, excluded={"mode"})
    x, y = X[0], X[:, :1]
    got = ad.vjp(lambda x: vf(x, y, c=2.0)[0], x)[0]
    np.testing.assert_array_equal(got, np.vectorize(f, excluded={"mode"})(x, y, c=2.0)[0])
    J = ad.jacrev(lambda x: vf(x, y, c=2.0)[0])(x)
    want = richardson_jacobian(lambda x: np.vectorize(f)(x, y, c=2.0)[0], (x,), 0)
    np.testing.assert_allclose(J, want, atol=1e-9)
    np.testing.assert_array_equal(
        ad.vjp(lambda x: vf(x, y, mode="sub"), x)[0], np.vectorize(f)(x, y, mode="sub"))
    vf32 = dnp.vectorize(lambda v: 2.0 * v, otypes=[np.float32])
    assert ad.vjp(vf32, X)[0].dtype == np.float32
    assert vf(np.float64(2.0), 3.0)[0] == 6.0                # plain: NumPy's vectorize
    with pytest.raises(NotImplementedError, match="signature"):
        ad.grad(lambda x: dnp.vectorize(np.sum, signature="(n)->()")(x).sum())(X)


def test_dualad_vectorize_of_empty_traced_input_is_numpys():
    f = dnp.vectorize(lambda t: t * 2, otypes=[float])
    g = ad.grad(lambda a: f(a).sum())(np.zeros(0))
    assert g.shape == (0,) and g.dtype == np.float64
    with pytest.raises(ValueError, match="size 0 inputs unless `otypes`"):
        ad.grad(lambda a: dnp.vectorize(lambda t: t * 2)(a).sum())(np.zeros(0))
