"""Bessel functions: ``iv``, ``ive``, ``jv``, ``yv``, ``kv``, ``kve`` and the
integer orders (``i0``, ``i1``, ``i0e``, ``i1e``, ``j0``, ``j1``, ``y0``, ``y1``,
``k0``, ``k1``, ``k0e``, ``k1e``)."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._broadcast import bcast_tangent, unbroadcast
from ...numpy._ufuncs import _is_complex, times_finite_zero
from ...registry import defjvp, defvjp_direct
from ...tracer import primal_of, shape_of
from ._common import _arrays, _fdtype, _horner_double, _nary, _no_rule, _piecewise, _pv, _unary


# --- Bessel functions ----------------------------------------------------------------
iv = _nary(_sp.iv, "iv", ["v", lambda ans, v, x: 0.5 * (iv(primal_of(v) - 1, x)
                                                         + iv(primal_of(v) + 1, x))], ["v", "x"])


_IVE_ASYM = 20.0      # |x| from which (and from v^2) ive's derivative uses the series
_IVE_TERMS = 60


def _ive_asym_dx(v, x):
    """``d/dx ive(v, x)`` for large ``|x|`` from the asymptotic series
    ``ive(v, y) = (2 pi y)^(-1/2) sum_j c_j y^-j``, ``c_j = (-1)^j prod_(i<=j)
    (4v^2 - (2i-1)^2) / (j! 8^j)``, differentiated term by term:
    ``-(2 pi)^(-1/2) y^(-3/2) sum_j (j + 1/2) c_j y^-j`` with ``y = |x|`` (odd
    orders change sign for ``x < 0``).  The direct form ``(ive(v-1) + ive(v+1)) / 2
    - ive(v)`` is a difference of two ``O(y^-1/2)`` numbers that are equal to
    ``O(y^-3/2)``; this has no cancellation, and it is a polynomial in ``1/y``
    written with registry operations, so its derivatives are those of the series.
    Each point keeps the terms that decrease down to 1e-20 of the first (for
    ``y >= 20`` and ``y >= v^2`` the neglected rest is below rounding)."""
    dt = _fdtype(x)
    series = _hankel_dx_series(v, dnp.abs(x), -1.0, _IVE_TERMS, dt)
    # x < 0 (integer v, ive(v, -y) = (-1)^v ive(v, y)): the derivative is -(-1)^v that at y
    vv = _np.asarray(primal_of(v), dtype=float)
    sgn = _np.where(_np.asarray(primal_of(x)) < 0, _np.where(vv % 2 == 1, 1.0, -1.0), 1.0)
    return series * (sgn * (-1.0 / _np.sqrt(2 * _np.pi))).astype(dt)


def _hankel_dx_series(v, y, sign, terms, dt):
    """``y^(-3/2) sum_j (j + 1/2) c_j y^-j`` (``y > 0``, traced), with
    ``c_j = sign^j prod_(i<=j) (4v^2 - (2i-1)^2) / (j! 8^j)``: up to a constant
    factor, the derivative of the Hankel-type series ``sum_j c_j y^(-j-1/2)`` of
    ``ive`` (``sign = -1``) and ``kve`` (``sign = +1``).  Each point keeps the
    terms that decrease, down to 1e-20 of the first; a polynomial in ``1/y``
    written with registry operations, so its derivatives are the series'."""
    vv, yv = _np.broadcast_arrays(_np.asarray(primal_of(v), dtype=float), _np.abs(_pv(y)))
    c = [_np.ones_like(yv)]
    for j in range(1, terms):
        c.append(sign * c[-1] * (4 * vv * vv - (2 * j - 1) ** 2) / (8 * j))
    c = _np.array(c)
    with _np.errstate(all="ignore"):
        m = _np.abs(c) / yv ** _np.arange(terms).reshape((-1,) + (1,) * yv.ndim)
        keep = _np.cumprod(_np.concatenate([_np.ones_like(m[:1], dtype=bool),
                                            m[1:] < m[:-1]]), axis=0).astype(bool)
        keep &= m >= 1e-20 * m[:1]
    nkeep = int(_np.max(_np.nonzero(keep.reshape(terms, -1).any(axis=1))[0])) + 1
    b = (c * keep * (_np.arange(terms) + 0.5).reshape((-1,) + (1,) * yv.ndim))[:nkeep]
    w = 1.0 / y
    return _horner_double(b, w, dt) * w / dnp.sqrt(y)   # (the coefficients overflow float32)


