"""The workflow table of docs/architecture.md says what the declarations say."""

import re
from pathlib import Path

from django.conf import settings

from hazards import workflow
from hazards.workflow import actions
from hazards.workflow.base import Guard

TABLE_ROW = re.compile(r"^\| `(\w+)`[^|]*\|[^|]*\|[^|]*\| ([^|]+) \| ([^|]*) \|$")
ROLE_WORDS = {"inspector", "supervisor", "county", "admin", "enterprise"}


def documented():
    text = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        match = TABLE_ROW.match(line)
        if match and match.group(1) in workflow.ACTIONS:
            name, role_text, guard_text = match.groups()
            rows[name] = (
                {word.strip() for word in role_text.split(",")},
                set(re.findall(r"`([A-Z][A-Z_]+)`", guard_text)),
            )
    return rows


def guard_names():
    return {id(value): name for name, value in vars(actions).items() if isinstance(value, Guard)}


def test_the_table_lists_every_declared_action_once():
    assert set(documented()) == set(workflow.ACTIONS)


def test_each_row_names_the_declared_roles_and_guards():
    names = guard_names()
    for name, (roles_written, guards_written) in documented().items():
        declared = workflow.ACTIONS[name]
        assert roles_written <= ROLE_WORDS, name
        assert roles_written == set(declared.roles), name
        guards = {names[id(guard)] for guard in declared.guards}
        assert guards_written - {"AMENDABLE"} == guards, name
