"""Regional layout profiles: what differs between 湖北, 河北, 上海 … as data, never as code.

Why this module exists: every province (often every city) publishes the same figures in its own
layout — part order and titles, table titles, columns, furniture (序号, 栏次, the 部门/单位 lines),
number formats and wording. A profile is a folder (``generator/profiles/<名称>/版式.yaml`` plus the
narrative's template source ``模板.txt``) or a single YAML file that ``继承`` (extends) another
profile and overrides a few keys. Profiles are validated like input: an unknown key, table or
figure is a finding with file:line:col (positions come from ``reading/load.py``).

Merging: mappings merge key by key (so an extension names only what it changes, e.g. one table's
``标题``); lists and scalars replace. ``表序`` lists the tables in order; ``表`` holds each table's spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from .. import schema_cache
from ..findings import Finding, InputError, Position, SourceMap
from ..reading.load import load_file

PROFILE_DIR = Path(__file__).resolve().parents[1] / "profiles"
PROFILE_FILE = "版式.yaml"
DEFAULT_PROFILE = "湖北"

Align = Literal["left", "right", "center"]


class _Spec(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", defer_build=True)  # schema_cache builds it


class HeaderCellSpec(_Spec):
    文字: str
    跨列: int = Field(1, ge=1)
    跨行: int = Field(1, ge=1)


class LineSpec(_Spec):
    """One labelled line of a two-sided table side or of a fixed item list."""

    名称: str = ""
    值: str = Field("", description="数字名（见 docs/profiles.md）；空则该格留空")
    粗体: bool = False


class ClassesSpec(_Spec):
    """The 功能分类 类 rows of a two-sided table (收支总表, 财政拨款收支总表)."""

    类: Literal["全部", "有数"] = Field(description="全部：类列表中的每个类（零也列示）；有数：只列有支出的类")
    编号: str = Field("{序}、", description="序号格式，{序} 为中文序数，如 “{序}、” 或 “（{序}）”")
    起始: int = Field(1, ge=1, description="第一个类的序数")


class PairSpec(_Spec):
    左: LineSpec = Field(default_factory=LineSpec)
    右: LineSpec = Field(default_factory=LineSpec)


class TableSpec(_Spec):
    """One table: a row source × columns, plus its header and furniture."""

    来源: Literal["收支总表", "收入按单位", "功能分类", "经济分类", "三公", "项目", "政府采购", "机构设置", "固定资产"] = Field(
        description="行的来源")
    标题: str = Field(description="表标题；可用 {主体} {部门} {年度}")
    目录名: str = Field("", description="目录中的名称；不填则为去掉“{主体}{年度}年”前缀的标题")
    表头: list[list[str | HeaderCellSpec]]
    宽度: list[int] = Field(description="各列相对宽度")
    对齐: list[Align]
    横向: bool = False
    列: list[str] = Field(default_factory=list, description="数值列（度量名），见 docs/profiles.md")
    范围: str = Field("全部", description="功能分类行的资金范围：全部、财政拨款、一般公共预算、政府性基金预算 …")
    合计位置: Literal["首行", "末行"] = "首行"
    分类小计: bool = Field(True, description="政府采购：货物类/工程类/服务类小计行")
    序号: bool | None = Field(None, description="本表是否加序号列；不填则按 表格.序号")
    栏次: bool | None = Field(None, description="本表是否加栏次行；不填则按 表格.栏次")
    信息行: list[list[str]] | None = Field(None, description="本表的信息行；不填则按 表格.信息行")
    单位: Literal["", "元", "万元"] = Field("", description="本表的金额单位；不填则为输入的表格金额单位（上海三公表：万元）")
    小数位: int | None = Field(None, ge=0, le=4, description="本表金额的小数位；不填则按 金额.小数位")
    合计名称: str = "合计"
    缩进: bool = Field(True, description="款/项名称前按级次缩进")
    左: list[LineSpec] = Field(default_factory=list, description="两栏表：左栏各行")
    右: list[LineSpec | ClassesSpec] = Field(default_factory=list, description="两栏表：右栏各行")
    收尾: list[PairSpec] = Field(default_factory=list, description="两栏表：对齐在最后的合计行")
    行: list[LineSpec] = Field(default_factory=list, description="三公：固定行（为空则只有一行，各列为度量）")
    空表说明: str = Field("", description="无数据时表下的说明；可用 {年度}")
    未填说明: str = Field("", description="输入未填报该部分（不是填了零）时表下的说明；不填则用 空表说明")
    空表: Literal["无行", "合计为零", "从不"] = Field("无行", description="何时算空表（表下出现空表说明）")
    空表保留行: bool = Field(False, description="空表时仍列出数据行（默认只留表头）")
    空表列示: bool = Field(False, description="文中表：无数据时仍列出表头（默认整张表不出现）；表下说明由模板写")

    @model_validator(mode="after")
    def _columns_agree(self) -> TableSpec:
        if len(self.宽度) != len(self.对齐):
            raise ValueError(f"宽度有 {len(self.宽度)} 列，对齐有 {len(self.对齐)} 列，应一致")
        return self


class NumberFormat(_Spec):
    小数位: int = Field(2, ge=0, le=4, description="表格金额的小数位")
    千分位: Literal["元时", "总是", "从不"] = Field("元时", description="千分位逗号：表格单位为元时 / 总是 / 从不")
    零值: Literal["显示", "空白"] = Field("显示", description="零金额显示为 0.00 还是留空")


class TextFormat(_Spec):
    小数位: int = Field(2, ge=0, le=4, description="情况说明中万元金额的小数位")
    千分位: bool = Field(False, description="情况说明中金额是否用千分位逗号")
    明细小数位: int | None = Field(None, ge=0, le=4, description="模板中 {{ 明细说明.… }} 的万元小数位（如上海其他相关情况说明"
                                                             "的两位小数）；不填则 明细说明 与 说明 相同")
    比较: str = Field("比上年", description="增减句的开头，可用 {上年}：比上年 / 比{上年}年预算")
    持平: str = Field("与上年持平", description="无增减时的说法，可用 {上年}：与上年持平 / 与{上年}年预算持平")
    增减幅度: bool = Field(True, description="增减句是否带“，增长/下降 x%”")
    零值: Literal["0", "带小数"] = Field("0", description="句中零金额写作 0，或按小数位写作 0.00（上海）")
    资产主语: str = Field("本部门", description="国有资产句的主语（“本部门共有车辆…”）；可用 {部门}（部门名称，汇总时亦不带“（汇总）”；上海：上海市财政局共有车辆…）")


def _default_info_rows() -> list[list[str]]:
    return [["部门（单位）：{主体}", "单位：{单位}"]]


def _code_as_text(value: object) -> object:
    """A 类 code written as a bare number (201) is the text "201"."""
    return str(value) if isinstance(value, int) else value


def _final_table_order() -> list[str]:
    return list(FINAL_TABLES)


class Furniture(_Spec):
    """What surrounds every table."""

    信息行: list[list[str]] = Field(
        default_factory=_default_info_rows,
        description="表标题下的行，每行 [左, 右]；可用 {主体} {部门} {编码} {年度} {单位}")
    信息行在表内: bool = Field(False, description="信息行作为表头行放在表内，随表头每页重复")
    序号: bool = Field(False, description="首列“序号”，正文行 1…n（含合计行）")
    栏次: bool = Field(False, description="表头下一行“栏次”，为其余各列编号 1…n")
    编码列: Literal["一列", "类款项"] = Field("一列", description="科目编码一列，或拆成 类/款/项 三列（表头由 表头 给出）")
    类序号: Literal["廿", "二十"] = Field("廿", description="收支总表类序号 21 以上写作 廿一 或 二十一")
    类列表: list[Annotated[str, BeforeValidator(_code_as_text)]] = Field(default_factory=list, description="收支总表列示的类（编码，或无编码的名称）；空则用科目表")


class PartSpec(_Spec):
    名称: str = Field(description="模板源中 [[部分 名称]] 的名称")
    标题: str = Field("", description="部分标题（# 行）；空则无标题（封面、目录）")


class TermSpec(_Spec):
    术语: str
    解释: str = Field(description="可用 {财政级次}")


class ProjectPerfSpec(_Spec):
    """The 项目支出绩效目标表 of each project."""

    标题: str = Field("{项目名称}项目支出绩效目标表", description="可用 {序} {项目名称} {项目编码}")
    信息: list[str] = Field(default_factory=list, description="表上部的信息行（名称见 docs/profiles.md）；空则为湖北的行")
    指标描述列: bool = Field(False, description="指标表加“绩效指标描述”列")


_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class FileNames(_Spec):
    """The 文种 words of the output file names: ``<部门>_<年度>年<文档>.docx`` / ``…<工作簿>.xlsx``, as the
    region names the document (上海's cover says 单位预算: 单位预算公开 / 单位预算表)."""

    文档: str = Field("部门预算公开", min_length=1, description="公开文档（.docx，及 --pdf 的 .pdf）文件名中年度后的文种词")
    工作簿: str = Field("部门预算表", min_length=1, description="表格工作簿（--xlsx）文件名中年度后的文种词")

    @model_validator(mode="after")
    def _safe(self) -> FileNames:
        for word in (self.文档, self.工作簿):
            if _NAME_UNSAFE.search(word) or word.strip(" .") != word:
                raise ValueError(f"文件名的文种词“{word}”不能含 \\ / : * ? \" < > | 或控制字符，不能以空格或句点开头结尾")
        return self


FINAL_FILE_NAMES = FileNames.model_construct(文档="部门决算公开", 工作簿="部门决算表")
"""The 决算's (every layout names it 部门决算); constants, so not run through the validator at import."""


class FillInSpec(_Spec):
    """The fill-in workbook (``excel-template``) as an officer of the region fills it."""

    金额单位: Literal["", "元", "万元"] = Field("", description="空白工作簿预选的金额单位（上海按元填报）；空则由填报人选择")
    必填: list[str] = Field(default_factory=list, description="本版式的公开文本要用的工作表（按此顺序排在前面，标“必填”）")
    不用: list[str] = Field(default_factory=list, description="本版式的公开文本不用的工作表（排在最后，标“本版式不用”）")


FINAL_TABLES = ("收支总表", "收入表", "支出表", "财政拨款总表", "一般公共预算支出表", "基本支出表", "政府性基金表",
                "国有资本经营表", "三公表")
"""The nine 决算 tables (the national 决算公开 table set) a profile's 决算 layout orders and names."""


class FinalTableSpec(_Spec):
    """One 决算 table: its name and the lines under it."""

    名称: str = Field(description="表名（标题格式中的 {名称}）")
    注: str = Field("", description="表下注释（如上海的“注：本表反映……”）")
    空表说明: str = Field("", description="无数据时表下的说明；可用 {主体} {部门} {年度}")
    仅支出: bool = Field(False, description="国有资本经营表：只列支出（合计、基本支出、项目支出）")
    合计位置: Literal["首行", "末行"] | None = Field(None, description="本表合计行的位置；不填则按 决算.合计位置")


class FinalSpec(_Spec):
    """The 决算 (文种: 决算) layout of a profile: what differs by region in the 部门决算公开."""

    模板: str = Field("", description="模板目录中已编译的决算 Word 模板文件名；不填则由 决算.模板源 编译")
    模板源: str = Field("决算模板.txt", description="决算叙述部分的模板源（相对于写这一键的版式文件夹）")
    横向: list[str] = Field(default_factory=list, description="放在横向页上的表")
    标题格式: str = Field("{主体}{年度}年度{名称}", description="表标题；可用 {主体} {部门} {年度} {名称}")
    信息行左: str = Field("部门（单位）：{主体}", description="表标题下左侧的行（右侧为单位）；空则不列")
    合计位置: Literal["首行", "末行"] = "首行"
    类序号: Literal["廿", "二十"] = "廿"
    名词编号: str = Field("（一）", description="名词解释的编号样式：（一） 或 一、")
    单位构成: str = Field("从单位构成看，{主体}部门决算由实行独立核算的{本级}决算和{下属数}个下属单位决算组成。",
                      description="概况中的单位构成句；可用 {主体} {本级} {下属数}")
    单位构成无下属: str = Field("", description="没有下属单位时的单位构成句；不填则用 单位构成")
    表序: list[str] = Field(default_factory=_final_table_order)
    表: dict[str, FinalTableSpec]
    名词解释: list[tuple[str, str]] = Field(default_factory=list, description="[术语, 解释]；可用 {财政级次} {科目}")

    @model_validator(mode="after")
    def _tables_known(self) -> FinalSpec:
        for group, keys in (("表序", self.表序), ("表", list(self.表)), ("横向", self.横向)):
            unknown = [k for k in keys if k not in FINAL_TABLES]
            if unknown:
                raise ValueError(f"决算.{group}中的表“{'、'.join(unknown)}”不是决算表（{'、'.join(FINAL_TABLES)}）")
        missing = [k for k in self.表序 if k not in self.表]
        if missing:
            raise ValueError(f"决算.表序中的表“{'、'.join(missing)}”在 决算.表 中没有定义")
        return self


class Profile(_Spec):
    """A validated, fully merged profile."""

    名称: str
    说明: str = ""
    继承: str = ""
    模板: str = Field("", description="模板目录中已编译的 Word 模板文件名；不填（继承的版式未写此键时亦然）则由模板源编译")
    模板源: str = Field("模板.txt", description="叙述部分的模板源（相对于版式文件夹）")
    部分: list[PartSpec]
    目录格式: str = Field("表{序}  {名称}", description="目录中每张表的一行")
    目录附加: list[str] = Field(default_factory=list, description="目录中表格之后的条目（如 绩效目标表）")
    表序: list[str]
    表: dict[str, TableSpec]
    文中表: dict[str, TableSpec] = Field(
        default_factory=dict, description="放在叙述中的表（模板源 [[表格 键]]），不编号、不进目录；无数据时不出现")
    表格: Furniture = Field(default_factory=Furniture)
    金额: NumberFormat = Field(default_factory=NumberFormat)
    文字: TextFormat = Field(default_factory=TextFormat)
    百分比小数位: int | None = Field(None, ge=0, le=4, description="不填则用配置文件的 百分比小数位")
    词语: dict[str, str] = Field(default_factory=dict, description="模板可用的词语（{{ 词语.键 }}）")
    名词解释: list[TermSpec] = Field(default_factory=list, description="名词解释的术语和顺序；空则用随附的标准术语")
    项目绩效: ProjectPerfSpec = Field(default_factory=ProjectPerfSpec)
    填报: FillInSpec = Field(default_factory=FillInSpec)
    文件名: FileNames = Field(default_factory=FileNames, description="输出文件名中的文种词（文档、表格工作簿）")
    决算: FinalSpec | None = Field(None, description="部门决算（文种: 决算）的版式；没有则本版式只用于预算")

    # set after loading: where the files are (private: not keys of 版式.yaml, and not in the model's schema)
    _folder: Path = PrivateAttr(Path("."))
    _source_files: tuple[Path, ...] = PrivateAttr(())
    _final_folder: Path = PrivateAttr(Path("."))
    _template_sources: tuple[Path, ...] = PrivateAttr(())

    @property
    def folder(self) -> Path:
        """The folder of the profile's last layer: its template and files are relative to it."""
        return self._folder

    @property
    def source_files(self) -> tuple[Path, ...]:
        """Every 版式.yaml layer, base first."""
        return self._source_files

    @property
    def final_folder(self) -> Path:
        """The folder 决算.模板源 is relative to: that of the last layer that wrote it."""
        return self._final_folder

    @property
    def 文种(self) -> list[str]:
        """The 文种 this profile lays out: 预算, and 决算 when it has a 决算 layout."""
        return ["预算", "决算"] if self.决算 is not None else ["预算"]

    @model_validator(mode="after")
    def _tables_known(self) -> Profile:
        unknown = [k for k in self.表序 if k not in self.表]
        if unknown:
            raise ValueError(f"表序中的表“{'、'.join(unknown)}”在 表 中没有定义")
        return self

    def tables(self) -> list[tuple[str, TableSpec]]:
        return [(k, self.表[k]) for k in self.表序]


# ================================================================= loading


class ProfileError(InputError):
    """A profile that cannot be used; carries every finding (file:line:col)."""

    def __init__(self, findings: list[Finding]):
        super().__init__(findings[0])
        self.findings = findings


def shipped_profiles() -> list[str]:
    """Names of the profiles that ship with budgetdoc."""
    return sorted(p.name for p in PROFILE_DIR.iterdir() if (p / PROFILE_FILE).is_file())


def _locate(name: str, base: Path | None) -> Path:
    """A shipped profile's name, or a path (a folder holding 版式.yaml, or a .yaml file)."""
    if (PROFILE_DIR / name / PROFILE_FILE).is_file():
        return PROFILE_DIR / name / PROFILE_FILE
    path = Path(name)
    if not path.is_absolute() and base is not None:
        path = base / path
    if path.is_dir():
        path = path / PROFILE_FILE
    if path.is_file():
        return path
    near = get_close_matches(name, shipped_profiles(), n=1)
    hint = f"，是否应为“{near[0]}”？" if near else f"；可用的版式：{'、'.join(shipped_profiles())}，或版式文件的路径"
    raise ProfileError([Finding("PROFILE", "error", f"找不到版式“{name}”{hint}")])


@dataclass
class _Layer:
    data: dict
    source: SourceMap
    path: Path


@dataclass
class _Chain:
    layers: list[_Layer] = field(default_factory=list)

    def position(self, loc: tuple) -> tuple[str, Position]:
        """The file and position of a merged key: the last layer that wrote it (or its nearest parent)."""
        for probe in (loc[:n] for n in range(len(loc), 0, -1)):
            for layer in reversed(self.layers):
                if probe in layer.source.positions:
                    return layer.source.file, layer.source.positions[probe]
        last = self.layers[-1]
        return last.source.file, Position(1, 1)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return over


def _read_chain(path: Path, seen: tuple[Path, ...] = ()) -> _Chain:
    if path.resolve() in seen:
        raise ProfileError([Finding("PROFILE", "error", f"版式继承成环：{' → '.join(str(p) for p in (*seen, path))}",
                                    file=str(path))])
    data, source = load_file(path)
    if not isinstance(data, dict):
        raise ProfileError([Finding("PROFILE", "error", "版式文件应是一个映射（键: 值）", file=str(path),
                                    position=Position(1, 1))])
    parent = data.get("继承")
    chain = _read_chain(_locate(str(parent), path.parent), (*seen, path.resolve())) if parent else _Chain()
    chain.layers.append(_Layer(data, source, path))
    return chain


def _unknown_tables(chain: _Chain, merged: dict) -> list[Finding]:
    """A table an extension changes must exist in what it extends (or be defined whole, with 来源)."""
    out = []
    defined: set[str] = set()
    for layer in chain.layers:
        for key, spec in (layer.data.get("表") or {}).items():
            if key not in defined and not (isinstance(spec, dict) and "来源" in spec):
                near = get_close_matches(str(key), list(defined), n=1)
                hint = f"，是否应为“{near[0]}”？" if near else "（新表须写出 来源、标题、表头、宽度、对齐）"
                out.append(Finding("PROFILE", "error", f"版式中的表“{key}”在所继承的版式中不存在{hint}",
                                   file=layer.source.file, position=layer.source.find(("表", key)), path=("表", key)))
            defined.add(key)
    return out


def _fill_in_names(profile: Profile) -> list[tuple[str, tuple]]:
    """填报.必填 / 填报.不用 name sheets of the fill-in workbook."""
    if not (profile.填报.必填 or profile.填报.不用):
        return []  # nothing to look up: the workbook's layout is not imported
    from ..reading.workbook_layout import SHEETS

    names = [s.name for s in SHEETS]
    out = []
    for key in ("必填", "不用"):
        for i, name in enumerate(getattr(profile.填报, key)):
            if name not in names:
                near = get_close_matches(name, names, n=1)
                out.append((f"填报.{key} 中的工作表“{name}”不存在" + (f"，是否应为“{near[0]}”？" if near else
                            f"（工作表：{'、'.join(names)}）"), ("填报", key, i)))
    both = set(profile.填报.必填) & set(profile.填报.不用)
    out += [(f"工作表“{name}”不能既是必填又是不用", ("填报", "不用", profile.填报.不用.index(name))) for name in sorted(both)]
    return out


def _messages(exc: ValidationError, chain: _Chain) -> list[Finding]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            message = f"版式中不认识的键“{loc[-1]}”（见 docs/profiles.md）"
        elif err["type"] == "missing":
            message = f"版式缺少“{'.'.join(map(str, loc))}”"
        else:
            message = f"版式项“{'.'.join(map(str, loc))}”不正确：{err['msg']}"
        # pydantic adds the union member's name to the location of a list[A | B] item: drop it
        clean = tuple(p for p in loc if not (isinstance(p, str) and p in ("LineSpec", "ClassesSpec", "str",
                                                                            "HeaderCellSpec", "FinalSpec")))
        file, position = chain.position(clean)
        out.append(Finding("PROFILE", "error", message, file=file, position=position, path=clean))
    return out


def load_profile(name: str | Path = DEFAULT_PROFILE, base: Path | None = None) -> Profile:
    """A shipped profile by name, or a profile file/folder (relative to ``base``), merged and validated."""
    path = _locate(str(name), base)
    return _load(path.resolve())


@lru_cache(maxsize=32)
def _load(path: Path) -> Profile:
    chain = _read_chain(path)
    merged: dict = {}
    for layer in chain.layers:
        merged = _merge(merged, layer.data)
    findings = _unknown_tables(chain, merged)
    try:
        schema_cache.complete(Profile)
        profile = Profile.model_validate(merged)
    except ValidationError as exc:
        findings += _messages(exc, chain)
        raise ProfileError(findings) from None
    from .tables import check_profile_names  # the builder knows which measures and figures exist

    for message, loc in [*check_profile_names(profile), *_fill_in_names(profile)]:
        file, position = chain.position(loc)
        findings.append(Finding("PROFILE", "error", message, file=file, position=position, path=loc))
    if findings:
        raise ProfileError(findings)
    profile._folder = path.parent
    profile._source_files = tuple(layer.path for layer in chain.layers)
    profile._template_sources = _layer_sources(chain)
    if len(chain.layers) > 1 and "模板" not in chain.layers[-1].data:
        profile.模板 = ""  # an extension's parts or tables differ from its base's template: compile its own
    _final_files(profile, chain)
    return profile


def _final_files(profile: Profile, chain: _Chain) -> None:
    """Where the 决算 template source is, and whether the committed 决算 template still applies."""
    if profile.决算 is None:
        return
    writers = [layer for layer in chain.layers if isinstance(layer.data.get("决算"), dict)]
    with_source = [layer for layer in writers if "模板源" in layer.data["决算"]]
    profile._final_folder = (with_source or writers)[-1].path.parent
    last = chain.layers[-1].data.get("决算")
    if len(chain.layers) > 1 and isinstance(last, dict) and "模板" not in last:
        profile.决算.模板 = ""  # an extension's 决算 may reorder or turn tables: compile its own template


def _layer_sources(chain: _Chain) -> tuple[Path, ...]:
    out: list[Path] = []
    for layer in chain.layers:
        candidate = layer.path.parent / str((layer.data or {}).get("模板源") or "模板.txt")
        if candidate.is_file() and candidate not in out:
            out.append(candidate)
    return tuple(out)


def template_sources(profile: Profile) -> list[Path]:
    """The template source of each layer that has one, base first (later layers override parts)."""
    return list(profile._template_sources)


_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_NAME = re.compile(r"[^\W\d][\w]*(?:\.[^\W\d]\w*)*")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
_KEYED = re.compile(r"([^\W\d]\w*)\[\s*['\"]([^'\"]+)['\"]\s*\]")


def printed_names(profile: Profile) -> frozenset[str]:
    """The context names the profile's narrative template uses (``说明.资产情况``, ``人员构成``,
    ``数字.资产配置预算`` for ``数字['资产配置预算']``): what this layout prints, derived from its template
    source — so a check can leave alone a figure the chosen layout never prints (INFO-MISSING)."""
    return _names_in(tuple((p, p.stat().st_mtime_ns) for p in template_sources(profile)))


@lru_cache(maxsize=32)
def _names_in(sources: tuple[tuple[Path, int], ...]) -> frozenset[str]:
    names: set[str] = set()
    for path, _ in sources:
        for m in _TAG.finditer(path.read_text(encoding="utf-8")):
            tag = m.group(1) or m.group(2) or ""
            names.update(f"{a}.{b}" for a, b in _KEYED.findall(tag))
            names.update(_NAME.findall(_STRING.sub("", tag)))  # a quoted word is text, not a name
    return frozenset(names)


def final_printed_names(profile: Profile) -> frozenset[str]:
    """printed_names for the profile's 决算 layout: the context names its 决算 template source uses
    (``说明.政府采购``, ``说明.模板式.政府采购``); raises OSError when the source cannot be read."""
    path = final_template_source(profile)
    return _names_in(((path, path.stat().st_mtime_ns),))


def final_template_source(profile: Profile) -> Path:
    """The 决算 template source of a profile with a 决算 layout."""
    assert profile.决算 is not None
    return profile.final_folder / profile.决算.模板源


__all__ = ["DEFAULT_PROFILE", "FINAL_TABLES", "FinalSpec", "Profile", "ProfileError", "TableSpec",
           "final_printed_names", "final_template_source", "load_profile", "printed_names", "shipped_profiles"]