# --- large orders, start <= x < v^2: the uniform (Debye) expansion --------------------
_DEBYE_V = 10.0       # order from which ive / kve's derivatives use it (max(20, v) <= |x| < v^2)
_DEBYE_TERMS = 20


def _debye_polys(terms=_DEBYE_TERMS):
    """Coefficient matrices (row k: the power series in ``p`` of a polynomial) of
    Debye's ``U_k(p)`` (DLMF 10.41.10: ``U_(k+1) = p^2 (1 - p^2) U_k' / 2 + 1/8
    int_0^p (1 - 5 t^2) U_k(t) dt``) and of ``V_k - U_k = p (p^2 - 1) (U_(k-1) / 2
    + p U_(k-1)')`` (DLMF 10.41.11 rearranged; row 0 is 0).  Float arithmetic on
    small rationals: the coefficients are good to a few ulp."""
    P = _np.polynomial.polynomial
    us = [_np.array([1.0])]
    for _ in range(terms):
        u = us[-1]
        us.append(P.polyadd(P.polymul([0.0, 0.0, 0.5, 0.0, -0.5], P.polyder(u)),
                            P.polyint(P.polymul([1.0, 0.0, -5.0], u)) / 8))
    ds = [_np.zeros(1)] + [P.polymul([0.0, -1.0, 0.0, 1.0],
                                     P.polyadd(u / 2, P.polymul([0.0, 1.0], P.polyder(u))))
                           for u in us[:-1]]
    width = 3 * terms + 2
    U = _np.zeros((terms + 1, width))
    D = _np.zeros((terms + 1, width))
    for k in range(terms + 1):
        U[k, :len(us[k])] = us[k]
        D[k, :len(ds[k])] = ds[k]
    return U, D


_DEBYE = []           # (U, D), built on first use


def _debye_log_dx(v, y, sign):
    """``d/dy log(ive(v, y))`` (``sign = +1``) or ``d/dy log(kve(v, y))`` (``sign =
    -1``) for ``y > 0`` and large plain ``v > 0``, from the uniform expansions of
    ``I_v``, ``K_v`` and their derivatives (DLMF 10.41.3-10.41.6, ``p = v /
    sqrt(v^2 + y^2)``): ``I_v' / I_v = a S_V / S_U`` and ``K_v' / K_v = -a S_V /
    S_U`` with ``a = sqrt(v^2 + y^2) / y``, ``S_U = sum_k (sign / v)^k U_k(p)``
    and ``S_V`` alike with ``V_k``, so the result is ``sign ((a - 1) + a (S_V -
    S_U) / S_U)``.  Neither ``a - 1 = v^2 / (y (y + sqrt(v^2 + y^2)))`` nor ``S_V -
    S_U`` (the polynomials ``V_k - U_k``) is formed by subtracting, where the
    recurrence forms (``(ive(v-1) + ive(v+1)) / 2 - ive``) subtract numbers up to
    ``v^2`` times their difference (kve'' at v = 300, x = 89999 was 1.6e-4 off).
    Each point keeps the terms down to 1e-20 of the result's scale (20 terms are
    below rounding from ``v = 10``, ``y >= 20``).  Written with registry operations
    in ``y`` (``v`` is plain), so its derivatives are the series'; computed in
    double precision and rounded to ``y``'s dtype."""
    if not _DEBYE:
        _DEBYE.extend(_debye_polys())
    U, D = _DEBYE
    dt = _fdtype(y)
    if dt != _np.float64:
        y = dnp.astype(y, _np.float64)
    vv, yv = _np.broadcast_arrays(_np.asarray(v, dtype=float), _np.abs(_pv(y)))
    sv = _np.sqrt(vv * vv + yv * yv)
    pv = vv / sv
    # term bounds |U_k(p)| / v^k, |D_k(p)| / v^k on the plain values: how many to keep
    powers = pv[None] ** _np.arange(U.shape[1]).reshape((-1,) + (1,) * pv.ndim)
    inv = (1.0 / vv)[None] ** _np.arange(U.shape[0]).reshape((-1,) + (1,) * pv.ndim)
    bu = _np.abs(_np.tensordot(_np.abs(U), powers, 1)) * inv
    bd = _np.abs(_np.tensordot(_np.abs(D), powers, 1)) * inv
    scale = vv * vv / (yv * (yv + sv)) + (sv / yv) * bd[1]
    need = (bu > 1e-20 * _np.minimum(1.0, scale)) | (bd > 1e-20 * scale)
    nk = int(_np.max(_np.nonzero(need.reshape(need.shape[0], -1).any(axis=1))[0])) + 1
    w = (sign / vv)[None] ** _np.arange(nk).reshape((-1,) + (1,) * pv.ndim)
    width = 3 * nk
    cu = _np.tensordot(U[:nk, :width].T, w, 1)     # power series in p, per point
    cd = _np.tensordot(D[:nk, :width].T, w, 1)
    s = dnp.sqrt(vv * vv + y * y)
    p = vv / s
    su = _horner_double(cu, p, _np.float64)
    sd = _horner_double(cd, p, _np.float64)
    a = s / y
    am1 = (vv * vv) / (y * (y + s))
    out = sign * (am1 + a * sd / su)
    return out if dt == _np.float64 else dnp.astype(out, dt)


