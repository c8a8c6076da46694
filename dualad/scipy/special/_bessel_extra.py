"""More Bessel-type functions: the spherical Bessel functions ``spherical_jn``,
``spherical_yn``, ``spherical_in``, ``spherical_kn`` (and their
``derivative=True`` forms), the Hankel functions ``hankel1``, ``hankel2``,
``hankel1e``, ``hankel2e``, the Airy functions ``airy``, ``airye``, the
Faddeeva function ``wofz``, the ``voigt_profile`` and the Struve functions
``struve``, ``modstruve``.

Rules (every derivative in the complex argument ``z`` where SciPy takes one;
the orders ``n``, ``v`` have no rule: traced, they raise
``NotImplementedError`` naming the function and the argument):

* ``spherical_*(n, z)``: the derivative is SciPy's own ``derivative=True``
  value (the same numbers).  That one's derivative, the second derivative, is
  ``(a n f'_(n-1) + b (n+1) f'_(n+1)) / (2n+1)`` (``(a, b) = (1, -1)`` for
  ``j``, ``y``; ``(1, 1)`` for ``i``; ``(-1, -1)`` for ``k``): the
  derivative of DLMF 10.51.2 / 10.51.5, equal to the spherical Bessel ODE
  ``f'' = -(2/z) f' + (n(n+1)/z^2 -+ 1) f`` but without its cancellation at
  small ``z`` (for ``n = 1`` the ODE form loses all digits as ``z -> 0``;
  this one gives ``j_0''(0) = -1/3``, ``j_1''(0) = 0``, ``j_2''(0) = 2/15``).
* ``hankel1``, ``hankel2``: ``H_v' = (H_(v-1) - H_(v+1)) / 2``; the scaled
  ``hankel1e = H1 e^(-iz)`` and ``hankel2e = H2 e^(iz)`` add ``-+ i`` times
  themselves.  All holomorphic; complex output of real ``z``: the derivative is
  complex, the cotangent of a real ``z`` real (docs/complex.md).  For ``|z| >=
  max(25, v^2)``, ``Re z > 0``, the scaled functions' derivatives come from Hankel's
  expansion differentiated term by term (the recurrence form cancels like ``1/z``:
  2e-10 at ``z = 1000`` in the second derivative).
* ``airy``: ``Ai' = Aip``, ``Aip' = z Ai`` (the same for ``Bi``).  ``airye``:
  ``eAi = Ai exp(zeta)``, ``zeta = 2/3 z^(3/2)``, so ``eAi' = eAip + sqrt(z) eAi``,
  ``eAip' = z eAi + sqrt(z) eAip``; ``eBi = Bi exp(-|Re zeta|)`` is not
  holomorphic, its JVP is ``eBip t - s Re(sqrt(z) t) eBi`` with ``s = sign(Re
  zeta)`` (``s = 0`` on real ``z <= 0``, where SciPy does not scale), and the
  VJP the transpose.  For real ``x >= 10`` all four derivatives come from the
  asymptotic series of DLMF 9.7.5 (``eAi' = x^(1/4) P(zeta) / (2 sqrt(pi))``, ...),
  as the recurrence forms cancel like ``x^(3/2)`` (3e-9 at ``x = 100`` in the
  second derivative); for real ``0 <= x < 10`` those of ``eAi``, ``eAip`` are
  formed from the unscaled ``airy`` values times ``e^zeta`` (SciPy's ``airye`` values
  near ``x = 2`` are off by up to 4e-14, which the cancelling sums amplify 13 times).
  At real ``z = 0`` the scaled functions are not twice
  differentiable (``x^(3/2)`` in the exponent).
* ``wofz``: ``w' = -2 z w + 2i/sqrt(pi) = -2 S`` with ``S = z w - i/sqrt(pi)``;
  for ``|z| >= 6.5`` (where ``w``'s asymptotic series holds: ``Im z >= 0``, or
  ``exp(-z^2)`` negligible) ``S`` is summed from the series
  ``(i/sqrt(pi)) sum_(k>=1) (2k-1)!! (2z^2)^-k`` (40 terms) instead of the
  cancelling difference, plus ``m z exp(-z^2)``, the part of ``w`` beyond all
  orders of its series (``m = 1`` for ``|Im z| < 0.5``, 0 above, 2 below): on
  the real axis ``Re w(x) = exp(-x^2)`` is nothing else, and without it
  ``Re w'(x)`` and the Voigt profile's ``x``- and ``sigma``-derivatives in the
  Gaussian tail (``gamma ~ 0``, ``|x| > 9.19 sigma``) were 0.
* ``voigt_profile(x, sigma, gamma) = Re w(z) / (sigma sqrt(2 pi))``, ``z = (x +
  i gamma) / (sigma sqrt 2)``: ``d/dx = -Re S / (sigma^2 sqrt(pi))``, ``d/dgamma
  = Im S / (sigma^2 sqrt(pi))``, ``d/dsigma = Re(2 z S - w) / (sigma^2 sqrt(2
  pi))`` (``2 z S - w`` from its series ``(i / (sqrt(pi) z)) sum_(k>=1) 2k
  (2k-1)!! (2 z^2)^-k`` plus ``m (2 z^2 - 1) exp(-z^2)`` for ``|z| >= 6.5``).  At ``sigma = 0`` (SciPy's Lorentzian
  branch) the derivatives are those of the heat-equation series ``V = sum_k
  (sigma^2/2)^k / k! L^(2k)(x)`` of the Lorentzian ``L``, truncated after
  ``sigma^6``: exact there up to sixth order; in ``sigma`` they are the
  one-sided ones from ``sigma > 0`` (SciPy's value is odd in ``sigma``, so it
  jumps at 0).
* ``struve``, ``modstruve``: ``F_v' = F_(v-1) - (v/x) F_v`` for ``|x| >= 2``; below,
  the power series differentiated term by term (no 0/0 at ``x = 0``, no
  cancellation near ``v = -1``).
"""
from __future__ import annotations

