"""Small derivative helpers shared by the tail tests (test_special_tails.py,
test_stats_edges.py)."""
import numpy as np

import dualad as ad


def both(f, argnum, *args):
    """(reverse, forward) derivative of scalar ``f`` in argument ``argnum``."""
    args = list(args)

    def g(v):
        a = list(args)
        a[argnum] = v
        return f(*a)
    fwd = ad.jvp(g, (args[argnum],), (np.ones_like(np.asarray(args[argnum], float)),))[1]
    return ad.grad(f, argnums=argnum)(*args), fwd
