"""dualad.scipy.interpolate's RegularGridInterpolator and interpn:
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
from dualad.scipy.interpolate import RegularGridInterpolator, interpn

MODES = [ad.jacfwd, ad.jacrev]


def _traced(f, *args):
    out, _ = ad.jvp(f, args, tuple(np.zeros_like(np.asarray(a) * 1.0) for a in args))
    return out


def _rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    if np.any(np.isnan(a) != np.isnan(b)):
        return np.inf
    ok = ~np.isnan(b)
    if not np.any(ok):
        return 0.0
    return np.max(np.abs(a[ok] - b[ok])) / max(np.max(np.abs(b[ok])), 1e-300)


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
