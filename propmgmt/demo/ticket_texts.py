"""The demo tickets' words and shapes: what residents report, notes, stories and mixes."""
import dataclasses
import datetime as dt


from propmgmt.communities import modes
from propmgmt.tickets import vocab


BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
JOB_DELAY = dt.timedelta(minutes=5)  # the escalation job runs every five minutes
READ_AFTER = dt.timedelta(days=3)  # notifications older than this have been read

REPAIR, COMPLAINT, URGENT = vocab.REPAIR, vocab.COMPLAINT, vocab.URGENT
FLAT, ENTRANCE, YARD = "flat", "entrance", "yard"  # where an issue is: a dwelling, a stairwell, outdoors
# Which flats an issue fits: the top floor, the ground floor, one with a flat above ({up}), one
# with a flat below ({down}).
TOP, GROUND, HAS_UP, HAS_DOWN = "top", "ground", "has_up", "has_down"
OFFICE = (8, 20)  # when staff and committees work (Beijing time)
AWAKE = (7, 23)  # when residents confirm, reopen and rate

# ---------------------------------------------------------------------------------------------
# What residents report. Placeholders: {b} building, {e} entrance (单元), {n} flat number, {f} floor,
# {up}/{down} the flat above/below, {place} a spot in the compound.


@dataclasses.dataclass(frozen=True)
class Issue:
    key: str
    kind: str
    category: str
    title: str
    description: str
    fix: str  # the handler's note when it is resolved
    where: str = FLAT
    priority: str = vocab.NORMAL
    floors: str = None  # which flats a FLAT issue fits (TOP, GROUND, HAS_UP, HAS_DOWN; None: any)
    about_org: str = None
    modes: tuple = ()  # the management modes it fits (empty: every mode)
    again: str = None  # the resident's note when the fix did not hold
    dismiss: str = None  # the handler's note when it is closed without a repair
    spot: str = None  # the location of a YARD issue that is always in the same place


PRO = (modes.PROFESSIONAL,)
PAID = (modes.PROFESSIONAL, modes.QUASI)

