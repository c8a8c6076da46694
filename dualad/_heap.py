"""One allocation at import that keeps glibc from trimming the heap after every gradient.

Reverse mode keeps a function's intermediates alive until the backward sweep,
so one ``grad`` call holds several arrays of the input's size at once, then
frees them together.  With glibc's default settings that pattern is slow:
freed memory above the *trim threshold* (128 KiB at start) is handed back to
the kernel at the end of the call, and the next call page-faults it back in,
one 4 KiB page at a time.  At n = 10^5 this made ``grad`` of a small
function 7x slower than necessary (4.2 ms instead of 0.55 ms).

glibc raises both thresholds by itself the first time a program frees a large
block (up to 32 MiB) obtained with ``mmap``: it takes that as a sign that the
program works with big arrays.  Any NumPy program that creates and drops an
array of a few MiB triggers it.  :func:`warm_up` does exactly that once, at
import: it creates and drops one 30 MiB array.  No allocator setting is
written and nothing else is kept; the only effect is glibc's own documented
adaptation (``M_MMAP_THRESHOLD`` up to 30 MiB, ``M_TRIM_THRESHOLD`` twice
that), which lets the process keep up to 60 MiB of freed memory for reuse.

Set the environment variable ``DUALAD_HEAP_WARMUP=0`` before importing dualad
to skip it.  It is also skipped off glibc (macOS, Windows, musl) and when the
user has already fixed the thresholds with ``MALLOC_*_`` variables, since
glibc then ignores the adaptation anyway.

>>> from dualad import _heap
>>> _heap.warm_up() in (True, False)
True
"""
from __future__ import annotations

import os

import numpy as _np

__all__ = ["warm_up"]

#: doubles in the warm-up block: 30.5 MiB, below glibc's 32 MiB ceiling for
#: the dynamic threshold (a larger block would leave the thresholds alone)
_WARMUP_DOUBLES = 4_000_000

_FIXED_BY_USER = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
                  "MALLOC_MMAP_MAX_")


def _is_glibc():
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (AttributeError, ValueError, OSError):
        return False


def warm_up(environ=os.environ):
    """Create and drop one 30 MiB array if it can help; True if it did."""
    if environ.get("DUALAD_HEAP_WARMUP", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if not _is_glibc() or any(v in environ for v in _FIXED_BY_USER):
        return False
    block = _np.empty(_WARMUP_DOUBLES)
    del block
    return True
