"""Builds tests/data/bad/: each bad input is good_small.yaml with one defect, plus the findings it must give.

Why this exists: a corpus an officer (or a reviewer) can open and read — every file says in its
first lines which rule must fire, at which line, and the exit code — while staying derivable from
one good budget so it never drifts. Run `python tests/data/build_corpus.py` after editing the base.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).parent
BASE = (HERE / "good_small.yaml").read_text(encoding="utf-8")
OUT = HERE / "bad"

PERF_BLOCK = BASE[BASE.index("    绩效目标:\n"): BASE.index("上年数:")]
PROJECT = BASE[BASE.index('  - 项目编码: "901T0001"'): BASE.index("政府购买服务:")]
HALF = PROJECT.replace("40.00", "20.00")
TWIN = HALF.replace('"901T0001"', '"901T0002"').replace("示例业务专项", "示例业务专项（二）")
USE = "    主要用途: 开展示例业务工作"
DUTY = "    - 负责全市示例工作的统筹协调。"
HEAD_TO_CARRY = BASE[BASE.index("  金额单位: 万元\n"): BASE.index("  收入总计: 150.00")]
"""基本信息 … 上年结转结余: one region, so one edit can choose the 河北 layout and pay 10.00 of the same spending
from a carry-over instead of this year's income (still balanced)."""