import math

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._ufuncs import _is_complex, times_finite_zero
from ...registry import defjvp, defvjp_direct, primitive
from ...tracer import contains_tracer, primal_of
from ._common import _horner_double, _nary, _piecewise, _pv, _sub, _unary

_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)          # python floats: float32 stays float32
_I_SQRT_PI = 1j * _INV_SQRT_PI
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _rdtype(z):
    """The real dtype of the (possibly traced, possibly complex) ``z``."""
    dt = _np.asarray(primal_of(z)).dtype
    if dt.kind in "fc":
        return _np.finfo(dt).dtype
    return _np.dtype(float)


def _asym_poly(c, w, wv, dt):
    """``sum_k c[k] w^k`` (``w`` traced, ``wv`` its plain values), each point cut at
    its smallest term (the optimal truncation of an asymptotic series: the terms
    may rise first, as ``(k + 1/2) a_k`` do for large orders, then fall, then
    diverge) and dropping terms below 1e-20 of the largest kept.  ``c``: plain
    coefficients, shape ``(terms,) + shape(wv)``; summed in double precision (the
    coefficients overflow float32) and returned in ``dt``.  A polynomial in ``w``
    written with registry operations, so its derivatives are the series'."""
    terms = c.shape[0]
    with _np.errstate(all="ignore"):
        m = _np.abs(c) * _np.abs(wv) ** _np.arange(terms).reshape((-1,) + (1,) * _np.ndim(wv))
        m = _np.where(_np.isfinite(m), m, _np.inf)
        k = _np.arange(terms).reshape((-1,) + (1,) * _np.ndim(wv))
        keep = k <= _np.argmin(m, axis=0)
        keep &= m >= 1e-20 * _np.max(_np.where(keep, m, 0.0), axis=0)
    nkeep = int(_np.max(_np.nonzero(keep.reshape(terms, -1).any(axis=1))[0])) + 1
    return _horner_double((c * keep)[:nkeep], w, dt)


# --- spherical Bessel functions ------------------------------------------------------
# (a, b): f_n'' = (a n f'_(n-1) + b (n+1) f'_(n+1)) / (2n+1)
_SPHERICAL = {"jn": (1.0, -1.0), "yn": (1.0, -1.0), "in": (1.0, 1.0), "kn": (-1.0, -1.0)}


