"""dualad.optimize on problems whose answers are known from the literature.

Test functions and their minima: Moré, Garbow & Hillstrom, "Testing
unconstrained optimization software", ACM TOMS 7 (1981); HS071 from Hock &
Schittkowski, "Test examples for nonlinear programming codes" (1981).
"""
import warnings

import numpy as np
import pytest
import scipy.optimize as so

import dualad
import dualad.numpy as dnp
from dualad.optimize import least_squares, minimize, root
from dualad.optimize import HESSP_THRESHOLD, _Objective, _Vector


def rosen(x):
    x = x.reshape(-1)
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


GRAD_METHODS = ["CG", "BFGS", "L-BFGS-B", "TNC", "SLSQP"]
HESS_METHODS = ["Newton-CG", "dogleg", "trust-ncg", "trust-exact", "trust-krylov",
                "trust-constr"]
FREE_METHODS = ["Nelder-Mead", "Powell", "COBYQA"]


# ---------------------------------------------------------------------------
# extended Rosenbrock
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", GRAD_METHODS + HESS_METHODS)
def test_rosenbrock_small_every_method(method):
    opts = {"xtol": 1e-10} if method == "Newton-CG" else None
    if method == "TNC":
        opts = {"maxfun": 2000}
    res = minimize(rosen, np.array([-1.2, 1.0]), method=method, options=opts)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(2), atol=2e-3)
    assert res.fun < 1e-6


@pytest.mark.parametrize("method", FREE_METHODS)
def test_rosenbrock_derivative_free(method):
    opts = {"maxiter": 5000, "xatol": 1e-8, "fatol": 1e-12} \
        if method == "Nelder-Mead" else None
    res = minimize(rosen, np.array([-1.2, 1.0]), method=method, options=opts)
    np.testing.assert_allclose(res.x, np.ones(2), atol=2e-3)
    assert "njev" not in res or res.njev == 0


def test_cobyla_disk():
    # min x + y on the unit disk: (-1, -1)/sqrt(2)
    res = minimize(lambda x: x[0] + x[1], np.array([0.1, 0.2]), method="COBYLA",
                   constraints=[{"type": "ineq", "fun": lambda x: 1 - x[0] ** 2 - x[1] ** 2}],
                   tol=1e-10)
    np.testing.assert_allclose(res.x, -np.ones(2) / np.sqrt(2), atol=1e-6)


@pytest.mark.parametrize("n", [10, 100])
@pytest.mark.parametrize("method", ["BFGS", "L-BFGS-B", "Newton-CG", "trust-ncg",
                                    "trust-exact", "trust-krylov"])
def test_rosenbrock_medium(n, method):
    # (dogleg is left out: SciPy documents that it needs a positive definite
    # Hessian, which Rosenbrock's is not along this path for n = 100)
    opts = {"xtol": 1e-12} if method == "Newton-CG" else None
    res = minimize(rosen, 1.2 * np.ones(n), method=method, options=opts)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(n), atol=1e-3)


@pytest.mark.parametrize("method", ["L-BFGS-B", "Newton-CG", "trust-ncg",
                                    "trust-krylov", "trust-exact"])
def test_rosenbrock_1000(method):
    # trust-exact factors a dense n x n Hessian per step: n = 300 keeps it quick
    n = 300 if method == "trust-exact" else 1000
    opts = {"xtol": 1e-12} if method == "Newton-CG" else None
    res = minimize(rosen, 1.2 * np.ones(n), method=method, options=opts)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(n), atol=1e-3)
    assert res.jac.shape == (n,)


def test_rosenbrock_derivatives_match_scipy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=30)
    p = rng.normal(size=30)
    obj = _Objective(rosen, (), x.shape, record_all=True)
    np.testing.assert_allclose(obj.f(x), so.rosen(x), rtol=1e-14)
    np.testing.assert_allclose(obj.jac(x), so.rosen_der(x), rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(obj.hessp(x, p), so.rosen_hess_prod(x, p),
                               rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(obj.hess(x), so.rosen_hess(x), rtol=1e-12, atol=1e-10)
    assert obj.counts["nfev"] == 1   # one recording served value, gradient, H, Hv


# ---------------------------------------------------------------------------
# the Moré-Garbow-Hillstrom problems
# ---------------------------------------------------------------------------
def powell_singular(x):
    return ((x[0] + 10 * x[1]) ** 2 + 5 * (x[2] - x[3]) ** 2
            + (x[1] - 2 * x[2]) ** 4 + 10 * (x[0] - x[3]) ** 4)


def wood(x):
    return (100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
            + 90 * (x[3] - x[2] ** 2) ** 2 + (1 - x[2]) ** 2
            + 10.1 * ((x[1] - 1) ** 2 + (x[3] - 1) ** 2)
            + 19.8 * (x[1] - 1) * (x[3] - 1))


def beale(x):
    return ((1.5 - x[0] * (1 - x[1])) ** 2 + (2.25 - x[0] * (1 - x[1] ** 2)) ** 2
            + (2.625 - x[0] * (1 - x[1] ** 3)) ** 2)


def brown_badly_scaled(x):
    return (x[0] - 1e6) ** 2 + (x[1] - 2e-6) ** 2 + (x[0] * x[1] - 2) ** 2


def helical_valley(x):
    theta = dnp.arctan(x[1] / x[0]) / (2 * np.pi) + np.where(x[0] < 0, 0.5, 0.0)
    r = dnp.sqrt(x[0] ** 2 + x[1] ** 2)
    return 100 * ((x[2] - 10 * theta) ** 2 + (r - 1) ** 2) + x[2] ** 2


def freudenstein_roth(x):
    f1 = -13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1]
    f2 = -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]
    return f1 ** 2 + f2 ** 2


MGH = [
    # name, f, standard start, minimizer (None: only f* checked), f*
    ("powell", powell_singular, [3.0, -1.0, 0.0, 1.0], [0, 0, 0, 0], 0.0),
    ("wood", wood, [-3.0, -1.0, -3.0, -1.0], [1, 1, 1, 1], 0.0),
    ("beale", beale, [1.0, 1.0], [3.0, 0.5], 0.0),
    ("brown", brown_badly_scaled, [1.0, 1.0], [1e6, 2e-6], 0.0),
    ("helical", helical_valley, [-1.0, 0.0, 0.0], [1.0, 0.0, 0.0], 0.0),
]


_MGH_METHODS = ["BFGS", "Newton-CG", "trust-exact", "trust-ncg", "trust-krylov", "L-BFGS-B"]
# Pairs not run, because SciPy's method itself does not reach the minimum from
# the standard start (with hand-written exact derivatives as well):
# Brown badly scaled stalls BFGS, L-BFGS-B, Newton-CG and trust-ncg; Newton-CG
# is drawn to Wood's non-optimal stationary region (f about 7.9).
_MGH_NOT_CONVERGING = {("brown", "BFGS"), ("brown", "L-BFGS-B"), ("brown", "Newton-CG"),
                       ("brown", "trust-ncg"), ("wood", "Newton-CG")}
_MGH_CASES = [pytest.param(*case, method, id=f"{case[0]}-{method}")
              for case in MGH for method in _MGH_METHODS
              if (case[0], method) not in _MGH_NOT_CONVERGING]


@pytest.mark.parametrize("name,f,x0,xstar,fstar,method", _MGH_CASES)
def test_mgh(name, f, x0, xstar, fstar, method):
    opts = {"gtol": 1e-10, "maxiter": 300}
    if method == "Newton-CG":
        opts = {"xtol": 1e-14, "maxiter": 300}
    if method == "L-BFGS-B":
        opts = {"gtol": 1e-10, "ftol": 1e-15, "maxiter": 300}
    if name == "brown":   # steps of 1e6: let the trust region grow that far
        opts["max_trust_radius"] = 1e7
    with warnings.catch_warnings():
        if (name, method) == ("powell", "trust-krylov"):
            # SciPy's trust-krylov (trlib) itself warns on Powell's singular function
            # near its singular-Hessian minimum, with hand-written exact derivatives
            # too ('overflow encountered in dot'): its own, not a dualad derivative
            warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"scipy\.")
        res = minimize(f, np.array(x0), method=method, options=opts)
    assert res.fun < 1e-8 + fstar
    if name == "powell":   # singular Hessian at the solution: slow, flat approach
        np.testing.assert_allclose(res.x, xstar, atol=5e-2)
    elif name == "brown":
        np.testing.assert_allclose(res.x, xstar, rtol=1e-6)
    else:
        np.testing.assert_allclose(res.x, xstar, atol=1e-4)


