"""One MCP tool per hlopt operation: arguments -> the command's ``Options`` -> its report.

Adding a command is one method here: decorate it with ``@tool(annotations)`` and
``return await self.call(ctx, "hlopt.<cmd>", build)``, where ``build()`` makes the
command's ``Options`` as ``cli.py`` does, passing every path and program through
``self.policy``. The server registers every decorated method (``server.build_server``);
the output schema is the report's (``schema.Report``).
"""

from __future__ import annotations

import json
import shlex
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from hlopt.core.errors import HloptError
from hlopt.mcp_server.calls import run_command
from hlopt.mcp_server.roots import Policy, Refused
from hlopt.mcp_server.schema import Report

F = TypeVar("F", bound=Callable[..., Any])

#: reads files or the host and writes nothing; the same call gives the same answer
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False,
                            idempotent_hint=True, open_world_hint=False)
#: rewrites the user's files when asked to (a dry run by default); a second run may find more
REWRITES = ToolAnnotations(read_only_hint=False, destructive_hint=True,
                           idempotent_hint=False, open_world_hint=False)
#: writes only the output it is given, overwriting it (a dry run by default); deterministic
WRITES_OUTPUT = ToolAnnotations(read_only_hint=False, destructive_hint=True,
                                idempotent_hint=True, open_world_hint=False)
#: runs the user's program, which may do anything (needs --allow-exec)
RUNS_PROGRAM = ToolAnnotations(read_only_hint=False, destructive_hint=True,
                               idempotent_hint=False, open_world_hint=True)

#: compiles and runs the user's function (needs --allow-exec); writes only hlopt's cache
NATIVIZES = ToolAnnotations(read_only_hint=False, destructive_hint=False,
                            idempotent_hint=True, open_world_hint=True)
#: compiles, runs and installs into the user's project; re-applying changes nothing more
INSTALLS = ToolAnnotations(read_only_hint=False, destructive_hint=True,
                           idempotent_hint=True, open_world_hint=True)

SysctlProfile = Literal["web", "udp", "latency", "throughput", "db"]
Engine = Literal["auto", "py-spy", "pyinstrument", "cprofile"]
BenchMetric = Literal["wall", "cpu", "rss", "instructions"]
#: the output name of a dry run, per mode, when the call names none
DRY_RUN_NAMES = {"minify": "minified", "skeleton": "skeleton", "bundle": "bundle.pyz"}
Paths = Annotated[tuple[str, ...], Field(description="Files or directories, relative to the "
                                                     "first root or absolute, inside the roots")]
Codes = Annotated[tuple[str, ...] | None, Field(description="Rule codes or prefixes to enable "
                                                           "(default: all), e.g. HLI, HLD001")]
Ignore = Annotated[tuple[str, ...], Field(description="Rule codes or prefixes to disable")]
Exclude = Annotated[tuple[str, ...], Field(description="Globs of paths to skip")]
Entry = Annotated[tuple[str, ...], Field(description="Entry points (module, module:func or "
                                                     "file): treat the tree as an application")]
Confidence = Annotated[int, Field(ge=0, le=100, description="Report dead code only at or "
                                                            "above this confidence")]
Whitelist = Annotated[tuple[str, ...], Field(description="Files of names to treat as used")]
Gitignore = Annotated[bool, Field(description="Skip git-ignored files")]
NativizeTargets = Annotated[tuple[str, ...], Field(description="Functions path.py:func or "
                                                               "path.py:Class.method, inside "
                                                               "the roots")]
ProfileReport = Annotated[str | None, Field(description="A profile report (.json) inside the "
                                                        "roots: nativize its hottest functions")]
SampleTests = Annotated[tuple[str, ...], Field(description="pytest test files or directories "
                                                           "inside the roots whose calls of "
                                                           "the function are recorded")]
Examples = Annotated[int, Field(ge=0, description="Generated inputs verified on top of the "
                                                  "recorded ones")]
Compiler = Annotated[Literal["auto", "cc", "gcc", "clang", "zig"],
                     Field(description="The C compiler (zig: the ziglang package's)")]
Backend = Annotated[Literal["cython", "c", "zig", "auto"],
                    Field(description="Code generator: cython (the whole object model), c or "
                                      "zig (hlopt's compiler for numeric/bytes kernels), auto "
                                      "(C inside its subset, else Cython)")]
