"""dualad.scipy.integrate's quadrature of functions (quad, quad_vec, fixed_quad,
dblquad, tplquad, nquad) and romb: values (and error estimates) equal to SciPy's
own; derivatives against closed forms (int_0^b exp(-p x^2) through erf,
int_0^inf x^k exp(-p x) = k!/p^(k+1), trigonometric and polynomial integrals)
and against Richardson-extrapolated central differences of plain SciPy calls at
tight tolerances (weights, break points)."""
import math
import warnings

import numpy as np
import pytest
import scipy.integrate as si
from scipy.special import erf

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import integrate

from ._derivatives import richardson_jacobian

TIGHT = dict(epsabs=1e-13, epsrel=1e-13)


def _richardson(f, x, h=1e-3):
    """Jacobian of plain ``f`` at the vector ``x`` (Richardson-extrapolated central
    differences)."""
    return richardson_jacobian(f, (x,), 0, h)


def _traced(fn, x):
    """``fn(x)``'s tuple, computed with ``x`` traced (forward mode): the value's
    primal and the rest (error estimates, info), which are plain."""
    box = {}

    def g(x):
        r = fn(x)
        box["rest"] = tuple(r[1:])
        return r[0]
    val, _ = ad.jvp(g, (x,), (np.ones_like(x),))
    return (val,) + box["rest"]


def _gauss(x, p):
    return dnp.exp(-p * x * x)


def _F(v):                                # int_0^b exp(-p x^2) dx, v = (p, b)
    return integrate.quad(_gauss, 0.0, v[1], args=(v[0],), **TIGHT)[0]


def _I(n, p, b):
    """int_0^b x^(2n) exp(-p x^2) dx in closed form (erf and the recursion
    I_n = ((2n - 1) I_(n-1) - b^(2n-1) exp(-p b^2)) / (2 p))."""
    val = math.sqrt(math.pi) / (2 * math.sqrt(p)) * erf(math.sqrt(p) * b)
    for k in range(1, n + 1):
        val = ((2 * k - 1) * val - b ** (2 * k - 1) * math.exp(-p * b * b)) / (2 * p)
    return val


# --- quad ----------------------------------------------------------------------------------

