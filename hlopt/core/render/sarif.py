"""SARIF 2.1.0 output (``--format sarif``) for code scanning (GitHub, GitLab, IDEs)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TextIO

from hlopt import __version__
from hlopt.core.report import Applicability, Finding, Report, Severity
from hlopt.core.rules import load_registry

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(report: Report) -> dict[str, Any]:
    registry = load_registry()
    codes = sorted({f.code for f in report.findings})
    rules = []
    for code in codes:
        rule = registry.get(code)
        entry: dict[str, Any] = {"id": code}
        if rule is not None:
            entry.update({
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": rule.doc, "markdown": rule.doc},
                "helpUri": rule.docs_url,
                "defaultConfiguration": {"level": "warning"},
                "properties": {"fix": rule.fix.value, "status": rule.status.value},
            })
        rules.append(entry)
    index = {code: i for i, code in enumerate(codes)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hlopt",
                "version": __version__,
                "informationUri": "https://github.com/hlopt/hlopt",
                "rules": rules,
            }},
            "results": [_result(f, index[f.code]) for f in report.sorted_findings()],
            "properties": {"command": report.command, "target": report.target},
        }],
    }


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
    }
    if f.path is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.path)}}
        if f.line is not None:
            region: dict[str, Any] = {"startLine": f.line}
            if f.col is not None:
                region["startColumn"] = f.col
            if f.end_line is not None:
                region["endLine"] = f.end_line
            if f.end_col is not None:
                region["endColumn"] = f.end_col
            physical["region"] = region
        result["locations"] = [{"physicalLocation": physical}]
        result["partialFingerprints"] = {"primaryLocationLineHash": _fingerprint(f)}
    if f.fix is not None and f.fix.edits and f.path is not None:
        result["fixes"] = [{
            "description": {"text": f.fix.title},
            "artifactChanges": [{
                "artifactLocation": {"uri": _uri(f.path)},
                "replacements": [{
                    "deletedRegion": {"startLine": e.line, "startColumn": e.col,
                                      "endLine": e.end_line, "endColumn": e.end_col},
                    "insertedContent": {"text": e.content},
                } for e in f.fix.edits],
            }],
        }]
    props: dict[str, Any] = {}
    if f.confidence is not None:
        props["confidence"] = f.confidence
    if f.fix is not None:
        props["fix"] = {"title": f.fix.title, "applicability": f.fix.applicability.value}
        if f.fix.applicability is Applicability.SAFE:
            props["fixable"] = True
    if f.data:
        props["data"] = dict(f.data)
    if props:
        result["properties"] = props
    return result


def _fingerprint(f: Finding) -> str:
    """Stable across runs: the rule, the file and the message (not the line, which moves)."""
    digest = hashlib.sha256(f"{f.code}\0{f.path}\0{f.message}".encode()).hexdigest()
    return f"{digest[:16]}:1"


def _uri(path: Path) -> str:
    return path.as_posix() if not path.is_absolute() else path.as_uri()


def render_sarif(report: Report, out: TextIO) -> None:
    json.dump(to_sarif(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
