"""Voices: people's own words across the portfolio. Deep link: ?contract=C002&month=2026-09&q=rushed"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from contract_monitor import charts, data_access, deeplinks, presentation, widgets

st.title("Voices")

widgets.require_database()

options = data_access.voices_options()
total_comments = int(options["months"]["comments"].sum())
if total_comments == 0:
    st.info(
        "No comments are loaded yet. Add people's comments to narrative_feedback.csv and rebuild with "
        "`contract-monitor build`."
    )
    st.stop()

st.caption(
    "Contract managers' view of every comment. Only comments with consent that are approved are shared with boards."
)
contract_ids = list(options["contracts"]["contract_id"])
titles = dict(zip(contract_ids, options["contracts"]["contract_id"] + " " + options["contracts"]["title"], strict=True))
sentiments = [s for s in charts.SENTIMENT_COLOURS if s in set(options["sentiments"]["sentiment"])]
all_months = [pd.Timestamp(m) for m in options["months"]["month"]]

# --- the link's state --------------------------------------------------------------------------
contract = deeplinks.parse_contract(st.query_params.get("contract"), contract_ids)
month = deeplinks.parse_month(st.query_params.get("month"), options["months"]["month"])
linked_search = deeplinks.parse_search(st.query_params.get("q"))
widgets.link_problems([contract.problem, month.problem, linked_search.problem])
if contract.value and st.session_state.get("_voices_contract_applied") != contract.value:
    st.session_state["voices_contracts"] = [contract.value]
    st.session_state["_voices_contract_applied"] = contract.value
if "q" in st.query_params and "voices_search" not in st.session_state:
    st.session_state["voices_search"] = linked_search.value or ""
st.session_state.setdefault("voices_chart_round", 0)


def _clear_month() -> None:
    """Forget the clicked bar: a fresh chart key clears the selection; the URL drops the month."""
    st.session_state["voices_chart_round"] += 1
    st.session_state["voices_month_cleared"] = True
    st.query_params.pop("month", None)


# --- filters -----------------------------------------------------------------------------------
with st.container(border=True):
    search = st.text_input(
        "Search the comments",
        key="voices_search",
        placeholder="for example: rushed, listened, waiting",
        help=(
            "Finds comments with a word starting with each word you type, in any letter case: 'rush' finds "
            "'rushed' and 'rushing'; 'never rushed' finds comments with both. Searches the text shown here "
            "(personal details removed), never the original."
        ),
    )
    # a search from the link or the box is bounded (deeplinks.parse_search): a longer one is cut, and said so
    bounded = deeplinks.parse_search(search)
    if bounded.problem:
        st.info(bounded.problem, icon=":material/content_cut:")
    search = bounded.value or ""
    has_themes = not options["themes"].empty
    cols = st.columns([3, 2, 2, 3, 2] if has_themes else [3, 2, 2, 3])
    chosen_contracts = cols[0].multiselect("Contract", contract_ids, format_func=titles.get, key="voices_contracts")
    sources = cols[1].multiselect("Source", list(options["sources"]["source"]), key="voices_sources")
    moods = cols[2].multiselect("Sentiment", sentiments, format_func=str.capitalize, key="voices_sentiments")
    themes = (
        cols[4].multiselect(
            "Theme",
            list(options["themes"]["theme"]),
            key="voices_themes",
        )
        if has_themes
        else []
    )
    span = cols[3].columns(2)
    month_from = span[0].selectbox("From", all_months, format_func=presentation.month_label, key="voices_from")
    month_to = span[1].selectbox(
        "To", all_months, index=len(all_months) - 1, format_func=presentation.month_label, key="voices_to"
    )
if month_to < month_from:
    st.warning("The 'To' month is before the 'From' month, so the two are swapped.")
    month_from, month_to = month_to, month_from
date_from, date_to = month_from, month_to + pd.offsets.MonthEnd(0)

filters = data_access.CommentFilters(
    search=search,
    contracts=tuple(chosen_contracts),
    sources=tuple(sources),
    sentiments=tuple(moods),
    themes=tuple(themes),
    date_from=date_from.date(),
    date_to=date_to.date(),
)
counts = data_access.comment_month_counts(filters)
if search:
    st.query_params["q"] = search
else:
    st.query_params.pop("q", None)
if len(chosen_contracts) == 1:
    st.query_params["contract"] = chosen_contracts[0]
else:
    st.query_params.pop("contract", None)

if counts.empty:
    st.info("No comment matches these filters. Clear the search or remove a filter to see more.")
    st.stop()

# --- counts by month: click a bar to read that month -------------------------------------------
event = st.plotly_chart(
    charts.feedback_counts_chart(counts),
    key=f"voices_months_{st.session_state['voices_chart_round']}",
    on_select="rerun",
    selection_mode="points",
    config={"displaylogo": False},
)
points = event.selection.points if event is not None else []
clicked = None
if points:
    point = points[0]
    custom = point.get("customdata")
    raw = custom[0] if isinstance(custom, list) else custom
    clicked = deeplinks.parse_month(str(raw or point.get("x", ""))[:7]).value
if clicked is not None:
    st.query_params["month"] = deeplinks.month_key(clicked)
    selected_month = clicked
elif month.value is not None and not st.session_state.get("voices_month_cleared"):
    selected_month = month.value
else:
    selected_month = None

by_month = counts.pivot_table(
    index="month", columns="sentiment", values="comments", aggfunc="sum", fill_value=0
).reset_index()
by_month["month"] = by_month["month"].map(presentation.month_label)
with st.expander("Show as table"):
    widgets.table(by_month, "comments_per_month", key="voices_counts")

# --- what went well ----------------------------------------------------------------------------
in_view = replace(filters, month=selected_month.date() if selected_month is not None else None)
positive = data_access.search_comments(replace(in_view, sentiments=("positive",)), limit=3)
st.subheader("What went well", anchor="went-well")
if positive.empty:
    st.write("No positive comment among those shown.")
else:
    for col, story in zip(st.columns(3), positive.head(3).itertuples(), strict=False):
        with col.container(border=True):
            st.markdown(f"“{presentation.escape_markdown(story.display_text)}”")
            board = " · ✓ Approved for board" if story.shareable_with_board else ""
            st.caption(f"{story.contract_id} {story.title} · {story.source} · {story.received_date:%d %b %Y}{board}")

# --- the comments ------------------------------------------------------------------------------
shown = data_access.search_comments(in_view)
matching = (
    int(counts["comments"].sum())
    if selected_month is None
    else int(counts.loc[pd.to_datetime(counts["month"]) == selected_month, "comments"].sum())
)
if selected_month is not None:
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.subheader(f"Comments from {presentation.month_label(selected_month)} ({matching})", anchor="comments")
    right.button("Show all months", on_click=_clear_month, icon=":material/close:")
else:
    st.subheader(f"Comments ({matching} of {total_comments})", anchor="comments")
    st.caption("Click a bar in the chart to read that month's comments.")
if matching > len(shown):
    st.caption(
        f"Showing the newest {len(shown)} of {matching}. Narrow the search or pick a month to see the rest; "
        "the download holds the rows shown."
    )
widgets.table(presentation.comments_table(shown), "comments", key="voices_table")
