"""Specs for dualad.scipy.linalg: every primitive, second order (the
functions are smooth on the drawn, well-conditioned matrices)."""
import numpy as np
import scipy.linalg as _sl
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.tracer import primal_of
from dualad.scipy import linalg as L
from dualad.testing.strategies import arrays, spd_matrices, square_matrices

from . import Spec


def _with_rhs(mats, k=2):
    return mats.flatmap(lambda a: st.tuples(st.just(a), arrays((a.shape[-1], k))))


small = st.integers(1, 3)
sq = small.flatmap(lambda n: square_matrices(n))
sq_stack = small.flatmap(lambda n: square_matrices(n, batch=(2,)))
spd = small.flatmap(lambda n: spd_matrices(n))
def _tri(a, b, opts):
    trans, lower, unit = opts
    return L.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit)


SPECS = [
    Spec("scipy.linalg.solve", lambda a, b: (L.solve(a, b), L.solve(a, b[:, 0])), _with_rhs(sq)),
    Spec("scipy.linalg.solve_stacked", lambda a: L.solve_p(a, a), st.tuples(sq_stack),
         covers=("scipy.linalg.solve",)),
    Spec("scipy.linalg.inv", L.inv_p, st.tuples(st.one_of(sq, sq_stack))),
    Spec("scipy.linalg.det", L.det_p, st.tuples(st.one_of(sq, sq_stack))),
    Spec("scipy.linalg.solve_triangular",
         lambda a, b: tuple(_tri(a, b, o) for o in ((0, True, False), (1, False, True),
                                                     (1, True, False))),
         _with_rhs(sq)),
    Spec("scipy.linalg.cholesky", lambda a: (L.cholesky(a), L.cholesky(a, lower=True)),
         st.tuples(spd)),
    Spec("scipy.linalg.cho_solve",
         lambda a, b: (L.cho_solve(L.cho_factor(a), b), L.cho_solve(L.cho_factor(a, lower=True), b)),
         _with_rhs(spd), covers=("scipy.linalg.cholesky", "scipy.linalg.solve_triangular")),
    Spec("scipy.linalg.lu_solve",
         lambda a, b: (L.lu_solve(L.lu_factor(a), b), L.lu_solve(_sl.lu_factor(np.eye(a.shape[0]) * 3
                                                                               + np.triu(np.ones_like(a))), b, trans=1)),
         _with_rhs(sq), covers=("scipy.linalg.lu_solve", "scipy.linalg.solve")),
    # square_matrices are diagonally dominant: the pivots do not change under the
    # finite differences' steps
    Spec("scipy.linalg.lu_factor", lambda a: L.lu_factor(a)[0], st.tuples(sq)),
    Spec("scipy.linalg.expm", L.expm,
         st.tuples(st.one_of(sq, sq_stack).map(lambda a: 0.3 * (a - 2 * a.shape[-1] * np.eye(a.shape[-1]))))),
    Spec("scipy.linalg.logm", L.logm, st.tuples(spd.map(lambda a: a / np.trace(a) * a.shape[0])),
         max_examples=5),  # second order runs logm on 4n x 4n blocks: slow
    Spec("scipy.linalg.sqrtm", L.sqrtm, st.tuples(spd), covers=("scipy.linalg.sqrtm",
                                                                "scipy.linalg.solve_sylvester")),
    Spec("scipy.linalg.solve_sylvester", L.solve_sylvester,
         st.tuples(small, small).flatmap(lambda nm: st.tuples(
             square_matrices(nm[0]), square_matrices(nm[1]), arrays(nm)))),
    Spec("scipy.linalg.block_diag", lambda a, b, c: L.block_diag(a, b, c),
         st.tuples(sq, arrays((2, 3)), arrays(())), covers=("concatenate",)),
]


# --- SciPy's namesakes of the decompositions (tests/test_scipy_linalg_wrappers.py
# has the value checks and Richardson differences of SciPy's own functions) ----------
def _gaps(w, tol):
    w = np.sort(np.real(w), axis=-1)
    return w.shape[-1] < 2 or bool(np.min(np.diff(w, axis=-1)) > tol)


