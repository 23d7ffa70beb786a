"""Downloadable return templates: blank (headers and a Read me) or an example November 2026 return.

The example is built from the sample portfolio's October 2026 figures for C001 and
C003, so it imports cleanly into the sample database as a new month.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import settings
from . import formats
from .formats import SHEETS

EXAMPLE_CONTRACTS = ("C001", "C003")
EXAMPLE_MONTH = "2026-11"
EXAMPLE_FROM = "2026-10-01"  # the sample month the example's figures are taken from
EXAMPLE_SUBMITTED = ""  # blank: the day it is imported


def _sample(name: str) -> list[dict[str, str]]:
    with (settings.SAMPLE_DATA_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def example_rows() -> dict[str, list[list]]:
    """Rows (without header) per sheet for the example return."""
    latest: dict[tuple[str, str], dict] = {}
    for row in _sample("kpi_values"):
        if row["contract_id"] in EXAMPLE_CONTRACTS and row["month"] == EXAMPLE_FROM and row["value"]:
            key = (row["contract_id"], row["kpi_code"])
            if key not in latest or row["submitted_date"] > latest[key]["submitted_date"]:
                latest[key] = row
    kpis = [
        [c, k, EXAMPLE_MONTH, float(r["value"]), EXAMPLE_SUBMITTED, ""]
        for (c, k), r in sorted(latest.items(), key=lambda item: item[0])
    ]
    experience = [
        [r["contract_id"], EXAMPLE_MONTH, r["measure"], int(r["respondents"]), int(r["positive"])]
        for r in _sample("experience_measures")
        if r["contract_id"] in EXAMPLE_CONTRACTS and r["month"] == EXAMPLE_FROM and r["respondents"]
    ]

    def money(text: str) -> float | str:
        return float(text) if text else ""

    finance = [
        [
            r["contract_id"],
            EXAMPLE_MONTH,
            money(r["spend_gbp"]),
            money(r["units_delivered"]),
            int(r["outcomes_achieved"]) if r["outcomes_achieved"] else "",
            money(r["outcome_payments_planned_gbp"]),
            money(r["outcome_payments_paid_gbp"]),
        ]
        for r in _sample("finance")
        if r["contract_id"] in EXAMPLE_CONTRACTS and r["month"] == EXAMPLE_FROM
    ]
    comments = [
        [
            "C001",
            "2026-11-12",
            "service user",
            "The carers arrive on time and never rush me. I feel safe at home.",
            1,
            "y",
            "n",
            "",
        ],
        [
            "C001",
            "2026-11-19",
            "family/carer",
            "Mum has had four different carers this month; it unsettles her.",
            4,
            "y",
            "n",
            "",
        ],
        ["C003", "2026-11-21", "service user", "Reablement got me back on my feet after the fall.", 2, "n", "n", ""],
    ]
    return {"kpi_values": kpis, "experience_measures": experience, "finance": finance, "narrative_feedback": comments}


def read_me() -> list[list[str]]:
    rows = [["Contract Monitor monthly return", "", "", ""], ["", "", "", ""]]
    rows += [[line, "", "", ""] for line in (formats.__doc__ or "").strip().splitlines()]
    rows += [["", "", "", ""], ["Sheet", "Column", "Required", "Meaning"]]
    for sheet in SHEETS:
        for f in sheet.fields:
            rows.append([sheet.name, f.name, "yes" if f.required else "no", f.description or f.kind])
    return rows


def xlsx_bytes(example: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    notes = book.create_sheet("Read me")
    for row in read_me():
        notes.append(row)
    data = example_rows() if example else {}
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append(list(sheet.field_names))
        for row in data.get(sheet.name, []):
            ws.append([None if v == "" else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_files(example: bool = False) -> dict[str, bytes]:
    """{sheet name: CSV bytes}: a CSV return is one file per sheet."""
    data = example_rows() if example else {}
    files = {}
    for sheet in SHEETS:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(sheet.field_names)
        writer.writerows(data.get(sheet.name, []))
        files[sheet.name] = out.getvalue().encode("utf-8")
    return files


def write(path: Path, example: bool = False) -> list[Path]:
    """Write the template; ``.xlsx`` is one workbook, ``.csv`` one file per sheet named ``<stem>_<sheet>.csv``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes(example))
        return [path]
    if path.suffix.lower() != ".csv":
        raise ValueError(f"{path}: expected a file name ending .csv or .xlsx")
    written = []
    for sheet, data in csv_files(example).items():
        if example and data.count(b"\n") < 2:
            continue  # nothing in the example for this sheet
        target = path.with_name(f"{path.stem}_{sheet}.csv")
        target.write_bytes(data)
        written.append(target)
    return written
