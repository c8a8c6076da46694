"""Specs for tensor products: einsum in its calling forms, tensordot and the
products composed from them and matmul."""
import numpy as np
from hypothesis import strategies as st

import dualad.numpy as dnp
from dualad.testing.strategies import arrays

from . import Spec


def _cases(name, make, cases, covers, max_examples=4):
    """One spec per ``(option, shapes)`` case: ``make(option)`` is the function
    checked on arrays of those shapes (shapes are fixed, so few examples do)."""
    return [Spec(f"{name}[{opt!r}|{','.join(map(str, shp))}]", make(opt),
                 st.tuples(*[arrays(s) for s in shp]), covers=covers,
                 max_examples=max_examples)
            for opt, shp in cases]


def _complex(shape):
    return st.tuples(arrays(shape), arrays(shape)).map(lambda p: p[0] + 1j * p[1])


# (subscripts, operand shapes): explicit/implicit output, ellipsis with stacks and
# broadcasting, diagonals and traces, a size-1 broadcast index, three operands
_EINSUM = (
    ("ij,jk->ik", [(2, 3), (3, 2)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->ji", [(2, 2, 3)]),
    ("ii,ij->j", [(3, 3), (3, 2)]),
    ("ij->", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("...i,...i", [(2, 1, 3), (4, 3)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("i,ij,j->", [(2,), (2, 3), (3,)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
    ("i,j->ij", [(2,), (3,)]),
    (",ij->ij", [(), (2, 2)]),
)

_TENSORDOT = (
    (2, [(2, 3), (2, 3)]),
    (1, [(2, 3), (3, 2)]),
    (0, [(2,), (3,)]),
    (((0,), (1,)), [(3, 2), (2, 3)]),
    (((1, 0), (0, 2)), [(2, 3, 2), (3, 2, 2)]),
    (([-1], [0]), [(2, 2, 3), (3, 2)]),
)

SPECS = [
    *_cases("einsum", lambda s: lambda *ops: dnp.einsum(s, *ops), _EINSUM, ("einsum",)),
    Spec("einsum_optimize", lambda a, b, c: dnp.einsum("ij,jk,k->i", a, b, c, optimize=True),
         st.tuples(arrays((2, 3)), arrays((3, 2)), arrays((2,))), covers=("einsum",)),
    Spec("einsum_sublist", lambda a, b: dnp.einsum(a, [0, 1], b, [Ellipsis, 1, 2], [Ellipsis, 0, 2]),
         st.tuples(arrays((2, 3)), arrays((2, 3, 2))), covers=("einsum",)),
    Spec("einsum_complex", lambda a, b: dnp.einsum("ij,j->i", a, b),
         st.tuples(_complex((2, 3)), arrays((3,))), covers=("einsum",)),
    *_cases("tensordot", lambda ax: lambda a, b: dnp.tensordot(a, b, ax), _TENSORDOT,
            ("tensordot",)),
    Spec("dot_nd", dnp.dot, st.tuples(arrays((2, 2, 3)), arrays((2, 3, 2))),
         covers=("tensordot",)),
    Spec("outer", dnp.outer, st.tuples(arrays((2, 2)), arrays((3,))), covers=("multiply",)),
    *_cases("inner", lambda _: dnp.inner,
            [(0, [(3,), (3,)]), (0, [(2, 3), (4, 3)]), (0, [(2, 2, 3), (2, 3)]), (0, [(), (2,)])],
            ("matmul", "tensordot")),
    Spec("vdot", dnp.vdot, st.tuples(arrays((2, 3)), arrays((3, 2))), covers=("matmul",)),
    Spec("vdot_complex", dnp.vdot, st.tuples(_complex((2, 2)), _complex((4,))),
         covers=("matmul", "conjugate")),
    *_cases("kron", lambda _: dnp.kron,
            [(0, [(2, 2), (2, 3)]), (0, [(3,), (2, 2)]), (0, [(2,), (3,)])], ("multiply",)),
    *_cases("cross", lambda kw: lambda a, b: dnp.cross(a, b, **dict(kw)),
            [((), [(2, 3), (3,)]), ((), [(3,), (3,)]),
             ((("axisa", 0), ("axisb", 1), ("axisc", 0)), [(3, 2), (2, 3)]),
             ((("axis", 0),), [(3, 2), (3, 1)])],
            ("multiply", "subtract")),
    Spec("vecdot", lambda a, b: dnp.vecdot(a, b),
         st.tuples(_complex((2, 3)), arrays((3,))), covers=("matmul", "conjugate")),
    Spec("vecdot_axis", lambda a, b: dnp.vecdot(a, b, axis=0),
         st.tuples(arrays((3, 2)), arrays((3, 1))), covers=("matmul",)),
    Spec("matvec", dnp.matvec, st.tuples(arrays((2, 2, 3)), arrays((3,))), covers=("matmul",)),
    Spec("vecmat", dnp.vecmat, st.tuples(_complex((3,)), arrays((2, 3, 2))),
         covers=("matmul", "conjugate")),
    Spec("matrix_transpose", lambda a: dnp.matrix_transpose(a) * 2.0,
         st.tuples(arrays((2, 2, 3))), covers=("transpose",)),
]