def _spherical_second(kind, deriv):
    a, b = _SPHERICAL[kind]

    def d2(ans, n, z):
        nv = _np.asarray(primal_of(n))
        # order n - 1 is only needed (and only valid) for n >= 1; its weight is 0 at n = 0
        lo = _np.where(nv >= 1, nv - 1, 0)
        with _np.errstate(all="ignore"):
            clo = _np.where(nv >= 1, a * nv / (2.0 * nv + 1.0), 0.0)
            chi = b * (nv + 1.0) / (2.0 * nv + 1.0)
        out = float(chi) * deriv(nv + 1, z) if chi.ndim == 0 else chi * deriv(nv + 1, z)
        if (clo != 0).any():
            out = out + (float(clo) * deriv(lo, z) if clo.ndim == 0 else clo * deriv(lo, z))
        return out
    return d2


def _make_spherical(kind):
    f = getattr(_sp, "spherical_" + kind)
    # the rule of deriv calls deriv itself (at orders n -+ 1): bound when it runs
    deriv = _nary(lambda n, z: f(n, z, derivative=True), f"spherical_{kind}_d",
                  ["n", _spherical_second(kind, lambda n, z: deriv(n, z))], ["n", "z"],
                  public=f"spherical_{kind}(derivative=True)")
    value = _nary(lambda n, z: f(n, z), f"spherical_{kind}",
                  ["n", lambda ans, n, z: deriv(primal_of(n), z)], ["n", "z"])
    deriv.__doc__ = (f"``scipy.special.spherical_{kind}(n, z, derivative=True)``, "
                     f"differentiable in ``z``.")
    value.__doc__ = f"``scipy.special.spherical_{kind}(n, z)``, differentiable in ``z``."

    def public(n, z, derivative=False):
        return (deriv if derivative else value)(n, z)
    public.__name__ = public.__qualname__ = "spherical_" + kind
    public.__doc__ = (
        f"``scipy.special.spherical_{kind}(n, z, derivative=False)``, differentiable in "
        f"``z`` (real or complex), also with ``derivative=True`` (whose own derivative "
        f"comes from the recurrences, see the module notes).  The integer order ``n`` "
        f"has no derivative.  Not a ufunc in SciPy: plain ``scipy.special.spherical_{kind}`` "
        f"cannot see a traced value; call this one.")
    return public, value, deriv


spherical_jn, _spherical_jn_p, _spherical_jn_d = _make_spherical("jn")
spherical_yn, _spherical_yn_p, _spherical_yn_d = _make_spherical("yn")
spherical_in, _spherical_in_p, _spherical_in_d = _make_spherical("in")
spherical_kn, _spherical_kn_p, _spherical_kn_d = _make_spherical("kn")


# --- Hankel functions ------------------------------------------------------------------
_HANKEL_ASYM = 25.0     # |z| (and v^2) from which hankel1e / hankel2e use the series
_HANKEL_TERMS = 60


def _hankel_e_asym(v, z, shift, cdt):
    """``d/dz`` of ``hankel1e`` (``shift = -1``) / ``hankel2e`` (``+1``) for large
    ``|z|``, ``Re z > 0``, from Hankel's expansion ``sqrt(2/(pi z)) e^(-+i phi) sum_k
    (+-i)^k a_k z^-k`` (``phi = v pi/2 + pi/4``, ``a_k = prod_(j<=k) (4v^2 -
    (2j-1)^2) / (k! 8^k)``) differentiated term by term: ``-sqrt(2/pi) e^(-+i phi)
    z^(-3/2) sum_k (k + 1/2) (+-i)^k a_k z^-k``.  The recurrence form is a difference
    of ``O(z^-1/2)`` numbers equal to ``O(z^-3/2)``; this is not."""
    vv, zv = _np.broadcast_arrays(_np.asarray(v, dtype=float), _np.asarray(primal_of(z)))
    rot = -shift * 1j
    a = [_np.ones(vv.shape, dtype=complex)]
    for k in range(1, _HANKEL_TERMS):
        a.append(a[-1] * rot * (4 * vv * vv - (2 * k - 1) ** 2) / (8 * k))
    k = _np.arange(_HANKEL_TERMS).reshape((-1,) + (1,) * vv.ndim)
    c = _np.array(a) * (k + 0.5)
    phase = -_np.sqrt(2 / _np.pi) * _np.exp(shift * 1j * (vv * _np.pi / 2 + _np.pi / 4))
    with _np.errstate(all="ignore"):
        series = _asym_poly(c, 1.0 / z, 1.0 / zv, cdt)
    return series * phase.astype(cdt) / (z * dnp.sqrt(z))


