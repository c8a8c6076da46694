"""dualad.scipy.integrate.solve_ivp (and odeint's shared rules): values equal to
SciPy's own, derivatives against closed forms (linear ODEs with expm and its
Frechet derivative, logistic growth, exponential decay) and against
Richardson-extrapolated central differences of plain SciPy solves at
rtol = atol = 1e-11."""

import numpy as np
import pytest
import scipy.integrate as si
from scipy.linalg import expm, expm_frechet

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import integrate

from ._derivatives import richardson_jacobian

TOL = dict(rtol=1e-11, atol=1e-11)
METHODS = ["RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"]


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _richardson(f, x, h=1e-3):
    """Jacobian of plain ``f`` at the vector ``x`` (Richardson-extrapolated central
    differences)."""
    return richardson_jacobian(f, (x,), 0, h)


def _lotka(t, y, a, b):
    return dnp.stack([a * y[0] - b * y[0] * y[1], -y[1] + b * y[0] * y[1]])


# --- values: SciPy's own, bit for bit ----------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("t_eval", [None, np.linspace(0.0, 2.0, 7)])
def test_values_are_scipys(method, t_eval):
    y0, p = np.array([1.0, 0.5]), (1.1, 0.7)
    ref = si.solve_ivp(_lotka, (0.0, 2.0), y0, method=method, t_eval=t_eval, args=p)
    plain = integrate.solve_ivp(_lotka, (0.0, 2.0), y0, method=method, t_eval=t_eval, args=p)
    seen = {}

    def f(y0, a):
        res = integrate.solve_ivp(_lotka, (0.0, 2.0), y0, method=method, t_eval=t_eval,
                                  args=(a, p[1]))
        seen.update(t=res.t, nfev=res.nfev, status=res.status, success=res.success,
                    message=res.message)
        return res.y
    out, _ = ad.jvp(f, (y0, p[0]), (np.ones(2), 1.0))
    for r in (plain, ):
        assert np.array_equal(r.y, ref.y) and np.array_equal(r.t, ref.t)
    assert out.dtype == ref.y.dtype and out.shape == ref.y.shape
    assert np.array_equal(out, ref.y)
    assert np.array_equal(seen["t"], ref.t) and seen["nfev"] == ref.nfev
    assert seen["status"] == ref.status and seen["success"] and seen["message"] == ref.message
    vals, _ = ad.vjp(f, y0, p[0])
    assert np.array_equal(vals, ref.y)


def test_plain_calls_go_to_scipy_unchanged():
    ev = lambda t, y: y[0] - 0.5
    ref = si.solve_ivp(lambda t, y: -y, (0.0, 2.0), [1.0], events=ev, dense_output=True)
    res = integrate.solve_ivp(lambda t, y: -y, (0.0, 2.0), [1.0], events=ev, dense_output=True)
    assert np.array_equal(res.y, ref.y) and np.array_equal(res.t_events[0], ref.t_events[0])
    assert res.sol is not None


# --- first derivatives against closed forms ------------------------------------------------

A = np.array([[-0.5, 1.2, 0.0], [-0.8, -0.3, 0.4], [0.1, 0.0, -1.0]])


def _linear(t, y, M):
    return dnp.matmul(M, y)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("method", ["DOP853", "Radau", "LSODA"])
def test_linear_ode_closed_form(mode, method):
    y0, te = np.array([1.0, -0.5, 2.0]), np.array([0.3, 1.0, 1.7])

    def sol(y0, M, t_eval=te):
        return integrate.solve_ivp(_linear, (0.0, 1.7), y0, method=method, t_eval=t_eval,
                                   args=(M,), **TOL).y
    ref = np.stack([expm(A * t) @ y0 for t in te], axis=1)
    np.testing.assert_allclose(sol(y0, A), ref, rtol=1e-8, atol=1e-9)
    J0 = ad.jacobian(lambda y: sol(y, A), mode=mode)(y0)              # (3, 3 times, 3)
    np.testing.assert_allclose(J0, np.stack([expm(A * t) for t in te], axis=1), atol=1e-8)
    JA = ad.jacobian(lambda M: sol(y0, M), mode=mode)(A)              # (3, 3, 3, 3)
    for a in range(3):
        for b in range(3):
            E = np.zeros((3, 3))
            E[a, b] = 1.0
            want = np.stack([expm_frechet(A * t, E * t, compute_expm=False) @ y0 for t in te], 1)
            np.testing.assert_allclose(JA[:, :, a, b], want, atol=1e-8)
    # times: d y(t_k)/d t_k = A y(t_k); d y(t_k)/d t_0 = -expm(A (t_k - t_0)) A y0
    Jt = ad.jacobian(lambda t: sol(y0, A, t), mode=mode)(te)
    for k, t in enumerate(te):
        np.testing.assert_allclose(Jt[:, k, k], A @ expm(A * t) @ y0, atol=1e-8)
    J_span = ad.jacobian(lambda s: integrate.solve_ivp(_linear, s, y0, method=method,
                                                        t_eval=te, args=(A,), **TOL).y,
                         mode=mode)(np.array([0.0, 1.7]))
    for k, t in enumerate(te):
        np.testing.assert_allclose(J_span[:, k, 0], -expm(A * t) @ A @ y0, atol=1e-8)
    np.testing.assert_allclose(J_span[:, :, 1], 0.0, atol=0)          # t_span[1]: where to stop


