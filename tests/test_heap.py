"""The import-time heap warm-up (dualad/_heap.py): when it runs, and its effect."""
import subprocess
import sys
import textwrap

import pytest

from dualad import _heap

glibc_only = pytest.mark.skipif(not _heap._is_glibc(), reason="the warm-up only acts on glibc")


def test_opt_out_and_user_settings_are_respected():
    assert _heap.warm_up({"DUALAD_HEAP_WARMUP": "0"}) is False
    assert _heap.warm_up({"DUALAD_HEAP_WARMUP": "off"}) is False
    assert _heap.warm_up({"MALLOC_TRIM_THRESHOLD_": "1000000"}) is False


@glibc_only
def test_runs_on_glibc_by_default():
    assert _heap.warm_up({}) is True


_FAULTS = textwrap.dedent("""
    import resource, numpy as np, dualad as ad, dualad.numpy as dnp
    f = lambda x: dnp.sum(100.0 * (x[1::2] - x[::2] ** 2) ** 2 + (1.0 - x[::2]) ** 2)
    g = ad.grad(f)
    x = np.linspace(-1.0, 1.0, 200_000)
    for _ in range(5):
        g(x)
    r0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        g(x)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0) / 20)
""")


def _faults_per_call(warm):
    env = {"DUALAD_HEAP_WARMUP": "1" if warm else "0", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", _FAULTS], env=env, capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip())


@glibc_only
def test_repeated_gradients_stop_page_faulting():
    # without the warm-up every call gives its intermediates back to the kernel
    # and faults them in again (hundreds of pages per call); with it, none
    warm, cold = _faults_per_call(True), _faults_per_call(False)
    assert warm < 50, (warm, cold)
    assert cold > 4 * warm, (warm, cold)
