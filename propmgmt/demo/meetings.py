"""The demo's joint meetings in 和平里小区: last month's, held, with its minutes published and
three action items (one done, one still open and overdue, one not yet due), and next month's."""
import datetime as dt

import sqlalchemy as sa

from propmgmt import policy
from propmgmt.auth.models import User
from propmgmt.db import db
from propmgmt.db import utcnow
from propmgmt.meetings import services

ALL_FOUR = ["party_organization", "residents_committee", "owners_committee", "property_company"]
MINUTES = ("一、物业公司通报10月收费率与报修处理情况。\n"
           "二、业委会反映2号楼屋面渗漏，已发起使用维修资金的表决。\n"
           "三、居委会反映消防通道被占用，商定由物业公司牵头清理。")
ITEMS = (("清理3号楼前消防通道占用车辆", "property_company", -5),
         ("公示2号楼屋面维修预算与施工方案", "owners_committee", -20),
         ("组织楼门长走访欠费户，宣传依法缴费", "residents_committee", 10))


def _user(name):
    return db.session.scalar(sa.select(User).where(User.username == name))


def load_meetings(loaded):
    item = loaded.get("hepingli")
    secretary, manager, owners = _user("secretary"), _user("manager"), _user("owners")
    if item is None or None in (secretary, manager, owners) or not policy.can(
            secretary, "meeting.manage", item.community):
        return 0  # demo accounts made by hand before the load: leave the meetings out
    community, now = item.community, utcnow()
    held = services.schedule(community=community, actor=secretary, title="11月四位一体联席会议",
                             scheduled_at=now - dt.timedelta(days=25), place="社区党群服务中心",
                             agenda="1. 收费与报修情况\n2. 2号楼屋面渗漏\n3. 消防通道占用",
                             orgs=ALL_FOUR)
    services.record_minutes(held, actor=secretary, minutes=MINUTES, attendance={
        "party_organization": (True, "李秀兰"), "residents_committee": (True, "王淑芬"),
        "owners_committee": (True, "孙丽华"), "property_company": (True, "陈国强")})
    today = services.local_today(community)
    items = []
    for title, org, offset in ITEMS:
        items.append(services.add_item(held, actor=secretary, title=title, owner_org=org,
                                       due_on=today + dt.timedelta(days=offset)))
    services.update_item(items[1], actor=owners, body="预算与方案已在公告栏公示。",
                         status="done")
    services.update_item(items[0], actor=manager, body="已张贴挪车通知，两辆车仍未挪走。",
                         status="open")
    services.publish_minutes(held, actor=secretary, now=now - dt.timedelta(days=24))
    services.schedule(community=community, actor=secretary, title="12月四位一体联席会议",
                      scheduled_at=now + dt.timedelta(days=5), place="社区党群服务中心",
                      agenda="1. 屋面维修表决结果\n2. 冬季供暖与防冻", orgs=ALL_FOUR)
    return 2
