"""The seed: the published 2024 self-evaluation of 株洲市渌口区科技和工业信息化局, as data.

Extracted from shared/seed/lukou-2024-self-evaluation.txt. Heading numbers are not data (the app numbers
headings itself); everything else is kept as published, mistakes included, so that checks have real mistakes
to find. Amounts are exact 元: the seed prints 万元, and its 17.96% only follows from amounts like these."""

from decimal import Decimal

DUTIES = [
    "贯彻执行国家、省、市关于科技工作的法律、法规。贯彻创新驱动发展战略和创新引领开放崛起战略，拟订全区科技发展、引进国外及国内智力规划和政策措施，并组织实施。",
    "组织研究多渠道增加科技投入的政策措施，推动多元化科技投入体系建设，优化科技资源配置；协调区级财政科技计划并组织实施。",
    "负责全区科技创新体制机制改革、科技监督评价体系建设和相关科技评估管理,统筹全区创新体系建设和科研诚信建设;负责科技统计工作;指导全区科技保密工作。",
    "拟订并组织实施全区各类科技创新平台（基地）建设的实施办法,推动科研条件保障建设和科技资源开放共享。牵头组织重大技术攻关和成果应用示范。",
    "组织拟订高新技术发展及产业化，科技促进农业农村、社会发展规划和实施办法;组织开展全区重点领域技术发展需求分析,提出重大任务并组织实施,承担推进科技军民融合发展相关工作。",
    "负责成果转化、科技奖励工作,拟订科技成果转移转化和促进产学研结合的政策措施并组织实施;指导技术市场和科技中介组织发展。",
    "指导区域创新发展、科技资源合理布局和协同创新能力建设，推动区域科技创新体系建设和科技园区建设。组织开展国际和区域科技合作与科技人才交流;指导相关部门和地方对外科技合作与科技人才交流工作。拟订出国(境）培训总体规划和年度计划并组织实施。推动高端科技创新人才队伍建设。",
    "负责全区工业经济的日常运行调节，监测、分析全区工业经济运行态势，进行预测预警和信息引导，协调解决经济运行中的突出矛盾和问题并提出政策建议。",
    "拟订全区新型工业化的发展战略、规划和相关政策措施并组织实施,协调解决有关重大问题;综合管理全区工业经济,指导、协调和服务工业企业。",
    "拟订并组织实施工业、信息化的发展专项规划，贯彻落实国家产业政策;拟订优化产业结构和产品结构的地方配套政策,监督检查执行情况;研究和规划全区工业产业投资布局；依法组织实施相关行业的准入管理；负责国防动员信息工作。",
    "拟订并组织实施信息化与工业化融合的发展规划，推动工业数字化、网络化、智能化发展;承担利用信息技术改遣提升传统产业、推进工业企业信息化的工作；负责监督检查工业和信息化领域相关法律法规的执行情况。协调减轻企业负担工作。指导企业法律顾问工作。",
    "组织拟订全区工业企业技术进步的发展战略、规划及主导产业的规划、政策并组织实施;编制和组织实施技术改造规划,提出工业和信息化固定资产投资规模和方向（含利用外资和境外投资)。",
    "研究提出促进全区非公有制经济和中小企业发展的政策措施，协调解决重大问题;拟订中小企业中长期发展规划并组织实施;指导中小企业改革工作；管理全区中小企业发展基金;推进中小企业服务体系和信用担保体系建设;推进全民创业;指导区企业家协会工作,推动企业经营管理者队伍建设。",
    "参与拟订能源节约和资源综合利用规划;拟订工业和信息化领域循环经济发展规划并组织实施;参与编制全区生态建设规划、组织推进工业清洁生产工作;协调环保产业发展和工业环境保护；组织协调相关重大示范工程和新产品、新技术、新设备、新材料的推广应用。",
    "参与协调煤炭、电力、石油、天然气和原材料等经济运行保障要素。参与协调经济运行中与铁路、公路、水运、航空、管道运输以及通信、邮政有关的重大问题；负责全区电力行政执法工作。指导、协调行业安全生产工作。",
    "完成区委、区政府交办的其他任务。",
]

