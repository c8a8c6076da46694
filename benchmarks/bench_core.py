"""The core issue's four speed benchmarks, dualad side by side with HIPS autograd,
PyTorch (CPU, eager) and JAX (CPU, eager; its jit as a reference), one thread each.

    python benchmarks/bench_core.py            # full run (about a minute)
    python benchmarks/bench_core.py --quick    # fewer repeats

autograd, torch and jax are optional: a missing peer is skipped, never an error.
JAX rows call ``jax.grad`` & co. without ``jax.jit`` (JAX's eager mode, each
operation dispatched on its own), which is what dualad, autograd and torch's eager
modes compare with; "under jax.jit" rows (compiled once, before timing) are a
reference for what whole-program compilation gives.
Timings are the best of several repeats (the least disturbed run).

1. chain:  grad of a scalar function of 300 elementary operations
           (x = x + 0.05*sin(x)*cos(x), 60 times), in microseconds per operation;
           plain NumPy on floats (no derivative) for scale.
2. wide:   grad of sum(sin(x)*exp(-x**2) + log1p(x**2) + tanh(x)) at n = 10^6,
           as a multiple of one plain NumPy evaluation of f; a hand-written NumPy
           gradient for comparison.
3. mlp:    value_and_grad of a 2-layer MLP loss (X 512x64, W1 64x256, W2 256x10,
           tanh, log-softmax cross-entropy) with respect to (W1, W2), in ms;
           hand-written NumPy backprop, torch.func and torch.autograd for comparison.
4. long:   the gradient through 10^5 sequential scalar operations, in seconds.
           (JAX has no row here: at about a millisecond per operation without
           jit, as the chain shows, it would take minutes.)
"""
from __future__ import annotations

import os

# one thread each, set before NumPy / torch are imported
for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false"
                           " intra_op_parallelism_threads=1").strip()

import argparse  # noqa: E402
import functools  # noqa: E402
import gc  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import dualad as ad  # noqa: E402
import dualad.numpy as dnp  # noqa: E402
import dualad.scipy.special as dsp  # noqa: E402

from _timing import paired_ratio  # noqa: E402

try:
    import autograd  # noqa: E402
    import autograd.numpy as anp  # noqa: E402
    import autograd.scipy.special as asp  # noqa: E402
except ImportError:  # pragma: no cover - optional peer
    autograd = anp = asp = None

try:
    import torch  # noqa: E402
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    try:
        import torch.func as tfunc  # noqa: E402
    except ImportError:
        tfunc = None
except ImportError:  # pragma: no cover - optional peer
    torch = tfunc = None

try:
    import jax  # noqa: E402
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp  # noqa: E402
    import jax.nn as jnn  # noqa: E402
except ImportError:  # pragma: no cover - optional peer
    jax = jnp = jnn = None


def jax_eager(fn):
    """``fn`` as a JAX user runs it without ``jax.jit``: operation by operation,
    each dispatched to its cached compiled kernel (JAX's eager mode).  (Under
    ``jax.disable_jit()`` it would be far slower still: that also unrolls the
    functions jax.numpy jits internally.)"""
    def run():
        return jax.block_until_ready(fn())
    return run


def jax_jit(fn, *args):
    """``fn(*args)`` with ``fn`` compiled by ``jax.jit`` (the arguments are
    passed at every call, not baked in as constants; compiled here, before
    any timing)."""
    jf = jax.jit(fn)

    def run():
        return jax.block_until_ready(jf(*args))
    run()
    return run


CLOCK = time.perf_counter      # --cpu-time: time.process_time


def timed(fn, number):
    """Seconds per call of ``number`` calls of ``fn``, garbage collection off."""
    gc.collect()
    gc.disable()
    try:
        t0 = CLOCK()
        for _ in range(number):
            fn()
        return (CLOCK() - t0) / number
    finally:
        gc.enable()


def best(fn, repeat, number=1, warmup=True):
    """Best time of ``repeat`` runs of ``number`` calls, per call (seconds)."""
    if warmup:
        fn()
    return min(timed(fn, number) for _ in range(repeat))