def _complexify(st_pair):
    return st_pair.map(lambda p: p[0] + 0.3j * p[1])


_shapes_sq = st.sampled_from([(2, 2), (3, 3), (2, 3, 3)])
# SciPy reads the lower triangle (lower=True): no symmetrizing, the gaps are those
# of the matrix it reads
herm_read = st.one_of(arrays(_shapes_sq, low=-1.0, high=1.0),
                      _complexify(_shapes_sq.flatmap(lambda s: st.tuples(
                          arrays(s, low=-1.0, high=1.0), arrays(s, low=-1.0, high=1.0))))
                      ).filter(lambda a: _gaps(_sl.eigvalsh(a), 0.2))


def _proj(v, c):
    """sum_i c_i v_i v_i^H: invariant under the vectors' sign / phase gauge."""
    return (v * c) @ np.conj(np.swapaxes(v, -1, -2))


def _eigh_fun(a, b=None, **kw):
    w, v = L.eigh(a, b, **kw)
    return w, _proj(v, np.arange(1.0, 1.0 + np.shape(v)[-1]))


def _svd_ok(a):
    s = np.linalg.svd(a, compute_uv=False)
    return bool(np.min(s) > 0.2) and _gaps(s, 0.2)


_shapes_rect = st.sampled_from([(2, 2), (3, 2), (2, 3), (3, 3), (2, 3, 2), (1, 3)])
rect = st.one_of(arrays(_shapes_rect),
                 _complexify(_shapes_rect.flatmap(lambda s: st.tuples(arrays(s), arrays(s))))
                 ).filter(_svd_ok)
rect2d = rect.filter(lambda a: a.ndim == 2)


def _svd_fun(a):
    u, s, vh = L.svd(a, full_matrices=False)
    c = np.arange(1.0, 1.0 + np.shape(s)[-1])
    return s, (u * c) @ vh, _proj(u, c), _proj(np.conj(np.swapaxes(vh, -1, -2)), c)


def _eig_fun(a):
    """Order- and scale-invariant: sum(w^2) and V diag(w^2) V^-1 (= a @ a)."""
    w, v = L.eig(a)
    return dnp.sum(w ** 2), v @ ((w ** 2)[:, None] * dnp.linalg.inv(v))


def ad_value(x):
    return np.asarray(primal_of(x))


def _qr_signed(q, r, r_only):
    k = min(np.shape(r))
    sgn = np.sign(np.diagonal(ad_value(r))[:k])
    sgn = np.where(sgn == 0, 1.0, sgn)
    return q * sgn, r * sgn[:, None], r_only[:k] * sgn[:, None]


def _gen_args():
    # both eigenproblems the spec differentiates need distinct eigenvalues: the
    # lower triangle with type 1 and the upper one with type 3 (a = [[0, 0], [1, 0]]
    # has eigenvalues +-1 in the first and a double 0 in the second)
    return small.flatmap(lambda n: st.tuples(arrays((n, n), low=-1.0, high=1.0),
                                             spd_matrices(n))).filter(
        lambda ab: _gaps(_sl.eigvalsh(ab[0], ab[1]), 0.2)
        and _gaps(_sl.eigh(ab[0], ab[1], type=3, lower=False, eigvals_only=True), 0.2))


def _distinct_eig(a):
    w, v = np.linalg.eig(a)
    gap = np.abs(w[:, None] - w[None, :]) + 9.0 * np.eye(a.shape[0])
    return bool(np.min(gap) > 0.3 and np.linalg.cond(v) < 20)


square_distinct_eig = arrays(st.sampled_from([(2, 2), (3, 3)]), low=-1.0, high=1.0).filter(
    _distinct_eig)


def _geig_fun(a, b):
    """The generalized problem, order- and scale-invariant: sum(w^2) and
    V diag(w^2) V^-1 (= (b^-1 a)^2)."""
    w, v = L.eig(a, b)
    return dnp.sum(w ** 2), v @ ((w ** 2)[:, None] * dnp.linalg.inv(v))


def _distinct_pencil(ab):
    return _distinct_eig(np.linalg.solve(ab[1], ab[0]))


