"""The demo district as data: community specs, the demo users and the name pools.

Everything here is plain data; `propmgmt.demo.loader` turns it into rows. To extend the demo
(bills, history...), add a field to `CommunitySpec` and a `load_*` step in the loader; the ticket
history keeps its own data and steps in `propmgmt.demo.tickets`.
"""
import dataclasses
import datetime as dt

from propmgmt import roles
from propmgmt.communities import modes

SEED = 2026  # every random choice (areas, names, phones) derives from it: same data every run
DISTRICT = "东城区"
PASSWORD = "demo-pass-2026"  # local demo only: every demo account shares it
VERSION = 2  # bump when the demo's shape changes; recorded in the "demo.load" audit entry


@dataclasses.dataclass(frozen=True)
class BuildingSpec:
    """A walk-up: `floors` × `units` dwellings numbered floor*100+unit (101, 102, ... 606)."""

    name: str
    floors: int
    units: int
    min_m2: int = 40
    max_m2: int = 95


@dataclasses.dataclass(frozen=True)
class ModeStep:
    mode: str
    effective_from: dt.date
    reason: str
    decided_by: str = None


@dataclasses.dataclass(frozen=True)
class OrgSpec:
    kind: str
    name: str
    contact_name: str
    contact_phone: str


@dataclasses.dataclass(frozen=True)
class ContractSpec:
    company: str
    starts_on: dt.date
    ends_on: dt.date
    scope: str
    fee_fen_per_m2: int = None
    credit_code: str = None
    phone: str = None


@dataclasses.dataclass(frozen=True)
class CommunitySpec:
    key: str
    name: str
    address: str
    modes: tuple  # ModeStep, oldest first; the last one is the current mode
    buildings: tuple  # BuildingSpec
    organizations: tuple  # OrgSpec
    contracts: tuple = ()  # ContractSpec, oldest first; the last one's company serves now
    co_owned: int = 3  # dwellings with two co-owners
    tenants: int = 3  # dwellings with a tenant (besides the multi-owner's rented ones)
    multi_owner: tuple = ()  # labels of the dwellings one owner holds (the first is their home)

    @property
    def mode(self):
        return self.modes[-1].mode

    @property
    def dwelling_count(self):
        return sum(b.floors * b.units for b in self.buildings)


@dataclasses.dataclass(frozen=True)
class Grant:
    role: str
    community: str = None  # a CommunitySpec.key; None for admin
    dwellings: tuple = ()  # labels, for residents
    occupancy: str = "owner"


@dataclasses.dataclass(frozen=True)
class UserSpec:
    username: str
    display_name: str
    phone: str
    grants: tuple  # Grant; the first is given at creation


# The party organization and residents' committee of 和平里社区 serve three of the communities;
# 安德里北街小区 belongs to 安德里社区.
HEPINGLI_PARTY = OrgSpec(modes.PARTY, "中共和平里社区委员会", "李秀兰", "13801102318")
HEPINGLI_RESIDENTS = OrgSpec(modes.RESIDENTS, "和平里社区居民委员会", "王淑芬", "13911205567")

COMMUNITIES = (
    CommunitySpec(
        key="hepingli",
        name="和平里小区",
        address="北京市东城区和平里北街12号院",
        modes=(
            ModeStep(modes.COORDINATED, dt.date(2015, 1, 1), "无物业服务企业，由社区居委会协调管理"),
            ModeStep(modes.PROFESSIONAL, dt.date(2025, 1, 1),
                     "老旧小区综合整治完工，经业主大会表决引入专业物业服务企业",
                     "和平里小区业主大会（2024年11月16日）"),
        ),
        buildings=(BuildingSpec("1", 6, 6), BuildingSpec("2", 6, 6), BuildingSpec("3", 6, 4)),
        organizations=(
            HEPINGLI_PARTY,
            HEPINGLI_RESIDENTS,
            OrgSpec(modes.OWNERS, "和平里小区业主委员会", "孙丽华", "13701087742"),
            OrgSpec(modes.COMPANY, "北京安和物业管理有限公司", "陈国强", "13520136689"),
        ),
        contracts=(
            ContractSpec("北京安和物业管理有限公司", dt.date(2025, 1, 1), dt.date(2028, 1, 1),
                         "公共区域保洁、秩序维护、共用部位及共用设施设备维修养护、绿化养护、"
                         "垃圾分类管理", fee_fen_per_m2=85, credit_code="91110101MA01K7Q23X",
                         phone="010-84213366"),
        ),
        co_owned=5,
        tenants=5,
        multi_owner=("1-102", "2-605", "3-403"),
    ),
    CommunitySpec(
        key="qingnianhu",
        name="青年湖东里",
        address="北京市东城区青年湖北街5号院",
        modes=(
            ModeStep(modes.QUASI, dt.date(2022, 3, 1), "改造后引入保安保洁准物业服务，按户收取少量费用"),
        ),
        buildings=(BuildingSpec("1", 5, 6, 42, 78), BuildingSpec("2", 5, 4, 45, 85)),
        organizations=(
            HEPINGLI_PARTY,
            HEPINGLI_RESIDENTS,
            OrgSpec(modes.COMPANY, "北京洁安保安保洁服务有限公司", "吴海燕", "18610237745"),
        ),
        contracts=(
            ContractSpec("北京东城康居保洁服务中心", dt.date(2022, 3, 1), dt.date(2025, 3, 1),
                         "公共区域保洁、垃圾清运", phone="010-64035521"),
            ContractSpec("北京洁安保安保洁服务有限公司", dt.date(2025, 3, 1), dt.date(2028, 3, 1),
                         "门岗值守、夜间巡逻、公共区域保洁、垃圾清运（按户每月20元）",
                         credit_code="91110101MA04BX8N6R", phone="010-64071188"),
        ),
        co_owned=2,
        tenants=3,
    ),
    CommunitySpec(
        key="ditan",
        name="地坛北里",
        address="北京市东城区地坛北里甲3号院",
        modes=(
            ModeStep(modes.COORDINATED, dt.date(2019, 1, 1),
                     "无物业服务企业、未成立业委会，由社区居委会协调管理"),
        ),
        buildings=(BuildingSpec("1", 6, 4, 40, 72), BuildingSpec("2", 6, 4, 40, 72)),
        organizations=(HEPINGLI_PARTY, HEPINGLI_RESIDENTS),
        co_owned=2,
        tenants=4,
    ),
    CommunitySpec(
        key="andeli",
        name="安德里北街小区",
        address="北京市东城区安德里北街20号院",
        modes=(
            ModeStep(modes.COORDINATED, dt.date(2016, 5, 1), "无物业服务企业，由社区居委会协调管理"),
            ModeStep(modes.SELF_GOVERNED, dt.date(2023, 7, 1),
                     "业主委员会依法成立，经业主大会表决实行业主自治管理",
                     "安德里北街小区业主大会（2023年6月18日）"),
        ),
        buildings=(BuildingSpec("1", 6, 6), BuildingSpec("2", 6, 6),
                   BuildingSpec("3", 7, 4, 55, 95)),
        organizations=(
            OrgSpec(modes.PARTY, "中共安德里社区委员会", "韩春梅", "13681035290"),
            OrgSpec(modes.RESIDENTS, "安德里社区居民委员会", "邓丽", "15810427736"),
            OrgSpec(modes.OWNERS, "安德里北街小区业主委员会", "何志刚", "13910356218"),
        ),
        co_owned=4,
        tenants=4,
        multi_owner=("1-201", "1-202", "3-701"),
    ),
)

