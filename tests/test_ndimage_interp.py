"""dualad.scipy.ndimage interpolation (map_coordinates, affine_transform, shift,
zoom, rotate, spline_filter1d, spline_filter) against independent truths:
SciPy's values (exact: the primal is SciPy's call), the Jacobian in the input
built column by column from SciPy (J[:, j] = f(e_j), the map is affine in the
input), d/dcval = f(0, cval=1), and Richardson-extrapolated central differences
of SciPy in the coordinates / matrix / offset / shift / angle, away from knots."""
import numpy as np
import pytest
import scipy.ndimage as ndi

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import ndimage as D

MODES = ["constant", "grid-constant", "nearest", "reflect", "mirror", "wrap", "grid-wrap",
         "grid-mirror"]
RNG = np.random.default_rng(1)


def richardson(f, x, h=1e-3):
    """Richardson-extrapolated central difference of a plain function at x (scalar)."""
    d1 = (f(x + h) - f(x - h)) / (2 * h)
    d2 = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * d2 - d1) / 3


def off_knots(c, lo, hi, rng, n):
    """Coordinates in [lo, hi] at least 0.05 from integers and half-integers."""
    c = rng.uniform(lo, hi, size=n)
    fr = np.mod(c, 0.5)
    return np.where(fr < 0.05, c + 0.1, np.where(fr > 0.45, c - 0.1, c))


def columns(f, shape):
    n = int(np.prod(shape))
    cols = [np.ravel(f(np.eye(n)[j].reshape(shape))) for j in range(n)]
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order,prefilter", [(0, True), (1, True), (3, True), (3, False),
                                             (2, True), (4, True), (5, True), (5, False)])
