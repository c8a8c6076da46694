"""The distribution helpers of ``scipy.special`` (``gdtr``, ``pdtr``, ``bdtr``,
``nbdtr``, ``chdtr``, ``fdtr``, their complements and the closed-form inverses
``gdtrix``, ``gdtria``, ``pdtri``, ``bdtri``, ``nbdtri``, ``chdtri``, ``fdtri``,
``nrdtrimn``, ``nrdtrisd``), ``betaincc``, and the inverses in a shape parameter
``gdtrib``, ``chdtriv``, ``pdtrik``, ``btdtria``, ``btdtrib``, ``stdtridf``
(primitives: SciPy's root, derivatives by the implicit function theorem).

Each is composed of the differentiable ``gammainc`` / ``gammaincc`` /
``betainc`` / their inverses / ``ndtri``, so the derivatives in every floating
argument (the variable and the shape parameters) come from those rules, to any
order and in both modes:

==========================  =================================================
``gdtr(a, b, x)``           ``gammainc(b, a x)`` (``gdtrc``: ``gammaincc``)
``gdtrix(a, b, p)``         ``gammaincinv(b, p) / a``
``gdtria(p, b, x)``         ``gammaincinv(b, p) / x``
``pdtr(k, m)``              ``gammaincc(k + 1, m)`` (``pdtrc``: ``gammainc``)
``pdtri(k, y)``             ``gammainccinv(k + 1, y)``
``bdtr(k, n, p)``           ``betainc(n - k, k + 1, 1 - p)``, as ``1 - betainc(k + 1, n - k, p)``
``bdtrc(k, n, p)``          ``betainc(k + 1, n - k, p)``
``bdtri(k, n, y)``          ``betainccinv(k + 1, n - k, y)``
``nbdtr(k, n, p)``          ``betainc(n, k + 1, p)``
``nbdtrc(k, n, p)``         ``betainc(k + 1, n, 1 - p)``, as ``1 - betainc(n, k + 1, p)``
``nbdtri(k, n, y)``         ``betaincinv(n, k + 1, y)``
``chdtr(v, x)``             ``gammainc(v / 2, x / 2)`` (``chdtrc``: ``gammaincc``)
``chdtri(v, y)``            ``2 gammainccinv(v / 2, y)``
``fdtr(dfn, dfd, x)``       ``betainc(dfn/2, dfd/2, dfn x / (dfd + dfn x))``
``fdtrc(dfn, dfd, x)``      ``betainc(dfd/2, dfn/2, dfd / (dfd + dfn x))``
``fdtri(dfn, dfd, p)``      ``dfd w / (dfn w')``, ``w = betaincinv(dfn/2, dfd/2, p)``,
                            ``w' = 1 - w = betainccinv(dfd/2, dfn/2, p)``
``nrdtrimn(p, std, x)``     ``x - std ndtri(p)``
``nrdtrisd(mn, p, x)``      ``(x - mn) / ndtri(p)``
==========================  =================================================

The complements are formed so that the incomplete beta function's density is
never taken at ``1 - (1 - p)``: ``bdtr`` and ``nbdtrc`` are the internal
complement ``betaincc`` at ``p`` (not ``betainc`` at ``1 - p``), and ``fdtr`` /
``fdtrc`` use ``u = dfn x / (dfd + dfn x)`` where ``u <= 1/2`` and ``1 - u = dfd /
(dfd + dfn x)`` above: their derivatives keep full relative accuracy in both tails
(``bdtr``'s ``p``-derivative at ``p = 1e-12``, ``fdtr``'s at ``x = 1e10``).

The counts ``k`` (and ``n`` of the binomial helpers) are integers to SciPy: they
are truncated as SciPy does and have derivative 0.  The values are SciPy's own
(called on the plain values; the composition's value is moved onto SciPy's by a
constant, which leaves its derivatives unchanged: they are the composition's, the
exact derivatives of the same function).  Where SciPy's value is NaN or
infinite, or the composition does not apply (``k = n`` in ``bdtr``, ``x = inf``,
``p`` at 0 or 1 in ``fdtri``, ...), the value is SciPy's with derivative 0.

>>> import dualad as ad
>>> from dualad.scipy import special
>>> float(ad.grad(lambda x: special.chdtr(2.0, x))(2.0))   # chi2(2) density exp(-x/2)/2
0.18393972058572117
"""
from __future__ import annotations

