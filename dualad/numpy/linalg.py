"""Differentiable ``numpy.linalg``: the rule table.

Every function takes stacked matrices (``(..., m, n)``) like NumPy.  Rules
keep the batch axes of a tangent / cotangent in front of the stack axes, and
are written with registry operations only, so they differentiate again.

Decompositions that return several arrays (``qr``, ``eigh``, ``eig``,
``svd``) are one primitive each whose value is the outputs *packed* along the
second-to-last axis (for example ``eigh`` gives ``(..., n + 1, n)``: the
eigenvalues on row 0, the eigenvectors below); the public functions unpack it
with indexing, so one decomposition serves every output and its derivative.

Conventions at special points (see docs/linalg.md):

* ``cholesky`` and ``eigh`` / ``eigvalsh`` read one triangle of the input;
  their derivative assumes the perturbation is symmetric: it is the
  derivative along ``(dA + dA^T) / 2`` (``(dA + dA^H) / 2`` for complex
  ``A``: Hermitian input, whose diagonal LAPACK reads as real).
* Degenerate eigenvalues (``eigh``, ``eig``) and singular values (``svd``):
  the ``1 / (l_j - l_i)`` factors are set to 0 for equal values.  Derivatives
  of eigenvalues and of functions invariant under rotations inside each
  degenerate eigenspace (``eigvalsh``, ``norm(A, 2)`` of a symmetric
  matrix, ``sum(f(eigvalsh(A)))``) stay exact to first order; eigenvector
  derivatives are not defined there.  The SVD keeps the finite
  ``1 / (s_i + s_j)`` part of a repeated pair (so ``U V^H`` is exact).
  Reverse mode warns (``DegenerateDerivativeWarning``) where its cotangent
  shows the result cannot be exact (:func:`_warn_if_read_apart`).
* ``eig``: NumPy returns unit-length eigenvectors, free up to a phase (a
  sign when real) per column; their derivative keeps the length 1
  (``dv_i - v_i Re(v_i^H dv_i)``, as PyTorch and autograd do) and is valid for
  functions invariant under the phase (``|V|**2``, ``V @ diag(f(w)) @ inv(V)``).
* ``norm`` at 0: the subgradient 0 (no NaN).  ``det`` of a singular matrix:
  the adjugate formula, computed from the SVD (finite, first order).
* Complex input: ``inv``, ``solve``, ``det``, ``eig`` are holomorphic (JAX's
  transpose convention); ``slogdet``'s sign moves with the phase of the
  determinant.  ``cholesky``, ``qr``, ``eigh`` and ``svd`` are not
  holomorphic: their JVPs are the real rules with conjugate transposes (plus
  the gauge terms below) and their VJPs the transposes under the pairing
  ``Re(sum(a * b))``.  Gauges: ``qr`` keeps LAPACK's real diagonal of ``R``;
  ``eigh`` sets the diagonal of ``V^H dV`` to 0 and ``svd`` that of
  ``V^H dV`` (the phase term ``i Im(U^H dA V)_ii / s_i`` goes to ``dU``), so
  only phase-invariant functions of the vectors have meaningful derivatives.

>>> import dualad as ad, dualad.numpy as np
>>> a = np.array([[2.0, 1.0], [0.5, 3.0]])
>>> bool(np.allclose(ad.grad(lambda m: np.linalg.slogdet(m)[1])(a), np.linalg.inv(a).T))
True
"""
from __future__ import annotations

import functools

import numpy as _np
import numpy.linalg as _la

from ..registry import defjvp, defvjp_direct, nondifferentiable, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import norm_axes, sum_to
from ._casting import real_for as _realify
from ._products import _pad_lead, matmul
from ._reductions import expand_reduced, max_p, min_p, on_values, sum_p
from ._shape import concatenate, expand_dims, moveaxis, reshape, swapaxes
from ._ufuncs import (abs as _abs, astype, conjugate, equal, imag, power, real, sqrt, where)

try:  # NumPy's result tuples (namedtuples with attribute access)
    from numpy.linalg._linalg import EighResult, EigResult, QRResult, SlogdetResult, SVDResult
except ImportError:  # pragma: no cover
    EighResult = EigResult = QRResult = SlogdetResult = SVDResult = None


def _result(cls, *vals):
    return tuple(vals) if cls is None else cls(*vals)


# --- helpers (registry operations only) -------------------------------------------
def _T(x):
    return swapaxes(x, -1, -2)


def _rdtype(x):
    """The real floating dtype matching ``x`` (float32 stays float32)."""
    dt = _np.result_type(primal_of(x))
    if dt.kind not in "fc":
        return _np.dtype(_np.float64)
    return _np.finfo(dt).dtype


def _eye(n, dtype=_np.float64):
    return _np.eye(n, dtype=dtype)


def _diag(x):
    """Diagonal of the trailing square matrices: ``(..., n, n) -> (..., n)``."""
    return sum_p(x * _eye(shape_of(x)[-1], _rdtype(x)), axis=-1)


def _diag_embed(d):
    """``(..., n) -> (..., n, n)`` with ``d`` on the diagonal."""
    return expand_dims(d, -1) * _eye(shape_of(d)[-1], _rdtype(d))


def _sym(x):
    return (x + _T(x)) * 0.5


def _H(x):
    """Conjugate transpose of the trailing matrices (the transpose for real ``x``)."""
    return _T(x) if _is_real(x) else conjugate(_T(x))


def _cj(x):
    """``conj(x)``; ``x`` itself (no operation) for real ``x``."""
    return x if _is_real(x) else conjugate(x)


def _herm(x):
    """``(x + x^H) / 2``: ``_sym`` for real ``x``.  Self-adjoint under the pairing
    ``Re(sum(a * b))`` as well as under ``Re(sum(conj(a) * b))``."""
    return (x + _H(x)) * 0.5


def _re(x):
    """``real(x)`` for complex ``x``; ``x`` itself for real ``x``."""
    return x if _is_real(x) else real(x)


def _tril_mask(n, k=0, dtype=_np.float64):
    return _np.tril(_np.ones((n, n), dtype=dtype), k)


def _is_real(x):
    return _np.result_type(primal_of(x)).kind != "c"


def _degenerate(w):
    """Plain boolean ``(..., n, n)``: the pairs ``(i, j)`` whose values coincide
    (``|w_j - w_i| <= 1e-13 max |w|``, see the module docstring), and the
    diagonal."""
    wv = _np.asarray(primal_of(w))
    scale = _np.max(_np.abs(wv), axis=-1, keepdims=True, initial=0.0)[..., None]
    deg = _np.abs(wv[..., None, :] - wv[..., :, None]) <= 1e-13 * _np.maximum(scale, 1e-300)
    return deg | _np.eye(wv.shape[-1], dtype=bool)


def _gap_inverse(w):
    """``F[..., i, j] = 1 / (w_j - w_i)``, 0 on the diagonal and wherever the two
    values coincide (degenerate: see the module docstring)."""
    d = expand_dims(w, -2) - expand_dims(w, -1)
    deg = _degenerate(w)
    return where(deg, 0.0, 1.0 / where(deg, 1.0, d))


class DegenerateDerivativeWarning(RuntimeWarning):
    """A reverse-mode derivative read repeated eigenvalues (or singular values)
    one by one: see :func:`_warn_if_read_apart` and docs/linalg.md."""


