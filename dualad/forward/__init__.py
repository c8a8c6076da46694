"""Forward mode: dual tensors carrying a primal and a (batch of) tangents.

Depends only on the registry (:mod:`dualad.registry`, :mod:`dualad.tracer`),
never on reverse mode.
"""
from .dual import Dual, JVPTrace, jvp_flat

__all__ = ["Dual", "JVPTrace", "jvp_flat"]