def test_map_coordinates_input_jacobian_and_values(mode, order, prefilter):
    x = RNG.standard_normal((4, 3))
    c = RNG.uniform(-6, 8, size=(2, 7))
    c[:, :2] = np.round(c[:, :2])                 # knots and
    c[:, 2] = [-0.5, 3.5]                         # half-integers included
    kw = dict(order=order, mode=mode, prefilter=prefilter)
    f = lambda x: D.map_coordinates(x, c, cval=0.0, **kw)
    val = ad.jvp(f, (x,), (np.ones_like(x),))[0]
    np.testing.assert_array_equal(val, ndi.map_coordinates(x, c, **kw))
    J = columns(lambda e: ndi.map_coordinates(e, c, **kw), x.shape)
    Jr = ad.jacrev(f)(x).reshape(7, -1)
    np.testing.assert_allclose(Jr, J, rtol=1e-12, atol=1e-13)
    if order in (1, 3):
        np.testing.assert_allclose(ad.jacfwd(f)(x).reshape(7, -1), J, rtol=1e-12, atol=1e-13)
    # cval: d/dcval = f(0, cval=1)
    g = ad.jacfwd(lambda cv: D.map_coordinates(x, c, cval=cv, **kw))(0.3)
    np.testing.assert_allclose(g, ndi.map_coordinates(np.zeros_like(x), c, cval=1.0, **kw),
                               rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_map_coordinates_coordinate_derivative(mode, order):
    x = RNG.standard_normal((5, 4))
    c = np.stack([off_knots(None, -7, 11, RNG, 6), off_knots(None, -7, 10, RNG, 6)])
    if mode == "constant":                       # stay away from the switch to cval
        c = np.clip(c, 0.1, 2.9)
    kw = dict(order=order, mode=mode, cval=0.4)
    J = ad.jacrev(lambda c: D.map_coordinates(x, c, **kw))(c)
    for k in range(2):
        for p in range(6):
            def fs(t):
                cc = c.copy()
                cc[k, p] = t
                return ndi.map_coordinates(x, cc, **kw)[p]
            ref = richardson(fs, c[k, p])
            assert abs(J[p, k, p] - ref) <= 1e-7 * (1 + abs(ref)), (k, p, J[p, k, p], ref)
    Jf = ad.jacfwd(lambda c: D.map_coordinates(x, c, **kw))(c)
    np.testing.assert_allclose(Jf, J, rtol=1e-12, atol=1e-13)


def test_knot_convention_matches_interp():
    # order=1 at a knot: the slope of the piece on the right, as dualad.numpy.interp
    x = np.array([0.0, 1.0, 5.0, 6.0])
    for k in (0.0, 1.0, 2.0):
        g = ad.grad(lambda c: D.map_coordinates(x, c, order=1)[0])(np.array([[k]]))
        gi = ad.grad(lambda t: dnp.interp(t, np.arange(4.0), x))(k)
        assert float(g[0, 0]) == float(gi) == x[int(k) + 1] - x[int(k)]
    # order=0: derivative 0 in the coordinates
    g = ad.grad(lambda c: D.map_coordinates(x, c, order=0)[0])(np.array([[1.3]]))
    assert float(g[0, 0]) == 0.0
    # 'reflect' maps c < 0 to -c - 1: the slope changes sign
    g = ad.grad(lambda c: D.map_coordinates(x, c, order=1, mode="reflect")[0])(
        np.array([[-1.5]]))
    assert float(g[0, 0]) == -(x[1] - x[0])


def test_second_order_coordinates_and_mixed():
    x = RNG.standard_normal(6)
    c0 = np.array([[1.3, 2.7, 4.2]])
    f = lambda c: dnp.sum(D.map_coordinates(x, c, order=3, mode="mirror"))
    H = ad.hessian(f)(c0)
    for p in range(3):
        def fs(t):
            cc = c0.copy()
            cc[0, p] = t
            return ndi.map_coordinates(x, cc, order=3, mode="mirror").sum()
        h = 1e-3
        ref = (fs(c0[0, p] + h) - 2 * fs(c0[0, p]) + fs(c0[0, p] - h)) / h ** 2
        assert abs(H[0, p, 0, p] - ref) < 1e-5 * (1 + abs(ref))
    Hf = ad.jacfwd(ad.jacrev(f))(c0)
    np.testing.assert_allclose(Hf, H, rtol=1e-12, atol=1e-12)
    # mixed input/coordinate: d/dc of the input gradient = column of d/dc SciPy(e_j)
    g = lambda c: ad.grad(lambda x: D.map_coordinates(x, c, order=3)[1])(x)
    Jm = ad.jacfwd(g)(c0)[:, 0, 1]
    ref = [richardson(lambda t: ndi.map_coordinates(np.eye(6)[j], [[c0[0, 0], t, c0[0, 2]]],
                                                    order=3)[1], c0[0, 1]) for j in range(6)]
    np.testing.assert_allclose(Jm, ref, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("mode", ["mirror", "constant", "grid-constant", "nearest", "wrap",
                                  "grid-wrap", "reflect"])
@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_spline_filter_transpose(mode, order):
    x = RNG.standard_normal((5, 3))
    J = columns(lambda e: ndi.spline_filter1d(e, order, axis=0, mode=mode), x.shape)
    f = lambda x: D.spline_filter1d(x, order, axis=0, mode=mode)
    np.testing.assert_allclose(ad.jacrev(f)(x).reshape(15, 15), J, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ad.jacfwd(f)(x).reshape(15, 15), J, rtol=1e-12, atol=1e-14)
    J2 = columns(lambda e: ndi.spline_filter(e, order, mode=mode), x.shape)
    np.testing.assert_allclose(ad.jacrev(lambda x: D.spline_filter(x, order, mode=mode))(x)
                               .reshape(15, 15), J2, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["constant", "grid-constant", "nearest", "reflect", "wrap"])
def test_shift_zoom_affine_input_jacobians(mode):
    x = RNG.standard_normal((4, 5))
    cases = [
        (lambda e: ndi.shift(e, (0.3, -1.6), mode=mode), lambda e: D.shift(e, (0.3, -1.6), mode=mode)),
        (lambda e: ndi.zoom(e, 1.7, mode=mode, order=1), lambda e: D.zoom(e, 1.7, mode=mode, order=1)),
        (lambda e: ndi.zoom(e, (0.6, 1.4), mode=mode, grid_mode=True),
         lambda e: D.zoom(e, (0.6, 1.4), mode=mode, grid_mode=True)),
        (lambda e: ndi.affine_transform(e, [[0.9, 0.2], [-0.3, 1.1]], (0.4, -0.5), mode=mode),
         lambda e: D.affine_transform(e, [[0.9, 0.2], [-0.3, 1.1]], (0.4, -0.5), mode=mode)),
        (lambda e: ndi.affine_transform(e, [1.2, 0.7], 0.3, output_shape=(3, 6), mode=mode),
         lambda e: D.affine_transform(e, [1.2, 0.7], 0.3, output_shape=(3, 6), mode=mode)),
        (lambda e: ndi.rotate(e, 33.0, mode=mode, order=1), lambda e: D.rotate(e, 33.0, mode=mode, order=1)),
    ]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for fs, fd in cases:
            ref = fs(x)
            val, _ = ad.jvp(fd, (x,), (x,))
            np.testing.assert_array_equal(val, ref)
            J = columns(fs, x.shape)
            np.testing.assert_allclose(ad.jacrev(fd)(x).reshape(ref.size, -1), J,
                                       rtol=1e-12, atol=1e-13)


def test_parameter_derivatives():
    x = RNG.standard_normal((5, 6))
    # shift
    s0 = np.array([0.37, -1.21])
    J = ad.jacfwd(lambda s: D.shift(x, s, mode="nearest"))(s0)
    for k in range(2):
        def fs(t):
            s = s0.copy(); s[k] = t
            return ndi.shift(x, s, mode="nearest")
        np.testing.assert_allclose(J[..., k], richardson(fs, s0[k]), rtol=1e-7, atol=1e-8)
    # affine: matrix and offset (reverse mode)
    M0 = np.array([[0.93, 0.21], [-0.17, 1.08]])
    o0 = np.array([0.31, -0.42])
    g = ad.grad(lambda M, o: dnp.sum(D.affine_transform(x, M, o, mode="reflect") ** 2),
                argnums=(0, 1))(M0, o0)
    for i in range(2):
        for j in range(2):
            def fm(t):
                M = M0.copy(); M[i, j] = t
                return (ndi.affine_transform(x, M, o0, mode="reflect") ** 2).sum()
            assert abs(g[0][i, j] - richardson(fm, M0[i, j])) < 1e-6 * (1 + abs(g[0][i, j]))
        def fo(t):
            o = o0.copy(); o[i] = t
            return (ndi.affine_transform(x, M0, o, mode="reflect") ** 2).sum()
        assert abs(g[1][i] - richardson(fo, o0[i])) < 1e-6 * (1 + abs(g[1][i]))
    # homogeneous matrix and a diagonal matrix
    Mh = np.array([[0.93, 0.21, 0.31], [-0.17, 1.08, -0.42], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(
        ad.jvp(lambda M: D.affine_transform(x, M), (Mh,), (Mh,))[0], ndi.affine_transform(x, Mh))
    d0 = np.array([0.83, 1.13])
    Jd = ad.jacfwd(lambda d: D.affine_transform(x, d, 0.2, mode="mirror"))(d0)
    for k in range(2):
        def fd(t):
            d = d0.copy(); d[k] = t
            return ndi.affine_transform(x, d, 0.2, mode="mirror")
        np.testing.assert_allclose(Jd[..., k], richardson(fd, d0[k]), rtol=1e-6, atol=1e-7)
    # rotate in the angle, and a 3-d input rotated plane by plane
    ga = ad.jacfwd(lambda a: D.rotate(x, a, reshape=False, mode="nearest"))(17.3)
    ref = richardson(lambda a: ndi.rotate(x, a, reshape=False, mode="nearest"), 17.3)
    np.testing.assert_allclose(ga, ref, rtol=1e-6, atol=1e-7)
    x3 = RNG.standard_normal((3, 4, 2))
    f3 = lambda x: D.rotate(x, 25.0, axes=(0, 1), order=1)
    ref3 = ndi.rotate(x3, 25.0, axes=(0, 1), order=1)
    np.testing.assert_array_equal(ad.jvp(f3, (x3,), (x3,))[0], ref3)
    J3 = columns(lambda e: ndi.rotate(e, 25.0, axes=(0, 1), order=1), x3.shape)
    np.testing.assert_allclose(ad.jacrev(f3)(x3).reshape(ref3.size, -1), J3, rtol=1e-12,
                               atol=1e-13)


def test_float32_and_output_dtype():
    x = RNG.standard_normal((4, 4)).astype(np.float32)
    c = np.array([[0.5, 2.2], [1.7, 3.1]])
    y, t = ad.jvp(lambda x: D.map_coordinates(x, c), (x,), (x,))
    assert y.dtype == np.float32 and t.dtype == np.float32
    np.testing.assert_array_equal(y, ndi.map_coordinates(x, c))
    g = ad.grad(lambda x: dnp.sum(D.map_coordinates(x, c)))(x)
    assert g.dtype == np.float32
    y = D.spline_filter(ad.stop_gradient(x), output=np.float32)   # plain: SciPy
    y2, _ = ad.jvp(lambda x: D.spline_filter(x, output=np.float32), (x,), (x,))
    np.testing.assert_array_equal(y2, y)
    y3, _ = ad.jvp(lambda x: D.shift(x, 0.5, output=np.float64), (x,), (x,))
    assert y3.dtype == np.float64
    np.testing.assert_array_equal(y3, ndi.shift(x, 0.5, output=np.float64))


def test_errors():
    x = np.ones((3, 3))
    with pytest.raises(NotImplementedError, match="zoom"):
        ad.grad(lambda z: dnp.sum(D.zoom(x, z)))(1.5)
    with pytest.raises(TypeError, match="output"):
        ad.grad(lambda x: dnp.sum(D.shift(x, 1.0, output=np.zeros((3, 3)))))(x)
    with pytest.raises(TypeError, match="int"):
        ad.grad(lambda x: dnp.sum(D.shift(x, 1.0, output=np.int32)))(x)
    with pytest.raises(RuntimeError, match="mode"):
        ad.grad(lambda x: dnp.sum(D.shift(x, 1.0, mode="foo")))(x)
    with pytest.raises(RuntimeError, match="order"):
        ad.grad(lambda x: dnp.sum(D.shift(x, 1.0, order=6)))(x)
    with pytest.raises(RuntimeError, match="coordinate"):
        ad.grad(lambda x: dnp.sum(D.map_coordinates(x, [[1.0]])))(x)
    with pytest.raises(NotImplementedError, match="complex"):
        ad.grad(lambda x: dnp.real(dnp.sum(D.shift(x * 1j, 1.0))))(x)


def test_plain_inputs_go_to_scipy():
    x = np.arange(6.0)
    assert np.array_equal(D.shift(x, 0.5), ndi.shift(x, 0.5))
    assert np.array_equal(D.zoom(x, 2), ndi.zoom(x, 2))


def test_prefilter_transpose_of_long_axes_by_blocks(monkeypatch):
    """Axes longer than _MATRIX_MAX_N form the transpose from blocks of columns (no
    n x n matrix kept): the same VJP, checked against SciPy's columns J[:, j] = f(e_j)."""
    import scipy.ndimage as ndi

    from dualad.scipy import _ndimage_interp as mod
    monkeypatch.setattr(mod, "_MATRIX_MAX_N", 4)
    monkeypatch.setattr(mod, "_BLOCK", 3)
    rng = np.random.default_rng(5)
    for mode in ("mirror", "reflect", "wrap", "nearest", "grid-constant"):
        x = rng.standard_normal((11, 2))
        g = rng.standard_normal((11, 2))
        _, back = ad.vjp(lambda x: mod.spline_filter1d(x, 3, axis=0, mode=mode), x)
        J = np.stack([ndi.spline_filter1d(e, 3, axis=0, mode=mode) for e in np.eye(11)], axis=1)
        np.testing.assert_allclose(back(g)[0], J.T @ g, rtol=1e-13, atol=1e-14)