def _warn_if_read_apart(gw, deg, name, values, vectors=(), nul=None):
    """Warn when a reverse-mode derivative at repeated eigenvalues (singular
    values; ``deg`` from :func:`_degenerate`) shows that it cannot be exact.

    First order: a function that treats repeated values alike (``sum(f(w))``,
    a trace, a determinant, a projector onto their common subspace) gets equal
    cotangents ``gw`` on them and an exact derivative.  Unequal ones (beyond
    ``1e-8`` of the largest entry of ``gw``: rounding of values near 0 is not
    "apart") mean it reads them apart: a single eigenvalue there has no
    derivative, and a function such as ``V diag(f(w)) V^T`` built from the
    decomposition loses the term ``f'(w) (V^T dA V)_ij`` inside the repeated
    block, which no rule of the decomposition alone can supply.  Second order:
    when this rule is itself differentiated (``hessian``), a cotangent that
    depends on the input (``gw`` nonzero on the block, or any of ``vectors``,
    the SVD's ``gu``, ``gv``) needs the same missing term.  Pairs of zero
    singular values (``nul``, the SVD's) are left out of the first-order test
    and of ``vectors`` (the null spaces turn independently; projectors onto them
    are exact) but not of the second: the singular values there move as those
    of the null block of ``U^H dA V``, which ``ds = diag`` misses.

    Not every inexact result shows: where the cotangent happens to be equal on
    the block (``V diag(f(w)) V^T`` read only off the block's diagonal) the
    function looks like a projector, and nothing warns.  Reverse mode only: a
    forward-mode tangent cannot tell these functions from the exact ones."""
    eye = _np.eye(deg.shape[-1], dtype=bool)
    off = deg & ~eye
    zoff = None if nul is None else nul & ~eye
    if zoff is not None:
        off = off & ~zoff
    has_off = bool(off.any())
    has_z = zoff is not None and bool(zoff.any())
    if not (has_off or has_z):
        return
    g = _np.asarray(primal_of(gw))
    g = _np.abs(g) if g.dtype.kind == "c" else g
    gi, gj = g[..., None, :], g[..., :, None]
    scale = _np.max(_np.abs(g), axis=-1, keepdims=True, initial=0.0)[..., None]
    traced = isinstance(gw, Tracer)
    if not (has_off and _np.any(off & (_np.abs(gi - gj) > 1e-8 * scale))):
        # (a slice of a traced packed cotangent is traced even where it is 0)
        second = has_off and (
            (traced and _np.any(off & ((gi != 0) | (gj != 0))))
            or any(isinstance(x, Tracer) and _np.any(primal_of(x)) for x in vectors))
        if not (second or (has_z and traced and g.any())):
            return
    import warnings
    warnings.warn(
        f"{name}: at repeated {values} this derivative is not exact. There only "
        f"functions that treat them alike (sum(f(w)), trace, det, projectors onto "
        f"their common subspace) have exact first derivatives; a single one has "
        f"none, and a matrix function built from the decomposition, such as "
        f"V diag(f(w)) V^T, gets a wrong derivative. Second derivatives there miss "
        f"a term too. The matrix functions of dualad.scipy.linalg (expm, logm, sqrtm, "
        f"fractional_matrix_power, cosm, sinm, signm, polar, ...) are exact there; "
        f"see docs/linalg.md.", DegenerateDerivativeWarning, stacklevel=2)


def _row(x, i):
    return x[..., i, :]


def _rows(x, start, stop):
    return x[..., start:stop, :]


def _matrix_arg(name, a):
    if ndim_of(a) < 2:
        raise _la.LinAlgError(f"{ndim_of(a)}-dimensional array given. Array must be at "
                              f"least two-dimensional")


# --- inv ---------------------------------------------------------------------------
def _inv_impl(a):
    return _la.inv(a)


inv_p = primitive(_inv_impl, name="linalg.inv")
defjvp(inv_p, lambda t, ans, a: -matmul(matmul(ans, t), ans))
defvjp_direct(inv_p, lambda g, ans, a: -matmul(matmul(_T(ans), g), _T(ans)))


def inv(a):
    """``numpy.linalg.inv``: ``d inv(A) = -inv(A) dA inv(A)``."""
    return inv_p(a)


# --- solve -------------------------------------------------------------------------
def _solve_impl(a, b):
    return _la.solve(a, b)


solve_p = primitive(_solve_impl, name="linalg.solve")


def _solve_jvp_a(t, ans, a, b):
    # unit axes after the batch so that the stack axes line up with ans's
    return -solve_p(a, matmul(_pad_lead(t, ndim_of(a), ndim_of(ans)), ans))


def _solve_jvp_b(t, ans, a, b):
    return solve_p(a, _pad_lead(t, ndim_of(b), ndim_of(ans)))


def _solve_vjp_a(g, ans, a, b):
    nb = ndim_of(g) - ndim_of(ans)
    gb = solve_p(_T(a), g)
    return sum_to(-matmul(gb, _T(ans)), shape_of(a), nb)


def _solve_vjp_b(g, ans, a, b):
    nb = ndim_of(g) - ndim_of(ans)
    return sum_to(solve_p(_T(a), g), shape_of(b), nb)


defjvp(solve_p, _solve_jvp_a, _solve_jvp_b)
defvjp_direct(solve_p, _solve_vjp_a, _solve_vjp_b)


def solve(a, b):
    """``numpy.linalg.solve``; ``b`` is a vector ``(M,)`` or stacked ``(..., M, K)``."""
    if ndim_of(b) == 1:
        return solve_p(a, expand_dims(b, -1))[..., 0]
    return solve_p(a, b)


# --- det, slogdet ---------------------------------------------------------------------
def _det_impl(a):
    return _la.det(a)


det_p = primitive(_det_impl, name="linalg.det")


def _cofactor(a, ans):
    """``det(A) inv(A)^T`` (the cofactor matrix), also for singular ``A``."""
    av = _np.asarray(primal_of(a))
    dv = _np.asarray(primal_of(ans))
    with _np.errstate(all="ignore"):
        ok = _np.all(_np.isfinite(dv)) and _np.all(_np.abs(dv) > 0) and \
            _np.all(_np.linalg.cond(av) < 1e12) if av.size else True
    if ok:
        return expand_dims(expand_dims(ans, -1), -1) * _T(inv_p(a))
    # A = U S V^H: cofactor = det(U) det(V^H) conj(U) diag(prod_{j != i} s_j) conj(V^H)
    # (for real A: U diag(...) V^T times the sign det(U) det(V^T))
    if not _is_real(a) and isinstance(a, Tracer):
        # the rule itself being differentiated: at a singular complex matrix the
        # SVD's phase term (i Im(U^H dA V)_ii / s_i) is singular where s_i = 0, and
        # the formula below would give a wrong second derivative
        raise NotImplementedError("det of a singular complex matrix: second and higher "
                                  "derivatives have no rule (the first derivative has)")
    u, s, vt = svd(a, full_matrices=False)
    n = shape_of(s)[-1]
    from ._shape import stack
    others = []
    for i in range(n):
        p = None
        for j in range(n):
            if j != i:
                p = s[..., j] if p is None else p * s[..., j]
        others.append(_np.ones(shape_of(s)[:-1]) if p is None else p)
    prods = stack(others, axis=-1)
    sgn = _np.linalg.det(primal_of(u)) * _np.linalg.det(primal_of(vt))
    return matmul(_cj(u) * expand_dims(prods, -2), _cj(vt)) * sgn[..., None, None]


def _det_jvp(t, ans, a):
    return sum_p(_cofactor(a, ans) * t, axis=(-2, -1))


def _det_vjp(g, ans, a):
    return expand_dims(expand_dims(g, -1), -1) * _cofactor(a, ans)


defjvp(det_p, _det_jvp)
defvjp_direct(det_p, _det_vjp)


def det(a):
    """``numpy.linalg.det``: ``d det(A) = tr(adj(A) dA)``; finite at singular ``A``."""
    return det_p(a)


def _logabsdet_impl(a):
    return _la.slogdet(a)[1]


logabsdet_p = primitive(_logabsdet_impl, name="linalg.slogdet")


def _slogdet_inv_t(a):
    """``inv(A)^T`` for slogdet's rules; at a singular ``A`` (``log|det| = -inf``)
    the derivative does not exist: a ``LinAlgError`` that says so and what to do."""
    try:
        return _T(inv_p(a))
    except _la.LinAlgError:
        raise _la.LinAlgError(
            "slogdet: the matrix is singular (logabsdet = -inf), so the derivative of "
            "slogdet, inv(A)^T, does not exist there; det has a finite derivative "
            "everywhere, or regularize (A + eps * I)") from None


def _logabsdet_jvp(t, ans, a):
    d = sum_p(_slogdet_inv_t(a) * t, axis=(-2, -1))
    # log|det| is real: for complex A its derivative is Re(tr(inv(A) dA))
    return real(d) if _np.result_type(primal_of(d)).kind == "c" else d


