"""Derivative specifications: one entry per primitive (or per use of one).

Each family module in this package (``ufuncs.py``, ``reductions.py``, ...)
defines ``SPECS``, a list of :class:`Spec`.  ``tests/test_rules.py`` checks
every spec against central finite differences, in forward and reverse mode,
up to its ``order``, on Hypothesis-drawn arguments; ``tests/test_coverage.py``
fails if a library primitive is covered by no spec.
"""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import Any, Callable


@dataclasses.dataclass
class Spec:
    """``fun(*args)`` checked with ``args`` drawn from the strategy ``args``.

    ``covers`` names the registry primitives (``Primitive.name``) the check
    exercises.  ``order`` is 2 for smooth functions, 1 for piecewise ones.
    """
    name: str
    fun: Callable
    args: Any                      # hypothesis strategy of a tuple of arguments
    covers: tuple = ()
    order: int = 2
    modes: tuple = ("forward", "reverse")
    atol: float | None = None
    rtol: float | None = None
    max_examples: int | None = None

    def __post_init__(self):
        if not self.covers:
            self.covers = (self.name,)


def all_specs():
    out = []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        out.extend(getattr(mod, "SPECS", []))
    return out
