"""Small derivative helpers shared by test files: ``both`` (the tail tests,
test_special_tails.py, test_stats_edges.py), ``richardson_jacobian``
(finite-difference Jacobians of plain NumPy functions) and ``nan_aware_rel``
(relative error with NaN patterns compared, the interpolation tests)."""
import numpy as np

import dualad as ad
from dualad.forward import jvp_flat


def both(f, argnum, *args):
    """(reverse, forward) derivative of scalar ``f`` in argument ``argnum``."""
    args = list(args)

    def g(v):
        a = list(args)
        a[argnum] = v
        return f(*a)
    fwd = ad.jvp(g, (args[argnum],), (np.ones_like(np.asarray(args[argnum], float)),))[1]
    return ad.grad(f, argnums=argnum)(*args), fwd


def richardson_jacobian(f, args, argnum, h=1e-3):
    """d f / d args[argnum] of the plain function ``f``, by central differences
    at h and h/2 combined to cancel the h^2 error term."""
    args = list(args)
    x = np.array(args[argnum], dtype=np.result_type(args[argnum], np.float64))
    y0 = np.asarray(f(*args))
    out_dt = np.complex128 if y0.dtype.kind == "c" else np.float64
    J = np.zeros(y0.shape + x.shape, dtype=out_dt)
    for i in np.ndindex(x.shape):
        def d(step):
            e = np.zeros_like(x)
            e[i] = step
            hi, lo = list(args), list(args)
            hi[argnum], lo[argnum] = x + e, x - e
            return (np.asarray(f(*hi), dtype=out_dt) - np.asarray(f(*lo), dtype=out_dt)) \
                / (2 * step)
        J[(Ellipsis,) + i] = (4 * d(h / 2) - d(h)) / 3
    return J


def richardson(f, v, h):
    """d f / dv at ``v`` by central differences, extrapolated twice (error O(h^6))."""
    def d(h):
        return (f(v + h) - f(v - h)) / (2 * h)
    d1, d2, d3 = d(h), d(h / 2), d(h / 4)
    r1, r2 = (4 * d2 - d1) / 3, (4 * d3 - d2) / 3
    return (16 * r2 - r1) / 15


def traced_value(f, *xs):
    """``f(*xs)`` computed on traced ``xs`` (forward mode), as a plain array."""
    out, _ = jvp_flat(lambda a: [f(*a)], list(xs), [np.zeros_like(x) for x in xs])
    return np.asarray(out[0])


def same(got, want):
    """Equal values, dtype and shape."""
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def nan_aware_rel(a, b):
    """The largest difference of ``a`` from ``b`` relative to the largest entry of
    ``b``; NaN where the other is not NaN counts as infinitely wrong, NaN in both
    as equal."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    if np.any(np.isnan(a) != np.isnan(b)):
        return np.inf
    ok = ~np.isnan(b)
    if not np.any(ok):
        return 0.0
    return np.max(np.abs(a[ok] - b[ok])) / max(np.max(np.abs(b[ok])), 1e-300)


def richardson_directional(f, x, v, h=1e-3):
    """d/dt f(x + t v) at t = 0 of the plain function ``f``: central differences
    at h and h/2 combined to cancel the h^2 error term."""
    d = lambda h: (np.asarray(f(x + h * v)) - np.asarray(f(x - h * v))) / (2 * h)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def richardson_second_directional(f, x, v, h=1e-2):
    """d2/dt2 f(x + t v) at t = 0 of the plain function ``f``, Richardson-extrapolated."""
    f0 = np.asarray(f(x))
    d = lambda h: (np.asarray(f(x + h * v)) - 2 * f0 + np.asarray(f(x - h * v))) / (h * h)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3
