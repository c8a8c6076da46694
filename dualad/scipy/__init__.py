"""Differentiable SciPy: ``dualad.scipy.special``, ``linalg``, ``stats``,
``signal`` and ``integrate``."""