ISSUES = (
    # -- repairs ------------------------------------------------------------------------------
    Issue("kitchen_pipe", REPAIR, "water", "厨房水槽下面的水管漏水",
          "厨房水槽下面的进水管接头一直滴水，已经接了一盆了，关了角阀还在渗，麻烦尽快派人来看看。",
          "更换进水软管和角阀，试水半小时无渗漏。", again="修完第三天接头又开始滴水了。"),
    Issue("bath_leak", REPAIR, "water", "卫生间往楼下渗水",
          "楼下{down}的邻居说他家卫生间顶上一直滴水，怀疑是我家卫生间下水或者防水的问题，"
          "已经关了总阀，请尽快来人查看。",
          "查明为马桶下水口密封圈老化，更换密封圈并打胶，楼下不再滴水。", floors=HAS_DOWN,
          again="修完第二天楼下又说滴水了，比之前还厉害。"),
    Issue("low_pressure", REPAIR, "water", "水压太低，热水器打不着火",
          "这一周每天早晚用水高峰水压都很低，燃气热水器经常打不着火，问了邻居也一样，"
          "是不是楼里的加压泵有问题？",
          "检查二次供水加压泵组，更换损坏的压力传感器，高峰时段水压恢复正常。", floors=TOP),
    Issue("burst_main", REPAIR, "water", "{b}号楼{e}单元门口水管爆裂",
          "{b}号楼{e}单元门口地下的自来水管好像爆了，水从地砖缝里往外冒，门口已经积了一大片，"
          "晚上结冰容易滑倒。",
          "关闭分段阀门，开挖更换破裂管段约1.5米，恢复供水并回填地面。", where=ENTRANCE,
          priority=URGENT),
    Issue("meter_cover", REPAIR, "water", "水表井盖破损",
          "{place}的水表井盖裂成两半了，晚上看不清容易踩空，经常有老人孩子经过，很危险。",
          "更换水表井盖，并检查了周边其他井盖。", where=YARD),
    Issue("no_water", REPAIR, "water", "家里突然停水",
          "今天早上起来家里就没水了，没看到停水通知，问了对门他们家有水，麻烦来看看是不是分户阀门的问题。",
          "分户阀门阀芯脱落，更换阀门后恢复供水。", priority=URGENT,
          dismiss="经核实为自来水公司管网抢修临时停水，已告知住户，现已恢复供水。"),
    Issue("blackout", REPAIR, "power", "{b}号楼{e}单元突然停电",
          "晚上七点多{b}号楼{e}单元全部停电了，别的单元都有电，家里有老人用制氧机，请尽快处理！",
          "单元总开关因进线老化发热跳闸，更换总开关和一段老化进线，已恢复供电。", where=ENTRANCE,
          priority=URGENT),
    Issue("trip", REPAIR, "power", "一开电热水器就跳闸",
          "最近只要一开电热水器，家里的漏电保护器就跳闸，热水器是新换的，怀疑是墙里的线路有问题。",
          "检查为卫生间插座受潮漏电，更换防溅插座，试用不再跳闸。", again="昨天洗澡时又跳闸了。",
          dismiss="经查为电表后户内线路故障，属住户自有部分，已告知住户联系有资质的电工维修。"),
    Issue("meter_box", REPAIR, "power", "楼道电表箱门坏了关不上",
          "{b}号楼{e}单元{f}层的电表箱门合页断了，门一直敞着，里面的电线都露在外面，小孩子经过很不安全。",
          "更换电表箱门合页并加装门锁。", where=ENTRANCE),
    Issue("wall_plaster", REPAIR, "stairwell", "楼道墙皮大面积脱落",
          "{b}号楼{e}单元三四层之间的楼道墙皮一块一块往下掉，地上全是白灰，老人上下楼担心被砸着。",
          "铲除空鼓墙皮，重新刮腻子、刷涂料，清理现场。", where=ENTRANCE),
    Issue("handrail", REPAIR, "stairwell", "楼梯扶手松动",
          "{b}号楼{e}单元二楼到三楼的楼梯扶手晃得厉害，有一段固定螺丝已经掉了，"
          "老人上下楼都扶着它，太危险了。",
          "重新打孔固定扶手立杆，更换锈蚀螺栓，整段扶手加固。", where=ENTRANCE),
    Issue("stair_window", REPAIR, "stairwell", "楼道窗户玻璃碎了",
          "{b}号楼{e}单元{f}楼楼道的窗户玻璃碎了一块，风一吹呼呼往里灌，碎玻璃还挂在窗框上。",
          "清除残留碎玻璃，更换窗玻璃并打胶密封。", where=ENTRANCE),
    Issue("stair_step", REPAIR, "stairwell", "楼梯台阶边角破损",
          "{b}号楼{e}单元一楼上二楼的第三级台阶边角掉了一大块，露出钢筋头，已经有人绊倒过。",
          "凿除松动混凝土，切除外露钢筋头，用修补砂浆重做踏步边角并加装防滑条。", where=ENTRANCE),
    Issue("roof_leak", REPAIR, "roof", "顶楼卧室漏雨",
          "前两天下大雨，卧室顶上靠窗那一块一直往下滴水，墙面都发霉了，请尽快安排修屋顶防水。",
          "屋面局部防水层开裂，铲除后重做SBS防水约12平方米，待下次降雨复查。", floors=TOP,
          again="昨天又下雨，卧室顶上还是滴水，位置往里挪了一点。"),
    Issue("roof_blister", REPAIR, "roof", "屋顶防水层起鼓开裂",
          "我家在{b}号楼顶层，上屋顶看到防水卷材好几处鼓包、裂口，担心雨季漏水，希望提前修一下。",
          "对起鼓部位割开排气、重新热熔粘贴，并加铺一层附加层。", floors=TOP),
    Issue("roof_stair", REPAIR, "roof", "下雨后顶层楼道往下渗水",
          "{b}号楼{e}单元顶层楼道的天花板一下雨就往下渗水，墙角都是水印，楼梯上湿滑。",
          "清理屋面雨水口堵塞的落叶，修补上人孔四周防水，观察一次降雨未再渗水。", where=ENTRANCE),
    Issue("stair_light", REPAIR, "lighting", "{b}号楼{e}单元楼道灯不亮",
          "{b}号楼{e}单元从一楼到三楼的楼道灯都不亮了，晚上上下楼只能打手机电筒，老人孩子很不方便。",
          "更换3只损坏的声控LED灯，检查线路正常。", where=ENTRANCE,
          again="换的灯用了两天，二楼那盏又不亮了。"),
    Issue("sound_light", REPAIR, "lighting", "楼道声控灯不灵敏",
          "{b}号楼{e}单元的声控灯要使劲跺脚才亮，亮了没几秒又灭，能不能换成灵敏一点的？",
          "更换为人体感应LED灯，延时调整为60秒。", where=ENTRANCE,
          again="新换的感应灯四楼那盏不亮，人走到跟前也没反应。"),
    Issue("street_light", REPAIR, "lighting", "路灯坏了好几盏",
          "{place}那几盏路灯已经一个多星期没亮了，晚上黑乎乎的，遛弯的老人容易摔倒。",
          "更换两盏路灯的灯头和一个损坏的驱动电源，已恢复照明。", where=YARD),
    Issue("lift_trapped", REPAIR, "elevator", "{b}号楼{e}单元电梯困人",
          "{b}号楼{e}单元加装的电梯停在三楼和四楼之间不动了，里面有一位老人被困，已经按了警铃，"
          "请马上派人！",
          "维保单位到场解救被困人员，检查为厅门门锁回路故障，已修复并试运行正常。", where=ENTRANCE,
          priority=URGENT),
    Issue("lift_button", REPAIR, "elevator", "电梯按键失灵",
          "{b}号楼{e}单元电梯里5楼的按键按了没反应，每次都得坐到6楼再走下来。",
          "更换轿厢内5层按钮及接线。", where=ENTRANCE),
    Issue("lift_noise", REPAIR, "elevator", "电梯运行有异响",
          "最近{b}号楼{e}单元的电梯上下的时候有咯吱咯吱的响声，坐着心里发毛，请维保公司来检查一下。",
          "维保单位检查为导靴衬磨损，已更换并加注润滑，运行无异响。", where=ENTRANCE,
          again="这两天又开始响了，尤其是到五楼六楼的时候。"),
    Issue("sewer_backflow", REPAIR, "drainage", "下水道堵塞往屋里返水",
          "{b}号楼{e}单元一楼的下水道堵了，污水从我家卫生间地漏往外冒，屋里已经进水了，急！",
          "疏通单元排水立管至化粪池管段，清出大量油污和杂物，已恢复排水。", priority=URGENT,
          floors=GROUND),
    Issue("storm_drain", REPAIR, "drainage", "雨水井堵塞，一下雨就积水",
          "{place}的雨水井篦子被落叶和垃圾堵死了，上周下雨积了半尺深的水，电动车都过不去。",
          "清掏雨水井及连接管道，更换破损雨水篦子。", where=YARD,
          again="昨天下雨又积水了，水还是下不去。"),
    Issue("septic", REPAIR, "drainage", "化粪池井口往外冒污水",
          "{place}的化粪池井盖周围往外冒污水，臭味很大，苍蝇特别多。",
          "联系清掏车抽排化粪池，清理周边地面并消毒。", where=YARD),
    Issue("kitchen_smell", REPAIR, "drainage", "厨房下水返臭味",
          "厨房水池下水一到晚上就返臭味，邻居家也有这种情况，可能是楼里的主管道有问题。",
          "加装防臭存水弯，并疏通厨房排水立管。", again="加了存水弯，晚上还是有一股臭味。"),
    Issue("door_access", REPAIR, "door", "{b}号楼{e}单元门禁坏了",
          "{b}号楼{e}单元的门禁刷卡没反应，单元门一直敞着关不上，外面的人随便进出，晚上不安全。",
          "更换门禁读卡器和电磁锁电源，测试刷卡开门正常。", where=ENTRANCE,
          again="门禁还是时灵时不灵，昨晚又刷不开了。"),
    Issue("door_closer", REPAIR, "door", "单元门闭门器坏了",
          "{b}号楼{e}单元铁门的闭门器坏了，门要么关不严，要么咣当一声砸上，声音很大，还差点夹到孩子的手。",
          "更换闭门器并调整关门速度。", where=ENTRANCE,
          again="新换的闭门器两天就又不好使了，门还是咣当咣当的。"),
    Issue("door_card", REPAIR, "door", "门禁卡刷不开单元门",
          "我新办的门禁卡在{b}号楼{e}单元刷不开门，以前的旧卡也失效了，每次都得等别人开门。",
          "在门禁系统中补录卡号，现场测试正常。", where=ENTRANCE),
    Issue("riser", REPAIR, "pipes", "楼道排水立管锈蚀渗水",
          "{b}号楼{e}单元{f}层楼道里的铸铁排水立管锈穿了，接口处一直往外渗水，墙上一道黑印子，味道也不好。",
          "更换锈蚀铸铁排水立管一段（约2米）为PVC管，接口做密封处理。", where=ENTRANCE),
    Issue("pipe_joint", REPAIR, "pipes", "卫生间下水管接口渗水",
          "卫生间的下水管还是老铸铁管，和楼板交接的地方一直在渗水，楼板都潮了。",
          "更换卫生间一段铸铁下水管及接头，做闭水试验无渗漏。", floors=HAS_DOWN),
    Issue("gas_smell", REPAIR, "gas", "楼道里有很浓的煤气味",
          "{b}号楼{e}单元二楼楼道里有很浓的煤气味，不知道是谁家漏的，大家都不敢开灯，请马上派人来！",
          "联系燃气公司抢修，查明为一户表前阀门老化漏气，已更换阀门，现场检测无泄漏。",
          where=ENTRANCE, priority=URGENT),
    Issue("pothole", REPAIR, "road", "小区路面塌了一个坑",
          "{place}的路面塌了一个坑，下雨积水看不出来，昨天有人骑自行车差点摔倒。",
          "回填夯实后用沥青冷补料修补路面。", where=YARD),
    Issue("manhole", REPAIR, "road", "井盖松动，车一压就响",
          "{place}的井盖松了，汽车一压就咣当咣当响，晚上很吵，也怕哪天翻了。",
          "重新找平井圈并加装防响胶垫。", where=YARD),
    Issue("branches", REPAIR, "greenery", "树枝挡住窗户，需要修剪",
          "{b}号楼北侧的大杨树树枝已经伸到我家窗户跟前了，屋里白天都得开灯，刮风时树枝直打玻璃。",
          "联系园林绿化队修剪靠近住户窗户的树枝。", floors=HAS_UP),
    Issue("dead_tree", REPAIR, "greenery", "绿地里有棵枯树，怕砸着人",
          "{place}有一棵树已经枯死了，树干都裂了，刮大风的时候晃得厉害，下面经常有孩子玩。",
          "经园林部门同意后伐除枯树，补种一棵国槐。", where=YARD),
    Issue("extinguisher", REPAIR, "fire_safety", "楼道灭火器过期",
          "{b}号楼{e}单元楼道里的灭火器压力表指针在红区，标签上的检验日期还是三年前的。",
          "更换本单元全部灭火器，并登记检验日期。", where=ENTRANCE),
    Issue("hydrant", REPAIR, "fire_safety", "消火栓箱玻璃碎了",
          "{b}号楼{e}单元一楼的消火栓箱门玻璃碎了，水带也不见了。",
          "更换消火栓箱门玻璃，补齐水带和水枪。", where=ENTRANCE),
    Issue("bins", REPAIR, "other", "垃圾桶破损",
          "{place}的分类垃圾桶有两个轮子掉了，桶盖也裂了，味道散出来。",
          "更换2个240升分类垃圾桶。", where=YARD),
    Issue("bike_shed", REPAIR, "other", "自行车棚顶棚破了",
          "小区自行车棚的顶棚破了一个大洞，下雨车座全是水，电动车淋雨也不安全。",
          "更换破损的阳光板顶棚4块。", where=YARD, spot="小区自行车棚"),
    # -- complaints -------------------------------------------------------------------------
    Issue("cleaning", COMPLAINT, "service", "楼道保洁不及时",
          "{b}号楼{e}单元的楼道最近一周都没人打扫了，楼梯上有烟头和小广告，扶手上一层灰，"
          "钱交了服务却跟不上。",
          "已约谈保洁负责人，恢复每日清扫，本周内居委会两次抽查均已达标。", where=ENTRANCE,
          modes=PAID),
    Issue("slow_repair", COMPLAINT, "service", "报修三天没人来",
          "上周报修厨房漏水，打了两次电话都说会安排，到现在也没人来，希望物业重视。",
          "已督促物业当日上门维修，并要求物业建立报修回访制度。", modes=PRO),
    Issue("rude", COMPLAINT, "service", "维修师傅态度差",
          "昨天来修水管的师傅说话很冲，修完地上一片狼藉也不收拾，还说“修不好就这样了”。",
          "已向物业公司反馈，物业负责人上门致歉，并对维修人员进行了批评教育。", modes=PRO),
    Issue("gate_guard", COMPLAINT, "service", "门岗夜间无人值守",
          "最近几天晚上十点以后{place}的门岗没有人，外来人员和车辆随便进出。",
          "已与服务单位核实，夜班保安已补齐，居委会将不定期夜间检查。", where=YARD, modes=PAID),
    Issue("garbage", COMPLAINT, "service", "垃圾清运不及时",
          "{place}的垃圾桶满了两天都没清运，垃圾都堆到地上了，臭味很大。",
          "已要求服务单位增加清运频次至每日两次，现场已清理干净。", where=YARD, modes=PAID),
    Issue("reno_noise", COMPLAINT, "neighbor", "楼上装修噪音",
          "楼上{up}在装修，每天早上七点就开始砸墙、打电钻，中午也不停，家里老人心脏不好受不了，"
          "希望能管一管，按规定时间施工。",
          "已上门告知装修户施工时间规定（8:00–12:00，14:00–18:00），装修户承诺遵守，"
          "并在单元门口张贴了装修公示。", floors=HAS_UP),
    Issue("night_noise", COMPLAINT, "neighbor", "楼上深夜噪音扰民",
          "楼上住户每天夜里十二点以后还在拖椅子、来回走动，还有小孩跑跳，已经持续一个多月了，"
          "上去沟通过没用。",
          "联合居委会上门调解，楼上住户同意铺设地垫，夜间注意控制声响。", floors=HAS_UP,
          dismiss="经上门调解，双方已自行协商解决，投诉人同意撤销。"),
    Issue("dog", COMPLAINT, "neighbor", "邻居家的狗半夜叫",
          "对门邻居家养的狗每天半夜叫个不停，白天也经常不拴绳在楼道里跑，孩子很害怕。",
          "已上门提醒养犬户文明养犬、出门牵绳，对方表示会注意。"),
    Issue("ac_drip", COMPLAINT, "neighbor", "楼上空调外机往我家窗台滴水",
          "楼上{up}的空调外机冷凝水一直滴在我家窗台上，嗒嗒响一夜，窗台都泡黑了。",
          "协调楼上住户加装空调冷凝水管，已引至雨水管。", floors=HAS_UP),
    Issue("yard_wall", COMPLAINT, "illegal_construction", "一楼住户私圈绿地盖小院",
          "{b}号楼一楼有住户在楼前绿地上用砖垒了围墙，圈了一个小院，还搭了彩钢棚顶，占用公共绿地。",
          "已上报街道综合执法队，违建部分已责令拆除，绿地恢复中。"),
    Issue("roof_shed", COMPLAINT, "illegal_construction", "顶楼有人在屋顶加盖彩钢房",
          "{b}号楼顶楼有住户在屋顶上盖了一间彩钢房，担心压坏屋面防水，我们顶层本来就漏雨。",
          "综合执法队已下达限期拆除通知，当事人已自行拆除彩钢房。"),
    Issue("shop_door", COMPLAINT, "illegal_construction", "一楼住户破墙开门做生意",
          "{b}号楼一楼有住户把阳台的墙打通了，开了个门对外做小卖部，天天有人进进出出，还破坏了承重墙。",
          "已上报街道综合执法队，责令恢复原状，墙体已砌回。"),
    Issue("hall_junk", COMPLAINT, "clutter", "楼道堆放杂物，影响通行",
          "{b}号楼{e}单元三楼楼道里堆了旧沙发、纸箱和花盆，只剩一个人能过去，万一着火根本跑不出来。",
          "已联系住户自行清理，剩余无主杂物统一清运。", where=ENTRANCE),
    Issue("ebike", COMPLAINT, "clutter", "有人在楼道里给电动车充电",
          "{b}号楼{e}单元有人把电动车推进楼道，从自家窗户拉线充电，这太危险了，别的小区就出过事。",
          "已上门劝导并告知集中充电桩位置，住户已将电动车移出楼道。", where=ENTRANCE),
    Issue("boxes", COMPLAINT, "clutter", "楼道里堆满了纸箱和旧家具",
          "{b}号楼{e}单元一楼楼道被人堆满了捡来的纸箱和旧家具，招蟑螂，还挡着电表箱。",
          "已约谈堆物住户限期清理，三天后复查已清理完毕。", where=ENTRANCE),
    Issue("fire_lane", COMPLAINT, "parking", "消防通道被私家车占用",
          "{b}号楼东侧的消防通道上天天晚上停着好几辆私家车，真要着火了消防车根本进不来，希望能管一管。",
          "在消防通道施划禁停标线、安装提示牌，对长期占道车辆张贴告知单，并安排夜间巡查。",
          where=YARD, spot="{b}号楼东侧消防通道"),
    Issue("ground_lock", COMPLAINT, "parking", "有人私装地锁占用公共车位",
          "{place}有人私自装了两个地锁，把公共车位占成自己的了，别人都停不了。",
          "已通知地锁安装人限期拆除，逾期未拆的已统一清理。", where=YARD),
    Issue("zombie_car", COMPLAINT, "parking", "僵尸车长期占用车位",
          "{place}有一辆白色面包车停了半年多没动过，落满了灰，轮胎都瘪了，占着一个车位。",
          "联系交管部门核查车主并通知挪车，车辆已拖离。", where=YARD),
    Issue("block_door", COMPLAINT, "parking", "外来车辆堵住单元门口",
          "{b}号楼{e}单元门口经常停着外来车辆，轮椅和婴儿车都出不去，打挪车电话也没人接。",
          "在单元门口设置隔离桩并张贴禁停提示，门岗加强外来车辆登记。", where=ENTRANCE),
    Issue("owners_accounts", COMPLAINT, "organization", "业委会公共收益账目不公开",
          "小区电梯广告和停车的收入由业委会管着，可一年多没公示过账目，希望居委会督促公开。",
          "已督促业委会在小区公告栏和业主群公示近一年公共收益收支明细。", about_org=modes.OWNERS),
    Issue("fee_standard", COMPLAINT, "organization", "物业公司服务标准不透明",
          "物业合同里写的设备维护项目很多都没做，要求物业公示服务标准和公共部位维修记录。",
          "已组织物业公司在公告栏公示服务标准、收费依据和近三个月维修记录。",
          about_org=modes.COMPANY, modes=PRO),
    Issue("rescom_delay", COMPLAINT, "organization", "居委会处理问题推诿",
          "楼道堆物的问题反映了好几次，居委会一直说在协调，一个多月了也没个结果。",
          "已约谈居委会负责人，明确专人跟进楼道堆物清理，每周向反映人反馈进度。",
          about_org=modes.RESIDENTS),
    Issue("square_dance", COMPLAINT, "other", "广场舞音响声音太大",
          "每天晚上七点到九点{place}跳广场舞，音响开得特别大，孩子写作业都受影响。",
          "与广场舞队负责人沟通，音响音量调低，结束时间提前到晚上八点半。", where=YARD),
)
ISSUE_BY_KEY = {issue.key: issue for issue in ISSUES}