# name: (old text, new text, [(rule, anchor text whose line the finding must name, or None for "no line")], exit)
CASES: dict[str, tuple[str, str, list[tuple[str, str | None]], int]] = {
    "bal_income_total": ("  收入总计: 150.00", "  收入总计: 160.00", [("BAL-INCOME", "收入总计: 160.00")], 1),
    "bal_income_rounding": ("  收入总计: 150.00", "  收入总计: 150.01", [("ROUNDING", "收入总计: 150.01")], 0),
    "bal_expense_total": ("  本年支出合计: 150.00", "  本年支出合计: 151.00", [("BAL-EXPENSE", "本年支出合计: 151.00")], 1),
    "bal_total_and_fund": (
        "    一般公共预算拨款: 150.00\n  本年收入合计: 150.00",
        "    一般公共预算拨款: 160.00\n  本年收入合计: 160.00",
        [("BAL-TOTAL", "  功能分类:"), ("FUND-BALANCE", "  功能分类:"), ("BAL-INCOME", "  收入总计: 150.00")],
        1,
    ),
    "func_row_total": ("公用经费: 12.00, 合计: 92.00", "公用经费: 12.00, 合计: 93.00", [("FUNC-ROW", "合计: 93.00")], 1),
    "func_code_format": ('"2010302"', '"201030"', [("FUNC-CODE", '"201030"')], 1),
    "func_catalog_name": ("科目名称: 一般行政管理事务", "科目名称: 一般行政事务", [("FUNC-CATALOG", "一般行政事务")], 0),
    "func_catalog_unknown": ('"2010302"', '"2010398"', [("FUNC-CATALOG", '"2010398"')], 0),
    "func_subtotal": ("科目名称: 一般公共服务支出, 合计: 132.00", "科目名称: 一般公共服务支出, 合计: 130.00",
                      [("FUNC-SUBTOTAL", "合计: 130.00")], 1),
    "func_duplicate": ('{科目编码: "2210201", 科目名称: 住房公积金', '{科目编码: "2101101", 科目名称: 行政单位医疗',
                       [("FUNC-DUPLICATE", '"2101101", 科目名称: 行政单位医疗, 人员经费: 4.00}\n  小计')], 1),
    "func_zero": ('    - {科目编码: "2210201", 科目名称: 住房公积金, 人员经费: 4.00}',
                  '    - {科目编码: "2210201", 科目名称: 住房公积金, 人员经费: 4.00}\n    - {科目编码: "2010350", 科目名称: 事业运行}',
                  [("FUNC-ZERO", '"2010350"')], 0),
    "econ_basic": ("科目名称: 基本工资, 人员经费: 60.00", "科目名称: 基本工资, 人员经费: 61.00",
                   [("ECON-BASIC", "科目名称: 基本工资, 人员经费: 61.00")], 1),
    "econ_code": ('"30201"', '"3020"', [("ECON-ROW", '"3020"')], 1),
    "fund_balance": ("科目名称: 一般行政管理事务, 项目支出: 40.00", "科目名称: 一般行政管理事务, 资金来源: 政府性基金预算, 项目支出: 40.00",
                     [("FUND-BALANCE", "  功能分类:"), ("PROJ-TOTAL", "项目:")], 1),
    "proj_total": ("资金来源: {一般公共预算: 40.00}\n    合计: 40.00", "资金来源: {一般公共预算: 45.00}\n    合计: 45.00",
                   [("PROJ-TOTAL", "项目:")], 1),
    "proj_declared": ("    合计: 40.00", "    合计: 41.00", [("PROJ-TOTAL", "    合计: 41.00")], 1),
    "sangong_total": ("  公务接待费: 1.00\n  合计: 1.00", "  公务接待费: 1.00\n  合计: 2.00", [("SANGONG", "  合计: 2.00")], 1),
    "opcost_detail": ("    - {名称: 办公费, 金额: 5.00}\n    - {名称: 公务接待费, 金额: 1.00}\n    - {名称: 其他商品和服务支出, 金额: 6.00}",
                      "    - {名称: 办公费, 金额: 5.50}\n    - {名称: 公务接待费, 金额: 1.00}\n    - {名称: 其他商品和服务支出, 金额: 5.50}",
                      [("OPCOST-DETAIL", "{名称: 办公费, 金额: 5.50}")], 0),
    "opcost": ("  金额: 12.00", "  金额: 13.00", [("OPCOST", "金额: 13.00"), ("OPCOST-ITEMS", "金额: 13.00")], 1),
    "proc_total": ("  合计: 10.00\n项目:", "  合计: 11.00\n项目:", [("PROC-TOTAL", "  合计: 11.00")], 1),
    "proc_sme": ("  面向中小企业: 10.00", "  面向中小企业: 11.00", [("PROC-SME", "面向中小企业: 11.00")], 1),
    "proc_micro": ("  面向小微企业: 6.00", "  面向小微企业: 10.50", [("PROC-SME", "面向小微企业: 10.50")], 1),
    "econ_catalog": ("科目名称: 基本工资", "科目名称: 基础工资", [("ECON-CATALOG", "基础工资")], 0),
    "proj_code": ("    主要用途: 开展示例业务工作", '    功能分类科目: "2010301"\n    主要用途: 开展示例业务工作',
                  [("PROJ-CODE", '功能分类科目: "2010301"')], 1),
    "sangong_scope": ("  公务接待费: 1.00\n  合计: 1.00", "  公务接待费: 200.00\n  合计: 200.00",
                      [("SANGONG-SCOPE", "三公经费:")], 0),
    "perf_required": (PERF_BLOCK, "", [("PERF-REQUIRED", "项目名称: 示例业务专项")], 1),
    "perf_indicators": ("{一级指标: 效益指标, 二级指标: 社会效益指标", "{一级指标: 产出指标, 二级指标: 社会效益指标",
                        [("PERF-INDICATORS", "      指标:")], 1),
    "perf_satisfaction": ("{一级指标: 满意度指标", "{一级指标: 效益指标", [("PERF-SATISFACTION", "      指标:")], 0),
    "perf_value": ('指标值: "10"', '指标值: "10次"', [("PERF-VALUE", '"10次"')], 1),
    "prior_missing": ("  公务接待费: 1.00\n  机关运行经费: 12.00", "  机关运行经费: 12.00", [("PRIOR-MISSING", "上年数:")], 0),
    "prior_reason": ("政府采购: {金额: 12.00, 增减原因: 办公设备采购减少}", "政府采购: {金额: 12.00}",
                     [("PRIOR-REASON", "政府采购: {金额: 12.00}")], 0),
    "hyg_negative": ("政府购买服务:\n  合计: 0", "政府购买服务:\n  合计: -5.00", [("HYG-NEGATIVE", "合计: -5.00")], 1),
    "hyg_decimals": ("政府购买服务:\n  合计: 0", "政府购买服务:\n  合计: 0.001", [("HYG-DECIMALS", "合计: 0.001")], 1),
    "hyg_placeholder": ("负责全市示例工作的统筹协调。", "负责XX工作的统筹协调。", [("HYG-PLACEHOLDER", "负责XX工作")], 1),
    "hyg_empty": ("    项目名称: 示例业务专项", '    项目名称: ""', [("HYG-EMPTY", '项目名称: ""')], 1),
    "info_dates": ("预算年度: 2024", "预算年度: 2024\n  公开日期: 2022-02-05", [("INFO-DATES", "公开日期: 2022-02-05")], 0),
    "hyg_year": ("预算年度: 2024", "预算年度: 1924", [("HYG-YEAR", "预算年度: 1924")], 1),
    "info_units": ("类型: 本级, 单位性质", "类型: 二级单位, 单位性质", [("INFO-UNITS", "  预算单位:")], 1),
    "income_units": ("类型: 本级, 单位性质: 行政单位}", "类型: 本级, 单位性质: 行政单位, 本年收入: {一般公共预算拨款: 140.00}}",
                     [("INCOME-UNITS", "  预算单位:")], 1),
    "hyg_control": ("    - 负责全市示例工作的统筹协调。", '    - "负责全市示例工作的\\v统筹协调。"', [("HYG-CONTROL", "负责全市示例工作的\\v")], 1),
    "prior_code": ("  政府采购: {金额: 12.00, 增减原因: 办公设备采购减少}",
                   '  政府采购: {金额: 12.00, 增减原因: 办公设备采购减少}\n  功能分类: {"201": 132.00, "208": 10.00, "210": 4.00, "2219": 4.00}',
                   [("PRIOR-CODE", '"2219"')], 0),
    "prior_balance": ("  支出总计: {金额: 145.00}", "  支出总计: {金额: 146.00}", [("PRIOR-BALANCE", "支出总计: {金额: 146.00}")], 0),
    "hyg_count": ("  实有人数: 9", "  实有人数: -11", [("HYG-COUNT", "实有人数: -11")], 1),
    "info_duties": ("  主要职责:\n    - 负责全市示例工作的统筹协调。\n    - 完成市委、市政府交办的其他任务。\n",
                    "  主要职责: []\n", [("INFO-DUTIES", "主要职责: []")], 1),
    "gps_total": ("政府购买服务:\n  合计: 0", "政府购买服务:\n  合计: 0\n  明细: [{名称: 物业管理, 金额: 500.00}]",
                  [("GPS-TOTAL", "  合计: 0\n  明细")], 1),
    "gps_rounding": ("政府购买服务:\n  合计: 0", "政府购买服务:\n  合计: 2.00\n  明细: [{名称: 物业, 金额: 1.01}, {名称: 保安, 金额: 1.00}]",
                     [("ROUNDING", "  合计: 2.00"), ("PRIOR-MISSING", "上年数:")], 0),
    "info_missing": ("  资产配置预算: 0\n上年数:", "上年数:", [("INFO-MISSING", "国有资产:")], 0),
    "plan_order": (USE, USE + "\n    资金支出计划: {3月底: 10.00, 6月底: 8.00, 10月底: 30.00, 12月底: 38.00}",
                   [("PLAN-ORDER", "资金支出计划: {3月底: 10.00")], 1),
    "plan_percent": (USE, USE + "\n    资金支出计划: {3月底: 10, 6月底: 40, 10月底: 80, 12月底: 100}",
                     [("PLAN-PERCENT", "资金支出计划: {3月底: 10,")], 1),
    "perf_cost": ("计量单位: 次}", '计量单位: 次}\n        - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 活动经费, '
                  '符号: "≤", 指标值: "487.4", 计量单位: 万元}', [("PERF-COST", "三级指标: 活动经费")], 0),
    "perf_time": ("计量单位: 次}", "计量单位: 次}\n        - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, "
                  "符号: 定性, 指标值: 2023年底前完成}", [("PERF-TIME", "三级指标: 完成时间")], 0),
    "perf_copy": (PROJECT, HALF + TWIN, [("PERF-COPY", "项目名称: 示例业务专项（二）")], 0),
    "perf_unit": ('三级指标: 群众满意度, 符号: "≥", 指标值: "90", 计量单位: "%"', '三级指标: 群众满意率, 符号: "≥", 指标值: "1", 计量单位: 人',
                  [("PERF-UNIT", "群众满意率")], 0),
    "vehicle_cost": ("  公务用车运行维护费: 0\n  公务接待费: 1.00\n  合计: 1.00", "  公务用车运行维护费: 1.00\n  公务接待费: 1.00\n  合计: 2.00",
                     [("VEHICLE-COST", "  车辆: [{类型: 其他用车")], 0),
    "vehicle_idle": ("  车辆: [{类型: 其他用车, 数量: 0}]", "  车辆: [{类型: 其他用车, 数量: 2}]",
                     [("VEHICLE-COST", "  车辆: [{类型: 其他用车, 数量: 2}]")], 0),
    "staff_zero": ("  实有人数: 9", "  实有人数: 0", [("STAFF-ZERO", "  实有人数: 0")], 0),
    "asset_unit": ("  资产配置预算: 0\n上年数:", "  资产配置预算: 0\n  上年末固定资产总额: 856766.73\n上年数:",
                   [("ASSET-UNIT", "上年末固定资产总额: 856766.73")], 0),
    "hyg_placeholder_dept": ("负责全市示例工作的统筹协调。", "负责{部门}工作的统筹协调。", [("HYG-PLACEHOLDER", "负责{部门}")], 1),
    "hyg_placeholder_tbd": (USE, "    主要用途: TBD", [("HYG-PLACEHOLDER", "主要用途: TBD")], 1),
    "hyg_doubled": ("完成市委、市政府交办的其他任务。", "完成市委、市政府交办的其他预算预算任务。", [("HYG-DOUBLED", "预算预算")], 0),
    "hyg_text_year": (USE, "    主要用途: 开展2019年示例业务工作", [("HYG-TEXT-YEAR", "开展2019年")], 0),
    "hyg_punct": (DUTY, "    - 负责全市示例工作的统筹协调,2024年完成。", [("HYG-PUNCT", "统筹协调,2024")], 0),
    "text_figure": ("  基本支出: {金额: 105.00}", "  基本支出: {金额: 105.00, 增减原因: 人员经费251.05万元}",
                    [("TEXT-FIGURE", "人员经费251.05万元")], 0),
    "text_share": (USE, "    主要用途: 开展示例业务工作，项目支出40.00万元，占46.45%",
                   [("TEXT-FIGURE", "占46.45%")], 0),
    "carry_rows": ('科目名称: 一般行政管理事务, 项目支出: 40.00}', '科目名称: 一般行政管理事务, 项目支出: 40.00, 上年结转: 5.00}',
                   [("CARRY-ROWS", "    一般公共预算: 0\n  收入总计")], 1),
    "carry_rows_missing": (HEAD_TO_CARRY, HEAD_TO_CARRY.replace("  金额单位: 万元\n", "  金额单位: 万元\n  版式: 河北\n")
                           .replace("    一般公共预算: 0\n", "    一般公共预算: 10.00\n")
                           .replace("拨款: 150.00\n  本年收入合计: 150.00", "拨款: 140.00\n  本年收入合计: 140.00"),
                           [("CARRY-ROWS-MISSING", "    一般公共预算: 10.00")], 0),
    "carry_row_exceeds": ('科目名称: 一般行政管理事务, 项目支出: 40.00}', '科目名称: 一般行政管理事务, 项目支出: 40.00, 上年结转: 45.00}',
                          [("CARRY-ROWS", "上年结转: 45.00"), ("CARRY-ROWS", "    一般公共预算: 0\n  收入总计")], 1),
    "sangong_funds": ("  公务接待费: 1.00\n  合计: 1.00", "  公务接待费: 1.00\n  合计: 1.00\n  资金来源:\n    公务接待费: {一般公共预算: 0.80}",
                      [("SANGONG-FUNDS", "    公务接待费: {一般公共预算: 0.80}")], 1),
    "sangong_funds_absent": ("  公务接待费: 1.00\n  合计: 1.00", "  公务接待费: 1.00\n  合计: 1.00\n  资金来源:\n    会议费: {一般公共预算: 0.80}",
                             [("SANGONG-FUNDS", "    会议费: {一般公共预算: 0.80}")], 1),
    "proc_funds": ("  合计: 10.00\n项目:", "  合计: 10.00\n  明细:\n"
                   "    - {品目: 办公设备, 类别: 货物, 金额: 8.00, 面向中小企业: 8.00, 面向小微企业: 6.00, 资金来源: {一般公共预算: 7.00}}\n"
                   "    - {品目: 物业服务, 类别: 服务, 金额: 2.00, 面向中小企业: 2.00}\n项目:",
                   [("PROC-FUNDS", "资金来源: {一般公共预算: 7.00}")], 1),
    "proc_price": ("  合计: 10.00\n项目:", "  合计: 10.00\n  明细:\n"
                   "    - {品目: 办公设备, 类别: 货物, 数量: 4, 单价: 1.50, 金额: 8.00, 面向中小企业: 8.00, 面向小微企业: 6.00}\n"
                   "    - {品目: 物业服务, 类别: 服务, 金额: 2.00, 面向中小企业: 2.00}\n项目:",
                   [("PROC-PRICE", "金额: 8.00, 面向中小企业: 8.00")], 0),
    "model_unknown_key": ("  实有人数: 9", "  实有人员: 9", [("MODEL-TYPE", "实有人员")], 1),
    "model_missing_key": ("  部门名称: 测试市示例局\n", "", [("MODEL-TYPE", "基本信息:")], 1),
    "model_text_amount": ("一般公共预算拨款: 150.00", "一般公共预算拨款: 一百五十", [("MODEL-TYPE", "一百五十")], 1),
    "model_bad_unit": ("金额单位: 万元", "金额单位: 千元", [("MODEL-TYPE", "千元")], 1),
    "yaml_syntax": ("  本年收入:\n", "  本年收入:\n   一般: [1, 2\n", [("YAML-SYNTAX", None)], 2),
    "yaml_duplicate_key": ('  部门编码: "901"\n', '  部门编码: "901"\n  部门编码: "902"\n', [("YAML-DUPLICATE-KEY", '部门编码: "902"')], 2),
    "yaml_anchor": ("金额单位: 万元", "金额单位: &u 万元", [("YAML-ANCHOR", "&u")], 2),
    "yaml_tag": ('部门编码: "901"', "部门编码: !!python/object:os.system '901'", [("YAML-TAG", "!!python")], 2),
}


