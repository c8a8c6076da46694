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
    with pytest.raises(NotImplementedError, match="chebroots"):
        ad.grad(lambda c: P.chebyshev.chebroots(c)[0])(np.array([1.0, 2.0]))
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
