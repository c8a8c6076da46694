"""dualad.optimize against other sources of derivatives for SciPy's minimize.

Extended Rosenbrock, n = 1000, x0 = 1.2 * ones; methods L-BFGS-B, Newton-CG,
trust-ncg, trust-exact.  Rows:

* ``dualad``           -- ``dualad.optimize.minimize`` (derivatives supplied);
* ``scipy FD``         -- SciPy's finite differences (``jac="2-point"``; for the
  second-order methods a forward-difference gradient function and the
  Hessian as SciPy allows it then: Newton-CG differences the gradient,
  trust-ncg uses a BFGS update, trust-exact cannot run);
* ``scipy hand``       -- ``rosen_der`` / ``rosen_hess`` / ``rosen_hess_prod``,
  written by hand: the floor;
* ``autograd``, ``jax eager``, ``torch`` -- the same ``scipy.optimize.minimize``
  call with ``jac=True`` (value and gradient from one pass), ``hessp`` (a
  Hessian-vector product, forward over reverse) for Newton-CG and trust-ncg and
  ``hess`` for trust-exact, from each library's documented API;
* ``jax jit``          -- as jax eager, every derivative function jitted
  (a reference row: compiled, not eager).

A peer that is not installed is skipped.  Wall time is the best of a few runs
(after a warm-up run; rounds interleave
the sources).  Run:  ``python benchmarks/bench_optimize.py [--n N]``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import scipy.optimize as so

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad.optimize as dopt  # noqa: E402

METHODS = ["L-BFGS-B", "Newton-CG", "trust-ncg", "trust-exact"]


def rosen_np(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


# ---------------------------------------------------------------------------
# one derivative source = a function method -> kwargs for scipy.optimize.minimize
# ---------------------------------------------------------------------------
def src_dualad():
    def run(method, x0):
        return dopt.minimize(rosen_np, x0, method=method)
    return run


def src_scipy_fd():
    def run(method, x0):
        if method == "trust-exact":
            return None    # needs a Hessian function; SciPy cannot estimate it here
        kw = {"jac": "2-point"}
        if method in ("Newton-CG", "trust-ncg"):   # these need a callable jac
            kw["jac"] = lambda x: so.approx_fprime(x, so.rosen)
        if method == "trust-ncg":
            kw["hess"] = so.BFGS()
        return so.minimize(so.rosen, x0, method=method, **kw)
    return run


def src_scipy_hand():
    def run(method, x0):
        kw = {"jac": so.rosen_der}
        if method in ("Newton-CG", "trust-ncg"):
            kw["hessp"] = so.rosen_hess_prod
        elif method == "trust-exact":
            kw["hess"] = so.rosen_hess
        return so.minimize(so.rosen, x0, method=method, **kw)
    return run


def _with(f_vg, hessp, hess):
    def run(method, x0):
        kw = {"jac": True}
        if method in ("Newton-CG", "trust-ncg"):
            kw["hessp"] = hessp
        elif method == "trust-exact":
            kw["hess"] = hess
        return so.minimize(f_vg, x0, method=method, **kw)
    return run


def src_autograd():
    import autograd
    import autograd.numpy as anp

    def f(x):
        return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    vg = autograd.value_and_grad(f)
    hvp = autograd.hessian_vector_product(f)
    hess = autograd.hessian(f)
    return _with(lambda x: vg(x), lambda x, p: hvp(x, p), hess)


def _jax_parts(jit):
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def f(x):
        return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    vg = jax.value_and_grad(f)
    g = jax.grad(f)

    def hvp(x, p):
        return jax.jvp(g, (x,), (p,))[1]
    hess = jax.hessian(f)
    if jit:
        vg, hvp, hess = jax.jit(vg), jax.jit(hvp), jax.jit(hess)

    def vg_np(x):
        v, gr = vg(x)
        return float(v), np.asarray(gr)
    return _with(vg_np, lambda x, p: np.asarray(hvp(x, p)), lambda x: np.asarray(hess(x)))


def src_jax_eager():
    return _jax_parts(False)


def src_jax_jit():
    return _jax_parts(True)


def src_torch():
    import torch
    from torch.func import grad, grad_and_value, hessian, jvp

    def f(x):
        return torch.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    gv = grad_and_value(f)
    g = grad(f)
    h = hessian(f)

    def vg_np(x):
        gr, v = gv(torch.from_numpy(x))
        return float(v), gr.numpy()

    def hvp_np(x, p):
        return jvp(g, (torch.from_numpy(x),), (torch.from_numpy(np.asarray(p)),))[1].numpy()

    def hess_np(x):
        return h(torch.from_numpy(x)).numpy()
    return _with(vg_np, hvp_np, hess_np)


SOURCES = [("dualad", src_dualad), ("scipy FD", src_scipy_fd),
           ("scipy hand (floor)", src_scipy_hand), ("autograd", src_autograd),
           ("jax eager", src_jax_eager), ("torch", src_torch),
           ("jax jit (ref.)", src_jax_jit)]


def bench(n=1000, repeat=3, sources=None, methods=None):
    """Warm every (method, source) up once, then time them in interleaved
    rounds (so that no source pays the process's warm-up or a burst of load
    alone), keeping each one's best time."""
    x0 = 1.2 * np.ones(n)
    entries = []
    for name, make in SOURCES:
        if sources and name.split()[0] not in sources:
            continue
        try:
            run = make()
        except ImportError as e:
            print(f"# skipped {name}: {e}", file=sys.stderr)
            continue
        for m in methods or METHODS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = run(m, x0.copy())         # warm-up (and compile, for jit)
            entries.append([m, name, run, np.inf if res is not None else None, res])
    for k in range(repeat):
        for e in entries:
            m, name, run, best, res = e
            if res is None:
                continue
            if k > 0 and (m == "trust-exact" or name == "scipy FD"):
                continue              # slow rows: one timed run
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t = time.perf_counter()
                e[4] = run(m, x0.copy())
                e[3] = min(best, time.perf_counter() - t)
    order = {m: i for i, m in enumerate(methods or METHODS)}
    entries.sort(key=lambda e: order[e[0]])
    return [(m, name, best, res) for m, name, run, best, res in entries]


def fmt_time(t):
    if t is None:
        return "n/a"
    return f"{t * 1e3:.1f} ms" if t < 1 else f"{t:.2f} s"


def table(rows):
    out = ["| method | derivatives | time | nit | nfev | njev | nhev | max abs(x - 1) |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for m, name, t, r in rows:
        if r is None:
            out.append(f"| {m} | {name} | n/a | | | | | |")
            continue
        err = float(np.max(np.abs(np.asarray(r.x).ravel() - 1.0)))
        out.append(f"| {m} | {name} | {fmt_time(t)} | {r.get('nit', '')} | "
                   f"{r.get('nfev', '')} | {r.get('njev', '')} | {r.get('nhev', '')} | "
                   f"{err:.1e} |")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sources", nargs="*", help="e.g. dualad torch autograd")
    ap.add_argument("--methods", nargs="*")
    a = ap.parse_args(argv)
    rows = bench(a.n, a.repeat, a.sources, a.methods)
    print(f"Extended Rosenbrock, n = {a.n}, x0 = 1.2*ones\n")
    print(table(rows))


if __name__ == "__main__":
    main()
