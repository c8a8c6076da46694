"""dualad.scipy.integrate's quadrature of samples: ``trapezoid``,
``cumulative_trapezoid``, ``simpson`` and ``cumulative_simpson``.

Truths: SciPy's own values (bit for bit, in SciPy's dtypes) for every
combination of x / dx / axis / sample count; the Jacobian in ``y`` (the
functions are linear in ``y``) is SciPy's function applied to the unit vectors;
derivatives in ``x`` and ``dx`` against Richardson-extrapolated central
differences of SciPy's own function; closed forms where the rules are exact
(Simpson is exact for quadratics, on any spacing and any sample count, so
``simpson(x**2, x)`` with ``x = c * t`` is ``c**3 / 3 * (t[-1]**3 - t[0]**3)``)."""

import numpy as np
import pytest
import scipy.integrate as si

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import integrate

NAMES = ["trapezoid", "cumulative_trapezoid", "simpson", "cumulative_simpson"]
NESTINGS = {
    "fwd-fwd": lambda f: ad.jacfwd(ad.jacfwd(f)),
    "fwd-rev": ad.hessian,
    "rev-fwd": lambda f: ad.jacrev(ad.jacfwd(f)),
    "rev-rev": lambda f: ad.jacrev(ad.jacrev(f)),
}
RNG = np.random.default_rng(20261201)


def _richardson(f, x, h=1e-3):
    """Jacobian of ``f`` at ``x`` by central differences at h and h/2, extrapolated
    (``f`` is rational in ``x``: the error is far below the tolerances used)."""
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.shape)
        e.flat[i] = 1.0
        d = [(np.asarray(f(x + s * e)) - np.asarray(f(x - s * e))) / (2 * s) for s in (h, h / 2)]
        cols.append((4 * d[1] - d[0]) / 3)
    return np.stack(cols, axis=-1).reshape(np.shape(f(x)) + x.shape)


def _cases():
    for dt in (np.float64, np.float32):
        for N in range(1, 8):
            for shape, axis in (((N,), -1), ((3, N), 1), ((N, 2), 0), ((2, N, 3), -2)):
                yield dt, N, shape, axis


def _args(dt, N, shape, axis):
    y = RNG.normal(size=shape).astype(dt)
    x1 = np.cumsum(RNG.uniform(0.2, 1.0, N)).astype(dt)
    xn = np.cumsum(RNG.uniform(0.2, 1.0, shape), axis=axis).astype(dt)
    return y, [{}, {"dx": 0.3}, {"dx": np.float64(0.7)}, {"x": x1}, {"x": xn}]


def _scipy_or_none(g, *a, **kw):
    try:
        return g(*a, **kw)
    except (ValueError, IndexError):
        return None


@pytest.mark.parametrize("name", NAMES)
def test_values_are_scipys_bit_for_bit(name):
    """Traced y, x or dx: the primal is SciPy's value, in SciPy's dtype (float32
    kept where SciPy keeps it; SciPy's float64 where it promotes)."""
    f, g = getattr(integrate, name), getattr(si, name)
    n = 0
    for dt, N, shape, axis in _cases():
        y, kws = _args(dt, N, shape, axis)
        extra = [{"initial": 0}] if name.startswith("cumulative") else []
        for kw in kws + extra:
            ref = _scipy_or_none(g, y, axis=axis, **kw)
            if ref is None:
                continue
            for wrt in ["y"] + [k for k in kw if k in ("x", "dx") and np.ndim(kw[k]) > 0]:
                if wrt == "y":
                    h = lambda v: f(v, axis=axis, **kw)
                    p = y
                else:
                    h = lambda v, wrt=wrt: f(y, axis=axis, **dict(kw, **{wrt: v}))
                    p = kw[wrt]
                val = np.asarray(ad.jvp(h, (p,), (np.ones_like(p),))[0])
                assert val.dtype == np.asarray(ref).dtype, (name, dt, shape, kw)
                assert val.shape == np.shape(ref), (name, dt, shape, kw)
                assert np.array_equal(val, ref), (name, dt, shape, kw, val - ref)
                n += 1
    assert n > 100