def check(name, got, ref, rtol=1e-6):
    got = np.asarray(got, dtype=float)
    if not np.allclose(got, ref, rtol=rtol, atol=1e-9):
        raise AssertionError(f"{name}: gradient disagrees with the reference "
                             f"(max err {np.max(np.abs(got - ref)):.3e})")


# ---------------------------------------------------------------------------
# 1. scalar chain of 300 operations
# ---------------------------------------------------------------------------
CHAIN_STEPS = 60
CHAIN_OPS = 5 * CHAIN_STEPS      # sin, cos, 0.05*, *, +


def chain_generic(sin, cos):
    def f(x):
        for _ in range(CHAIN_STEPS):
            x = x + 0.05 * sin(x) * cos(x)
        return x
    return f


def bench_chain(repeat):
    x0 = 0.3
    ref_f = chain_generic(math.sin, math.cos)
    d = 1.0
    x = x0
    for _ in range(CHAIN_STEPS):
        d *= 1.0 + 0.05 * math.cos(2 * x)
        x = x + 0.05 * math.sin(x) * math.cos(x)
    fns = {}
    g = ad.grad(chain_generic(dnp.sin, dnp.cos))
    check("dualad chain", g(x0), d)
    fns["dualad `grad`"] = lambda: g(x0)
    if autograd is not None:
        ga = autograd.grad(chain_generic(anp.sin, anp.cos))
        check("autograd chain", ga(x0), d)
        fns["autograd `grad`"] = lambda: ga(x0)
    if torch is not None:
        ft = chain_generic(torch.sin, torch.cos)

        def tgrad():
            xt = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
            ft(xt).backward()
            return xt.grad
        check("torch chain", tgrad().item(), d)
        fns["torch.autograd eager"] = tgrad
    if jax is not None:
        gj = jax.grad(chain_generic(jnp.sin, jnp.cos))
        xj = jnp.float64(x0)
        check("jax chain", float(jax_eager(lambda: gj(xj))()), d)
        fns["jax.grad (no jit)"] = jax_eager(lambda: gj(xj))
        fns["jax.grad under jax.jit (reference)"] = jax_jit(gj, xj)
    npf = chain_generic(np.sin, np.cos)
    fns["NumPy on floats, no derivative"] = lambda: npf(np.float64(x0))
    fns["math on Python floats, no derivative"] = lambda: ref_f(x0)
    rows = list(interleaved(fns, repeat, 20).items())
    return [(n, t / CHAIN_OPS * 1e6) for n, t in rows]


# ---------------------------------------------------------------------------
# 2. wide elementwise function, n = 10^6
# ---------------------------------------------------------------------------
def wide_generic(m):
    def f(x):
        return m.sum(m.sin(x) * m.exp(-x ** 2) + m.log1p(x ** 2) + m.tanh(x))
    return f


def wide_grad_numpy(x):
    """Hand-written gradient (the forward values recomputed as needed)."""
    s, c = np.sin(x), np.cos(x)
    e = np.exp(-x * x)
    t = np.tanh(x)
    return c * e - 2.0 * x * s * e + 2.0 * x / (1.0 + x * x) + (1.0 - t * t)


