"""dualad.numpy.polynomial: the differentiable mirror of numpy.polynomial.

Values are checked against NumPy's own functions (bit for bit, dtype and
shape); derivatives against independent truths: NumPy's ``*der`` of the plain
coefficients (d/dx), NumPy's ``*vander`` (d/dc), Richardson-extrapolated
central differences of NumPy's functions, closed forms of least-squares
losses, and check_grads (forward and reverse, order 2).
"""
import warnings

import numpy as np
import numpy.polynomial as NP
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dualad as ad
import dualad.numpy as dnp
import dualad.numpy.polynomial as P
from dualad.testing import check_grads
from tests._derivatives import richardson_jacobian, same, traced_value

BASES = {  # prefix: (our module, NumPy's module, class name)
    "poly": (P.polynomial, NP.polynomial, "Polynomial"),
    "cheb": (P.chebyshev, NP.chebyshev, "Chebyshev"),
    "leg": (P.legendre, NP.legendre, "Legendre"),
    "herm": (P.hermite, NP.hermite, "Hermite"),
    "herme": (P.hermite_e, NP.hermite_e, "HermiteE"),
    "lag": (P.laguerre, NP.laguerre, "Laguerre"),
}
PREFIXES = list(BASES)


def ours(pre, name):
    return getattr(BASES[pre][0], pre + name)


def numpys(pre, name):
    return getattr(BASES[pre][1], pre + name)


# --- evaluation: values --------------------------------------------------------------
@given(pre=st.sampled_from(PREFIXES), deg=st.integers(0, 8),
       xshape=st.sampled_from([(), (3,), (2, 3)]),
       cextra=st.sampled_from([(), (2,), (2, 3)]),
       tensor=st.booleans(), which=st.sampled_from(["x", "c", "both"]),
       dtype=st.sampled_from([np.float64, np.float32, np.complex128]),
       seed=st.integers(0, 2 ** 16))
def test_val_values_equal_numpys(pre, deg, xshape, cextra, tensor, which, dtype, seed):
    rng = np.random.default_rng(seed)
    if not tensor:
        xshape = cextra                 # tensor=False broadcasts c[0] against x
    x = rng.uniform(-1, 1, xshape).astype(np.float32 if dtype == np.float32 else np.float64)
    c = rng.normal(size=(deg + 1,) + cextra).astype(dtype)
    if dtype == np.complex128:
        c = c + 1j * rng.normal(size=c.shape)
    f, nf = ours(pre, "val"), numpys(pre, "val")
    want = np.asarray(nf(x, c, tensor=tensor))
    if which == "x":
        got = traced_value(lambda x: f(x, c, tensor=tensor), x)
    elif which == "c":
        got = traced_value(lambda c: f(x, c, tensor=tensor), c)
    else:
        got = traced_value(lambda x, c: f(x, c, tensor=tensor), x, c)
    same(got, want)


@pytest.mark.parametrize("pre", PREFIXES)
def test_val_untraced_is_numpys_own(pre):
    x, c = np.linspace(-1, 1, 4), [1, 2, 3]
    same(np.asarray(ours(pre, "val")(x, c)), numpys(pre, "val")(x, c))
    assert ours(pre, "val")(0.5, c) == numpys(pre, "val")(0.5, c)
    assert type(ours(pre, "val")(0.5, c)) is type(numpys(pre, "val")(0.5, c))


@pytest.mark.parametrize("pre", PREFIXES)
def test_val_integer_coefficients_lists_and_python_scalars(pre):
    f, nf = ours(pre, "val"), numpys(pre, "val")
    X = np.linspace(-1, 1, 6).reshape(2, 3)
    same(traced_value(lambda x: f(x, [1, 2, 3]), X), nf(X, [1, 2, 3]))
    same(traced_value(lambda x: f([x[0, 0], 0.5], [1, 2]), X), nf([X[0, 0], 0.5], [1, 2]))
    c = np.array([0.5, -1.0, 2.0])
    same(traced_value(lambda c: f(0.3, c), c), np.asarray(nf(0.3, c)))
    # float32 coefficients with a Python float point stay float32, as NumPy's
    same(traced_value(lambda c: f(0.3, c), c.astype(np.float32)),
         np.asarray(nf(0.3, c.astype(np.float32))))


@pytest.mark.parametrize("pre", PREFIXES)
@pytest.mark.parametrize("kind", ["val2d", "val3d", "grid2d", "grid3d"])
def test_nd_values_equal_numpys(pre, kind):
    rng = np.random.default_rng(1)
    n = int(kind[-2])
    grid = kind.startswith("grid")
    xs = [rng.uniform(-1, 1, (2 + i,) if grid else (4,)) for i in range(n)]
    c = rng.normal(size=(3, 2, 4)[:n] + (2,))
    f, nf = ours(pre, kind), numpys(pre, kind)
    want = nf(*xs, c)
    same(traced_value(lambda *a: f(*a), *xs, c), want)
    same(traced_value(lambda c: f(*xs, c), c), want)
    same(traced_value(lambda x0: f(x0, *xs[1:], c), xs[0]), want)


