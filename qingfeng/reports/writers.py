"""Writers of the review: Markdown (figures linked to their records), .docx in the manner of GB/T 9704
official documents (bar charts as pictures), PDF (WeasyPrint, Noto CJK fonts embedded, bar charts as SVG) and
.xlsx (a sheet per section, native bar charts). Each takes a built `Review` and returns the file's content;
the active language is the review's."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qingfeng.core import exports
from qingfeng.reports.review import Review, ReviewSection

FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
CN_NUMERALS = "一二三四五六七八九十"


def is_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def heading_number(n: int) -> str:
    """一、二、… in Chinese (GB/T 9704's first level), 1. 2. … in English."""
    if not is_chinese():
        return f"{n}. "
    if n <= 10:
        return CN_NUMERALS[n - 1] + "、"
    tens, ones = divmod(n, 10)
    return (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[ones - 1] if ones else "") + "、"


def write(review: Review, fmt: str) -> bytes:
    if fmt == "md":
        return write_md(review).encode("utf-8")
    writer = {"docx": write_docx, "pdf": write_pdf, "xlsx": write_xlsx}[fmt]
    return writer(review)


# ---- Markdown ----------------------------------------------------------------------------

def _md(text: str) -> str:
    """Text as Markdown shows it literally: Markdown passes inline HTML through to the reader, so an
    organization's name such as `<img src=x onerror=…>` is written as entities, never as markup."""
    text = " ".join(str(text).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def _md_figure(review: Review, display: str, url: str | None) -> str:
    url = review.absolute(url)
    return f"[{display}]({url})" if url else display


def write_md(review: Review) -> str:
    lines = [f"# {_md(review.title)}", "", _md(review.subtitle), "", _md(review.intro), ""]
    for section in review.sections:
        lines += [f"## {heading_number(section.number)}{_md(section.title)}", ""]
        paragraph = "".join(
            _md(seg) if isinstance(seg, str) else _md_figure(review, seg.display, seg.url)
            for sentence in section.sentences for seg in sentence
        )
        lines += [paragraph, ""]
        indicator, value, compared, org_word = _("指标"), _("数值"), _("下级组织对比"), _("组织")  # outside f-strings: extracted
        lines += [f"| {indicator} | {value} |", "|---|---:|"]
        for fig in section.figures:
            lines.append(f"| {_md(fig.label)} | {_md_figure(review, fig.display, fig.url)} |")
        lines.append("")
        if section.chart:
            lines += [f"### {compared}：{_md(section.chart_label)}", "",
                      f"| {org_word} | {_md(section.chart_label)} |", "|---|---:|"]
            for bar in section.chart:
                lines.append(f"| {_md(bar.org.name)} | {_md_figure(review, bar.display, bar.url)} |")
            lines.append("")
    return "\n".join(lines)


# ---- SVG bar chart (for the PDF) ----------------------------------------------------------

def svg_bars(section: ReviewSection, width: int = 440, scale: float = 1.0) -> str:
    """A horizontal bar chart of the section's comparison, drawn as plain SVG; `scale` shrinks it as a picture
    (text and bars together) where the page has less room."""
    bars = section.chart
    label_w, value_w, row_h = 150, 60, 20
    plot_w = width - label_w - value_w
    top = max((b.value or 0) for b in bars) or 1
    if section.chart_is_rate:
        top = 100
    height = row_h * len(bars) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * scale:.1f}" height="{height * scale:.1f}" '
             f'font-family="Noto Sans CJK SC, sans-serif" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(section.chart_label)}">']
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        length = 0 if bar.value is None else max(1.0, plot_w * float(bar.value) / top)
        name = bar.org.name if len(bar.org.name) <= 11 else bar.org.name[:10] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">{escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 6}" fill="#8b1a1a"/>')
        parts.append(f'<text x="{label_w + length + 4:.1f}" y="{y + 14}" font-size="11">{escape(bar.display)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_height(section: ReviewSection) -> int:
    return 20 * len(section.chart) + 8


# ---- PNG bar chart (for the .docx) ---------------------------------------------------------

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # Debian's fonts-noto-cjk
CJK_FONT_SC = 2  # the face for Simplified Chinese in that collection


def png_bars(section: ReviewSection, scale: int = 2) -> bytes | None:
    """The same horizontal bar chart as svg_bars, as a PNG (Word shows pictures, not SVG); None without
    the CJK font, when the .docx keeps the table alone."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype(CJK_FONT, 11 * scale, index=CJK_FONT_SC)
    except OSError:
        return None
    bars = section.chart
    width, label_w, value_w, row_h = 440 * scale, 150 * scale, 60 * scale, 20 * scale
    plot_w = width - label_w - value_w
    top = 100 if section.chart_is_rate else (max((b.value or 0) for b in bars) or 1)
    image = Image.new("RGB", (width, row_h * len(bars) + 8 * scale), "white")
    draw = ImageDraw.Draw(image)
    for i, bar in enumerate(bars):
        y = 4 * scale + i * row_h
        length = 0 if bar.value is None else max(scale, plot_w * float(bar.value) / top)
        name = bar.org.name if len(bar.org.name) <= 11 else bar.org.name[:10] + "…"
        draw.text((label_w - 6 * scale, y + row_h // 2), name, fill="black", font=font, anchor="rm")
        if length:
            draw.rectangle((label_w, y + 3 * scale, label_w + length, y + row_h - 3 * scale), fill="#8b1a1a")
        draw.text((label_w + length + 4 * scale, y + row_h // 2), bar.display, fill="black", font=font, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# ---- PDF ---------------------------------------------------------------------------------

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels
TYPE_AREA_MM = (156, 225)  # GB/T 9704's type area; the template's @page margins leave exactly this
BOTTOM_MARGIN_MM = 35
MIN_CHART_SCALE = 0.4  # below this a chart's labels are too small to read; it takes the next page instead


def _pdf_html(review: Review, scales: dict[int, float]) -> str:
    sections = []
    for section in review.sections:
        sections.append({
            "section": section, "heading": heading_number(section.number) + section.title,
            "sentences": [[seg if isinstance(seg, str) else {"display": seg.display, "url": review.absolute(seg.url)}
                           for seg in sentence] for sentence in section.sentences],
            "figures": [{"label": f.label, "display": f.display, "url": review.absolute(f.url)} for f in section.figures],
            "svg": svg_bars(section, scale=scales[section.number]) if section.chart else "",
        })
    return render_to_string("reports/review_pdf.html", {"review": review, "sections": sections,
                                                         "lang": "zh-CN" if is_chinese() else "en"})


def _gap_before_chart(document, number: int) -> tuple[float, float] | None:
    """When section `number`'s chart (with its heading) went to the next page and left more than half of the type
    area empty behind it: (the room left there, the heading's height), in CSS pixels; else None."""
    where = {}
    for index, page in enumerate(document.pages):
        for name in (f"before-chart-{number}", f"chart-{number}", f"svg-{number}"):
            if name in page.anchors:
                where[name] = (index, page.anchors[name], page.height)
    if len(where) < 3:
        return None
    (before_page, before_box, height), (chart_page, chart_box, _h) = where[f"before-chart-{number}"], where[f"chart-{number}"]
    if chart_page != before_page + 1:
        return None
    room = height - BOTTOM_MARGIN_MM * PX_PER_MM - before_box[1]
    if room < TYPE_AREA_MM[1] * PX_PER_MM / 2:
        return None
    return room, where[f"svg-{number}"][1][1] - chart_box[1]


def write_pdf(review: Review) -> bytes:
    """The review laid out as the .docx is. A chart that would not fit below its table goes to the next page, which
    can leave most of a page empty: such a chart is scaled down to the room left, and the document laid out again."""
    from weasyprint import HTML

    full = TYPE_AREA_MM[1] * PX_PER_MM * 0.9  # the heading above it takes the rest of a page
    scales = {s.number: min(1.0, full / svg_height(s)) if s.chart else 1.0 for s in review.sections}
    for _attempt in range(len(review.sections) + 1):
        document = HTML(string=_pdf_html(review, scales), base_url=review.base_url or None).render()
        for section in review.sections:
            gap = _gap_before_chart(document, section.number) if section.chart else None
            if gap is None:
                continue
            room, heading = gap
            scale = (room - heading - 12) / svg_height(section)  # 12 px: the chart's own margin below
            if MIN_CHART_SCALE <= scale < scales[section.number]:
                scales[section.number] = scale
                break  # the pages after this chart move: look again
        else:
            break
    return document.write_pdf()


# ---- .docx (GB/T 9704, 党政机关公文格式) ------------------------------------------------------

# The fonts the standard names, as Word knows them on a Chinese system; English runs take Times New Roman.
TITLE_FONT = "方正小标宋简体"  # 二号小标宋
H1_FONT = "黑体"  # 一级标题 三号黑体
H2_FONT = "楷体_GB2312"  # 二级标题 三号楷体
BODY_FONT = "仿宋_GB2312"  # 正文 三号仿宋
FOOTER_FONT = "宋体"  # 页码 四号半角宋体
LATIN_FONT = "Times New Roman"
SIZE_2, SIZE_3, SIZE_4 = 22, 16, 14  # 二号, 三号, 四号 in points
LINE = 28  # points: 22 lines on the 225 mm type area
PICTURE_MAX_MM = (150, 110)  # a chart never taller than half the type area, so it fits beside its heading


def _set_fonts(r_pr, name: str) -> None:
    """The run properties' fonts: the Chinese face for East Asian text, Times New Roman for Latin text in an English
    review (the Chinese face throughout in a Chinese one, as offices set it); theme fonts removed, so Word shows
    these faces and not the template's."""
    from docx.oxml.ns import qn

    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    latin = name if is_chinese() else LATIN_FONT
    for attr, face in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", name), ("w:cs", latin)):
        fonts.set(qn(attr), face)


def _style(doc, name: str, font: str, size: float, *, bold: bool = False, align=None, indent: bool = False,
           outline: int | None = None, line: float = LINE):
    """A paragraph style in the official layout: black text, the face and size, an exact line, no space around,
    a first-line indent of two characters or an alignment, and for headings the outline level Word's navigation
    pane and table of contents read."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(size * 2 if indent else 0)  # 0, not inherited from Normal's two characters
    if align is not None:
        fmt.alignment = align
    if outline is not None:
        fmt.keep_with_next = True
        p_pr = style.element.get_or_add_pPr()
        level = p_pr.find(qn("w:outlineLvl"))
        if level is None:
            level = p_pr.makeelement(qn("w:outlineLvl"), {})
            p_pr.append(level)
        level.set(qn("w:val"), str(outline))
        borders = p_pr.find(qn("w:pBdr"))
        if borders is not None:
            p_pr.remove(borders)
    return style


def _official_styles(doc) -> dict[str, str]:
    """Normal = 正文, Title = 标题 (二号小标宋, centred), Subtitle, Heading 1 = 一级标题 (三号黑体), Heading 2 = 二级标题
    (三号楷体), and the styles of tables and the footer; returns the names to use."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _style(doc, "Normal", BODY_FONT, SIZE_3, indent=True)
    _style(doc, "Title", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, line=36)
    _style(doc, "Subtitle", H2_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Heading 1", H1_FONT, SIZE_3, indent=True, outline=0)
    _style(doc, "Heading 2", H2_FONT, SIZE_3, indent=True, outline=1)
    _style(doc, "Table Text", BODY_FONT, 12, line=18)
    _style(doc, "Table Heading", H1_FONT, 12, line=18)
    _style(doc, "Page Number", FOOTER_FONT, SIZE_4, line=18)
    return {"title": "Title", "subtitle": "Subtitle", "h1": "Heading 1", "h2": "Heading 2", "body": "Normal"}


def _field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)


def _page_numbers(doc, section) -> None:
    """—1— in 四号宋体 under the type area: odd pages at the right, even pages at the left, one character in from the
    edge of the type area (GB/T 9704, 7.5), so the number is at the outside corner of a printed double-sided page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section.footer_distance = Mm(24)  # the number's line 7 mm below the type area, which ends 35 mm above the edge
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                      WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["Page Number"]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(SIZE_4)
        else:
            p.paragraph_format.left_indent = Pt(SIZE_4)
        p.add_run("—")
        _field(p, "PAGE")
        p.add_run("—")


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].style = doc.styles["Table Heading"]
        cell.paragraphs[0].add_run(text)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            p = cell.paragraphs[0]
            p.style = doc.styles["Table Text"]
            p.add_run(text)
            if i == len(row) - 1:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _picture(doc, png: bytes) -> None:
    """The chart centred, as wide as fits and never taller than PICTURE_MAX_MM's height."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm
    from PIL import Image

    width, height = Image.open(io.BytesIO(png)).size
    width_mm = min(PICTURE_MAX_MM[0], PICTURE_MAX_MM[1] * width / height)
    doc.add_picture(io.BytesIO(png), width=Mm(width_mm))
    p = doc.paragraphs[-1]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Mm(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # not the body's exact 28 pt, which would clip it


def write_docx(review: Review) -> bytes:
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    # 天头 37 mm, 订口 28 mm: the 156 × 225 mm type area of GB/T 9704
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    styles = _official_styles(doc)
    doc.core_properties.title = review.title
    doc.core_properties.language = "zh-CN" if is_chinese() else "en"

    doc.add_paragraph(review.title, style=styles["title"])
    doc.add_paragraph(review.subtitle, style=styles["subtitle"])
    doc.add_paragraph("", style=styles["body"])
    doc.add_paragraph(review.intro, style=styles["body"])
    for section in review.sections:
        doc.add_paragraph(heading_number(section.number) + section.title, style=styles["h1"])
        doc.add_paragraph("".join(section.plain_sentences()), style=styles["body"])
        doc.add_paragraph(_("（一）主要数据") if is_chinese() else _("Key figures"), style=styles["h2"])
        _table(doc, [_("指标"), _("数值")], [[f.label, f.display] for f in section.figures])
        if section.chart:
            doc.add_paragraph((_("（二）下级组织对比：%(label)s") if is_chinese() else _("By organization: %(label)s"))
                              % {"label": section.chart_label}, style=styles["h2"])
            picture = png_bars(section)
            if picture is not None:
                _picture(doc, picture)
            _table(doc, [_("组织"), section.chart_label], [[b.org.name, b.display] for b in section.chart])
    _page_numbers(doc, sec)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- .xlsx -------------------------------------------------------------------------------

def _sheet_title(text: str, used: set[str]) -> str:
    title = exports.short_sheet_name(text) or "Sheet"
    base, n = title, 2
    while title.lower() in {u.lower() for u in used}:  # Excel compares sheet names without case
        suffix = f" ({n})"
        title = exports.short_sheet_name(base, exports.SHEET_NAME_MAX - len(suffix)) + suffix
        n += 1
    used.add(title)
    return title


def _bar_chart(ws, section: ReviewSection, first: int, last: int) -> None:
    """A native Excel bar chart over the comparison rows just written (column C by the names in B)."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = section.chart_label
    chart.legend = None
    chart.height = max(6.0, 0.6 * (last - first + 1) + 2)
    chart.width = 18
    chart.add_data(Reference(ws, min_col=3, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # the first organization on top, as in the table
    ws.add_chart(chart, f"F{first}")


def write_xlsx(review: Review) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    # append writes text cells as strings: a name is never a formula
    from qingfeng.core.spreadsheet import append, first_sheet

    wb = Workbook()
    used: set[str] = set()
    overview = first_sheet(wb)
    overview.title = _sheet_title(_("概述"), used)
    append(overview, [review.title])
    overview["A1"].font = Font(bold=True, size=14)
    append(overview, [review.subtitle])
    append(overview, [review.intro])
    overview.column_dimensions["A"].width = 100
    for section in review.sections:
        ws = wb.create_sheet(_sheet_title(section.title, used))
        append(ws, [heading_number(section.number) + section.title])
        ws["A1"].font = Font(bold=True, size=13)
        for sentence in section.plain_sentences():
            append(ws, [sentence])
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=False)
        append(ws, [])
        append(ws, [_("指标"), _("编号"), _("数值"), _("查看记录")])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for fig in section.figures:
            append(ws, [fig.label, fig.key, fig.value, _("记录") if fig.url else None])
            if fig.is_rate and fig.value is not None:
                ws.cell(ws.max_row, 3).number_format = '0.0"%"'
            if fig.url:
                link = ws.cell(ws.max_row, 4)
                link.hyperlink = review.absolute(fig.url)
                link.style = "Hyperlink"
        if section.chart:
            append(ws, [])
            append(ws, [_("组织编码"), _("组织"), section.chart_label])
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
            first = ws.max_row + 1
            for bar in section.chart:
                append(ws, [bar.org.code, bar.org.name, bar.value])
            _bar_chart(ws, section, first, ws.max_row)
        ws.column_dimensions["A"].width = 44
        ws.column_dimensions["B"].width = 36
        ws.column_dimensions["C"].width = 14
        ws.column_dimensions["D"].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