def _logabsdet_vjp(g, ans, a):
    # the transpose of t -> Re(tr(inv(A) t)) under Re(sum(c * t)) reads only
    # Re(g): a complex cotangent on this real output (from z * 1j, say) pairs
    # with the output through its real part
    if _np.result_type(primal_of(g)).kind == "c":
        g = real(g)
    return expand_dims(expand_dims(g, -1), -1) * _slogdet_inv_t(a)


defjvp(logabsdet_p, _logabsdet_jvp)
defvjp_direct(logabsdet_p, _logabsdet_vjp)


def _sign_impl(a):
    return _la.slogdet(a)[0]


# the sign of a complex determinant, det / |det| = exp(i arg det), moves with the
# phase: d sign = sign * i Im(tr(inv(A) dA)); an R-linear map, whose transpose
# under the pairing Re(sum(c * t)) is c = i Im(g sign) inv(A)^T
complex_sign_p = primitive(_sign_impl, name="linalg.slogdet_sign")
defjvp(complex_sign_p, lambda t, ans, a:
       ans * (1j * imag(sum_p(_slogdet_inv_t(a) * t, axis=(-2, -1)))))
defvjp_direct(complex_sign_p, lambda g, ans, a:
              expand_dims(expand_dims(1j * imag(g * ans), -1), -1) * _slogdet_inv_t(a))


def slogdet(a):
    """``numpy.linalg.slogdet``: ``logabsdet`` has derivative ``inv(A)^T``
    (``Re`` of it for complex ``A``); the sign is constant for real ``A`` and
    moves with the phase of the determinant for complex ``A``."""
    if not isinstance(a, Tracer):
        return _la.slogdet(a)
    if _np.iscomplexobj(primal_of(a)):
        sign = complex_sign_p(a)
    else:
        sign = _la.slogdet(primal_of(a))[0]
    return _result(SlogdetResult, sign, logabsdet_p(a))


# --- cholesky ----------------------------------------------------------------------
def _chol_impl(a):
    return _la.cholesky(a)


cholesky_p = primitive(_chol_impl, name="linalg.cholesky")


def _phi(x):
    """Lower triangle with half the diagonal (half its real part for complex ``x``:
    where the rules use it, the diagonal is real up to rounding, and so is that of
    the Cholesky factor).  Its own transpose under ``Re(sum(a * b))``."""
    n = shape_of(x)[-1]
    dt = _rdtype(x)
    if not _is_real(x):
        return x * _tril_mask(n, -1, dt) + real(x) * (dt.type(0.5) * _eye(n, dt))
    return x * (_tril_mask(n, 0, dt) - dt.type(0.5) * _eye(n, dt))


def _tri_solve(l, b, trans):
    """``L^-1 b`` (``trans=0``) or ``L^-T b`` (``trans=1``) for lower-triangular
    ``L``: two triangular solves cost half of ``inv(L)`` and its products.  A
    single matrix goes to LAPACK's triangular solve (SciPy, loaded on first
    use); stacks of matrices keep the vectorized ``inv``."""
    if ndim_of(l) == 2:
        from ..scipy.linalg import trisolve_p
        return trisolve_p(l, b, trans=trans, lower=True, exact=False)
    li = inv_p(l)
    return matmul(_T(li) if trans else li, b)


def _chol_jvp(t, ans, a):
    # A = L L^H: dL = L phi(L^-1 herm(dA) L^-H); for complex A the diagonal of
    # L^-1 herm(dA) L^-H is real, and so is that of dL (LAPACK's L has a real one)
    y = _tri_solve(ans, _herm(t), 0)                       # L^-1 herm(dA)
    x = _H(_tri_solve(ans, _H(y), 0))                      # ... L^-H
    return matmul(ans, _phi(x))


def _chol_vjp(g, ans, a):
    # the transpose of the JVP under Re(sum(c * t)):
    # herm(L^-T phi(L^T G) conj(L^-1)) (sym(L^-T phi(L^T G) L^-1) for real A)
    p = _phi(matmul(_T(ans), g))
    x = _tri_solve(ans, p, 1)                              # L^-T P
    return _herm(_T(_tri_solve(_cj(ans), _T(x), 1)))       # ... conj(L)^-1


defjvp(cholesky_p, _chol_jvp)
defvjp_direct(cholesky_p, _chol_vjp)


def cholesky(a, /, *, upper=False):
    """``numpy.linalg.cholesky`` (derivative along the symmetrized perturbation,
    ``(dA + dA^H) / 2`` for complex ``A``)."""
    if upper:
        return _T(cholesky_p(_T(a)))
    return cholesky_p(a)


# --- qr ----------------------------------------------------------------------------
def _qr_impl(a):
    q, r = _la.qr(a, mode="reduced")
    return _np.concatenate([q, r], axis=-2)


qr_p = primitive(_qr_impl, name="linalg.qr")


def _qr_split(ans, a):
    m = shape_of(a)[-2]
    return _rows(ans, 0, m), _rows(ans, m, None)


def _qr_jvp(t, ans, a):
    # C = Q^H dA R^-1 = Q^H dQ + dR R^-1, with Q^H dQ = Om anti-Hermitian and
    # dR R^-1 upper triangular.  LAPACK's R has a real diagonal (for complex A
    # too), so diag(dR R^-1) is real and the diagonal of Om is i Im(diag C).
    q, r = _qr_split(ans, a)
    n = shape_of(r)[-1]
    rinv = inv_p(r)
    dx_rinv = matmul(t, rinv)
    c = matmul(_H(q), dx_rinv)
    low = c * _tril_mask(n, -1, _rdtype(c))
    om = low - _H(low)
    if not _is_real(c):
        om = om + (c - real(c)) * _eye(n, _rdtype(c))
    dq = matmul(q, om - c) + dx_rinv
    dr = matmul(c - om, r)
    return concatenate([dq, dr], axis=-2)


def _qr_vjp(g, ans, a):
    # the adjoint of the JVP under Re(sum(conj(a) * b)) is the real rule with
    # ^T -> ^H (plus the imaginary diagonal of Om); the transpose under
    # Re(sum(a * b)) (docs/complex.md) is conj(adjoint(conj(g)))
    q, r = _qr_split(ans, a)
    m = shape_of(a)[-2]
    n = shape_of(r)[-1]
    g = _cj(g)
    gq, gr = _rows(g, 0, m), _rows(g, m, None)
    rinv = inv_p(r)
    mm = matmul(gr, _H(r)) - matmul(_H(q), gq)
    nn = mm - (mm - _H(mm)) * _tril_mask(n, -1, _rdtype(mm))
    if not _is_real(mm):
        nn = nn - (mm - real(mm)) * _eye(n, _rdtype(mm))
    return _cj(matmul(gq + matmul(q, nn), _H(rinv)))


defjvp(qr_p, _qr_jvp)
defvjp_direct(qr_p, _qr_vjp)


def qr(a, mode="reduced"):
    """``numpy.linalg.qr`` for modes ``'reduced'``, ``'r'`` and ``'complete'``.
    Wide matrices ``A = [X | Y]`` use ``Q, R_x = qr(X)``, ``R = [R_x | Q^H Y]``.
    Complex input: LAPACK's gauge, a real diagonal of ``R``.  ``'complete'`` of
    a tall matrix: the extra columns of ``Q`` are NumPy's and move with the
    least rotation, as the extra singular vectors of :func:`svd` do."""
    if not isinstance(a, Tracer):
        return _la.qr(a, mode=mode)
    _matrix_arg("qr", a)
    m, n = shape_of(a)[-2:]
    if mode not in ("reduced", "r", "complete"):
        raise NotImplementedError(f"numpy.linalg.qr(mode={mode!r}) has no derivative rule")
    if mode == "complete" and m > n:
        q, r = qr(a)
        full = _la.qr(primal_of(a), mode="complete")
        zeros = _np.zeros(shape_of(r)[:-2] + (m - n, n), dtype=_np.result_type(full.R))
        return _result(QRResult, _completed(q, full.Q[..., :, n:]),
                       concatenate([r, zeros], axis=-2))
    if m >= n:
        packed = qr_p(a)
        q, r = _rows(packed, 0, m), _rows(packed, m, None)
    else:
        packed = qr_p(a[..., :, :m])
        q, rx = _rows(packed, 0, m), _rows(packed, m, None)
        r = concatenate([rx, matmul(_H(q), a[..., :, m:])], axis=-1)
    if mode == "r":
        return r
    return _result(QRResult, q, r)


