"""Differentiable ``scipy.integrate.odeint`` and ``scipy.integrate.solve_ivp``, the
quadrature of functions (``quad``, ``quad_vec``, ``fixed_quad``, ``dblquad``,
``tplquad``, ``nquad``: module ``_quadpack``), and the quadrature of samples:
``trapezoid``, ``cumulative_trapezoid``, ``simpson``, ``cumulative_simpson``
and ``romb`` (SciPy's formulas written with ``dualad.numpy``:
SciPy's values and dtypes, differentiable in ``y``, ``x`` and ``dx``; see the
end of this module and docs/scipy.md).

``odeint(func, y0, t, args=())`` and ``solve_ivp(fun, t_span, y0, method='RK45',
t_eval=None, args=None, **options)`` keep SciPy's signatures and results (the
same values, bit for bit: SciPy's own solver runs them).  Each is one primitive,
``"integrate.odeint"`` and ``"integrate.solve_ivp"``, differentiable in ``y0``,
in every entry of ``args`` and in the times (``odeint``'s ``t``; ``solve_ivp``'s
``t_span`` and ``t_eval``), to every order and in every nesting of modes.  The
right-hand side must be written with ``dualad.numpy`` (or plain NumPy calls that
dispatch to it), since its own derivatives are taken by dualad; values it needs
derivatives of must come in through ``args``, not from an enclosing scope.

* Forward mode (JVP): forward sensitivities.  The system is augmented with
  ``v' = J_y v + J_p dp`` (all tangent directions of a batch, and all
  arguments, in one integration), ``J`` applied by dualad's forward mode.
* Reverse mode (VJP): the adjoint method.  ``a' = -a J_y`` and
  ``gp' = -a J_p`` are integrated backwards from the last output time, the
  cotangent of each output time added to ``a`` as it is passed, with ``y``
  restarted from the stored forward solution on every interval; ``a J`` comes
  from dualad's reverse mode.  One backward integration serves every argument.
* Times: ``y(t_k)`` depends on the initial time ``t_0`` and on ``t_k`` only:
  ``dy_k/dt_k = f(t_k, y_k)`` and ``dy_k/dt_0 = -Phi(t_k, t_0) f(t_0, y_0)``.
* Higher orders: the augmented systems are integrated by the same primitive,
  with the same solver, method and tolerances, and their right-hand sides are
  built with dualad's own ``jvp``/``vjp`` of ``func``; so an outer transform
  differentiates the rules themselves (``ad.hessian``, ``ad.hvp``,
  ``jacfwd(jacrev(...))``, third order, ...).  Without traced values the rules
  run plain SciPy.

The derivatives are those of the exact solution, computed as accurately as the
integrations allow (the same ``rtol``, ``atol`` as the solution's): they are not
the derivatives of the solver's own rounding and step-size decisions, and they
carry errors of the order of the tolerances.

``solve_ivp`` details:

* ``t_eval=None``: SciPy chooses the output times ``res.t``.  For derivatives
  the interior times ``res.t[1:-1]`` are held fixed (they are constants, as
  if passed as ``t_eval``); the first and last follow ``t_span``, so
  ``d res.y[:, -1] / d t_span[1] = fun(t_end, y_end)``.  ``res.t`` itself is a
  plain array.
* With ``t_eval``, ``t_span[1]`` only says where to stop: the values do not
  depend on it (derivative 0).
* ``events=`` and ``dense_output=True`` with traced inputs raise
  ``NotImplementedError`` naming the option; without traced inputs every call
  goes to SciPy unchanged.  ``vectorized`` and ``jac`` are passed to SciPy for
  the solution itself (not for the augmented systems).  Complex ``y0`` with
  traced inputs raises ``NotImplementedError``.
* If the solver fails (``res.success`` False), ``res.y`` holds the values SciPy
  computed, differentiable as above.

``odeint`` does not support ``Dfun`` and ``full_output`` (dualad supplies the
Jacobians).

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.integrate import odeint, solve_ivp
>>> f = lambda k: odeint(lambda y, t, k: -k * y, np.array([1.0]), np.array([0.0, 1.0]),
...                      args=(k,), rtol=1e-10, atol=1e-10)[-1, 0]
>>> round(float(ad.grad(f)(0.5)), 6)     # d/dk exp(-k) = -exp(-k)
-0.606531
>>> round(float(ad.grad(ad.grad(f))(0.5)), 6)     # exp(-k)
0.606531
>>> def end(p):                          # y(2) of y' = -k y, y(0) = y0; p = (k, y0)
...     res = solve_ivp(lambda t, y, k: -k * y, (0.0, 2.0), p[1:], args=(p[0],),
...                     rtol=1e-10, atol=1e-12)
...     return res.y[0, -1]
>>> np.round(ad.hessian(end)(np.array([0.5, 3.0])), 6)   # closed form: y0 exp(-2 k)
array([[ 4.414553, -0.735759],
       [-0.735759,  0.      ]])
"""
from __future__ import annotations

