"""PDF output through LibreOffice: page size, embedded Chinese fonts, text, the GB/T 9704 text block.

These tests need LibreOffice, poppler-utils and the CJK fonts (CI installs them, see docs/pdf.md).
They fail, never skip, when a tool is missing, and the failure names the Debian package.
Each sample is converted once per session (a few seconds each).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.config import Settings
from generator.writing import pdf
from generator.writing.pdf import PdfError, check_fonts, convert_to_pdf, find_soffice

INPUTS = Path(__file__).parents[1] / "inputs"
SAMPLES = sorted(INPUTS.glob("*.yaml"))
runner = CliRunner()

# A4 in points, and the GB/T 9704 text block (版心): margins top 37, bottom 35, left 28, right 26 mm.
A4 = (595.28, 841.89)
MM = 72 / 25.4
BLOCK_LEFT, BLOCK_RIGHT = 28 * MM, (210 - 26) * MM
BLOCK_TOP, BLOCK_BOTTOM = 37 * MM, (297 - 35) * MM
TOLERANCE = 2  # points (= pixels at 72 dpi): anti-aliasing and rounding

POPPLER_HINT = "在 Debian 上安装：apt-get install poppler-utils"


# ---------------------------------------------------------------- helpers: poppler command-line tools


def _poppler(tool: str, *args: str | Path) -> str:
    exe = shutil.which(tool)
    assert exe, f"未找到 {tool}（测试需要）。{POPPLER_HINT}"
    done = subprocess.run([exe, *map(str, args)], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, f"{tool} {args} 失败：{done.stderr.decode('utf-8', 'replace')}"
    return done.stdout.decode("utf-8", "replace")


def page_sizes(path: Path) -> list[tuple[float, float]]:
    pages = int(re.search(r"^Pages:\s+(\d+)", _poppler("pdfinfo", path), re.M).group(1))
    out = _poppler("pdfinfo", "-f", "1", "-l", str(pages), path)
    sizes = [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out, re.M)]
    assert len(sizes) == pages
    return sizes


@dataclass
class PdfFont:
    name: str
    type: str
    embedded: bool


def pdf_fonts(path: Path) -> list[PdfFont]:
    lines = _poppler("pdffonts", path).splitlines()
    fonts = []
    for line in lines[2:]:  # header and the dashes
        parts = line.split()
        # name, type (may contain spaces), encoding, emb, sub, uni, object, generation
        fonts.append(PdfFont(parts[0], " ".join(parts[1:-6]), parts[-5] == "yes"))
    return fonts


def page_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _poppler("pdftotext", "-enc", "UTF-8", *pages, path, "-")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Gray:
    """A page rendered at 72 dpi in gray: one pixel per point."""

    width: int
    height: int
    pixels: bytes

    def ink_box(self, top: int = 0, bottom: int | None = None, threshold: int = 160):
        """(left, top, right, bottom) of the pixels darker than threshold in rows [top, bottom), or None."""
        dark = bytes(1 if v < threshold else 0 for v in range(256))
        box = None
        for y in range(top, self.height if bottom is None else bottom):
            row = self.pixels[y * self.width:(y + 1) * self.width].translate(dark)
            left = row.find(1)
            if left < 0:
                continue
            right = row.rfind(1)
            if box is None:
                box = [left, y, right, y]
            else:
                box = [min(box[0], left), box[1], max(box[2], right), y]
        return tuple(box) if box else None


def render_gray(path: Path, page: int, tmp: Path) -> Gray:
    prefix = tmp / f"page-{page}"
    _poppler("pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page), "-singlefile", path, prefix)
    data = prefix.with_suffix(".pgm").read_bytes()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    width, height = int(m.group(1)), int(m.group(2))
    return Gray(width, height, data[m.end():m.end() + width * height])


# ---------------------------------------------------------------- the samples, generated once


@dataclass
class Converted:
    sample: Path
    docx: Path
    pdf: Path
    ctx: object


@pytest.fixture(scope="session", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def converted(request, tmp_path_factory) -> Converted:
    from generator.layout.narrate import build_context
    from generator.pipeline import generate, validate

    sample = request.param
    out = tmp_path_factory.mktemp("pdf")
    result = generate(sample, out, pdf=True, profile="湖北")  # the 湖北 layout's titles; 河北: test_profiles
    assert not result.problem, result.problem  # e.g. the apt-get hint when soffice is missing
    pdfs = [p for p in result.written if p.suffix == ".pdf"]
    assert len(pdfs) == 1, result.written
    docx = next(p for p in result.written if p.suffix == ".docx")
    ctx = build_context(validate(sample).budget, Settings())
    return Converted(sample, docx, pdfs[0], ctx)


@pytest.fixture(scope="session")
def sample_docx(tmp_path_factory) -> Path:
    """The first sample rendered to .docx only (for the tests of running LibreOffice itself)."""
    from generator.pipeline import generate

    result = generate(SAMPLES[0], tmp_path_factory.mktemp("docx"))
    return next(p for p in result.written if p.suffix == ".docx")


def test_there_are_samples():
    assert SAMPLES, f"no samples in {INPUTS}"


def test_pdf_beside_docx(converted):
    assert converted.pdf.is_file()
    assert converted.pdf == converted.docx.with_suffix(".pdf")
    assert converted.pdf.read_bytes()[:5] == b"%PDF-"


def test_every_page_is_a4(converted):
    sizes = page_sizes(converted.pdf)
    portrait = landscape = 0
    for number, (w, h) in enumerate(sizes, 1):
        if abs(w - A4[0]) <= 2 and abs(h - A4[1]) <= 2:
            portrait += 1
        elif abs(w - A4[1]) <= 2 and abs(h - A4[0]) <= 2:
            landscape += 1
        else:
            pytest.fail(f"第 {number} 页不是 A4：{w} x {h} pt")
    assert portrait, "没有纵向页"
    if any(t.landscape for t in converted.ctx.表.values()):
        assert landscape, "横向表格没有排在横向页上"


# The Debian Noto CJK fonts are OpenType collections (.ttc) whose language faces (SC, TC, JP,
# KR, HK) share one CFF table, named "NotoSerifCJKjp-Regular"; LibreOffice 7.4 names the
# embedded subset after it ("NotoSerifCJKjp-Regular-VKana") whichever face was used. So the
# name cannot tell SC from JP; test_chinese_fonts_map_to_simplified_faces checks the glyphs.
JAPANESE_OR_KOREAN = re.compile(r"JP|KR|Japanese|Korean|Gothic|Mincho|Batang|Gulim|IPA|Takao")


def test_fonts_embedded_and_chinese(converted):
    fonts = pdf_fonts(converted.pdf)
    assert fonts, "PDF 中没有字体"
    not_embedded = [f.name for f in fonts if not f.embedded]
    assert not not_embedded, f"未嵌入的字体：{not_embedded}"
    foreign = [f.name for f in fonts if JAPANESE_OR_KOREAN.search(f.name)]
    assert not foreign, f"日文/韩文字体：{foreign}"
    names = " ".join(f.name for f in fonts)
    assert "NotoSerifCJK" in names or "FangSong" in names or "FZ" in names, f"正文未使用宋体/仿宋类字体：{names}"


def test_text_has_every_table_title_and_total(converted):
    text = squeeze(page_text(converted.pdf))
    for table in converted.ctx.表.values():
        assert squeeze(table.title) in text, f"PDF 中找不到表标题：{table.title}"
        for row in table.rows:
            if row.kind != "total":
                continue
            for cell in row.cells:
                if cell.strip():
                    assert squeeze(cell) in text, f"{table.title}：PDF 中找不到合计行的“{cell}”"


def _part_three_pages(converted: Converted) -> list[int]:
    """The portrait pages of 第三部分 (部门预算情况说明): from its heading to the 第四部分 heading.

    Its first page is told from a table-of-contents line by a computed sentence it quotes.
    """
    texts = [squeeze(page_text(converted.pdf, n)) for n in range(1, len(page_sizes(converted.pdf)) + 1)]
    needle = squeeze(converted.ctx.说明.收入总计) + "万元"
    first = next((n for n, t in enumerate(texts, 1) if t.startswith("第三部分") and needle in t), None)
    assert first, f"找不到第三部分的第一页（以“第三部分”开头并含“{needle}”）"
    end = next((n for n, t in enumerate(texts, 1) if n > first and t.startswith("第四部分")), len(texts) + 1)
    sizes = page_sizes(converted.pdf)
    return [n for n in range(first, end) if sizes[n - 1][1] > sizes[n - 1][0]]


def test_numbers_never_break_across_lines(converted):
    """In the 情况说明 no amount or percentage is split over two lines ("占2.2" / "2%"): Latin text is
    tagged en-US in the template, so renderers keep digits together (zh-CN would let them break)."""
    broken = []
    for number in _part_three_pages(converted):
        lines = [line for line in page_text(converted.pdf, number).splitlines() if line.strip()]
        for a, b in zip(lines, lines[1:], strict=False):
            if len(a) > 20 and re.search(r"[0-9.]$", a) and re.match(r"[0-9.%]", b):
                broken.append(f"第{number}页：…{a[-12:]} / {b[:12]}…")
    assert not broken, "数字被拆到两行：\n" + "\n".join(broken)


def test_body_ink_inside_text_block(converted, tmp_path):
    for number in _part_three_pages(converted):
        _check_page_ink(converted.pdf, number, tmp_path)


def _check_page_ink(path: Path, number: int, tmp_path: Path) -> None:
    page = render_gray(path, number, tmp_path)
    assert abs(page.width - 595) <= 1 and abs(page.height - 842) <= 1, (page.width, page.height)
    footer_top = round(BLOCK_BOTTOM)
    body = page.ink_box(0, footer_top)
    assert body, f"第 {number} 页没有正文"
    left, top, right, bottom = body
    where = f"第 {number} 页正文墨迹 {body} pt，版心 {BLOCK_LEFT:.1f}–{BLOCK_RIGHT:.1f} × {BLOCK_TOP:.1f}–{BLOCK_BOTTOM:.1f} pt"
    assert left >= BLOCK_LEFT - TOLERANCE, where
    assert right <= BLOCK_RIGHT + TOLERANCE, where + (
        "（句末标点溢出版心？模板应在 styles.xml 的 docDefaults/pPrDefault 中设置 "
        '<w:overflowPunct w:val="0"/>，见 docs/pdf.md）')
    assert top >= BLOCK_TOP - TOLERANCE, where

    # The page number ("— 7 —") sits in the bottom margin, within the block's width, inside the page.
    footer = page.ink_box(footer_top)
    assert footer, f"第 {number} 页没有页码"
    f_left, f_top, f_right, f_bottom = footer
    assert f_left >= BLOCK_LEFT - TOLERANCE and f_right <= BLOCK_RIGHT + TOLERANCE, f"页码超出版心宽度：{footer}"
    assert f_bottom < page.height - 5 * MM, f"页码太靠近页面下边缘：{footer}"
    shown = _poppler("pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-x", "0",
                     "-y", str(footer_top), "-W", str(page.width), "-H", str(page.height - footer_top),
                     path, "-")
    digits = re.search(r"\d+", shown)
    assert digits, f"页码区没有数字：{shown!r}"
    centre = (f_left + f_right) / 2
    if int(digits.group()) % 2:
        assert centre > page.width / 2, f"单页码应居右：{footer}"
    else:
        assert centre < page.width / 2, f"双页码应居左：{footer}"


# ---------------------------------------------------------------- fonts: the GB/T 9704 names map to SC faces


def _font_pairs_docx(path: Path, pairs: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """One page per font: each official name, then the free face it must map to, same text."""
    pairs = pairs or [("仿宋_GB2312", "Noto Serif CJK SC"), ("方正小标宋简体", "Noto Serif CJK SC"),
                      ("宋体", "Noto Serif CJK SC"), ("黑体", "Noto Sans CJK SC"), ("楷体_GB2312", "AR PL UKai CN")]
    _lang_pages_docx(path, [(name, "zh-CN") for pair in pairs for name in pair])
    return pairs


def test_chinese_fonts_map_to_simplified_faces(tmp_path):
    source = tmp_path / "字体.docx"
    pairs = _font_pairs_docx(source)
    out = convert_to_pdf(source)
    assert len(page_sizes(out)) == 2 * len(pairs)
    for i, (official, free) in enumerate(pairs):
        a = render_gray(out, 2 * i + 1, tmp_path)
        b = render_gray(out, 2 * i + 2, tmp_path)
        assert a.ink_box(), f"{official}：没有字形"
        assert a.pixels == b.pixels, f"{official} 没有映射到 {free}（字形不同）"
    assert not [f.name for f in pdf_fonts(out) if not f.embedded]


def _lang_pages_docx(path: Path, pages: list[tuple[str, str]]) -> None:
    """One page per (font, language) with the same text, glyphs that differ between zh-CN and ja-JP."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    for number, (font, lang) in enumerate(pages):
        para = doc.paragraphs[0] if number == 0 and doc.paragraphs else doc.add_paragraph()
        para.paragraph_format.page_break_before = number > 0
        run = para.add_run("骨直次令角说关，部门预算。")
        run.font.size = Pt(22)
        rpr = run._element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), font)
        element = OxmlElement("w:lang")
        element.set(qn("w:val"), lang)
        element.set(qn("w:eastAsia"), lang)
        rpr.append(element)
    doc.save(path)


