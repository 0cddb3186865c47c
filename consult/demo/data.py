"""The consult demo's content: ten research topics and their stories, the plan of each advisory
report (the texts of the long ones are consult/demo/reports/<slug>.md), three short reports of
our own, and the officials' feedback.

Dates are "MM-DD" of the current year, or "+1:MM-DD" of the next; the seeder maps the past
ones onto the part of the year already gone (see seed.Calendar)."""

from typing import NamedTuple

from consult.models import Instruction, Report, TopicDocument

K = TopicDocument.Kind
L = Instruction.Level

# The staff who draft a region's reports; everything else is handled at the autonomous-region
# level, which also approves and issues every report.
ISSUER = "staff_xj"
# Officials who read and answer reports, in the order they are tried.
OFFICIALS = ("official_a", "official_c", "official_b")


class Member(NamedTuple):
    """A team member: a demo expert by ref, or the first expert whose research directions
    contain one of `find` (verified ones first); `outside` ones come from another province."""

    role: str
    ref: str = ""
    find: tuple[str, ...] = ()
    outside: bool = False


class Milestone(NamedTuple):
    title: str
    due: str
    done: str = ""


class TopicSpec(NamedTuple):
    key: str
    title: str
    summary: str
    region: str
    discipline: str
    problems: tuple[str, ...]  # title keywords of the demo problems it takes up
    lead: str  # an expert's ref (ZJ-DEMO-nnn) or a society's name
    team: tuple[Member, ...]
    budget: str  # 10,000 yuan
    start: str
    end: str
    milestones: tuple[Milestone, ...]
    # (date, step, *arguments); steps: create, document (kind, file name, note), approve
    # (reason), start, update (percent, text), midterm, resume (reason), conclude (reason),
    # terminate (reason). The team and milestones are set up when the topic is approved (at
    # creation for a topic still proposed); milestones are ticked off on their dates.
    story: tuple[tuple, ...]


