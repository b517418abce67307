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
        lines += [f"| {_('指标')} | {_('数值')} |", "|---|---:|"]
        for fig in section.figures:
            lines.append(f"| {_md(fig.label)} | {_md_figure(review, fig.display, fig.url)} |")
        lines.append("")
        if section.chart:
            lines += [f"### {_('下级组织对比')}：{_md(section.chart_label)}", "",
                      f"| {_('组织')} | {_md(section.chart_label)} |", "|---|---:|"]
            for bar in section.chart:
                lines.append(f"| {_md(bar.org.name)} | {_md_figure(review, bar.display, bar.url)} |")
            lines.append("")
    return "\n".join(lines)


# ---- SVG bar chart (for the PDF) ----------------------------------------------------------

def svg_bars(section: ReviewSection, width: int = 440) -> str:
    """A horizontal bar chart of the section's comparison, drawn as plain SVG."""
    bars = section.chart
    label_w, value_w, row_h = 150, 60, 20
    plot_w = width - label_w - value_w
    top = max((b.value or 0) for b in bars) or 1
    if section.chart_is_rate:
        top = 100
    height = row_h * len(bars) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
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

def write_pdf(review: Review) -> bytes:
    from weasyprint import HTML

    sections = []
    for section in review.sections:
        sections.append({
            "section": section, "heading": heading_number(section.number) + section.title,
            "sentences": [[seg if isinstance(seg, str) else {"display": seg.display, "url": review.absolute(seg.url)}
                           for seg in sentence] for sentence in section.sentences],
            "figures": [{"label": f.label, "display": f.display, "url": review.absolute(f.url)} for f in section.figures],
            "svg": svg_bars(section) if section.chart else "",
        })
    html = render_to_string("reports/review_pdf.html", {"review": review, "sections": sections,
                                                         "lang": "zh-CN" if is_chinese() else "en"})
    return HTML(string=html, base_url=review.base_url or None).write_pdf()


# ---- .docx (GB/T 9704 where it fits) --------------------------------------------------------

TITLE_FONT = "方正小标宋简体"  # 2号小标宋
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"  # 3号仿宋
FOOTER_FONT = "宋体"


def _font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _paragraph(doc, text: str, font: str, size: float, *, align=None, indent: bool = False, bold: bool = False,
               style: str | None = None):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    p = doc.add_paragraph(style=style)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(28)  # 22 lines on the type area, the GB/T 9704 page
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


def _page_number_footer(section) -> None:
    """— N — centred in the footer, 4号 (14 pt)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), FOOTER_FONT, 14)
    run = p.add_run()
    _font(run, FOOTER_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(p.add_run(" —"), FOOTER_FONT, 14)


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), H1_FONT, 12)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
            if i == len(row) - 1:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def write_docx(review: Review) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    doc.core_properties.title = review.title
    doc.core_properties.language = "zh-CN" if is_chinese() else "en"

    _paragraph(doc, review.title, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, review.subtitle, H2_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "", BODY_FONT, 16)
    _paragraph(doc, review.intro, BODY_FONT, 16, indent=True)
    for section in review.sections:
        _paragraph(doc, heading_number(section.number) + section.title, H1_FONT, 16, indent=True)
        _paragraph(doc, "".join(section.plain_sentences()), BODY_FONT, 16, indent=True)
        _paragraph(doc, _("（一）主要数据") if is_chinese() else _("Key figures"), H2_FONT, 16, indent=True)
        _table(doc, [_("指标"), _("数值")], [[f.label, f.display] for f in section.figures])
        if section.chart:
            _paragraph(doc, (_("（二）下级组织对比：%(label)s") if is_chinese() else _("By organization: %(label)s"))
                       % {"label": section.chart_label}, H2_FONT, 16, indent=True)
            picture = png_bars(section)
            if picture is not None:
                doc.add_picture(io.BytesIO(picture), width=Mm(150))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _table(doc, [_("组织"), section.chart_label], [[b.org.name, b.display] for b in section.chart])
    _page_number_footer(sec)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- .xlsx -------------------------------------------------------------------------------

def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}({n})"
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
