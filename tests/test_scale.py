"""Scale: long chains without recursion errors, several threads at once,
repeated calls without memory growth."""
from __future__ import annotations

import gc
import sys
import threading
import tracemalloc

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

N_OPS = 100_000


def _chain(x, steps):
    # five primitive calls per step: sin, cos, 0.05*, *, +
    for _ in range(steps):
        x = x + 0.05 * dnp.sin(x) * dnp.cos(x)
    return x


def _chain_reference(x, steps):
    """Value and derivative of the same chain, by hand: the step is
    x -> x + 0.025 sin(2x), with derivative 1 + 0.05 cos(2x)."""
    d = 1.0
    for _ in range(steps):
        d *= 1.0 + 0.05 * np.cos(2 * x)
        x = x + 0.05 * np.sin(x) * np.cos(x)
    return x, d


STEPS = N_OPS // 5    # sin, cos, 0.05*, *, + : five primitive calls per step


def test_long_chain_reverse_no_recursion_error():
    limit = sys.getrecursionlimit()
    value, g = ad.value_and_grad(lambda x: _chain(x, STEPS))(0.3)
    v_ref, d_ref = _chain_reference(0.3, STEPS)
    assert np.isclose(value, v_ref, rtol=1e-12)
    assert np.isclose(g, d_ref, rtol=1e-9, atol=2e-323)  # d_ref ~ 4e-323 (subnormal)
    assert sys.getrecursionlimit() == limit


def test_long_chain_forward_no_recursion_error():
    value, d = ad.jvp(lambda x: _chain(x, STEPS), (0.3,), (1.0,))
    v_ref, d_ref = _chain_reference(0.3, STEPS)
    assert np.isclose(value, v_ref, rtol=1e-12)
    assert np.isclose(d, d_ref, rtol=1e-9, atol=2e-323)  # d_ref ~ 4e-323 (subnormal)


def test_long_chain_of_array_ops():
    # 100,000 elementwise operations on a small vector, reverse mode
    x0 = np.array([0.1, 0.2, -0.3])
    g = ad.grad(lambda x: dnp.sum(_chain(x, STEPS)))(x0)
    ref = np.array([_chain_reference(v, STEPS)[1] for v in x0])
    np.testing.assert_allclose(g, ref, rtol=1e-9)


def test_deep_python_recursion_in_user_code_is_users_own():
    # a long chain built by recursion in user code: only the user's frames
    # count against the recursion limit, the sweep itself is iterative
    def f(x, n):
        return x if n == 0 else f(dnp.sin(x) * 0.5 + x * 0.5, n - 1)
    g = ad.grad(lambda x: f(x, 200))(0.4)
    d = 1.0
    x = 0.4
    for _ in range(200):
        d *= 0.5 * np.cos(x) + 0.5
        x = 0.5 * np.sin(x) + 0.5 * x
    assert np.isclose(g, d)


# ---------------------------------------------------------------------------
# threads
# ---------------------------------------------------------------------------
def _jobs():
    x = np.linspace(-1.0, 1.0, 7)
    return [
        # (function, transform, expected)
        (lambda: ad.grad(lambda v: dnp.sum(dnp.sin(v) ** 2))(x),
         np.sin(2 * x)),
        (lambda: ad.jvp(lambda v: dnp.exp(2 * v), (x,), (np.ones(7),))[1],
         2 * np.exp(2 * x)),
        (lambda: ad.grad(ad.grad(lambda s: s ** 4))(1.5) * np.ones(7),
         12 * 1.5 ** 2 * np.ones(7)),
        (lambda: ad.vjp(lambda v: v ** 3 + v, x)[1](np.ones(7))[0],
         3 * x ** 2 + 1),
        (lambda: ad.grad(lambda v: v * ad.grad(lambda y: v + y)(1.0))(2.0) * np.ones(7),
         np.ones(7)),
    ]


def test_four_threads_differentiate_different_functions():
    jobs = _jobs()
    errors = []
    barrier = threading.Barrier(4)

    def work(k):
        try:
            barrier.wait()
            for rep in range(150):
                fun, expected = jobs[(k + rep) % len(jobs)]
                got = fun()
                if not np.allclose(got, expected, rtol=1e-10):
                    errors.append((k, rep, got, expected))
                    return
        except Exception as e:  # noqa: BLE001
            errors.append((k, repr(e)))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors[:3]


def test_threads_with_long_chains():
    results = {}

    def work(k):
        x0 = 0.1 * (k + 1)
        results[k] = (ad.grad(lambda x: _chain(x, 2000))(x0),
                      _chain_reference(x0, 2000)[1])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(results) == 4
    for got, ref in results.values():
        assert np.isclose(got, ref, rtol=1e-10, atol=0)   # ref ~ 1e-43


# ---------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------
def _measure_growth(call, warmup=30, reps=300):
    for _ in range(warmup):
        call()
    gc.collect()
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(reps):
            call()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return after - before


BOUND = 64 * 1024     # bytes: far below what 300 retained tapes would take

X = np.random.default_rng(0).standard_normal(200)


@pytest.mark.parametrize("name,call", [
    ("grad", lambda: ad.grad(lambda x: dnp.sum(dnp.tanh(x) * x ** 2))(X)),
    ("value_and_grad", lambda: ad.value_and_grad(lambda x: dnp.sum(dnp.exp(-x * x)))(X)),
    ("jvp", lambda: ad.jvp(lambda x: dnp.sin(x) * x, (X,), (X,))),
    ("vjp", lambda: ad.vjp(lambda x: dnp.cos(x) * x, X)[1](X)),
    ("hessian_vector", lambda: ad.jvp(ad.grad(lambda x: dnp.sum(x ** 3)), (X,), (X,))),
])
def test_repeated_calls_do_not_grow_memory(name, call):
    growth = _measure_growth(call)
    assert growth < BOUND, f"{name}: memory grew by {growth} bytes over 300 calls"