import functools

import threading as _threading

import numpy as _np
import scipy.integrate as _si

from .. import numpy as dnp
from ..forward import jvp_flat
from ..registry import defjvp_joint, defvjp_varargs, primitive
from ..reverse import vjp_flat
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of

__all__ = ["odeint", "solve_ivp", "trapezoid", "cumulative_trapezoid", "simpson",
           "cumulative_simpson", "quad", "quad_vec", "fixed_quad", "romb", "dblquad",
           "tplquad", "nquad"]


def _call(func, y, t, params, tfirst):
    return func(t, y, *params) if tfirst else func(y, t, *params)


def _fv(func, y, t, params, tfirst):
    """The right-hand side as a flat float vector (traced values allowed)."""
    return dnp.ravel(dnp.asarray(_call(func, y, t, params, tfirst), dtype=float))


def _as_float(p):
    return p if isinstance(p, Tracer) else _np.asarray(p, dtype=float)


def _shape(x):
    return _np.shape(primal_of(x))


def _checked(func, name):
    """``func`` refusing to return a traced value for plain arguments."""
    def rhs(*a):
        out = func(*a)
        if contains_tracer(out):
            raise TypeError(
                f"dualad.scipy.integrate.{name}: the right-hand side returned a traced "
                f"value for plain arguments: it uses a traced variable from an enclosing "
                f"scope. Pass such values through args= so that they are differentiated.")
        return out
    return rhs


def _call_prim(prim, args, kwargs):
    """Call ``prim``, telling its rules which arguments are traced (``wrt``)."""
    kwargs["wrt"] = tuple(i for i, a in enumerate(args) if isinstance(a, Tracer))
    return prim(*args, **kwargs)


_DROP = ("jac", "jac_sparsity", "lband", "uband", "vectorized", "ml", "mu")
_DROP_INTERVAL = _DROP + ("first_step", "h0", "tcrit")


def _aug_opts(opts, interval):
    """The solver options for an augmented system: the user's tolerances and
    step limits, without what describes the user's system only (Jacobian,
    band structure, vectorization) nor, on the adjoint's short intervals, the
    initial step and critical times."""
    drop = _DROP_INTERVAL if interval else _DROP
    return {k: v for k, v in (opts or {}).items() if k not in drop}


# --- the two primitives --------------------------------------------------------------------

def _odeint_impl(y0, t, *params, func, tfirst=False, opts=None, wrt=()):
    y0 = _np.asarray(y0, dtype=float).reshape(-1)
    func = _checked(func, "odeint")

    def rhs(y, s):
        return _np.asarray(_call(func, y, s, params, tfirst), dtype=float).reshape(-1)
    return _si.odeint(rhs, y0, _np.asarray(t, dtype=float), **dict(opts or {}))


def _ivp_impl(y0, t_span, t_eval, *params, func, method="RK45", opts=None, box=None,
              free=False, wrt=()):
    res = _si.solve_ivp(_checked(func, "solve_ivp"), tuple(t_span), y0, method=method,
                        t_eval=t_eval, args=params if params else None, **dict(opts or {}))
    if box is not None:
        box["res"] = res
    return res.y.T


odeint_p = primitive(_odeint_impl, name="integrate.odeint")
ivp_p = primitive(_ivp_impl, name="integrate.solve_ivp")


class _Odeint:
    """Where ``odeint_p``'s arguments ``(y0, t, *params)`` keep the times."""
    first = 2                   # position of the first parameter
    time_args = (1,)

    @staticmethod
    def tfirst(kw):
        return kw.get("tfirst", False)

    @staticmethod
    def times(args, kw, T):
        t = args[1]
        return t[0], t

    @staticmethod
    def time_tangents(i, tan, kw, T):
        return tan[:, 0], tan

    @staticmethod
    def time_cotangents(i, ct_t0, ct_ts, kw, T):
        return dnp.concatenate([ct_ts[:, :1] + ct_t0[:, None], ct_ts[:, 1:]], axis=1)

    @staticmethod
    def solve(z0, t0, ts, params, rhs, kw, interval=False):
        return _call_prim(odeint_p, (z0, ts) + tuple(params),
                          {"func": rhs, "tfirst": True,
                           "opts": _aug_opts(kw.get("opts"), interval)})


