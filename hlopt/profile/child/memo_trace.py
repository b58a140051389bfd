"""Count the calls and distinct arguments of a few functions: would a cache serve them?

Loaded by ``runner.py`` inside the target's interpreter (standard library only, Python 3.8
syntax). On Python 3.12+ it uses ``sys.monitoring`` (a ``PY_START`` callback that disables
itself for every other function, so only the traced functions pay); on older versions a
``sys.setprofile`` hook (every call pays a little).

For each traced function it keeps the distinct argument tuples in recency order, which
gives the hit rate of an unbounded cache, and simulates ``functools.lru_cache`` of a few
sizes; a size's simulation only starts once more distinct keys than it holds have been
seen (before that an LRU cache of that size behaves exactly like the unbounded one).
"""

from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict

#: stop remembering new keys beyond this many per function (memory guard)
MAX_DISTINCT = 200_000
#: how many calls' argument types and result sizes to sample
SAMPLES = 256
_VARARGS, _VARKEYWORDS = 0x04, 0x08


class Site:
    """One traced function: its calls, keys and simulated caches."""

    def __init__(self, spec: dict, sizes: list) -> None:
        self.spec = spec
        self.calls = 0
        self.unhashable = 0
        self.hits = 0
        self.truncated = False
        self.recency: OrderedDict = OrderedDict()
        #: sizes whose simulation has not started (no eviction yet), smallest first
        self.pending = sorted(sizes)
        self.sims: dict = {}
        self.sim_hits: dict = {}
        self.key_bytes = []
        self.result_bytes = []
        self.arg_types: dict = {}
        self.names = None
        self.kwargs = False

    def enter(self, frame) -> None:
        self.calls += 1
        if self.names is None:
            self.names, self.kwargs = _arg_names(frame.f_code)
        local = frame.f_locals
        if self.kwargs:
            key = _key(local, self.names)
        else:
            key = tuple([local[name] for name in self.names])
        if self.calls <= SAMPLES:
            self._sample_args(local, key)
        try:
            self._access(key)
        except TypeError:  # an unhashable argument: no cache could serve this call
            self.unhashable += 1

    def _access(self, key) -> None:
        recency = self.recency
        miss = False
        if key in recency:
            recency.move_to_end(key)
            self.hits += 1
        elif len(recency) < MAX_DISTINCT:
            recency[key] = None
            miss = True
        else:
            self.truncated = True
        for size, sim in self.sims.items():
            self._lru(size, sim, key)
        if miss and self.pending and len(recency) > self.pending[0]:
            self._activate(self.pending.pop(0))

    def _activate(self, size: int) -> None:
        """First eviction of an LRU cache of ``size``: until now it hit when the unbounded
        cache hit; from now on it holds the ``size`` most recent keys."""
        self.sim_hits[size] = self.hits
        self.sims[size] = OrderedDict.fromkeys(list(self.recency)[-size:])

    def _lru(self, size: int, sim: OrderedDict, key) -> None:
        if key in sim:
            sim.move_to_end(key)
            self.sim_hits[size] += 1
        else:
            sim[key] = None
            if len(sim) > size:
                sim.popitem(last=False)

    def _sample_args(self, local: dict, key) -> None:
        self.key_bytes.append(_size(key))
        for name in self.names:
            value = local.get(name)
            types = self.arg_types.setdefault(name, {})
            tname = _type_name(value)
            types[tname] = types.get(tname, 0) + 1

    def leave(self, result) -> None:
        if len(self.result_bytes) < SAMPLES:
            self.result_bytes.append(_size(result))

    def to_dict(self) -> dict:
        out = dict(self.spec)
        out.update({
            "calls": self.calls, "unhashable": self.unhashable, "distinct": len(self.recency),
            "hits": self.hits, "truncated": self.truncated,
            "lru_hits": dict([(str(k), v) for k, v in self.sim_hits.items()]
                             + [(str(k), self.hits) for k in self.pending]),
            "key_bytes": _mean(self.key_bytes), "result_bytes": _mean(self.result_bytes),
            "arg_types": self.arg_types,
        })
        return out


