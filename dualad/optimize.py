"""SciPy's optimizers with exact derivatives supplied by dualad.

``minimize``, ``least_squares`` and ``root`` take the arguments of their
:mod:`scipy.optimize` namesakes, minus the derivative arguments (``jac``,
``hess``, ``hessp`` and the constraint Jacobians / Hessians), which are
computed here from the user's NumPy code.  They return SciPy's own
``OptimizeResult``.

>>> import numpy as np
>>> from dualad.optimize import minimize
>>> def rosen(x):                  # extended Rosenbrock; minimum at ones
...     x = x.reshape(-1)
...     return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
>>> res = minimize(rosen, np.zeros((2, 3)), method="trust-ncg")
>>> res.success, res.x.shape, np.allclose(res.x, 1.0)
(True, (2, 3), True)

What is supplied, and how
-------------------------
* ``jac``: value and gradient from one forward and one reverse pass
  (:func:`dualad.value_and_grad`).  The pair is cached per ``x`` (the last
  three points), so SciPy's separate ``fun`` and ``jac`` calls at one point
  cost one evaluation.  Methods that use no derivatives (Nelder-Mead, Powell,
  COBYLA, COBYQA) get plain NumPy evaluations, with no tracing at all.
* ``hessp``: the numbers are those of forward-over-reverse
  :func:`dualad.hvp` (the exact ``H v``, equal up to rounding); the way they
  are computed differs, for speed.  At each new ``x`` the gradient
  computation itself is recorded once on an outer tape (reverse over
  reverse).  The Hessian is symmetric, so ``H v`` is the vector-Jacobian
  product of the gradient with cotangent ``v``: every product is then one
  backward sweep over that recording, and nothing that depends only on ``x``
  (the forward pass, the inner reverse pass, the partial derivatives) is
  recomputed per product, as a fresh ``dualad.hvp`` would.  Newton-CG and the
  trust-region methods call ``hessp`` many times per point; this is where it
  pays.  The same recording also yields the value and the gradient, so
  methods that use ``hessp`` record at every point SciPy evaluates.
* ``hess``: the dense Hessian, one batched backward sweep over the same
  recording with the ``n`` unit vectors as a batch of cotangents: the
  numbers of forward-over-reverse :func:`dualad.hessian` (exact, equal up to
  rounding).
* Which second derivative (``hessian="auto"``): dogleg and trust-exact take
  only ``hess``.  Newton-CG, trust-ncg, trust-krylov and trust-constr accept
  both; they get ``hessp`` when ``x`` has more than
  :data:`HESSP_THRESHOLD` (100) elements -- the dense Hessian would cost a
  sweep with a batch of ``n`` and ``n**2`` memory -- and ``hess`` otherwise.
  Pass ``hessian="hess"`` or ``"hessp"`` to override (``"hessp"`` is a
  ``ValueError`` for dogleg and trust-exact), or ``None`` to supply no second
  derivative: SciPy then approximates it for Newton-CG (finite differences
  of the exact gradient) and trust-constr (a BFGS update, for the objective
  and for the constraints, which then get no exact Hessian either: SciPy's
  default ``BFGS()``, or the constraint's own ``hess``), and raises its own
  ``ValueError`` for trust-ncg, trust-krylov, dogleg and trust-exact, which
  need a Hessian.
* Jacobians of vector functions (constraints, ``least_squares``' residuals,
  ``root``'s systems), value and Jacobian from one pass with all directions
  in one batch: forward or reverse mode by :func:`dualad.jacobian`'s auto
  rule for one pass each way (forward when ``n <= 1.4 m + 8`` for ``n``
  elements in ``x`` and ``m`` outputs, with the default
  :data:`dualad.jacobians.COST`).  The first pass, before ``m`` is known, is
  forward when ``n <=`` :data:`FIRST_FORWARD_MAX` (1000), else a reverse
  recording, whose sweep is used if ``m < n`` (otherwise a forward pass
  follows).
* Constraints (dicts and ``NonlinearConstraint``) get their Jacobian (as
  above), and
  for ``trust-constr`` their Hessian as a function of the multipliers,
  ``hess(x, v) = sum_i v_i H(c_i)(x)``, i.e. the Hessian of ``v . c`` (dense
  or a ``LinearOperator`` of products by the rule above).  Dict constraints
  are turned into ``NonlinearConstraint`` for ``trust-constr``.  A
  constraint's own callable ``jac`` / ``hess`` is kept; a quasi-Newton
  strategy (SciPy's default ``BFGS()``) is replaced by the exact Hessian,
  except with ``hessian=None``, where it is kept.
  Like ``fun``, the user's own ``jac`` / ``hess`` get ``x`` in x0's shape
  (and a dict's ``args``); ``jac`` may return ``(m,) + x0.shape``.
  ``LinearConstraint`` and ``Bounds`` refer to the flattened ``x``.
* ``x0`` of any shape: SciPy sees ``x.ravel()``; the user's function,
  callbacks (also ``least_squares``', and trust-constr's ``state``, a
  shaped copy) and the result's x-shaped vectors see the shape of ``x0``:
  ``x``, the objective's gradient ``jac`` / ``grad``, trust-constr's
  ``lagrangian_grad``, ``least_squares``' ``active_mask``, each of
  ``allvecs`` (``return_all``) and Nelder-Mead's ``final_simplex``
  (``(n + 1,) + x0.shape``); matrices (``hess_inv``, ``least_squares``'
  ``jac``, trust-constr's constraint ``jac``) and trust-constr's ``v`` /
  ``constr`` stay as SciPy gives them.  Options holding one value per
  element of ``x`` may be shaped like ``x0`` (or broadcast to it), as the
  bounds may, and are flattened: ``least_squares``' ``x_scale``, ``root``'s
  ``diag`` (hybr, lm), TNC's ``scale`` and ``offset``; so may stacks of
  x-shaped vectors, ``(k,) + x0.shape``: Nelder-Mead's ``initial_simplex``,
  Powell's ``direc``.  Values are optimized in float64.
* Functions with complex intermediates (``np.fft``, ``x + 1j``,
  ``abs(z)``) but real output: the derivative is the real part of what the
  sweeps carry, taken explicitly (no ``ComplexWarning``), as in
  :func:`dualad.hessian` and :func:`dualad.jacrev`.

Differentiating through a solution
----------------------------------
With traced ``args`` (inside ``dualad.grad``, ``jacobian``, ``jvp``...), the
result's ``x`` and ``fun`` (and ``least_squares``' ``cost``) carry the
derivatives of the solution with respect to them (implicit function
theorem): SciPy solves with the plain values, then Newton steps on the traced
stationarity condition (``root``: the traced system) from SciPy's ``x`` give
the derivatives at every order the enclosing transforms take, SciPy's values
kept exactly.  Components at an active bound have derivative 0; a traced
``x0`` has derivative 0; general constraints, traced bounds and a callable
``loss`` raise ``NotImplementedError``; a traced value reached through a
closure (not ``args``) is a ``TypeError``.  See docs/optimize.md.

>>> import dualad as ad
>>> ad.grad(lambda q: root(lambda x, q: x ** 3 - q, np.ones(1), args=(q,)).x[0])(8.0)
np.float64(0.08333333333333333)

Counters
--------
The result's ``nfev``, ``njev`` and ``nhev`` count work actually done:
``nfev`` the evaluations of the user's function (a value-and-gradient pass
or a recording counts one), ``njev`` the gradients (or Jacobians) computed,
``nhev`` the Hessians formed plus the Hessian-vector products.  Cache hits
cost nothing and are not counted.  ``nfev`` equals the number of calls of
the user's function.  ``minimize`` and ``least_squares`` make no evaluation
of their own at ``x0``: the first value SciPy asks for is the one checked
(and, for ``least_squares``, the Jacobian there is computed in the same
pass; see :data:`FIRST_FORWARD_MAX`), so they make the calls SciPy makes;
``root`` evaluates ``x0`` first, and that value is SciPy's first (with the
Jacobian, for hybr / lm).  They count the objective only, as SciPy's
do: constraint work is not in them (``trust-constr`` reports it separately,
as ``constr_nfev``, ``constr_njev`` and ``constr_nhev``).

``x0`` outside ``bounds``: as in SciPy.  L-BFGS-B, TNC, SLSQP, Nelder-Mead,
COBYLA and COBYQA move it into the bounds (Nelder-Mead with SciPy's
``OptimizeWarning``) and start there; TNC and COBYLA evaluate ``x0`` itself
first and discard the value.  Powell starts from ``x0`` (with the warning),
whatever its value; trust-constr starts from ``x0`` too.  ``least_squares``
refuses it with SciPy's ``ValueError`` ("Initial guess is outside of
provided bounds"), before any evaluation.

Errors
------
A non-scalar objective (``TypeError``; size-1 arrays are accepted), complex
output of any function (``TypeError``), a non-finite value where SciPy
starts (``ValueError``: at ``x0``, or for the methods that move an ``x0``
outside the bounds into them, at the point it is moved to; not checked for
Powell from outside the bounds), and a function that cannot be
differentiated -- e.g. it calls ``float`` on its argument or a NumPy function
with no derivative rule (``TypeError``, with the original error chained) --
are reported at the call, naming the cause.
"""
from __future__ import annotations