def _make_hankel(name, shift):
    """``shift``: the coefficient of ``i * ans`` in the derivative (0 unscaled, -1 for
    ``hankel1e = H1 e^(-iz)``, +1 for ``hankel2e = H2 e^(iz)``)."""
    def direct(ans, v, z):
        out = 0.5 * (p(v - 1, z) - p(v + 1, z))
        return out if shift == 0 else out + (shift * 1j) * ans

    def d(ans, v, z):
        vv = primal_of(v)
        if shift == 0:
            return direct(ans, vv, z)
        zv = _np.asarray(primal_of(z))
        with _np.errstate(all="ignore"):
            far = ((_np.abs(zv) >= _np.maximum(_HANKEL_ASYM, _np.asarray(vv, float) ** 2))
                   & (zv.real > 0) & _np.isfinite(zv))
        cdt = _np.asarray(primal_of(ans)).dtype
        return _piecewise(far, lambda safe: _hankel_e_asym(vv, safe(z, 2 * _HANKEL_ASYM),
                                                            shift, cdt),
                          lambda safe: direct(safe(ans, 0.0), vv, safe(z, 1.0)))
    p = _nary(getattr(_sp, name), name, ["v", d], ["v", "z"])
    p.__doc__ = (f"``scipy.special.{name}(v, z)``, differentiable in ``z`` (complex "
                 f"output; the real order ``v`` has no rule).")
    return p


hankel1 = _make_hankel("hankel1", 0)
hankel2 = _make_hankel("hankel2", 0)
hankel1e = _make_hankel("hankel1e", -1)
hankel2e = _make_hankel("hankel2e", 1)


# --- Airy functions --------------------------------------------------------------------
def _airy_part(fn, k, name, deriv):
    p = _unary(lambda z: fn(z)[k], name, deriv)
    p.__doc__ = f"Output {k} of ``scipy.special.{fn.__name__}``, differentiable (internal)."
    return p


_airy_ai = _airy_part(_sp.airy, 0, "airy_ai", lambda ans, z: _airy_aip(z))
_airy_aip = _airy_part(_sp.airy, 1, "airy_aip", lambda ans, z: z * _airy_ai(z))
_airy_bi = _airy_part(_sp.airy, 2, "airy_bi", lambda ans, z: _airy_bip(z))
_airy_bip = _airy_part(_sp.airy, 3, "airy_bip", lambda ans, z: z * _airy_bi(z))


def airy(z):
    """``scipy.special.airy(z) -> (Ai, Aip, Bi, Bip)``, all four differentiable
    (``Ai'' = z Ai``, ``Bi'' = z Bi``), real or complex ``z``.  Plain input: one
    SciPy call.

    >>> import dualad as ad
    >>> round(float(ad.grad(lambda x: airy(x)[1])(1.0)), 6)   # Aip' = x Ai
    0.135292
    """
    if not contains_tracer(z):
        return _sp.airy(z)
    return _airy_ai(z), _airy_aip(z), _airy_bi(z), _airy_bip(z)


def _sqrt_root(z):
    """``sqrt(z)`` (traced) for the scaled Airy rules; at real ``z < 0``, where ``eAi``,
    ``eAip`` are NaN, the factor is 1 (not ``sqrt(0)``, whose derivative is infinite)."""
    if _is_complex(z):
        return dnp.sqrt(z)
    zv = _np.asarray(primal_of(z))
    return dnp.sqrt(_sub(zv < 0, z, 1.0))


_AIRYE_ASYM = 10.0      # real x from which airye's derivatives use the series
_AIRYE_TERMS = 45


def _airy_w():
    """``w_k = u_k - v_k = u_k 12k / (6k-1)`` (``k >= 1``; DLMF 9.7.2), with a 0 first."""
    u = _np.array([_sp.gamma(3 * k + 0.5) / (54.0 ** k * _sp.gamma(k + 1.0) * _sp.gamma(k + 0.5))
                   for k in range(_AIRYE_TERMS)])
    k = _np.arange(_AIRYE_TERMS)
    return _np.where(k >= 1, u * 12 * k / _np.maximum(6 * k - 1, 1), 0.0)


_AIRY_W = _airy_w()


