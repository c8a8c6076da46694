"""Box-Cox transforms: ``boxcox``, ``boxcox1p``, ``inv_boxcox``,
``inv_boxcox1p``."""
from __future__ import annotations

from math import factorial

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...tracer import primal_of
from ._common import _nary, _piecewise


# --- Box-Cox transforms ---------------------------------------------------------------------
_BOXCOX_SERIES = 1.0     # |lmbda log x| below which d/dlmbda uses the power series
_INVBC_SERIES = 0.5      # |lmbda y| below which inv_boxcox's d/dlmbda uses its series


def _bc_g(y):
    """``g(y) = d/dy (expm1(y) / y) = (y e^y - expm1(y)) / y^2``; the series ``sum_n
    (n-1) y^(n-2) / n!`` for ``|y| < 1``."""
    def series(safe):
        ys = safe(y, 0.0)
        ser = 0.0
        for n in range(26, 1, -1):
            ser = ser * ys + (n - 1) / factorial(n)
        return ser

    def closed(safe):
        yb = safe(y, 2.0)
        return (yb * dnp.exp(yb) - dnp.expm1(yb)) / (yb * yb)
    return _piecewise(_np.abs(_np.asarray(primal_of(y))) < _BOXCOX_SERIES, series, closed)


def _bc_dl(log_fn):
    # d/dlmbda (x^l - 1) / l = L^2 g(l L), L = log x (log1p x for boxcox1p)
    def d(ans, x, lmbda):
        L = log_fn(x)
        return L * L * _bc_g(lmbda * L)
    return d


boxcox = _nary(_sp.boxcox, "boxcox", [lambda ans, x, lmbda: dnp.power(x, lmbda - 1),
                                      _bc_dl(dnp.log)], ["x", "lmbda"])
boxcox1p = _nary(_sp.boxcox1p, "boxcox1p", [lambda ans, x, lmbda: dnp.power(1 + x, lmbda - 1),
                                            _bc_dl(dnp.log1p)], ["x", "lmbda"])


def _invbc_h(u):
    """``h(u) = (u / (1 + u) - log1p(u)) / u^2`` (``d/dlmbda log inv_boxcox = y^2 h(lmbda
    y)``); the series ``sum_n (-1)^(n+1) (n-1)/n u^(n-2)`` for ``|u| < 1/2``."""
    def series(safe):
        us = safe(u, 0.0)
        ser = 0.0
        for n in range(64, 1, -1):
            ser = ser * us + (-1) ** (n + 1) * (n - 1) / n
        return ser

    def closed(safe):
        ub = safe(u, 1.0)
        return (ub / (1 + ub) - dnp.log1p(ub)) / (ub * ub)
    return _piecewise(_np.abs(_np.asarray(primal_of(u))) < _INVBC_SERIES, series, closed)


def _invbc_dy(value, y, lmbda):
    """``d/dy inv_boxcox(y, lmbda) = value / (1 + lmbda y)`` (``value`` the
    function's own value); at the edge of the domain, ``1 + lmbda y = 0``, the
    one-sided limit ``(1 + lmbda y)^(1/lmbda - 1)``: 1 for ``lmbda = 1``, 0 below,
    inf above (the quotient is 0/0 there)."""
    base = 1 + lmbda * y

    def at_edge(safe):
        lm = safe(lmbda, 1.0)
        return dnp.power(safe(base, 0.0), 1 / lm - 1)
    return _piecewise(_np.asarray(primal_of(base)) == 0, at_edge,
                      lambda safe: value / safe(base, 1.0))


inv_boxcox = _nary(_sp.inv_boxcox, "inv_boxcox",
                   [lambda ans, y, lmbda: _invbc_dy(ans, y, lmbda),
                    lambda ans, y, lmbda: ans * y * y * _invbc_h(lmbda * y)], ["y", "lmbda"])
# inv_boxcox1p = inv_boxcox - 1: the derivatives are inv_boxcox's (from its own value,
# not ans + 1, which loses digits where the result is near -1)
inv_boxcox1p = _nary(_sp.inv_boxcox1p, "inv_boxcox1p",
                     [lambda ans, y, lmbda: _invbc_dy(inv_boxcox(y, lmbda), y, lmbda),
                      lambda ans, y, lmbda: inv_boxcox(y, lmbda) * y * y * _invbc_h(lmbda * y)],
                     ["y", "lmbda"])
