"""Migrations not yet released only expand the schema (docs/deployment.md → Deploys that drop nothing).

A release's migrations run while the previous release still serves: they may add tables and columns the old
code does not know of, never take away or tighten what it reads and writes. A contracting migration ships in a
later release than the code that stopped using the thing, and says so with ``contract = True`` on its class.
"""

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

# The newest migration of each app in the last release (numbers). At a release: set each to the app's newest.
RELEASED = {
    "accounts": 3,
    "catalog": 5,
    "core": 3,
    "live": 6,
    "orders": 10,
    "payments": 3,
    "reports": 4,
    "sellers": 1,
}
CONTRACTING = (
    migrations.RemoveField,
    migrations.RenameField,
    migrations.DeleteModel,
    migrations.RenameModel,
    migrations.RemoveIndex,
    migrations.RemoveConstraint,
)


def _required_without_default(field) -> bool:
    """A column the old code's INSERTs leave out yet the database demands (no NULL, no database default)."""
    if field.many_to_many or field.null:
        return False
    return field.db_default is models.NOT_PROVIDED


def _was_nullable(before, app_label: str, operation) -> bool:
    """Whether the altered column took NULL before (unknown state: assume it did, the strict reading)."""
    if before is None:
        return True
    model = before.models.get((app_label, operation.model_name_lower))
    return model is None or model.fields.get(operation.name) is None or model.fields[operation.name].null


def _existed(before, migration, operation) -> bool:
    """Whether the operation's table was there before the migration (a table it creates has no old rows or
    old code writing to it)."""
    created = {op.name_lower for op in migration.operations if isinstance(op, migrations.CreateModel)}
    if operation.model_name_lower in created:
        return False
    return before is None or (migration.app_label, operation.model_name_lower) in before.models


def contract_operations(migration, before=None) -> list[str]:
    """The operations of ``migration`` the previous release's code would break on; ``before`` is the project
    state the migration starts from."""
    if getattr(migration, "contract", False):
        return []
    return [op.describe() for op in migration.operations if _contracts(op, migration, before)]


def _contracts(operation, migration, before) -> bool:
    if isinstance(operation, CONTRACTING):
        return True
    if isinstance(operation, migrations.AddField):
        return _required_without_default(operation.field) and _existed(before, migration, operation)
    if isinstance(operation, migrations.AlterField):
        return _required_without_default(operation.field) and _was_nullable(
            before, migration.app_label, operation
        )
    return False


def test_unreleased_migrations_only_expand_the_schema():
    """No migration after the last release drops, renames or tightens what the serving code still uses."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    offending = {}
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app in RELEASED and name[:4].isdigit() and int(name[:4]) > RELEASED[app]:
            parents = [parent.key for parent in loader.graph.node_map[(app, name)].parents]
            before = loader.project_state(parents, at_end=True) if parents else None
            if ops := contract_operations(migration, before):
                offending[f"{app}.{name}"] = ops
    assert not offending, offending


def test_every_app_with_migrations_has_a_released_mark():
    """A new app's migrations are checked too: it has its line in RELEASED."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    project = {app for app, _ in loader.disk_migrations if _is_project_app(app)}
    assert project <= set(RELEASED), project - set(RELEASED)


def _is_project_app(label: str) -> bool:
    from django.apps import apps

    return apps.get_app_config(label).name.startswith("apps.")


@pytest.mark.parametrize(
    ("operation", "contracting"),
    [
        (migrations.RemoveField("order", "note"), True),
        (migrations.RenameField("order", "note", "memo"), True),
        (migrations.DeleteModel("Order"), True),
        (migrations.AddField("order", "memo", models.TextField(null=True)), False),
        (migrations.AddField("order", "memo", models.TextField(default="")), True),
        (migrations.AddField("order", "memo", models.TextField(db_default="")), False),
        (migrations.AlterField("order", "memo", models.TextField()), True),
        (migrations.AlterField("order", "memo", models.TextField(null=True, blank=True)), False),
        (migrations.CreateModel("Memo", [("id", models.AutoField(primary_key=True))]), False),
    ],
)
def test_contracting_operations_are_told_from_expanding_ones(operation, contracting):
    """Drops, renames and new required columns are contracting; new tables and nullable columns are not."""
    migration = type("Migration", (migrations.Migration,), {"operations": [operation]})("0099_x", "orders")
    assert bool(contract_operations(migration)) is contracting
    migration.contract = True
    assert contract_operations(migration) == []
