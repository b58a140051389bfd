"""The ``hlopt`` command line: one thin function per subcommand (parse, call, render, exit).

Heavy imports (libcst, rich rendering, the subcommand packages) happen inside the command
that needs them, so ``hlopt --version`` and ``hlopt --help`` start fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from hlopt import __version__
from hlopt.core.errors import HloptError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from rich.progress import Progress

    from hlopt.core.report import Report

app = typer.Typer(
    name="hlopt",
    help="A command-line optimizer toolkit for high-load Python code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    debug = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hlopt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
    = False,
) -> None:
    """hlopt: profile, debloat, compress, nativize, mutate and bench high-load Python code."""
    _State.debug = debug


# Shared options, defined once.
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output: text, json or sarif.",
                                           case_sensitive=False)]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print more detail.")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="pyproject.toml to read "
                                                   "[tool.hlopt] from (default: nearest).")]
ExitZeroOption = Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")]


def guarded(fn: F) -> F:
    """Turn HloptError into ``hlopt: error:`` + exit code; other crashes into exit 3."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HloptError as exc:
            if _State.debug:
                raise
            _fail(f"hlopt: error: {exc.message}", exc.hint, exc.exit_code)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            _fail("hlopt: interrupted", None, 130)
        except Exception as exc:  # the last line of defence: one line, exit 3
            if _State.debug:
                raise
            _fail(f"hlopt: internal error: {type(exc).__name__}: {exc}",
                  "run again with `hlopt --debug ...` for the traceback", 3)

    return wrapper  # type: ignore[return-value]  # wraps keeps the signature typer reads


def _fail(message: str, hint: str | None, code: int) -> None:
    typer.echo(message, err=True)
    if hint:
        typer.echo(f"hint: {hint}", err=True)
    raise typer.Exit(code)


def _progress(fmt: str) -> AbstractContextManager[Progress]:
    """A progress bar on a terminal when printing text; none under JSON or SARIF."""
    from hlopt.core.progress import rich_progress

    return rich_progress(None if fmt == "text" else False)


def emit(report: Report, fmt: str, *, quiet: bool = False, verbose: bool = False,
         exit_zero: bool = False) -> None:
    """Render ``report`` on stdout and exit with its code."""
    from hlopt.core.render import Format, render

    try:
        chosen = Format(fmt.lower())
    except ValueError:
        from hlopt.core.errors import UsageError

        raise UsageError(f"unknown format {fmt!r}",
                         hint="choose one of: text, json, sarif") from None
    if chosen is Format.text and report.diff:
        sys.stdout.write(report.diff)
    render(report, chosen, sys.stdout, verbose=verbose, quiet=quiet)
    raise typer.Exit(0 if exit_zero and report.exit_code == 1 else report.exit_code)


@app.command()
@guarded
def rules(
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="text, json or markdown (docs/rules.md).")] = "text",
) -> None:
    """List every rule: code, name, fix safety and summary."""
    from hlopt.core import rules as registry

    all_rules = sorted(registry.load_registry().values(), key=lambda r: r.code)
    if fmt == "markdown":
        typer.echo(registry.render_markdown(all_rules), nl=False)
    elif fmt == "json":
        import json

        typer.echo(json.dumps([r.to_dict() for r in all_rules], indent=2))
    elif fmt == "text":
        for r in all_rules:
            typer.echo(f"{r.code:8} {r.name:32} {r.fix.value:9} {r.summary}")
    else:
        from hlopt.core.errors import UsageError

        raise UsageError(f"unknown format {fmt!r}", hint="choose one of: text, json, markdown")