def test_quad_values_are_scipys():
    f = lambda x, p: np.exp(-p * x * x) * np.cos(x)
    for kw in (dict(), TIGHT, dict(full_output=1), dict(points=[0.3, 0.7]), dict(limit=3),
               dict(weight="cos", wvar=2.0), dict(weight="alg", wvar=(0.5, -0.5))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = si.quad(f, 0.0, 1.2, args=(0.7,), **kw)
            got = _traced(lambda p: integrate.quad(f, 0.0, 1.2, args=(p,), **kw), 0.7)
        assert len(got) == len(want)
        assert got[0] == want[0] and got[1] == want[1]
        if kw.get("full_output"):
            assert got[2]["neval"] == want[2]["neval"]
    # plain inputs: SciPy's own call and result
    assert integrate.quad(f, 1.2, 0.0, args=(0.7,)) == si.quad(f, 1.2, 0.0, args=(0.7,))
    # a, b reversed, with traced values: SciPy's sign
    got = _traced(lambda b: integrate.quad(f, b, 0.0, args=(0.7,)), 1.2)
    assert got == si.quad(f, 1.2, 0.0, args=(0.7,))


def test_quad_gaussian_closed_forms():
    p, b = 1.3, 0.9
    v = np.array([p, b])
    e = math.exp(-p * b * b)
    g_want = np.array([-_I(1, p, b), e])
    H_want = np.array([[_I(2, p, b), -b * b * e], [-b * b * e, -2 * p * b * e]])
    np.testing.assert_allclose(_F(v), _I(0, p, b), rtol=1e-14)
    np.testing.assert_allclose(ad.grad(_F)(v), g_want, rtol=1e-12)
    np.testing.assert_allclose(ad.jacfwd(_F)(v), g_want, rtol=1e-12)
    np.testing.assert_allclose(ad.jacrev(_F)(v), g_want, rtol=1e-12)
    _, t = ad.jvp(_F, (v,), (np.array([0.3, -2.0]),))
    np.testing.assert_allclose(t, g_want @ [0.3, -2.0], rtol=1e-12)
    np.testing.assert_allclose(ad.hessian(_F)(v), H_want, rtol=1e-11)
    np.testing.assert_allclose(ad.jacfwd(ad.jacfwd(_F))(v), H_want, rtol=1e-11)
    np.testing.assert_allclose(ad.jacrev(ad.jacrev(_F))(v), H_want, rtol=1e-11)
    # the lower limit: d/da = -f(a); a > b too
    Fa = lambda a: integrate.quad(_gauss, a, 0.2, args=(p,), **TIGHT)[0]
    np.testing.assert_allclose(ad.grad(Fa)(0.7), -math.exp(-p * 0.49), rtol=1e-14)
    np.testing.assert_allclose(ad.grad(ad.grad(Fa))(0.7), 2 * p * 0.7 * math.exp(-p * 0.49),
                               rtol=1e-13)


@pytest.mark.parametrize("k", [0, 2, 3])
def test_quad_infinite_gamma_moments(k):
    # int_0^inf x^k exp(-p x) dx = k! / p^(k+1)
    G = lambda p: integrate.quad(lambda x, p: x ** k * np.exp(-p * x), 0.0, np.inf,
                                 args=(p,), **TIGHT)[0]
    p = 1.7
    f = math.factorial(k)
    np.testing.assert_allclose(G(p), f / p ** (k + 1), rtol=1e-12)
    np.testing.assert_allclose(ad.grad(G)(p), -(k + 1) * f / p ** (k + 2), rtol=1e-10)
    np.testing.assert_allclose(ad.hessian(G)(p), (k + 2) * (k + 1) * f / p ** (k + 3),
                               rtol=1e-9)


def test_quad_infinite_limits_and_finite_other_limit():
    # int_a^inf exp(-p x) = exp(-p a) / p; int_-inf^b exp(p x) = exp(p b) / p
    A = lambda v: integrate.quad(lambda x, p: np.exp(-p * x), v[1], np.inf, args=(v[0],),
                                 **TIGHT)[0]
    B = lambda v: integrate.quad(lambda x, p: np.exp(p * x), -np.inf, v[1], args=(v[0],),
                                 **TIGHT)[0]
    p, c = 1.5, 0.4
    e = math.exp(-p * c)
    np.testing.assert_allclose(ad.grad(A)(np.array([p, c])), [-e * (c / p + 1 / p ** 2), -e],
                               rtol=1e-10)
    np.testing.assert_allclose(ad.hessian(A)(np.array([p, c])),
                               [[e * (c * c / p + 2 * c / p ** 2 + 2 / p ** 3), e * c],
                                [e * c, p * e]], rtol=1e-9)
    e = math.exp(p * c)
    np.testing.assert_allclose(ad.jacrev(B)(np.array([p, c])), [e * (c / p - 1 / p ** 2), e],
                               rtol=1e-10)
    # a traced infinite limit has derivative 0
    np.testing.assert_array_equal(
        ad.grad(lambda b: integrate.quad(lambda x: np.exp(-x), 0.0, b)[0])(np.inf), 0.0)


def test_quad_vector_parameters_float32_and_batches():
    F = lambda c: integrate.quad(lambda x, c: c[0] * np.sin(c[1] * x), 0.0, 1.0, args=(c,),
                                 epsabs=1e-12, epsrel=1e-12)[0]
    c = np.array([2.0, 3.0])
    want = [(1 - math.cos(3)) / 3, 2 * (math.cos(3) / 9 + math.sin(3) / 3 - 1 / 9)]
    for jac in (ad.jacfwd, ad.jacrev, ad.grad):
        np.testing.assert_allclose(jac(F)(c), want, rtol=1e-12)
    # d2/dc0 dc1 = want[1] / 2, d2/dc1^2 = -c0 int x^2 sin(3x)
    x2s = (-9 * math.cos(3) + 6 * math.sin(3) + 2 * math.cos(3) - 2) / 27
    np.testing.assert_allclose(ad.hessian(F)(c), [[0, want[1] / 2], [want[1] / 2, -2 * x2s]],
                               rtol=1e-11, atol=1e-15)
    # float32 parameters: float32 derivatives (the integrand computes in float32, so
    # SciPy's default tolerances)
    F32 = lambda c: integrate.quad(lambda x, c: c[0] * np.sin(c[1] * x), 0.0, 1.0, args=(c,))[0]
    g32 = ad.grad(F32)(c.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, want, rtol=1e-6)
    # a matrix parameter, jacobian of a vector of integrals
    M = np.array([[1.0, 0.5], [0.2, 2.0]])
    Fv = lambda M: dnp.stack([integrate.quad(lambda x, M, i: dnp.sum(M[i] * x ** np.arange(2)),
                                             0.0, 2.0, args=(M, i))[0] for i in range(2)])
    J = np.zeros((2, 2, 2))
    J[0, 0] = J[1, 1] = [2.0, 2.0]
    np.testing.assert_allclose(ad.jacrev(Fv)(M), J, rtol=1e-13)
    np.testing.assert_allclose(ad.jacfwd(Fv)(M), J, rtol=1e-13)


def _scipy_quad(f, **kw):
    return lambda v: si.quad(f, v[1], v[2], args=(v[0],), **kw)[0]


def _ours(f, **kw):
    return lambda v: integrate.quad(f, v[1], v[2], args=(v[0],), **kw)[0]


@pytest.mark.parametrize("kw,v", [
    (dict(weight="cos", wvar=2.0), [1.1, 0.2, 2.0]),
    (dict(weight="sin", wvar=3.0), [1.1, -0.5, 1.0]),
    (dict(weight="cauchy", wvar=0.5), [1.1, 0.0, 2.0]),
    (dict(points=[0.4]), [1.1, 0.0, 1.0]),
    (dict(weight="alg", wvar=(0.5, -0.3)), [1.1, 0.0, 1.0]),
])
def test_quad_options_against_richardson(kw, v):
    f = lambda x, p: np.exp(-p * x) * (1 + np.abs(x - 0.4) * p)
    traced_limits = not kw.get("weight", "").startswith("alg")
    v = np.array(v)
    want = _richardson(_scipy_quad(f, **kw, **TIGHT), v)
    fun = _ours(f, **kw, **TIGHT)
    if not traced_limits:
        want = want[:1]
        a, b = v[1:]
        fun = lambda p: integrate.quad(f, a, b, args=(p[0],), **kw, **TIGHT)[0]
        v = v[:1]
    np.testing.assert_allclose(ad.grad(fun)(v), want, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ad.jacfwd(fun)(v), want, rtol=1e-7, atol=1e-9)
    H_want = _richardson(lambda u: ad.grad(fun)(u), v)   # central differences of our grad
    np.testing.assert_allclose(ad.hessian(fun)(v), H_want, rtol=1e-6, atol=1e-8)


def test_quad_fourier_infinite():
    # int_0^inf exp(-p x) cos(w x) dx = p / (p^2 + w^2); d/dp = (w^2 - p^2) / (p^2 + w^2)^2
    F = lambda p: integrate.quad(lambda x, p: np.exp(-p * x), 0.0, np.inf, args=(p,),
                                 weight="cos", wvar=2.0)[0]
    np.testing.assert_allclose(ad.grad(F)(1.0), 3.0 / 25.0, rtol=1e-8)


def test_quad_complex_func():
    f = lambda x, p: np.exp(1j * p * x)
    for a, b in ((0.0, 1.0), (1.0, 0.0)):        # SciPy does not flip the sign for b < a
        got = _traced(lambda p: integrate.quad(f, a, b, args=(p,), complex_func=True), 2.0)
        g = ad.grad(lambda p: dnp.imag(integrate.quad(f, a, b, args=(p,),
                                                      complex_func=True)[0]))(2.0)
        assert got == si.quad(f, a, b, args=(2.0,), complex_func=True)
        # imag int_0^1 exp(i p x) = (1 - cos p) / p
        np.testing.assert_allclose(g, math.sin(2) / 2 - (1 - math.cos(2)) / 4, rtol=1e-10)
    out = integrate.quad(f, 0.0, ad.stop_gradient(1.0), args=(2.0,), complex_func=True,
                         full_output=1)
    assert set(out[2]) == {"real", "imag"}


def test_quad_errors():
    with pytest.raises(TypeError, match="enclosing scope.*args="):
        ad.grad(lambda p: integrate.quad(lambda x: p * x, 0.0, 1.0)[0])(1.0)
    with pytest.raises(NotImplementedError, match="wvar"):
        ad.grad(lambda w: integrate.quad(lambda x: x, 0.0, 1.0, weight="cos", wvar=w)[0])(1.0)
    with pytest.raises(NotImplementedError, match="weight='alg'"):
        ad.grad(lambda b: integrate.quad(lambda x: x, 0.0, b, weight="alg",
                                         wvar=(0.0, 0.0))[0])(1.0)
    with pytest.raises(TypeError, match="own entry of args"):
        ad.grad(lambda p: integrate.quad(lambda x, q: q[0] * x, 0.0, 1.0, args=([p],))[0])(1.0)
    # the next call works normally
    assert ad.grad(lambda p: integrate.quad(lambda x, p: p * x, 0.0, 1.0, args=(p,))[0])(1.0) \
        == pytest.approx(0.5, rel=1e-14)


# --- quad_vec ------------------------------------------------------------------------------

def test_quad_vec():
    f = lambda x, c: np.exp(-c * x)
    c = np.array([1.0, 2.0, 3.0])
    F = lambda c, b: integrate.quad_vec(f, 0.0, b, args=(c,), epsrel=1e-12)[0]
    got = _traced(lambda c: integrate.quad_vec(f, 0.0, 1.0, args=(c,), full_output=True), c)
    want = si.quad_vec(f, 0.0, 1.0, args=(c,), full_output=True)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1] and got[2].neval == want[2].neval
    J = np.diag(np.exp(-c) / c - (1 - np.exp(-c)) / c ** 2)
    np.testing.assert_allclose(ad.jacfwd(F)(c, 1.0), J, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ad.jacrev(F)(c, 1.0), J, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ad.jacrev(F, argnums=1)(c, 1.0), np.exp(-c), rtol=1e-14)
    # d2/dc2 (1 - exp(-c)) / c, summed
    H = ad.hessian(lambda c: dnp.sum(F(c, 1.0)))(c)
    d2 = 2 * (1 - np.exp(-c)) / c ** 3 - 2 * np.exp(-c) / c ** 2 - np.exp(-c) / c
    np.testing.assert_allclose(H, np.diag(d2), rtol=1e-9, atol=1e-14)
    Fi = lambda c: integrate.quad_vec(f, 0.0, np.inf, args=(c,), epsrel=1e-12)[0]
    np.testing.assert_allclose(ad.jacrev(Fi)(c), np.diag(-1 / c ** 2), rtol=1e-9, atol=1e-14)
    with pytest.raises(NotImplementedError, match="workers"):
        ad.jacfwd(lambda c: integrate.quad_vec(f, 0.0, 1.0, args=(c,), workers=2)[0])(c)


