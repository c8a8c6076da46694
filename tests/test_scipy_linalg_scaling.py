"""expm / logm derivatives at extreme tangent, cotangent and matrix scales.

The Fréchet derivative ``L(A, E)`` is linear in ``E``, and the rules form the
block ``[[A, c E], [0, A]]`` with a power of 2 ``c`` balancing ``||c E||``
against ``||A||``, so SciPy's scaling and squaring is sized by ``A``.  Before
that, a float32 loss scaled by 1e8 gave an ``expm`` gradient 500x too large,
float64 went NaN at 1e50, and ``logm``'s gradient raised on an SPD matrix
scaled by 1e-100.

Independent truths (plain NumPy/SciPy, never dualad): SciPy's own
``expm_frechet`` (another algorithm) at moderate ``E`` with linearity
``L(A, s E) = s L(A, E)``; the Daleckii-Krein closed form for symmetric ``A``
(``L(A, E) = Q (F o Q^T E Q) Q^T``, ``F`` the divided differences of ``f`` at
the eigenvalues); ``L(A, E) = E expm(A)`` for commuting ``A``, ``E``;
``logm(c A) = log(c) I + logm(A)``, so the logm gradient at ``c A`` is that at
``A`` divided by ``c`` (Hessian by ``c**2``); second Fréchet derivatives from
the 3n x 3n block ``f([[A, E1, 0], [0, A, E2], [0, 0, A]])`` evaluated by SciPy.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sl

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import linalg as L

# SciPy's logm warns about its own value at these scales (its error estimate, ~1e-11)
pytestmark = [pytest.mark.filterwarnings("ignore:logm result may be inaccurate"),
              pytest.mark.filterwarnings("ignore:The logm input matrix may be nearly singular")]

N = 3
_R = np.random.default_rng(1)
B = 0.1 * (_R.standard_normal((N, N)) + 3 * np.eye(N))     # the report's matrix (F1)
A0 = _R.standard_normal((N, N)) + 3 * np.eye(N)
P = A0 @ A0.T / 10.0                                        # SPD, eigenvalues O(1)
W = np.array([[1.0, -0.5, 0.25], [0.3, 2.0, -1.0], [0.7, 0.1, 0.6]])
E = np.array([[0.1, -0.2, 0.05], [0.15, 0.05, -0.1], [-0.05, 0.2, 0.1]])

TOL = {np.float32: 5e-6, np.float64: 1e-13}
SCALES = {np.float32: [1e-30, 1e-8, 1.0, 1e7, 1e8, 1e20, 1e30],
          np.float64: [1e-300, 1e-30, 1.0, 1e10, 1e16, 1e50, 1e100, 1e300]}
CASES = [(dt, s) for dt in (np.float32, np.float64) for s in SCALES[dt]]


def _rel(x, truth):
    x = np.asarray(x, dtype=np.float64)
    return np.max(np.abs(x - truth)) / np.max(np.abs(truth))


def _L_exp(a, e):
    return sl.expm_frechet(a, e, compute_expm=False)


def _L_dk(a, e, f, fp):
    """Daleckii-Krein: the Fréchet derivative of a symmetric ``a``'s matrix function."""
    lam, q = np.linalg.eigh(a)
    li, lj = lam[:, None], lam[None, :]
    same = np.isclose(li, lj, rtol=1e-12, atol=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        F = np.where(same, fp(0.5 * (li + lj)), (f(li) - f(lj)) / np.where(same, 1.0, li - lj))
    return q @ (F * (q.T @ e @ q)) @ q.T


def _hess_truth(fun, a, w):
    """``d^2/dA_ij dA_kl <w, fun(A)>`` from SciPy's ``fun`` of the 3n x 3n blocks:
    its top-right block is the ordered half of the second Fréchet derivative."""
    n = a.shape[0]
    unit = np.eye(n * n).reshape(n * n, n, n)

    def f13(e1, e2):
        t = np.zeros((3 * n, 3 * n))
        for i in range(3):
            t[i * n:(i + 1) * n, i * n:(i + 1) * n] = a
        t[:n, n:2 * n], t[n:2 * n, 2 * n:] = e1, e2
        return np.real(fun(t))[:n, 2 * n:]

    h = np.array([[np.sum(w * (f13(e1, e2) + f13(e2, e1))) for e2 in unit] for e1 in unit])
    return h.reshape(n, n, n, n)


# --- expm, first order -------------------------------------------------------------------------
@pytest.mark.parametrize("dt,s", CASES)
def test_expm_grad_cotangent_scale(dt, s):
    """Report F1: ``grad(s * sum(expm(A)))`` is ``s L(A^T, ones)``."""
    g = ad.grad(lambda a: dt(s) * dnp.sum(L.expm(a)))(B.astype(dt))
    assert g.dtype == dt
    assert _rel(g, s * _L_exp(B.T, np.ones((N, N)))) < TOL[dt]


@pytest.mark.parametrize("dt,s", CASES)
def test_expm_jvp_tangent_scale(dt, s):
    out, tan = ad.jvp(L.expm, (B.astype(dt),), ((s * E).astype(dt),))
    assert tan.dtype == dt and np.array_equal(out, sl.expm(B.astype(dt)))
    assert _rel(tan, s * _L_exp(B, E)) < TOL[dt]


@pytest.mark.parametrize("dt,s", CASES)
def test_expm_symmetric_daleckii_krein(dt, s):
    """Cotangent ``s W`` at symmetric ``P``: ``L(P, s W)`` by the eigen closed form."""
    g = ad.grad(lambda a: dnp.sum(L.expm(a) * (s * W).astype(dt)))(P.astype(dt))
    assert _rel(g, s * _L_dk(P, W, np.exp, np.exp)) < TOL[dt]


@pytest.mark.parametrize("dt,s", CASES)
def test_expm_commuting_closed_form(dt, s):
    """``A E = E A`` gives ``L(A, E) = E expm(A)``: diagonal, and a polynomial in ``B``
    (the diagonal one has ``||A|| = 3``: SciPy's ``expm`` of its block squares twice,
    about 2e-13 at any scale ``s``)."""
    d = np.array([-2.0, 0.5, 3.0])
    tol = {np.float32: TOL[np.float32], np.float64: 1e-12}[dt]
    tan = ad.jvp(L.expm, (np.diag(d).astype(dt),), ((s * np.diag([1.0, -2.0, 0.5])).astype(dt),))[1]
    assert _rel(tan, s * np.diag(np.array([1.0, -2.0, 0.5]) * np.exp(d))) < tol
    e = B @ B - 0.5 * B
    tan = ad.jvp(L.expm, (B.astype(dt),), ((s * e).astype(dt),))[1]
    assert _rel(tan, s * e @ sl.expm(B)) < TOL[dt]


def test_expm_small_matrix_large_tangent():
    """``A`` tiny (even 0) against a unit tangent: ``L(0, E) = E``."""
    for a in (np.zeros((N, N)), 1e-300 * B, 1e-30 * B):
        tan = ad.jvp(L.expm, (a,), (E,))[1]
        assert _rel(tan, E) < 1e-15


def test_expm_batched_tangents_per_entry():
    """jacfwd pushes a batch of tangents of sizes 1e30 and 1e-30 together; jacrev a
    batch of cotangents of sizes 1e30 and 1e-30: each is balanced on its own."""
    e1, e2 = E, W / 7.0
    J = ad.jacfwd(lambda v: L.expm(B + v[0] * 1e30 * e1 + v[1] * 1e-30 * e2))(np.zeros(2))
    assert _rel(J[..., 0], 1e30 * _L_exp(B, e1)) < 1e-13
    assert _rel(J[..., 1], 1e-30 * _L_exp(B, e2)) < 1e-13
    wts = np.where(np.arange(N * N).reshape(N, N) % 2 == 0, 1e30, 1e-30)
    J = ad.jacrev(lambda a: L.expm(a) * wts)(B)
    unit = np.eye(N * N).reshape(N, N, N, N)
    for i in range(N):
        for j in range(N):
            truth = np.array([[_L_exp(B, unit[k, l])[i, j] for l in range(N)] for k in range(N)])
            assert _rel(J[i, j], wts[i, j] * truth) < 1e-13


def test_expm_stack_of_matrices_per_entry():
    """A stack whose matrices (and cotangents) differ by 1e200."""
    a = np.stack([B, 1e-2 * B])
    w = np.stack([1e100 * W, 1e-100 * W])
    g = ad.grad(lambda x: dnp.sum(L.expm(x) * w))(a)
    assert _rel(g[0], 1e100 * _L_exp(B.T, W)) < 1e-13
    assert _rel(g[1], 1e-100 * _L_exp(1e-2 * B.T, W)) < 1e-13


@pytest.mark.parametrize("s", [1e-300, 1e-30, 1e30, 1e300])
def test_expm_frechet_traced_large_E(s):
    """The traced path of ``expm_frechet`` (a block ``expm``) at extreme ``E``."""
    lf = ad.jvp(lambda e: L.expm_frechet(B, e, compute_expm=False), (s * W,), (s * E,))
    assert _rel(lf[0], s * _L_exp(B, W)) < 1e-13
    assert _rel(lf[1], s * _L_exp(B, E)) < 1e-13
    g = ad.grad(lambda a: dnp.sum(L.expm_frechet(a, s * W, compute_expm=False)))(B)
    truth = np.einsum("ijkl,kl->ij", _hess_truth(sl.expm, B, np.ones((N, N))), W)
    assert _rel(g, s * truth) < 1e-12


# --- logm ----------------------------------------------------------------------------------------
LOG_SCALES = {np.float32: [1e-30, 1e-10, 1.0, 1e10, 1e30],
              np.float64: [1e-300, 1e-150, 1e-100, 1.0, 1e100, 1e300]}
LOG_CASES = [(dt, c) for dt in (np.float32, np.float64) for c in LOG_SCALES[dt]]


def _L_log(a, e):
    return _L_dk(a, e, np.log, lambda x: 1.0 / x)


@pytest.mark.parametrize("dt,c", LOG_CASES)
def test_logm_grad_matrix_scale(dt, c):
    """Report F11: ``logm``'s gradient at ``c P`` (``c = 1e-100`` used to raise) is
    ``L_log(P, W) / c``; the value is ``log(c) I + logm(P)``."""
    x = (c * P).astype(dt)
    assert _rel(L.logm(x), np.log(c) * np.eye(N) + sl.logm(P)) < 10 * TOL[dt]
    g = ad.grad(lambda a: dnp.sum(L.logm(a) * W.astype(dt)))(x)
    assert g.dtype == dt
    assert _rel(g, _L_log(P, W.T).T / c) < 20 * TOL[dt]


@pytest.mark.parametrize("dt,s", CASES)
def test_logm_cotangent_and_tangent_scale(dt, s):
    g = ad.grad(lambda a: dnp.sum(L.logm(a) * (s * W).astype(dt)))(P.astype(dt))
    assert _rel(g, s * _L_log(P, W.T).T) < 20 * TOL[dt]
    tan = ad.jvp(L.logm, (P.astype(dt),), ((s * E).astype(dt),))[1]
    assert _rel(tan, s * _L_log(P, E)) < 20 * TOL[dt]


def test_logm_stack_scales_per_entry():
    a = np.stack([P, 1e-100 * P, 1e100 * P])
    g = ad.grad(lambda x: dnp.sum(L.logm(x) * W))(a)
    truth = _L_log(P, W.T).T
    for k, c in enumerate((1.0, 1e-100, 1e100)):
        assert _rel(g[k], truth / c) < 1e-12


# --- second order, all four nestings --------------------------------------------------------------
NESTINGS = {
    "hessian": ad.hessian,
    "jacfwd(grad)": lambda f: ad.jacfwd(ad.grad(f)),
    "jacrev(grad)": lambda f: ad.jacrev(ad.grad(f)),
    "jacfwd(jacfwd)": lambda f: ad.jacfwd(ad.jacfwd(f)),
    "jacrev(jacfwd)": lambda f: ad.jacrev(ad.jacfwd(f)),
}
_H_EXP = _hess_truth(sl.expm, B, W)


@pytest.mark.parametrize("nest", list(NESTINGS))
@pytest.mark.parametrize("dt,s", [(np.float64, 1.0), (np.float64, 1e50), (np.float64, 1e-250),
                                  (np.float32, 1e8), (np.float32, 1e25)])
def test_expm_second_order_scaled_loss(nest, dt, s):
    h = NESTINGS[nest](lambda a: dt(s) * dnp.sum(L.expm(a) * W.astype(dt)))(B.astype(dt))
    assert h.dtype == dt
    assert _rel(h, s * _H_EXP) < (1e-12 if dt is np.float64 else 5e-5)


def test_expm_hvp_scaled_loss():
    v = E
    hv = ad.hvp(lambda a: 1e40 * dnp.sum(L.expm(a) * W), (B,), (v,))
    hv = hv[1] if isinstance(hv, tuple) else hv
    assert _rel(hv, 1e40 * np.einsum("ijkl,kl->ij", _H_EXP, v)) < 1e-12


P2 = P[:2, :2]                         # logm's nested rules run 4n x 4n logms: n = 2
W2 = W[:2, :2]
_H_LOG = _hess_truth(sl.logm, P2, W2)


@pytest.mark.parametrize("nest", ["hessian", "jacrev(grad)", "jacfwd(jacfwd)", "jacrev(jacfwd)"])
@pytest.mark.parametrize("c", [1.0, 1e-100, 1e100])
def test_logm_second_order_matrix_scale(nest, c):
    """``H(c P) = H(P) / c**2`` (``logm(c P) = log(c) I + logm(P)``)."""
    h = NESTINGS[nest](lambda a: dnp.sum(L.logm(a) * W2))(c * P2)
    assert _rel(h, _H_LOG / c ** 2) < 1e-10


def test_truths_agree():
    """The references agree with one another (SciPy's expm_frechet vs Daleckii-Krein,
    the 3n block vs a Richardson-extrapolated difference of SciPy's expm_frechet)."""
    assert _rel(_L_exp(P, W), _L_dk(P, W, np.exp, np.exp)) < 1e-14
    assert _rel(sl.logm(np.block([[P, W], [np.zeros((N, N)), P]]))[:N, N:], _L_log(P, W)) < 1e-12
    u = np.zeros((N, N))
    u[0, 1] = 1.0

    def d(h):
        return (np.sum(W * _L_exp(B + h * u, E)) - np.sum(W * _L_exp(B - h * u, E))) / (2 * h)
    rich = (4 * d(1e-3) - d(2e-3)) / 3
    truth = np.einsum("ijkl,kl->ij", _hess_truth(sl.expm, B, W), E)[0, 1]
    assert abs(rich - truth) < 1e-9 * abs(truth)


# expm's second derivatives at a badly scaled matrix A = D (3I + 0.5 N) D^-1,
# D = diag(1e-2, 1, 1e2): the Hessian of sum(W * expm(A)), from mpmath (dps 40):
# entry (i, j) = sum(W * top-right 3x3 block of mp.expm of the 12x12 block matrix
# [[A, E_i, E_j, 0], [0, A, 0, E_j], [0, 0, A, E_i], [0, 0, 0, A]]), E_k the k-th unit
# matrix in row-major order.  The rules used to lose up to 2.7e-4 (jacrev of jacrev,
# single entries > 100%), 3.5e-6 (hessian), 2.1e-6 (jacfwd of jacfwd).
_SCALED_N = np.array([[0.345584192064786, 0.8216181435011584, 0.33043707618338714], [-1.303157231604361, 0.9053558666731177, 0.4463745723640113], [-0.5369532353602852, 0.5811181041963531, 0.36457239618607573]])
_SCALED_W = np.array([[-0.7819084623568421, -0.2571922406188707, 0.008142180518343508], [-0.2756029052993704, 1.2940638143982073, 1.0067243153057943], [-2.7111624789659685, -1.8890132459676727, -0.17477209205516195]])
_SCALED_A = np.diag([1e-2, 1.0, 1e2]) @ (3 * np.eye(3) + 0.5 * _SCALED_N) @ np.diag([1e2, 1.0, 1e-2])
_SCALED_H = np.array([
    [66070.54725987306, -1114793.6348308008, -49868173.073499806, -259.1398693549067, 4873.42387798253, 213662.7097106287, -30.574841326502476, 750.8347016306271, 33518.718947112575],
    [-1114793.6348308008, 14553494.17753171, 648147021.0127956, 40751.69284216932, -648560.1300819841, -29419258.128159843, 745.7691570542889, -12764.151976741729, -560804.5004521772],
    [-49868173.073499806, 648147021.0127956, 28853423331.660156, 464744.2984304689, -6220513.928264489, -276951313.5093158, 67041.63070861799, -1123829.1259940756, -50272528.1924862],
    [-259.1398693549067, 40751.69284216932, 464744.2984304689, -0.6759119137576289, -315.0158487851816, -1957.9116114399746, -0.04915050172591393, -34.174382440829, -297.0522990224954],
    [4873.42387798253, -648560.1300819841, -6220513.928264489, -315.0158487851816, 10895.306475811667, 276887.7239938741, 0.6319072090391279, 787.4976178319841, 5196.644725797509],
    [213662.7097106287, -29419258.128159843, -276951313.5093158, -1957.9116114399746, 276887.7239938741, 2650603.3648871416, -265.1075190348564, 41164.77756693204, 468798.64366190083],
    [-30.574841326502476, 745.7691570542889, 67041.63070861799, -0.04915050172591393, 0.6319072090391279, -265.1075190348564, -0.00039964396044338366, -0.018940628964865903, -31.60993047812214],
    [750.8347016306271, -12764.151976741729, -1123829.1259940756, -34.174382440829, 787.4976178319841, 41164.77756693204, -0.018940628964865903, 0.7661044555910671, 759.778774777903],
    [33518.718947112575, -560804.5004521772, -50272528.1924862, -297.0522990224954, 5196.644725797509, 468798.64366190083, -31.60993047812214, 759.778774777903, 68013.81022461172]])


@pytest.mark.parametrize("nest", ["hessian", "jacfwd(jacfwd)", "jacrev(jacrev)",
                                  "jacfwd(jacrev)", "jacrev(jacfwd)"])
def test_expm_second_order_at_a_badly_scaled_matrix(nest):
    S = lambda a: dnp.sum(_SCALED_W * L.expm(a))          # noqa: E731
    hf = {"hessian": ad.hessian, "jacfwd(jacfwd)": lambda f: ad.jacfwd(ad.jacfwd(f)),
          "jacrev(jacrev)": lambda f: ad.jacrev(ad.jacrev(f)),
          "jacfwd(jacrev)": lambda f: ad.jacfwd(ad.jacrev(f)),
          "jacrev(jacfwd)": lambda f: ad.jacrev(ad.jacfwd(f))}[nest]
    got = hf(S)(_SCALED_A).reshape(9, 9)
    err = np.abs(got - _SCALED_H).max() / np.abs(_SCALED_H).max()
    assert err < 1e-12, err
    # entry-wise too (the entries span many orders of magnitude)
    np.testing.assert_allclose(got, _SCALED_H, rtol=1e-11, atol=0)


# --- logm, sqrtm, fractional_matrix_power at a badly scaled matrix --------------------------------
# A = D B D^-1 (computed in float64, pasted), D = diag(1, 1e3, 1e6), B = 3I + 0.5 N
# (N standard normal, eigenvalues 3.04, 2.74 +- 0.64i).  Truth from mpmath at
# mp.dps = 40: the gradient and Hessian of S(A) = sum(W * f(A)) (f = mp.logm,
# mp.sqrtm, mp.powm(., 0.3)) by mpmath-level central differences of S with steps
# 1e-12 * d_i / d_j in A_ij (second order: the four-point mixed difference; steps
# 1e-9 agree to 2.5e-14).  SciPy's own values are off by ~2e-12 here (single
# entries 1e-8); the rules used to inherit that: first derivatives 7e-12,
# second 1.1e-11 (fractional_matrix_power's jacrev of jacrev 1.8e-9), single
# Hessian entries up to 1.4e-8.  They now balance by gebal's diagonal
# similarity, as expm's rules do: 2e-15 / 7e-14.
_BAL_A = np.array([[3.0006150766787414, 0.00014937276875423493, -1.3706892768110877e-07], [-445.2959193786371, 2.772664607414139, -0.0004958232774982312], [30071.80129871924, 670.1076227772668, 2.7538967407243353]])
_BAL_W = np.array([[-0.6204748998199404, 0.4898420501851982, 0.35688700816006075], [0.10541424899789856, -0.9304680447082047, -0.02925182246327349], [0.6953031944582878, -1.344214547285082, -0.45761576104021817]])
_BAL_G_LOG = np.array([[-3981.019958189203, -432743.78594496875, 112877585.56604677], [-27.921514196470653, -2797.9310064327606, 705703.6863175749], [0.2376080590046612, 17.67475458900518, -4100.148564056826]])
_BAL_H_LOG = np.array([
    [1918.4509818025767, 228018.77861047548, -61465302.25212994, 6.169841292945857, 706.3072581305926, -185523.7298684576, -0.03959146922243582, -4.01795217311883, 1002.9840274869688],
    [228018.77861047548, 28432571.182804648, -7857676775.822052, 1692.9195948089869, 202640.49751882916, -54870762.08919398, -3.7987935467450398, -433.44202714476006, 113549.03878127906],
    [-61465302.25212994, -7857676775.822052, 2202899555031.3096, -372033.7919677172, -46500922.07459541, 12869064427.367947, 1994.7914483259112, 237487.56405903658, -64072949.52309132],
    [6.169841292945857, 1692.9195948089869, -372033.7919677172, -0.0005674751937990697, 6.397532096669907, -1147.0669062031484, 1.7737006750488286e-06, -0.04087544207217178, 6.493447640932188],
    [706.3072581305926, 202640.49751882916, -46500922.07459541, 6.397532096669907, 1449.428135119248, -330887.1842944814, 0.001065293281495067, -3.972404143544515, 703.6539363743266],
    [-185523.7298684576, -54870762.08919398, 12869064427.367947, -1147.0669062031484, -330887.1842944814, 76061379.74191776, 6.445508560570568, 1758.925190105485, -387519.06657641183],
    [-0.03959146922243582, -3.7987935467450398, 1994.7914483259112, 1.7737006750488286e-06, 0.001065293281495067, 6.445508560570568, -2.149166847655913e-09, -5.085524410853459e-06, -0.04120125702936946],
    [-4.01795217311883, -433.44202714476006, 237487.56405903658, -0.04087544207217178, -3.972404143544515, 1758.925190105485, -5.085524410853459e-06, -0.00112224329023504, -3.96949617778175],
    [1002.9840274869688, 113549.03878127906, -64072949.52309132, 6.493447640932188, 703.6539363743266, -387519.06657641183, -0.04120125702936946, -3.96949617778175, 2074.220866917494],
])
_BAL_G_SQRT = np.array([[-1410.901894946697, -122210.47716681212, 28537378.955527652], [-11.889267969632881, -892.2735034772429, 197738.6731018895], [0.2036763873672438, 7.400491176772183, -1440.1669817754866]])
_BAL_H_SQRT = np.array([
    [545.4997157569984, 55759.15288977448, -13761951.809613248, 1.9895404291152934, 190.15650184535951, -45101.0737990862, -0.017108390841677354, -1.3029850684655202, 284.0895433314357],
    [55759.15288977448, 6204617.922804289, -1594795259.2786536, 469.19280205681355, 48663.65871935475, -12105093.071597282, -1.2350441633664853, -117.77222909596598, 27854.278257279744],
    [-13761951.809613248, -1594795259.2786536, 419107311126.419, -90258.89870519818, -10078586.999678878, 2595697642.8850217, 564.3784438860613, 57862.274552706855, -14301517.340905191],
    [1.9895404291152934, 469.19280205681355, -90258.89870519818, -0.0001493831688557531, 2.05593421181635, -305.8595260765701, 5.523873871122916e-07, -0.0175683136241679, 2.080613320436219],
    [190.15650184535951, 48663.65871935475, -10078586.999678878, 2.05593421181635, 387.5334201029127, -78869.28154717882, 0.00028222326527946, -1.2851290705845944, 189.3612446889422],
    [-45101.0737990862, -12105093.071597282, 2595697642.8850217, -305.8595260765701, -78869.28154717882, 16374131.657656573, 2.067839548471997, 485.01944262985864, -93676.19103594593],
    [-0.017108390841677354, -1.2350441633664853, 564.3784438860613, 5.523873871122916e-07, 0.00028222326527946, 2.067839548471997, -7.151267980492476e-10, -1.615412186711228e-06, -0.017665115473938387],
    [-1.3029850684655202, -117.77222909596598, 57862.274552706855, -0.0175683136241679, -1.2851290705845944, 485.01944262985864, -1.615412186711228e-06, -0.00029834565657062663, -1.2839429691252278],
    [284.0895433314357, 27854.278257279744, -14301517.340905191, 2.080613320436219, 189.3612446889422, -93676.19103594593, -0.017665115473938387, -1.2839429691252278, 583.9462000841343],
])
_BAL_G_POW = np.array([[-1035.4883311313883, -99008.00512182753, 24200058.35397943], [-8.07524097542902, -687.3897184922251, 160668.96299927108], [0.09855550717184128, 5.083399270533955, -1061.0899637265884]])
_BAL_H_POW = np.array([
    [440.56589940140265, 47989.721987017816, -12280389.003877226, 1.5251745539464472, 157.31529837117202, -38907.30106076101, -0.0115497030115814, -0.9966760964668733, 229.8206931328637],
    [47989.721987017816, 5598806.059490617, -1482252510.4800074, 383.1910370619728, 42208.90998557693, -10870203.132504527, -0.9443523165494081, -97.10662211905526, 23947.977734947155],
    [-12280389.003877226, -1482252510.4800074, 399935059731.9534, -77926.20559752033, -9119187.73772308, 2418517375.9639087, 456.7809937081659, 49876.579169202545, -12778479.071936015],
    [1.5251745539464472, 383.1910370619728, -77926.20559752033, -0.0001246984023583295, 1.578424900617154, -254.01041703184944, 4.295079079464233e-07, -0.011888270951743824, 1.599143996306978],
    [157.31529837117202, 42208.90998557693, -9119187.73772308, 1.578424900617154, 321.5603885453328, -68609.94703623813, 0.00023499278184483538, -0.9846920535836083, 156.7331724570708],
    [-38907.30106076101, -10870203.132504527, 2418517375.9639087, -254.01041703184944, -68609.94703623813, 14855430.880862579, 1.5886071394485424, 396.9719401677315, -80999.83706332139],
    [-0.0115497030115814, -0.9443523165494081, 456.7809937081659, 4.295079079464233e-07, 0.00023499278184483538, 1.5886071394485424, -5.41485468195403e-10, -1.2459543027788873e-06, -0.011965006994167537],
    [-0.9966760964668733, -97.10662211905526, 49876.579169202545, -0.011888270951743824, -0.9846920535836083, 396.9719401677315, -1.2459543027788873e-06, -0.00024811677702705885, -0.9838471022758047],
    [229.8206931328637, 23947.977734947155, -12778479.071936015, 1.599143996306978, 156.7331724570708, -80999.83706332139, -0.011965006994167537, -0.9838471022758047, 473.6146194022764],
])

_BAL_F = {"logm": (L.logm, _BAL_G_LOG, _BAL_H_LOG),
          "sqrtm": (L.sqrtm, _BAL_G_SQRT, _BAL_H_SQRT),
          # a real matrix's real power: SciPy returns it complex (zero imaginary part)
          "fractional_matrix_power": (lambda a: dnp.real(L.fractional_matrix_power(a, 0.3)),
                                      _BAL_G_POW, _BAL_H_POW)}
_BAL_NEST = {"hessian": ad.hessian, "jacfwd(jacfwd)": lambda f: ad.jacfwd(ad.jacfwd(f)),
             "jacrev(jacrev)": lambda f: ad.jacrev(ad.jacrev(f)),
             "jacfwd(jacrev)": lambda f: ad.jacfwd(ad.jacrev(f)),
             "jacrev(jacfwd)": lambda f: ad.jacrev(ad.jacfwd(f))}


@pytest.mark.parametrize("name", list(_BAL_F))
def test_matfunc_first_order_at_a_badly_scaled_matrix(name):
    f, G, _ = _BAL_F[name]
    S = lambda a: dnp.sum(_BAL_W * f(a))           # noqa: E731
    for g in (ad.grad(S)(_BAL_A), ad.jacrev(S)(_BAL_A), ad.jacfwd(S)(_BAL_A)):
        assert _rel(g, G) < 2e-14
    unit = np.eye(9).reshape(9, 3, 3)
    jv = np.array([ad.jvp(S, (_BAL_A,), (u,))[1] for u in unit]).reshape(3, 3)
    assert _rel(jv, G) < 2e-14
    np.testing.assert_allclose(ad.grad(S)(_BAL_A), G, rtol=5e-14, atol=0)


@pytest.mark.parametrize("nest", list(_BAL_NEST))
@pytest.mark.parametrize("name", list(_BAL_F))
def test_matfunc_second_order_at_a_badly_scaled_matrix(name, nest):
    f, _, H = _BAL_F[name]
    S = lambda a: dnp.sum(_BAL_W * f(a))           # noqa: E731
    got = _BAL_NEST[nest](S)(_BAL_A).reshape(9, 9)
    assert _rel(got, H) < 3e-13
    np.testing.assert_allclose(got, H, rtol=3e-12, atol=0)     # entries span 1e-12..1e13


def test_logm_stack_with_a_badly_scaled_matrix():
    """Each matrix of a stack is balanced by its own scaling; the well-scaled one's
    truth is the block identity evaluated by SciPy (``L(B, W^T)^T``)."""
    b = _BAL_A * np.outer([1.0, 1e-3, 1e-6], [1.0, 1e3, 1e6])      # ~ B, well scaled
    g = ad.grad(lambda x: dnp.sum(_BAL_W * L.logm(x)))(np.stack([_BAL_A, b]))
    assert _rel(g[0], _BAL_G_LOG) < 2e-14
    blk = sl.logm(np.block([[b, _BAL_W.T], [np.zeros((N, N)), b]]))[:N, N:]
    assert _rel(g[1], blk.T) < 1e-13