def test_nd_shape_mismatch_raises_like_numpy():
    with pytest.raises(ValueError, match="x, y are incompatible"):
        ad.grad(lambda c: dnp.sum(P.chebyshev.chebval2d(np.ones(2), np.ones(3), c)))(np.ones((2, 2)))


# --- evaluation: derivatives against independent truths -------------------------------
@given(pre=st.sampled_from(PREFIXES), deg=st.integers(0, 8), seed=st.integers(0, 2 ** 16))
def test_val_dx_is_numpys_derivative_series(pre, deg, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (2, 3))
    c = rng.normal(size=deg + 1)
    f = lambda x: ours(pre, "val")(x, c)                       # noqa: E731
    want = numpys(pre, "val")(x, numpys(pre, "der")(c))          # the closed form
    fwd = ad.jvp(f, (x,), (np.ones_like(x),))[1]
    rev = ad.vjp(f, x)[1](np.ones_like(x))[0]
    np.testing.assert_allclose(fwd, want, rtol=1e-12, atol=1e-12 * (1 + np.abs(want).max()))
    np.testing.assert_allclose(rev, want, rtol=1e-12, atol=1e-12 * (1 + np.abs(want).max()))
    # second derivative: NumPy's second derivative series
    want2 = numpys(pre, "val")(x, numpys(pre, "der")(c, 2))
    d2 = ad.jvp(lambda x: ad.jvp(f, (x,), (np.ones_like(x),))[1], (x,), (np.ones_like(x),))[1]
    np.testing.assert_allclose(d2, want2, rtol=1e-11, atol=1e-11 * (1 + np.abs(want2).max()))