def test_zh_cn_gives_chinese_glyphs_not_japanese(tmp_path):
    """Negative control. Noto CJK selects Chinese or Japanese glyph variants by the run's language
    (OpenType locl), and the embedded CFF name says "CJKjp" for every face of Debian's .ttc, so
    names cannot tell: compare pixels. The same text tagged ja-JP must look different (the control
    can tell), and 仿宋_GB2312/黑体 tagged zh-CN, as every style of the template is, must look like
    Noto SC tagged zh-CN and unlike the Japanese rendering."""
    source = tmp_path / "语言.docx"
    _lang_pages_docx(source, [("仿宋_GB2312", "zh-CN"), ("Noto Serif CJK SC", "zh-CN"), ("Noto Serif CJK SC", "ja-JP"),
                              ("黑体", "zh-CN"), ("Noto Sans CJK SC", "zh-CN"), ("Noto Sans CJK SC", "ja-JP")])
    out = convert_to_pdf(source)
    pages = [render_gray(out, n, tmp_path).pixels for n in range(1, 7)]
    for mapped, chinese, japanese in (pages[0:3], pages[3:6]):
        assert chinese != japanese, "对照失效：中日字形渲染相同"
        assert mapped == chinese and mapped != japanese


def test_template_styles_are_tagged_zh_cn():
    """Every style and the document defaults carry w:lang eastAsia zh-CN (what the test above relies on)."""
    import zipfile

    root = Path(__file__).parents[1]
    styles = zipfile.ZipFile(root / "templates" / "部门预算公开.docx").read("word/styles.xml").decode()
    assert 'w:eastAsia="zh-CN"' in styles.split("</w:docDefaults>")[0]
    assert "ja-JP" not in styles and 'w:eastAsia="ja' not in styles


