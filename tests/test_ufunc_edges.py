"""Element-wise rules at extreme arguments, against closed forms: no overflow or
underflow of intermediate squares, and no ``0 * inf`` at ``x**0``."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp


@pytest.mark.parametrize("x", [1e200, -3e160, 1e-300, 0.7])
def test_arcsinh_far_out(x):
    want = 1.0 / np.sqrt(x * x + 1) if abs(x) < 1e150 else 1.0 / abs(x)
    assert ad.grad(dnp.arcsinh)(x) == pytest.approx(want, rel=1e-15, abs=0)
    # second derivative -x / (x^2 + 1)^1.5, written as -sign(x) / x^2 far out
    want2 = -x / (x * x + 1) ** 1.5 if abs(x) < 1e100 else -np.sign(x) / x / x
    assert ad.grad(ad.grad(dnp.arcsinh))(x) == pytest.approx(want2, rel=1e-14, abs=0)


@pytest.mark.parametrize("x", [1e160, 1e300, 1.7])
def test_arccosh_far_out(x):
    want = 1.0 / np.sqrt(x * x - 1) if x < 1e150 else 1.0 / x
    assert ad.grad(dnp.arccosh)(x) == pytest.approx(want, rel=1e-15, abs=0)


@pytest.mark.parametrize("y, x", [(1e-200, 1e-200), (1e200, 1e200), (3e-170, -4e-170),
                                  (0.3, -0.4)])
def test_arctan2_far_out(y, x):
    gy, gx = ad.grad(dnp.arctan2, argnums=(0, 1))(y, x)
    r2 = (x / 1e100) ** 2 + (y / 1e100) ** 2 if abs(x) > 1e100 else None
    if abs(x) > 1e100:
        want = (x / 1e100 / r2 / 1e100, -y / 1e100 / r2 / 1e100)
    elif abs(x) < 1e-100:
        s2 = (x * 1e200) ** 2 + (y * 1e200) ** 2
        want = (x * 1e200 / s2 * 1e200, -y * 1e200 / s2 * 1e200)
    else:
        want = (x / (x * x + y * y), -y / (x * x + y * y))
    assert gy == pytest.approx(want[0], rel=1e-14, abs=0)
    assert gx == pytest.approx(want[1], rel=1e-14, abs=0)


def test_power_array_exponent_zero_at_zero():
    y = np.array([0.0, 2.0, 3.0, 0.0])
    x = np.array([0.0, 0.0, 2.0, 1.5])
    with np.errstate(all="raise"):            # not even a warning
        g = ad.grad(lambda a: dnp.sum(dnp.power(a, y)))(x)
        t = ad.jvp(lambda a: dnp.power(a, y), (x,), (np.ones(4),))[1]
        h = ad.hessian(lambda a: dnp.sum(a ** y))(x)
    np.testing.assert_array_equal(g, [0.0, 0.0, 12.0, 0.0])
    np.testing.assert_array_equal(t, [0.0, 0.0, 12.0, 0.0])
    np.testing.assert_array_equal(np.diag(h), [0.0, 2.0, 12.0, 0.0])
    assert ad.grad(lambda a: a ** np.array(0.0))(0.0) == 0.0


# x = +-(1 - d) with d a power of two: 1 - x^2 = d (2 - d) exactly, the closed
# forms below do not cancel; 1 - x * x loses about log10(1/d) digits there
_D = [2.0 ** -27, 2.0 ** -40, 2.0 ** -10, 0.25]
_NEAR_ONE = {
    # name: (first derivative, second derivative) as functions of x and u = 1 - x^2
    "arcsin": (lambda x, u: 1 / np.sqrt(u), lambda x, u: x / u ** 1.5),
    "arccos": (lambda x, u: -1 / np.sqrt(u), lambda x, u: -x / u ** 1.5),
    "arctanh": (lambda x, u: 1 / u, lambda x, u: 2 * x / (u * u)),
}


@pytest.mark.parametrize("name", sorted(_NEAR_ONE))
@pytest.mark.parametrize("d", _D)
@pytest.mark.parametrize("sgn", [1.0, -1.0])
def test_inverse_trig_near_one_full_precision(name, d, sgn):
    f = getattr(dnp, name)
    x = sgn * (1.0 - d)
    u = d * (2.0 - d)
    d1, d2 = _NEAR_ONE[name]
    want1, want2 = d1(x, u), d2(x, u)
    for got in (ad.grad(f)(x), ad.jvp(f, (x,), (1.0,))[1]):
        assert float(got) == pytest.approx(want1, rel=4e-16, abs=0)
    for got in (ad.grad(ad.grad(f))(x), ad.jacfwd(ad.jacfwd(f))(x),
                ad.jacfwd(ad.jacrev(f))(x), ad.jacrev(ad.jacfwd(f))(x)):
        assert float(got) == pytest.approx(want2, rel=1e-15, abs=0)


@pytest.mark.parametrize("name", sorted(_NEAR_ONE))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x", [1e-20, -1e-12, 3e-8, 1e-6, -0.3, 0.49, 0.51, -0.7])
def test_inverse_trig_second_derivative_near_zero(name, dtype, x):
    """arcsin'' = x / (1 - x^2)^1.5 (arccos'' its negative), arctanh'' =
    2x / (1 - x^2)^2 (closed forms, evaluated in float64: exact to rounding).
    Near 0 the factor (1 - x)(1 + x) differentiated to -(1 + x) + (1 - x), which
    cancelled: arcsin''(1e-20) was 0, arcsin''(1e-12) off by 3.3e-5, and float32
    exactly 0 below 6e-8 (all nestings)."""
    f = getattr(dnp, name)
    xv = dtype(x)
    xd = float(xv)
    u = (1 - xd) * (1 + xd)
    d1, d2 = _NEAR_ONE[name]
    want1, want2 = d1(xd, u), d2(xd, u)
    rtol = 8e-16 if dtype == np.float64 else 3e-7
    assert float(ad.grad(f)(xv)) == pytest.approx(want1, rel=rtol, abs=0)
    hessians = (ad.grad(ad.grad(f))(xv), ad.hessian(f)(xv), ad.jacfwd(ad.jacfwd(f))(xv),
                ad.jacrev(ad.jacrev(f))(xv), ad.jacfwd(ad.jacrev(f))(xv),
                ad.jvp(lambda v: ad.jvp(f, (v,), (dtype(1),))[1], (xv,), (dtype(1),))[1])
    for got in hessians:
        assert np.asarray(got).dtype == dtype
        assert float(got) == pytest.approx(want2, rel=rtol, abs=0)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("z", [1e-20 * (1 + 1j), 1e-20 * (1 - 1j), 1e-9 - 3e-9j, 0.2 + 0.3j,
                               complex(0.3, -0.0), complex(-0.3, 0.0), 0.6 - 0.2j])
def test_complex_inverse_trig_second_derivative_near_zero(dtype, z):
    """Holomorphic second derivatives by jvp over jvp, against closed forms in
    complex128 (principal branches; no cut is near these points):
    arcsin'' = z (1 - z^2)^-1.5, arctanh'' = 2z (1 - z^2)^-2, and
    arccosh'' = -z / (sqrt(z - 1) sqrt(z + 1))^3.  arcsin''(1e-20 (1+i)) was
    1e-20j (the real part cancelled)."""
    zv = dtype(z)
    zd = complex(zv)
    s = np.sqrt(np.complex128(zd - 1)) * np.sqrt(np.complex128(zd + 1))
    truth = {"arcsin": zd / (1 - zd * zd) ** 1.5, "arccos": -zd / (1 - zd * zd) ** 1.5,
             "arctanh": 2 * zd / (1 - zd * zd) ** 2, "arccosh": -zd / s ** 3}
    rtol = 1e-15 if dtype == np.complex128 else 4e-7
    one = dtype(1)
    for name, want in truth.items():
        f = getattr(dnp, name)
        got = ad.jvp(lambda v: ad.jvp(f, (v,), (one,))[1], (zv,), (one,))[1]
        assert np.asarray(got).dtype == dtype
        assert abs(complex(got) - want) <= rtol * abs(want), (name, got, want)


# y (y-1) x**(y-2), y x**(y-1), x**(y-1) (1 + y log x) by mpmath (mp.dps = 40) at
# the float32 / float64 values of x and y
_POW_SMALL_Y = [
    (np.float32, 1e-20, 1e-5, -9.9952963180762005626e+34, 999539595483771.81673,
     99907931573946564972.0),
    (np.float64, 1e-155, 1e-5, -9.9642739006728701214e+304, 9.9643735444083143471e+149,
     9.92881062653252635e+154),
    (np.float64, 1e-156, -1e-5, 1.0036085278110378053e+307, -1.0035984918261195844e+151,
     1.0072034504716625044e+156),
]


@pytest.mark.parametrize("dtype, x, y, d2, d1, dxy", _POW_SMALL_Y)
def test_power_second_derivative_where_x_to_the_y_minus_2_overflows(dtype, x, y, d2, d1, dxy):
    """d2/dx2 x**y = y (y-1) x**(y-2) is representable for small y where
    x**(y-2) itself overflows; it was formed as (y-1) x**(y-2) times y: -inf."""
    x, y = dtype(x), dtype(y)
    rtol = 1e-14 if dtype == np.float64 else 2e-6
    f = lambda v: dnp.power(v, y)
    for d in (ad.hessian, lambda q: ad.grad(ad.grad(q)), lambda q: ad.jacrev(ad.jacrev(q)),
              lambda q: ad.jacfwd(ad.jacfwd(q)), lambda q: ad.jacfwd(ad.jacrev(q))):
        got = d(f)(x)
        assert np.asarray(got).dtype == dtype
        assert float(got) == pytest.approx(d2, rel=rtol, abs=0)
    assert float(ad.grad(f)(x)) == pytest.approx(d1, rel=rtol, abs=0)
    # both arguments traced; an array mixing such an entry with a plain one
    h = ad.hessian(lambda v: v[0] ** v[1])(np.array([x, y]))
    assert float(h[0, 0]) == pytest.approx(d2, rel=rtol, abs=0)
    assert float(h[0, 1]) == pytest.approx(dxy, rel=rtol, abs=0)
    assert float(h[1, 0]) == pytest.approx(dxy, rel=rtol, abs=0)
    xs = np.array([x, 2.0], dtype=dtype)
    for d in (ad.hessian, ad.jacrev):
        h = d(lambda v: dnp.sum(v ** y) if d is ad.hessian
              else ad.grad(lambda w: dnp.sum(w ** y))(v))(xs)
        assert float(h[0, 0]) == pytest.approx(d2, rel=rtol, abs=0)
        assert float(h[1, 1]) == pytest.approx(float(y) * (float(y) - 1) * 2.0 ** (float(y) - 2),
                                               rel=rtol, abs=0)


def test_power_first_derivative_where_x_to_the_y_minus_1_overflows():
    """d/dx x**1e-5 = 1e-5 x**(-0.99999) at a subnormal x: x**(y-1) overflows,
    the product does not (was inf).  Truth by mpmath: 9.99084749670417e+34
    (float32 x = 1e-40), 9.92887401325046e+304 (float64 x = 1e-310)."""
    x, y = np.float32(1e-40), np.float32(1e-5)
    assert float(ad.grad(lambda v: v ** y)(x)) == pytest.approx(9.99084749670417e+34,
                                                                rel=2e-6, abs=0)
    assert float(ad.jvp(lambda v: v ** y, (x,), (np.float32(1),))[1]) == pytest.approx(
        9.99084749670417e+34, rel=2e-6, abs=0)
    assert float(ad.grad(lambda v: v ** 1e-5)(1e-310)) == pytest.approx(
        9.92887401325046e+304, rel=1e-9, abs=0)     # x = 1e-310 is subnormal: 1e-9


@pytest.mark.parametrize("dtype, y, x", [(np.float32, 1e-30, 1e-20), (np.float32, 1e-28, -3e-19),
                                          (np.float32, 1e15, 3e14), (np.float64, 1e-120, 1e-110),
                                          (np.float64, 1e-300, 1e-150),
                                          (np.float64, 2e-250, -1e-140)])
def test_arctan2_second_derivatives_by_reverse_over_reverse_at_extreme_radius(dtype, y, x):
    """d2/dy2 atan2(y, x) = -2xy / r^4 and d2/dx2 = 2xy / r^4 (closed forms in
    exact rational arithmetic at the rounded inputs), representable here; reverse over reverse
    met the cotangent of r = hypot(x, y), ~ 1/r^3, which overflows (float32 at
    |(x, y)| = 1e-20: -inf; the Hessian by forward over reverse was right)."""
    yv, xv = dtype(y), dtype(x)
    from fractions import Fraction
    yd, xd = Fraction(float(yv)), Fraction(float(xv))
    r2 = xd * xd + yd * yd
    want = float(-2 * xd * yd / r2 / r2)
    rtol = 1e-14 if dtype == np.float64 else 2e-6
    fy = lambda v: dnp.arctan2(v, xv)
    fx = lambda v: dnp.arctan2(yv, v)
    for d in (lambda q: ad.grad(ad.grad(q)), lambda q: ad.jacrev(ad.jacrev(q)), ad.hessian,
              lambda q: ad.jacfwd(ad.jacfwd(q)), lambda q: ad.jacrev(ad.jacfwd(q))):
        for f, w, at in ((fy, want, yv), (fx, -want, xv)):
            got = d(f)(at)
            assert np.asarray(got).dtype == dtype
            assert float(got) == pytest.approx(w, rel=rtol, abs=0)
    # first derivatives unchanged: x / r^2, -y / r^2
    assert float(ad.grad(fy)(yv)) == pytest.approx(float(xd / r2), rel=rtol, abs=0)
    assert float(ad.grad(fx)(xv)) == pytest.approx(float(-yd / r2), rel=rtol, abs=0)


@pytest.mark.parametrize("dtype, x, y", [(np.float64, 1.0, 1e-9), (np.float64, -2.0, 1e-3),
                                          (np.float32, 1.0, 1e-5), (np.float32, 30.0, 1.0),
                                          (np.float64, 3e-200, -4e-205), (np.float64, 0.3, 0.4)])
def test_hypot_second_derivatives_where_one_argument_dominates(dtype, x, y):
    """d2/dx2 hypot(x, y) = y^2 / h^3, d2/dxdy = -xy / h^3, d2/dy2 = x^2 / h^3
    (closed forms; h^2 in exact rationals).  The x-factor x / h differentiated
    to 1/h - x^2/h^3, which cancels for |y| << |x|: 0 instead of 1e-18 at
    (1, 1e-9), 0 instead of 1e-10 in float32 at (1, 1e-5), 5e-5 off at (30, 1)."""
    import math
    from fractions import Fraction
    xv, yv = dtype(x), dtype(y)
    xf, yf = Fraction(float(xv)), Fraction(float(yv))
    h2 = xf * xf + yf * yf
    h3 = float(h2) ** 1.5 if float(h2) > 1e-300 else None
    if h3 is None:               # scale out 2^-600 (exact) to stay in range
        c = Fraction(2) ** 600
        h3s = float(h2 * c * c) ** 1.5
        want = [float(v * c * c / Fraction(h3s)) * 2.0 ** 600
                for v in (yf * yf, -xf * yf, xf * xf)]
    else:
        want = [float(v / Fraction(h3)) for v in (yf * yf, -xf * yf, xf * xf)]
    rtol = 4e-15 if dtype == np.float64 else 1e-6
    fxx = lambda v: dnp.hypot(v, yv)
    fyy = lambda v: dnp.hypot(xv, v)
    for d in (lambda q: ad.grad(ad.grad(q)), lambda q: ad.jacrev(ad.jacrev(q)), ad.hessian,
              lambda q: ad.jacfwd(ad.jacfwd(q))):
        assert float(d(fxx)(xv)) == pytest.approx(want[0], rel=rtol, abs=0)
        assert float(d(fyy)(yv)) == pytest.approx(want[2], rel=rtol, abs=0)
    h = ad.hessian(lambda v: dnp.hypot(v[0], v[1]))(np.array([xv, yv]))
    np.testing.assert_allclose(h, [[want[0], want[1]], [want[1], want[2]]], rtol=rtol, atol=0)
    # first derivatives x / h, y / h
    want1 = math.copysign(1 / math.sqrt(float(1 + (yf / xf) ** 2)), x)
    assert float(ad.grad(fxx)(xv)) == pytest.approx(want1, rel=rtol, abs=0)


def test_arcsin_auditor_point():
    x = 0.9999999933693055
    d = 1.0 - x                 # exact (Sterbenz)
    assert float(ad.grad(dnp.arcsin)(x)) == pytest.approx(1 / np.sqrt(d * (2 - d)),
                                                          rel=4e-16, abs=0)


@pytest.mark.parametrize("x", [-745.0, -40.0, -5.0, -0.6, 0.0, 3.0, 700.0])
def test_expm1_derivatives_are_exp_also_far_below_zero(x):
    """d/dx expm1 = e^x at every order.  The rule ans + 1 cancels for x < 0
    (it gave 0 from x = -37 on, and lost eps e^-x relative before)."""
    import math
    want = math.exp(x)
    np.testing.assert_allclose(ad.grad(dnp.expm1)(x), want, rtol=4e-16, atol=0)
    np.testing.assert_allclose(ad.hessian(dnp.expm1)(x), want, rtol=4e-16, atol=0)
    xs = np.array([x, 1.0])
    np.testing.assert_allclose(ad.jvp(dnp.expm1, (xs,), (np.ones(2),))[1], np.exp(xs),
                               rtol=4e-16, atol=0)


def test_power_with_a_list_exponent_or_base():
    """x ** [1, 2] (NumPy reads the list as an array) raised a TypeError in the
    rules (so did arctan2 and float_power with a list operand); closed forms d/dx x^p = p x^(p-1), d2 = p (p-1) x^(p-2), d/dx b^x = b^x ln b."""
    x = np.array([2.0, 3.0])
    for p in ([1.0, 2.0], (2, 3)):
        pa = np.asarray(p, dtype=float)
        for f in (lambda v: v ** p, lambda v: dnp.power(v, p)):
            np.testing.assert_allclose(ad.jacobian(f)(x), np.diag(pa * x ** (pa - 1)))
            np.testing.assert_allclose(ad.hessian(lambda v: dnp.sum(f(v)))(x),
                                       np.diag(pa * (pa - 1) * x ** (pa - 2)))
    np.testing.assert_allclose(ad.jacobian(lambda v: [1.0, 2.0] ** v)(x),
                               np.diag(np.array([1.0, 2.0]) ** x * np.log([1.0, 2.0])))
    # the same for every element-wise binary function: d/dx arctan2(c, x) = -c / (x^2 + c^2)
    c = np.array([1.0, 2.0])
    np.testing.assert_allclose(ad.jacobian(lambda v: dnp.arctan2([1.0, 2.0], v))(x),
                               np.diag(-c / (x * x + c * c)))
    np.testing.assert_allclose(ad.jacobian(lambda v: dnp.float_power(v, [1.0, 2.0]))(x),
                               np.diag(c * x ** (c - 1)))


def test_masked_zero_times_inf_raises_no_invalid_warning():
    """``times_finite_zero`` forms ``0 * inf`` and masks it to 0: the NaN it
    masks is its own business, so no 'invalid value' RuntimeWarning reaches
    the user (whose code may turn warnings into errors).  The 'divide by zero'
    of sqrt's own rule at 0 (``0.5 / 0 = inf``, its true derivative there,
    which the unguarded where() then discards) is NumPy's and stays: expected."""
    import warnings
    f = lambda x: dnp.sum(dnp.where(x > 0, dnp.sqrt(dnp.abs(x)), 0.0))   # noqa: E731
    x = np.array([0.0, 1.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for t in (ad.grad, ad.jacfwd, ad.hessian):
            t(f)(x)
    invalid = [w for w in caught if "invalid value" in str(w.message)]
    assert not invalid, [str(w.message) for w in invalid]
    assert all("divide by zero" in str(w.message) for w in caught), [str(w.message) for w in caught]
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        np.testing.assert_array_equal(ad.grad(f)(x), [0.0, 0.5])


@pytest.mark.parametrize("base", ["e", "2"])
@pytest.mark.parametrize("x, y", [(0.0, 20.0), (0.0, 40.0), (-5.0, 60.0), (1e3, 1e3 + 30), (3.0, -1.0)])
def test_logaddexp_second_derivative_where_one_share_is_near_one(base, x, y):
    """d²/dy² logaddexp(x, y) = c² s (1 - s), s = share of y.  Differentiating
    exp(y - ans) formed 1 - s from s ~ 1: 0 instead of 4.2e-18 at spread 40,
    1.3% off at 30.  Closed form from the smaller share, which has no
    cancellation: s (1 - s) = e^-u / (1 + e^-u)² with u = |y - x| c."""
    import math
    c = 1.0 if base == "e" else math.log(2.0)
    f = dnp.logaddexp if base == "e" else dnp.logaddexp2
    u = (y - x) * c
    w = math.exp(-abs(u)) / (1 + math.exp(-abs(u))) ** 2      # s (1 - s)
    sy = 1 / (1 + math.exp(-u))
    sx = math.exp(-u) / (1 + math.exp(-u)) if u > 0 else 1 / (1 + math.exp(u))
    h = c * w * np.array([[1.0, -1.0], [-1.0, 1.0]])
    v = np.array([x, y])
    F = lambda v: f(v[0], v[1])                                 # noqa: E731
    np.testing.assert_allclose(ad.grad(F)(v), [sx, sy], rtol=1e-14, atol=0)
    for name, hess in (("fwd-rev", ad.hessian(F)), ("rev-rev", ad.jacrev(ad.grad(F))),
                       ("fwd-fwd", ad.jacfwd(ad.jacfwd(F)))):
        np.testing.assert_allclose(hess(v), h, rtol=1e-13, atol=0, err_msg=name)


def _four_hessians(f, x):
    return {"fwd-rev": ad.hessian(f)(x), "rev-rev": ad.jacrev(ad.grad(f))(x),
            "fwd-fwd": ad.jacfwd(ad.jacfwd(f))(x), "rev-fwd": ad.jacrev(ad.jacfwd(f))(x)}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name, f, truth", [
    # d²/dx² of log(c x) is -1/x² whatever c: the intermediate ans / y = 1 / (c x)²
    # under- or overflowed in divide's y-rule (log's rule divides by its argument)
    ("log(1e200 x)", lambda x: dnp.log(1e200 * x), -1.0),
    ("log(1e-200 x)", lambda x: dnp.log(1e-200 * x), -1.0),
    ("log(exp(-400 x) x)", lambda x: dnp.log(dnp.exp(-400.0 * x) * x), -1.0),
    ("log2(1e200 / x)", lambda x: dnp.log2(1e200 / x), 1.0 / np.log(2.0)),
    ("x / y at tiny x, y", lambda x: 1e-300 / (1e-200 * x), 2e-100),
])
def test_divide_second_derivatives_where_x_over_y_squared_leaves_the_range(name, f, truth):
    """Closed forms at x = 1; the second of ``1e-300 / (1e-200 x)`` is
    2e-100 / x³ (its own first rule takes the other order).  The chain rule
    through ``exp(-400 x) x`` subtracts terms of size 1.6e5 (y''/y - (y'/y)²),
    so its -1 is good to about 1e-11 in any AD."""
    rtol = 1e-10 if "exp" in name else 1e-14
    for how, h in _four_hessians(f, np.array(1.0)).items():
        np.testing.assert_allclose(h, truth, rtol=rtol, err_msg=f"{name} {how}")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divide_first_derivative_in_forward_mode_at_tiny_denominators():
    """d/ds 1 / (1e-170 s) = -1e170 at s = 1: forward mode formed
    t (ans / y) with ans / y = 1e340 = inf.  (Reverse mode's cotangent of
    y = 1e-170 is itself -1 / y² = -1e340: it overflows, as it does in any
    reverse-mode AD.)"""
    for f in (lambda s: 1.0 / (s * 1e-170), lambda s: dnp.reciprocal(s * 1e-170)):
        assert ad.jvp(f, (1.0,), (1.0,))[1] == pytest.approx(-1e170, rel=1e-15)
        assert ad.jacfwd(f)(np.array([1.0, 2.0]))[1, 1] == pytest.approx(-0.25e170, rel=1e-15)
        # and the second, 2e170 / s³, forward over forward
        assert ad.jacfwd(ad.jacfwd(f))(np.array(2.0)) == pytest.approx(0.25e170, rel=1e-15)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_divide_y_rule_chooses_its_form_per_entry():
    """Arrays mixing magnitudes: an entry whose x / y² leaves the range must
    not change the form of the others (audit today2 F2), and a plain zero
    tangent must stay a plain zero against infinite factors (F1).  Closed
    forms: d(x/y)/dy = -x/y², d²(x/y)/dxdy = -1/y²."""
    x = np.array([1e300, 1.0])
    y = np.array([1e100, 1e200])
    np.testing.assert_allclose(ad.jvp(lambda v: x / v, (y,), (np.array([1e-250, 1.0]),))[1],
                               [-1e-150, -1e-400], rtol=1e-15, atol=0)
    x = np.array([1e-300, 1.0])
    y = np.array([1e-100, 1e200])
    np.testing.assert_allclose(ad.vjp(lambda v: x / v, y)[1](np.array([1e-200, 1.0]))[0],
                               [-1e-300, -1e-400], rtol=1e-15, atol=0)
    x = np.array([1e-320, 1.0])
    y = np.array([1e-310, 1e200])
    assert ad.jacfwd(lambda v: x / v)(y)[0, 0] == pytest.approx(-1e-320 / 1e-310 / 1e-310, rel=1e-4)
    h = ad.jacfwd(ad.jacfwd(lambda z: z[0] / z[1]))(np.array([1e300, 1e-5]))
    np.testing.assert_allclose(h[:, 0], [0.0, -1e10], rtol=1e-15)
    np.testing.assert_allclose(h[0, 1], -1e10, rtol=1e-15)
    h = ad.jacfwd(ad.jacfwd(lambda z: dnp.sum(z[:3] / z[3:])))(np.array([1.0, 1, 1, 1e-200, 1, 1e200]))
    assert not np.isnan(h).any()
    np.testing.assert_array_equal(h[1:3, 3], [0.0, 0.0])
