"""Streamlit pieces for people's stories on the Contract page: the stories attached to a KPI, the
form that attaches one, "You said, we did" with its form, and the board view's comments. Data comes
in as mart frames from ``data_access``; writes go through ``stories`` (records store, then rebuild).

``board=True`` draws the board view: board-safe rows only, no forms, nothing restricted.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from . import presentation, stories, widgets
from .narrative import workflow

FLASH = "contract_story_flash"


def flash() -> None:
    """The message left by the last form that saved something (shown once, after the rerun)."""
    if message := st.session_state.pop(FLASH, None):
        st.success(message, icon=":material/check_circle:")


def _save(write, message: str) -> None:
    """Write through ``stories.record_and_rebuild``; a refusal is shown beside the form, naming the field."""
    try:
        with st.spinner("Saving and refreshing the dashboard…"):
            saved = stories.record_and_rebuild(write)
    except workflow.DecisionError as exc:
        st.error(stories.explain(exc), icon=":material/error:")
        return
    st.session_state[FLASH] = f"{message} {saved.note()}"
    st.rerun()


def kpi_stories(evidence: pd.DataFrame, board: bool = False) -> None:
    """The stories attached to one KPI (kpi_evidence rows), beside its chart."""
    if evidence.empty:
        if not board:
            st.caption("No story is attached to this KPI yet.")
        return
    st.markdown(f"**Stories attached ({len(evidence)})**")
    for link_id, (quote, caption) in zip(evidence["link_id"], stories.evidence_lines(evidence), strict=True):
        st.markdown(f"> “{presentation.escape_markdown(quote)}”")
        st.caption(presentation.escape_markdown(caption))
        if not board and st.button(
            "Remove this story", key=f"evidence_remove_{link_id}", type="tertiary", icon=":material/link_off:"
        ):
            _save(
                lambda store, link_id=link_id: _remove(link_id, store),
                "Removed the story from the KPI (the link stays in the log).",
            )


def _remove(link_id: str, store) -> str:
    workflow.remove_evidence(link_id, store=store)
    return link_id


def attach_story_form(contract_id: str, kpis: dict[str, str], month: pd.Timestamp, said: pd.DataFrame) -> None:
    """Attach one of this month's comments (by feedback id) to a KPI for this month, with a note."""
    label = presentation.month_label(month)
    with st.expander(f"Attach a story to a KPI for {label}", icon=":material/attach_file:"):
        if said.empty or not kpis:
            st.caption(f"There are no comments from {label} to attach.")
            return
        rows = said.set_index("feedback_id", drop=False)
        with st.form("attach_story_form", border=False):
            kpi = st.selectbox("KPI", list(kpis), format_func=lambda c: f"{c}: {kpis[c]}", key="attach_kpi")
            feedback_id = st.selectbox(
                f"Comment from {label}",
                list(rows.index),
                format_func=lambda i: stories.option_label(rows.loc[i]),
                key="attach_comment",
            )
            note = st.text_input(
                "Note", key="attach_note", placeholder=f"for example: this story explains {month:%B}'s dip"
            )
            who = st.text_input("Your name", key="attach_name")
            submitted = st.form_submit_button("Attach story", icon=":material/attach_file:", key="attach_submit")
        if submitted:
            _save(
                lambda store: workflow.attach_evidence(
                    feedback_id, contract_id, kpi, month.date(), who, note=note.strip() or None, store=store
                ),
                f"Attached {feedback_id} to {kpi} for {label}.",
            )


def you_said_we_did(
    contract_id: str,
    loop: pd.DataFrame,
    actions: pd.DataFrame,
    themes: pd.DataFrame,
    said: pd.DataFrame,
    month: pd.Timestamp,
    board: bool,
) -> None:
    """Share of negative themes that got a response, the themes, the actions; and (not for boards)
    the form that records an action."""
    st.subheader("You said, we did", anchor="you-said-we-did")
    if loop.empty:
        st.caption("No theme drew negative comments in the last 12 months.")
    else:
        done, total = stories.response_share(loop)
        st.metric(
            "Negative themes responded to (last 12 months)",
            f"{done} of {total} ({presentation.percent(done / total)})",
            help="Themes of negative comments from people who use the service, families and carers, the community"
            " and staff. The provider's updates and the commissioner's notes are not counted.",
        )
        with st.expander("Which themes, and whether anyone responded"):
            widgets.table(stories.response_table(loop), f"{contract_id}_response_loop", key="response_loop")
    if actions.empty:
        st.caption("No action has been recorded in response to what people said.")
    else:
        st.markdown(f"**Actions ({len(actions)})**")
        widgets.table(stories.actions_table(actions), f"{contract_id}_you_said_we_did", key="you_said_we_did")
    if board:
        return
    with st.expander("Record an action in response to a theme or comments", icon=":material/add_task:"):
        theme_labels = dict(zip(themes["theme"], themes["theme_label"].fillna(themes["theme"]), strict=True))
        negatives = said[said["sentiment"] == "negative"].set_index("feedback_id", drop=False)
        with st.form("action_form", border=False):
            theme = st.selectbox(
                "Theme",
                list(theme_labels),
                index=None,
                format_func=theme_labels.get,
                placeholder="Choose the theme the action responds to",
                key="action_theme",
            )
            chosen = st.multiselect(
                f"Or the comments it responds to (negative, {presentation.month_label(month)})",
                list(negatives.index),
                format_func=lambda i: stories.option_label(negatives.loc[i]),
                key="action_comments",
            )
            what = st.text_area(
                "What was changed", key="action_what", placeholder="for example: visits lengthened to 30 minutes"
            )
            when = st.date_input("Changed on", value=dt.date.today(), format="DD/MM/YYYY", key="action_when")
            who = st.text_input("Your name", key="action_name")
            submitted = st.form_submit_button("Record action", icon=":material/add_task:", key="action_submit")
        if submitted:
            _save(
                lambda store: workflow.record_action(
                    contract_id, what, when, who, theme=theme, feedback_ids=chosen, store=store
                ),
                f"Recorded the action for {theme_labels.get(theme, 'the chosen comments')}.",
            )


def board_stories(board: pd.DataFrame, month: pd.Timestamp, contract_id: str) -> None:
    """The board view's stories: board_comments rows only (consented, approved, redacted)."""
    label = presentation.month_label(month)
    st.subheader(f"Stories from {label}", anchor="stories")
    shown = board[pd.to_datetime(board["month"]) == month]
    st.caption(
        "Only comments the person consented to share and a contract manager approved, with personal details removed."
    )
    if shown.empty:
        st.info(f"No comment from {label} is approved for the board.")
        return
    for story in shown.head(8).itertuples():
        with st.container(border=True):
            st.markdown(f"“{presentation.escape_markdown(story.display_text)}”")
            mood = story.sentiment if isinstance(story.sentiment, str) else "not rated"
            st.caption(f"{story.source} · {mood}")
    with st.expander(f"All {len(shown)} approved comments as a table"):
        widgets.table(stories.board_table(shown), f"{contract_id}_board_comments_{month:%Y-%m}", key="board_stories")
