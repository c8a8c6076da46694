"""dualad.scipy.interpolate's RegularGridInterpolator, interpn and interp1d:
values equal to SciPy's own (to ~1e-14), derivatives against independent truths:

* in the data (values, y): SciPy's own class applied to unit arrays (the map is
  linear, so this is the exact Jacobian);
* in the evaluation points: the closed-form gradient and Hessian of the bilinear
  interpolant of the cell; SciPy's own derivative splines
  (``make_interp_spline(...).derivative(nu)``) for interp1d's spline kinds;
  Richardson-extrapolated central differences of SciPy's class (3-D grids, points
  away from cell edges);
* in the grid / knots: Richardson differences of SciPy's class.

forward and reverse mode, and at second order where the derivative is nonzero."""

import numpy as np
import pytest
import scipy.interpolate as si

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy.interpolate import RegularGridInterpolator, interp1d, interpn
from tests._derivatives import nan_aware_rel

MODES = [ad.jacfwd, ad.jacrev]


def _traced(f, *args):
    out, _ = ad.jvp(f, args, tuple(np.zeros_like(np.asarray(a) * 1.0) for a in args))
    return out


_rel = nan_aware_rel


def _richardson(f, x, h=1e-4):
    x = np.asarray(x, dtype=float)
    f0 = np.asarray(f(x))
    J = np.empty(f0.shape + x.shape)
    for i in np.ndindex(x.shape):
        def d(hh):
            e = np.zeros_like(x)
            e[i] = hh
            return (np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * hh)
        J[(Ellipsis,) + i] = (4 * d(h / 2) - d(h)) / 3
    return J


def _units(shape):
    for i in np.ndindex(shape):
        e = np.zeros(shape)
        e[i] = 1.0
        yield i, e


def _jac_by_units(f, shape, out_shape):
    """The exact Jacobian of a map linear in its argument: f applied to unit arrays."""
    J = np.empty(tuple(out_shape) + tuple(shape))
    for i, e in _units(shape):
        J[(Ellipsis,) + i] = f(e)
    return J


RNG = np.random.default_rng(0)
G2 = (np.array([0.0, 0.3, 0.7, 1.5, 2.0]), np.array([1.0, 0.6, 0.1, -0.4]))   # 2nd descending
G3 = (np.array([0.0, 0.5, 1.2, 2.0]), np.array([-1.0, 0.0, 0.4]), np.array([2.0, 3.0, 3.5, 5.0]))
V2 = RNG.normal(size=(5, 4))
V2T = RNG.normal(size=(5, 4, 2, 3))             # trailing dimensions
V3 = RNG.normal(size=(4, 3, 4))
XI2 = np.array([[0.1, 0.2], [1.0, -0.3], [1.9, 0.95], [0.3, 0.1], [2.0, -0.4], [0.0, 1.0],
                [0.55, 0.35]])
XI2_OUT = np.array([[-0.5, 0.2], [0.7, 1.4], [np.nan, 0.3], [2.5, -1.0], [1.2, 0.5],
                    [np.inf, 0.5]])
XI3 = np.array([[0.2, -0.5, 2.3], [1.7, 0.3, 4.1], [0.9, 0.1, 3.2], [1.3, -0.2, 2.8]])


# --- RegularGridInterpolator / interpn: values ------------------------------------------------

@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize("grid,values,xi", [(G2, V2, XI2), (G2, V2T, XI2), (G3, V3, XI3)])
def test_grid_values_equal_scipys(method, grid, values, xi):
    ref = si.RegularGridInterpolator(grid, values, method=method)(xi)
    got = _traced(lambda v: RegularGridInterpolator(grid, v, method=method)(xi), values)
    assert got.shape == ref.shape and _rel(got, ref) <= 1e-14
    got = _traced(lambda p: RegularGridInterpolator(grid, values, method=method)(p), xi)
    assert _rel(got, ref) <= 1e-14
    got = _traced(lambda v, p: interpn(grid, v, p, method=method), values, xi)
    assert _rel(got, si.interpn(grid, values, xi, method=method)) <= 1e-14