TOPICS = (
    TopicSpec(
        key="textile",
        title="南疆棉纺织关键专件国产化与印染绿色工艺研究",
        summary="围绕南疆棉纺织产业的“卡脖子”环节，调研紧密纺负压集聚组件、喷气织机主喷电磁阀等"
        "关键专件的进口依赖程度和国产件质量差距，评估活性染料低盐低碱染色工艺和异性纤维在线检测"
        "装置的推广条件，提出专件国产化验证、首批次应用支持和印染绿色转型的政策建议。",
        region="650000",
        discipline="540",
        problems=("活性染料", "异性纤维", "紧密纺", "喷气织机"),
        lead="ZJ-DEMO-013",
        team=(
            Member("课题组副组长", ref="ZJ-DEMO-020"),
            Member("染整工艺", find=("染整", "印染")),
            Member("纺纱车间数字化", find=("工业互联网平台",), outside=True),
        ),
        budget="30.00",
        start="01-12",
        end="06-30",
        milestones=(
            Milestone("完成调研方案和企业调查问卷设计", "01-31", "01-27"),
            Milestone("完成喀什、阿克苏、石河子12家棉纺织企业实地调研", "02-28", "02-26"),
            Milestone("形成智库专报并报送", "03-20", "03-18"),
            Milestone("结题验收", "04-30", "04-08"),
        ),
        story=(
            ("01-06", "create"),
            ("01-08", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("01-12", "approve", "列入2026年度第一批科协智库课题。"),
            ("01-15", "start"),
            (
                "02-06",
                "update",
                30,
                "完成调研方案和问卷设计，赴喀什、阿克苏开展第一轮实地调研，走访棉纺企业7家，"
                "收集紧密纺专件更换记录和吨纱能耗数据。",
            ),
            (
                "03-02",
                "update",
                75,
                "完成12家企业调研和国产集聚组件对比试纺，形成智库专报初稿，正在征求纺织行业协会意见。",
            ),
            ("04-02", "document", K.FINAL, "结题报告.pdf", "含调研数据汇编"),
            ("04-08", "conclude", "结题验收通过，专家组评定为优秀；形成智库专报1篇。"),
        ),
    ),
    TopicSpec(
        key="livestock",
        title="新疆褐牛良种繁育与智慧牧场监测技术研究",
        summary="针对新疆褐牛性控冻精分选设备和关键试剂依赖进口、受胎率偏低、胚胎生产规模小等问题，"
        "调研塔城、伊犁核心育种场和规模牧场，评估性控冻精和体外胚胎生产技术路线，研究发情监测、"
        "圈舍环境智能监测在规模牧场的应用条件，提出良种繁育体系建设的政策建议。",
        region="654200",
        discipline="23020",
        problems=("褐牛", "胚胎"),
        lead="ZJ-DEMO-014",
        team=(
            Member("胚胎工程", ref="ZJ-DEMO-010"),
            Member("企业技术专家", find=("胚胎",)),
            Member("胚胎移植", find=("牛羊育种", "胚胎移植"), outside=True),
        ),
        budget="25.00",
        start="01-26",
        end="07-31",
        milestones=(
            Milestone("完成塔城、伊犁核心育种场调研", "03-15", "03-12"),
            Milestone("完成性控冻精受胎率对比数据分析", "04-10", "04-08"),
            Milestone("形成决策参考并报送", "04-30", "04-22"),
            Milestone("结题验收", "07-31", "07-24"),
        ),
        story=(
            ("01-19", "create"),
            ("01-21", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("01-30", "approve", "列入2026年度第一批科协智库课题。"),
            ("02-05", "start"),
            (
                "03-06",
                "update",
                35,
                "完成额敏、沙湾和伊犁3个核心育种场调研，整理近三年性控冻精配种记录4600余条。",
            ),
            ("03-30", "midterm"),
            ("04-02", "document", K.MIDTERM, "中期检查报告.pdf", ""),
            ("04-09", "resume", "中期检查通过；请补充区域胚胎生产中心的建设和运行成本测算。"),
            (
                "05-20",
                "update",
                80,
                "决策参考已报送；完成胚胎生产中心建设方案比选和成本测算，启动规模牧场发情监测试点"
                "数据分析。",
            ),
            ("07-16", "document", K.FINAL, "结题报告.pdf", ""),
            ("07-24", "conclude", "结题验收通过，评定为良好。"),
        ),
    ),
    TopicSpec(
        key="wind",
        title="北疆风电机组叶片覆冰监测除冰与老旧机组主控系统国产化改造研究",
        summary="针对北疆风电场冬季叶片覆冰造成的发电量损失和甩冰安全隐患，以及早期投运机组进口主控"
        "PLC停产断供、控制软件不开放等问题，调研塔城、阿勒泰、哈密等地风电场，评估国产覆冰监测、"
        "电热除冰和主控系统国产化改造方案的技术经济性，提出老旧风电场改造升级的支持政策建议。",
        region="654200",
        discipline="47040",
        problems=("风电机组",),
        lead="ZJ-DEMO-012",
        team=(
            Member("主控系统国产化", ref="ZJ-DEMO-011"),
            Member("风电场运维", find=("风电",)),
            Member("覆冰监测算法", find=("风电机组故障诊断", "风电并网"), outside=True),
            Member("控制软件国产化", find=("PLC国产化替代",), outside=True),
        ),
        budget="40.00",
        start="02-16",
        end="09-30",
        milestones=(
            Milestone("完成和布克赛尔、托里风电场覆冰观测布点", "03-15", "03-10"),
            Milestone("完成国产主控PLC样机台架测试", "05-10", "05-08"),
            Milestone("形成智库专报并报送", "05-31", "05-27"),
            Milestone("完成2台机组主控系统国产化改造示范", "08-15", "08-12"),
            Milestone("结题验收", "09-30", "08-26"),
        ),
        story=(
            ("02-05", "create"),
            ("02-06", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("02-13", "approve", "列入2026年度第一批科协智库课题。"),
            ("02-18", "start"),
            (
                "03-20",
                "update",
                30,
                "在和布克赛尔、托里2个风电场12台机组加装覆冰监测终端，积累覆冰过程数据；完成主控系统"
                "国产化改造技术路线论证。",
            ),
            ("04-28", "midterm"),
            ("04-30", "document", K.MIDTERM, "中期检查报告.pdf", ""),
            ("05-08", "resume", "中期检查通过。"),
            (
                "07-03",
                "update",
                90,
                "2台1.5 MW机组完成主控系统国产化改造并网运行，累计运行1200小时无故障；"
                "覆冰识别准确率达到96%。",
            ),
            ("08-20", "document", K.FINAL, "结题报告.pdf", ""),
            ("08-26", "conclude", "结题验收通过，评定为优秀；改造方案在和布克赛尔县风电场推广。"),
        ),
    ),
    TopicSpec(
        key="fruit",
        title="南疆特色林果采后保鲜与冷链物流短板研究",
        summary="围绕南疆甜瓜、红枣、核桃、巴旦木等特色林果“运得远、卖上价”，调研喀什、和田、阿克苏"
        "产地预冷、气调贮藏和长途冷链运输环节的损耗与成本，评估气调设备国产化、坚果黄曲霉毒素"
        "现场快检和冷链集配中心建设的可行路径，提出补齐采后保鲜和冷链物流短板的对策建议。",
        region="653100",
        discipline="550",
        problems=("甜瓜", "气调", "坚果", "红枣", "巴旦木"),
        lead="ZJ-DEMO-008",
        team=(
            Member("保鲜包装", ref="ZJ-DEMO-016"),
            Member("产地调研", find=("保鲜",)),
            Member("冷链物流", find=("冷链",), outside=True),
        ),
        budget="28.00",
        start="03-02",
        end="08-31",
        milestones=(
            Milestone("完成喀什、和田、阿克苏产地冷链设施摸底", "04-10", "04-07"),
            Milestone("完成甜瓜长途运输保鲜对比试验", "05-31", "06-04"),
            Milestone("形成智库专报并报送", "07-15", "07-08"),
            Milestone("结题验收", "08-31", "09-08"),
        ),
        story=(
            ("02-24", "create"),
            ("02-26", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("03-03", "approve", "列入2026年度第一批科协智库课题，由喀什地区科协具体管理。"),
            ("03-09", "start"),
            (
                "04-15",
                "update",
                40,
                "完成喀什、和田、阿克苏3地21家林果企业和合作社调研，摸清产地预冷库、气调库的分布和"
                "利用率。",
            ),
            (
                "06-10",
                "update",
                70,
                "甜瓜长途运输保鲜对比试验完成3个批次，到货损耗率由21%降至9%；专报初稿已完成。",
            ),
            ("08-28", "document", K.FINAL, "结题报告.pdf", ""),
            ("09-08", "conclude", "结题验收通过，评定为良好。"),
        ),
    ),
    TopicSpec(
        key="petro",
        title="重质原油加氢裂化催化剂国产化与炼化装置腐蚀在线监测研究",
        summary="针对我区炼化企业加工重质原油比例上升、进口加氢裂化催化剂失活快且再生受限、关键腐蚀"
        "回路在线监测覆盖率低等问题，调研克拉玛依、独山子、泽普等地炼化企业，评价国产催化剂工业"
        "应用条件，研究腐蚀在线监测“补点扩面”方案和关键装备锻件、气阀的国产化配套路径。",
        region="650000",
        discipline="530",
        problems=("加氢裂化", "加氢反应器", "气阀", "腐蚀"),
        lead="ZJ-DEMO-009",
        team=(
            Member("催化剂评价", ref="ZJ-DEMO-015"),
            Member("在线监测与计量", ref="ZJ-DEMO-019"),
            Member("现场腐蚀调查", find=("腐蚀",)),
            Member("腐蚀监测", find=("管道腐蚀检测",), outside=True),
        ),
        budget="45.00",
        start="03-23",
        end="+1:03-31",
        milestones=(
            Milestone("完成区内7家炼化企业调研", "05-15", "05-12"),
            Milestone("完成国产催化剂实验室评价", "07-31", "07-28"),
            Milestone("形成决策参考并报送", "08-31", "08-19"),
            Milestone("完成催化剂工业侧线试验", "+1:01-31"),
            Milestone("结题验收", "+1:03-31"),
        ),
        story=(
            ("03-12", "create"),
            ("03-16", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("03-20", "approve", "列入2026年度第一批科协智库课题。"),
            ("03-25", "start"),
            (
                "05-08",
                "update",
                30,
                "完成独山子、克拉玛依、泽普等7家炼化企业调研，建立加氢裂化装置运行和腐蚀泄漏事件台账。",
            ),
            (
                "07-31",
                "update",
                50,
                "完成3个国产催化剂牌号的实验室活性和稳定性评价，中间馏分油选择性达到81%。",
            ),
            (
                "09-18",
                "update",
                60,
                "决策参考已报送；与昆仑石化商定侧线试验方案，腐蚀在线监测补点方案完成初稿。",
            ),
            ("10-22", "document", K.MIDTERM, "中期检查报告.pdf", ""),
            ("10-26", "midterm"),
        ),
    ),
    TopicSpec(
        key="drip",
        title="膜下滴灌关键材料与装备国产化替代研究",
        summary="围绕膜下滴灌带耐候母粒和光稳定剂、内镶贴片式滴头高精度模具、水肥一体化控制器和"
        "传感器等进口依赖环节，开展塔城、南疆田间老化对比试验和企业调研，评估国产材料与装备的"
        "性能差距和替代路径，研究“一带两季”标准引导和废旧滴灌带回收再生的政策措施。",
        region="650000",
        discipline="41650",
        problems=("滴头", "膜下滴灌带", "水肥一体化"),
        lead="新疆农业工程学会",
        team=(
            Member("技术负责人", ref="ZJ-DEMO-004"),
            Member("材料老化", ref="ZJ-DEMO-002"),
            Member("滴灌装备", ref="ZJ-DEMO-001"),
            Member("田间试验设计", find=("膜下滴灌", "农田水利"), outside=True),
        ),
        budget="50.00",
        start="04-13",
        end="+1:04-30",
        milestones=(
            Milestone("完成塔城、喀什田间老化试验布点", "05-31", "05-26"),
            Milestone("完成国产耐候母粒配方第一轮对比试验", "08-31", "08-25"),
            Milestone("形成智库专报并报送", "09-20", "09-16"),
            Milestone("完成国产高精度滴头模具样机测试", "10-31"),
            Milestone("结题验收", "+1:04-30"),
        ),
        story=(
            ("04-02", "create"),
            ("04-03", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("04-10", "approve", "列入2026年度科协智库重点课题，由新疆农业工程学会牵头承担。"),
            ("04-16", "start"),
            (
                "05-29",
                "update",
                25,
                "在塔城市、额敏县和疏勒县布设田间老化试验点6处，投放国产、进口滴灌带对比样品18组。",
            ),
            ("07-20", "midterm"),
            ("07-22", "document", K.MIDTERM, "中期检查报告.pdf", ""),
            ("07-31", "resume", "中期检查通过；建议增加国产滴头模具样机测试内容。"),
            (
                "08-28",
                "update",
                55,
                "完成第一轮耐候母粒配方对比试验，国产配方氙灯老化1000小时后断裂伸长率保持率达到72%。",
            ),
            (
                "10-30",
                "update",
                70,
                "智库专报已报送并获批示；滴头模具样机因热流道组件到货延迟，测试推迟至12月。",
            ),
        ),
    ),
    TopicSpec(
        key="newmat",
        title="晶硅光伏与锂电新材料产业链关键辅材和检测装备研究",
        summary="针对我区晶硅光伏和锂电新材料产业“原料强、辅材弱、装备靠进口”的结构性短板，调研哈密、"
        "昌吉、石河子、五家渠等地企业，梳理TOPCon低温银浆、石英坩埚、电池级化学品、高镍前驱体"
        "检测装备等关键辅材和装备的进口依赖，提出本地配套和检测能力建设的对策建议。",
        region="650000",
        discipline="430",
        problems=("光伏", "锂电", "晶硅", "多晶硅"),
        lead="ZJ-DEMO-017",
        team=(
            Member("检测装备", ref="ZJ-DEMO-003"),
            Member("企业技术专家", find=("锂",)),
            Member("锂电材料", find=("硅碳负极材料", "锂离子电池电解液"), outside=True),
        ),
        budget="35.00",
        start="05-11",
        end="+1:05-31",
        milestones=(
            Milestone("完成哈密、昌吉、石河子等地企业调研", "07-15", "07-10"),
            Milestone("完成关键辅材和检测装备进口依赖清单", "08-31", "09-05"),
            Milestone("形成智库专报并报送", "10-31", "10-21"),
            Milestone("完成检测装备国产化验证方案", "12-31"),
            Milestone("结题验收", "+1:05-31"),
        ),
        story=(
            ("04-28", "create"),
            ("04-30", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("05-08", "approve", "列入2026年度第一批科协智库课题。"),
            ("05-14", "start"),
            ("06-30", "update", 30, "完成哈密、昌吉2地9家光伏和锂电企业调研。"),
            (
                "09-25",
                "update",
                60,
                "完成关键辅材和检测装备进口依赖清单（共37项），专报初稿送审。",
            ),
        ),
    ),
    TopicSpec(
        key="sheep",
        title="羊舍环境智能监测与疫病预警系统应用研究",
        summary="面向塔城地区标准化羊舍，研究温湿度、氨气、二氧化碳等环境参数监测和常见疫病早期预警"
        "的技术方案，评估国产监测终端和预警平台在合作社的适用性和运维成本。",
        region="654200",
        discipline="23020",
        problems=(),  # 立项 on the CAST's own initiative: the enterprise's request was rejected
        lead="ZJ-DEMO-011",
        team=(
            Member("畜牧养殖", ref="ZJ-DEMO-010"),
            Member("物联网终端", find=("物联网",)),
            Member("疫病预警", find=("动物疫病诊断技术", "人畜共患病"), outside=True),
        ),
        budget="15.00",
        start="06-22",
        end="12-31",
        milestones=(
            Milestone("完成额敏县10个合作社羊舍现状调查", "07-31", "07-24"),
            Milestone("完成国产监测终端比选", "08-31"),
            Milestone("完成预警模型试运行", "11-30"),
        ),
        story=(
            ("06-03", "create"),
            ("06-05", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("06-15", "approve", "列入2026年度第二批科协智库课题。"),
            ("06-22", "start"),
            (
                "07-28",
                "update",
                25,
                "完成额敏县10个合作社羊舍调查；市面国产监测终端已能满足温湿度、氨气监测需求。",
            ),
            ("08-28", "document", K.OTHER, "课题终止评估意见.pdf", "专家组评估意见"),
            (
                "09-02",
                "terminate",
                "经专家组评估，羊舍环境监测已有成熟国产产品可选，不属于“卡脖子”技术难题；推广应用"
                "转由塔城地区科协“科技服务进企业”活动对接解决，课题终止，已拨经费按规定结算。",
            ),
        ),
    ),
    TopicSpec(
        key="recycle",
        title="废旧滴灌带回收再生利用技术与回收体系研究",
        summary="针对北疆废旧滴灌带回收量大、夹带泥沙秸秆、清洗耗水大、再生料性能不稳定等问题，研究"
        "低耗水干法除杂、再生聚乙烯增容稳定化改性和再生料在滴灌带生产中的掺混比例，探索"
        "“以旧换新”闭环回收模式和配套支持政策。",
        region="654200",
        discipline="430",
        problems=("废旧滴灌带",),
        lead="ZJ-DEMO-002",
        team=(
            Member("清洗废水处理", ref="ZJ-DEMO-018"),
            Member("滴灌应用", ref="ZJ-DEMO-004"),
            Member("田间回收调查", find=("回收",)),
        ),
        budget="20.00",
        start="12-01",
        end="+1:08-31",
        milestones=(
            Milestone("完成实施方案细化和开题论证", "11-20", "11-18"),
            Milestone("完成塔城地区废旧滴灌带回收量调查", "+1:01-31"),
            Milestone("完成干法除杂中试", "+1:05-31"),
            Milestone("结题验收", "+1:08-31"),
        ),
        story=(
            ("10-20", "create"),
            ("10-22", "document", K.PROPOSAL, "课题申报书.pdf", ""),
            ("11-06", "approve", "列入2026年度第二批科协智库课题。"),
        ),
    ),
    TopicSpec(
        key="cotton",
        title="机采棉采摘部件与智能测产系统国产化研究",
        summary="围绕采棉机采棉头摘锭、脱棉盘等易损关键部件和智能测产、故障诊断系统依赖进口的问题，"
        "研究摘锭表面强化工艺和寿命评价方法，开展国产测产传感器田间标定，提出兵地协同攻关和"
        "首台（套）推广应用的建议。",
        region="650000",
        discipline="41650",
        problems=("采棉", "采摘机"),
        lead="ZJ-DEMO-001",
        team=(
            Member("采收工艺", ref="ZJ-DEMO-005"),
            Member("摘锭材料与寿命", find=("采棉机关键部件", "棉花收获机械"), outside=True),
        ),
        budget="30.00",
        start="+1:01-05",
        end="+1:12-31",
        milestones=(
            Milestone("完成兵团第八师、第七师采棉机作业调研", "+1:03-31"),
            Milestone("完成摘锭表面强化工艺小试", "+1:07-31"),
            Milestone("完成测产传感器田间标定", "+1:10-31"),
            Milestone("结题验收", "+1:12-31"),
        ),
        story=(
            ("11-12", "create"),
            ("11-13", "document", K.PROPOSAL, "课题申报书.pdf", "待立项评审"),
        ),
    ),
)


# --- reports -------------------------------------------------------------------------------


class ReportText(NamedTuple):
    """What a report file (consult/demo/reports/<slug>.md) holds."""

    slug: str
    series: str
    title: str
    authors: str
    summary: str
    circulation: str
    addressees: tuple[str, ...]
    copies: tuple[str, ...]
    body: str


class InstructionSpec(NamedTuple):
    date: str
    level: str
    leader: str
    text: str
    # Recorded online by this official when the report reaches their body; otherwise (and
    # when empty) by the report's staff from the paper original sent by `body`.
    official: str = ""
    body: str = ""


class AdoptionSpec(NamedTuple):
    date: str
    document: str
    note: str
    official: str = ""
    body: str = ""


class ReportPlan(NamedTuple):
    topic: str | None
    issued: str  # the day it is issued, or for an unissued one the day of its last save
    status: str = Report.Status.ISSUED
    downloads: int = 3
    returned: str = ""  # sent back once from internal review, with this reason
    correction: str = ""  # the day of a correction (更正)
    withdrawn: tuple[str, str] | None = None  # (day, reason)
    instructions: tuple[InstructionSpec, ...] = ()
    adoptions: tuple[AdoptionSpec, ...] = ()


OFFICE = "新疆维吾尔自治区人民政府办公厅"
DRC = "新疆维吾尔自治区发展和改革委员会"
MIIT = "新疆维吾尔自治区工业和信息化厅"
KASHGAR = "喀什地区行政公署办公室"

REPORT_PLANS = {
    "textile": ReportPlan(
        "textile",
        "03-18",
        downloads=5,
        instructions=(
            InstructionSpec(
                "03-27",
                L.PROVINCIAL,
                "李副主席",
                "专报反映的问题很重要。请工业和信息化厅会同发展改革委、科技厅，研究棉纺织关键专件"
                "国产化攻关和印染绿色工艺推广的具体措施，纳入纺织服装产业年度工作要点。",
                body=OFFICE,
            ),
        ),
        adoptions=(
            AdoptionSpec(
                "06-12",
                "《自治区纺织服装产业链关键核心技术攻关清单（2026年版）》",
                "专报提出的紧密纺集聚组件、喷气织机主喷电磁阀和低盐低碱染色工艺3项建议列入攻关清单。",
                official="official_c",
            ),
        ),
    ),
    "livestock": ReportPlan(
        "livestock",
        "04-22",
        downloads=6,
        instructions=(
            InstructionSpec(
                "05-06",
                L.COUNTY,
                "刘局长（塔城地区畜牧兽医局）",
                "请结合地区褐牛核心群建设，将性控冻精推广和胚胎移植纳入明年畜牧业重点工作，额敏县"
                "先行开展试点。",
                official="official_b",
            ),
        ),
        adoptions=(
            AdoptionSpec(
                "07-20",
                "《塔城地区新疆褐牛良种繁育体系建设实施方案（2026—2030年）》",
                "采纳建设区域胚胎生产中心和对性控冻精配种给予补贴的建议。",
                official="official_b",
            ),
        ),
    ),
    "wind": ReportPlan(
        "wind",
        "05-27",
        downloads=4,
        correction="06-10",
        instructions=(
            InstructionSpec(
                "06-05",
                L.BUREAU,
                "张副主任（自治区发展改革委）",
                "请能源处结合老旧风电场改造升级工作，研究将叶片覆冰监测除冰和主控系统国产化改造"
                "纳入技改支持范围。",
                official="official_c",
                body=DRC,
            ),
        ),
        adoptions=(
            AdoptionSpec(
                "08-14",
                "《自治区老旧风电场改造升级实施方案》",
                "采纳对主控系统国产化改造和覆冰监测加装实行“以大代小、技改先行”支持的建议。",
                official="official_c",
                body=DRC,
            ),
        ),
    ),
    "fruit": ReportPlan(
        "fruit",
        "07-08",
        downloads=3,
        returned="请补充对策建议部分各项措施的责任单位、资金来源和完成时限。",
        instructions=(
            InstructionSpec(
                "07-17",
                L.BUREAU,
                "王副专员（喀什地区行政公署）",
                "请地区农业农村局、商务局牵头，结合南疆林果业提质增效，研究产地预冷和冷链集配中心"
                "建设方案，9月底前报行署。",
                body=KASHGAR,
            ),
        ),
    ),
    "petro": ReportPlan(
        "petro",
        "08-19",
        downloads=4,
        instructions=(
            InstructionSpec(
                "08-28",
                L.PROVINCIAL,
                "张副主席",
                "建议很有针对性。请工业和信息化厅牵头，会同发展改革委、科技厅和克拉玛依市，研究"
                "催化剂国产化工业试验和腐蚀在线监测补点扩面工作，提出具体支持措施。",
                official="official_a",
                body=OFFICE,
            ),
        ),
    ),
    "drip": ReportPlan(
        "drip",
        "09-16",
        downloads=5,
        instructions=(
            InstructionSpec(
                "09-24",
                L.PROVINCIAL,
                "王副主席",
                "节水灌溉关键材料和装备关系农业用水安全。请农业农村厅、工业和信息化厅会同科技厅"
                "研究提出国产化替代工作方案，纳入明年重点工作。",
                official="official_a",
                body=OFFICE,
            ),
            InstructionSpec(
                "10-12",
                L.COUNTY,
                "赵副秘书长（塔城地区行政公署）",
                "请地区农业农村局、工信局结合我区滴灌带产业实际，配合课题组开展田间老化试验和"
                "“一带两季”示范。",
                official="official_b",
            ),
        ),
        adoptions=(
            AdoptionSpec(
                "11-16",
                "《自治区节水灌溉装备产业高质量发展行动方案（2026—2028年）》",
                "专报提出的揭榜攻关、首台（套）和首批次支持、田间老化检测平台3项建议写入行动方案。",
                body=MIIT,
            ),
        ),
    ),
    "newmat": ReportPlan(
        "newmat",
        "10-21",
        downloads=3,
        instructions=(
            InstructionSpec(
                "11-04",
                L.BUREAU,
                "陈副厅长（自治区工业和信息化厅）",
                "请材料工业处会同哈密、昌吉等地工信部门，梳理辅材本地配套需求，研究检测公共服务"
                "平台建设方案。",
                body=MIIT,
            ),
        ),
    ),
    "supplement": ReportPlan(
        "wind",
        "10-09",
        downloads=2,
        withdrawn=(
            "10-16",
            "报送后发现第二部分补助测算使用的是2025年询价数据，与现行市场价格出入较大，撤回核实后"
            "另行报送。",
        ),
    ),
    "platform": ReportPlan("newmat", "11-13", status=Report.Status.REVIEW),
    "recycling": ReportPlan("recycle", "11-19", status=Report.Status.DRAFT),
}
# A report file whose slug has no plan is issued in November, after the others, on its own.
EXTRA_ISSUE_DAYS = ("11-05", "11-09", "11-13", "11-17", "11-19")

SHORT_REPORTS = (
    ReportText(
        slug="supplement",
        series="zkzb",
        title="关于对老旧风电机组主控系统国产化改造给予专项补助的补充建议",
        authors="吴海涛（新疆机械设计研究院） 周鹏（新疆大学）",
        summary="在前期专报基础上，课题组对北疆早期投运1.5 MW机组主控系统国产化改造的成本和收益作了"
        "补充测算，建议设立专项补助，对完成改造并稳定运行一年以上的机组按改造投资的30%给予补助，"
        "三年内完成400台机组改造。",
        circulation=Report.Circulation.RESTRICTED,
        addressees=(DRC, MIIT),
        copies=("塔城地区行政公署办公室",),
        body="""## 一、改造需求

北疆2008—2013年投运的1.5 MW风电机组约1100台，其中约400台主控系统采用已停产的进口PLC。备件依靠拆机件和二手市场，单块CPU模块价格已涨至原价的4倍，故障停机平均等待备件时间达到19天[^1]。

课题组在和布克赛尔县完成的2台机组示范改造表明，国产主控系统可以满足风电工况要求，改造后机组可利用率由94.1%提高到98.6%。

## 二、成本收益测算

| 项目 | 单台机组 | 400台合计 |
| --- | --- | --- |
| 改造投资（万元） | 38 | 15200 |
| 年增发电量（万千瓦时） | 21 | 8400 |
| 年增收益（万元） | 5.5 | 2200 |
| 静态回收期（年） | 6.9 | — |

静态回收期接近7年，超出多数运营企业的投资决策门槛，这是改造推进缓慢的主要原因。

## 三、建议

（一）设立老旧风电机组主控系统国产化改造专项补助，对完成改造并稳定运行一年以上的机组，按改造投资的30%给予补助，资金从自治区工业转型升级专项中统筹。

（二）将国产主控系统纳入自治区首台（套）重大技术装备目录，给予保险补偿。

（三）由自治区发展改革委会同工业和信息化厅制定改造技术规范，三年内完成400台机组改造。

[^1]: 本课题组对塔城、阿勒泰两地7家风电运维企业的调研。
""",
    ),
    ReportText(
        slug="platform",
        series="zkzb",
        title="关于建设自治区光伏和锂电关键辅材检测公共服务平台的建议",
        authors="罗建（石河子大学） 李明（中国科学院新疆理化技术研究所）",
        summary="我区光伏和锂电企业的关键辅材、电池级化学品检测大量送往区外，周期长、费用高。建议依托"
        "现有科研院所建设自治区级检测公共服务平台，两年内形成覆盖主要辅材的检测能力。",
        circulation=Report.Circulation.RESTRICTED,
        addressees=(MIIT, "新疆维吾尔自治区科学技术厅"),
        copies=(DRC,),
        body="""## 一、检测需求与现状

课题组调研的9家光伏和锂电企业中，有7家的辅材入厂检验和电池级化学品杂质分析需要送往江苏、上海等地的第三方机构，单批次检测周期7—15天，年检测费用合计约2600万元[^1]。区内现有检测机构以常规理化检验为主，缺少痕量金属杂质分析、银浆流变性能测试等能力。

## 二、主要问题

| 检测项目 | 区内能力 | 外送周期（天） |
| --- | --- | --- |
| 电池级化学品痕量金属 | 无 | 10 |
| 银浆流变与印刷性能 | 无 | 12 |
| 石英坩埚羟基与气泡 | 部分 | 7 |
| 高镍前驱体形貌与粒度 | 部分 | 8 |

检测能力不足不仅推高企业成本，也使本地辅材企业难以进入主流电池厂的供应链。

## 三、建议

（一）依托中国科学院新疆理化技术研究所和石河子大学，建设自治区光伏和锂电关键辅材检测公共服务平台，由工业和信息化厅、科技厅共同支持。

（二）平台建设分两期实施：第一期一年内形成痕量金属和石英坩埚检测能力，第二期再用一年补齐银浆和前驱体检测能力。

（三）对区内中小企业使用平台检测服务给予创新券支持。

[^1]: 本课题组企业调研，2026年6—9月。
""",
    ),
    ReportText(
        slug="recycling",
        series="zkzb",
        title="关于建立废旧滴灌带“以旧换新”回收再生闭环体系的建议",
        authors="古丽米拉·阿不都拉（新疆大学） 韩冰（新疆大学）",
        summary="北疆每年产生废旧滴灌带约12万吨，回收再生以低值利用为主。建议以塔城地区为试点，建立"
        "“以旧换新”回收网络，支持再生料高值化利用，形成滴灌带生产、使用、回收、再生的闭环。",
        circulation=Report.Circulation.RESTRICTED,
        addressees=("新疆维吾尔自治区农业农村厅", "塔城地区行政公署办公室"),
        copies=(MIIT,),
        body="""## 一、基本情况

北疆棉花、甜菜等作物膜下滴灌面积约2600万亩，每年产生废旧滴灌带约12万吨[^1]。塔城地区现有回收网点43个，回收率约65%，回收料主要加工成低档再生颗粒，用于井盖、托盘等低值制品。

## 二、存在的主要问题

（一）回收带夹带泥沙、秸秆，水洗工艺吨料耗水6立方米以上，环保压力大。

（二）再生料熔体流动速率波动大，滴灌带企业不敢掺用。

（三）回收网点布局分散，农户交回旧带缺乏激励。

## 三、对策建议

（一）在塔城地区开展“以旧换新”试点，农户交回旧带可按重量抵扣新带价款，抵扣部分由滴灌带企业和农机购置补贴资金共同承担。

（二）支持企业建设干法除杂示范线，将吨料耗水降到2立方米以下。

（三）制定再生料用于滴灌带生产的质量标准，明确掺混比例和检测指标。

[^1]: 自治区农业农村厅统计数据，本课题组整理。
""",
    ),
)
