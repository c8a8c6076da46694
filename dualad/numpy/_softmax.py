"""Softmax weights whose derivatives keep full relative accuracy.

The derivative of ``logsumexp`` is the softmax ``p = exp(a - logsumexp(a))``;
differentiated again, ``dp_i = p_i (t_i - sum_j p_j t_j)``.  Formed that way,
``t_i - sum_j p_j t_j`` cancels where one weight is within ``1e-8`` of 1: the
entry ``(1, 1)`` of the Hessian of ``logsumexp([0, 40])`` came out 0 instead of
``expit(40) expit(-40) = 4.2e-18``.  Since ``sum_j p_j = 1`` the same number is

    t_i - sum_j p_j t_j = q_i t_i - E_i,   q_i = sum_(j != i) p_j,  E_i = sum_(j != i) p_j t_j,

and the two *exclusive* sums are formed from prefix and suffix cumulative sums
(:func:`exclusive_sum`), never as a total minus the own term.  For a unit
direction every term is then a product of positive numbers, so every entry of
the Hessian keeps full relative accuracy however far apart the entries are.
Differentiated once more, ``q_i`` must not become the sum of the other
weights' derivatives (their sum cancels too): :data:`complement_p` gives it
the derivative of ``1 - p_i``, ``-dp_i``, a single accurate term.

:data:`weights_p` is the softmax as a primitive of ``a`` alone (the reduction's
value is passed as a plain keyword, so it is not recomputed), with the rule
above; its rules are written with registry operations, so they are
differentiated again (third order and up).  The rules of ``logsumexp``,
``scipy.special.logsumexp`` (also with ``b``) and ``logaddexp.reduce`` use it;
``log_softmax`` and ``softmax`` use :func:`centered` directly.

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> h = ad.hessian(dnp.logsumexp)(np.array([0.0, 40.0]))
>>> float(h[1, 1])                       # expit(40) expit(-40)
4.248354255291589e-18
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import primal_of, shape_of

_LN2 = float(_np.log(2.0))


def exclusive_sum(v, axes):
    """For each entry of ``v``, the sum over the reduced ``axes`` (negative axes,
    so ``v`` may carry leading batch axes) of the *other* entries of its slice:
    a prefix plus a suffix cumulative sum, with no cancellation against the
    entry's own term.  Written with registry operations."""
    from ._cumulative import cumsum
    from ._shape import concatenate, moveaxis, reshape
    from ._shape_extra import flip
    dt = _np.result_type(primal_of(v))
    if not axes:
        return _np.zeros(shape_of(v), dt)
    k = len(axes)
    dest = tuple(range(-k, 0))
    moved = v if tuple(axes) == dest else moveaxis(v, axes, dest)
    mshape = tuple(shape_of(moved))
    n = 1
    for d in mshape[len(mshape) - k:]:
        n *= d
    if n <= 1:
        return _np.zeros(shape_of(v), dt)
    head = mshape[:len(mshape) - k]
    flat = moved if k == 1 else reshape(moved, head + (n,))
    zero = _np.zeros(head + (1,), dt)
    before = concatenate([zero, cumsum(flat[..., :-1], axis=-1)], axis=-1)
    after = concatenate([flip(cumsum(flip(flat[..., 1:], -1), axis=-1), -1), zero], axis=-1)
    ex = before + after
    if k != 1:
        ex = reshape(ex, mshape)
    return ex if moved is v else moveaxis(ex, dest, axes)


def _complement_impl(p, *, axis, rest=None):
    q = exclusive_sum(p, axis)
    return q if rest is None else q + rest


complement_p = primitive(_complement_impl, name="softmax_complement")
complement_p.__doc__ = """``1 - p`` for weights ``p`` that sum to 1 over ``axis``
(``1 - rest`` with ``rest``, the plain weight of constant entries outside
``p``): its value the sum of the *other* weights (no cancellation), its
derivative that of ``1 - p``, ``-t``.  (The exclusive sum's own derivative,
the sum of the other weights' derivatives, would cancel where ``p_i`` is near 1.)"""
defjvp(complement_p, lambda t, ans, p, axis, rest=None: -t)
defvjp_direct(complement_p, lambda g, ans, p, axis, rest=None: -g)


def centered(t, p, axes, rest=None):
    """``t - sum(p * t)`` over ``axes`` for weights ``p`` summing to 1 (to
    ``1 - rest``), as ``q t - E`` with ``q = 1 - p`` the sum of the other weights
    (:data:`complement_p`) and ``E = sum_(j != i) p_j t_j``."""
    if not axes:
        return t * 0.0
    q = complement_p(p, axis=tuple(axes), rest=rest)
    return q * t - exclusive_sum(p * t, axes)