class _Ivp:
    """Where ``ivp_p``'s arguments ``(y0, t_span, t_eval, *params)`` keep the
    times; ``t_eval`` is None when SciPy chose them (``box["res"].t``)."""
    first = 3
    time_args = (1, 2)

    @staticmethod
    def tfirst(kw):
        return True

    @staticmethod
    def _free(kw):
        """(times chosen by SciPy?, does the last follow t_span[1]?)"""
        res = (kw.get("box") or {}).get("res") if kw.get("free") else None
        return res, res is not None and res.status == 0 and len(res.t) > 1

    @staticmethod
    def times(args, kw, T):
        t_span, t_eval = args[1], args[2]
        if t_eval is not None:
            return t_span[0], t_eval if _shape(t_eval)[0] == T else t_eval[:T]
        res, linked = _Ivp._free(kw)
        last = [dnp.reshape(t_span[1], (1,))] if linked else [res.t[T - 1:]]
        ts = dnp.concatenate([dnp.reshape(t_span[0], (1,)), res.t[1:T - 1]] + last) \
            if T > 1 else dnp.reshape(t_span[0], (1,))
        return t_span[0], ts

    @staticmethod
    def time_tangents(i, tan, kw, T):
        if i == 2:
            return None, tan
        res, linked = _Ivp._free(kw)
        if res is None or T == 0:
            return tan[:, 0], None
        B = _shape(tan)[0]
        if T == 1:
            return tan[:, 0], tan[:, :1]
        end = tan[:, 1:2] if linked else dnp.zeros((B, 1))
        return tan[:, 0], dnp.concatenate([tan[:, :1], dnp.zeros((B, T - 2)), end], axis=1)

    @staticmethod
    def time_cotangents(i, ct_t0, ct_ts, kw, T):
        B = _shape(ct_ts)[0]
        if i == 2:
            n_eval = _shape(kw["_t_eval"])[0] if "_t_eval" in kw else T
            if n_eval > T:            # the solver failed: later times have no value
                ct_ts = dnp.concatenate([ct_ts, dnp.zeros((B, n_eval - T))], axis=1)
            return ct_ts
        res, linked = _Ivp._free(kw)
        if res is None or T == 0:
            return dnp.stack([ct_t0, dnp.zeros(B)], axis=1)
        end = ct_ts[:, -1] if (linked and T > 1) else dnp.zeros(B)
        return dnp.stack([ct_t0 + ct_ts[:, 0], end], axis=1)

    @staticmethod
    def solve(z0, t0, ts, params, rhs, kw, interval=False):
        t_span = dnp.stack([t0, ts[-1]])
        return _call_prim(ivp_p, (z0, t_span, ts) + tuple(params),
                          {"func": rhs, "method": kw.get("method", "RK45"),
                           "opts": _aug_opts(kw.get("opts"), interval)})


# --- right-hand sides of the augmented systems ---------------------------------------------

def _with(params, K, xs):
    p = list(params)
    for k, x in zip(K, xs):
        p[k] = x
    return p


def _sens_rhs(func, tfirst, n, B, npar, K):
    """``z = [y, V]`` (``V``: ``B`` directions), ``z' = [f, J_y V + sum_k J_pk dp_k]``;
    called as ``rhs(t, z, *params, *dps)`` (``dps`` for the parameters ``K``)."""
    def rhs(t, z, *ps):
        params, dps = ps[:npar], ps[npar:]

        def fun(xs):
            return [_fv(func, xs[0], t, _with(params, K, xs[1:]), tfirst)]
        (dy,), (dv,) = jvp_flat(fun, [z[:n]] + [_as_float(params[k]) for k in K],
                                [dnp.reshape(z[n:], (B, n))] + list(dps))
        return dnp.concatenate([dy, dnp.zeros(B * n) if dv is None else dnp.ravel(dv)])
    return rhs


def _adj_rhs(func, tfirst, n, B, npar, K):
    """``z = [y, a, gp]`` (``a``: ``B`` cotangents), ``z' = [f, -a J_y, -a J_pk ...]``."""
    def rhs(t, z, *params):
        primals = [z[:n]] + [_as_float(params[k]) for k in K]

        def fun(xs):
            return [_fv(func, xs[0], t, _with(params, K, xs[1:]), tfirst)]
        (dy,), back = vjp_flat(fun, primals)
        cts = back([dnp.reshape(z[n:n + B * n], (B, n))])
        parts = [dy]
        for c, x in zip(cts, primals):
            parts.append(dnp.zeros(B * int(_np.prod(_shape(x)))) if c is None else -dnp.ravel(c))
        return dnp.concatenate(parts)
    return rhs


def _cast(ct, arg):
    dt = getattr(primal_of(arg), "dtype", None)
    if dt is not None and dt.kind == "f" and dt != _np.float64:
        return dnp.astype(ct, dt)
    return ct


# --- rules ----------------------------------------------------------------------------------