@given(pre=st.sampled_from(PREFIXES), deg=st.integers(0, 8), seed=st.integers(0, 2 ** 16))
def test_val_dc_is_numpys_vandermonde(pre, deg, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, 5)
    c = rng.normal(size=deg + 1)
    want = numpys(pre, "vander")(x, deg)                         # the basis functions
    f = lambda c: ours(pre, "val")(x, c)                       # noqa: E731
    np.testing.assert_allclose(ad.jacfwd(f)(c), want, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ad.jacrev(f)(c), want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("pre", PREFIXES)
@pytest.mark.parametrize("kind", ["val2d", "grid3d"])
def test_nd_derivatives_richardson(pre, kind):
    rng = np.random.default_rng(2)
    n = int(kind[-2])
    xs = [rng.uniform(-1, 1, 3) for _ in range(n)]
    c = rng.normal(size=(3, 2, 3)[:n])
    f, nf = ours(pre, kind), numpys(pre, kind)
    args = xs + [c]
    for k in (0, n):
        J = ad.jacobian(lambda a: f(*args[:k], a, *args[k + 1:]))(args[k])
        np.testing.assert_allclose(J, richardson_jacobian(nf, args, k), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("pre", PREFIXES)
def test_val_check_grads_order2(pre):
    rng = np.random.default_rng(3)
    x = rng.uniform(-0.9, 0.9, 3)
    c = rng.normal(size=(5, 2))
    check_grads(lambda x, c: ours(pre, "val")(x, c), (x, c), order=2)
    check_grads(lambda x, c: ours(pre, "val")(x, c, tensor=False), (x[:2], c), order=2)
    check_grads(lambda x, y, c: ours(pre, "val2d")(x, y, c), (x, x[::-1], c[:3, :]), order=2)
    check_grads(lambda x, y, c: ours(pre, "grid2d")(x, y, c), (x, x[:2], c[:3, :]), order=2)


@pytest.mark.parametrize("pre", PREFIXES)
def test_val_float32_derivatives(pre):
    x = np.linspace(-1, 1, 3, dtype=np.float32)
    c = np.array([0.5, -1.0, 2.0, 0.25], dtype=np.float32)
    g = ad.grad(lambda c: dnp.sum(ours(pre, "val")(x, c)))(c)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, numpys(pre, "vander")(x.astype(float), 3).sum(0), rtol=1e-6)


# --- coefficient maps ----------------------------------------------------------------
def _chk(f, nf, args, argnum, tol=1e-7):
    """NumPy's value bit for bit; the Jacobian (both modes) against Richardson."""
    v = f(*args)
    want = nf(*args)
    same(np.asarray(v), np.asarray(want))
    traced = traced_value(lambda a: f(*args[:argnum], a, *args[argnum + 1:]), args[argnum])
    np.testing.assert_array_equal(traced, np.asarray(want))
    g = lambda a: f(*args[:argnum], a, *args[argnum + 1:])    # noqa: E731
    Jn = richardson_jacobian(nf, args, argnum)
    np.testing.assert_allclose(ad.jacfwd(g)(args[argnum]), Jn, rtol=tol, atol=tol)
    np.testing.assert_allclose(ad.jacrev(g)(args[argnum]), Jn, rtol=tol, atol=tol)


@pytest.mark.parametrize("pre", PREFIXES)
def test_der_int(pre):
    rng = np.random.default_rng(4)
    c = rng.normal(size=5)
    c2 = rng.normal(size=(4, 3))
    der, nder = ours(pre, "der"), numpys(pre, "der")
    integ, ninteg = ours(pre, "int"), numpys(pre, "int")
    _chk(der, nder, [c, 2, 1.5], 0)
    _chk(der, nder, [c, 2, 1.5], 2)
    _chk(der, nder, [c, 7], 0)                              # m beyond the degree
    _chk(der, nder, [c2, 1, 1.0, 1], 0)                     # axis
    _chk(integ, ninteg, [c, 2, [0.5, 1.0], 0.3, 1.5], 0)
    _chk(integ, ninteg, [c, 2, np.array([0.5, 1.0]), 0.3, 1.5], 2)
    _chk(integ, ninteg, [c, 2, [0.5, 1.0], 0.3, 1.5], 3)
    _chk(integ, ninteg, [c, 2, [0.5, 1.0], 0.3, 1.5], 4)
    _chk(integ, ninteg, [c2, 1, [], 0.0, 1.0, 1], 0)
    _chk(integ, ninteg, [c2, 2, [1.0], 0.5, 2.0, 0], 0)


@pytest.mark.parametrize("pre", PREFIXES)
def test_arithmetic_line_vander(pre):
    rng = np.random.default_rng(5)
    c, c2 = rng.normal(size=4), rng.normal(size=3)
    x = rng.uniform(-1, 1, 5)
    for name, args, k in [("add", [c, c2], 0), ("sub", [c, c2], 1), ("mul", [c, c2], 0),
                          ("mul", [c, c2], 1), ("mulx", [c], 0), ("pow", [c2, 3], 0),
                          ("line", [0.3, 1.7], 0), ("line", [0.3, 1.7], 1),
                          ("vander", [x, 4], 0),
                          ("vander2d", [x, x[::-1], [2, 3]], 1),
                          ("vander3d", [x, x[::-1], 0.5 * x, [2, 1, 2]], 0)]:
        _chk(ours(pre, name), numpys(pre, name), args, k)


@pytest.mark.parametrize("pre", ["poly", "cheb", "lag"])
def test_traced_zero_coefficients_are_not_trimmed(pre):
    """NumPy trims trailing zeros; a traced zero keeps its place and derivative."""
    c = np.array([1.0, 2.0, 0.0])
    add, mul = ours(pre, "add"), ours(pre, "mul")
    J = ad.jacfwd(lambda c: add(c, [1.0]))(c)
    np.testing.assert_array_equal(J, np.eye(3))
    v = traced_value(lambda c: mul(c, [0.5, 1.0]), c)
    want = numpys(pre, "mul")(c, [0.5, 1.0])
    np.testing.assert_array_equal(v[:len(want)], want)
    assert v.shape == (4,) and not v[len(want):].any()
    x = np.linspace(-1, 1, 4)
    # d/dc of val(x, c*d) in c: NumPy's vander times the product's matrix, by Richardson
    f = lambda c: numpys(pre, "val")(x, numpys(pre, "mul")(c, [0.5, 1.0]))   # noqa: E731
    J = ad.jacrev(lambda c: ours(pre, "val")(x, mul(c, [0.5, 1.0])))(c)
    np.testing.assert_allclose(J, richardson_jacobian(f, [c], 0), rtol=1e-8, atol=1e-8)
    assert np.abs(J[:, 2]).max() > 0


@pytest.mark.parametrize("pre", PREFIXES)
def test_coefficient_maps_check_grads(pre):
    rng = np.random.default_rng(6)
    c, c2 = rng.normal(size=4), rng.normal(size=3)
    check_grads(lambda c, s: ours(pre, "der")(c, 2, s), (c, 1.3), order=2)
    check_grads(lambda c, k, lb: ours(pre, "int")(c, 2, k, lb, 0.7), (c, c2[:2], 0.4), order=2)
    check_grads(lambda a, b: ours(pre, "mul")(a, b), (c, c2), order=2)
    check_grads(lambda a: ours(pre, "pow")(a, 2), (c2,), order=2)
    check_grads(lambda x: ours(pre, "vander")(x, 3), (rng.uniform(-1, 1, 3),), order=2)


# --- fit -----------------------------------------------------------------------------
@pytest.mark.parametrize("pre", PREFIXES)
def test_fit(pre):
    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(-1, 1, 8))
    y = np.cos(3 * x)
    Y = np.stack([y, np.sin(x)], axis=1)
    w = rng.uniform(0.5, 2, 8)
    f, nf = ours(pre, "fit"), numpys(pre, "fit")
    _chk(f, nf, [x, y, 3], 1)
    _chk(f, nf, [x, y, 3], 0, tol=1e-6)
    _chk(f, nf, [x, Y, [0, 2, 3]], 1)
    _chk(lambda x, y, d, w: f(x, y, d, w=w), lambda x, y, d, w: nf(x, y, d, w=w),
         [x, y, 3, w], 3, tol=1e-6)
    check_grads(lambda y, w: f(x, y, 2, w=w), (y, w), order=2)
    c, (res, rank, sv, rc) = f(x, y, 3, full=True)
    nc, (nres, nrank, nsv, nrc) = nf(x, y, 3, full=True)
    same(c, nc), same(res, nres), same(sv, nsv)
    assert rank == nrank and rc == nrc
    g = ad.grad(lambda y: f(x, y, 3, full=True)[1][0][0])(y)
    gn = richardson_jacobian(lambda y: nf(x, y, 3, full=True)[1][0][0], [y], 0)
    np.testing.assert_allclose(g, gn, rtol=1e-6, atol=1e-9)


