"""Nested containers of arrays ("pytrees"): tuples, lists, dicts, namedtuples.

Anything else is a leaf.  Dict entries are ordered by sorted key, so two dicts
with the same keys flatten alike whatever their insertion order.

>>> from dualad.tree import flatten
>>> leaves, tree = flatten({"b": 1.0, "a": (2.0, [3.0])})
>>> leaves
[2.0, 3.0, 1.0]
>>> tree.unflatten([20.0, 30.0, 10.0])
{'a': (20.0, [30.0]), 'b': 10.0}
"""
from __future__ import annotations

__all__ = ["TreeDef", "flatten", "unflatten", "tree_map"]


class TreeDef:
    """The shape of a container, without its leaves."""

    __slots__ = ("kind", "meta", "children")

    def __init__(self, kind, meta, children):
        self.kind = kind          # 'leaf', 'tuple', 'list', 'dict', 'namedtuple', 'none'
        self.meta = meta          # dict keys or namedtuple class
        self.children = children

    def __eq__(self, other):
        return (isinstance(other, TreeDef) and self.kind == other.kind
                and self.meta == other.meta and self.children == other.children)

    def __hash__(self):
        return hash((self.kind, str(self.meta), tuple(self.children)))

    def __repr__(self):
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(map(repr, self.children))
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.meta, self.children))
            return "{" + inner + "}"
        return {"tuple": "(%s)", "list": "[%s]"}.get(self.kind, "%s") % inner

    @property
    def num_leaves(self):
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)

    def unflatten(self, leaves):
        it = iter(leaves)
        out = self._build(it)
        return out

    def _build(self, it):
        k = self.kind
        if k == "leaf":
            return next(it)
        if k == "none":
            return None
        kids = [c._build(it) for c in self.children]
        if k == "tuple":
            return tuple(kids)
        if k == "list":
            return kids
        if k == "dict":
            return dict(zip(self.meta, kids))
        return self.meta(*kids)   # namedtuple


#: the tree of a single leaf (one shared instance)
LEAF = TreeDef("leaf", None, ())


def flatten(x):
    """``(leaves, treedef)`` of a nested container."""
    leaves = []
    tree = _flatten(x, leaves)
    return leaves, tree


def _flatten(x, leaves):
    t = type(x)
    if t is tuple:
        return TreeDef("tuple", None, tuple(_flatten(c, leaves) for c in x))
    if t is list:
        return TreeDef("list", None, tuple(_flatten(c, leaves) for c in x))
    if t is dict:
        keys = sorted(x)
        return TreeDef("dict", tuple(keys), tuple(_flatten(x[k], leaves) for k in keys))
    if x is None:
        return TreeDef("none", None, ())
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return TreeDef("namedtuple", t, tuple(_flatten(c, leaves) for c in x))
    leaves.append(x)
    return LEAF


def unflatten(tree, leaves):
    return tree.unflatten(leaves)


def tree_map(f, x):
    leaves, tree = flatten(x)
    return tree.unflatten([f(l) for l in leaves])