def _airye_asym(z, k):
    """The derivative of output ``k`` of ``airye`` for large real ``x``, from the
    asymptotic series of DLMF 9.7.5 (``zeta = 2/3 x^(3/2)``): ``eAi' = x^(1/4)
    P_-(zeta) / (2 sqrt(pi))``, ``eAip' = x^(3/4) P_- / (2 sqrt(pi))``, ``eBi' = -x^(1/4)
    P_+ / sqrt(pi)``, ``eBip' = x^(3/4) P_+ / sqrt(pi)``, ``P_+-(zeta) = sum_(k>=1)
    (+-1)^k w_k zeta^-k``.  The recurrence forms (``eAip + sqrt(x) eAi``, ...) cancel
    their leading terms, like ``x^(3/2)``; these do not."""
    dt = _rdtype(z)
    zv = _np.asarray(primal_of(z), dtype=float)
    sgn = -1.0 if k < 2 else 1.0
    # P = sum_(k>=1) sgn^k w_k zeta^-k = zeta^-1 sum_(j>=0) sgn^(j+1) w_(j+1) zeta^-j
    c = (_AIRY_W[1:] * sgn ** _np.arange(1, _AIRYE_TERMS)).reshape((-1,) + (1,) * zv.ndim)
    c = _np.broadcast_to(c, c.shape[:1] + zv.shape)
    r = dnp.sqrt(z)
    q = dnp.sqrt(r)                                    # x^(1/4)
    inv = 1.5 / (z * r)                                # 1 / zeta
    with _np.errstate(all="ignore"):
        series = _asym_poly(c, inv, 1.5 / zv ** 1.5, dt) * inv
    scale = {0: 0.5 * _INV_SQRT_PI, 1: 0.5 * _INV_SQRT_PI, 2: -_INV_SQRT_PI, 3: _INV_SQRT_PI}[k]
    return series * (q if k % 2 == 0 else q * r) * scale


def _airye_split(z, k, direct):
    """``direct(z)`` below real ``x = 10`` (and for complex ``z``), the series above."""
    if _is_complex(z):
        return direct(z)
    far = _np.asarray(primal_of(z)) >= _AIRYE_ASYM
    far &= _np.isfinite(far)
    return _piecewise(far, lambda safe: _airye_asym(safe(z, 2 * _AIRYE_ASYM), k),
                      lambda safe: direct(safe(z, 1.0)))


def _eai_direct(z, k):
    """The derivative of ``eAi`` (``k = 0``) / ``eAip`` (``k = 1``) below the series.
    For real ``0 <= x < 10`` it is ``(Aip + sqrt(x) Ai) e^zeta`` / ``(x Ai + sqrt(x)
    Aip) e^zeta`` from the unscaled ``airy`` (the sum cancels by up to 20 times, and
    SciPy's ``airye`` values near ``x = 2`` are off by up to 4e-14 where ``airy``'s
    are not: 1e-12 in the derivative the other way); elsewhere ``eAip + sqrt(z) eAi``
    / ``z eAi + sqrt(z) eAip`` (NaN for real ``x < 0``, as the values)."""
    def scaled(z):
        if k == 0:
            return _eaip(z) + _sqrt_root(z) * _eai(z)
        return z * _eai(z) + _sqrt_root(z) * _eaip(z)
    if _is_complex(z):
        return scaled(z)

    def from_airy(z):
        r = dnp.sqrt(z)
        ai, aip = _airy_ai(z), _airy_aip(z)
        inner = aip + r * ai if k == 0 else z * ai + r * aip
        return inner * dnp.exp((2.0 / 3.0) * z * r)
    return _piecewise(_np.asarray(primal_of(z)) >= 0, lambda safe: from_airy(safe(z, 1.0)),
                      lambda safe: scaled(safe(z, -1.0)))


_eai = _airy_part(_sp.airye, 0, "airye_ai",
                  lambda ans, z: _airye_split(z, 0, lambda z: _eai_direct(z, 0)))
_eaip = _airy_part(_sp.airye, 1, "airye_aip",
                   lambda ans, z: _airye_split(z, 1, lambda z: _eai_direct(z, 1)))


def _eb_scale(z):
    """``(s, c)``: ``s = sign(Re zeta)`` (plain, in ``z``'s real dtype; 0 for real
    ``z <= 0``) and ``c = sqrt(z)`` (traced; 1 where ``s = 0``)."""
    zv = _np.asarray(primal_of(z))
    with _np.errstate(all="ignore"):
        if _np.iscomplexobj(zv):
            s = _np.sign((zv * _np.sqrt(zv)).real)
        else:
            s = (zv > 0).astype(float)
    s = _np.nan_to_num(s).astype(_rdtype(z))
    return s, dnp.sqrt(_sub(s == 0, z, 1.0))


