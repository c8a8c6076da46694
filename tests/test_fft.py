"""dualad.numpy.fft: the transpose rules against explicit formulas, the full
option grid against finite differences, batched directions, dispatch."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.forward.dual import jvp_flat
from dualad.reverse.tape import vjp_flat
from dualad.testing import check_grads

F = dnp.fft
rng = np.random.default_rng(7)


def randn(*shape):
    return rng.standard_normal(shape)


def crandn(*shape):
    return randn(*shape) + 1j * randn(*shape)


def test_vjp_of_fft_is_fft_without_conjugation():
    z, g = crandn(6), crandn(6)
    _, back = ad.vjp(F.fft, z)
    np.testing.assert_allclose(back(g)[0], np.fft.fft(g), atol=1e-12)
    _, back = ad.vjp(lambda v: F.ifft(v, norm="ortho"), z)
    np.testing.assert_allclose(back(g)[0], np.fft.ifft(g, norm="ortho"), atol=1e-12)


def test_vjp_matches_explicit_matrix_transpose():
    # build each transform's matrix column by column and compare with its VJP
    for f, x in [(lambda v: F.rfft(v, 7), randn(5)), (lambda v: F.irfft(v, 6), crandn(4)),
                 (lambda v: F.hfft(v, 5, norm="ortho"), crandn(3)),
                 (lambda v: F.ihfft(v, 4, norm="forward"), randn(6)),
                 (lambda v: F.fft(v, 3), crandn(5))]:
        out = np.asarray(f(x))
        g = randn(*out.shape) + (1j * randn(*out.shape) if np.iscomplexobj(out) else 0)
        _, back = ad.vjp(f, x)
        got = back(g)[0]
        # transpose convention: Re(sum(got * t)) == Re(sum(g * J t)) for every t
        for k in range(x.size):
            for unit in ([1.0, 1j] if np.iscomplexobj(x) else [1.0]):
                t = np.zeros(x.shape, dtype=x.dtype)
                t.flat[k] = unit
                jt = ad.jvp(f, (x,), (t,))[1]
                np.testing.assert_allclose(np.real(np.sum(got * t)), np.real(np.sum(g * jt)),
                                           atol=1e-12)


def test_parseval_gradient():
    x = randn(8)
    n = x.size

    def energy(v):
        spec = F.fft(v)
        re = dnp.real(spec)
        im = dnp.real(spec * -1j)
        return dnp.sum(re * re + im * im)
    np.testing.assert_allclose(ad.grad(energy)(x), 2 * n * x, rtol=1e-12)


def _grid():
    cases = []
    for norm, n, axis in itertools.product([None, "ortho", "forward"], [None, 3, 6], [-1, 0, 1]):
        for name in ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]:
            cases.append((name, dict(n=n, axis=axis, norm=norm)))
    for norm, (s, axes) in itertools.product(
            [None, "ortho", "forward"],
            [(None, None), ((3, 5), (0, 2)), ((2, 4), None), (None, (1, 0)), ((3,), (-2,))]):
        for name in ["fftn", "ifftn", "rfftn", "irfftn"]:
            cases.append((name, dict(s=s, axes=axes, norm=norm)))
    for name in ["fft2", "ifft2", "rfft2", "irfft2"]:
        cases.append((name, dict(s=(3, 3), norm="ortho")))
    return cases


@pytest.mark.filterwarnings("ignore:`axes` should not be `None`:DeprecationWarning")
@pytest.mark.parametrize("name,kw", _grid())
def test_option_grid_values_and_derivatives(name, kw):
    x = randn(2, 3, 4)
    inputs = [x] if name in ("rfft", "ihfft", "rfftn", "rfft2") else [x, x + 1j * randn(2, 3, 4)]
    for a in inputs:
        f = lambda v: getattr(F, name)(v, **kw)             # noqa: E731
        out, _ = ad.jvp(f, (a,), (a,))
        np.testing.assert_allclose(out, getattr(np.fft, name)(a, **kw), atol=1e-12)
        check_grads(f, (a,), order=1)


def test_shift_and_freq():
    x = crandn(3, 4)
    for axes in [None, 0, (-1,), (0, 1)]:
        check_grads(lambda v: F.fftshift(v, axes), (x,), order=1)
        check_grads(lambda v: F.ifftshift(v, axes), (x,), order=1)
        out, _ = ad.jvp(lambda v: F.fftshift(v, axes), (x,), (x,))
        np.testing.assert_array_equal(out, np.fft.fftshift(x, axes))
    np.testing.assert_array_equal(F.fftfreq(5, 0.1), np.fft.fftfreq(5, 0.1))
    np.testing.assert_array_equal(F.rfftfreq(6), np.fft.rfftfreq(6))


def test_float32_stays_float32():
    x = randn(6).astype(np.float32)
    for f in [F.rfft, F.fft, F.irfft, F.hfft, F.ihfft]:
        out, t = ad.jvp(f, (x,), (x,))
        assert t.dtype == np.asarray(out).dtype
        out, back = ad.vjp(f, x)
        assert back(out)[0].dtype == np.float32


def test_plain_numpy_calls_dispatch_to_rules():
    x = randn(6)
    g1 = ad.grad(lambda v: np.sum(np.real(np.fft.rfft(v, 8) * np.fft.rfftfreq(8))))(x)
    g2 = ad.grad(lambda v: dnp.sum(dnp.real(F.rfft(v, 8) * np.fft.rfftfreq(8))))(x)
    np.testing.assert_allclose(g1, g2)


@pytest.mark.parametrize("f,complex_in", [
    (lambda v: F.fft(v, 5, axis=1), True), (lambda v: F.rfftn(v, (2, 6)), False),
    (lambda v: F.irfftn(v, (3, 4), axes=(0, 1), norm="ortho"), True),
    (lambda v: F.hfft(v, axis=0), True), (lambda v: F.ihfft(v, 3), False),
    (lambda v: F.ifftshift(v, axes=(0,)), True),
])
def test_batched_rules_match_one_direction_at_a_time(f, complex_in):
    x = crandn(3, 4) if complex_in else randn(3, 4)
    k = 3
    tans = crandn(k, 3, 4) if complex_in else randn(k, 3, 4)
    _, (tb,) = jvp_flat(lambda xs: [f(xs[0])], [x], [tans])
    for i in range(k):
        _, (ti,) = jvp_flat(lambda xs: [f(xs[0])], [x], [tans[i]])
        np.testing.assert_allclose(tb[i], ti, atol=1e-12)
    out, back = vjp_flat(lambda xs: [f(xs[0])], [x])
    gs = randn(k, *np.shape(out[0])) + (1j * randn(k, *np.shape(out[0]))
                                         if np.iscomplexobj(out[0]) else 0)
    (cb,) = back([gs])
    for i in range(k):
        _, back_i = vjp_flat(lambda xs: [f(xs[0])], [x])
        (ci,) = back_i([gs[i]])
        np.testing.assert_allclose(cb[i], ci, atol=1e-12)


@pytest.mark.parametrize("n", [4, 5])
def test_fftfreq_is_differentiable_in_the_spacing(n):
    for ours, theirs in ((dnp.fft.fftfreq, np.fft.fftfreq), (dnp.fft.rfftfreq, np.fft.rfftfreq)):
        v, t = ad.jvp(lambda d: ours(n, d), (0.37,), (1.0,))
        np.testing.assert_array_equal(v, theirs(n, 0.37))          # NumPy's values
        np.testing.assert_allclose(t, -theirs(n, 1.0) / 0.37 ** 2, rtol=1e-14)   # d(k/(n d))/dd
    assert ad.grad(lambda d: dnp.sum(np.fft.fftfreq(4, d)))(0.5) == pytest.approx(2.0, abs=0, rel=1e-15)


@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "irfftn"])
@pytest.mark.parametrize("kw", [dict(axes=(0, 0)), dict(axes=(0, 0), s=(4, 6)),
                                dict(axes=(0, 1, 0), s=(4, 2, 7)), dict(axes=(1, 0, 1), s=(3, 4, 6))],
                         ids=["00", "00-s46", "010-s427", "101-s346"])
def test_nd_transforms_with_an_axis_named_twice(name, kw):
    """NumPy applies one 1-d transform per entry of axes (cropping or padding
    each time): the values are NumPy's bit for bit and the VJP is the
    transpose of that composition (it resized each axis once before)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    if name == "irfftn":
        x = x[:, :2] + 1j * rng.standard_normal((5, 2))
    F = getattr(dnp.fft, name)
    np.testing.assert_array_equal(F(x, **kw), getattr(np.fft, name)(x, **kw))
    f = (lambda x: F(x, **kw) ** 2) if name == "irfftn" else \
        (lambda x: dnp.real(F(x, **kw)) + dnp.imag(F(x, **kw)) ** 2)
    check_grads(f, (x,), order=2)