@pytest.mark.parametrize("method", ["BFGS", "Newton-CG", "trust-exact", "trust-ncg"])
def test_freudenstein_roth(method):
    # global minimum 0 at (5, 4); a local minimum 48.9842... at (11.41, -0.8968)
    res = minimize(freudenstein_roth, np.array([0.5, -2.0]), method=method)
    assert res.success, res.message
    if res.fun < 1.0:
        np.testing.assert_allclose(res.x, [5.0, 4.0], atol=1e-4)
    else:
        np.testing.assert_allclose(res.fun, 48.98425367924, rtol=1e-8)
        np.testing.assert_allclose(res.x, [11.41277900, -0.89680525], atol=1e-4)


# ---------------------------------------------------------------------------
# constraints: HS071
# ---------------------------------------------------------------------------
HS071_X = np.array([1.00000000, 4.74299963, 3.82114998, 1.37940829])
HS071_F = 17.0140173


def hs071(x):
    return x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]


def hs071_prod(x):
    return x[0] * x[1] * x[2] * x[3]


def hs071_norm(x):
    return np.sum(x ** 2)


@pytest.mark.parametrize("method", ["SLSQP", "trust-constr", "COBYQA"])
@pytest.mark.parametrize("style", ["dict", "nonlinear"])
def test_hs071(method, style):
    if style == "dict":
        cons = [{"type": "ineq", "fun": lambda x: hs071_prod(x) - 25.0},
                {"type": "eq", "fun": lambda x: hs071_norm(x) - 40.0}]
    else:
        cons = [so.NonlinearConstraint(hs071_prod, 25.0, np.inf),
                so.NonlinearConstraint(hs071_norm, 40.0, 40.0)]
    opts = {"gtol": 1e-10, "xtol": 1e-12, "maxiter": 2000} if method == "trust-constr" \
        else None
    res = minimize(hs071, np.array([1.0, 5.0, 5.0, 1.0]), method=method,
                   bounds=so.Bounds(np.ones(4), 5 * np.ones(4)), constraints=cons,
                   options=opts)
    np.testing.assert_allclose(res.x, HS071_X, atol=2e-5)
    np.testing.assert_allclose(res.fun, HS071_F, rtol=1e-6)


def test_simple_kkt_point_with_multiplier():
    # min x + y on the unit circle: x = y = -1/sqrt(2), multiplier 1/sqrt(2)
    con = so.NonlinearConstraint(lambda x: x[0] ** 2 + x[1] ** 2, 1.0, 1.0)
    res = minimize(lambda x: x[0] + x[1], np.array([1.0, 0.2]), method="trust-constr",
                   constraints=[con], options={"gtol": 1e-12, "xtol": 1e-14})
    np.testing.assert_allclose(res.x, -np.ones(2) / np.sqrt(2), atol=1e-7)
    np.testing.assert_allclose(abs(res.v[0][0]), 1 / np.sqrt(2), rtol=1e-5)
    assert res.constr_nhev[0] > 0         # the exact constraint Hessian was used


def test_constraint_hessian_of_multipliers():
    vec = _Vector(lambda x: dnp.stack([x[0] ** 2 + x[1] ** 2, x[0] * x[1] ** 3]),
                  (), (2,), "test", "constraint")
    x = np.array([0.7, -1.3])
    v = np.array([2.0, -0.5])
    # analytic: 2*[[2, 0], [0, 2]] - 0.5*[[0, 3 y^2], [3 y^2, 6 x y]]
    y = x[1]
    expect = 2.0 * np.diag([2.0, 2.0]) - 0.5 * np.array(
        [[0.0, 3 * y ** 2], [3 * y ** 2, 6 * x[0] * y]])
    np.testing.assert_allclose(vec.hess(x, v, dense=True), expect, rtol=1e-13)
    op = vec.hess(x, v, dense=False)
    np.testing.assert_allclose(op.matvec(np.array([1.0, 0.0])), expect[:, 0], rtol=1e-13)
    np.testing.assert_allclose(vec.jac(x), [[2 * x[0], 2 * y], [y ** 3, 3 * x[0] * y ** 2]],
                               rtol=1e-13)


# ---------------------------------------------------------------------------
# shapes, callbacks, caching, counters, options
# ---------------------------------------------------------------------------
def test_any_shape_x0_and_callback():
    target = np.arange(6.0).reshape(2, 3)
    seen = []

    def f(x):
        assert x.shape == (2, 3)
        return np.sum(np.cosh(x - target))
    res = minimize(f, np.zeros((2, 3)), method="BFGS", callback=lambda xk: seen.append(xk.shape))
    assert res.x.shape == (2, 3) and res.jac.shape == (2, 3)
    np.testing.assert_allclose(res.x, target, atol=1e-5)
    assert seen and set(seen) == {(2, 3)}
    seen2 = []
    minimize(f, np.zeros((2, 3)), method="trust-constr",
             callback=lambda intermediate_result: seen2.append(intermediate_result.x.shape))
    assert seen2 and set(seen2) == {(2, 3)}


def test_scalar_x0():
    res = minimize(lambda x: (x - 2.0) ** 2 + dnp.cos(x), 0.5, method="trust-exact",
                   options={"gtol": 1e-12})
    assert res.x.shape == ()
    # stationary: 2(x - 2) = sin(x)
    np.testing.assert_allclose(2 * (res.x - 2.0), np.sin(res.x), atol=1e-8)


def test_bounds_shaped_like_x0():
    res = minimize(lambda x: np.sum((x - 3.0) ** 2), np.zeros((2, 2)), method="L-BFGS-B",
                   bounds=so.Bounds(np.zeros((2, 2)), np.array([[1.0, 5.0], [5.0, 2.0]])))
    np.testing.assert_allclose(res.x, [[1.0, 3.0], [3.0, 2.0]], atol=1e-7)


def test_bounds_flat_or_broadcast_for_shaped_x0():
    # Bounds refer to the flat x: arrays of x0.size entries are taken as they are
    f = lambda x: np.sum((x - 3.0) ** 2)   # noqa: E731
    ub = np.array([1.0, 5.0, 5.0, 2.0, 2.5, 5.0])
    for bounds in (so.Bounds(np.zeros(6), ub, keep_feasible=np.ones(6, bool)),
                   so.Bounds(0.0, ub), so.Bounds(np.zeros((2, 3)), ub.reshape(2, 3))):
        res = minimize(f, np.zeros((2, 3)), method="L-BFGS-B", bounds=bounds)
        np.testing.assert_allclose(res.x, [[1.0, 3.0, 3.0], [2.0, 2.5, 3.0]], atol=1e-7)
    res = minimize(f, np.zeros((2, 3)), method="L-BFGS-B",       # broadcast rows
                   bounds=so.Bounds(0.0, np.array([1.0, 5.0, 2.0])))
    np.testing.assert_allclose(res.x, [[1.0, 3.0, 2.0]] * 2, atol=1e-7)
    with pytest.raises(ValueError, match=r"bounds lb has shape \(5,\), but x0 has "
                                         r"shape \(2, 3\).*x0.size = 6"):
        minimize(f, np.zeros((2, 3)), method="L-BFGS-B", bounds=so.Bounds(np.zeros(5), 1.0))


def test_least_squares_bounds_flat_or_shaped_for_shaped_x0():
    x0 = np.full((2, 2), 0.5)
    lb, ub = np.zeros(4), np.array([1.0, 5.0, 5.0, 2.0])
    for bounds in ((lb, ub), so.Bounds(lb, ub), (0.0, ub.reshape(2, 2)),
                   so.Bounds(lb.reshape(2, 2), ub.reshape(2, 2))):
        res = least_squares(lambda x: x - 3.0, x0, bounds=bounds)
        np.testing.assert_allclose(res.x, [[1.0, 3.0], [3.0, 2.0]], atol=1e-6)
    with pytest.raises(ValueError, match=r"least_squares: bounds ub has shape \(3,\)"):
        least_squares(lambda x: x - 3.0, x0, bounds=(0.0, np.ones(3)))


