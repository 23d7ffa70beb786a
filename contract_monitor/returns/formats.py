"""The project's own monthly return: one sheet (or CSV file) per table, each column's rules.

A return is an .xlsx workbook with any of the sheets below (other sheets, such as
"Read me", are ignored), or one CSV file per sheet whose file name contains the
sheet name (``november_kpi_values.csv``) or whose header matches the sheet.

How untidy values are treated (decided per column, shown in the template's Read me):

- numbers: ``1,234`` (thousands separators) is read as 1234 and a note is recorded;
  ``£1,234.50`` in a money column is read as 1234.50 with a note; ``12%`` is read as
  12 with a note only in a KPI whose unit is percent, and rejected elsewhere;
  ``N/A``, ``See description`` and other words are rejected (leave the row out: a
  KPI with no value is shown as No return, never imputed; explain in ``note``).
- months: ``2026-11`` or ``2026-11-01`` (or a date cell on the 1st of the month).
- text: cells starting with ``=``, ``+``, ``@`` or ``-`` followed by a letter look like
  spreadsheet formulas and are rejected (formula injection); so are formula cells in .xlsx.
- blank rows are ignored; a duplicate key in one file is rejected, naming both rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sample import EXPERIENCE_MEASURES
from ..schema import FEEDBACK_SOURCES

MAX_TEXT = 5000
MAX_ROWS = 200_000
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Field:
    """One column of a return sheet.

    kind: text, number (float), count (whole number >= 0), money (float >= 0, £ allowed),
    month, date, yn, choice, kpi_value (a number in the KPI's unit).
    """

    name: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    maximum: float | None = None
    description: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    month_field: str  # the field that says which contract-month a row belongs to
    description: str

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "kpi_values",
        (
            Field("contract_id", description="Contract, e.g. C001 (must be a known contract)"),
            Field("kpi_code", description="KPI code defined for that contract, e.g. OUT1"),
            Field("month", "month", description="The month the value is for: YYYY-MM, e.g. 2026-11"),
            Field(
                "value",
                "kpi_value",
                maximum=1e9,
                description="The value in the KPI's unit (percent KPIs: 0-100; '12%' is read as 12). "
                "Leave the row out if there is no value: it shows as No return",
            ),
            Field(
                "submitted_date",
                "date",
                required=False,
                description="When the provider sent it, YYYY-MM-DD; blank = the day it is imported",
            ),
            Field("note", required=False, description="Provider's note on this value"),
        ),
        key=("contract_id", "kpi_code", "month"),
        month_field="month",
        description="One row per contract, KPI and month.",
    ),
    Sheet(
        "experience_measures",
        (
            Field("contract_id"),
            Field("month", "month"),
            Field("measure", "choice", choices=EXPERIENCE_MEASURES, description="The survey question"),
            Field("respondents", "count", maximum=1_000_000, description="People who answered"),
            Field(
                "positive", "count", maximum=1_000_000, description="People who answered positively (<= respondents)"
            ),
        ),
        key=("contract_id", "month", "measure"),
        month_field="month",
        description="Monthly experience survey: one row per contract, month and measure.",
    ),
    Sheet(
        "finance",
        (
            Field("contract_id"),
            Field("month", "month"),
            Field("spend_gbp", "money", maximum=1e10, description="Spend in £ that month"),
            Field("units_delivered", "number_nonneg", required=False, maximum=1e9),
            Field("outcomes_achieved", "count", required=False, maximum=1e9),
            Field("outcome_payments_planned_gbp", "money", required=False, maximum=1e10),
            Field("outcome_payments_paid_gbp", "money", required=False, maximum=1e10),
        ),
        key=("contract_id", "month"),
        month_field="month",
        description="Monthly finance: one row per contract and month.",
    ),
    Sheet(
        "narrative_feedback",
        (
            Field("contract_id"),
            Field("received_date", "date", description="When the comment was received, YYYY-MM-DD"),
            Field("source", "choice", choices=FEEDBACK_SOURCES),
            Field("text", description="The person's own words"),
            Field(
                "rating", "rating", required=False, description="1 = very good ... 5 = very poor; blank if not given"
            ),
            Field("consent_to_share", "yn", description="y or n"),
            Field("approved_for_board", "yn", description="y or n"),
            Field("feedback_id", required=False, description="The provider's own id; blank = one is made up"),
        ),
        key=("contract_id", "received_date", "text"),  # the same words twice in one return is a copy, not two comments
        month_field="received_date",
        description="Comments in people's own words: one row per comment.",
    ),
)

SHEETS_BY_NAME = {s.name: s for s in SHEETS}
