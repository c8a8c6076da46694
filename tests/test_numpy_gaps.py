"""Gaps users hit, closed: ``scipy.signal.fftconvolve(..., axes=)`` and
``oaconvolve`` on traced values (SciPy's values bit for bit, derivatives
against SciPy's own convolution of basis vectors and Richardson differences),
``convolve`` / ``correlate`` with ``method='fft'``, ``np.pad(mode='empty')``
(zero padding, derivative 0 there), and ``dualad.numpy.r_`` / ``c_`` with
NumPy's semantics (directives, slices under ``ndmin``, weak scalars)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.signal as ssig

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import signal
from dualad.testing import check_grads

from ._derivatives import richardson_jacobian, same, traced_value

RNG = np.random.default_rng(7)


# --- scipy.signal: fftconvolve / oaconvolve with axes= -----------------------------------
# (in1 shape, in2 shape, axes): broadcasting over the other axes (length 1 against
# 3), length-1 convolved axes (SciPy multiplies there), several axes in either
# order, and (40, 3) / (7, 3) along axis 0, which oaconvolve splits into blocks
AXES_CASES = [((3, 4), (3, 2), 1), ((3, 4), (1, 2), -1), ((1, 4), (3, 2), 1),
              ((2, 5, 4), (2, 3, 1), (1, 2)), ((2, 5, 4), (2, 3, 2), (2, 1)),
              ((2, 3), (5, 4), None), ((40, 3), (7, 3), 0), ((3, 4), (3, 2), [0]),
              ((3, 4), (3, 2), []), ((3, 4), (3, 2), 2), ((3, 4), (3, 2), (1, -1))]
FREQ = [(signal.fftconvolve, ssig.fftconvolve), (signal.oaconvolve, ssig.oaconvolve)]


@pytest.mark.parametrize("ours, theirs", FREQ, ids=["fftconvolve", "oaconvolve"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("s1, s2, axes", AXES_CASES)
def test_freq_convolve_axes_values_and_errors(ours, theirs, mode, s1, s2, axes):
    a, b = RNG.standard_normal(s1), RNG.standard_normal(s2)
    try:
        want = theirs(a, b, mode=mode, axes=axes)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e).replace("(", r"\(").replace(")", r"\)")):
            traced_value(lambda x, y: ours(x, y, mode=mode, axes=axes), a, b)
        return
    same(traced_value(lambda x, y: ours(x, y, mode=mode, axes=axes), a, b), want)
    same(traced_value(lambda x: ours(x, b, mode=mode, axes=axes), a), want)
    same(traced_value(lambda y: ours(a, y, mode=mode, axes=axes), b), want)


@pytest.mark.parametrize("ours, theirs", FREQ, ids=["fftconvolve", "oaconvolve"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("s1, s2, axes", [c for c in AXES_CASES[:7]])
def test_freq_convolve_axes_jacobians(ours, theirs, mode, s1, s2, axes):
    """Both Jacobians, forward and reverse, against Richardson differences of
    SciPy's own function (exact up to rounding: it is bilinear)."""
    a, b = RNG.standard_normal(s1), RNG.standard_normal(s2)
    try:
        theirs(a, b, mode=mode, axes=axes)
    except ValueError:
        return
    f = lambda x, y: theirs(x, y, mode=mode, axes=axes)     # noqa: E731
    g = lambda x, y: ours(x, y, mode=mode, axes=axes)       # noqa: E731
    for argnum in (0, 1):
        want = richardson_jacobian(f, (a, b), argnum)
        for jac in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(jac(g, argnums=argnum)(a, b), want, atol=1e-9)


@pytest.mark.parametrize("ours, theirs", FREQ, ids=["fftconvolve", "oaconvolve"])
@pytest.mark.parametrize("s1, s2, axes, mode", [((3, 4), (1, 2), 1, "same"),
                                                ((2, 5, 4), (2, 3, 2), (2, 1), "valid"),
                                                ((40, 3), (7, 3), 0, "full")])
