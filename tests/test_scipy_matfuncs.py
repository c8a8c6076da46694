"""SciPy's matrix functions in dualad.scipy.linalg: logm, cosm, sinm, tanm, coshm,
sinhm, tanhm (compositions of the traced expm, as SciPy composes expm), signm
(a primitive; Fréchet derivative from a Sylvester equation) and
fractional_matrix_power (a primitive; block-triangular identity in A,
``logm(A) A^t`` in t); funm has no rule.

Values equal SciPy's own (dtype, shape, real / complex).  Derivatives are
settled against Richardson-extrapolated central differences of SciPy's own
functions, never against dualad: first order (jvp, and the whole vjp read off
one difference per input entry) and second order in all four nestings, at
matrices where hand-made ``V diag(f(w)) V^T`` derivatives fail: the identity,
``diag(1, 1, 2)``, a rotated matrix with a repeated eigenvalue pair, a
defective non-normal matrix, a real matrix with a negative eigenvalue (complex
logm and A^t); also random, complex, float32 and stacked input.

Run as a script to print the measured agreement (max relative error).
"""
import contextlib
import io
import warnings

import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.linalg as L

RNG = np.random.default_rng(20261201)
_Q = np.linalg.qr(RNG.standard_normal((3, 3)))[0]
_V = np.array([[1.0, 0.3, -0.2], [0.1, 1.0, 0.4], [0.3, -0.5, 1.0]])

MATS = {
    "random": 0.5 * RNG.standard_normal((3, 3)) + 0.3 * np.eye(3),
    "identity": np.eye(3),
    "diag112": np.diag([1.0, 1.0, 2.0]),
    "rotated_pair": _Q @ np.diag([0.7, 0.7, 1.6]) @ _Q.T,
    "nonnormal": np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0], [0.0, 0.0, 1.5]]),
    "complex": (0.5 * RNG.standard_normal((3, 3)) + 1.2 * np.eye(3)
                + 0.4j * RNG.standard_normal((3, 3))),
    # real with a negative eigenvalue: logm and A^t are complex, so a real-valued
    # loss of them hands the rules complex cotangents of a real input (the blocks
    # of the Fréchet derivative must keep SciPy's branch at -1.3)
    "negative_eig": _V @ np.array([[-1.3, 0, 0], [0, 2.0, 1.0], [0, -1.0, 2.0]])
                    @ np.linalg.inv(_V),
}
# signm: eigenvalues away from the imaginary axis, of both signs (SciPy's own
# signm is only right where funm succeeds or its shifted Newton iteration does
# not cross a small eigenvalue: max |eig| / min |eig| kept small)
SIGN_MATS = {
    "random": np.diag([1.5, -1.0, 2.0]) + 0.4 * np.triu(RNG.standard_normal((3, 3)), 1)
              + 0.2 * RNG.standard_normal((3, 3)),
    "identity": np.eye(3),
    "diag11m2": np.diag([1.0, 1.0, -2.0]),
    "rotated_pair": _Q @ np.diag([1.0, 1.0, -1.6]) @ _Q.T,
    "nonnormal": np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0], [0.0, 0.0, -1.5]]),
    "complex": np.diag([1.0 + 0.5j, -1.2 + 0.3j, 1.5]) + 0.3 * RNG.standard_normal((3, 3)),
}

FUNCS = {name: (getattr(L, name), getattr(sl, name))
         for name in ("logm", "cosm", "sinm", "tanm", "coshm", "sinhm", "tanhm", "signm")}
for _t in (0.5, -1.5, 2.0, 1.0 / 3.0):
    FUNCS[f"fmp{_t:.3g}"] = ((lambda a, t=_t: L.fractional_matrix_power(a, t)),
                             (lambda a, t=_t: sl.fractional_matrix_power(a, t)))

TOL1, TOL2 = 1e-8, 1e-7


# tanm: tan has poles at odd multiples of pi/2 (MATS reach 1.75); half of them
TAN_MATS = {k: 0.5 * v for k, v in MATS.items()}


def _mats(name):
    return SIGN_MATS if name == "signm" else TAN_MATS if name == "tanm" else MATS


def _quiet(f):
    def g(*a):
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(f(*a))
    return g


def _rich(d, h):
    """Richardson extrapolation of a central difference ``d(h)`` (error in h^2)."""
    d1, d2, d3 = d(h), d(h / 2), d(h / 4)
    r1, r2 = (4 * d2 - d1) / 3, (4 * d3 - d2) / 3
    return (16 * r2 - r1) / 15


def fd1(f, a, e, h=1e-2):
    f = _quiet(f)
    return _rich(lambda h: (f(a + h * e) - f(a - h * e)) / (2 * h), h)


def fd2(f, a, u, v, h=5e-3):
    """d^2 f / du dv."""
    f = _quiet(f)
    return _rich(lambda h: (f(a + h * (u + v)) - f(a + h * (u - v)) - f(a - h * (u - v))
                            + f(a - h * (u + v))) / (4 * h * h), h)


