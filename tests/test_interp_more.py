"""dualad.scipy.interpolate: RBFInterpolator, BarycentricInterpolator /
barycentric_interpolate, KroghInterpolator / krogh_interpolate.  Values against
SciPy's own; derivatives against SciPy's derivative methods (in the evaluation
points) and Richardson-extrapolated central differences of the plain SciPy
functions (data, nodes / centres, smoothing, epsilon), forward and reverse, and
second order."""
import warnings

import numpy as np
import pytest
import scipy.interpolate as si

import dualad as ad
from dualad.scipy import interpolate as I
from tests._derivatives import richardson_jacobian, traced_value

KERNELS = ["linear", "thin_plate_spline", "cubic", "quintic", "multiquadric",
           "inverse_multiquadric", "inverse_quadratic", "gaussian"]
R = np.random.default_rng(7)
Y = R.random((7, 2))
D = R.random(7)
XQ = R.random((3, 2))


def _rel(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def _rbf(y, d, x, kernel, eps=1.3, smoothing=0.01, mod=I):
    return mod.RBFInterpolator(y, d, kernel=kernel, epsilon=eps, smoothing=smoothing)(x)


@pytest.mark.parametrize("kernel", KERNELS)
def test_rbf_values_and_first_derivatives(kernel):
    ref = _rbf(Y, D, XQ, kernel, mod=si)
    assert _rel(traced_value(lambda y: _rbf(y, D, XQ, kernel), Y), ref) < 1e-12
    assert _rel(traced_value(lambda x: _rbf(Y, D, x, kernel), XQ), ref) < 1e-12
    plain = lambda y, d, x, e, s: _rbf(y, d, x, kernel, e, s, mod=si)
    args = (Y, D, XQ, 1.3, 0.01)
    for i, tol, h in ((0, 1e-7, 1e-3), (1, 1e-9, 1e-3), (2, 1e-8, 1e-3), (3, 1e-8, 1e-3),
                      (4, 1e-8, 1e-4)):
        truth = richardson_jacobian(plain, args, i, h=h)
        f = lambda v: _rbf(*[v if j == i else a for j, a in enumerate(args)][:3], kernel,
                           *[v if j == i else a for j, a in enumerate(args)][3:])
        jf = ad.jacfwd(f)(args[i])
        jr = ad.jacrev(f)(args[i])
        assert _rel(jf, truth) < tol, (i, _rel(jf, truth))
        assert _rel(jr, jf) < 1e-12


@pytest.mark.parametrize("kernel", ["thin_plate_spline", "gaussian", "quintic"])
def test_rbf_second_order(kernel):
    x0 = np.array([0.37, 0.61])
    f = lambda x: _rbf(Y, D, x[None], kernel)[0]
    h = 1e-3
    truth = np.zeros((2, 2))
    fs = lambda x: _rbf(Y, D, x[None], kernel, mod=si)[0]
    for a in range(2):
        for b in range(2):
            ea, eb = np.eye(2)[a], np.eye(2)[b]

            def dd(s):
                return (fs(x0 + s * ea + s * eb) - fs(x0 + s * ea - s * eb)
                        - fs(x0 - s * ea + s * eb) + fs(x0 - s * ea - s * eb)) / (4 * s * s)
            truth[a, b] = (4 * dd(h / 2) - dd(h)) / 3
    assert _rel(ad.hessian(f)(x0), truth) < 1e-6
    assert _rel(ad.jacfwd(ad.jacrev(f))(x0), truth) < 1e-6
    # mixed: d/d epsilon of the gradient in the data
    g = lambda e: ad.grad(lambda d: _rbf(Y, d, XQ, kernel, e)[1])(D)
    gt = richardson_jacobian(lambda e: _lin_weights(kernel, e), (1.3,), 0)
    assert _rel(ad.jacfwd(g)(1.3), gt) < 1e-7


def _lin_weights(kernel, e):
    # d values of SciPy's interpolant at XQ[1] in d (it is linear in d): unit vectors
    return np.array([si.RBFInterpolator(Y, np.eye(7)[k], kernel=kernel, epsilon=e,
                                        smoothing=0.01)(XQ[1:2])[0] for k in range(7)])


@pytest.mark.parametrize("kernel", KERNELS)
def test_rbf_at_a_centre(kernel):
    """Evaluation exactly at a centre: finite gradient, equal to the central
    difference of SciPy (for linear, whose kink term is given 0, that is the
    symmetric difference too)."""
    x0 = Y[3].copy()
    f = lambda x: _rbf(Y, D, x[None], kernel, smoothing=0.0)[0]
    fs = lambda x: _rbf(Y, D, x[None], kernel, smoothing=0.0, mod=si)[0]
    g = ad.grad(f)(x0)
    assert np.all(np.isfinite(g))
    truth = np.array([(fs(x0 + h * e) - fs(x0 - h * e)) / (2 * h)
                      for e in np.eye(2) for h in [1e-5]])
    assert _rel(g, truth) < 1e-6
    # traced centres too (the diagonal of the kernel matrix is at r = 0)
    gy = ad.grad(lambda y: _rbf(y, D, x0[None], kernel, smoothing=0.0)[0])(Y)
    assert np.all(np.isfinite(gy))
    if kernel in ("cubic", "quintic", "gaussian"):     # twice differentiable there
        H = ad.hessian(f)(x0)
        def h2(h):      # the |r|^3 term adds an error exactly proportional to h
            return np.array([[(fs(x0 + h * a + h * b) - fs(x0 + h * a - h * b)
                               - fs(x0 - h * a + h * b) + fs(x0 - h * a - h * b)) / (4 * h * h)
                              for b in np.eye(2)] for a in np.eye(2)])
        r1, r2 = 2 * h2(5e-4) - h2(1e-3), 2 * h2(2.5e-4) - h2(5e-4)
        Ht = (4 * r2 - r1) / 3
        assert _rel(H, Ht) < 1e-6
        assert _rel(ad.jacrev(ad.jacrev(f))(x0), H) < 1e-12


def test_rbf_options_and_errors():
    ref = si.RBFInterpolator(Y, np.c_[D, 2 * D], degree=2)(XQ)
    v = traced_value(lambda d: I.RBFInterpolator(Y, d, degree=2)(XQ), np.c_[D, 2 * D])
    assert v.shape == (3, 2) and _rel(v, ref) < 1e-12
    dc = D + 1j * R.random(7)
    refc = si.RBFInterpolator(Y, dc, degree=-1, kernel="gaussian", epsilon=2.0)(XQ)
    vc = traced_value(lambda d: I.RBFInterpolator(Y, d, degree=-1, kernel="gaussian",
                                                  epsilon=2.0)(XQ), dc)
    assert vc.dtype == np.complex128 and _rel(vc, refc) < 1e-12
    sm = R.random(7) * 0.1
    refs = si.RBFInterpolator(Y, D, smoothing=sm)(XQ)
    assert _rel(traced_value(lambda s: I.RBFInterpolator(Y, D, smoothing=s)(XQ), sm), refs) < 1e-12
    js = ad.jacrev(lambda s: I.RBFInterpolator(Y, D, smoothing=s)(XQ))(sm)
    truth = richardson_jacobian(lambda s: si.RBFInterpolator(Y, D, smoothing=s)(XQ), (sm,), 0)
    assert _rel(js, truth) < 1e-8
    # float32 input: SciPy computes in float64
    v32 = traced_value(lambda x: I.RBFInterpolator(Y, D)(x), XQ.astype(np.float32))
    assert v32.dtype == np.float64
    assert _rel(v32, si.RBFInterpolator(Y, D)(XQ.astype(np.float32))) < 1e-12
    # plain input goes to SciPy
    assert np.array_equal(I.RBFInterpolator(Y, D)(XQ), si.RBFInterpolator(Y, D)(XQ))
    assert np.array_equal(I.RBFInterpolator(Y, D, neighbors=3)(XQ),
                          si.RBFInterpolator(Y, D, neighbors=3)(XQ))
    with pytest.raises(NotImplementedError, match="neighbors"):
        ad.grad(lambda d: I.RBFInterpolator(Y, d, neighbors=3)(XQ)[0])(D)
    with pytest.raises(ValueError, match="epsilon"):
        ad.grad(lambda d: I.RBFInterpolator(Y, d, kernel="gaussian")(XQ)[0])(D)
    with pytest.raises(ValueError, match="kernel"):
        ad.grad(lambda d: I.RBFInterpolator(Y, d, kernel="nope")(XQ)[0])(D)
    with pytest.raises(ValueError, match="second axis"):
        ad.grad(lambda x: I.RBFInterpolator(Y, D)(x)[0])(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="column rank"):
        yl = np.c_[np.arange(5.0), np.zeros(5)]
        ad.grad(lambda d: I.RBFInterpolator(yl, d)(XQ)[0])(np.arange(5.0))


XI = np.array([0.1, 0.5, 0.9, 1.6, 2.2, 2.9])
YI = np.sin(XI) + XI ** 2
XE = np.array([0.3, 0.9, 1.7, 2.95])      # 0.9 is a node


@pytest.mark.parametrize("der", [0, 1, 3, [0, 2]])
def test_barycentric_and_krogh_values(der):
    for name in ("barycentric_interpolate", "krogh_interpolate"):
        kw = {"rng": 4} if name.startswith("bary") else {}
        ref = getattr(si, name)(XI, YI, XE, der=der, **kw)
        f = lambda a, b, c: getattr(I, name)(a, b, c, der=der, **kw)
        for args in ((XI, YI, XE),):
            v = ad.jvp(f, args, tuple(np.zeros_like(a) for a in args))[0]
            assert _rel(v, ref) < 1e-12, name


@pytest.mark.parametrize("name", ["barycentric_interpolate", "krogh_interpolate"])
def test_polyint_derivatives(name):
    kw = {"rng": 2} if name.startswith("bary") else {}
    F = lambda *a, **k: getattr(si, name)(*a, **kw, **k)
    G = lambda *a, **k: getattr(I, name)(*a, **kw, **k)
    # in x: SciPy's derivative, also at the node 0.9
    jx = ad.jacfwd(lambda x: G(XI, YI, x))(XE)
    assert _rel(np.diag(jx), F(XI, YI, XE, der=1)) < 1e-12
    assert _rel(ad.jacrev(lambda x: G(XI, YI, x))(XE), jx) < 1e-13
    hx = ad.grad(ad.grad(lambda x: G(XI, YI, x)))(0.9)
    assert _rel(hx, F(XI, YI, 0.9, der=2)) < 1e-10
    # in yi and xi: Richardson of SciPy
    for i in (0, 1):
        truth = richardson_jacobian(F, (XI, YI, XE), i, h=1e-4)
        fi = lambda v: G(*[v if j == i else a for j, a in enumerate((XI, YI, XE))])
        jf, jr = ad.jacfwd(fi)(XI if i == 0 else YI), ad.jacrev(fi)(XI if i == 0 else YI)
        assert _rel(jf, truth) < 1e-8
        assert _rel(jr, jf) < 1e-12
    # second order in xi (mixed with the point), reverse over forward
    h2 = ad.jacrev(ad.jacfwd(lambda a: G(a, YI, 1.7)))(XI)
    truth = richardson_jacobian(lambda a: richardson_jacobian(
        lambda b: F(b, YI, 1.7), (a,), 0, h=1e-3), (XI,), 0, h=1e-3)
    assert _rel(h2, truth) < 1e-5


def test_polyint_shapes_axis_methods():
    Yn = R.random((3, 6, 2))
    xe = XE[:, None]
    for cls, kw in ((I.BarycentricInterpolator, {"rng": 5}), (I.KroghInterpolator, {})):
        scls = getattr(si, cls.__name__)
        for meth, a in (("__call__", ()), ("derivatives", (3,)), ("derivative", (2,))):
            ref = getattr(scls(XI, Yn, axis=1, **kw), meth)(xe, *a)
            v = traced_value(lambda b: getattr(cls(XI, b, axis=1, **kw), meth)(xe, *a), Yn)
            assert v.shape == ref.shape and _rel(v, ref) < 1e-11, (cls, meth)
        # plain construction, traced point
        p = cls(XI, YI, **kw)
        assert _rel(traced_value(p, XE), scls(XI, YI, **kw)(XE)) < 1e-12
        assert np.array_equal(p(XE), scls(XI, YI, **kw)(XE))
        assert traced_value(p, np.float64(0.4)).shape == ()
    # Hermite data for Krogh (repeated nodes: derivatives given)
    xh = np.array([0.0, 0.0, 1.0, 1.0, 2.0])
    yh = np.array([1.0, 2.0, 0.0, -1.0, 3.0])
    ref = si.KroghInterpolator(xh, yh).derivatives(XE)
    assert _rel(traced_value(lambda b: I.KroghInterpolator(xh, b).derivatives(XE), yh), ref) < 1e-13
    truth = richardson_jacobian(lambda b: si.KroghInterpolator(xh, b)(XE), (yh,), 0)
    assert _rel(ad.jacrev(lambda b: I.KroghInterpolator(xh, b)(XE))(yh), truth) < 1e-9
    # complex data, wi given
    yc = YI + 1j * XI
    assert _rel(traced_value(lambda b: I.barycentric_interpolate(XI, b, XE, rng=1), yc),
                si.barycentric_interpolate(XI, yc, XE, rng=1)) < 1e-12
    w = si.BarycentricInterpolator(XI, rng=0).wi
    gw = ad.jacfwd(lambda w: I.BarycentricInterpolator(XI, YI, wi=w)(XE))(w)
    truth = richardson_jacobian(lambda w: si.BarycentricInterpolator(XI, YI, wi=w)(XE), (w,), 0,
                                h=1e-4 * np.max(np.abs(w)))
    assert _rel(gw, truth) < 1e-8


def test_polyint_errors():
    with pytest.raises(ValueError, match="distinct"):
        ad.grad(lambda a: I.barycentric_interpolate(a, YI, 0.3))(np.r_[XI[:-1], XI[0]])
    with pytest.raises(ValueError, match="can't be equal"):
        ad.grad(lambda a: I.krogh_interpolate(a, YI, 0.3))(np.r_[XI[:2], XI[0], XI[3:]])
    with pytest.raises(ValueError, match="equal in length"):
        ad.grad(lambda b: I.krogh_interpolate(XI, b, 0.3))(YI[:-1])
    p = I.BarycentricInterpolator(XI, YI)
    with pytest.raises(NotImplementedError, match="add_xi"):
        ad.grad(lambda a: p.add_xi(a) or 0.0)(np.array([3.5]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(ad.grad(lambda x: I.barycentric_interpolate(XI, YI, x))(0.5))


def test_lagrange():
    assert np.array_equal(I.lagrange(XI[:4], YI[:4]).coeffs, si.lagrange(XI[:4], YI[:4]).coeffs)
    with pytest.raises(TypeError, match="BarycentricInterpolator"):
        ad.grad(lambda w: I.lagrange(XI[:4], w)(0.3))(YI[:4])


XS = np.sort(np.random.default_rng(3).random(9)) * 3
YS = np.sin(XS) + 0.1 * np.random.default_rng(4).standard_normal(9)
WS = 0.5 + np.random.default_rng(5).random(9)
XV = np.linspace(0.1, 2.9, 5)


@pytest.mark.parametrize("lam", [0.1, None])
def test_smoothing_spline_values(lam):
    ref = si.make_smoothing_spline(XS, YS, w=WS, lam=lam)
    for i, a in enumerate((XS, YS, WS)):
        def f(v):
            args = [v if j == i else b for j, b in enumerate((XS, YS, WS))]
            return I.make_smoothing_spline(*args, lam=lam)
        assert _rel(traced_value(lambda v: f(v).c, a), ref.c) < 1e-13
        assert _rel(traced_value(lambda v: f(v)(XV), a), ref(XV)) < 1e-13
    Yn = np.random.default_rng(6).random((2, 9, 3))
    refn = si.make_smoothing_spline(XS, Yn, axis=1, lam=lam)
    v = traced_value(lambda b: I.make_smoothing_spline(XS, b, axis=1, lam=lam)(XV), Yn)
    assert v.shape == refn(XV).shape and _rel(v, refn(XV)) < 1e-13
    assert np.array_equal(I.make_smoothing_spline(XS, YS, lam=lam)(XV),
                          si.make_smoothing_spline(XS, YS, lam=lam)(XV))


def test_smoothing_spline_derivatives():
    F = lambda x, y, w, lam: si.make_smoothing_spline(x, y, w=w, lam=lam)(XV)
    G = lambda x, y, w, lam: I.make_smoothing_spline(x, y, w=w, lam=lam)(XV)
    args = (XS, YS, WS, 0.1)
    for i, h, tol in ((0, 1e-4, 1e-8), (1, 1e-3, 1e-10), (2, 1e-4, 1e-8), (3, 1e-4, 1e-9)):
        truth = richardson_jacobian(F, args, i, h=h)
        fi = lambda v: G(*[v if j == i else a for j, a in enumerate(args)])
        jf, jr = ad.jacfwd(fi)(args[i]), ad.jacrev(fi)(args[i])
        assert _rel(jf, truth) < tol, (i, _rel(jf, truth))
        assert _rel(jr, jf) < 1e-11
    # second order in lam, and mixed lam / point
    f2 = lambda lam: G(XS, YS, WS, lam)[2]
    t2 = richardson_jacobian(lambda l: richardson_jacobian(F, (XS, YS, WS, l), 3, h=1e-3)[2],
                             (0.1,), 0, h=1e-3)
    assert _rel(ad.grad(ad.grad(f2))(0.1), t2) < 1e-6
    hx = ad.jacfwd(ad.grad(lambda x: I.make_smoothing_spline(XS, YS, lam=0.1)(x)))(1.3)
    assert _rel(hx, si.make_smoothing_spline(XS, YS, lam=0.1)(1.3, nu=2)) < 1e-12
    # GCV: lam chosen from the values, held constant
    # (lam held constant, the spline is linear in y: J y is SciPy's value)
    g_gcv = ad.jacfwd(lambda y: I.make_smoothing_spline(XS, y)(XV))(YS)
    assert _rel(g_gcv @ YS, si.make_smoothing_spline(XS, YS)(XV)) < 1e-12
    g_rev = ad.jacrev(lambda y: I.make_smoothing_spline(XS, y)(XV))(YS)
    assert _rel(g_rev, g_gcv) < 1e-12


def test_smoothing_spline_errors():
    with pytest.raises(ValueError, match="ascending"):
        ad.grad(lambda y: I.make_smoothing_spline(XS[::-1], y, lam=0.1)(1.0))(YS)
    with pytest.raises(ValueError, match="at least 5"):
        ad.grad(lambda y: I.make_smoothing_spline(XS[:4], y, lam=0.1)(1.0))(YS[:4])
    with pytest.raises(ValueError, match="non-negative"):
        ad.grad(lambda y: I.make_smoothing_spline(XS, y, lam=-1.0)(1.0))(YS)
    with pytest.raises(ValueError, match="weights"):
        ad.grad(lambda y: I.make_smoothing_spline(XS, y, w=-WS, lam=0.1)(1.0))(YS)


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_splrep(k):
    ti = np.array([0.65, 1.35, 2.05])      # off the points XV (a knot there is a kink for k=1)
    for kw in ({}, {"t": ti, "w": WS}, {"s": 0, "w": WS}):
        F = lambda x, y: si.splev(XV, si.splrep(x, y, k=k, **kw))
        G = lambda x, y: I.splev(XV, I.splrep(x, y, k=k, **kw))
        tck = si.splrep(XS, YS, k=k, **kw)
        t2, c2, k2 = [traced_value(lambda a: I.splrep(a, YS, k=k, **kw)[j], XS) for j in (0, 1)] + [k]
        assert np.array_equal(t2, tck[0]) and _rel(c2, tck[1]) < 1e-13
        assert _rel(traced_value(G, XS, YS), F(XS, YS)) < 1e-13
        for i in (0, 1):
            truth = richardson_jacobian(F, (XS, YS), i, h=1e-4)
            fi = lambda v: G(*[v if j == i else a for j, a in enumerate((XS, YS))])
            jf, jr = ad.jacfwd(fi)((XS, YS)[i]), ad.jacrev(fi)((XS, YS)[i])
            assert _rel(jf, truth) < 1e-9 and _rel(jr, jf) < 1e-12
    jt = ad.jacfwd(lambda t: I.splev(XV, I.splrep(XS, YS, k=k, t=t)))(ti)
    tt = richardson_jacobian(lambda t: si.splev(XV, si.splrep(XS, YS, k=k, t=t)), (ti,), 0, h=1e-4)
    assert _rel(jt, tt) < 1e-8


def test_splrep_refusals():
    for kw, match in (({"s": 0.5}, "s=0.5"), ({"per": 1}, "per"), ({"xb": -1.0}, "xb"),
                      ({"full_output": 1}, "full_output"), ({"w": WS}, "s=")):
        with pytest.raises(NotImplementedError, match=match):
            ad.grad(lambda y: I.splrep(XS, y, **kw)[1][0])(YS)
    with pytest.raises(ValueError, match="increasing"):
        ad.grad(lambda y: I.splrep(XS[::-1], y, s=0)[1][0])(YS)
    tck = I.splrep(XS, YS)
    assert all(np.array_equal(a, b) for a, b in zip(tck[:2], si.splrep(XS, YS)[:2]))


@pytest.mark.parametrize("cls", ["BarycentricInterpolator", "KroghInterpolator"])
def test_polyint_empty_scalar_float32(cls):
    kw = {"rng": 1} if cls.startswith("B") else {}
    S = getattr(si, cls)(XI, YI, **kw)
    for xx in (np.array([]), np.float32(0.3), np.array([[0.3, 0.9]], dtype=np.float32)):
        for meth in ("__call__", "derivatives"):
            ref = getattr(S, meth)(xx)
            got = traced_value(lambda b: getattr(getattr(I, cls)(XI, b, **kw), meth)(xx), YI)
            assert got.shape == ref.shape and got.dtype == ref.dtype
            if ref.size:
                assert _rel(got, ref) < 1e-12