def test_freq_convolve_second_order_closed_form(ours, theirs, s1, s2, axes, mode):
    """``L(a, b) = <w, conv(a, b)>`` is bilinear: its mixed second derivative
    d^2 L / da_i db_j is ``<w, conv(e_i, e_j)>``, from SciPy on basis vectors;
    ``0.5 |conv(a, b)|^2`` has Hessian ``J^T J`` in ``a``."""
    a, b = RNG.standard_normal(s1), RNG.standard_normal(s2)
    w = RNG.standard_normal(theirs(a, b, mode=mode, axes=axes).shape)
    ea, eb = np.eye(a.size).reshape((a.size,) + s1), np.eye(b.size).reshape((b.size,) + s2)
    mixed = np.array([[np.sum(w * theirs(u, v, mode=mode, axes=axes)) for v in eb] for u in ea])
    L = lambda x, y: dnp.sum(w * ours(x, y, mode=mode, axes=axes))      # noqa: E731
    for outer in (ad.jacfwd, ad.jacrev):
        got = outer(ad.grad(L, argnums=0), argnums=1)(a, b)
        np.testing.assert_allclose(got.reshape(a.size, b.size), mixed, atol=1e-12)
    J = np.stack([theirs(u, b, mode=mode, axes=axes).ravel() for u in ea], -1)
    H = ad.hessian(lambda x: 0.5 * dnp.sum(ours(x, b, mode=mode, axes=axes) ** 2))(a)
    np.testing.assert_allclose(H.reshape(a.size, a.size), J.T @ J, atol=1e-11)


def test_freq_convolve_check_grads_complex_float32_and_corner_inputs():
    c1 = RNG.standard_normal((3, 5)) + 1j * RNG.standard_normal((3, 5))
    c2 = RNG.standard_normal((3, 2)) + 1j * RNG.standard_normal((3, 2))
    same(traced_value(lambda x, y: signal.fftconvolve(x, y, "same", axes=1), c1, c2),
         ssig.fftconvolve(c1, c2, "same", axes=1))
    check_grads(lambda x, y: signal.fftconvolve(x, y, "same", axes=1), (c1, c2), order=2)
    check_grads(lambda x, y: signal.oaconvolve(x, y, "valid", axes=0) ** 2,
                (RNG.standard_normal((12, 2)), RNG.standard_normal((3, 1))), order=2)
    f1, f2 = RNG.standard_normal((4, 5)).astype(np.float32), RNG.standard_normal((4, 2))
    same(traced_value(lambda x: signal.fftconvolve(x, f2.astype(np.float32), axes=1), f1),
         ssig.fftconvolve(f1, f2.astype(np.float32), axes=1))
    assert ad.grad(lambda x: signal.fftconvolve(x, f2, axes=1).sum())(f1).dtype == np.float32
    # 0-d inputs multiply, empty ones give SciPy's [] (with no derivative)
    assert traced_value(lambda x: signal.fftconvolve(x, np.float64(3.0)), np.float64(2.0)) == 6.0
    same(traced_value(lambda x: signal.oaconvolve(x, np.ones(0)), np.ones(3)),
         ssig.oaconvolve(np.ones(3), np.ones(0)))


@pytest.mark.parametrize("fun, sfun", [(signal.convolve, ssig.convolve),
                                       (signal.correlate, ssig.correlate)])
