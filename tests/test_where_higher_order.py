"""A zero (co)tangent stays exactly zero through the singular rules at 2nd and
3rd order, in every nesting of forward and reverse mode (docs/conventions.md,
"`where` and NaN in the unselected branch").

Each function below is identically 0 near the point (the unsafe branch of
``where`` is not selected there), so every derivative is exactly 0.  Before the
fix, reverse-over-reverse and some forward-over-reverse nestings gave NaN: the
guard's own product ``d * g`` met the infinite ``d`` again when differentiated.
"""
import itertools

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

_CASES = {
    # name: (unsafe function, condition selecting it, points where it is unselected)
    "sqrt": (dnp.sqrt, lambda x: x > 0, [-1.0, 0.0]),
    "cbrt": (dnp.cbrt, lambda x: x > 0, [0.0]),
    "reciprocal": (dnp.reciprocal, lambda x: x != 0, [0.0]),
    "1/x": (lambda x: 1.0 / x, lambda x: x != 0, [0.0]),
    "log": (dnp.log, lambda x: x > 0, [-1.0, 0.0]),
    "log2": (dnp.log2, lambda x: x > 0, [0.0]),
    "log1p": (dnp.log1p, lambda x: x > -1, [-2.0]),
    "arcsin": (dnp.arcsin, lambda x: x < 1, [1.0, 1.5]),
    "arccos": (dnp.arccos, lambda x: x < 1, [1.0]),
    "arccosh": (dnp.arccosh, lambda x: x > 1, [1.0, 0.5]),
    "arctanh": (dnp.arctanh, lambda x: x < 1, [1.0, 1.5]),
    "x**0.5": (lambda x: x ** 0.5, lambda x: x > 0, [-1.0, 0.0]),
    "x**1.5": (lambda x: x ** 1.5, lambda x: x > 0, [-1.0, 0.0]),
    "x**2.5": (lambda x: x ** 2.5, lambda x: x > 0, [-1.0, 0.0]),
    "x**float64(1.5)": (lambda x: x ** np.float64(1.5), lambda x: x > 0, [-1.0]),
    "x**-1": (lambda x: x ** -1.0, lambda x: x != 0, [0.0]),
    "x**traced": (lambda x: x ** (0 * x + 1.5), lambda x: x > 0, [-1.0]),
    "sqrt(sqrt)": (lambda x: dnp.sqrt(dnp.sqrt(x)), lambda x: x > 0, [0.0, -1.0]),
}
_PARAMS = [(name, p) for name, (_, _, pts) in _CASES.items() for p in pts]
_NESTINGS = ["".join(c) for k in (2, 3) for c in itertools.product("fr", repeat=k)]


def _nest(f, modes):
    """modes read outside-in: "fr" is jacfwd(grad(f)), "rfr" jacrev(jacfwd(grad(f)))."""
    for i, m in enumerate(reversed(modes)):
        f = ad.jacfwd(f) if m == "f" else (ad.grad(f) if i == 0 else ad.jacrev(f))
    return f


@pytest.mark.parametrize("modes", _NESTINGS)
@pytest.mark.parametrize("name, x0", _PARAMS)
def test_scalar_exact_zero(name, x0, modes):
    fn, cond, _ = _CASES[name]
    h = _nest(lambda x: dnp.where(cond(x), fn(x), 0.0), modes)
    assert float(h(x0)) == 0.0


@pytest.mark.parametrize("modes", ["rr", "fr", "rf", "rrr", "frr", "rfr", "ffr"])
@pytest.mark.parametrize("name, x0", _PARAMS)
def test_vector_exact_zero_and_finite(name, x0, modes):
    # entry 0 is in the unselected region, entry 1 in the smooth one: every
    # derivative touching entry 0 is exactly 0, and the rest is right
    fn, cond, _ = _CASES[name]
    f = lambda x: dnp.sum(dnp.where(cond(x), fn(x), 0.0))
    smooth = 2.0 if cond(2.0) else 0.3
    x = np.array([x0, smooth])
    got = np.asarray(_nest(f, modes)(x))
    touches0 = np.any(np.indices(got.shape) == 0, axis=0)
    np.testing.assert_array_equal(got[touches0], 0.0)
    # the (1, 1, ...) entry: the same derivative of the smooth branch alone there
    want = _nest(fn, "f" * len(modes))(smooth)
    assert got[(1,) * got.ndim] == pytest.approx(float(want), rel=1e-12)


def test_report_examples():
    g = lambda x: dnp.where(x > 1, dnp.arccosh(x), 0.0)
    assert ad.grad(ad.grad(g))(0.5) == 0.0
    h = lambda x: dnp.where(x > 0, dnp.sqrt(x), 0.0)
    assert ad.grad(ad.grad(ad.grad(h)))(-1.0) == 0.0
    t = ad.jacrev(ad.jacrev(ad.jacrev(lambda x: dnp.sum(h(x)))))(np.array([-1.0, 0.5]))
    assert t[0, 0, 0] == 0.0 and np.isfinite(t).all()
    k = lambda x: dnp.where(x != 0, dnp.reciprocal(x), 0.0)
    assert ad.grad(ad.grad(k))(0.0) == 0.0


@pytest.mark.parametrize("y", [1.5, 2.5, np.float64(1.5), 3.5])
def test_power_noninteger_exponent_negative_base(y):
    # y * x**(y - 1) is NaN at x < 0: the rule must keep the zero cotangent zero
    f = lambda x: dnp.sum(dnp.where(x > 0, x ** y, 0.0))
    x = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(ad.grad(f)(x), [0.0, y * 2.0 ** (y - 1)])
    h = ad.hessian(f)(x)
    np.testing.assert_allclose(h, [[0.0, 0.0], [0.0, y * (y - 1) * 2.0 ** (y - 2)]], rtol=1e-14)
    assert h[0, 0] == 0.0
    assert ad.grad(lambda x: dnp.where(x > 0, x ** y, 0.0))(-1.0) == 0.0


def test_zero_cotangent_with_nonzero_derivative_is_not_masked():
    # the guard masks only where the factor is infinite: a cotangent that is 0
    # at the point but not constant ((x - 1) at x = 1) keeps its derivative, also
    # when another entry of the array is singular (was 0.5 and 1.0 with the old
    # array-wide mask)
    x = np.array([1.0, 0.0])
    for fn, want in ((dnp.sqrt, 1.0), (dnp.log, 2.0)):   # ((x-1) f(x))'' at 1
        f = lambda x: dnp.sum(dnp.where(x > 0, (x - 1) * fn(x), 0.0))
        assert ad.hessian(f)(x)[0, 0] == pytest.approx(want, rel=1e-14)
        assert ad.jacrev(ad.grad(f))(x)[0, 0] == pytest.approx(want, rel=1e-14)
        assert ad.jacfwd(ad.jacfwd(f))(x)[0, 0] == pytest.approx(want, rel=1e-14)


def test_singular_point_itself_keeps_infinite_derivatives():
    # the true one-sided limits at the singular point, not NaN
    assert ad.grad(dnp.sqrt)(0.0) == np.inf
    assert ad.grad(ad.grad(dnp.sqrt))(0.0) == -np.inf
    assert ad.hessian(dnp.sqrt)(0.0) == -np.inf
    assert ad.grad(ad.grad(dnp.cbrt))(0.0) == -np.inf
    assert ad.grad(ad.grad(dnp.reciprocal))(0.0) == np.inf
    j = ad.jacrev(dnp.sqrt)(np.array([0.0, 1.0]))
    np.testing.assert_array_equal(j, [[np.inf, 0.0], [0.0, 0.5]])
