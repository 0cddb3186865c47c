"""The talent pool's vocabulary and a generator of plausible experts, in plain Python.

No Django here: the demo seed (problems/demo/experts.py) and the pool generator for benchmarks
and import tests (bench/pool.py) both draw people from `PersonGenerator`, the seed with the
Discipline and Region tables, the bench from the CSV files those tables are loaded from.

A *field* is a coherent research area: its directions, the GB/T 13745-2009 disciplines they
belong to, and where such people work. Several fields deliberately share a character or word
with another ("false friends") so that matching can be tested against them:
膜 (膜下滴灌, 地膜 vs 反渗透膜, 离子膜电解), 电池 (锂电池 vs 光伏电池 vs 燃料电池),
盐 (盐碱地改良 vs 高盐废水 vs 盐湖提锂 vs 盐渍土地基), 储 (储能 vs 油气储运 vs 果蔬贮藏),
育种 (棉花育种 vs 牛羊育种), 井 (油气井 vs 坎儿井).

A discipline reference is "code" (a first-level GB/T 13745 code) or "code name" (the
second-level discipline under `code` whose name starts with `name`); `resolve_discipline`
turns it into a code that exists, falling back to the first level.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

# --- names ------------------------------------------------------------------------------------

# Han surnames with their pinyin and a rough frequency weight.
SURNAMES = (
    ("王", "wang", 30), ("李", "li", 30), ("张", "zhang", 28), ("刘", "liu", 24),
    ("陈", "chen", 18), ("杨", "yang", 14), ("赵", "zhao", 10), ("黄", "huang", 9),
    ("周", "zhou", 9), ("吴", "wu", 8), ("徐", "xu", 7), ("孙", "sun", 7), ("胡", "hu", 6),
    ("朱", "zhu", 6), ("高", "gao", 6), ("林", "lin", 5), ("何", "he", 5), ("郭", "guo", 5),
    ("马", "ma", 9), ("罗", "luo", 4), ("梁", "liang", 4), ("宋", "song", 4), ("郑", "zheng", 4),
    ("谢", "xie", 3), ("韩", "han", 3), ("唐", "tang", 3), ("冯", "feng", 3), ("于", "yu", 3),
    ("董", "dong", 3), ("程", "cheng", 3), ("曹", "cao", 3), ("袁", "yuan", 3), ("邓", "deng", 3),
    ("许", "xu", 3), ("傅", "fu", 2), ("沈", "shen", 2), ("曾", "zeng", 2), ("彭", "peng", 2),
    ("吕", "lv", 2), ("苏", "su", 2), ("卢", "lu", 2), ("蒋", "jiang", 2), ("蔡", "cai", 2),
    ("贾", "jia", 2), ("丁", "ding", 2), ("魏", "wei", 2), ("薛", "xue", 2), ("叶", "ye", 2),
    ("阎", "yan", 1), ("余", "yu", 2), ("潘", "pan", 2), ("杜", "du", 2), ("戴", "dai", 1),
    ("夏", "xia", 1), ("钟", "zhong", 1), ("汪", "wang", 1), ("田", "tian", 2), ("任", "ren", 2),
    ("姜", "jiang", 1), ("范", "fan", 1), ("方", "fang", 1), ("石", "shi", 1), ("姚", "yao", 1),
    ("谭", "tan", 1), ("廖", "liao", 1), ("邹", "zou", 1), ("熊", "xiong", 1), ("金", "jin", 1),
    ("陆", "lu", 1), ("郝", "hao", 1), ("孔", "kong", 1), ("白", "bai", 1), ("崔", "cui", 1),
    ("康", "kang", 1), ("毛", "mao", 1), ("邱", "qiu", 1), ("秦", "qin", 1), ("江", "jiang", 1),
    ("史", "shi", 1), ("顾", "gu", 1), ("侯", "hou", 1), ("邵", "shao", 1), ("孟", "meng", 1),
    ("龙", "long", 1), ("段", "duan", 1), ("雷", "lei", 1), ("钱", "qian", 1), ("汤", "tang", 1),
    ("尹", "yin", 1), ("常", "chang", 1), ("武", "wu", 1), ("乔", "qiao", 1), ("贺", "he", 1),
    ("文", "wen", 1), ("欧阳", "ouyang", 1), ("司马", "sima", 1), ("诸葛", "zhuge", 1),
)  # fmt: skip

GIVEN_MALE = (
    ("建", "jian"), ("国", "guo"), ("伟", "wei"), ("军", "jun"), ("明", "ming"), ("志", "zhi"),
    ("强", "qiang"), ("华", "hua"), ("平", "ping"), ("刚", "gang"), ("勇", "yong"), ("涛", "tao"),
    ("斌", "bin"), ("磊", "lei"), ("峰", "feng"), ("波", "bo"), ("辉", "hui"), ("林", "lin"),
    ("鹏", "peng"), ("杰", "jie"), ("海", "hai"), ("新", "xin"), ("文", "wen"), ("宏", "hong"),
    ("东", "dong"), ("振", "zhen"), ("龙", "long"), ("晓", "xiao"), ("宇", "yu"), ("浩", "hao"),
    ("天", "tian"), ("立", "li"), ("学", "xue"), ("成", "cheng"), ("俊", "jun"), ("毅", "yi"),
    ("超", "chao"), ("德", "de"), ("忠", "zhong"), ("春", "chun"), ("云", "yun"), ("飞", "fei"),
    ("永", "yong"), ("光", "guang"), ("卫", "wei"), ("江", "jiang"), ("洪", "hong"), ("庆", "qing"),
    ("博", "bo"), ("旭", "xu"), ("亮", "liang"), ("锋", "feng"), ("健", "jian"), ("睿", "rui"),
    ("泽", "ze"), ("凯", "kai"), ("远", "yuan"), ("安", "an"), ("民", "min"), ("荣", "rong"),
    ("胜", "sheng"), ("金", "jin"), ("疆", "jiang"), ("兵", "bing"), ("培", "pei"), ("利", "li"),
)  # fmt: skip
GIVEN_FEMALE = (
    ("丽", "li"), ("娟", "juan"), ("敏", "min"), ("静", "jing"), ("燕", "yan"), ("霞", "xia"),
    ("红", "hong"), ("芳", "fang"), ("玲", "ling"), ("萍", "ping"), ("梅", "mei"), ("琴", "qin"),
    ("慧", "hui"), ("婷", "ting"), ("雪", "xue"), ("洁", "jie"), ("倩", "qian"), ("颖", "ying"),
    ("艳", "yan"), ("莉", "li"), ("晓", "xiao"), ("秀", "xiu"), ("兰", "lan"), ("凤", "feng"),
    ("娜", "na"), ("琳", "lin"), ("瑶", "yao"), ("欣", "xin"), ("佳", "jia"), ("悦", "yue"),
    ("媛", "yuan"), ("蕾", "lei"), ("雅", "ya"), ("岚", "lan"), ("薇", "wei"), ("楠", "nan"),
    ("宁", "ning"), ("虹", "hong"), ("晶", "jing"), ("淑", "shu"), ("华", "hua"), ("春", "chun"),
    ("文", "wen"), ("玉", "yu"), ("新", "xin"), ("雯", "wen"), ("琪", "qi"), ("冰", "bing"),
)  # fmt: skip

# Uyghur and Kazakh names are written given name · father's name (阿不都热合曼·买买提).
UYGHUR_MALE = (
    ("阿不都热合曼", "abdurahman"),
    ("买买提", "mamat"),
    ("艾尔肯", "erkin"),
    ("吐尔逊", "tursun"),
    ("艾合买提", "ahmat"),
    ("玉苏甫", "yusup"),
    ("阿里木", "alim"),
    ("热合曼", "rahman"),
    ("努尔麦麦提", "nurmamat"),
    ("伊力哈木", "ilham"),
    ("阿不都拉", "abdulla"),
    ("吾买尔", "omar"),
    ("肉孜", "rozi"),
    ("艾山", "hasan"),
    ("库尔班", "kurban"),
    ("麦麦提明", "mamatimin"),
    ("亚森", "yasin"),
    ("卡德尔", "kadir"),
    ("塔依尔", "tahir"),
    ("依明", "imin"),
    ("司马义", "ismail"),
    ("买买提江", "mamatjan"),
    ("艾则孜", "aziz"),
    ("尼亚孜", "niyaz"),
    ("阿布来提", "ablat"),
    ("吐尔洪", "turghun"),
)
UYGHUR_FEMALE = (
    ("古丽米拉", "gulmira"),
    ("阿依努尔", "aynur"),
    ("迪丽努尔", "dilnur"),
    ("热依拉", "reyila"),
    ("帕提古丽", "patigul"),
    ("古丽娜尔", "gulnar"),
    ("阿依古丽", "aygul"),
    ("努尔古丽", "nurgul"),
    ("米热古丽", "mihrigul"),
    ("再努尔", "zeynur"),
    ("祖丽皮亚", "zulpiya"),
    ("玛依拉", "mayila"),
    ("阿孜古丽", "azigul"),
    ("布再娜甫", "buzeynap"),
    ("热孜万古丽", "rizwangul"),
)
KAZAKH_MALE = (
    ("努尔兰", "nurlan"),
    ("叶尔兰", "erlan"),
    ("别克", "bek"),
    ("哈力木", "halim"),
    ("叶尔肯", "erken"),
    ("努尔波拉提", "nurbolat"),
    ("加纳提", "zhanat"),
    ("阿斯哈尔", "askar"),
    ("巴合提", "bahyt"),
    ("达吾列提", "dawlet"),
    ("哈布都拉", "habdula"),
    ("叶尔江", "erzhan"),
)
KAZAKH_FEMALE = (
    ("古丽巴哈尔", "gulbahar"),
    ("阿依达娜", "aydana"),
    ("加娜尔", "zhanar"),
    ("沙吾列", "sawle"),
    ("阿娜尔古丽", "anargul"),
    ("玛地娜", "madina"),
    ("阿依江", "ayzhan"),
)
# Mongol names are usually written without a father's name.
MONGOL_MALE = (("巴图", "batu"), ("孟克", "menke"), ("额尔德尼", "erdeni"), ("宝音", "bayin"))
MONGOL_FEMALE = (("其其格", "qiqige"), ("乌兰", "wulan"), ("斯琴", "siqin"), ("敖登", "aodeng"))

# --- employers --------------------------------------------------------------------------------


class Employer(NamedTuple):
    region: str  # GB/T 2260 code of its seat
    kind: str  # a key of TITLES: which title ladder its people climb
    domain: str  # for institutional e-mail addresses (under example.com)


# Ladders of professional titles (职称) with rough weights.
TITLES = {
    "uni": (("教授", 35), ("副教授", 40), ("研究员", 6), ("副研究员", 9), ("讲师", 4)),
    "cas": (
        ("研究员", 40), ("副研究员", 40), ("助理研究员", 8), ("正高级工程师", 6),
        ("高级工程师", 6),
    ),
    "ent": (("正高级工程师", 25), ("高级工程师", 55), ("工程师", 20)),
    "design": (("正高级工程师", 30), ("高级工程师", 55), ("工程师", 15)),
    "hosp": (("主任医师", 45), ("副主任医师", 45), ("主治医师", 10)),
    "pharm": (("主任药师", 40), ("副主任药师", 45), ("主管药师", 15)),
    "agri": (("推广研究员", 15), ("正高级农艺师", 15), ("高级农艺师", 50), ("农艺师", 20)),
    "vet": (("正高级兽医师", 15), ("高级兽医师", 45), ("高级畜牧师", 25), ("兽医师", 15)),
    "forest": (("正高级工程师", 20), ("高级工程师", 60), ("工程师", 20)),
}  # fmt: skip

XJU, SHZU, XJAU, TARU = "新疆大学", "石河子大学", "新疆农业大学", "塔里木大学"
XJMU, XJIPC, EGI = "新疆医科大学", "中国科学院新疆理化技术研究所", "中国科学院新疆生态与地理研究所"
XAAS, XJAGRI, XJAH = "新疆农垦科学院", "新疆农业科学院", "新疆畜牧科学院"
TBEA, TIANYE, GOLDWIND = (
    "特变电工股份有限公司",
    "新疆天业（集团）有限公司",
    "新疆金风科技股份有限公司",
)

EMPLOYERS: dict[str, Employer] = {
    # universities
    XJU: Employer("650102", "uni", "xju"),
    SHZU: Employer("659001", "uni", "shzu"),
    XJAU: Employer("650103", "uni", "xjau"),
    TARU: Employer("659002", "uni", "taru"),
    XJMU: Employer("650104", "uni", "xjmu"),
    "新疆师范大学": Employer("650103", "uni", "xjnu"),
    "新疆财经大学": Employer("650104", "uni", "xjufe"),
    "喀什大学": Employer("653101", "uni", "ksu"),
    "伊犁师范大学": Employer("654002", "uni", "ylnu"),
    "昌吉学院": Employer("652301", "uni", "cjc"),
    "新疆工程学院": Employer("650103", "uni", "xjie"),
    "新疆理工学院": Employer("652901", "uni", "xjit"),
    "新疆科技学院": Employer("652801", "uni", "xjust"),
    "中国石油大学（北京）克拉玛依校区": Employer("650203", "uni", "cupk"),
    # research institutes
    XJIPC: Employer("650104", "cas", "xjipc"),
    EGI: Employer("650104", "cas", "egi"),
    XAAS: Employer("659001", "cas", "xaas"),
    XJAGRI: Employer("650103", "cas", "xaas-xj"),
    XJAH: Employer("650103", "cas", "xjaas"),
    "新疆林业科学院": Employer("650104", "forest", "xjlky"),
    "新疆水利水电科学研究院": Employer("650103", "cas", "xjwri"),
    "新疆维吾尔自治区环境保护科学研究院": Employer("650103", "cas", "xjepi"),
    "新疆维吾尔自治区中药民族药研究所": Employer("650104", "cas", "xjtmi"),
    "昌吉回族自治州农业科学研究院": Employer("652301", "agri", "cjaas"),
    "伊犁哈萨克自治州农业科学研究所": Employer("654002", "agri", "ylaas"),
    "巴音郭楞蒙古自治州农业科学研究院": Employer("652801", "agri", "bzaas"),
    "吐鲁番市农业科学研究所": Employer("650402", "agri", "tlfaas"),
    # design, survey and testing institutes
    "新疆维吾尔自治区计量测试研究院": Employer("650103", "design", "xjmtri"),
    "新疆维吾尔自治区产品质量监督检验研究院": Employer("650104", "design", "xjqi"),
    "新疆机械设计研究院": Employer("650104", "design", "xjmdi"),
    "新疆化工设计研究院有限责任公司": Employer("650103", "design", "xjcdi"),
    "新疆水利水电勘测设计研究院有限责任公司": Employer("650103", "design", "xjwrdi"),
    "中国能源建设集团新疆电力设计院有限公司": Employer("650103", "design", "xjepdi"),
    "新疆建筑设计研究院股份有限公司": Employer("650102", "design", "xjadi"),
    "新疆交通规划勘察设计研究院有限公司": Employer("650103", "design", "xjtpdi"),
    "新疆维吾尔自治区地质矿产勘查开发局": Employer("650104", "design", "xjgm"),
    "国网新疆电力有限公司电力科学研究院": Employer("650102", "design", "xjepri"),
    # enterprises
    TBEA: Employer("652301", "ent", "tbea"),
    TIANYE: Employer("659001", "ent", "tianye"),
    GOLDWIND: Employer("650106", "ent", "goldwind"),
    "新疆天业节水灌溉股份有限公司": Employer("659001", "ent", "tianye-water"),
    "新疆中泰化学股份有限公司": Employer("650109", "ent", "zthx"),
    "国网新疆电力有限公司": Employer("650102", "ent", "sgcc-xj"),
    "中国石油天然气股份有限公司新疆油田分公司": Employer("650203", "ent", "xjyt"),
    "中国石油天然气股份有限公司塔里木油田分公司": Employer("652801", "ent", "tlm"),
    "中国石油化工股份有限公司西北油田分公司": Employer("652801", "ent", "xbyt"),
    "中国石油天然气股份有限公司独山子石化分公司": Employer("650202", "ent", "dsz"),
    "中国石油克拉玛依石化有限责任公司": Employer("650203", "ent", "klsh"),
    "新疆众和股份有限公司": Employer("650104", "ent", "joinworld"),
    "新疆大全新能源股份有限公司": Employer("659001", "ent", "daqo"),
    "新疆广汇新能源有限公司": Employer("650522", "ent", "guanghui"),
    "新疆宜化化工有限公司": Employer("652327", "ent", "yihua"),
    "新疆八一钢铁股份有限公司": Employer("650106", "ent", "bygt"),
    "新疆阿舍勒铜业股份有限公司": Employer("654324", "ent", "ashele"),
    "新疆有色金属工业（集团）有限责任公司": Employer("650102", "ent", "xjys"),
    "中粮屯河股份有限公司": Employer("652301", "ent", "tunhe"),
    "新疆天润乳业股份有限公司": Employer("650106", "ent", "terun"),
    "新疆西部牧业股份有限公司": Employer("659001", "ent", "xbmy"),
    "新疆天康生物股份有限公司": Employer("650106", "ent", "tcsw"),
    "新疆天塞酒庄有限责任公司": Employer("652826", "ent", "tiansai"),
    "新疆中信国安葡萄酒业有限公司": Employer("652324", "ent", "niya"),
    "阿克苏华孚色纺有限公司": Employer("652901", "ent", "huafu"),
    "新疆钵施然智能农机股份有限公司": Employer("659001", "ent", "boshiran"),
    "新疆天鹅现代农业机械装备有限公司": Employer("659001", "ent", "swan"),
    "新疆极飞农业科技有限公司": Employer("659001", "ent", "xag"),
    # hospitals and health
    "新疆维吾尔自治区人民医院": Employer("650102", "hosp", "xjrmyy"),
    "新疆医科大学第一附属医院": Employer("650104", "hosp", "xjmu1"),
    "新疆维吾尔自治区中医医院": Employer("650104", "hosp", "xjtcm"),
    "新疆维吾尔自治区维吾尔医医院": Employer("650102", "hosp", "xjuym"),
    "石河子大学第一附属医院": Employer("659001", "hosp", "shzu1"),
    "喀什地区第一人民医院": Employer("653101", "hosp", "ksyy"),
    "伊犁哈萨克自治州友谊医院": Employer("654002", "hosp", "ylyy"),
    "阿克苏地区第一人民医院": Employer("652901", "hosp", "aksyy"),
    "克拉玛依市中心医院": Employer("650203", "hosp", "klmyyy"),
    "和田地区人民医院": Employer("653201", "hosp", "htyy"),
    "新疆维吾尔自治区疾病预防控制中心": Employer("650104", "hosp", "xjcdc"),
    # prefecture agricultural and veterinary services
    "塔城地区农业技术推广中心": Employer("654201", "agri", "tcny"),
    "阿克苏地区农业技术推广中心": Employer("652901", "agri", "aksny"),
    "喀什地区农业技术推广中心": Employer("653101", "agri", "ksny"),
    "哈密市农业技术推广中心": Employer("650502", "agri", "hmny"),
    "博尔塔拉蒙古自治州农业技术推广站": Employer("652701", "agri", "bzny"),
    "和田地区林业和草原局": Employer("653201", "forest", "htly"),
    "新疆维吾尔自治区动物疾病预防控制中心": Employer("650104", "vet", "xjdkzx"),
    "伊犁哈萨克自治州畜牧总站": Employer("654002", "vet", "ylxm"),
    "阿勒泰地区畜牧兽医站": Employer("654301", "vet", "altxm"),
    "塔城地区动物疾病预防控制中心": Employer("654201", "vet", "tcdk"),
    "克孜勒苏柯尔克孜自治州畜牧兽医局": Employer("653001", "vet", "kzxm"),
    "巴音郭楞蒙古自治州畜牧工作站": Employer("652801", "vet", "bzxm"),
    # partner provinces (对口援疆, 柔性引才)
    "中国农业大学": Employer("110000", "uni", "cau"),
    "清华大学": Employer("110000", "uni", "tsinghua"),
    "华北电力大学": Employer("110000", "uni", "ncepu"),
    "天津大学": Employer("120000", "uni", "tju"),
    "中国科学院大连化学物理研究所": Employer("210000", "cas", "dicp"),
    "上海交通大学": Employer("310000", "uni", "sjtu"),
    "东华大学": Employer("310000", "uni", "dhu"),
    "南京农业大学": Employer("320000", "uni", "njau"),
    "河海大学": Employer("320000", "uni", "hhu"),
    "江南大学": Employer("320000", "uni", "jiangnan"),
    "中国矿业大学": Employer("320000", "uni", "cumt"),
    "浙江大学": Employer("330000", "uni", "zju"),
    "中国石油大学（华东）": Employer("370000", "uni", "upc"),
    "中国农业科学院棉花研究所": Employer("410000", "cas", "cricaas"),
    "华中科技大学": Employer("420000", "uni", "hust"),
    "中南大学": Employer("430000", "uni", "csu"),
    "中山大学附属第一医院": Employer("440000", "hosp", "gzsums"),
    "西南石油大学": Employer("510000", "uni", "swpu"),
    "西北农林科技大学": Employer("610000", "uni", "nwafu"),
    "西安交通大学": Employer("610000", "uni", "xjtu"),
    "中国农业科学院兰州兽医研究所": Employer("620000", "cas", "lvri"),
}

# County-level units (with the county's name in front) for fields that have them.
COUNTY_UNITS = {
    "agri": "{county}农业技术推广中心",
    "vet": "{county}动物疾病预防控制中心",
    "hosp": "{county}人民医院",
    "water": "{county}水利局",
}
COUNTY_TITLES = {"agri": "agri", "vet": "vet", "hosp": "hosp", "water": "design"}

# Free-mail style domains for people who give a personal address (all under example.*).
PERSONAL_DOMAINS = ("163.example.com", "126.example.com", "qq.example.com", "example.net")

# --- fields -----------------------------------------------------------------------------------


class Field(NamedTuple):
    disciplines: tuple[str, ...]  # discipline references, the most typical first
    directions: tuple[str, ...]
    employers: tuple[str, ...]  # keys of EMPLOYERS
    partners: tuple[str, ...] = ()  # employers outside Xinjiang (柔性引才)
    county: str | None = None  # a COUNTY_UNITS key: some work at a county-level unit
    related: tuple[str, ...] = ()  # fields a second specialty may come from
    weight: int = 3


FIELDS: dict[str, Field] = {
    "irrigation": Field(
        ("416 农业工程", "570 水利管理", "210 土壤学"),
        ("膜下滴灌", "滴灌水肥一体化", "农田水利工程", "节水灌溉制度优化", "灌区信息化",
         "滴灌带堵塞防治", "干旱区水资源高效利用", "智能灌溉控制", "土壤水盐运移",
         "地下水超采治理"),
        (XJAU, SHZU, XAAS, "新疆水利水电科学研究院", "新疆天业节水灌溉股份有限公司", TARU,
         "塔城地区农业技术推广中心"),
        ("中国农业大学", "河海大学", "西北农林科技大学"),
        county="water", related=("saline_soil", "mulch", "water"), weight=7,
    ),
    "mulch": Field(
        ("416 农业工程", "430 有机高分子材料"),
        ("地膜覆盖栽培", "农田残膜污染防治", "残膜回收机械", "全生物降解地膜", "加厚高强度地膜",
         "地膜减量替代技术"),
        (XJAU, SHZU, XAAS, XJAGRI, TIANYE),
        ("中国农业大学",),
        county="agri", related=("irrigation", "ag_machinery"), weight=3,
    ),
    "membrane": Field(
        ("530 化学分离工程", "610 环境工程", "570 水处理"),
        ("反渗透膜", "纳滤膜分离", "膜污染控制", "高盐废水零排放", "苦咸水淡化", "电渗析",
         "膜生物反应器", "离子交换膜", "中水回用"),
        (XJU, SHZU, XJIPC, "新疆维吾尔自治区环境保护科学研究院", "新疆中泰化学股份有限公司",
         TIANYE),
        ("天津大学", "浙江大学"),
        related=("environment", "chlor_alkali"), weight=4,
    ),
    "lithium": Field(
        ("430 无机非金属材料", "530 电化学工程", "480 储能技术"),
        ("锂电池正极材料", "磷酸铁锂", "三元正极材料", "锂离子电池电解液", "固态电解质",
         "盐湖提锂", "废旧锂电池回收利用", "硅碳负极材料", "钠离子电池"),
        (XJU, XJIPC, SHZU, "新疆众和股份有限公司", "昌吉学院", "新疆理工学院"),
        ("中南大学", "中国科学院大连化学物理研究所"),
        related=("storage",), weight=4,
    ),
    "photovoltaic": Field(
        ("480 一次能源", "510 半导体技术", "430 无机非金属材料"),
        ("光伏电池", "晶硅太阳能电池", "多晶硅提纯", "钙钛矿太阳能电池", "光伏组件可靠性",
         "光伏电站运维", "沙尘环境光伏组件清洗", "光伏逆变器", "异质结电池"),
        (XJU, SHZU, "新疆大全新能源股份有限公司", TBEA, XJIPC, "新疆工程学院"),
        ("浙江大学", "上海交通大学"),
        related=("storage", "uhv"), weight=5,
    ),
    "wind": Field(
        ("470 电气工程", "480 一次能源", "460 机械设计"),
        ("风电并网", "风电机组控制", "风功率预测", "风电机组故障诊断", "叶片覆冰监测",
         "风电场集群控制", "风储联合运行", "大型风电基地规划"),
        (GOLDWIND, XJU, "国网新疆电力有限公司电力科学研究院", XJAU,
         "中国能源建设集团新疆电力设计院有限公司"),
        ("华北电力大学",),
        related=("uhv", "storage", "mechanical"), weight=5,
    ),
    "uhv": Field(
        ("470 电气工程",),
        ("特高压输电", "换流站运行维护", "电力系统稳定控制", "变压器绝缘诊断", "智能电网调度",
         "输电线路防风沙", "新能源消纳", "配电网自动化", "继电保护", "电力市场"),
        (TBEA, "国网新疆电力有限公司", "国网新疆电力有限公司电力科学研究院", XJU,
         "中国能源建设集团新疆电力设计院有限公司", "昌吉学院"),
        ("华北电力大学", "西安交通大学", "清华大学"),
        related=("wind", "photovoltaic", "control"), weight=6,
    ),
    "storage": Field(
        ("480 储能技术", "470 电气工程", "480 二次能源"),
        ("电化学储能", "储能电站安全", "压缩空气储能", "绿氢制备", "电解水制氢", "氢能储运",
         "燃料电池", "光热发电", "熔盐储热"),
        (XJU, TBEA, GOLDWIND, "国网新疆电力有限公司电力科学研究院", XJIPC),
        ("中国科学院大连化学物理研究所", "清华大学"),
        related=("lithium", "photovoltaic", "wind"), weight=4,
    ),
    "coal_chem": Field(
        ("530 煤化学工程", "530 化学反应工程", "480 能源化学"),
        ("煤化工", "低阶煤分质利用", "煤焦油加氢", "煤制烯烃", "煤制乙二醇", "煤气化",
         "煤化工废水处理", "二氧化碳捕集利用", "兰炭清洁生产"),
        (XJU, XJIPC, "新疆广汇新能源有限公司", "新疆宜化化工有限公司",
         "新疆化工设计研究院有限责任公司", SHZU),
        ("中国矿业大学", "天津大学", "中国科学院大连化学物理研究所"),
        related=("environment", "chlor_alkali"), weight=5,
    ),
    "chlor_alkali": Field(
        ("530 无机化学工程", "530 高聚物工程", "150 物理化学"),
        ("电石法聚氯乙烯", "无汞触媒", "氯碱工艺", "乙炔化学", "电石渣综合利用", "离子膜电解",
         "PVC树脂改性"),
        (TIANYE, "新疆中泰化学股份有限公司", SHZU, XJU, "新疆化工设计研究院有限责任公司"),
        ("天津大学",),
        related=("coal_chem", "polymer"), weight=4,
    ),
    "oilfield": Field(
        ("440 油气田井开发工程", "440 钻井工程", "170 地质学"),
        ("油气田开发", "稠油热采", "致密油藏压裂", "提高采收率", "二氧化碳驱油", "超深井钻井",
         "砾岩油藏开发", "页岩油开发", "油藏数值模拟", "井下测控技术"),
        ("中国石油天然气股份有限公司新疆油田分公司", "中国石油天然气股份有限公司塔里木油田分公司",
         "中国石油化工股份有限公司西北油田分公司", "中国石油大学（北京）克拉玛依校区", XJU),
        ("中国石油大学（华东）", "西南石油大学"),
        related=("pipeline", "refining"), weight=6,
    ),
    "refining": Field(
        ("530 石油化学工程", "430 有机高分子材料"),
        ("催化裂化", "加氢裂化", "乙烯裂解", "聚烯烃新材料", "炼化一体化", "石化装置腐蚀防护",
         "油品质量升级"),
        ("中国石油天然气股份有限公司独山子石化分公司", "中国石油克拉玛依石化有限责任公司",
         "中国石油大学（北京）克拉玛依校区", XJU),
        ("中国石油大学（华东）",),
        related=("oilfield", "polymer"), weight=3,
    ),
    "pipeline": Field(
        ("440 石油、天然气储存与运输工程",),
        ("油气储运", "长输管道完整性管理", "地下储气库", "管道腐蚀检测", "含蜡原油流动保障"),
        ("中国石油天然气股份有限公司新疆油田分公司", "中国石油天然气股份有限公司塔里木油田分公司",
         "中国石油大学（北京）克拉玛依校区"),
        ("中国石油大学（华东）",),
        related=("oilfield",), weight=2,
    ),
    "mining": Field(
        ("440 采矿工程", "440 选矿工程", "170 地质学"),
        ("露天煤矿开采", "金属矿山采矿", "选矿工艺", "尾矿综合利用", "矿山生态修复", "智能矿山",
         "低品位矿综合利用", "浮选药剂", "找矿勘查"),
        ("新疆阿舍勒铜业股份有限公司", "新疆有色金属工业（集团）有限责任公司", "新疆工程学院", XJU,
         "新疆维吾尔自治区地质矿产勘查开发局"),
        ("中国矿业大学", "中南大学"),
        related=("metallurgy", "safety"), weight=4,
    ),
    "metallurgy": Field(
        ("450 有色金属冶金", "450 钢铁冶金", "430 金属材料"),
        ("电解铝节能", "高纯铝提纯", "电子铝箔", "铝合金材料", "钢铁冶炼节能", "有色金属冶炼",
         "稀有金属提取"),
        ("新疆众和股份有限公司", "新疆八一钢铁股份有限公司",
         "新疆有色金属工业（集团）有限责任公司", XJU),
        ("中南大学",),
        related=("mining",), weight=3,
    ),
    "polymer": Field(
        ("430 有机高分子材料", "150 高分子化学", "430 材料失效与保护"),
        ("高分子材料改性", "聚合物老化与防护", "功能膜材料", "塑料加工成型", "可降解塑料",
         "树脂基复合材料"),
        (XJU, SHZU, XJIPC, TIANYE, "中国石油天然气股份有限公司独山子石化分公司"),
        ("浙江大学",),
        related=("mulch", "chlor_alkali"), weight=3,
    ),
    "optoelectronic": Field(
        ("430 无机非金属材料", "510 光电子学与激光技术", "140 凝聚态物理学"),
        ("非线性光学晶体", "红外光学材料", "辐射效应与加固", "半导体器件可靠性", "敏感材料与传感器",
         "光谱检测技术"),
        (XJIPC, XJU, "新疆师范大学"),
        ("上海交通大学",),
        related=("instruments",), weight=3,
    ),
    "ag_machinery": Field(
        ("416 农业工程", "460 机械设计", "460 机械制造自动化"),
        ("棉花收获机械", "采棉机关键部件", "精量播种", "农机智能化", "北斗导航自动驾驶",
         "甜菜收获机械", "加工番茄收获机械", "农机装备可靠性"),
        (SHZU, XJAU, XAAS, "新疆钵施然智能农机股份有限公司", "新疆天鹅现代农业机械装备有限公司",
         "新疆机械设计研究院"),
        ("中国农业大学",),
        related=("mulch", "uav", "mechanical"), weight=5,
    ),
    "uav": Field(
        ("590 飞行器控制、导航技术", "590 航空器结构与设计", "210 植物保护学"),
        ("植保无人机", "无人机遥感监测", "飞行控制系统", "农业航空施药", "卫星遥感应用"),
        ("新疆极飞农业科技有限公司", SHZU, XJU, XJAU),
        ("华中科技大学",),
        related=("plant_protection", "ag_machinery"), weight=2,
    ),
    "cotton": Field(
        ("210 农艺学", "180 遗传学"),
        ("棉花育种", "长绒棉品种选育", "棉花分子标记辅助育种", "棉花高产栽培", "机采棉栽培",
         "棉花化学打顶", "棉花种子加工", "棉花黄萎病防治"),
        (XJAGRI, XAAS, SHZU, TARU, XJAU, "阿克苏地区农业技术推广中心", "喀什地区农业技术推广中心"),
        ("中国农业科学院棉花研究所", "南京农业大学"),
        county="agri", related=("plant_protection", "irrigation"), weight=7,
    ),
    "crops": Field(
        ("210 农艺学",),
        ("小麦育种", "玉米密植高产", "作物栽培生理", "种子工程", "甜菜栽培", "加工番茄栽培",
         "作物抗逆生理", "作物育种"),
        (XJAGRI, XJAU, "伊犁哈萨克自治州农业科学研究所", "昌吉回族自治州农业科学研究院",
         "塔城地区农业技术推广中心", "博尔塔拉蒙古自治州农业技术推广站"),
        ("中国农业大学", "西北农林科技大学"),
        county="agri", related=("saline_soil", "plant_protection"), weight=5,
    ),
    "saline_soil": Field(
        ("210 土壤学", "610 资源科学技术"),
        ("盐碱地改良", "土壤盐渍化防治", "暗管排盐", "耐盐作物筛选", "土壤肥力提升",
         "测土配方施肥", "土壤重金属修复"),
        (XJAU, EGI, SHZU, XJAGRI, TARU),
        ("中国农业大学", "南京农业大学"),
        county="agri", related=("irrigation", "crops"), weight=5,
    ),
    "orchard": Field(
        ("210 园艺学", "220 经济林"),
        ("红枣栽培", "核桃丰产栽培", "库尔勒香梨品质调控", "鲜食葡萄栽培", "哈密瓜育种",
         "设施农业", "林果病虫害绿色防控", "果树修剪机械化"),
        (XJAU, TARU, "新疆林业科学院", "吐鲁番市农业科学研究所", "哈密市农业技术推广中心",
         "巴音郭楞蒙古自治州农业科学研究院", "和田地区林业和草原局"),
        ("西北农林科技大学",),
        county="agri", related=("food", "plant_protection", "wine"), weight=5,
    ),
    "plant_protection": Field(
        ("210 植物保护学", "180 昆虫学"),
        ("棉铃虫绿色防控", "农作物病虫害监测预警", "生物农药", "蝗虫防治", "农田杂草防控",
         "农药减量增效"),
        (XJAU, XJAGRI, SHZU, "塔城地区农业技术推广中心", "阿克苏地区农业技术推广中心"),
        ("南京农业大学",),
        county="agri", related=("cotton", "orchard", "uav"), weight=3,
    ),
    "livestock": Field(
        ("230 畜牧学",),
        ("牛羊育种", "新疆褐牛选育", "细毛羊育种", "胚胎移植", "性控冻精", "奶牛繁殖调控",
         "牧草种植与加工", "草原畜牧业", "饲料配方优化"),
        (XJAH, XJAU, SHZU, "伊犁哈萨克自治州畜牧总站", "新疆西部牧业股份有限公司",
         "阿勒泰地区畜牧兽医站", "巴音郭楞蒙古自治州畜牧工作站"),
        ("中国农业大学",),
        county="vet", related=("animal_disease", "food"), weight=5,
    ),
    "animal_disease": Field(
        ("230 兽医学", "180 微生物学"),
        ("畜禽疫病防控", "布鲁氏菌病防控", "口蹄疫疫苗", "包虫病防治", "兽药残留检测",
         "人畜共患病", "动物疫病诊断技术"),
        (XJAU, XJAH, SHZU, "新疆天康生物股份有限公司", "新疆维吾尔自治区动物疾病预防控制中心",
         "塔城地区动物疾病预防控制中心", "克孜勒苏柯尔克孜自治州畜牧兽医局"),
        ("中国农业科学院兰州兽医研究所",),
        county="vet", related=("livestock", "public_health"), weight=5,
    ),
    "wine": Field(
        ("550 食品加工技术", "210 园艺学"),
        ("葡萄酒酿造", "酿酒葡萄栽培", "葡萄酒风味化学", "葡萄干加工", "酒庄品质管理"),
        (XJAU, SHZU, "新疆天塞酒庄有限责任公司", "新疆中信国安葡萄酒业有限公司",
         "吐鲁番市农业科学研究所"),
        ("西北农林科技大学",),
        related=("orchard", "food"), weight=2,
    ),
    "food": Field(
        ("550 食品加工技术", "550 食品包装与储藏", "210 农产品贮藏与加工"),
        ("番茄制品加工", "红枣精深加工", "乳制品加工", "果蔬贮藏保鲜", "农产品冷链物流",
         "食品安全检测", "农产品无损检测", "坚果加工"),
        (XJAU, SHZU, TARU, "中粮屯河股份有限公司", "新疆天润乳业股份有限公司", "喀什大学",
         "新疆科技学院"),
        ("江南大学",),
        related=("orchard", "wine"), weight=4,
    ),
    "textile": Field(
        ("540 纺织技术", "540 纺织材料", "540 染整技术"),
        ("棉纺工艺", "紧密纺技术", "纺织材料", "功能纺织品", "染整技术", "异性纤维检测",
         "纺织智能制造", "羊毛加工"),
        (XJU, SHZU, "喀什大学", "阿克苏华孚色纺有限公司"),
        ("东华大学",),
        related=("polymer",), weight=4,
    ),
    "computing": Field(
        ("520 人工智能", "520 计算机应用"),
        ("机器学习", "自然语言处理", "维吾尔语信息处理", "遥感图像智能解译", "农业大数据",
         "工业互联网平台", "云计算", "知识图谱"),
        (XJU, "新疆师范大学", SHZU, XJAU, "新疆财经大学", "伊犁师范大学", "新疆科技学院"),
        ("清华大学", "华中科技大学"),
        related=("control",), weight=4,
    ),
    "control": Field(
        ("413 控制科学与技术", "413 信息安全", "510 通信技术"),
        ("工业控制系统", "工控网络安全", "嵌入式系统", "智能传感器网络", "PLC国产化替代",
         "物联网"),
        (XJU, SHZU, "新疆工程学院", TBEA, "国网新疆电力有限公司电力科学研究院"),
        ("华中科技大学",),
        related=("computing", "instruments"), weight=3,
    ),
    "ecology": Field(
        ("170 地理学", "180 生态学", "610 环境学"),
        ("荒漠化防治", "干旱区生态水文", "绿洲生态", "塔里木河生态输水", "沙漠公路防护林",
         "冰川与积雪水资源", "生态遥感监测"),
        (EGI, XJU, "新疆林业科学院", TARU, "新疆师范大学", "伊犁师范大学", "和田地区林业和草原局"),
        (),
        related=("environment", "water"), weight=4,
    ),
    "water": Field(
        ("570 水工结构", "570 水利管理", "570 防洪工程"),
        ("水库大坝安全", "坎儿井保护", "长距离调水工程", "渠道防渗抗冻胀", "流域水资源配置",
         "山洪灾害防治"),
        ("新疆水利水电科学研究院", "新疆水利水电勘测设计研究院有限责任公司", XJAU, SHZU),
        ("河海大学",),
        county="water", related=("irrigation", "ecology"), weight=4,
    ),
    "civil": Field(
        ("560 土木建筑结构", "580 道路工程", "560 建筑材料"),
        ("沙漠公路修筑", "冻土路基", "装配式建筑", "建筑节能", "抗震设计", "盐渍土地基处理",
         "桥梁健康监测"),
        (XJU, "新疆建筑设计研究院股份有限公司", "新疆交通规划勘察设计研究院有限公司", SHZU, XJAU),
        (),
        related=("water",), weight=4,
    ),
    "environment": Field(
        ("610 环境工程", "610 环境学"),
        ("大气污染防治", "工业固废资源化", "危险废物处置", "土壤污染修复", "环境影响评价",
         "碳排放核算", "化工园区环境监测"),
        ("新疆维吾尔自治区环境保护科学研究院", XJU, EGI, SHZU),
        ("浙江大学",),
        related=("membrane", "coal_chem", "ecology"), weight=4,
    ),
    "safety": Field(
        ("620 安全工程", "530 化工系统工程"),
        ("化工过程安全", "矿山安全", "危化品风险评估", "应急救援", "安全监测预警"),
        ("新疆工程学院", XJU, "中国石油天然气股份有限公司新疆油田分公司"),
        ("中国矿业大学",),
        related=("mining", "chlor_alkali"), weight=2,
    ),
    "instruments": Field(
        ("535 仪器仪表", "410 计量学"),
        ("在线检测", "计量校准", "分析仪器", "激光气体检测", "无损检测", "质量检验检测"),
        ("新疆维吾尔自治区计量测试研究院", "新疆维吾尔自治区产品质量监督检验研究院", XJU, XJIPC),
        (),
        related=("optoelectronic", "control"), weight=3,
    ),
    "mechanical": Field(
        ("460 机械设计", "460 机械制造工艺与设备"),
        ("机械设计及理论", "轴承与传动", "风电装备可靠性", "数控加工", "增材制造", "液压传动",
         "高端装备再制造"),
        (XJU, SHZU, "新疆机械设计研究院", GOLDWIND, TBEA, "新疆工程学院"),
        ("西安交通大学",),
        related=("ag_machinery", "wind"), weight=4,
    ),
    "nev": Field(
        ("580 交通运输系统工程", "470 电气工程", "480 储能技术"),
        ("新能源汽车", "动力电池管理系统", "电动汽车充电设施", "驱动电机控制", "氢燃料电池汽车",
         "整车热管理"),
        (XJU, SHZU, "新疆工程学院", "新疆理工学院"),
        ("清华大学", "华中科技大学"),
        related=("storage", "lithium"), weight=3,
    ),
    "clinical": Field(
        ("320 内科学", "320 外科学", "320 肿瘤学"),
        ("包虫病外科治疗", "心血管疾病介入治疗", "慢性阻塞性肺疾病", "肿瘤综合治疗", "糖尿病防治",
         "肝胆外科", "医学影像诊断", "高血压防治"),
        ("新疆维吾尔自治区人民医院", "新疆医科大学第一附属医院", XJMU, "石河子大学第一附属医院",
         "喀什地区第一人民医院", "伊犁哈萨克自治州友谊医院", "阿克苏地区第一人民医院",
         "克拉玛依市中心医院", "和田地区人民医院"),
        ("中山大学附属第一医院", "上海交通大学"),
        county="hosp", related=("public_health",), weight=6,
    ),
    "public_health": Field(
        ("330 流行病学", "330 地方病学", "330 职业病学"),
        ("地方病防治", "传染病监测预警", "慢性病流行病学", "营养与食品卫生", "职业病防治",
         "结核病防控"),
        (XJMU, "新疆维吾尔自治区疾病预防控制中心", SHZU),
        (),
        related=("clinical", "animal_disease"), weight=3,
    ),
    "pharmacy": Field(
        ("360 民族医学", "360 中药学", "350 药物化学"),
        ("维吾尔医药", "中药材规范化种植", "肉苁蓉资源利用", "甘草资源开发", "天然药物化学",
         "药物制剂", "雪菊活性成分"),
        (XJMU, "新疆维吾尔自治区中药民族药研究所", XJIPC, "新疆维吾尔自治区维吾尔医医院",
         "新疆维吾尔自治区中医医院"),
        (),
        related=("clinical",), weight=3,
    ),
    "economics": Field(
        ("630 区域经济管理", "790 农业经济学", "630 科学学与科技管理", "790 技术经济学"),
        ("区域经济发展", "农业经济管理", "产业政策研究", "科技管理与政策", "丝绸之路经济带",
         "能源经济"),
        (XJU, "新疆财经大学", XJAU, SHZU),
        (),
        related=("computing",), weight=3,
    ),
}  # fmt: skip

# --- disciplines ------------------------------------------------------------------------------


def resolve_discipline(
    ref: str, names: Mapping[str, str], children: Mapping[str, Sequence[str]]
) -> str | None:
    """The code for `ref` ("530" or "530 化学分离工程") among the disciplines that exist:
    the second-level entry under the code whose name starts with the given name, else the
    first-level entry itself, else None (the table does not have it)."""
    code, _, name = ref.partition(" ")
    if code not in names:
        return None
    if name:
        for child in children.get(code, ()):
            if names[child].startswith(name):
                return child
    return code


# --- people -----------------------------------------------------------------------------------

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip


@dataclass
class Person:
    name: str
    gender: str  # "M" or "F"
    employer: str
    title: str
    region: str  # GB/T 2260 code
    field: str  # key of FIELDS
    disciplines: tuple[str, ...]  # discipline references, not yet resolved
    directions: tuple[str, ...]
    email: str
    mobile: str


def _weighted(rng: random.Random, pairs: Sequence[tuple]) -> object:
    return rng.choices([pair[0] for pair in pairs], weights=[pair[-1] for pair in pairs])[0]


class PersonGenerator:
    """Draws plausible experts from one random.Random, so a seed gives the same people.

    `counties` are (code, name) pairs of county-level regions where county units (a county's
    农业技术推广中心, 人民医院 ...) may be placed. E-mail addresses and mobile numbers are
    unique within one generator."""

    def __init__(self, rng: random.Random, counties: Sequence[tuple[str, str]]):
        self.rng = rng
        # Units are named after counties and county-level cities, not a city's districts.
        self.counties = [(code, name) for code, name in counties if not name.endswith("区")]
        self.emails: set[str] = set()
        self.mobiles: set[str] = set()
        self._field_keys = list(FIELDS)
        self._field_weights = list(accumulate(field.weight for field in FIELDS.values()))
        self._surnames = [(surname, latin) for surname, latin, _ in SURNAMES]
        self._surname_weights = list(accumulate(weight for *_, weight in SURNAMES))

    def person(self) -> Person:
        rng = self.rng
        key = rng.choices(self._field_keys, cum_weights=self._field_weights)[0]
        field = FIELDS[key]
        employer, title, region, institutional = self._workplace(field)
        gender = "M" if rng.random() < 0.64 else "F"
        name, latin = self._name(gender)
        directions = rng.sample(field.directions, rng.choice((2, 2, 3, 3, 3, 4)))
        disciplines = [field.disciplines[0]]
        if len(field.disciplines) > 1 and rng.random() < 0.5:
            disciplines.append(rng.choice(field.disciplines[1:]))
        if field.related and rng.random() < 0.3:
            # A second specialty: one direction and the typical discipline of a related field.
            other = FIELDS[rng.choice(field.related)]
            extra = rng.choice([d for d in other.directions if d not in directions])
            if len(directions) == 4:
                directions[-1] = extra
            else:
                directions.append(extra)
            if other.disciplines[0] not in disciplines:
                disciplines.append(other.disciplines[0])
        # Many people name only the first level (230 rather than 23020 畜牧学).
        disciplines = [ref.split()[0] if rng.random() < 0.25 else ref for ref in disciplines]
        # ... but not a first level beside one of its own second levels.
        named = {ref.split()[0] for ref in disciplines if " " in ref}
        disciplines = [ref for ref in dict.fromkeys(disciplines) if ref not in named]
        domain = institutional if institutional and rng.random() < 0.7 else None
        if region.startswith("65") and not region.startswith("659") and rng.random() < 0.25:
            region = region[:4] + "00"  # some give only their prefecture (伊犁州, not 伊宁市)
        return Person(
            name=name,
            gender=gender,
            employer=employer,
            title=title,
            region=region,
            field=key,
            disciplines=tuple(disciplines[:3]),
            directions=tuple(directions),
            email=self._email(latin, domain),
            mobile=self._mobile(),
        )

    def _workplace(self, field: Field) -> tuple[str, str, str, str | None]:
        """Employer, title, region code and the institutional mail domain (None for none)."""
        rng = self.rng
        if field.partners and rng.random() < 0.08:
            name = rng.choice(field.partners)
        elif field.county and self.counties and rng.random() < 0.3:
            code, county = rng.choice(self.counties)
            kind = COUNTY_TITLES[field.county]
            name = COUNTY_UNITS[field.county].format(county=county)
            return name, _weighted(rng, TITLES[kind]), code, None
        else:
            name = rng.choice(field.employers)
        employer = EMPLOYERS[name]
        kind = employer.kind
        if kind == "hosp" and field is FIELDS["pharmacy"]:
            kind = "pharm"
        return name, _weighted(rng, TITLES[kind]), employer.region, employer.domain

    def _name(self, gender: str) -> tuple[str, list[str]]:
        """The name as written and the local parts its owner might use in an e-mail address."""
        rng = self.rng
        male = gender == "M"
        roll = rng.random()
        if roll < 0.74:
            surname, sur = rng.choices(self._surnames, cum_weights=self._surname_weights)[0]
            pool = GIVEN_MALE if male else GIVEN_FEMALE
            chars = rng.sample(pool, 1 if rng.random() < 0.22 else 2)
            given = "".join(latin for _, latin in chars)
            initials = "".join(latin[0] for _, latin in chars)
            name = surname + "".join(char for char, _ in chars)
            return name, [sur + given, sur + initials, f"{given}.{sur}"]
        if roll < 0.98:
            if roll < 0.91:
                own, fathers = (UYGHUR_MALE if male else UYGHUR_FEMALE), UYGHUR_MALE
            else:
                own, fathers = (KAZAKH_MALE if male else KAZAKH_FEMALE), KAZAKH_MALE
            (given, latin), (father, father_latin) = rng.choice(own), rng.choice(fathers)
            return f"{given}·{father}", [latin, f"{latin}.{father_latin}", latin + father_latin[0]]
        given, latin = rng.choice(MONGOL_MALE if male else MONGOL_FEMALE)
        return given, [latin]

    def _email(self, locals_: list[str], domain: str | None) -> str:
        rng = self.rng
        local = rng.choice(locals_)
        if domain is None:
            host = rng.choice(PERSONAL_DOMAINS)
            if rng.random() < 0.5:
                local += str(rng.randint(1960, 1999) if rng.random() < 0.5 else rng.randint(1, 99))
        else:
            host = f"{domain}.example.com"
        email, n = f"{local}@{host}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{host}"
        self.emails.add(email)
        return email

    def _mobile(self) -> str:
        while True:
            mobile = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if mobile not in self.mobiles:
                self.mobiles.add(mobile)
                return mobile
