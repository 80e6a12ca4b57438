"""The summary table's exports: the table as a workbook, every unit's 自评表 in one workbook, and the year's
published PDFs as one zip streamed as it is written.

Costs, for the bureau of a province with thousands of units:

- the table: one query (iterated in chunks), a write-only workbook (rows go to a temporary file as they are
  appended), so memory holds the finished file, not a cell tree;
- the 自评表 workbook: a sheet per unit through :func:`reports.excel.exporter.add_self_evaluation_sheet`, the rows
  of every unit read at once (seven queries, :func:`reports.excel.template.fetch_rows_for`) and every unit scored
  at once (:func:`reports.scoring.scores_for`): a fixed number of queries whatever the number of units. Writing the
  sheets is linear in the units, and a sheet of merged cells per unit is held in memory until saved, so it is
  refused beyond :data:`SHEETS_LIMIT` units: filter the table (by region, state or grade) and export each part;
- the zip: one query for the publications, then each PDF read (and checked against its SHA-256) and written through
  to the response; memory holds one PDF at a time, never the archive.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from evaluations.models import Evaluation, Publication, Unit

from .excel import exporter, sheets
from .excel.safe_writer import write_only_cell
from .excel.template import fetch_rows_for
from .publication import PublishedFileMissing, read_pdf
from .scoring import ScoredEvaluation, scores_for
from .summary import STATE_LABELS

TEN_THOUSAND = Decimal(10000)
WAN_FORMAT = "0.00"
PERCENT_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
# Measured on SQLite with the seed's report copied into each unit (2 cores, shared): 100 sheets in about 1 s, 500 in
# about 5 s and 180 MiB for the whole process. 300 keeps a request to a few seconds and a worker's memory modest, with
# room for a slower server and the database's round trips.
SHEETS_LIMIT = 300


def _wan(amount: Decimal | None) -> Decimal | None:
    # Exact: the cell shows two decimals by its format, and a sum in the spreadsheet adds the exact amounts.
    return None if amount is None else amount / TEN_THOUSAND


def summary_headers() -> list[str]:
    return [
        _("排名"),
        _("预算单位"),
        _("单位编码"),
        _("地区"),
        _("状态"),
        _("提交日期"),
        _("实际支出合计（万元）"),
        _("预算数（万元）"),
        _("预算执行率"),
        _("自评得分"),
        _("自评等级"),
        _("复核得分"),
        _("未说明原因的未达标指标"),
        _("未通过的数字核对"),
    ]


def summary_workbook(rows: Iterable[Unit], *, title: str) -> Workbook:
    """The summary table as a write-only workbook: amounts in 万元 as numbers, rates as percentages, blanks empty."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append([write_only_cell(ws, title)])
    ws.append([write_only_cell(ws, header) for header in summary_headers()])
    for row in rows:
        submitted = timezone.localtime(row.submitted_at).date() if row.submitted_at else None
        ws.append(
            [
                write_only_cell(ws, row.rank if row.score_total is not None else None),
                write_only_cell(ws, row.name),
                write_only_cell(ws, row.code),
                write_only_cell(ws, row.region),
                write_only_cell(ws, str(STATE_LABELS.get(row.state, row.state))),
                _date_cell(ws, submitted),
                write_only_cell(ws, _wan(row.total_spending), number_format=WAN_FORMAT),
                write_only_cell(ws, _wan(row.budget), number_format=WAN_FORMAT),
                write_only_cell(ws, row.execution_rate, number_format=PERCENT_FORMAT),
                write_only_cell(ws, row.score_total, number_format=SCORE_FORMAT),
                write_only_cell(ws, row.grade),
                write_only_cell(ws, row.review_score, number_format=SCORE_FORMAT),
                write_only_cell(ws, row.unexplained_shortfalls),
                write_only_cell(ws, row.failed_checks),
            ]
        )
    return wb


def _date_cell(ws: WriteOnlyWorksheet, value: datetime.date | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def self_evaluation_workbook(evaluations: QuerySet[Evaluation]) -> Workbook:
    """Every evaluation's 自评表 on its own sheet named after its unit (at most :data:`SHEETS_LIMIT`; the caller
    checks), in a fixed number of queries whatever the number of units: see the module's note."""
    listed = list(evaluations.select_related("unit").order_by("unit__name", "pk"))
    rows = fetch_rows_for(listed)
    scores = scores_for(listed)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    with translation.override(sheets.WORKBOOK_LANGUAGE):
        for evaluation in listed:
            ws = wb.create_sheet()
            score = scores[evaluation.pk]
            # A scheme that cannot score leaves the 分值 and 得分 empty, as the single export does.
            scored = score if isinstance(score, ScoredEvaluation) else None
            exporter.add_self_evaluation_sheet(ws, rows[evaluation.pk], scored)
            ws.title = _sheet_title(evaluation.unit.short_name or evaluation.unit.name, taken)
    return wb


def _sheet_title(name: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\, unique ignoring case.
    base = "".join(" " if char in "[]:*?/\\" else char for char in name).strip()[:28] or "sheet"
    title, number = base, 1
    while title.lower() in taken:
        number += 1
        title = f"{base[:27]}-{number}"
    taken.add(title.lower())
    return title


# ---------------------------------------------------------------------------
# The zip of the year's published PDFs, streamed
# ---------------------------------------------------------------------------
class _WriteThrough(io.RawIOBase):
    """Where the zip is written: it keeps only what was written since the last :meth:`take`. Not seekable, so
    ``zipfile`` writes each entry's sizes after its data, as streaming requires."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def publication_entry_name(publication: Publication) -> str:
    unit = publication.unit_name.replace("/", "／").replace("\\", "＼")
    return f"{unit}-{publication.year}-第{publication.version}版.pdf"


def current_publications(year: int, units: QuerySet[Unit]) -> QuerySet[Publication]:
    """The year's publications of ``units`` a correction has not superseded, by unit name (one query)."""
    return (
        Publication.objects.current()
        .filter(year=year, evaluation__unit__in=units)
        .only("pk", "unit_name", "year", "version", "pdf_name", "pdf_sha256", "published_at")
        .order_by("unit_name", "pk")
    )


def stream_zip(publications: Iterable[Publication]) -> Iterator[bytes]:
    """The zip of the PDFs, yielded entry by entry: stored, not deflated (a PDF is compressed already)."""
    pipe = _WriteThrough()
    missing: list[str] = []
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for publication in publications:
            try:
                data = read_pdf(publication)
            except PublishedFileMissing:
                # The archive is half sent already: name the file that could not be included rather than fail.
                missing.append(publication_entry_name(publication))
                continue
            stamp = timezone.localtime(publication.published_at).timetuple()[:6]
            info = zipfile.ZipInfo(publication_entry_name(publication), date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
            del data
            yield pipe.take()
        if missing:
            note = _("以下报告文件缺失或与其指纹不符，未能打包，请联系系统管理员：") + "\n" + "\n".join(missing)
            archive.writestr(_("缺失的文件.txt"), note.encode())
    yield pipe.take()