# --- fixed_quad, romb ----------------------------------------------------------------------

def test_fixed_quad():
    f = lambda x, p: p * x ** 3 + np.sin(x)
    for a, b, p in ((0.0, 1.0, 2.0), (-1.0, 0.5, 0.3)):
        got = _traced(lambda p: integrate.fixed_quad(f, a, b, args=(p,), n=4), p)
        assert got == si.fixed_quad(f, a, b, args=(p,), n=4)
    # degree 3 is exact with n = 2: d/dp, d/da, d/db of p (b^4 - a^4) / 4
    G = lambda v: integrate.fixed_quad(lambda x: v[0] * x ** 3, v[1], v[2], n=2)[0]
    v = np.array([2.0, -0.5, 1.5])
    g = [(1.5 ** 4 - 0.5 ** 4) / 4, -2.0 * (-0.5) ** 3, 2.0 * 1.5 ** 3]
    np.testing.assert_allclose(ad.grad(G)(v), g, rtol=1e-14)
    np.testing.assert_allclose(ad.hessian(G)(v),
                               [[0, -(-0.5) ** 3, 1.5 ** 3], [-(-0.5) ** 3, -6 * (-0.5) ** 2, 0],
                                [1.5 ** 3, 0, 6 * 1.5 ** 2]], rtol=1e-13, atol=1e-14)
    # closures over traced values work here (a fixed formula)
    np.testing.assert_allclose(ad.grad(lambda p: integrate.fixed_quad(
        lambda x: np.exp(-p * x), 0.0, 1.0, n=5)[0])(1.0),
        si.fixed_quad(lambda x: -x * np.exp(-x), 0.0, 1.0, n=5)[0], rtol=1e-14)
    with pytest.raises(ValueError, match="finite limits"):
        ad.grad(lambda b: integrate.fixed_quad(np.exp, 0.0, b)[0])(np.inf)


