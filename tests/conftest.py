import os

from hypothesis import HealthCheck, settings

import dualad  # noqa: F401
import dualad.numpy  # noqa: F401

for _mod in ("dualad.numpy.linalg",
             "dualad.numpy.fft",
             "dualad.scipy.special",
             "dualad.scipy.linalg",
             "dualad.scipy.stats",
             "dualad.scipy.signal",
             "dualad.scipy.integrate",
             "dualad.scipy.interpolate",
             "dualad.scipy.sparse",
             "dualad.scipy.fft",
             "dualad.scipy.spatial.distance",
             "dualad.scipy.ndimage",
             "dualad.optimize"):
    try:
        __import__(_mod)
    except ImportError:
        pass

from dualad.registry import REGISTRY  # noqa: E402

#: the library's own primitives, before any test defines its own
LIBRARY_PRIMITIVES = dict(REGISTRY)

settings.register_profile("ci", max_examples=12, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much,
                                                 HealthCheck.data_too_large])
settings.register_profile("dev", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow,
                                                 HealthCheck.filter_too_much,
                                                 HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=list(HealthCheck))
# the default is the bounded, derandomized profile: the README's test command
# gives the same result on every run and machine; HYPOTHESIS_PROFILE=dev (random
# examples) or thorough explore further
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# every array a VJP rule declares it does not read is replaced on the tape by a
# NaN placeholder, however small, so a wrong dualad.registry.vjp_reads
# declaration turns the spec tests' gradients into NaN
import dualad.reverse.tape as _tape  # noqa: E402

_tape.STUB_MIN_SIZE = 0

# likewise a cotangent that is one number broadcast (sum's rule) is folded by
# every constant factor and negation, however small, so the folded path is
# checked by every spec test
import dualad.numpy._ufuncs as _ufuncs  # noqa: E402

_ufuncs.FOLD_MIN_SIZE = 0

# and reductions over a short last axis take their fast routes (exact
# extremes, BLAS sums of cotangents) from the first row, not from 32 or 8, so
# the spec tests check those routes on their small arrays
import dualad.numpy._short_axis as _short_axis  # noqa: E402

_short_axis.EXTREME_MIN_ROWS = 1
_short_axis.SUM_MIN_ROWS = 1
