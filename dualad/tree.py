"""Nested containers of arrays ("pytrees"): tuples, lists, dicts, namedtuples.

Anything else is a leaf.  Dict entries are ordered by sorted key, so two dicts
with the same keys flatten alike whatever their insertion order.  Dict
subclasses are dicts too: a ``collections.OrderedDict`` keeps its insertion
order (two OrderedDicts match only with their keys in the same order), and a
rebuilt container has the class of the one flattened (a ``defaultdict`` its
``default_factory`` too; a subclass that cannot be built from its ``(key,
value)`` pairs comes back as a plain dict).  Flattening and rebuilding use no
recursion, so containers nested thousands of levels deep work.

>>> from dualad.tree import flatten
>>> leaves, tree = flatten({"b": 1.0, "a": (2.0, [3.0])})
>>> leaves
[2.0, 3.0, 1.0]
>>> tree.unflatten([20.0, 30.0, 10.0])
{'a': (20.0, [30.0]), 'b': 10.0}
>>> import collections
>>> flatten(collections.OrderedDict(b=1.0, a=2.0))
([1.0, 2.0], OrderedDict({'b': *, 'a': *}))
"""
from __future__ import annotations

import collections as _collections

__all__ = ["TreeDef", "flatten", "unflatten", "tree_map"]


#: containers nested deeper than this are handled by loops, not recursion
_DEEP = 100


class _Deep(Exception):
    """Raised by the recursive fast paths on a tree deeper than ``_DEEP``."""


class TreeDef:
    """The shape of a container, without its leaves."""

    __slots__ = ("kind", "meta", "children", "cls", "num_leaves", "height")

    def __init__(self, kind, meta, children, cls=None):
        self.kind = kind          # 'leaf', 'tuple', 'list', 'dict', 'odict', 'namedtuple', 'none'
        self.meta = meta          # dict keys or namedtuple class
        self.children = children
        self.cls = cls            # a dict subclass: (class, default_factory); not compared
        n, h = (1 if kind == "leaf" else 0), 0
        for c in children:
            n += c.num_leaves
            if c.height > h:
                h = c.height
        self.num_leaves = n
        self.height = h + 1 if children else 0

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, TreeDef):
            return False
        if self.height <= _DEEP:
            return (self.kind == other.kind and self.meta == other.meta
                    and self.children == other.children)
        stack = [(self, other)]
        while stack:          # no recursion: deep trees compare too
            a, b = stack.pop()
            if a is b:
                continue
            if (a.kind != b.kind or a.num_leaves != b.num_leaves
                    or len(a.children) != len(b.children) or a.meta != b.meta):
                return False
            stack.extend(zip(a.children, b.children))
        return True

    def __hash__(self):
        sig, stack = [], [self]
        while stack:
            n = stack.pop()
            sig.append((n.kind, str(n.meta), len(n.children)))
            stack.extend(n.children)
        return hash(tuple(sig))

    def __repr__(self):
        out, stack = [], [self]
        while stack:
            n = stack.pop()
            if type(n) is str:
                out.append(n)
                continue
            k = n.kind
            if k == "leaf":
                out.append("*")
                continue
            if k == "none":
                out.append("None")
                continue
            if k in ("dict", "odict"):
                name = "" if n.cls is None else n.cls[0].__name__
                opening, closing = name + ("({" if name else "{"), ("})" if name else "}")
                labels = [f"{key!r}: " for key in n.meta]
            elif k == "namedtuple":
                opening, closing, labels = n.meta.__name__ + "(", ")", None
            elif k == "list":
                opening, closing, labels = "[", "]", None
            else:
                opening, closing, labels = "(", ",)" if len(n.children) == 1 else ")", None
            seq = []
            for i, c in enumerate(n.children):
                if i:
                    seq.append(", ")
                if labels is not None:
                    seq.append(labels[i])
                seq.append(c)
            seq.append(closing)
            out.append(opening)
            stack.extend(reversed(seq))
        return "".join(out)

    def unflatten(self, leaves):
        it = iter(leaves)
        if self.height <= _DEEP:
            return self._build(it)
        stack = [(self, [])]
        while True:          # no recursion: deep trees rebuild too
            node, kids = stack[-1]
            descended = False
            for c in node.children[len(kids):]:
                if c.children:
                    stack.append((c, []))
                    descended = True
                    break
                kids.append(c._build(it))
            if descended:
                continue
            stack.pop()
            value = node._make(kids)
            if not stack:
                return value
            stack[-1][1].append(value)

    def _build(self, it):
        k = self.kind
        if k == "leaf":
            return next(it)
        if k == "none":
            return None
        kids = []
        for c in self.children:
            kids.append(next(it) if c.kind == "leaf" else c._build(it))
        return self._make(kids)

    def _make(self, kids):
        k = self.kind
        if k == "tuple":
            return tuple(kids)
        if k == "list":
            return kids
        if k == "dict" or k == "odict":
            if self.cls is None:
                return dict(zip(self.meta, kids))
            return _rebuild_dict(self.cls, list(zip(self.meta, kids)))
        return self.meta(*kids)   # namedtuple


