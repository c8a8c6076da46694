"""dualad.scipy.interpolate (CubicSpline, PPoly): values equal to SciPy's own,
derivatives against independent truths: SciPy's own derivative splines
(``spl(xs, nu + 1)`` for the points, the cardinal splines ``CubicSpline(x, e_j)``
for the data, ``spl(b)`` for an integral's bound) and Richardson-extrapolated
central differences of plain ``scipy.interpolate.CubicSpline`` (knots, boundary
values), in forward and reverse mode and at second order."""

import numpy as np
import pytest
import scipy.interpolate as si

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import interpolate
from dualad.scipy.interpolate import CubicSpline, PPoly
from tests._derivatives import nan_aware_rel

BCS = ["not-a-knot", "clamped", "natural", "periodic", "tuple", "mixed"]
X = np.array([0.0, 0.4, 1.1, 1.5, 2.3, 3.0, 3.2, 4.0])
XS = np.array([-0.7, 0.0, 0.25, 0.9, 1.5, 2.0, 3.1, 4.0, 4.6])   # knots, outside, inside


def _bc(bc, trail=(), v=None):
    if bc == "tuple":
        v = np.full(trail, 0.7) if v is None else v
        return ((1, v), (2, -2.0 * v))
    if bc == "mixed":
        v = np.full(trail, 0.7) if v is None else v
        return ((2, v), "not-a-knot")
    return bc


def _data(n, trail=(), bc="not-a-knot", seed=0):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(n,) + trail)
    if bc == "periodic":
        y[-1] = y[0]
    return X[:n].copy(), y


def _traced(f, *args):
    """``f(*args)`` computed with every argument traced (forward mode)."""
    out, _ = ad.jvp(f, args, tuple(np.zeros_like(np.asarray(a) * 1.0) for a in args))
    return out


_rel = nan_aware_rel


def _richardson(f, x, h=1e-3):
    """Jacobian of ``f`` at ``x`` by central differences at h and h/2, extrapolated."""
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e.flat[i] = 1.0
        e = e.reshape(x.shape)
        d = [(np.asarray(f(x + s * e)) - np.asarray(f(x - s * e))) / (2 * s) for s in (h, h / 2)]
        cols.append((4 * d[1] - d[0]) / 3)
    return np.stack(cols, axis=-1)


# --- values: SciPy's -------------------------------------------------------------------------

@pytest.mark.parametrize("bc", BCS)
@pytest.mark.parametrize("n", [2, 3, 4, 5, 8])
def test_values_equal_scipys(bc, n):
    x, y = _data(n, (3,), bc)
    ref = si.CubicSpline(x, y, bc_type=_bc(bc, (3,)))
    for nu in range(5):
        got = _traced(lambda y: CubicSpline(x, y, bc_type=_bc(bc, (3,)))(XS, nu), y)
        assert got.shape == ref(XS, nu).shape and got.dtype == np.float64
        assert _rel(got, ref(XS, nu)) < 1e-14
    spl = lambda y, x: CubicSpline(x, y, bc_type=_bc(bc, (3,)))      # noqa: E731
    assert _rel(_traced(lambda y, x: spl(y, x).c, y, x), ref.c) < 1e-14
    assert np.array_equal(_traced(lambda y, x: spl(y, x).x, y, x), ref.x)
    assert _rel(_traced(lambda y: spl(y, x).integrate(-0.5, 3.3), y),
                ref.integrate(-0.5, 3.3)) < 1e-14
    assert _rel(_traced(lambda y: spl(y, x).integrate(3.3, 0.2, extrapolate=False), y),
                ref.integrate(3.3, 0.2, extrapolate=False)) < 1e-14
    for nu in (1, 2):
        assert _rel(_traced(lambda y: spl(y, x).antiderivative(nu)(XS), y),
                    ref.antiderivative(nu)(XS)) < 1e-13
        assert _rel(_traced(lambda y: spl(y, x).derivative(nu)(XS), y),
                    ref.derivative(nu)(XS)) < 1e-14
    # without traced values the spline is SciPy's, bit for bit
    plain = CubicSpline(x, y, bc_type=_bc(bc, (3,)))
    assert np.array_equal(plain(XS), ref(XS)) and np.array_equal(plain.c, ref.c)
    assert plain.extrapolate == ref.extrapolate and plain.axis == ref.axis


@pytest.mark.parametrize("shape, axis", [((8,), 0), ((2, 8), 1), ((2, 8, 3), 1),
                                         ((3, 2, 8), -1), ((8, 2, 2), 0)])