import inspect

import numpy as _np
import scipy.optimize as _so
from scipy.sparse import issparse as _issparse
from scipy.sparse.linalg import LinearOperator as _LinearOperator

from . import numpy as _dnp
from .forward import jvp_flat as _jvp_flat
from .reverse import vjp_flat as _vjp_flat
from .tracer import Tracer as _Tracer
from .tracer import new_level as _new_level
from .tracer import primal_of as _primal_of
from .transforms import value_and_grad as _value_and_grad

__all__ = ["minimize", "least_squares", "root", "HESSP_THRESHOLD"]

#: above this many elements in ``x``, methods accepting both get ``hessp``
HESSP_THRESHOLD = 100

_NO_DERIV = {"nelder-mead", "powell", "cobyla", "cobyqa"}
_GRAD_ONLY = {"cg", "bfgs", "l-bfgs-b", "tnc", "slsqp"}
_HESS_ONLY = {"dogleg", "trust-exact"}
_HESS_OR_HESSP = {"newton-cg", "trust-ncg", "trust-krylov", "trust-constr"}
_CACHE = 3


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _as_x0(x0, who):
    # a traced x0 is only a starting point: the solution does not depend on it
    # (derivative 0), so its plain value is used
    x = _np.asarray(_plain_tree(x0) if _traces_of(x0) else x0)
    if x.dtype.kind == "c":
        raise TypeError(f"{who}: x0 is complex ({x.dtype}); SciPy's optimizers "
                        f"work on real values -- split it into real and imaginary parts")
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{who}: x0 has dtype {x.dtype}; it must be real numbers")
    x = x.astype(_np.float64)
    if not _np.all(_np.isfinite(x)):
        raise ValueError(f"{who}: x0 contains non-finite values")
    return x


def _real64(a):
    """A derivative (gradient, Hessian product, Jacobian block) of a real
    function of real ``x`` as float64.  Through complex intermediates
    (``np.fft``, ``x + 1j``, ``abs(z)``) the sweeps can carry complex
    cotangents whose real part is the derivative (the imaginary part is not
    part of it): the real part is taken explicitly, with no ``ComplexWarning``,
    as :func:`dualad.hessian` / :func:`dualad.jacrev` do."""
    a = _np.asarray(a)
    if a.dtype.kind == "c":
        a = a.real
    return _np.asarray(a, dtype=_np.float64)


def _trace_error(who, what, e):
    return TypeError(
        f"{who}: the {what} could not be differentiated by dualad: "
        f"{type(e).__name__}: {e}")


_TRACE_ERRORS = (TypeError, NotImplementedError, AttributeError)


class _Cache:
    """The last few points and what is known at each (a small LRU)."""

    __slots__ = ("entries",)

    def __init__(self):
        self.entries = []

    def get(self, x):
        x = _np.ravel(x)          # x0 in the user's shape and SciPy's flat x meet here
        for i, (k, e) in enumerate(self.entries):
            if _np.array_equal(k, x):
                if i:
                    self.entries.insert(0, self.entries.pop(i))
                return e
        e = {}
        self.entries.insert(0, (_np.array(x, dtype=_np.float64), e))
        del self.entries[_CACHE:]
        return e


class _Recording:
    """The gradient computation of a scalar function, recorded once at ``x``.

    ``value`` and ``grad`` come out of the recording; ``hvp(v)`` is one
    backward sweep over it (``H`` is symmetric, so the VJP of the gradient is
    ``H v``), ``hess()`` one sweep with all unit vectors as a batch.
    """

    __slots__ = ("value", "grad", "_back", "shape", "n")

    def __init__(self, scalar_fun, x):
        vg = _value_and_grad(scalar_fun)
        outs, back = _vjp_flat(lambda xs: list(vg(xs[0])), [x])
        self.value = _primal_of(outs[0])
        self.grad = _real64(outs[1]).reshape(-1)
        self._back = back
        self.shape = _np.shape(x)
        self.n = int(_np.size(x))

    def hvp(self, v):
        v = _np.asarray(v, dtype=_np.float64).reshape(self.shape)
        r = self._back([None, v])[0]
        if r is None:
            return _np.zeros(self.n)
        return _real64(r).reshape(-1)

    def hess(self):
        n = self.n
        eye = _np.eye(n).reshape((n,) + self.shape)
        r = self._back([None, eye])[0]
        if r is None:
            return _np.zeros((n, n))
        # symmetric up to rounding: not symmetrized (that would cost 3 passes over n**2)
        return _real64(r).reshape(n, n)

    def operator(self, counts=None):
        def mv(v):
            if counts is not None:
                counts["nhev"] += 1
            return self.hvp(_np.ravel(v))
        return _LinearOperator((self.n, self.n), matvec=mv, rmatvec=mv,
                               dtype=_np.float64)


# ---------------------------------------------------------------------------
# differentiating through a solution (implicit function theorem)
# ---------------------------------------------------------------------------
def _traces_of(tree):
    """The traces (outer transforms) of the traced values among the leaves of
    ``tree`` (tuples, lists, dicts of arrays), every nesting level."""
    from .tree import flatten
    found = {}
    for leaf in flatten(tree)[0]:
        while isinstance(leaf, _Tracer):
            found[id(leaf._trace)] = leaf._trace
            leaf = leaf._value
    return list(found.values())


def _plain_tree(tree):
    """``tree`` with every traced leaf replaced by its plain value: what SciPy sees."""
    from .tree import tree_map
    return tree_map(_primal_of, tree)


def _newton_steps(traces):
    """Newton steps on the traced problem from the solution, enough for every
    derivative the enclosing transforms can take: the error of ``k`` steps is
    ``O(d^(2^k))`` in the perturbation ``d`` of the arguments, so ``k`` steps are
    exact to order ``2^k - 1``; one nesting level per distinct trace.  One step
    more removes the first-order effect of SciPy's stopping tolerance (the
    derivative's error is then ``O(|grad|^2)`` at SciPy's ``x``, not ``O(|grad|)``)."""
    d = len(traces)
    return max(1, int(_np.ceil(_np.log2(d + 1)))) + 1


class TracedClosureError(TypeError):
    """The function depends on a traced value that is not in ``args``."""


def _closure_check(out, level, who, what, argname="args"):
    """Raise if ``out`` is traced by a transform started before this call
    (level below ``level``): with the arguments made plain for SciPy, that value
    came in through a closure or a global."""
    while isinstance(out, _Tracer):
        if out._trace.level < level:
            raise TracedClosureError(
                f"{who}: the {what} depends on a value that an enclosing dualad "
                f"transform is differentiating, but that value is not passed in "
                f"{argname}= (it is reached through a closure or a global): pass it as "
                f"{argname}=(...) and the solution is differentiated with respect to it "
                f"(implicit function theorem), or wrap it in dualad.stop_gradient if "
                f"its derivative is not wanted")
        out = out._value