def test_chebyshev_least_squares_loss_closed_forms():
    """A loss ||V c - y||^2 through chebval: gradient 2 V'(Vc - y), Hessian 2 V'V
    (V is NumPy's chebvander); jacfwd / jacrev / hessian all agree."""
    rng = np.random.default_rng(8)
    x = np.linspace(-1, 1, 9)
    y = np.exp(x)
    c = rng.normal(size=5)
    V = NP.chebyshev.chebvander(x, 4)

    def loss(c):
        r = P.chebyshev.chebval(x, c) - y
        return dnp.sum(r * r)
    g = 2 * V.T @ (V @ c - y)
    np.testing.assert_allclose(ad.grad(loss)(c), g, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ad.jacfwd(loss)(c), g, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ad.jacrev(loss)(c), g, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ad.hessian(loss)(c), 2 * V.T @ V, rtol=1e-12, atol=1e-12)
    # through the fit: the fitted coefficients are linear in y, J = pinv(V)
    J = ad.jacfwd(lambda y: P.chebyshev.chebfit(x, y, 4))(y)
    np.testing.assert_allclose(J, np.linalg.pinv(V), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ad.jacrev(lambda y: P.chebyshev.chebfit(x, y, 4))(y),
                               np.linalg.pinv(V), rtol=1e-9, atol=1e-10)
    # and in x, a Hessian of the fit residual, against Richardson of NumPy's gradient
    def resid(x):
        c = P.chebyshev.chebfit(x, y, 2)
        r = P.chebyshev.chebval(x, c) - y
        return dnp.sum(r * r)

    def nresid_grad(x):
        return ad.grad(resid)(x)
    H = ad.hessian(resid)(x)
    np.testing.assert_allclose(H, H.T, atol=1e-9)
    np.testing.assert_allclose(H, richardson_jacobian(nresid_grad, [x], 0, h=1e-4),
                               rtol=1e-5, atol=1e-6)


# --- classes -------------------------------------------------------------------------
@pytest.mark.parametrize("pre", PREFIXES)
def test_class_untraced_is_numpys(pre):
    cls = getattr(P, BASES[pre][2])
    ncls = getattr(NP, BASES[pre][2])
    p, q = cls([1, 2, 3], domain=[-2, 3]), ncls([1, 2, 3], domain=[-2, 3])
    assert isinstance(p, ncls)
    assert repr(p) == repr(q) and str(p) == str(q)
    same(p.coef, q.coef)
    same(p(np.linspace(0, 1, 3)), q(np.linspace(0, 1, 3)))
    assert p.deriv(2) == q.deriv(2) and p.integ(1, lbnd=1) == q.integ(1, lbnd=1)
    assert p * p - 3 == q * q - 3
    x = np.linspace(0, 2, 7)
    assert cls.fit(x, np.sin(x), 3) == ncls.fit(x, np.sin(x), 3)
    assert (p + q).coef.tolist() == (q + q).coef.tolist()


@pytest.mark.parametrize("pre", PREFIXES)
def test_class_traced(pre):
    cls = getattr(P, BASES[pre][2])
    ncls = getattr(NP, BASES[pre][2])
    rng = np.random.default_rng(9)
    c = rng.normal(size=4)
    x = rng.uniform(-2, 3, 5)
    dom = [-2, 3]
    cases = [
        (lambda c, x: cls(c, domain=dom)(x), lambda c, x: ncls(c, domain=dom)(x)),
        (lambda c, x: cls(c, domain=dom).deriv(2)(x), lambda c, x: ncls(c, domain=dom).deriv(2)(x)),
        (lambda c, x: cls(c, domain=dom).integ(1, k=1, lbnd=0.5)(x),
         lambda c, x: ncls(c, domain=dom).integ(1, k=1, lbnd=0.5)(x)),
        (lambda c, x: (cls(c) * cls(c[:2]) - 2 * cls(c) + 1)(x),
         lambda c, x: (ncls(c) * ncls(c[:2]) - 2 * ncls(c) + 1)(x)),
        (lambda c, x: (cls(c) ** 2)(x), lambda c, x: (ncls(c) ** 2)(x)),
    ]
    for f, nf in cases:
        _chk(f, nf, [c, x], 0)
        _chk(f, nf, [c, x], 1)
    y = np.cos(x)
    fit = lambda x, y: cls.fit(x, y, 3)(0.2)              # noqa: E731
    nfit = lambda x, y: ncls.fit(x, y, 3)(0.2)            # noqa: E731
    _chk(fit, nfit, [x, y], 0, tol=1e-6)                   # the domain moves with x
    _chk(fit, nfit, [x, y], 1)
    p = cls.fit(x, y, 3)
    assert isinstance(p, ncls) and type(p) is cls