class Counted:
    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x, *args):
        self.calls += 1
        return self.f(x, *args)


@pytest.mark.parametrize("method", ["BFGS", "L-BFGS-B", "CG", "trust-ncg", "trust-exact",
                                    "Newton-CG"])
def test_one_evaluation_per_point(method):
    f = Counted(rosen)
    res = minimize(f, np.array([-1.2, 1.0, 0.5]), method=method)
    assert res.success
    assert f.calls == res.nfev            # honest: every evaluation counted
    ref = so.minimize(so.rosen, np.array([-1.2, 1.0, 0.5]), method=method,
                      jac=so.rosen_der,
                      **({"hess": so.rosen_hess} if method in HESS_METHODS else {}))
    # SciPy's own counter (separate fun and jac calls) is at least as large
    assert res.nfev <= 1.1 * max(ref.nfev, ref.njev) + 2


def test_hessp_work_once_per_point():
    f = Counted(rosen)
    res = minimize(f, 1.2 * np.ones(HESSP_THRESHOLD + 50), method="trust-ncg")
    assert res.success
    assert res.nhev > 2 * res.nfev        # many products per point ...
    assert f.calls == res.nfev <= res.nit + 2   # ... one traced evaluation per point


def test_hessian_option():
    x0 = np.array([-1.2, 1.0])
    r1 = minimize(rosen, x0, method="trust-ncg", hessian="hessp")
    r2 = minimize(rosen, x0, method="trust-ncg", hessian="hess")
    r3 = minimize(rosen, x0, method="Newton-CG", hessian=None)
    for r in (r1, r2, r3):
        np.testing.assert_allclose(r.x, np.ones(2), atol=1e-4)
    assert r3.nhev == 0
    with pytest.raises(ValueError, match="hessp"):
        minimize(rosen, x0, method="trust-exact", hessian="hessp")
    with pytest.raises(ValueError, match="hessian"):
        minimize(rosen, x0, method="trust-exact", hessian="yes")


def test_args_are_passed():
    res = minimize(lambda x, a, b: np.sum((x - a) ** 2) * b, np.zeros(3),
                   args=(np.array([1.0, 2.0, 3.0]), 2.0), method="trust-exact")
    np.testing.assert_allclose(res.x, [1.0, 2.0, 3.0], atol=1e-8)


def test_lazy_import():
    assert dualad.optimize.minimize is minimize


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
def test_error_non_scalar():
    with pytest.raises(TypeError, match=r"scalar.*\(3,\)"):
        minimize(lambda x: x ** 2, np.ones(3), method="BFGS")
    with pytest.raises(TypeError, match=r"scalar.*\(3,\)"):
        minimize(lambda x: x ** 2, np.ones(3), method="Nelder-Mead")


def test_size_one_output_is_a_scalar():
    res = minimize(lambda x: np.reshape(np.sum((x - 1.0) ** 2), (1,)), np.zeros(2),
                   method="BFGS")
    np.testing.assert_allclose(res.x, np.ones(2), atol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_error_non_finite_at_x0():
    with pytest.raises(ValueError, match="not finite at x0"):
        minimize(lambda x: np.sum(np.log(x)), -np.ones(2), method="BFGS")
    with pytest.raises(ValueError, match="not finite"):
        least_squares(lambda x: np.log(x), -np.ones(2))


def test_error_untraceable():
    import math
    with pytest.raises(TypeError, match="could not be differentiated"):
        minimize(lambda x: math.sin(x[0]) + x[1] ** 2, np.ones(2), method="BFGS")
    with pytest.raises(TypeError, match="could not be differentiated"):
        root(lambda x: np.array([x[0] ** 2 - 1.0, x[1]]), np.ones(2))
    # and the next call works normally
    assert minimize(lambda x: np.sum(x ** 2), np.ones(2), method="BFGS").success


def test_error_complex_x0():
    with pytest.raises(TypeError, match="complex"):
        minimize(lambda x: np.sum(np.abs(x)), np.ones(2) * 1j)


# ---------------------------------------------------------------------------
# least_squares and root
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["trf", "dogbox", "lm"])
def test_exponential_decay_fit(method):
    t = np.linspace(0.0, 4.0, 40)
    a, k, c = 2.5, 1.3, 0.4
    y = a * np.exp(-k * t) + c

    def resid(p):
        return p[0] * np.exp(-p[1] * t) + p[2] - y
    res = least_squares(resid, np.array([1.0, 0.5, 0.0]), method=method,
                        xtol=1e-15, ftol=1e-15, gtol=1e-15)
    np.testing.assert_allclose(res.x, [a, k, c], rtol=1e-10)
    assert res.njev >= 1 and res.nfev >= res.njev
    # the Jacobian is exact: compare with the closed form at the solution
    e = np.exp(-k * t)
    np.testing.assert_allclose(res.jac, np.stack([e, -a * t * e, np.ones_like(t)], 1),
                               rtol=1e-8, atol=1e-12)


def test_least_squares_reverse_mode_and_shapes():
    # more parameters than residuals: reverse mode; parameters shaped (2, 2)
    def resid(p):
        return dnp.stack([p[0, 0] + p[0, 1] - 3.0, p[1, 0] * p[1, 1] - 2.0])
    res = least_squares(resid, np.ones((2, 2)), method="trf", xtol=1e-15, ftol=1e-15,
                        gtol=1e-15)
    assert res.x.shape == (2, 2)
    np.testing.assert_allclose(resid(res.x), [0.0, 0.0], atol=1e-10)
    assert res.jac.shape == (2, 4)


@pytest.mark.parametrize("method", ["hybr", "lm", "broyden1", "krylov", "df-sane"])
def test_root_system(method):
    # x_i^3 + (A x)_i = b with b built from a known root x*
    rng = np.random.default_rng(1)
    n = 6
    A = np.eye(n) * 4 + rng.uniform(-0.5, 0.5, (n, n))
    xstar = rng.uniform(0.5, 1.5, n)
    b = xstar ** 3 + A @ xstar

    def F(x):
        return x ** 3 + A @ x - b
    sol = root(F, xstar + 0.1, method=method, tol=1e-12)
    assert sol.success, sol.message
    np.testing.assert_allclose(sol.x, xstar, atol=1e-7)
    if method in ("hybr", "lm"):
        assert sol.njev >= 1


def test_root_shapes_and_errors():
    sol = root(lambda x: x ** 2 - np.array([[4.0, 9.0]]), np.ones((1, 2)))
    assert sol.x.shape == (1, 2)
    np.testing.assert_allclose(sol.x, [[2.0, 3.0]], rtol=1e-10)
    with pytest.raises(ValueError, match="unknowns"):
        root(lambda x: np.sum(x), np.ones(2))


class _Counted:
    """The objective ``sum(w * (x - 1)**2)``, counting its calls."""

    def __init__(self, w):
        self.w, self.calls = w, 0

    def __call__(self, x):
        self.calls += 1
        return dnp.sum(self.w.reshape(x.shape) * (x - 1.0) ** 2)


@pytest.mark.parametrize("method", ["BFGS", "trust-exact", "Newton-CG"])
def test_x0_shape_costs_no_extra_evaluation(method):
    w = np.arange(1.0, 7.0)
    f_flat, f_2d = _Counted(w), _Counted(w)
    r_flat = minimize(f_flat, np.zeros(6), method=method)
    r_2d = minimize(f_2d, np.zeros((2, 3)), method=method)
    np.testing.assert_allclose(r_2d.x.ravel(), r_flat.x, rtol=1e-12)
    assert f_2d.calls == f_flat.calls == r_2d.nfev == r_flat.nfev


@pytest.mark.parametrize("method", ["SLSQP", "trust-constr"])
def test_constraint_work_is_not_counted_as_objective_work(method):
    f = _Counted(np.ones(3))
    calls = []

    def inside(x):
        calls.append(1)
        return 2.0 - dnp.sum(x ** 2)
    res = minimize(f, np.zeros(3), method=method,
                   constraints=[{"type": "ineq", "fun": inside}])
    np.testing.assert_allclose(res.x, np.full(3, np.sqrt(2.0 / 3.0)), rtol=1e-4)  # interior point
    assert res.nfev == f.calls
    assert len(calls) > 0
    if method == "trust-constr":
        assert res.constr_nfev[0] >= 1