def _refuse_traced(who, **things):
    """NotImplementedError for a traced value among arguments whose derivative
    is not supported (bounds, options...)."""
    for name, v in things.items():
        if _traces_of(v):
            raise NotImplementedError(
                f"{who}: {name} holds a traced value; derivatives with respect to "
                f"{name} are not supported (only the solution's derivative with respect "
                f"to the function's args is): pass a plain value, e.g. "
                f"dualad.stop_gradient({name})")


def _active_free(xf, g, lb, ub):
    """The components of the flat solution ``xf`` not held by a bound: a
    component is at a bound when the gradient ``g`` does not point into the box
    there (``g >= 0`` at a lower bound, ``<= 0`` at an upper one) and it lies
    within ``1e-8 * max(1, |bound|)`` of it, or (interior-point methods such as
    trust-constr stop short of a bound) within ``1e-2 * max(1, |bound|)`` with
    ``|g|`` above 1000 times the distance (an interior minimum has ``g ~ 0``)."""
    def held(b, sign):
        fin = _np.isfinite(b)
        scale = _np.maximum(1.0, _np.abs(_np.where(fin, b, 0.0)))
        dist = _np.abs(_np.where(fin, xf - b, _np.inf))
        out = sign * g >= 0
        return fin & out & ((dist <= 1e-8 * scale) |
                            ((dist <= 1e-2 * scale) & (_np.abs(g) > 1e3 * dist)))
    return ~(held(lb, 1.0) | held(ub, -1.0))


def _free_map(xf, free):
    """``(embed, idx)``: ``embed(z)`` is ``xf`` with the free components (indices
    ``idx``) replaced by ``z`` (traced), the others kept at their plain values."""
    idx = _np.flatnonzero(free)
    if idx.size == xf.size:
        return (lambda z: z), idx
    base = _np.array(xf, dtype=_np.float64)
    return (lambda z: _dnp.index_update(base, idx, z)), idx


def _singular(who, what, err):
    return _np.linalg.LinAlgError(
        f"{who}: the {what} at the solution is singular, so the solution is not a "
        f"differentiable function of the arguments there (implicit function "
        f"theorem); LinAlgError: {err}")


def _newton_minimize(scalar, xf, free, steps, who):
    """Newton steps ``z <- z - H(z)^-1 g(z)`` on the free components of the flat
    solution ``xf`` for the traced scalar function ``scalar`` of the flat x.
    Returns the flat x, traced (with the plain values at the bounds)."""
    from .jacobians import hessian
    from .transforms import grad
    embed, idx = _free_map(xf, free)
    if idx.size == 0:
        return xf

    def fz(z):
        return scalar(embed(z))
    z = xf[idx]
    for _ in range(steps):
        g, H = grad(fz)(z), hessian(fz)(z)
        if _np.result_type(_primal_of(g)).kind == "c":
            g, H = _dnp.real(g), _dnp.real(H)
        try:
            z = z - _dnp.linalg.solve(H, g)
        except _np.linalg.LinAlgError as err:
            raise _singular(who, "Hessian of the objective (free components)", err) \
                from None
    return embed(z)


def _newton_root(vector, xf, steps, who):
    """Newton steps ``x <- x - J(x)^-1 F(x)`` for the traced system ``vector``."""
    from .jacobians import jacobian
    x = xf
    for _ in range(steps):
        F, J = vector(x), jacobian(vector)(x)
        if _np.result_type(_primal_of(F)).kind == "c":
            F, J = _dnp.real(F), _dnp.real(J)
        try:
            x = x - _dnp.linalg.solve(J, F)
        except _np.linalg.LinAlgError as err:
            raise _singular(who, "Jacobian of the system", err) from None
    return x


def _warn_unconverged(res, who):
    """Derivatives of a solution assume it is one: say so when SciPy says it is not."""
    if not bool(res.get("success", True)):
        import warnings
        warnings.warn(f"{who}: SciPy reports no convergence ({res.get('message', '')!s}); the "
                      f"derivatives returned are those of the implicit function at this x, "
                      f"which is not a solution", RuntimeWarning, stacklevel=4)


def _exact_value(v, e):
    """SciPy's value ``v`` (array or scalar) carrying the derivatives of ``e``."""
    from .numpy._poly import _exact
    return _exact(_np.asarray(v, dtype=_np.float64), e)


# ---------------------------------------------------------------------------
# the objective of minimize
# ---------------------------------------------------------------------------
class _Objective:
    """fun / jac / hess / hessp of a scalar function of a flat vector."""

    def __init__(self, fun, args, shape, record_all, who="minimize", x0=None,
                 start_rule="first", lb=None, ub=None):
        self.fun, self.args, self.shape = fun, tuple(args), shape
        self.record_all = record_all      # methods using hessp record at every x
        self.who = who
        self.x0 = None if x0 is None else _np.ravel(x0)
        self.start_rule, self.lb, self.ub = start_rule, lb, ub    # see _check_start
        self.started = False
        self.cache = _Cache()
        self.counts = {"nfev": 0, "njev": 0, "nhev": 0}
        self.scalar_wrap = False
        self.level = _new_level()     # traces started before are outer ones

    # the user's function of a value in the user's shape; every call is counted
    # (nfev is the number of times the user's function ran)
    def user(self, xu):
        self.counts["nfev"] += 1
        out = self.fun(xu, *self.args)
        _closure_check(out, self.level, self.who, "objective")
        if self.scalar_wrap:
            out = _dnp.reshape(out, ())
        return out

    def _diagnose(self, x0):
        """Evaluate plainly at x0 and raise if the output is not a real scalar.

        Returns ``(wrap, arr)``: ``wrap`` is True if the output is a size-1
        array (then accepted as a scalar), ``arr`` the value.  The call is
        counted in nfev.
        """
        self.counts["nfev"] += 1
        out = self.fun(x0.reshape(self.shape), *self.args)
        _closure_check(out, self.level, self.who, "objective")
        out = _primal_of(out)
        try:
            arr = _np.asarray(out)
        except Exception as e:  # noqa: BLE001
            raise TypeError(f"{self.who}: the objective returned "
                            f"{type(out).__name__}, not a scalar") from e
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{self.who}: the objective must return a real scalar, "
                            f"but it returned dtype {arr.dtype}")
        if arr.size != 1:
            raise TypeError(
                f"{self.who}: the objective must return a scalar, but it "
                f"returned an array of shape {arr.shape}; reduce it (e.g. a "
                f"sum of squares) or use dualad.optimize.least_squares for a "
                f"vector of residuals")
        return arr.shape != (), arr

    def _first(self, x, e, step):
        """The first evaluation SciPy asks for (``step``: ``_vg_raw``,
        ``_record_raw``, or None for a plain value), with clear errors for a
        non-scalar or untraceable function; a size-1 array output is accepted
        as a scalar from then on."""
        self.started = True
        if step is None:
            # the plain evaluation that checks the output is also the value
            wrap, arr = self._diagnose(x)
            self.scalar_wrap = wrap
            e["f"] = float(arr.reshape(()))
            return
        try:
            step(x, e)
        except TypeError:
            if not self._diagnose(x)[0]:
                raise
            self.scalar_wrap = True   # a size-1 array: take it as a scalar
            step(x, e)

    def _check_start(self, x, v):
        """The value at SciPy's starting point must be finite (a ValueError
        otherwise).  ``self.start_rule``: "first" -- the first value SciPy asks
        for; "inside" -- the first one at a point within the bounds (methods
        that move an x0 outside the bounds into them: SciPy may evaluate x0
        itself first, and discard the value); None -- no (more) check."""
        if self.start_rule == "inside":
            xf = _np.ravel(x)
            if not (_np.all(xf >= self.lb) and _np.all(xf <= self.ub)):
                return
        self.start_rule = None
        if not _np.isfinite(v):
            where = "x0" if self.x0 is None or _np.array_equal(_np.ravel(x), self.x0) else (
                f"x0 moved into the bounds by SciPy ({_np.ravel(x).tolist()}, "
                f"where it starts)")
            raise ValueError(f"{self.who}: the objective is not finite at {where} "
                             f"(value {v!r}); start from a point where it is defined")

    def _eval(self, x, e, kind):
        """Evaluate at ``x`` into the cache entry ``e``: ``kind`` "value" (plain),
        "grad" (value and gradient) or "record" (for ``hess`` / ``hessp``)."""
        if kind == "grad" and self.record_all:
            kind = "record"
        step = {"value": None, "grad": self._vg_raw, "record": self._record_raw}[kind]
        if not self.started:
            self._first(x, e, step)
        elif step is None:
            e["f"] = float(_np.asarray(self.user(_np.asarray(x).reshape(self.shape))))
        else:
            step(x, e)
        if self.start_rule is not None:
            self._check_start(x, e["f"])

    def _record_raw(self, x, e):
        try:
            rec = _Recording(self.user, x.reshape(self.shape))
        except TracedClosureError:
            raise
        except _TRACE_ERRORS as err:
            raise _trace_error(self.who, "objective", err) from err
        self.counts["njev"] += 1
        e["rec"] = rec
        e["f"] = float(rec.value)
        e["g"] = rec.grad
        return rec

    def _vg_raw(self, x, e):
        try:
            v, g = _value_and_grad(self.user)(x.reshape(self.shape))
        except TracedClosureError:
            raise
        except _TRACE_ERRORS as err:
            raise _trace_error(self.who, "objective", err) from err
        self.counts["njev"] += 1
        e["f"] = float(v)
        e["g"] = _real64(g).reshape(-1)

    # plain evaluation (derivative-free methods)
    def value(self, x):
        e = self.cache.get(x)
        if "f" not in e:
            self._eval(x, e, "value")
        return e["f"]

    def f(self, x):
        e = self.cache.get(x)
        if "g" not in e:
            self._eval(x, e, "grad")
        return e["f"]

    def jac(self, x):
        e = self.cache.get(x)
        if "g" not in e:
            self._eval(x, e, "grad")
        return e["g"].copy()

    def rec(self, x):
        e = self.cache.get(x)
        if "rec" not in e:
            self._eval(x, e, "record")
        return e["rec"]

    def hessp(self, x, p):
        r = self.rec(x)
        self.counts["nhev"] += 1
        return r.hvp(p)

    def hess(self, x):
        e = self.cache.get(x)
        h = e.get("H")
        if h is None:
            h = self.rec(x).hess()
            self.counts["nhev"] += 1
            e["H"] = h
        return h.copy()