def _make_eb(k, name, holo):
    """``eBi`` (``k = 2``) or ``eBip`` (``k = 3``): JVP ``holo(z) t - s Re(c t) ans``,
    VJP ``g holo(z) - s c Re(g ans)``."""
    p = primitive(lambda z: _sp.airye(z)[k], name="special." + name)
    p.__doc__ = f"Output {k} of ``scipy.special.airye``, differentiable (internal)."

    def real_factor(z):
        # real z: holo(z) - s sqrt(z) p(z) below x = 10, the asymptotic series above
        def direct(z):
            s, c = _eb_scale(z)
            return holo(z) - s * c * p(z)
        return _airye_split(z, k, direct)

    def jvp(t, ans, z):
        if not _is_complex(z):
            return times_finite_zero(t, real_factor(z))
        s, c = _eb_scale(z)
        return times_finite_zero(t, holo(z)) - s * dnp.real(c * t) * ans

    def vjp(g, ans, z):
        if not _is_complex(z):
            return times_finite_zero(g, real_factor(z))
        s, c = _eb_scale(z)
        return times_finite_zero(g, holo(z)) - s * c * dnp.real(g * ans)
    defjvp(p, jvp)
    defvjp_direct(p, vjp)
    return p


_ebi = _make_eb(2, "airye_bi", lambda z: _ebip(z))
_ebip = _make_eb(3, "airye_bip", lambda z: z * _ebi(z))


def airye(z):
    """``scipy.special.airye(z) -> (eAi, eAip, eBi, eBip)``, all four differentiable
    (real or complex ``z``; ``eBi``, ``eBip`` are not holomorphic, see the module
    notes).  Plain input: one SciPy call.

    >>> import dualad as ad
    >>> import numpy as np, scipy.special as ss
    >>> d = float(ad.grad(lambda x: airye(x)[0])(2.0))     # eAip + sqrt(x) eAi
    >>> bool(np.isclose(d, ss.airye(2.0)[1] + np.sqrt(2.0) * ss.airye(2.0)[0]))
    True
    """
    if not contains_tracer(z):
        return _sp.airye(z)
    return _eai(z), _eaip(z), _ebi(z), _ebip(z)


# --- the Faddeeva function and the Voigt profile -----------------------------------------
_W_ASYM = 6.5       # |z| from which S = z w - i/sqrt(pi) is summed from w's series
_W_TERMS = 40       # at |z| = 6.5 the 40th term is 6e-19 of the first (still decreasing)
_W_STRIP = 0.5      # |Im z| below which the series of S, T gets exp(-z^2) once (see _stokes)


def _dfact(k):
    """``(2k-1)!!`` as a python float."""
    out = 1.0
    for i in range(1, 2 * k, 2):
        out *= i
    return out


# coefficients of u^k, k >= 0 (none for k = 0)
_S_COEF = _np.array([0.0] + [_dfact(k) for k in range(1, _W_TERMS + 1)])
_T_COEF = _np.array([0.0] + [2.0 * k * _dfact(k) for k in range(1, _W_TERMS + 1)])


def _w_far(z):
    """Plain mask: ``|z| >= 6.5`` where ``w(z)`` has its asymptotic series (``Im z >= 0``,
    or ``2 exp(-z^2)`` below rounding relative to ``|w'|``)."""
    zv = _np.asarray(primal_of(z)).astype(complex)
    with _np.errstate(all="ignore"):
        a = _np.abs(zv)
        far = (a >= _W_ASYM) & _np.isfinite(a)
        far &= (zv.imag >= 0) | ((zv * zv).real > 2 * _np.log(a) + 41.0)
    return far


def _poly_u(coef, z):
    """``sum_k coef[k] u^k`` with ``u = 1 / (2 z^2)`` (registry operations; in
    double precision, returned in ``z``'s dtype: ``(2k-1)!!`` overflows complex64)."""
    return _horner_double(coef, 0.5 / (z * z), _np.asarray(primal_of(z)).dtype)