import inspect

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...tracer import contains_tracer, primal_of
from ._common import _in_double, _nary, _piecewise, _sub
from ._error import ndtri
from ._incbeta import _betainc_dparam, _betainc_dx, _betaincc, betainc, betainccinv, betaincinv
from ._incgamma import (_gammainc_da, _gammainc_dx, _gammaincc_da, gammainc, gammaincc,
                        gammainccinv, gammaincinv)
from ._student_t import _t_cdf_ddf, _t_cdf_dz, stdtr

betaincc = _betaincc


def _make(name, argnames, ints, fills, valid, comp, formula):
    """``scipy.special.<name>``, differentiable through ``comp`` (traced or plain
    arguments, the integer ones truncated and plain); ``valid(*plain)`` is where
    ``comp`` applies (elsewhere SciPy's value, derivative 0)."""
    sp_fn = getattr(_sp, name)
    nargs = len(argnames)

    def f(*args, **kwargs):
        if len(args) != nargs:
            raise TypeError(f"special.{name}({', '.join(argnames)}) takes {nargs} "
                            f"positional arguments, {len(args)} given")
        if not any(contains_tracer(a) for a in args):
            return sp_fn(*args, **kwargs)
        # lists read as arrays, as SciPy reads them (the compositions do arithmetic)
        args = tuple(_np.asarray(a) if type(a) in (list, tuple) else a for a in args)
        if kwargs:
            raise NotImplementedError(
                f"special.{name}: the ufunc keyword(s) {sorted(kwargs)} are not supported "
                f"on traced values; call it without them")
        plain = [_np.asarray(primal_of(a)) for a in args]
        with _np.errstate(all="ignore"):
            ref = _np.asarray(sp_fn(*plain))
            tp = [_np.trunc(p) if i in ints else p for i, p in enumerate(plain)]
            ok = _np.broadcast_to(_np.isfinite(ref) & valid(*tp), ref.shape)
        if not ok.any():
            return ref
        use = [tp[i].astype(ref.dtype) if i in ints else a for i, a in enumerate(args)]
        safe = [_sub(~ok, a, fill) for a, fill in zip(use, fills)]
        out = comp(*safe)
        cp = _np.asarray(primal_of(out))
        if cp.dtype != ref.dtype:
            out = dnp.astype(out, ref.dtype)
            cp = cp.astype(ref.dtype)
        if cp.shape != ref.shape:
            out = dnp.broadcast_to(out, ref.shape)
        with _np.errstate(all="ignore"):
            delta = _np.where(ok, ref - cp, 0).astype(ref.dtype)
        if delta.any():
            out = out + delta
        if not ok.all():
            out = dnp.where(ok, out, ref)
        return out

    f.__name__ = f.__qualname__ = name
    f.__signature__ = inspect.Signature(
        [inspect.Parameter(a, inspect.Parameter.POSITIONAL_ONLY) for a in argnames]
        + [inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)])
    f.__doc__ = (f"``scipy.special.{name}({', '.join(argnames)})`` = ``{formula}``: SciPy's "
                 f"values, differentiable in "
                 + ", ".join(f"``{a}``" for i, a in enumerate(argnames) if i not in ints)
                 + (" (" + ", ".join(f"``{argnames[i]}``" for i in ints)
                    + ": an integer count, derivative 0)" if ints else "") + ".")
    return f