def test_romb():
    rng = np.random.default_rng(0)
    y = rng.standard_normal((3, 9))
    for dtype in (np.float64, np.float32):
        yy = y.astype(dtype)
        got = ad.jvp(lambda d: integrate.romb(yy, dx=d), (0.25,), (1.0,))[0]
        want = si.romb(yy, dx=0.25)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype
        got = ad.jvp(lambda u: integrate.romb(u, dx=0.25, axis=0), (yy.T,), (yy.T,))[0]
        np.testing.assert_array_equal(got, si.romb(yy.T, dx=0.25, axis=0))
        assert got.dtype == want.dtype
    # linear in y: the Jacobian is SciPy's romb of the unit vectors; degree 1 in dx
    W = np.array([si.romb(e, dx=0.5) for e in np.eye(5)])
    np.testing.assert_allclose(ad.grad(lambda u: integrate.romb(u, dx=0.5))(y[0, :5]), W,
                               rtol=1e-14)
    np.testing.assert_allclose(ad.jacrev(lambda d: integrate.romb(y, dx=d))(0.5),
                               si.romb(y, dx=1.0), rtol=1e-14)
    np.testing.assert_allclose(ad.hessian(lambda d: integrate.romb(y[0], dx=d) ** 2)(0.5),
                               2 * si.romb(y[0], dx=1.0) ** 2, rtol=1e-13)
    with pytest.raises(ValueError, match="power of 2"):
        ad.grad(lambda u: integrate.romb(u))(np.ones(4))


