"""Reverse mode: a Wengert tape swept backwards.

Depends only on the registry (:mod:`dualad.registry`, :mod:`dualad.tracer`),
never on forward mode.
"""
from .tape import Tape, Var, vjp_flat

__all__ = ["Tape", "Var", "vjp_flat"]
