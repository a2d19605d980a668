"""Settings that differ between regions and finance bureaus, read from an optional config file.

Why this module exists: local practice varies (percentages to one or two decimals, the change
above which a reason is demanded, which rules a bureau enforces). The same input must give the
same result everywhere, so these are explicit settings with documented defaults, not code edits.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from . import schema_cache
from .findings import Finding, InputError, SourceMap
from .reading.load import load_file

RuleSetting = Literal["error", "warning", "off"]


class Settings(BaseModel):
    """The config file (YAML), all keys optional. See docs/config.md."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", defer_build=True)  # see schema_cache

    百分比小数位: int = Field(2, ge=0, le=4, title="百分比保留小数位", description="如 2 → 1.40%；部分地区用 1")
    增减原因阈值: Decimal = Field(
        Decimal("10"), ge=0, title="增减幅度阈值（%）", description="与上年相比变动超过此百分比而未填增减原因时给出警告"
    )
    绩效目标金额门槛: Decimal = Field(
        Decimal("0"), ge=0, title="须设绩效目标的项目金额门槛（万元）", description="默认 0：所有项目都须设绩效目标（全覆盖）"
    )
    财政级次: str = Field(
        "", title="名词解释中的财政级次", description="如 区级财政、县本级财政；不填则为“<地区>本级财政”（无地区时“本级财政”）"
    )
    规则: dict[str, RuleSetting] = Field(
        default_factory=dict, title="规则级别覆盖", description="规则编号 → error | warning | off"
    )
    版式: str = Field(
        "", title="版式", description="公开文本的地区版式：湖北（默认）、河北、上海，或版式文件的路径（相对于配置文件）；"
        "输入的 基本信息.版式 和命令行 --profile 优先"
    )
    _base_dir: Path | None = PrivateAttr(None)

    @property
    def base_dir(self) -> Path | None:
        """The config file's folder (a 版式 path is relative to it)."""
        return self._base_dir


def load_settings(path: str | Path | None) -> Settings:
    """Read the config file; None gives the defaults. Raises InputError on a bad file."""
    schema_cache.complete(Settings)
    if path is None:
        return Settings()
    data, source = load_file(path)
    try:
        settings = Settings.model_validate(data or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise InputError(
            Finding("CONFIG", "error", f"配置项“{'.'.join(map(str, loc))}”不正确：{err['msg']}",
                    file=source.file, position=source.find(loc), path=loc)
        ) from None
    _known_rules(settings, source)
    settings._base_dir = Path(path).parent
    return settings


def _known_rules(settings: Settings, source: SourceMap) -> None:
    """A misspelt rule id would silently change nothing: refuse it, naming the closest rule."""
    from difflib import get_close_matches

    from .batch.crosscheck import BATCH_RULES
    from .rules.check import RULES

    known = [*RULES, *BATCH_RULES]
    for rule_id in settings.规则:
        if rule_id not in known:
            near = get_close_matches(rule_id, known, n=1)
            hint = f"，是否应为“{near[0]}”？" if near else "；规则编号见 budgetdoc rules"
            raise InputError(Finding("CONFIG", "error", f"配置中的规则编号“{rule_id}”不存在{hint}", file=source.file,
                                     position=source.find(("规则", rule_id)), path=("规则", rule_id)))
