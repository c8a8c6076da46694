"""Closed forms behind the distributions' ``entropy``, ``stats`` and ``moment``
methods (:mod:`dualad.scipy.stats`): for each standard distribution (``loc =
0``, ``scale = 1``) its differential entropy, skewness and excess kurtosis and
its non-central moments ``E[Y^n]``, as compositions of dualad operations in the
shape parameters.

The methods return SciPy's values: the closed form is shifted by the plain
difference to SciPy's own result (:func:`with_value`), so the derivatives are
the closed form's and the values SciPy's (also where SciPy switches to an
asymptotic series or integrates numerically).  Where SciPy's value is infinite
or NaN it is returned as such, with derivative 0."""
from __future__ import annotations

import math as _math

import numpy as _np
import scipy.special as _sps

from .. import numpy as dnp
from ..tracer import primal_of
from . import special as sp
from .special._common import _piecewise

_EULER = 0.5772156649015329      # Euler's constant (mpmath: 0.57721566490153286061)
_LOG_2PI = _math.log(2 * _math.pi)
_ZETA3 = 1.2020569031595942      # zeta(3) (mpmath: 1.2020569031595942854)


def with_value(out, ref):
    """``out`` (traced) shifted by a plain constant to SciPy's value ``ref``;
    ``ref`` itself, derivative 0, where it is not finite."""
    ref = _np.asarray(ref, dtype=float)
    ov = _np.asarray(primal_of(out))
    dt = ov.dtype if _np.issubdtype(ov.dtype, _np.floating) else _np.dtype(float)
    with _np.errstate(all="ignore"):
        fin = _np.isfinite(ref) & _np.isfinite(ov)
        shift = _np.where(fin, ref - ov, 0.0).astype(dt)
    out = out + shift
    if not fin.all():
        out = dnp.where(fin, out, ref.astype(dt))
    return out


def _asym(x, at, regular, asymptotic, big=1e3):
    """``regular(x)`` below ``at``, ``asymptotic(x)`` from it on, each at its
    own points only."""
    xv = _np.asarray(primal_of(x), dtype=float)
    return _piecewise(xv >= at, lambda safe: asymptotic(safe(x, big)),
                      lambda safe: regular(safe(x, 1.0)))


# --- entropy of the standard distributions --------------------------------------------

def _gamma_entropy(a):
    return _asym(a, 250.0, lambda a: sp.psi(a) * (1 - a) + a + sp.gammaln(a),
                 lambda a: 0.5 * (1.0 + _LOG_2PI + dnp.log(a)) - 1 / (3 * a)
                 - a ** -2.0 / 12 - a ** -3.0 / 90 + a ** -4.0 / 120)


def _chi2_entropy(df):
    c = _math.log(2) + 0.5 * (1 + _LOG_2PI)

    def asym(hd):
        h = 0.5 / hd
        return h * (-2 / 3 + h * (-1 / 3 + h * (-4 / 45 + h / 7.5))) + 0.5 * dnp.log(hd) + c
    return _asym(0.5 * df, 125.0, lambda hd: hd + _math.log(2) + sp.gammaln(hd)
                 + (1 - hd) * sp.psi(hd), asym)


def _invgamma_entropy(a):
    return _asym(a, 200.0, lambda a: a - (a + 1.0) * sp.psi(a) + sp.gammaln(a),
                 lambda a: (1 - 3 * dnp.log(a) + _math.log(2) + _math.log(_math.pi)) / 2
                 + 2 / 3 * a ** -1.0 + a ** -2.0 / 12 - a ** -3.0 / 90 - a ** -4.0 / 120)


def _t_entropy(df):
    h0 = 0.5 * (_LOG_2PI + 1)

    def regular(df):
        half, half1 = df / 2, (df + 1) / 2
        return half1 * (sp.psi(half1) - sp.psi(half)) + 0.5 * dnp.log(df) + \
            sp.betaln(half, 0.5)

    def asym(df):
        # 1/inf = 0: df = inf is the normal's entropy, derivative 0
        return (h0 + 1 / df + df ** -2.0 / 4 - df ** -3.0 / 6 - df ** -4.0 / 8
                + 3 / 10 * df ** -5.0 + df ** -6.0 / 4)
    return _asym(df, 100.0, regular, asym)


def _beta_entropy(a, b):
    # the regular form; SciPy's asymptotic ones (a, b above ~5e6) only through
    # the value shift: there the derivatives are the regular form's
    return sp.betaln(a, b) - (a - 1) * sp.psi(a) - (b - 1) * sp.psi(b) + \
        (a + b - 2) * sp.psi(a + b)


ENTROPY = {
    "norm": lambda: 0.5 * (_LOG_2PI + 1),
    "expon": lambda: 1.0,
    "uniform": lambda: 0.0,
    "laplace": lambda: _math.log(2) + 1,
    "cauchy": lambda: _math.log(4 * _math.pi),
    "logistic": lambda: 2.0,
    "halfnorm": lambda: 0.5 * _math.log(_math.pi / 2.0) + 0.5,
    "lognorm": lambda s: 0.5 * (1 + _LOG_2PI + 2 * dnp.log(s)),
    "weibull_min": lambda c: -_EULER / c - dnp.log(c) + _EULER + 1,
    "gamma": _gamma_entropy,
    "chi2": _chi2_entropy,
    "invgamma": _invgamma_entropy,
    "t": _t_entropy,
    "beta": _beta_entropy,
    "gumbel_r": lambda: _EULER + 1.0,
    "gumbel_l": lambda: _EULER + 1.0,
    "pareto": lambda b: 1 + 1.0 / b - dnp.log(b),
}


