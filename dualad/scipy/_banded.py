"""The banded solve shared by ``dualad.scipy.interpolate`` (CubicSpline's and
interp1d's collocation systems) and ``dualad.scipy.linalg.solve_banded`` /
``solveh_banded``: one primitive, ``"interpolate.solve_banded"`` (its historical
name), whose value is ``scipy.linalg.solve_banded``'s and whose rules are banded
solves with the same matrix and its transpose, O(n (l + u)) per column."""
from __future__ import annotations

import numpy as _np
import scipy.linalg as _sl

from .. import numpy as dnp
from ..numpy._casting import real_for
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import primal_of, shape_of


# --- the banded solve -----------------------------------------------------------------------
#
# ``ab`` (l + u + 1, n): SciPy's banded storage, ``ab[u + i - j, j] = A[i, j]``; for
# the default (l, u) = (1, 1): ab[0, 1:] the upper diagonal, ab[1] the diagonal,
# ab[2, :-1] the lower one (ab[0, 0] and ab[2, -1] are not read).  ``b`` (n, r).
# ``l_and_u`` is a static keyword (CubicSpline's systems are tridiagonal,
# interp1d's B-spline collocation systems have (l, u) = (k, k)).  The rules accept
# leading batch axes on the tangent / cotangent, which are moved into the
# right-hand side's columns.

def _solve_banded_impl(ab, b, l_and_u=(1, 1)):
    return _sl.solve_banded(tuple(l_and_u), ab, b, overwrite_ab=False, overwrite_b=False,
                            check_finite=False)


solve_banded_p = primitive(_solve_banded_impl, name="interpolate.solve_banded")


def _solve_cols(ab, t, l_and_u=(1, 1)):
    """``A^{-1} t`` for ``t`` of shape ``batch + (n, r)``."""
    sh = shape_of(t)
    nb = len(sh) - 2
    if nb == 0:
        return solve_banded_p(ab, t, l_and_u=l_and_u)
    perm = (nb, nb + 1) + tuple(range(nb))
    cols = dnp.reshape(dnp.transpose(t, perm), (sh[-2], -1))
    out = dnp.reshape(solve_banded_p(ab, cols, l_and_u=l_and_u), sh[-2:] + sh[:nb])
    inv = tuple(range(2, 2 + nb)) + (0, 1)
    return dnp.transpose(out, inv)


def _shifted(v, d, zero):
    """The 1-D ``v`` (last axis, length n) shifted left by ``d`` (right for ``d < 0``):
    ``out[..., j] = v[..., j + d]``, zero outside."""
    n = shape_of(v)[-1]
    if d == 0:
        return v
    if abs(d) >= n:
        return dnp.zeros_like(v)
    pad = dnp.broadcast_to(zero, shape_of(v)[:-1] + (abs(d),))
    if d > 0:
        return dnp.concatenate([v[..., d:], pad], axis=-1)
    return dnp.concatenate([pad, v[..., :n + d]], axis=-1)


def _transposed(ab, l_and_u=(1, 1)):
    """The banded storage of ``A^T`` (the transpose, not the conjugate), whose
    (l, u) are A's (u, l): ``abT[l + u - r, j] = ab[r, j + u - r]``."""
    l, u = l_and_u
    z = dnp.zeros((1,), dtype=_np.result_type(primal_of(ab)))
    rows = [_shifted(ab[r], u - r, z) for r in range(l + u + 1)]
    return dnp.stack(rows[::-1])


def _band_matvec(t, x, l_and_u=(1, 1)):
    """``T x`` for the banded ``t`` (``batch + (l + u + 1, n)``) and ``x`` (``(n, r)``):
    row ``r`` of ``t`` is the diagonal at offset ``d = u - r``,
    ``(T x)[i] += t[r, i + d] x[i + d]``."""
    l, u = l_and_u
    sh = shape_of(t)
    n = sh[-1]
    out = None
    for r in range(l + u + 1):
        d = u - r
        if abs(d) >= n:
            continue
        term = t[..., r, :, None] * x
        if d:
            zero = dnp.zeros(sh[:-2] + (abs(d),) + shape_of(x)[1:],
                             dtype=_np.result_type(primal_of(term)))
            term = (dnp.concatenate([term[..., d:, :], zero], axis=-2) if d > 0 else
                    dnp.concatenate([zero, term[..., :n + d, :]], axis=-2))
        out = term if out is None else out + term
    return out


def _sb_jvp_ab(t, ans, ab, b, l_and_u=(1, 1)):
    return -_solve_cols(ab, _band_matvec(t, ans, l_and_u), l_and_u)


def _sb_jvp_b(t, ans, ab, b, l_and_u=(1, 1)):
    return _solve_cols(ab, t, l_and_u)


def _sb_vjp_ab(g, ans, ab, b, l_and_u=(1, 1)):
    # the cotangent of A is -gb ans^T (gb = A^{-T} g), read on the band:
    # ab[r, j] = A[j - d, j] with d = u - r
    l, u = l_and_u
    gb = _solve_cols(_transposed(ab, l_and_u), g, (u, l))    # batch + (n, r)
    sh = shape_of(gb)
    n = sh[-2]
    zero = dnp.zeros(sh[:-2] + (1,), dtype=_np.result_type(primal_of(gb), primal_of(ans)))
    rows = []
    for r in range(l + u + 1):
        d = u - r
        if abs(d) >= n:
            rows.append(dnp.broadcast_to(zero, sh[:-2] + (n,)))
            continue
        pad = dnp.broadcast_to(zero, sh[:-2] + (abs(d),))
        if d > 0:              # columns j = d .. n - 1
            v = -dnp.sum(gb[..., :n - d, :] * ans[d:], axis=-1)
            v = dnp.concatenate([pad, v], axis=-1)
        elif d < 0:            # columns j = 0 .. n - 1 + d
            v = -dnp.sum(gb[..., -d:, :] * ans[:n + d], axis=-1)
            v = dnp.concatenate([v, pad], axis=-1)
        else:
            v = -dnp.sum(gb * ans, axis=-1)
        rows.append(v)
    return real_for(dnp.stack(rows, axis=-2), ab)


def _sb_vjp_b(g, ans, ab, b, l_and_u=(1, 1)):
    l, u = l_and_u
    return real_for(_solve_cols(_transposed(ab, l_and_u), g, (u, l)), b)


defjvp(solve_banded_p, _sb_jvp_ab, _sb_jvp_b)
defvjp_direct(solve_banded_p, _sb_vjp_ab, _sb_vjp_b)
