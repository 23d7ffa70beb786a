"""Approve comments: the queue of comments awaiting a decision; approve, edit the redacted text, or
reject with a reason. Every decision is logged (who, when, text before and after) in the records
store, and the warehouse is rebuilt so every page shows it. Contract managers only: never share this page.

Deep link: ?contract=C002&status=pending
"""

import pandas as pd
import streamlit as st

from contract_monitor import data_access, deeplinks, presentation, stories, widgets

st.title("Approve comments")

widgets.require_database()

if not sum(data_access.approval_counts().values()):
    st.info("No comments are loaded yet. Add people's comments to narrative_feedback.csv and rebuild.")
    st.stop()

st.caption(
    "A comment reaches a board only when the person consented to share it **and** it is approved here. "
    "Boards see the text with personal details removed, never the original. This page is for contract managers."
)
if flash := st.session_state.pop("approvals_flash", None):
    st.success(flash, icon=":material/check_circle:")

# --- who decides, and which comments -----------------------------------------------------------
overview = data_access.portfolio_overview()
contract_ids = sorted(overview["contract_id"])
titles = dict(zip(overview["contract_id"], overview["contract_id"] + " " + overview["title"], strict=True))
contract = deeplinks.parse_contract(st.query_params.get("contract"), contract_ids)
status = deeplinks.parse_choice(st.query_params.get("status"), stories.STATUSES, "status")
widgets.link_problems([contract.problem, status.problem])
if contract.value and "approvals_contract" not in st.session_state:
    st.session_state["approvals_contract"] = contract.value
if status.value and "approvals_status" not in st.session_state:
    st.session_state["approvals_status"] = status.value
st.session_state.setdefault("approvals_status", "pending")

with st.container(border=True):
    cols = st.columns([2, 3, 3], vertical_alignment="bottom")
    name = cols[0].text_input(
        "Your name",
        key="approvals_name",
        help="Recorded with every decision you make (there are no accounts).",
        placeholder="for example: Sam Patel",
    )
    chosen_contract = cols[1].selectbox(
        "Contract",
        contract_ids,
        index=None,
        format_func=titles.get,
        placeholder="All contracts",
        key="approvals_contract",
    )
    chosen_status = cols[2].segmented_control(
        "Status", stories.STATUSES, format_func=str.capitalize, key="approvals_status", required=True
    )
if chosen_contract:
    st.query_params["contract"] = chosen_contract
else:
    st.query_params.pop("contract", None)
st.query_params["status"] = chosen_status

# the queue is read from the feedback mart in SQL, oldest first: a large portfolio holds millions of
# comments, so the page lists the first QUEUE_ROWS and the download holds them all
in_queue = data_access.approval_counts(chosen_contract).get(chosen_status, 0)
waiting = data_access.approval_queue(chosen_status, chosen_contract, limit=presentation.QUEUE_ROWS)
where = titles[chosen_contract] if chosen_contract else "all contracts"
st.subheader(f"{chosen_status.capitalize()}: {in_queue:,} comments ({where})", anchor="queue")
if waiting.empty:
    st.info(f"No {chosen_status} comments for {where}. Choose another status or contract.")
    st.stop()
shown = f"the oldest {len(waiting):,} of {in_queue:,}" if in_queue > len(waiting) else f"all {in_queue:,}"
with st.expander(f"{shown.capitalize()} as a table"):
    if in_queue > len(waiting):
        st.caption(f"Showing {shown}; the downloads hold all {in_queue:,}.")
    widgets.table(
        stories.queue_table(waiting),
        f"comments_{chosen_status}",
        key="approvals_table",
        download=lambda: stories.queue_table(data_access.approval_queue(chosen_status, chosen_contract)),
    )

ids = waiting["feedback_id"].tolist()
if st.session_state.get("approvals_comment") not in ids:
    st.session_state["approvals_comment"] = ids[0]  # oldest first: the queue's next comment
rows = waiting.set_index("feedback_id", drop=False)
feedback_id = st.selectbox(
    "Comment to decide on (oldest first)",
    ids,
    format_func=lambda i: stories.option_label(rows.loc[i]),
    key="approvals_comment",
)
row = rows.loc[feedback_id]
consent = bool(row["consent_to_share"])