# ---------------------------------------------------------------------------
# vector functions: constraints, residuals, systems
# ---------------------------------------------------------------------------
def _flat_out(out):
    out = _dnp.asarray(out)
    if _np.ndim(_primal_of(out)) != 1:
        out = _dnp.reshape(out, (-1,))
    return out


#: the first evaluation of a vector function whose Jacobian is wanted at x0
#: (least_squares, root's hybr / lm) computes it in the same pass, before the
#: number of outputs is known: in forward mode (``n`` directions) when ``x``
#: has at most this many elements, else in reverse mode (a second, forward,
#: pass only if there turn out to be at least as many outputs as elements)
FIRST_FORWARD_MAX = 1000


def _forward_is_cheaper(n, m):
    """:func:`dualad.jacobian`'s auto rule for one unchunked pass of ``n``
    tangents against one sweep of ``m`` cotangents (the cost model
    :data:`dualad.jacobians.COST`): forward when ``n <= 1.4 m + 8`` with the
    default constants."""
    from .jacobians import _decide
    return _decide("auto", n, m, 1, 8, max(n, m, 1)).mode == "forward"


class _ComplexOutput(TypeError):
    """A function returned complex values where real ones are needed."""


def _real_out(out, who, what):
    """``out`` as a float64 array; a complex output is refused (its imaginary
    part would be dropped silently)."""
    a = _np.asarray(_primal_of(out))
    if a.dtype.kind == "c":
        raise _ComplexOutput(f"{who}: the {what} must return real values, but it returned "
                        f"dtype {a.dtype}; SciPy's optimizers work on real values -- "
                        f"split it into real and imaginary parts")
    return _np.asarray(a, dtype=_np.float64)


class _Vector:
    """A vector-valued function of a flat vector: value, Jacobian, v.c Hessian."""

    def __init__(self, fun, args, shape, who, what, kwargs=None, counts=None):
        self.fun, self.args, self.kwargs = fun, tuple(args), dict(kwargs or {})
        self.shape, self.who, self.what = shape, who, what
        self.n = int(_np.prod(shape, dtype=int))
        self.cache = _Cache()
        self.counts = counts if counts is not None else {"nfev": 0, "njev": 0, "nhev": 0}
        self.m = None
        self.level = _new_level()     # traces started before are outer ones

    def user(self, xu):
        out = self.fun(xu, *self.args, **self.kwargs)
        _closure_check(out, self.level, self.who, self.what,
                       "args" if not self.kwargs else "args= / kwargs")
        return _flat_out(out)

    def value(self, x):
        e = self.cache.get(x)
        if "f" not in e:
            self.counts["nfev"] += 1
            out = self.user(_np.asarray(x, dtype=_np.float64).reshape(self.shape))
            try:
                e["f"] = _real_out(out, self.who, self.what).reshape(-1)
            except _ComplexOutput as err:
                raise TypeError(str(err)) from None
            self.m = e["f"].size
        return e["f"].copy()

    def _value_and_jac(self, x, e):
        xu = _np.asarray(x, dtype=_np.float64).reshape(self.shape)
        n, m = self.n, self.m
        jac = None

        def reverse():
            self.counts["nfev"] += 1
            outs, back = _vjp_flat(lambda xs: [self.user(xs[0])], [xu])
            return _real_out(outs[0], self.who, self.what).reshape(-1), back

        def from_back(back, m):   # m cotangents in one batched sweep
            c = back([_np.eye(m)])[0]
            return _np.zeros((m, n)) if c is None else \
                _real64(c).reshape(m, n)
        try:
            if m is None and n > FIRST_FORWARD_MAX:
                # first pass, number of outputs unknown: a reverse recording;
                # its sweep gives the Jacobian if m < n, else a forward pass follows
                f, back = reverse()
                m = self.m = f.size
                if m < n:
                    jac = from_back(back, m)
                forward = jac is None
            else:
                # first pass with n <= FIRST_FORWARD_MAX: forward gives f, m and J
                # at once; later passes: jacobian's auto rule (m is known)
                forward = m is None or _forward_is_cheaper(n, m)
            if forward:
                # forward mode: n directions in one batched pass
                self.counts["nfev"] += 1
                eye = _np.eye(n).reshape((n,) + self.shape)
                outs, tans = _jvp_flat(lambda xs: [self.user(xs[0])], [xu], [eye])
                f = _real_out(outs[0], self.who, self.what).reshape(-1)
                m = self.m = f.size
                t = tans[0]
                jac = _np.zeros((m, n)) if t is None else \
                    _real64(t).reshape(n, m).T.copy()
            elif jac is None:
                f, back = reverse()
                jac = from_back(back, m)
        except _ComplexOutput as err:   # not a tracing failure: say what it is
            raise TypeError(str(err)) from None
        except TracedClosureError:
            raise
        except _TRACE_ERRORS as err:
            raise _trace_error(self.who, self.what, err) from err
        self.counts["njev"] += 1
        e["f"] = f
        e["J"] = jac

    def value_speculative(self, x):
        """Value, computing the Jacobian in the same pass (it is usually next)."""
        e = self.cache.get(x)
        if "J" not in e:
            self._value_and_jac(x, e)
        return e["f"].copy()

    def jac(self, x):
        e = self.cache.get(x)
        if "J" not in e:
            self._value_and_jac(x, e)
        return e["J"].copy()

    def hess(self, x, v, dense):
        """``sum_i v_i H(c_i)(x)``: the Hessian of ``v . c`` at ``x``."""
        v = _np.asarray(v, dtype=_np.float64).reshape(-1)
        user = self.user

        def vdotc(xu):
            return _dnp.sum(v * user(xu))
        try:
            rec = _Recording(vdotc, _np.asarray(x, dtype=_np.float64).reshape(self.shape))
        except TracedClosureError:
            raise
        except _TRACE_ERRORS as err:
            raise _trace_error(self.who, self.what, err) from err
        self.counts["nhev"] += 1
        return rec.hess() if dense else rec.operator(self.counts)


