"""Differentiating through the solutions of dualad.optimize.minimize / least_squares /
root with respect to traced args (implicit function theorem).

Truths: closed forms (a separable quartic, linear least squares, cube roots),
the implicit-function formula evaluated with NumPy alone, and Richardson
differences of SciPy's own solvers re-run at perturbed parameters with tight
tolerances.
"""
import numpy as np
import pytest
import scipy.optimize as so

import dualad as ad
import dualad.numpy as dnp
from dualad.optimize import least_squares, minimize, root


def richardson(f, p, h=1e-3):
    """Jacobian of f at p by Richardson-extrapolated central differences."""
    p = np.asarray(p, dtype=float)
    cols = []
    for i in range(p.size):
        e = np.zeros_like(p)
        e.flat[i] = 1.0

        def d(h):
            return (np.asarray(f(p + h * e)) - np.asarray(f(p - h * e))) / (2 * h)
        cols.append((4 * d(h / 2) - d(h)) / 3)
    return np.stack(cols, axis=-1)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


# --- minimize: separable quartic, closed form ------------------------------------
A4 = 0.3


def quartic(x, p):
    return np.sum((x - p) ** 2) + A4 * np.sum(x ** 4)


def quartic_truth(p):
    """x solves 2 (x - p) + 4 a x^3 = 0 (one real root): x' = 1 / (1 + 6 a x^2),
    x'' = -12 a x x'^3, from NumPy's roots of the cubic."""
    x = np.array([np.real(r[np.abs(np.imag(r)) < 1e-9][0]) for r in
                  (np.roots([2 * A4, 0.0, 1.0, -pi]) for pi in p)])
    d1 = 1.0 / (1.0 + 6 * A4 * x ** 2)
    d2 = -12 * A4 * x * d1 ** 3
    return x, d1, d2


P = np.array([1.0, -0.5, 2.0])


