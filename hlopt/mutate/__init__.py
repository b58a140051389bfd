"""``hlopt mutate``: would the tests notice if this code were wrong?

The command's API is ``Options`` and ``run(options) -> Report`` (plus ``merge`` for the
reports of ``--shard`` runs). Mutants are made with libcst (``operators``, ``units``) and
switched in at run time inside forked children of one warm pytest session (``runner``
and ``pytest_plugin/``): the project's files are never written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hlopt.core.lazy import lazy_exports
from hlopt.core.report import Report

if TYPE_CHECKING:
    from hlopt.mutate.engine import run
    from hlopt.mutate.model import Options, Outcome
    from hlopt.mutate.scope import parse_shard

#: the engine and its imports load when first used (listing rules does not need them)
__getattr__ = lazy_exports(__name__, {
    "Options": "hlopt.mutate.model",
    "Outcome": "hlopt.mutate.model",
    "parse_shard": "hlopt.mutate.scope",
    "run": "hlopt.mutate.engine",
})


def merge(paths: list[Path], min_score: float | None = None) -> Report:
    """Combine the JSON reports of ``--shard I/N`` runs into the report of the whole run."""
    from hlopt.mutate.report import merge as merge_reports

    return merge_reports(paths, min_score)


__all__ = ["Options", "Outcome", "merge", "parse_shard", "run"]