def test_plain_calls_are_scipys():
    y = RNG.normal(size=5)
    for name in NAMES:
        f, g = getattr(integrate, name), getattr(si, name)
        out, ref = f(y, dx=0.5), g(y, dx=0.5)
        assert type(out) is type(ref) and np.array_equal(out, ref)
    assert integrate.trapezoid([1, 2, 3], x=[4, 6, 8]) == 8.0     # SciPy's docstring


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("N", [2, 3, 4, 5, 6, 7])
@pytest.mark.parametrize("spacing", ["dx", "x1", "xn"])
def test_jacobian_in_y_is_scipys_weights(name, N, spacing):
    """Linear in y: the Jacobian's column j is SciPy's function of the unit vector e_j."""
    f, g = getattr(integrate, name), getattr(si, name)
    shape, axis = (N, 2), 0
    y = RNG.normal(size=shape)
    kw = {"dx": 0.3, "x1": {"x": np.cumsum(RNG.uniform(0.2, 1.0, N))},
          "xn": {"x": np.cumsum(RNG.uniform(0.2, 1.0, shape), axis=0)}}[spacing]
    kw = {"dx": 0.3} if spacing == "dx" else kw
    cols = []
    for j in range(y.size):
        e = np.zeros(y.size)
        e[j] = 1.0
        cols.append(np.asarray(g(e.reshape(shape), axis=axis, **kw)))
    truth = np.stack(cols, axis=-1).reshape(np.shape(cols[0]) + shape)
    h = lambda v: f(v, axis=axis, **kw)
    for jac in (ad.jacfwd(h), ad.jacrev(h)):
        np.testing.assert_allclose(jac(y), truth, rtol=1e-14, atol=1e-15)
    # and linear: every second derivative in y is zero
    hs = ad.hessian(lambda v: dnp.sum(h(v) ** 1))(y)
    assert np.all(np.asarray(hs) == 0)