@app.command()
@guarded
def explain(
    code: Annotated[str, typer.Argument(help="A rule code, such as HLI001.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Explain a rule: what it flags, why, an example, and how safe its fix is."""
    from hlopt.core.rules import get_rule

    rule = get_rule(code)
    if fmt == "json":
        import json

        typer.echo(json.dumps(rule.to_dict(), indent=2))
    else:
        typer.echo(f"{rule.code} ({rule.name}): {rule.summary}\n")
        typer.echo(f"Fix: {rule.fix.value}. Status: {rule.status.value}.\n")
        typer.echo(rule.doc.strip())


@app.command()
@guarded
def debloat(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: .)")]
    = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes",
                                               help="Also apply unsafe fixes.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show what --fix would change; "
                                       "write nothing.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 only when --fix would change "
                                        "a file (a CI gate); write nothing.")] = False,
    select: Annotated[list[str] | None, typer.Option("--select", help="Rule codes or "
                                                     "prefixes to enable (default: all).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Rule codes or "
                                                     "prefixes to disable.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Glob of paths to "
                                                      "skip (repeatable).")] = None,
    entry: Annotated[list[str] | None, typer.Option("--entry", help="Entry point (module, "
                     "module:func or file): treat the tree as a closed application.")] = None,
    min_confidence: Annotated[int, typer.Option("--min-confidence", min=0, max=100,
                              help="Report dead code only at or above this confidence.")] = 0,
    whitelist: Annotated[list[Path] | None, typer.Option("--whitelist", help="File of names "
                         "to treat as used (one per line, or a Python file using them).")]
    = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes "
                                             "(default: all cores).")] = None,
    no_gitignore: Annotated[bool, typer.Option("--no-gitignore",
                                               help="Also analyse git-ignored files.")] = False,
    profile: Annotated[Path | None, typer.Option("--profile", help="An `hlopt profile "
                       "--format json` report: findings in hot functions come first.")] = None,
    config: ConfigOption = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    exit_zero: ExitZeroOption = False,
) -> None:
    """Find unused imports, dead code and unused dependencies; remove them with --fix."""
    from hlopt import debloat as cmd

    with _progress(fmt) as progress:
        opts = cmd.Options(
            paths=tuple(paths or [Path(".")]), fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
            check=check, select=tuple(select) if select else None, ignore=tuple(ignore or ()),
            exclude=tuple(exclude or ()), entry=tuple(entry or ()),
            min_confidence=min_confidence, whitelist=tuple(whitelist or ()), jobs=jobs,
            respect_gitignore=not no_gitignore, config=config, progress=progress,
            profile=profile,
        )
        report = cmd.run(opts)
    emit(report, fmt, quiet=quiet, verbose=verbose, exit_zero=exit_zero)