def _fdtr(m, n, x, upper):
    """``fdtr`` (``fdtrc`` if ``upper``) as ``I_u(m/2, n/2)`` with ``u = m x / (n + m x)``
    where ``u <= 1/2``, else as ``1 - I_w(n/2, m/2)`` with ``w = n / (n + m x) = 1 - u``:
    the variable the incomplete beta's density is formed from is the smaller of the
    two, never ``1 - (1 - u)``, so the derivatives keep their relative accuracy in
    both tails."""
    mx, nv = _np.broadcast_arrays(_np.asarray(primal_of(m)) * _np.asarray(primal_of(x)),
                                  _np.asarray(primal_of(n)))

    def low(safe):
        mm, nn, xx = safe(m, 1.0), safe(n, 1.0), safe(x, 0.5)
        u = mm * xx / (nn + mm * xx)
        return (_betaincc if upper else betainc)(mm / 2, nn / 2, u)

    def high(safe):
        mm, nn, xx = safe(m, 1.0), safe(n, 1.0), safe(x, 2.0)
        w = nn / (nn + mm * xx)
        return (betainc if upper else _betaincc)(nn / 2, mm / 2, w)
    return _piecewise(mx <= nv, low, high)


def _unit(p):
    return (p >= 0) & (p <= 1)


def _open(p):
    return (p > 0) & (p < 1)


gdtr = _make("gdtr", ("a", "b", "x"), (), (1.0, 1.0, 1.0),
             lambda a, b, x: (a > 0) & (b > 0) & (x >= 0) & _np.isfinite(x),
             lambda a, b, x: gammainc(b, a * x), "gammainc(b, a x)")
gdtrc = _make("gdtrc", ("a", "b", "x"), (), (1.0, 1.0, 1.0),
              lambda a, b, x: (a > 0) & (b > 0) & (x >= 0) & _np.isfinite(x),
              lambda a, b, x: gammaincc(b, a * x), "gammaincc(b, a x)")
gdtrix = _make("gdtrix", ("a", "b", "p"), (), (1.0, 1.0, 0.5),
               lambda a, b, p: (a > 0) & (b > 0) & _open(p),
               lambda a, b, p: gammaincinv(b, p) / a, "gammaincinv(b, p) / a")
gdtria = _make("gdtria", ("p", "b", "x"), (), (0.5, 1.0, 1.0),
               lambda p, b, x: (x > 0) & (b > 0) & _open(p) & _np.isfinite(x),
               lambda p, b, x: gammaincinv(b, p) / x, "gammaincinv(b, p) / x")
pdtr = _make("pdtr", ("k", "m"), (0,), (0.0, 1.0),
             lambda k, m: (k >= 0) & (m >= 0) & _np.isfinite(m),
             lambda k, m: gammaincc(k + 1, m), "gammaincc(floor(k) + 1, m)")
pdtrc = _make("pdtrc", ("k", "m"), (0,), (0.0, 1.0),
              lambda k, m: (k >= 0) & (m >= 0) & _np.isfinite(m),
              lambda k, m: gammainc(k + 1, m), "gammainc(floor(k) + 1, m)")
pdtri = _make("pdtri", ("k", "y"), (0,), (0.0, 0.5),
              lambda k, y: (k >= 0) & _open(y),
              lambda k, y: gammainccinv(k + 1, y), "gammainccinv(floor(k) + 1, y)")
bdtr = _make("bdtr", ("k", "n", "p"), (0, 1), (0.0, 1.0, 0.5),
             lambda k, n, p: (k >= 0) & (k < n) & _unit(p),
             lambda k, n, p: _betaincc(k + 1, n - k, p), "betainc(n - k, k + 1, 1 - p)")
bdtrc = _make("bdtrc", ("k", "n", "p"), (0, 1), (0.0, 1.0, 0.5),
              lambda k, n, p: (k >= 0) & (k < n) & _unit(p),
              lambda k, n, p: betainc(k + 1, n - k, p), "betainc(k + 1, n - k, p)")
bdtri = _make("bdtri", ("k", "n", "y"), (0, 1), (0.0, 1.0, 0.5),
              lambda k, n, y: (k >= 0) & (k < n) & _open(y),
              lambda k, n, y: betainccinv(k + 1, n - k, y), "betainccinv(k + 1, n - k, y)")
nbdtr = _make("nbdtr", ("k", "n", "p"), (0, 1), (0.0, 1.0, 0.5),
              lambda k, n, p: (k >= 0) & (n >= 1) & _unit(p),
              lambda k, n, p: betainc(n, k + 1, p), "betainc(n, k + 1, p)")
