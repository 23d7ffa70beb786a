"""A page never shows a traceback: an unexpected exception is logged with a short reference, and the
reader sees one plain sentence quoting that reference (never the exception's text or file paths).

Streamlit's own control flow (``st.stop``, ``st.rerun``, ``st.switch_page``) travels as exceptions of
``ScriptControlException``; those pass through untouched.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

log = logging.getLogger("contract_monitor.pages")

MESSAGE = (
    "Something went wrong showing this page. Reference: {reference}. Reload the page to try again; if it "
    "happens again, send the reference to the team that runs Contract Monitor."
)


def run_page(run: Callable[[], None]) -> None:
    """Run a page (``st.navigation(...).run``); an unexpected exception is logged and shown as a reference."""
    try:
        run()
    except ScriptControlException:
        raise  # st.stop, st.rerun, st.switch_page: Streamlit's control flow, not an error
    except Exception:
        reference = secrets.token_hex(4)
        log.exception("page failed; reference %s", reference)
        st.error(MESSAGE.format(reference=reference), icon=":material/error:")