# --- eigh, eigvalsh ----------------------------------------------------------------------
def _eigh_impl(a, UPLO="L"):
    w, v = _la.eigh(a, UPLO=UPLO)
    return _np.concatenate([w[..., None, :], v], axis=-2)


eigh_p = primitive(_eigh_impl, name="linalg.eigh")


def _eigh_jvp(t, ans, a, UPLO="L"):
    # M = V^H herm(dA) V (Hermitian): dw = Re diag M, dV = V (F o M).  The
    # diagonal of V^H dV (imaginary for complex A: each column's phase) is set
    # to 0, the gauge JAX uses; only phase-invariant functions of V are meaningful.
    w, v = _re(_row(ans, 0)), _rows(ans, 1, None)
    mm = matmul(matmul(_H(v), _herm(t)), v)
    dw = _diag(mm)
    if not _is_real(dw):        # real-valued, in the packed value's complex dtype
        dw = astype(real(dw), _np.result_type(primal_of(ans)))
    dv = matmul(v, _gap_inverse(w) * mm)
    return concatenate([expand_dims(dw, -2), dv], axis=-2)


def _eigh_vjp(g, ans, a, UPLO="L"):
    # the transpose under Re(sum(c * t)): herm(conj(V) (diag(Re g_w) + F o V^T G_V) V^T)
    # (sym(V (diag(g_w) + F o V^T G_V) V^T) for real A)
    w, v = _re(_row(ans, 0)), _rows(ans, 1, None)
    gw, gv = _re(_row(g, 0)), _rows(g, 1, None)
    _warn_if_read_apart(gw, _degenerate(w), "eigh", "eigenvalues", (gv,))
    inner = _diag_embed(gw) + _gap_inverse(w) * matmul(_T(v), gv)
    return _herm(matmul(matmul(_cj(v), inner), _T(v)))


defjvp(eigh_p, _eigh_jvp)
defvjp_direct(eigh_p, _eigh_vjp)


def eigh(a, UPLO="L"):
    """``numpy.linalg.eigh``; derivative along the symmetrized perturbation
    (``(dA + dA^H) / 2`` for complex ``A``).  Complex eigenvectors: the diagonal
    of ``V^H dV`` is 0 (a gauge); differentiate phase-invariant functions of them."""
    if not isinstance(a, Tracer):
        return _la.eigh(a, UPLO=UPLO)
    packed = eigh_p(a, UPLO=UPLO)
    # complex A: the packed value is complex, its row of eigenvalues real-valued
    return _result(EighResult, _re(_row(packed, 0)), _rows(packed, 1, None))


def eigvalsh(a, UPLO="L"):
    """``numpy.linalg.eigvalsh``: ``dw_i = v_i^T dA v_i``."""
    if not isinstance(a, Tracer):
        return _la.eigvalsh(a, UPLO=UPLO)
    return eigh(a, UPLO)[0]


# --- eig, eigvals --------------------------------------------------------------------------
def _eig_impl(a):
    w, v = _la.eig(a)
    return _np.concatenate([w[..., None, :], v], axis=-2)


eig_p = primitive(_eig_impl, name="linalg.eig")


def _unit_norm_tangent(v, dv):
    """``dv_i - v_i Re(v_i^H dv_i)`` for each column: the tangent of the
    eigenvectors kept at unit length, as NumPy and SciPy return them (LAPACK
    normalizes each column; only its phase is free)."""
    return dv - v * expand_dims(_re(sum_p(_cj(v) * dv, axis=-2)), -2)


def _unit_norm_cotangent(v, gv):
    """The transpose of :func:`_unit_norm_tangent` under ``Re(sum(a * b))``:
    ``g_i - conj(v_i) Re(sum(g_i * v_i))``."""
    return gv - _cj(v) * expand_dims(_re(sum_p(gv * v, axis=-2)), -2)


def _eig_tangent(w, v, m):
    """The packed tangent of ``eig(C) = (w, v)`` given ``m = V^-1 dC V``
    (shared with scipy.linalg's generalized problem, where ``C = B^-1 A``).
    ``V (F o m)`` moves each eigenvector along the others; the projection then
    keeps its length 1 (the derivative of the unit-norm vectors returned)."""
    dw = _diag(m)
    dv = _unit_norm_tangent(v, matmul(v, _gap_inverse(w) * m))
    return concatenate([expand_dims(dw, -2), dv], axis=-2)


def _eig_jvp(t, ans, a):
    w, v = _row(ans, 0), _rows(ans, 1, None)
    return _eig_tangent(w, v, matmul(matmul(inv_p(v), t), v))


def _eig_matrix_cotangent(g, ans):
    """The cotangent of ``C`` from that of ``eig(C) = ans`` (packed), complex:
    ``V^-T (diag(g_w) + F * V^T G_V) V^T``."""
    w, v = _row(ans, 0), _rows(ans, 1, None)
    gw, gv = _row(g, 0), _unit_norm_cotangent(v, _rows(g, 1, None))
    inner = _diag_embed(gw) + _gap_inverse(w) * matmul(_T(v), gv)
    return matmul(matmul(_T(inv_p(v)), inner), _T(v))


def _eig_vjp(g, ans, a):
    return _realify(_eig_matrix_cotangent(g, ans), a)


defjvp(eig_p, _eig_jvp)
defvjp_direct(eig_p, _eig_vjp)


def eig(a):
    """``numpy.linalg.eig``.  Eigenvector derivatives are those of NumPy's
    unit-length columns; each column's phase (its sign for a real one) is a
    gauge, so differentiate functions invariant under it."""
    if not isinstance(a, Tracer):
        return _la.eig(a)
    packed = eig_p(a)
    return _result(EigResult, _row(packed, 0), _rows(packed, 1, None))


def eigvals(a):
    """``numpy.linalg.eigvals``: ``dw_i = (V^{-1} dA V)_ii``."""
    if not isinstance(a, Tracer):
        return _la.eigvals(a)
    return eig(a)[0]


# --- svd ---------------------------------------------------------------------------------
def _svd_impl(a):
    # packed: U, the singular values, V (= vh^H); complex for complex A
    u, s, vt = _la.svd(a, full_matrices=False)
    v = _np.swapaxes(vt, -1, -2)
    if v.dtype.kind == "c":
        v = v.conj()
    return _np.concatenate([u, s[..., None, :], v], axis=-2)


svd_p = primitive(_svd_impl, name="linalg.svd")


def _svd_split(ans, a):
    m = shape_of(a)[-2]
    return _rows(ans, 0, m), _re(_row(ans, m)), _rows(ans, m + 1, None)


def _svd_degenerate(s):
    """Plain boolean masks ``(deg, nul)``: the pairs of equal singular values (as
    :func:`_degenerate`, on the gaps: distinct small values such as 1e-8 and
    3e-8 next to 1 are not equal) and the pairs of zero ones
    (``s_i + s_j <= 1e-13 max s``); both hold the diagonal."""
    deg = _degenerate(s)
    sv = _np.asarray(primal_of(s))
    top = _np.max(sv, axis=-1, keepdims=True, initial=0.0)[..., None]
    nul = (sv[..., None, :] + sv[..., :, None] <= 1e-13 * top) | _np.eye(sv.shape[-1], dtype=bool)
    return deg, nul


def _svd_gap_factors(s, masks=None):
    """``E[..., i, j] = s_j / (s_j^2 - s_i^2)`` off the diagonal, formed as
    ``[1 / (s_j - s_i)] * [s_j / (s_j + s_i)]``: each factor scales as ``1 / s``
    or not at all, so ``E`` is finite and accurate for every matrix whose ``1 / s``
    is (``1 / (s_j^2 - s_i^2)`` alone overflows at ``s ~ 1e-19`` in float32).
    ``s_i / (s_j^2 - s_i^2)`` is ``-E^T``.

    ``E`` is ``[1 / (s_j - s_i) + 1 / (s_j + s_i)] / 2``: the first part
    multiplies the symmetric part of ``P = U^H dA V`` in ``U^H dU`` and
    ``V^H dV``, the second the antisymmetric part.  Where two singular values
    coincide only the first is dropped (as :func:`_gap_inverse` does for
    eigenvalues): it turns the pair inside their common subspace, which is
    arbitrary and cancels in every function well defined there.  The second,
    ``1 / (2 (s_i + s_j))``, turns ``U`` against ``V``, which such functions
    (the polar factor ``U V^H``) do see; it is dropped only where both values
    are 0.  (Off the degenerate pairs the product form is kept: the sum form
    cancels when ``s_i >> s_j``.)  Both tests run on ``s / max s`` (plain
    values, ``|s_j -+ s_i| <= 1e-13 max s``, as :func:`_gap_inverse`), so they
    do not depend on the scale."""
    deg, nul = _svd_degenerate(s) if masks is None else masks
    sr = expand_dims(s, -2)
    sc = expand_dims(s, -1)
    gap = where(deg, 1.0, sr - sc)
    tot = where(nul, 1.0, sr + sc)
    return where(deg, where(nul, 0.0, 0.5 / tot), (1.0 / gap) * (sr / tot))