FINAL_BASE = (HERE / "final_small.yaml").read_text(encoding="utf-8")

# The 决算 cases: final_small.yaml with one defect each (written as bad/final_<name>.yaml).
FINAL_CASES: dict[str, tuple[str, str, list[tuple[str, str | None]], int]] = {
    "income_total": ("  收入总计: 140.00", "  收入总计: 141.00", [("FIN-INCOME", "收入总计: 141.00")], 1),
    "income_rounding": ("  本年收入合计: 130.00", "  本年收入合计: 130.01",
                        [("ROUNDING", "本年收入合计: 130.01")], 0),
    "expense_total": ("  支出总计: 140.00", "  支出总计: 139.00", [("FIN-EXPENSE", "支出总计: 139.00")], 1),
    "total_and_fund": ("    一般公共预算财政拨款收入: 100.00\n    政府性基金", "    一般公共预算财政拨款收入: 101.00\n    政府性基金",
                       [("FIN-TOTAL", "  功能分类:"), ("FIN-FUND", "  功能分类:"), ("FIN-INCOME", "本年收入合计: 130.00"),
                        ("FIN-INCOME-TABLE", "  功能分类:")], 1),
    "row_total": ("公用经费: 12.00, 合计: 62.00", "公用经费: 12.00, 合计: 63.00", [("FIN-ROW", "合计: 63.00")], 1),
    "item_exceeds": ("{科目编码: \"201\", 科目名称: 一般公共服务支出, 合计: 114.00}",
                     "{科目编码: \"201\", 科目名称: 一般公共服务支出, 合计: 50.00}",
                     [("FIN-ITEM-EXCEEDS", "合计: 50.00"), ("FUNC-SUBTOTAL", "合计: 50.00")], 1),
    "income_table": ("本年收入: {事业收入: 10.00}", "本年收入: {事业收入: 9.00}", [("FIN-INCOME-TABLE", "  功能分类:")], 1),
    "fund_table": ("本年收入: 20.00, 年末结转和结余: 2.00}", "本年收入: 20.00, 年末结转和结余: 3.00}",
                   [("FIN-FUND-TABLE", "年末结转和结余: 3.00}"), ("FIN-FUND-TABLE", "政府性基金:\n")], 1),
    "econ_items": ("经济分类合计: {人员经费: 53.00", "经济分类合计: {人员经费: 54.06", [("FIN-ECON", "人员经费: 54.06")], 1),
    "econ_vs_function": ("科目名称: 基本工资, 人员经费: 40.00", "科目名称: 基本工资, 人员经费: 41.00",
                         [("FIN-ECON", "经济分类基本支出:"), ("FIN-ECON", "经济分类合计:")], 1),
    "sangong_total": ("公务接待费: 1.50, 合计: 5.50", "公务接待费: 1.50, 合计: 5.60", [("FIN-SANGONG", "合计: 5.60")], 1),
    "sangong_econ": ("科目名称: 公务接待费, 公用经费: 1.00}", "科目名称: 公务接待费, 公用经费: 1.60}",
                     [("FIN-SANGONG-ECON", "公用经费: 1.60"), ("FIN-ECON", "经济分类基本支出:"), ("FIN-ECON", "经济分类合计:")], 1),
    "sangong_detail": ("国内: {金额: 1.50", "国内: {金额: 1.40", [("FIN-SANGONG-DETAIL", "国内: {金额: 1.40")], 1),
    "sangong_missing": ("  出国: {团组数: 0, 人次: 0}\n  公务用车: {购置数: 0, 保有量: 2, 运行用途: 公务用车燃料、维修和保险}\n", "",
                        [("FIN-SANGONG-MISSING", "三公经费:")], 0),
    "sangong_reason": ("    公务接待费: 接待批次减少\n", "", [("FIN-SANGONG-REASON", "  预决算差异原因:")], 0),
    "completion": ("项目支出: 40.00, 年初预算数: 42.00", "项目支出: 40.00, 年初预算数: 80.00",
                   [("FIN-COMPLETION", "年初预算数: 80.00")], 0),
    "completion_missing": ("人员经费: 3.00, 年初预算数: 3.00,", "人员经费: 3.00,", [("FIN-COMPLETION", "\"2080505\"")], 0),
    "prior_missing": ("  本年收入合计: 125.00\n", "", [("FIN-PRIOR-MISSING", "上年数:")], 0),
    "prior_reason": ("  本年收入合计: 125.00", "  本年收入合计: 100.00", [("FIN-PRIOR-REASON", "本年收入合计: 100.00")], 0),
    "wording_equal": ("    公务接待费: 接待批次减少", "    公务接待费: 决算数等于预算数", [("FIN-WORDING", "公务接待费: 决算数等于预算数")], 0),
    "wording_zero_base": ("  因公出国（境）费: 0\n", "  因公出国（境）费: {金额: 0, 增减原因: 增长100%}\n",
                          [("FIN-WORDING", "增长100%")], 0),
    "opcost": ("{决算数: 10.00, 比较基数: 上年决算}", "{决算数: 13.00, 比较基数: 上年决算}",
               [("FIN-OPCOST", "决算数: 13.00"), ("FIN-PRIOR-REASON", "机关运行经费: 10.50")], 0),
    "opcost_absent": ("{决算数: 10.00, 比较基数: 上年决算}", "{比较基数: 上年决算}", [("FIN-OPCOST", "{比较基数: 上年决算}")], 0),
    "proc_total": ("  合计: 12.00\n  授予", "  合计: 13.00\n  授予", [("FIN-PROC", "  合计: 13.00")], 1),
    "proc_sme": ("授予小微企业: 5.00", "授予小微企业: 11.00",
                 [("FIN-PROC", "授予小微企业: 11.00"), ("FIN-PROC-MICRO", "授予小微企业: 11.00")], 1),
    "proc_micro_sum": ("{货物: 3.00, 服务: 2.00}", "{货物: 3.50, 服务: 2.00}", [("FIN-PROC-MICRO", "授予小微企业: 5.00")], 1),
    "proc_sme_missing": ("  授予中小企业: {货物: 6.00, 服务: 4.00}\n", "", [("FIN-PROC-SME-MISSING", "政府采购:")], 0),
    "proc_micro_kind": ("{货物: 3.00, 服务: 2.00}", "{货物: 0.50, 服务: 4.50}", [("FIN-PROC-MICRO", "服务: 4.50}")], 1),
    "assets": ("  车辆: [{类型: 其他用车, 数量: 2}]\n", "", [("FIN-ASSETS", "国有资产:")], 0),
    "perf_coverage": ("      执行数: 40.00", "      执行数: 30.00", [("FIN-PERF", "  项目:\n    - 项目名称")], 0),
    "info_year": ("决算年度: 2023", "决算年度: 1923", [("FIN-INFO", "决算年度: 1923"), ("FIN-DATES", "公开日期: 2024-08-30")], 1),
    "dates": ("公开日期: 2024-08-30", "公开日期: 2023-08-30", [("FIN-DATES", "公开日期: 2023-08-30")], 0),
    "model_unknown_key": ("  使用非财政拨款结余: 2.00", "  使用非财政结余: 2.00", [("MODEL-TYPE", "使用非财政结余")], 1),
    "placeholder": ("负责全市示例工作的统筹协调。", "负责XX工作的统筹协调。", [("HYG-PLACEHOLDER", "负责XX工作")], 1),
}


