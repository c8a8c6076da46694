"""Specs for dualad.scipy.signal (the N-D convolution primitive and the FFT
convolution along some axes, broadcasting over the others, all modes, both
arguments, second order), dualad.scipy.integrate.odeint (first order,
loose tolerance, few examples: the derivatives are as accurate as the
integrations), the quadrature of samples (trapezoid, simpson and their
cumulative forms: compositions of getitem, sum and cumsum),
dualad.scipy.sparse.matmul (a sparse constant times a traced
vector or matrix, on either side) and dualad.scipy.interpolate's banded
solve (directly, tridiagonal and with (l, u) = (2, 1), inside CubicSpline with
traced knots, data, boundary values and points, and inside interp1d's cubic and
quadratic B-spline collocation systems)."""
import numpy as np
import scipy.sparse
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.scipy import integrate, interpolate, signal, sparse
from dualad.testing.strategies import arrays

from . import Spec

_pairs = st.sampled_from([((4,), (2,)), ((2,), (3,)), ((3, 2), (2, 2)), ((1,), (3,)),
                          ((2, 3), (2, 1))]).flatmap(
    lambda s: st.tuples(arrays(s[0]), arrays(s[1])))


def _all_modes(a, b):
    return (signal.convolve(a, b), signal.convolve(a, b, mode="same"),
            signal.correlate(a, b, mode="same"), signal.fftconvolve(a, b, mode="valid"),
            signal.correlate(a, b, mode="valid"))


# (in1, in2) shapes for the FFT convolution along the last axis: broadcasting over
# the first (length 1 against 3) and, with (10, 2) / (3, 2), along axis 0 the
# overlap-add method's blocks (10 entries in blocks of 6: two blocks)
_fft_pairs = st.sampled_from([((3, 4), (3, 2)), ((1, 4), (3, 2)), ((3, 2), (1, 3)),
                              ((2, 1, 3), (2, 3, 2)), ((10, 2), (3, 2))]).flatmap(
    lambda s: st.tuples(arrays(s[0]), arrays(s[1])))


def _fft_modes(a, b):
    if a.shape[0] == 10:         # along axis 0 only (axis 0 does not broadcast)
        return (signal.oaconvolve(a, b, axes=0), signal.oaconvolve(a, b, mode="valid", axes=0),
                signal.fftconvolve(a, b, mode="same", axes=[0]))
    return (signal.fftconvolve(a, b, axes=-1), signal.fftconvolve(a, b, mode="same", axes=-1),
            signal.oaconvolve(a, b, mode="same", axes=-1), signal.fftconvolve(a, b, mode="same"),
            signal.fftconvolve(a, b, mode="valid", axes=-1),
            signal.convolve(a, b, method="fft"), signal.correlate(a, b, mode="same", method="fft"))


def _pendulum(y, t, b, c):
    return dnp.stack([y[1], -b * y[1] - c * dnp.sin(y[0])])


def _ode(y0, t1, b, c):
    # atol far below the finite-difference step: near the equilibrium y0 = 0 the
    # perturbed solutions are only as large as that step, and with atol = 1e-10
    # the solver's own error made the finite differences wrong by 1e-4
    t = dnp.concatenate([np.array([0.0]), dnp.reshape(t1, (1,))])
    return integrate.odeint(_pendulum, y0, t, args=(b, c), rtol=1e-10, atol=1e-14)


_S = scipy.sparse.csr_matrix(np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.5],
                                        [1.5, 3.0, 0.0], [0.0, -2.0, 0.0]]))


def _sparse_products(v, m, w):
    # S v, S M, w S (w: 4-vector), M^T S^T; squared terms make second order nonzero
    return (sparse.matmul(_S, v) ** 2, sparse.matmul(_S, m) * dnp.sin(m[0]),
            sparse.matmul(w, _S) ** 2, sparse.matmul(dnp.transpose(m), _S.T))


