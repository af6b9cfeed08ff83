"""The demo's renovation record in 和平里小区: the 2024 comprehensive renovation with its menu
items, the facilities registered from it, and a few of them already in fair or poor condition
(the roof of building 2 leaks again). No report files: those are uploaded by people."""
import datetime as dt

import sqlalchemy as sa

from propmgmt import policy
from propmgmt.auth.models import User
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.monitoring import facilities
from propmgmt.monitoring import renovation

PROJECT = {
    "name": "和平里小区老旧小区综合整治工程（2024年）",
    "starts_on": dt.date(2024, 3, 18),
    "ends_on": dt.date(2024, 11, 28),
    "contractor": "北京京和城建工程有限公司",
    "cost_fen": 1_862_400_000,
    "notes": "东城区2024年老旧小区综合整治项目；基础类、完善类改造内容按“菜单式”由居民议定。",
}
ITEMS = (
    ("pipes", "1-3号楼上下水及燃气立管更换", 312_000_000, dt.date(2024, 6, 20)),
    ("roof", "1-3号楼屋面防水及保温翻修", 268_500_000, dt.date(2024, 7, 15)),
    ("exterior_wall", "外墙保温及外立面粉刷", 534_000_000, dt.date(2024, 9, 30)),
    ("elevator", "2号楼加装电梯（2部）", 396_000_000, dt.date(2024, 11, 20)),
    ("lighting", "楼道声控灯及院内路灯改造", 41_800_000, dt.date(2024, 8, 10)),
    ("fire_safety", "楼内消火栓、灭火器及消防通道标识", 58_600_000, dt.date(2024, 10, 12)),
    ("camera", "院内及单元门安防监控（36路）", 72_300_000, dt.date(2024, 10, 25)),
    ("charging_point", "电动自行车集中充电车棚（40个充电口）", 38_900_000, dt.date(2024, 11, 5)),
)
# (kind, [(days ago, condition, note)]) — what inspections and residents found since.
WEAR = (
    ("roof", [(75, "fair", "2号楼顶层两户反映雨后顶棚有水渍。"),
              (12, "poor", "2号楼屋面防水层起鼓开裂，雨后顶层渗漏，已报修待维修资金表决。")]),
    ("camera", [(30, "fair", "东门两路摄像头夜间画面模糊，需清洁更换镜头。")]),
    ("charging_point", [(20, "poor", "6个充电口无法计费，供应商尚未上门维修。")]),
)


def _user(name):
    return db.session.scalar(sa.select(User).where(User.username == name))


def load_renovation(loaded):
    """Record 和平里's 2024 renovation and register its facilities; returns how many."""
    item = loaded.get("hepingli")
    manager = _user("manager")
    if item is None or manager is None or not (
            policy.can(manager, "renovation.manage", item.community)
            and policy.can(manager, "facility.manage", item.community)):
        return 0  # demo accounts made by hand before the load: leave the record out
    project = renovation.create_project(community=item.community, actor=manager, **PROJECT)
    for kind, description, cost_fen, done_on in ITEMS:
        renovation.add_item(project, actor=manager, kind=kind, description=description,
                            cost_fen=cost_fen, done_on=done_on)
    handed_over = dt.datetime(2024, 12, 1, 1, 0, tzinfo=dt.timezone.utc)
    registered = facilities.register_from_project(project, actor=manager, now=handed_over)
    by_kind = {f.kind: f for f in registered}
    _place(by_kind["elevator"], manager, building=item.buildings.get("2"),
           location="1单元、3单元", inspection_interval_days=90)
    _place(by_kind["fire_safety"], manager, location="1-3号楼各单元", inspection_interval_days=30)
    _place(by_kind["charging_point"], manager, location="3号楼北侧车棚")
    now = utcnow()
    for kind, entries in WEAR:
        for days_ago, condition, note in entries:
            facilities.record_condition(by_kind[kind], condition=condition, note=note,
                                        actor=manager, now=now - dt.timedelta(days=days_ago))
    return len(registered)


def _place(facility, actor, *, building=None, **changes):
    """Say where a registered facility is and how often to inspect it (through the service)."""
    fields = {name: getattr(facility, name) for name in (
        "kind", "name", "location", "building_id", "project_id", "installed_on",
        "responsible_org", "inspection_interval_days")}
    fields.update(changes, building_id=building.id if building else facility.building_id)
    facilities.update_facility(facility, actor=actor, **fields)