@app.command()
@guarded
def sysctl(
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="web, udp, latency, "
                                                "throughput or db.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when the host falls short "
                                        "(a CI/provisioning gate); the audit alone exits 0.")]
    = False,
    write: Annotated[Path | None, typer.Option("--write", help="Write a sysctl.d file with "
                                               "the profile's values, each explained.")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Write the keys that fall short "
                                        "(root); originals are saved for --revert.")] = False,
    revert: Annotated[bool, typer.Option("--revert", help="Restore the values saved by "
                                         "--apply.")] = False,
    state: Annotated[Path | None, typer.Option("--state", help="State file of --apply/--revert "
                     "(default /var/lib/hlopt/sysctl-state.json).")] = None,
    root: Annotated[Path | None, typer.Option("--root", help="Audit a captured /proc/sys tree "
                                              "instead of this host's.")] = None,
    pid: Annotated[int | None, typer.Option("--pid", help="Also check this process's "
                                            "open-file limit.")] = None,
    netns_only: Annotated[bool, typer.Option("--netns-only", help="Only per-network-namespace "
                          "keys (what a container can set).")] = False,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Audit the kernel settings for a workload profile; --apply, --write, --revert."""
    from hlopt import sysctl as cmd

    opts = cmd.Options(profile=profile, check=check, write=write, apply=apply, revert=revert,
                       state=state, root=root, pid=pid, netns_only=netns_only)
    emit(cmd.run(opts), fmt, quiet=quiet, verbose=verbose)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@guarded
def profile(
    ctx: typer.Context,
    script: Annotated[str | None, typer.Argument(help="Script to run; its arguments (or a "
                      "whole command, `-- pytest tests/`) go after `--`.")] = None,
    module: Annotated[str | None, typer.Option("-m", "--module", help="Run a module as "
                      "`python -m`; arguments after `--`.")] = None,
    pid: Annotated[int | None, typer.Option("--pid", help="Attach to a running Python "
                   "process (py-spy).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="auto, py-spy, pyinstrument or "
                      "cprofile (auto: the first that works, in that order).")] = "auto",
    mode: Annotated[str, typer.Option("--mode", help="wall (main thread, waiting included) "
                    "or cpu (time on a CPU).")] = "wall",
    rate: Annotated[int | None, typer.Option("--rate", help="Samples per second (py-spy "
                    "100, pyinstrument 1000).")] = None,
    duration: Annotated[float | None, typer.Option("--duration", help="Stop the program "
                        "after this many seconds (SIGINT, then terminate).")] = None,
    native: Annotated[bool, typer.Option("--native", help="Include C/Cython/Rust frames "
                      "(py-spy).")] = False,
    subprocesses: Annotated[bool, typer.Option("--subprocesses", help="Follow child "
                            "processes (py-spy).")] = False,
    idle: Annotated[bool, typer.Option("--idle", help="Include idle threads: every thread, "
                    "waiting or not (py-spy).")] = False,
    top: Annotated[int, typer.Option("--top", help="How many hot functions to report.")]
    = 10,
    lines: Annotated[bool, typer.Option("--lines", help="Show the hottest lines of each hot "
                     "function.")] = False,
    memo: Annotated[bool, typer.Option("--memo/--no-memo", help="Run the program a second "
                    "time, tracing the hot functions' arguments: would a cache pay?")]
    = False,
    output: Annotated[list[Path] | None, typer.Option("--output", "-o", help="Write "
                      ".json (report), .speedscope.json, .html (pyinstrument) or .svg "
                      "(flame graph); repeatable.")] = None,
    diff: Annotated[tuple[Path, Path] | None, typer.Option("--diff", help="Compare two "
                    "profile reports: BEFORE.json AFTER.json.")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Find where a program spends its time, and which hlopt command fixes each hot spot."""
    from hlopt import profile as cmd

    argv = ([script] if script is not None else []) + list(ctx.args)
    opts = cmd.Options(
        argv=tuple(argv), module=module, pid=pid, engine=engine, mode=mode, rate=rate,
        duration=duration, native=native, subprocesses=subprocesses, idle=idle, top=top,
        lines=lines, memo=memo, outputs=tuple(output or ()),
        diff=diff if diff and diff[0] is not None else None,
    )
    emit(cmd.run(opts), fmt, quiet=quiet, verbose=verbose)


