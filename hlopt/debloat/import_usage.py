"""One module's import facts for HLI: which aliases it never reads, and why removing one
might still matter.

``analyse_module`` runs in a worker on a parsed file (see ``import_scan`` for the two
passes). An alias is unused when its scope never reads its name (string annotations and
``cast("Foo", x)`` count, so do ``__all__`` and ``# type:`` comments). For each unused
alias it notes what the file alone says about removing it (``Site.unsafe``: a dynamic
scope, a ``with`` block, a comment explaining it...); the whole-project ``check`` adds what
other modules say.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from hlopt.debloat.import_scan import (
    FRAME_ATTRS,
    Ctx,
    Expressions,
    Raw,
    Statements,
    is_import_like,
    scope_names,
)
from hlopt.debloat.scan import resolve_relative

_IDENT = re.compile(r"[A-Za-z_]\w*")
_TYPE_COMMENT = re.compile(r"#\s*type:\s*(.*)")
#: comments that are tool pragmas (or hlopt's own test markers), not a reason for the import
_PRAGMA = re.compile(r"#\s*(noqa|NOQA|type:|pragma|isort|pylint|fmt|pyright|mypy|nosec"
                     r"|expect:\s*HL)")

DYNAMIC = "the scope reads names dynamically (globals(), locals(), vars(), eval, exec, " \
          "frame or code introspection, module __getattr__)"


@dataclass(frozen=True, slots=True)
class Site:
    """One import alias: the name it binds and where the statement sits."""

    #: the local name bound (``import a.b`` binds ``a``)
    binding: str
    #: absolute module the statement names ("" when a relative import does not resolve)
    module: str
    #: ``from m import name``: the attribute; None for ``import m``
    name: str | None
    #: the alias as one statement ("import a.b as c", "from .m import x"): with scope and
    #: nth, how the fix finds it again without line numbers
    key: str
    #: qualified name for messages ("os.path", ".m.x")
    written: str
    line: int
    col: int
    end_line: int
    end_col: int
    stmt_line: int
    stmt_end: int
    #: dotted def/class names enclosing the statement ("" at module level)
    scope: str
    #: "module", "class" or "function"
    kind: str
    #: the n-th alias with this (scope, key), and how many there are
    nth: int
    of: int
    #: inside a ``try`` body with handlers: "import" (catches ImportError) or "other"
    try_kind: str
    in_type_checking: bool
    #: ``import x as x``: the PEP 484 re-export form, always kept
    explicit_reexport: bool = False
    #: why the file itself makes removing it unsafe ("" when nothing does)
    unsafe: str = ""

    @property
    def is_public(self) -> bool:
        """Not underscore-private (dunders such as ``__version__`` are public)."""
        b = self.binding
        return not b.startswith("_") or (b.startswith("__") and b.endswith("__"))

    @property
    def target(self) -> str:
        """The full dotted name the alias brings in."""
        if self.name is None:
            return self.module
        return f"{self.module}.{self.name}" if self.module else self.name


@dataclass
class Facts:
    """What ``check`` needs from one module (picklable)."""

    #: aliases whose binding nothing in the module reads
    unused: list[Site] = field(default_factory=list)
    #: (later alias, line of the first, removing it is safe) for a repeated import
    duplicates: list[tuple[Site, int, bool]] = field(default_factory=list)
    has_all: bool = False
    #: ``__all__`` is built by code hlopt cannot read (a call, another module's __all__)
    all_dynamic: bool = False
    #: (module, attribute) this module reaches through its imports or dotted strings
    refs: set[tuple[str, str]] = field(default_factory=set)


class _Module:
    """Both passes over one module, and the questions asked of them."""

    def __init__(self, tree: ast.Module, text: str, module: str, is_package: bool) -> None:
        self.text, self.module, self.is_package = text, module, is_package
        self.st = Statements()
        self.st.body(tree.body, Ctx())
        self.ex = Expressions(module_bindings(self.st.raw, module, is_package))
        self.ex.run(tree)
        self.frames = bool(self.ex.attrs & FRAME_ATTRS)
        self.dynamic = self.ex.dynamic or self.st.module_getattr or self.frames
        self.read = (self.ex.used | self.ex.type_names | self.st.all_names
                     | _type_comment_names(text))
        self.star_from = {resolve_relative(m, lvl, module, is_package)
                          for m, lvl in self.st.star_from}
        self._functions: dict[int, tuple[set[str], bool]] = {}
        self._lines: list[str] | None = None

    def function(self, func: ast.AST) -> tuple[set[str], bool]:
        got = self._functions.get(id(func))
        if got is None:
            got = self._functions[id(func)] = scope_names(func)
        return got

    def is_used(self, site: Site, raw: Raw) -> bool:
        name = site.binding
        if site.explicit_reexport or _is_dunder(name):
            return True  # `import x as x` re-exports; `__doc__`, `__version__` mean something
        if site.stmt_line <= self.st.future_line:
            return True  # imports above a `from __future__` make the file a compile error
        if raw.ctx.kind == "function":
            assert raw.ctx.func is not None
            if name in self.st.globals.get(id(raw.ctx.func), ()):
                return True  # `global x; import x` binds a module-level name
            return name in self.read and (name in self.function(raw.ctx.func)[0]
                                          or name in self.ex.type_names)
        if raw.ctx.kind == "class":
            return name in self.read or name in self.ex.attrs
        return name in self.read or (site.name is not None and site.module in self.star_from)

    def unsafe(self, site: Site, raw: Raw) -> str:
        """Why the file makes removing an unused alias unsafe ("" if nothing does)."""
        ctx = raw.ctx
        if ctx.kind == "function":
            assert ctx.func is not None
            if self.function(ctx.func)[1] or self.frames:
                return DYNAMIC
        elif self.dynamic:
            return DYNAMIC
        if ctx.kind == "class":
            return "the import is a class attribute"
        if ctx.in_with:
            return "inside a `with` block, whose context may expect the import's effect"
        if raw.only_imports and not (ctx.kind == "module" and self.is_package):
            return "its block does nothing but import: kept for the import's side effects"
        if self.commented(site):
            return "a comment explains this import"
        if {site.module, site.target, site.binding} & self.ex.strings:
            return "its module's name is also a string here (a sys.modules lookup?)"
        return ""

    def commented(self, site: Site) -> bool:
        """A comment on the line above the statement or on the alias's own line."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        lines = self._lines
        own = lines[site.line - 1] if site.line <= len(lines) else ""
        if "#" in own and not _PRAGMA.match(own[own.index("#"):]):
            return True
        i = site.stmt_line - 2
        if i < 0 or not lines[i].lstrip().startswith("#") or _PRAGMA.match(lines[i].strip()):
            return False
        while i >= 0 and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
            i -= 1
        return i >= 0  # a comment block reaching the top of the file is its header


