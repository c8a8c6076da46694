"""Incomplete elliptic integrals (``ellipkinc``, ``ellipeinc``), ``ellipkm1``,
the Jacobi elliptic functions (``ellipj``) and Carlson's symmetric integrals
(``elliprf``, ``elliprd``, ``elliprj``, ``elliprc``, ``elliprg``).

Carlson's integrals are compositions: on traced (real) arguments Carlson's
duplication algorithm is run with registry operations (as many duplications as
the plain values need for a relative spread below ``1e-3``, then the Taylor
series of Carlson (1995) to fifth order, truncation error ~1e-18), and the
result is shifted onto SciPy's value (``ref + (dup - stop_gradient(dup))``), so
values are SciPy's bit for bit and every derivative, of every order and in every
argument, is the derivative of the duplication algorithm: no difference
quotients, so coincident arguments (``elliprd(x, y, x)``, ``elliprc``) are no
special case.  ``ellipkinc``, ``ellipeinc``, ``ellipkm1`` and the amplitude of
``ellipj`` are primitives whose rules are closed forms in ``elliprd``
(``dF/dm = sin^3 R_D(cos^2, 1, Delta^2) / 6``, ``dE/dm = -sin^3 R_D(cos^2,
Delta^2, 1) / 6``, ``Delta^2 = cos^2 + (1 - m) sin^2``, no ``1/m`` cancellation),
so their higher derivatives follow.
"""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...tracer import contains_tracer, primal_of
from ...transforms import stop_gradient
from ._common import _in_double, _nary, _piecewise, _pv, _sub, _unary

_SPREAD = 1e-3      # duplicate until max |1 - x_i / A| is below this (series error ~1e-18)
_MAX_DUP = 1100     # enough for arguments spanning the whole float64 range


# --- plumbing: traced Carlson forms shifted onto SciPy's values ----------------------------
def _onto(ref, out):
    """``out``'s derivatives with SciPy's value ``ref`` (exactly)."""
    ref = _np.asarray(ref)
    if _np.asarray(primal_of(out)).dtype != ref.dtype:
        out = dnp.astype(out, ref.dtype)
    out = dnp.broadcast_to(out, ref.shape)
    return ref + (out - stop_gradient(out))


def _real_traced(name, args):
    for a in args:
        if _np.iscomplexobj(primal_of(a)):
            raise NotImplementedError(
                f"special.{name}: derivatives for complex arguments are not implemented "
                f"(real arguments only); pass complex values as constants")


def _wide(args):
    """Arguments as float64 arrays (traced or plain), broadcast together."""
    out = []
    for a in args:
        a = _np.asarray(a) if type(a) in (list, tuple) else a
        pa = _np.asarray(primal_of(a))
        if pa.dtype != _np.float64:
            a = dnp.astype(a, _np.float64) if contains_tracer(a) else pa.astype(_np.float64)
        out.append(a)
    shp = _np.broadcast_shapes(*(_np.shape(primal_of(a)) for a in out))
    return [dnp.broadcast_to(a, shp) if contains_tracer(a) else _np.broadcast_to(a, shp)
            for a in out], shp


def _count(vals, weights):
    """Number of duplications the plain values need (the most over the elements);
    ``lambda`` is formed from the first three values, a fourth (``R_J``'s ``p``) follows."""
    v = [_np.array(_np.asarray(primal_of(a), float)) for a in vals]
    wsum = float(sum(weights))
    with _np.errstate(all="ignore"):
        for k in range(_MAX_DUP + 1):
            a = sum(w * x for w, x in zip(weights, v)) / wsum
            dev = _np.max([_np.abs(1 - x / a) for x in v], axis=0)
            ok = ~(dev >= _SPREAD)         # NaN (invalid input) counts as done
            if ok.all():
                return k
            s = [_np.sqrt(x) for x in v[:3]]
            lam = s[0] * s[1] + s[1] * s[2] + s[2] * s[0]
            v = [(x + lam) / 4 for x in v]
    return _MAX_DUP


