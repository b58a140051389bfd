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
    config: ConfigOption = None,
    fmt: FormatOption = "text",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    exit_zero: ExitZeroOption = False,
) -> None:
    """Find unused imports, dead code and unused dependencies; remove them with --fix."""
    from hlopt import debloat as cmd
    from hlopt.core.progress import rich_progress

    with rich_progress(None if fmt == "text" else False) as progress:
        opts = cmd.Options(
            paths=tuple(paths or [Path(".")]), fix=fix, unsafe_fixes=unsafe_fixes, diff=diff,
            check=check, select=tuple(select) if select else None, ignore=tuple(ignore or ()),
            exclude=tuple(exclude or ()), entry=tuple(entry or ()),
            min_confidence=min_confidence, whitelist=tuple(whitelist or ()), jobs=jobs,
            respect_gitignore=not no_gitignore, config=config, progress=progress,
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


def main() -> None:
    """The ``hlopt`` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
