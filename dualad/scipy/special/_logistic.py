"""Logistic functions, ``x log y`` and entropies: ``expit``, ``logit``,
``log_expit``, ``xlogy``, ``xlog1py``, ``entr``, ``rel_entr``, ``kl_div``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...tracer import primal_of
from ._common import _nary, _piecewise, _unary


# --- logistic ----------------------------------------------------------------------


def _expit_d_value(x, p=None):
    """``expit'(x) = expit(x) expit(-x)`` on plain arrays (``p``: ``expit(x)`` if
    already computed): as ``p (1 - p)`` (one ``expit`` fewer) while every
    ``p <= 1/2``; above, ``1 - p`` loses relative accuracy (``eps / (1 - p)``:
    17 ulp at ``x = 3``, all of it from ``x = 37`` on, where it is 0 while the
    derivative is ``e^-x``), so ``p expit(-x)`` there."""
    if p is None:
        p = _sp.expit(x)
    if _np.max(p, initial=0.0) > 0.5:
        return p * _sp.expit(-_np.asarray(x))
    return p * (1 - p)

# expit' as a primitive of x: differentiated, ans (1 - ans) would give
# expit'' = expit' (1 - 2 expit), whose 1 - 2 expit cancels near 0 (8e-8 relative
# at x = 1e-10); 1 - 2 expit(x) is -tanh(x / 2), computed without cancellation
_expit_d = _unary(_expit_d_value, "expit_d", lambda ans, x: -ans * dnp.tanh(0.5 * x))
_expit_d.__doc__ = "``expit'(x)``, whose derivative is ``-expit'(x) tanh(x / 2)`` (internal)."


def _expit_deriv(ans, x):
    """``expit'(x)``: from ``ans`` on plain arrays (first order, the fast path:
    the values of :func:`_expit_d_value`), else the primitive ``expit_d``."""
    if type(ans) is _np.ndarray or _np.isscalar(ans):
        return _expit_d_value(x, ans)
    return _expit_d(x)


expit = _unary(_sp.expit, "expit", _expit_deriv)
# logit' = 1/x + 1/(1-x) (= 1/(x(1-x))): as a sum of two terms, each differentiates
# to an infinity of one sign only where its square overflows (x < 1e-154); the
# product form's reverse mode met inf - inf there (NaN second derivative)
logit = _unary(_sp.logit, "logit", lambda ans, x: 1.0 / x + 1.0 / (1 - x))
log_expit = _unary(_sp.log_expit, "log_expit", lambda ans, x: expit(-x))


# --- x log y ----------------------------------------------------------------------
def _safe_ratio(x, y):
    """``x / y``, with 0 where both are 0 (no NaN); exact derivatives elsewhere,
    also at ``x == 0``."""
    both = dnp.logical_and(dnp.equal(x, 0), dnp.equal(y, 0))
    if not _np.any(both):
        return x / y
    return x / dnp.where(both, 1.0, y)


xlogy = _nary(_sp.xlogy, "xlogy",
              [lambda ans, x, y: dnp.log(y), lambda ans, x, y: _safe_ratio(x, y)], ["x", "y"])
xlog1py = _nary(_sp.xlog1py, "xlog1py",
                [lambda ans, x, y: dnp.log1p(y),
                 lambda ans, x, y: _safe_ratio(x, 1 + y)], ["x", "y"])

# --- entropies ---------------------------------------------------------------------
entr = _unary(_sp.entr, "entr", lambda ans, x: -(dnp.log(x) + 1))


def _log_ratio(x, y):
    """``log(x / y)``; ``log(x) - log(y)`` where ``x / y`` overflows, underflows
    (or is subnormal) or is not finite."""
    with _np.errstate(all="ignore"):
        q = x / y
        qv = _np.asarray(primal_of(q))
        ok = _np.isfinite(qv) & (qv >= _np.finfo(_np.result_type(qv, _np.float32)).tiny)
    return _piecewise(ok, lambda safe: dnp.log(safe(q, 1.0)), lambda safe: dnp.log(x) - dnp.log(y))


rel_entr = _nary(_sp.rel_entr, "rel_entr",
                 [lambda ans, x, y: _log_ratio(x, y) + 1,
                  lambda ans, x, y: -_safe_ratio(x, y)], ["x", "y"])
kl_div = _nary(_sp.kl_div, "kl_div",
               [lambda ans, x, y: _log_ratio(x, y),
                lambda ans, x, y: 1 - _safe_ratio(x, y)], ["x", "y"])