def _ive_dx_direct(ans, v, x):
    # (I_v e^-|x|)' = (I_(v-1) + I_(v+1)) / 2 e^-|x| - sign(x) ive
    vv = primal_of(v)
    return 0.5 * (ive(vv - 1, x) + ive(vv + 1, x)) - dnp.sign(x) * ans


def _asymptotic_split(ans, v, x, direct, far_rule, start, xv, debye=None):
    """``direct(ans, v, x)`` where ``xv < max(start, v^2)``, ``far_rule(v, x)``
    (an asymptotic series) above; each branch runs at safe values elsewhere.
    ``xv``: the plain values of ``x`` compared (``|x|`` or real ``x``).
    ``debye``: ``(order, rule)``, ``rule(order(v), x)`` used instead of ``direct``
    where ``max(start, order(v)) <= xv < v^2`` and the plain ``order(v)`` (the
    order the uniform expansion is taken at, NaN where it is not used) is at least
    ``_DEBYE_V``; below ``x = v`` the recurrence forms do not cancel, and they are
    at least as accurate as SciPy's value of the order itself (which the uniform
    form multiplies)."""
    vv, xv = _np.broadcast_arrays(_np.asarray(primal_of(v), dtype=float), xv)
    big = (xv >= _np.maximum(start, vv * vv)) & _np.isfinite(xv)
    mid = None
    if debye is not None:
        with _np.errstate(invalid="ignore"):
            order = debye[0](vv)
            mid = ~big & (xv >= _np.maximum(start, order)) & _np.isfinite(xv) & (order >= _DEBYE_V)
        if not mid.any():
            mid = None
    if not big.any() and mid is None:
        return direct(ans, v, x)
    if shape_of(x) != big.shape:
        x = dnp.broadcast_to(x, big.shape)

    def near(safe):
        y = safe(x, 1.0)
        if mid is None:
            return direct(ans, v, y)
        order = _np.where(mid, debye[0](vv), _DEBYE_V)
        return _piecewise(mid, lambda safe2: debye[1](order, safe2(y, 2 * start)),
                          lambda safe2: direct(ans, v, safe2(y, 1.0)))
    return _piecewise(big, lambda safe: far_rule(v, safe(x, 2 * start)), near)


def _ive_order(vv):
    """The order ``|v|`` where ``ive(v) = ive(|v|)`` (``v >= 0``, integer ``v``), else NaN."""
    return _np.where((vv >= 0) | (vv == _np.round(vv)), _np.abs(vv), _np.nan)


def _ive_debye(order, x):
    # ive' = sign(x) ive (log ive)'(|x|)  (x < 0: integer order, ive(n, -y) = (-1)^n ive(n, y))
    return dnp.sign(x) * ive(order, x) * _debye_log_dx(order, dnp.abs(x), 1.0)


