"""The demo's notices (the owners' vote posts its own): a building notice, and last
year's income and spending disclosure of 和平里小区 (published by the property company)."""
import datetime as dt

import sqlalchemy as sa

from propmgmt import policy
from propmgmt.auth.models import User
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.disclosure import services

YEAR_LINES = (("物业服务费收入", 6_523_400, 0), ("停车管理收入（公共部位）", 860_000, 0),
              ("保洁、秩序维护人员费用", 0, 3_980_000), ("绿化养护", 0, 420_000),
              ("共用设施设备日常维护", 0, 1_150_000), ("办公及管理费用", 0, 610_000),
              ("物业服务企业酬金", 0, 700_000))


def load_notices(loaded):
    item = loaded.get("hepingli")
    manager = db.session.scalar(sa.select(User).where(User.username == "manager"))
    if item is None or manager is None:
        return 0
    now, community = utcnow(), item.community
    if not policy.can(manager, "disclosure.publish", community):
        return 0  # demo accounts made by hand before the load: leave the notices out
    building = item.buildings.get("3")
    services.publish_notice(
        community=community, actor=manager, title="3号楼二次供水设施清洗停水通知",
        body="本周六 9:00—15:00 清洗3号楼二次供水水箱，期间停水，请提前储水。",
        building_id=building.id if building else None, publish_at=now - dt.timedelta(days=1),
        expire_at=now + dt.timedelta(days=3))
    year = now.year - 1
    services.publish_notice(
        community=community, actor=manager, title=f"和平里小区{year}年度物业服务收支情况公示",
        body="按照物业服务收费管理规定公示上一年度收支情况，欢迎业主监督。",
        kind="income_spending", period_year=year, lines=YEAR_LINES, arrears_fen=1_486_000,
        publish_at=now - dt.timedelta(days=30))
    return 3
