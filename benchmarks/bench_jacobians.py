"""Jacobian, Hessian and Hessian-vector-product timings, dualad vs. peers.

Run from the repository root::

    python3 benchmarks/bench_jacobians.py              # the full table
    python3 benchmarks/bench_jacobians.py --quick      # fewer repeats
    python3 benchmarks/bench_jacobians.py --only hvp   # one table
    python3 benchmarks/bench_jacobians.py --calibrate  # the auto-mode cost constants
    python3 benchmarks/bench_jacobians.py --cpu-time   # CPU time, not wall time
    python3 benchmarks/bench_jacobians.py --malloc-tuned  # glibc heap trimming off

Peers (HIPS autograd, PyTorch ``torch.func``, JAX) are optional: a missing one
is reported as "not installed" and skipped.  Every library runs on one thread
(the thread variables are set before NumPy, PyTorch or JAX is imported).
Times are the best, over several repeats, of the mean time of one call.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false"
                           " intra_op_parallelism_threads=1").strip()

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as ad  # noqa: E402
import dualad.numpy as dnp  # noqa: E402
from dualad import jacobians as J  # noqa: E402

from _timing import paired_ratio  # noqa: E402


def _try_import(name):
    try:
        return __import__(name)
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return None


torch = _try_import("torch")
if torch is not None:
    torch.set_num_threads(1)
    import torch.func  # noqa: E402,F401
autograd = _try_import("autograd")
if autograd is not None:
    import autograd.numpy as anp  # noqa: E402
jax = _try_import("jax")
if jax is not None:
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp  # noqa: E402

QUICK = False


CLOCK = time.perf_counter


def bench(fn, target=0.15, repeats=7):
    """Best over ``repeats`` of the mean seconds per call of ``fn()``."""
    fn()
    fn()
    t0 = CLOCK()
    fn()
    one = max(CLOCK() - t0, 1e-7)
    if QUICK:
        target, repeats = target / 3, 3
    number = max(1, int(target / one))
    best = float("inf")
    for _ in range(repeats):
        t0 = CLOCK()
        for _ in range(number):
            fn()
        best = min(best, (CLOCK() - t0) / number)
    return best


def measure_all(rows, target=0.05, rounds=7):
    """Replace every callable in ``rows`` by its time: best over ``rounds`` of
    the mean time per call.  The rounds interleave the libraries, so a change
    of machine load between two of them shows in every row alike.  Each timed
    block follows one untimed call of the same function, so no row pays for
    re-growing the heap after another library shrank it."""
    fns = {k: v for k, v in rows.items() if callable(v)}
    number = {}
    for k, fn in fns.items():
        fn()
        fn()
        t0 = CLOCK()
        fn()
        number[k] = max(1, int(target / max(CLOCK() - t0, 1e-7)))
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(3 if QUICK else rounds):
        for k, fn in fns.items():
            fn()
            t0 = CLOCK()
            for _ in range(number[k]):
                fn()
            best[k] = min(best[k], (CLOCK() - t0) / number[k])
    rows.update(best)
    return rows


def eager(fn):
    """``fn`` as a JAX user runs it without ``jax.jit``: operation by operation,
    each dispatched to its cached compiled kernel (JAX's eager mode; under
    ``jax.disable_jit()`` it would be slower still)."""
    return fn


def fmt(t):
    if t is None:
        return "—"
    if t >= 1:
        return f"{t:.2f} s"
    return f"{t * 1e3:.3g} ms"


# ---------------------------------------------------------------------------
# Jacobian of tanh(W @ x) + 0.1 * x[idx]
# ---------------------------------------------------------------------------
def jac_problem(n, m, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(m, n)) / np.sqrt(n)
    idx = rng.integers(0, n, size=m)
    x = rng.normal(size=n)
    return W, idx, x


def jacobian_rows(n, m):
    W, idx, x = jac_problem(n, m)
    rows = {}

    def f_d(x):
        return dnp.tanh(W @ x) + 0.1 * x[idx]

    ref = None
    for label, jf in (("dualad auto", ad.jacobian(f_d)),
                      ("dualad forward", ad.jacfwd(f_d)),
                      ("dualad reverse", ad.jacrev(f_d))):
        val = jf(x)
        ref = val if ref is None else ref
        assert np.allclose(val, ref, rtol=1e-10, atol=1e-12), label
        rows[label] = lambda jf=jf: jf(x)
    rows["dualad auto chose"] = J.explain_mode(f_d, x).mode
    if torch is not None:
        Wt, it, xt = torch.tensor(W), torch.tensor(idx), torch.tensor(x)

        def f_t(x):
            return torch.tanh(Wt @ x) + 0.1 * x[it]
        tjf, tjr = torch.func.jacfwd(f_t), torch.func.jacrev(f_t)
        assert np.allclose(tjf(xt).numpy(), ref) and np.allclose(tjr(xt).numpy(), ref)
        rows["torch.func.jacfwd"] = lambda: tjf(xt)
        rows["torch.func.jacrev"] = lambda: tjr(xt)
    if autograd is not None:
        def f_a(x):
            return anp.tanh(anp.dot(W, x)) + 0.1 * x[idx]
        ja = autograd.jacobian(f_a)
        assert np.allclose(ja(x), ref)
        rows["autograd.jacobian"] = lambda: ja(x)
    if jax is not None:
        Wj, ij, xj = jnp.asarray(W), jnp.asarray(idx), jnp.asarray(x)

        def f_j(x):
            return jnp.tanh(Wj @ x) + 0.1 * x[ij]
        jjf, jjr = jax.jacfwd(f_j), jax.jacrev(f_j)
        assert np.allclose(np.asarray(jjf(xj)), ref) and np.allclose(np.asarray(jjr(xj)), ref)
        rows["jax.jacfwd (no jit)"] = eager(lambda: jjf(xj).block_until_ready())
        rows["jax.jacrev (no jit)"] = eager(lambda: jjr(xj).block_until_ready())
        jj = jax.jit(jjf if m >= n else jjr)
        rows["jax jit (reference)"] = lambda: jj(xj).block_until_ready()
    return measure_all(rows)


# ---------------------------------------------------------------------------
# Extended Rosenbrock: sum_i 100 (x[2i+1] - x[2i]^2)^2 + (1 - x[2i])^2
# ---------------------------------------------------------------------------
def ext_rosen(np_):
    def f(x):
        a, b = x[0::2], x[1::2]
        return np_.sum(100.0 * (b - a ** 2) ** 2 + (1.0 - a) ** 2)
    return f


def ext_rosen_hess(x):
    """Hand-written Hessian, for checking."""
    n = x.size
    H = np.zeros((n, n))
    a, b = x[0::2], x[1::2]
    i = np.arange(0, n, 2)
    H[i, i] = 1200 * a ** 2 - 400 * b + 2
    H[i, i + 1] = H[i + 1, i] = -400 * a
    H[i + 1, i + 1] = 200
    return H


def hessian_rows(n):
    x = np.random.default_rng(n).normal(size=n)
    ref = ext_rosen_hess(x)
    rows = {}
    hf = ad.hessian(ext_rosen(dnp))
    assert np.allclose(hf(x), ref)
    rows["dualad hessian"] = lambda: hf(x)
    if torch is not None:
        ht = torch.func.hessian(ext_rosen(torch))
        xt = torch.tensor(x)
        assert np.allclose(ht(xt).numpy(), ref)
        rows["torch.func.hessian"] = lambda: ht(xt)
    if autograd is not None:
        ha = autograd.hessian(ext_rosen(anp))
        assert np.allclose(ha(x), ref)
        rows["autograd.hessian"] = lambda: ha(x)
    if jax is not None:
        hj = jax.hessian(ext_rosen(jnp))
        xj = jnp.asarray(x)
        assert np.allclose(np.asarray(hj(xj)), ref)
        rows["jax.hessian (no jit)"] = eager(lambda: hj(xj).block_until_ready())
        hjj = jax.jit(hj)
        rows["jax jit (reference)"] = lambda: hjj(xj).block_until_ready()
    return measure_all(rows)


def hvp_rows(n):
    rng = np.random.default_rng(7)
    x, v = rng.normal(size=n), rng.normal(size=n)
    ref = ext_rosen_hess_prod(x, v)
    rows = {}
    f = ext_rosen(dnp)
    assert np.allclose(ad.hvp(f, (x,), (v,)), ref)
    rows["dualad hvp"] = lambda: ad.hvp(f, (x,), (v,))
    g = ad.grad(f)
    rows["dualad grad (same f)"] = lambda: g(x)
    if torch is not None:
        ft = ext_rosen(torch)
        xt, vt = torch.tensor(x), torch.tensor(v)

        def hvp_t():
            xr = xt.detach().requires_grad_(True)
            (gr,) = torch.autograd.grad(ft(xr), xr, create_graph=True)
            (hv,) = torch.autograd.grad(gr, xr, grad_outputs=vt)
            return hv
        assert np.allclose(hvp_t().numpy(), ref)
        rows["torch double backward"] = hvp_t
    if autograd is not None:
        ha = autograd.hessian_tensor_product(ext_rosen(anp))
        assert np.allclose(ha(x, v), ref)
        rows["autograd hessian_tensor_product"] = lambda: ha(x, v)
    if jax is not None:
        fj = ext_rosen(jnp)
        xj, vj = jnp.asarray(x), jnp.asarray(v)

        def hvp_j(x, v):
            return jax.jvp(jax.grad(fj), (x,), (v,))[1]
        assert np.allclose(np.asarray(hvp_j(xj, vj)), ref)
        rows["jax jvp(grad) (no jit)"] = eager(lambda: hvp_j(xj, vj).block_until_ready())
        hjj = jax.jit(hvp_j)
        rows["jax jit (reference)"] = lambda: hjj(xj, vj).block_until_ready()
    hvp_d, grad_d = rows["dualad hvp"], rows["dualad grad (same f)"]
    rows = measure_all(rows)
    best, median = paired_ratio(hvp_d, grad_d, rounds=20 if QUICK else 150, clock=CLOCK)
    rows["dualad hvp / grad, paired rounds: best / median"] = f"{best:.2f}x / {median:.2f}x"
    return rows


def ext_rosen_hess_prod(x, v):
    a, b = x[0::2], x[1::2]
    va, vb = v[0::2], v[1::2]
    out = np.empty_like(x)
    out[0::2] = (1200 * a ** 2 - 400 * b + 2) * va - 400 * a * vb
    out[1::2] = -400 * a * va + 200 * vb
    return out


# ---------------------------------------------------------------------------
# calibration of the auto-mode cost model
# ---------------------------------------------------------------------------
def calibrate():
    """Measure the constants of dualad.jacobians.COST on tanh(W @ x) + 0.1 * x[idx].

    All times are divided by the time of one plain evaluation of f.  The
    per-pass constants come from a small problem (n = m = 20, where Python
    overhead dominates) with one direction; the per-direction constants are
    the slopes of pass time against the number k of directions carried, on a
    large problem (n = m = 400, where array work dominates).
    """
    from dualad.forward import jvp_flat
    from dualad.reverse import vjp_flat
    global CLOCK
    CLOCK = time.process_time   # CPU time: less sensitive to other processes

    def measure(n, ks):
        W, idx, x = jac_problem(n, n)

        def f(xs):
            return [dnp.tanh(W @ xs[0]) + 0.1 * xs[0][idx]]
        t_plain = lambda: f([x])
        tf, tr = [], []
        for k in ks:
            T = np.zeros((k, n))
            T[np.arange(k), np.arange(k)] = 1
            tf.append(bench(lambda: jvp_flat(f, [x], [T])) / t_plain)

            def rev():
                outs, back = vjp_flat(f, [x])
                back([T])
            tr.append(bench(rev) / t_plain)
        t_rec = bench(lambda: vjp_flat(f, [x])) / t_plain
        print(f"n=m={n}: plain f {fmt(t_plain)}; forward/plain {np.round(tf, 2)}, "
              f"record+sweep/plain {np.round(tr, 2)} at k={ks}; record/plain {t_rec:.2f}")
        return np.array(tf), np.array(tr), t_rec

    tf, tr, t_rec = measure(20, (1,))
    for _ in range(2):          # best of three: the constants are minima
        tf2, tr2, t_rec2 = measure(20, (1,))
        tf, tr, t_rec = np.minimum(tf, tf2), np.minimum(tr, tr2), min(t_rec, t_rec2)
    fit = {"FWD_PASS": tf[0], "REV_RECORD": t_rec, "REV_PASS": tr[0] - t_rec}
    ks = (50, 200, 400)
    tf, tr, _ = measure(400, ks)
    fit["FWD_DIR"] = np.polyfit(ks, tf, 1)[0]
    fit["REV_DIR"] = np.polyfit(ks, tr, 1)[0]
    print("\nmeasured, in units of one plain evaluation of f:")
    for k, v in fit.items():
        print(f"  {k:11s} {v:.3g}")
    print("\ncurrently in dualad.jacobians.COST:", J.COST)


def versions():
    out = [f"numpy {np.__version__}", f"dualad {ad.__version__}"]
    from importlib import metadata
    for mod, name in ((torch, "torch"), (autograd, "autograd"), (jax, "jax")):
        if mod is None:
            out.append(f"{name} not installed")
            continue
        try:
            v = metadata.version(name)
        except Exception:  # noqa: BLE001
            v = getattr(mod, "__version__", "?")
        out.append(f"{name} {v}")
    return ", ".join(out)


def table(title, rows_by_case, case_name):
    labels = []
    for rows in rows_by_case.values():
        for k in rows:
            if k not in labels:
                labels.append(k)
    cases = list(rows_by_case)
    print(f"\n### {title}\n")
    print(f"| {case_name} | " + " | ".join(str(c) for c in cases) + " |")
    print("|---|" + "---|" * len(cases))
    for lab in labels:
        cells = []
        for c in cases:
            v = rows_by_case[c].get(lab)
            cells.append(v if isinstance(v, str) else fmt(v))
        print(f"| {lab} | " + " | ".join(cells) + " |")


def main():
    global QUICK
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--calibrate", action="store_true", help="fit the auto-mode cost constants")
    p.add_argument("--only", choices=("jacobian", "hessian", "hvp"), default=None)
    p.add_argument("--cpu-time", action="store_true",
                   help="time with process CPU time instead of wall time (steadier on a "
                        "machine shared with other jobs)")
    p.add_argument("--malloc-tuned", action="store_true",
                   help="re-run with glibc's heap trimming and mmap thresholds raised "
                        "(MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_), for every library")
    a = p.parse_args()
    if a.malloc_tuned and "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        env = dict(os.environ, MALLOC_TRIM_THRESHOLD_=str(2 ** 30),
                   MALLOC_MMAP_THRESHOLD_=str(2 ** 30))
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    global CLOCK
    if a.cpu_time:
        CLOCK = time.process_time
    QUICK = a.quick
    if a.calibrate:
        calibrate()
        return
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, one thread each; {versions()}; "
          f"clock: {'process CPU time' if a.cpu_time else 'wall'}; malloc: "
          f"{'tuned' if 'MALLOC_TRIM_THRESHOLD_' in os.environ else 'glibc defaults'}")
    if a.only in (None, "jacobian"):
        table("Jacobian of tanh(W @ x) + 0.1 * x[idx]",
              {f"n={n}, m={m}": jacobian_rows(n, m)
               for n, m in ((10, 1000), (1000, 10), (300, 300))}, "(n, m)")
    if a.only in (None, "hessian"):
        table("Hessian of the extended Rosenbrock function",
              {f"n={n}": hessian_rows(n) for n in (10, 100, 1000)}, "n")
    if a.only in (None, "hvp"):
        table("Hessian-vector product, extended Rosenbrock", {"n=10^5": hvp_rows(10 ** 5)}, "n")


if __name__ == "__main__":
    main()