ConfigFile = Annotated[str | None, Field(description="pyproject.toml to read [tool.hlopt] "
                                                     "from (default: nearest)")]


def tool(annotations: ToolAnnotations) -> Callable[[F], F]:
    """Mark a method of :class:`Tools` as an MCP tool with these annotations."""

    def mark(fn: F) -> F:
        fn.__hlopt_tool__ = annotations  # type: ignore[attr-defined]  # read by build_server
        return fn

    return mark


class Tools:
    """The hlopt tools of one server, bound to its policy (roots, --allow-exec)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    async def call(self, ctx: Context, package: str, build: Callable[[], Any]) -> Report:
        """Build the options (refusing what the policy forbids) and run the command."""
        try:  # the checks walk trees: off the event loop
            options = await anyio.to_thread.run_sync(build)
        except (Refused, HloptError) as exc:
            raise ToolError(str(exc)) from None
        return await run_command(ctx, package, options, self.policy.base)  # type: ignore[return-value]

    def _debloat(self, paths: tuple[str, ...], **kw: Any) -> Any:
        from hlopt import debloat

        p = self.policy
        return debloat.Options(
            paths=p.trees(paths or (".",)), select=kw.pop("select") or None,
            whitelist=p.paths(kw.pop("whitelist"), "whitelist"),
            config=p.optional(kw.pop("config"), "config"), **kw)

    @tool(READ_ONLY)
    async def debloat(self, ctx: Context, paths: Paths = (".",), select: Codes = None,
                      ignore: Ignore = (), exclude: Exclude = (), entry: Entry = (),
                      min_confidence: Confidence = 0, whitelist: Whitelist = (),
                      respect_gitignore: Gitignore = True, config: ConfigFile = None) -> Report:
        """Find unused imports, dead code and unused dependencies in Python files (read-only).

        Same as `hlopt debloat PATHS --format json`. Each finding has a rule code
        (`hlopt explain CODE`) and, where fixable, a fix; apply them with debloat_fix.
        """
        return await self.call(ctx, "hlopt.debloat", lambda: self._debloat(
            paths, select=select, ignore=ignore, exclude=exclude, entry=entry,
            min_confidence=min_confidence, whitelist=whitelist,
            respect_gitignore=respect_gitignore, config=config))

    @tool(REWRITES)
    async def debloat_fix(
        self, ctx: Context, paths: Paths = (".",),
        write: Annotated[bool, Field(description="Write the fixes to the files; false (the "
                                     "default) is a dry run returning the diff")] = False,
        unsafe_fixes: Annotated[bool, Field(description="Also apply unsafe fixes (may change "
                                            "behaviour)")] = False,
        select: Codes = None, ignore: Ignore = (), exclude: Exclude = (), entry: Entry = (),
        min_confidence: Confidence = 0, whitelist: Whitelist = (),
        respect_gitignore: Gitignore = True, config: ConfigFile = None,
    ) -> Report:
        """Remove what debloat finds: a dry run returning the unified diff unless write=true.

        Same as `hlopt debloat --fix --diff` (dry run) or `hlopt debloat --fix` (write=true).
        Safe fixes keep the exact meaning; unsafe ones need unsafe_fixes=true.
        """
        return await self.call(ctx, "hlopt.debloat", lambda: self._debloat(
            paths, fix=True, diff=not write, unsafe_fixes=unsafe_fixes, select=select,
            ignore=ignore, exclude=exclude, entry=entry, min_confidence=min_confidence,
            whitelist=whitelist, respect_gitignore=respect_gitignore, config=config))

    @tool(READ_ONLY)
    async def sysctl_audit(
        self, ctx: Context,
        profile: Annotated[SysctlProfile, Field(description="The workload to tune for")],
        check: Annotated[bool, Field(description="exit_code 1 when the host falls short "
                                     "(a gate); the audit alone gives 0")] = False,
        proc_sys: Annotated[str | None, Field(description="Audit a captured /proc/sys tree "
                            "inside the roots instead of this host's")] = None,
        pid: Annotated[int | None, Field(description="Also check this running process's "
                       "open-file limit")] = None,
        netns_only: Annotated[bool, Field(description="Only per-network-namespace keys (what "
                              "a container can set)")] = False,
    ) -> Report:
        """Audit this host's kernel settings for a workload profile (read-only).

        Same as `hlopt sysctl --profile P --format json`. Over MCP sysctl is audit-only:
        applying, reverting or writing sysctl.d files needs the CLI (and root).
        """
        from hlopt import sysctl

        return await self.call(ctx, "hlopt.sysctl", lambda: sysctl.Options(
            profile=profile, check=check, pid=pid, netns_only=netns_only,
            root=self.policy.optional(proc_sys, "proc_sys")))

    @tool(RUNS_PROGRAM)
    async def profile(
        self, ctx: Context,
        script: Annotated[str | None, Field(description="A Python file (or a directory with "
                          "__main__.py) inside the roots")] = None,
        module: Annotated[str | None, Field(description="Or a module in the first root, run "
                          "as `python -m`")] = None,
        args: Annotated[tuple[str, ...], Field(description="The program's arguments (a list; "
                        "no shell)")] = (),
        engine: Annotated[Engine, Field(description="auto: py-spy, then pyinstrument, then "
                          "cProfile")] = "auto",
        mode: Annotated[Literal["wall", "cpu"], Field(description="wall (waiting included) "
                        "or cpu")] = "wall",
        rate: Annotated[int | None, Field(ge=1, le=10_000, description="Samples per "
                        "second")] = None,
        duration: Annotated[float | None, Field(gt=0, description="Stop the program after "
                            "this many seconds")] = None,
        native: Annotated[bool, Field(description="Include C/Cython/Rust frames "
                          "(py-spy)")] = False,
        subprocesses: Annotated[bool, Field(description="Follow child processes "
                                "(py-spy)")] = False,
        idle: Annotated[bool, Field(description="Include idle threads (py-spy)")] = False,
        top: Annotated[int, Field(ge=1, description="How many hot functions to report")] = 10,
        lines: Annotated[bool, Field(description="The hottest lines of each hot "
                         "function")] = False,
        memo: Annotated[bool, Field(description="Run a second time tracing the hot functions' "
                        "arguments: would a cache pay?")] = False,
        outputs: Annotated[tuple[str, ...], Field(description="Files to write inside the "
                           "roots: .json, .speedscope.json, .html, .svg")] = (),
    ) -> Report:
        """Profile a Python program: hot functions, and which hlopt command fixes each.

        Same as `hlopt profile SCRIPT -- ARGS` or `hlopt profile -m MODULE -- ARGS`. Needs a
        server started with --allow-exec; only Python files and modules inside the roots.
        """
        from hlopt import profile as command

        def build() -> Any:
            if (script is None) == (module is None):
                raise Refused("give exactly one of script and module")
            argv = (str(self.policy.script(script)),) if script is not None else ()
            return command.Options(
                argv=argv + tuple(args),
                module=self.policy.module(module) if module is not None else None,
                engine=engine, mode=mode, rate=rate, duration=duration, native=native,
                subprocesses=subprocesses, idle=idle, top=top, lines=lines, memo=memo,
                outputs=self.policy.paths(outputs, "output"))

        return await self.call(ctx, "hlopt.profile", build)

    @tool(READ_ONLY)
    async def profile_diff(
        self, ctx: Context,
        before: Annotated[str, Field(description="A profile report (.json) inside the roots")],
        after: Annotated[str, Field(description="The later profile report (.json)")],
        top: Annotated[int, Field(ge=1, description="How many functions to compare")] = 10,
    ) -> Report:
        """Compare two saved profile reports: which functions got faster or slower (read-only).

        Same as `hlopt profile --diff BEFORE.json AFTER.json --format json`.
        """
        from hlopt import profile as command

        return await self.call(ctx, "hlopt.profile", lambda: command.Options(
            diff=(self.policy.path(before, "before"), self.policy.path(after, "after")),
            top=top))

    @tool(WRITES_OUTPUT)
    async def compress(
        self, ctx: Context,
        paths: Annotated[tuple[str, ...], Field(min_length=1, description="Files or "
                         "directories to compress, inside the roots")],
        mode: Annotated[Literal["minify", "skeleton", "bundle"], Field(description="minify "
                        "(runnable, smaller), skeleton (signatures for a model), bundle "
                        "(a runnable .pyz)")] = "minify",
        output: Annotated[str | None, Field(description="Output directory (minify), file or "
                          "directory (skeleton) or .pyz (bundle), inside the roots and "
                          "outside the input")] = None,
        write: Annotated[bool, Field(description="Write the output; false (the default) is a "
                         "dry run: built in a scratch directory, measured, deleted")] = False,
        rename_globals: Annotated[bool, Field(description="Also rename module-level names, "
                                  "rewriting every importer in the tree")] = False,
        keep_docstrings: Annotated[bool, Field(description="Keep every docstring")] = False,
        keep_annotations: Annotated[bool, Field(description="Keep every annotation")] = False,
        remove_debug: Annotated[bool, Field(description="Drop asserts and `if __debug__:` "
                                "(behave as under python -O)")] = False,
        entry: Annotated[str | None, Field(description="Bundle entry point MOD:FUNC")] = None,
        python: Annotated[str | None, Field(description="Bundle: precompile bytecode for "
                          "this Python (X.Y)")] = None,
        exclude: Exclude = (),
    ) -> Report:
        """Shrink code: minify it, skeletonize it for a model, or bundle it as a .pyz.

        Same as `hlopt compress PATHS --mode M -o OUTPUT --format json` with write=true;
        otherwise a dry run that reports the sizes without writing. Never writes into the
        input. (--test-cmd is not offered over MCP: it runs a shell-style command.)
        """
        from hlopt import compress as command

        if write and output is None:
            raise ToolError("write=true needs output (a path inside the roots, outside the "
                            "input): compress never writes in place")
        shown = output or DRY_RUN_NAMES[mode]
        scratch = None if write else Path(tempfile.mkdtemp(prefix="hlopt-mcp-dry-run-"))

        def build() -> Any:
            if output is not None:
                self.policy.path(output, "output")
            target = scratch / Path(shown).name if scratch is not None else output
            return command.Options(
                paths=self.policy.trees(paths), mode=command.Mode(mode),
                output=None if target is None else Path(target),
                rename_globals=rename_globals, keep_docstrings=keep_docstrings,
                keep_annotations=keep_annotations, remove_debug=remove_debug, entry=entry,
                python=python, exclude=exclude)

        try:
            report = await self.call(ctx, "hlopt.compress", build)
        finally:
            if scratch is not None:  # a large tree: off the event loop
                await anyio.to_thread.run_sync(_remove_tree, scratch)
        return report if scratch is None else dry_run(report, scratch / Path(shown).name, shown)

    @tool(RUNS_PROGRAM)
    async def bench(
        self, ctx: Context,
        target: Annotated[str, Field(description="A callable pkg.mod:func (module inside the "
                          "first root, or its src/), or a pytest-benchmark test directory "
                          "or file inside the roots")],
        against: Annotated[str | None, Field(description="Another callable pkg.mod:func to "
                           "compare with: ratios are it / target")] = None,
        baseline: Annotated[str | None, Field(description="A saved report (save) or "
                            "pytest-benchmark JSON to compare with")] = None,
        ref: Annotated[str | None, Field(description="A git ref to compare with, run in a "
                       "temporary worktree")] = None,
        metrics: Annotated[tuple[BenchMetric, ...] | None, Field(description="Default: wall "
                           "and rss")] = None,
        rounds: Annotated[int | None, Field(ge=1, description="Interleaved rounds (default: "
                          "20 callables, 6 suites, 3 instruction counts)")] = None,
        timeout: Annotated[float, Field(gt=0, description="Seconds one measuring process "
                           "may take")] = 60.0,
        fail_if_slower: Annotated[float | None, Field(ge=0, description="Fraction (0.05 = "
                                  "5%): exit_code 1 when significantly slower by more")] = None,
        noise_floor: Annotated[float | None, Field(ge=0, description="Fraction: the smallest "
                               "change reported as significant")] = None,
        save: Annotated[str | None, Field(description="Write the report with every round's "
                        "samples (a later baseline)")] = None,
        benchmark_json: Annotated[str | None, Field(description="Write the samples in "
                                  "pytest-benchmark's JSON format")] = None,
        chart: Annotated[str | None, Field(description="Write a chart of the distributions "
                         "(.svg)")] = None,
    ) -> Report:
        """Benchmark a callable or a pytest-benchmark suite, before/after, with statistics.

        Same as `hlopt bench TARGET --format json` (with --against, --baseline, --ref ...).
        Needs a server started with --allow-exec. Over MCP there is no --cmd, --setup or
        --stmt: only code in files inside the roots runs, never a command or a code string.
        """
        from hlopt import bench as command

        p = self.policy
        return await self.call(ctx, "hlopt.bench", lambda: command.Options(
            target=p.callable(target) if ":" in target else p.suite(target),
            against=p.callable(against) if against is not None else None,
            baseline=p.optional(baseline, "baseline"),
            ref=p.git_ref(ref) if ref is not None else None, metrics=metrics or None, rounds=rounds,
            timeout=timeout, fail_if_slower=fail_if_slower, noise_floor=noise_floor,
            save=p.optional(save, "save"), benchmark_json=p.optional(benchmark_json,
                                                                      "benchmark_json"),
            chart=p.optional(chart, "chart"), cwd=p.base))


    def _nativize(self, targets: tuple[str, ...], from_profile: str | None,
                  sample_tests: tuple[str, ...], **kw: Any) -> Any:
        """nativize.Options for a call that runs the user's code (needs --allow-exec)."""
        import sys

        from hlopt import nativize
        from hlopt.nativize.select import load_profile, profiled_command

        p = self.policy
        p.require_exec("nativize (it runs the function to record, verify and measure it)")
        for spec in targets:
            p.path(spec.rpartition(":")[0] or spec, "target")
        profile = p.optional(from_profile, "from_profile")
        resample = profile is not None and self._may_rerun(
            profiled_command(load_profile(p.base / profile)))
        tests = [str(p.resolve(t, "sample_tests")) for t in sample_tests]
        for t in sample_tests:
            p.suite(t)
        command = shlex.join([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              *tests]) if tests else None
        return nativize.Options(targets=targets, from_profile=profile, sample_command=command,
                                resample_profile=resample, cwd=p.base, **kw)

    def _may_rerun(self, argv: list[str] | None) -> bool:
        """Whether the profiled program is a Python file or module inside the roots."""
        if not argv:
            return False
        try:
            if argv[0] == "-m" and len(argv) > 1:
                self.policy.module(argv[1])
            else:
                self.policy.script(argv[0])
        except Refused:
            return False
        return True

    @tool(NATIVIZES)
    async def nativize(
        self, ctx: Context, targets: NativizeTargets = (), from_profile: ProfileReport = None,
        top: Annotated[int, Field(ge=1, description="With from_profile: how many hot "
                       "functions")] = 1,
        sample_tests: SampleTests = (), examples: Examples = 200, compiler: Compiler = "auto",
        backend: Backend = "cython",
        rounds: Annotated[int | None, Field(ge=6, description="Interleaved measuring "
                          "rounds")] = None,
        fast_math: Annotated[bool, Field(description="Let the compiler reorder float math "
                             "(verified within 1e-9 relative, not bit for bit)")] = False,
    ) -> Report:
        """Compile hot functions to native code, verify and measure them: a dry run.

        Same as `hlopt nativize TARGETS --format json`: the report gives the speed-up, the
        inputs verified and the shim the install would insert (in `diff`); nothing in the
        project is written (use nativize_apply). Needs --allow-exec: the function runs.
        """
        return await self.call(ctx, "hlopt.nativize", lambda: self._nativize(
            targets, from_profile, sample_tests, top=top, examples=examples,
            compiler=compiler, backend=backend, rounds=rounds, fast_math=fast_math))

    @tool(INSTALLS)
    async def nativize_apply(
        self, ctx: Context, targets: NativizeTargets = (), from_profile: ProfileReport = None,
        top: Annotated[int, Field(ge=1, description="With from_profile: how many hot "
                       "functions")] = 1,
        sample_tests: SampleTests = (), examples: Examples = 200, compiler: Compiler = "auto",
        backend: Backend = "cython",
    ) -> Report:
        """Compile, verify, measure and install: extension, marked shim and build entry.

        Same as `hlopt nativize TARGETS --apply`. Only what is verified equal and measured
        faster is installed; undo with nativize_revert. Needs --allow-exec.
        """
        return await self.call(ctx, "hlopt.nativize", lambda: self._nativize(
            targets, from_profile, sample_tests, top=top, examples=examples,
            compiler=compiler, backend=backend, apply=True))

    @tool(REWRITES)
    async def nativize_revert(
        self, ctx: Context,
        targets: Annotated[tuple[str, ...], Field(min_length=1, description="Nativized "
                           "functions, path.py:func, inside the roots")],
    ) -> Report:
        """Remove installed extensions and restore their modules byte for byte.

        Same as `hlopt nativize --revert TARGETS`.
        """
        from hlopt import nativize

        def build() -> Any:
            for spec in targets:
                self.policy.path(spec.rpartition(":")[0] or spec, "target")
            return nativize.Options(targets=targets, revert=True, cwd=self.policy.base)

        return await self.call(ctx, "hlopt.nativize", build)

    @tool(READ_ONLY)
    async def nativize_check(self, ctx: Context, paths: Paths = (".",)) -> Report:
        """Check that installed native extensions match their Python source (read-only).

        Same as `hlopt nativize --check PATHS --format json`: HLN020 and exit_code 1 for
        each stale extension.
        """
        from hlopt import nativize

        return await self.call(ctx, "hlopt.nativize", lambda: nativize.Options(
            targets=tuple(str(p) for p in self.policy.trees(paths or (".",))), check=True,
            cwd=self.policy.base))

    @tool(RUNS_PROGRAM)
    async def mutate(
        self, ctx: Context, paths: Paths = (".",),
        tests: Annotated[tuple[str, ...], Field(description="pytest test directories or "
                         "files inside the roots (default: the project's pytest config, "
                         "else tests/ or test/)")] = (),
        only: Annotated[tuple[str, ...], Field(description="Only these functions: name, "
                        "Class.method or path.py:qualname")] = (),
        changed_since: Annotated[str | None, Field(description="Only functions changed in "
                                 "`git diff REF`")] = None,
        from_profile: ProfileReport = None,
        top: Annotated[int, Field(ge=1, description="With from_profile: how many hot "
                       "functions")] = 10,
        from_nativize: Annotated[bool, Field(description="Only functions with an hlopt "
                                 "nativize shim")] = False,
        shard: Annotated[str | None, Field(pattern=r"^\d+/\d+$", description="Run slice I "
                         "of N of the mutants, as I/N")] = None,
        min_score: Annotated[float | None, Field(ge=0, le=100, description="exit_code 1 "
                             "when the mutation score (%) is below this")] = None,
    ) -> Report:
        """Mutation testing: would the project's tests notice if this code were wrong?

        Same as `hlopt mutate PATHS --tests 'pytest TESTS' --format json`: survivors
        (HLM001) with their diff, untested functions (HLM002), each function's score
        (HLM003). The project's files are never written. Needs --allow-exec: its tests run.
        """
        import shlex

        from hlopt import mutate as command

        def build() -> Any:
            p = self.policy
            p.require_exec("mutate (it runs the project's tests)")
            suites = [p.suite(t) for t in tests]
            return command.Options(
                paths=p.trees(paths or (".",)),
                tests=shlex.join(["pytest", *suites]) if suites else None, only=only,
                changed_since=p.git_ref(changed_since) if changed_since else None,
                from_profile=p.optional(from_profile, "from_profile"), top=top,
                from_nativize=from_nativize,
                shard=command.parse_shard(shard) if shard else None, min_score=min_score,
                cwd=p.base)

        return await self.call(ctx, "hlopt.mutate", build)


def dry_run(report: Report, built: Path, shown: str) -> Report:
    """A compress report as if written to ``shown``: nothing was, so no artifacts."""
    text = json.dumps(report).replace(json.dumps(str(built))[1:-1], json.dumps(shown)[1:-1])
    out = json.loads(text)
    out["artifacts"] = []
    out["notes"].append(f"dry run: the output was built in a scratch directory, measured and "
                        f"deleted; call again with write=true to write {shown}")
    return out


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
