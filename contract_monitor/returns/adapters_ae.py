"""NHS England A&E attendances and 4-hour breaches, as monthly KPI returns.

The national file lists every provider (``org_code``), month (``period``) and
department type (``type``: 1, 2 or other). A contract manager maps the providers
they commission to a contract and to that contract's "% seen within 4 hours" KPI
with a mapping CSV (``--map``)::

    org_code,contract_id,kpi_code,department_types
    RF4,C027,AE4H,1;2;other

``department_types`` is optional (blank = all types). For each mapped provider
and month the KPI value is ``100 × (1 − breaches / attendances)`` summed over the
chosen types, in percent (the KPI's unit must be percent; the NHS standard is 95).
Rows for providers not in the mapping are skipped and counted, not errors. A
provider-month absent from the file is a missing return, never a zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .formats import Field
from .readers import RawSheet
from .validate import Bad, Collector, References, parse_cell, parse_month

HEADER = ("period", "org_code", "type", "attendances", "breaches", "admissions")
TYPES = ("1", "2", "other")
_COUNT = Field("n", "count", maximum=10_000_000)


@dataclass(frozen=True)
class AeTarget:
    contract_id: str
    kpi_code: str
    types: frozenset[str]


def matches(raw: RawSheet) -> bool:
    return set(HEADER) <= {h.strip().lower() for h in raw.header}


def read_mapping(raw: RawSheet, refs: References, col: Collector) -> dict[str, AeTarget]:
    header = [h.strip().lower() for h in raw.header]
    missing = [c for c in ("org_code", "contract_id", "kpi_code") if c not in header]
    for name in missing:
        col.add(raw.sheet, 1, name, None, f"a column named '{name}' in the A&E mapping file")
    if missing:
        return {}
    at = {name: header.index(name) for name in header}
    mapping: dict[str, AeTarget] = {}
    for number, cells in raw.rows:

        def cell(name: str, cells=cells) -> str:
            index = at.get(name)
            return "" if index is None or index >= len(cells) or cells[index] is None else str(cells[index]).strip()

        org, contract, kpi = cell("org_code"), cell("contract_id"), cell("kpi_code")
        types = frozenset(t.strip().lower() for t in cell("department_types").replace(",", ";").split(";") if t.strip())
        if not org:
            col.add(raw.sheet, number, "org_code", "", "an ODS provider code, e.g. RF4")
        elif org in mapping:
            col.add(raw.sheet, number, "org_code", org, "each org_code once in the mapping")
        elif contract not in refs.contracts:
            col.add(raw.sheet, number, "contract_id", contract, "a known contract id")
        elif refs.kpis.get((contract, kpi)) != "percent":
            col.add(raw.sheet, number, "kpi_code", kpi, f"a KPI of {contract} whose unit is percent")
        elif (contract, kpi) in {(t.contract_id, t.kpi_code) for t in mapping.values()}:
            col.add(
                raw.sheet, number, "kpi_code", kpi, f"each contract KPI once in the mapping ({contract} {kpi} is used)"
            )
        elif not types <= set(TYPES):
            col.add(raw.sheet, number, "department_types", cell("department_types"), "types among 1; 2; other")
        else:
            mapping[org] = AeTarget(contract, kpi, types or frozenset(TYPES))
    return mapping


def convert(raw: RawSheet, mapping: dict[str, AeTarget], refs: References, col: Collector) -> tuple[list[dict], dict]:
    """KPI rows (the own format's kpi_values, typed) and counts of what was read and skipped."""
    header = [h.strip().lower() for h in raw.header]
    at = {name: header.index(name) for name in HEADER}
    seen: dict[tuple, int] = {}
    groups: dict[tuple[str, dt.date], list[tuple[int, str, int, int]]] = {}
    skipped_orgs: set[str] = set()
    skipped_rows = 0
    for number, cells in raw.rows:
        values = {n: (cells[i] if i < len(cells) else None) for n, i in at.items()}
        try:
            month = parse_month(values["period"])
        except Bad as exc:
            col.add(raw.sheet, number, "period", values["period"], str(exc).replace("YYYY-MM,", "YYYY-MM-01,"))
            continue
        org = str(values["org_code"] or "").strip()
        kind = str(values["type"] or "").strip().lower()
        ok = bool(org)
        if not org:
            col.add(raw.sheet, number, "org_code", values["org_code"], "an ODS provider code, e.g. RF4")
        if kind not in TYPES:
            col.add(raw.sheet, number, "type", values["type"], "a department type: 1, 2 or other")
            ok = False
        counts = {}
        for name in ("attendances", "breaches", "admissions"):
            try:
                counts[name], _ = parse_cell(_COUNT, values[name]) if values[name] not in (None, "") else (None, None)
                if counts[name] is None:
                    raise Bad("a whole number of at least 0")
            except Bad as exc:
                col.add(raw.sheet, number, name, values[name], str(exc))
                ok = False
        if ok and counts["breaches"] > counts["attendances"]:
            col.add(
                raw.sheet, number, "breaches", counts["breaches"], f"no more than attendances ({counts['attendances']})"
            )
            ok = False
        key = (month, org, kind)
        if ok and key in seen:
            col.add(
                raw.sheet,
                number,
                "period + org_code + type",
                f"{month} / {org} / {kind}",
                f"no duplicate of row {seen[key]}",
            )
            ok = False
        if not ok:
            continue
        seen[key] = number
        target = mapping.get(org)
        if target is None:
            skipped_orgs.add(org)
            skipped_rows += 1
            continue
        if kind in target.types:
            groups.setdefault((org, month), []).append((number, kind, counts["attendances"], counts["breaches"]))
    rows: list[dict] = []
    for (org, month), parts in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0])):
        target = mapping[org]
        first_row = parts[0][0]
        first, last = refs.contract_months(target.contract_id)
        if not first <= month <= last:
            col.add(
                raw.sheet,
                first_row,
                "period",
                month,
                f"a month within contract {target.contract_id}'s term ({first:%Y-%m} to {last:%Y-%m})",
            )
            continue
        attendances = sum(p[2] for p in parts)
        breaches = sum(p[3] for p in parts)
        if attendances == 0:
            col.add(raw.sheet, first_row, "attendances", 0, "at least one attendance to work out the 4-hour share")
            continue
        rows.append(
            {
                "_row": first_row,
                "_sheet": raw.sheet,
                "contract_id": target.contract_id,
                "kpi_code": target.kpi_code,
                "month": month,
                "value": round(100 * (1 - breaches / attendances), 2),
                "submitted_date": None,
                "note": (
                    f"A&E {org}: {attendances:,} attendances, {breaches:,} over 4 hours "
                    f"(types {', '.join(sorted(p[1] for p in parts))}; rows {', '.join(str(p[0]) for p in parts)})"
                ),
            }
        )
    stats = {
        "rows read": len(raw.rows),
        "provider-months": len(rows),
        "rows of unmapped providers skipped": skipped_rows,
        "unmapped providers": len(skipped_orgs),
    }
    if not rows and not col.problems:
        col.add(raw.sheet, 1, "org_code", None, "at least one provider listed in the A&E mapping file (--map)")
    return rows, stats