# Spots in a compound, for YARD issues ({b} and {b2} are two of its buildings).
PLACES = ("小区东门", "小区北门口", "{b}号楼南侧", "{b}号楼和{b2}号楼之间的通道", "自行车棚旁",
          "垃圾分类驿站旁", "小区中心小广场", "{b}号楼西山墙外")

ASSIGN_NOTES = ("请张师傅今天上午上门处理。", "请张师傅下午带配件上门。", "已电话通知张师傅，半小时内到场。",
                None, None)
START_NOTES = (None, None, "已到现场查看。", "师傅已上门，正在排查原因。")
COMPLAINT_START_NOTES = ("已上门了解情况。", "已联系当事人。", None)
CALLBACK_NOTES = ("电话回访，住户确认问题已解决。", "已电话回访报修人，对处理结果表示满意。",
                  "回访住户，确认已修好，关闭工单。")
HOTLINE_CALLBACK = "已向12345热线反馈办理结果，市民表示满意。"
COMPLAINT_CALLBACK = "已向反映人反馈处理结果，对方无异议。"
DISMISS_NOTE = "住户来电告知问题已自行处理好，申请撤单。"
RATING_COMMENTS = {  # by kind and score
    REPAIR: {
        5: ("师傅来得很快，活干得也利索，谢谢！", "处理很及时，态度也好。", "点赞，问题彻底解决了。"),
        4: ("修好了，就是等的时间有点长。", "总体满意，希望下次上门前先打个电话。"),
        3: ("问题解决了，但是前后跑了好几趟。", "修是修好了，现场垃圾没收拾。"),
        2: ("拖了好几天才来，效果一般。",),
        1: ("反映了好几次才有人管，很不满意。",),
    },
    COMPLAINT: {
        5: ("处理很及时，态度也好，谢谢！", "很快就有人上门协调，解决了。"),
        4: ("问题解决了，希望以后多巡查。", "总体满意，就是反馈慢了点。"),
        3: ("处理了，但是过两天又有反弹。",),
        2: ("只是上门说了说，效果一般。",),
        1: ("反映了好几次才有人管，很不满意。",),
    },
}

