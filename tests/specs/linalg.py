"""Specs for dualad.numpy.linalg: every primitive, stacked inputs, second order
where the function is smooth.

Decompositions whose outputs carry a gauge (signs of eigen/singular vectors,
complex scale of eig's vectors) are checked through gauge-invariant functions
of their outputs, which still exercise every part of the rules.
"""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.tracer import primal_of
from dualad.testing.strategies import arrays, spd_matrices, square_matrices

from . import Spec

L = dnp.linalg


def _mT(x):
    return np.swapaxes(x, -1, -2) if isinstance(x, np.ndarray) else dnp.swapaxes(x, -1, -2)


def _sym(a):
    return (a + dnp.swapaxes(a, -1, -2)) * 0.5


def _tup(s):
    return s.map(lambda a: (a,))


def _small(strategy_fn, **kw):
    """Matrices of side 1..3, plain or stacked (batch (2,))."""
    return st.integers(1, 3).flatmap(
        lambda n: st.one_of(strategy_fn(n=n, **kw), strategy_fn(n=n, batch=(2,), **kw)))


sq = _tup(_small(square_matrices))
# well-conditioned complex matrices: a (well conditioned) plus 0.3i times another
_complex_sq = st.integers(1, 3).flatmap(lambda n: st.sampled_from([(), (2,)]).flatmap(
    lambda b: st.tuples(square_matrices(n=n, batch=b), square_matrices(n=n, batch=b)))).map(
        lambda p: (p[0] + 0.3j * p[1],))
spd = _tup(_small(spd_matrices))


def _gaps(w, tol):
    w = np.sort(np.real_if_close(w), axis=-1) if np.isrealobj(w) else w
    if w.shape[-1] < 2:
        return True
    d = np.abs(w[..., :, None] - w[..., None, :]) + np.eye(w.shape[-1]) * 1e9
    return bool(np.min(d) > tol)


sym_distinct = _tup(st.one_of(arrays(st.sampled_from([(2, 2), (3, 3), (2, 3, 3), (2, 2, 2)]),
                                     low=-1.0, high=1.0))
                    .filter(lambda a: _gaps(np.linalg.eigvalsh(_sym(a)), 0.2)))

nonsym_distinct = _tup(arrays(st.sampled_from([(2, 2), (3, 3), (2, 3, 3)]), low=-1.0, high=1.0)
                       .filter(lambda a: _gaps(np.linalg.eigvals(a), 0.3)
                               and bool(np.all(np.linalg.cond(np.linalg.eig(a)[1]) < 20))))


def _svd_ok(a):
    s = np.linalg.svd(a, compute_uv=False)
    return bool(np.min(s) > 0.2) and _gaps(s, 0.2)


rect = _tup(arrays(st.sampled_from([(2, 2), (3, 2), (2, 3), (2, 3, 2), (2, 2, 3), (1, 3)]))
            .filter(_svd_ok))
tall = _tup(arrays(st.sampled_from([(2, 2), (3, 2), (2, 3, 2), (3, 3), (2, 3), (2, 2, 3)]),
                   low=-1.0, high=1.0)
            .filter(lambda a: bool(np.min(np.abs(np.linalg.qr(a[..., :, :min(a.shape[-2:])],
                                                              mode="r").diagonal(0, -2, -1)))
                                   > 0.2)))


def _solve_args():
    def build(a):
        n = a.shape[-1]
        bshape = st.sampled_from([(n,), (n, 2), (2, n, 1), a.shape[:-2] + (n, 2)])
        return bshape.flatmap(lambda s: st.tuples(st.just(a), arrays(s)))
    return _small(square_matrices).flatmap(build)


def _eigh_fun(a):
    w, v = L.eigh(_sym(a))
    c = np.arange(1.0, 1.0 + np.shape(a)[-1])
    # eigenvalues and a weighted sum of the eigenprojectors (sign-invariant)
    return w, (v * c) @ dnp.swapaxes(v, -1, -2)


