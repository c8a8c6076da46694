"""full, linspace / logspace / geomspace, gradient, unwrap, piecewise, i0, and the
fixes to modf, diff, sum(initial=) and nan_to_num's fill values.

Values are compared with NumPy's own (dtype and shape too, bit for bit where
dualad runs NumPy's arithmetic).  Derivatives are compared, forward
(``jacfwd``) and reverse (``jacrev``), with Richardson-extrapolated central
differences of the plain NumPy function, never with dualad's own output; each
function is reached both as ``numpy.f`` on traced values and as
``dualad.numpy.f``.  Second derivatives are checked by the specs in
tests/specs/shape.py (and for ``i0`` against its closed form here).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sp

import dualad as ad
import dualad.numpy as dnp

from ._derivatives import richardson_jacobian

BOTH = pytest.mark.parametrize("xp", [np, dnp], ids=["np", "dnp"])


def flat(f):
    """``f`` with a tuple output joined into one flat vector (NumPy or traced)."""
    def g(*a):
        out = f(*a)
        if isinstance(out, tuple):
            return np.concatenate([np.ravel(o) for o in out])
        return out
    return g


def check_jacobians(traced_f, numpy_f, args, argnums=None, rtol=1e-7, atol=1e-9):
    """jacfwd and jacrev of ``traced_f`` against differences of ``numpy_f``."""
    argnums = range(len(args)) if argnums is None else argnums
    every = tuple(range(len(args)))       # all arguments traced at once
    got = {jac.__name__: jac(flat(traced_f), argnums=every)(*args)
           for jac in (ad.jacfwd, ad.jacrev)}
    for k in argnums:
        ref = richardson_jacobian(flat(numpy_f), args, k)
        for name, jacs in got.items():
            np.testing.assert_allclose(jacs[k], ref, rtol=rtol, atol=atol,
                                       err_msg=f"{name}, argument {k}")


def f64(kw):
    """``kw`` without a ``dtype=``: the float64 function, whose differences are
    the truth for a float32 result (the cast has derivative 1)."""
    return {k: v for k, v in kw.items() if k != "dtype"}


def tol(kw, rtol=1e-7):
    return {"rtol": 2e-6, "atol": 1e-6} if "dtype" in kw else {"rtol": rtol}


def primal_out(f, args):
    """The value ``f`` returns when its arguments are traced (forward mode)."""
    tangents = tuple(np.ones_like(a) for a in args)
    return ad.jvp(f, tuple(args), tangents)[0]


def assert_same(got, ref):
    if isinstance(ref, tuple):
        assert isinstance(got, tuple) and len(got) == len(ref)
        for g, r in zip(got, ref):
            assert_same(g, r)
        return
    got, ref = np.asarray(got), np.asarray(ref)
    assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    np.testing.assert_array_equal(got, ref)


# ---------------------------------------------------------------------------------
# full
# ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,fill,dtype", [
    ((2, 3), 1.5, None), (4, np.float32(-0.0), None), ((2, 2), np.array([1.0, -2.0]), None),
    ((3,), 2.25, np.float32), ((2,), 1.75, int), ((2, 1), 1.0 + 2.0j, None),
    ((), 3.0, None)])
def test_full_values(shape, fill, dtype):
    ref = np.full(shape, fill, dtype=dtype)
    got = primal_out(lambda c: dnp.full(shape, c, dtype=dtype), (fill,))
    assert_same(got, ref)
    assert got.flags.writeable


def test_full_derivatives():
    check_jacobians(lambda c: dnp.full((2, 3), c), lambda c: np.full((2, 3), c), (1.3,))
    check_jacobians(lambda c: dnp.full((3, 2), c), lambda c: np.full((3, 2), c),
                    (np.array([0.5, -1.0]),))
    # an integer dtype: integer-valued, derivative 0
    assert ad.grad(lambda c: dnp.sum(dnp.full(3, c, dtype=int)) * 1.0)(1.5) == 0.0


def test_numpy_full_on_a_traced_fill_names_full():
    # numpy.full dispatches on like= only: it cannot reach dualad, but its
    # copyto of the traced value says what to call instead
    with pytest.raises(TypeError, match=r"numpy\.full.*dualad\.numpy\.full"):
        ad.grad(lambda c: np.sum(np.full(3, c, dtype=float)))(1.0)
    with pytest.raises(TypeError):
        ad.grad(lambda c: np.sum(np.full(3, c)))(1.0)
    assert ad.grad(lambda c: np.sum(np.full(3, 1.0)) * c)(2.0) == 3.0   # still works after


def test_numpy_copyto_into_a_traced_array_says_the_destination_is_traced():
    def f(x):
        np.copyto(x, np.ones(3))
        return np.sum(x)
    with pytest.raises(TypeError, match=r"cannot write into a traced array.*dualad\.numpy\.where"):
        ad.grad(f)(np.zeros(3))


# ---------------------------------------------------------------------------------
# linspace, logspace, geomspace
# ---------------------------------------------------------------------------------
LIN_KW = [dict(), dict(num=7, endpoint=False), dict(num=1), dict(num=0), dict(num=2),
          dict(num=5, retstep=True), dict(num=4, axis=-1), dict(num=6, dtype=np.float32),
          dict(num=1, endpoint=False, retstep=True)]
LIN_ARGS = [(0.3, 2.7), (np.array([0.1, 1.0]), np.array([[2.0], [-5.0]])),
            (-1.0, -1.0), (2.0, 1e-300)]


@BOTH
@pytest.mark.parametrize("kw", LIN_KW, ids=str)
@pytest.mark.parametrize("args", LIN_ARGS, ids=["scalars", "arrays", "equal", "tiny"])
def test_linspace_values_and_derivatives(xp, kw, args):
    ref = np.linspace(*args, **kw)
    got = primal_out(lambda a, b: xp.linspace(a, b, **kw), args)
    assert_same(got, ref)
    if kw.get("num", 50) > 0:
        check_jacobians(lambda a, b: xp.linspace(a, b, **kw),
                        lambda a, b: np.linspace(a, b, **f64(kw)), args, **tol(kw))


@BOTH
def test_linspace_dtypes_follow_numpy(xp):
    # a float32 start with a Python stop computes in float32, as NumPy does
    s = np.float32(0.1)
    for kw in (dict(num=5), dict(num=5, endpoint=False, retstep=True), dict(num=3, dtype=int)):
        ref = np.linspace(s, 3.3, **kw)
        got = primal_out(lambda a: xp.linspace(a, 3.3, **kw), (s,))
        assert_same(got, ref)
    # an integer dtype: floored values, derivative 0; a plain integer start
    assert_same(primal_out(lambda b: xp.linspace(np.arange(2), b, 4), (np.array([3.5, 9.0]),)),
                np.linspace(np.arange(2), np.array([3.5, 9.0]), 4))
    assert ad.grad(lambda b: dnp.sum(xp.linspace(0, b, 4, dtype=int)) * 1.0)(9.5) == 0.0


def test_linspace_step_zero_branch():
    # NumPy's special case (a step that underflows to 0): (k / div) * delta
    a, b = 0.0, 5e-323
    ref = np.linspace(a, b, 7)
    assert_same(primal_out(lambda s: dnp.linspace(a, s, 7), (b,)), ref)
    jv = ad.jvp(lambda s: dnp.linspace(a, s, 7), (b,), (1.0,))[1]
    np.testing.assert_allclose(jv, np.arange(7) / 6, rtol=1e-15)


LOG_KW = [dict(), dict(num=5, endpoint=False), dict(num=4, base=2.0), dict(num=3, axis=-1),
          dict(num=4, dtype=np.float32)]


@BOTH
@pytest.mark.parametrize("kw", LOG_KW, ids=str)
def test_logspace(xp, kw):
    args = (np.array([0.1, 1.0]), np.array([[2.0], [-0.5]]))
    assert_same(primal_out(lambda a, b: xp.logspace(a, b, **kw), args), np.logspace(*args, **kw))
    check_jacobians(lambda a, b: xp.logspace(a, b, **kw),
                    lambda a, b: np.logspace(a, b, **f64(kw)), args, **tol(kw, 1e-6))


@BOTH
def test_logspace_in_base(xp):
    for base in (3.0, np.array([2.0, 0.5, 1.5])):
        for axis in (0, -1):
            f = (lambda b: xp.logspace(-1.0, 2.0, 5, base=b, axis=axis))
            g = (lambda b: np.logspace(-1.0, 2.0, 5, base=b, axis=axis))
            assert_same(primal_out(f, (base,)), g(base))
            check_jacobians(f, g, (base,), rtol=1e-6)
    f = lambda a, b: xp.logspace(a, 2.0, 4, base=b)  # noqa: E731
    check_jacobians(f, lambda a, b: np.logspace(a, 2.0, 4, base=b),
                    (np.array([0.5, 1.0]), np.array([2.0, 3.0])), rtol=1e-6)


GEO_KW = [dict(), dict(num=5, endpoint=False), dict(num=1), dict(num=4, axis=-1),
          dict(num=4, dtype=np.float32)]


@BOTH
@pytest.mark.parametrize("kw", GEO_KW, ids=str)
@pytest.mark.parametrize("args", [(1.0, 1000.0), (-2.0, -0.5),
                                  (np.array([1.0, 2.0]), np.array([[3.0], [9.0]]))],
                         ids=["positive", "negative", "arrays"])
def test_geomspace(xp, kw, args):
    assert_same(primal_out(lambda a, b: xp.geomspace(a, b, **kw), args),
                np.geomspace(*args, **kw))
    check_jacobians(lambda a, b: xp.geomspace(a, b, **kw),
                    lambda a, b: np.geomspace(a, b, **f64(kw)), args, **tol(kw, 1e-6))


@BOTH
def test_geomspace_complex_is_holomorphic(xp):
    a, b = 1.0 + 0.5j, -2.0 + 1.0j
    assert_same(primal_out(lambda s, t: xp.geomspace(s, t, 5), (a, b)), np.geomspace(a, b, 5))
    for k in (0, 1):
        # J v with a real direction v equals the complex derivative times v
        tans = [0.0j, 0.0j]
        tans[k] = 1.0 + 0.0j
        _, jv = ad.jvp(lambda s, t: xp.geomspace(s, t, 5), (a, b), tuple(tans))
        ref = richardson_jacobian(lambda s, t: np.geomspace(s, t, 5), (a, b), k)
        np.testing.assert_allclose(jv, ref, rtol=1e-7, atol=1e-10)


def test_geomspace_zero_refused():
    with pytest.raises(ValueError, match="cannot include zero"):
        ad.grad(lambda s: dnp.sum(dnp.geomspace(s, 2.0, 3)))(0.0)


# ---------------------------------------------------------------------------------
# gradient
# ---------------------------------------------------------------------------------
RNG = np.random.default_rng(0)
F2 = RNG.standard_normal((4, 5))
X4 = np.array([0.0, 0.5, 1.75, 2.0])
X5 = np.array([-1.0, 0.0, 0.3, 1.1, 2.0])


@BOTH
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("spacing,kw", [
    ((), {}), ((0.7,), {}), ((0.5, 2.0), {}), ((X4, X5), {}), ((X4, 0.25), {}),
    ((X5,), {"axis": 1}), ((X5,), {"axis": -1}), ((), {"axis": (1, 0)}),
    ((np.arange(4.0) * 0.5,), {"axis": 0})], ids=str)
def test_gradient_in_f(xp, edge_order, spacing, kw):
    f = lambda a: xp.gradient(a, *spacing, edge_order=edge_order, **kw)  # noqa: E731
    g = lambda a: np.gradient(a, *spacing, edge_order=edge_order, **kw)  # noqa: E731
    assert_same(primal_out(f, (F2,)), g(F2))
    check_jacobians(f, g, (F2,))


@BOTH
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_in_the_coordinates(xp, edge_order):
    f1 = np.sin(X5) + X5 ** 3
    f = lambda x: xp.gradient(f1, x, edge_order=edge_order)  # noqa: E731
    g = lambda x: np.gradient(f1, x, edge_order=edge_order)  # noqa: E731
    np.testing.assert_array_equal(primal_out(f, (X5,)), g(X5))
    check_jacobians(f, g, (X5,), rtol=1e-6)
    # both at once, coordinates along axis 0 and a scalar spacing along axis 1
    f = lambda a, x, h: xp.gradient(a, x, h, edge_order=edge_order)  # noqa: E731
    g = lambda a, x, h: np.gradient(a, x, h, edge_order=edge_order)  # noqa: E731
    assert_same(primal_out(f, (F2, X4, 0.3)), g(F2, X4, 0.3))
    check_jacobians(f, g, (F2, X4, 0.3), rtol=1e-6)


def test_gradient_evenly_spaced_traced_coordinates():
    # traced coordinates use the general formula (the coordinates may move
    # apart): values equal NumPy's shortcut to rounding, derivatives are right
    x = np.arange(5.0) * 0.5
    f1 = X5 ** 2
    got = primal_out(lambda c: dnp.gradient(f1, c, edge_order=2), (x,))
    np.testing.assert_allclose(got, np.gradient(f1, x, edge_order=2), rtol=1e-14, atol=1e-14)
    check_jacobians(lambda c: dnp.gradient(f1, c, edge_order=2),
                    lambda c: np.gradient(f1, c, edge_order=2), (x,), rtol=1e-6)


def test_gradient_dtypes_and_errors():
    f32 = F2.astype(np.float32)
    assert_same(primal_out(lambda a: dnp.gradient(a, axis=0), (f32,)), np.gradient(f32, axis=0))
    # a traced float64 spacing with float32 values: NumPy writes into float32
    assert_same(primal_out(lambda h: dnp.gradient(f32, h, axis=1), (0.3,)),
                np.gradient(f32, np.float64(0.3), axis=1))
    # integer values with traced coordinates
    fi = np.array([1, 4, 9, 16, 25])
    assert_same(primal_out(lambda x: np.gradient(fi, x), (X5,)), np.gradient(fi, X5))
    with pytest.raises(ValueError, match="too small"):
        ad.grad(lambda a: dnp.sum(dnp.gradient(a, edge_order=2)))(np.ones(2))
    with pytest.raises(ValueError, match="distances must match"):
        ad.grad(lambda x: dnp.sum(dnp.gradient(F2[0], x)))(np.ones(3))
    with pytest.raises(TypeError, match="invalid number of arguments"):
        ad.grad(lambda a: dnp.sum(dnp.gradient(a, 1.0, 2.0, 3.0)))(F2)
    with pytest.raises(ValueError, match="'edge_order' greater than 2"):
        ad.grad(lambda a: dnp.sum(dnp.gradient(a, edge_order=3)))(F2)


# ---------------------------------------------------------------------------------
# unwrap
# ---------------------------------------------------------------------------------
P1 = np.array([0.0, 3.0, -3.0, 0.5, 7.0, 1.0, -6.3])


@BOTH
@pytest.mark.parametrize("kw", [dict(), dict(discont=4.0), dict(period=5.0),
                                dict(period=360.0, discont=100.0)], ids=str)
def test_unwrap_in_p(xp, kw):
    p = P1 * (50.0 if kw.get("period") == 360.0 else 1.0)
    assert_same(primal_out(lambda q: xp.unwrap(q, **kw), (p,)), np.unwrap(p, **kw))
    check_jacobians(lambda q: xp.unwrap(q, **kw), lambda q: np.unwrap(q, **kw), (p,))
    # the derivative is exactly 1, across the jumps too
    np.testing.assert_array_equal(ad.jacfwd(lambda q: xp.unwrap(q, **kw))(p), np.eye(p.size))


@BOTH
def test_unwrap_axis_and_float32(xp):
    p = np.stack([P1, -P1[::-1]])
    for axis in (0, 1, -1):
        assert_same(primal_out(lambda q: xp.unwrap(q, axis=axis), (p,)), np.unwrap(p, axis=axis))
        check_jacobians(lambda q: xp.unwrap(q, axis=axis), lambda q: np.unwrap(q, axis=axis), (p,))
    p32 = P1.astype(np.float32)
    assert_same(primal_out(lambda q: xp.unwrap(q), (p32,)), np.unwrap(p32))


def test_unwrap_in_the_period():
    for p, period in ((P1, 5.0), (P1 * 3.0, 2.5), (np.array([0.0, 2.5, 0.0, -2.5, 1.0]), 5.2)):
        f = lambda T: dnp.unwrap(p, period=T)  # noqa: E731
        assert_same(primal_out(f, (period,)), np.unwrap(p, period=period))
        check_jacobians(f, lambda T: np.unwrap(p, period=T), (period,))
        check_jacobians(lambda q, T: dnp.unwrap(q, period=T),
                        lambda q, T: np.unwrap(q, period=T), (p, period))


def test_numpy_unwrap_with_a_traced_period_on_plain_p_names_unwrap():
    with pytest.raises(TypeError, match=r"numpy\.unwrap.*dualad\.numpy\.unwrap"):
        ad.grad(lambda T: np.sum(np.unwrap(P1, period=T)))(5.0)


# ---------------------------------------------------------------------------------
# piecewise
# ---------------------------------------------------------------------------------
XP = np.array([-1.5, -0.2, 0.3, 0.9, 2.0])


@BOTH
@pytest.mark.parametrize("case", ["two", "otherwise", "constant", "overlap", "args", "scalar"])
def test_piecewise(xp, case):
    def make(m):
        def f(x):
            if case == "two":
                return m.piecewise(x, [x < 0, x >= 0], [lambda v: -v ** 2, lambda v: v ** 3])
            if case == "otherwise":
                return m.piecewise(x, [x < 0], [lambda v: np.sin(v), lambda v: np.exp(v)])
            if case == "constant":
                return m.piecewise(x, [x < 0, x > 1], [lambda v: v * v, 7.0, lambda v: 2 * v])
            if case == "overlap":      # later conditions win
                return m.piecewise(x, [x < 1, x < 0], [lambda v: 3 * v, lambda v: v ** 2])
            if case == "args":
                return m.piecewise(x, [x < 0], [lambda v, k: k * v, lambda v, k: v / k], 2.5)
            return m.piecewise(x[2], x[2] > 0, [lambda v: v ** 2, lambda v: -v])
        return f
    assert_same(primal_out(make(xp), (XP,)), make(np)(XP))
    check_jacobians(make(xp), make(np), (XP,))


def test_piecewise_traced_constants_and_closures():
    c = np.array([XP < 0, XP > 1])

    def f(s):
        return dnp.piecewise(XP, c, [lambda v: s * v, s, lambda v: s * s])

    def g(s):
        return np.piecewise(XP, c, [lambda v: s * v, s, lambda v: s * s])
    assert_same(primal_out(f, (1.5,)), g(1.5))
    check_jacobians(f, g, (1.5,))
    # values cast into x's dtype, as NumPy does
    x32 = XP.astype(np.float32)
    got = primal_out(lambda v: dnp.piecewise(v, [v < 0], [lambda u: u * 2.0, 1.0]), (x32,))
    assert_same(got, np.piecewise(x32, [x32 < 0], [lambda u: u * 2.0, 1.0]))


# ---------------------------------------------------------------------------------
# i0
# ---------------------------------------------------------------------------------
@BOTH
def test_i0(xp):
    x = np.array([-9.5, -3.0, 0.0, 0.7, 7.9, 8.0, 8.1, 20.0])
    assert_same(primal_out(xp.i0, (x,)), np.i0(x))
    x32 = x.astype(np.float32)
    assert_same(primal_out(xp.i0, (x32,)), np.i0(x32))
    check_jacobians(xp.i0, np.i0, (x,))
    # second order against the closed form i0'' = i0 - i1 / x (and 1/2 at 0)
    xs = np.array([-3.0, 0.7, 8.0, 12.5])
    h = ad.jacfwd(ad.grad(lambda v: dnp.sum(xp.i0(v))))(xs)
    np.testing.assert_allclose(np.diag(h), sp.i0(xs) - sp.i1(xs) / xs, rtol=1e-12)
    assert float(ad.grad(ad.grad(xp.i0))(0.0)) == pytest.approx(0.5, rel=1e-14)


def test_i0_complex_refused_as_numpy_does():
    with pytest.raises(TypeError, match="complex"):
        ad.grad(lambda z: dnp.real(dnp.i0(z)))(1.0 + 0.0j)


# ---------------------------------------------------------------------------------
# modf, diff, sum(initial=), nan_to_num
# ---------------------------------------------------------------------------------
@pytest.mark.parametrize("x", [np.array([1, -2, 3]), np.array([1, 2], dtype=np.int8),
                               np.array([True, False]), np.uint64(7),
                               np.array([1.5, -2.25], dtype=np.float32), 2.5, 3])
def test_modf_plain_is_numpys(x):
    assert_same(dnp.modf(x), np.modf(x))


def test_modf_traced():
    x = np.array([1.5, -2.25, 3.25])
    assert_same(primal_out(lambda v: dnp.modf(v), (x,)), np.modf(x))
    check_jacobians(lambda v: dnp.modf(v)[0], lambda v: np.modf(v)[0], (x,))


@pytest.mark.parametrize("kw", [dict(), dict(n=2), dict(prepend=True),
                                dict(append=[[False], [True]]), dict(axis=0), dict(n=0)],
                         ids=str)
def test_diff_of_plain_bool_is_numpys(kw):
    b = np.array([[True, False, False, True], [False, False, True, True]])
    assert_same(dnp.diff(b, **kw), np.diff(b, **kw))


@BOTH
def test_sum_initial_traced(xp):
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    for kw in (dict(), dict(axis=0), dict(axis=1, keepdims=True),
               dict(axis=1, where=np.array([True, False, True]))):
        f = lambda s: dnp.sum(a, initial=s, **kw)  # noqa: E731
        assert_same(primal_out(f, (0.5,)), np.sum(a, initial=0.5, **kw))
        check_jacobians(f, lambda s: np.sum(a, initial=s, **kw), (0.5,))
        # traced a and traced initial through numpy.sum (dispatched on a)
        check_jacobians(lambda v, s: xp.sum(v, initial=s, **kw),
                        lambda v, s: np.sum(v, initial=s, **kw), (a, 0.5))
    # initial is cast to the sum's dtype, as NumPy casts it
    a32 = a.astype(np.float32)
    assert_same(primal_out(lambda s: dnp.sum(a32, initial=s), (np.float64(0.1),)),
                np.sum(a32, initial=np.float64(0.1)))
    assert_same(primal_out(lambda v: dnp.sum(v, initial=np.float64(0.1)), (a32,)),
                np.sum(a32, initial=np.float64(0.1)))


def test_numpy_sum_of_plain_values_with_traced_initial_is_refused():
    # numpy.sum dispatches on its array only, then converts initial with float():
    # a TypeError (dualad.numpy.sum is the way, above)
    with pytest.raises(TypeError):
        ad.grad(lambda s: np.sum(np.ones(3), initial=s))(1.0)


XN = np.array([np.nan, 1.0, np.inf, -np.inf, -2.0, np.nan])


@BOTH
def test_nan_to_num_traced_fills(xp):
    def f(x, s, t, u):
        return xp.nan_to_num(x, nan=s, posinf=t, neginf=u)

    def g(x, s, t, u):
        return np.nan_to_num(x, nan=s, posinf=t, neginf=u)
    args = (XN, 0.5, 9.0, -7.0)
    # numpy.nan_to_num dispatches on x: through np, x is traced too
    assert_same(primal_out(f, args), g(*args))
    check_jacobians(f, g, args)
    # traced x and traced fills together; a fill with the default for the others
    xs = np.array([0.5, np.nan, 2.0])
    j = ad.jacrev(lambda x, s: f(x, s, None, None), argnums=(0, 1))(xs, 3.0)
    np.testing.assert_array_equal(j[0], np.diag([1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(j[1], [0.0, 1.0, 0.0])
    assert_same(primal_out(lambda x, s: xp.nan_to_num(x, nan=s), (XN, 0.5)),
                np.nan_to_num(XN, nan=0.5))


def test_nan_to_num_traced_fill_dtypes():
    x32 = XN.astype(np.float32)
    assert_same(primal_out(lambda s: dnp.nan_to_num(x32, nan=s), (np.float64(0.1),)),
                np.nan_to_num(x32, nan=np.float64(0.1)))
    xc = np.array([complex(np.nan, 1.0), complex(2.0, np.nan), 3.0 + 4.0j,
                   complex(np.inf, np.nan)])
    f = lambda s: dnp.nan_to_num(xc, nan=s)  # noqa: E731
    assert_same(primal_out(f, (1.5,)), np.nan_to_num(xc, nan=1.5))
    jv = ad.jvp(f, (1.5,), (1.0,))[1]
    np.testing.assert_array_equal(jv, [1.0, 1.0j, 0.0, 1.0j])
    xi = np.array([1, 2])
    assert_same(primal_out(lambda s: dnp.nan_to_num(xi, nan=s), (1.5,)), np.nan_to_num(xi))


def test_numpy_nan_to_num_of_plain_values_names_nan_to_num():
    with pytest.raises(TypeError, match=r"numpy\.nan_to_num.*dualad\.numpy\.nan_to_num"):
        ad.grad(lambda s: np.sum(np.nan_to_num(XN, nan=s)))(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ad.grad(lambda s: dnp.sum(dnp.nan_to_num(XN, nan=s)))(1.0) == 2.0
