"""dualad.scipy.fft against SciPy: values (SciPy's own output), Jacobians in both
modes against the explicit matrices built column by column from SciPy's own
transforms (every DCT / DST type, norm, orthogonalize and n shorter / longer
than the input), second order against central differences, dtypes, errors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.fft as sf

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import fft as F
from dualad.testing import check_grads

rng = np.random.default_rng(11)
NORMS = [None, "backward", "ortho", "forward"]
R2R = ["dct", "idct", "dst", "idst"]


def scipy_matrix(f, shape):
    """The matrix of the linear map ``f`` (real input of ``shape``), column by column."""
    m = int(np.prod(shape))
    cols = [np.asarray(f(np.eye(m)[j].reshape(shape))).ravel() for j in range(m)]
    return np.stack(cols, axis=1)


def rel(a, b):
    return np.max(np.abs(np.asarray(a) - b)) / max(np.max(np.abs(b)), 1e-300)


# --- the real transforms: every option combination against the explicit matrix -----------
@pytest.mark.parametrize("name", R2R)
@pytest.mark.parametrize("typ", [1, 2, 3, 4])
def test_r2r_jacobians_are_scipys_matrix(name, typ):
    m = 5
    worst = 0.0
    for norm, orth, n in itertools.product(NORMS, [None, True, False], [None, 3, 7, 2]):
        if typ == 1 and name in ("dct", "idct") and n == 1:
            continue
        kw = dict(type=typ, n=n, norm=norm, orthogonalize=orth)
        A = scipy_matrix(lambda e: getattr(sf, name)(e, **kw), (m,))
        f = lambda v: getattr(F, name)(v, **kw)                       # noqa: E731
        x = rng.standard_normal(m)
        np.testing.assert_array_equal(ad.jvp(f, (x,), (x,))[0], getattr(sf, name)(x, **kw))
        for jac in (ad.jacfwd, ad.jacrev):
            J = jac(f)(x)
            worst = max(worst, rel(J, A))
            np.testing.assert_allclose(J, A, rtol=1e-13, atol=1e-13 * np.abs(A).max(),
                                       err_msg=f"{jac.__name__} {kw}")
    assert worst < 1e-13


@pytest.mark.parametrize("name", R2R)
def test_r2r_batch_and_axis(name):
    # a leading (or trailing) data axis: block-diagonal Jacobians; axis=0 on a 2-d input
    x = rng.standard_normal((3, 4))
    for kw in (dict(type=2, axis=-1, norm="ortho"), dict(type=3, axis=0, n=6),
               dict(type=1, axis=0, n=3, norm="forward"), dict(type=4, axis=1, n=2)):
        A = scipy_matrix(lambda e: getattr(sf, name)(e, **kw), x.shape)
        for jac in (ad.jacfwd, ad.jacrev):
            J = jac(lambda v: getattr(F, name)(v, **kw))(x)
            np.testing.assert_allclose(J.reshape(A.shape), A, atol=1e-13)


@pytest.mark.parametrize("name", ["dctn", "idctn", "dstn", "idstn"])
def test_r2r_nd_against_matrix(name):
    x = rng.standard_normal((3, 4, 2))
    for kw in (dict(), dict(type=1, s=(4, 3), axes=(0, 1), norm="ortho"),
               dict(type=3, s=(2, 5), norm="forward", orthogonalize=True),
               dict(type=2, axes=(-1, 0), norm="ortho", orthogonalize=False),
               dict(type=4, s=(-1, 3), axes=(1, 2)), dict(type=2, axes=1)):
        A = scipy_matrix(lambda e: getattr(sf, name)(e, **kw), x.shape)
        y = getattr(sf, name)(x, **kw)
        np.testing.assert_array_equal(ad.jvp(lambda v: getattr(F, name)(v, **kw),
                                             (x,), (x,))[0], y)
        for jac in (ad.jacfwd, ad.jacrev):
            J = jac(lambda v: getattr(F, name)(v, **kw))(x)
            np.testing.assert_allclose(J.reshape(A.shape), A, rtol=1e-13, atol=1e-13,
                                       err_msg=f"{name} {kw}")


def test_r2r_second_order():
    x = rng.standard_normal(5)
    for f in (lambda v: dnp.sin(F.dct(v, 1, norm="ortho")) * v[::-1],
              lambda v: F.idst(v * v, 3, n=6, orthogonalize=True),
              lambda v: F.dctn(dnp.reshape(dnp.tanh(v[:4]), (2, 2)), 2, s=(3, 2)) ** 2,
              lambda v: F.idctn(dnp.exp(dnp.reshape(v[:4], (2, 2))), 4, norm="forward")):
        check_grads(f, (x,), order=2)


def test_r2r_hessian_closed_form():
    # sum(dct(x)^3): H = 6 A^T diag(A x) A, A the scipy matrix
    x = rng.standard_normal(4)
    for name, kw in (("dct", dict(type=2, norm="ortho")), ("idst", dict(type=1, n=6)),
                     ("dst", dict(type=3, n=3, norm="forward"))):
        A = scipy_matrix(lambda e: getattr(sf, name)(e, **kw), (4,))
        H_true = 6 * A.T @ np.diag(A @ x) @ A
        f = lambda v: dnp.sum(getattr(F, name)(v, **kw) ** 3)      # noqa: E731
        np.testing.assert_allclose(ad.hessian(f)(x), H_true, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ad.jacfwd(ad.jacrev(f))(x), H_true, rtol=1e-12,
                                   atol=1e-12)


def test_r2r_complex_input():
    z = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    g = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    A = scipy_matrix(lambda e: sf.dct(e, 3, norm="ortho"), (4,))
    y, back = ad.vjp(lambda v: F.dct(v, 3, norm="ortho"), z)
    np.testing.assert_array_equal(y, sf.dct(z, 3, norm="ortho"))
    np.testing.assert_allclose(back(g)[0], A.T @ g, atol=1e-13)   # transpose, no conjugate
    check_grads(lambda v: F.dst(v, 2, n=5) * v[0], (z,), order=2)


def test_r2r_float32_kept():
    x = rng.standard_normal(6).astype(np.float32)
    f = lambda v: dnp.sum(F.dct(v, 2, norm="ortho") ** 2)          # noqa: E731
    y = ad.jvp(lambda v: F.dct(v, 2), (x,), (x,))[0]
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, sf.dct(x, 2))
    g = ad.grad(f)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x, rtol=1e-5)                # orthogonal: |y|^2 = |x|^2
    h = np.float16([1.0, 2.0, 3.0])
    assert ad.jvp(F.idst, (h,), (h,))[0].dtype == sf.idst(h).dtype == np.float32


def test_r2r_plain_goes_to_scipy_and_options_ignored():
    x = rng.standard_normal((2, 5))
    np.testing.assert_array_equal(F.dctn(x, 3, norm="ortho"), sf.dctn(x, 3, norm="ortho"))
    np.testing.assert_array_equal(F.idst(x, 1, n=4), sf.idst(x, 1, n=4))
    y = ad.jvp(lambda v: F.dct(v, overwrite_x=True, workers=2), (x,), (x,))[0]
    np.testing.assert_array_equal(y, sf.dct(x))


def test_r2r_errors():
    x = np.ones(4)
    with pytest.raises(ValueError, match="invalid DCT type"):
        ad.grad(lambda v: F.dct(v, 5).sum())(x)
    with pytest.raises(ValueError, match="Invalid norm value"):
        ad.grad(lambda v: F.dst(v, norm="unitary").sum())(x)
    with pytest.raises(ValueError, match="all axes must be unique"):
        ad.grad(lambda v: F.dctn(v, axes=(0, 0)).sum())(np.ones((2, 2)))
    with pytest.raises(ValueError, match="invalid number of data points"):
        ad.grad(lambda v: F.idct(v, n=0).sum())(x)
    with pytest.raises(ValueError, match="invalid number of data points"):
        ad.grad(lambda v: F.dct(v).sum())(np.ones(0))


# --- the FFT family ---------------------------------------------------------------------------
def _stacked(f):
    """Real and imaginary parts, so a real Jacobian can be compared."""
    def g(v):
        y = f(v)
        return dnp.stack([dnp.real(y), dnp.imag(y)]) if np.iscomplexobj(
            ad.stop_gradient(y)) else y
    return g


def _stacked_np(f):
    def g(v):
        y = f(v)
        return np.stack([y.real, y.imag]) if np.iscomplexobj(y) else y
    return g


FFT_CASES = [
    ("fft", (5,), dict()), ("fft", (5,), dict(n=3, norm="forward")),
    ("ifft", (2, 4), dict(n=6, axis=0, norm="ortho")),
    ("rfft", (6,), dict(norm="forward")), ("rfft", (2, 5), dict(n=8, axis=-1)),
    ("irfft", (4,), dict()), ("irfft", (3, 4), dict(n=5, axis=1, norm="forward")),
    ("hfft", (4,), dict(norm="ortho")), ("hfft", (3,), dict(n=7)),
    ("ihfft", (6,), dict(n=5, norm="forward")),
    ("fftn", (2, 3), dict()), ("fftn", (2, 3, 2), dict(s=(4, 3), norm="forward")),
    ("ifftn", (3, 2), dict(axes=(1,), s=(-1,))),
    ("rfftn", (3, 4), dict(norm="ortho")), ("rfftn", (2, 3, 2), dict(s=(3, 5), axes=(0, 1))),
    ("irfftn", (3, 3), dict(s=(4, 4))), ("irfftn", (2, 3), dict(norm="forward")),
    ("fft2", (3, 2), dict(norm="ortho")), ("ifft2", (2, 3), dict(s=(3, 3))),
    ("rfft2", (4, 3), dict(norm="forward")), ("irfft2", (3, 2), dict(s=(2, 3))),
    ("fftshift", (3, 4), dict(axes=0)), ("ifftshift", (5,), dict()),
]


@pytest.mark.parametrize("name,shape,kw", FFT_CASES)
def test_fft_family_values_and_jacobians(name, shape, kw):
    x = rng.standard_normal(shape)
    y = ad.jvp(lambda v: getattr(F, name)(v, **kw), (x,), (x,))[0]
    ref = getattr(sf, name)(x, **kw)
    assert y.dtype == ref.dtype and y.shape == ref.shape
    np.testing.assert_allclose(y, ref, rtol=1e-13, atol=1e-14 * np.abs(ref).max())
    A = scipy_matrix(_stacked_np(lambda e: getattr(sf, name)(e, **kw)), shape)
    for jac in (ad.jacfwd, ad.jacrev):
        J = jac(_stacked(lambda v: getattr(F, name)(v, **kw)))(x)
        np.testing.assert_allclose(J.reshape(A.shape), A, atol=1e-13)


def test_fft_family_complex_and_second_order():
    z = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))
    check_grads(lambda v: F.fft(v, 4, axis=0, norm="forward") * v[0, 0], (z,), order=2)
    check_grads(lambda v: F.irfft(v * v, 5), (z,), order=2)
    x = rng.standard_normal(6)
    check_grads(lambda v: dnp.abs(F.rfft(v, norm="ortho")) ** 2, (x,), order=2)
    check_grads(lambda v: F.dct(dnp.real(F.ifft(v * v, 8)), 2), (x,), order=2)


def test_fft_single_precision_kept():
    x32 = rng.standard_normal(8).astype(np.float32)
    for name in ("fft", "rfft", "ihfft", "irfft", "hfft", "fftn", "rfftn", "irfftn"):
        y = ad.jvp(getattr(F, name), (x32,), (x32,))[0]
        assert y.dtype == getattr(sf, name)(x32).dtype, name
        assert y.dtype in (np.float32, np.complex64)
    g = ad.grad(lambda v: dnp.sum(dnp.abs(F.rfft(v)) ** 2))(x32)
    assert g.dtype == np.float32
    x16 = np.float16([1.0, 2.0, 0.5])
    for name in ("fft", "irfft", "hfft"):
        assert ad.jvp(getattr(F, name), (x16,), (x16,))[0].dtype == getattr(sf, name)(x16).dtype


def test_fftfreq_and_next_fast_len():
    d = 0.3
    np.testing.assert_array_equal(F.fftfreq(5, d), sf.fftfreq(5, d))
    np.testing.assert_allclose(ad.jacfwd(lambda s: F.fftfreq(5, s))(d),
                               -sf.fftfreq(5) / d ** 2, rtol=1e-14)
    np.testing.assert_allclose(ad.jacrev(lambda s: F.rfftfreq(6, s))(d),
                               -sf.rfftfreq(6) / d ** 2, rtol=1e-14)
    assert F.next_fast_len(1021) == sf.next_fast_len(1021)
    assert F.next_fast_len(1021, real=True) == sf.next_fast_len(1021, True)


def test_fft_errors_and_options():
    x = np.ones(4)
    with pytest.raises(NotImplementedError, match="plan="):
        ad.grad(lambda v: F.fft(v, plan=object()).real.sum())(x)
    with pytest.raises(ValueError, match="all axes must be unique"):
        ad.grad(lambda v: F.fftn(v, axes=(0, 0)).real.sum())(np.ones((2, 2)))
    with pytest.raises(TypeError, match="real sequence"):
        ad.jvp(F.rfft, (x + 1j,), (x + 1j,))
    with pytest.raises(ValueError, match="Invalid norm value"):
        ad.grad(lambda v: F.ifft(v, norm="x").real.sum())(x)
    y = ad.jvp(lambda v: F.fft(v, overwrite_x=True, workers=-1), (x,), (x,))[0]
    np.testing.assert_array_equal(y, sf.fft(x))


def test_plain_scipy_fft_on_traced_names_dualad():
    x = np.ones(4)
    for f, name in ((sf.fft, "fft"), (sf.dct, "dct"), (sf.irfftn, "irfftn")):
        with pytest.raises(TypeError, match=f"call dualad.scipy.fft.{name} instead"):
            ad.grad(lambda v: np.real(f(v)).sum())(x)


def test_edge_axes_and_lengths():
    x = rng.standard_normal((2, 3))
    for name in ("fftn", "ifftn", "dctn", "idstn"):      # no axes: SciPy returns x itself
        y = ad.jvp(lambda v: getattr(F, name)(v, axes=()), (x,), (x,))[0]
        ref = getattr(sf, name)(x, axes=())
        assert y.dtype == ref.dtype
        np.testing.assert_array_equal(y, ref)
    with pytest.raises(ValueError, match="at least 1 axis"):
        ad.jvp(lambda v: F.rfftn(v, axes=()), (x,), (x,))
    # output length 0: irfft raises as SciPy's; irfftn raises too (SciPy returns an array)
    with pytest.raises(ValueError, match="Invalid number of data points"):
        ad.jvp(F.irfft, (np.ones(1),), (np.ones(1),))
    with pytest.raises(ValueError, match="Invalid number of data points"):
        ad.jvp(F.irfftn, (np.ones((2, 1)),), (np.ones((2, 1)),))
    with pytest.raises(ValueError, match="shape requires more axes"):
        ad.jvp(lambda v: F.dctn(v, s=(2, 3, 4)), (x,), (x,))
    # a list holding traced values
    g = ad.grad(lambda v: F.dct([v[0], v[1]], norm="ortho")[0])(np.ones(3))
    np.testing.assert_allclose(g, [np.sqrt(0.5), np.sqrt(0.5), 0.0], rtol=1e-15)