def test_docstring_examples_hold_literally():
    # the suite runs docstrings with doctest's NUMBER flag, under which -2.000001
    # passes for -2.0; the examples here must print exactly what they show
    import doctest
    import dualad.optimize as mod
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(mod):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


@pytest.mark.parametrize("call, name", [
    (lambda f: minimize(f, np.ones(2), method="BFGS", jac=True), "minimize: 'jac'"),
    (lambda f: minimize(f, np.ones(2), method="trust-exact", hess=lambda x: np.eye(2)),
     "minimize: 'hess'"),
    (lambda f: minimize(f, np.ones(2), method="trust-ncg", hessp=lambda x, p: p),
     "minimize: 'hessp'"),
    (lambda f: root(lambda x: x, np.ones(2), jac=lambda x: np.eye(2)), "root: 'jac'"),
    (lambda f: least_squares(lambda x: x, np.ones(2), jac="3-point"),
     "least_squares: 'jac'"),
])
def test_derivative_arguments_are_refused_with_an_explanation(call, name):
    with pytest.raises(TypeError, match=name + " is not accepted; dualad supplies the "
                                        "exact .* scipy.optimize"):
        call(lambda x: np.sum(x ** 2))


# ---------------------------------------------------------------------------
# constraint's own jac, complex outputs, shaped callbacks, honest nfev at x0
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["SLSQP", "trust-constr"])
def test_dict_constraint_own_jac_gets_args_and_shaped_x(method):
    # min sum(x) on the ball |x|^2 <= a: x = -sqrt(a / n) everywhere
    seen = []

    def cjac(x, a):
        seen.append((x.shape, a))
        return -2.0 * x
    con = {"type": "ineq", "fun": lambda x, a: a - dnp.sum(x ** 2), "jac": cjac,
           "args": (2.0,)}
    res = minimize(lambda x: dnp.sum(x), np.zeros((2, 2)), method=method, constraints=con,
                   **({"options": {"gtol": 1e-10, "xtol": 1e-12}}
                      if method == "trust-constr" else {}))
    ref = so.minimize(lambda x: np.sum(x), np.zeros(4), jac=lambda x: np.ones(4),
                      method=method,
                      **({"hess": lambda x: np.zeros((4, 4))}
                         if method == "trust-constr" else {}),
                      constraints={"type": "ineq", "fun": lambda x, a: a - np.sum(x ** 2),
                                   "jac": lambda x, a: -2.0 * x, "args": (2.0,)},
                      **({"options": {"gtol": 1e-10, "xtol": 1e-12}}
                         if method == "trust-constr" else {}))
    # trust-constr: an interior-point method, SciPy's path uses BFGS for the
    # constraint's Hessian, dualad's the exact one: the same point to 1e-4
    tol = 1e-4 if method == "trust-constr" else 1e-8
    np.testing.assert_allclose(res.x.ravel(), ref.x, atol=tol)
    np.testing.assert_allclose(res.x, np.full((2, 2), -np.sqrt(0.5)), atol=tol)
    assert seen and set(seen) == {((2, 2), 2.0)}


def test_vector_constraint_jac_in_x0_shape():
    # 1 - x**2 >= 0 entrywise, jac of shape (2, 2) + x0.shape
    eye = np.eye(2)

    def cjac(x):
        return -2.0 * np.einsum("ik,jl->ijkl", eye, eye) * x[:, :, None, None]
    con = {"type": "ineq", "fun": lambda x: 1.0 - x ** 2, "jac": cjac}
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    res = minimize(lambda x: dnp.sum(w * x), np.zeros((2, 2)), method="SLSQP",
                   constraints=con)
    ref = so.minimize(lambda x: np.sum(w.ravel() * x), np.zeros(4), jac=lambda x: w.ravel(),
                      method="SLSQP",
                      constraints={"type": "ineq", "fun": lambda x: 1.0 - x ** 2,
                                   "jac": lambda x: np.diag(-2.0 * x)})
    np.testing.assert_allclose(res.x.ravel(), ref.x, atol=1e-8)
    np.testing.assert_allclose(res.x, -np.ones((2, 2)), atol=1e-6)


def test_nonlinear_constraint_own_jac_and_hess_get_shaped_x():
    seen = []

    def cjac(x):
        seen.append(x.shape)
        return 2.0 * x[None]

    def chess(x, v):
        seen.append(x.shape)
        return 2.0 * v[0] * np.eye(4)
    nlc = so.NonlinearConstraint(lambda x: dnp.sum(x ** 2), -np.inf, 1.0, jac=cjac,
                                 hess=chess)
    res = minimize(lambda x: dnp.sum(x), np.zeros((2, 2)), method="trust-constr",
                   constraints=nlc)
    np.testing.assert_allclose(res.x, np.full((2, 2), -0.5), atol=1e-3)
    assert seen and set(seen) == {(2, 2)}


@pytest.mark.parametrize("call", [
    lambda f: root(f, np.zeros(2)),
    lambda f: root(f, np.zeros(2), method="lm"),
    lambda f: root(f, np.zeros(2), method="broyden1"),
    lambda f: least_squares(f, np.zeros(2)),
])
def test_complex_residuals_are_refused(call):
    # SciPy raises on complex residuals; silently taking the real part would
    # report x = (1, 1) as a root of x - (1 + 1j)
    with pytest.raises(TypeError, match=r"must return real values.*complex128"):
        call(lambda x: x - (1 + 1j))


def test_least_squares_callback_sees_x0_shape():
    for cb_kind in ("intermediate_result", "x"):
        seen = []
        if cb_kind == "x":
            cb = lambda x: seen.append(x.shape)  # noqa: E731
        else:
            cb = lambda intermediate_result: seen.append(  # noqa: E731
                intermediate_result.x.shape)
        res = least_squares(lambda x: x ** 3 - 8.0, np.ones((2, 2)), callback=cb)
        np.testing.assert_allclose(res.x, np.full((2, 2), 2.0), rtol=1e-7)
        assert seen and set(seen) == {(2, 2)}


def test_trust_constr_old_style_callback_state_is_shaped():
    seen = []
    target = np.arange(4.0).reshape(2, 2)
    res = minimize(lambda x: dnp.sum((x - target) ** 2), np.zeros((2, 2)),
                   method="trust-constr",
                   callback=lambda xk, state: seen.append(
                       (xk.shape, state.x.shape, state.grad.shape)) and None)
    np.testing.assert_allclose(res.x, target, atol=1e-6)
    assert seen and set(seen) == {((2, 2), (2, 2), (2, 2))}


def _rosen_flat(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


@pytest.mark.parametrize("method", ["Nelder-Mead", "Powell", "COBYLA", "COBYQA"])
def test_derivative_free_nfev_is_the_number_of_calls(method):
    x0 = np.array([-1.2, 1.0, 0.5])
    f, g = Counted(rosen), Counted(_rosen_flat)
    res = minimize(f, x0, method=method)
    ref = so.minimize(g, x0, method=method)
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-12)
    assert res.nfev == f.calls   # the checked first value included
    # repeated points (Powell's line searches) come from the cache
    assert f.calls <= g.calls


def _decay_data():
    t = np.linspace(0.0, 2.0, 9)
    return t, 3.0 * np.exp(-1.5 * t)


@pytest.mark.parametrize("max_nfev", [None, 3])
@pytest.mark.parametrize("method", ["trf", "dogbox", "lm"])
def test_least_squares_nfev_equals_scipy(method, max_nfev):
    t, y = _decay_data()
    f = Counted(lambda p: p[0] * np.exp(-p[1] * t) - y)
    g = Counted(lambda p: p[0] * np.exp(-p[1] * t) - y)

    def jac(p):
        e = np.exp(-p[1] * t)
        return np.stack([e, -p[0] * t * e], axis=1)
    res = least_squares(f, np.array([1.0, 1.0]), method=method, max_nfev=max_nfev)
    ref = so.least_squares(g, np.array([1.0, 1.0]), jac=jac, method=method,
                           max_nfev=max_nfev)
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-10)
    assert res.nfev == f.calls == g.calls == ref.nfev
    if max_nfev is not None:
        assert f.calls <= max_nfev


