"""Backup fixtures: real, separately committed databases (SQLite files, or on the PostgreSQL pass
databases created on the TEST_DATABASE_URL server and dropped afterwards), a world built with the
services, and its backup."""
import contextlib
import dataclasses
import datetime as dt
import io
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker
from werkzeug.datastructures import FileStorage

from propmgmt.backup import archive
from propmgmt.backup import rows
from propmgmt.billing import balances
from propmgmt.billing import payments
from propmgmt.billing import run
from propmgmt.billing.models import Bill
from propmgmt.billing.models import LedgerEntry
from propmgmt.communities.models import Dwelling
from propmgmt.config import normalize_database_url
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.governance import votes
from propmgmt.monitoring import inspections
from propmgmt.monitoring import renovation
from propmgmt.monitoring.models import Facility
from propmgmt.monitoring.models import InspectionTask
from propmgmt.tickets import services as tickets
from propmgmt.tickets.intake import TicketInput
from tests.billing.conftest import make_estate
from tests.conftest import TEST_DATABASE_URL
from tests.conftest import make_app

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def image(kind):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 40, 40)).save(buffer, kind)
    return buffer.getvalue()


class Upload(io.BytesIO):
    def __init__(self, data, filename):
        super().__init__(data)
        self.filename = filename


# --- real databases ----------------------------------------------------------------------------