nbdtrc = _make("nbdtrc", ("k", "n", "p"), (0, 1), (0.0, 1.0, 0.5),
               lambda k, n, p: (k >= 0) & (n >= 1) & _unit(p),
               lambda k, n, p: _betaincc(n, k + 1, p), "betainc(k + 1, n, 1 - p)")
nbdtri = _make("nbdtri", ("k", "n", "y"), (0, 1), (0.0, 1.0, 0.5),
               lambda k, n, y: (k >= 0) & (n >= 1) & _open(y),
               lambda k, n, y: betaincinv(n, k + 1, y), "betaincinv(n, k + 1, y)")
chdtr = _make("chdtr", ("v", "x"), (), (1.0, 1.0),
              lambda v, x: (v > 0) & (x >= 0) & _np.isfinite(x),
              lambda v, x: gammainc(v / 2, x / 2), "gammainc(v / 2, x / 2)")
chdtrc = _make("chdtrc", ("v", "x"), (), (1.0, 1.0),
               lambda v, x: (v > 0) & (x >= 0) & _np.isfinite(x),
               lambda v, x: gammaincc(v / 2, x / 2), "gammaincc(v / 2, x / 2)")
chdtri = _make("chdtri", ("v", "p"), (), (1.0, 0.5),
               lambda v, p: (v > 0) & _open(p),
               lambda v, p: 2 * gammainccinv(v / 2, p), "2 gammainccinv(v / 2, p)")
fdtr = _make("fdtr", ("dfn", "dfd", "x"), (), (1.0, 1.0, 1.0),
             lambda m, n, x: (m > 0) & (n > 0) & (x >= 0) & _np.isfinite(x),
             lambda m, n, x: _fdtr(m, n, x, False),
             "betainc(dfn/2, dfd/2, dfn x / (dfd + dfn x))")
fdtrc = _make("fdtrc", ("dfn", "dfd", "x"), (), (1.0, 1.0, 1.0),
              lambda m, n, x: (m > 0) & (n > 0) & (x >= 0) & _np.isfinite(x),
              lambda m, n, x: _fdtr(m, n, x, True),
              "betainc(dfd/2, dfn/2, dfd / (dfd + dfn x))")
fdtri = _make("fdtri", ("dfn", "dfd", "p"), (), (1.0, 1.0, 0.5),
              lambda m, n, p: (m > 0) & (n > 0) & _open(p),
              lambda m, n, p: (n * betaincinv(m / 2, n / 2, p))
              / (m * betainccinv(n / 2, m / 2, p)),
              "dfd w / (dfn (1 - w)), w = betaincinv(dfn/2, dfd/2, p)")
nrdtrimn = _make("nrdtrimn", ("p", "std", "x"), (), (0.5, 1.0, 0.0),
                 lambda p, s, x: _open(p) & (s > 0),
                 lambda p, s, x: x - s * ndtri(p), "x - std ndtri(p)")
nrdtrisd = _make("nrdtrisd", ("mn", "p", "x"), (), (0.0, 0.25, 1.0),
                 lambda mn, p, x: _open(p) & (p != 0.5),
                 lambda mn, p, x: (x - mn) / ndtri(p), "(x - mn) / ndtri(p)")


# --- inverses in a shape parameter: SciPy's root, derivatives by the implicit function
# theorem.  theta solves F(theta, ...) = p, so dtheta/dp = 1/F_theta and dtheta/dz =
# -F_z/F_theta for the other arguments z, with F's partial derivatives from the rules
# of gammainc / gammaincc / betainc / stdtr at SciPy's theta (the primitive's output,
# which outer transforms trace: second derivatives follow by the chain rule).
def _implicit(name, argnames, partials, doc):
    """A primitive ``name`` whose value is SciPy's and whose derivative factor in
    argument ``i`` is ``-F_i / F_theta`` (``1 / F_theta`` for the level ``p``):
    ``partials(ans, *args)`` returns ``(F(ans, ...), F_theta, [F_i or None for the
    level])``.  Where SciPy's value is not a root (``|F - p| > 1e-6``: its search
    stopped at a bound of its interval, ``pdtrik``'s ``k = 0``, ``stdtridf``'s ``df =
    1e10``, ...) the value is that constant bound, and the derivative 0."""
    def factor(i):
        def d(ans, *args):
            fval, ftheta, others = partials(ans, *args)
            level = args[next(j for j, o in enumerate(others) if o is None)]
            with _np.errstate(invalid="ignore"):
                stuck = ~(_np.abs(_np.asarray(primal_of(fval), float)
                                  - _np.asarray(primal_of(level), float)) <= 1e-6)
            out = 1.0 / ftheta if others[i] is None else -others[i] / ftheta
            if stuck.any():
                out = dnp.where(stuck, 0.0, out)
            return out
        return _in_double(d)
    p = _nary(getattr(_sp, name), name, [factor(i) for i in range(len(argnames))],
              list(argnames))
    p.__doc__ = doc
    return p