def _line_of(text: str, anchor: str) -> int:
    index = text.index(anchor)
    return text.count("\n", 0, index) + 1 + (1 if anchor.startswith("\n") else 0)


def _brief(text: str) -> str:
    return text.strip().replace("\n", " ⏎ ")[:30]


def _header(expect: list[tuple[str, int | None]], exit_code: int, what: str) -> str:
    lines = [f"# 坏样本：{what}"]
    lines += [f"# 期望: {rule} 第{line}行" if line else f"# 期望: {rule}" for rule, line in expect]
    lines.append(f"# 退出码: {exit_code}")
    return "\n".join(lines) + "\n"


def build_yaml_cases(base: str = BASE, cases: dict | None = None, prefix: str = "") -> None:
    for name, (old, new, expect, code) in (CASES if cases is None else cases).items():
        assert base.count(old) == 1, f"{name}: '{old[:30]}' must occur exactly once in the base"
        body = base.replace(old, new).split("\n", 1)[1]  # drop the base's own comment line
        n_header = 2 + len(expect)
        resolved = [(rule, None if anchor is None else _line_of(body, anchor) + n_header) for rule, anchor in expect]
        text = _header(resolved, code, f"{_brief(old)} → {_brief(new) or '（删除）'}") + body
        (OUT / f"{prefix}{name}.yaml").write_text(text, encoding="utf-8")