THEMES = [
    (
        "工业运行稳中有进",
        "突出重点强调度。紧盯任务目标，加强与部门乡镇之间的协调配合，做好工业经济运行的统计分析和预测预警，对重点行业、重点企业，开展联动调度、扁平调度、专题调度，以最大努力争取最优结果。1-11月份，我区规模工业增加值同比增长12.2 "
        "%（规模工业增加值目标增速10%），全市排名第一；工业投资增速7.6%，全市排名第六。突出政策强扶持。全面贯彻落实国家、省、市系列政策措施，召开多场政策宣贯活动，了解企业个性化需求，推动工业领域大规模设备更新工作，择优推荐51个项目申报工业领域技术改造和设备更新专项再贷款项目，其中进入国家再贷款库项目39个，株洲时代工程塑料科技有限责任公司获得浦发银行株洲分行设备更新贷款1500万元，成为今年株洲市首笔技术改造和设备更新再贷款。突出帮扶强服务。常态长效开展“三送三解三优”“企业办事不求人”等活动，截至目前，实地了解和解决企业的实际困难95个，办结率和满意率均为100%，实现了企业诉求的快速响应和高效解决。开展“物流智汇”、掼蛋联赛活动等企业家联合会活动2场，政企携手推动我区企业高质量发展。",
    ),
    (
        "创新能力再上台阶",
        "壮大科技企业梯队。全区已有137家科技型中小企业入库，完成率全市排名第二；有效高企73家，完成率全市排名第一。加大科技研发投入。1-11月，规上工业企业研发投入总量上报数为3.4亿元，有研发活动企业占规上工业企业69%。知识价值信用贷款达到11400万元（全年目标2亿元）；技术合同登记206件，成交额达到12.55亿元（达到全年任务125.5%）；地方财政科技支出占地方财政支出比值为7.4%（全年目标7.5%）。推动创新成果转化。株洲首个入驻岳麓山大学科技城的孵化平台——渌口（长沙）飞地孵化器正式启用，目前运转良好。企业与高校联合开展成果转化项目12个。其中，时代华鑫的芯片封装用耐高温聚酰亚胺薄膜材料研制及应用和时代华先的高性能电容隔膜材料研制项目纳入2024年湖南省重点研发计划指南，现已立项。华冉科技获得创新型省份建设专项科普专项科普专题项目立项，湘春农业科技获得2024年省科技特派员服务乡村振兴项目立项。强化人才支撑引领。时代橡塑的伍威获评为“2024年度株洲市青年科技之星”；华冉科技的但红梅获评为“2024年度株洲市创业类精英人才”。优化科技特派员组织实施，通过双向对接精准匹配，实现科学派驻服务，营造了浓厚的创新发展氛围。",
    ),
    (
        "企业活力持续增强",
        "优质企业数量攀升。截至目前，新增规模以上工业企业10家，创新型中小企业14家，省级专精特新中小企业13家，累计达36家，国家专精特新“小巨人”累计达8家。时代华鑫获评国家级专精特新重点“小巨人”企业。发掘和培育一批新的市场主体，目前已累计净增31家优质企业，其中制造业10家，非制造业21家。转型升级进展喜人。湖南株冶火炬新材料有限公司获评省级原材料工业“三品”标杆企业和省级绿色工厂。兆源机电、坤锐硬质合金等4家企业通过2024年自愿性清洁生产审核。推荐金韦硬质合金、时代华鑫申报国家绿色工厂，兆源机电、华升纺织申报省级节水型标杆企业。项目申报收获颇丰。截至目前，已为企业申报各类项目70余个，拟获批资金905万元。株洲时代华先材料科技有限公司获评2024年湖南省新材料中试平台。株洲时代工程塑料科技有限责任公司和株洲金韦硬质合金有限公司获湖南省制造业单项冠军企业，推荐株冶火炬、兆源机电申报国家制造业单项冠军企业。",
    ),
    (
        "数字转型步伐加快",
        "加快推动产业数字化。新增上平台18家，培育智能制造企业12家、智能制造产线（车间）14个、智能工位80个。华冉科技已通过数字化转型贯标，株洲悠进电装的项目获评湖南省数字化转型标杆项目。组织开展“智赋万企”活动。组织3次数字化转型活动，共计160余家企业参加。已为8家企业开展数字化转型评估诊，联合畅快软件为建湘机械量身定制“小快轻准”数字化转型解决方案。组织区内10家企业申报株洲市数字化转型试点城市首批改造项目。加强与数字化转型第三方服务商合作，与株洲联通签定数字化转型战备合作协议。强化数字基础设施建设。全区共建成771个5G基站，已实现城区、工业园区、重点企业、医疗机构等5G网络和千兆光纤的全覆盖；农村行政村5G覆盖率达到98.31%，千兆光纤覆盖率已超过30%。积极组织2024年电信普遍服务项目基站建设，目前已完成古岳峰镇红旗村的通信塔建设，预计年底前完成剩余2个基站（朱亭镇）建设。组织高标准农田建设、粮食生产万亩示范片、S330公路和清溪村“幸福工程”等项目杆线迁移工作，解决处置了农村地区影响农业生产和安全等通信缆线问题300余处。",
    ),
    (
        "党的建设全面推进",
        "组织中心组学习10 "
        "余次，组织学习党的二十届三中全会精神和习近平新时代中国特色社会主义思想学习纲要、习近平总书记系列重要讲话和指示批示精神，重点学习了《中国共产党纪律处分条例》。扎实组织开展“一月一课一片一实践”主题党日活动，全年共开展支部主题党日活动10次，增强了基层党组织的战斗力和凝聚力。制定印发《2024年党风廉政建设工作分解》，坚持每季度研究一次党风廉政建设工作，做到责任明确、制度规范、措施有力。",
    ),
]