def alias_key(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    """The alias written as a statement of its own: how the codemod recognises it."""
    text = alias.name + (f" as {alias.asname}" if alias.asname else "")
    if isinstance(node, ast.Import):
        return f"import {text}"
    return f"from {'.' * node.level}{node.module or ''} import {text}"


def alias_counts(tree: ast.Module) -> Counter[tuple[str, str]]:
    """How many aliases each (scope, key) has: what the fix and ``remaining`` compare."""
    st = Statements()
    st.body(tree.body, Ctx())
    return Counter((r.ctx.scope, alias_key(r.node, r.alias)) for r in st.raw)


def module_bindings(raw: list[Raw], module: str, is_package: bool) -> dict[str, str]:
    """binding -> dotted module for imports that bind a module (or maybe a submodule)."""
    out: dict[str, str] = {}
    for r in raw:
        a = r.alias
        if isinstance(r.node, ast.Import):
            out[a.asname or a.name.split(".", 1)[0]] = a.name if a.asname else a.name.split(".")[0]
        else:
            base = resolve_relative(r.node.module, r.node.level, module, is_package)
            if base:
                out[a.asname or a.name] = f"{base}.{a.name}"
    return out


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _type_comment_names(text: str) -> set[str]:
    if "# type:" not in text and "#type:" not in text:
        return set()
    out: set[str] = set()
    for m in _TYPE_COMMENT.finditer(text):
        if not m.group(1).startswith("ignore"):
            out.update(_IDENT.findall(m.group(1)))
    return out


def analyse_module(tree: ast.Module, text: str, module: str, is_package: bool) -> Facts:
    """Every fact HLI's check needs about one module."""
    mod = _Module(tree, text, module, is_package)
    facts = Facts(has_all=mod.st.has_all, all_dynamic=mod.st.all_dynamic, refs=mod.ex.refs)
    sites = list(_sites(mod.st.raw, module, is_package))
    targets: dict[tuple[str, str, str], set[str]] = {}
    for site, raw in sites:
        targets.setdefault((raw.ctx.scope, raw.ctx.kind, site.binding), set()).add(site.target)
    seen: dict[tuple[object, ...], tuple[Site, Raw]] = {}
    for site, raw in sites:
        if not mod.is_used(site, raw):
            facts.unused.append(replace(site, unsafe=mod.unsafe(site, raw)))
            continue
        if site.explicit_reexport:
            continue
        key = (raw.ctx.scope, raw.ctx.kind, id(raw.block), site.binding, site.target)
        first, first_raw = seen.setdefault(key, (site, raw))
        if first is not site and not site.try_kind:
            # an import looks the module up again: code in between may reload or unload it
            between = raw.block[first_raw.index + 1:raw.index]
            safe = (site.binding not in mod.ex.stored and all(map(is_import_like, between))
                    and len(targets[raw.ctx.scope, raw.ctx.kind, site.binding]) == 1)
            facts.duplicates.append((site, first.line, safe))
    return facts


def _sites(raws: list[Raw], module: str, is_package: bool) -> Iterator[tuple[Site, Raw]]:
    keys = [alias_key(r.node, r.alias) for r in raws]
    totals = Counter(zip((r.ctx.scope for r in raws), keys, strict=True))
    nth: Counter[tuple[str, str]] = Counter()
    for r, key in zip(raws, keys, strict=True):
        node, a = r.node, r.alias
        if isinstance(node, ast.Import):
            binding = a.asname or a.name.split(".", 1)[0]
            mod, name, written = a.name, None, a.name
        else:
            binding = a.asname or a.name
            mod = resolve_relative(node.module, node.level, module, is_package)
            name = a.name
            prefix = "." * node.level + (node.module or "")
            written = f"{prefix}.{a.name}" if node.module else f"{prefix}{a.name}"
        k = (r.ctx.scope, key)
        yield Site(
            binding=binding, module=mod, name=name, key=key, written=written,
            line=a.lineno, col=a.col_offset + 1, end_line=a.end_lineno or a.lineno,
            end_col=(a.end_col_offset or a.col_offset) + 1, stmt_line=node.lineno,
            stmt_end=node.end_lineno or node.lineno, scope=r.ctx.scope, kind=r.ctx.kind,
            nth=nth[k], of=totals[k], try_kind=r.ctx.try_kind,
            in_type_checking=r.ctx.type_checking, explicit_reexport=a.asname == a.name,
        ), r
        nth[k] += 1