def _sorted(w):
    """``w`` in a fixed order (LAPACK's order can jump where the input has exact
    zeros, e.g. at triangular matrices; the set of eigenvalues does not)."""
    wv = np.asarray(primal_of(w))
    key = np.round(wv.real, 6) + 1e-3 * wv.imag
    idx = np.argsort(key, axis=-1)
    if w.ndim == 1:
        return w[idx]
    return w[np.arange(w.shape[0])[:, None], idx]


def _qr_fun(a, mode="reduced"):
    """Q and R with diag(R) > 0 (LAPACK's signs jump where sub-diagonal entries
    are exactly 0; the sign-fixed factorization is smooth)."""
    q, r = L.qr(a)
    sgn = dnp.sign(r[..., np.arange(r.shape[-2]), np.arange(r.shape[-2])])
    return q * sgn[..., None, :], r * sgn[..., :, None]


def _eig_fun(a):
    w, v = L.eig(a)
    f = v @ (dnp.sin(w)[..., None] * L.inv(v))     # sin(A): invariant under column scaling
    return _sorted(w), f


def _svd_fun(a):
    u, s, vt = L.svd(a, full_matrices=False)
    k = np.shape(s)[-1]
    c = np.arange(1.0, 1.0 + k)
    return s, (u * c) @ vt, (u * c) @ _mT(u), (_mT(vt) * c) @ vt


def _norm_spec(name, ordv, axis, x_st, order, keepdims=False):
    covers = ("linalg.svd",) if ordv in ("nuc", 2, -2) and axis != -1 else ("sum",)
    if ordv in (None, "fro"):
        covers = ("linalg.two_norm",)
    return Spec(name, lambda x: L.norm(x, ordv, axis=axis, keepdims=keepdims), _tup(x_st),
                covers=covers, order=order)


vec = arrays(st.sampled_from([(3,), (4,)]), avoid=[0.0], margin=0.1)
mats = arrays(st.sampled_from([(2, 3), (3, 2), (2, 2)]), avoid=[0.0], margin=0.1)
stacked = arrays((2, 3, 2), avoid=[0.0], margin=0.1)


def _distinct_abs(a):
    """The largest and the smallest |entry| along the last axis are unique."""
    v = np.sort(np.abs(a), axis=-1)
    return v.shape[-1] < 2 or bool(np.min(v[..., -1] - v[..., -2]) > 0.05
                                   and np.min(v[..., 1] - v[..., 0]) > 0.05)


def _distinct_sums(axis):
    """The extreme column (``axis=-2``) or row (``axis=-1``) sums of |a| are
    unique: the matrix 1- and inf-norms are then away from their kinks."""
    return lambda a: _distinct_abs(np.abs(a).sum(axis=axis))


