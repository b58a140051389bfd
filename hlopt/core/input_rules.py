"""Rules of the HLX family: input and file problems, reported by every command."""

from __future__ import annotations

from hlopt.core.rules import Rule, register

_REFS = "- docs/report-schema.md (exit codes)"


def _doc(what: str, why: str, example: str, instead: str) -> str:
    return (
        f"## What it does\n{what}\n\n## Why is this bad?\n{why}\n\n"
        f"## Example\n{example}\n\n## Use instead\n{instead}\n\n"
        "## Fix safety\nThere is no automatic fix: hlopt never changes a file it could not "
        f"read or understand.\n\n## References\n{_REFS}\n"
    )


CANNOT_READ = Rule(
    code="HLX001",
    name="unreadable-file",
    summary="File cannot be read (permission, missing, or not a regular file)",
    command="all",
    doc=_doc(
        "Reports a file hlopt was asked to analyse but could not open or read.",
        "A file that cannot be read is not analysed; its findings would be silently missing.",
        "`chmod 000 mod.py` then `hlopt debloat .`",
        "Give the user running hlopt read access, or exclude the file with `--exclude`.",
    ),
)
CANNOT_DECODE = Rule(
    code="HLX002",
    name="undecodable-file",
    summary="File is not text in its declared encoding (binary data, NUL bytes, bad cookie)",
    command="all",
    doc=_doc(
        "Reports a `.py` file whose bytes do not decode with its PEP 263 coding cookie "
        "(UTF-8 when there is none), or that contains NUL bytes.",
        "Python itself cannot import such a file; it is often a binary file with a .py name.",
        "A file saved as Latin-1 without `# -*- coding: latin-1 -*-`.",
        "Add the right coding cookie, re-save the file as UTF-8, or exclude it.",
    ),
)
CANNOT_PARSE = Rule(
    code="HLX003",
    name="syntax-error",
    summary="File is not valid Python for this interpreter",
    command="all",
    doc=_doc(
        "Reports a file the running Python cannot parse, with the line and column "
        "of the syntax error.",
        "Code that does not parse cannot be analysed or rewritten safely. Test data such "
        "as deliberately broken files is common; the rest of the run goes on.",
        "`def f(:`",
        "Fix the syntax error, run hlopt with the Python the code targets, or exclude it.",
    ),
)
SYMLINK_LOOP = Rule(
    code="HLX004",
    name="symlink-loop",
    summary="Directory symlink leads back into a directory already being walked",
    command="all",
    doc=_doc(
        "Reports a directory symlink that points at one of its own ancestors (or at a "
        "directory already visited), which would make the walk endless.",
        "Following it would analyse the same files again and again.",
        "`ln -s .. pkg/loop`",
        "Remove the link, or exclude it with `--exclude`.",
    ),
)
CANNOT_REWRITE = Rule(
    code="HLX005",
    name="unrewritable-file",
    summary="File parses, but the rewriting library (libcst) cannot read it; fixes skipped",
    command="all",
    doc=_doc(
        "Reports a file that Python parses but libcst, which hlopt uses for every rewrite, "
        "cannot: rare syntax such as a parenthesised annotation target `(name): int`. "
        "The file is analysed as usual; only its fixes are skipped.",
        "hlopt rewrites only what it can round-trip byte for byte; rewriting by any other "
        "means could lose formatting or comments.",
        "`(x): int = 1` in a file with an unused import, under `--fix`.",
        "Apply the reported fixes by hand, or rewrite the unusual line.",
    ),
)
EXCLUDED_PACKAGE = Rule(
    code="HLX006",
    name="excluded-package",
    summary="A package directory is skipped because its name is a default exclude (venv, build)",
    command="all",
    doc=_doc(
        "Notes (info) a directory with an `__init__.py` that the walk skips because its name "
        "is one of the default excludes (`venv`, `build`, `dist`, `site-packages` ...), which "
        "are meant for virtualenvs and build output. The standard library's `venv` package "
        "is one.",
        "Its modules are silently missing from the analysis, the minified tree or the bundle.",
        "`hlopt compress Lib/ -o out/` skips `Lib/venv/`.",
        "Name the directory on the command line (`hlopt compress Lib/ Lib/venv ...`), or "
        "ignore the note with `--ignore HLX006` when the skip is intended.",
    ),
)
INTERNAL = Rule(
    code="HLX900",
    name="internal-error",
    summary="hlopt failed on this file; the file was left untouched",
    command="all",
    doc=_doc(
        "Reports a bug in hlopt met while processing one file: an analysis crashed, or a "
        "rewrite produced code that did not parse, was not stable, or did not remove the "
        "finding it was meant to fix.",
        "The file is left exactly as it was and the run goes on; the message names a log "
        "with the details (a traceback or the diff).",
        "(none: this is hlopt's bug)",
        "Report the log to hlopt's issue tracker; exclude the file meanwhile.",
    ),
)

register(CANNOT_READ, CANNOT_DECODE, CANNOT_PARSE, SYMLINK_LOOP, CANNOT_REWRITE,
         EXCLUDED_PACKAGE, INTERNAL)
