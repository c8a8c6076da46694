"""Specs for dualad.scipy.linalg: every primitive, second order (the
functions are smooth on the drawn, well-conditioned matrices)."""
import numpy as np
import scipy.linalg as _sl
from hypothesis import strategies as st

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