PROBLEMS = "本单位绩效管理中还存在考核指标不科学，操作性不强；指标体系不够科学，目标导向模糊；考核过程偏于形式化；数据采集与信息化滞后。因业务不熟悉，在个别指标的使用上还需要请教前辈，导致资金时效性降低；加上信息化工具匮乏，数据分析能力薄弱，无法支撑精准决策。"

MEASURES = "在今后的绩效管理工作中要加强考核部门之间的衔接，构建科学化指标体系，强化过程管理与技术赋能，推动考核结果刚性应用，深化多元参与和公开监督，做到操作性强，确保达到预期目标。"

RESULTS_USE = "本单位2024年绩效自评结果会应用到2025年绩效评价中，以促进我局来年的工作取得更大的成绩。2024年绩效自评情况会在规定的时间内，在株洲市渌口区人民政府门户网公开。"
UNIT = {
    "name": "株洲市渌口区科技和工业信息化局",
    "short_name": "区科工信局",
    "self_reference": "我局",
    "level": "正科级行政单位",
    "region": "湖南省株洲市渌口区",
    "code": "LK-KGXJ",
}

YEAR = 2024
MANDATE = "主管全区科技、工业和信息化"
SIGNATURE_DATE = (2025, 5, 22)

# (establishment type, 编制数 — not published in the seed, actual headcount at 31 December)
STAFFING = [("行政编制", None, 10), ("全额财政拨款事业编制", None, 11)]
MOVEMENTS = {"staff_transferred_in": 1, "staff_transferred_out": 1, "staff_retired": 1, "retirees_deceased": 0}
OFFICES = ["办公室", "政策法规股", "经济运行股", "企业发展促进股", "科技成果股", "科技创新股"]

# category: (this year 元, last year 元, reason)
BASIC_SPENDING = {
    "personnel": (Decimal("3864449.00"), Decimal("4710700.00"), "因人员到龄退休减少了人员经费"),
    "operating": (Decimal("880551.00"), Decimal("861200.00"), "业务性工作经费微调"),
}

# (source name, source description, [(item name, wording in the report, amount 元)])
PROJECT_SOURCES = [
    (
        "区本级专项资金",
        "",
        [
            ("高分子新材料论坛资金", "2024年度区本级专项资金分配安排了高分子新材料论坛资金", Decimal("100000.00")),
            ("2023年科技三项经费企业奖励", "结转支付了2023年科技三项经费指标支付了给企业奖励", Decimal("337700.00")),
            ("维稳救助经费", "本级追加了关于解决维稳救助经费指标支付了", Decimal("161700.00")),
            (
                "2023年培育制造名城打造“三个高地”奖励资金",
                "拨付2023年株洲市渌口区培育制造名城打造“三个高地”奖励资金",
                Decimal("2705000.00"),
            ),
        ],
    ),
    (
        "省市下达项目资金",
        "是省市两级下达给企业的项目资金",
        [
            ("湖南省先进制造业高地建设专项资金", "", Decimal("4894000.00")),
            ("创新型省份建设专项资金", "", Decimal("322500.00")),
            ("中小企业发展专项资金", "", Decimal("500000.00")),
            ("企业研发奖补资金", "", Decimal("210400.00")),
            ("科技发展专项资金", "", Decimal("1087000.00")),
        ],
    ),
    (
        "新开指标其他项目经费",
        "",
        [("2024年新开指标其他项目经费", "2024年新开指标部分其他项目经费", Decimal("1994100.00"))],
    ),
]