@pytest.mark.parametrize("method", ["BFGS", "trust-exact", "Newton-CG", "Nelder-Mead"])
def test_minimize_closed_form_all_modes(method):
    x, d1, d2 = quartic_truth(P)
    opts = {"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000} if method == "Nelder-Mead" \
        else None

    def sol(p):
        return minimize(quartic, np.zeros(3), args=(p,), method=method, options=opts).x
    plain = sol(P)
    J = np.diag(d1)
    for mode in (ad.jacfwd, ad.jacrev):
        assert rel(mode(sol)(P), J) < 1e-9
    v = np.array([0.3, -1.0, 0.7])
    out, t = ad.jvp(sol, (P,), (v,))
    assert np.array_equal(out, plain)       # the untraced call's value, exactly
    assert rel(t, d1 * v) < 1e-9
    assert rel(ad.grad(lambda p: dnp.sum(sol(p) * v))(P), d1 * v) < 1e-9
    H = ad.hessian(lambda p: sol(p)[0])(P)
    Ht = np.zeros((3, 3))
    Ht[0, 0] = d2[0]
    assert rel(H, Ht) < 1e-7


def test_minimize_fun_envelope_and_third_order():
    # f*(p) = f(x*(p), p): df*/dp = -2 (x - p) (envelope theorem)
    x, d1, d2 = quartic_truth(P)
    fstar = lambda p: minimize(quartic, np.zeros(3), args=(p,)).fun   # noqa: E731
    assert rel(ad.grad(fstar)(P), -2 * (x - P)) < 1e-9
    # d2 f*/dp2 = -2 (x' - 1) on the diagonal
    assert rel(ad.hessian(fstar)(P), np.diag(-2 * (d1 - 1))) < 1e-8
    # third order: d/dp of x'' = -12 a x x'^3 -> -12 a (x'^4 + 3 x x'^2 x'')
    d3 = -12 * A4 * (d1 ** 4 + 3 * x * d1 ** 2 * d2)
    g3 = ad.grad(ad.grad(ad.grad(
        lambda q: minimize(quartic, np.zeros(3), args=(dnp.stack([q, 0.0, 0.0]),)).x[0])))
    assert rel(g3(P[0]), d3[0]) < 1e-6


def rosen_p(x, p):
    return (p[0] - x[0]) ** 2 + p[1] * (x[1] - x[0] ** 2) ** 2 + 0.1 * np.sum(x ** 4)


def rosen_p_grad(x, p):
    return np.array([-2 * (p[0] - x[0]) - 4 * p[1] * x[0] * (x[1] - x[0] ** 2)
                     + 0.4 * x[0] ** 3,
                     2 * p[1] * (x[1] - x[0] ** 2) + 0.4 * x[1] ** 3])


def test_minimize_vs_scipy_richardson():
    p = np.array([0.8, 5.0])

    def scipy_sol(q):
        return so.minimize(rosen_p, np.array([0.5, 0.5]), args=(q,), jac=rosen_p_grad,
                           method="BFGS", options={"gtol": 1e-13}).x
    truth = richardson(scipy_sol, p)
    sol = lambda q: minimize(rosen_p, np.array([0.5, 0.5]), args=(q,)).x   # noqa: E731
    assert rel(ad.jacfwd(sol)(p), truth) < 1e-6
    assert rel(ad.jacrev(sol)(p), truth) < 1e-6


def test_minimize_bounds_active_component_has_zero_derivative():
    p = np.array([1.5, -1.0, 0.25])
    f = lambda x, p: np.sum((x - p) ** 2 + 0.1 * x ** 4)   # noqa: E731
    for method in ("L-BFGS-B", "TNC", "SLSQP", "trust-constr"):
        sol = lambda q: minimize(f, np.full(3, 0.5), args=(q,), method=method,  # noqa: E731
                                 bounds=[(0.0, 1.0)] * 3).x
        J = ad.jacfwd(sol)(p)
        r = np.roots([0.4, 0.0, 2.0, -0.5])        # 0.4 x^3 + 2 x - 2 p = 0
        x = np.real(r[np.abs(np.imag(r)) < 1e-9][0])
        # x0 at the upper bound 1, x1 at the lower bound 0, x2 free
        assert J[0].tolist() == [0, 0, 0] and J[1].tolist() == [0, 0, 0]
        assert abs(J[2, 2] - 1 / (1 + 0.6 * x ** 2)) < 1e-6, method


def test_traced_x0_has_zero_derivative_and_args_pytrees():
    p = {"c": P, "s": 1.0}
    f = lambda x, d: np.sum((x - d["c"]) ** 2) * d["s"] + A4 * np.sum(x ** 4)  # noqa: E731
    g = ad.grad(lambda x0: dnp.sum(minimize(f, x0, args=(p,)).x))(np.zeros(3))
    assert g.tolist() == [0.0, 0.0, 0.0]
    # derivative with respect to a dict's entry
    x, d1, _ = quartic_truth(P)
    J = ad.jacrev(lambda c: minimize(f, np.zeros(3), args=({"c": c, "s": 1.0},)).x)(P)
    assert rel(J, np.diag(d1)) < 1e-9


def test_float32_parameter():
    x, d1, _ = quartic_truth(P)
    J = ad.jacfwd(lambda p: minimize(quartic, np.zeros(3), args=(p,)).x)(P.astype(np.float32))
    assert rel(J, np.diag(quartic_truth(P.astype(np.float32).astype(float))[1])) < 1e-6


# --- least_squares ---------------------------------------------------------------
A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0], [-1.0, 0.5]])
B = np.array([1.0, 2.0, 4.0, 0.0])


def test_least_squares_linear_closed_form():
    # x = (A^T A)^-1 A^T b, dx/db = pinv(A); b has a nonzero residual here
    sol = lambda b: least_squares(lambda x, b: A @ x - b, np.zeros(2), args=(b,)).x  # noqa
    pinv = np.linalg.solve(A.T @ A, A.T)
    assert rel(ad.jacfwd(sol)(B), pinv) < 1e-10
    assert rel(ad.jacrev(sol)(B), pinv) < 1e-10
    # second order: the solution is linear in b
    assert np.max(np.abs(ad.hessian(lambda b: sol(b)[0])(B))) < 1e-9
    # cost* = 0.5 |(I - A pinv) b|^2: gradient (I - A pinv)^T (I - A pinv) b
    M = np.eye(4) - A @ pinv
    cost = lambda b: least_squares(lambda x, b: A @ x - b, np.zeros(2), args=(b,)).cost  # noqa
    assert rel(ad.grad(cost)(B), M.T @ M @ B) < 1e-9