@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize("fill", [np.nan, None, -2.5])
def test_grid_out_of_bounds_fill_and_nan(method, fill):
    kw = dict(method=method, bounds_error=False, fill_value=fill)
    with np.errstate(invalid="ignore"):
        ref = si.RegularGridInterpolator(G2, V2T, **kw)(XI2_OUT)
        got = _traced(lambda v: RegularGridInterpolator(G2, v, **kw)(XI2_OUT), V2T)
    assert _rel(got, ref) <= 1e-14
    # zero derivative at the NaN and filled points, finite elsewhere, reverse mode too
    # (extrapolated to an infinite point, fill_value=None, the derivative is NaN)
    xi = XI2_OUT if fill is not None else XI2_OUT[:-1]
    with np.errstate(invalid="ignore"):
        J = ad.jacrev(lambda p: RegularGridInterpolator(G2, V2, **kw)(p))(xi)
    assert np.all(np.isfinite(J))
    masked = np.isnan(xi).any(-1)
    if fill is not None:
        masked |= ((xi < [-0.4, -0.4]) | (xi > [2.0, 1.0])).any(-1)
    assert np.all(J[masked] == 0)


def test_grid_bounds_error_shapes_and_dtypes():
    f = RegularGridInterpolator(G2, V2)
    with pytest.raises(ValueError, match="out of bounds in dimension 0"):
        _traced(lambda p: f(p), XI2_OUT[:1])
    with pytest.raises(ValueError, match="out of bounds in dimension 1"):
        _traced(lambda v: interpn(G2, v, XI2_OUT[1:2]), V2)
    # xi as a tuple of arrays, of shape (..., ndim), and a single point
    a, b = np.meshgrid([0.2, 1.1, 1.7], [0.0, 0.5], indexing="ij")
    for xi in [(a, b), np.stack([a, b], -1), np.array([0.4, 0.2])]:
        ref = si.RegularGridInterpolator(G2, V2T)(xi)
        got = _traced(lambda v: RegularGridInterpolator(G2, v)(xi), V2T)
        assert got.shape == ref.shape and _rel(got, ref) <= 1e-14
    # float32 values: SciPy's dtypes (float64 for linear, float32 for nearest)
    v32 = V2.astype(np.float32)
    for method in ["linear", "nearest"]:
        ref = si.RegularGridInterpolator(G2, v32, method=method)(XI2)
        got = _traced(lambda v: RegularGridInterpolator(G2, v, method=method)(XI2), v32)
        assert got.dtype == ref.dtype and _rel(got, ref) <= 1e-6
        g = ad.grad(lambda v: dnp.sum(RegularGridInterpolator(G2, v, method=method)(XI2)))(v32)
        truth = _jac_by_units(lambda e: si.RegularGridInterpolator(G2, e, method=method)(XI2),
                              V2.shape, (len(XI2),)).sum(0)
        np.testing.assert_allclose(g, truth, rtol=1e-6, atol=1e-7)
    with pytest.raises(NotImplementedError, match="'linear' and 'nearest'"):
        RegularGridInterpolator(G2, V2, method="cubic")


# --- RegularGridInterpolator: derivatives ----------------------------------------------------

@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize("mode", MODES)
def test_grid_derivative_in_values_is_scipy_on_unit_arrays(method, mode):
    for grid, values, xi in [(G2, V2T, XI2), (G3, V3, XI3)]:
        J = mode(lambda v: RegularGridInterpolator(grid, v, method=method)(xi))(values)
        truth = _jac_by_units(lambda e: si.RegularGridInterpolator(grid, e, method=method)(xi),
                              values.shape, si.RegularGridInterpolator(grid, values)(xi).shape)
        np.testing.assert_allclose(J, truth, rtol=1e-14, atol=1e-15)
        if method == "nearest":                       # one-hot rows
            assert np.all(J.reshape(len(xi), -1).sum(-1) == np.prod(values.shape[len(grid):]))


def _bilinear_gradient_hessian(p):
    """Closed form: f = sum v_ab w_a(x) w_b(y) over the cell of ``p``."""
    gx, gy = G2[0], G2[1][::-1]
    v = V2[:, ::-1]
    i = min(max(np.searchsorted(gx, p[0], "right") - 1, 0), len(gx) - 2)
    j = min(max(np.searchsorted(gy, p[1], "right") - 1, 0), len(gy) - 2)
    hx, hy = gx[i + 1] - gx[i], gy[j + 1] - gy[j]
    a, b = (p[0] - gx[i]) / hx, (p[1] - gy[j]) / hy
    v00, v01, v10, v11 = v[i, j], v[i, j + 1], v[i + 1, j], v[i + 1, j + 1]
    grad = np.array([((v10 - v00) * (1 - b) + (v11 - v01) * b) / hx,
                     ((v01 - v00) * (1 - a) + (v11 - v10) * a) / hy])
    mixed = (v11 - v10 - v01 + v00) / (hx * hy)
    return grad, np.array([[0.0, mixed], [mixed, 0.0]])