def bench_wide(repeat, n=10 ** 6):
    x = np.random.default_rng(0).uniform(-2.0, 2.0, n)
    f_np = wide_generic(np)
    ref = wide_grad_numpy(x)
    fns = {"NumPy: f alone (the unit)": lambda: f_np(x)}
    g = ad.grad(wide_generic(dnp))
    check("dualad wide", g(x), ref)
    fns["dualad `grad`"] = lambda: g(x)
    fns["hand-written NumPy gradient"] = lambda: wide_grad_numpy(x)
    if autograd is not None:
        ga = autograd.grad(wide_generic(anp))
        check("autograd wide", ga(x), ref)
        fns["autograd `grad`"] = lambda: ga(x)
    if torch is not None:
        xt0 = torch.from_numpy(x)
        ft = wide_generic(torch)

        def tgrad():
            xt = xt0.detach().requires_grad_(True)
            ft(xt).backward()
            return xt.grad
        check("torch wide", tgrad().numpy(), ref)
        fns["torch.autograd eager"] = tgrad
        if tfunc is not None:
            tg = tfunc.grad(ft)
            fns["torch.func.grad"] = lambda: tg(xt0)
    if jax is not None:
        gj = jax.grad(wide_generic(jnp))
        xj = jnp.asarray(x)
        check("jax wide", np.asarray(jax_eager(lambda: gj(xj))()), ref)
        fns["jax.grad (no jit)"] = jax_eager(lambda: gj(xj))
        fns["jax.grad under jax.jit (reference)"] = jax_jit(gj, xj)
    times = interleaved(fns, repeat, 1)
    t_f = times["NumPy: f alone (the unit)"]
    return [(name, t * 1e3, t / t_f) for name, t in times.items()]


# ---------------------------------------------------------------------------
# 3. two-layer MLP
# ---------------------------------------------------------------------------
def mlp_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((512, 64))
    W1 = rng.standard_normal((64, 256)) / 8.0
    W2 = rng.standard_normal((256, 10)) / 16.0
    labels = rng.integers(0, 10, 512)
    Y = np.eye(10)[labels]
    return X, W1, W2, Y


def mlp_loss_generic(m, log_softmax):
    """The loss, written once for every library: ``log_softmax(z)`` is the
    library's own log-softmax (each library uses its idiomatic primitive)."""
    def loss(W1, W2, X, Y):
        h = m.tanh(X @ W1)
        z = h @ W2
        return -m.sum(log_softmax(z) * Y) / X.shape[0]
    return loss


def _lse(m):
    """log-softmax over axis 1 spelled out with max / exp / sum / log."""
    def log_softmax(z):
        zmax = m.max(z, axis=1, keepdims=True)
        return z - (zmax + m.log(m.sum(m.exp(z - zmax), axis=1, keepdims=True)))
    return log_softmax


def mlp_numpy_value_and_grad(W1, W2, X, Y):
    a = X @ W1
    h = np.tanh(a)
    z = h @ W2
    zmax = np.max(z, axis=1, keepdims=True)
    ez = np.exp(z - zmax)
    s = np.sum(ez, axis=1, keepdims=True)
    logp = z - zmax - np.log(s)
    n = X.shape[0]
    value = -np.sum(logp * Y) / n
    dz = (ez / s * Y.sum(axis=1, keepdims=True) - Y) / n
    dW2 = h.T @ dz
    dh = dz @ W2.T
    dW1 = X.T @ (dh * (1.0 - h * h))
    return value, (dW1, dW2)


def interleaved(fns, repeat, number):
    """Best time per call of each of ``fns`` ({name: fn}); the repeats
    interleave the entries, so a change of machine load shows in all alike.
    Each timed block follows one untimed call of the same function, so no
    entry pays for re-growing the heap after another library shrank it."""
    best_ = dict.fromkeys(fns, float("inf"))
    for _ in range(repeat):
        for name, fn in fns.items():
            fn()
            best_[name] = min(best_[name], timed(fn, number))
    return best_


