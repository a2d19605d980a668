"""Compile a profile's template source into its Word template (.docx).

Why this module exists: the wording of the disclosure lives in a plain-text source that is easy
to review and diff (``generator/profiles/<版式>/模板.txt``); the .docx that officers open in Word
(and that docxtpl renders) is built from it, with the page setup, styles and page numbers of
GB/T 9704-2012 made once, here, in code. The profile decides the order and titles of the parts
(``部分``) and the tables placed at ``[[表格]]`` (``表序``, landscape by each table's ``横向``).
The shipped profiles' templates are committed (``python tools/build_template.py`` rebuilds them
deterministically: same source → byte-identical .docx); a user profile without one is compiled
when first used.

Source line format (one line = one paragraph):

- ``[[部分 名称]]``: starts the part of that name (its ``#`` title comes from the profile).
- ``[[封面]]``, ``[[目录]]``: the cover page and the static table of contents; ``[[封面 行1|行2]]``: the
  cover's own lines (the first is the title).
- ``# text`` part heading, ``## text`` 标题 1, ``### text`` 标题 2, ``#### text`` 标题 3.
- ``{%p ... %}``: a docxtpl paragraph tag, kept verbatim as its own paragraph.
- ``[[表格]]``: the profile's tables not placed elsewhere, in order; ``[[表 KEY]]``: one table slot
  (title, department/unit line, the table, its notes); ``[[表格 KEY]]``: a table alone, inside the
  text (the profile's ``文中表``, e.g. 机构设置 in 概况); ``[[表题 KEY]]``: that table's title, in the
  table-title style (left out with the table when it has no data);
  ``[[整体绩效]]`` / ``[[项目绩效]]``: the performance-target tables.
- anything else: a body paragraph (正文).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docx import Document
from docx.oxml import parse_xml
from docx.section import Section

from ..layout.profile import Profile, template_sources
from .render import normalize_docx_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:w="{W}" xmlns:r="{R}"'

# ------------------------------------------------------------------ page geometry (twips)
# GB/T 9704: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm → 版心 156 × 225 mm.


def mm(value: float) -> int:
    return round(value * 1440 / 25.4)


A4_W, A4_H = 11906, 16838
PORTRAIT_MARGINS = {"top": mm(37), "bottom": mm(35), "left": mm(28), "right": mm(26), "header": mm(15), "footer": mm(22)}
# Landscape: the portrait margins turned a quarter, so the 版心 is 225 × 156 mm; the page number
# keeps its 7 mm distance below the text area.
LANDSCAPE_MARGINS = {"top": mm(28), "bottom": mm(26), "left": mm(37), "right": mm(35), "header": mm(12), "footer": mm(13)}
PORTRAIT_TEXT_WIDTH = A4_W - PORTRAIT_MARGINS["left"] - PORTRAIT_MARGINS["right"]
LANDSCAPE_TEXT_WIDTH = A4_H - LANDSCAPE_MARGINS["left"] - LANDSCAPE_MARGINS["right"]

# ------------------------------------------------------------------ fonts and styles

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
LATIN_TABLE = "Times New Roman"
# Latin text (digits, amounts) as en-US so renderers never break inside a number; CJK as zh-CN so
# Noto CJK picks Simplified Chinese glyphs (OpenType locl), never the Japanese ones.
LANG = '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'

# sizes in half-points
SIZE = {"二号": 44, "小二": 36, "三号": 32, "四号": 28, "小四": 24, "五号": 21}
BODY_LINE = 578  # 28.9 pt exact: 22 lines on the 225 mm 版心
INDENT_2CH = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
NO_INDENT = '<w:ind w:left="0" w:firstLineChars="0" w:firstLine="0"/>'


def fonts(east: str, latin: str | None = None) -> str:
    latin = latin or east
    return f'<w:rFonts w:ascii="{latin}" w:eastAsia="{east}" w:hAnsi="{latin}" w:cs="{latin}"/>'


def run_props(east: str, size: int, *, latin: str | None = None, bold: bool = False, color: str | None = None) -> str:
    # schema order: rFonts, b, bCs, color, kern, sz, szCs, lang
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    c = f'<w:color w:val="{color}"/>' if color else ""
    return f'<w:rPr>{fonts(east, latin)}{b}{c}<w:kern w:val="2"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/>{LANG}</w:rPr>'


def spacing(line: int | None = BODY_LINE, before: int = 0, after: int = 0) -> str:
    if line is None:
        return f'<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'


def para_style(style_id: str, name: str, rpr: str, *, based: str | None = "Normal", next_: str | None = None,
               jc: str | None = None, ind: str = "", space: str = "", keep_next: bool = False,
               page_break: bool = False, outline: int | None = None, tabs: str = "", custom: bool = True,
               widow: bool = True, extra_ppr: str = "", ui: int = 10) -> str:
    # pPr schema order: keepNext, keepLines, pageBreakBefore, widowControl, tabs, snapToGrid,
    # spacing, ind, jc, outlineLvl
    ppr = "".join([
        "<w:keepNext/>" if keep_next else "",
        "<w:pageBreakBefore/>" if page_break else "",
        "" if widow else '<w:widowControl w:val="0"/>',
        tabs,
        extra_ppr,
        '<w:snapToGrid w:val="0"/>',
        space, ind,
        f'<w:jc w:val="{jc}"/>' if jc else "",
        f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else "",
    ])
    attrs = ' w:customStyle="1"' if custom else ""
    return (f'<w:style w:type="paragraph"{attrs} w:styleId="{style_id}"><w:name w:val="{name}"/>'
            + (f'<w:basedOn w:val="{based}"/>' if based else "")
            + (f'<w:next w:val="{next_}"/>' if next_ else "")
            + f'<w:uiPriority w:val="{ui}"/><w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>')


def styles_xml() -> str:
    """Every style the template and render.py use, with East Asian fonts and zh-CN language."""
    body_rpr = run_props(FANGSONG, SIZE["三号"])
    table_rpr = run_props(SONGTI, SIZE["五号"], latin=LATIN_TABLE)
    right_tab = f'<w:tabs><w:tab w:val="right" w:pos="{PORTRAIT_TEXT_WIDTH}"/></w:tabs>'
    styles = [
        # 正文 = Word's built-in Normal (shown as “正文” in Chinese Word/WPS)
        para_style("Normal", "Normal", body_rpr, based=None, jc="both", ind=INDENT_2CH, space=spacing(),
                   custom=False, ui=0).replace('<w:style w:type="paragraph"', '<w:style w:type="paragraph" w:default="1"', 1),
        # headings: real built-in heading styles (标题 1/2/3) so the navigation pane works
        para_style("Heading1", "heading 1", run_props(HEITI, SIZE["三号"]), next_="Normal", jc="both", ind=INDENT_2CH,
                   space=spacing(), keep_next=True, outline=0, custom=False, ui=9),
        para_style("Heading2", "heading 2", run_props(KAITI, SIZE["三号"]), next_="Normal", jc="both", ind=INDENT_2CH,
                   space=spacing(), keep_next=True, outline=1, custom=False, ui=9),
        para_style("Heading3", "heading 3", run_props(FANGSONG, SIZE["三号"], bold=True), next_="Normal", jc="both",
                   ind=INDENT_2CH, space=spacing(), keep_next=True, outline=2, custom=False, ui=9),
        para_style("PartTitle", "部分标题", run_props(HEITI, SIZE["二号"]), next_="Normal", jc="center", ind=NO_INDENT,
                   space=spacing(line=720, after=BODY_LINE), keep_next=True, page_break=True, outline=0),
        para_style("DocTitle", "文档标题", run_props(XIAOBIAOSONG, SIZE["二号"]), jc="center", ind=NO_INDENT,
                   space=spacing(line=720, before=3600)),
        para_style("CoverDate", "封面日期", run_props(FANGSONG, SIZE["三号"]), jc="center", ind=NO_INDENT,
                   space=spacing(before=2 * BODY_LINE)),
        para_style("CheckWarning", "校验警示", run_props(HEITI, SIZE["三号"], bold=True, color="FF0000"), jc="both",
                   ind=NO_INDENT, space=spacing()),
        para_style("TOCTitle", "目录标题", run_props(HEITI, SIZE["二号"]), jc="center", ind=NO_INDENT,
                   space=spacing(line=720, after=BODY_LINE)),
        # a wrapped part title continues under the name, after “第二部分 ”
        para_style("TOC1", "toc 1", run_props(HEITI, SIZE["三号"]), next_="Normal", jc="left",
                   ind='<w:ind w:left="1440" w:hanging="1440" w:firstLineChars="0"/>', space=spacing(before=120),
                   custom=False, ui=39),
        para_style("TOC2", "toc 2", run_props(FANGSONG, SIZE["四号"]), next_="Normal", jc="left",
                   ind='<w:ind w:left="640" w:firstLineChars="0" w:firstLine="0"/>', space=spacing(line=440),
                   custom=False, ui=39),
        para_style("TableTitle", "表标题", run_props(HEITI, SIZE["三号"]), jc="center", ind=NO_INDENT,
                   space=spacing(line=None, after=120), keep_next=True),
        para_style("TableInfo", "表头信息", run_props(SONGTI, SIZE["五号"], latin=LATIN_TABLE), jc="left", ind=NO_INDENT,
                   space=spacing(line=None, after=60), keep_next=True, tabs=right_tab),
        para_style("TableNote", "表注", run_props(SONGTI, SIZE["五号"], latin=LATIN_TABLE), jc="left", ind=NO_INDENT,
                   space=spacing(line=None, before=60)),
        para_style("PerfHeading", "绩效小标题", run_props(FANGSONG, SIZE["四号"], bold=True), jc="left", ind=NO_INDENT,
                   space=spacing(line=None, before=240, after=120), keep_next=True),
        para_style("TableText", "表格文字", table_rpr, based=None, jc="left", ind=NO_INDENT, space=spacing(line=None)),
        para_style("TableNumber", "表格数字", table_rpr, based=None, jc="right", ind=NO_INDENT, space=spacing(line=None)),
        para_style("TableHead", "表头", run_props(HEITI, SIZE["五号"], latin=LATIN_TABLE), based=None, jc="center",
                   ind=NO_INDENT, space=spacing(line=None)),
        # carries a section break: as small as possible so it never adds a page
        para_style("SectionBreak", "分节", run_props(SONGTI, 2), jc="left", ind=NO_INDENT, space=spacing(line=20)),
        para_style("Footer", "footer", run_props(SONGTI, SIZE["四号"], latin=SONGTI), jc="left", ind=NO_INDENT,
                   space=spacing(line=None), custom=False, ui=99),
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
        '<w:uiPriority w:val="59"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:tblPr><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]
    defaults = (f'<w:docDefaults><w:rPrDefault><w:rPr>{fonts(FANGSONG)}<w:kern w:val="2"/>'
                f'<w:sz w:val="{SIZE["三号"]}"/><w:szCs w:val="{SIZE["三号"]}"/>{LANG}</w:rPr></w:rPrDefault>'
                # no punctuation hanging past the right margin: the 版心 is exact (GB/T 9704)
                '<w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
                '</w:pPr></w:pPrDefault>'
                '</w:docDefaults>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {NSDECL}>'
            + defaults + "".join(styles) + "</w:styles>")


SETTINGS_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings {NSDECL}>'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/><w:ulTrailSpace/>'
    '<w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>'
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
    '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
)


def font_table_xml() -> str:
    entries = [(FANGSONG, "仿宋", "86", "modern", "fixed"), (HEITI, "SimHei", "86", "modern", "fixed"),
               (KAITI, "楷体", "86", "modern", "fixed"), (XIAOBIAOSONG, "宋体", "86", "script", "default"),
               (SONGTI, "SimSun", "86", "auto", "variable"), (LATIN_TABLE, "", "00", "roman", "variable")]
    out = []
    for name, alt, charset, family, pitch in entries:
        out.append(f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                   + f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {NSDECL}>' + "".join(out) + "</w:fonts>"


CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>部门预算公开（模板）</dc:title><dc:creator>budgetdoc</dc:creator><cp:lastModifiedBy>budgetdoc</cp:lastModifiedBy>"
    "<cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>budgetdoc</Application></Properties>"
)


def skeleton(body_sectpr: str) -> io.BytesIO:
    """A minimal, clean .docx package (no theme, thumbnail or rsids) for python-docx to open."""
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{ct}.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{ct}.styles+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{ct}.settings+xml"/>'
            f'<Override PartName="/word/fontTable.xml" ContentType="{ct}.fontTable+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'),
        "word/_rels/document.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            'Target="styles.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" '
            'Target="settings.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" '
            'Target="fontTable.xml"/></Relationships>'),
        "word/document.xml": (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NSDECL}>'
                              f"<w:body>{body_sectpr}</w:body></w:document>"),
        "word/styles.xml": styles_xml(),
        "word/settings.xml": SETTINGS_XML,
        "word/fontTable.xml": font_table_xml(),
        "docProps/core.xml": CORE_XML,
        "docProps/app.xml": APP_XML,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text.encode("utf-8"))
    buf.seek(0)
    return buf


def sectpr_xml(landscape: bool, *, restart_numbering: bool = False) -> str:
    """One section's properties; footers are inherited from the first numbered section."""
    if landscape:
        size = f'<w:pgSz w:w="{A4_H}" w:h="{A4_W}" w:orient="landscape"/>'
        m = LANDSCAPE_MARGINS
    else:
        size = f'<w:pgSz w:w="{A4_W}" w:h="{A4_H}"/>'
        m = PORTRAIT_MARGINS
    margins = (f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" w:left="{m["left"]}" '
               f'w:header="{m["header"]}" w:footer="{m["footer"]}" w:gutter="0"/>')
    numbering = '<w:pgNumType w:fmt="decimal" w:start="1"/>' if restart_numbering else ""
    return (f'<w:sectPr {NSDECL}><w:type w:val="nextPage"/>{size}{margins}{numbering}'
            '<w:cols w:space="425"/><w:docGrid w:linePitch="312"/></w:sectPr>')