@pytest.mark.parametrize("name, f", [
    ("irfft", lambda v: dnp.fft.irfft(v)),
    ("irfft n=6", lambda v: dnp.fft.irfft(v, n=6)),
    ("hfft", lambda v: dnp.fft.hfft(v)),
    ("irfftn", lambda v: dnp.fft.irfftn(dnp.reshape(v, (2, 3)))),
    ("irfft2", lambda v: dnp.fft.irfft2(dnp.reshape(v, (2, 3)), norm="ortho")),
])
def test_real_output_ffts_take_the_real_part_of_a_complex_cotangent(name, f):
    """irfft and hfft return real arrays: a complex cotangent (their output
    used in a complex expression) pairs with their tangent through its real
    part only (docs/complex.md).  Truth: grad L = dL/dx - i dL/dy of the
    real loss L, from Richardson differences of NumPy's own functions along
    the real and imaginary directions separately."""
    from ._derivatives import richardson
    rng = np.random.default_rng(3)
    v = rng.standard_normal(6) + 1j * rng.standard_normal(6)
    w = rng.standard_normal(12) + 1j * rng.standard_normal(12)
    with_np = {"irfft": lambda u: np.fft.irfft(u), "irfft n=6": lambda u: np.fft.irfft(u, n=6),
               "hfft": lambda u: np.fft.hfft(u),
               "irfftn": lambda u: np.fft.irfftn(u.reshape(2, 3)),
               "irfft2": lambda u: np.fft.irfft2(u.reshape(2, 3), norm="ortho")}[name]

    def loss(u, m):                 # real, and the real output meets complex numbers
        r = m.ravel(f(u) if m is dnp else with_np(u))
        return m.real(m.sum(m.exp(1j * r) * w[:r.shape[0]] + r * (0.5 - 2j)))

    got = ad.grad(lambda u: loss(u, dnp))(v)
    e = np.eye(6)
    want = np.array([richardson(lambda t: loss(v + t * e[k], np), 0.0, 1e-3)
                     - 1j * richardson(lambda t: loss(v + 1j * t * e[k], np), 0.0, 1e-3)
                     for k in range(6)])
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)
    # forward mode was right already: the Jacobian's real part, row by row
    jf = ad.jacfwd(lambda u: loss(u, dnp))(v)
    np.testing.assert_allclose(jf, want, rtol=1e-8, atol=1e-10)