def _step(x, y, z):
    sx, sy, sz = dnp.sqrt(x), dnp.sqrt(y), dnp.sqrt(z)
    return sx, sy, sz, sx * sy + sy * sz + sz * sx


def _rf_dup(x, y, z):
    for _ in range(_count([x, y, z], [1, 1, 1])):
        _, _, _, lam = _step(x, y, z)
        x, y, z = (x + lam) / 4, (y + lam) / 4, (z + lam) / 4
    a = (x + y + z) / 3
    X, Y = 1 - x / a, 1 - y / a
    Z = -(X + Y)
    e2, e3 = X * Y - Z * Z, X * Y * Z
    return (1 - e2 / 10 + e3 / 14 + e2 * e2 / 24 - 3 * e2 * e3 / 44) / dnp.sqrt(a)


def _rd_dup(x, y, z):
    acc, f = 0.0, 1.0
    for _ in range(_count([x, y, z], [1, 1, 3])):
        _, _, sz, lam = _step(x, y, z)
        acc = acc + f / (sz * (z + lam))
        f /= 4
        x, y, z = (x + lam) / 4, (y + lam) / 4, (z + lam) / 4
    a = (x + y + 3 * z) / 5
    X, Y = 1 - x / a, 1 - y / a
    Z = -(X + Y) / 3
    e2 = X * Y - 6 * Z * Z
    e3 = (3 * X * Y - 8 * Z * Z) * Z
    e4 = 3 * (X * Y - Z * Z) * Z * Z
    e5 = X * Y * Z * Z * Z
    ser = (1 - 3 * e2 / 14 + e3 / 6 + 9 * e2 * e2 / 88 - 3 * e4 / 22 - 9 * e2 * e3 / 52
           + 3 * e5 / 26)
    return f * ser / (a * dnp.sqrt(a)) + 3 * acc


_RC_SERIES = 0.1
_RC_TERMS = 24      # |e| < 0.1: the next term is below 1e-25


def _rc1(e):
    """``R_C(1, 1 + e)`` for ``e >= -1``: ``atan(sqrt e)/sqrt e``, ``atanh(sqrt(-e))/sqrt(-e)``,
    the series ``sum (-e)^k / (2k + 1)`` for ``|e| < 0.1`` (no cancellation)."""
    pe = _pv(e)

    def series(safe):
        w = safe(e, 0.0)
        acc = 0.0
        for k in range(_RC_TERMS, -1, -1):
            acc = acc * (-w) + 1.0 / (2 * k + 1)
        return acc

    def pos(safe):
        r = dnp.sqrt(safe(e, 1.0))
        return dnp.arctan(r) / r

    def neg(safe):
        r = dnp.sqrt(-safe(e, -0.5))
        return dnp.arctanh(r) / r
    return _piecewise(_np.abs(pe) < _RC_SERIES, series,
                      lambda safe: _piecewise(_pv(safe(e, 1.0)) > 0,
                                              lambda s2: pos(lambda v, fl: s2(safe(v, fl), fl)),
                                              lambda s2: neg(lambda v, fl: s2(safe(v, fl), fl))))


def _rj_dup(x, y, z, p):
    delta = (p - x) * (p - y) * (p - z)
    acc, f = 0.0, 1.0
    for _ in range(_count([x, y, z, p], [1, 1, 1, 2])):
        sx, sy, sz, lam = _step(x, y, z)
        sp_ = dnp.sqrt(p)
        d = (sp_ + sx) * (sp_ + sy) * (sp_ + sz)
        e = (f ** 3) * delta / (d * d)
        acc = acc + f * _rc1(e) / d
        f /= 4
        x, y, z, p = (x + lam) / 4, (y + lam) / 4, (z + lam) / 4, (p + lam) / 4
    a = (x + y + z + 2 * p) / 5
    X, Y, Z = 1 - x / a, 1 - y / a, 1 - z / a
    P = -(X + Y + Z) / 2
    e2 = X * Y + X * Z + Y * Z - 3 * P * P
    e3 = X * Y * Z + 2 * e2 * P + 4 * P * P * P
    e4 = (2 * X * Y * Z + e2 * P + 3 * P * P * P) * P
    e5 = X * Y * Z * P * P
    ser = (1 - 3 * e2 / 14 + e3 / 6 + 9 * e2 * e2 / 88 - 3 * e4 / 22 - 9 * e2 * e3 / 52
           + 3 * e5 / 26)
    return f * ser / (a * dnp.sqrt(a)) + 6 * acc



