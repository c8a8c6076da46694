"""Every library primitive has a finite-difference spec, and docs/coverage.md
is what the generator produces now (so it cannot go stale)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dualad.testing.coverage import rule_status

from .conftest import LIBRARY_PRIMITIVES
from .specs import all_specs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _library():
    return {p.name: p for key, p in LIBRARY_PRIMITIVES.items() if "@" not in key}


def test_every_library_primitive_has_a_spec():
    covered = set()
    for spec in all_specs():
        covered.update(spec.covers)
    missing = sorted(set(_library()) - covered)
    assert not missing, (
        f"{len(missing)} library primitive(s) are covered by no Spec in tests/specs/ "
        f"(add one per primitive, or name it in an existing Spec's covers=): "
        + ", ".join(missing))


def test_specs_cover_only_real_primitives():
    # a typo in covers= would make a primitive look tested when it is not
    import dualad.registry as reg
    names = {p.name for p in reg.REGISTRY.values()}
    unknown = sorted({c for s in all_specs() for c in s.covers} - names)
    assert not unknown, f"Spec covers= names no registered primitive: {unknown}"


def test_every_differentiable_primitive_has_both_modes():
    missing = [(n, s) for n, p in sorted(_library().items())
               for s in [rule_status(p)] if "missing" in s]
    assert not missing, f"primitives lacking a JVP or VJP rule: {missing}"


def test_coverage_doc_is_current():
    path = os.path.join(ROOT, "docs", "coverage.md")
    # a fresh interpreter: primitives defined by tests are not the library's
    fresh = subprocess.run([sys.executable, "-m", "dualad.testing.coverage"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": ROOT + os.pathsep
                                + os.environ.get("PYTHONPATH", "")})
    assert fresh.returncode == 0, fresh.stderr[-2000:]
    if not os.path.exists(path):
        pytest.fail("docs/coverage.md is missing; run "
                    "`python -m dualad.testing.coverage > docs/coverage.md`")
    with open(path, encoding="utf-8") as fh:
        current = fh.read()
    assert current == fresh.stdout, (
        "docs/coverage.md is stale; regenerate it with "
        "`python -m dualad.testing.coverage > docs/coverage.md`")