def _weights_impl(a, b=None, *, axis, lse, sgn=None, base="e", of="a", initial=None):
    # sgn * base^(a - lse) (0 where lse is not finite), times b for the a-weights;
    # the operations the rules used before, so the values are unchanged
    with _np.errstate(over="ignore", invalid="ignore"):
        w = (_np.exp if base == "e" else _np.exp2)(a - _np.where(_np.isfinite(lse), lse, 0.0))
        if sgn is not None:
            w = w * sgn
        if of == "a" and b is not None:
            w = w * b
    return w


# The weights of ``L = log(sum_j b_j exp(a_j))`` (``b = 1`` when None):
#   U = dL/db = exp(a - L) (times the sign of the sum), W = dL/da = b U, sum(W) = 1.
#   dW/da[t] = W (q t - E(W t)),  dU/da[t] = U (q t - E(W t)),
#   dW/db[t] = U q t - W E(U t),  dU/db[t] = -U sum(U t),
# with q = E(W) and E the exclusive sum; each VJP is the transpose.  Base 2
# (``logaddexp2.reduce``, no b) scales by ln 2.
def _pair(ans, a, b, kw):
    """``(W, U)`` at the level of ``ans`` (one more primitive call when b is given)."""
    if b is None:
        return ans, ans
    other = dict(kw, of="b" if kw.get("of", "a") == "a" else "a")
    mate = weights_p(a, b, **other)
    return (ans, mate) if kw.get("of", "a") == "a" else (mate, ans)


def _rest(a, kw):
    """The plain weight ``base^(initial - lse)`` of ``logaddexp.reduce``'s
    ``initial=`` entry (None without it)."""
    init = kw.get("initial")
    if init is None:
        return None
    lse = kw["lse"]
    with _np.errstate(invalid="ignore"):
        w = (_np.exp if kw.get("base", "e") == "e" else _np.exp2)(init - lse)
    return _np.where(_np.isfinite(lse), w, 0.0).astype(_np.result_type(primal_of(a)))


def _scale(v, kw):
    return v * _LN2 if kw.get("base", "e") == "2" else v


def _jvp_a(t, ans, a, b=None, **kw):
    w, u = _pair(ans, a, b, kw)
    return _scale(ans * centered(t, w, kw["axis"], _rest(a, kw)), kw)


def _vjp_a(g, ans, a, b=None, **kw):
    w, u = _pair(ans, a, b, kw)
    if kw.get("of", "a") == "a":     # symmetric
        return _scale(w * centered(g, w, kw["axis"], _rest(a, kw)), kw)
    ug = u * g
    return complement_p(w, axis=kw["axis"]) * ug - w * exclusive_sum(ug, kw["axis"])


def _jvp_b(t, ans, a, b, **kw):
    from ._reductions import sum_p
    w, u = _pair(ans, a, b, kw)
    axes = kw["axis"]
    ut = u * t
    if kw.get("of", "a") == "a":
        return complement_p(w, axis=axes) * ut - w * exclusive_sum(ut, axes)
    return -u * sum_p(ut, axis=axes, keepdims=True)


def _vjp_b(g, ans, a, b, **kw):
    from ._reductions import sum_p
    w, u = _pair(ans, a, b, kw)
    if kw.get("of", "a") == "a":
        return u * centered(g, w, kw["axis"])
    return -u * sum_p(u * g, axis=kw["axis"], keepdims=True)


weights_p = primitive(_weights_impl, name="softmax_weights")
weights_p.__doc__ = """The weights of a logsumexp over ``axis`` (negative axes):
``of="a"``: ``b * sgn * base^(a - lse)``, its derivative in ``a``; ``of="b"``:
``sgn * base^(a - lse)``, its derivative in ``b``.  ``lse`` (the reduction's
value, keepdims-shaped), ``sgn`` (the sign of the sum, or None) and
``initial`` (``logaddexp.reduce``'s) are plain; 0 where ``lse`` is not finite."""
defjvp(weights_p, _jvp_a, _jvp_b)
defvjp_direct(weights_p, _vjp_a, _vjp_b)


def weights(ans, a, axis, keepdims, b=None, sgn=None, base="e", of="a", initial=None):
    """:data:`weights_p` of ``a`` for the (possibly traced) reduction ``ans``:
    its plain value is reshaped to keepdims form and passed as ``lse``."""
    lse = _np.asarray(primal_of(ans))
    if not keepdims:
        nd = len(shape_of(a))
        lse = lse.reshape(tuple(1 if i - nd in axis else d
                                for i, d in enumerate(shape_of(a))))
    if sgn is not None:
        sgn = _np.asarray(sgn).reshape(lse.shape)
    return weights_p(a, b, axis=tuple(axis), lse=lse, sgn=sgn, base=base, of=of,
                     initial=initial)
