"""Differentiable ``scipy.integrate.odeint``.

``odeint(func, y0, t, args=())`` integrates ``dy/dt = func(y, t, *args)`` with
SciPy's LSODA and is one primitive, ``"integrate.odeint"``, differentiable in
``y0``, in the time points ``t`` and in every entry of ``args``.  ``func`` must
be written with ``dualad.numpy`` (or plain NumPy calls that dispatch to it),
since its own derivatives are taken by dualad.

* Forward mode (JVP): forward sensitivities.  The system is augmented with
  ``v' = J_y v + J_p dp`` (one ``v`` per tangent direction, all directions of a
  batch in one integration), ``J`` applied by ``dualad``'s forward mode.
* Reverse mode (VJP): the adjoint method.  ``a' = -a J_y`` and
  ``gp' = -a J_p`` are integrated backwards from the last time point, the
  cotangent of each output time added to ``a`` as it is passed, with ``y``
  restarted from the stored forward solution on every interval; ``a J`` comes
  from ``dualad``'s reverse mode.
* Time points: ``y(t_k)`` depends on ``t_0`` and ``t_k`` only;
  ``dy_k/dt_k = func(y_k, t_k)``, ``dy_k/dt_0 = -Phi(t_k, t_0) func(y_0, t_0)``
  and ``y(t_0) = y0`` does not depend on ``t_0``.

The derivatives are as accurate as the integrations (``rtol``, ``atol``, the
same as for the solution).  Derivatives of order two and higher raise
``NotImplementedError``.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> from dualad.scipy.integrate import odeint
>>> f = lambda k: odeint(lambda y, t, k: -k * y, np.array([1.0]), np.array([0.0, 1.0]),
...                      args=(k,), rtol=1e-10, atol=1e-10)[-1, 0]
>>> round(float(ad.grad(f)(0.5)), 6)     # d/dk exp(-k) = -exp(-k)
-0.606531
"""
from __future__ import annotations

import numpy as _np
import scipy.integrate as _si

from .. import numpy as dnp
from ..forward import jvp_flat
from ..registry import defjvp_varargs, defvjp_varargs, primitive
from ..reverse import vjp_flat
from ..tracer import Tracer

__all__ = ["odeint"]


def _call(func, y, t, params, tfirst):
    return func(t, y, *params) if tfirst else func(y, t, *params)


def _f(func, y, t, params, tfirst):
    return _np.asarray(_call(func, y, t, params, tfirst), dtype=float).reshape(-1)


def _out_vec(o):
    return [dnp.ravel(dnp.asarray(o))]


def _odeint_impl(y0, t, *params, func, tfirst=False, opts=None):
    y0 = _np.asarray(y0, dtype=float).reshape(-1)
    opts = dict(opts or {})

    def rhs(y, s):
        return _f(func, y, s, params, tfirst)
    return _si.odeint(rhs, y0, _np.asarray(t, dtype=float), **opts)


odeint_p = primitive(_odeint_impl, name="integrate.odeint")


def _no_nesting(args):
    if any(isinstance(a, Tracer) for a in args):
        raise NotImplementedError("integrate.odeint: derivatives of order two and higher "
                                  "are not implemented")


def _dir_jvp(func, y, s, params, tfirst, V, k, dP):
    """``J_y V + J_{p_k} dP`` for a batch of directions (rows of ``V``)."""
    primals = [y]
    tans = [V]
    if k is not None:
        primals.append(_np.asarray(params[k], dtype=float))
        tans.append(dP)

    def fun(xs):
        ps = list(params)
        if k is not None:
            ps[k] = xs[1]
        return _out_vec(_call(func, xs[0], s, ps, tfirst))
    _, (tan,) = jvp_flat(fun, primals, tans)
    if tan is None:
        return _np.zeros_like(V)
    return _np.asarray(tan).reshape(V.shape)