def _logistic_closed(t, y0, r, K):
    E = np.exp(r * t)
    D = K + y0 * (E - 1.0)
    return (K * y0 * E / D, K * K * E / D ** 2,                 # y, dy/dy0
            t * E * K * y0 * (K - y0) / D ** 2,                  # dy/dr
            y0 * y0 * E * (E - 1.0) / D ** 2)                     # dy/dK


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("t_eval", [None, np.array([0.5, 1.0, 2.5, 4.0])])
def test_logistic_growth_closed_form(mode, t_eval):
    y0, r, K = 0.3, 1.3, 2.0
    logistic = lambda t, y, r, K: r * y * (1.0 - y / K)

    def sol(x):
        return integrate.solve_ivp(logistic, (0.0, 4.0), x[:1], method="DOP853", t_eval=t_eval,
                                   args=(x[1], x[2]), **TOL).y[0]
    ts = integrate.solve_ivp(logistic, (0.0, 4.0), [y0], method="DOP853", t_eval=t_eval,
                             args=(r, K), **TOL).t
    y, dy0, dr, dK = _logistic_closed(ts, y0, r, K)
    x = np.array([y0, r, K])
    np.testing.assert_allclose(sol(x), y, rtol=1e-9)
    J = ad.jacobian(sol, mode=mode)(x)
    np.testing.assert_allclose(J, np.stack([dy0, dr, dK], axis=1), rtol=1e-7, atol=1e-9)
    # with t_eval=None the interior times are held fixed: d y(t_end)/d t_end = f(y_end)
    # and d y(t_k)/d t_0 = -dy/dy0 f(y0) (t_k after t_0)
    g = lambda s: integrate.solve_ivp(logistic, s, [y0], method="DOP853", t_eval=t_eval,
                                      args=(r, K), **TOL).y[0]
    Js = ad.jacobian(g, mode=mode)(np.array([0.0, 4.0]))
    start = -dy0 * logistic(0, y0, r, K)
    end = np.zeros(len(ts))
    if t_eval is None:              # res.t[0] is t_span[0] itself: y there is y0
        start[0] = 0.0
        end[-1] = logistic(0, y[-1], r, K)
    np.testing.assert_allclose(Js[:, 0], start, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(Js[:, 1], end, atol=1e-9)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_exponential_decay_all_arguments_at_once(mode):
    # one adjoint sweep serves y0, k and the times (value_and_grad with argnums)
    def f(y0, k, te):
        res = integrate.solve_ivp(lambda t, y, k: -k * y, (0.0, 3.0), y0, t_eval=te,
                                  args=(k,), method="DOP853", **TOL)
        return dnp.sum(res.y[:, -1] * np.array([1.0, 2.0])) + res.y[0, 0]
    y0, k, te = np.array([1.5, 0.7]), 0.8, np.array([0.5, 2.0])
    w = np.array([1.0, 2.0])
    val, (gy, gk, gt) = ad.value_and_grad(f, argnums=(0, 1, 2))(y0, k, te)
    e0, e1 = np.exp(-k * te)
    np.testing.assert_allclose(val, w @ y0 * e1 + y0[0] * e0, rtol=1e-9)
    np.testing.assert_allclose(gy, w * e1 + np.array([e0, 0.0]), rtol=1e-8)
    np.testing.assert_allclose(gk, -te[1] * (w @ y0) * e1 - te[0] * y0[0] * e0, rtol=1e-8)
    np.testing.assert_allclose(gt, [-k * y0[0] * e0, -k * (w @ y0) * e1], rtol=1e-8)
    if mode == "forward":
        J = ad.jacfwd(f, argnums=(0, 1, 2))(y0, k, te)
        for a, b in zip(J, (gy, gk, gt)):
            np.testing.assert_allclose(a, b, rtol=1e-8)


# --- against Richardson differences of plain SciPy solves ------------------------------------

@pytest.mark.parametrize("method", ["RK45", "DOP853", "Radau", "BDF", "LSODA"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_against_scipy_differences(method, mode):
    te = np.array([0.4, 1.1, 2.0])

    def plain(x):
        return si.solve_ivp(lambda t, y, a, b: [a * y[0] - b * y[0] * y[1], -y[1] + b * y[0] * y[1]],
                            (x[4], 2.0), x[:2], t_eval=te, args=(x[2], x[3]), method=method,
                            **TOL).y

    def ours(x):
        return integrate.solve_ivp(_lotka, dnp.stack([x[4], 2.0]), x[:2], t_eval=te,
                                   args=(x[2], x[3]), method=method, rtol=1e-10, atol=1e-10).y
    x = np.array([1.0, 0.5, 1.1, 0.7, 0.1])
    ref = _richardson(plain, x)
    J = ad.jacobian(ours, mode=mode)(x)
    np.testing.assert_allclose(J, ref, rtol=2e-6, atol=2e-7)


# --- errors -------------------------------------------------------------------------------------

def test_unsupported_options_name_themselves():
    f = lambda y0, **kw: integrate.solve_ivp(lambda t, y: -y, (0.0, 1.0), y0, **kw).y[0, -1]
    with pytest.raises(NotImplementedError, match="events"):
        ad.grad(lambda y: f(y, events=lambda t, y: y[0] - 0.5))(np.array([1.0]))
    with pytest.raises(NotImplementedError, match="dense_output"):
        ad.grad(lambda y: f(y, dense_output=True))(np.array([1.0]))


def test_plain_scipy_names_dualad():
    with pytest.raises(TypeError, match="dualad.scipy.integrate.solve_ivp"):
        ad.grad(lambda y: si.solve_ivp(lambda t, y: -y, (0, 1), y).y[0, -1])(np.array([1.0]))
    with pytest.raises(TypeError, match="dualad.scipy.integrate.solve_ivp"):
        ad.grad(lambda k: si.solve_ivp(lambda t, y, k: -k * y, (0, 1), np.array([1.0]),
                                       args=(k,)).y[0, -1])(1.0)


def test_closure_over_traced_value_says_args():
    def f(k):
        return integrate.solve_ivp(lambda t, y: -k * y, (0.0, 1.0), np.array([1.0])).y[0, -1]
    with pytest.raises(TypeError, match="args="):
        ad.grad(f)(1.0)


# --- higher order: every nesting ---------------------------------------------------------------

NESTINGS = {
    "fwd-fwd": lambda f: ad.jacfwd(ad.jacfwd(f)),
    "fwd-rev": ad.hessian,                                   # what hessian and hvp use
    "rev-fwd": lambda f: ad.jacrev(ad.jacfwd(f)),
    "rev-rev": lambda f: ad.jacrev(ad.jacrev(f)),
}


def _decay_end(solver, t1=1.7):
    """y(t1) summed with weights, of y' = -k y, y(0) = y0; x = (k, y0_0, y0_1)."""
    w = np.array([1.0, -2.0])
    if solver == "odeint":
        return lambda x: dnp.sum(w * integrate.odeint(
            lambda y, t, k: -k * y, x[1:], np.array([0.0, 0.6, t1]), args=(x[0],), **TOL)[-1])
    return lambda x: dnp.sum(w * integrate.solve_ivp(
        lambda t, y, k: -k * y, (0.0, t1), x[1:], method=solver, args=(x[0],), **TOL).y[:, -1])


@pytest.mark.parametrize("nesting", list(NESTINGS))
@pytest.mark.parametrize("solver", ["odeint", "DOP853", "LSODA"])
def test_decay_hessian_closed_form(nesting, solver):
    k, y0, t, w = 0.8, np.array([1.5, 0.7]), 1.7, np.array([1.0, -2.0])
    e = np.exp(-k * t)
    want = np.zeros((3, 3))
    want[0, 0] = t * t * e * (w @ y0)                       # d2/dk2
    want[0, 1:] = want[1:, 0] = -t * e * w                  # d2/dk dy0; d2/dy0^2 = 0
    H = NESTINGS[nesting](_decay_end(solver, t))(np.array([k, *y0]))
    np.testing.assert_allclose(H, want, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("solver", ["odeint", "DOP853"])
def test_decay_third_order_and_hvp(solver):
    k, y0, t, w = 0.8, np.array([1.5, 0.7]), 1.7, np.array([1.0, -2.0])
    f = _decay_end(solver, t)
    x = np.array([k, *y0])
    d3 = ad.jacfwd(ad.hessian(f))(x)[0, 0, 0]
    np.testing.assert_allclose(d3, -t ** 3 * np.exp(-k * t) * (w @ y0), rtol=1e-7)
    v = np.array([0.3, -1.0, 2.0])
    e = np.exp(-k * t)
    H = np.zeros((3, 3))
    H[0, 0] = t * t * e * (w @ y0)
    H[0, 1:] = H[1:, 0] = -t * e * w
    np.testing.assert_allclose(ad.hvp(f, (x,), (v,)), H @ v, rtol=1e-7, atol=1e-9)


def _second_frechet(X, E, F):
    """d2/ds dr expm(X + s E + r F) at 0, from the (1, 3) block of a 3x3 block expm."""
    n = X.shape[0]

    def block(E, F):
        M = np.zeros((3 * n, 3 * n))
        M[:n, :n] = M[n:2 * n, n:2 * n] = M[2 * n:, 2 * n:] = X
        M[:n, n:2 * n], M[n:2 * n, 2 * n:] = E, F
        return expm(M)[:n, 2 * n:]
    return block(E, F) + block(F, E)


@pytest.mark.parametrize("nesting", ["fwd-rev", "rev-rev"])
@pytest.mark.parametrize("solver", ["odeint", "DOP853"])
def test_linear_ode_hessian_in_matrix_and_y0(nesting, solver):
    # s = w . y(t1), y' = M y: d2s/dM dM from the second Frechet derivative of expm,
    # d2s/dM dy0 from the first, d2s/dy0^2 = 0
    y0, w, t1 = np.array([1.0, -0.5, 2.0]), np.array([0.3, 1.0, -0.7]), 1.3

    def s(x):
        M, y = dnp.reshape(x[:9], (3, 3)), x[9:]
        if solver == "odeint":
            Y = integrate.odeint(lambda y, t, M: dnp.matmul(M, y), y, np.array([0.0, t1]),
                                 args=(M,), **TOL)[-1]
        else:
            Y = integrate.solve_ivp(_linear, (0.0, t1), y, method=solver, args=(M,), **TOL).y[:, -1]
        return dnp.sum(w * Y)
    H = NESTINGS[nesting](s)(np.concatenate([A.ravel(), y0]))
    want = np.zeros((12, 12))
    units = [np.eye(3)[[a]].T @ np.eye(3)[[b]] for a in range(3) for b in range(3)]
    for p, Ep in enumerate(units):
        for q, Eq in enumerate(units):
            want[p, q] = w @ _second_frechet(A * t1, Ep * t1, Eq * t1) @ y0
        want[p, 9:] = want[9:, p] = w @ expm_frechet(A * t1, Ep * t1, compute_expm=False)
    np.testing.assert_allclose(H, want, rtol=1e-6, atol=1e-8)


def _richardson_hessian(f, x, h=1e-2):
    def once(h):
        n = x.size
        H = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
                H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
        return H
    return (4 * once(h / 2) - once(h)) / 3


@pytest.mark.parametrize("method", ["DOP853", "LSODA"])
def test_hessian_against_scipy_differences(method):
    # Lotka-Volterra: Hessian of sum(y(2)) in (y0, a, b, t1), against second
    # differences of plain SciPy solves at rtol = atol = 1e-11
    def plain(x):
        return si.solve_ivp(lambda t, y, a, b: [a * y[0] - b * y[0] * y[1], -y[1] + b * y[0] * y[1]],
                            (0.0, x[4]), x[:2], args=(x[2], x[3]), method="DOP853",
                            **TOL).y[:, -1].sum()

    def ours(x):
        return dnp.sum(integrate.solve_ivp(_lotka, dnp.stack([0.0, x[4]]), x[:2], args=(x[2], x[3]),
                                           method=method, rtol=1e-10, atol=1e-10).y[:, -1])
    x = np.array([1.0, 0.5, 1.1, 0.7, 2.0])
    ref = _richardson_hessian(plain, x)
    np.testing.assert_allclose(ad.hessian(ours)(x), ref, rtol=5e-5, atol=5e-6)
    np.testing.assert_allclose(ad.jacrev(ad.jacrev(ours))(x), ref, rtol=5e-5, atol=5e-6)