def bench_mlp(repeat):
    X, W1, W2, Y = mlp_data()
    v_ref, (g1_ref, g2_ref) = mlp_numpy_value_and_grad(W1, W2, X, Y)
    fns = {}
    variants = (("dualad `value_and_grad`",
                 lambda z: dsp.log_softmax(z, axis=1)),
                ("dualad `value_and_grad`, log-softmax spelled out", _lse(dnp)))
    for name, lsm in variants:
        vg = ad.value_and_grad(mlp_loss_generic(dnp, lsm), argnums=(0, 1))
        v, (g1, g2) = vg(W1, W2, X, Y)
        check(name + " value", v, v_ref)
        check(name + " W1", g1, g1_ref)
        check(name + " W2", g2, g2_ref)
        fns[name] = functools.partial(vg, W1, W2, X, Y)
    fns["hand-written NumPy backprop"] = lambda: mlp_numpy_value_and_grad(W1, W2, X, Y)
    if autograd is not None:
        def alsm(z):
            return z - asp.logsumexp(z, axis=1, keepdims=True)
        vga = autograd.value_and_grad(
            lambda W: mlp_loss_generic(anp, alsm)(W[0], W[1], X, Y))
        va, (a1, a2) = vga((W1, W2))
        check("autograd mlp W1", a1, g1_ref)
        fns["autograd `value_and_grad` (its logsumexp)"] = lambda: vga((W1, W2))
    if torch is not None:
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        W1t, W2t = torch.from_numpy(W1), torch.from_numpy(W2)
        tloss = mlp_loss_generic(torch, lambda z: torch.log_softmax(z, dim=1))
        if tfunc is not None:
            tvg = tfunc.grad_and_value(lambda a, b: tloss(a, b, Xt, Yt), argnums=(0, 1))
            (t1, t2), tv = tvg(W1t, W2t)
            check("torch.func mlp W1", t1.numpy(), g1_ref)
            fns["torch.func.grad_and_value"] = lambda: tvg(W1t, W2t)

        def tautograd():
            a = W1t.detach().requires_grad_(True)
            b = W2t.detach().requires_grad_(True)
            val = tloss(a, b, Xt, Yt)
            val.backward()
            return val, a.grad, b.grad
        check("torch.autograd mlp W1", tautograd()[1].numpy(), g1_ref)
        fns["torch.autograd eager"] = tautograd
    if jax is not None:
        Xj, Yj, W1j, W2j = (jnp.asarray(a) for a in (X, Y, W1, W2))
        jloss = mlp_loss_generic(jnp, lambda z: jnn.log_softmax(z, axis=1))
        jvg = jax.value_and_grad(jloss, argnums=(0, 1))
        jv, (j1, j2) = jax_eager(lambda: jvg(W1j, W2j, Xj, Yj))()
        check("jax mlp W1", np.asarray(j1), g1_ref)
        fns["jax.value_and_grad (no jit)"] = jax_eager(lambda: jvg(W1j, W2j, Xj, Yj))
        fns["jax.value_and_grad under jax.jit (reference)"] = jax_jit(jvg, W1j, W2j, Xj, Yj)
    times = interleaved(fns, repeat, 5)
    t_np = times["hand-written NumPy backprop"]
    rows = [(n, t * 1e3, t / t_np) for n, t in times.items()]
    # the table's best times move with the machine's speed; ratios from
    # back-to-back pairs move least
    dualad_vg = fns["dualad `value_and_grad`"]
    rounds = 30 if repeat < 20 else 150
    paired = [("hand-written NumPy backprop",
               paired_ratio(dualad_vg, fns["hand-written NumPy backprop"], rounds, 5, CLOCK))]
    if "torch.func.grad_and_value" in fns:
        paired.append(("torch.func.grad_and_value",
                       paired_ratio(dualad_vg, fns["torch.func.grad_and_value"], rounds, 5,
                                    CLOCK)))
    return rows, paired, rounds


# ---------------------------------------------------------------------------
# 4. 10^5 sequential scalar operations
# ---------------------------------------------------------------------------
LONG_STEPS = 20_000              # 5 operations each: 10^5 operations


def bench_long(repeat):
    x0 = 0.3
    f = chain_generic(dnp.sin, dnp.cos)

    def long_generic(sin, cos):
        def h(x):
            for _ in range(LONG_STEPS):
                x = x + 0.05 * sin(x) * cos(x)
            return x
        return h
    d, x = 1.0, x0
    for _ in range(LONG_STEPS):
        d *= 1.0 + 0.05 * math.cos(2 * x)
        x = x + 0.05 * math.sin(x) * math.cos(x)
    del f
    rows = []
    g = ad.grad(long_generic(dnp.sin, dnp.cos))
    check("dualad long", g(x0), d)
    rows.append(("dualad `grad`", best(lambda: g(x0), repeat)))
    jf = long_generic(dnp.sin, dnp.cos)
    rows.append(("dualad `jvp` (forward mode)",
                 best(lambda: ad.jvp(jf, (x0,), (1.0,)), repeat)))
    if autograd is not None:
        ga = autograd.grad(long_generic(anp.sin, anp.cos))
        try:
            check("autograd long", ga(x0), d)
            rows.append(("autograd `grad`", best(lambda: ga(x0), 1, warmup=False)))
        except RecursionError:
            rows.append(("autograd `grad`", float("nan")))
    if torch is not None:
        ft = long_generic(torch.sin, torch.cos)

        def tgrad():
            xt = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
            ft(xt).backward()
            return xt.grad
        check("torch long", tgrad().item(), d)
        rows.append(("torch.autograd eager", best(tgrad, repeat, warmup=False)))
    return rows