def _odeint_jvp(i, tan, ans, y0, t, *params, func, tfirst=False, opts=None):
    _no_nesting((y0, t) + params)
    opts = dict(opts or {})
    n = ans.shape[-1]
    arg = (y0, t) + params
    nbshape = _np.shape(tan)[:_np.ndim(tan) - _np.ndim(arg[i])]
    B = int(_np.prod(nbshape))
    tan = _np.asarray(tan, dtype=float).reshape((B,) + _np.shape(arg[i]))
    t = _np.asarray(t, dtype=float)
    k, dP = None, None
    if i == 0:
        V0 = tan.reshape(B, n)
    elif i == 1:
        f0 = _f(func, ans[0], t[0], params, tfirst)
        V0 = -tan[:, :1] * f0
    else:
        k, dP = i - 2, tan
        V0 = _np.zeros((B, n))

    def rhs(z, s):
        y, V = z[:n], z[n:].reshape(B, n)
        dy = _f(func, y, s, params, tfirst)
        dV = _dir_jvp(func, y, s, params, tfirst, V, k, dP)
        return _np.concatenate([dy, dV.reshape(-1)])
    z = _si.odeint(rhs, _np.concatenate([ans[0], V0.reshape(-1)]), t, **opts)
    V = z[:, n:].reshape(len(t), B, n).transpose(1, 0, 2)        # (B, T, n)
    if i == 1:
        V[:, 0, :] = 0.0
        fs = _np.stack([_f(func, ans[j], t[j], params, tfirst) for j in range(len(t))])
        V[:, 1:, :] += tan[:, 1:, None] * fs[None, 1:, :]
    return V.reshape(nbshape + ans.shape)


def _dir_vjp(func, y, s, params, tfirst, A, k):
    """``A J_y`` (and ``A J_{p_k}``) for a batch of cotangents (rows of ``A``)."""
    primals = [y]
    if k is not None:
        primals.append(_np.asarray(params[k], dtype=float))

    def fun(xs):
        ps = list(params)
        if k is not None:
            ps[k] = xs[1]
        return _out_vec(_call(func, xs[0], s, ps, tfirst))
    _, back = vjp_flat(fun, primals)
    cts = back([A])
    gy = _np.zeros_like(A) if cts[0] is None else _np.asarray(cts[0]).reshape(A.shape)
    if k is None:
        return gy, None
    shp = (A.shape[0],) + _np.shape(params[k])
    gp = _np.zeros(shp) if cts[1] is None else _np.asarray(cts[1]).reshape(shp)
    return gy, gp


def _odeint_vjp(i, g, ans, y0, t, *params, func, tfirst=False, opts=None):
    _no_nesting((y0, t) + params)
    opts = dict(opts or {})
    n = ans.shape[-1]
    T = ans.shape[0]
    nbshape = _np.shape(g)[:_np.ndim(g) - 2]
    B = int(_np.prod(nbshape))
    G = _np.asarray(g, dtype=float).reshape(B, T, n)
    t = _np.asarray(t, dtype=float)
    arg = ((y0, t) + params)[i]
    if i == 1:
        fs = _np.stack([_f(func, ans[j], t[j], params, tfirst) for j in range(T)])
        gt = _np.einsum("btn,tn->bt", G, fs)
        gt[:, 0] = 0.0
    k = i - 2 if i >= 2 else None
    P = int(_np.size(params[k])) if k is not None else 0
    A = G[:, T - 1, :].copy() if (T > 1 or i != 1) else _np.zeros((B, n))
    gp = _np.zeros((B, P))
    for j in range(T - 1, 0, -1):
        def rhs(z, s):
            y = z[:n]
            a = z[n:n + B * n].reshape(B, n)
            dy = _f(func, y, s, params, tfirst)
            ay, ap = _dir_vjp(func, y, s, params, tfirst, a, k)
            parts = [dy, -ay.reshape(-1)]
            if k is not None:
                parts.append(-ap.reshape(-1))
            return _np.concatenate(parts)
        z0 = _np.concatenate([ans[j], A.reshape(-1), gp.reshape(-1)])
        z = _si.odeint(rhs, z0, [t[j], t[j - 1]], **opts)[-1]
        A = z[n:n + B * n].reshape(B, n)
        gp = z[n + B * n:].reshape(B, P)
        if j - 1 > 0 or i != 1:
            A = A + G[:, j - 1, :]
    if i == 0:
        out = A
    elif i == 1:
        gt[:, 0] = -A @ _f(func, ans[0], t[0], params, tfirst)
        out = gt
    else:
        out = gp
    return out.reshape(nbshape + _np.shape(arg)).astype(_np.result_type(arg, float))


defjvp_varargs(odeint_p, _odeint_jvp)
defvjp_varargs(odeint_p, _odeint_vjp)


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
    return odeint_p(y0, t, *args, func=func, tfirst=bool(tfirst), opts=opts)