SPECS = [
    Spec("scipy.sparse.matmul", _sparse_products,
         st.tuples(arrays((3,)), arrays((3, 2)), arrays((4,)))),
    Spec("signal.convolve", _all_modes, _pairs),
    Spec("signal.fftconvolve", _fft_modes, _fft_pairs, covers=("signal.fftconvolve", "getitem")),
    Spec("integrate.odeint", _ode,
         st.tuples(arrays((2,), low=-1.0, high=1.0), st.floats(0.2, 1.0),
                   st.floats(0.1, 0.5), st.floats(1.0, 3.0)),
         # the differences see the solver's own error (rtol 1e-10) divided by the step
         # (1e-6): about 1e-4 (AD agrees with DOP853 differences at rtol 1e-13 to 1e-8)
         order=1, atol=5e-4, rtol=1e-3, max_examples=3, covers=("integrate.odeint",)),
]


def _ivp(y0, t1, b, c):
    # t_eval = [t1/2, t1] (traced times) from a traced start 0.1 t1, plus the
    # solver's own times (t_eval=None: interior times fixed, the end follows t1)
    t_span = dnp.stack([0.1 * t1, t1])
    te = dnp.stack([0.5 * t1, t1])
    kw = dict(args=(b, c), method="DOP853", rtol=1e-10, atol=1e-14)
    return (integrate.solve_ivp(_pendulum_t, t_span, y0, t_eval=te, **kw).y,
            integrate.solve_ivp(_pendulum_t, t_span, y0, **kw).y[:, -1])


def _pendulum_t(t, y, b, c):
    return _pendulum(y, t, b, c)


SPECS.append(
    Spec("integrate.solve_ivp", _ivp,
         st.tuples(arrays((2,), low=-1.0, high=1.0), st.floats(0.2, 1.0),
                   st.floats(0.1, 0.5), st.floats(1.0, 3.0)),
         # as odeint's: the differences see the solver's error divided by the step
         order=1, atol=5e-4, rtol=1e-3, max_examples=3, covers=("integrate.solve_ivp",)))


def _quadrature(y, u):
    # strictly increasing sample points x (cumulative_simpson requires it), traced
    # through u; 5 and 4 samples: Simpson's odd rule and SciPy's even-N correction
    x = dnp.cumsum(dnp.exp(u), axis=-1)
    return (integrate.trapezoid(y * y, x, axis=-1), integrate.trapezoid(y, dx=u[0, 0], axis=0),
            integrate.cumulative_trapezoid(y, x=x[0], initial=0) * y,
            integrate.simpson(y * y, x=x), integrate.simpson(y[:, :4], x=x[1, :4]),
            integrate.simpson(y[:, 1:], dx=u[1, 1]),
            integrate.cumulative_simpson(y * y, x=x), integrate.cumulative_simpson(y, dx=u[0, 0]))


SPECS.append(
    Spec("integrate.quadrature", _quadrature,
         st.tuples(arrays((2, 5)), arrays((2, 5), low=-1.0, high=1.0)),
         covers=("getitem", "sum", "cumsum")))


def _banded_and_spline(ab, b, u, y, v):
    # the tridiagonal solve directly (a diagonally dominant band), and through
    # CubicSpline: knots x traced through u (strictly increasing), data y, the
    # boundary value v, and points at fixed fractions of the range (away from the
    # knots for the drawn u: the derivatives in the points jump at knots)
    band = ab + dnp.stack([dnp.zeros(4), 5.0 + dnp.zeros(4), dnp.zeros(4)])
    x = dnp.cumsum(0.5 + dnp.exp(u))
    xs = x[0] + (x[-1] - x[0]) * np.array([0.1234, 0.5678, 0.9012, 1.1])
    s1 = interpolate.CubicSpline(x, y)
    s2 = interpolate.CubicSpline(x, y, bc_type=((1, v), "natural"))
    yp = dnp.concatenate([y[:-1], y[:1]])
    s3 = interpolate.CubicSpline(x, yp, bc_type="periodic")
    return (interpolate.solve_banded_p(band, b), s1(xs) * s1(xs, 1), s2(xs) ** 2,
            s3(xs, 2), s3.integrate(x[1], xs[2]) * v)


SPECS.append(
    Spec("interpolate.solve_banded", _banded_and_spline,
         st.tuples(arrays((3, 4)), arrays((4, 2)), arrays((5,), low=-1.0, high=1.0),
                   arrays((5, 2)), arrays((2,))),
         covers=("interpolate.solve_banded",)))