class Tracer:
    """Trace the functions named in ``functions`` ({file, name, lo, hi, qualname})."""

    def __init__(self, functions: list, sizes: list) -> None:
        self.sites = [Site(f, sizes) for f in functions]
        self.by_name: dict = {}
        for site in self.sites:
            self.by_name.setdefault(site.spec["name"], []).append(site)
        self.codes: dict = {}
        self.backend = "sys.monitoring" if hasattr(sys, "monitoring") else "sys.setprofile"
        self.tool = None
        #: still sampling result sizes (return events are ignored once every site has enough)
        self.sampling = True

    def site_for(self, code):
        """The site of a code object, or None (cached per code object)."""
        try:
            return self.codes[code]
        except KeyError:
            pass
        found = None
        for site in self.by_name.get(code.co_name, ()):
            spec = site.spec
            if spec["lo"] <= code.co_firstlineno <= spec["hi"] and \
                    _same_file(code.co_filename, spec["file"]):
                found = site
                break
        self.codes[code] = found
        return found

    def start(self) -> None:
        if self.backend == "sys.monitoring":
            self._start_monitoring()
        else:
            threading.setprofile(self._profile)
            sys.setprofile(self._profile)

    def stop(self) -> None:
        if self.backend == "sys.monitoring":
            mon = sys.monitoring
            mon.set_events(self.tool, 0)
            for code, site in self.codes.items():
                if site is not None:
                    mon.set_local_events(self.tool, code, 0)
            mon.free_tool_id(self.tool)
        else:
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type]

    def results(self) -> dict:
        return {"backend": self.backend, "functions": [s.to_dict() for s in self.sites]}

    def _profile(self, frame, event, arg) -> None:
        if event == "call":
            site = self.site_for(frame.f_code)
            if site is not None:
                site.enter(frame)
        elif event == "return" and self.sampling:
            site = self.codes.get(frame.f_code)
            if site is not None:
                site.leave(arg)
                if len(site.result_bytes) >= SAMPLES:
                    self.sampling = any(len(s.result_bytes) < SAMPLES for s in self.sites)

    def _start_monitoring(self) -> None:
        mon = sys.monitoring
        self.tool = next(i for i in (mon.PROFILER_ID, 4, 3, 1) if mon.get_tool(i) is None)
        mon.use_tool_id(self.tool, "hlopt-memo")
        events = mon.events
        mon.register_callback(self.tool, events.PY_START, self._on_start)
        mon.register_callback(self.tool, events.PY_RETURN, self._on_return)
        mon.set_events(self.tool, events.PY_START)

    def _on_start(self, code, offset):
        site = self.site_for(code)
        if site is None:
            return sys.monitoring.DISABLE
        if site.calls == 0:
            sys.monitoring.set_local_events(self.tool, code, sys.monitoring.events.PY_RETURN)
        site.enter(sys._getframe(1))
        return None

    def _on_return(self, code, offset, result):
        site = self.codes.get(code)
        if site is None or len(site.result_bytes) >= SAMPLES:
            return sys.monitoring.DISABLE
        site.leave(result)
        return None


def _arg_names(code) -> tuple:
    """The parameter names of a code object, and whether the last one is ``**kwargs``."""
    n = code.co_argcount + code.co_kwonlyargcount
    n += bool(code.co_flags & _VARARGS)
    kwargs = bool(code.co_flags & _VARKEYWORDS)
    return tuple(code.co_varnames[:n + kwargs]), kwargs


def _key(local: dict, names: tuple) -> tuple:
    """The argument tuple with ``**kwargs`` made hashable (sorted items)."""
    values = [local[name] for name in names]
    values[-1] = tuple(sorted(values[-1].items()))
    return tuple(values)


def _type_name(value) -> str:
    t = type(value)
    name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
    if isinstance(value, (list, tuple, set, frozenset)) and value:
        inner = _type_name(next(iter(value)))
        return f"{name}[{inner}]"
    return name


def _size(value) -> int:
    """Bytes of ``value`` and of its direct items (what a cache entry keeps alive)."""
    try:
        total = sys.getsizeof(value)
        if isinstance(value, (list, tuple, set, frozenset)):
            total += sum(sys.getsizeof(v) for v in value)
        elif isinstance(value, dict):
            total += sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in value.items())
        return total
    except Exception:  # a broken __sizeof__ must not break the program
        return 0


def _mean(values: list) -> float:
    return sum(values) / len(values) if values else 0.0


_real: dict = {}


def _same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    if a not in _real:
        _real[a] = os.path.realpath(a)
    return _real[a] == b