# ------------------------------------------------------------------ the compiler


class SourceError(Exception):
    pass


class Builder:
    def __init__(self, source_lines: list[str], landscape: frozenset[str] = frozenset(), info_line: bool = True):
        self.lines = source_lines
        self.landscape_tables = landscape
        self.info_line = info_line
        self.doc = Document(skeleton(sectpr_xml(False)))
        self.landscape = False          # orientation of the section being written
        self.at_section_start = True    # next visible paragraph starts a new page already
        self.last_body: Any = None      # the body paragraph of the source line before (kept with a text table's title)
        self.numbered_sectpr = None     # the section whose footers all later sections inherit
        self.seen_cover = False

    # -------------------------------------------------------------- paragraphs

    def par(self, text: str, style: str, *, page_break: bool | None = None, tabs: list[tuple[str, int]] | None = None):
        p = self.doc.add_paragraph(style=style)
        if text:
            p.add_run(text)
        ppr = p._p.get_or_add_pPr()
        # pPr children after pStyle: keepNext, keepLines, pageBreakBefore, widowControl, ..., tabs
        if page_break is not None:
            el = parse_xml(f'<w:pageBreakBefore {NSDECL} w:val="{1 if page_break else 0}"/>')
            ppr.pStyle.addnext(el)
        if tabs:
            xml = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs)
            ppr.append(parse_xml(f"<w:tabs {NSDECL}>{xml}</w:tabs>"))
        if not len(ppr):
            p._p.remove(ppr)
        return p

    def visible(self, text: str, style: str, *, breaks_page: bool = False):
        """A paragraph that is printed; a page-breaking style is relaxed at the top of a section."""
        page_break = False if (breaks_page and self.at_section_start) else None
        p = self.par(text, style, page_break=page_break)
        self.at_section_start = False
        return p

    def tag(self, text: str):
        """A docxtpl paragraph tag ({%p ... %}): removed at render time, so it changes nothing."""
        self.par(text, "Normal")

    def end_section(self, *, restart_numbering: bool = False):
        p = self.par("", "分节")
        sect = parse_xml(sectpr_xml(self.landscape, restart_numbering=restart_numbering))
        p._p.get_or_add_pPr().append(sect)
        self.at_section_start = True
        return sect

    def orient(self, landscape: bool):
        if landscape != self.landscape:
            self.end_section()
            self.landscape = landscape

    # -------------------------------------------------------------- blocks

    def cover(self, lines: list[str] | None = None):
        """The cover: the title (or the profile's own lines: the first as the title, the others under
        it, e.g. 上海's “预算单位：…”), then the date."""
        self.seen_cover = True
        self.tag("{%p if 未通过校验 %}")
        self.visible("本文档未通过校验：{{ 校验说明 }}", "校验警示")
        self.tag("{%p endif %}")
        title, *more = lines or ["{{ 标题 }}"]
        self.visible(title, "文档标题")
        for line in more:
            self.visible(line, "封面日期")
        self.visible("{{ 公开日期 }}", "封面日期")
        self.end_section()

    def toc(self):
        self.visible("目  录", "目录标题")
        parts = self.part_titles()
        for title, has_tables in parts:
            self.visible(title, "toc 1")
            if has_tables:
                self.tag("{%p for t in 表目录 %}")
                self.visible("{{ t }}", "toc 2")
                self.tag("{%p endfor %}")
        self.numbered_sectpr = self.end_section(restart_numbering=True)

    def part_titles(self) -> list[tuple[str, bool]]:
        """The ``#`` headings of the source, each with whether its part holds table slots."""
        parts: list[list] = []
        for line in self.lines:
            if line.startswith("# "):
                parts.append([line[2:].strip(), False])
            elif line.startswith("[[表 ") and parts:
                parts[-1][1] = True
        return [(t, h) for t, h in parts]

    def table(self, key: str):
        landscape = key in self.landscape_tables
        self.orient(landscape)
        width = LANDSCAPE_TEXT_WIDTH if landscape else PORTRAIT_TEXT_WIDTH
        ref = f"表['{key}']"
        # each table starts on a new page (a fresh section already is one)
        self.par(f"{{{{ {ref}.title }}}}", "表标题", page_break=not self.at_section_start)
        self.at_section_start = False
        tabs = [("right", width)] if not landscape else [("clear", PORTRAIT_TEXT_WIDTH), ("right", width)]
        if self.info_line:
            self.par(f"{{{{ {ref}.dept }}}}\t{{{{ {ref}.unit }}}}", "表头信息", tabs=tabs)
        self.par(f"{{{{p 表格['{key}'] }}}}", "Normal")
        self.tag(f"{{%p if {ref}.empty_note %}}")
        self.par(f"{{{{ {ref}.empty_note }}}}", "表注")
        self.tag("{%p endif %}")
        self.tag(f"{{%p for n in {ref}.notes %}}")
        self.par("{{ n }}", "表注")
        self.tag("{%p endfor %}")

    def text_table_title(self, key: str):
        """The title of a table inside the text (``文中表``), in the table-title style; nothing when it has no data.

        The body paragraph just before it (e.g. 机构设置：) stays on the page of the table, never alone at a page foot."""
        if self.last_body is not None:
            ppr = self.last_body._p.get_or_add_pPr()
            el = parse_xml(f"<w:keepNext {NSDECL}/>")
            if ppr.pStyle is not None:
                ppr.pStyle.addnext(el)
            else:
                ppr.insert(0, el)
        self.orient(False)
        ref = f"文中表['{key}']"
        self.tag(f"{{%p if {ref} %}}")
        self.par(f"{{{{ {ref}.title }}}}", "表标题", page_break=False)
        self.tag("{%p endif %}")
        self.at_section_start = False

    def subdoc(self, expr: str):
        self.orient(False)
        self.par(f"{{{{p {expr} }}}}", "Normal")
        self.at_section_start = False

    # -------------------------------------------------------------- driver

    def build(self) -> Document:
        headings = {"# ": ("部分标题", True), "## ": ("Heading 1", False), "### ": ("Heading 2", False),
                    "#### ": ("Heading 3", False)}
        for number, raw in enumerate(self.lines, 1):
            line = raw.rstrip()
            if not line.strip():
                continue
            if m := re.fullmatch(r"\[\[封面(?: (.+))?\]\]", line):
                self.cover(m.group(1).split("|") if m.group(1) else None)
            elif line == "[[目录]]":
                self.toc()
            elif m := re.fullmatch(r"\[\[表 (\S+)\]\]", line):
                self.table(m.group(1))
            elif m := re.fullmatch(r"\[\[表格 (\S+)\]\]", line):
                self.subdoc(f"表格['{m.group(1)}']")
            elif m := re.fullmatch(r"\[\[表题 (\S+)\]\]", line):
                self.text_table_title(m.group(1))
            elif line == "[[整体绩效]]":
                self.subdoc("绩效表格['整体']")
            elif line == "[[项目绩效]]":
                self.subdoc("绩效表格['项目']")
            elif line.startswith("[["):
                raise SourceError(f"第{number}行：未知的占位符 {line}")
            elif line.startswith("{%p"):
                self.tag(line.strip())
            elif (prefix := line.split(" ", 1)[0] + " ") in headings:
                style, breaks_page = headings[prefix]
                self.orient(False)
                self.visible(line[len(prefix):].strip(), style, breaks_page=breaks_page)
            else:
                self.orient(False)
                self.last_body = self.visible(line, "Normal")
                continue
            if not line.startswith("{%p"):
                self.last_body = None
        # the last section's properties are the body's own sectPr
        body = self.doc.element.body
        body.remove(body.sectPr)
        body.append(parse_xml(sectpr_xml(self.landscape)))
        self.add_page_numbers()
        return self.doc

    def add_page_numbers(self):
        """— 1 — in the footer: odd pages right, even pages left (GB/T 9704), from the first
        section after the cover; later sections inherit these footers."""
        sectpr = self.numbered_sectpr
        if sectpr is None:
            sectpr = self.doc.element.body.sectPr if not self.seen_cover else None
        if sectpr is None:  # a cover but no table of contents: number from the section after the cover
            sectprs = self.doc.element.body.xpath(".//w:sectPr")
            sectpr = sectprs[1] if len(sectprs) > 1 else sectprs[0]
            sectpr.insert(sectpr.index(sectpr.find(f"{{{W}}}cols")),
                          parse_xml(f'<w:pgNumType {NSDECL} w:fmt="decimal" w:start="1"/>'))
        section = Section(sectpr, self.doc.part)
        one_char = SIZE["四号"] * 10  # twips: one 四号 character
        for footer, jc, ind in ((section.footer, "right", f'w:right="{one_char}"'),
                                (section.even_page_footer, "left", f'w:left="{one_char}"')):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.style = self.doc.styles["footer"]
            ppr = p._p.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:ind {NSDECL} {ind} w:firstLine="0"/>'))
            ppr.append(parse_xml(f'<w:jc {NSDECL} w:val="{jc}"/>'))
            for xml in ('<w:r><w:t xml:space="preserve">— </w:t></w:r>',
                        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                        "<w:r><w:t>1</w:t></w:r>",
                        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                        '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'):
                p._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {NSDECL}>", 1)))


