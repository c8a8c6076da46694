"""Huber losses: ``huber``, ``pseudo_huber``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...tracer import primal_of
from ._common import _in_double, _nary, _piecewise, _pv, _sub


# --- Huber losses ---------------------------------------------------------------------------
def _huber_parts(delta, r):
    d, rv = _np.broadcast_arrays(_pv(delta), _pv(r))
    return d < 0, _np.abs(rv) <= d


def _huber_ddelta(ans, delta, r):
    # 0 where |r| <= delta, |r| - delta outside; 0 where delta < 0 (the value is inf there)
    bad, inside = _huber_parts(delta, r)
    return dnp.where(inside | bad, 0.0, dnp.abs(r) - delta)


def _huber_dr(ans, delta, r):
    bad, inside = _huber_parts(delta, r)
    out = dnp.where(inside, r, delta * dnp.sign(r))
    return dnp.where(bad, 0.0, out) if bad.any() else out


huber = _nary(_sp.huber, "huber", [_huber_ddelta, _huber_dr], ["delta", "r"])


def _ph_parts(delta, r):
    """``(s, s - 1, ok)`` with ``rho = r / delta``, ``s = hypot(1, rho)``, ``s - 1`` as
    ``rho^2 / (s + 1)`` for ``|rho| < 1`` (no cancellation); ``delta <= 0`` replaced
    by 1 (``ok`` is False there)."""
    d, rv = _np.broadcast_arrays(_pv(delta), _pv(r))
    ok = d > 0
    dd = _sub(~ok, delta, 1.0)
    rho = r / dd
    s = dnp.hypot(1.0, rho)
    lt1 = _np.abs(_np.asarray(primal_of(rho))) < 1
    sm1 = dnp.where(lt1, rho * rho / (s + 1), s - 1)
    return dd, s, sm1, ok, d


def _ph_ddelta(ans, delta, r):
    # d/ddelta delta^2 (s - 1) = delta (s - 1)^2 / s; |r| at delta = 0 (the limit from
    # the right: the value tends to delta |r|), 0 for delta < 0 (value inf)
    # for |rho| >= 1, with u = delta / r, t = sqrt(1 + u^2): |r| (t - |u|)^2 / t (the
    # same number; its derivatives do not cancel like rho eps at large |rho|)
    dd, s, sm1, ok, d = _ph_parts(delta, r)
    out = dd * sm1 * sm1 / s
    big = _np.abs(_np.asarray(primal_of(r / dd))) >= 1
    if big.any():
        rb = _sub(~big, r, 1.0)
        u = dnp.abs(_sub(~big, dd, 1.0) / rb)
        t = dnp.sqrt(1 + u * u)
        far = dnp.abs(rb) * (t - u) * (t - u) / t
        out = far if big.all() else dnp.where(big, far, out)
    if ok.all():
        return out
    return dnp.where(ok, out, dnp.where(d == 0, dnp.abs(r), 0.0))


def _ph_dr(ans, delta, r):
    # r / s; for |rho| >= 1 as delta sign(rho) (1 + rho^-2)^(-1/2), whose derivative
    # (1/s^3) is a product (that of r / s, 1/s - rho^2/s^3, cancels for large |rho|)
    dd, s, sm1, ok, d = _ph_parts(delta, r)
    rho = r / dd

    def far(safe):
        rb = safe(rho, 1.0)
        return dd * dnp.sign(rb) / dnp.sqrt(1 + 1 / (rb * rb))
    out = _piecewise(_np.abs(_np.asarray(primal_of(rho))) >= 1, far, lambda safe: r / s)
    return out if ok.all() else dnp.where(ok, out, 0.0)


# float32: the rules run in double (as SciPy evaluates pseudo_huber); in float32
# rho = r / delta and rho^2 overflow from |r / delta| ~ 1.8e19 (NaN in the Hessian
# in r) and reverse-over-reverse's 1 / rho^3 underflowed to 0 at rho = 1e10
pseudo_huber = _nary(_sp.pseudo_huber, "pseudo_huber",
                     [_in_double(_ph_ddelta), _in_double(_ph_dr)], ["delta", "r"])