# --- the comment: redacted text, consent, themes and sentiment; the original only behind a label ---
with st.container(border=True):
    st.markdown(f"#### Comment {feedback_id}")
    st.markdown(f"“{presentation.escape_markdown(row['display_text'])}”")
    themes = ", ".join(presentation.theme_list(row["themes"])) or "no theme"
    mood = row["sentiment"] if isinstance(row["sentiment"], str) else "not rated"
    score = "" if pd.isna(row["sentiment_score"]) else f" ({row['sentiment_score']:+.2f})"
    st.caption(
        f"{titles[row['contract_id']]} · {row['source']} · received {pd.Timestamp(row['received_date']):%d %B %Y} · "
        f"sentiment: {mood}{score} · themes: {themes}"
        + (" · text edited by a person" if row["display_text_edited"] else "")
    )
    st.markdown(f"**Status:** {presentation.escape_markdown(stories.state_sentence(row))}")
    if consent:
        st.markdown("**Consent to share:** ✓ Yes")
    else:
        st.markdown("**Consent to share:** ✕ No")
        st.warning(stories.NO_CONSENT, icon=":material/block:")
    with st.expander(stories.RESTRICTED_LABEL, icon=":material/lock:"):
        st.caption("As received, before personal details were removed. Do not copy it into papers for a board.")
        st.text(row["text"])
        if not row["text_was_redacted"]:
            st.caption("Nothing was removed automatically: names without a title are not detected, so read it.")


def _save(decision: str, message: str, **kwargs) -> None:
    try:
        with st.spinner("Recording the decision and refreshing the dashboard…"):
            saved = stories.decide(row, decision, name, **kwargs)
    except stories.workflow.DecisionError as exc:
        st.error(stories.explain(exc), icon=":material/error:")
        return
    st.session_state["approvals_flash"] = f"{message} {saved.note()}"
    st.rerun()


# --- decisions -----------------------------------------------------------------------------------
st.subheader("Decide", anchor="decide")
approve, edit, reject = st.columns(3, gap="medium")
with approve, st.container(border=True):
    st.markdown("**Approve for the board**")
    st.caption("Boards will see the text above, with personal details removed.")
    already = row["approval_state"] == "approved"
    if st.button(
        "Approve",
        key="approvals_approve",
        type="primary",
        icon=":material/check:",
        disabled=not consent or already,
        help=None if consent else "No consent to share: it can never be approved for a board.",
    ):
        _save("approved", f"Approved {feedback_id}: boards can now see it.")
    if already:
        st.caption("Already approved.")
with edit, st.form(f"approvals_edit_form_{feedback_id}", border=True):
    st.markdown("**Edit the redacted text**")
    edited = st.text_area(
        "Edited text",
        value=row["display_text"],
        key=f"approvals_edit_{feedback_id}",
        help="Remove anything that identifies a person. An edit needs approving again before a board sees it.",
    )
    if st.form_submit_button("Save edited text", icon=":material/edit:", key="approvals_edit_submit"):
        _save("edited", f"Saved the edited text of {feedback_id}; it now waits for approval.", text_after=edited)
with reject, st.form(f"approvals_reject_form_{feedback_id}", border=True):
    st.markdown("**Reject**")
    reason = st.text_input(
        "Reason for rejecting", key=f"approvals_reason_{feedback_id}", placeholder="for example: identifies a family"
    )
    if st.form_submit_button("Reject", icon=":material/close:", key="approvals_reject_submit"):
        _save("rejected", f"Rejected {feedback_id}: boards will not see it.", reason=reason)

# --- every decision on this comment ---------------------------------------------------------------
st.subheader(f"Decision history of {feedback_id}", anchor="history")
log = data_access.comment_decision_log(feedback_id)
if log.empty:
    st.caption(
        "No decision recorded yet."
        + (" It is approved by the flag imported with the comment." if row["approval_state"] == "approved" else "")
    )
else:
    widgets.table(stories.history_table(log), f"decisions_{feedback_id}", key="approvals_history")