#: the tree of a single leaf (one shared instance)
LEAF = TreeDef("leaf", None, ())
_NONE = TreeDef("none", None, ())


def _rebuild_dict(spec, pairs):
    """A dict subclass ``spec = (class, default_factory)`` holding ``pairs``."""
    typ, factory = spec
    try:
        if issubclass(typ, _collections.defaultdict):
            return typ(factory, pairs)
        return typ(pairs)
    except Exception:  # noqa: BLE001 - a subclass with its own constructor
        return dict(pairs)


def _sorted_keys(x):
    try:
        return sorted(x)
    except TypeError as e:
        keys = list(x)
        shown = ", ".join(map(repr, keys[:6])) + (", ..." if len(keys) > 6 else "")
        raise TypeError(
            f"the keys of a dict ({shown}) cannot be sorted ({e}); dualad orders "
            f"a dict's entries by sorted key, so use keys of one comparable type "
            f"(all strings, say), or pass a collections.OrderedDict, which keeps "
            f"its insertion order") from None


def _node(x):
    """``(kind, meta, cls, items)`` of a container, ``None`` for a leaf."""
    t = type(x)
    if t is tuple:
        return "tuple", None, None, x
    if t is list:
        return "list", None, None, x
    if t is dict:
        keys = _sorted_keys(x)
        return "dict", tuple(keys), None, [x[k] for k in keys]
    if x is None:
        return "none", None, None, ()
    if isinstance(x, tuple):
        if hasattr(t, "_fields"):
            return "namedtuple", t, None, x
    elif isinstance(x, dict):
        if isinstance(x, _collections.OrderedDict):
            kind, keys = "odict", list(x)
        else:
            kind, keys = "dict", _sorted_keys(x)
        spec = (t, getattr(x, "default_factory", None))
        return kind, tuple(keys), spec, [dict.__getitem__(x, k) for k in keys]
    return None


def flatten(x):
    """``(leaves, treedef)`` of a nested container."""
    leaves = []
    try:
        tree = _flatten(x, leaves, 0)
    except _Deep:
        leaves = []
        tree = _flatten_deep(x, leaves)
    return leaves, tree


def _flatten(x, leaves, depth):
    """The recursive flatten (one frame per level), up to depth ``_DEEP``."""
    t = type(x)
    if t is tuple:
        kind, meta, cls, items = "tuple", None, None, x
    elif t is list:
        kind, meta, cls, items = "list", None, None, x
    elif t is dict:
        keys = _sorted_keys(x)
        kind, meta, cls, items = "dict", tuple(keys), None, [x[k] for k in keys]
    elif x is None:
        return _NONE
    elif isinstance(x, (tuple, dict)):
        node = _node(x)
        if node is None:
            leaves.append(x)
            return LEAF
        kind, meta, cls, items = node
    else:
        leaves.append(x)
        return LEAF
    if depth >= _DEEP:
        raise _Deep
    depth += 1
    kids = []
    for c in items:
        kids.append(_flatten(c, leaves, depth))
    return TreeDef(kind, meta, tuple(kids), cls)


def _flatten_deep(x, leaves):
    """The same, with an explicit stack of ``[node, children]`` frames."""
    node = _node(x)
    stack = [[node, []]]
    while True:
        (kind, meta, cls, items), kids = top = stack[-1]
        descended = False
        for c in items[len(kids):]:
            n = _node(c)
            if n is None:
                leaves.append(c)
                kids.append(LEAF)
            elif n[0] == "none":
                kids.append(_NONE)
            else:
                stack.append([n, []])
                descended = True
                break
        if descended:
            continue
        stack.pop()
        tree = TreeDef(kind, meta, tuple(kids), cls)
        if not stack:
            return tree
        stack[-1][1].append(tree)


def unflatten(tree, leaves):
    return tree.unflatten(leaves)


def tree_map(f, x):
    leaves, tree = flatten(x)
    return tree.unflatten([f(l) for l in leaves])