def _wide_band_and_interp1d(ab, b, u, y):
    # the banded solve with (l, u) = (2, 1) (a diagonally dominant band), and
    # through interp1d's B-spline collocation systems ((l, u) = (k, k)): knots x
    # traced through u, data y, points at fixed fractions of the range (away from
    # the knots and the quadratic's midpoint knots for the drawn u)
    band = ab + dnp.stack([dnp.zeros(5), 8.0 + dnp.zeros(5), dnp.zeros(5), dnp.zeros(5)])
    x = dnp.cumsum(0.5 + dnp.exp(u))
    xs = x[0] + (x[-1] - x[0]) * np.array([0.1234, 0.5678, 0.9012])
    f3 = interpolate.interp1d(x, y, kind="cubic")
    f2 = interpolate.interp1d(x, y, kind="quadratic")
    return (interpolate.solve_banded_p(band, b, l_and_u=(2, 1)), f3(xs) * f2(xs))


SPECS.append(
    Spec("interpolate.solve_banded (l, u) = (2, 1), interp1d", _wide_band_and_interp1d,
         st.tuples(arrays((4, 5)), arrays((5, 2)), arrays((6,), low=-1.0, high=1.0),
                   arrays((6,))),
         covers=("interpolate.solve_banded",)))


def _filters(b, a1, x, zi, a0):
    # a stable denominator (|a1|, |a2| <= 0.3) with a traced leading coefficient a0
    # that is not 1; y alone, (y, zf) with zi, along axis 0 of a 2-D x, a FIR filter,
    # filtfilt (its padded extension and lfilter_zi) and second-order sections
    a = dnp.concatenate([dnp.reshape(a0, (1,)), a1])
    y, zf = signal.lfilter(b, a, x, zi=zi)
    sos = dnp.concatenate([dnp.reshape(b, (1, 3)), np.ones((1, 1)), dnp.reshape(a1, (1, 2))],
                          axis=1)
    return (signal.lfilter(b, a, x), y, zf,
            signal.lfilter(b, a, dnp.reshape(x, (3, 2)), axis=0),
            signal.lfilter(b[:2], a[:1], x),
            signal.filtfilt(b, a, x, padlen=2), signal.sosfilt(sos, x))


SPECS.append(
    Spec("signal.lfilter", _filters,
         st.tuples(arrays((3,)), arrays((2,), low=-0.3, high=0.3), arrays((6,)), arrays((2,)),
                   st.floats(1.2, 2.0)),
         max_examples=8, covers=("signal.lfilter",)))


def _quad_int(x, p, c):
    return dnp.exp(-p * x * x) * dnp.cos(c[0] * x + c[1])


def _quad(p, c, a, b):
    # a scalar and a vector parameter, both limits traced; tight tolerances: the
    # derivative integrals carry quad's error (about epsabs) like the value
    kw = dict(epsabs=1e-13, epsrel=1e-13)
    return (integrate.quad(_quad_int, a, b, args=(p, c), **kw)[0],
            integrate.quad(lambda x, p: x * x * dnp.exp(-p * x), 0.0, np.inf, args=(p,),
                           **kw)[0] * a)


def _quad_vec(p, c, b):
    # a vector-valued integrand: scalar and vector parameters, the upper limit
    return integrate.quad_vec(lambda x, p, c: dnp.sin(c * x) * dnp.exp(-p * x), 0.0, b,
                              args=(p, c), epsrel=1e-12)[0]


SPECS += [
    Spec("integrate.quad", _quad,
         st.tuples(st.floats(0.5, 2.0), arrays((2,), low=-1.0, high=1.0),
                   st.floats(-0.5, 0.2), st.floats(0.4, 1.5)),
         order=2, atol=1e-5, rtol=1e-5, max_examples=3, covers=("integrate.quad",)),
    Spec("integrate.quad_vec", _quad_vec,
         st.tuples(st.floats(0.5, 2.0), arrays((3,), low=-1.0, high=1.0),
                   st.floats(0.4, 1.5)),
         order=2, atol=1e-5, rtol=1e-5, max_examples=3, covers=("integrate.quad_vec",)),
]
