"""dualad.scipy.signal rate changes (upfirdn, resample, resample_poly, decimate)
against SciPy.

Truths: SciPy's values; the maps are linear in the signal (and upfirdn in the
filter), so the Jacobian is SciPy applied to the unit vectors column by
column; Richardson differences of SciPy for the piecewise ones (padtype
median / minimum / maximum) and for windows; exact central differences for
the affine ``cval``."""
import numpy as np
import pytest
import scipy.signal as ss

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import signal as ds

from ._derivatives import richardson_jacobian

RNG = np.random.default_rng(3)
X = RNG.standard_normal((2, 23))
XL = RNG.standard_normal((2, 50))
H = RNG.standard_normal(5)


def _close(a, b, rtol=1e-12):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    err = np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)
    assert err <= rtol, err


def _cols(f, x):
    cols = [f(e.reshape(np.shape(x))) for e in np.eye(np.size(x))]
    return np.moveaxis(np.array(cols), 0, -1).reshape(np.shape(cols[0]) + np.shape(x))


def _richardson(f, x, h=1e-3):
    return richardson_jacobian(lambda x: np.asarray(f(x)), (x,), 0, h)


LINEAR = {
    "upfirdn": (lambda v, m: m.upfirdn(H, v, 3, 2), X),
    "upfirdn_axis0": (lambda v, m: m.upfirdn(H, v.T, 2, 3, axis=0), X),
    "upfirdn_wrap": (lambda v, m: m.upfirdn(H, v, 2, 3, mode="wrap"), X),
    "upfirdn_edge": (lambda v, m: m.upfirdn(H, v, 1, 2, mode="edge"), X),
    "upfirdn_symmetric": (lambda v, m: m.upfirdn(H, v, 4, 1, mode="symmetric"), X),
    "upfirdn_reflect": (lambda v, m: m.upfirdn(H, v, 2, 5, mode="reflect"), X),
    "upfirdn_in_h": (lambda h, m: m.upfirdn(h, X, 2, 1), H),
    "resample_down_even": (lambda v, m: m.resample(v, 12, axis=1), X),
    "resample_up_even": (lambda v, m: m.resample(v[:, :22], 30, axis=-1), X),
    "resample_odd": (lambda v, m: m.resample(v, 31, axis=-1, window="hann"), X),
    "resample_complex": (lambda v, m: m.resample(v * (1 + 2j), 10, axis=-1), X),
    "resample_complex_up": (lambda v, m: m.resample(v[:, :22] * 1j, 31, axis=-1), X),
    "resample_freq": (lambda v, m: m.resample(v + 0j, 16, axis=-1, domain="freq"), X),
    "resample_axis0": (lambda v, m: m.resample(v.T, 12, window=("kaiser", 4.0)), X),
    "resample_poly_32": (lambda v, m: m.resample_poly(v, 3, 2, axis=1), X),
    "resample_poly_14_mean": (lambda v, m: m.resample_poly(v, 1, 4, axis=-1,
                                                           padtype="mean"), X),
    "resample_poly_23_line_modes": (lambda v, m: m.resample_poly(v.T, 2, 3, padtype="wrap"),
                                    X),
    "resample_poly_51_edge": (lambda v, m: m.resample_poly(v, 5, 1, axis=-1,
                                                           padtype="edge"), X),
    "resample_poly_window": (lambda v, m: m.resample_poly(v, 3, 2, axis=-1, window=H), X),
    "decimate_iir": (lambda v, m: m.decimate(v, 3), XL),
    "decimate_iir_causal": (lambda v, m: m.decimate(v.T, 3, n=4, zero_phase=False,
                                                    axis=0), XL),
    "decimate_fir": (lambda v, m: m.decimate(v, 3, ftype="fir"), XL),
    "decimate_fir_causal": (lambda v, m: m.decimate(v, 4, ftype="fir", zero_phase=False),
                            XL),
}


@pytest.mark.parametrize("name", sorted(LINEAR))
def test_linear_maps(name):
    f, x = LINEAR[name]
    _close(f(x, ds), f(x, ss))
    val, _ = ad.jvp(lambda v: f(v, ds), (x,), (x,))
    _close(val, f(x, ss))
    J = _cols(lambda v: f(v, ss), x)
    tol = 1e-12 if "decimate_iir" not in name else 1e-11
    _close(ad.jacfwd(lambda v: f(v, ds))(x), J, tol)
    _close(ad.jacrev(lambda v: f(v, ds))(x), J, tol)


@pytest.mark.parametrize("padtype", ["median", "minimum", "maximum"])
def test_resample_poly_order_statistic_padtypes(padtype):
    f = lambda v, m: m.resample_poly(v, 3, 2, axis=-1, padtype=padtype)   # noqa: E731
    _close(ad.jvp(lambda v: f(v, ds), (X,), (X,))[0], f(X, ss))
    J = _richardson(lambda v: f(v, ss), X, 1e-5)
    _close(ad.jacrev(lambda v: f(v, ds))(X), J, 1e-8)
    _close(ad.jacfwd(lambda v: f(v, ds))(X), J, 1e-8)