def _ive_split(ans, v, x, direct, debye=False):
    """``direct(ans, v, x)`` for ``|x| < max(20, v^2)``, the asymptotic series
    above; with ``debye``, the uniform expansion for ``|v| >= 10`` and ``max(20,
    |v|) <= |x| < v^2``."""
    return _asymptotic_split(ans, v, x, direct, _ive_asym_dx, _IVE_ASYM,
                             _np.abs(_np.asarray(primal_of(x), dtype=float)),
                             (_ive_order, _ive_debye) if debye else None)


def _ive_dx(ans, v, x):
    # orders 0 and 1 through i0e / i1e (ive of every order is NaN in SciPy for
    # |x| > 2^30, i0e and i1e are not)
    vv = _np.asarray(primal_of(v))
    vv, _ = _np.broadcast_arrays(vv, _np.asarray(primal_of(x)))
    d01 = vv == 0, vv == 1
    if d01[0].all():
        return _i0e_dx(i0e(x), x)
    if d01[1].all():
        return _i1e_dx(i1e(x), x)
    out = _ive_split(ans, v, x, _ive_dx_direct, debye=True)
    if d01[0].any():
        out = dnp.where(d01[0], _i0e_dx(i0e(x), x), out)
    if d01[1].any():
        out = dnp.where(d01[1], _i1e_dx(i1e(x), x), out)
    return out


def _i0e_dx(ans, x):
    return _ive_split(ans, 0.0, x, lambda ans, v, x: i1e(x) - dnp.sign(x) * ans)


def _i1e_dx(ans, x):
    # I_1' = (I_0 + I_2) / 2 (no cancellation at small x, where I_0 - I_1 / x has)
    return _ive_split(ans, 1.0, x,
                      lambda ans, v, x: 0.5 * (i0e(x) + ive(2.0, x)) - dnp.sign(x) * ans)


ive = _nary(_sp.ive, "ive", ["v", _ive_dx], ["v", "x"])


# Complex z: ive(v, z) = iv(v, z) exp(-|Re z|) is not holomorphic.  With
# D = iv'(v, z) exp(-|Re z|) = (ive(v-1, z) + ive(v+1, z)) / 2, the JVP is
# D t - sign(Re z) Re(t) ive and the VJP its transpose, g D - sign(Re z) Re(g ive).
# (The real-only i0e / i1e and the large-|x| series are not used: the series is
# that of real x, and SciPy's i0e / i1e take no complex input.)
def _ive_dz(v, x):
    vv = primal_of(v)
    return 0.5 * (ive(vv - 1, x) + ive(vv + 1, x))


def _ive_jvp_x(t, ans, v, x):
    v, x = _arrays((v, x))
    t = bcast_tangent(t, x, ans)
    if not _is_complex(x):
        return times_finite_zero(t, _ive_dx(ans, v, x))
    return times_finite_zero(t, _ive_dz(v, x)) - dnp.sign(dnp.real(x)) * dnp.real(t) * ans


def _ive_vjp_x(g, ans, v, x):
    v, x = _arrays((v, x))
    if not _is_complex(x):
        return unbroadcast(times_finite_zero(g, _ive_dx(ans, v, x)), ans, x)
    return unbroadcast(times_finite_zero(g, _ive_dz(v, x))
                       - dnp.sign(dnp.real(x)) * dnp.real(g * ans), ans, x)


defjvp(ive, _no_rule("ive", "v"), _ive_jvp_x)
defvjp_direct(ive, _no_rule("ive", "v"), _ive_vjp_x)
jv = _nary(_sp.jv, "jv", ["v", lambda ans, v, x: 0.5 * (jv(primal_of(v) - 1, x)
                                                         - jv(primal_of(v) + 1, x))], ["v", "x"])
yv = _nary(_sp.yv, "yv", ["v", lambda ans, v, x: 0.5 * (yv(primal_of(v) - 1, x)
                                                         - yv(primal_of(v) + 1, x))], ["v", "x"])