# --- skewness and excess kurtosis ------------------------------------------------------

def _weibull_sk(c):
    g1, g2, g3, g4 = (sp.gamma(1.0 + k / c) for k in (1, 2, 3, 4))
    v = g2 - g1 * g1
    mu3 = g3 - 3 * g1 * g2 + 2 * g1 ** 3
    mu4 = g4 - 4 * g1 * g3 + 6 * g1 * g1 * g2 - 3 * g1 ** 4
    return mu3 / v ** 1.5, mu4 / (v * v) - 3


def _beta_sk(a, b):
    s = a + b
    g1 = 2 * (b - a) * dnp.sqrt(s + 1) / ((s + 2) * dnp.sqrt(a * b))
    g2 = 6 * ((a - b) ** 2 * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3))
    return g1, g2


def _lognorm_sk(s):
    p = dnp.exp(s * s)
    return dnp.sqrt(p - 1) * (2 + p), (((p + 2) * p + 3) * p) * p - 6.0


def _nbinom_sk(n, p):
    q = 1.0 / p
    pp = q - 1.0
    return (q + pp) / dnp.sqrt(n * pp * q), (1.0 + 6 * pp * q) / (n * pp * q)


def _binom_sk(n, p):
    q = 1 - p
    npq = n * p * q
    return (q - p) / dnp.sqrt(npq), (1.0 - 6 * p * q) / npq


SKEW_KURT = {
    "norm": lambda: (0.0, 0.0),
    "t": lambda df: (0.0 * df, 6.0 / (df - 4.0)),
    "gamma": lambda a: (2.0 / dnp.sqrt(a), 6.0 / a),
    "beta": _beta_sk,
    "expon": lambda: (2.0, 6.0),
    "uniform": lambda: (0.0, -1.2),
    "laplace": lambda: (0.0, 3.0),
    "cauchy": lambda: (_np.nan, _np.nan),
    "logistic": lambda: (0.0, 1.2),
    "chi2": lambda df: (2 * dnp.sqrt(2.0 / df), 12.0 / df),
    "lognorm": _lognorm_sk,
    "invgamma": lambda a: (4.0 * dnp.sqrt(a - 2.0) / (a - 3.0),
                           6.0 * (5.0 * a - 11.0) / (a - 3.0) / (a - 4.0)),
    "halfnorm": lambda: (_math.sqrt(2) * (4 - _math.pi) / (_math.pi - 2) ** 1.5,
                         8 * (_math.pi - 3) / (_math.pi - 2) ** 2),
    "weibull_min": _weibull_sk,
    "gumbel_r": lambda: (12 * _math.sqrt(6) / _math.pi ** 3 * _ZETA3, 12.0 / 5),
    "gumbel_l": lambda: (-12 * _math.sqrt(6) / _math.pi ** 3 * _ZETA3, 12.0 / 5),
    "pareto": lambda b: (2 * (b + 1.0) * dnp.sqrt(b - 2.0) / ((b - 3.0) * dnp.sqrt(b)),
                         6.0 * (((b + 1.0) * b - 6) * b - 2) / (((b - 7.0) * b + 12.0) * b)),
    "poisson": lambda mu: (1.0 / dnp.sqrt(mu), 1.0 / mu),
    "binom": _binom_sk,
    "nbinom": _nbinom_sk,
}


# --- non-central moments E[Y^n], n >= 5, of the standard distributions ---------------

def _poch(a, n):
    return dnp.exp(sp.gammaln(a + n) - sp.gammaln(a))


def _t_munp(n, df):
    if n % 2:
        return 0.0 * df
    return df ** (n / 2) * dnp.exp(sp.gammaln((n + 1) / 2) + sp.gammaln((df - n) / 2)
                                   - sp.gammaln(df / 2)) / _math.sqrt(_math.pi)


MUNP = {
    "norm": lambda n: float(_math.prod(range(n - 1, 0, -2))) if n % 2 == 0 else 0.0,
    "gamma": lambda n, a: _poch(a, n),
    "chi2": lambda n, df: 2.0 ** n * _poch(df / 2, n),
    "expon": lambda n: float(_math.factorial(n)),
    "uniform": lambda n: 1.0 / (n + 1),
    "laplace": lambda n: float(_math.factorial(n)) if n % 2 == 0 else 0.0,
    "lognorm": lambda n, s: dnp.exp(n * n * s * s / 2),
    "weibull_min": lambda n, c: sp.gamma(1.0 + n / c),
    "halfnorm": lambda n: 2.0 ** (n / 2) * _math.gamma((n + 1) / 2) / _math.sqrt(_math.pi),
    "beta": lambda n, a, b: dnp.exp(sp.gammaln(a + n) - sp.gammaln(a)
                                    - sp.gammaln(a + b + n) + sp.gammaln(a + b)),
    "invgamma": lambda n, a: dnp.exp(sp.gammaln(a - n) - sp.gammaln(a)),
    "t": _t_munp,
    "pareto": lambda n, b: b / (b - n),
    # (2^n - 2) pi^n |B_n| for even n (B_n the Bernoulli numbers), 0 for odd n
    "logistic": lambda n: 0.0 if n % 2 else float(
        (2.0 ** n - 2) * _math.pi ** n * abs(_sps.bernoulli(n)[n])),
}