# ---------------------------------------------------------------------------
def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    ap.add_argument("--only", choices=("chain", "wide", "mlp", "long"), default=None,
                    help="run one of the four benchmarks")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with process CPU time (ignores time stolen by other "
                         "jobs on a shared machine) instead of wall-clock time")
    args = ap.parse_args(argv)
    global CLOCK
    if args.cpu_time:
        CLOCK = time.process_time
    run = (lambda name: args.only in (None, name))
    rep = 3 if args.quick else 7
    peers = [f"numpy {np.__version__}", f"dualad {ad.__version__}"]
    peers.append(f"autograd {getattr(autograd, '__version__', '1.9.x')}" if autograd
                 else "autograd: not installed (skipped)")
    peers.append(f"torch {torch.__version__}" if torch else "torch: not installed (skipped)")
    peers.append(f"jax {jax.__version__}" if jax else "jax: not installed (skipped)")
    print(f"# dualad core benchmarks\n\nPython {sys.version.split()[0]}; "
          f"{', '.join(peers)}; one thread each; clock: "
          f"{'process CPU time' if args.cpu_time else 'wall'}.\n")

    if run("chain"):
        print_chain(rep)
    if run("wide"):
        print_wide(rep)
    if run("mlp"):
        print_mlp(rep)
    if run("long"):
        print_long(rep)
    print()


def print_chain(rep):
    chain = bench_chain(4 * rep)
    ref = dict(chain)
    base = ref["dualad `grad`"]
    print(f"## 1. `grad` of a {CHAIN_OPS}-operation scalar chain "
          f"(target: dualad <= 3 us/op and faster than autograd and torch)\n")
    print(table(["", "us / operation", "vs dualad"],
                [(n, f"{t:.2f}", f"{t / base:.2f}x") for n, t in chain]))


def print_wide(rep):
    print("\n## 2. `grad` of sum(sin(x)exp(-x^2) + log1p(x^2) + tanh(x)), n = 10^6 "
          "(target: <= 2x plain NumPy f)\n")
    print(table(["", "ms", "x NumPy f"],
                [(n, f"{t:.1f}", f"{r:.2f}") for n, t, r in bench_wide(rep)]))


def print_mlp(rep):
    print("\n## 3. `value_and_grad` of a 2-layer MLP loss w.r.t. (W1, W2) "
          "(target: no slower than torch.func and hand-written NumPy)\n")
    rows, paired, rounds = bench_mlp(4 * rep)
    print(table(["", "ms", "x NumPy backprop"],
                [(n, f"{t:.2f}", f"{r:.2f}") for n, t, r in rows]))
    print(f"\ndualad `value_and_grad` against, over {rounds} back-to-back pairs "
          f"of 5 calls (order alternating):\n")
    print(table(["", "median of the pair ratios", "ratio of the best times"],
                [(n, f"{m:.3f}", f"{b:.3f}") for n, (b, m) in paired]))


def print_long(rep):
    print("\n## 4. gradient through 10^5 sequential scalar operations "
          "(target: completes, faster than torch.autograd)\n")
    long = bench_long(max(2, rep // 3))
    base = long[0][1]
    print(table(["", "s", "vs dualad grad"],
                [(n, f"{t:.3f}", f"{t / base:.2f}x") for n, t in long]))


if __name__ == "__main__":
    main()
