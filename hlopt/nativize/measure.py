"""Measure the native function against the Python one with hlopt's bench engine.

Both sides run in fresh processes, interleaved round by round (:func:`hlopt.bench.compare`):
the setup imports the user's module (and, on the native side, loads the extension and
binds it), loads representative recorded calls from a pickle, and the statement calls the
function on each of them. Times are per call (the loop's time over the number of calls).
"""

from __future__ import annotations

import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hlopt.core.errors import InputError
from hlopt.core.progress import Progress, no_progress
from hlopt.nativize.model import BuildResult, Call, Target
from hlopt.nativize.tracer import rough_size

#: recorded calls timed together (spread over their sizes)
MAX_CALLS = 16

#: setup of both sides (``target`` is still the Python function here): load the calls,
#: and copy the arguments before each call if the function changes them (the copy's time
#: then counts on both sides); the native side then rebinds ``target``
_SETUP = """
import copy as _hlopt_copy, pickle as _hlopt_pickle
with open({calls!r}, "rb") as _hlopt_f:
    _hlopt_calls = _hlopt_pickle.load(_hlopt_f)

def _hlopt_changes(a, k):
    before = _hlopt_pickle.dumps((a, k))
    a, k = _hlopt_copy.deepcopy((a, k))
    target(*a, **k)
    return _hlopt_pickle.dumps((a, k)) != before

if any(_hlopt_changes(a, k) for a, k in _hlopt_calls):
    def _hlopt_run(calls=_hlopt_calls, fresh=_hlopt_copy.deepcopy):
        for a, k in calls:
            a, k = fresh((a, k))
            target(*a, **k)
else:
    def _hlopt_run(calls=_hlopt_calls):
        for a, k in calls:
            target(*a, **k)
"""
_BIND = """
import importlib.util as _hlopt_util
from importlib.machinery import ExtensionFileLoader as _hlopt_Loader
_hlopt_loader = _hlopt_Loader({name!r}, {so!r})
_hlopt_spec = _hlopt_util.spec_from_file_location({name!r}, {so!r}, loader=_hlopt_loader)
_hlopt_ext = _hlopt_util.module_from_spec(_hlopt_spec)
_hlopt_loader.exec_module(_hlopt_ext)
target = _hlopt_ext._hlopt_bind(target)
"""
_STMT = "_hlopt_run()"


@dataclass
class Measurement:
    """Seconds per call before (Python) and after (native), and the speedup with its CI."""

    before: float
    after: float
    #: before / after (2.0: twice as fast)
    speedup: float
    #: the speedup's confidence interval (low, high), when the engine could give one
    ci_low: float | None
    ci_high: float | None
    #: True/False: the engine's verdict is significant or not; None: inconclusive
    significant: bool | None
    rounds: int
    #: recorded calls each timed statement runs
    calls: int
    notes: list[str]

    @property
    def faster(self) -> bool:
        return bool(self.significant) and self.speedup > 1.0


def measure(target: Target, build: BuildResult, calls: list[Call], *,
            rounds: int | None = None, progress: Progress = no_progress) -> Measurement:
    """Time the Python and the native function on representative recorded calls."""
    from hlopt.bench import CallableSpec, compare

    chosen = representative(calls)
    if not chosen:
        raise InputError(f"no recorded call of {target.qualname} to measure with",
                         hint="give --sample 'expr calling the function' or a command")
    with tempfile.TemporaryDirectory(prefix="hlopt-measure-") as tmp:
        data = Path(tmp) / "calls.pkl"
        data.write_bytes(pickle.dumps([(tuple(c.args), dict(c.kwargs)) for c in chosen]))
        setup = _SETUP.format(calls=str(data))
        bind = _BIND.format(name=build.module_name, so=str(build.path))
        spec = f"{target.module}:{target.qualname}"
        common = dict(stmt=_STMT, cwd=target.root, paths=(target.root,))
        before = CallableSpec(spec, setup=setup, **common)
        after = CallableSpec(spec, setup=setup + bind, **common)
        result = compare(before, after, rounds=rounds, progress=progress)
    return to_measurement(result, len(chosen))


def representative(calls: list[Call], limit: int = MAX_CALLS) -> list[Call]:
    """Up to ``limit`` calls spread evenly over the recorded sizes (smallest to largest)."""
    ordered = sorted(calls, key=lambda c: rough_size(c.args, c.kwargs))
    if len(ordered) <= limit:
        return ordered
    step = (len(ordered) - 1) / (limit - 1)
    return [ordered[round(i * step)] for i in range(limit)]


def to_measurement(result, n_calls: int) -> Measurement:
    """The wall-time result of a comparison as seconds per call and a speedup."""
    from statistics import median

    wall = result.get("wall")
    before = median(wall.before) / n_calls
    after = median(wall.after) / n_calls
    est = wall.estimate
    ratio = est.ratio if est is not None else after / before
    ci = est.ci if est is not None else None
    return Measurement(
        before=before, after=after, speedup=1.0 / ratio if ratio else float("inf"),
        ci_low=1.0 / ci[1] if ci and ci[1] else None,
        ci_high=1.0 / ci[0] if ci and ci[0] else None,
        significant=est.significant if est is not None else None,
        rounds=result.rounds, calls=n_calls, notes=list(result.notes))
