"""Every rule with batches of tangents and cotangents, and with two batches nested.

tests/test_rules.py checks each spec one direction at a time.  Here the same
specs are differentiated as whole Jacobians: ``jacfwd`` pushes all n input
directions through each rule as one leading batch axis and ``jacrev`` pulls
all m output directions back the same way, and for the smooth ones the four
nestings ``jacfwd(jacfwd)``, ``jacfwd(jacrev)``, ``jacrev(jacfwd)`` and
``jacrev(jacrev)`` give Hessians, where a rule meets two batch axes at once.
A rule that pairs a batch axis with an operand's own (stack) axis shows up as
a disagreement between the modes or with finite differences.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import dualad as ad
import dualad.numpy as dnp

from .specs import all_specs

SPECS = all_specs()


def _is_real_float(a):
    return isinstance(a, (np.ndarray, np.floating, float)) and np.asarray(a).dtype.kind == "f"


def _flat_problem(fun, args):
    """``fun`` as a map from one flat float64 vector (its real float arguments,
    concatenated) to one flat real vector (its outputs; complex ones as real
    and imaginary parts)."""
    idx = [i for i, a in enumerate(args) if _is_real_float(a)]
    shapes = [np.shape(args[i]) for i in idx]
    sizes = [int(np.prod(s)) for s in shapes]
    x0 = np.concatenate([np.ravel(np.asarray(args[i], dtype=np.float64)) for i in idx]
                        or [np.zeros(0)])

    def g(x):
        full = list(args)
        start = 0
        for i, shape, size in zip(idx, shapes, sizes):
            full[i] = dnp.reshape(x[start:start + size], shape)
            start += size
        out = fun(*full)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        parts = []
        for o in outs:
            o = dnp.ravel(o)
            if np.iscomplexobj(_primal(o)):
                parts += [dnp.real(o), dnp.imag(o)]
            else:
                parts.append(o)
        return dnp.concatenate(parts)
    return g, x0


def _primal(v):
    from dualad.tracer import primal_of
    return primal_of(v)


def _fd_jacobian(g, x, eps):
    cols = []
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = eps * max(1.0, abs(x[k]))
        cols.append((np.asarray(g(x + e)) - np.asarray(g(x - e))) / (2 * e[k]))
    return np.stack(cols, axis=-1)


def _close(name, got, want, rtol, atol_scale):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{name}: shape {got.shape} vs {want.shape}"
    scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol_scale * scale, err_msg=name)


def _check(spec, args):
    g, x0 = _flat_problem(spec.fun, args)
    if x0.size == 0:
        return
    with np.errstate(all="ignore"):
        y0 = np.asarray(g(x0))
    if not np.all(np.isfinite(y0)):
        return
    fd_tol = 1e-5 if spec.rtol is None else max(1e-5, spec.rtol)
    jf = ad.jacfwd(g)(x0)
    jr = ad.jacrev(g)(x0)
    _close(f"{spec.name}: jacfwd vs jacrev", jf, jr, 1e-9, 1e-9)
    with np.errstate(all="ignore"):
        jfd = _fd_jacobian(g, x0, 1e-6)
    _close(f"{spec.name}: jacfwd vs finite differences", jf, jfd, fd_tol, fd_tol)
    if spec.order < 2 or "forward" not in spec.modes or "reverse" not in spec.modes:
        return
    w = np.cos(np.arange(y0.size) + 0.5)

    def s(x):
        return dnp.sum(w * g(x))
    hs = {
        "jacfwd(jacfwd)": ad.jacfwd(ad.jacfwd(s))(x0),
        "jacfwd(jacrev)": ad.jacfwd(ad.jacrev(s))(x0),
        "jacrev(jacfwd)": ad.jacrev(ad.jacfwd(s))(x0),
        "jacrev(jacrev)": ad.jacrev(ad.jacrev(s))(x0),
        "hessian": ad.hessian(s)(x0),
    }
    ref = hs["jacrev(jacrev)"]
    for name, h in hs.items():
        _close(f"{spec.name}: {name} vs jacrev(jacrev)", h, ref, 1e-7, 1e-8)
    with np.errstate(all="ignore"):
        hfd = _fd_jacobian(ad.grad(s), x0, 1e-5)
    _close(f"{spec.name}: Hessian vs finite differences of grad", ref, hfd,
           max(1e-4, fd_tol), max(1e-4, fd_tol))


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_batched_and_nested_batches_agree(spec):
    @settings(max_examples=2, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(spec.args)
    def check(args):
        _check(spec, tuple(args))

    check()