@pytest.mark.parametrize("n", [5, 1200])
def test_least_squares_fewer_residuals_than_unknowns_nfev(n):
    # reverse mode; above FIRST_FORWARD_MAX the pass at x0 starts in reverse
    f = Counted(lambda x: dnp.stack([dnp.sum(x ** 2) - 1.0, dnp.sum(x) - 0.5]))
    g = Counted(lambda x: np.array([np.sum(x ** 2) - 1.0, np.sum(x) - 0.5]))
    res = least_squares(f, np.ones(n))
    ref = so.least_squares(g, np.ones(n), jac=lambda x: np.stack([2.0 * x, np.ones(n)]))
    np.testing.assert_allclose(res.x, ref.x, atol=1e-12)
    assert res.nfev == f.calls == g.calls == ref.nfev


@pytest.mark.parametrize("n, m, max_nfev", [
    (20, 10, None),     # m < n <= 1.4 m + 8: forward (jacobian's auto rule)
    (30, 10, None),     # n > 1.4 m + 8: reverse after the first pass
    (12, 12, None),     # square: forward
    (8, 30, None),      # tall: forward
    (1010, 720, 2),     # above FIRST_FORWARD_MAX, m < n <= 1.4 m + 8
    (1200, 30, 3),      # above FIRST_FORWARD_MAX, wide
])
def test_least_squares_jacobian_mode_is_jacobians_auto_rule(n, m, max_nfev):
    # r(p) = A p + 0.1 (p[idx])^3 - b: Jacobian A + 0.3 diag-scatter of p[idx]^2
    from dualad.optimize import FIRST_FORWARD_MAX
    rng = np.random.default_rng(n + m)
    A = rng.normal(size=(m, n)) / np.sqrt(n)
    idx = np.arange(m) % n
    b = rng.normal(size=m)
    seen = []

    def resid(p):
        seen.append(type(p).__name__)
        return A @ p + 0.1 * p[idx] ** 3 - b

    g = Counted(lambda p: A @ p + 0.1 * p[idx] ** 3 - b)

    def jac(p):
        J = A.copy()
        J[np.arange(m), idx] += 0.3 * p[idx] ** 2
        return J
    x0 = np.full(n, 0.5)
    res = least_squares(resid, x0, max_nfev=max_nfev)
    ref = so.least_squares(g, x0, jac=jac, max_nfev=max_nfev)
    # values: SciPy's with the hand-written Jacobian
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.jac, jac(res.x), rtol=1e-12, atol=1e-14)
    # the mode of each pass: Dual = forward, Var = reverse
    later = "Dual" if n <= 1.4 * m + 8 else "Var"
    if n <= FIRST_FORWARD_MAX:
        first = ["Dual"]
    else:   # a reverse recording, whose sweep serves when m < n
        first = ["Var"] if m < n else ["Var", "Dual"]
    assert seen[:len(first)] == first
    assert set(seen[len(first):]) <= {later}
    assert len(seen) > len(first)      # at least one later pass was checked
    # counters honest: every call counted, and SciPy's own count
    assert res.nfev == len(seen) == g.calls == ref.nfev
    assert res.njev == len(seen) - len(first) + 1   # every point: value and Jacobian


@pytest.mark.parametrize("method", ["hybr", "lm"])
def test_root_jacobian_methods_evaluate_x0_once(method):
    def system(x):
        return dnp.stack([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] - x[1]])
    f = Counted(system)
    g = Counted(lambda x: np.array([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] - x[1]]))
    res = root(f, np.array([1.0, 0.5]), method=method)
    ref = so.root(g, np.array([1.0, 0.5]), method=method,
                  jac=lambda x: np.array([[2 * x[0], 2 * x[1]], [1.0, -1.0]]))
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-12)
    assert res.nfev == f.calls
    # SciPy's calls include one extra check at x0 (MINPACK wrappers); x0 is
    # evaluated once here, value and Jacobian in one pass
    assert f.calls == g.calls - 2


@pytest.mark.parametrize("max_nfev", [None, 3])
@pytest.mark.parametrize("bounds_form", ["pair", "Bounds"])
@pytest.mark.parametrize("method", ["trf", "dogbox"])
def test_least_squares_x0_on_a_bound_nfev_equals_scipy(method, bounds_form, max_nfev):
    # 'trf' starts from x0 moved strictly inside the bounds: the first (checked,
    # cached) evaluation must be there, not at x0 itself
    t, y = _decay_data()
    y = y + 0.5
    f = Counted(lambda p: p[0] * np.exp(-p[1] * t) + p[2] - y)
    g = Counted(lambda p: p[0] * np.exp(-p[1] * t) + p[2] - y)

    def jac(p):
        e = np.exp(-p[1] * t)
        return np.stack([e, -p[0] * t * e, np.ones_like(t)], axis=1)
    x0 = np.array([1.0, 0.1, 0.0])                 # the offset starts on its bound 0
    bounds = (0.0, 10.0) if bounds_form == "pair" else so.Bounds(0.0, 10.0)
    res = least_squares(f, x0, bounds=bounds, method=method, max_nfev=max_nfev)
    ref = so.least_squares(g, x0, jac=jac, bounds=(0.0, 10.0), method=method,
                           max_nfev=max_nfev)
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-9, atol=1e-12)
    assert res.nfev == f.calls == g.calls == ref.nfev
    if max_nfev is not None:
        assert f.calls <= max_nfev


# ---------------------------------------------------------------------------
# x0 outside the bounds: as SciPy, which moves it into them (L-BFGS-B, TNC,
# SLSQP, Nelder-Mead, COBYLA, COBYQA) or starts from it (Powell); the truth is
# SciPy's own run with the hand-written gradient
# ---------------------------------------------------------------------------
BOUNDED_METHODS = ["L-BFGS-B", "TNC", "SLSQP", "Nelder-Mead", "Powell", "COBYLA", "COBYQA"]


def _log_objective(x):                 # NaN for x < 0: undefined at the infeasible x0
    return np.sum(np.log(x) ** 2 + x)


def _log_objective_grad(x):
    return 2.0 * np.log(x) / x + 1.0


@pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")
@pytest.mark.parametrize("method", BOUNDED_METHODS)
def test_x0_outside_bounds_objective_undefined_there(method):
    x0, bounds = np.array([-1.0, 2.0]), [(0.1, 10.0)] * 2
    f, g = Counted(_log_objective), Counted(_log_objective)
    kw = {} if method in ("Nelder-Mead", "Powell", "COBYLA", "COBYQA") else \
        {"jac": _log_objective_grad}
    warns = method in ("Nelder-Mead", "Powell")       # SciPy warns for these two only
    ctx = pytest.warns(so.OptimizeWarning, match="Initial guess is not within") \
        if warns else _no_warning_of(so.OptimizeWarning)
    with ctx:
        res = minimize(f, x0, method=method, bounds=bounds)
    with pytest.warns(so.OptimizeWarning) if warns else _no_warning_of(so.OptimizeWarning):
        ref = so.minimize(g, x0, method=method, bounds=bounds, **kw)
    assert res.success and ref.success
    # minimum of log(x)^2 + x: 2 log(x) / x + 1 = 0 at x = 0.703467422498391652...
    # (mpmath.findroot at 30 digits); SciPy's own tolerance decides the digits
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-6)
    np.testing.assert_allclose(res.x, 0.7034674224983917, rtol=2e-3)
    # the same evaluations as SciPy: no extra one at x0 (SciPy's COBYLA does not
    # count its evaluation at the unclipped x0 in nfev, but makes it)
    assert res.nfev == f.calls == g.calls


class _no_warning_of:
    def __init__(self, category):
        self.category = category

    def __enter__(self):
        import warnings
        self._cm = warnings.catch_warnings(record=True)
        self._w = self._cm.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self._cm.__exit__(*exc)
        assert not [w for w in self._w if issubclass(w.category, self.category)]