def _jvp(kind, tans, ans, *args, **kw):
    T, n = _shape(ans)
    func, tfirst = kw["func"], kind.tfirst(kw)
    params = args[kind.first:]
    i0 = next(i for i, t in enumerate(tans) if t is not None)
    nb = _shape(tans[i0])[:len(_shape(tans[i0])) - len(_shape(args[i0]))]
    B = int(_np.prod(nb))
    t0, ts = kind.times(args, kw, T)
    tan_t0 = tan_ts = None
    for i in kind.time_args:
        if tans[i] is not None:
            a, b = kind.time_tangents(i, dnp.reshape(tans[i], (B,) + _shape(args[i])), kw, T)
            tan_t0 = a if tan_t0 is None else (tan_t0 if a is None else tan_t0 + a)
            tan_ts = b if tan_ts is None else (tan_ts if b is None else tan_ts + b)
    K = [k for k in range(len(params)) if tans[kind.first + k] is not None]
    out = None
    if tans[0] is not None or tan_t0 is not None or K:
        y0 = dnp.ravel(dnp.asarray(args[0], dtype=float))
        V0 = dnp.zeros((B, n)) if tans[0] is None else dnp.reshape(tans[0], (B, n))
        if tan_t0 is not None:
            V0 = V0 - tan_t0[:, None] * _fv(func, y0, t0, params, tfirst)[None, :]
        dps = [dnp.reshape(tans[kind.first + k], (B,) + _shape(params[k])) for k in K]
        Z = kind.solve(dnp.concatenate([y0, dnp.ravel(V0)]), t0, ts, tuple(params) + tuple(dps),
                       _sens_rhs(func, tfirst, n, B, len(params), K), kw)
        out = dnp.transpose(dnp.reshape(Z[:, n:], (T, B, n)), (1, 0, 2))
    if tan_ts is not None:
        fs = dnp.stack([_fv(func, ans[j], ts[j], params, tfirst) for j in range(T)])
        c = tan_ts[:, :, None] * fs[None]
        out = c if out is None else out + c
    return dnp.reshape(out, nb + (T, n))


#: per thread (a sweep runs in one thread): ``memo`` is ``(g, ans, {argnum:
#: cotangent})`` of the last adjoint sweep, until its other rules have taken them
_MEMO = _threading.local()


def _vjp(kind, i, g, ans, *args, **kw):
    """The cotangent of argument ``i``.  One backward integration computes those
    of every traced argument; the others are kept for the rules the sweep calls
    next on the same record (same ``g`` and ``ans`` objects, in this thread)."""
    memo = getattr(_MEMO, "memo", None)
    if memo is not None and memo[0] is g and memo[1] is ans and i in memo[2]:
        out = memo[2].pop(i)
        if not memo[2]:
            _MEMO.memo = None
        return out
    cts = _adjoint(kind, set(kw.get("wrt", ())) | {i}, g, ans, args, kw)
    out = cts.pop(i)
    _MEMO.memo = (g, ans, cts) if cts else None
    return out


def _adjoint(kind, wanted, g, ans, args, kw):
    T, n = _shape(ans)
    func, tfirst = kw["func"], kind.tfirst(kw)
    params = args[kind.first:]
    nb = _shape(g)[:len(_shape(g)) - 2]
    B = int(_np.prod(nb))
    G = dnp.reshape(g, (B, T, n))
    t0, ts = kind.times(args, kw, T)
    K = [k for k in range(len(params)) if kind.first + k in wanted]
    times = [j for j in kind.time_args if j in wanted and args[j] is not None]
    out = {}
    A = None
    if 0 in wanted or K or 1 in times:
        rhs = _adj_rhs(func, tfirst, n, B, len(params), K)
        A = G[:, T - 1, :]
        gps = [dnp.zeros((B,) + _shape(params[k])) for k in K]

        def back(y, A, gps, ta, tb):
            z0 = dnp.concatenate([dnp.ravel(y), dnp.ravel(A)] + [dnp.ravel(p) for p in gps])
            z = kind.solve(z0, ta, dnp.stack([ta, tb]), params, rhs, kw, interval=True)[-1]
            A, off, new = dnp.reshape(z[n:n + B * n], (B, n)), n + B * n, []
            for p in gps:
                m = int(_np.prod(_shape(p)))
                new.append(dnp.reshape(z[off:off + m], _shape(p)))
                off += m
            return A, new
        for j in range(T - 1, 0, -1):
            if primal_of(ts[j]) != primal_of(ts[j - 1]):
                A, gps = back(ans[j], A, gps, ts[j], ts[j - 1])
            A = A + G[:, j - 1, :]
        if T and primal_of(ts[0]) != primal_of(t0):        # solve_ivp: t_eval[0] after t_0
            A, gps = back(ans[0], A, gps, ts[0], t0)
        if 0 in wanted:
            out[0] = _cast(dnp.reshape(A, nb + _shape(args[0])), args[0])
        for k, p in zip(K, gps):
            out[kind.first + k] = _cast(dnp.reshape(p, nb + _shape(params[k])), params[k])
    if times:
        y0 = dnp.ravel(dnp.asarray(args[0], dtype=float))
        ct_t0 = None if A is None else -dnp.matmul(A, _fv(func, y0, t0, params, tfirst))
        fs = dnp.stack([_fv(func, ans[j], ts[j], params, tfirst) for j in range(T)])
        ct_ts = dnp.einsum("btn,tn->bt", G, fs)
        for j in times:
            c = kind.time_cotangents(j, ct_t0, ct_ts, dict(kw, _t_eval=args[j]), T)
            out[j] = _cast(dnp.reshape(c, nb + _shape(args[j])), args[j])
    for j in wanted:                 # arguments without a derivative (None t_eval)
        out.setdefault(j, None)
    return out