SPECS = [
    Spec("linalg.inv", L.inv, sq),
    Spec("linalg.solve", L.solve, _solve_args()),
    Spec("linalg.det", L.det, sq),
    Spec("linalg.slogdet", lambda a: L.slogdet(a)[1], sq),
    # complex: the sign moves with the phase of the determinant, logabsdet is Re of log det
    Spec("linalg.slogdet_sign", lambda a: L.slogdet(a), _complex_sq,
         covers=("linalg.slogdet", "linalg.slogdet_sign")),
    Spec("linalg.cholesky", lambda a: L.cholesky(_sym(a)), spd),
    Spec("cholesky_upper", lambda a: L.cholesky(_sym(a), upper=True), spd,
         covers=("linalg.cholesky",)),
    Spec("linalg.qr", _qr_fun, tall),
    Spec("qr_r", lambda a: _qr_fun(a)[1] + 0 * L.qr(a, mode="r"), tall, covers=("linalg.qr",)),
    Spec("linalg.eigh", _eigh_fun, sym_distinct),
    Spec("eigh_upper", lambda a: L.eigh(_sym(a), UPLO="U")[0], sym_distinct,
         covers=("linalg.eigh",)),
    Spec("eigvalsh", lambda a: L.eigvalsh(_sym(a)), sym_distinct, covers=("linalg.eigh",)),
    Spec("linalg.eig", _eig_fun, nonsym_distinct),
    Spec("eigvals", lambda a: _sorted(L.eigvals(a)), nonsym_distinct, covers=("linalg.eig",)),
    Spec("linalg.svd", _svd_fun, rect),
    Spec("svdvals", lambda a: L.svd(a, compute_uv=False), rect, covers=("linalg.svd",)),
    Spec("pinv", L.pinv, rect, covers=("linalg.pinv",)),
    Spec("lstsq", lambda a, b: L.lstsq(a, b)[:2],
         st.sampled_from([((4, 2), (4,)), ((3, 2), (3, 2)), ((2, 2), (2,))]).flatmap(
             lambda s: st.tuples(arrays(s[0]).filter(_svd_ok), arrays(s[1]))),
         covers=("linalg.svd",)),
    Spec("cond", L.cond, rect, covers=("linalg.svd",)),
    Spec("matrix_power", lambda a: L.matrix_power(a, 3) + L.matrix_power(a, -2), sq,
         covers=("linalg.inv", "matmul")),
    Spec("multi_dot", lambda a, b, c: L.multi_dot([a, b, c]),
         st.tuples(arrays((3,)), arrays((3, 2)), arrays((2, 4))), covers=("matmul",)),
    Spec("tensorinv", lambda a: L.tensorinv(a, ind=1),
         _tup(square_matrices(n=4).map(lambda m: m.reshape(4, 2, 2))), covers=("linalg.inv",)),
    Spec("tensorsolve", L.tensorsolve,
         st.tuples(square_matrices(n=4).map(lambda m: m.reshape(4, 2, 2)), arrays((4,))),
         covers=("linalg.solve",)),
    # norms: smooth ones second order, piecewise ones first order away from kinks
    _norm_spec("norm_default", None, None, st.one_of(vec, mats), 2),
    _norm_spec("norm_vec_p3", 3, None, vec, 2),
    _norm_spec("norm_vec_p_half", 0.5, None, vec, 2),
    _norm_spec("norm_vec_p_neg", -1.5, -1, stacked, 2, keepdims=True),
    _norm_spec("norm_vec_1", 1, 0, stacked, 1),
    _norm_spec("norm_vec_inf", np.inf, -1, stacked.filter(_distinct_abs), 1),
    _norm_spec("norm_vec_neginf", -np.inf, None, vec.filter(_distinct_abs), 1),
    _norm_spec("norm_fro", "fro", (0, 2), stacked, 2, keepdims=True),
    _norm_spec("norm_nuc", "nuc", None, mats.filter(_svd_ok), 2),
    _norm_spec("norm_2", 2, (-1, -2), stacked.filter(_svd_ok), 2),
    _norm_spec("norm_neg2", -2, None, mats.filter(_svd_ok), 2),
    _norm_spec("norm_mat_1", 1, None, mats.filter(_distinct_sums(-2)), 1),
    _norm_spec("norm_mat_neg1", -1, (1, 2), stacked.filter(_distinct_sums(1)), 1),
    _norm_spec("norm_mat_inf", np.inf, None, mats.filter(_distinct_sums(-1)), 1),
    _norm_spec("norm_mat_neginf", -np.inf, None, mats.filter(_distinct_sums(-1)), 1),
    Spec("vector_norm", lambda x: L.vector_norm(x, axis=(0, 1), ord=3), _tup(stacked),
         covers=("sum", "power")),
    Spec("matrix_norm", lambda x: L.matrix_norm(x, ord="nuc", keepdims=True),
         _tup(stacked.filter(_svd_ok)), covers=("linalg.svd",)),
    # NumPy 2's array-API names, offsets, and the value-only matrix_rank
    Spec("linalg_array_api", lambda a, b: L.trace(a, offset=1) + L.trace(a, offset=-2)
         + L.diagonal(a, offset=-1).sum(-1) + L.vecdot(a, b).sum(-1)
         + (L.cross(a[..., :3], b[..., 1:], axis=-1) ** 2).sum(-1).sum(-1)
         + L.tensordot(a[0], b[1], axes=1).sum() + L.outer(a[0, 0], b[1, 1]).sum()
         + L.matrix_rank(a + 20.0 * np.eye(4)) * a[..., 0, 0],     # rank 4 near a
         st.tuples(arrays((2, 4, 4)), arrays((2, 4, 4))),
         covers=("getitem", "sum", "linalg.matrix_rank")),
]