def _safe_recip(s):
    z = equal(s, 0.0)
    return where(z, 0.0, 1.0 / where(z, 1.0, s))


def _svd_jvp(t, ans, a):
    # P = U^H dA V: ds = Re diag P; U^H dU = F o (P S + S P^H), V^H dV = F o (S P + P^H S)
    # with F_ij = 1 / (s_j^2 - s_i^2), taken as E o P + G o P^H and G o P + E o P^H
    # (E = F S from _svd_gap_factors, G = S F = -E^T): no factor scales as 1 / s^2.
    # Complex A: each pair (u_i, v_i) has a common phase (a gauge); its
    # diagonal term i Im(P_ii) / s_i goes to dU (as JAX does), V^H dV has a 0 diagonal.
    u, s, v = _svd_split(ans, a)
    m, n = shape_of(a)[-2:]
    k = min(m, n)
    ds_full = matmul(matmul(_H(u), t), v)
    ds = _diag(ds_full)
    e = _svd_gap_factors(s)
    ge = -_T(e)
    ph = _H(ds_full)
    rsv = _safe_recip(s)
    inner_u = e * ds_full + ge * ph
    if not _is_real(ds):
        inner_u = inner_u + _diag_embed((ds - real(ds)) * rsv)
        ds = astype(real(ds), _np.result_type(primal_of(ans)))
    du = matmul(u, inner_u)
    dv = matmul(v, ge * ds_full + e * ph)
    rs = expand_dims(rsv, -2)
    if m > k:
        du = du + (matmul(t, v) - matmul(u, ds_full)) * rs
    if n > k:
        dv = dv + (matmul(_H(t), u) - matmul(v, _H(ds_full))) * rs
    return concatenate([du, expand_dims(ds, -2), dv], axis=-2)


def _svd_vjp(g, ans, a):
    # the adjoint of the JVP under Re(sum(conj(a) * b)) is the real rule with
    # ^T -> ^H (plus the phase term); the transpose under Re(sum(a * b))
    # (docs/complex.md) is conj(adjoint(conj(g)))
    u, s, v = _svd_split(ans, a)
    m, n = shape_of(a)[-2:]
    k = min(m, n)
    g = _cj(g)
    gu, gs, gv = _rows(g, 0, m), _re(_row(g, m)), _rows(g, m + 1, None)
    masks = _svd_degenerate(s)
    _warn_if_read_apart(gs, masks[0], "svd", "singular values", (gu, gv), masks[1])
    if type(g) is _np.ndarray and not gu.any() and not gv.any():
        # only the singular values are used (svdvals, norms, nuclear norm ...):
        # the rule is U diag(gs) V^H
        return _cj(matmul(u * expand_dims(gs, -2), _H(v)))
    # (F o X + (F o X)^H) S = E o (X - X^H) and S (F o Y + (F o Y)^H) = G o (Y - Y^H)
    # (F antisymmetric, E = F S, G = S F = -E^T: see _svd_jvp)
    e = _svd_gap_factors(s, masks)
    uhgu = matmul(_H(u), gu)
    vhgv = matmul(_H(v), gv)
    d = _diag_embed(gs) + e * (uhgu - _H(uhgu)) - _T(e) * (vhgv - _H(vhgv))
    rsv = _safe_recip(s)
    if not _is_real(uhgu):
        dg = _diag(uhgu)
        d = d + _diag_embed((dg - real(dg)) * rsv)
    rs = expand_dims(rsv, -2)
    extra = None
    if m > k:
        gur = gu * rs
        d = d - matmul(_H(u), gur)
        extra = matmul(gur, _H(v))
    if n > k:
        gvr = gv * rs
        d = d - _H(matmul(_H(v), gvr))
        e2 = matmul(u, _H(gvr))
        extra = e2 if extra is None else extra + e2
    out = matmul(matmul(u, d), _H(v))
    return _cj(out if extra is None else out + extra)


defjvp(svd_p, _svd_jvp)
defvjp_direct(svd_p, _svd_vjp)


def _svd_parts(a):
    packed = svd_p(a)
    return _svd_split(packed, a)


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """``numpy.linalg.svd``.  For a non-square matrix with ``full_matrices=True``
    the extra columns (of ``U`` for a tall matrix, rows of ``Vh`` for a wide
    one) are NumPy's, and move with the gauge of least rotation: they stay
    orthonormal and orthogonal to the singular vectors, turning only as much as
    that needs (``dC = -Q dQ^H C``).  They are not unique, so only functions
    that do not depend on the choice of basis (``C C^H``, norms of projections)
    have a meaning; those get exact derivatives, to any order.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> A = np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> def residual(a):             # |C^T b|^2: the part of b outside range(A)
    ...     c = dnp.linalg.svd(a)[0][:, 2:]
    ...     return dnp.sum((c.T @ np.array([1.0, 1.0, 1.0])) ** 2)
    >>> ad.grad(residual)(A).round(12) + 0.0    # -2 (C C^T b) b^T pinv(A)^T, b = 1
    array([[ 0.,  0.],
           [ 0.,  0.],
           [-1., -2.]])
    """
    if not isinstance(a, Tracer):
        return _la.svd(a, full_matrices=full_matrices, compute_uv=compute_uv,
                       hermitian=hermitian)
    _matrix_arg("svd", a)
    u, s, v = _svd_parts(a)
    if not compute_uv:
        return s
    m, n = shape_of(a)[-2:]
    if full_matrices and m != n:
        full = _la.svd(primal_of(a), full_matrices=True)
        u, v = _full_factors(u, v, full.U, full.Vh)
    return _result(SVDResult, u, s, _H(v))


def _full_factors(u, v, full_u, full_vh):
    """The traced reduced factors ``u`` (M x K), ``v`` (N x K) of a non-square
    matrix extended to ``full_matrices=True`` with the extra vectors of a plain
    full SVD (``full_u``, ``full_vh``: NumPy's or SciPy's), by :func:`_completed`."""
    m, n = shape_of(u)[-2], shape_of(v)[-2]
    if m > n:
        u = _completed(u, full_u[..., :, n:])
    elif n > m:
        v = _completed(v, _np.conj(_np.swapaxes(full_vh[..., m:, :], -1, -2)))
    return u, v


def _completed(q, c):
    """``[q, c']``: ``q`` (traced, orthonormal columns) followed by a basis
    ``c'`` of their orthogonal complement that equals ``c`` (plain, NumPy's
    choice) at this point and moves with the least rotation, ``dc' = -q dq^H c``.
    ``w = (I - q q^H) c`` has ``w^H w = I - x^H x`` (``x = q^H c``, zero here, so
    ``x^H x`` is second order), and ``w (I - x^H x)^(-1/2)`` is orthonormal; the
    series of the inverse square root to second power keeps every derivative
    exact through the fifth order."""
    qv = _np.asarray(primal_of(q))
    if _np.max(_np.abs(_np.conj(_np.swapaxes(qv, -1, -2)) @ c), initial=0.0) > 1e-8:
        # NumPy's extra columns are not orthogonal to these singular vectors (a
        # rank-deficient matrix: its null singular vectors are arbitrary): a
        # complement of q itself
        c = _la.qr(qv, mode="complete").Q[..., :, qv.shape[-1]:]
    x = matmul(_H(q), c)
    w = c - matmul(q, x)
    e = matmul(_H(x), x)
    w = w + matmul(w, 0.5 * e + 0.375 * matmul(e, e))
    return concatenate([q, w + (c - primal_of(w))], axis=-1)     # the value: c itself