_ODEINT, _IVP = _Odeint(), _Ivp()
defjvp_joint(odeint_p, functools.partial(_jvp, _ODEINT))
defvjp_varargs(odeint_p, functools.partial(_vjp, _ODEINT))
defjvp_joint(ivp_p, functools.partial(_jvp, _IVP))
defvjp_varargs(ivp_p, functools.partial(_vjp, _IVP))


# --- public functions ------------------------------------------------------------------------

def _array(x):
    return dnp.asarray(x) if isinstance(x, (list, tuple)) else x


def odeint(func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, mu=None,
           rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, ixpr=0, mxstep=0,
           mxhnil=0, mxordn=12, mxords=5, printmessg=False, tfirst=False):
    """``scipy.integrate.odeint``, differentiable in ``y0``, ``t`` and ``args``.

    Returns the solution, shape ``(len(t), y0.size)``.  ``Dfun`` and
    ``full_output`` are not supported (dualad supplies the Jacobians).
    """
    if Dfun is not None or full_output:
        raise NotImplementedError("dualad.scipy.integrate.odeint: Dfun and full_output "
                                  "are not supported")
    opts = {"rtol": rtol, "atol": atol, "tcrit": tcrit, "h0": h0, "hmax": hmax,
            "hmin": hmin, "mxstep": mxstep, "mxordn": mxordn, "mxords": mxords,
            "ml": ml, "mu": mu}
    opts = {key: v for key, v in opts.items() if v is not None}
    if not isinstance(args, tuple):
        args = (args,)
    return _call_prim(odeint_p, (_array(y0), _array(t)) + args,
                      {"func": func, "tfirst": bool(tfirst), "opts": opts})


def solve_ivp(fun, t_span, y0, method="RK45", t_eval=None, dense_output=False, events=None,
              vectorized=False, args=None, **options):
    """``scipy.integrate.solve_ivp``, differentiable in ``y0``, ``args``,
    ``t_span`` and ``t_eval``: ``res.y`` is traced when they are.

    Returns SciPy's ``OdeResult`` (computed by SciPy).  With ``t_eval=None``
    the interior output times SciPy chose are held fixed for derivatives;
    ``events`` and ``dense_output`` with traced inputs raise
    ``NotImplementedError`` (see the module's docstring).
    """
    if args is not None:
        try:
            args = tuple(args)
        except TypeError as exc:
            raise TypeError(f"Supplied 'args' cannot be unpacked. Please supply `args` as a "
                            f"tuple (e.g. `args=({args},)`)") from exc
    if not contains_tracer([y0, t_eval, list(t_span), list(args or ())]):
        return _si.solve_ivp(_checked(fun, "solve_ivp"), t_span, y0, method=method, t_eval=t_eval,
                             dense_output=dense_output, events=events,
                             vectorized=vectorized, args=args, **options)
    for name, used in (("events", events is not None), ("dense_output", bool(dense_output))):
        if used:
            raise NotImplementedError(
                f"dualad.scipy.integrate.solve_ivp: {name}= is not supported with traced "
                f"inputs (y0, t_span, t_eval or args); solve without it, or call it on "
                f"plain values (dualad.stop_gradient)")
    y0 = _array(y0)
    if _np.iscomplexobj(primal_of(y0)):
        raise NotImplementedError("dualad.scipy.integrate.solve_ivp: complex y0 is not "
                                  "supported with traced inputs")
    t_span = dnp.stack([dnp.asarray(t_span[0], dtype=float), dnp.asarray(t_span[1], dtype=float)])
    opts = dict(options, vectorized=True) if vectorized else dict(options)
    box = {}
    Y = _call_prim(ivp_p, (y0, t_span, _array(t_eval)) + (args or ()),
                   {"func": fun, "method": method, "opts": opts, "box": box,
                    "free": t_eval is None})
    res = box["res"]
    res.y = dnp.transpose(Y)
    return res


