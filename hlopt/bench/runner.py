"""The child process of ``hlopt bench``: import, set up, warm up and time a statement loop.

This file is run as ``python -c <source> <spec>`` in a fresh interpreter (the target
project's, which may not have hlopt installed), so it imports nothing from hlopt. The spec
is a Python literal (a dict); the child writes one literal dict to the path named by its
``out``: the measurements, or the error (``phase`` says whether the import, the setup or
the statement failed) and never a timing. It imports as little as it can (no json, re or
inspect before the measurement) because under valgrind every imported module costs time.
"""

import itertools
import os
import sys
import time

_TEMPLATE = """
def _hlopt_loop(_hlopt_n, _hlopt_start, _hlopt_end, _hlopt_repeat=_hlopt_repeat):
    _hlopt_start()
    for _hlopt_i in _hlopt_repeat(None, _hlopt_n):
{body}
    return _hlopt_end()
"""


#: the line of _TEMPLATE where the statement's first line lands
_STMT_LINE = _TEMPLATE.splitlines().index("{body}") + 1


class Phase:
    """Where the child is, so an error names the step that failed."""

    name = "start"


def bind(spec):
    """The namespace the setup and the statement run in: the target under its names."""
    ns = {"__name__": "__hlopt_bench__"}
    target = spec.get("target")
    if not target:
        return ns
    Phase.name = "import"
    module_name, _, attr = target.partition(":")
    __import__(module_name)
    obj = sys.modules[module_name]
    for part in attr.split("."):
        obj = getattr(obj, part)
    for name in spec.get("names", ()):
        ns[name] = obj
    ns["__hlopt_target__"] = obj
    return ns


def source_of(obj):
    """``[file, line]`` of the target's definition, when Python knows it."""
    try:
        import inspect

        return [inspect.getsourcefile(obj), inspect.getsourcelines(obj)[1]]
    except (TypeError, OSError):
        return None


def make_loop(spec, ns):
    """Compile the statement into a loop function (timeit's template, with two markers)."""
    Phase.name = "compile"
    body = indent(spec["stmt"], " " * 8)
    code = compile(_TEMPLATE.format(body=body), "<hlopt-bench-stmt>", "exec")
    ns["_hlopt_repeat"] = itertools.repeat
    exec(code, ns)
    return ns.pop("_hlopt_loop")


def dedent(text):
    """textwrap.dedent without importing textwrap (and re)."""
    lines = text.expandtabs().splitlines()
    margins = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    cut = min(margins, default=0)
    return "\n".join(ln[cut:] for ln in lines).strip("\n")


def indent(text, prefix):
    return "\n".join(prefix + ln for ln in (dedent(text) or "pass").splitlines())


def clock():
    """Both clocks at once: wall (perf_counter_ns) and CPU (process_time_ns)."""
    return time.perf_counter_ns(), time.process_time_ns()


def timed(loop, n):
    """Run ``n`` iterations; (wall ns, cpu ns) for the whole loop."""
    w0, c0 = clock()
    w1, c1 = loop(n, _noop, clock)
    return w1 - w0, c1 - c0


def _noop():
    return None


def calibrate(loop, min_time_ns):
    """The smallest loop count (1, 2, 5, 10, 20, ...) whose loop lasts ``min_time_ns``, and
    that loop's time; each count is timed three times and the fastest decides, so a loop
    that was preempted once does not pass for a slow statement."""
    Phase.name = "stmt"
    timed(loop, 1)  # a first call pays for lazy imports and caches: not a steady state
    for loops in _counts():
        wall = timed(loop, loops)[0]
        if wall >= min_time_ns:
            wall = min(wall, timed(loop, loops)[0], timed(loop, loops)[0])
            if wall >= min_time_ns:
                return loops, wall
    raise AssertionError("unreachable")


def _counts():
    for exp in itertools.count():
        for mult in (1, 2, 5):
            yield mult * 10**exp


def measure(loop, spec):
    """Warm up, then ``values`` timed loops of ``loops`` iterations each."""
    Phase.name = "stmt"
    loops = spec["loops"]
    for _ in range(spec.get("warmups", 1)):
        timed(loop, loops)
    walls, cpus = [], []
    for _ in range(spec.get("values", 3)):
        wall, cpu = timed(loop, loops)
        walls.append(wall / loops)
        cpus.append(cpu / loops)
    return {"wall_ns": walls, "cpu_ns": cpus, "loops": loops}


def count(loop, spec):
    """Instruction-count mode: warm-up, an empty marked loop, then the marked loop.

    Under callgrind (``--dump-before=ctermid``) each marked loop is one dump; under
    ``perf`` the parent subtracts a run with ``loops`` 0 instead.
    """
    Phase.name = "stmt"
    start = end = os.ctermid if spec.get("markers") else _noop
    loop(spec.get("warmup_loops", 1), start, end)
    loop(0, start, end)
    loop(int(spec["loops"]), start, end)
    return {"loops": int(spec["loops"])}


def main(argv):
    spec = eval(argv[1], {"__builtins__": {}})  # a literal written by the parent
    try:
        ns = bind(spec)
        if spec.get("setup"):
            Phase.name = "setup"
            exec(compile(dedent(spec["setup"]), "<hlopt-bench-setup>", "exec"), ns)
        loop = make_loop(spec, ns)
        result = run_mode(loop, spec)
        if spec["mode"] != "count" and "__hlopt_target__" in ns:
            result["source"] = source_of(ns["__hlopt_target__"])
    except BaseException as exc:  # the error is the result (SystemExit too): report it
        result = {"error": f"{type(exc).__name__}: {exc}", "phase": Phase.name,
                  "where": where(exc)}
    result["maxrss_kib"] = peak_rss_kib()
    with open(spec["out"], "w", encoding="utf-8") as fh:
        fh.write(repr(result))


def peak_rss_kib():
    """This process's peak RSS: VmHWM, because ru_maxrss also counts the parent's memory.

    Linux keeps the high-water mark of the memory a process had before exec() in its
    ru_maxrss, and a child started with vfork or fork had its parent's; VmHWM belongs to
    the new address space alone. Elsewhere ru_maxrss is all there is (bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def where(exc):
    """``file:line (in func)`` of the innermost frame that is the user's code."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith("<frozen") and f.filename != "<string>"]
    if not frames:
        return None
    last = frames[-1]
    if last.filename == "<hlopt-bench-stmt>":
        return f"--stmt line {last.lineno - _STMT_LINE + 1}"
    if last.filename == "<hlopt-bench-setup>":
        return f"--setup line {last.lineno}"
    return f"{last.filename}:{last.lineno} (in {last.name})"


def run_mode(loop, spec):
    mode = spec["mode"]
    if mode == "calibrate":
        loops, wall = calibrate(loop, spec["min_time_ns"])
        return {"loops": loops, "wall_ns": [wall / loops]}
    if mode == "count":
        return count(loop, spec)
    return measure(loop, spec)


if __name__ == "__main__":
    main(sys.argv)