def test_class_linspace_and_mixing_with_numpys():
    f = lambda c: P.Polynomial(c).linspace(3)[1]           # noqa: E731
    np.testing.assert_array_equal(ad.jacfwd(f)(np.array([1.0, 2.0])),
                                  NP.polynomial.polyvander([-1.0, 0.0, 1.0], 1))
    g = ad.grad(lambda c: (P.Chebyshev(c) + NP.Chebyshev([1.0, 1.0]))(0.5))
    np.testing.assert_array_equal(g(np.array([1.0, 2.0])), [1.0, 0.5])


# --- what is not covered -------------------------------------------------------------
def test_not_differentiable_functions_raise():
    with pytest.raises(NotImplementedError, match="chebcompanion"):
        ad.jacfwd(lambda c: P.chebyshev.chebcompanion(c))(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(NotImplementedError, match="division"):
        ad.grad(lambda c: (P.Chebyshev(c) // P.Chebyshev([1.0, 1.0])).coef[0])(np.array([1.0, 2.0]))
    # plain values: NumPy's own
    same(P.chebyshev.chebroots([1.0, 2.0]), NP.chebyshev.chebroots([1.0, 2.0]))


def test_plain_numpy_polynomial_with_traced_coefficients_raises():
    """NumPy does not dispatch numpy.polynomial: traced coefficients raise TypeError."""
    with pytest.raises(TypeError, match="traced value"):
        ad.grad(lambda c: NP.chebyshev.chebval(0.5, c))(np.array([1.0, 2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert float(ad.grad(lambda x: NP.chebyshev.chebval(x, [1.0, 2.0]))(0.5)) == 2.0


# --- coefficients to roots -----------------------------------------------------------
def _implicit_root_jacobian(pre, c):
    """d roots / d c from NumPy alone: -B_k(r) / p'(r) (B_k = the k-th basis
    function, NumPy's *val of a unit vector; p' from NumPy's *der)."""
    nval, nder = numpys(pre, "val"), numpys(pre, "der")
    r = numpys(pre, "roots")(c)
    basis = np.stack([nval(r, np.eye(len(c))[k]) for k in range(len(c))], axis=-1)
    return -basis / nval(r, nder(c))[:, None]


@pytest.mark.parametrize("pre", PREFIXES)
def test_roots_value_and_implicit_derivative(pre):
    c = np.array([0.3, -1.2, 0.4, 0.9])
    f = ours(pre, "roots")
    same(np.asarray(traced_value(f, c)), numpys(pre, "roots")(c))
    want = _implicit_root_jacobian(pre, c)
    for J in (ad.jacfwd(f)(c), ad.jacrev(f)(c)):
        np.testing.assert_allclose(J, want, rtol=1e-12, atol=1e-13)
    # and against Richardson differences of NumPy's roots (simple, sorted roots)
    np.testing.assert_allclose(ad.jacfwd(f)(c), richardson_jacobian(numpys(pre, "roots"), [c], 0),
                               rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("pre", ["poly", "cheb", "lag"])
def test_roots_second_derivative(pre):
    """d2 r / dc2 in all four nestings, against Richardson differences of the
    first derivative computed by NumPy alone (the implicit-function formula)."""
    c = np.array([0.3, -1.2, 0.4, 0.9])
    f = ours(pre, "roots")
    want = richardson_jacobian(lambda c: _implicit_root_jacobian(pre, c), [c], 0)
    for H in (ad.jacfwd(ad.jacfwd(f))(c), ad.jacfwd(ad.jacrev(f))(c),
              ad.jacrev(ad.jacfwd(f))(c), ad.jacrev(ad.jacrev(f))(c)):
        np.testing.assert_allclose(H, want, rtol=1e-7, atol=1e-7)


def test_roots_complex_and_trimmed_coefficient():
    # x^2 + 2x + 5: roots -1 -+ 2i; dr/dc_k = -r^k / (2r + 2)
    c = np.array([5.0, 2.0, 1.0])
    r = NP.polynomial.polyroots(c)
    want = -np.stack([r ** 0, r, r ** 2], axis=-1) / (2 * r + 2)[:, None]
    np.testing.assert_allclose(ad.jacfwd(P.polynomial.polyroots)(c), want, rtol=1e-13)
    np.testing.assert_allclose(ad.jacrev(P.polynomial.polyroots)(c), want, rtol=1e-13)
    # a zero highest coefficient: NumPy trims it, the finite root 2 of 2 - x still
    # moves with it: d r / d c2 = -r^2 / p'(r) = -4 / -1
    c = np.array([2.0, -1.0, 0.0])
    same(np.asarray(traced_value(P.polynomial.polyroots, c)), np.array([2.0]))
    np.testing.assert_allclose(ad.jacrev(P.polynomial.polyroots)(c), [[1.0, 2.0, 4.0]])
    # a double root has no derivative (infinite): NumPy's two roots 1 -+ ~1e-8 give
    # p'(r) near 0, and derivatives far out of any finite scale, or inf / NaN
    J = ad.jacfwd(P.polynomial.polyroots)(np.array([1.0, -2.0, 1.0]))
    assert np.all(~np.isfinite(J) | (np.abs(J) > 1e6))


@pytest.mark.parametrize("pre", ["poly", "cheb", "herme"])
def test_class_roots_with_domain(pre):
    cls, ncls = getattr(P, BASES[pre][2]), getattr(NP, BASES[pre][2])
    c, dom = np.array([0.3, -1.2, 0.4, 0.9]), np.array([-2.0, 3.0])
    same(np.asarray(traced_value(lambda c: cls(c, domain=dom).roots(), c)),
         ncls(c, domain=dom).roots())
    _chk(lambda c: cls(c, domain=dom).roots(), lambda c: ncls(c, domain=dom).roots(), [c], 0)
    _chk(lambda d: cls(c, domain=d).roots(), lambda d: ncls(c, domain=d).roots(), [dom], 0)


# --- roots to coefficients -----------------------------------------------------------
@pytest.mark.parametrize("pre", PREFIXES)
def test_fromroots(pre):
    r = np.array([0.3, -0.5, 1.2, 0.1])
    _chk(ours(pre, "fromroots"), numpys(pre, "fromroots"), [r], 0, tol=1e-8)
    cls, ncls = getattr(P, BASES[pre][2]), getattr(NP, BASES[pre][2])
    for dom in ([], None, [-2.0, 3.0]):
        _chk(lambda r, x: cls.fromroots(r, domain=dom)(x),
             lambda r, x: ncls.fromroots(r, domain=dom)(x), [r, np.array([0.2, 0.7])], 0,
             tol=1e-7)


def test_polyvalfromroots():
    f, nf = P.polynomial.polyvalfromroots, NP.polynomial.polyvalfromroots
    x, r = np.linspace(-1, 1, 5), np.array([0.3, -0.5, 1.2, 0.1])
    _chk(f, nf, [x, r], 0)
    _chk(f, nf, [x, r], 1)
    r2 = np.arange(6.0).reshape(3, 2) / 5
    _chk(lambda x, r: f(x, r, tensor=False), lambda x, r: nf(x, r, tensor=False),
         [x[:2], r2], 1)
    check_grads(f, (x[:3], r[:3]), order=2)


# --- division by a number, NumPy's series on the left, trim, interpolate, printing ---
@pytest.mark.parametrize("pre", PREFIXES)
def test_series_divided_by_a_number(pre):
    """``p / s`` (and ``p // s``, ``divmod(p, s)``) is ``coef / s``: NumPy's values, the
    derivatives in the coefficients, the point and ``s`` against Richardson."""
    cls, ncls = getattr(P, BASES[pre][2]), getattr(NP, BASES[pre][2])
    rng = np.random.default_rng(11)
    c, x = rng.normal(size=4), rng.uniform(-2, 3, 3)
    dom = [-2.0, 3.0]
    f = lambda c, s: (cls(c, domain=dom) / s).coef               # noqa: E731
    nf = lambda c, s: (ncls(c, domain=dom) / s).coef             # noqa: E731
    _chk(f, nf, [c, 1.7], 0)
    _chk(f, nf, [c, 1.7], 1)
    g = lambda c, s, x: (cls(c, domain=dom) / s)(x)              # noqa: E731
    ng = lambda c, s, x: (ncls(c, domain=dom) / s)(x)            # noqa: E731
    for k in range(3):
        _chk(g, ng, [c, 1.7, x], k)
    q = lambda c, s: (cls(c, domain=dom) // s).coef               # noqa: E731
    _chk(q, lambda c, s: (ncls(c, domain=dom) // s).coef, [c, 1.7], 1)
    # closed form: d/ds p(x)/s = -p(x)/s^2; the remainder of a division by a number is 0
    p0 = ncls(c, domain=dom)(0.3)
    np.testing.assert_allclose(ad.grad(lambda s: (cls(c, domain=dom) / s)(0.3))(1.7),
                               -p0 / 1.7 ** 2, rtol=1e-14)
    r = traced_value(lambda c: (cls(c) % 2.0).coef, c)
    same(r, (ncls(c) % 2.0).coef)
    np.testing.assert_array_equal(ad.jacfwd(lambda c: divmod(cls(c), 2.0)[1].coef)(c),
                                  np.zeros((1, 4)))
    check_grads(lambda c, s: (cls(c, domain=dom) / s)(x), (c, 1.7), order=2)
    assert type(cls([1.0, 2.0]) / 2) is cls                      # untraced: NumPy's code


def test_division_errors():
    c = np.array([1.0, 2.0])
    with pytest.raises(ZeroDivisionError, match="Chebyshev"):
        ad.grad(lambda c: (P.Chebyshev(c) / 0.0)(0.5))(c)
    with pytest.raises(ZeroDivisionError, match="Chebyshev"):
        ad.grad(lambda s: (P.Chebyshev(c) / s)(0.5))(0.0)
    with pytest.raises(TypeError, match="divided with / only by a number"):
        ad.grad(lambda c: (P.Chebyshev(c) / c)(0.5))(c)
    with pytest.raises(TypeError, match="divided with / only by a number"):
        ad.grad(lambda c: (P.Chebyshev(c) / P.Chebyshev([2.0]))(0.5))(c)
    with pytest.raises(TypeError, match="cannot be divided by a series"):
        ad.grad(lambda s: (s / P.Chebyshev(c))(0.5))(2.0)
    with pytest.raises(NotImplementedError, match="division by a series"):
        ad.grad(lambda c: (P.Chebyshev(c) % P.Chebyshev([1.0, 1.0]))(0.5))(c)


@pytest.mark.parametrize("pre", PREFIXES)
def test_convert_and_composition_with_traced_coefficients(pre):
    """``convert`` (NumPy's ``self(kind.identity(...))``, which divides series by
    integers in the Laguerre recurrence) and ``p(q)``: NumPy's coefficients,
    derivatives against Richardson of NumPy's own."""
    cls, ncls = getattr(P, BASES[pre][2]), getattr(NP, BASES[pre][2])
    c = np.random.default_rng(12).normal(size=4)
    for kind, nkind in [(P.Polynomial, NP.Polynomial), (NP.Polynomial, NP.Polynomial),
                        (P.Chebyshev, NP.Chebyshev), (P.Laguerre, NP.Laguerre)]:
        f = lambda c: cls(c, domain=[0.0, 2.0]).convert(kind=kind).coef      # noqa: E731
        nf = lambda c: ncls(c, domain=[0.0, 2.0]).convert(kind=nkind).coef   # noqa: E731
        np.testing.assert_allclose(traced_value(f, c), nf(c), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(ad.jacrev(f)(c), richardson_jacobian(nf, [c], 0),
                                   rtol=1e-7, atol=1e-7)
        assert isinstance(cls(c).convert(kind=kind), nkind)
    q = NP.Polynomial([0.5, 0.25])                 # a NumPy series as the argument
    f = lambda c: cls(c)(q).coef                   # noqa: E731
    nf = lambda c: ncls(c)(q).coef                 # noqa: E731
    np.testing.assert_allclose(traced_value(f, c), nf(c), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(ad.jacfwd(f)(c), richardson_jacobian(nf, [c], 0),
                               rtol=1e-7, atol=1e-7)
    # plain coefficients, a traced argument series (the result may keep exact zeros)
    r = np.array([0.5, 0.25])
    v = traced_value(lambda r: cls(c)(P.Polynomial(r)).coef, r)
    want = ncls(c)(NP.Polynomial(r)).coef
    np.testing.assert_allclose(v[:len(want)], want, rtol=1e-13, atol=1e-13)
    assert not v[len(want):].any()
    np.testing.assert_allclose(
        ad.jacrev(lambda r: cls(c)(P.Polynomial(r))(0.3))(r),
        richardson_jacobian(lambda r: ncls(c)(NP.Polynomial(r))(0.3), [r], 0),
        rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("pre", PREFIXES)
def test_numpy_series_on_the_left_of_a_traced_series(pre):
    cls, ncls = getattr(P, BASES[pre][2]), getattr(NP, BASES[pre][2])
    rng = np.random.default_rng(13)
    c, c2, x = rng.normal(size=4), rng.normal(size=3), rng.uniform(-1, 1, 3)
    ops = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b]
    for op in ops:
        _chk(lambda c, x: op(ncls(c2), cls(c))(x), lambda c, x: op(ncls(c2), ncls(c))(x),
             [c, x], 0)
        _chk(lambda c, x: op(cls(c), ncls(c2))(x), lambda c, x: op(ncls(c), ncls(c2))(x),
             [c, x], 0)
        # a traced domain on the right (equal to the left's): the result has it
        _chk(lambda d: op(ncls(c2, domain=[-1.0, 2.0]), cls(c, domain=d))(0.4),
             lambda d: ncls(op(ncls(c2), ncls(c)).coef, domain=d)(0.4),
             [np.array([-1.0, 2.0])], 0)
        # untraced: NumPy's own code, NumPy's class on the left wins as before
        r = op(ncls(c2), cls(c))
        assert type(r) is ncls and r == op(ncls(c2), ncls(c))
    with pytest.raises(NotImplementedError, match="division by a series"):
        ad.grad(lambda c: (ncls(c2) // cls(c))(0.5))(c)
    with pytest.raises(TypeError, match="Domains differ"):
        ad.grad(lambda c: (ncls(c2, domain=[0, 3]) + cls(c))(0.5))(c)


@pytest.mark.parametrize("pre", ["poly", "cheb", "lag"])
def test_trim_traced(pre):
    """trim keeps the leading coefficients by their plain values: NumPy's values,
    the Jacobian a selection (closed form)."""
    cls, ncls = getattr(P, BASES[pre][2]), getattr(NP, BASES[pre][2])
    c = np.array([1.0, -2.0, 1e-3, 0.0, -1e-4])
    for tol, n in [(0, 5), (1e-4, 3), (1e-3, 2), (5.0, 0)]:
        f = lambda c: cls(c).trim(tol).coef        # noqa: E731
        same(traced_value(f, c), ncls(c).trim(tol).coef)
        J = ad.jacrev(f)(c)
        np.testing.assert_array_equal(J, np.eye(5)[:n] if n else np.zeros((1, 5)))
        np.testing.assert_array_equal(ad.jacfwd(f)(c), J)
    # steps below tol: the trimmed coefficients stay trimmed (trim is a selection,
    # discontinuous where |c_i| crosses tol)
    c = np.array([1.0, -2.0, 0.3, 0.0, 2e-5])
    g = lambda c: cls(c).trim(1e-4)(0.3)           # noqa: E731
    np.testing.assert_allclose(ad.grad(g)(c), richardson_jacobian(
        lambda c: ncls(c).trim(1e-4)(0.3), [c], 0, h=1e-5), rtol=1e-8, atol=1e-8)


def test_chebinterpolate_traced_raises():
    same(P.chebyshev.chebinterpolate(np.sin, 5), NP.chebyshev.chebinterpolate(np.sin, 5))
    assert P.Chebyshev.interpolate(np.sin, 5, [0, 2]) == NP.Chebyshev.interpolate(np.sin, 5,
                                                                                  [0, 2])
    assert type(P.Chebyshev.interpolate(np.sin, 3)) is P.Chebyshev
    with pytest.raises(NotImplementedError, match="chebinterpolate"):
        ad.grad(lambda s: P.chebyshev.chebinterpolate(lambda x: s * x, 3)[1])(2.0)
    with pytest.raises(NotImplementedError, match="chebinterpolate"):
        ad.grad(lambda s: P.chebyshev.chebinterpolate(lambda x, a: a * x, 3, (s,))[1])(2.0)
    with pytest.raises(NotImplementedError, match="Chebyshev.interpolate"):
        ad.grad(lambda s: P.Chebyshev.interpolate(lambda x: s * x, 3).coef[1])(2.0)
    with pytest.raises(NotImplementedError, match="Chebyshev.interpolate"):
        ad.grad(lambda s: P.Chebyshev.interpolate(np.sin, 3, [0.0, s]).coef[1])(2.0)


def test_printing_traced_series():
    seen = []

    def f(c, d):
        p = P.Chebyshev(c, domain=d)
        seen.append((repr(p), str(p), format(p, "ascii"), p._repr_latex_()))
        return p(0.5)
    c, d = np.array([1.0, 2.0, 3.0]), np.array([0.0, 2.0])
    ad.grad(f)(c, d)
    plain = NP.Chebyshev(c, domain=d)
    r, s, a, latex = seen[0]
    assert r == repr(plain) + "  # traced: coef"
    assert s == str(plain) + "  (traced: coef)"
    assert a == format(plain, "ascii") + "  (traced: coef)"
    assert latex == plain._repr_latex_()
    ad.grad(f, argnums=1)(c, d)
    assert seen[1][0] == repr(plain) + "  # traced: domain"
    assert "Var" not in "".join(seen[0] + seen[1])


@pytest.mark.parametrize("kind", ["Polynomial", "Chebyshev", "Legendre", "Hermite",
                                  "HermiteE", "Laguerre"])
def test_traced_scalar_with_numpys_own_series(kind):
    """``s * p``, ``p * s``, ``s + p``, ``p - s`` with NumPy's series ``p`` and a
    traced ``s``: this package's series of the same kind, domain and window
    (NumPy's class cannot take the traced operand).  Truth: the derivative in
    ``s`` of ``(s * p)(x)`` is ``p(x)``, of ``(p - s)(x)`` is -1."""
    q = getattr(NP, kind)([1.0, -2.0, 0.5], domain=[-1.0, 3.0], window=[-1.0, 1.0])
    x = 0.7
    cases = [(lambda s: s * q, q(x)), (lambda s: q * s, q(x)), (lambda s: s + q, 1.0),
             (lambda s: q - s, -1.0), (lambda s: s - q, 1.0)]
    for make, want in cases:
        assert float(ad.grad(lambda s: make(s)(x))(1.3)) == pytest.approx(want, rel=1e-13)
        assert float(ad.jvp(lambda s: make(s)(x), (1.3,), (1.0,))[1]) == pytest.approx(
            want, rel=1e-13)

        def series(s):
            r = make(s)
            assert type(r) is getattr(P, kind)
            np.testing.assert_array_equal(r.domain, q.domain)
            np.testing.assert_array_equal(r.window, q.window)
            return r.coef
        np.testing.assert_allclose(ad.jvp(series, (1.3,), (1.0,))[0], make(1.3).coef,
                                   rtol=1e-15)


def test_numpys_series_at_traced_points_names_the_replacement():
    q = NP.Legendre([1.0, 2.0])
    with pytest.raises(TypeError, match=r"use dualad\.numpy\.polynomial\.Legendre instead"):
        ad.grad(lambda s: q(s))(0.5)
    with pytest.raises(TypeError, match=r"dualad\.numpy\.polynomial\.hermite\.hermval "):
        ad.grad(lambda c: NP.hermite.hermval(0.5, c))(np.array([1.0, 2.0]))