def test_cval_and_windows():
    # upfirdn and resample_poly are affine in cval: the exact central difference
    f = lambda c: ss.upfirdn(H, X, 2, 3, cval=c)    # noqa: E731
    d = (f(1.0) - f(-1.0)) / 2
    _close(ad.jacfwd(lambda c: ds.upfirdn(H, X, 2, 3, cval=c))(0.3), d)
    _close(ad.jacrev(lambda c: ds.upfirdn(H, X, 2, 3, cval=c))(0.3), d)
    g = lambda c: ss.resample_poly(X, 3, 2, axis=-1, cval=c)     # noqa: E731
    _close(ad.jacrev(lambda c: ds.resample_poly(X, 3, 2, axis=-1, cval=c))(0.3),
           (g(1.0) - g(-1.0)) / 2)
    # an array window: the resample_poly filter (linear) and resample's spectral weight
    J = _cols(lambda w: ss.resample_poly(X, 3, 2, axis=-1, window=w), H)
    _close(ad.jacrev(lambda w: ds.resample_poly(X, 3, 2, axis=-1, window=w))(H), J)
    W = np.fft.fftshift(ss.get_window("hann", 23)) + 0.1
    J = _cols(lambda w: ss.resample(X, 12, axis=-1, window=w), W)
    _close(ad.jacfwd(lambda w: ds.resample(X, 12, axis=-1, window=w))(W), J)
    # t is returned as SciPy does, differentiable in t
    t = np.linspace(0.0, 2.0, 23)
    r, tt = ds.resample(dnp.asarray(X), 12, t=t, axis=-1)
    _close(tt, ss.resample(X, 12, t=t, axis=-1)[1])


def test_second_order_bilinear_upfirdn():
    # sum(w * upfirdn(h, x)**2) in h: Hessian 2 J^T diag(w) J, J from SciPy
    out = ss.upfirdn(H, X, 2, 3)
    w = RNG.standard_normal(out.shape)
    J = _cols(lambda h: ss.upfirdn(h, X, 2, 3), H).reshape(-1, H.size)
    Hd = ad.hessian(lambda h: dnp.sum(w * ds.upfirdn(h, X, 2, 3) ** 2))(H)
    _close(Hd, 2 * J.T @ (w.ravel()[:, None] * J))
    # mixed second derivative in (h, x): d/dx_j d/dh_i sum(w * y) = sum(w * upfirdn(e_i, e_j))
    x = X[0, :6]
    w1 = RNG.standard_normal(ss.upfirdn(H, x, 2, 3).shape)
    M = np.array([[np.sum(w1 * ss.upfirdn(eh, ex, 2, 3)) for ex in np.eye(6)]
                  for eh in np.eye(5)])
    Md = ad.jacfwd(lambda v: ad.grad(lambda h: dnp.sum(w1 * ds.upfirdn(h, v, 2, 3)))(H))(x)
    _close(Md, M)


def test_float32():
    x = X.astype(np.float32)
    for f in (lambda v, m: m.upfirdn(H.astype(np.float32), v, 2, 3),
              lambda v, m: m.resample(v, 12, axis=-1),
              lambda v, m: m.resample_poly(v, 3, 2, axis=-1),
              lambda v, m: m.resample(v * 1j, 30, axis=-1, window="hann"),
              lambda v, m: m.decimate(v, 2, n=2),
              lambda v, m: m.decimate(v, 2, ftype="fir")):
        val = ad.jvp(lambda v: f(v, ds), (x,), (x,))[0]
        ref = f(x, ss)
        assert val.dtype == ref.dtype, (val.dtype, ref.dtype)
        _close(val, ref, 1e-5)


def test_errors():
    with pytest.raises(NotImplementedError, match="mode='smooth'"):
        ad.jacfwd(lambda v: ds.upfirdn(H, v, 2, 1, mode="smooth"))(X[0])
    with pytest.raises(ValueError, match="Unknown mode"):
        ad.jacfwd(lambda v: ds.upfirdn(H, v, 2, 1, mode="nope"))(X[0])
    with pytest.raises(ValueError, match="padtype"):
        ad.jacfwd(lambda v: ds.resample_poly(v, 2, 1, padtype="nope"))(X[0])
    with pytest.raises(ValueError, match="invalid ftype"):
        ad.jacfwd(lambda v: ds.decimate(v, 2, ftype="x"))(XL[0])
    with pytest.raises(NotImplementedError, match="dlti"):
        ad.jacfwd(lambda v: ds.decimate(v, 2, ftype=ss.dlti([1.0], [1.0, -0.5])))(XL[0])
    with pytest.raises(ValueError, match="domain"):
        ad.jacfwd(lambda v: ds.resample(v, 4, domain="x"))(X[0])