@pytest.mark.parametrize("method", BOUNDED_METHODS + ["trust-constr"])
def test_x0_outside_bounds_costs_no_extra_evaluation(method):
    # rosen is finite outside the bounds: only the count could differ
    x0 = np.array([-1.2, 0.5, 0.3, 0.2])
    bounds = [(-0.5, 0.8)] * 4
    f, g = Counted(rosen), Counted(_rosen_flat)
    kw = {} if method in ("Nelder-Mead", "Powell", "COBYLA", "COBYQA") else \
        {"jac": so.rosen_der}
    if method == "trust-constr":
        kw["hess"] = so.rosen_hess
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", so.OptimizeWarning)
        res = minimize(f, x0, method=method, bounds=bounds)
        ref = so.minimize(g, x0, method=method, bounds=bounds, **kw)
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-6, atol=1e-7)
    assert res.nfev == f.calls
    if method == "Nelder-Mead":
        # its first simplex point x0 * 1.05 is clipped back onto x0: a cache hit
        assert f.calls == g.calls - 1
    else:
        assert f.calls == g.calls


@pytest.mark.parametrize("method", ["L-BFGS-B", "TNC", "SLSQP", "Nelder-Mead", "COBYLA",
                                    "COBYQA"])
def test_x0_moved_into_bounds_where_objective_is_not_finite(method):
    # x0 = -1 is clipped onto the bound 0, where log is -inf: the error names
    # the point SciPy starts from
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # log(-1), log(0); Nelder-Mead: x0 outside
        with pytest.raises(ValueError, match=r"not finite at x0 moved into the bounds "
                                             r"by SciPy \(\[0\.0, 0\.0\]"):
            minimize(lambda x: np.sum(np.log(x)), -np.ones(2), method=method,
                     bounds=[(0.0, 1.0)] * 2)


@pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:Initial guess is not within:scipy.optimize.OptimizeWarning")
def test_powell_starts_from_x0_outside_bounds_as_scipy():
    # Powell does not move x0: SciPy evaluates it there (NaN here) and goes on;
    # so does dualad, with no error, and the same result
    x0, bounds = np.array([-1.0, 2.0]), [(0.1, 10.0)] * 2
    res = minimize(_log_objective, x0, method="Powell", bounds=bounds)
    ref = so.minimize(_log_objective, x0, method="Powell", bounds=bounds)
    np.testing.assert_array_equal(res.x, ref.x)
    assert res.success


def test_least_squares_x0_outside_bounds_gets_scipys_error():
    for method in ("trf", "dogbox"):
        for fun in (np.log, lambda x: x - 1.0):     # undefined or finite at x0
            f = Counted(fun)
            with pytest.raises(ValueError, match="Initial guess is outside of provided "
                                                 "bounds"):
                least_squares(f, -np.ones(2), bounds=(0.1, 10.0), method=method)
            assert f.calls == 0


def test_cobyqa_x0_near_a_bound_costs_no_extra_evaluation():
    # COBYQA moves a feasible x0 near a bound before its first evaluation: the
    # check is on that first value, not an evaluation at x0 of its own
    x0 = np.array([0.79, 0.5, 0.3, 0.2])
    f, g = Counted(rosen), Counted(_rosen_flat)
    res = minimize(f, x0, method="COBYQA", bounds=[(-0.5, 0.8)] * 4)
    ref = so.minimize(g, x0, method="COBYQA", bounds=[(-0.5, 0.8)] * 4)
    np.testing.assert_array_equal(res.x, ref.x)
    assert res.nfev == f.calls == g.calls == ref.nfev


@pytest.mark.parametrize("call, named", [
    (lambda: minimize(so.rosen, np.zeros(3), method="BFGS"), "scipy.optimize.rosen"),
    (lambda: minimize(so.rosen, np.zeros(3), method="trust-ncg"), "scipy.optimize.rosen"),
    (lambda: least_squares(so.rosen_der, np.zeros(3)), "scipy.optimize.rosen_der"),
    (lambda: root(so.rosen_der, np.full(3, 0.5)), "scipy.optimize.rosen_der"),
    (lambda: dualad.grad(so.rosen)(np.zeros(3)), "scipy.optimize.rosen"),
])
def test_a_library_objective_that_converts_is_named_not_scipys_minimize(call, named):
    # SciPy's own rosen converts x with np.asarray; the message named
    # "scipy.optimize.minimize" (the SciPy frame further out, which called back
    # into dualad) as the function that converts its input
    with pytest.raises(TypeError) as e:
        call()
    msg = str(e.value)
    assert f"{named} converts its input to a plain array" in msg
    assert "scipy.optimize.minimize converts" not in msg
    assert "least_squares converts" not in msg and "root converts" not in msg


def test_least_squares_takes_scipys_positional_arguments_without_jac():
    # SciPy: least_squares(fun, x0, jac, bounds, method, ftol, xtol, gtol, x_scale,
    # loss, f_scale, ...); dualad takes the same minus jac.  ftol and the rest
    # were keyword-only ("takes from 2 to 4 positional arguments but 5 were given")
    t = np.linspace(0.0, 2.0, 9)
    y = 3.0 * np.exp(-1.5 * t) + 0.05 * np.sin(7 * t)

    def resid(p):
        return p[0] * np.exp(-p[1] * t) - y

    def jac(p):
        e = np.exp(-p[1] * t)
        return np.stack([e, -p[0] * t * e], axis=1)

    pos = (1e-12, 1e-12, 1e-12, np.array([1.0, 2.0]), "soft_l1", 0.1)
    ours = least_squares(resid, [1.0, 1.0], ([0.0, 0.0], [10.0, 10.0]), "trf", *pos)
    theirs = so.least_squares(resid, [1.0, 1.0], jac, ([0.0, 0.0], [10.0, 10.0]), "trf", *pos)
    np.testing.assert_allclose(ours.x, theirs.x, rtol=1e-10)
    assert ours.nfev == theirs.nfev
    # the same call by keyword gives the same result, and SciPy's defaults apply
    kw = dict(zip(("ftol", "xtol", "gtol", "x_scale", "loss", "f_scale"), pos))
    np.testing.assert_array_equal(
        least_squares(resid, [1.0, 1.0], ([0.0, 0.0], [10.0, 10.0]), "trf", **kw).x, ours.x)
    np.testing.assert_allclose(least_squares(resid, [1.0, 1.0]).x,
                               so.least_squares(resid, [1.0, 1.0], jac).x, rtol=1e-10)
    with pytest.raises(TypeError):
        least_squares(resid, [1.0, 1.0], (-np.inf, np.inf), "trf", *pos, None)