@pytest.mark.parametrize("bc", ["not-a-knot", "periodic", "tuple"])
def test_axis_and_shapes(shape, axis, bc):
    rng = np.random.default_rng(3)
    y = rng.normal(size=shape)
    if bc == "periodic":
        y = np.moveaxis(y, axis, 0)
        y[-1] = y[0]
        y = np.moveaxis(y, 0, axis)
    trail = np.moveaxis(y, axis, 0).shape[1:]
    ref = si.CubicSpline(X, y, axis=axis, bc_type=_bc(bc, trail))
    xs = XS.reshape(3, 3)
    got = _traced(lambda y: CubicSpline(X, y, axis=axis, bc_type=_bc(bc, trail))(xs, 1), y)
    assert got.shape == ref(xs, 1).shape and _rel(got, ref(xs, 1)) < 1e-14
    got = _traced(lambda y: CubicSpline(X, y, axis=axis, bc_type=_bc(bc, trail))
                  .integrate(0.3, 5.1), y)
    assert got.shape == ref.integrate(0.3, 5.1).shape
    assert _rel(got, ref.integrate(0.3, 5.1)) < 1e-14
    spl = CubicSpline(X, y, axis=axis, bc_type=_bc(bc, trail))
    assert spl.axis == ref.axis


def test_complex_y_and_extrapolate_options():
    rng = np.random.default_rng(4)
    y = rng.normal(size=8) + 1j * rng.normal(size=8)
    ref = si.CubicSpline(X, y)
    got = _traced(lambda y: CubicSpline(X, y)(XS), y)
    assert got.dtype == np.complex128 and _rel(got, ref(XS)) < 1e-14
    yr = rng.normal(size=8)
    for ext in (False, "periodic", True):
        ref = si.CubicSpline(X, yr, extrapolate=ext)
        got = _traced(lambda y: CubicSpline(X, y, extrapolate=ext)(XS), yr)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(ref(XS)))
        ok = ~np.isnan(got)
        assert _rel(got[ok], ref(XS)[ok]) < 1e-14
        got = _traced(lambda y: CubicSpline(X, y)(XS, extrapolate=ext), yr)
        ok = ~np.isnan(got)
        assert _rel(got[ok], si.CubicSpline(X, yr)(XS, extrapolate=ext)[ok]) < 1e-14
        got = _traced(lambda y: CubicSpline(X, y).integrate(-1.0, 9.5, extrapolate=ext), yr)
        ref = si.CubicSpline(X, yr).integrate(-1.0, 9.5, extrapolate=ext)
        assert np.isnan(got) == np.isnan(ref) and (np.isnan(ref) or _rel(got, ref) < 1e-14)


def test_nan_point_gives_nan_and_zero_derivative():
    y = np.sin(X)
    val, der = ad.jvp(lambda t: CubicSpline(X, y)(t), (np.array([np.nan, 1.0]),),
                      (np.ones(2),))
    assert np.isnan(val[0]) and np.isnan(si.CubicSpline(X, y)(np.nan))
    assert der[1] == pytest.approx(si.CubicSpline(X, y)(1.0, 1), rel=1e-14, abs=0)


NAN_CASES = [("CubicSpline", {}), ("CubicSpline", {"bc_type": "periodic"}),
             ("PchipInterpolator", {}), ("Akima1DInterpolator", {}),
             ("Akima1DInterpolator", {"method": "makima"})]


