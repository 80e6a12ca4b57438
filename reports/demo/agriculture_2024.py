"""The second demo unit: 株洲市渌口区农业农村局, 2024, a report under the fuller Hunan outline that gives totals only.

Invented for the demo (it is not a published report), and shaped like the many real reports that are not the seed's:
spending as totals without a split of basic spending or project items, amounts typed in 万元, offices in two groups,
staffing with 在编人数 and the approving body, two staff movements stated and two not (blank, not zero), and the three
other budget types each stated (one with spending, two without). It stays a draft for 赵敏 to finish: unsigned."""

from decimal import Decimal

UNIT = {
    "name": "株洲市渌口区农业农村局",
    "short_name": "区农业农村局",
    "self_reference": "我局",
    "level": "正科级行政单位",
    "region": "湖南省株洲市渌口区",
    "code": "LK-NYNCJ",
}

YEAR = 2024
MANDATE = "主管全区农业农村工作"
AMOUNT_UNIT = "wan"

DUTIES = [
    "贯彻执行国家、省、市关于农业农村工作的方针政策和法律法规。",
    "统筹研究和组织实施全区“三农”工作的发展战略、中长期规划和重大政策。",
    "负责全区种植业、畜牧业、渔业和农业机械化等农业各产业的监督管理。",
    "负责全区农产品质量安全监督管理和动植物疫病防控工作。",
    "完成区委、区政府交办的其他任务。",
]

# (group, [office names])
OFFICES = [
    ("内设机构", ["办公室", "计划财务股", "农业产业发展股", "乡村建设股"]),
    ("下属事业单位", ["区农业综合服务中心", "区动物疫病预防控制中心"]),
]

# (establishment type, 编制数, 实有人数)
STAFFING = [("行政编制", 12, 11), ("全额拨款事业编制", 30, 28)]
STAFF_ON_ROLL = 39
STAFFING_AUTHORITY = "区编委"
# Only what the unit stated: 调出 and 退休人员去世 are unknown, not zero.
MOVEMENTS = {"staff_transferred_in": 2, "staff_retired": 1}


def wan(text: str) -> Decimal:
    """An amount typed in 万元, stored in 元 (exact: 万元 with up to six decimals is a whole number of fen)."""
    return Decimal(text) * 10000


# SpendingSummary, as typed in 万元: the totals without their parts. 612.45 + 1983.93 = 2596.38.
TOTALS = {
    "total_budget": wan("2680.00"),
    "total_spending": wan("2596.38"),
    "basic_total": wan("612.45"),
    "project_total": wan("1983.93"),
}

# fund type: (has spending, amount 元 or None, narrative)
FUND_TYPES = {
    "government_fund": (True, wan("350.00"), "主要用于高标准农田建设和农村人居环境整治。"),
    "state_capital": (False, None, ""),
    "social_insurance": (False, None, ""),
}

OVERALL_GOAL = "稳定粮食生产，保障重要农产品供给，持续改善农村人居环境，推进乡村全面振兴。"

THEMES = [
    ("粮食生产稳定向好", "全年落实粮食播种面积任务，完成高标准农田建设任务，粮食生产保持稳定。"),
    ("乡村建设扎实推进", "完成农村改厕和村庄清洁行动年度任务，农村人居环境持续改善。"),
]

PROBLEMS = "部分项目前期工作准备不足，资金拨付进度偏慢；绩效目标设置不够细化，部分指标难以量化考核。"
MEASURES = "提前做好项目储备和前期工作，加快资金拨付进度；细化绩效目标和指标，加强绩效运行监控。"
RESULTS_USE = "本单位2024年绩效自评结果将作为2025年预算安排的重要参考，并在株洲市渌口区人民政府门户网公开。"