def _w_split(z, direct, series):
    """``direct(z)`` where ``|z| < 6.5`` (or off the series' region), ``series(z)``
    elsewhere; each at safe inputs where it is not used."""
    return _piecewise(_w_far(z), lambda safe: series(safe(z, 10.0)),
                      lambda safe: direct(safe(z, 0.5)))


def _stokes(z, factor):
    """``m exp(-z^2) factor(z)``, the exponentially small part of ``w``'s expansion
    that its asymptotic series does not hold: ``w(z) = m exp(-z^2) + w_ser(z)`` with
    the Stokes multiplier ``m = 0`` for ``Im z >= 0.5``, ``1`` for ``|Im z| < 0.5``,
    ``2`` for ``Im z <= -0.5`` (``w(z) = 2 exp(-z^2) - w(-z)``).  On the real axis
    ``Re w(x) = exp(-x^2)`` exactly, and nothing else of ``Re S``, ``Re T`` is left
    there; the step at ``|Im z| = 0.5`` (against the smooth multiplier) is below
    3e-15 of ``Re S``, ``Im S`` at ``|z| = 6.5`` and below 1e-17 from ``|z| = 7``
    (mpmath).  ``m`` is plain, so the derivatives are those of ``exp(-z^2)
    factor(z)``: the derivative of ``S`` stays ``w - 2 z S``."""
    with _np.errstate(all="ignore"):
        y = _np.asarray(primal_of(z)).imag
        m = _np.where(y >= _W_STRIP, 0.0, _np.where(y > -_W_STRIP, 1.0, 2.0))
    m = m.astype(_rdtype(z))

    def on(safe):
        zs = safe(z, 10.0)
        return (m if m.ndim else m[()]) * dnp.exp(-(zs * zs)) * factor(zs)
    return _piecewise(m != 0, on, lambda safe: 0.0)


def _wofz_s(z):
    """``S = z w(z) - i/sqrt(pi)``, without cancellation at large ``|z|``."""
    return _w_split(z, lambda z: z * wofz(z) - _I_SQRT_PI,
                    lambda z: _I_SQRT_PI * _poly_u(_S_COEF, z) + _stokes(z, lambda z: z))


def _wofz_t(z):
    """``T = 2 z S - w(z)`` (the sigma-derivative of the Voigt profile), without
    cancellation at large ``|z|``."""
    return _w_split(z, lambda z: 2.0 * z * _wofz_s(z) - wofz(z),
                    lambda z: ((_I_SQRT_PI / z) * _poly_u(_T_COEF, z)
                               + _stokes(z, lambda z: 2.0 * (z * z) - 1.0)))


wofz = _unary(_sp.wofz, "wofz", lambda ans, z: -2.0 * _wofz_s(z))
wofz.__doc__ = ("``scipy.special.wofz(z)``, the Faddeeva function, differentiable: "
                "``w' = -2 z w + 2i/sqrt(pi)`` (an asymptotic series plus its ``exp(-z^2)`` "
                "part for ``|z| >= 6.5``).")


def _lorentz_part(x, sigma, gamma, k):
    """The partial derivatives at ``sigma = 0`` from the heat series
    ``V = (1/pi) Im sum_k (2k)! / (2^k k!) sigma^(2k) / q^(2k+1)``, ``q = x - i gamma``,
    truncated after ``sigma^6``: ``k = 0, 1, 2`` for ``x``, ``sigma``, ``gamma``."""
    q = x - 1j * gamma
    s2 = sigma * sigma
    inv = 1.0 / q
    i2 = inv * inv
    if k == 1:        # d/dsigma: 2 sigma / q^3 + 12 sigma^3 / q^5 + 90 sigma^5 / q^7
        return dnp.imag(sigma * inv * i2 * (2.0 + s2 * i2 * (12.0 + 90.0 * s2 * i2))) / math.pi
    # d/dq: -(1/q^2 + 3 sigma^2/q^4 + 15 sigma^4/q^6 + 105 sigma^6/q^8)
    dq = -i2 * (1.0 + s2 * i2 * (3.0 + s2 * i2 * (15.0 + 105.0 * s2 * i2)))
    if k == 0:
        return dnp.imag(dq) / math.pi
    return -dnp.real(dq) / math.pi        # d/dgamma: Im(-i dq) = -Re(dq)


