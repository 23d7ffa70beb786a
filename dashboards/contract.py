"""Contract: one contract's month, the numbers beside the stories.

Deep link: ?contract=C012&month=2026-09&domain=experience
Board view (read-only, for boards): add &view=board. It shows only board-safe comments (consented,
approved, redacted: the board_comments mart), no forms and nothing restricted.
"""

import pandas as pd
import streamlit as st

from contract_monitor import charts, data_access, deeplinks, presentation, story_widgets, widgets

if not data_access.database_exists() or data_access.outdated():
    st.title("Contract")
    widgets.require_database()

overview = data_access.portfolio_overview()
if overview.empty:
    st.title("Contract")
    st.info("No contracts are loaded. Add contracts to the CSV files and rebuild with `contract-monitor build`.")
    st.stop()

legend = data_access.rating_legend()
view = deeplinks.parse_view(st.query_params.get("view"))
board = view.value == "board"
contract_ids = sorted(overview["contract_id"])
titles = dict(zip(overview["contract_id"], overview["contract_id"] + " " + overview["title"], strict=True))
SECTIONS = {"all": "Everything", **{c.removesuffix("_rating"): label for c, label in presentation.DOMAINS}}


def _apply(param: str, key: str, value) -> None:
    """Put a deep link's value into its widget once, so later choices on the page are not overridden."""
    if value is not None and st.session_state.get(f"_applied_{key}") != value:
        st.session_state[key] = value
        st.session_state[f"_applied_{key}"] = value


# --- which contract, which month, which domain: from the link, then from the widgets -----------
contract = deeplinks.parse_contract(st.query_params.get("contract"), contract_ids)
domain = deeplinks.parse_domain(st.query_params.get("domain"))
_apply("contract", "contract_select", contract.value)
if st.session_state.get("contract_select") not in contract_ids:
    st.session_state["contract_select"] = contract_ids[0]

top = st.container()
controls = st.columns([3, 2, 4], vertical_alignment="bottom")
contract_id = controls[0].selectbox("Contract", contract_ids, format_func=titles.get, key="contract_select")

months = data_access.contract_months(contract_id)
month_keys = [deeplinks.month_key(m) for m in months["month"]]
month = deeplinks.parse_month(st.query_params.get("month"), months["month"]) if month_keys else deeplinks.Parsed(None)
if st.session_state.get("_applied_contract_for_month") != contract_id:
    # a new contract: its latest month, unless the link names one of its months
    st.session_state["contract_month_select"] = month_keys[-1] if month_keys else None
    st.session_state["_applied_contract_for_month"] = contract_id
_apply("month", "contract_month_select", deeplinks.month_key(month.value) if month.value is not None else None)
if st.session_state.get("contract_month_select") not in month_keys and month_keys:
    st.session_state["contract_month_select"] = month_keys[-1]
month_key = controls[1].selectbox(
    "Month", list(reversed(month_keys)), format_func=presentation.month_label, key="contract_month_select"
)
_apply("domain", "contract_section", domain.value)
if st.session_state.get("contract_section") not in SECTIONS:
    st.session_state["contract_section"] = "all"
section = controls[2].segmented_control(
    "Show", list(SECTIONS), format_func=SECTIONS.get, key="contract_section", required=True
)

row = overview.set_index("contract_id").loc[contract_id]
with top:
    st.title(titles[contract_id])
    st.caption(
        f"{row['provider']} · {row['service_area']} · {row['contracting_model']} · {row['local_authority']} · "
        f"Contract manager: {row['contract_manager']} · Unit of delivery: {row['unit_of_delivery']}"
    )
    widgets.link_problems([view.problem, contract.problem, month.problem, domain.problem])
    if board:
        st.info(
            "Board view: read only. People's comments appear only when they consented to share them and a "
            "contract manager approved them, with personal details removed.",
            icon=":material/visibility:",
        )
    story_widgets.flash()

# keep the URL in step with what is on screen, so the link can be pasted into an e-mail; what the
# URL now says is what the widgets show, so it is not applied to them again on the next rerun
st.query_params["contract"] = contract_id
st.session_state["_applied_contract_select"] = contract_id
if month_key:
    st.query_params["month"] = month_key
    st.session_state["_applied_contract_month_select"] = month_key
if section == "all":
    st.query_params.pop("domain", None)
else:
    st.query_params["domain"] = section
st.session_state["_applied_contract_section"] = None if section == "all" else section

if months.empty or month_key is None:
    st.info(f"{contract_id} has no reporting months yet. Its page fills in once its first monthly return is loaded.")
    st.stop()

selected = pd.Timestamp(f"{month_key}-01")
this = months[months["month"] == selected].iloc[0]
last_12 = months[(months["month"] <= selected) & (months["month"] > selected - pd.DateOffset(months=12))]
# the board view never reads the contract managers' feedback mart
said = None if board else data_access.comments(contract_id, month=selected)

# --- the month's scorecard: word + symbol + evidence, then the money -----------------------------
st.subheader(f"Scorecard for {presentation.month_label(selected)}", anchor="scorecard")
for col, (column, label) in zip(st.columns(5), presentation.DOMAINS, strict=True):
    with col.container(border=True):
        st.markdown(f"**{label}**")
        st.markdown(presentation.rating_markdown(this[column], legend))
        evidence = this.get(column.replace("_rating", "_evidence"))
        if isinstance(evidence, str) and evidence:
            st.caption(evidence)