# --- quadrature of samples: trapezoid, cumulative_trapezoid, simpson, cumulative_simpson ----
#
# SciPy's formulas, term for term (so the values are SciPy's, in its dtypes), written
# with dualad.numpy operations: linear in y, rational in the spacings, differentiable
# in both to every order.  Calls without traced values go to SciPy itself.

def _along(nd, axis, s):
    idx = [slice(None)] * nd
    idx[axis] = s
    return tuple(idx)


def _float(v):
    """``v`` as an inexact array (integers become float64), as SciPy promotes it."""
    v = dnp.asarray(v)
    return v if _np.issubdtype(_np.result_type(primal_of(v)), _np.inexact) \
        else dnp.astype(v, _np.float64)


def _as64(v):
    return v if _np.result_type(primal_of(v)) == _np.float64 else dnp.astype(v, _np.float64)


def _safe_div(num, den, limit=0.0):
    """``num / den`` where ``den != 0``, else ``limit`` (SciPy's ``true_divide(...,
    where=den != 0)`` gives 0), with no division by zero in the derivatives either."""
    nz = primal_of(den) != 0
    return dnp.where(nz, num / dnp.where(nz, den, 1.0), limit)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """``scipy.integrate.trapezoid``, differentiable in ``y``, ``x`` and ``dx``.

    SciPy's semantics: a 1-D ``x`` runs along ``axis``; an N-D ``x`` is
    broadcast to ``y``'s shape; the result has ``y``'s (floating) dtype.
    """
    if not contains_tracer((y, x, dx)):
        return _si.trapezoid(y, x=x, dx=dx, axis=axis)
    y = dnp.asarray(y)
    nd = ndim_of(y)
    dt = _np.result_type(primal_of(y))        # SciPy sums in y's floating dtype
    if not _np.issubdtype(dt, _np.inexact):
        dt = _np.dtype(_np.float64)
    s1, s2 = _along(nd, axis, slice(1, None)), _along(nd, axis, slice(None, -1))
    if x is None:
        d = dx
    else:
        x = dnp.asarray(x)
        if ndim_of(x) == 1:
            d = x[1:] - x[:-1]
            shape = [1] * nd
            shape[axis] = _np.shape(primal_of(d))[0]
            d = dnp.reshape(d, tuple(shape))
        else:
            x = dnp.broadcast_to(x, _np.shape(primal_of(y)))
            d = x[s1] - x[s2]
    return dnp.sum(d * (y[s1] + y[s2]) / 2.0, axis=axis, dtype=dt)


def cumulative_trapezoid(y, x=None, dx=1.0, axis=-1, initial=None):
    """``scipy.integrate.cumulative_trapezoid``, differentiable in ``y``, ``x`` and ``dx``.

    ``initial`` is ``None`` or ``0`` (SciPy's rule): with ``0`` the result
    starts with a zero and has ``y``'s length along ``axis``.
    """
    if not contains_tracer((y, x, dx)):
        return _si.cumulative_trapezoid(y, x=x, dx=dx, axis=axis, initial=initial)
    y = dnp.asarray(y)
    shp = _np.shape(primal_of(y))
    if shp[axis] == 0:
        raise ValueError("At least one point is required along `axis`.")
    nd = len(shp)
    if x is None:
        d = dx
    else:
        x = dnp.asarray(x)
        if ndim_of(x) == 1:
            d = dnp.diff(x)
            shape = [1] * nd
            shape[axis] = -1
            d = dnp.reshape(d, tuple(shape))
        elif ndim_of(x) != nd:
            raise ValueError("If given, shape of x must be 1-D or the same as y.")
        else:
            d = dnp.diff(x, axis=axis)
        if _np.shape(primal_of(d))[axis] != shp[axis] - 1:
            raise ValueError("If given, length of x along axis must be the same as y.")
    s1, s2 = _along(nd, axis, slice(1, None)), _along(nd, axis, slice(None, -1))
    res = dnp.cumsum(d * (y[s1] + y[s2]) / 2.0, axis=axis)
    if initial is not None:
        if initial != 0:
            raise ValueError("`initial` must be `None` or `0`.")
        if not _np.isscalar(initial):
            raise ValueError("`initial` parameter should be a scalar.")
        shape = list(_np.shape(primal_of(res)))
        shape[axis] = 1
        res = dnp.concatenate([_np.full(tuple(shape), initial,
                                        dtype=_np.result_type(primal_of(res))), res], axis=axis)
    return res