# ---------------------------------------------------------------------------
# minimize
# ---------------------------------------------------------------------------
def _default_method(constraints, bounds):
    if constraints:
        return "slsqp"
    if bounds is not None:
        return "l-bfgs-b"
    return "bfgs"


def _norm_constraints(constraints):
    if constraints is None:
        return []
    if isinstance(constraints, (dict, _so.NonlinearConstraint, _so.LinearConstraint)):
        return [constraints]
    return list(constraints)


def _refuse_derivatives(who, given, what="derivatives"):
    """A ``TypeError`` if the names ``given`` (derivative arguments: ``jac``,
    ``hess``...) were passed: dualad supplies them; SciPy takes hand-written ones."""
    if given:
        raise TypeError(f"{who}: {given[0]!r} is not accepted; dualad supplies the exact "
                        f"{what} (call scipy.optimize.{who} directly to pass your own)")


def _flat_bound(b, shape, n, who, what, dtype=float):
    """One bound (``lb``, ``ub`` or ``keep_feasible``) for the flat x: a scalar,
    an array flat with ``n`` entries, or one shaped like (or broadcasting to)
    x0, flattened."""
    a = _np.asarray(b, dtype=dtype)
    if a.ndim == 1 and a.size == n:
        return a
    try:
        return _np.broadcast_to(a, shape).reshape(-1)
    except ValueError:
        raise ValueError(f"{who}: bounds {what} has shape {a.shape}, but x0 has shape "
                         f"{shape}; give a scalar, an array shaped like x0, or a flat "
                         f"array of x0.size = {n} entries") from None


def _flat_bounds(bounds, shape, n, who="minimize"):
    """``Bounds`` (or, for least_squares, an ``(lb, ub)`` pair) for the flat x."""
    if isinstance(bounds, _so.Bounds):
        return _so.Bounds(_flat_bound(bounds.lb, shape, n, who, "lb"),
                          _flat_bound(bounds.ub, shape, n, who, "ub"),
                          keep_feasible=_flat_bound(bounds.keep_feasible, shape, n, who,
                                                    "keep_feasible", bool))
    return bounds


def _flat_xlike(a, shape, n):
    """A length-``n`` option (``least_squares``' ``x_scale``, ``root``'s
    ``diag``, TNC's ``scale`` / ``offset``) for the flat x: an array shaped like
    (or broadcasting to) x0 is flattened, as bounds are; scalars, strings,
    flat arrays of ``n`` entries and anything else go to SciPy unchanged
    (its own checks and errors apply)."""
    if a is None or isinstance(a, str):
        return a
    try:
        arr = _np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        return a
    if arr.ndim == 0 or (arr.ndim == 1 and arr.size == n):
        return a
    try:
        return _np.broadcast_to(arr, shape).reshape(-1)
    except ValueError:
        return a


def _flat_xbatch(a, shape, n):
    """An option holding a stack of x-shaped vectors (Nelder-Mead's
    ``initial_simplex``, Powell's ``direc``): ``(k,) + x0.shape`` becomes
    SciPy's ``(k, n)``; anything else goes to SciPy unchanged."""
    if a is None:
        return a
    try:
        arr = _np.asarray(a, dtype=float)
    except (TypeError, ValueError):
        return a
    if arr.ndim >= 1 and arr.shape[1:] == tuple(shape) and tuple(shape) != (n,):
        return arr.reshape(arr.shape[0], n)
    return a


#: options of length n (or stacks of x-shaped vectors), per method
_XLIKE_OPTIONS = {"tnc": ("scale", "offset"), "hybr": ("diag",), "lm": ("diag",)}
_XBATCH_OPTIONS = {"nelder-mead": ("initial_simplex",), "powell": ("direc",)}


def _flat_options(options, meth, shape, n):
    """A copy of ``options`` with the x-shaped entries of method ``meth``
    flattened (see :func:`_flat_xlike`); the user's dict is not modified."""
    if not options or not isinstance(meth, str):
        return options
    keys1 = _XLIKE_OPTIONS.get(meth, ())
    keys2 = _XBATCH_OPTIONS.get(meth, ())
    if not any(k in options for k in keys1 + keys2):
        return options
    options = dict(options)
    for k in keys1:
        if k in options:
            options[k] = _flat_xlike(options[k], shape, n)
    for k in keys2:
        if k in options:
            options[k] = _flat_xbatch(options[k], shape, n)
    return options


def _shaped_result(r, shape, keys):
    """A shallow copy of the OptimizeResult ``r`` with ``x`` (and the other
    ``keys`` holding a flat array of x's size: the objective's gradient,
    trust-constr's ``lagrangian_grad``, least_squares' ``active_mask``) in
    x0's shape; ``allvecs`` becomes a list of shaped x's and ``final_simplex``
    ``(sim, fsim)`` with ``sim`` of shape ``(n + 1,) + x0.shape``.  A copy:
    SciPy's own object is left as it is."""
    r = _so.OptimizeResult(r)
    n = int(_np.prod(shape, dtype=int))
    for k in keys:
        v = r.get(k)
        if k == "x" and v is not None:
            r[k] = _np.asarray(v).reshape(shape)
        elif k == "allvecs" and isinstance(v, list):
            r[k] = [_np.asarray(a).reshape(shape) if _np.size(a) == n else a for a in v]
        elif k == "final_simplex" and isinstance(v, tuple) and len(v) == 2:
            sim = _np.asarray(v[0])
            if sim.ndim == 2 and sim.shape[1] == n:
                r[k] = (sim.reshape((sim.shape[0],) + tuple(shape)), v[1])
        elif isinstance(v, _np.ndarray) and v.ndim == 1 and v.size == n:
            r[k] = v.reshape(shape)
    return r


def _wrap_callback(callback, shape, keys=("x", "jac", "grad", "lagrangian_grad")):
    """The user's callback, seeing x (and the gradient) in x0's shape: in
    ``callback(intermediate_result)``, in the old-style ``callback(xk)``, and in
    trust-constr's ``callback(xk, state)`` (``state`` a shaped copy)."""
    if callback is None:
        return None
    try:
        params = set(inspect.signature(callback).parameters)
    except (TypeError, ValueError):
        params = set()
    if params == {"intermediate_result"}:
        def cb(intermediate_result):
            return callback(intermediate_result=_shaped_result(intermediate_result,
                                                               shape, keys))
        return cb

    def cb(xk, *rest):
        rest = tuple(_shaped_result(r, shape, keys) if isinstance(r, _so.OptimizeResult)
                     else r for r in rest)
        return callback(_np.asarray(xk).reshape(shape), *rest)
    return cb


def _user_cjac(jac, shape, n, args=()):
    """A constraint's own ``jac(x, *args)``, called with x in x0's shape; an
    array result (shape ``(m,) + x0.shape``, ``(m, x0.size)``, or x0's shape
    for a scalar constraint) is returned as SciPy's ``(m, x0.size)``.  Sparse
    matrices and LinearOperators are passed on as they are."""
    def cjac(x):
        out = jac(_np.asarray(x).reshape(shape), *args)
        if _issparse(out) or isinstance(out, _LinearOperator):
            return out
        a = _np.asarray(_primal_of(out), dtype=_np.float64)
        if a.size % max(n, 1):
            raise ValueError(f"minimize: a constraint's jac returned shape {a.shape}; "
                             f"expected (m,) + x0.shape = (m,) + {shape} or (m, {n})")
        return a.reshape(-1, n)
    return cjac