def _dir(a, seed):
    r = np.random.default_rng(seed)
    e = r.standard_normal(a.shape)
    if np.iscomplexobj(a):
        e = e + 1j * r.standard_normal(a.shape)
    return e


def _rel(got, want):
    return float(np.max(np.abs(np.asarray(got) - want)) / max(np.max(np.abs(want)), 1.0))


def _fd_vjp(f, a, g):
    """The cotangent c with Re sum(c t) = Re sum(g J t) for all t, read off one
    difference per real input coordinate."""
    c = np.zeros(a.shape, dtype=np.result_type(a, g))
    for idx in np.ndindex(*a.shape):
        e = np.zeros(a.shape, dtype=a.dtype)
        e[idx] = 1.0
        c[idx] = np.real(np.sum(g * fd1(f, a, e)))
        if np.iscomplexobj(a):
            c[idx] -= 1j * np.real(np.sum(g * fd1(f, a, 1j * e)))
    return c


def errors_first(name, mat):
    fdual, fsci = FUNCS[name]
    a = _mats(name)[mat]
    e, g = _dir(a, 1), _dir(_quiet(fsci)(a), 2)
    val, tan = ad.jvp(fdual, (a,), (e,))
    ref = _quiet(fsci)(a)
    assert val.dtype == ref.dtype and val.shape == ref.shape
    np.testing.assert_allclose(val, ref, rtol=1e-13, atol=1e-13)
    _, vjp = ad.vjp(fdual, a)
    return _rel(tan, fd1(fsci, a, e)), _rel(vjp(g)[0], _fd_vjp(fsci, a, g))


def errors_second(name, mat):
    """Second derivative along (u, v) in four nestings; complex input: the
    forward-over-forward one (a directional derivative along complex tangents)."""
    fdual, fsci = FUNCS[name]
    a = _mats(name)[mat]
    u, v, w = _dir(a, 3), _dir(a, 4), _dir(_quiet(fsci)(a), 5)
    truth = fd2(fsci, a, u, v)
    ff = ad.jvp(lambda x: ad.jvp(fdual, (x,), (v,))[1], (a,), (u,))[1]
    errs = [_rel(ff, truth)]
    if not np.iscomplexobj(a):
        t = float(np.real(np.sum(w * truth)))
        loss = lambda x: dnp.real(dnp.sum(w * fdual(x)))
        fr = np.sum(u * ad.hvp(loss, (a,), (v,)))                    # forward over reverse
        rf = np.sum(u * ad.grad(lambda x: dnp.real(dnp.sum(w * ad.jvp(fdual, (x,), (v,))[1])))(a))
        rr = np.sum(u * ad.grad(lambda x: dnp.sum(v * ad.grad(loss)(x)))(a))
        errs += [abs(x - t) / max(abs(t), 1.0) for x in (fr, rf, rr)]
    return max(errs)


CASES = [(n, m) for n in FUNCS for m in _mats(n)]


@pytest.mark.parametrize("name,mat", CASES)
def test_first_order(name, mat):
    ej, ev = errors_first(name, mat)
    assert ej < TOL1 and ev < TOL1, (ej, ev)


@pytest.mark.parametrize("name,mat", [c for c in CASES if c[1] != "random"])
def test_second_order(name, mat):
    assert errors_second(name, mat) < TOL2