# ---------------------------------------------------------------------------------------------
# Who does what in each community.

# The users who act for each organization, in order of preference (the first one that holds a
# handler role for it in the community takes the step).
HANDLERS = {
    modes.COMPANY: ("staff", "manager"),
    modes.RESIDENTS: ("rescom",),
    modes.OWNERS: ("owners", "andeli"),
    modes.PARTY: ("secretary",),
}


@dataclasses.dataclass(frozen=True)
class Desk:
    """Who files tickets for residents in a community, and the residents with an account."""

    residents: tuple  # usernames of residents who file for themselves (web/app)
    desk: tuple  # usernames who take phone calls and walk-ins
    hotline: tuple  # usernames who register 12345 hotline orders
    technician: str = None  # whom repairs are assigned to


DESKS = {
    "hepingli": Desk(residents=("owner", "tenant"), desk=("staff",), hotline=("staff", "rescom"),
                     technician="tech"),
    "qingnianhu": Desk(residents=("qingnianhu",), desk=("rescom",), hotline=("rescom",)),
    "ditan": Desk(residents=("ditan",), desk=("rescom",), hotline=("rescom",)),
    "andeli": Desk(residents=(), desk=("andeli",), hotline=("andeli",)),
}

# How many generated tickets end in each way, per community (besides the scripted STORIES):
# rated = confirmed and rated by the resident; closed = confirmed, or closed by the handler after a
# call-back; dismissed = closed without a repair; the others are the status they stay in.
MIXES = {
    "hepingli": {"rated": 6, "closed": 7, "dismissed": 1, "resolved": 2, "in_progress": 2,
                 "assigned": 2, "accepted": 1, "submitted": 1},
    "qingnianhu": {"rated": 2, "closed": 7, "dismissed": 1, "resolved": 2, "in_progress": 1,
                   "accepted": 1, "submitted": 1, "reopened": 1},
    "ditan": {"rated": 2, "closed": 7, "dismissed": 1, "resolved": 1, "in_progress": 1,
              "accepted": 1, "submitted": 1},
    "andeli": {"closed": 11, "dismissed": 1, "resolved": 2, "in_progress": 2, "accepted": 1,
               "submitted": 1},
}
# The scores of the generated "rated" tickets, in order (the scripted stories add a 2, a 3, two
# 4s and a 5): mostly content, a few not.
SCORES = {"hepingli": (5, 5, 4, 5, 4, 5), "qingnianhu": (5, 3), "ditan": (5, 1)}
OPEN_OUTCOMES = ("submitted", "accepted", "assigned", "in_progress", "reopened")
# How long ago (days) a generated ticket with that outcome was filed; plans that miss their
# deadlines or would end in the future are drawn again.
AGES = {"submitted": (0, 1.9), "accepted": (0, 2.5), "assigned": (0, 2), "in_progress": (0, 2.9),
        "resolved": (0.5, 8), "reopened": (1, 8)}