def _user_chess(hess, shape, n):
    """A constraint's own ``hess(x, v)``, called with x in x0's shape; an
    array result is returned as ``(x0.size, x0.size)``."""
    def chess(x, v):
        out = hess(_np.asarray(x).reshape(shape), v)
        if _issparse(out) or isinstance(out, _LinearOperator):
            return out
        return _np.asarray(out, dtype=_np.float64).reshape(n, n)
    return chess


def _constraint(c, shape, method, n, counts, hess_mode):
    """One constraint with dualad's derivatives attached.

    For trust-constr, the Hessian of ``v . c`` follows ``hess_mode`` (the
    objective's choice): dense for "hess", products for "hessp", and none for
    None (``hessian=None``: no second derivative anywhere; SciPy's default
    quasi-Newton ``BFGS()``, or the constraint's own ``hess``, applies)."""
    trust = method == "trust-constr"
    dense = hess_mode != "hessp"
    exact_hess = hess_mode is not None

    if isinstance(c, dict):
        c = dict(c)
        if "fun" not in c or "type" not in c:
            raise ValueError("minimize: a constraint dict needs 'type' and 'fun'")
        args = c.get("args", ())
        if not isinstance(args, tuple):
            args = (args,)
        vec = _Vector(c["fun"], args, shape, "minimize",
                      f"constraint function ({c['type']})", counts=counts)
        # the user's own jac: x in x0's shape and the constraint's args, as fun
        jac = _user_cjac(c["jac"], shape, n, args) if callable(c.get("jac")) \
            else vec.jac
        if trust:
            lb, ub = (0.0, 0.0) if c["type"] == "eq" else (0.0, _np.inf)
            kw = {"hess": lambda x, v: vec.hess(x, v, dense)} if exact_hess else {}
            return _so.NonlinearConstraint(vec.value, lb, ub, jac=jac, **kw)
        c["fun"] = vec.value
        c.pop("args", None)
        c["jac"] = jac
        return c
    if isinstance(c, _so.NonlinearConstraint):
        vec = _Vector(c.fun, (), shape, "minimize", "constraint function",
                      counts=counts)
        jac = _user_cjac(c.jac, shape, n) if callable(c.jac) else vec.jac
        kw = {}
        if trust:
            # SciPy stores a BFGS() strategy when no hess was given, so only a
            # plain callable counts as the user's own Hessian
            from scipy.optimize import HessianUpdateStrategy
            user_h = c.hess if (callable(c.hess) and not isinstance(
                c.hess, HessianUpdateStrategy)) else None
            if user_h:
                kw["hess"] = _user_chess(user_h, shape, n)
            elif exact_hess:
                kw["hess"] = lambda x, v: vec.hess(x, v, dense)
            else:
                kw["hess"] = c.hess    # SciPy's BFGS() default, or the user's strategy
        return _so.NonlinearConstraint(vec.value, c.lb, c.ub, jac=jac,
                                       keep_feasible=c.keep_feasible, **kw)
    return c  # LinearConstraint: already in terms of the flat x


#: methods that move an x0 outside the bounds into them (np.clip; COBYQA its
#: own way) before they start; TNC and COBYLA evaluate x0 itself first and
#: discard the value.  Powell starts from x0 as it is (with a warning), and
#: trust-constr from x0 too
_MOVE_INTO_BOUNDS = {"l-bfgs-b", "tnc", "slsqp", "nelder-mead", "cobyla", "cobyqa"}


def _bound_arrays(bounds, n):
    """``(lb, ub)`` flat float arrays of the flat x's bounds (``Bounds`` or a
    sequence of ``(min, max)`` pairs, None for no bound), or None if they
    cannot be read (SciPy then reports the problem)."""
    if bounds is None:
        return None
    try:
        if isinstance(bounds, _so.Bounds):
            lb, ub = bounds.lb, bounds.ub
        else:
            pairs = list(bounds)
            lb = [-_np.inf if p[0] is None else p[0] for p in pairs]
            ub = [_np.inf if p[1] is None else p[1] for p in pairs]
        return tuple(_np.broadcast_to(_np.asarray(b, dtype=float), (n,)) for b in (lb, ub))
    except (TypeError, ValueError, IndexError):
        return None


def _start_rule(meth, bounds, x):
    """Which value is checked to be finite (``_Objective._check_start``), as
    ``(rule, lb, ub)``: the first SciPy asks for, or for methods that move an
    infeasible x0 into the bounds the first within them; none for Powell from
    an infeasible x0 (SciPy starts there and goes on whatever the value)."""
    ba = None if callable(meth) else _bound_arrays(bounds, x.size)
    if ba is None:
        return "first", None, None
    lb, ub = ba
    if meth in _MOVE_INTO_BOUNDS:
        return "inside", lb, ub
    if meth == "powell" and not (_np.all(x >= lb) and _np.all(x <= ub)):
        return None, None, None
    return "first", None, None


def minimize(fun, x0, args=(), method=None, bounds=None, constraints=(), tol=None,
             callback=None, options=None, *, hessian="auto", jac=None, hess=None,
             hessp=None):
    """``scipy.optimize.minimize`` with exact derivatives.

    ``fun(x, *args)`` is written with NumPy (or :mod:`dualad.numpy`) and
    returns a real scalar; ``x`` has the shape of ``x0``.  Every SciPy method
    is accepted; ``jac``, ``hess`` / ``hessp`` and the constraints' Jacobians
    (and Hessians, for trust-constr) are supplied (see the module docs).

    ``hessian``: ``"auto"`` (default), ``"hess"``, ``"hessp"`` or ``None``
    -- which second derivative to hand to methods that use one (``None``:
    none; trust-ncg, trust-krylov, dogleg and trust-exact then get SciPy's
    ``ValueError``, since they need one).  ``jac``, ``hess`` and ``hessp``
    are refused with a ``TypeError``.

    >>> import numpy as np
    >>> from dualad.optimize import minimize
    >>> a = np.array([1.0, -2.0, 0.5])
    >>> res = minimize(lambda x: np.sum(np.cosh(x - a)), np.zeros(3), method="BFGS")
    >>> res.success, np.round(res.x, 4).tolist(), int(res.nfev) == int(res.njev)
    (True, [1.0, -2.0, 0.5], True)
    """
    _refuse_derivatives("minimize", [k for k, v in (("jac", jac), ("hess", hess),
                                                    ("hessp", hessp)) if v is not None])
    if hessian not in ("auto", "hess", "hessp", None):
        raise ValueError(f"minimize: hessian must be 'auto', 'hess', 'hessp' or None, "
                         f"not {hessian!r}")
    x0 = _as_x0(x0, "minimize")
    shape, n = x0.shape, x0.size
    if not isinstance(args, tuple):
        args = (args,)
    cons = _norm_constraints(constraints)
    _refuse_traced("minimize", bounds=bounds)
    traces = _traces_of(args)
    if traces:      # differentiate the solution: SciPy solves with the plain args
        if cons:
            raise NotImplementedError(
                "minimize: the solution of a problem with constraints cannot be "
                "differentiated with respect to traced args (that needs the KKT system "
                "with the constraints' multipliers); bounds are supported, general "
                "constraints are not")
        targs, args = args, _plain_tree(args)
    _refuse_traced("minimize", constraints=cons)
    if method is None:
        meth = _default_method(cons, bounds)
    elif callable(method):
        meth = method
    else:
        meth = method.lower()
    custom = callable(meth)

    # which derivatives
    want_jac = custom or meth not in _NO_DERIV
    if hessian is None or (not custom and meth in _NO_DERIV | _GRAD_ONLY):
        second = None
    elif custom:
        second = hessian if hessian != "auto" else None
    elif meth in _HESS_ONLY:
        if hessian == "hessp":
            raise ValueError(f"minimize: method {method!r} needs the full Hessian; "
                             f"it does not accept hessp")
        second = "hess"
    else:
        second = hessian if hessian != "auto" else (
            "hessp" if n > HESSP_THRESHOLD else "hess")
    if not custom and meth not in _NO_DERIV | _GRAD_ONLY | _HESS_ONLY | _HESS_OR_HESSP:
        raise ValueError(f"minimize: unknown method {method!r}")

    # no evaluation here: the first value SciPy asks for is checked (see
    # _start_rule), so that SciPy first validates its arguments and moves an x0
    # outside the bounds into them, as it does without dualad
    fbounds = _flat_bounds(bounds, shape, n)
    rule, lb, ub = _start_rule(meth, fbounds, x0.reshape(-1))
    obj = _Objective(fun, args, shape, record_all=second is not None, x0=x0,
                     start_rule=rule, lb=lb, ub=ub)

    kw = {}
    if want_jac:
        kw["jac"] = obj.jac
        f = obj.f
    else:
        f = obj.value
    if second == "hess":
        kw["hess"] = obj.hess
    elif second == "hessp":
        kw["hessp"] = obj.hessp

    if cons:
        # the constraints count their own work: nfev / njev / nhev are the objective's,
        # as in SciPy (trust-constr reports the constraints' as constr_nfev, ...)
        ccounts = {"nfev": 0, "njev": 0, "nhev": 0}
        cons = [_constraint(c, shape, meth, n, ccounts, second) for c in cons]
    # SciPy's own method name (its warnings quote it), or the default it would pick
    res = _so.minimize(f, x0.reshape(-1), args=(), method=method if method is not None
                       else meth,
                       bounds=fbounds,
                       constraints=cons if cons else (), tol=tol,
                       callback=_wrap_callback(callback, shape),
                       options=_flat_options(options, meth, shape, n), **kw)
    # trust-constr: grad is the objective's, jac a list (left as it is)
    res = _shaped_result(res, shape, ("x", "jac", "grad", "lagrangian_grad", "allvecs",
                                      "final_simplex"))
    for k in ("nfev", "njev", "nhev"):
        if k in res or obj.counts[k] or (k == "njev" and want_jac) or \
                (k == "nhev" and second is not None):
            res[k] = obj.counts[k]
    if traces:
        _warn_unconverged(res, "minimize")
        _implicit_minimize(res, fun, targs, shape, fbounds, meth, _newton_steps(traces))
    return res