i0 = _unary(_sp.i0, "i0", lambda ans, x: i1(x))
i1 = _unary(_sp.i1, "i1", lambda ans, x: 0.5 * (i0(x) + iv(2.0, x)))
i0e = _unary(_sp.i0e, "i0e", _i0e_dx)
i1e = _unary(_sp.i1e, "i1e", _i1e_dx)
j0 = _unary(_sp.j0, "j0", lambda ans, x: -j1(x))
j1 = _unary(_sp.j1, "j1", lambda ans, x: 0.5 * (j0(x) - jv(2.0, x)))
y0 = _unary(_sp.y0, "y0", lambda ans, x: -y1(x))
y1 = _unary(_sp.y1, "y1", lambda ans, x: 0.5 * (y0(x) - yv(2.0, x)))

# --- modified Bessel functions of the second kind --------------------------------------
def _kv_dx(ans, v, x):
    # K_v' = -(K_(v-1) + K_(v+1)) / 2  (both positive for x > 0: no cancellation;
    # holomorphic, so complex x takes the same rule)
    vv = primal_of(v)
    return -0.5 * (kv(vv - 1, x) + kv(vv + 1, x))


kv = _nary(_sp.kv, "kv", ["v", _kv_dx], ["v", "x"])

_KVE_ASYM = 20.0      # x from which (and from v^2) kve's derivative uses the series
_KVE_TERMS = 60


def _kve_asym_dx(v, x):
    """``d/dx kve(v, x)`` for large ``x > 0`` from Hankel's expansion ``kve(v, y) =
    sqrt(pi / (2y)) sum_j a_j y^-j``, ``a_j = prod_(i<=j) (4v^2 - (2i-1)^2) / (j! 8^j)``,
    differentiated term by term: ``-sqrt(pi/2) y^(-3/2) sum_j (j + 1/2) a_j y^-j``.
    The recurrence form ``kve(v) - (kve(v-1) + kve(v+1)) / 2`` is a difference of
    two ``O(y^-1/2)`` numbers equal to ``O(y^-3/2)``; this is not.  A polynomial in
    ``1/y`` written with registry operations (its derivatives are the series'); each
    point keeps the decreasing terms down to 1e-20 of the first."""
    dt = _fdtype(x)
    return _hankel_dx_series(v, x, 1.0, _KVE_TERMS, dt) * dt.type(-_np.sqrt(_np.pi / 2))


def _kve_debye(order, x):
    return kve(order, x) * _debye_log_dx(order, x, -1.0)


def _kve_split(ans, v, x, direct, debye=False):
    """``direct(ans, v, x)`` for real ``x < max(20, v^2)``, the series above for
    larger ``x`` (each branch at safe values elsewhere); with ``debye``, the
    uniform expansion for ``|v| >= 10`` and ``max(20, |v|) <= x < v^2`` (``kve(-v) =
    kve(v)``); complex ``x``: ``direct``."""
    if _is_complex(x):
        return direct(ans, v, x)
    return _asymptotic_split(ans, v, x, direct, _kve_asym_dx, _KVE_ASYM, _pv(x),
                             (_np.abs, _kve_debye) if debye else None)


def _kve_dx_direct(ans, v, x):
    # (K_v e^x)' = kve - (kve(v-1) + kve(v+1)) / 2   (kve is K_v exp(x), holomorphic)
    vv = primal_of(v)
    return kve(vv, x) - 0.5 * (kve(vv - 1, x) + kve(vv + 1, x))


kve = _nary(_sp.kve, "kve", ["v", lambda ans, v, x: _kve_split(ans, v, x, _kve_dx_direct, True)],
            ["v", "x"])
k0 = _unary(_sp.k0, "k0", lambda ans, x: -k1(x))
# K_1' = -(K_0 + K_1 / x) (the recurrence K_2 = K_0 + 2 K_1 / x in -(K_0 + K_2) / 2):
# SciPy's kv(2, x) is 0 from x ~ 697.9, where k0 and k1 are nonzero up to 742
k1 = _unary(_sp.k1, "k1", lambda ans, x: -(k0(x) + k1(x) / x))
k0e = _unary(_sp.k0e, "k0e",
             lambda ans, x: _kve_split(ans, 0.0, x, lambda ans, v, x: k0e(x) - k1e(x)))
k1e = _unary(_sp.k1e, "k1e", lambda ans, x: _kve_split(
    ans, 1.0, x, lambda ans, v, x: k1e(x) - 0.5 * (k0e(x) + kve(2.0, x))))
