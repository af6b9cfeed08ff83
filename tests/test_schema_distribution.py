"""The schema can be distributed by community (issue 8: Citus with `community_id` as the
distribution column). A distributed table needs the column in every row and in every primary and
unique key; this test holds the schema to that, so a new table or key cannot quietly break it.

- Community-owned tables carry a NOT NULL community_id (CommunityOwned); their primary keys
  become (community_id, id) when distributed, which `id` alone being unique already allows.
- A unique key without community_id must be listed below with why adding community_id to it
  keeps its meaning (its value already belongs to one community, or is random).
- A few tables are reference tables (copied to every node) or stay on the coordinator.
"""
import sqlalchemy as sa

from propmgmt.db import db

REFERENCE = {  # small, shared by every community: Citus reference tables
    "community", "property_company", "user", "api_token",
}
COORDINATOR = {  # nullable community_id by design: cross-community rows
    "membership": "an administrator's membership names no community",
    "audit_entry": "changes to users and companies name no community",
    "provider_event": "a payment provider's event is stored before it is matched to a bill",
}
GLOBAL_KEYS = {  # (table, columns) -> why (community_id, columns) is as unique
    ("payment", ("provider", "provider_ref")): "a provider's payment pays one community's bill",
    ("payment", ("idempotency_key",)): "keys are random per attempt and name their bill",
    ("payment", ("bill_id",)): "one pending online attempt per bill; a bill has one community",
    ("refund", ("provider_ref",)): "a provider's refund reverses one community's payment",
    ("provider_event", ("provider", "event_id")): "coordinator table (see above)",
    ("renovation_report", ("stored_name",)): "random file names",
    ("ticket_photo", ("stored_name",)): "random file names",
}


def _unique_keys(table):
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            yield tuple(column.name for column in constraint.columns)
    for index in table.indexes:
        if index.unique:
            yield tuple(column.name for column in index.columns)


def test_every_table_can_be_distributed_by_community_or_is_listed():
    owned, problems = [], []
    for table in db.metadata.sorted_tables:
        column = table.c.get("community_id")
        if column is None:
            if table.name not in REFERENCE:
                problems.append(f"{table.name}: no community_id and not a reference table")
            continue
        if column.nullable and table.name not in COORDINATOR:
            problems.append(f"{table.name}: community_id may be NULL")
        if not column.nullable:
            owned.append(table.name)
        for key in _unique_keys(table):
            if "community_id" not in key and (table.name, key) not in GLOBAL_KEYS:
                problems.append(f"{table.name}: unique {key} without community_id")
    print(f"distributable by community_id: {len(owned)} tables; reference: {len(REFERENCE)}; "
          f"coordinator: {len(COORDINATOR)}; global keys explained: {len(GLOBAL_KEYS)}")
    assert not problems, "\n".join(problems)
    assert len(owned) >= 50
