"""A tiny hand-made portfolio whose every rating is worked out by hand in the tests.

Months January to April 2025. Seed tables (rating rules, scale, national
outcomes) are the real ones from sample_data/, so the tests also prove the rules
shipped with the product.

C1 Care at home (Adult social care)
    K1 % visits on time, higher, target 95, tolerance 3:  96 93 90 85
       -> Good, Approaching target, Requires improvement, Inadequate
       February was first sent as 80, then corrected to 93.
    K2 Delayed discharges, lower, target 10, tolerance 2, cumulative: 8, (no return), 11, 16
       -> Good, No return, Approaching target, Inadequate
    Survey: Jan 35/40 Good, Feb 11/20 Inadequate, Mar 4/4 Too few responses, Apr no return
    Comments: Jan ratings 1 1 2 5 (1/4 negative, Requires improvement), Feb 2 rated (Too few),
              Mar 4 5 4 1 (3/4, Inadequate), Apr 1 1 1 (Good)
    Pulse 2025-Q1: commissioner 4.0, provider 5.0 -> Relationships Good (4.5), gap 1.0 -> diverges
C2 Care at home, west (Adult social care): every KPI Good, survey poor -> watermelon every month
C3 Recovery hub (Drug and alcohol recovery): starts March 2025, no finance return in April
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from contract_monitor import schema, settings

MONTHS = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]

CONTRACTS = [
    [
        "C1",
        "Care at home - north",
        "Kindly Care Ltd",
        "Adult social care",
        "outcomes-based",
        "1200000",
        "2024-04-01",
        "2027-03-31",
        "Ann Manager",
        "Glenburn Council",
        "hour of care",
    ],
    [
        "C2",
        "Care at home - west",
        "Swift Visits plc",
        "Adult social care",
        "fee-for-service",
        "900000",
        "2024-04-01",
        "2027-03-31",
        "Ann Manager",
        "Glenburn Council",
        "hour of care",
    ],
    [
        "C3",
        "Recovery hub",
        "Step Together",
        "Drug and alcohol recovery",
        "alliance",
        "300000",
        "2025-03-01",
        "2028-02-29",
        "Bo Officer",
        "Glenburn Council",
        "person supported",
    ],
]

KPI_DEFINITIONS = [
    ["C1", "K1", "% visits on time", "output", "percent", "higher", "95", "3", "NO08", "monthly"],
    ["C1", "K2", "Delayed discharges", "outcome", "number", "lower", "10", "2", "NO08", "cumulative"],
    ["C2", "K1", "% visits on time", "output", "percent", "higher", "95", "3", "NO08", "monthly"],
    [
        "C2",
        "K2",
        "% people living at home after 6 months",
        "outcome",
        "percent",
        "higher",
        "80",
        "5",
        "NO08",
        "monthly",
    ],
    ["C3", "R1", "% completing treatment", "outcome", "percent", "higher", "60", "10", "NO08", "monthly"],
]

KPI_VALUES = (
    [
        ["C1", "K1", "2025-01-01", "96", "2025-02-10", ""],
        ["C1", "K1", "2025-02-01", "80", "2025-03-10", ""],
        ["C1", "K1", "2025-02-01", "93", "2025-03-20", "Corrected: cancelled visits removed"],
        ["C1", "K1", "2025-03-01", "90", "2025-04-10", ""],
        ["C1", "K1", "2025-04-01", "85", "2025-05-10", "Two staff off sick; visits rearranged"],
        ["C1", "K2", "2025-01-01", "8", "2025-02-10", ""],
        ["C1", "K2", "2025-02-01", "", "", ""],
        ["C1", "K2", "2025-03-01", "11", "2025-04-10", ""],
        ["C1", "K2", "2025-04-01", "16", "2025-05-10", ""],
    ]
    + [
        row
        for month in MONTHS
        for row in (
            ["C2", "K1", month, "99", "2025-06-01", ""],
            ["C2", "K2", month, "85", "2025-06-01", ""],
        )
    ]
    + [
        ["C3", "R1", "2025-03-01", "55", "2025-04-12", ""],
        ["C3", "R1", "2025-04-01", "62", "2025-05-12", ""],
    ]
)

EXPERIENCE = (
    [
        ["C1", "2025-01-01", "Treated with dignity and respect", "20", "18"],
        ["C1", "2025-01-01", "Felt listened to", "20", "17"],
        ["C1", "2025-02-01", "Treated with dignity and respect", "10", "5"],
        ["C1", "2025-02-01", "Felt listened to", "10", "6"],
        ["C1", "2025-03-01", "Treated with dignity and respect", "4", "4"],
    ]
    + [["C2", month, "Felt listened to", "30", "15"] for month in MONTHS]
    + [
        ["C3", "2025-03-01", "Felt listened to", "12", "12"],
        ["C3", "2025-04-01", "Felt listened to", "12", "11"],
    ]
)

_RATINGS = {
    ("C1", "2025-01"): [1, 1, 2, 5],
    ("C1", "2025-02"): [2, 3],
    ("C1", "2025-03"): [4, 5, 4, 1],
    ("C1", "2025-04"): [1, 1, 1],
    ("C2", "2025-01"): [4, 4, 5],
    ("C2", "2025-02"): [4, 5, 5],
    ("C2", "2025-03"): [2, 4, 5],
    ("C2", "2025-04"): [5, 5, 4, 1],
    ("C3", "2025-03"): [1, 2, 1],
    ("C3", "2025-04"): [1, 1, 2],
}
_TEXT = {
    1: "The carers were kind and took their time with my mum.",
    2: "Mostly good, they listened to what I wanted.",
    3: "It was fine, nothing special.",
    4: "They always seem rushed and I never see the same carer twice.",
    5: "Fifteen minutes is not enough, I felt like a job on a list.",
}


def _feedback_rows() -> list[list[str]]:
    rows = []
    for (contract, month), ratings in _RATINGS.items():
        for i, rating in enumerate(ratings, start=1):
            feedback_id = f"F{len(rows) + 1:04d}"
            consent = "y" if i % 2 else "n"
            approved = "y" if i % 3 else "n"
            rows.append(
                [
                    feedback_id,
                    contract,
                    f"{month}-{10 + i:02d}",
                    "service user",
                    _TEXT[rating],
                    str(rating),
                    consent,
                    approved,
                ]
            )
    rows.append([f"F{len(rows) + 1:04d}", "C1", "2025-01-20", "staff", "Rotas changed twice this week.", "", "n", "n"])
    return rows


FEEDBACK = _feedback_rows()

FINANCE = (
    [
        ["C1", "2025-01-01", "100000", "4000", "10", "20000", "18000"],
        ["C1", "2025-02-01", "100000", "4000", "5", "20000", "9000"],
        ["C1", "2025-03-01", "100000", "4200", "10", "20000", "18000"],
        ["C1", "2025-04-01", "100000", "4200", "0", "20000", "0"],
    ]
    + [["C2", month, "75000", "3800", "5", "", ""] for month in MONTHS]
    + [
        ["C3", "2025-03-01", "25000", "40", "4", "", ""],
    ]
)

PULSE = [
    ["C1", "2025-Q1", "commissioner", "4", "4", "4", "4", "Good conversations this quarter"],
    ["C1", "2025-Q1", "provider", "5", "5", "5", "5", ""],
    ["C2", "2025-Q1", "commissioner", "3", "3", "3", "3", ""],
    ["C2", "2025-Q1", "provider", "3", "3", "4", "4", ""],
]

DATA = {
    "contracts": CONTRACTS,
    "kpi_definitions": KPI_DEFINITIONS,
    "kpi_values": KPI_VALUES,
    "experience_measures": EXPERIENCE,
    "narrative_feedback": FEEDBACK,
    "finance": FINANCE,
    "relationship_pulse": PULSE,
}
SEEDS = ("national_outcomes", "rating_scale", "rating_rules")


def write_fixture(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        shutil.copy(settings.SAMPLE_DATA_DIR / f"{seed}.csv", out_dir / f"{seed}.csv")
    for name, rows in DATA.items():
        with (out_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(schema.TABLES_BY_NAME[name].column_names)
            writer.writerows(rows)
    return out_dir