def svdvals(x, /):
    """``numpy.linalg.svdvals``."""
    return svd(x, compute_uv=False)


# --- pinv, lstsq -------------------------------------------------------------------------
def _pinv_impl(a, rcond, hermitian=False):
    return _la.pinv(a, rcond=rcond, hermitian=hermitian)


def _pinv_jvp(t, ans, a, rcond, hermitian=False):
    """Golub and Pereyra's derivative of ``P = pinv(A)`` at constant rank:
    ``-P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P``.  No singular
    value appears, so repeated ones (an orthogonal matrix, the identity) are
    no special case; written with registry operations, so it differentiates
    again, and its VJP is its transpose (derived by the registry)."""
    m, n = shape_of(a)[-2:]
    ph, th = _H(ans), _H(t)
    left = _np.eye(m) - matmul(a, ans)          # I - A P, the projector off range(A)
    right = _np.eye(n) - matmul(ans, a)         # I - P A, the projector onto null(A)
    return (-matmul(matmul(ans, t), ans) + matmul(matmul(ans, ph), matmul(th, left))
            + matmul(right, matmul(th, matmul(ph, ans))))


pinv_p = primitive(_pinv_impl, name="linalg.pinv")
defjvp(pinv_p, _pinv_jvp)


def pinv(a, rcond=None, hermitian=False, *, rtol=None):
    """``numpy.linalg.pinv`` (its values); smooth where the rank does not change,
    with the closed-form derivative of :func:`_pinv_jvp`."""
    if not isinstance(a, Tracer):
        kw = {} if rtol is None else {"rtol": rtol}
        if rcond is not None:
            kw["rcond"] = rcond
        return _la.pinv(a, hermitian=hermitian, **kw)
    m, n = shape_of(a)[-2:]
    if rcond is None:
        rcond = (max(m, n) * _np.finfo(_np.result_type(primal_of(a))).eps
                 if rtol is None else rtol)
    return pinv_p(a, rcond=rcond, hermitian=bool(hermitian))


def lstsq(a, b, rcond=None):
    """``numpy.linalg.lstsq``: ``(x, residuals, rank, s)``; ``x``, ``residuals``
    and ``s`` are differentiable (``x = pinv(a) @ b``)."""
    if not isinstance(a, Tracer) and not isinstance(b, Tracer):
        return _la.lstsq(a, b, rcond=rcond)
    av = _np.asarray(primal_of(a))
    m, n = av.shape
    eps = _np.finfo(_np.result_type(av)).eps
    rc = eps * max(m, n) if rcond is None else rcond
    x = matmul(pinv(a, rcond=rc), b)
    s = svd(a, compute_uv=False) if isinstance(a, Tracer) else _la.svd(av, compute_uv=False)
    rank = int(_np.sum(_np.asarray(primal_of(s)) > rc * _np.max(primal_of(s), initial=0.0)))
    if rank == n and m > n:
        r = b - matmul(a, x)
        res = sum_p(_abs2(r), axis=0)
        if ndim_of(b) == 1:
            res = reshape(res, (1,))
    else:
        res = _np.empty((0,), dtype=_np.result_type(av))
    return x, res, rank, s


# --- norms -----------------------------------------------------------------------------
def _safe_sqrt(s):
    """``sqrt(s)`` with derivative 0 at ``s == 0`` (the subgradient of a norm at 0)."""
    z = equal(s, 0.0)
    return where(z, 0.0, sqrt(where(z, 1.0, s)))


def _abs2(x):
    """``|x|^2``: ``x * x`` for real ``x``, ``Re(x)^2 + Im(x)^2`` for complex
    (smooth at 0, unlike ``abs(x) ** 2``, whose second derivative there would
    take ``abs``'s convention ``abs'(0) = 0``)."""
    if _is_real(x):
        return x * x
    re, im = real(x), imag(x)
    return re * re + im * im


def _rescaled(norm_of, m, x, axes, keepdims):
    """``m * norm_of(x / m)`` with ``m`` (from :func:`_p_scale`) shaped for the result."""
    out = norm_of(x / m)
    return out * (m if keepdims else _np.squeeze(m, axis=axes))


def _flat_sum_of_squares(x):
    """NumPy's sum of squares for a norm over the whole array (``axis=None``):
    a dot product of the array raveled in memory order (real and imaginary
    parts apart), whose rounding differs from a reduction's."""
    xf = x.ravel(order="K")
    if xf.dtype.kind == "c":
        s = xf.real.dot(xf.real) + xf.imag.dot(xf.imag)
    else:
        s = xf.dot(xf)
    return _np.asarray(s).reshape((1,) * x.ndim)


def _two_norm_impl(x, axes, keepdims=False, flat=False):
    """``sqrt(sum(|x|^2))`` over ``axes`` (with ``flat``, over all of ``x`` as
    NumPy's ``norm(x)`` sums: by a dot product), NumPy's formula and value;
    slices whose sum of squares is not a normal number (it under- or
    overflowed while ``x`` is finite and not 0) are taken as
    ``m sqrt(sum(|x / m|^2))`` with ``m = max |x|`` of the slice."""
    x = _np.asarray(x)
    with _np.errstate(over="ignore"):     # an overflow is handled below
        s = _flat_sum_of_squares(x) if flat else _np.sum(_abs2(x), axis=axes, keepdims=True)
    rk = s.dtype
    fi = _np.finfo(rk)
    normal = (s >= fi.tiny) & (s <= fi.max)
    if not normal.all():
        m = _np.max(_np.abs(x), axis=axes, keepdims=True, initial=0.0)
        redo = ~normal & (m > 0) & _np.isfinite(m)
        if redo.any():                    # other slices keep their values: x / 1
            m = _np.where(redo, m, 1.0).astype(rk)
            s = _np.where(redo, _np.sum(_abs2(x / m), axis=axes, keepdims=True), s)
            out = _np.sqrt(s) * m
            return out if keepdims else _np.squeeze(out, axis=axes)
    out = _np.sqrt(s)
    return out if keepdims else _np.squeeze(out, axis=axes)


def _unit(ans, x, axes, keepdims):
    """``x / ||x||`` over ``axes`` (0 where the norm is 0: the subgradient),
    written with registry operations: its own derivatives are those of a
    quotient of two values of the same scale, so no intermediate scales like
    ``1 / ||x||^2`` (which overflows below ``||x|| = 1e-154``)."""
    if not keepdims:
        ans = reshape(ans, tuple(1 if i - ndim_of(x) in axes else d
                                 for i, d in enumerate(shape_of(x))))
    z = _np.equal(primal_of(ans), 0)
    if not z.any():
        return x / ans
    return where(z, 0.0, x / where(z, 1.0, ans))


two_norm_p = primitive(_two_norm_impl, name="linalg.two_norm")
two_norm_p.__doc__ = ("The 2-norm (Frobenius norm) over ``axes`` (negative), right also where "
                      "the sum of squares under- or overflows; JVP ``Re sum(conj(u) t)``, VJP "
                      "``g conj(u)`` with ``u = x / ||x||`` (0 at ``x = 0``).")
defjvp(two_norm_p, lambda t, ans, x, axes, keepdims=False, flat=False: sum_p(
    _re_product(_unit(ans, x, axes, keepdims), t), axis=axes, keepdims=keepdims))
defvjp_direct(two_norm_p, lambda g, ans, x, axes, keepdims=False, flat=False: _ct_times_unit(
    expand_reduced(_realify(g, ans), x, axes, keepdims), _unit(ans, x, axes, keepdims)))


def _re_product(u, t):
    """``Re(conj(u) t)``: the tangent of a norm along ``t`` before the sum."""
    if _np.result_type(primal_of(u)).kind == "c" or _np.result_type(primal_of(t)).kind == "c":
        return real(conjugate(u) * t)
    return u * t


def _ct_times_unit(g, u):
    """The cotangent of ``x`` for cotangent ``g`` of its norm: ``g conj(u)``
    (the transpose of :func:`_re_product` under ``Re(sum(a b))``)."""
    return g * conjugate(u) if _np.result_type(primal_of(u)).kind == "c" else g * u