HISTORY_AGES = (3, 60)


@dataclasses.dataclass(frozen=True)
class Story:
    """A scripted ticket, filed `days_ago` at `clock` (Beijing time); each step is
    (hours after filing, action, who, note), `who` a username, "handler" (whoever acts for the
    organization handling the ticket then), "worker" (its assignee, else the handler) or
    "reporter"; a "rate" step's note is (score, comment)."""

    community: str
    issue: str
    days_ago: int
    clock: str
    filer: str
    channel: str = "app"
    # A resident filer files for themselves (by default for their first dwelling); anyone else
    # files for an occupant without a login of `dwelling` (a label such as "3-101").
    dwelling: str = None
    steps: tuple = ()


STORIES = (
    # 和平里小区: the fire lane nobody could clear: overdue, escalated automatically to the
    # residents' committee, then by hand to the party organization.
    Story("hepingli", "fire_lane", 9, "10:20", "rescom", "hotline_12345", dwelling="3-101", steps=(
        (0.8, "accept", "staff", None),
        (3, "start", "staff", "已在消防通道张贴禁停告知单，安排秩序维护员夜间巡查劝离。"),
        (143.5, "escalate", "rescom", "占道车辆多为外来车辆，物业和居委会劝导无效，需协调交警和街道综合执法，"
                                    "提请社区党委协调。"),
    )),
    # Nobody answered the tenant for a day: the job escalated it, the residents' committee had it fixed.
    Story("hepingli", "stair_light", 6, "21:30", "tenant", steps=(
        (35.5, "accept", "handler", "物业未及时响应，居委会已督促物业今天上午派人。"),
        (35.8, "assign", "handler", "请张师傅今天上午处理。"),
        (37.5, "start", "worker", None),
        (39, "resolve", "worker", "更换2只损坏的声控灯，检查线路正常。"),
        (43, "confirm", "reporter", None),
        (43.1, "rate", "reporter", (2, "报了一天多都没人理，最后还是居委会催了才来修，灯是修好了。")),
    )),
    # The leak that came back.
    Story("hepingli", "bath_leak", 24, "08:10", "owner", dwelling="3-201", steps=(
        (1, "accept", "staff", None),
        (1.2, "assign", "staff", "请张师傅上午上门查看。"),
        (4, "start", "tech", None),
        (6, "resolve", "tech", "查明为马桶下水口密封圈老化，更换密封圈并打胶，楼下不再滴水。"),
        (30, "reopen", "owner", "修完第二天楼下又说滴水了，比之前还厉害。"),
        (31, "accept", "staff", "已安排张师傅再次上门。"),
        (33, "start", "tech", None),
        (36, "resolve", "tech", "重新做卫生间局部防水并做24小时闭水试验，楼下确认不再渗水。"),
        (84, "confirm", "owner", None),
        (84.1, "rate", "owner", (3, "来回折腾了两次才修好，第二次师傅很认真。")),
    )),
    # A fix that did not hold, reopened yesterday.
    Story("hepingli", "door_closer", 4, "09:15", "owner", dwelling="1-502", steps=(
        (0.5, "accept", "staff", None),
        (0.6, "assign", "staff", "请张师傅明天上午带配件上门。"),
        (23.5, "start", "tech", None),
        (24.5, "resolve", "tech", "更换闭门器并调整关门速度。"),
        (71.5, "reopen", "owner", "新换的闭门器两天就又不好使了，门还是咣当咣当的。"),
    )),
    # An urgent call handled within the hour.
    Story("hepingli", "lift_trapped", 17, "18:40", "staff", "phone", dwelling="2-503", steps=(
        (0.15, "accept", "staff", None),
        (0.2, "assign", "staff", "张师傅马上联系电梯维保单位一起到场。"),
        (0.4, "start", "tech", None),
        (1.1, "resolve", "tech", "维保单位到场解救被困人员，检查为厅门门锁回路故障，已修复并试运行正常。"),
        (38.5, "close", "staff", "电话回访，住户表示维保人员到场及时，电梯已正常运行。"),
    )),
    # A complaint about the property company goes to the residents' committee.
    Story("hepingli", "slow_repair", 33, "19:05", "owner", dwelling="1-502", steps=(
        (14, "accept", "rescom", None),
        (16, "start", "rescom", "已约物业项目经理面谈。"),
        (45, "resolve", "rescom", "已督促物业当日上门维修，并要求物业建立报修回访制度。"),
        (62, "confirm", "owner", None),
        (62.2, "rate", "owner", (4, "居委会很负责，物业态度也有改进。")),
    )),
    # The property manager hands an illegal construction to the residents' committee.
    Story("hepingli", "yard_wall", 3, "10:00", "staff", "walk_in", dwelling="2-402", steps=(
        (0.5, "accept", "staff", None),
        (3, "escalate", "manager", "违建认定和拆除需由街道综合执法队处理，物业已劝阻无效，提请居委会协调。"),
        (23, "start", "rescom", "已将情况上报街道综合执法队，等待现场核查。"),
    )),
    # A roof waiting for dry weather, past its deadline: escalated to the residents' committee.
    Story("hepingli", "roof_blister", 11, "14:30", "staff", "phone", dwelling="1-604", steps=(
        (2, "accept", "staff", None),
        (2.2, "assign", "staff", "请张师傅明天上屋面查看。"),
        (20, "start", "tech", "防水层大面积起鼓，需等连续晴天后施工，材料已订购。"),
    )),
    # 青年湖东里: a roof that needs the maintenance fund, with the party organization since.
    Story("qingnianhu", "roof_leak", 12, "08:40", "rescom", "phone", dwelling="2-502", steps=(
        (0.5, "accept", "rescom", None),
        (3, "start", "rescom", "已联系房管所查看，需屋面整体维修，正在申请维修资金。"),
    )),
    # The residents' committee hands an illegal construction to the party organization.
    Story("qingnianhu", "roof_shed", 20, "20:10", "qingnianhu", steps=(
        (14, "accept", "rescom", None),
        (17, "escalate", "rescom", "经现场核实确属违建，需街道综合执法队依法处置，提请社区党委协调。"),
        (38, "start", "secretary", "已与街道综合执法队对接，约定本周现场核查。"),
        (110, "resolve", "secretary", "综合执法队已下达限期拆除通知，当事人已自行拆除彩钢房。"),
        (134, "confirm", "qingnianhu", None),
        (134.1, "rate", "qingnianhu", (5, "党委出面协调，效率很高，感谢！")),
    )),
    # 地坛北里: filed at night, never answered: escalated to the party organization.
    Story("ditan", "storm_drain", 3, "22:10", "ditan"),
    # A complaint about the residents' committee goes to the party organization.
    Story("ditan", "rescom_delay", 28, "09:30", "ditan", steps=(
        (5, "accept", "secretary", None),
        (30, "start", "secretary", "已约居委会负责人了解情况。"),
        (72, "resolve", "secretary", "已约谈居委会负责人，明确专人跟进楼道堆物清理，每周向反映人反馈进度。"),
        (80, "confirm", "ditan", None),
        (80.1, "rate", "ditan", (4, None)),
    )),
    # 安德里北街小区: a complaint about the owners' committee from the district 12345 hotline,
    # routed to the residents' committee, unanswered, escalated.
    Story("andeli", "cleaning_self", 4, "11:00", "supervisor", "hotline_12345", dwelling="3-302"),
    # The owners' committee asks the residents' committee to organise the maintenance-fund vote.
    Story("andeli", "roof_leak", 6, "09:00", "andeli", "phone", dwelling="3-702", steps=(
        (1, "accept", "andeli", None),
        (3, "start", "andeli", "已上屋面查看，防水层大面积老化，局部修补解决不了。"),
        (30, "escalate", "andeli", "需使用专项维修资金，须经业主大会表决，提请社区居委会指导组织表决。"),
    )),
)

# Issues only the scripted stories use.
STORY_ISSUES = (
    Issue("cleaning_self", COMPLAINT, "service", "业委会选聘的保洁员经常不来",
          "{b}号楼的楼道快两个星期没人打扫了，业委会说选聘了保洁员，可根本见不着人，反映了也没人管。",
          "已约谈业委会，督促更换保洁服务人员并公示保洁时间表。", where=ENTRANCE,
          modes=(modes.SELF_GOVERNED,)),
)
ISSUE_BY_KEY.update({issue.key: issue for issue in STORY_ISSUES})