facts = st.columns(5)
facts[0].metric("KPIs returned", f"{int(this['kpis_returned'] or 0)} of {int(this['kpis'] or 0)}")
facts[1].metric(f"Unit cost (per {row['unit_of_delivery']})", presentation.money(this["unit_cost_gbp"], 2))
facts[2].metric("Cost per outcome (12 months)", presentation.money(this["cost_per_outcome_12m_gbp"]))
facts[3].metric("Spend this month", presentation.money(this["spend_gbp"]))
facts[4].metric("Survey responses", presentation.number(this["experience_respondents"]))
if this["relationship_diverges"]:
    st.warning("The commissioner's and the provider's views of the relationship diverge this quarter.")

widgets.chart(
    charts.rating_timeline(last_12, legend),
    presentation.timeline_table(last_12, legend),
    f"{contract_id}_ratings_12_months",
    key="timeline_chart",
)

numbers, stories = st.columns([2, 1], gap="large")

with numbers:
    if section in ("all", "outcomes"):
        st.subheader("Key performance indicators", anchor="kpis")
        kpis = data_access.kpi_status(contract_id, since=selected - pd.DateOffset(months=11), until=selected)
        if kpis.empty:
            st.info("No KPI is defined for this contract. Add it to kpi_definitions.csv and rebuild.")
        evidence = data_access.kpi_evidence(contract_id, board_only=board)
        grid = st.columns(2)
        for i, (code, rows) in enumerate(kpis.groupby("kpi_code", sort=True)):
            with grid[i % 2], st.container(border=True):
                first = rows.iloc[0]
                st.markdown(f"**{code}: {first['kpi_name']}**")
                st.caption(f"Serves national outcome: {first['national_outcome'] or 'not linked'}")
                widgets.chart(
                    charts.kpi_chart(rows, legend),
                    presentation.kpi_table(rows, legend, with_notes=not board),
                    f"{contract_id}_{code}",
                    key=f"kpi_{code}",
                )
                for line in presentation.kpi_month_notes(rows, selected, with_notes=not board):
                    st.caption(line)
                if first["measurement"] == "cumulative":
                    st.plotly_chart(charts.cumulative_chart(rows), key=f"kpi_{code}_cumulative")
                story_widgets.kpi_stories(evidence[evidence["kpi_code"] == code], board)
        if not board:
            names = dict(zip(kpis["kpi_code"], kpis["kpi_name"], strict=False))
            story_widgets.attach_story_form(contract_id, dict(sorted(names.items())), selected, said)

    if section in ("all", "experience"):
        st.subheader("People's experience", anchor="experience")
        measures = data_access.experience_measures(contract_id, month=selected)
        if measures.empty:
            st.info("This contract reports no survey measures.")
        else:
            widgets.chart(
                charts.experience_chart(measures),
                presentation.experience_table(measures),
                f"{contract_id}_experience_{month_key}",
                key="experience_chart",
            )

    if section in ("all", "voice"):
        st.subheader("Voice", anchor="voice")
        st.markdown(presentation.rating_markdown(this["voice_rating"], legend))
        st.write(this["voice_evidence"] or "No comments were rated this month.")
        story_widgets.you_said_we_did(
            contract_id,
            data_access.response_loop(contract_id),
            data_access.you_said_we_did(contract_id),
            data_access.contract_themes(contract_id),
            said,
            selected,
            board,
        )

    if section in ("all", "relationships"):
        st.subheader("Relationship pulse", anchor="relationships")
        pulse = data_access.relationship_pulse(contract_id, until=selected)
        if pulse.empty:
            st.info("No relationship pulse survey has been returned for this contract yet.")
        else:
            widgets.chart(
                charts.relationship_chart(pulse),
                # free-text pulse comments stay with the two sides, not in the board view
                presentation.pulse_table(pulse).drop(columns="Comment" if board else []),
                f"{contract_id}_relationship_pulse",
                key="pulse_chart",
            )

    if section in ("all", "cost"):
        st.subheader("Cost", anchor="cost")
        money = st.columns(4)
        money[0].metric("Spend this month", presentation.money(this["spend_gbp"]))
        money[1].metric("Unit cost", presentation.money(this["unit_cost_gbp"], 2))
        money[2].metric("Outcome payments planned", presentation.money(this["outcome_payments_planned_gbp"]))
        money[3].metric("Outcome payments paid", presentation.money(this["outcome_payments_paid_gbp"]))
        widgets.chart(
            charts.cost_chart(last_12),
            presentation.cost_table(last_12),
            f"{contract_id}_cost",
            key="cost_chart",
        )

with stories:
    if board:
        story_widgets.board_stories(data_access.board_comments(contract_id), selected, contract_id)
        st.stop()
    st.subheader(f"Stories from {presentation.month_label(selected)}", anchor="stories")
    if said.empty:
        st.info("No comments were received this month.")
    else:
        shareable = int(said["shareable_with_board"].sum())
        st.caption(f"{len(said)} comments; {shareable} consented and approved for the board (marked).")
        for story in said.head(8).itertuples():
            with st.container(border=True):
                st.markdown(f"“{presentation.escape_markdown(getattr(story, presentation.text_column(said)))}”")
                mood = getattr(story, presentation.sentiment_column(said))
                mood = mood if isinstance(mood, str) else "not rated"
                board = " · **✓ Approved for board**" if story.shareable_with_board else " · Not for the board"
                st.caption(f"{story.source} · {mood}{board}")
        with st.expander(f"All {len(said)} comments as a table"):
            widgets.table(presentation.comments_table(said), f"{contract_id}_comments_{month_key}", key="stories")