def _two_norm(x, axes, keepdims, flat=False):
    """The 2-norm (Frobenius norm) over ``axes``: NumPy's formula, and value,
    wherever the sum of squares is a normal number; elsewhere (``x = [1e-200,
    1e-200]``: NumPy gives 0; ``1e200``: inf) the slice is rescaled by its
    largest entry, so the value is the true norm (as SciPy's norm gives) and
    the derivative ``x / ||x||``, at every order and nesting (the
    :data:`two_norm_p` primitive's rules are scale-free)."""
    if flat:                     # axis=None: NumPy's dot-product sum, over all axes
        return two_norm_p(x, axes=tuple(range(-ndim_of(x), 0)), keepdims=bool(keepdims),
                          flat=True)
    return two_norm_p(x, axes=tuple(axes), keepdims=bool(keepdims))


def _vector_norm(x, ord, axes, keepdims):
    """Norm over ``axes`` (a tuple of negative axes) of ``x``, any ``ord``."""
    if ord is None or ord == 2:
        return _two_norm(x, axes, keepdims)
    ax = _abs(x)
    if ord == _np.inf:
        return max_p(ax, axis=axes, keepdims=keepdims)
    if ord == -_np.inf:
        return min_p(ax, axis=axes, keepdims=keepdims)
    if ord == 0:
        v = _np.sum(_np.asarray(primal_of(x)) != 0, axis=axes, keepdims=keepdims)
        return v.astype(_np.result_type(primal_of(ax)))
    if ord == 1:
        return sum_p(ax, axis=axes, keepdims=keepdims)
    return _p_norm(x, ax, float(ord), axes, keepdims, rescue=True)


def _p_scale(x, ord, axes):
    """``None`` where NumPy's ``sum(|x|^p)^(1/p)`` over ``axes``, and its first
    and second derivatives, keep every intermediate a normal number in every
    slice; otherwise, per slice (kept axes), the entry that dominates the sum
    (the largest ``|x|`` for ``p > 0``, the smallest non-zero one for ``p < 0``)
    where they do not and 1 elsewhere (``x / 1`` is ``x``: those slices keep
    NumPy's value bit for bit).  With ``d`` that entry and ``n`` the slice size,
    the sum lies in ``[d^p, n d^p]`` and the derivatives meet ``|x|^(p-1)``,
    ``|x|^(p-2)``, ``s^(1/p-1) ~ d^(1-p)`` and ``s^(1/p-2) ~ d^(1-2p)``: the
    slice is rescaled when ``d^k``, ``k`` the largest of those exponents' sizes,
    comes within ``16 n`` of the ends of the normal range.  The sum alone can be
    normal while these are not (``ord=-1`` at ``1e-25`` in float32: the
    derivative ``|x|^-2`` overflows); after the division by ``d`` the sum lies
    in ``[1, n]`` and only entries whose true share is negligible under- or
    overflow."""
    xv = _np.abs(_np.asarray(primal_of(x)))
    rk = xv.dtype if xv.dtype.kind == "f" else _np.dtype(_np.float64)
    fi = _np.finfo(rk)
    ok = _np.isfinite(xv) & (xv > 0)
    if ord > 0:
        d = _np.max(_np.where(ok, xv, 0), axis=axes, keepdims=True, initial=0)
    else:
        d = _np.min(_np.where(ok, xv, _np.inf), axis=axes, keepdims=True, initial=_np.inf)
    usable = (d > 0) & _np.isfinite(d)
    k = max(abs(ord), abs(ord - 2), abs(2 * ord - 1))
    n = max(int(_np.prod([xv.shape[a] for a in axes])), 1)
    room = min(-_np.log2(fi.tiny), _np.log2(fi.max)) - _np.log2(16.0 * n)
    bad = usable & (k * _np.abs(_np.log2(_np.where(usable, d, 1).astype(_np.float64))) > room)
    if not _np.any(bad):                                # the common case
        return None
    return _np.where(bad, d, 1).astype(rk)


def _p_norm(x, ax, ord, axes, keepdims, rescue):
    """``sum(|x|^p)^(1/p)`` over ``axes`` (``ax = |x|``), zeros guarded; with
    ``rescue``, ``x`` scaled as in :func:`_two_norm` by the dominant entry of
    each slice where the sum or the intermediates of its first two
    derivatives would leave the normal range (:func:`_p_scale`: ``|x|^3`` of
    ``1e-120``, or ``ord=-1`` at ``1e-25`` in float32)."""
    if rescue:
        m = _p_scale(x, ord, axes)
        if m is not None:
            return _rescaled(lambda v: _p_norm(v, _abs(v), ord, axes, keepdims, False),
                             m, x, axes, keepdims)
    z = equal(ax, 0.0)
    with _np.errstate(over="ignore", divide="ignore"):   # see rescue
        if ord < 0:
            # sum(|x|^p)^(1/p) with p < 0: 0 if any entry is 0
            anyz = _np.any(_np.asarray(primal_of(z)), axis=axes, keepdims=True)
            s = sum_p(power(where(z, 1.0, ax), ord), axis=axes, keepdims=True)
        else:
            s = sum_p(where(z, 0.0, power(where(z, 1.0, ax), ord)), axis=axes,
                      keepdims=keepdims)
    if ord < 0:
        out = where(anyz, 0.0, power(s, 1.0 / ord))
        if not keepdims:
            from ._shape import squeeze
            out = squeeze(out, axis=axes)
        return out
    zs = equal(s, 0.0)
    return where(zs, 0.0, power(where(zs, 1.0, s), 1.0 / ord))


def _matrix_norm(x, ord, axes, keepdims):
    r, c = axes
    if ord is None or ord == "fro":
        return _two_norm(x, axes, keepdims)
    if ord in (1, -1, _np.inf, -_np.inf):
        ax = _abs(x)
        if ord in (1, -1):
            s = sum_p(ax, axis=r, keepdims=True)
        else:
            s = sum_p(ax, axis=c, keepdims=True)
        if ord > 0 and 0 in shape_of(s):
            # NumPy's max has initial 0 here: an empty matrix has norm 0
            return sum_p(s, axis=axes, keepdims=keepdims)
        red = max_p if ord > 0 else min_p
        return red(s, axis=axes, keepdims=keepdims)
    if ord in ("nuc", 2, -2):
        xm = moveaxis(x, (r, c), (-2, -1))
        s = svd(xm, compute_uv=False)
        if ord == "nuc":
            out = sum_p(s, axis=-1)
        elif ord == 2:
            # an empty matrix (no singular values) has norm 0, as NumPy's max with
            # initial 0 gives
            out = max_p(s, axis=-1) if shape_of(s)[-1] else sum_p(s, axis=-1)
        else:
            out = min_p(s, axis=-1)
        # where the norm is exactly 0 (x = 0) the subgradient 0, as for every other
        # norm, not the average of the tied singular vectors' outer products
        out = where(equal(out, 0.0), 0.0, out)
        if keepdims:
            shp = list(shape_of(x))
            shp[r] = 1
            shp[c] = 1
            out = reshape(out, tuple(shp))
        return out
    raise ValueError("Invalid norm order for matrices.")


def _axes_tuple(axis):
    if isinstance(axis, list):
        axis = tuple(axis)
    return axis


def _numpy_scalar(f):
    """``f`` returning a NumPy scalar where NumPy's does: the selections
    (``where``) that give a norm its derivative 0 at 0 make 0-d arrays."""
    @functools.wraps(f)
    def norm_f(x, *args, **kwargs):
        out = f(x, *args, **kwargs)
        if isinstance(out, Tracer) and ndim_of(out) == 0 and type(primal_of(out)) is _np.ndarray:
            return out[()]
        return out
    return norm_f