#: methods that keep x within the bounds (the others ignore them, with SciPy's warning)
_HONOR_BOUNDS = {"l-bfgs-b", "tnc", "slsqp", "powell", "nelder-mead", "trust-constr",
                 "cobyla", "cobyqa"}


def _implicit_minimize(res, fun, targs, shape, fbounds, meth, steps):
    """Make ``res.x`` and ``res.fun`` carry the derivatives of the solution with
    respect to the traced ``targs``: Newton steps on the stationarity condition
    ``grad_x f(x, p) = 0`` from SciPy's ``x`` (the components at an active bound
    held there), SciPy's values kept exactly."""
    xf = _np.asarray(res.x, dtype=_np.float64).reshape(-1)

    def scalar(x, a=targs):
        out = fun(_dnp.reshape(x, shape), *a)
        if _np.ndim(_primal_of(out)) != 0:
            out = _dnp.reshape(out, ())
        return out
    free = _np.ones(xf.size, dtype=bool)
    ba = _bound_arrays(fbounds, xf.size) if (callable(meth) or meth in _HONOR_BOUNDS) \
        else None
    if ba is not None and (_np.isfinite(ba[0]).any() or _np.isfinite(ba[1]).any()):
        plain = _plain_tree(targs)
        g = _real64(_value_and_grad(lambda x: scalar(x, plain))(xf)[1])
        free = _active_free(xf, g, *ba)
    xt = _newton_minimize(scalar, xf, free, steps, "minimize")
    res["x"] = _exact_value(res.x, _dnp.reshape(xt, shape))
    res["fun"] = _exact_value(res.fun, scalar(xt))


# ---------------------------------------------------------------------------
# least_squares
# ---------------------------------------------------------------------------
def _check_vector_x0(vec, x0, who, what, jac=False):
    """The first evaluation, at x0, checked (finite, real).  With ``jac`` the
    Jacobian is computed in the same pass and cached, so SciPy's first calls
    (value and Jacobian at x0) cost no second evaluation."""
    x = x0.reshape(-1)
    out = vec.value_speculative(x) if jac else vec.value(x)
    return _check_finite_x0(out, who, what)


def _check_finite_x0(out, who, what):
    """``out``, the value where SciPy starts, or a ValueError if not finite."""
    if not _np.all(_np.isfinite(out)):
        bad = _np.flatnonzero(~_np.isfinite(out))
        raise ValueError(f"{who}: the {what} is not finite at x0 (entries "
                         f"{bad[:5].tolist()} of {out.size})")
    return out


class _Unset:
    """A positional argument of least_squares that was not given: SciPy's default applies."""

    __slots__ = ()

    def __repr__(self):
        return "<SciPy's default>"


_UNSET = _Unset()
_LSQ_POSITIONAL = ("ftol", "xtol", "gtol", "x_scale", "loss", "f_scale")


def least_squares(fun, x0, bounds=(-_np.inf, _np.inf), method="trf", ftol=_UNSET,
                  xtol=_UNSET, gtol=_UNSET, x_scale=_UNSET, loss=_UNSET, f_scale=_UNSET,
                  *, args=(), kwargs=None, **options):
    """``scipy.optimize.least_squares`` with the residual Jacobian from dualad.

    ``fun(x, *args, **kwargs)`` returns the residuals (any shape; flattened);
    ``x`` has the shape of ``x0``.  The Jacobian is computed with the
    residuals in the same pass, for ``n`` parameters and ``m`` residuals in
    forward mode when ``n <= 1.4 m + 8`` and in reverse mode otherwise
    (:func:`dualad.jacobian`'s auto rule for one unchunked pass, see
    :data:`dualad.jacobians.COST`); at ``x0``, where ``m`` is not known yet,
    in forward mode if ``n <=`` :data:`FIRST_FORWARD_MAX`, else from a
    reverse recording (followed by a forward pass if ``m >= n``).  Other
    keyword arguments go to SciPy unchanged.  ``bounds``, ``method``,
    ``ftol``, ``xtol``, ``gtol``, ``x_scale``, ``loss`` and ``f_scale`` may
    also be given by position, in SciPy's order without its ``jac`` (which
    dualad supplies); the others by keyword.

    >>> import numpy as np
    >>> from dualad.optimize import least_squares
    >>> t = np.linspace(0, 2, 9)
    >>> y = 3.0 * np.exp(-1.5 * t)
    >>> res = least_squares(lambda p: p[0] * np.exp(-p[1] * t) - y, [1.0, 1.0])
    >>> np.round(res.x, 8).tolist()
    [3.0, 1.5]
    """
    _refuse_derivatives("least_squares", [k for k in ("jac", "jac_sparsity", "diff_step")
                                          if k in options], "Jacobian")
    given = dict(zip(_LSQ_POSITIONAL, (ftol, xtol, gtol, x_scale, loss, f_scale)))
    options.update({k: v for k, v in given.items() if v is not _UNSET})
    x0 = _as_x0(x0, "least_squares")
    shape = x0.shape
    if not isinstance(args, tuple):
        args = (args,)
    _refuse_traced("least_squares", bounds=bounds,
                   **{k: v for k, v in options.items() if k != "f_scale"})
    traces = _traces_of((args, kwargs, options.get("f_scale")))
    if traces:      # differentiate the solution: SciPy solves with the plain values
        if callable(options.get("loss")):
            raise NotImplementedError(
                "least_squares: the solution cannot be differentiated with a callable "
                "loss (its derivatives are not traceable); use one of SciPy's named "
                "losses ('linear', 'soft_l1', 'huber', 'cauchy', 'arctan')")
        targs, tkwargs, tscale = args, dict(kwargs or {}), options.get("f_scale", 1.0)
        args, kwargs = _plain_tree(args), _plain_tree(tkwargs)
        if "f_scale" in options:
            options["f_scale"] = _primal_of(options["f_scale"])
    if "x_scale" in options:      # shaped like x0: flattened, as the bounds are
        options["x_scale"] = _flat_xlike(options["x_scale"], shape, x0.size)
    vec = _Vector(fun, args, shape, "least_squares", "residual function", kwargs)
    if isinstance(bounds, (tuple, list)) and len(bounds) == 2:
        bounds = tuple(_flat_bound(b, shape, x0.size, "least_squares", what)
                       for b, what in zip(bounds, ("lb", "ub")))
    else:
        bounds = _flat_bounds(bounds, shape, x0.size, "least_squares")
    # the first value SciPy asks for is checked: SciPy first validates x0 and the
    # bounds (its own errors, e.g. for an x0 outside them) and, for 'trf', moves
    # an x0 lying on a bound strictly inside; its Jacobian comes in the same pass
    unchecked = [True]

    def resid(x):
        out = vec.value_speculative(x)
        if unchecked[0]:
            unchecked[0] = False
            _check_finite_x0(out, "least_squares", "residual vector")
        return out
    # the Jacobian is asked for at most points SciPy evaluates: one pass for both
    if options.get("callback") is not None:
        options["callback"] = _wrap_callback(options["callback"], shape, keys=("x",))
    res = _so.least_squares(resid, x0.reshape(-1), jac=vec.jac,
                            bounds=bounds, method=method, **options)
    res = _shaped_result(res, shape, ("x", "grad", "active_mask"))
    res.nfev = vec.counts["nfev"]
    res.njev = vec.counts["njev"]
    if traces:
        _warn_unconverged(res, "least_squares")
        _implicit_least_squares(res, fun, targs, tkwargs, shape, options.get("loss", "linear"),
                                tscale, _newton_steps(traces))
    return res