def test_closed_form_weights():
    """Uniform spacing: trapezoid dx [1/2, 1, ..., 1, 1/2]; Simpson (odd N)
    dx/3 [1, 4, 2, ..., 4, 1]; cumulative_trapezoid's row k is the trapezoid
    weights of the first k + 2 samples."""
    dx, y = 0.25, RNG.normal(size=7)
    np.testing.assert_allclose(ad.grad(lambda v: integrate.trapezoid(v, dx=dx))(y),
                               dx * np.array([0.5, 1, 1, 1, 1, 1, 0.5]), rtol=1e-15)
    np.testing.assert_allclose(ad.grad(lambda v: integrate.simpson(v, dx=dx))(y),
                               dx / 3 * np.array([1, 4, 2, 4, 2, 4, 1.0]), rtol=1e-15)
    J = ad.jacrev(lambda v: integrate.cumulative_trapezoid(v, dx=dx, initial=0))(y)
    truth = np.zeros((7, 7))
    for k in range(1, 7):
        truth[k, :k + 1] = dx * np.r_[0.5, np.ones(k - 1), 0.5]
    np.testing.assert_allclose(J, truth, rtol=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("N", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("xshape", ["1d", "nd"])
def test_derivative_in_x_against_scipy_differences(name, N, xshape):
    f, g = getattr(integrate, name), getattr(si, name)
    shape = (2, N)
    y = RNG.normal(size=shape)
    x = np.cumsum(RNG.uniform(0.5, 1.0, N if xshape == "1d" else shape), axis=-1)
    truth = _richardson(lambda v: g(y, x=v, axis=-1), x)
    h = lambda v: f(y, x=v, axis=-1)
    for jac in (ad.jacfwd(h), ad.jacrev(h)):
        np.testing.assert_allclose(jac(x), truth, rtol=1e-8, atol=1e-9)
    # second order in x, in every nesting, against differences of SciPy's gradient
    # of the summed result (itself from differences: rel. error ~1e-7)
    s = lambda v: np.sum(g(y, x=v, axis=-1))
    H_truth = _richardson(lambda v: _richardson(s, v, h=1e-4), x, h=1e-3)
    for nest in NESTINGS.values():
        H = nest(lambda v: dnp.sum(h(v)))(x)
        np.testing.assert_allclose(H, H_truth, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["trapezoid", "cumulative_trapezoid", "simpson",
                                  "cumulative_simpson"])
def test_derivative_in_dx_against_scipy_differences(name):
    f, g = getattr(integrate, name), getattr(si, name)
    y = RNG.normal(size=(3, 6))
    for axis in (0, 1):
        truth = _richardson(lambda d: g(y, dx=float(d[0]), axis=axis), np.array([0.4]))[..., 0]
        got = ad.jacfwd(lambda d: f(y, dx=d, axis=axis))(0.4)
        np.testing.assert_allclose(got, truth, rtol=1e-9, atol=1e-12)
        assert np.asarray(ad.jacrev(lambda d: f(y, dx=d, axis=axis))(0.4)) == \
            pytest.approx(truth, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("nesting", list(NESTINGS))
@pytest.mark.parametrize("N", [3, 4, 5, 6, 7, 8])
def test_simpson_exact_for_quadratics_closed_form(nesting, N):
    """y = x**2 sampled at x = c t (any spacing t, from 0): Simpson's value is
    exactly c**3 T**3 / 3 (T = t[-1]), both for odd N and with SciPy's even-N
    correction, and cumulative_simpson's entry k is c**3 t_k**3 / 3; so the
    first and second derivatives in c are c**2 T**3 and 2 c T**3."""
    t = np.concatenate([[0.0], np.cumsum(RNG.uniform(0.3, 1.0, N - 1))])
    T = t[-1]
    c = 1.3

    def simp(cv):
        x = cv * t
        return integrate.simpson(x * x, x=x)

    def cum(cv):
        x = cv * t
        return integrate.cumulative_simpson(x * x, x=x)

    assert float(simp(c)) == pytest.approx(c ** 3 * T ** 3 / 3, rel=1e-13)
    assert float(ad.grad(simp)(c)) == pytest.approx(c ** 2 * T ** 3, rel=1e-13)
    assert float(NESTINGS[nesting](simp)(c)) == pytest.approx(2 * c * T ** 3, rel=1e-13)
    np.testing.assert_allclose(ad.jacfwd(cum)(c), c ** 2 * t[1:] ** 3, rtol=1e-12)
    np.testing.assert_allclose(ad.jacrev(ad.jacrev(cum))(c), 2 * c * t[1:] ** 3, rtol=1e-12)
    # uniform spacing through dx (traced): dx = c
    y = lambda cv: (cv * np.arange(N)) ** 2
    u = lambda cv: integrate.simpson(y(cv), dx=cv)
    assert float(NESTINGS[nesting](u)(c)) == pytest.approx(2 * c * (N - 1) ** 3, rel=1e-13)


@pytest.mark.parametrize("nesting", list(NESTINGS))
def test_trapezoid_closed_forms(nesting):
    """Linear y = x at x = c t is integrated exactly: c**2 T**2 / 2."""
    t = np.array([0.0, 0.3, 1.1, 1.5, 2.4])
    T = t[-1]
    f = lambda cv: integrate.trapezoid(cv * t, cv * t)
    F = lambda cv: integrate.cumulative_trapezoid(cv * t, x=cv * t, initial=0)
    assert float(ad.grad(f)(2.0)) == pytest.approx(2.0 * T ** 2, rel=1e-14)
    assert float(NESTINGS[nesting](f)(2.0)) == pytest.approx(T ** 2, rel=1e-14)
    vec = (lambda f: ad.jacfwd(ad.jacrev(f))) if nesting == "fwd-rev" else NESTINGS[nesting]
    np.testing.assert_allclose(vec(F)(2.0), t ** 2, rtol=1e-14)
    # d/dx_k of trapezoid(y, x) = (y_{k-1} - y_{k+1}) / 2; ends -(y0+y1)/2, (y_{-2}+y_{-1})/2
    y = RNG.normal(size=5)
    want = np.r_[-(y[0] + y[1]) / 2, (y[:-2] - y[2:]) / 2, (y[-2] + y[-1]) / 2]
    np.testing.assert_allclose(ad.grad(lambda x: integrate.trapezoid(y, x))(t), want,
                               rtol=1e-14)


def test_float32_kept():
    y = RNG.normal(size=(3, 5)).astype(np.float32)
    for name in ("trapezoid", "cumulative_trapezoid", "simpson", "cumulative_simpson"):
        f = getattr(integrate, name)
        x = np.cumsum(RNG.uniform(0.5, 1, 5)).astype(np.float32)
        g = ad.grad(lambda v: dnp.sum(f(v, dx=0.5) if name != "cumulative_simpson"
                                      else f(v, x=x)))(y)
        assert g.dtype == np.float32, name


def test_cumulative_simpson_initial_and_dx_array():
    y = RNG.normal(size=(2, 5))
    dx = np.array([[0.3], [0.6]])
    init = np.array([[1.0], [-2.0]])
    ref = si.cumulative_simpson(y, dx=dx, initial=init)
    for wrt, p in (("y", y), ("dx", dx), ("initial", init)):
        kw = dict(y=y, dx=dx, initial=init)
        h = lambda v: integrate.cumulative_simpson(**dict(kw, **{wrt: v}))
        assert np.array_equal(ad.jvp(h, (p,), (np.ones_like(p),))[0], ref)
        truth = _richardson(lambda v: si.cumulative_simpson(**dict(kw, **{wrt: v})), p)
        np.testing.assert_allclose(ad.jacrev(h)(p), truth, rtol=1e-9, atol=1e-12)


def test_errors_are_scipys():
    y = RNG.normal(size=4)
    with pytest.raises(ValueError, match="initial"):
        ad.grad(lambda v: dnp.sum(integrate.cumulative_trapezoid(v, initial=1.0)))(y)
    with pytest.raises(ValueError, match="strictly increasing"):
        ad.grad(lambda v: dnp.sum(integrate.cumulative_simpson(v, x=np.array([0, 1, 1, 2.0]))))(y)
    with pytest.raises(ValueError, match="length of x"):
        ad.grad(lambda v: integrate.simpson(v, x=np.arange(5.0)))(y)


def test_plain_scipy_on_traced_values_names_dualad():
    """SciPy's non-ufunc functions convert their input; the error names ours."""
    for name in NAMES:
        with pytest.raises(TypeError, match=rf"call dualad\.scipy\.integrate\.{name} instead"):
            ad.grad(lambda v: np.sum(getattr(si, name)(v)))(np.ones(4))


@pytest.mark.parametrize("N", [2, 3, 4, 5, 6])
def test_simpson_at_zero_dx(N):
    """simpson(y, dx=d) = d * simpson(y, dx=1) (SciPy's formula is homogeneous in
    dx; its even-N correction divides by dx, and SciPy's 0 at dx = 0 is the
    limit): the derivative in d at d = 0 is SciPy's simpson(y, dx=1), and the
    mixed derivative in (d, y) is SciPy's weights at dx = 1."""
    y = RNG.normal(size=N)
    assert float(ad.grad(lambda d: integrate.simpson(y, dx=d))(0.0)) == \
        pytest.approx(si.simpson(y, dx=1.0), rel=1e-14)
    w = np.array([si.simpson(e, dx=1.0) for e in np.eye(N)])
    H = ad.hessian(lambda p: integrate.simpson(p[1:], dx=p[0]))(np.r_[0.0, y])
    np.testing.assert_allclose(H[0, 1:], w, rtol=1e-14)
    np.testing.assert_allclose(H[1:, 0], w, rtol=1e-14)