@_numpy_scalar
def norm(x, ord=None, axis=None, keepdims=False):
    """``numpy.linalg.norm``, every ``ord``; at 0 the derivative is 0 (a subgradient).

    The 2-, Frobenius and ``p``-norms are right also where NumPy's sum of
    squares (powers) underflows or overflows (see ``two_norm_p`` and ``_p_scale``).

    >>> import numpy as np, dualad as ad
    >>> ad.grad(norm)(np.array([3e-200, 4e-200]))
    array([0.6, 0.8])
    """
    if not isinstance(x, Tracer):
        return _la.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    nd = ndim_of(x)
    axis = _axes_tuple(axis)
    if axis is None:
        if ord is None or (ord == 2 and nd == 1) or (ord in ("f", "fro") and nd == 2):
            return _two_norm(x, None, keepdims, flat=True)
        if nd == 1:
            return _vector_norm(x, ord, (-1,), keepdims)
        if nd == 2:
            return _matrix_norm(x, ord, (-2, -1), keepdims)
        raise ValueError("Improper number of dimensions to norm.")
    if isinstance(axis, int):
        axis = (axis,)
    if len(axis) == 1:
        if isinstance(ord, str):
            raise ValueError(f"Invalid norm order '{ord}' for vectors")
        return _vector_norm(x, ord, norm_axes(axis, nd), keepdims)
    if len(axis) == 2:
        r, c = (int(a) % nd - nd for a in axis)
        if r == c:
            raise ValueError("Duplicate axes given.")
        return _matrix_norm(x, ord, (r, c), keepdims)
    raise ValueError("Improper number of dimensions to norm.")


@_numpy_scalar
def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """``numpy.linalg.vector_norm`` (NumPy 2)."""
    if not isinstance(x, Tracer):
        return _la.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    nd = ndim_of(x)
    axis = _axes_tuple(axis)
    if axis is None:
        out = _vector_norm(reshape(x, (-1,)), ord, (-1,), False)
        return reshape(out, (1,) * nd) if keepdims else out
    return _vector_norm(x, ord, norm_axes(axis, nd), keepdims)


@_numpy_scalar
def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """``numpy.linalg.matrix_norm`` (NumPy 2): over the last two axes."""
    if not isinstance(x, Tracer):
        return _la.matrix_norm(x, keepdims=keepdims, ord=ord)
    return _matrix_norm(x, ord, (-2, -1), keepdims)


def cond(x, p=None):
    """``numpy.linalg.cond``: ``s_max / s_min`` for ``p`` None/2/-2, else
    ``norm(x, p) * norm(inv(x), p)``."""
    if not isinstance(x, Tracer):
        return _la.cond(x, p)
    if p is None or p in (2, -2):
        s = svd(x, compute_uv=False)
        hi, lo = max_p(s, axis=-1), min_p(s, axis=-1)
        return lo / hi if p == -2 else hi / lo
    return _matrix_norm(x, p, (-2, -1), False) * _matrix_norm(inv_p(x), p, (-2, -1), False)


# --- products and small helpers ---------------------------------------------------------
def matrix_power(a, n):
    """``numpy.linalg.matrix_power`` for any integer ``n`` (negative: of ``inv(a)``)."""
    if not isinstance(a, Tracer):
        return _la.matrix_power(a, n)
    n = _np.int64(n).item() if not isinstance(n, int) else n
    if n == 0:
        k = shape_of(a)[-1]
        return _np.broadcast_to(_eye(k, _np.result_type(primal_of(a))), shape_of(a)).copy()
    if n < 0:
        a = inv_p(a)
        n = -n
    result = None
    base = a
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


def multi_dot(arrays, *, out=None):
    """``numpy.linalg.multi_dot``: the chain of ``matmul``, cheapest order for three."""
    arrays = list(arrays)
    if out is not None or not any(isinstance(x, Tracer) for x in arrays):
        return _la.multi_dot(arrays, out=out)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    first_vec = ndim_of(arrays[0]) == 1
    last_vec = ndim_of(arrays[-1]) == 1
    if first_vec:
        arrays[0] = expand_dims(arrays[0], 0)
    if last_vec:
        arrays[-1] = expand_dims(arrays[-1], -1)
    res = arrays[0]
    for x in arrays[1:]:
        res = matmul(res, x)
    if first_vec and last_vec:
        return res[0, 0]
    if first_vec:
        return res[0]
    if last_vec:
        return res[:, 0]
    return res


def matrix_transpose(x, /):
    """``numpy.linalg.matrix_transpose``."""
    return _T(x)


def diagonal(x, /, *, offset=0):
    """``numpy.linalg.diagonal``: ``numpy.diagonal`` over the last two axes."""
    if not isinstance(x, Tracer):
        return _la.diagonal(x, offset=offset)
    from ._shape_extra import diagonal as diagonal_
    return diagonal_(x, offset, -2, -1)


def trace(x, /, *, offset=0, dtype=None):
    """``numpy.linalg.trace``: ``numpy.trace`` over the last two axes."""
    if not isinstance(x, Tracer):
        return _la.trace(x, offset=offset, dtype=dtype)
    from ._shape_extra import trace as trace_
    return trace_(x, offset, -2, -1, dtype)


# NumPy 2's array-API spellings: numpy.linalg's checks, then the main namespace's
# differentiable functions
def cross(x1, x2, /, *, axis=-1):
    """``numpy.linalg.cross``: ``numpy.cross`` of 3-vectors along ``axis``."""
    if not isinstance(x1, Tracer) and not isinstance(x2, Tracer):
        return _la.cross(x1, x2, axis=axis)
    if shape_of(x1)[axis] != 3 or shape_of(x2)[axis] != 3:
        raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, "
                         f"but they are {shape_of(x1)[axis]} and {shape_of(x2)[axis]} "
                         "dimensional instead.")
    from ._products_extra import cross as cross_
    return cross_(x1, x2, axis=axis)


def outer(x1, x2, /):
    """``numpy.linalg.outer`` of two 1-d arrays."""
    if not isinstance(x1, Tracer) and not isinstance(x2, Tracer):
        return _la.outer(x1, x2)
    if ndim_of(x1) != 1 or ndim_of(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional, but they are "
                         f"x1.ndim={ndim_of(x1)} and x2.ndim={ndim_of(x2)}.")
    from ._products_extra import outer as outer_
    return outer_(x1, x2)


def tensordot(x1, x2, /, *, axes=2):
    """``numpy.linalg.tensordot``."""
    from ._products_extra import tensordot as tensordot_
    return tensordot_(x1, x2, axes=axes)


def vecdot(x1, x2, /, *, axis=-1):
    """``numpy.linalg.vecdot``: ``sum(conj(x1) * x2, axis)``."""
    from ._products_extra import vecdot as vecdot_
    return vecdot_(x1, x2, axis=axis)


# an integer: value-only, like argmax (traced arguments, also tol= / rtol=, are read
# as values)
matrix_rank = nondifferentiable(on_values(_la.matrix_rank), name="linalg.matrix_rank")


def tensorinv(a, ind=2):
    """``numpy.linalg.tensorinv``: ``inv`` of the reshaped square matrix."""
    if not isinstance(a, Tracer):
        return _la.tensorinv(a, ind=ind)
    shp = shape_of(a)
    out_shape = shp[ind:] + shp[:ind]
    prod = int(_np.prod(shp[ind:]))
    return reshape(inv_p(reshape(a, (prod, -1))), out_shape)


def tensorsolve(a, b, axes=None):
    """``numpy.linalg.tensorsolve``: ``solve`` of the reshaped system."""
    if not isinstance(a, Tracer) and not isinstance(b, Tracer):
        return _la.tensorsolve(a, b, axes=axes)
    from ._shape import transpose
    nd = ndim_of(a)
    if axes is not None:
        allaxes = list(range(nd))
        for k in axes:
            allaxes.remove(k)
            allaxes.insert(nd, k)
        a = transpose(a, tuple(allaxes))
    shp = shape_of(a)
    oldshape = shp[-(nd - ndim_of(b)):]
    prod = int(_np.prod(oldshape))
    x = solve(reshape(a, (-1, prod)), reshape(b, (-1,)))
    return reshape(x, oldshape)


__all__ = [
    "inv", "solve", "det", "slogdet", "cholesky", "qr", "eigh", "eigvalsh", "eig",
    "eigvals", "svd", "svdvals", "pinv", "lstsq", "norm", "vector_norm", "matrix_norm",
    "cond", "matrix_power", "multi_dot", "matrix_transpose", "diagonal", "trace",
    "tensorinv", "tensorsolve", "cross", "outer", "tensordot", "vecdot", "matrix_rank",
    "LinAlgError",
]
LinAlgError = _la.LinAlgError
