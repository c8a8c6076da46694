"""Every rule against central finite differences, forward and reverse, on
Hypothesis-drawn shapes and values (see tests/specs/)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings

from dualad.testing import check_grads

from .specs import all_specs

SPECS = all_specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_rule_matches_finite_differences(spec):
    kw = {} if spec.max_examples is None else {"max_examples": spec.max_examples}

    @settings(**kw)
    @given(spec.args)
    def check(args):
        check_grads(spec.fun, tuple(args), order=spec.order, modes=spec.modes,
                    atol=spec.atol, rtol=spec.rtol)

    check()