# ---------------------------------------------------------------------------
# root's col_deriv: the Jacobian callable must return J^T (SciPy's layout)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["lm", "hybr"])
@pytest.mark.parametrize("col_deriv", [True, 1])
def test_root_col_deriv_gets_the_transposed_jacobian(method, col_deriv):
    # linear system with a non-symmetric matrix; truth np.linalg.solve (= [-19, 2])
    A = np.array([[1.0, 10.0], [0.0, 1.0]])
    b = np.array([1.0, 2.0])
    F = lambda x: A @ x - b
    truth = np.linalg.solve(A, b)
    r = root(F, np.zeros(2), method=method, options={"col_deriv": col_deriv})
    # before the fix lm stopped at [0.0126, 0.1227] with success=True, |F| = 1.96
    assert r.success
    np.testing.assert_allclose(r.x, truth, rtol=1e-12, atol=1e-12)
    s = so.root(F, np.zeros(2), jac=lambda x: A.T, method=method,
                options={"col_deriv": col_deriv})
    np.testing.assert_allclose(r.x, s.x, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", ["lm", "hybr"])
def test_root_col_deriv_nonlinear_system_matches_scipy_with_hand_written_transpose(method):
    # mildly non-symmetric 3x3 system (the audit's t36): before the fix lm took 99
    # evaluations and stopped at |F| = 6.5e-8
    A = np.array([[3.0, 1.0, 0.5], [-2.0, 4.0, 1.0], [0.3, -1.0, 5.0]])
    b = np.array([1.0, 2.0, 3.0])
    F = F_np = lambda x: A @ x + 0.1 * x ** 3 - b

    def J(x):      # hand-written Jacobian (rows: equations)
        return A + np.diag(0.3 * x ** 2)
    x0 = np.zeros(3)
    s = so.root(F_np, x0, jac=lambda x: J(x).T, method=method, options={"col_deriv": True})
    r = root(F, x0, method=method, options={"col_deriv": True})
    assert s.success and r.success
    np.testing.assert_allclose(r.x, s.x, rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(F_np(r.x))) < 1e-11    # SciPy's own xtol stop: |F| ~ 2e-12
    assert r.nfev <= s.nfev       # SciPy's iterations with the right layout (cache: <=)


# ---------------------------------------------------------------------------
# complex intermediates: real parts of the sweeps, no ComplexWarning
# ---------------------------------------------------------------------------
def _f_complex(x):      # = sum(x**4 + x**2) + sum((x - 0.5)**2), through |x + i|^2
    return np.sum(np.abs(x + 1j) ** 2 * x ** 2) + np.sum((x - 0.5) ** 2)


def _real_root_cubic():  # closed form: the gradient 4 t^3 + 4 t - 1 vanishes at t
    return [z.real for z in np.roots([4.0, 0.0, 4.0, -1.0]) if abs(z.imag) < 1e-12][0]


@pytest.mark.parametrize("method,hessian", [
    ("trust-exact", "auto"), ("dogleg", "auto"), ("Newton-CG", "hess"),
    ("Newton-CG", "hessp"), ("trust-ncg", "hessp"), ("trust-krylov", "hess"),
    ("trust-constr", "hess"), ("trust-constr", "hessp")])
def test_hessians_through_complex_intermediates_raise_no_complex_warning(method, hessian):
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # a ComplexWarning would raise
        res = minimize(_f_complex, 0.8 * np.ones(3), method=method, hessian=hessian)
    np.testing.assert_allclose(res.x, _real_root_cubic(), rtol=1e-6)
    assert res.nhev > 0


def test_recording_hess_and_hvp_through_complex_intermediates_are_real_and_exact():
    from dualad.optimize import _Recording

    # Parseval: sum |fft(x)|^2 / n = sum x^2, so H = 2 I + diag(12 x^2)
    def f(x):
        return np.sum(np.abs(np.fft.fft(x)) ** 2) / x.size + np.sum(x ** 4)
    x = np.array([0.5, 1.0, 2.0])
    v = np.array([1.0, 2.0, 3.0])
    H = np.diag(2.0 + 12.0 * x ** 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = _Recording(f, x)
        h, hv = rec.hess(), rec.hvp(v)
    assert h.dtype == hv.dtype == rec.grad.dtype == np.float64
    np.testing.assert_allclose(h, H, rtol=1e-14, atol=1e-13)
    np.testing.assert_allclose(hv, H @ v, rtol=1e-14, atol=1e-13)
    np.testing.assert_allclose(rec.grad, 2.0 * x + 4.0 * x ** 3, rtol=1e-14)
    # |x + i|^2 x^2 = x^4 + x^2: complex cotangents in the sweep, H = diag(12 x^2 + 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = _Recording(lambda x: np.sum(np.abs(x + 1j) ** 2 * x ** 2), x)
        h, hv = rec.hess(), rec.hvp(v)
    H = np.diag(12.0 * x ** 2 + 2.0)
    assert h.dtype == hv.dtype == np.float64
    np.testing.assert_allclose(h, H, rtol=1e-14, atol=1e-13)
    np.testing.assert_allclose(hv, H @ v, rtol=1e-14, atol=1e-13)


@pytest.mark.parametrize("hessian", ["hess", "hessp"])
def test_trust_constr_constraint_hessian_through_complex_intermediates(hessian):
    # min sum x^2 s.t. sum(|x + i|^2 x) = sum(x^3 + x) = 1: symmetric solution
    # x_i = t with 3 (t^3 + t) = 1 (closed form by np.roots)
    from scipy.optimize import NonlinearConstraint
    t = [z.real for z in np.roots([3.0, 0.0, 3.0, -1.0]) if abs(z.imag) < 1e-12][0]
    con = NonlinearConstraint(lambda x: np.sum(np.abs(x + 1j) ** 2 * x), 1.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimize(lambda x: np.sum(x ** 2), np.array([1.0, 2.0, 0.5]),
                       method="trust-constr", constraints=[con], hessian=hessian)
    np.testing.assert_allclose(res.x, t, rtol=1e-6)
    assert sum(res.constr_nhev) > 0


def test_reverse_mode_jacobians_through_complex_intermediates():
    n = 30                      # 2 outputs, 30 unknowns: reverse mode
    x = np.linspace(0.1, 1.0, n)

    def fun(x):
        return dnp.stack([np.sum(np.abs(x + 1j) ** 2) - 40.0, np.sum(x) - 3.0])
    vec = _Vector(fun, (), (n,), "least_squares", "residual function")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vec.value(x)                     # m known: the auto rule picks reverse
        J = vec.jac(x + 0.0)
        np.testing.assert_allclose(J, np.vstack([2.0 * x, np.ones(n)]), rtol=1e-15)
        res = least_squares(fun, 0.3 * np.ones(n))
        # SciPy with the hand-written Jacobian takes the same path
        s = so.least_squares(lambda x: np.array([np.sum(x ** 2) - 10.0, np.sum(x) - 3.0]),
                             0.3 * np.ones(n), jac=lambda x: np.vstack([2.0 * x, np.ones(n)]))
        np.testing.assert_allclose(res.x, s.x, rtol=1e-10)
        assert res.nfev == s.nfev and res.cost < 1e-14
        # SLSQP with a reverse-mode constraint Jacobian: min |x - a|^2 s.t.
        # sum(|x + i|^2) = 40, i.e. |x|^2 = 10 -> x = sqrt(10) a / |a|
        a = np.linspace(1.0, 2.0, n)
        r = minimize(lambda x: np.sum((x - a) ** 2), np.ones(n), method="SLSQP",
                     constraints={"type": "eq",
                                  "fun": lambda x: np.sum(np.abs(x + 1j) ** 2) - 40.0})
    np.testing.assert_allclose(r.x, np.sqrt(10.0) * a / np.linalg.norm(a), rtol=1e-6)


# ---------------------------------------------------------------------------
# length-n options shaped like x0 are flattened, as bounds are
# ---------------------------------------------------------------------------
def test_least_squares_x_scale_shaped_like_x0():
    res = least_squares(lambda x: x - 2.0, np.zeros((2, 2)), x_scale=np.ones((2, 2)))
    np.testing.assert_allclose(res.x, 2.0 * np.ones((2, 2)), rtol=1e-12)
    # a non-uniform scale changes the path: same run as SciPy's flat problem
    # with the hand-written Jacobian and the flattened scale
    c = np.array([1.0, 2.0, 3.0, 4.0])
    resid = lambda x: np.exp(0.3 * x.reshape(-1)) - c
    jac = lambda x: np.diag(0.3 * np.exp(0.3 * x))
    scale = np.array([[1.0, 5.0], [0.2, 3.0]])
    for method in ("trf", "dogbox", "lm"):
        s = so.least_squares(resid, np.zeros(4), jac=jac, x_scale=scale.reshape(-1),
                             method=method)
        r = least_squares(resid, np.zeros((2, 2)), x_scale=scale, method=method)
        assert r.x.shape == (2, 2)
        np.testing.assert_allclose(r.x.reshape(-1), s.x, rtol=1e-12)
        np.testing.assert_allclose(r.x.reshape(-1), np.log(c) / 0.3, rtol=1e-8)
        assert r.nfev == s.nfev
        # by position, and a row broadcasting to x0's shape
        r2 = least_squares(resid, np.zeros((2, 2)), (-np.inf, np.inf), method, 1e-8,
                           1e-8, 1e-8, scale[0])
        s2 = so.least_squares(resid, np.zeros(4), jac=jac, method=method,
                              x_scale=np.tile(scale[0], 2))
        np.testing.assert_allclose(r2.x.reshape(-1), s2.x, rtol=1e-12)


@pytest.mark.parametrize("method", ["hybr", "lm"])
def test_root_diag_shaped_like_x0(method):
    def F_np(x):
        x = x.reshape(-1)
        return np.array([x[0] + 2.0 * x[1] ** 2 - 3.0, x[1] + 0.5 * x[0] * x[3] - 1.0,
                         3.0 * x[2] - x[0] ** 2, x[3] - 0.2 * x[2]])

    def J(x):
        return np.array([[1.0, 4.0 * x[1], 0.0, 0.0], [0.5 * x[3], 1.0, 0.0, 0.5 * x[0]],
                         [-2.0 * x[0], 0.0, 3.0, 0.0], [0.0, 0.0, -0.2, 1.0]])
    diag = np.array([[1.0, 10.0], [0.5, 2.0]])
    x0 = 0.5 * np.ones((2, 2))
    s = so.root(F_np, x0.reshape(-1), jac=J, method=method,
                options={"diag": diag.reshape(-1)})
    r = root(lambda x: dnp.stack([x[0, 0] + 2.0 * x[0, 1] ** 2 - 3.0,
                                  x[0, 1] + 0.5 * x[0, 0] * x[1, 1] - 1.0,
                                  3.0 * x[1, 0] - x[0, 0] ** 2, x[1, 1] - 0.2 * x[1, 0]]),
             x0, method=method, options={"diag": diag})
    assert s.success and r.success and r.x.shape == (2, 2)
    np.testing.assert_allclose(r.x.reshape(-1), s.x, rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(F_np(r.x))) < 1e-12


def test_tnc_scale_and_offset_shaped_like_x0():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    f = lambda x: np.sum(np.cosh(x - a))
    g = lambda x: np.sinh(x - a.reshape(-1))
    opts = {"scale": np.array([[1.0, 2.0], [0.5, 4.0]]),
            "offset": np.array([[0.1, -0.2], [0.0, 0.3]])}
    s = so.minimize(lambda x: np.sum(np.cosh(x - a.reshape(-1))), np.zeros(4), jac=g,
                    method="TNC", options={k: v.reshape(-1) for k, v in opts.items()})
    r = minimize(f, np.zeros((2, 2)), method="TNC", options=opts)
    assert r.x.shape == (2, 2)
    np.testing.assert_allclose(r.x.reshape(-1), s.x, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.x, a, atol=1e-4)
    assert r.nfev == s.nfev
    assert opts["scale"].shape == (2, 2)        # the user's options are not modified


def test_simplex_and_direction_options_shaped_like_x0():
    a = np.array([[1.0, -2.0]])
    f = lambda x: np.sum((x - a) ** 2 * np.array([[1.0, 3.0]]))
    f_flat = lambda x: np.sum((x - a.reshape(-1)) ** 2 * np.array([1.0, 3.0]))
    sim = np.array([[[0.0, 0.0]], [[1.0, 0.0]], [[0.0, 1.0]]])     # (3,) + x0.shape
    s = so.minimize(f_flat, np.zeros(2), method="Nelder-Mead",
                    options={"initial_simplex": sim.reshape(3, 2)})
    r = minimize(f, np.zeros((1, 2)), method="Nelder-Mead",
                 options={"initial_simplex": sim})
    np.testing.assert_array_equal(r.x.reshape(-1), s.x)
    assert r.final_simplex[0].shape == (3, 1, 2)
    np.testing.assert_array_equal(r.final_simplex[0].reshape(3, 2), s.final_simplex[0])
    direc = np.array([[[1.0, 1.0]], [[1.0, -1.0]]])                # (2,) + x0.shape
    s = so.minimize(f_flat, np.zeros(2), method="Powell",
                    options={"direc": direc.reshape(2, 2)})
    r = minimize(f, np.zeros((1, 2)), method="Powell", options={"direc": direc})
    np.testing.assert_allclose(r.x.reshape(-1), s.x, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------
# trust-constr with hessian=None: no second derivatives, constraints included
# ---------------------------------------------------------------------------
def _hs071_scipy_parts():
    f = lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    g = lambda x: np.array([x[3] * (2 * x[0] + x[1] + x[2]), x[0] * x[3],
                            x[0] * x[3] + 1.0, x[0] * (x[0] + x[1] + x[2])])
    c1 = lambda x: x[0] * x[1] * x[2] * x[3]
    j1 = lambda x: np.array([[x[1] * x[2] * x[3], x[0] * x[2] * x[3],
                              x[0] * x[1] * x[3], x[0] * x[1] * x[2]]])
    c2 = lambda x: np.sum(x ** 2)
    j2 = lambda x: 2.0 * x.reshape(1, -1)
    return f, g, c1, j1, c2, j2


@pytest.mark.parametrize("style", ["nlc", "dict"])
def test_trust_constr_hessian_none_supplies_no_constraint_hessian(style):
    from scipy.optimize import Bounds, NonlinearConstraint
    f, g, c1, j1, c2, j2 = _hs071_scipy_parts()
    x0 = np.array([1.0, 5.0, 5.0, 1.0])
    bounds = Bounds(np.ones(4), 5 * np.ones(4))
    # SciPy with hand-written Jacobians and no Hessians: BFGS for all (its default)
    s = so.minimize(f, x0, jac=g, method="trust-constr", bounds=bounds,
                    constraints=[NonlinearConstraint(c1, 25.0, np.inf, jac=j1),
                                 NonlinearConstraint(c2, 40.0, 40.0, jac=j2)])
    if style == "nlc":
        cons = [NonlinearConstraint(c1, 25.0, np.inf), NonlinearConstraint(c2, 40.0, 40.0)]
    else:
        cons = [{"type": "ineq", "fun": lambda x: c1(x) - 25.0},
                {"type": "eq", "fun": lambda x: c2(x) - 40.0}]
    r = minimize(f, x0, method="trust-constr", bounds=bounds, constraints=cons,
                 hessian=None)
    assert list(r.constr_nhev) == [0, 0, 0] and r.nhev == 0   # was [215, 215, 0]
    assert r.nit == s.nit
    np.testing.assert_allclose(r.x, s.x, rtol=1e-7)
    np.testing.assert_allclose(r.x, [1.0, 4.74300, 3.82115, 1.37941], atol=2e-5)
    # the default still gets exact constraint Hessians
    r = minimize(f, x0, method="trust-constr", bounds=bounds, constraints=cons)
    assert min(r.constr_nhev[:2]) > 0


@pytest.mark.filterwarnings("ignore:delta_grad")   # SciPy's, for the linear objective
def test_trust_constr_hessian_none_keeps_a_constraints_own_strategy():
    from scipy.optimize import NonlinearConstraint, SR1
    con = NonlinearConstraint(lambda x: np.sum(x ** 2), 1.0, 1.0, hess=SR1())
    r = minimize(lambda x: x[0] + 2.0 * x[1], np.array([0.5, 0.5]), method="trust-constr",
                 constraints=[con], hessian=None)
    np.testing.assert_allclose(r.x, -np.array([1.0, 2.0]) / np.sqrt(5.0), rtol=1e-6)
    assert r.constr_nhev[0] == 0


# ---------------------------------------------------------------------------
# x-shaped result fields
# ---------------------------------------------------------------------------
def test_result_vectors_are_shaped_like_x0():
    from scipy.optimize import NonlinearConstraint
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    f_flat = lambda x: np.sum((x - a.reshape(-1)) ** 2)
    g = lambda x: 2.0 * (x - a.reshape(-1))
    con_flat = NonlinearConstraint(lambda x: np.sum(x), 5.0, 5.0,
                                   jac=lambda x: np.ones((1, 4)),
                                   hess=lambda x, v: np.zeros((4, 4)))
    s = so.minimize(f_flat, np.zeros(4), jac=g, hess=lambda x: 2.0 * np.eye(4),
                    method="trust-constr", constraints=[con_flat])
    r = minimize(lambda x: np.sum((x - a) ** 2), np.zeros((2, 2)), method="trust-constr",
                 constraints=[NonlinearConstraint(lambda x: np.sum(x), 5.0, 5.0)])
    for k in ("x", "grad", "lagrangian_grad"):
        assert r[k].shape == (2, 2), k
        np.testing.assert_allclose(r[k].reshape(-1), s[k], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(r.x, a - 1.25, rtol=1e-7)   # closed form: a - (10 - 5) / 4
    # least_squares' active_mask; return_all's allvecs
    r = least_squares(lambda x: x - a, np.zeros((2, 2)), bounds=(-np.inf, 2.5))
    assert r.active_mask.shape == (2, 2)
    np.testing.assert_array_equal(r.active_mask, [[0, 0], [1, 1]])
    r = minimize(lambda x: np.sum((x - a) ** 2), np.zeros((2, 2)), method="BFGS",
                 options={"return_all": True})
    assert all(v.shape == (2, 2) for v in r.allvecs)
    np.testing.assert_array_equal(r.allvecs[0], np.zeros((2, 2)))
