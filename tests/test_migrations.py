"""The schema comes from the migrations, and the models agree with them."""
from pathlib import Path

from alembic.script import ScriptDirectory
from flask_migrate import Migrate  # noqa: F401

from propmgmt import ROOT
from propmgmt.extensions import migrate


def _scripts(app):
    with app.app_context():
        config = migrate.get_config()
        return ScriptDirectory.from_config(config), config


def test_one_head_and_it_is_pinned(app):
    scripts, _config = _scripts(app)
    heads = scripts.get_heads()
    assert len(heads) == 1
    pinned = (ROOT / "migrations" / ".current-alembic-head").read_text().strip()
    assert heads == [pinned]


def test_migration_files_are_numbered(app):
    names = sorted(p.name for p in Path(ROOT / "migrations" / "versions").glob("*.py"))
    assert names and all(n[:4].isdigit() and n[4] == "_" for n in names)


def test_models_match_migrations(app):
    from alembic import command  # noqa: PLC0415

    with app.app_context():
        command.check(migrate.get_config())  # raises when autogenerate finds a difference