def _rho(loss, z):
    """SciPy's robust loss ``rho(z)`` of ``least_squares`` (``z = (r / f_scale)^2``)."""
    if loss == "soft_l1":
        return 2.0 * (_dnp.sqrt(1.0 + z) - 1.0)
    if loss == "huber":
        big = z > 1.0
        zs = _dnp.where(big, z, 1.0)          # no infinite derivative of sqrt at 0
        return _dnp.where(big, 2.0 * _dnp.sqrt(zs) - 1.0, z)
    if loss == "cauchy":
        return _dnp.log1p(z)
    if loss == "arctan":
        return _dnp.arctan(z)
    raise ValueError(f"least_squares: unknown loss {loss!r}")


def _implicit_least_squares(res, fun, targs, tkwargs, shape, loss, f_scale, steps):
    """``res.x``, ``res.fun`` and ``res.cost`` with the derivatives of the solution:
    Newton steps on the stationarity of the cost ``0.5 * sum(rho)`` (its exact
    Hessian, residual curvature included) from SciPy's ``x``; the components
    SciPy reports at a bound (``active_mask``) are held there."""
    xf = _np.asarray(res.x, dtype=_np.float64).reshape(-1)

    def resid(x):
        return _flat_out(fun(_dnp.reshape(x, shape), *targs, **tkwargs))

    def cost(x):
        r = resid(x)
        if loss == "linear":
            return 0.5 * _dnp.sum(r * r)
        s2 = f_scale * f_scale
        return 0.5 * s2 * _dnp.sum(_rho(loss, r * r / s2))
    free = _np.asarray(res.active_mask).reshape(-1) == 0
    xt = _newton_minimize(cost, xf, free, steps, "least_squares")
    res["x"] = _exact_value(res.x, _dnp.reshape(xt, shape))
    res["fun"] = _exact_value(res.fun, resid(xt))
    res["cost"] = _exact_value(res.cost, cost(xt))


# ---------------------------------------------------------------------------
# root
# ---------------------------------------------------------------------------
_ROOT_JAC = {"hybr", "lm"}


def root(fun, x0, args=(), method="hybr", tol=None, callback=None, options=None, *,
         jac=None):
    """``scipy.optimize.root`` with the exact Jacobian for the methods using one.

    ``fun(x, *args)`` returns an array with as many elements as ``x0``.  For
    ``hybr`` and ``lm`` the Jacobian is supplied (``hybr`` calls ``fun`` far
    more often than the Jacobian, so values are computed plainly and the
    Jacobian, with the value, only when asked for); the other methods use
    no Jacobian and get plain evaluations.  ``jac`` is refused with a ``TypeError``.
    With ``options={"col_deriv": True}`` (hybr, lm) the Jacobian is handed
    over transposed, as SciPy's ``col_deriv`` asks (MINPACK's column layout);
    ``options["diag"]`` may be shaped like ``x0``.

    Build the output with ``dualad.numpy`` (``dnp.array`` / ``dnp.stack``):
    plain ``numpy.array([...])`` cannot hold traced values.

    >>> import numpy as np, dualad.numpy as dnp
    >>> from dualad.optimize import root
    >>> sol = root(lambda x: dnp.array([x[0] ** 2 + x[1] ** 2 - 4.0, x[0] - x[1]]),
    ...            np.array([1.0, 0.5]))
    >>> sol.success, np.round(sol.x, 10).tolist()
    (True, [1.4142135624, 1.4142135624])
    """
    _refuse_derivatives("root", ["jac"] if jac is not None else [], "Jacobian")
    x0 = _as_x0(x0, "root")
    shape = x0.shape
    if not isinstance(args, tuple):
        args = (args,)
    traces = _traces_of(args)
    if traces:      # differentiate the solution: SciPy solves with the plain args
        targs, args = args, _plain_tree(args)
    meth = method.lower() if isinstance(method, str) else method
    vec = _Vector(fun, args, shape, "root", "function")
    # hybr and lm ask for the Jacobian at x0 right after the value
    out = _check_vector_x0(vec, x0, "root", "function", jac=meth in _ROOT_JAC)
    if out.size != x0.size:
        raise ValueError(f"root: the function returned {out.size} values for "
                         f"{x0.size} unknowns; they must be equal (use "
                         f"least_squares for over- or under-determined systems)")
    kw = {}
    if meth in _ROOT_JAC:
        if (options or {}).get("col_deriv"):
            # SciPy's col_deriv: the Jacobian callable returns "derivatives down
            # the columns", i.e. J^T (MINPACK's column layout); giving J would
            # make MINPACK use J^T as the Jacobian
            def jac_t(x):
                return _np.ascontiguousarray(vec.jac(x).T)
            kw["jac"] = jac_t
        else:
            kw["jac"] = vec.jac
    if meth == "lm":
        f = vec.value_speculative   # lm asks for the Jacobian at almost every point
    else:
        f = vec.value
    cb = None
    if callback is not None:
        def cb(xk, fk):
            return callback(_np.asarray(xk).reshape(shape), fk)
    res = _so.root(f, x0.reshape(-1), method=method, tol=tol, callback=cb,
                   options=_flat_options(options, meth, shape, x0.size), **kw)
    res = _shaped_result(res, shape, ("x",))
    res.nfev = vec.counts["nfev"]
    if meth in _ROOT_JAC:
        res.njev = vec.counts["njev"]
    if traces:
        _warn_unconverged(res, "root")
        # Newton steps on F(x, p) = 0 from SciPy's x: dx = -J_x^-1 J_p dp
        def system(x):
            return _flat_out(fun(_dnp.reshape(x, shape), *targs))
        xt = _newton_root(system, _np.asarray(res.x, dtype=_np.float64).reshape(-1),
                          _newton_steps(traces), "root")
        res["x"] = _exact_value(res.x, _dnp.reshape(xt, shape))
        if "fun" in res:
            res["fun"] = _exact_value(_np.asarray(res.fun).reshape(-1), system(xt)) \
                .reshape(_np.shape(res.fun))
    return res