T = np.linspace(0.0, 2.0, 8)
Y = 2.0 * np.exp(-1.3 * T) + np.array([0.05, -0.03, 0.02, 0.04, -0.05, 0.01, 0.03, -0.02])


def expfit(x, y):
    return x[0] * np.exp(-x[1] * T) - y


def expfit_jac(x, y):
    e = np.exp(-x[1] * T)
    return np.stack([e, -x[0] * T * e], axis=1)


def scipy_lsq(y, loss, f_scale):
    """SciPy's fit with tight tolerances, restarted from its own solution twice
    (one run stops ~1e-10 short, too coarse for difference quotients)."""
    x = np.array([1.0, 1.0])
    for _ in range(3):
        x = so.least_squares(expfit, x, jac=expfit_jac, args=(y,), loss=loss,
                             f_scale=f_scale, xtol=1e-15, ftol=1e-15, gtol=1e-15,
                             method="dogbox").x
    return x


@pytest.mark.parametrize("loss", ["linear", "soft_l1", "huber", "cauchy"])
def test_least_squares_nonlinear_vs_scipy_richardson(loss):
    # nonzero residuals: the exact Hessian (not Gauss-Newton) is needed
    def scipy_sol(y):
        return scipy_lsq(y, loss, 0.1)
    truth = richardson(scipy_sol, Y, h=3e-3)
    sol = lambda y: least_squares(expfit, np.array([1.0, 1.0]), args=(y,), loss=loss,  # noqa
                                  f_scale=0.1).x
    assert rel(ad.jacrev(sol)(Y), truth) < 2e-6
    assert rel(ad.jacfwd(sol)(Y), truth) < 2e-6


def test_least_squares_traced_f_scale_and_bounds():
    truth = richardson(lambda s: scipy_lsq(Y, "soft_l1", s[0]), np.array([0.1]), h=3e-3)
    J = ad.jacfwd(lambda s: least_squares(expfit, np.array([1.0, 1.0]), args=(Y,),
                                          loss="soft_l1", f_scale=s[0]).x)(np.array([0.1]))
    assert rel(J, truth) < 1e-5
    # an active upper bound on the rate: its derivative is 0, the amplitude's is
    # that of the 1-parameter fit  a* = sum(e y) / sum(e e)
    sol = lambda y: least_squares(expfit, np.array([1.0, 0.5]), args=(y,),  # noqa: E731
                                  bounds=([-np.inf, 0.0], [np.inf, 1.0])).x
    e = np.exp(-1.0 * T)
    J = ad.jacrev(sol)(Y)
    assert np.all(J[1] == 0)
    assert rel(J[0], e / np.sum(e * e)) < 1e-9


# --- root ------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["hybr", "lm", "broyden1"])
def test_root_cube_root_closed_form(method):
    # x^3 = p: x = p^(1/3), x' = p^(-2/3) / 3, x'' = -2/9 p^(-5/3), x''' = 10/27 p^(-8/3)
    p = np.array([2.0, 5.0])
    sol = lambda q: root(lambda x, q: x ** 3 - q, np.ones(2), args=(q,), method=method).x  # noqa
    assert rel(ad.jacfwd(sol)(p), np.diag(p ** (-2 / 3) / 3)) < 1e-8
    assert rel(ad.jacrev(sol)(p), np.diag(p ** (-2 / 3) / 3)) < 1e-8
    s0 = lambda q: sol(dnp.stack([q, 5.0]))[0]   # noqa: E731
    assert rel(ad.grad(ad.grad(s0))(2.0), -2 / 9 * 2.0 ** (-5 / 3)) < 1e-8
    assert rel(ad.grad(ad.grad(ad.grad(s0)))(2.0), 10 / 27 * 2.0 ** (-8 / 3)) < 1e-7