# Indicators the seed's prose reports with a figure. The seed states no weights, and targets only for some; the
# two shortfalls (知识价值信用贷款 57%, 科技支出占比 98.7%) come without a deviation reason, as published.
# (theme index, 一级, 二级, 三级, unit, direction, target, actual, ranking)
INDICATORS = [
    (0, "产出指标", "数量指标", "规模工业增加值增速", "%", "ge", Decimal("10"), Decimal("12.2"), "全市排名第一"),
    (0, "产出指标", "数量指标", "工业投资增速", "%", "ge", None, Decimal("7.6"), "全市排名第六"),
    (0, "产出指标", "质量指标", "企业诉求办结率", "%", "ge", Decimal("100"), Decimal("100"), ""),
    (1, "产出指标", "数量指标", "科技型中小企业入库数", "家", "ge", None, Decimal("137"), "完成率全市排名第二"),
    (1, "产出指标", "数量指标", "有效高新技术企业数", "家", "ge", None, Decimal("73"), "完成率全市排名第一"),
    (1, "效益指标", "经济效益指标", "知识价值信用贷款", "万元", "ge", Decimal("20000"), Decimal("11400"), ""),
    (1, "效益指标", "经济效益指标", "技术合同成交额", "亿元", "ge", Decimal("10"), Decimal("12.55"), ""),
    (
        1,
        "效益指标",
        "社会效益指标",
        "地方财政科技支出占地方财政支出比值",
        "%",
        "ge",
        Decimal("7.5"),
        Decimal("7.4"),
        "",
    ),
    (0, "满意度指标", "服务对象满意度指标", "企业诉求满意率", "%", "ge", Decimal("100"), Decimal("100"), ""),
]


# ---------------------------------------------------------------------------
# The figures behind the score (issue 10). The seed prints no 自评表, no budget, no 编制数, no 三公经费, 政府采购 or
# 资产 figures and no weights (domain.md §6), so the demo supplies them to be scored under the Hunan scheme. Each
# figure below says whether it is FROM THE SEED or ILLUSTRATIVE (invented for the demo, consistent with what the seed
# prints: nobody should quote them as the bureau's). Amounts in 元.
# ---------------------------------------------------------------------------
SCORING_SCHEME = "hunan"  # the shipped Hunan scheme, chosen for the seed unit's region and year by loaddemo

# 编制数 per staffing line, by establishment type. ILLUSTRATIVE: the seed prints only 实有 (10 + 11 = 21 在职人员).
APPROVED_POSTS = {"行政编制": 10, "全额财政拨款事业编制": 12}

# The funds block, per line: (上年结转, 年初预算数, 本年追加, 本年调减, 全年预算数, 全年执行数, 年末结转结余).
# 全年执行数 is FROM THE SEED: 基本支出 474.50万元 (人员经费 3,864,449 + 日常公用经费 880,551) and 项目支出 1231.24万元
# (the eleven items above, 12,312,400). 项目支出 上年结转 337,700 is FROM THE SEED too: the 2023 科技三项经费 it says
# were carried over and paid in 2024. Everything else is ILLUSTRATIVE, and adds up: 全年预算 = 上年结转 + 年初预算 +
# 追加 − 调减, 年末结转结余 = 全年预算 − 全年执行; the three source lines add up to 基本 + 项目 in every column.
EXECUTION_COLUMNS = (
    "carryover_from_last_year",
    "initial_budget",
    "additions",
    "reductions",
    "full_year_budget",
    "executed",
    "year_end_carryover",
)
# fmt: off
EXECUTION = {
    "basic":     (Decimal("0"),      Decimal("4800000"), Decimal("0"),       Decimal("50000"), Decimal("4750000"),
                  Decimal("4745000"),  Decimal("5000")),
    "project":   (Decimal("337700"), Decimal("3000000"), Decimal("9100000"), Decimal("0"),     Decimal("12437700"),
                  Decimal("12312400"), Decimal("125300")),
    # 财政拨款 / 上年结转资金 / 其他资金: ILLUSTRATIVE split (the seed names no source of funds for basic spending).
    "fiscal":    (Decimal("0"),      Decimal("7800000"), Decimal("9100000"), Decimal("50000"), Decimal("16850000"),
                  Decimal("16719700"), Decimal("130300")),
    "carryover": (Decimal("337700"), Decimal("0"),       Decimal("0"),       Decimal("0"),     Decimal("337700"),
                  Decimal("337700"),   Decimal("0")),
    "other":     (Decimal("0"),      Decimal("0"),       Decimal("0"),       Decimal("0"),     Decimal("0"),
                  Decimal("0"),        Decimal("0")),
}
# fmt: on

