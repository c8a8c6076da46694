"""dualad.scipy.interpolate B-splines (BSpline, make_interp_spline, make_lsq_spline,
splev / splder / splantider / splint): values against SciPy's own, derivatives
against independent truths: SciPy's derivative splines for the points, and
Richardson-extrapolated central differences of the plain SciPy functions for the
knots, coefficients, data, sites, weights and integration bounds, in forward and
reverse mode and at second order."""

import numpy as np
import pytest
import scipy.interpolate as si

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import interpolate as I

T = np.array([-0.9, -0.5, -0.2, 0.0, 0.7, 1.3, 2.1, 3.0, 3.2, 3.5, 4.0])   # distinct knots
XS = np.array([-0.3, 0.2, 0.9, 1.25, 2.5, 2.95, 3.4])                     # off the knots
X = np.array([0.0, 0.4, 1.1, 1.5, 2.3, 3.0, 3.2, 4.0])
XE = np.array([0.1, 1.2, 2.0, 3.9])


def _rich(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1.0
        e = e.reshape(x.shape)
        d = [(np.asarray(f(x + s * e)) - np.asarray(f(x - s * e))) / (2 * s) for s in (h, h / 2)]
        cols.append((4 * d[1] - d[0]) / 3)
    return np.stack(cols, axis=-1)


def _rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def _val(f, x):
    return ad.jvp(f, (x,), (np.ones_like(x),))[0]


C = np.random.default_rng(0).normal(size=7)


@pytest.mark.parametrize("ext", [True, False, "periodic"])
@pytest.mark.parametrize("nu", [0, 1, 2])
def test_bspline_knots_points(ext, nu):
    ref = si.BSpline(T, C, 3, extrapolate=ext)
    f = lambda t: I.BSpline(t, C, 3, extrapolate=ext)(XS, nu)
    v = _val(f, T)
    assert _rel(np.nan_to_num(v), np.nan_to_num(ref(XS, nu))) < 1e-13
    assert np.array_equal(np.isnan(v), np.isnan(ref(XS, nu)))
    jf, jr = ad.jacfwd(f)(T), ad.jacrev(f)(T)
    r = _rich(lambda t: si.BSpline(t, C, 3, extrapolate=ext)(XS, nu), T)
    assert _rel(np.where(np.isnan(r), 0, jf), np.nan_to_num(r)) < 1e-9
    assert _rel(jr, jf) < 1e-13
    gx = ad.jacfwd(lambda x: I.BSpline(T, C, 3, extrapolate=ext)(x, nu))(XS)
    assert _rel(np.nan_to_num(np.diag(gx)), np.nan_to_num(ref(XS, nu + 1))) < 1e-13
    assert np.count_nonzero(gx - np.diag(np.diag(gx))) == 0


def test_bspline_coefficients_axis_and_second_order():
    c = np.random.default_rng(1).normal(size=(2, 7, 3))
    ref = si.BSpline(T, c, 3, axis=1)
    xs = XS.reshape(7, 1)[:4]
    f = lambda c: I.BSpline(T, c, 3, axis=1)(xs)
    assert _rel(_val(f, c), ref(xs)) < 1e-13
    assert _val(f, c).shape == ref(xs).shape == (2, 4, 1, 3)
    j = ad.jacrev(f)(c)
    assert _rel(j, _rich(lambda c: si.BSpline(T, c, 3, axis=1)(xs), c).reshape(j.shape)) < 1e-9
    # second order in the knots and a point, against differences of SciPy's derivative
    h = ad.hessian(lambda t: I.BSpline(t, C, 3)(1.25))(T)
    r = _rich(lambda t: _rich(lambda s: si.BSpline(s, C, 3)(1.25), t, 1e-3), T, 1e-3)
    assert _rel(h, r) < 1e-6
    hx = ad.jacfwd(ad.grad(lambda x: I.BSpline(T, C, 3)(x)))(1.25)
    assert _rel(hx, si.BSpline(T, C, 3)(1.25, 2)) < 1e-13


@pytest.mark.parametrize("ext", [True, False, "periodic"])
@pytest.mark.parametrize("ab", [(0.3, 2.2), (-0.5, 3.6), (2.5, 0.1), (0.2, 7.3)])
def test_bspline_integrate(ext, ab):
    c = np.random.default_rng(2).normal(size=(7, 2))
    ref = si.BSpline(T, c, 3, extrapolate=ext).integrate(*ab)
    f = lambda v: I.BSpline(T, c, 3, extrapolate=ext).integrate(v[0], v[1])
    v = np.array(ab)
    assert _rel(_val(f, v), ref) < 1e-13
    r = _rich(lambda v: si.BSpline(T, c, 3, extrapolate=ext).integrate(v[0], v[1]), v)
    assert _rel(ad.jacrev(f)(v), r) < 1e-9
    jt = ad.jacfwd(lambda t: I.BSpline(t, c, 3, extrapolate=ext).integrate(*ab))(T)
    rt = _rich(lambda t: si.BSpline(t, c, 3, extrapolate=ext).integrate(*ab), T)
    assert _rel(jt, rt) < 1e-9


@pytest.mark.parametrize("nu", [1, 2, -1, -2])
def test_bspline_derivative_antiderivative(nu):
    def mk(mod, t):
        s = mod.BSpline(t, C, 3)
        return s.derivative(nu) if nu > 0 else s.antiderivative(-nu)
    assert _rel(_val(lambda t: mk(I, t)(XS), T), mk(si, T)(XS)) < 1e-13
    j = ad.jacrev(lambda t: mk(I, t)(XS))(T)
    assert _rel(j, _rich(lambda t: mk(si, t)(XS), T)) < 1e-9
    assert _val(lambda t: mk(I, t).c, T).shape == mk(si, T).c.shape


def test_bspline_plain_is_scipy_and_misc():
    s = I.BSpline(T, C, 3)
    assert np.array_equal(s(XS), si.BSpline(T, C, 3)(XS))
    assert s.integrate(0.1, 2.0) == si.BSpline(T, C, 3).integrate(0.1, 2.0)
    b = I.BSpline.basis_element([0.0, 1.0, 2.5, 3.0])
    rb = si.BSpline.basis_element([0.0, 1.0, 2.5, 3.0])
    assert np.array_equal(b(XS), rb(XS))
    tb = np.array([0.0, 1.0, 2.5, 3.0])
    j = ad.jacfwd(lambda t: I.BSpline.basis_element(t)(np.array([0.5, 1.7, 2.8])))(tb)
    r = _rich(lambda t: si.BSpline.basis_element(t)(np.array([0.5, 1.7, 2.8])), tb)
    assert _rel(j, r) < 1e-9
    dm = I.BSpline.design_matrix(XS[1:6], T, 3)
    assert np.array_equal(dm.toarray(), si.BSpline.design_matrix(XS[1:6], T, 3).toarray())
    with pytest.raises(NotImplementedError, match="design_matrix"):
        ad.grad(lambda x: I.BSpline.design_matrix(x, T, 3).sum())(XS[1:6])
    with pytest.raises(ValueError, match="non-decreasing"):
        ad.grad(lambda c: I.BSpline(T[::-1], c, 3)(0.5))(C)
    # float32 input: SciPy's values are float64, and so are dualad's
    out = _val(lambda c: I.BSpline(T, c, 3)(np.float32(0.5)), C.astype(np.float32))
    assert out.dtype == si.BSpline(T, C.astype(np.float32), 3)(np.float32(0.5)).dtype
    # a NaN point: NaN, zero derivative, others unaffected
    g = ad.jacfwd(lambda x: I.BSpline(T, C, 3)(x))(np.array([np.nan, 0.5]))
    assert g[0, 0] == 0 and _rel(g[1, 1], si.BSpline(T, C, 3)(0.5, 1)) < 1e-14


BCS = [(3, None), (3, "natural"), (3, "clamped"), (5, None), (2, None), (4, None), (1, None),
       (0, None), (5, ([(1, 0.2), (2, 0.1)], [(1, 0.3), (2, -1.0)]))]


@pytest.mark.parametrize("k,bc", BCS)
def test_make_interp_spline(k, bc):
    y = np.cos(X)
    ref = si.make_interp_spline(X, y, k=k, bc_type=bc)(XE)
    f = lambda x: I.make_interp_spline(x, y, k=k, bc_type=bc)(XE)
    assert _rel(_val(f, X), ref) < 1e-13
    jf = ad.jacfwd(f)(X)
    if k > 0:
        assert _rel(jf, _rich(lambda x: si.make_interp_spline(x, y, k=k, bc_type=bc)(XE),
                              X)) < 1e-9
    assert _rel(ad.jacrev(f)(X), jf) < 1e-12
    gy = ad.jacrev(lambda y: I.make_interp_spline(X, y, k=k, bc_type=bc)(XE))(y)
    s0 = si.make_interp_spline(X, 0 * y, k=k, bc_type=bc)(XE)     # affine in y (bc values)
    ry = np.stack([si.make_interp_spline(X, e, k=k, bc_type=bc)(XE) - s0
                   for e in np.eye(8)], -1)
    assert _rel(gy, ry) < 1e-12


def test_make_interp_spline_second_order_bc_values_axis():
    y = np.cos(X)
    h = ad.hessian(lambda x: I.make_interp_spline(x, y, bc_type="natural")(1.2))(X)
    r = _rich(lambda x: _rich(lambda z: si.make_interp_spline(z, y, bc_type="natural")(1.2),
                              x, 1e-3), X, 1e-3)
    assert _rel(h, r) < 1e-6
    bcf = lambda v: ([(1, v[0])], [(1, v[1])])
    v = np.array([0.3, -0.4])
    g = ad.grad(lambda v: I.make_interp_spline(X, y, bc_type=bcf(v))(1.2))(v)
    assert _rel(g, _rich(lambda v: si.make_interp_spline(X, y, bc_type=bcf(v))(1.2), v)) < 1e-9
    y2 = np.random.default_rng(3).normal(size=(2, 8, 3))
    ref = si.make_interp_spline(X, y2, axis=1)(XE)
    assert _rel(_val(lambda y: I.make_interp_spline(X, y, axis=1)(XE), y2), ref) < 1e-13
    with pytest.raises(NotImplementedError, match="periodic"):
        ad.grad(lambda y: I.make_interp_spline(X, y, bc_type="periodic")(0.5))(y)
    with pytest.raises(ValueError, match="strictly increasing"):
        ad.grad(lambda y: I.make_interp_spline(X[::-1], y)(0.5))(y)


@pytest.mark.parametrize("method", ["qr", "norm-eq"])
def test_make_lsq_spline(method):
    x = np.linspace(0, 3, 15)
    y = np.cos(2 * x)
    w = np.linspace(1, 2, 15)
    tl = np.r_[[0.0] * 4, 0.8, 1.7, 2.2, [3.0] * 4]
    ref = si.make_lsq_spline(x, y, tl, w=w, method=method)(XS)
    cases = [
        (y, lambda v: I.make_lsq_spline(x, v, tl, w=w, method=method)(XS),
         lambda v: si.make_lsq_spline(x, v, tl, w=w, method=method)(XS)),
        (w, lambda v: I.make_lsq_spline(x, y, tl, w=v, method=method)(XS),
         lambda v: si.make_lsq_spline(x, y, tl, w=v, method=method)(XS)),
        (x[1:-1], lambda v: I.make_lsq_spline(dnp.r_[x[0], v, x[-1]], y, tl, w=w,
                                              method=method)(XS),
         lambda v: si.make_lsq_spline(np.r_[x[0], v, x[-1]], y, tl, w=w, method=method)(XS)),
        (tl[4:7], lambda v: I.make_lsq_spline(x, y, dnp.r_[tl[:4], v, tl[7:]], w=w,
                                              method=method)(XS),
         lambda v: si.make_lsq_spline(x, y, np.r_[tl[:4], v, tl[7:]], w=w, method=method)(XS)),
    ]
    for arg, f, fr in cases:
        assert _rel(_val(f, arg), ref) < 1e-13
        j = ad.jacrev(f)(arg)
        assert _rel(j, _rich(fr, arg, 1e-3)) < 1e-8
        assert _rel(ad.jacfwd(f)(arg), j) < 1e-12


def test_splev_family():
    x = np.linspace(0, 3, 15)
    tck = si.splrep(x, np.cos(2 * x))
    t, c, k = tck
    xe = np.array([-0.5, 0.3, 1.1, 2.9, 3.5])
    for ext in (0, 1, 3):
        for der in (0, 1):
            f = lambda c: I.splev(xe, (t, c, 3), der=der, ext=ext)
            fr = lambda c: si.splev(xe, (t, c, 3), der=der, ext=ext)
            assert _rel(_val(f, c), fr(c)) < 1e-13
            assert _rel(ad.jacrev(f)(c), _rich(fr, c)) < 1e-9
            gx = ad.jacfwd(lambda z: I.splev(z, tck, der=der, ext=ext))(xe)
            rx = _rich(lambda z: si.splev(z, tck, der=der, ext=ext), xe, 1e-5)
            assert _rel(gx, rx) < 1e-8
    with pytest.raises(ValueError, match="not in the domain"):
        ad.grad(lambda z: I.splev(z, tck, ext=2))(-0.5)
    fi = lambda v: I.splint(v[0], v[1], (t, c, 3))
    v = np.array([-0.2, 2.1])
    assert _rel(_val(fi, v), si.splint(-0.2, 2.1, tck)) < 1e-13
    assert _rel(ad.grad(fi)(v), _rich(lambda v: si.splint(v[0], v[1], tck), v)) < 1e-9
    for fn in ("splder", "splantider"):
        td, cd, kd = getattr(I, fn)((t, _val(lambda z: z, c), 3))
        rt, rc, rk = getattr(si, fn)(tck)
        assert kd == rk and _rel(td, rt) == 0 and _rel(cd, rc) < 1e-13


def test_pchip_interpolate():
    xi = np.array([0.0, 0.7, 1.5, 2.2, 3.0])
    yi = np.array([0.0, 1.0, 0.4, 0.9, 2.0])
    x = np.array([0.2, 1.1, 1.9, 2.6])
    for der in (0, 1, [0, 2]):
        ref = np.asarray(si.pchip_interpolate(xi, yi, x, der=der))
        f = lambda y: dnp.stack(I.pchip_interpolate(xi, y, x, der=der)) if isinstance(
            der, list) else I.pchip_interpolate(xi, y, x, der=der)
        assert _rel(_val(f, yi), ref) < 1e-13
        r = _rich(lambda y: np.asarray(si.pchip_interpolate(xi, y, x, der=der)), yi)
        assert _rel(ad.jacrev(f)(yi), r) < 1e-9
        fx = lambda z: dnp.stack(I.pchip_interpolate(z, yi, x, der=der)) if isinstance(
            der, list) else I.pchip_interpolate(z, yi, x, der=der)
        r = _rich(lambda z: np.asarray(si.pchip_interpolate(z, yi, x, der=der)), xi)
        assert _rel(ad.jacfwd(fx)(xi), r) < 1e-8
    g = ad.jacfwd(lambda z: I.pchip_interpolate(xi, yi, z))(x)
    assert _rel(np.diag(g), si.pchip_interpolate(xi, yi, x, der=1)) < 1e-13
    assert np.array_equal(I.pchip_interpolate(xi, yi, x), si.pchip_interpolate(xi, yi, x))
