"""Timing helpers shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import time


def paired_ratio(fa, fb, rounds=150, number=5, clock=time.perf_counter):
    """Time ratio of ``fa`` to ``fb`` from ``rounds`` back-to-back pairs of
    ``number`` calls each: (ratio of the best times, median of the per-pair
    ratios).  The pairs alternate which function runs first.  On a machine
    whose speed drifts, the median of the pairs moves least."""
    fa(), fb()
    ta, tb, ratios = float("inf"), float("inf"), []
    for i in range(rounds):
        first, second = (fa, fb) if i % 2 == 0 else (fb, fa)
        t0 = clock()
        for _ in range(number):
            first()
        t1 = clock()
        for _ in range(number):
            second()
        t2 = clock()
        a, b = (t1 - t0, t2 - t1) if i % 2 == 0 else (t2 - t1, t1 - t0)
        ta, tb = min(ta, a), min(tb, b)
        ratios.append(a / b)
    return ta / tb, statistics.median(ratios)