# The figures behind the common indicators (budgets.CommonFigures). ALL ILLUSTRATIVE except where noted; 实际公用经费
# is 日常公用经费 880,551 FROM THE SEED (read from basic spending, not repeated here).
COMMON_FIGURES = {
    # “三公经费”: no travel abroad; 本年 73,000 against 上年 84,000 (−13.10%), within the 90,000 budget (81.11%).
    "abroad_budget": Decimal("0"),
    "abroad_actual": Decimal("0"),
    "abroad_previous_budget": Decimal("0"),
    "abroad_previous_actual": Decimal("0"),
    "vehicles_budget": Decimal("60000"),
    "vehicles_actual": Decimal("52000"),
    "vehicles_previous_budget": Decimal("60000"),
    "vehicles_previous_actual": Decimal("58000"),
    "reception_budget": Decimal("30000"),
    "reception_actual": Decimal("21000"),
    "reception_previous_budget": Decimal("30000"),
    "reception_previous_actual": Decimal("26000"),
    "procurement_budget": Decimal("500000"),
    "procurement_actual": Decimal("468000"),
    "public_funds_budget": Decimal("900000"),
    "fixed_assets_in_use": Decimal("1860000"),
    "fixed_assets_total": Decimal("1920000"),
    # 重点项目支出: of the 12,312,400 project spending (FROM THE SEED), 85.28% on key projects.
    "key_project_spending": Decimal("10500000"),
    "payment_progress_actual": Decimal("96.00"),
    "payment_progress_planned": Decimal("100.00"),
    "rules_met": 3,
    "violations": 0,
}

# The unit's judgement of the Hunan scheme's qualitative leaves: (tier, score, reason). ILLUSTRATIVE: the seed says
# only that the results will be published "在规定的时间内" (its 六、).
LEAF_ASSESSMENTS = {
    "disclosure": (
        "achieved",
        Decimal("8.50"),
        "按规定在区政府门户网站公开了2024年部门预算、决算和“三公经费”，基础数据和会计资料真实完整；个别说明公开较晚，扣0.5分。",
    ),
    "asset_security": (
        "achieved",
        Decimal("4.50"),
        "资产账实相符，配置按标准执行，处置按程序报批；年度盘点发现1台设备未及时登记，已整改，扣0.5分。",
    ),
}

# The indicators' 分值 (the seed states none: ILLUSTRATIVE), adding up as the Hunan scheme needs: 产出 25 (the five
# 产出指标), 效果 20 (the three 效益指标 and the 满意度指标). Targets the seed does not print are ILLUSTRATIVE too;
# the seed's own targets (10%, 100%, 2亿元, 10亿元, 7.5%) are kept.
INDICATOR_WEIGHTS = {
    "规模工业增加值增速": Decimal("5"),
    "工业投资增速": Decimal("5"),
    "企业诉求办结率": Decimal("5"),
    "科技型中小企业入库数": Decimal("5"),
    "有效高新技术企业数": Decimal("5"),
    "知识价值信用贷款": Decimal("5"),
    "技术合同成交额": Decimal("5"),
    "地方财政科技支出占地方财政支出比值": Decimal("5"),
    "企业诉求满意率": Decimal("5"),
}
ILLUSTRATIVE_TARGETS = {
    "工业投资增速": Decimal("7"),
    "科技型中小企业入库数": Decimal("130"),
    "有效高新技术企业数": Decimal("70"),
}