def test_check_fonts_finds_the_required_families():
    assert check_fonts() == [], "缺少中文字体；在 Debian 上安装：apt-get install fonts-noto-cjk fonts-arphic-ukai"


def test_fontconfig_aliases():
    fc_match = shutil.which("fc-match")
    assert fc_match, "未找到 fc-match；在 Debian 上安装：apt-get install fontconfig"
    env = pdf.font_environment()
    expected = {"仿宋_GB2312": "Noto Serif CJK SC", "方正小标宋简体": "Noto Serif CJK SC", "宋体": "Noto Serif CJK SC",
                "黑体": "Noto Sans CJK SC", "微软雅黑": "Noto Sans CJK SC", "楷体_GB2312": "AR PL UKai CN",
                "楷体": "AR PL UKai CN", ":lang=zh-cn": "Noto", "serif:lang=zh-cn": "Noto Serif CJK SC"}
    for name, family in expected.items():
        got = subprocess.run([fc_match, "-f", "%{family}", name], capture_output=True, text=True, env=env,
                             check=True).stdout
        assert family in got and "JP" not in got, f"fc-match {name} → {got}"


# ---------------------------------------------------------------- punctuation at the right margin


def _gbt9704_docx(path: Path, overflow_punct: str | None) -> None:
    """GB/T 9704 margins, 三号 text, lines that end just before a ，."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    if overflow_punct is not None:
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is None:
            ppr_default = parse_xml(f"<w:pPrDefault {nsdecls('w')}><w:pPr/></w:pPrDefault>")
            defaults.append(ppr_default)
        ppr_default.find(qn("w:pPr")).insert(0, parse_xml(f'<w:overflowPunct {nsdecls("w")} w:val="{overflow_punct}"/>'))
    # Whatever the exact advance (27 or 28 characters a line), one paragraph has a ， just past the end.
    for k in range(24, 31):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = para.add_run("预" * k + "，" + "算" * 20 + "。")
        run.font.size = Pt(16)
        rpr = run._element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
        rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="zh-CN" w:eastAsia="zh-CN"/>'))
    doc.save(path)


def test_punctuation_stays_inside_the_block_when_overflow_is_off(tmp_path):
    """w:overflowPunct=0 keeps 。 inside the margins in Word; the PDF must agree (LibreOffice reads it inverted)."""
    source = tmp_path / "标点.docx"
    _gbt9704_docx(source, "0")
    page = render_gray(convert_to_pdf(source), 1, tmp_path)
    left, top, right, bottom = page.ink_box(0, round(BLOCK_BOTTOM))
    assert right <= BLOCK_RIGHT + TOLERANCE, f"标点溢出版心：墨迹右边界 {right} pt > {BLOCK_RIGHT:.1f} pt"


def test_punctuation_hangs_by_default_as_in_word(tmp_path):
    """Without the element Word lets 。 hang into the margin (ISO 29500 default: on); so does the PDF."""
    source = tmp_path / "标点.docx"
    _gbt9704_docx(source, None)
    page = render_gray(convert_to_pdf(source), 1, tmp_path)
    assert page.ink_box(0, round(BLOCK_BOTTOM))[2] > BLOCK_RIGHT + TOLERANCE


def test_copy_for_libreoffice_inverts_only_overflow_punct(tmp_path):
    import zipfile

    source, copy = tmp_path / "a.docx", tmp_path / "b.docx"
    _gbt9704_docx(source, "0")
    pdf._copy_for_libreoffice(source, copy)
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(copy) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            before, after = a.read(name), b.read(name)
            if name == "word/styles.xml":
                assert b'<w:overflowPunct w:val="0"/>' in before
                assert after == before.replace(b'<w:overflowPunct w:val="0"/>', b'<w:overflowPunct w:val="1"/>')
            else:
                assert after == before, name
    plain = tmp_path / "c.docx"
    _gbt9704_docx(plain, None)
    pdf._copy_for_libreoffice(plain, tmp_path / "d.docx")
    assert (tmp_path / "d.docx").read_bytes() == plain.read_bytes()


# ---------------------------------------------------------------- running LibreOffice


def test_two_conversions_at_once(sample_docx, tmp_path):
    docs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        docs.append(Path(shutil.copy(sample_docx, tmp_path / name / sample_docx.name)))
    start = threading.Barrier(2)

    def run(docx: Path) -> Path:
        start.wait()
        return convert_to_pdf(docx)

    with ThreadPoolExecutor(2) as pool:
        outputs = list(pool.map(run, docs))
    for docx, out in zip(docs, outputs, strict=True):
        assert out == docx.with_suffix(".pdf")
    assert len(page_sizes(outputs[0])) == len(page_sizes(outputs[1])) > 1


def test_pdf_into_another_directory(sample_docx, tmp_path):
    out = convert_to_pdf(sample_docx, tmp_path / "pdf")
    assert out == tmp_path / "pdf" / (sample_docx.stem + ".pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    assert not list(tmp_path.glob("pdf/.*"))  # no partial file left beside it


def test_timeout_kills_soffice_and_keeps_previous_pdf(sample_docx, tmp_path, monkeypatch):
    docx = Path(shutil.copy(sample_docx, tmp_path / sample_docx.name))
    previous = docx.with_suffix(".pdf")
    previous.write_bytes(b"%PDF-1.4 previous good PDF")
    made = []
    real = pdf.tempfile.mkdtemp

    def recording(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(pdf.tempfile, "mkdtemp", recording)
    with pytest.raises(PdfError, match="超时"):
        convert_to_pdf(docx, timeout=0.3)
    assert previous.read_bytes() == b"%PDF-1.4 previous good PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([docx.name, previous.name])  # no partial file
    profile = made[0]
    assert not Path(profile).exists(), "临时目录未删除"
    if Path("/proc").is_dir():  # no LibreOffice process of that run is left
        left = []
        for proc in Path("/proc").iterdir():
            try:
                if profile.encode() in (proc / "cmdline").read_bytes():
                    left.append(proc.name)
            except OSError:
                continue
        assert not left, f"超时后 LibreOffice 进程仍在：{left}"


def test_missing_soffice_names_the_package(tmp_path, monkeypatch):
    docx = tmp_path / "x.docx"
    _font_pairs_docx(docx)
    monkeypatch.delenv("BUDGETDOC_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf, "_SOFFICE_ELSEWHERE", ())
    assert find_soffice() is None
    with pytest.raises(PdfError, match="apt-get install libreoffice-writer-nogui"):
        convert_to_pdf(docx)
    assert not docx.with_suffix(".pdf").exists()


def test_not_a_docx(tmp_path):
    bad = tmp_path / "坏.docx"
    bad.write_text("不是 zip", encoding="utf-8")
    with pytest.raises(PdfError, match="不是有效的 Word 文档"):
        convert_to_pdf(bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


def test_missing_fonts_name_the_packages(tmp_path, monkeypatch):
    docx = tmp_path / "x.docx"
    _font_pairs_docx(docx)
    monkeypatch.setattr(pdf, "check_fonts", lambda: ["Noto Serif CJK SC", "AR PL UKai CN"])
    with pytest.raises(PdfError, match="apt-get install fonts-arphic-ukai fonts-noto-cjk") as info:
        convert_to_pdf(docx)
    assert "Noto Serif CJK SC" in str(info.value)


def test_soffice_override_by_environment(tmp_path, monkeypatch):
    real = find_soffice()
    assert real, "未找到 LibreOffice；在 Debian 上安装：apt-get install libreoffice-writer-nogui"
    monkeypatch.setenv("BUDGETDOC_SOFFICE", real)
    assert find_soffice() == real
    monkeypatch.setenv("BUDGETDOC_SOFFICE", str(tmp_path / "nowhere"))
    assert find_soffice() is None


# ---------------------------------------------------------------- the command line


def test_cli_generate_pdf(tmp_path):
    sample = SAMPLES[0]
    result = runner.invoke(app, ["generate", str(sample), "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.pdf"))) == 1
    assert len(list(tmp_path.glob("*.docx"))) == 1


def test_cli_generate_pdf_without_soffice(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    result = runner.invoke(app, ["generate", str(SAMPLES[0]), "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 2, result.output
    assert "apt-get install libreoffice-writer-nogui" in result.output
    assert not list(tmp_path.iterdir())  # checked before anything is written: the run's files land together or not at all


def test_killing_budgetdoc_kills_soffice_and_removes_its_profile(sample_docx, tmp_path):
    """SIGKILL of the converting process: the watchdog kills LibreOffice's group and removes the profile."""
    import os
    import signal
    import sys
    import time

    script = ("import sys; from pathlib import Path; from generator.writing.pdf import convert_to_pdf; "
              "convert_to_pdf(Path(sys.argv[1]), Path(sys.argv[2]))")
    child = subprocess.Popen([sys.executable, "-c", script, str(sample_docx), str(tmp_path)])
    profile = None
    for _ in range(600):  # wait (up to 60 s on a busy machine) until its soffice runs
        time.sleep(0.1)
        found = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline_has(p, "budgetdoc-pdf-")
                 and _ppid(p) == child.pid]
        if found:
            profile = re.search(rb"budgetdoc-pdf-\w+", (found[0] / "cmdline").read_bytes()).group().decode()
            break
    assert profile, "soffice 未启动"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    for _ in range(100):
        time.sleep(0.1)
        alive = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline_has(p, profile) and not _zombie(p)]
        if not alive and not (Path(tempfile.gettempdir()) / profile).exists():
            break
    assert not alive, f"budgetdoc 被杀后 LibreOffice 仍在运行：{alive}"
    assert not (Path(tempfile.gettempdir()) / profile).exists(), "临时配置目录未删除"


def _cmdline_has(proc: Path, text: str) -> bool:
    try:
        return text.encode() in (proc / "cmdline").read_bytes()
    except OSError:
        return False


def _ppid(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _zombie(proc: Path) -> bool:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True