pencils = small.flatmap(lambda n: st.tuples(arrays((n, n), low=-1.0, high=1.0),
                                            spd_matrices(n))).filter(_distinct_pencil)

SPECS += [
    Spec("scipy.linalg.eigh", _eigh_fun, st.tuples(herm_read)),
    Spec("scipy_eigh_upper_values_only",
         lambda a: (L.eigh(a, lower=False, eigvals_only=True), L.eigvalsh(a, lower=False)),
         st.tuples(herm_read.map(lambda a: np.swapaxes(a, -1, -2))),
         covers=("scipy.linalg.eigh",)),
    Spec("scipy_eigh_subset",
         lambda a: _eigh_fun(a, subset_by_index=[0, a.shape[-1] // 2]), st.tuples(herm_read),
         covers=("scipy.linalg.eigh",)),
    Spec("scipy_eigh_generalized",
         lambda a, b: _eigh_fun(a, b) + _eigh_fun(a, b, type=3, lower=False), _gen_args(),
         covers=("scipy.linalg.eigh", "scipy.linalg.cholesky", "scipy.linalg.solve_triangular")),
    Spec("scipy.linalg.svd", _svd_fun, st.tuples(rect)),
    Spec("scipy_svdvals_pinv",
         lambda a: (L.svdvals(a), L.svd(a, compute_uv=False), L.pinv(a)), st.tuples(rect),
         covers=("scipy.linalg.svd",)),
    Spec("scipy_lstsq", lambda a, b: L.lstsq(a, b)[:2] + (L.lstsq(a, b)[3],),
         rect2d.flatmap(lambda a: st.tuples(st.just(a), arrays(a.shape[:1]))),
         covers=("scipy.linalg.svd",)),
    # real input: dualad.numpy.linalg.norm's second derivatives of complex input are
    # not this file's to check
    Spec("scipy_norm", lambda a: (L.norm(a), L.norm(a, 2)),
         st.tuples(rect2d.filter(lambda a: a.dtype.kind == "f")),
         covers=("scipy.linalg.svd",)),
    Spec("scipy.linalg.polar", lambda a: L.polar(a) + L.polar(a, "left"), st.tuples(rect2d),
         covers=("scipy.linalg.polar", "scipy.linalg.solve_sylvester", "scipy.linalg.solve")),
    # signs fixed (diag(R) > 0): LAPACK's jump where entries are exactly 0.
    # pivoting: tests/test_scipy_linalg_wrappers.py (ties of column norms move the pivots)
    Spec("scipy_qr", lambda a: _qr_signed(*L.qr(a, mode="economic"), L.qr(a, mode="r")[0]),
         st.tuples(arrays(st.sampled_from([(2, 2), (3, 2), (3, 3)]), low=-1.0, high=1.0)
                   .filter(lambda a: np.min(np.abs(np.diag(np.linalg.qr(a, mode="r")))) > 0.2)),
         covers=("linalg.qr",)),
    # square_matrices are diagonally dominant: the pivots stay put under the steps
    Spec("scipy_lu", lambda a: L.lu(a)[1:] + L.lu(a, permute_l=True), st.tuples(sq),
         covers=("scipy.linalg.lu_factor",)),
    Spec("scipy_eig", _eig_fun, st.tuples(square_distinct_eig), covers=("linalg.eig",)),
    Spec("scipy.linalg.eig(a, b)", _geig_fun, pencils),
    Spec("scipy_expm_frechet", lambda a, e: L.expm_frechet(0.3 * a, e),
         small.flatmap(lambda n: st.tuples(square_matrices(n), arrays((n, n)))),
         covers=("scipy.linalg.expm",), max_examples=10),
    Spec("scipy_lyapunov", L.solve_continuous_lyapunov,
         small.flatmap(lambda n: st.tuples(square_matrices(n).map(   # eigenvalues in Re < 0 (Gershgorin)
             lambda a: a - (np.abs(a).sum() + 1.0) * np.eye(n)), arrays((n, n)))),
         covers=("scipy.linalg.solve_sylvester",)),
    Spec("scipy_structured",
         lambda c, r: (L.toeplitz(c), L.toeplitz(c, r), L.hankel(c), L.hankel(c, r),
                       L.circulant(r)),
         st.tuples(arrays(st.sampled_from([(1,), (3,)])), arrays(st.sampled_from([(2,), (4,)]))),
         covers=("getitem", "concatenate")),
]


# --- matrix functions (tests/test_scipy_matfuncs.py has the value checks and
# Richardson differences of SciPy's own functions at the identity, repeated and
# defective eigenvalues) ---------------------------------------------------------------------
def _centered(a):
    """square_matrices without their shift: entries in [-0.4, 0.4], spectral radius
    below 1.2 for n <= 3 (away from tan's and tanh's poles at +-pi/2)."""
    n = a.shape[-1]
    return 0.4 * (a - 2.0 * n * np.eye(n))


def _half_plane(a):
    """Rows of a diagonally dominant matrix scaled by +-1 / (2n): every eigenvalue
    has |Re| >= 1/2 (Gershgorin), both signs for n >= 2."""
    n = a.shape[-1]
    return a * (np.where(np.arange(n) % 2 == 0, 1.0, -1.0) / (2.0 * n))[:, None]


def _simple_eig(a):
    """Eigenvalues 0.1 apart: a difference step cannot split a repeated real
    eigenvalue into a complex pair (SciPy's A^t would turn complex there)."""
    w = np.linalg.eigvals(a)
    gap = np.abs(w[..., :, None] - w[..., None, :]) + np.eye(a.shape[-1])
    return bool(np.min(gap) > 0.1)


_mf = st.one_of(sq, sq_stack).map(_centered)
_sq_pair = small.flatmap(lambda n: st.tuples(square_matrices(n), square_matrices(n)))
_mf_c = _sq_pair.map(lambda p: _centered(p[0]) + 0.3j * _centered(p[1]))

SPECS += [
    Spec("scipy_cosm_sinm_tanm", lambda a: (L.cosm(a), L.sinm(a), L.tanm(a)),
         st.tuples(st.one_of(_mf, _mf_c)), covers=("scipy.linalg.expm", "scipy.linalg.solve"),
         max_examples=10),
    Spec("scipy_coshm_sinhm_tanhm", lambda a: (L.coshm(a), L.sinhm(a), L.tanhm(a)),
         st.tuples(st.one_of(_mf, _mf_c)), covers=("scipy.linalg.expm", "scipy.linalg.solve"),
         max_examples=10),
    Spec("scipy.linalg.signm", L.signm,
         st.tuples(st.one_of(sq, sq_stack).map(_half_plane)),
         covers=("scipy.linalg.signm", "scipy.linalg.solve_sylvester")),
    Spec("scipy_signm_complex", L.signm,
         st.tuples(_sq_pair.map(lambda p: _half_plane(p[0]) + 0.2j * _centered(p[1]))),
         covers=("scipy.linalg.signm",), max_examples=10),
    # second order runs SciPy's Schur-Pade on 4n x 4n blocks: few examples
    # real positive eigenvalues 0.1 apart (SPD, or triangular and non-normal): A^t
    # stays real however the difference steps move A and t (a complex pair, or a
    # negative eigenvalue, turns SciPy's A^t complex at a non-integer t)
    Spec("scipy.linalg.fractional_matrix_power", L.fractional_matrix_power,
         st.tuples(st.one_of(
             small.flatmap(lambda n: spd_matrices(n, batch=(2,)) | spd_matrices(n)).map(
                 lambda a: a / (2.0 * a.shape[-1])),
             sq.map(lambda a: np.triu(a, 1) + np.diag(1.0 + 0.4 * np.arange(a.shape[-1])))
         ).filter(_simple_eig), st.sampled_from([0.5, -0.7, 1.3, 2.0])),
         covers=("scipy.linalg.fractional_matrix_power", "scipy.linalg.logm"), max_examples=6),
]


# --- discrete Lyapunov and algebraic Riccati equations (tests/test_scipy_linalg_more.py
# has the value checks and Richardson differences of SciPy's solvers) ------------------------
def _sym(x):
    return 0.5 * (x + dnp.swapaxes(x, -1, -2))


def _are_args(n_m, kind):
    """a stable (continuous: Re < 0 by Gershgorin; discrete: spectral radius < 0.6),
    so that (a, b) is stabilizable whatever b; q, r positive definite; e near I."""
    n, m = n_m
    stable = ((lambda a: a - (np.abs(a).sum() + 1.0) * np.eye(n)) if kind == "c" else
              (lambda a: 0.5 * _centered(a)))
    return st.tuples(square_matrices(n).map(stable), arrays((n, m)), spd_matrices(n),
                     spd_matrices(m), arrays((n, m)).map(lambda s: 0.1 * s),
                     arrays((n, n)).map(lambda e: np.eye(n) + 0.1 * e))


_are_sizes = st.tuples(small, st.integers(1, 2))

SPECS += [
    Spec("scipy.linalg.solve_discrete_lyapunov",
         lambda a, q: (L.solve_discrete_lyapunov(a, q), L.solve_discrete_lyapunov(
             a, q, method="bilinear")),
         st.tuples(st.one_of(sq, sq_stack).map(lambda a: 0.5 * _centered(a)),
                   small.flatmap(lambda n: arrays((n, n)))).filter(
                       lambda p: p[1].shape[-1] == p[0].shape[-1]), max_examples=6),
    # q and r are read as their symmetric parts: differences along any direction are
    # those of SciPy's solver at symmetric q and r.  With e, balanced=False: SciPy's
    # balancing of the generalized pencil sometimes returns a non-solution
    Spec("scipy.linalg.solve_continuous_are",
         lambda a, b, q, r, s, e: (L.solve_continuous_are(a, b, _sym(q), _sym(r), s=s),
                                   L.solve_continuous_are(a, b, _sym(q), _sym(r), e=e, s=s,
                                                      balanced=False)),
         _are_sizes.flatmap(lambda nm: _are_args(nm, "c")), max_examples=6),
    Spec("scipy.linalg.solve_discrete_are",
         lambda a, b, q, r, s, e: (L.solve_discrete_are(a, b, _sym(q), _sym(r), s=s),
                                   L.solve_discrete_are(a, b, _sym(q), _sym(r), e=e, s=s,
                                                      balanced=False)),
         _are_sizes.flatmap(lambda nm: _are_args(nm, "d")), max_examples=6),
    Spec("scipy_banded_toeplitz_circulant",
         lambda ab, c, b: (L.solve_banded((1, 1), ab, b), L.solveh_banded(ab[:2], b),
                           L.solveh_banded(ab[1:], b, lower=True), L.solve_toeplitz(c, b),
                           L.solve_circulant(c, b)),
         st.integers(2, 3).flatmap(lambda n: st.tuples(     # SciPy's ptsv fails at n = 1
             arrays((3, n)).map(lambda ab: ab + np.array([[0.0], [4.0], [0.0]])),
             arrays((n,)).map(lambda c: c + np.eye(1, n)[0] * 4.0), arrays((n, 2)))),
         covers=("interpolate.solve_banded", "scipy.linalg.solve"), max_examples=6),
]


def _rq_signed(r, q):
    # LAPACK's Householder sign flips where a row is already reduced (a triangular
    # a): SciPy's rq is discontinuous there; compare in the positive-diagonal gauge
    sgn = np.sign(np.diagonal(ad_value(r)))
    sgn = np.where(sgn == 0, 1.0, sgn)
    return r * sgn[None, :], q * sgn[:, None]


SPECS += [
    Spec("scipy_pinvh_rq_procrustes",
         lambda a, b: (L.pinvh(a),) + _rq_signed(*L.rq(a)) + (L.orthogonal_procrustes(a, b)[0],
                       L.orthogonal_procrustes(a, b)[1], L.khatri_rao(a, b), L.companion(a[0]),
                       L.convolution_matrix(a[0], 2, "same")),
         st.integers(2, 3).flatmap(lambda n: st.tuples(square_matrices(n), square_matrices(n))),
         covers=("linalg.pinv", "scipy.linalg.polar", "linalg.qr"), max_examples=6),
]