def _rc_form(x, y):
    """``R_C(x, y) = R_F(x, y, y)``; for ``y < 0`` the Cauchy principal value
    ``sqrt(x / (x - y)) R_C(x - y, -y)``."""
    neg = _pv(y) < 0
    if not neg.any():
        return _rf_dup(x, y, y)

    def pv(safe):
        xs, ys = safe(x, 1.0), safe(y, -1.0)
        return dnp.sqrt(xs / (xs - ys)) * _rf_dup(xs - ys, -ys, -ys)
    return _piecewise(neg, pv, lambda safe: _rf_dup(safe(x, 1.0), safe(y, 1.0), safe(y, 1.0)))


def _rg_form(x, y, z):
    """``2 R_G = z R_F - (x - z)(y - z) R_D / 3 + sqrt(x y / z)`` with ``z`` the median
    argument (both terms then non-negative, DLMF 19.21.10); ``sqrt(x + y + z) / 2``
    where two arguments are 0."""
    px, py, pz = (_pv(v) for v in (x, y, z))
    px, py, pz = _np.broadcast_arrays(px, py, pz)
    med = _np.median(_np.stack([px, py, pz]), axis=0)
    zx, zy = px == med, (py == med) & (px != med)
    a = dnp.where(zx, z, x)         # swap the median into the third place
    b = dnp.where(zy, z, y)
    c = dnp.where(zx, x, dnp.where(zy, y, z))
    two0 = ((px == 0).astype(int) + (py == 0) + (pz == 0)) >= 2

    def general(safe):
        aa, bb, cc = safe(a, 1.0), safe(b, 2.0), safe(c, 1.5)
        return (cc * _rf_dup(aa, bb, cc) - (aa - cc) * (bb - cc) * _rd_dup(aa, bb, cc) / 3
                + dnp.sqrt(aa * bb / cc)) / 2
    def two_zero(safe):
        # R_G(0, 0, z) = sqrt(z) / 2; its partial in a zero argument is infinite (R_G
        # grows like -x log x from there): each zero argument adds sqrt(it), worth 0,
        # whose derivative there is +inf
        out = dnp.sqrt(safe(x + y + z, 1.0)) / 2
        for v, pv in ((x, px), (y, py), (z, pz)):
            zero = two0 & (pv == 0)
            if zero.any():
                out = out + dnp.where(zero, dnp.sqrt(safe(v, 1.0)), 0.0)
        return out
    return _piecewise(two0, two_zero, general)


def _carlson(name, nargs, form):
    sp_fn = getattr(_sp, name)

    def f(*args, **kwargs):
        if len(args) != nargs:
            raise TypeError(f"special.{name} takes {nargs} positional arguments, "
                            f"{len(args)} given")
        if not any(contains_tracer(a) for a in args):
            return sp_fn(*args, **kwargs)
        if kwargs:
            raise NotImplementedError(
                f"special.{name}: the ufunc keyword(s) {sorted(kwargs)} are not supported "
                f"on traced values; call it without them")
        _real_traced(name, args)
        ref = sp_fn(*[_np.asarray(primal_of(a)) for a in args])
        wide, _ = _wide(args)
        with _np.errstate(all="ignore"):
            return _onto(ref, form(*wide))
    f.__name__ = f.__qualname__ = name
    return f


