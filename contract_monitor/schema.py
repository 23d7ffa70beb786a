"""The raw tables: one CSV file per table, each column's type and rules.

This is the single description of the input format. The loader validates every
CSV against it before anything is written, and ``sample_data/README.md``
documents the same columns for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERVICE_AREAS = (
    "Adult social care",
    "Homelessness and housing support",
    "Employability",
    "Mental health",
    "Children's services",
    "Drug and alcohol recovery",
)
CONTRACTING_MODELS = (
    "outcomes-based",
    "alliance",
    "public social partnership",
    "grant",
    "fee-for-service",
)
FEEDBACK_SOURCES = (
    "service user",
    "family/carer",
    "staff",
    "provider",
    "commissioner",
    "community",
)
RULE_SCOPES = (
    "kpi",
    "outcomes",
    "experience",
    "voice",
    "relationships",
    "relationship_gap",
    "cost",
)


@dataclass(frozen=True)
class Column:
    """One column of a raw CSV.

    kind is one of: text, int, float, date (YYYY-MM-DD), month (YYYY-MM-01),
    quarter (YYYY-Qn), yn (y or n), choice (one of ``choices``).
    """

    name: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # (local columns, referenced table, referenced columns)
    references: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    # (smaller column, larger column): smaller must be <= larger when both present
    not_greater: tuple[tuple[str, str], ...] = ()
    description: str = ""
    optional_file: bool = False
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _score(name: str, description: str) -> Column:
    return Column(name, "int", minimum=1, maximum=5, description=description)


TABLES: tuple[Table, ...] = (
    Table(
        "national_outcomes",
        (
            Column("outcome_id", description="Short code, e.g. NO08"),
            Column("outcome_name", description="e.g. Health"),
            Column(
                "outcome_statement", description="The outcome as Scotland's National Performance Framework words it"
            ),
        ),
        key=("outcome_id",),
        description="Scotland's National Performance Framework: the 11 national outcomes (seed table).",
    ),
    Table(
        "rating_scale",
        (
            Column("rating", description="The word shown everywhere a rating appears"),
            Column(
                "points",
                "int",
                required=False,
                minimum=0,
                maximum=3,
                description="Score used to combine ratings; blank for states that are not a rating",
            ),
            Column(
                "sort_order", "int", minimum=1, description="1 = best; used for sorting and 'worse than' comparisons"
            ),
            Column("colour", description="Hex colour paired with the word (never shown alone)"),
            Column("symbol", description="Text symbol shown beside the word, so colour is never the only signal"),
            Column("description"),
        ),
        key=("rating",),
        description="The contract-performance rating scale of the Procurement Act 2023 (Good, Approaching target, Requires improvement, Inadequate) plus the states No return and Too few responses.",
    ),
    Table(
        "rating_rules",
        (
            Column("scope", "choice", choices=RULE_SCOPES, description="What the rule rates"),
            Column("metric", description="What is measured, in words"),
            Column("direction", "choice", choices=("higher", "lower"), description="Whether a higher metric is better"),
            Column("good", "float", description="Threshold for Good"),
            Column("approaching", "float", description="Threshold for Approaching target"),
            Column(
                "requires_improvement", "float", description="Threshold for Requires improvement; beyond it, Inadequate"
            ),
            Column(
                "min_n",
                "int",
                required=False,
                minimum=0,
                description="Fewest responses needed to rate; below it the state is Too few responses",
            ),
            Column("description"),
        ),
        key=("scope",),
        description="Editable thresholds behind every rating. Higher is better: metric >= good is Good, >= approaching is Approaching target, >= requires_improvement is Requires improvement, else Inadequate (reversed when lower is better).",
    ),
    Table(
        "contracts",
        (
            Column("contract_id", description="Stable identifier, e.g. C001"),
            Column("title"),
            Column("provider"),
            Column("service_area", "choice", choices=SERVICE_AREAS),
            Column("contracting_model", "choice", choices=CONTRACTING_MODELS),
            Column("annual_value_gbp", "float", minimum=0),
            Column("start_date", "date"),
            Column("end_date", "date"),
            Column("contract_manager"),
            Column("local_authority"),
            Column(
                "unit_of_delivery",
                description="What one unit is, e.g. 'hour of care'; unit cost = spend / units delivered",
            ),
        ),
        key=("contract_id",),
        not_greater=(("start_date", "end_date"),),
        description="One row per contract.",
    ),
    Table(
        "kpi_definitions",
        (
            Column("contract_id"),
            Column("kpi_code", description="Unique within the contract, e.g. OUT1"),
            Column("kpi_name"),
            Column("kind", "choice", choices=("output", "outcome", "experience")),
            Column("unit", "choice", choices=("percent", "number", "days", "score")),
            Column("direction", "choice", choices=("higher", "lower"), description="Whether a higher value is better"),
            Column("target", "float"),
            Column(
                "tolerance", "float", minimum=0, description="How far from target still counts as Approaching target"
            ),
            Column("national_outcome_id", description="The national outcome this KPI serves"),
            Column(
                "measurement",
                "choice",
                choices=("monthly", "cumulative"),
                description="cumulative: the target is per month and also accumulates over the contract year (April to March)",
            ),
        ),
        key=("contract_id", "kpi_code"),
        references=(
            (("contract_id",), "contracts", ("contract_id",)),
            (("national_outcome_id",), "national_outcomes", ("outcome_id",)),
        ),
    ),
    Table(
        "kpi_values",
        (
            Column("contract_id"),
            Column("kpi_code"),
            Column("month", "month"),
            Column("value", "float", required=False, description="Blank = the return is missing (never imputed)"),
            Column(
                "submitted_date",
                "date",
                required=False,
                description="When the provider sent this value; a later row for the same KPI-month is a correction",
            ),
            Column("note", required=False, description="Provider's note on this value"),
        ),
        key=("contract_id", "kpi_code", "month", "submitted_date"),
        references=((("contract_id", "kpi_code"), "kpi_definitions", ("contract_id", "kpi_code")),),
    ),
    Table(
        "experience_measures",
        (
            Column("contract_id"),
            Column("month", "month"),
            Column("measure", description="e.g. Treated with dignity and respect"),
            Column(
                "respondents",
                "int",
                required=False,
                minimum=0,
                description="People who answered; blank = no survey return",
            ),
            Column("positive", "int", required=False, minimum=0, description="People who answered positively"),
        ),
        key=("contract_id", "month", "measure"),
        references=((("contract_id",), "contracts", ("contract_id",)),),
        not_greater=(("positive", "respondents"),),
    ),
    Table(
        "narrative_feedback",
        (
            Column("feedback_id"),
            Column("contract_id"),
            Column("received_date", "date"),
            Column("source", "choice", choices=FEEDBACK_SOURCES),
            Column("text", description="The person's own words"),
            Column(
                "rating",
                "int",
                required=False,
                minimum=1,
                maximum=5,
                description="Their own rating where given, as the Friends and Family Test asks it: 1 = very good ... 5 = very poor",
            ),
            Column("consent_to_share", "yn"),
            Column("approved_for_board", "yn"),
        ),
        key=("feedback_id",),
        references=((("contract_id",), "contracts", ("contract_id",)),),
    ),
    Table(
        "finance",
        (
            Column("contract_id"),
            Column("month", "month"),
            Column("spend_gbp", "float", required=False, minimum=0),
            Column("units_delivered", "float", required=False, minimum=0),
            Column("outcomes_achieved", "int", required=False, minimum=0),
            Column("outcome_payments_planned_gbp", "float", required=False, minimum=0),
            Column("outcome_payments_paid_gbp", "float", required=False, minimum=0),
        ),
        key=("contract_id", "month"),
        references=((("contract_id",), "contracts", ("contract_id",)),),
    ),
    Table(
        "relationship_pulse",
        (
            Column("contract_id"),
            Column("quarter", "quarter", description="e.g. 2025-Q3 (calendar quarters)"),
            Column("respondent_side", "choice", choices=("commissioner", "provider")),
            _score("trust", "1 = very low ... 5 = very high"),
            _score("openness", "1 = very low ... 5 = very high"),
            _score("shared_purpose", "1 = very low ... 5 = very high"),
            _score("flexibility", "1 = very low ... 5 = very high"),
            Column("comment", required=False),
        ),
        key=("contract_id", "quarter", "respondent_side"),
        references=((("contract_id",), "contracts", ("contract_id",)),),
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}