def assemble(profile: Profile, sources: list[list[str]] | None = None) -> list[str]:
    """The source lines of the profile's document: its parts in order, each with its title, and the
    tables of ``表序`` at ``[[表格]]``. Parts come from the template sources, a later source (an
    extending profile's) replacing a part of the same name."""
    texts = sources if sources is not None else [p.read_text(encoding="utf-8").splitlines()
                                                 for p in template_sources(profile)]
    parts: dict[str, list[str]] = {}
    for lines in texts:
        name = None
        for number, raw in enumerate(lines, 1):
            m = re.fullmatch(r"\[\[部分 (\S+)\]\]", raw.strip())
            if m:
                name = m.group(1)
                parts[name] = []
            elif name is None:
                if raw.strip():
                    raise SourceError(f"第{number}行：模板源须以 [[部分 名称]] 开始")
            else:
                parts[name].append(raw)
    missing = [p.名称 for p in profile.部分 if p.名称 not in parts]
    if missing:
        raise SourceError(f"版式列出的部分“{'、'.join(missing)}”在模板源中没有 [[部分 …]]")
    out: list[str] = []
    placed = {m.group(1) for lines in parts.values() for line in lines
              if (m := re.fullmatch(r"\[\[表 (\S+)\]\]", line.strip()))}
    for part in profile.部分:
        if part.标题:
            out.append("# " + part.标题)
        for line in parts[part.名称]:
            if line.strip() == "[[表格]]":
                out += [f"[[表 {key}]]" for key in profile.表序 if key not in placed]
            else:
                out.append(line)
    return out


def compile_lines(lines: list[str], profile: Profile) -> bytes:
    """Compile assembled source lines into the template's bytes (deterministic)."""
    landscape = frozenset(k for k, spec in profile.tables() if spec.横向)
    doc = Builder(lines, landscape, info_line=not profile.表格.信息行在表内).build()
    buf = io.BytesIO()
    doc.save(buf)
    return normalize_docx_bytes(buf.getvalue())


def compile_profile(profile: Profile) -> bytes:
    """The Word template of a profile, compiled from its template source(s)."""
    return compile_lines(assemble(profile), profile)