def _gdtrib_partials(ans, a, p, x):
    y = a * x
    P = gammainc(ans, y)
    dens = _gammainc_dx(P, ans, y)
    return P, _gammainc_da(P, ans, y), [x * dens, None, a * dens]


def _chdtriv_partials(ans, p, x):
    P = gammainc(ans / 2, x / 2)
    return P, 0.5 * _gammainc_da(P, ans / 2, x / 2), [None, 0.5 * _gammainc_dx(P, ans / 2, x / 2)]


def _pdtrik_partials(ans, p, m):
    Q = gammaincc(ans + 1, m)
    return Q, _gammaincc_da(Q, ans + 1, m), [None, -_gammainc_dx(Q, ans + 1, m)]


def _btdtria_partials(ans, p, b, x):
    Iv = betainc(ans, b, x)
    return (Iv, _betainc_dparam(Iv, ans, b, x, 0),
            [None, _betainc_dparam(Iv, ans, b, x, 1), _betainc_dx(Iv, ans, b, x)])


def _btdtrib_partials(ans, a, p, x):
    Iv = betainc(a, ans, x)
    return (Iv, _betainc_dparam(Iv, a, ans, x, 1),
            [_betainc_dparam(Iv, a, ans, x, 0), None, _betainc_dx(Iv, a, ans, x)])


def _stdtridf_partials(ans, p, t):
    S = stdtr(ans, t)
    return S, _t_cdf_ddf(S, ans, t), [None, _t_cdf_dz(S, ans, t)]


gdtrib = _implicit("gdtrib", ("a", "p", "x"), _gdtrib_partials,
                   "``scipy.special.gdtrib(a, p, x)``: the shape ``b`` with ``gdtr(a, b, x) = p`` "
                   "(SciPy's root), differentiable in ``a``, ``p``, ``x`` (implicit function "
                   "theorem on ``gammainc(b, a x)``).")
chdtriv = _implicit("chdtriv", ("p", "x"), _chdtriv_partials,
                    "``scipy.special.chdtriv(p, x)``: ``v`` with ``chdtr(v, x) = p`` (SciPy's "
                    "root), differentiable in ``p`` and ``x``.")
pdtrik = _implicit("pdtrik", ("p", "m"), _pdtrik_partials,
                   "``scipy.special.pdtrik(p, m)``: the (real) ``k`` with ``gammaincc(k + 1, m) "
                   "= p`` (SciPy's root), differentiable in ``p`` and ``m``.")
btdtria = _implicit("btdtria", ("p", "b", "x"), _btdtria_partials,
                    "``scipy.special.btdtria(p, b, x)``: ``a`` with ``betainc(a, b, x) = p`` "
                    "(SciPy's root), differentiable in ``p``, ``b``, ``x``.")
btdtrib = _implicit("btdtrib", ("a", "p", "x"), _btdtrib_partials,
                    "``scipy.special.btdtrib(a, p, x)``: ``b`` with ``betainc(a, b, x) = p`` "
                    "(SciPy's root), differentiable in ``a``, ``p``, ``x``.")
stdtridf = _implicit("stdtridf", ("p", "t"), _stdtridf_partials,
                     "``scipy.special.stdtridf(p, t)``: ``df`` with ``stdtr(df, t) = p`` "
                     "(SciPy's root), differentiable in ``p`` and ``t``.")