# --- dblquad, tplquad, nquad ---------------------------------------------------------------

def test_dblquad():
    f = lambda y, x, p: p * x * y
    D = lambda v: integrate.dblquad(f, 0.0, v[1], lambda x: 0.0, lambda x: x, args=(v[0],))
    v = np.array([2.0, 1.5])
    g = ad.grad(lambda v: D(v)[0])(v)
    assert _traced(D, v) == si.dblquad(f, 0.0, 1.5, lambda x: 0.0, lambda x: x, args=(2.0,))
    # p b^4 / 8
    np.testing.assert_allclose(g, [1.5 ** 4 / 8, 2 * 1.5 ** 3 / 2], rtol=1e-13)
    np.testing.assert_allclose(ad.hessian(lambda v: D(v)[0])(v),
                               [[0, 1.5 ** 3 / 2], [1.5 ** 3 / 2, 3 * 2 * 1.5 ** 2 / 2]],
                               rtol=1e-12, atol=1e-14)
    # limits as functions of x, traced through the outer limit: int_0^b int_0^{x^2} y dy dx
    E = lambda b: integrate.dblquad(lambda y, x: y, 0.0, b, 0.0, lambda x: x * x)[0]
    np.testing.assert_allclose(ad.grad(E)(1.2), 1.2 ** 4 / 2, rtol=1e-13)