@pytest.mark.parametrize("method", ["fft", "auto", "direct"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_methods_match_scipy(fun, sfun, method, mode):
    """``method='fft'`` (and 'auto', which picks it at these sizes) gives SciPy's
    FFT values, bit for bit, also when 'valid' swaps the inputs."""
    big, small = RNG.standard_normal((30, 20)), RNG.standard_normal((9, 8))
    for a, b in ((big, small), (small, big)):
        same(traced_value(lambda x, y: fun(x, y, mode=mode, method=method), a, b),
             sfun(a, b, mode=mode, method=method))
    if method != "direct":
        assert ssig.choose_conv_method(big, small) == "fft"
    x, y = RNG.standard_normal(6), RNG.standard_normal(3)
    for argnum in (0, 1):
        want = richardson_jacobian(lambda p, q: sfun(p, q, mode=mode, method=method), (x, y), argnum)
        got = ad.jacrev(lambda p, q: fun(p, q, mode=mode, method=method), argnums=argnum)(x, y)
        np.testing.assert_allclose(got, want, atol=1e-9)


def test_signal_errors():
    a = RNG.standard_normal((4, 3))
    with pytest.raises(ValueError, match="Acceptable method flags"):
        traced_value(lambda x: signal.convolve(x, a, method="fastest"), a)
    with pytest.raises(ValueError, match="acceptable mode flags"):
        traced_value(lambda x: signal.fftconvolve(x, a, mode="centre", axes=0), a)
    with pytest.raises(ValueError, match="same dimensionality"):
        traced_value(lambda x: signal.oaconvolve(x, a[0]), a)
    # plain SciPy on a traced value points to dualad's function, which now exists
    with pytest.raises(TypeError, match=r"dualad\.scipy\.signal\.oaconvolve"):
        ad.grad(lambda x: ssig.oaconvolve(x, a).sum())(a)


# --- np.pad(mode="empty") ------------------------------------------------------------------
@pytest.mark.parametrize("width", [2, ((1, 0), (2, 1)), ((0, 0), (0, 0))])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pad_empty(width, dtype):
    """NumPy leaves the padding uninitialized; dualad fills it with zeros, of
    derivative 0, and the interior's derivative is the identity: the Jacobian
    is NumPy's own zero padding (mode 'constant') of the identity."""
    x = RNG.standard_normal((2, 3)).astype(dtype)
    f = lambda v: np.pad(v, width, mode="empty")            # noqa: E731
    got = traced_value(f, x)
    same(got, np.pad(x, width))                             # zeros around x
    assert got.shape == f(x).shape and got.dtype == f(x).dtype
    want = np.pad(np.eye(x.size, dtype=dtype).reshape((x.size,) + x.shape),
                  ((0, 0),) + tuple(np.broadcast_to(width, (2, 2)).tolist()))
    want = np.moveaxis(want, 0, -1).reshape(got.shape + x.shape)
    for jac in (ad.jacfwd, ad.jacrev):
        J = jac(f)(x)
        assert J.dtype == dtype
        np.testing.assert_array_equal(J, want)
    H = ad.hessian(lambda v: dnp.sum(f(v) ** 3))(x.astype(np.float64))
    np.testing.assert_allclose(H.reshape(x.size, x.size), np.diag(6 * x.ravel()), rtol=1e-6)


def test_pad_empty_and_unknown_modes_errors():
    x = RNG.standard_normal(3)
    with pytest.raises(ValueError, match="unsupported keyword arguments for mode 'empty'"):
        traced_value(lambda v: np.pad(v, 1, mode="empty", constant_values=1.0), x)
    with pytest.raises(ValueError, match="mode 'centre' is not supported"):
        traced_value(lambda v: np.pad(v, 1, mode="centre"), x)
    with pytest.raises(NotImplementedError, match="callable mode"):
        traced_value(lambda v: np.pad(v, 1, mode=lambda *a: None), x)
    same(traced_value(lambda v: np.pad(v, 1, mode="empty"), np.ones((0, 2))),
         np.pad(np.ones((0, 2)), 1))


# --- r_ / c_ -----------------------------------------------------------------------------
RC_CASES = {
    "scalar_between": lambda ns, x, y, M: ns.r_[x, 0.0, y],
    "slice": lambda ns, x, y, M: ns.r_[x[:2], 1:3],
    "c_": lambda ns, x, y, M: ns.c_[x, 2 * x],
    "ndmin_2": lambda ns, x, y, M: ns.r_["0,2", x, x],
    "trans1d_0": lambda ns, x, y, M: ns.r_["0,2,0", x, x],
    "slice_ndmin": lambda ns, x, y, M: ns.r_["1,2", x, 0:3],
    "slice_trans1d": lambda ns, x, y, M: ns.r_["0,2,0", x, 0:3],
    "c_slices": lambda ns, x, y, M: ns.c_[x, 0:3, 0:1:3j],
    "linspace": lambda ns, x, y, M: ns.r_[x, 0:1:4j],
    "matrices": lambda ns, x, y, M: ns.r_[M, M],
    "axis_only": lambda ns, x, y, M: ns.r_["-1", M, M],
    "c_matrices": lambda ns, x, y, M: ns.c_[M, M[:, :1]],
    "c_scalars": lambda ns, x, y, M: ns.c_[x[:1], 1.0, 2],
    "zero_d": lambda ns, x, y, M: ns.r_[x[0], y],
    "c_zero_d": lambda ns, x, y, M: ns.c_[x[0], y[:1]],
    "ndmin_3_last": lambda ns, x, y, M: ns.r_["0,3,-1", M, M],
    "ndmin_3_mid": lambda ns, x, y, M: ns.r_["0,3,1", x, x],
    "axis_2": lambda ns, x, y, M: ns.r_["2,3,0", x, x],
    "lists": lambda ns, x, y, M: ns.r_[x, [1.0, 2.0], [1, 2]],
    "numpy_scalars": lambda ns, x, y, M: ns.r_[x, np.float32(1.0), np.int64(3)],
}


@pytest.mark.parametrize("name", sorted(RC_CASES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_r_c_match_numpy(name, dtype):
    """NumPy's value, shape and dtype (float32 kept against Python scalars),
    bit for bit, and Jacobians against Richardson differences of np.r_ / np.c_."""
    f = RC_CASES[name]
    x, y, M = (RNG.standard_normal(s).astype(dtype) for s in ((3,), (2,), (2, 3)))
    same(traced_value(lambda *a: f(dnp, *a), x, y, M), f(np, x, y, M))
    if dtype == np.float64:
        for argnum in (0, 1, 2):
            want = richardson_jacobian(lambda *a: f(np, *a), (x, y, M), argnum)
            for jac in (ad.jacfwd, ad.jacrev):
                np.testing.assert_allclose(jac(lambda *a: f(dnp, *a), argnums=argnum)(x, y, M),
                                           want, atol=1e-9)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")     # numpy.matrix
def test_r_c_errors_and_plain_values():
    x = RNG.standard_normal(3)
    with pytest.raises(ValueError, match="special directives must be the first entry"):
        traced_value(lambda v: dnp.r_[v, "0,2"], x)
    with pytest.raises(ValueError, match="unknown special directive"):
        traced_value(lambda v: dnp.r_["a,b", v], x)
    with pytest.raises(NotImplementedError, match="matrix directives"):
        traced_value(lambda v: dnp.r_["r", v], x)
    # plain values: NumPy itself (a lone string is NumPy's matrix builder, of
    # the caller's names)
    same(dnp.r_[x, 1:3], np.r_[x, 1:3])
    A = np.eye(2)
    got = dnp.r_["A, A; A, A"]
    assert type(got) is np.matrix
    same(np.asarray(got), np.asarray(np.r_["A, A; A, A"]))


def test_plain_numpy_r_on_traced_value_raises():
    """np.r_ converts its entries with np.array, which no dispatch reaches: a
    TypeError (never a silently lost derivative)."""
    with pytest.raises(TypeError, match="derivative would be lost"):
        ad.grad(lambda v: np.r_[v, 0.0].sum())(np.ones(2))


def test_plain_numpy_r_c_error_names_dualad():
    for expr, which in ((lambda v: np.r_[v, 0.0], "r_"), (lambda v: np.c_[v, v], "c_")):
        with pytest.raises(TypeError, match=rf"dualad\.numpy\.{which}\["):
            ad.grad(lambda v: expr(v).sum())(np.ones(2))


# --- numpy.emath (numpy.lib.scimath) ----------------------------------------------
_EMATH_REAL_DOMAIN = {"sqrt": (0.5, 9.0), "log": (0.5, 9.0), "log2": (0.5, 9.0),
                      "log10": (0.5, 9.0), "arccos": (-0.5, 0.3), "arcsin": (-0.5, 0.3),
                      "arctanh": (-0.5, 0.3)}


@pytest.mark.parametrize("name", sorted(_EMATH_REAL_DOMAIN))
def test_emath_values_dtypes_and_derivatives(name):
    """Plain np.emath.<name> on traced values: NumPy's values and dtypes (complex
    only where an entry leaves the real domain), derivatives of real and imaginary
    parts against finite differences to second order. It raised
    NotImplementedError naming the wrong function (numpy.<name>)."""
    f = getattr(np.emath, name)
    outside = np.array([-4.0, 0.3, 3.5, -2.5])
    inside = np.array(_EMATH_REAL_DOMAIN[name])
    for x in (outside, outside.astype(np.float32), inside, np.array([-0.5 + 1j, 2.0])):
        with np.errstate(all="ignore"):
            want = f(x)
            got = ad.jvp(f, (x,), (np.ones_like(x),))[0]
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    for part in (dnp.real, dnp.imag):
        check_grads(lambda v: part(f(v)), (outside,), order=2)
    # the derivative at a negative entry, closed form: sqrt' = 1 / (2 sqrt(x))
    if name == "sqrt":
        t = ad.jvp(f, (np.array([-4.0]),), (np.ones(1),))[1]
        np.testing.assert_allclose(t, 1 / (2 * 2j), rtol=1e-15)


def test_emath_power_and_logn():
    x = np.array([-2.0, 4.0])
    np.testing.assert_array_equal(ad.jvp(lambda v: np.emath.power(v, 2), (x,), (np.ones(2),))[0],
                                  np.emath.power(x, 2))
    # a negative integer exponent is made float, as in NumPy: 2.0 ** -2, not an error
    out, tan = ad.jvp(lambda v: np.emath.power(v, np.array([-2, 1])), (np.array([2.0, 4.0]),),
                      (np.ones(2),))
    np.testing.assert_allclose(out, [0.25, 4.0])
    np.testing.assert_allclose(tan, [-2 * 2.0 ** -3, 1.0])
    check_grads(lambda v, p: dnp.real(np.emath.power(v, p)),
                (x, np.array([1.5, 2.5])), order=2)
    check_grads(lambda v, n: dnp.imag(np.emath.logn(n, v)),
                (x, np.array([-3.0, 2.5])), order=2)


def test_unsupported_public_numpy_lib_function_is_named_with_its_module():
    # (sliding_window_view, the example here before, is now supported)
    import numpy.lib.recfunctions as rfn
    with pytest.raises(NotImplementedError,
                       match=r"numpy\.lib\.recfunctions\.structured_to_unstructured"):
        ad.grad(lambda x: np.sum(rfn.structured_to_unstructured(x)))(np.ones(3))