def _rj_form(x, y, z, p):
    if (_pv(p) < 0).any():
        raise NotImplementedError(
            "special.elliprj: derivatives for p < 0 (the Cauchy principal value) are not "
            "implemented; only p >= 0 is differentiable")
    return _rj_dup(x, y, z, p)


elliprf = _carlson("elliprf", 3, _rf_dup)
elliprd = _carlson("elliprd", 3, _rd_dup)
elliprj = _carlson("elliprj", 4, _rj_form)
elliprc = _carlson("elliprc", 2, _rc_form)
elliprg = _carlson("elliprg", 3, _rg_form)


# --- incomplete integrals, ellipkm1, ellipj ------------------------------------------------
def _reduce(phi):
    """``phi = n pi + phi_r``, ``|phi_r| <= pi/2`` (``n`` plain): sin, cos of ``phi_r``."""
    n = _np.round(_pv(phi) / _np.pi)
    pr = phi - n * _np.pi if n.any() else phi
    return n, dnp.sin(pr), dnp.cos(pr)


def _delta2(s, c, m):
    """``1 - m sin^2`` (``m < 1/2``: no cancellation, and its derivatives carry the
    factor ``m``) or ``cos^2 + (1 - m) sin^2`` (``m >= 1/2``: none as ``m -> 1``)."""
    return _piecewise(_pv(m) < 0.5, lambda safe: 1 - safe(m, 0.0) * (s * s),
                      lambda safe: c * c + (1 - safe(m, 1.0)) * (s * s))


def _dF_dm(phi, m):
    """``dF(phi|m)/dm = (sin^3 R_D(cos^2, 1, Delta^2) + 2n R_D(0, 1, 1 - m)) / 6``."""
    n, s, c = _reduce(phi)
    out = s * s * s * elliprd(c * c, 1.0, _delta2(s, c, m))
    if n.any():
        out = out + 2 * n * elliprd(0.0, 1.0, 1 - _sub(n == 0, m, 0.5))
    return out / 6


def _dE_dm(phi, m):
    """``dE(phi|m)/dm = -(sin^3 R_D(cos^2, Delta^2, 1) + 2n R_D(0, 1 - m, 1)) / 6``."""
    n, s, c = _reduce(phi)
    out = s * s * s * elliprd(c * c, _delta2(s, c, m), 1.0)
    if n.any():
        out = out + 2 * n * elliprd(0.0, 1 - _sub(n == 0, m, 0.5), 1.0)
    return -out / 6


def _sqrt_delta(phi, m):
    _, s, c = _reduce(phi)
    return dnp.sqrt(_delta2(s, c, m))


def _nan_above_1(rule):
    # SciPy's ellipkinc / ellipeinc are NaN for m > 1; so are their derivatives (the
    # closed forms would continue analytically where sin^2 phi < 1/m)
    def wrapped(ans, phi, m):
        out = rule(ans, phi, m)
        bad = _pv(m) > 1
        return dnp.where(bad, _np.nan, out) if bad.any() else out
    return wrapped


ellipkinc = _nary(_sp.ellipkinc, "ellipkinc",
                  [_in_double(_nan_above_1(lambda ans, phi, m: 1 / _sqrt_delta(phi, m))),
                   _in_double(_nan_above_1(lambda ans, phi, m: _dF_dm(phi, m)))], ["phi", "m"])
ellipkinc.__doc__ = """``scipy.special.ellipkinc(phi, m)``: ``F(phi|m)``, differentiable in
both arguments: ``1 / sqrt(1 - m sin^2 phi)`` in ``phi``, ``(sin^3 R_D(cos^2, 1, 1 - m sin^2)
+ 2n R_D(0, 1, 1 - m)) / 6`` in ``m`` (``phi = n pi + phi_r``, sine and cosine of ``phi_r``).

>>> import dualad as ad
>>> from dualad.scipy.special import ellipkinc
>>> round(float(ad.grad(ellipkinc)(0.5, 0.0)), 12)     # 1 / sqrt(1 - 0)
1.0
"""
ellipeinc = _nary(_sp.ellipeinc, "ellipeinc",
                  [_in_double(_nan_above_1(lambda ans, phi, m: _sqrt_delta(phi, m))),
                   _in_double(_nan_above_1(lambda ans, phi, m: _dE_dm(phi, m)))], ["phi", "m"])