def test_identity_is_exact():
    """At the identity cosm'(I)[E] = -sin(1) E exactly (E commutes with I)."""
    e = _dir(np.eye(3), 7)
    np.testing.assert_allclose(ad.jvp(L.cosm, (np.eye(3),), (e,))[1], -np.sin(1.0) * e,
                               rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(ad.jvp(L.signm, (np.eye(3),), (e,))[1], 0.0, atol=1e-14)
    np.testing.assert_allclose(
        ad.jvp(lambda x: L.fractional_matrix_power(x, 0.5), (np.eye(3),), (e,))[1], 0.5 * e,
        rtol=1e-12, atol=1e-13)


def test_off_diagonal_tangent_at_identity():
    """The case where ``V cos(w) V^T`` from eigh has no well-defined derivative
    (every eigenvalue repeated): cosm'(I)[E] = -sin(1) E for a symmetric
    off-diagonal E, and signm's derivative there is 0."""
    e = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(ad.jvp(L.cosm, (np.eye(3),), (e,))[1], -np.sin(1.0) * e,
                               atol=1e-13)
    np.testing.assert_allclose(ad.grad(lambda x: dnp.sum(e * L.cosm(x)))(np.eye(3)),
                               -np.sin(1.0) * e, atol=1e-13)


@pytest.mark.parametrize("name", list(FUNCS))
# SciPy's logm of float32 input reports its own float32-level error estimate
# (~7e-7, 'logm result may be inaccurate'); the value is SciPy's, compared exactly
@pytest.mark.filterwarnings("ignore:logm result may be inaccurate:RuntimeWarning")
def test_float32(name):
    fdual, fsci = FUNCS[name]
    a = (_mats(name)["random"]).astype(np.float32)
    e = _dir(a, 1).astype(np.float32)
    ref = _quiet(fsci)(a)
    val, tan = ad.jvp(fdual, (a,), (e,))
    assert val.dtype == ref.dtype
    np.testing.assert_array_equal(val, ref)
    truth = fd1(fsci, a.astype(np.float64), e.astype(np.float64))
    assert _rel(tan, truth) < 1e-4
    g = ad.grad(lambda x: dnp.real(dnp.sum(fdual(x))))(a)
    assert g.dtype == np.float32


@pytest.mark.parametrize("name", list(FUNCS))
def test_stack(name):
    fdual, fsci = FUNCS[name]
    m = _mats(name)
    a = np.stack([m["random"], m["nonnormal"]])
    e = _dir(a, 1)
    val, tan = ad.jvp(fdual, (a,), (e,))
    g = _dir(val, 2)
    np.testing.assert_array_equal(val, _quiet(fsci)(a))
    assert _rel(tan, fd1(fsci, a, e)) < TOL1
    _, vjp = ad.vjp(fdual, a)
    assert _rel(vjp(g)[0], _fd_vjp(fsci, a, g)) < TOL1


# --- fractional_matrix_power in t ------------------------------------------------------------
def errors_t(mat, t):
    a = MATS[mat]
    sci = lambda s: sl.fractional_matrix_power(a, s)
    f = lambda s: L.fractional_matrix_power(a, s)
    d1 = ad.jvp(f, (t,), (1.0,))[1]
    d2 = ad.jvp(lambda s: ad.jvp(f, (s,), (1.0,))[1], (t,), (1.0,))[1]
    w = _dir(sci(t), 3)
    g = ad.grad(lambda s: dnp.real(dnp.sum(w * f(s))))(t)
    t1 = fd1(sci, t, 1.0)
    t2 = _rich(lambda h: (sci(t + h) - 2 * sci(t) + sci(t - h)) / (h * h), 2e-2)
    # mixed A, t: d/dt of the jvp in A, and reverse over forward
    u = _dir(a, 4)
    mix = ad.jvp(lambda s: ad.jvp(lambda x: L.fractional_matrix_power(x, s), (a,), (u,))[1],
                 (t,), (1.0,))[1]
    mix_t = fd1(lambda s: fd1(lambda x: sl.fractional_matrix_power(x, s), a, u), t, 1.0, h=2e-2)
    return max(_rel(d1, t1), _rel(d2, t2), abs(g - np.real(np.sum(w * t1))) / max(1, abs(g)),
               _rel(mix, mix_t))


@pytest.mark.parametrize("mat", ["random", "identity", "rotated_pair", "nonnormal", "complex"])
@pytest.mark.parametrize("t", [0.5, -1.5, 2.0])
def test_fmp_in_t(mat, t):
    assert errors_t(mat, t) < 1e-6


def test_fmp_t_real_matrix_negative_eigenvalue_integer_power():
    a = np.diag([-1.0, 2.0])
    with pytest.raises(NotImplementedError, match="fractional_matrix_power.*in t"):
        ad.jvp(lambda s: L.fractional_matrix_power(a, s), (2.0,), (1.0,))


def test_fmp_singular_raises():
    a = np.diag([0.0, 1.0])
    with pytest.raises(NotImplementedError, match="fractional_matrix_power.*singular"):
        ad.jvp(lambda x: L.fractional_matrix_power(x, 0.5), (a,), (np.ones_like(a),))


def test_funm():
    a = MATS["random"]
    np.testing.assert_array_equal(L.funm(a, np.exp), sl.funm(a, np.exp))
    with pytest.raises(NotImplementedError, match="funm.*expm"):
        ad.grad(lambda x: dnp.sum(L.funm(x, np.exp)))(a)


def test_signm_disp_and_errors():
    with pytest.raises(ValueError, match="signm"):
        ad.jvp(L.signm, (np.ones((2, 3)),), (np.ones((2, 3)),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for a in (SIGN_MATS["diag11m2"], SIGN_MATS["nonnormal"]):
            want = sl.signm(a, disp=False)           # S alone, or (S, errest)
            got = ad.jvp(lambda x: L.signm(x, disp=False), (a,), (a,))[0]
            assert type(got) is type(want)
            for g, w in zip(*((got, want) if isinstance(want, tuple) else ((got,), (want,)))):
                np.testing.assert_array_equal(g, w)


if __name__ == "__main__":        # the measured agreement, per function
    for name in FUNCS:
        e1 = {m: max(errors_first(name, m)) for m in _mats(name)}
        e2 = {m: errors_second(name, m) for m in _mats(name)}
        print(f"{name:10s} first order {max(e1.values()):.1e}   second order "
              f"{max(e2.values()):.1e}", {m: f"{e1[m]:.0e}/{e2[m]:.0e}" for m in e1})
    print("fmp in t  ", max(errors_t(m, t) for m in ("random", "identity", "rotated_pair",
                                                       "nonnormal", "complex")
                            for t in (0.5, -1.5, 2.0)))