@pytest.mark.parametrize("name, kw", NAN_CASES)
def test_nan_point_reverse_mode_is_finite(name, kw):
    # a NaN (or infinite) evaluation point gives NaN, as in SciPy, and must not
    # poison the derivatives of the other points: before the fix reverse mode
    # multiplied the zero cotangent of the NaN entry by NaN partials (grad in y and
    # in the knots all NaN for CubicSpline, NaN entries for Pchip/Akima).  Truth:
    # Richardson differences of SciPy's own interpolator at the finite points;
    # SciPy's spl(xs, 1) for the points (0 at the NaN point: its value is constant)
    y = np.array([0.0, 0.5, 1.5, 1.2, 2.0, 3.5, 3.0, 0.0])
    periodic = kw.get("bc_type") == "periodic"
    bad = [np.nan, np.inf] if periodic else [np.nan]
    xs = np.array(bad + [0.5, 1.3, 2.5, 3.6])
    fin = slice(len(bad), None)
    # periodic: the data are u = y[:-1], with y[-1] = y[0] (SciPy checks it)
    u = y[:-1] if periodic else y

    def cls(x, u, **kw):
        return getattr(interpolate, name)(x, dnp.concatenate([u, u[:1]]) if periodic else u, **kw)

    def ref_cls(x, u, **kw):
        return getattr(si, name)(x, np.concatenate([u, u[:1]]) if periodic else u, **kw)
    ref = ref_cls(X, u, **kw)
    with np.errstate(invalid="ignore"):
        assert np.all(np.isnan(ref(xs)[:len(bad)]))
    fd_y = _richardson(lambda u: ref_cls(X, u, **kw)(xs[fin]), u)
    fd_x = _richardson(lambda x: ref_cls(x, u, **kw)(xs[fin]), X)
    for mode in (ad.jacfwd, ad.jacrev):
        Jy = mode(lambda u: cls(X, u, **kw)(xs))(u)
        Jx = mode(lambda x: cls(x, u, **kw)(xs))(X)
        assert np.all(Jy[:len(bad)] == 0.0) and np.all(Jx[:len(bad)] == 0.0)
        np.testing.assert_allclose(Jy[fin], fd_y, rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(Jx[fin], fd_x, rtol=1e-7, atol=1e-8)
        Jt = mode(lambda t: cls(X, u, **kw)(t))(xs)
        assert np.all(np.diag(Jt)[:len(bad)] == 0.0)
        assert _rel(np.diag(Jt)[fin], ref(xs[fin], 1)) < 1e-13
    # the gradient of a sum over the finite points (the audit's reproducer)
    g = ad.grad(lambda u: dnp.sum(cls(X, u, **kw)(xs)[fin]))(u)
    np.testing.assert_allclose(g, fd_y.sum(axis=0), rtol=1e-8, atol=1e-9)
    # second order: in the points (SciPy's spl(xs, 2), 0 at the NaN point) and,
    # for the nonlinear slopes, in the data (Richardson second differences)
    for H in (ad.hessian(lambda t: dnp.sum(cls(X, u, **kw)(t)[fin]))(xs),
              ad.jacrev(ad.jacrev(lambda t: dnp.sum(cls(X, u, **kw)(t)[fin])))(xs),
              ad.jacfwd(ad.jacfwd(lambda t: dnp.sum(cls(X, u, **kw)(t)[fin])))(xs)):
        assert np.all(np.isfinite(H)) and np.all(H[:len(bad)] == 0.0)
        assert _rel(np.diag(H)[fin], ref(xs[fin], 2)) < 1e-13

    def plain(u):
        return np.sum(ref_cls(X, u, **kw)(xs[fin]) ** 2)
    h, E, y = 1e-3, np.eye(u.size), u

    def second(s):
        return np.array([[(plain(y + s * E[i] + s * E[j]) - plain(y + s * E[i] - s * E[j])
                           - plain(y - s * E[i] + s * E[j]) + plain(y - s * E[i] - s * E[j]))
                          / (4 * s * s) for j in range(y.size)] for i in range(y.size)])
    fd = (4 * second(h / 2) - second(h)) / 3
    ours = lambda u: dnp.sum(cls(X, u, **kw)(xs)[fin] ** 2)   # noqa: E731
    for Hy in (ad.hessian(ours)(u), ad.jacrev(ad.jacrev(ours))(u)):
        np.testing.assert_allclose(Hy, fd, rtol=1e-5, atol=1e-5)


def test_out_of_range_infinite_point_without_extrapolation():
    # extrapolate=False: an infinite point is outside, NaN (SciPy), with zero
    # derivative; its offset s = inf used to give 0 * inf = NaN in reverse mode
    y = np.sin(X)
    xs = np.array([np.inf, -np.inf, 7.0, 0.5, 2.5])
    ref = si.CubicSpline(X, y, extrapolate=False)
    assert _rel(_traced(lambda y: CubicSpline(X, y, extrapolate=False)(xs), y), ref(xs)) < 1e-14
    fd = _richardson(lambda y: si.CubicSpline(X, y)(xs[3:]), y)
    g = ad.grad(lambda y: dnp.sum(CubicSpline(X, y, extrapolate=False)(xs)[3:]))(y)
    np.testing.assert_allclose(g, fd.sum(axis=0), rtol=1e-8, atol=1e-9)
    gx = ad.grad(lambda x: dnp.sum(CubicSpline(x, y, extrapolate=False)(xs)[3:]))(X)
    fdx = _richardson(lambda x: si.CubicSpline(x, y)(xs[3:]), X)
    np.testing.assert_allclose(gx, fdx.sum(axis=0), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("extrapolate", [None, True, False, "periodic"])
def test_derivative_order_at_least_the_degree_keeps_scipys_nans(extrapolate):
    # nu >= k: SciPy gives 0, but NaN at a NaN point and (extrapolate=False) outside;
    # traced dualad used to return 0 everywhere
    y = np.sin(X)
    y[-1] = y[0]
    xs = np.array([np.nan, -1.0, 0.5, 5.0, 4.0])
    ref = si.CubicSpline(X, y)
    for nu in (4, 5):
        got = _traced(lambda y: CubicSpline(X, y)(xs, nu, extrapolate=extrapolate), y)
        want = ref(xs, nu, extrapolate=extrapolate)
        assert np.array_equal(np.isnan(got), np.isnan(want)) and np.any(np.isnan(want))
        assert np.all(got[~np.isnan(want)] == 0.0)
    c, xb = np.ones((2, 5, 3)), np.linspace(0.0, 4.0, 6)
    want = si.PPoly(c, xb, extrapolate=extrapolate)(xs, 2)
    got = _traced(lambda c: PPoly(c, xb, extrapolate=extrapolate)(xs, 2), c)
    assert got.shape == want.shape and np.array_equal(np.isnan(got), np.isnan(want))
    assert np.all(got[~np.isnan(want)] == 0.0)


@pytest.mark.parametrize("extrapolate", [True, False, "periodic"])
def test_integral_with_nan_bound_raises_as_scipy(extrapolate):
    y = np.sin(X)
    y[-1] = y[0]
    bounds = [(np.nan, 2.0), (2.0, np.nan), (np.nan, -1.0)]
    if extrapolate == "periodic":
        bounds.append((1.0, np.inf))                  # a + period remainder is NaN
    for a, b in bounds:
        with pytest.raises(ValueError) as theirs, np.errstate(invalid="ignore"):
            si.CubicSpline(X, y).integrate(a, b, extrapolate=extrapolate)
        with pytest.raises(ValueError) as ours, np.errstate(invalid="ignore"):
            _traced(lambda y: CubicSpline(X, y).integrate(a, b, extrapolate=extrapolate), y)
        assert str(ours.value) == str(theirs.value)


def test_ppoly_matches_scipy():
    rng = np.random.default_rng(5)
    c, x = rng.normal(size=(5, 7, 2)), np.sort(rng.uniform(0, 4, 8))
    ref = si.PPoly(c, x)
    got = _traced(lambda c, x: PPoly(c, x)(XS, 2), c, x)
    assert _rel(got, ref(XS, 2)) < 1e-14
    got = _traced(lambda c: PPoly(c, x).antiderivative(2)(XS), c)
    assert _rel(got, ref.antiderivative(2)(XS)) < 1e-13
    got = _traced(lambda c: PPoly(c, x).integrate(x[1] - 0.2, x[-2] + 0.1), c)
    assert _rel(got, ref.integrate(x[1] - 0.2, x[-2] + 0.1)) < 1e-14
    c2 = np.moveaxis(c, 2, 0)               # (2, 5, 7, ...): the interpolation axis is 1
    ref = si.PPoly(c2, x, axis=1)
    got = _traced(lambda c: PPoly(c, x, axis=1)(XS), c2)
    assert got.shape == ref(XS).shape and _rel(got, ref(XS)) < 1e-14
    dga = ad.grad(lambda x: dnp.sum(PPoly(c, x)(XS[2:6])))(x)
    fd = _richardson(lambda x: np.sum(si.PPoly(c, x)(XS[2:6])), x)
    np.testing.assert_allclose(dga, fd, rtol=1e-7, atol=1e-7)


# --- derivatives -----------------------------------------------------------------------------

@pytest.mark.parametrize("bc", BCS)
def test_derivative_in_points_is_scipys_derivative(bc):
    x, y = _data(8, (2,), bc)
    ref = si.CubicSpline(x, y, bc_type=_bc(bc, (2,)))
    xs = XS[[0, 2, 3, 5, 6, 8]]        # not at knots: the derivatives jump there
    for nu in range(3):
        spl = CubicSpline(x, y, bc_type=_bc(bc, (2,)))
        f = lambda t: spl(t, nu)                          # noqa: E731
        truth = ref(xs, nu + 1)
        for mode in (ad.jacfwd, ad.jacrev):
            J = mode(f)(xs)                               # (6, 2, 6): diagonal in the points
            got = np.einsum("iki->ik", J)
            assert _rel(got, truth) < 1e-13
        # second order: spl(t, nu + 2), in every nesting
        g = lambda t: dnp.sum(spl(t, nu))                 # noqa: E731
        for H in (ad.hessian(g)(xs), ad.jacfwd(ad.jacfwd(g))(xs), ad.jacrev(ad.jacrev(g))(xs),
                  ad.jacfwd(ad.jacrev(g))(xs)):
            assert _rel(np.diag(H), ref(xs, nu + 2).sum(axis=1)) < 1e-13
            assert np.allclose(H - np.diag(np.diag(H)), 0.0)


@pytest.mark.parametrize("bc", ["not-a-knot", "clamped", "natural", "periodic"])
def test_derivative_in_y_is_the_cardinal_splines(bc):
    # the spline is linear in y: d spl(xs) / d y_j is the spline of the unit data e_j,
    # and d^2 spl / (d xs d y_j) that spline's derivative (SciPy's own splines)
    n = 8
    x, y = _data(n, (), bc)
    xs = XS[[0, 2, 3, 5, 6, 8]]
    free = n - 1 if bc == "periodic" else n

    def full(u):        # the data from its free entries (periodic: y[-1] = y[0])
        return dnp.concatenate([u, u[:1]]) if bc == "periodic" else u

    def card(j, nu):
        e = np.zeros(n)
        e[j] = 1.0
        if bc == "periodic" and j == 0:
            e[-1] = 1.0
        return si.CubicSpline(x, e, bc_type=bc)(xs, nu)
    truth = np.stack([card(j, 0) for j in range(free)], axis=1)
    dtruth = np.stack([card(j, 1) for j in range(free)], axis=1)
    f = lambda u: CubicSpline(x, full(u), bc_type=bc)(xs)                 # noqa: E731
    for mode in (ad.jacfwd, ad.jacrev):
        assert _rel(mode(f)(y[:free]), truth) < 1e-13
    # mixed second derivative d/dxs d/dy: forward over reverse and reverse over forward
    g = lambda u, t: dnp.sum(CubicSpline(x, full(u), bc_type=bc)(t))      # noqa: E731
    for outer, inner in ((ad.jacfwd, ad.grad), (ad.jacrev, ad.grad),
                         (ad.jacfwd, lambda h, argnums: ad.jacfwd(h, argnums=argnums))):
        M = outer(lambda t: inner(g, argnums=0)(y[:free], t))(xs)         # (free, 6)
        assert _rel(M.T, dtruth) < 1e-12
    # linear in y: the second derivative in y is zero
    H = ad.hessian(lambda u: dnp.sum(CubicSpline(x, full(u), bc_type=bc)(xs) * 1.0))(y[:free])
    assert np.max(np.abs(H)) == 0.0


@pytest.mark.parametrize("bc", BCS)
def test_derivative_in_knots_against_scipy_differences(bc):
    x, y = _data(8, (2,), bc)
    xs = XS[[0, 2, 3, 5, 6, 8]]
    bct = _bc(bc, (2,))

    def plain(xk):
        s = si.CubicSpline(xk, y, bc_type=bct)
        return np.concatenate([s(xs).ravel(), s(xs, 1).ravel(), [s.integrate(0.3, 3.6)[0]]])

    def ours(xk):
        s = CubicSpline(xk, y, bc_type=bct)
        return dnp.concatenate([dnp.ravel(s(xs)), dnp.ravel(s(xs, 1)),
                                dnp.reshape(s.integrate(0.3, 3.6)[0], (1,))])
    fd = _richardson(plain, x)
    for mode in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(mode(ours)(x), fd, rtol=1e-7, atol=1e-8)


def test_second_derivative_in_knots_against_scipy_differences():
    x, y = _data(8, (), "not-a-knot")
    xs = np.array([0.25, 1.3, 2.9])

    def plain(xk):
        return np.sum(si.CubicSpline(xk, y)(xs) ** 2)

    def ours(xk):
        return dnp.sum(CubicSpline(xk, y)(xs) ** 2)
    # Richardson second differences of SciPy's spline (steps h and h/2)
    h, n = 1e-3, x.size
    E = np.eye(n)

    def second(s):
        H = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                H[i, j] = (plain(x + s * E[i] + s * E[j]) - plain(x + s * E[i] - s * E[j])
                           - plain(x - s * E[i] + s * E[j]) + plain(x - s * E[i] - s * E[j])) \
                    / (4 * s * s)
        return H
    fd = (4 * second(h / 2) - second(h)) / 3
    for H in (ad.hessian(ours)(x), ad.jacfwd(ad.jacfwd(ours))(x),
              ad.jacrev(ad.jacrev(ours))(x), ad.jacrev(ad.jacfwd(ours))(x)):
        np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["tuple", "mixed"])
def test_derivative_in_boundary_values(kind):
    x, y = _data(8, (2,), "tuple")
    xs = XS[[0, 2, 3, 5, 6, 8]]
    v0 = np.array([0.4, -1.2])

    def plain(v):
        s = si.CubicSpline(x, y, bc_type=_bc(kind, v=v))
        return np.concatenate([s(xs).ravel(), s.integrate(0.1, 3.9)])

    def ours(v):
        s = CubicSpline(x, y, bc_type=_bc(kind, v=v))
        return dnp.concatenate([dnp.ravel(s(xs)), s.integrate(0.1, 3.9)])
    fd = _richardson(plain, v0)
    for mode in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(mode(ours)(v0), fd, rtol=1e-9, atol=1e-10)
    # the spline is affine in the boundary values: zero second derivative
    H = ad.hessian(lambda v: dnp.sum(ours(v)))(v0)
    assert np.max(np.abs(H)) < 1e-12


@pytest.mark.parametrize("extrapolate", [True, False, "periodic"])
def test_integral_bounds(extrapolate):
    y = np.sin(X)
    y[-1] = y[0]
    bc = "periodic" if extrapolate == "periodic" else "not-a-knot"
    ref = si.CubicSpline(X, y, bc_type=bc)
    lo, hi = (-2.3, 9.7) if extrapolate != False else (0.3, 3.7)   # noqa: E712
    for a, b in ((lo, hi), (hi, lo), (1.2, 1.35)):
        def f(a, b):
            return CubicSpline(X, y, bc_type=bc).integrate(a, b, extrapolate=extrapolate)
        val = _traced(f, a, b)
        assert _rel(val, ref.integrate(a, b, extrapolate=extrapolate)) < 1e-13
        for mode in (ad.jacfwd, ad.jacrev):
            da, db = mode(f, argnums=(0, 1))(a, b)
            assert db == pytest.approx(ref(b, extrapolate=extrapolate), rel=1e-13, abs=1e-15)
            assert da == pytest.approx(-ref(a, extrapolate=extrapolate), rel=1e-13, abs=1e-15)
        # second order: d2/db2 = spl'(b), d2/da db = 0
        H = ad.hessian(lambda ab: f(ab[0], ab[1]))(np.array([a, b]))
        assert H[1, 1] == pytest.approx(ref(b, 1, extrapolate=extrapolate), rel=1e-12, abs=1e-14)
        assert H[0, 0] == pytest.approx(-ref(a, 1, extrapolate=extrapolate), rel=1e-12,
                                        abs=1e-14)
        assert H[0, 1] == 0.0
    # derivative in y of the integral: the integrals of the cardinal splines
    g = ad.grad(lambda u: CubicSpline(X, u).integrate(0.3, 3.7))(np.cos(X))
    truth = [si.CubicSpline(X, e).integrate(0.3, 3.7) for e in np.eye(8)]
    assert _rel(g, truth) < 1e-13


def test_derivative_and_antiderivative_methods():
    y = np.cos(X)
    spl, ref = CubicSpline(X, y), si.CubicSpline(X, y)
    xs = XS[[0, 2, 3, 5, 6, 8]]
    # d/dxs of the antiderivative is the spline; of the derivative, the second derivative
    J = ad.jacfwd(lambda t: spl.antiderivative()(t))(xs)
    assert _rel(np.diag(J), ref(xs)) < 1e-13
    J = ad.jacrev(lambda t: spl.derivative()(t))(xs)
    assert _rel(np.diag(J), ref(xs, 2)) < 1e-13
    assert isinstance(spl.derivative(), PPoly) and isinstance(spl.antiderivative(), PPoly)
    # in y: the antiderivative of the cardinal splines
    G = ad.jacrev(lambda u: CubicSpline(X, u).antiderivative(2)(xs))(y)
    truth = np.stack([si.CubicSpline(X, e).antiderivative(2)(xs) for e in np.eye(8)], axis=1)
    assert _rel(G, truth) < 1e-12


def test_solve_banded_primitive_against_dense_solve():
    rng = np.random.default_rng(7)
    n = 6
    ab = rng.normal(size=(3, n))
    ab[1] += 4.0
    b = rng.normal(size=(n, 2))

    def dense(ab):
        return np.diag(ab[1]) + np.diag(ab[0, 1:], 1) + np.diag(ab[2, :-1], -1)
    x = interpolate.solve_banded_p(ab, b)
    np.testing.assert_allclose(x, np.linalg.solve(dense(ab), b), rtol=1e-13)
    fd = _richardson(lambda a: np.linalg.solve(dense(a), b), ab).reshape(n, 2, 3, n)
    for mode in (ad.jacfwd, ad.jacrev):
        J = mode(lambda a: interpolate.solve_banded_p(a, b))(ab)
        np.testing.assert_allclose(J, fd, rtol=1e-8, atol=1e-9)
    assert np.all(J[..., 0, 0] == 0) and np.all(J[..., 2, -1] == 0)   # corners are not read


def _dense_from_band(ab, l, u):
    n = ab.shape[1]
    A = np.zeros((n, n), dtype=ab.dtype)
    for r in range(l + u + 1):
        d = u - r                                  # row r: the diagonal at offset d
        A += np.diag(ab[r, max(d, 0):n + min(d, 0)], d)
    return A


@pytest.mark.parametrize("l_and_u", [(2, 1), (1, 3), (3, 3)])
def test_solve_banded_primitive_wider_bands_against_dense_solve(l_and_u):
    # the (l, u) keyword (interp1d's collocation systems have (k, k)): values and
    # first derivatives in the band and the right-hand side against NumPy's dense
    # solve and its Richardson differences, second order (the Hessian of a linear
    # functional in the band) against Richardson differences of the closed-form
    # gradient -A^{-T} c x^T read on the band
    l, u = l_and_u
    rng = np.random.default_rng(11)
    n = 7
    ab = rng.normal(size=(l + u + 1, n))
    ab[u] += 8.0
    b = rng.normal(size=(n, 2))
    x = interpolate.solve_banded_p(ab, b, l_and_u=l_and_u)
    np.testing.assert_allclose(x, np.linalg.solve(_dense_from_band(ab, l, u), b), rtol=1e-13)
    fd = _richardson(lambda a: np.linalg.solve(_dense_from_band(a, l, u), b), ab)
    fd = fd.reshape(n, 2, l + u + 1, n)
    fdb = _richardson(lambda bb: np.linalg.solve(_dense_from_band(ab, l, u), bb), b)
    for mode in (ad.jacfwd, ad.jacrev):
        J = mode(lambda a: interpolate.solve_banded_p(a, b, l_and_u=l_and_u))(ab)
        np.testing.assert_allclose(J, fd, rtol=1e-8, atol=1e-9)
        Jb = mode(lambda bb: interpolate.solve_banded_p(ab, bb, l_and_u=l_and_u))(b)
        np.testing.assert_allclose(Jb, fdb.reshape(n, 2, n, 2), rtol=1e-8, atol=1e-9)
    mask = _dense_from_band(np.ones_like(ab), l, u) != 0
    inband = np.zeros_like(ab, dtype=bool)
    for r in range(l + u + 1):
        d = u - r
        inband[r, max(d, 0):n + min(d, 0)] = True
    assert np.all(J[..., ~inband] == 0)               # entries outside the matrix are not read
    c = rng.normal(size=(n, 2))

    def grad_closed(a):                               # d <c, A^{-1} b> / d ab
        A = _dense_from_band(a, l, u)
        G = -np.linalg.solve(A.T, c) @ np.linalg.solve(A, b).T
        out = np.zeros_like(a)
        for r in range(l + u + 1):
            d = u - r
            j = np.arange(max(d, 0), n + min(d, 0))
            out[r, j] = G[j - d, j]
        return out
    assert mask.sum() == inband.sum()
    np.testing.assert_allclose(ad.grad(lambda a: dnp.sum(
        c * interpolate.solve_banded_p(a, b, l_and_u=l_and_u)))(ab), grad_closed(ab),
        rtol=1e-12, atol=1e-14)
    H_fd = _richardson(grad_closed, ab).reshape(l + u + 1, n, l + u + 1, n)

    def f(a):
        return dnp.sum(c * interpolate.solve_banded_p(a, b, l_and_u=l_and_u))
    for H in (ad.hessian(f)(ab), ad.jacfwd(ad.jacrev(f))(ab), ad.jacrev(ad.jacfwd(f))(ab),
              ad.jacrev(ad.jacrev(f))(ab), ad.jacfwd(ad.jacfwd(f))(ab)):
        np.testing.assert_allclose(H, H_fd, rtol=1e-7, atol=1e-8)


# --- errors ----------------------------------------------------------------------------------

def test_scipy_cubicspline_on_traced_values_names_dualads():
    x = np.linspace(0.0, 3.0, 6)
    with pytest.raises(TypeError, match=r"call dualad\.scipy\.interpolate\.CubicSpline instead"):
        ad.grad(lambda y: si.CubicSpline(x, y)(1.3))(np.sin(x))
    spl = si.CubicSpline(x, np.sin(x))
    with pytest.raises(TypeError, match=r"build it with dualad\.scipy\.interpolate\.CubicSpline"):
        ad.grad(lambda t: spl(t))(1.3)
    with pytest.raises(TypeError, match=r"call dualad\.scipy\.interpolate\.make_interp_spline"):
        ad.grad(lambda y: si.make_interp_spline(x, y)(1.3))(np.sin(x))
    with pytest.raises(TypeError, match=r"dualad\.scipy\.interpolate has no UnivariateSpline"):
        ad.grad(lambda y: si.UnivariateSpline(x, y)(1.3))(np.sin(x))
    with pytest.raises(TypeError, match=r"call dualad\.scipy\.interpolate\.PchipInterpolator"):
        ad.grad(lambda y: si.PchipInterpolator(x, y)(1.3))(np.sin(x))


def test_input_errors_are_scipys():
    y = np.sin(X)
    for args, kw in [((X[::-1], y), {}), ((X, y[:-1]), {}),
                     ((X, y), {"bc_type": "periodic"}),
                     ((X, y), {"bc_type": ((3, 0.0), "natural")}),
                     ((X, y), {"bc_type": "bogus"})]:
        with pytest.raises(ValueError) as theirs:
            si.CubicSpline(*args, **kw)
        with pytest.raises(ValueError) as ours:
            _traced(lambda y: CubicSpline(args[0], y, **kw).c, args[1])
        assert str(ours.value) == str(theirs.value)


# --- Hermite splines: CubicHermiteSpline, PchipInterpolator, Akima1DInterpolator ------------

HERMITE = [("PchipInterpolator", {}), ("Akima1DInterpolator", {}),
           ("Akima1DInterpolator", {"method": "makima"}), ("CubicHermiteSpline", None)]


def _hermite(module, name, kw, x, y):
    args = (x, y) if kw is not None else (x, y, dnp.cos(y) if module is interpolate
                                          else np.cos(y))
    return getattr(module, name)(*args, **(kw or {}))


@pytest.mark.parametrize("name, kw", HERMITE)
@pytest.mark.parametrize("n", [2, 3, 4, 8])
@pytest.mark.parametrize("trail", [(), (3,)])
def test_hermite_values_equal_scipys(name, kw, n, trail):
    rng = np.random.default_rng(n)
    y = rng.normal(size=(n,) + trail)
    if n == 8:
        y[2:4] = y[1]         # a flat stretch: PCHIP's zero slopes, Akima's equal secants
    x = X[:n]
    ref = _hermite(si, name, kw, x, y)
    for nu in range(4):
        got = _traced(lambda y: _hermite(interpolate, name, kw, x, y)(XS, nu), y)
        assert _rel(got, ref(XS, nu)) < 1e-14
    got = _traced(lambda y: _hermite(interpolate, name, kw, x, y).integrate(0.1, 3.9), y)
    assert _rel(got, ref.integrate(0.1, 3.9)) < 1e-14
    plain = _hermite(interpolate, name, kw, x, y)
    assert np.array_equal(plain.c, ref.c) and plain.extrapolate == ref.extrapolate


@pytest.mark.parametrize("name, kw", HERMITE)
def test_hermite_derivatives_against_scipy(name, kw):
    # data with no secant at a branch switch (no zero or sign-change ties), so the
    # slopes are smooth there; truths: SciPy's spl(xs, 1) in the points, Richardson
    # differences of SciPy's own interpolator in the data and the knots
    y = np.array([0.0, 0.5, 1.5, 1.2, 2.0, 3.5, 3.0, 4.0])
    xs = np.array([0.2, 0.7, 1.3, 1.9, 2.6, 3.1, 3.6])
    ref = _hermite(si, name, kw, X, y)
    spl = _hermite(interpolate, name, kw, X, y)
    for mode in (ad.jacfwd, ad.jacrev):
        assert _rel(np.diag(mode(lambda t: spl(t))(xs)), ref(xs, 1)) < 1e-13
    H = ad.hessian(lambda t: dnp.sum(spl(t)))(xs)
    assert _rel(np.diag(H), ref(xs, 2)) < 1e-13
    fd_y = _richardson(lambda y: _hermite(si, name, kw, X, y)(xs), y)
    fd_x = _richardson(lambda x: _hermite(si, name, kw, x, y)(xs), X)
    for mode in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(mode(lambda y: _hermite(interpolate, name, kw, X, y)(xs))(y),
                                   fd_y, rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(mode(lambda x: _hermite(interpolate, name, kw, x, y)(xs))(X),
                                   fd_x, rtol=1e-7, atol=1e-8)
    # second order in the data (PCHIP and Akima are nonlinear in y): the Hessian of
    # a sum of squares against Richardson second differences of SciPy's interpolator

    def plain(y):
        return np.sum(_hermite(si, name, kw, X, y)(xs) ** 2)
    h, n, E = 1e-3, y.size, np.eye(y.size)

    def second(s):
        return np.array([[(plain(y + s * E[i] + s * E[j]) - plain(y + s * E[i] - s * E[j])
                           - plain(y - s * E[i] + s * E[j]) + plain(y - s * E[i] - s * E[j]))
                          / (4 * s * s) for j in range(n)] for i in range(n)])
    fd = (4 * second(h / 2) - second(h)) / 3
    ours = lambda y: dnp.sum(_hermite(interpolate, name, kw, X, y)(xs) ** 2)   # noqa: E731
    for Hy in (ad.hessian(ours)(y), ad.jacrev(ad.jacrev(ours))(y)):
        np.testing.assert_allclose(Hy, fd, rtol=1e-5, atol=1e-5)


def test_pchip_branch_taken_at_a_flat_stretch():
    # y[1] = y[2]: a zero secant sets the slopes at both ends of it to 0 (SciPy's
    # rule); the derivative is that of the branch taken: those slopes stay 0, so
    # moving y[3] changes nothing on [x[1], x[2]]
    y = np.array([0.0, 1.0, 1.0, 2.0, 2.5])
    x = X[:5]
    g = ad.grad(lambda y: interpolate.PchipInterpolator(x, y)(0.7))(y)
    assert g[0] == g[3] == g[4] == 0.0 and g[1] + g[2] == pytest.approx(1.0, rel=1e-14)
    assert g[2] == pytest.approx(si.PchipInterpolator(x, [0, 0, 1, 0, 0])(0.7), rel=1e-14)