ellipeinc.__doc__ = """``scipy.special.ellipeinc(phi, m)``: ``E(phi|m)``, differentiable in
both arguments: ``sqrt(1 - m sin^2 phi)`` in ``phi``, ``-(sin^3 R_D(cos^2, 1 - m sin^2, 1)
+ 2n R_D(0, 1 - m, 1)) / 6`` in ``m``.

>>> import dualad as ad
>>> from dualad.scipy.special import ellipeinc
>>> round(float(ad.grad(ellipeinc, argnums=1)(1.0, 0.0)), 12)   # -(1 - sin 2 / 2) / 4
-0.136337821647
"""

ellipkm1 = _unary(_sp.ellipkm1, "ellipkm1",
                  _in_double(lambda ans, p: -elliprd(0.0, 1.0, p) / 6))
ellipkm1.__doc__ = """``scipy.special.ellipkm1(p) = K(1 - p)``, differentiable:
``-R_D(0, 1, p) / 6`` (no cancellation as ``p -> 0``).

>>> import dualad as ad
>>> from dualad.scipy.special import ellipkm1
>>> round(float(ad.grad(ellipkm1)(1.0)), 12)    # -K'(0) = -pi/8
-0.392699081699
"""


def _ph_du(ans, u, m):
    return _sqrt_delta(ans, m)                                   # dn


def _ph_dm(ans, u, m):
    # u = F(ph|m) at fixed u: dph/dm = -dn dF/dm(ph, m)
    return -_sqrt_delta(ans, m) * _dF_dm(ans, m)


_ellipj_ph = _nary(lambda u, m: _sp.ellipj(u, m)[3], "ellipj_ph",
                   [_in_double(_ph_du), _in_double(_ph_dm)], ["u", "m"])


def ellipj(u, m):
    """``scipy.special.ellipj(u, m) -> (sn, cn, dn, ph)``, SciPy's values, all four
    differentiable in ``u`` and ``m``: the amplitude ``ph`` is a primitive
    (``dph/du = dn``, ``dph/dm = -dn dF(ph|m)/dm``) and ``sn = sin ph``, ``cn = cos ph``,
    ``dn = sqrt(cos^2 ph + (1 - m) sin^2 ph)`` carry its derivatives (so ``sn' = cn dn``,
    ``cn' = -sn dn``, ``dn' = -m sn cn``).  Plain input: one SciPy call.

    >>> import dualad as ad
    >>> from dualad.scipy.special import ellipj
    >>> round(float(ad.grad(lambda u: ellipj(u, 0.0)[0])(0.3)), 12)   # cos(0.3)
    0.955336489126
    """
    if not (contains_tracer(u) or contains_tracer(m)):
        return _sp.ellipj(u, m)
    _real_traced("ellipj", (u, m))
    u = _np.asarray(u) if type(u) in (list, tuple) else u
    m = _np.asarray(m) if type(m) in (list, tuple) else m
    refs = _sp.ellipj(_np.asarray(primal_of(u)), _np.asarray(primal_of(m)))
    ph = _ellipj_ph(u, m)
    phw, mw = (dnp.astype(v, _np.float64) if _np.asarray(primal_of(v)).dtype != _np.float64
               else v for v in (ph, m))
    with _np.errstate(all="ignore"):
        s, c = dnp.sin(phw), dnp.cos(phw)
        d = dnp.sqrt(_delta2(s, c, mw))
        return tuple(_onto(r, v) for r, v in zip(refs[:3], (s, c, d))) + (ph,)