@app.command()
@guarded
def bench(
    target: Annotated[str | None, typer.Argument(help="A callable (pkg.mod:func), a "
                      "pytest-benchmark test directory or file, or nothing with --cmd "
                      "or --stmt.")] = None,
    setup: Annotated[str, typer.Option("--setup", help="Code run once per process before "
                     "timing; the target is bound as `target` and by its own name.")] = "",
    stmt: Annotated[str | None, typer.Option("--stmt", help="Code to time (default: "
                    "`target()`).")] = None,
    cmd_line: Annotated[str | None, typer.Option("--cmd", help="Time a whole command "
                        "(shell words, run without a shell).")] = None,
    against: Annotated[str | None, typer.Option("--against", help="Compare with another "
                       "callable (or command, with --cmd): ratios are it / TARGET.")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Compare with a saved "
                        "report (--save) or pytest-benchmark JSON.")] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Compare with a git ref, run in "
                   "a temporary worktree.")] = None,
    metric: Annotated[list[str] | None, typer.Option("--metric", "-m", help="wall, cpu, "
                      "rss or instructions; repeatable (default: wall and rss).")] = None,
    rounds: Annotated[int | None, typer.Option("--rounds", help="Interleaved rounds (default:"
                      " 20 callables, 10 commands, 6 suites, 3 callgrind counts).")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one measuring process "
                       "may take.")] = 60.0,
    fail_if_slower: Annotated[str | None, typer.Option("--fail-if-slower", help="Exit 1 when "
                              "significantly slower by more than this (5%).")] = None,
    noise_floor: Annotated[str | None, typer.Option("--noise-floor", help="Smallest change "
                           "reported as significant (default 1%; instructions 0.1%).")] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Write the JSON report with "
                    "every round's samples (a later --baseline).")] = None,
    benchmark_json: Annotated[Path | None, typer.Option("--benchmark-json", help="Write the "
                              "wall-time samples in pytest-benchmark's JSON format.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write a chart of "
                      "the distributions: .svg, or .png (needs hlopt[chart]).")] = None,
    python: Annotated[Path | None, typer.Option("--python", help="Interpreter of the "
                      "measured code (default: the project's .venv, then ours).")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Measure before/after in interleaved rounds; say whether a change is significant."""
    from hlopt import bench as cmd

    with _progress(fmt) as progress:
        opts = cmd.Options(
            target=target, setup=setup, stmt=stmt, cmd=cmd_line, against=against,
            baseline=baseline, ref=ref, metrics=tuple(metric) if metric else None,
            rounds=rounds, timeout=timeout, save=save, benchmark_json=benchmark_json,
            fail_if_slower=cmd.parse_fraction(fail_if_slower, "--fail-if-slower")
            if fail_if_slower is not None else None,
            noise_floor=cmd.parse_fraction(noise_floor, "--noise-floor")
            if noise_floor is not None else None,
            chart=output, python=python, cwd=Path.cwd(), progress=progress,
        )
        report = cmd.run(opts)
    emit(report, fmt, quiet=quiet, verbose=verbose)


@app.command()
@guarded
def compress(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to compress.")],
    mode: Annotated[str, typer.Option("--mode", help="minify (runnable, smaller), skeleton "
                    "(signatures for a model) or bundle (a runnable .pyz).")] = "minify",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output directory "
                      "(minify), file or directory (skeleton; default stdout) or .pyz "
                      "(bundle). Never inside the input.")] = None,
    rename_globals: Annotated[bool, typer.Option("--rename-globals", help="Also rename "
                              "module-level names, rewriting every importer in the tree.")]
    = False,
    keep_docstrings: Annotated[bool, typer.Option("--keep-docstrings",
                               help="Keep every docstring and string statement.")] = False,
    keep_annotations: Annotated[bool, typer.Option("--keep-annotations",
                                help="Keep every annotation.")] = False,
    remove_debug: Annotated[bool, typer.Option("--remove-debug", help="Drop asserts and "
                            "`if __debug__:` code (behave as under python -O).")] = False,
    test_cmd: Annotated[str | None, typer.Option("--test-cmd", help="Run this command "
                        "(e.g. 'pytest -q') against the minified tree.")] = None,
    entry: Annotated[str | None, typer.Option("--entry", help="Bundle entry point "
                     "MOD:FUNC (default: the tree's __main__.py).")] = None,
    python: Annotated[str | None, typer.Option("--python", help="Bundle: precompile "
                      "bytecode for this Python (X.Y).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Glob of paths to "
                       "skip (repeatable).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes "
                    "(default: all cores).")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Shrink code: minify it, skeletonize it for a model, or bundle it as a .pyz."""
    from hlopt import compress as cmd
    from hlopt.core.errors import UsageError

    try:
        chosen = cmd.Mode(mode.lower())
    except ValueError:
        raise UsageError(f"unknown mode {mode!r}",
                         hint="choose minify, skeleton or bundle") from None
    to_stdout = chosen is cmd.Mode.skeleton and output is None
    if to_stdout and fmt.lower() != "text":
        raise UsageError("--mode skeleton prints code on stdout; with --format "
                         f"{fmt} it needs -o", hint="add -o skeleton/ (or -o skel.py)")
    with _progress(fmt) as progress:
        opts = cmd.Options(
            paths=tuple(paths), mode=chosen, output=output, rename_globals=rename_globals,
            keep_docstrings=keep_docstrings, keep_annotations=keep_annotations,
            remove_debug=remove_debug, test_cmd=test_cmd, entry=entry, python=python,
            exclude=tuple(exclude or ()), jobs=jobs, progress=progress,
            sink=sys.stdout.write if to_stdout else None,
        )
        report = cmd.run(opts)
    if to_stdout:
        from hlopt.core.render import Format, render

        render(report, Format.text, sys.stderr, verbose=verbose, quiet=quiet)
        raise typer.Exit(report.exit_code)
    emit(report, fmt, quiet=quiet, verbose=verbose)


@app.command()
@guarded
def mcp(
    root: Annotated[list[Path] | None, typer.Option("--root", metavar="DIR", help="A directory "
                    "the tools may work in (repeatable; default: the current one).")] = None,
    allow_exec: Annotated[bool, typer.Option("--allow-exec", help="Let tools run Python files "
                          "and modules inside the roots (profile, bench).")] = False,
) -> None:
    """Serve hlopt's commands to AI agents over MCP (stdio); needs `hlopt[mcp]`."""
    try:
        from hlopt.mcp_server.server import serve
    except ImportError as exc:  # the extra is missing (httpx's CLI does the same)
        missing = (exc.name or "").partition(".")[0]
        if missing not in {"mcp", "mcp_types", "anyio", "pydantic", "typing_extensions"}:
            raise
        from hlopt.core.errors import ToolchainError

        raise ToolchainError(f"`hlopt mcp` needs the MCP SDK ({missing} is not installed)",
                             hint="pip install 'hlopt[mcp]'") from None
    serve(root or [], allow_exec=allow_exec)


def _only(name: str) -> None:
    """Keep only the subcommand ``name`` in ``app``, if it is one.

    Typer builds a click command, with every parameter's converters, for each registered
    command on every run; building just the one being run keeps start-up flat as commands
    are added. ``hlopt --help`` and unknown names keep them all.
    """
    commands = [c for c in app.registered_commands
                if (c.name or c.callback.__name__.replace("_", "-")) == name]
    groups = [g for g in app.registered_groups
              if (g.name or getattr(g.typer_instance.info, "name", None)) == name]
    if commands or groups:
        app.registered_commands, app.registered_groups = commands, groups


@app.command()
@guarded
def nativize(
    targets: Annotated[list[str] | None, typer.Argument(help="Functions: path.py:func or "
                       "path.py:Class.method (with --check: files or directories).")] = None,
    from_profile: Annotated[Path | None, typer.Option("--from-profile", help="Nativize the "
                            "hottest functions of a `hlopt profile --format json` report.")]
    = None,
    top: Annotated[int, typer.Option("--top", help="With --from-profile: how many hot "
                   "functions.")] = 1,
    backend: Annotated[str, typer.Option("--backend", help="Code generator: cython, c, zig, "
                   "or auto (c when the function is in its subset, else cython).")]
    = "cython",
    sample: Annotated[list[str] | None, typer.Option("--sample", help="A Python expression "
                      "calling the function (repeatable): recorded types and test inputs.")]
    = None,
    sample_command: Annotated[str | None, typer.Option("--sample-command", help="Record the "
                              "function's calls while this command runs (e.g. 'pytest -q "
                              "tests/').")] = None,
    examples: Annotated[int, typer.Option("--examples", help="Generated inputs verified on "
                        "top of the recorded ones.")] = 200,
    compiler: Annotated[str, typer.Option("--compiler", help="auto, cc, gcc, clang, zig or "
                        "a compiler's path.")] = "auto",
    apply: Annotated[bool, typer.Option("--apply", help="Install what passed: extension, "
                     "shim, build entry (default: a dry run showing the shim).")] = False,
    revert: Annotated[bool, typer.Option("--revert", help="Remove the extensions of the "
                      "named functions and restore their modules exactly.")] = False,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when an installed "
                     "extension no longer matches its Python source (CI).")] = False,
    rounds: Annotated[int | None, typer.Option("--rounds", help="Interleaved measuring "
                      "rounds.")] = None,
    fast_math: Annotated[bool, typer.Option("--fast-math", help="Allow the compiler (C or "
                         "Zig) to reorder float math (results may differ from Python).")] = False,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Build cache (default:"
                         " $HLOPT_CACHE_DIR or ~/.cache/hlopt/native).")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Compile a hot function to a native extension, verified and measured; --apply it."""
    from hlopt import nativize as cmd

    with _progress(fmt) as progress:
        opts = cmd.Options(
            targets=tuple(targets or ()), from_profile=from_profile, top=top,
            backend=backend.lower(), sample=tuple(sample or ()), sample_command=sample_command,
            examples=examples, compiler=compiler, apply=apply, revert=revert, check=check,
            rounds=rounds, fast_math=fast_math, cache_dir=cache_dir, cwd=Path.cwd(),
            progress=progress,
        )
        report = cmd.run(opts)
    emit(report, fmt, quiet=quiet, verbose=verbose)


@app.command()
@guarded
def mutate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or directories to mutate "
                     "(default: .); or `merge SHARD.json...` to combine --shard reports.")]
    = None,
    tests: Annotated[str | None, typer.Option("--tests", help="The pytest command "
                     "(default: the project's pytest config, else tests/ or test/).")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this function: "
                    "name, Class.method or path.py:qualname (repeatable).")] = None,
    changed_since: Annotated[str | None, typer.Option("--changed-since", help="Only "
                             "functions changed in `git diff REF`.")] = None,
    from_profile: Annotated[Path | None, typer.Option("--from-profile", help="Only the hot "
                            "functions of an `hlopt profile` JSON report.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="With --from-profile: how many "
                   "hot functions.")] = 10,
    from_nativize: Annotated[bool, typer.Option("--from-nativize", help="Only functions "
                             "with an `hlopt nativize` shim (their Python code).")] = False,
    shard: Annotated[str | None, typer.Option("--shard", help="Run slice I of N of the "
                     "mutants (I/N, for a CI matrix).")] = None,
    min_score: Annotated[float | None, typer.Option("--min-score", min=0, max=100,
                         help="Exit 1 when the mutation score (%) is below this, else 0.")]
    = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Mutants tested "
                    "at once (default: all cores).")] = None,
    python: Annotated[Path | None, typer.Option("--python", help="Interpreter of the tests "
                      "(default: the project's .venv, then ours).")] = None,
    timeout_factor: Annotated[float, typer.Option("--timeout-factor", min=1, help="A "
                              "mutant's deadline: this times its tests' clean time ...")]
    = 10.0,
    timeout_constant: Annotated[float, typer.Option("--timeout-constant", min=0.05,
                                help="... plus this many seconds.")] = 1.0,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-run every mutant (ignore "
                        "and keep no outcomes of earlier runs).")] = False,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Where outcomes are "
                         "kept (default: ~/.cache/hlopt/mutate).")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Glob of paths to "
                       "skip (repeatable).")] = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    exit_zero: ExitZeroOption = False,
) -> None:
    """Would the tests notice if this code were wrong? Mutation testing, fast."""
    from hlopt import mutate as cmd

    given = list(paths or [])
    if given and str(given[0]) == "merge":
        emit(cmd.merge(given[1:], min_score), fmt, quiet=quiet, verbose=verbose,
             exit_zero=exit_zero)
    with _progress(fmt) as progress:
        opts = cmd.Options(
            paths=tuple(given or [Path(".")]), tests=tests, only=tuple(only or ()),
            changed_since=changed_since, from_profile=from_profile, top=top,
            from_nativize=from_nativize, shard=cmd.parse_shard(shard) if shard else None,
            min_score=min_score, jobs=jobs, python=python, timeout_factor=timeout_factor,
            timeout_constant=timeout_constant, use_cache=not no_cache, cache_dir=cache_dir,
            exclude=tuple(exclude or ()), cwd=Path.cwd(), progress=progress,
        )
        report = cmd.run(opts)
    emit(report, fmt, quiet=quiet, verbose=verbose, exit_zero=exit_zero)


def main() -> None:
    """The ``hlopt`` console script."""
    if len(sys.argv) > 1:
        _only(sys.argv[1])
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