def _voigt_wofz_part(x, sigma, gamma, k):
    """The partial derivatives for ``sigma != 0`` through ``S`` and ``T`` (module notes)."""
    z = (x + 1j * gamma) * _INV_SQRT_2 / sigma
    scale = 1.0 / (sigma * sigma)
    if k == 0:
        return -dnp.real(_wofz_s(z)) * (_INV_SQRT_PI * scale)
    if k == 2:
        return dnp.imag(_wofz_s(z)) * (_INV_SQRT_PI * scale)
    return dnp.real(_wofz_t(z)) * (_INV_SQRT_2PI * scale)


def _voigt_d(k):
    def d(ans, x, sigma, gamma):
        # sigma = 0: the heat series at sigma = 0 (elsewhere at x = gamma = 1);
        # sigma != 0: through wofz (at sigma = 1 where sigma = 0)
        return _piecewise(
            _pv(sigma) == 0,
            lambda safe: _lorentz_part(safe(x, 1.0), safe(sigma, 0.0), safe(gamma, 1.0), k),
            lambda safe: _voigt_wofz_part(x, safe(sigma, 1.0), gamma, k))
    return d


voigt_profile = _nary(_sp.voigt_profile, "voigt_profile",
                      [_voigt_d(0), _voigt_d(1), _voigt_d(2)], ["x", "sigma", "gamma"])
voigt_profile.__doc__ = ("``scipy.special.voigt_profile(x, sigma, gamma)``, differentiable "
                         "in all three arguments (through ``wofz``; see the module notes).")


# --- Struve functions --------------------------------------------------------------------
_STRUVE_NEAR = 2.0      # |x| below which the derivative is summed from the power series
_STRUVE_TERMS = 25      # (x/2)^(2k) / (Gamma(k+3/2) Gamma(k+v+3/2)) < 1e-45 at k = 25


def _make_struve(name, sign):
    """``struve`` (``sign = -1``) or ``modstruve`` (``sign = +1``).  For ``|x| >= 2``
    the derivative is ``F_(v-1) - (v/x) F_v`` (DLMF 11.4.24-27; it avoids the
    large-``x`` cancellation of ``(F_(v-1) -+ F_(v+1)) / 2 + (x/2)^v / (2 sqrt(pi)
    Gamma(v+3/2))``).  Below, where that form is 0/0 at ``x = 0`` and cancels
    completely near ``v = -1``, the power series ``F_v = sum_k sign^k (x/2)^(2k+v+1)
    / (Gamma(k+3/2) Gamma(k+v+3/2))`` differentiated term by term: ``(x/2)^v`` times
    a polynomial in ``(x/2)^2``, written with registry operations (its derivatives
    are the series', exact at ``x = 0`` for integer ``v``)."""
    def near(v, x):
        vv = _np.asarray(v, dtype=float)
        k = _np.arange(_STRUVE_TERMS).reshape((-1,) + (1,) * vv.ndim)
        coef = (sign ** k * (2 * k + vv + 1) / 2 * _sp.rgamma(k + 1.5) * _sp.rgamma(k + vv + 1.5))
        # leading terms that vanish (v = -1: the k = 0 term) are dropped, so the
        # power of h is that of the first term present (h^-1 * 0 is NaN at x = 0)
        j = _np.argmax(coef != 0, axis=0)
        coef = _np.take_along_axis(_np.concatenate([coef, _np.zeros_like(coef)]), k + j, axis=0)
        coef = [float(c) for c in coef] if vv.ndim == 0 else list(coef)
        h = 0.5 * x
        y = h * h
        acc = coef[-1]
        for c in coef[-2::-1]:
            acc = acc * y + c
        return dnp.power(h, v + 2 * j if vv.ndim else v + 2 * int(j)) * acc

    def d(ans, v, x):
        vv = primal_of(v)
        return _piecewise(_np.abs(_pv(x)) < _STRUVE_NEAR,
                          lambda safe: near(vv, safe(x, 0.5)),
                          lambda safe: _struve_far(p, vv, safe(x, 3.0)))
    p = _nary(getattr(_sp, name), name, ["v", d], ["v", "x"])
    p.__doc__ = (f"``scipy.special.{name}(v, x)``, differentiable in ``x`` (the real "
                 f"order ``v`` has no rule).")
    return p


def _struve_far(p, v, x):
    return p(v - 1, x) - (v / x) * p(v, x)


struve = _make_struve("struve", -1.0)
modstruve = _make_struve("modstruve", 1.0)