def _decimal_json(data: object) -> str:
    def encode(value: object) -> object:
        if isinstance(value, Decimal):
            return f"@@{value}@@"
        if hasattr(value, "isoformat"):
            return value.isoformat()  # type: ignore[union-attr]
        raise TypeError(type(value))

    text = json.dumps(data, ensure_ascii=False, indent=2, default=encode)
    return re.sub(r'"@@(-?[\d.]+)@@"', r"\1", text)


def build_other_cases() -> None:
    import sys

    sys.path.insert(0, str(HERE.parents[1]))
    from generator.reading.load import load_file

    data, _ = load_file(HERE / "good_small.yaml")
    good_json = _decimal_json(data)
    (HERE / "good_small.json").write_text(good_json, encoding="utf-8")
    broken = good_json.replace('"部门编码": "901",', '"部门编码": "901"', 1)
    (OUT / "json_syntax.json").write_text(broken, encoding="utf-8")
    dup = good_json.replace('"部门编码": "901",', '"部门编码": "901",\n    "部门编码": "902",', 1)
    (OUT / "json_duplicate_key.json").write_text(dup, encoding="utf-8")
    (OUT / "encoding_gbk.yaml").write_bytes(BASE.encode("gbk"))
    cut = BASE.index('{科目编码: "2010302"') + 12
    (OUT / "truncated.yaml").write_text(BASE[:cut], encoding="utf-8")
    (OUT / "empty.yaml").write_text("\n", encoding="utf-8")
    (OUT / "not_a_mapping.yaml").write_text("- 只是一个列表\n", encoding="utf-8")


EXTRA_EXPECT = {
    # file: [(rule, line or None)], exit code — for files whose defect is not a text replacement
    "json_syntax.json": ([("JSON-SYNTAX", 5)], 2),
    "json_duplicate_key.json": ([("JSON-DUPLICATE-KEY", 5)], 2),
    "encoding_gbk.yaml": ([("FILE-ENCODING", 1)], 2),
    "truncated.yaml": ([("YAML-SYNTAX", None)], 2),
    "empty.yaml": ([("FILE-EMPTY", None)], 2),
    "not_a_mapping.yaml": ([("MODEL-ROOT", None)], 1),
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    build_yaml_cases()
    build_yaml_cases(FINAL_BASE, FINAL_CASES, "final_")
    build_other_cases()
    (HERE / "expected_other.json").write_text(
        json.dumps({k: {"expect": v[0], "exit": v[1]} for k, v in EXTRA_EXPECT.items()}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
