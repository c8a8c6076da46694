"""Exponential integrals (``exp1``, ``expi``, ``expn``), complete elliptic
integrals (``ellipk``, ``ellipe``), ``lambertw`` and ``spence``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._ufuncs import _is_complex
from ...tracer import primal_of
from ._common import _fdtype, _nary, _piecewise, _pv, _sub, _unary


# --- exponential integrals ------------------------------------------------------------
exp1 = _unary(_sp.exp1, "exp1", lambda ans, x: -dnp.exp(-x) / x)


def _expi_dx(ans, x):
    """``expi'(x) = e^x / x``.  Where ``e^x`` overflows but ``e^x / x`` does not
    (``x`` in about (709.8, 716) in float64, (88.7, 93) in float32) as ``t (t / x)``,
    ``t = e^(x/2)`` (``x/2`` exact: no argument rounding, unlike ``e^(x - log x)``);
    the mask is on plain values, the common path is unchanged."""
    if _is_complex(x):
        return dnp.exp(x) / x
    thr = float(_np.log(_np.finfo(_fdtype(x)).max)) - 9.0    # f64: 700.8, f32: 79.7

    def far(safe):
        xb = safe(x, thr + 1.0)
        t = dnp.exp(0.5 * xb)
        return t * (t / xb)

    def direct(safe):
        xn = safe(x, 1.0)
        return dnp.exp(xn) / xn
    return _piecewise(_pv(x) > thr, far, direct)


expi = _unary(_sp.expi, "expi", _expi_dx)


def _expn_dx(ans, n, x):
    # d/dx E_n = -E_(n-1) (n >= 1; SciPy truncates n to an integer); E_0 = exp(-x) / x,
    # whose derivative is -exp(-x) (x + 1) / x^2; NaN for n < 0 (so is the value)
    nv, _ = _np.broadcast_arrays(_np.trunc(_pv(n)), _pv(x))
    out = -expn(_np.maximum(nv - 1, 0), x)
    zero = nv == 0
    if zero.any():
        xs = _sub(~zero, x, 1.0)
        out = dnp.where(zero, -dnp.exp(-xs) * (xs + 1) / (xs * xs), out)
    if (nv < 0).any():
        out = dnp.where(nv < 0, _np.nan, out)
    return out


expn = _nary(_sp.expn, "expn", [None, _expn_dx], ["n", "x"])

# --- complete elliptic integrals ---------------------------------------------------------
_ELLIP_SERIES = 0.1     # |m| below which the derivatives are power series in m
_ELLIP_TERMS = 24


def _ellip_coef():
    a2, a = [1.0], 1.0
    for n in range(1, _ELLIP_TERMS + 2):
        a *= (2 * n - 1) / (2 * n)
        a2.append(a * a)       # ((2n-1)!! / (2n)!!)^2
    return a2


_ELLIP_A2 = _ellip_coef()


def _ellip_series_d(m, which):
    """``dK/dm = pi/2 sum_n n a_n^2 m^(n-1)``, ``dE/dm = -pi/2 sum_n n a_n^2 m^(n-1) /
    (2n-1)`` for small ``|m|`` (the closed forms cancel like ``1/m`` there)."""
    acc = 0.0
    for n in range(_ELLIP_TERMS, 0, -1):
        c = n * _ELLIP_A2[n] * (1.0 if which == "k" else -1.0 / (2 * n - 1))
        acc = acc * m + c
    return (_np.pi / 2) * acc


def _ellip_split(m, which, closed):
    return _piecewise(_np.abs(_pv(m)) < _ELLIP_SERIES,
                      lambda safe: _ellip_series_d(safe(m, 0.0), which),
                      lambda safe: closed(safe(m, 0.5)))


ellipk = _unary(_sp.ellipk, "ellipk", lambda ans, m: _ellip_split(
    m, "k", lambda m: (ellipe(m) - (1 - m) * ellipk(m)) / (2 * m * (1 - m))))
ellipe = _unary(_sp.ellipe, "ellipe", lambda ans, m: _ellip_split(
    m, "e", lambda m: (ellipe(m) - ellipk(m)) / (2 * m)))


# --- Lambert W ---------------------------------------------------------------------------
def _lambertw_impl(z, k, tol):
    return _sp.lambertw(z, k, tol)


def _lambertw_dz(ans, z, k, tol):
    # W' = 1 / (z + exp(W)) = W / (z (1 + W)); the first form where |W| < 1 (W' = 1 at
    # z = 0 on branch 0), the second elsewhere (exp(W) = z / W, without exp's error)
    def far(safe):
        wz = safe(ans, 2.0)
        return wz / (safe(z, 2.0 * _np.exp(2.0)) * (1 + wz))
    return _piecewise(_np.abs(_np.asarray(primal_of(ans))) < 1,
                      lambda safe: 1.0 / (z + dnp.exp(safe(ans, 0.0))), far)


_lambertw_p = _nary(_lambertw_impl, "lambertw", [_lambertw_dz, None, None], ["z", "k", "tol"])


def lambertw(z, k=0, tol=1e-8):
    """``scipy.special.lambertw(z, k=0, tol=1e-8)``: branch ``k`` of the Lambert W
    function (complex result, as SciPy's), differentiable in ``z``:
    ``W' = W / (z (1 + W))`` (1 at ``z = 0`` on branch 0).

    >>> import dualad as ad
    >>> from dualad.scipy.special import lambertw
    >>> float(ad.grad(lambda x: lambertw(x).real)(0.0))
    1.0
    """
    return _lambertw_p(z, _np.asarray(k, dtype=_np.dtype("long")), tol)


# --- spence ---------------------------------------------------------------------------------
def _spence_dz(ans, z):
    # SciPy's spence(z) = int_1^z log(t) / (1 - t) dt = Li2(1 - z): derivative log(z) / (1 - z);
    # near z = 1 (|z - 1| < 0.05) the series -sum_n (-u)^n / (n + 1), u = z - 1
    def series(safe):
        uu = safe(z, 1.0) - 1
        ser = 1.0 / 31
        for n in range(29, -1, -1):
            ser = 1.0 / (n + 1) - uu * ser
        return -ser

    def direct(safe):
        zf = safe(z, 2.0)
        return dnp.log(zf) / (1 - zf)
    return _piecewise(_np.abs(_np.asarray(primal_of(z)) - 1) < 0.05, series, direct)


spence = _unary(_sp.spence, "spence", _spence_dz)