@pytest.mark.parametrize("mode", MODES)
def test_grid_linear_derivative_in_points_closed_form(mode):
    f = RegularGridInterpolator(G2, V2)
    for p in XI2:
        grad, hess = _bilinear_gradient_hessian(p)
        np.testing.assert_allclose(mode(f)(p)[0], grad, rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(ad.grad(lambda q: f(q)[0])(p), grad, rtol=1e-13, atol=1e-13)
        for second in [ad.hessian(lambda q: f(q)[0]), ad.jacfwd(ad.jacfwd(lambda q: f(q)[0])),
                       ad.jacrev(ad.jacrev(lambda q: f(q)[0]))]:
            np.testing.assert_allclose(second(p), hess, rtol=1e-12, atol=1e-12)
    # the tangent of a batch of points: one jvp
    t = np.ones_like(XI2)
    _, tan = ad.jvp(f, (XI2,), (t,))
    np.testing.assert_allclose(tan, [_bilinear_gradient_hessian(p)[0].sum() for p in XI2],
                               rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
def test_grid_3d_derivatives_in_points_and_grid_vs_scipy_differences(mode):
    def scipy_at(p):
        return si.RegularGridInterpolator(G3, V3)(p.reshape(1, 3))[0]
    for p in XI3:                                   # interior of cells, away from edges
        np.testing.assert_allclose(mode(lambda q: RegularGridInterpolator(G3, V3)(q))(p)[0],
                                   _richardson(scipy_at, p), rtol=1e-8, atol=1e-9)

    def scipy_grid(g0):
        return si.RegularGridInterpolator((g0,) + G3[1:], V3)(XI3)
    J = mode(lambda g0: RegularGridInterpolator((g0,) + G3[1:], V3)(XI3))(G3[0])
    np.testing.assert_allclose(J, _richardson(scipy_grid, G3[0]), rtol=1e-8, atol=1e-9)

    def scipy_grid2(g1):                            # a descending grid axis
        return si.RegularGridInterpolator((G2[0], g1), V2)(XI2[[0, 1, 2, 6]])
    J = mode(lambda g1: interpn((G2[0], g1), V2, XI2[[0, 1, 2, 6]]))(G2[1])
    np.testing.assert_allclose(J, _richardson(scipy_grid2, G2[1]), rtol=1e-8, atol=1e-9)


def test_grid_nearest_derivative_in_points_is_zero():
    f = RegularGridInterpolator(G3, V3, method="nearest")
    for mode in MODES:
        assert np.all(mode(f)(XI3) == 0)
    assert np.all(ad.hessian(lambda q: f(q)[0])(XI3[0]) == 0)


def test_plain_scipy_grid_classes_name_dualads():
    f = si.RegularGridInterpolator(G2, V2)
    with pytest.raises(TypeError, match=r"dualad\.scipy\.interpolate\.RegularGridInterpolator"):
        ad.grad(lambda p: f(p)[0])(XI2[0])
    with pytest.raises(TypeError, match=r"call dualad\.scipy\.interpolate\.interpn instead"):
        ad.grad(lambda p: si.interpn(G2, V2, p)[0])(XI2[0])
    with pytest.raises(TypeError, match=r"dualad\.scipy\.interpolate\.interp1d"):
        ad.grad(lambda y: si.interp1d(G2[0], y)(1.3))(V2[:, 0])
    g = si.interp1d(G2[0], V2[:, 0])
    # (no 'derivative, antiderivative and integrate': interp1d has no such methods)
    with pytest.raises(TypeError, match=r"build it with dualad\.scipy\.interpolate\.interp1d "
                                        r"instead \(the same signature\), differentiable in its "
                                        r"data and the points"):
        ad.grad(lambda t: g(t))(1.3)


# --- interp1d ---------------------------------------------------------------------------------

KINDS = ["linear", "nearest", "nearest-up", "previous", "next", "zero", "slinear",
         "quadratic", "cubic"]
SPLINE_K = {"zero": 0, "slinear": 1, "quadratic": 2, "cubic": 3}
X1 = np.array([0.0, 0.4, 1.1, 1.5, 2.3, 3.0, 3.2, 4.0])
Y1 = RNG.normal(size=(2, 8))
XS1 = np.array([-0.7, 0.0, 0.25, 0.9, 1.5, 1.3, 2.0, 3.1, 4.0, 4.6, np.nan])
FILLS = [np.nan, "extrapolate", (-1.5, 2.5)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fill", FILLS, ids=["nan", "extrapolate", "tuple"])
def test_interp1d_values_equal_scipys(kind, fill):
    kw = dict(kind=kind, bounds_error=False, fill_value=fill)
    with np.errstate(invalid="ignore"):
        ref = si.interp1d(X1, Y1, **kw)(XS1)
    got = _traced(lambda y: interp1d(X1, y, **kw)(XS1), Y1)
    assert got.shape == ref.shape and got.dtype == ref.dtype and _rel(got, ref) <= 2e-14
    got = _traced(lambda x: interp1d(x, Y1, **kw)(XS1), X1)
    assert _rel(got, ref) <= 2e-14
    got = _traced(lambda p: interp1d(X1, Y1, **kw)(p), XS1)      # built untraced, called traced
    assert _rel(got, ref) <= 2e-14


def test_interp1d_axis_unsorted_float32_and_errors():
    y = RNG.normal(size=(8, 3, 2))
    perm = RNG.permutation(8)
    xs = np.array([[0.3, 2.2], [3.9, 1.0]])
    for kind in ["linear", "cubic", "nearest"]:
        ref = si.interp1d(X1[perm], y[perm], kind=kind, axis=0)(xs)
        got = _traced(lambda yy: interp1d(X1[perm], yy, kind=kind, axis=0)(xs), y[perm])
        assert got.shape == ref.shape and _rel(got, ref) <= 2e-14
        y32 = Y1.astype(np.float32)
        ref = si.interp1d(X1, y32, kind=kind)(xs)
        got = _traced(lambda yy: interp1d(X1, yy, kind=kind)(xs), y32)
        assert got.dtype == ref.dtype and _rel(got, ref) <= 1e-6
    with pytest.raises(ValueError, match=r"A value \(4.5\) in x_new is above"):
        _traced(lambda yy: interp1d(X1, yy)(4.5), Y1)
    with pytest.raises(ValueError, match="Cannot extrapolate and raise"):
        _traced(lambda yy: interp1d(X1, yy, bounds_error=True, fill_value="extrapolate"), Y1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_interp1d_derivative_in_y_is_scipy_on_unit_arrays(kind, mode):
    kw = dict(kind=kind, bounds_error=False, fill_value="extrapolate")
    xs = XS1[:-1]
    J = mode(lambda y: interp1d(X1, y, **kw)(xs))(Y1[0])
    truth = _jac_by_units(lambda e: si.interp1d(X1, e, **kw)(xs), (8,), (len(xs),))
    # 'previous' / 'next' extrapolated: NaN on one side, with zero derivative
    truth = np.where(np.isnan(truth), 0.0, truth)
    np.testing.assert_allclose(J, truth, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_interp1d_derivative_in_points(kind, mode):
    kw = dict(kind=kind, bounds_error=False, fill_value="extrapolate")
    xs = np.array([-0.7, 0.25, 0.9, 1.3, 2.0, 3.1, 3.7, 4.6])
    f = interp1d(X1, Y1[0], **kw)
    J = np.diagonal(mode(f)(xs))
    if kind in SPLINE_K or kind == "linear":
        k = SPLINE_K.get(kind, 1)
        spl = si.make_interp_spline(X1, Y1[0], k=k)
        np.testing.assert_allclose(J, spl.derivative(1)(xs) if k else 0 * xs,
                                   rtol=1e-12, atol=1e-12)
        h = np.einsum('iii->i', ad.jacfwd(ad.jacrev(f))(xs))
        h2 = np.array([ad.hessian(f)(p) for p in xs])
        truth = spl.derivative(2)(xs) if k >= 2 else 0 * xs
        np.testing.assert_allclose(h, truth, rtol=1e-11, atol=1e-11)
        np.testing.assert_allclose(h2, truth, rtol=1e-11, atol=1e-11)
    else:
        assert np.all(J == 0)
    # NaN and filled points: NaN / fill value with zero derivative, others finite
    g = ad.grad(lambda p: dnp.nansum(interp1d(X1, Y1[0], kind=kind, bounds_error=False)(p)))(XS1)
    assert np.all(np.isfinite(g)) and g[0] == 0 and g[-1] == 0 and g[-2] == 0


@pytest.mark.parametrize("kind", ["linear", "slinear", "quadratic", "cubic"])
@pytest.mark.parametrize("mode", MODES)
def test_interp1d_derivative_in_knots_vs_scipy_differences(kind, mode):
    # away from the knots (quadratic: the midpoints 0.2, 0.75, 1.3, ... move with x)
    xs = np.array([-0.3, 0.25, 0.9, 1.35, 2.0, 3.05, 3.7, 4.4])
    J = mode(lambda x: interp1d(x, Y1[1], kind=kind, fill_value="extrapolate")(xs))(X1)
    truth = _richardson(lambda x: si.interp1d(x, Y1[1], kind=kind,
                                              fill_value="extrapolate")(xs), X1)
    np.testing.assert_allclose(J, truth, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("kind", ["quadratic", "cubic"])
def test_interp1d_spline_many_points_equal_scipys(kind):
    # n = 2000 data points (the collocation system is banded, O(n): it was solved
    # as a dense n x n matrix): values, with y, x or the points traced, equal to
    # SciPy's interp1d; the gradient in y of the sum over the points equal to the
    # exact Jacobian SciPy gives (its interp1d of the identity's columns, summed);
    # a directional derivative in the knots x against Richardson differences of
    # SciPy's interp1d
    rng = np.random.default_rng(2000)
    n = 2000
    x = np.cumsum(rng.uniform(0.5, 1.5, n))
    y = np.sin(x / 7.0) + 0.1 * rng.normal(size=n)
    xs = np.sort(rng.uniform(x[0], x[-1], 300))
    ref = si.interp1d(x, y, kind=kind)(xs)
    assert _rel(_traced(lambda yy: interp1d(x, yy, kind=kind)(xs), y), ref) <= 1e-14
    assert _rel(_traced(lambda xx: interp1d(xx, y, kind=kind)(xs), x), ref) <= 1e-14
    assert _rel(_traced(lambda p: interp1d(x, y, kind=kind)(p), xs), ref) <= 1e-14
    g = ad.grad(lambda yy: dnp.sum(interp1d(x, yy, kind=kind)(xs)))(y)
    truth = si.interp1d(x, np.eye(n), kind=kind, axis=0)(xs).sum(0)
    np.testing.assert_allclose(g, truth, rtol=1e-12, atol=1e-12)
    v = rng.normal(size=n) * 0.1
    _, jv = ad.jvp(lambda xx: interp1d(xx, y, kind=kind)(xs), (x,), (v,))
    fd = _richardson(lambda h: si.interp1d(x + h * v, y, kind=kind)(xs), np.zeros(()), h=1e-3)
    np.testing.assert_allclose(jv, fd, rtol=1e-6, atol=1e-7)


def test_interp1d_linear_keeps_float32_as_scipy():
    x = np.linspace(0, 2, 6).astype(np.float32)
    y = np.sin(x).astype(np.float32)
    p = np.float32([0.3, 1.1])
    ref = si.interp1d(x, y)(p)
    for args, f in (((p,), lambda q: interp1d(x, y)(q)),
                    ((y,), lambda yy: interp1d(x, yy)(p)),
                    ((x,), lambda xx: interp1d(xx, y)(p))):
        val, tan = ad.jvp(f, args, (np.ones_like(args[0]),))
        assert val.dtype == ref.dtype == np.float32 and tan.dtype == np.float32
        np.testing.assert_array_equal(val, ref)


def test_interp1d_spline_with_unsorted_assume_sorted_raises_as_scipy():
    x = np.array([0.0, 2.0, 1.0, 3.0])
    y = np.array([0.0, 4.0, 1.0, 9.0])
    with pytest.raises(ValueError, match="strictly increasing") as plain:
        si.interp1d(x, y, kind="cubic", assume_sorted=True)
    with pytest.raises(ValueError, match="strictly increasing") as traced:
        ad.jvp(lambda yy: interp1d(x, yy, kind="cubic", assume_sorted=True,
                                      bounds_error=False)(np.array([0.5, 1.5])), (y,), (y,))
    assert str(traced.value) == str(plain.value)