class Databases:
    """Fresh, migrated databases with their own upload folder, each in an app of its own."""

    def __init__(self, folder, base_url=TEST_DATABASE_URL):
        self.folder, self.base_url = folder, base_url
        self.apps, self.created = [], []

    def app(self, name, migrate=True):
        uploads = self.folder / f"{name}-uploads"
        app = make_app(self._new_url(name), UPLOAD_DIR=str(uploads))
        self.apps.append(app)
        if migrate:
            with app.app_context():
                upgrade()
        return app

    def _new_url(self, name):
        if not self.base_url:
            return f"sqlite:///{self.folder / name}.sqlite3"
        database = f"test_restore_{name}_{uuid.uuid4().hex[:8]}"
        with self._server() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        url = sa.make_url(normalize_database_url(self.base_url)).set(database=database)
        return url.render_as_string(hide_password=False)

    @contextlib.contextmanager
    def _server(self):
        engine = sa.create_engine(normalize_database_url(self.base_url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                yield conn
        finally:
            engine.dispose()

    def close(self):
        for app in self.apps:
            with app.app_context():
                db.engine.dispose()
        if self.created:
            with self._server() as conn:
                for database in self.created:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextlib.contextmanager
def committing(app):
    """Inside: the app's context, with db.session a real session on its database (commits stay)."""
    rolled_back = db.session
    with app.app_context():
        db.session = scoped_session(sessionmaker(bind=db.engine))
        try:
            yield
        finally:
            db.session.remove()
            db.session = rolled_back


def engine_of(app):
    with app.app_context():
        return db.engine


def uploads_of(app):
    return app.config["UPLOAD_DIR"]


# --- the world ---------------------------------------------------------------------------------

def build_world():
    """Billing, a payment with a refund and an adjustment, a ticket with a photo, a vote with a
    ballot, a renovation report and a failed inspection with its photo; committed. Returns the
    id of the dwelling whose balance is compared."""
    estate = make_estate()
    home = estate.dwellings[0]
    for period in ("2026-01", "2026-02", "2026-03"):
        run.run_billing(period=period, community=estate.community)
    payment = payments.record_payment(dwelling=home, amount_fen=5000, method="cash",
                                      reference="R-1", actor=estate.staff)
    payments.record_refund(payment=payment, amount_fen=300, reason="多收", actor=estate.manager)
    other = db.session.scalars(sa.select(Bill).where(Bill.dwelling_id == estate.dwellings[1].id)
                               .order_by(Bill.id)).first()
    payments.adjust_bill(bill=other, amount_fen=-100, reason="面积更正", actor=estate.manager)
    tickets.open_ticket(community=estate.community, actor=estate.resident, data=TicketInput(
        kind="repair", category="pipes", title="厨房漏水", description="Water drips.",
        dwelling_id=home.id), photos=[FileStorage(io.BytesIO(image("JPEG")), "leak.jpg")])
    _vote(estate)
    project = renovation.create_project(community=estate.community, actor=estate.manager,
                                        name="2024 改造", starts_on=dt.date(2024, 3, 1))
    renovation.add_report(project, actor=estate.manager, stage="audit",
                          upload=Upload(PDF, "audit.pdf"))
    _failed_inspection(estate)
    db.session.commit()
    return home.id


def _vote(estate):
    now = utcnow()
    opens = now - dt.timedelta(hours=1)
    vote = votes.open_vote(community=estate.community, actor=estate.owners_committee,
                           title="Repaint", matter="ordinary", opens_at=opens,
                           closes_at=now + dt.timedelta(days=7),
                           now=opens - dt.timedelta(days=votes.NOTICE_DAYS))
    votes.cast_ballot(vote=vote, actor=estate.resident, option="agree")


def _failed_inspection(estate):
    lift = Facility(community_id=estate.community.id, kind="elevator", name="Lift 3-A",
                    location="Building 3")
    db.session.add(lift)
    db.session.commit()
    plan = inspections.create_plan(community=estate.community, actor=estate.manager,
                                   name="Lift check", frequency="quarterly",
                                   checklist="Certificate\nAlarm", starts_on=dt.date(2026, 1, 1),
                                   facility_id=lift.id)
    inspections.plan_inspections(today=dt.date(2026, 3, 4), community_id=estate.community.id)
    task = db.session.scalar(sa.select(InspectionTask).where(InspectionTask.plan_id == plan.id))
    inspections.submit_task(task, actor=estate.staff, submission_key="b" * 32,
                            today=dt.date(2026, 3, 4), answers=[
                                {"result": "pass"},
                                {"result": "fail", "note": "Alarm dead",
                                 "photo": Upload(image("PNG"), "alarm.png")}])


def money_of(app, dwelling_id):
    """(credit, open balance) of the dwelling and the ledger's total per account."""
    with committing(app):
        home = db.session.get(Dwelling, dwelling_id)
        open_fen = sum(v.balance_fen for v in balances.open_bills_of(home))
        ledger = {account: int(total) for account, total in db.session.execute(sa.select(
            LedgerEntry.account, sa.func.sum(LedgerEntry.amount_fen)).group_by(LedgerEntry.account))}
        return balances.credit_of(home), open_fen, ledger


def table_rows(app):
    """Every table's rows in primary-key order, as plain tuples."""
    with engine_of(app).connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(rows.select_in_key_order(t))]
                for t in rows.tables()}


def files_in(folder):
    """Relative path -> bytes of every file under folder."""
    return {p: (folder / p).read_bytes() for p in archive.uploaded_files(folder)}


@dataclasses.dataclass
class World:
    app: object
    dwelling_id: int
    archive: object
    manifest: dict


@pytest.fixture(scope="module")
def databases(app, tmp_path_factory):
    databases = Databases(tmp_path_factory.mktemp("backup"))
    yield databases
    databases.close()
    # Creating more apps re-binds the global extensions to them, so the suite's own app may be
    # garbage-collected at exit with its pooled PostgreSQL connections still open (an unraisable
    # ResourceWarning, an error under filterwarnings=error): close those connections now.
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    app = databases.app("source")
    with committing(app):
        dwelling_id = build_world()
    path = tmp_path_factory.mktemp("archives") / "world.zip"
    manifest = archive.create_backup(path, engine=engine_of(app), upload_dir=uploads_of(app))
    return World(app=app, dwelling_id=dwelling_id, archive=path, manifest=manifest)


@pytest.fixture(scope="module")
def empty(databases):
    """One migrated, empty database that every refused restore must leave as it is."""
    return databases.app("empty")