def _basic_simpson(y, start, stop, x, dx, axis):
    nd = ndim_of(y)
    s0 = _along(nd, axis, slice(start, stop, 2))
    s1 = _along(nd, axis, slice(start + 1, stop + 1, 2))
    s2 = _along(nd, axis, slice(start + 2, stop + 2, 2))
    if x is None:
        result = dnp.sum(y[s0] + 4.0 * y[s1] + y[s2], axis=axis)
        prod = result * (dx / 3.0)
        # SciPy multiplies in place: an array keeps its dtype, a scalar does not
        rdt = _np.result_type(primal_of(result))
        if ndim_of(result) and _np.result_type(primal_of(prod)) != rdt:
            prod = dnp.astype(prod, rdt)
        return prod
    h = dnp.diff(x, axis=axis)
    h0, h1 = _as64(h[s0]), _as64(h[s1])
    hsum = h0 + h1
    hprod = h0 * h1
    h0divh1 = _safe_div(h0, h1)
    tmp = hsum / 6.0 * (y[s0] * (2.0 - _safe_div(1.0, h0divh1))
                        + y[s1] * (hsum * _safe_div(hsum, hprod))
                        + y[s2] * (2.0 - h0divh1))
    return dnp.sum(tmp, axis=axis)


def simpson(y, x=None, *, dx=1.0, axis=-1):
    """``scipy.integrate.simpson``, differentiable in ``y``, ``x`` and ``dx``.

    SciPy 1.11+'s rule: Simpson's rule on an odd number of samples; for an even
    number ``N >= 4``, Simpson's rule on the first ``N - 1`` samples plus
    Cartwright's correction for the last interval (a parabola through the last
    three samples); for ``N = 2``, the trapezoid.
    """
    if not contains_tracer((y, x, dx)):
        return _si.simpson(y, x=x, dx=dx, axis=axis)
    y = dnp.asarray(y)
    shp = _np.shape(primal_of(y))
    nd = len(shp)
    N = shp[axis]
    last_dx = dx
    if x is not None:
        x = dnp.asarray(x)
        if ndim_of(x) == 1:
            shapex = [1] * nd
            shapex[axis] = _np.shape(primal_of(x))[0]
            x = dnp.reshape(x, tuple(shapex))
        elif ndim_of(x) != nd:
            raise ValueError("If given, shape of x must be 1-D or the same as y.")
        if _np.shape(primal_of(x))[axis] != N:
            raise ValueError("If given, length of x along axis must be the same as y.")
    if N % 2 == 1:
        return _basic_simpson(y, 0, N - 2, x, dx, axis)
    s1, s2, s3 = (_along(nd, axis, i) for i in (-1, -2, -3))
    if N == 2:
        if x is not None:
            last_dx = x[s1] - x[s2]
        return 0.0 + 0.5 * last_dx * (y[s1] + y[s2])
    result = _basic_simpson(y, 0, N - 3, x, dx, axis)
    if x is not None:
        diffs = _as64(dnp.diff(x, axis=axis))
        h = [dnp.squeeze(diffs[_along(nd, axis, slice(-2, -1))], axis=axis),
             dnp.squeeze(diffs[_along(nd, axis, slice(-1, None))], axis=axis)]
    else:
        h = [_as64(dx)] * 2 if isinstance(dx, Tracer) else list(_np.asarray([dx, dx],
                                                                          dtype=_np.float64))
    # a traced dx = 0: SciPy's 0 is the value of the continuous extension (5 dx / 12,
    # 2 dx / 3, dx / 12), whose derivatives are taken there
    lim = (5 * h[0] / 12, 2 * h[0] / 3, h[0] / 12) if isinstance(h[0], Tracer) and x is None \
        else (0.0, 0.0, 0.0)
    alpha = _safe_div(2 * h[1] ** 2 + 3 * h[0] * h[1], 6 * (h[1] + h[0]), lim[0])
    beta = _safe_div(h[1] ** 2 + 3.0 * h[0] * h[1], 6 * h[0], lim[1])
    eta = _safe_div(1 * h[1] ** 3, 6 * h[0] * (h[0] + h[1]), lim[2])
    out = result + (alpha * y[s1] + beta * y[s2] - eta * y[s3])
    rdt = _np.result_type(primal_of(result))
    if ndim_of(result) and _np.result_type(primal_of(out)) != rdt:
        out = dnp.astype(out, rdt)      # SciPy adds in place: an array keeps its dtype
    return out