ALL_KEYS = tuple(spec.key for spec in COMMUNITIES)
_HEPINGLI_SHEQU = ("hepingli", "qingnianhu", "ditan")

USERS = (
    UserSpec("admin", "系统管理员", None, (Grant(roles.ADMIN),)),
    UserSpec("supervisor", "周卫东", "13601016634",
             tuple(Grant(roles.DISTRICT_SUPERVISOR, key) for key in ALL_KEYS)),
    UserSpec("secretary", "李秀兰", "13801102318",
             tuple(Grant(roles.PARTY_SECRETARY, key) for key in _HEPINGLI_SHEQU)),
    UserSpec("manager", "陈国强", "13520136689", (Grant(roles.PROPERTY_MANAGER, "hepingli"),)),
    UserSpec("staff", "刘芳", "15001263378", (Grant(roles.PROPERTY_STAFF, "hepingli"),)),
    UserSpec("tech", "张建军", "13371925406", (Grant(roles.TECHNICIAN, "hepingli"),)),
    UserSpec("owners", "孙丽华", "13701087742", (Grant(roles.OWNERS_COMMITTEE, "hepingli"),)),
    UserSpec("rescom", "王淑芬", "13911205567",
             tuple(Grant(roles.RESIDENTS_COMMITTEE, key) for key in _HEPINGLI_SHEQU)),
    UserSpec("owner", "王建国", "13611093357",
             (Grant(roles.RESIDENT, "hepingli", ("1-502", "3-201")),)),
    UserSpec("tenant", "赵小雨", "18811346620",
             (Grant(roles.RESIDENT, "hepingli", ("2-301",), "tenant"),)),
    UserSpec("qingnianhu", "马桂英", "13146687015",
             (Grant(roles.RESIDENT, "qingnianhu", ("1-302",)),)),
    UserSpec("ditan", "杨文军", "15311872094", (Grant(roles.RESIDENT, "ditan", ("2-504",)),)),
    UserSpec("andeli", "何志刚", "13910356218",
             (Grant(roles.RESIDENT, "andeli", ("2-401",)),
              Grant(roles.OWNERS_COMMITTEE, "andeli"))),
)

USERNAMES = tuple(user.username for user in USERS)

# Name pools for the generated owners and tenants. Owners of 1980s walk-ups are mostly older;
# tenants younger.
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛"
    "闫段雷侯史陶贺顾毛郝龚邵万钱严武戴孔汤"
)
OLDER_GIVEN = (
    "建国", "建华", "国庆", "秀英", "桂英", "玉兰", "淑珍", "凤英", "志强", "卫东", "红梅",
    "丽华", "海燕", "春生", "德福", "振华", "桂兰", "秀珍", "玉梅", "文华", "长海", "国平",
    "淑兰", "建军", "永利", "金凤", "宝山", "秀云", "立新", "建平", "爱华", "福生", "素梅",
    "树林", "玉珍", "广明", "瑞芳", "宏伟", "淑贞", "德胜",
)
YOUNGER_GIVEN = (
    "子涵", "浩然", "欣怡", "雨萱", "思远", "一鸣", "晓东", "磊", "伟", "静", "敏", "娜",
    "强", "杰", "涛", "超", "鹏", "佳琪", "梓轩", "晨曦", "宇航", "文博", "诗雨", "嘉怡",
)
PHONE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "176", "177", "180", "181", "182", "185", "186", "188", "189",
    "199",
)
