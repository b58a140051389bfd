"""`hlopt CMD` builds only CMD's click command; every other name keeps the whole app."""

from __future__ import annotations

import sys

import pytest

from hlopt import cli


@pytest.fixture
def restore_app():
    commands, groups = list(cli.app.registered_commands), list(cli.app.registered_groups)
    yield
    cli.app.registered_commands, cli.app.registered_groups = commands, groups


def test_known_command_keeps_only_itself(restore_app, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["hlopt", "rules", "--format", "json"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 0
    assert [c.callback.__name__ for c in cli.app.registered_commands] == ["rules"]
    assert '"HLX001"' in capsys.readouterr().out


@pytest.mark.parametrize("first", ["--help", "no-such-command", "--version"])
def test_other_first_arguments_keep_every_command(restore_app, first):
    before = len(cli.app.registered_commands)
    cli._only(first)
    assert len(cli.app.registered_commands) == before > 5