def _cumulative_simpson_pieces(y, dx, unequal):
    """The integral over every interval (last axis), as SciPy assembles it: the
    parabola through each interval and its right neighbour (even intervals), or
    its left neighbour (odd intervals and the last)."""
    def pieces(y, dx):
        f1, f2, f3 = y[..., :-2], y[..., 1:-1], y[..., 2:]
        if not unequal:
            d = dx[..., :-1]
            return d / 3 * (5 * f1 / 4 + 2 * f2 - f3 / 4)
        x21, x32 = dx[..., :-1], dx[..., 1:]
        x31 = x21 + x32
        x21_x31 = x21 / x31
        x21_x32 = x21 / x32
        x21x21_x31x32 = x21_x31 * x21_x32
        coeff1 = 3 - x21_x31
        coeff2 = 3 + x21x21_x31x32 + x21_x31
        coeff3 = -x21x21_x31x32
        return x21 / 6 * (coeff1 * f1 + coeff2 * f2 + coeff3 * f3)
    first = pieces(y, dx)
    second = dnp.flip(pieces(dnp.flip(y, axis=-1), dnp.flip(dx, axis=-1)), axis=-1)
    m = _np.shape(primal_of(first))[-1] + 1          # the number of intervals
    i = _np.arange(m)
    use_first = (i % 2 == 0) & (i < m - 1)
    bshape = _np.shape(primal_of(first))[:-1] + (1,)
    pad = _np.zeros(bshape, dtype=_np.result_type(primal_of(first)))
    sub = dnp.where(use_first, dnp.concatenate([first, pad], axis=-1),
                    dnp.concatenate([pad, second], axis=-1))
    dt = _np.result_type(primal_of(y), primal_of(dx))
    if _np.result_type(primal_of(sub)) != dt:
        sub = dnp.astype(sub, dt)
    return dnp.cumsum(sub, axis=-1)


def _one_point_along(v, shape, axis, name):
    """``v`` after SciPy's check that it is a scalar or has ``shape`` with one
    point along ``axis`` (cumulative_simpson's ``dx`` and ``initial``)."""
    alt = list(shape)
    alt[axis] = 1
    if not (ndim_of(v) == 0 or _np.shape(primal_of(v)) == tuple(alt)):
        raise ValueError(f"If provided, `{name}` must either be a scalar or have the same "
                         f"shape as `y` but with only 1 point along `axis`.")
    return v


def cumulative_simpson(y, *, x=None, dx=1.0, axis=-1, initial=None):
    """``scipy.integrate.cumulative_simpson``, differentiable in ``y``, ``x``,
    ``dx`` and ``initial``.

    SciPy's rule: the integral over each interval is that of the parabola
    through it and a neighbouring sample; fewer than three samples fall back to
    ``cumulative_trapezoid``.  ``x`` must be strictly increasing.
    """
    if not contains_tracer((y, x, dx, initial)):
        return _si.cumulative_simpson(y, x=x, dx=dx, axis=axis, initial=initial)
    y = _float(y)
    original_y = y
    original_shape = _np.shape(primal_of(y))
    nd = len(original_shape)
    try:
        y = dnp.swapaxes(y, axis, -1)
    except (IndexError, ValueError) as e:
        raise ValueError(f"`axis={axis}` is not valid for `y` with `y.ndim={nd}`.") from e
    if original_shape[axis] < 3:
        res = cumulative_trapezoid(original_y, x, dx=dx, axis=axis, initial=None)
        res = dnp.swapaxes(res, axis, -1)
    elif x is not None:
        x = _float(x)
        if not (_np.shape(primal_of(x)) == original_shape
                or (ndim_of(x) == 1 and _np.shape(primal_of(x))[0] == original_shape[axis])):
            raise ValueError("If given, shape of `x` must be the same as `y` or 1-D with "
                             "the same length as `y` along `axis`.")
        x = dnp.broadcast_to(x, _np.shape(primal_of(y))) if ndim_of(x) == 1 \
            else dnp.swapaxes(x, axis, -1)
        dxs = dnp.diff(x, axis=-1)
        if _np.any(primal_of(dxs) <= 0):
            raise ValueError("Input x must be strictly increasing.")
        res = _cumulative_simpson_pieces(y, dxs, unequal=True)
    else:
        dx = _one_point_along(_float(dx), original_shape, axis, "dx")
        final_dx_shape = list(original_shape)
        final_dx_shape[axis] -= 1
        dx = dnp.swapaxes(dnp.broadcast_to(dx, tuple(final_dx_shape)), axis, -1)
        res = _cumulative_simpson_pieces(y, dx, unequal=False)
    if initial is not None:
        initial = _one_point_along(_float(initial), original_shape, axis, "initial")
        alt = list(original_shape)
        alt[axis] = 1
        initial = dnp.swapaxes(dnp.broadcast_to(initial, tuple(alt)), axis, -1)
        rdt = _np.result_type(primal_of(res))
        res = res + initial                 # SciPy adds in place: res keeps its dtype
        if _np.result_type(primal_of(res)) != rdt:
            res = dnp.astype(res, rdt)
        dt = _np.result_type(primal_of(initial), primal_of(res))
        res = dnp.concatenate([initial if _np.result_type(primal_of(initial)) == dt
                               else dnp.astype(initial, dt),
                               res if rdt == dt else dnp.astype(res, dt)], axis=-1)
    return dnp.swapaxes(res, -1, axis)


from ._quadpack import (dblquad, fixed_quad, nquad, quad, quad_vec,  # noqa: E402
                        romb, tplquad)
