"""Portfolio: every contract's five-domain scorecard in its latest month, alerts first."""

import streamlit as st

from contract_monitor import data_access, deeplinks, presentation, widgets

CONTRACT_PAGE = "dashboards/contract.py"

st.title("Portfolio")

widgets.require_database()

overview = data_access.portfolio_overview()
if overview.empty:
    st.info("No contracts are loaded. Add contracts to the CSV files and rebuild with `contract-monitor build`.")
    st.stop()

legend = data_access.rating_legend()
as_of = overview["as_of_month"].max()
st.caption(
    f"Latest reporting month: {as_of:%B %Y}. {len(overview)} contracts. "
    "Each rating is a word with a symbol; colour is never the only signal."
)

# --- the link's state: ?domain=experience sorts by that domain ---------------------------------
domain = deeplinks.parse_domain(st.query_params.get("domain"))
widgets.link_problems([domain.problem])
if domain.value and st.session_state.get("_portfolio_domain_applied") != domain.value:
    st.session_state["portfolio_sort"] = presentation.SORT_BY_DOMAIN[domain.value]
    st.session_state["_portfolio_domain_applied"] = domain.value

# --- watermelons first: KPIs green, people's experience not ------------------------------------
alerts = overview[overview["watermelon_alert"]]
if len(alerts):
    with st.container(border=True):
        st.subheader(f"Watermelon alerts ({len(alerts)})", anchor="alerts")
        st.write("Outcomes are rated Good, but people's experience or voice is not. Look behind the green.")
        if len(alerts) > presentation.ALERTS_LISTED:
            st.caption(
                f"{presentation.ALERTS_LISTED} of {len(alerts)} are listed here with links; every alert is marked in "
                "the scorecard below (sort by Experience or Voice to bring them to the top)."
            )
        for row in alerts.head(presentation.ALERTS_LISTED).itertuples():
            left, right = st.columns([3, 1], vertical_alignment="center")
            left.markdown(f"**{row.contract_id} {row.title}** ({row.provider}). {row.watermelon_reason}")
            with right:
                st.page_link(
                    CONTRACT_PAGE,
                    label=f"Open {row.contract_id}",
                    icon=":material/arrow_forward:",
                    query_params={"contract": row.contract_id, "domain": "experience"},
                )

# --- filters -----------------------------------------------------------------------------------
with st.container(border=True):
    cols = st.columns(6)
    service_areas = cols[0].multiselect("Service area", sorted(overview["service_area"].unique()))
    models = cols[1].multiselect("Contracting model", sorted(overview["contracting_model"].unique()))
    providers = cols[2].multiselect("Provider", sorted(overview["provider"].unique()))
    managers = cols[3].multiselect("Contract manager", sorted(overview["contract_manager"].unique()))
    ratings = cols[4].multiselect(
        "Rated (any domain)", list(legend["rating"]), help="Keep contracts with this rating in any domain."
    )
    sort = cols[5].selectbox("Sort by", list(presentation.SORTS), key="portfolio_sort")

shown = presentation.sort_portfolio(
    presentation.filter_portfolio(
        overview,
        service_areas=service_areas,
        models=models,
        providers=providers,
        managers=managers,
        ratings=ratings,
    ),
    sort,
    legend,
)
# keep the link in step with the sort, so a pasted URL opens the same order
chosen_domain = next((d for d, s in presentation.SORT_BY_DOMAIN.items() if s == sort), None)
if chosen_domain:
    st.query_params["domain"] = chosen_domain
    st.session_state["_portfolio_domain_applied"] = chosen_domain
elif "domain" in st.query_params and not domain.problem:
    del st.query_params["domain"]

visible = shown.head(presentation.SCORECARD_ROWS)  # a large portfolio shows its first rows
st.subheader(f"Scorecard: {len(shown)} of {len(overview)} contracts", anchor="scorecard")
if shown.empty:
    st.info("No contract matches these filters. Remove a filter to see more contracts.")
else:
    if len(shown) > len(visible):
        st.caption(
            f"Showing the first {len(visible):,} of {len(shown):,} contracts in this order: filter or sort to see "
            "others. The downloads hold all of them."
        )
    st.caption("Select a row to open that contract's page.")
    scorecard = presentation.scorecard_table(visible, legend)
    event = widgets.table(
        presentation.style_ratings(scorecard, legend),
        "portfolio_scorecard",
        key="portfolio_table",
        download=lambda: presentation.scorecard_table(shown, legend),
        column_order=presentation.SCORECARD_ORDER,
        column_config={
            "Contract": st.column_config.TextColumn(width=270),
            **{label: st.column_config.TextColumn(width=158) for _, label in presentation.DOMAINS},
        },
        height=min(38 + 35 * len(visible), 38 + 35 * 30),  # every contract on one screen, up to 30
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = event.selection.rows if event is not None else []
    if picked:
        st.switch_page(CONTRACT_PAGE, query_params={"contract": visible.iloc[picked[0]]["contract_id"]})

    with st.form("open_contract", border=False):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        labels = dict(zip(visible["contract_id"], visible["contract_id"] + " " + visible["title"], strict=True))
        target = left.selectbox("Open a contract's page", list(labels), format_func=labels.get)
        if right.form_submit_button("Open contract", icon=":material/arrow_forward:"):
            st.switch_page(CONTRACT_PAGE, query_params={"contract": target})

# --- what changed since last month -------------------------------------------------------------
# counts for every contract shown come with the scorecard (portfolio_overview); the list holds the
# changes of the contracts on screen, so a portfolio of any size loads at most SCORECARD_ROWS' worth
on_screen = tuple(visible["contract_id"])
changes = data_access.latest_month_changes(on_screen)
st.subheader("What changed since last month", anchor="changes")
if int(shown["changes_since_last_month"].sum()) == 0:
    st.write("No rating changed since last month for the contracts shown.")
else:
    declined = int(shown["domain_declines"].sum())
    improved = int(shown["domain_improvements"].sum())
    kpi_changes = int(shown["kpi_changes"].sum())
    st.write(
        f"Scorecard domains: **{declined} declined**, **{improved} improved**. "
        f"KPI ratings: {kpi_changes} changed. Declines are listed first."
    )
    if len(shown) > len(on_screen):
        st.caption(f"Listed: the changes of the {len(on_screen):,} contracts on screen above.")
    widgets.table(presentation.changes_table(changes), "changes_since_last_month", key="changes_table", height=280)
