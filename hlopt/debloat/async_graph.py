"""The project's call graph, built from every module's function summaries, and the shortest
chain from each synchronous function to a blocking call.

Calls are resolved the way Python would find the function: a nested ``def``, a module-level
function or class (its ``__init__``), ``self.m()`` / ``cls.m()`` through the class and its
bases, ``Class.m()`` and ``Class().m()``, and names imported from other analysed modules,
following re-exports (``from .store import Store`` in a package ``__init__``). A call the
tree cannot resolve (a method of an object of unknown type) is not followed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from hlopt.debloat.async_scan import Facts, Func, Ref, Site

#: (module name, qualname) of a function
Key = tuple[str, str]
#: how far re-exports and base classes are followed
_MAX_HOPS = 8


class CallGraph:
    """Resolves call references to project functions and finds blocking chains."""

    def __init__(self, modules: Iterable[tuple[str, Facts]]) -> None:
        self.facts: dict[str, Facts] = {}
        self.funcs: dict[Key, Func] = {}
        for name, facts in modules:
            self.facts.setdefault(name, facts)
        for name, facts in self.facts.items():
            for f in facts.funcs:
                self.funcs[name, f.qual] = f
        #: sync function -> (site of the next call, next function or None at the blocking call)
        self.best: dict[Key, tuple[Site, Key | None]] = {}

    # -- resolution ---------------------------------------------------------------------

    def resolve(self, module: str, func: Func, ref: Ref) -> Key | None:
        kind = ref[0]
        if kind == "q":
            return (module, ref[1]) if (module, ref[1]) in self.funcs else None
        if kind == "d":
            return self.dotted(ref[1], 0)
        facts = self.facts[module]
        if kind == "s":
            return self.method(module, func.cls or "", ref[1], 0) if func.cls else None
        if kind == "a":
            base, attr = ref[1], ref[2]
            if base in facts.classes:
                return self.method(module, facts.classes[base][0], attr, 0)
            if base in facts.imports:
                return self.dotted(f"{facts.imports[base]}.{attr}", 0)
            return None
        return self.name(module, ref[1], 0)

    def name(self, module: str, name: str, hops: int) -> Key | None:
        """A module-level name of ``module``: a function, a class's ``__init__``, an import."""
        facts = self.facts.get(module)
        if facts is None or hops > _MAX_HOPS:
            return None
        if (module, name) in self.funcs:
            return module, name
        if name in facts.classes:
            return self.method(module, facts.classes[name][0], "__init__", hops)
        if name in facts.imports:
            return self.dotted(facts.imports[name], hops + 1)
        return None

    def dotted(self, dotted: str, hops: int) -> Key | None:
        """``pkg.mod.func``, ``pkg.mod.Class``, ``pkg.mod.Class.method``: the longest module
        prefix that is analysed, then the rest inside it."""
        parts = dotted.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if module not in self.facts:
                continue
            rest = parts[i:]
            if len(rest) == 1:
                return self.name(module, rest[0], hops)
            cls = self.class_of(module, rest[0], hops)
            if cls is not None and len(rest) == 2:
                return self.method(cls[0], cls[1], rest[1], hops)
            return None
        return None

    def class_of(self, module: str, name: str, hops: int) -> Key | None:
        """(module, class qualname) a module-level name refers to, through imports."""
        facts = self.facts.get(module)
        if facts is None or hops > _MAX_HOPS:
            return None
        if name in facts.classes:
            return module, facts.classes[name][0]
        target = facts.imports.get(name)
        if target is None:
            return None
        parent, _, last = target.rpartition(".")
        return self.class_of(parent, last, hops + 1) if parent else None

    def method(self, module: str, cls: str, attr: str, hops: int) -> Key | None:
        """``cls.attr`` in ``module``, else in the bases the tree defines (in order)."""
        if (module, f"{cls}.{attr}") in self.funcs:
            return module, f"{cls}.{attr}"
        facts = self.facts.get(module)
        if facts is None or hops > _MAX_HOPS or "." in cls or cls not in facts.classes:
            return None
        for base in facts.classes[cls][1]:
            root, _, rest = base.partition(".")
            if not rest:
                owner = self.class_of(module, root, hops + 1)
            elif root in facts.imports:
                parent, _, last = f"{facts.imports[root]}.{rest}".rpartition(".")
                owner = self.class_of(parent, last, hops + 1)
            else:
                owner = None
            if owner is not None:
                found = self.method(owner[0], owner[1], attr, hops + 1)
                if found is not None:
                    return found
        return None

    # -- blocking chains ------------------------------------------------------------------

    def solve(self) -> None:
        """Breadth-first from every blocking sync function backwards along call edges."""
        callers: dict[Key, list[tuple[Key, Site]]] = {}
        queue: deque[Key] = deque()
        for key, f in self.funcs.items():
            if f.is_async:
                continue
            if f.blocking:
                self.best[key] = (f.blocking[0], None)
                queue.append(key)
            for site, ref in f.calls:
                target = self.resolve(key[0], f, ref)
                if target is not None and target != key and not self.funcs[target].is_async:
                    callers.setdefault(target, []).append((key, site))
        while queue:
            callee = queue.popleft()
            for caller, site in callers.get(callee, ()):
                if caller not in self.best:
                    self.best[caller] = (site, callee)
                    queue.append(caller)

    def chain(self, start: Key) -> list[str]:
        """``["load()", "Store.fetch()", "requests.get()"]`` from ``start`` down."""
        out: list[str] = []
        key: Key | None = start
        seen: set[Key] = set()
        while key is not None and key not in seen:
            seen.add(key)
            out.append(f"{self.funcs[key].qual}()")
            site, key = self.best[key]
            if key is None:
                out.append(f"{site.what}()")
        return out

    def blocking_calls(self, module: str, func: Func) -> Iterable[tuple[Site, Key]]:
        """Calls in ``func`` to a sync project function that blocks (after ``solve``)."""
        for site, ref in func.calls:
            target = self.resolve(module, func, ref)
            if target is not None and target in self.best:
                yield site, target