def test_tplquad_and_nquad():
    f = lambda z, y, x, p: p * x * y * z
    T = lambda p: integrate.tplquad(f, 0, 1, 0, 1, 0, 1, args=(p,))
    g = ad.grad(lambda p: T(p)[0])(2.0)
    assert _traced(T, 2.0) == si.tplquad(f, 0, 1, 0, 1, 0, 1, args=(2.0,))
    np.testing.assert_allclose(g, 1 / 8, rtol=1e-13)
    # ranges depending on args: int_0^t int_0^{t x} x y dy dx = t^2 t^4 / 8 = t^6 / 8
    N = lambda t: integrate.nquad(lambda y, x, t: x * y,
                                  [lambda x, t: (0.0, t * x), lambda t: (0.0, t)],
                                  args=(t,), full_output=True)
    g = ad.grad(lambda t: N(t)[0])(1.3)
    assert _traced(N, 1.3) == si.nquad(lambda y, x, t: x * y,
                                       [lambda x, t: (0.0, t * x), lambda t: (0.0, t)],
                                       args=(1.3,), full_output=True)
    np.testing.assert_allclose(g, 6 * 1.3 ** 5 / 8, rtol=1e-12)
    np.testing.assert_allclose(ad.hessian(lambda t: N(t)[0])(1.3), 30 * 1.3 ** 4 / 8,
                               rtol=1e-11)


def test_traced_constant_inner_limits():
    """Constant limits holding traced values (not functions), for the inner variables
    of dblquad and nquad: int_0^1 int_0^c x y dy dx = c^2 / 4, and with p in args and a
    range function of it, int_0^p int_0^c p x y dx dy = p^3 c^2 / 4."""
    from dualad.scipy.integrate import dblquad, nquad
    g = ad.grad(lambda c: dblquad(lambda y, x: x * y, 0.0, 1.0, 0.0, c)[0])(1.3)
    assert g == pytest.approx(1.3 / 2, rel=1e-12)
    H = ad.hessian(lambda c: dblquad(lambda y, x: x * y * y, 0.0, 1.0, 0.0, c)[0])(1.3)
    assert H == pytest.approx(1.3, rel=1e-10)                  # d2/dc2 of c^3 / 6
    g = ad.grad(lambda c: nquad(lambda x, y: x * y, [[0.0, c], [0.0, 1.0]])[0])(1.3)
    assert g == pytest.approx(1.3 / 2, rel=1e-12)
    f = lambda c, p: nquad(lambda x, y, p: p * x * y, [[0.0, c], lambda p: [0.0, p]],  # noqa: E731
                           args=(p,))[0]
    gc, gp = ad.grad(f, argnums=(0, 1))(1.3, 2.0)
    assert gc == pytest.approx(2.0 ** 3 * 1.3 / 2, rel=1e-12)
    assert gp == pytest.approx(3 * 2.0 ** 2 * 1.3 ** 2 / 4, rel=1e-12)
    assert f(1.3, 2.0) == pytest.approx(2.0 ** 3 * 1.3 ** 2 / 4, rel=1e-12)