def test_root_system_implicit_formula():
    # F(x, p) = [x0^2 + x1^2 - p0, x0 - p1 x1]: dx = -Fx^-1 Fp dp, Fp = [[-1, 0], [0, -x1]]
    F = lambda x, p: dnp.stack([x[0] ** 2 + x[1] ** 2 - p[0], x[0] - p[1] * x[1]])  # noqa
    p = np.array([4.0, 0.5])
    sol = lambda q: root(F, np.array([1.0, 1.0]), args=(q,)).x   # noqa: E731
    x = sol(p)
    Fx = np.array([[2 * x[0], 2 * x[1]], [1.0, -p[1]]])
    Fp = np.array([[-1.0, 0.0], [0.0, -x[1]]])
    truth = -np.linalg.solve(Fx, Fp)
    assert rel(ad.jacfwd(sol)(p), truth) < 1e-10
    _, t = ad.jvp(sol, (p,), (np.array([1.0, -2.0]),))
    assert rel(t, truth @ [1.0, -2.0]) < 1e-10


# --- errors ------------------------------------------------------------------------
def test_errors():
    f = lambda x, p: np.sum((x - p) ** 2)   # noqa: E731
    with pytest.raises(NotImplementedError, match="constraints"):
        ad.grad(lambda p: minimize(f, np.zeros(2), args=(p,), constraints=[
            {"type": "ineq", "fun": lambda x: x[0]}]).fun)(np.ones(2))
    with pytest.raises(NotImplementedError, match="bounds"):
        ad.grad(lambda b: minimize(f, np.zeros(2), args=(np.ones(2),),
                                   bounds=[(b, 2.0)] * 2).fun)(0.0)
    with pytest.raises(NotImplementedError, match="callable loss"):
        ad.grad(lambda y: least_squares(lambda x, y: x - y, np.zeros(2), args=(y,),
                                        loss=lambda z: np.stack([z, 0 * z + 1, 0 * z])
                                        ).cost)(np.ones(2))
    with pytest.raises(TypeError, match="closure or a global.*args="):
        ad.grad(lambda p: minimize(lambda x: np.sum((x - p) ** 2), np.zeros(2)).fun)(
            np.ones(2))
    with pytest.raises(TypeError, match="closure or a global"):
        ad.grad(lambda p: root(lambda x: x - p, np.zeros(2), method="broyden1").x[0])(
            np.ones(2))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        ad.grad(lambda p: minimize(lambda x, p: (x[0] + x[1] - p) ** 2, np.zeros(2),
                                   args=(p,)).x[0])(1.0)
    # SciPy's own minimize on a traced objective: the cause names dualad.optimize.minimize
    with pytest.raises(ValueError) as info:
        ad.grad(lambda p: so.minimize(lambda z: np.sum((z - p) ** 2), np.zeros(2)).fun)(
            np.ones(2))
    assert "dualad.optimize.minimize" in str(info.value.__cause__)
    with pytest.raises(TypeError, match="dualad.optimize.least_squares"):
        ad.grad(lambda p: so.least_squares(lambda z: z - p, np.zeros(2)).cost)(np.ones(2))
    # the next call works normally
    assert minimize(f, np.zeros(2), args=(np.ones(2),)).success


def test_trust_constr_component_short_of_an_active_bound_is_held():
    """trust-constr (interior point) stops ~1.8e-4 short of the bound x1 = -0.3, where
    the gradient (+0.9) points out of the box: that component is held (derivative 0),
    and the free one matches L-BFGS-B's, which lands on the bound exactly."""
    def f(x, p):
        return (dnp.sum((x - p[:2]) ** 2 * p[2]) + 0.3 * dnp.sum(x ** 4)
                + p[3] * x[0] * x[1])
    p0 = np.array([1.0, -0.5, 1.5, 0.4])
    bounds = [(-0.2, 2.0), (-0.3, 0.5)]

    def sol(method):
        return ad.jacobian(lambda p: minimize(f, np.zeros(2), args=(p,), method=method,
                                              bounds=bounds).x)(p0)
    J = sol("trust-constr")
    np.testing.assert_array_equal(J[1], 0.0)
    np.testing.assert_allclose(J[0], sol("L-BFGS-B")[0], rtol=1e-3)


def test_unconverged_solution_warns():
    with pytest.warns(RuntimeWarning, match="no convergence"):
        ad.grad(lambda p: minimize(lambda x, p: dnp.sum((x - p) ** 4) + dnp.sum(x ** 2),
                                   np.full(3, 5.0), args=(p,), method="BFGS",
                                   options={"maxiter": 1}).x[0])(np.array([0.3, 0.6, 0.9]))
