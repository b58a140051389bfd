"""Run the profiled program inside its own interpreter and record how it ended.

This file is executed by path (``python runner.py SPEC.json``) with the *target's*
interpreter, so it uses the standard library only and keeps to Python 3.8 syntax. The
spec names the program (a script, a module, code, or a command) and what to do around it:

- ``plain``: nothing (py-spy samples from outside; the runner only records the exit status);
- ``cprofile``: ``cProfile.Profile`` (wall or CPU timer), dumped with ``dump_stats``;
- ``pyinstrument``: ``pyinstrument.Profiler``, its session saved as JSON;
- ``memo``: trace the given functions' calls and arguments (``memo_trace.py``).

The status JSON holds the exit code, the exception and where it was raised, whether the
run was interrupted (SIGINT from ``--duration`` or Ctrl-C), and the wall and CPU time of
the program. Frames of this file are recognised by the function name ``_hlopt_target``.
"""

from __future__ import annotations

import builtins
import json
import os
import pkgutil  # noqa: F401 - runpy.run_path imports it lazily; its cost is not the program's
import runpy  # imported here so that its cost is not charged to the program
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
#: exit status meaning "the engine could not start here" (nothing of the program ran)
ENGINE_UNAVAILABLE = 97


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    status = {"pid": os.getpid(), "python": sys.version.split()[0], "exit_code": 0,
              "exception": None, "where": None, "interrupted": False, "engine_error": None}
    try:
        engine = _engine(spec)
    except _Unavailable as exc:
        status["engine_error"] = str(exc)
        _write(spec["status"], status)
        sys.exit(ENGINE_UNAVAILABLE)
    except KeyboardInterrupt:  # stopped before the program started
        status.update(interrupted=True, exit_code=130, wall_s=0.0, cpu_s=0.0)
        _write(spec["status"], status)
        sys.exit(130)
    target = spec["target"]
    wall0, cpu0, kids0 = time.perf_counter(), time.process_time(), _children_cpu()
    try:
        _prepare(target)
        engine.start()
        try:
            _hlopt_target(target)
        finally:
            engine.stop()
    except SystemExit as exc:
        status["exit_code"] = _exit_code(exc.code)
    except KeyboardInterrupt:
        status["interrupted"] = True
        status["exit_code"] = 130
    except BaseException as exc:  # the program failed: report it like Python would
        status["exit_code"] = 1
        status["exception"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        status["where"] = _where(exc)
        _print_traceback(exc)
    status["wall_s"] = time.perf_counter() - wall0
    status["cpu_s"] = time.process_time() - cpu0
    status["children_cpu_s"] = _children_cpu() - kids0
    try:
        engine.save(spec.get("out"))
    finally:
        _write(spec["status"], status)
    sys.stdout.flush()
    sys.exit(status["exit_code"])


def _hlopt_target(target: dict) -> None:
    """Run the program; hlopt cuts every stack at this frame."""
    kind, value = target["kind"], target["value"]
    if kind == "script":
        runpy.run_path(value, run_name="__main__")
    elif kind == "module":
        runpy.run_module(value, run_name="__main__", alter_sys=True)
    elif kind == "code":
        exec(compile(value, "<string>", "exec"), {"__name__": "__main__",
                                                  "__builtins__": builtins})
    else:  # a command that is not Python itself (py-spy --subprocesses follows it)
        code = subprocess.call([value] + list(target["args"]))
        if code:
            raise SystemExit(code)


def _prepare(target: dict) -> None:
    """Set sys.argv and sys.path[0] the way ``python script.py`` / ``-m`` / ``-c`` would."""
    kind, value, args = target["kind"], target["value"], list(target["args"])
    if kind == "script":
        sys.argv = [value] + args
        sys.path[0] = value if os.path.isdir(value) else os.path.dirname(value)
    elif kind == "module":
        sys.argv = [value] + args
        sys.path[0] = os.getcwd()
    elif kind == "code":
        sys.argv = ["-c"] + args
        sys.path[0] = ""
    else:
        sys.argv = [value] + args


class _Unavailable(Exception):
    """The engine cannot run in this interpreter."""


class _Plain:
    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def save(self, out: str | None) -> None:
        pass


class _CProfile(_Plain):
    def __init__(self, timer: str) -> None:
        import cProfile

        self.prof = cProfile.Profile(time.process_time) if timer == "cpu" else cProfile.Profile()

    def start(self) -> None:
        self.prof.enable()

    def stop(self) -> None:
        self.prof.disable()

    def save(self, out: str | None) -> None:
        if out:
            self.prof.dump_stats(out)


class _Pyinstrument(_Plain):
    def __init__(self, spec: dict) -> None:
        Profiler = _import_pyinstrument(spec)
        self.prof = Profiler(interval=spec.get("interval") or 0.001, async_mode="enabled")

    def start(self) -> None:
        self.prof.start()

    def stop(self) -> None:
        self.prof.stop()

    def save(self, out: str | None) -> None:
        session = self.prof.last_session
        if out and session is not None:
            with open(out, "w", encoding="utf-8") as f:
                json.dump(session.to_json(), f)


class _Memo(_Plain):
    def __init__(self, spec: dict) -> None:
        import importlib.util

        loc = importlib.util.spec_from_file_location(
            "_hlopt_memo_trace", os.path.join(HERE, "memo_trace.py"))
        module = importlib.util.module_from_spec(loc)
        loc.loader.exec_module(module)
        self.tracer = module.Tracer(spec["functions"], spec.get("sizes") or [])

    def start(self) -> None:
        self.tracer.start()

    def stop(self) -> None:
        self.tracer.stop()

    def save(self, out: str | None) -> None:
        if out:
            with open(out, "w", encoding="utf-8") as f:
                json.dump(self.tracer.results(), f)


def _engine(spec: dict) -> _Plain:
    mode = spec["mode"]
    if mode == "cprofile":
        return _CProfile(spec.get("timer", "wall"))
    if mode == "pyinstrument":
        return _Pyinstrument(spec)
    if mode == "memo":
        return _Memo(spec)
    return _Plain()


def _import_pyinstrument(spec: dict):
    """pyinstrument from the target's environment, else hlopt's own when the ABI matches."""
    try:
        from pyinstrument import Profiler
        return Profiler
    except ImportError:
        pass
    extra, version = spec.get("extra_path"), spec.get("extra_path_version")
    if extra and version and list(sys.version_info[:2]) == list(version):
        sys.path.append(extra)
        try:
            from pyinstrument import Profiler
            return Profiler
        except ImportError:
            sys.path.remove(extra)
    raise _Unavailable(f"not installed for {sys.executable} "
                       f"(Python {sys.version.split()[0]})")


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _is_ours(filename: str) -> bool:
    return filename.startswith(HERE) or filename.endswith(("runpy.py", "<frozen runpy>"))


def _where(exc: BaseException) -> dict | None:
    """The innermost frame of the program's own code where ``exc`` was raised."""
    found = None
    for fs in traceback.extract_tb(exc.__traceback__):
        if not _is_ours(fs.filename):
            found = {"file": fs.filename, "line": fs.lineno, "function": fs.name}
    return found


def _print_traceback(exc: BaseException) -> None:
    tb = exc.__traceback__
    while tb is not None and _is_ours(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # not on Unix
        return 0.0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _write(path: str, status: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(status, f)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
