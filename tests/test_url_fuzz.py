"""Any value in a link: no page raises, no page shows a traceback, and nothing from the link renders as
a link, an image or HTML. Also: the app's error handler and the Streamlit settings that back it."""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import open_page
from streamlit.testing.v1 import AppTest

from contract_monitor import data_access, settings

LINK = "[Session expired: sign in again](http://evil.example)"
IMAGE = "![x](http://host.example/img.png)"
HOSTILE = [
    "0000-01",
    "9999-99",
    "x" * 100_000,
    LINK,
    IMAGE,
    "<img src=x onerror=alert(1)>",
    " ".join(["word"] * 500),
    "a\x00b",
    "😀🔥",
    "%00",
    "' or 1=1 --",
]
# each parameter gets these three; one parameter per page gets every value above
A_FEW = ["0000-01", LINK, "x" * 100_000]

# page → (its file, parameters every run carries, the parameters it reads, the one that gets every value)
PAGES = {
    "portfolio": ("dashboards/portfolio.py", {}, ["domain"], "domain"),
    "contract": ("dashboards/contract.py", {}, ["contract", "month", "domain", "view"], "month"),
    "board": (
        "dashboards/contract.py",
        {"view": "board", "contract": "C001"},
        ["contract", "month", "domain"],
        "month",
    ),
    "voices": ("dashboards/voices.py", {}, ["contract", "month", "q"], "q"),
    "approvals": ("dashboards/voices_approvals.py", {}, ["contract", "status"], "status"),
    # the import page reads no parameter: another page's parameters must simply be ignored
    "data_import": ("dashboards/data_import.py", {}, ["contract", "month"], "month"),
}
# pages st.navigation lists only once their file is found (streamlit_app._optional): open after a first run
OPTIONAL = {"dashboards/voices_approvals.py", "dashboards/data_import.py"}
UNESCAPED_LINK = re.compile(r"(?<!\\)\]\((?:http|//)")
UNESCAPED_TAG = re.compile(r"(?<!\\)<img", re.IGNORECASE)


@pytest.fixture
def app_env(on_sample_db, tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CONTRACT_MONITOR_RECORDS_DB", str(tmp_path / "records.duckdb"))
    return on_sample_db


def _open(page: str, **query) -> AppTest:
    if page not in OPTIONAL:
        return open_page(page, **query)
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "streamlit_app.py"), default_timeout=60).run()
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(page)
    return at.run()


def _shown(at: AppTest) -> list[str]:
    """Every piece of text the page renders as markdown."""
    elements = [*at.markdown, *at.warning, *at.caption, *at.error, *at.info, *at.success, *at.title]
    return [str(e.value) for e in elements]


def _failures(page: str, fixed: dict, name: str, value: str) -> list[str]:
    at = _open(page, **{**fixed, name: value})
    where = f"{page} ?{name}={value[:40]!r}"
    found = [f"{where}: exception {e.value[:200]!r}" for e in at.exception]
    # the app's handler (page_errors) turns a crash into a reference: that is a failure here too
    found += [f"{where}: crashed, {e.value[:80]!r}" for e in at.error if e.value.startswith("Something went wrong")]
    for text in _shown(at):
        if UNESCAPED_LINK.search(text) or UNESCAPED_TAG.search(text):
            found.append(f"{where}: renders {text[:200]!r}")
    warnings = " ".join(w.value for w in at.warning)
    if name != "q" and page != "dashboards/data_import.py" and not warnings:
        found.append(f"{where}: the link's value was not explained")  # no value above is allowed
    if name == "q" and len(value.split()) > 20 and "too long" not in warnings:
        found.append(f"{where}: the search was cut without a note")
    return found


@pytest.mark.parametrize("which", list(PAGES))
def test_every_parameter_of_each_page_takes_hostile_values_without_error_or_live_markup(app_env, which):
    page, fixed, params, everything = PAGES[which]
    runs = [(name, value) for name in params for value in A_FEW if name != everything]
    runs += [(everything, value) for value in HOSTILE]
    failures = [f for name, value in runs for f in _failures(page, fixed, name, value)]
    assert not failures, "\n".join(failures)


def test_a_link_made_to_look_like_a_sign_in_message_shows_as_plain_text(app_env):
    at = open_page("dashboards/contract.py", contract=LINK)
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    assert "Session expired" in warning and "](" not in warning and "\\]\\(http" in warning


def test_a_500_word_search_in_the_link_is_cut_to_20_words_and_the_page_says_so(app_env):
    at = open_page("dashboards/voices.py", q=" ".join(f"w{i}" for i in range(500)))
    assert not at.exception
    assert at.text_input(key="voices_search").value == " ".join(f"w{i}" for i in range(20))
    assert any("too long" in w.value and "20 words" in w.value for w in at.warning)
    assert at.query_params["q"] == " ".join(f"w{i}" for i in range(20))


# --------------------------------------------------------------------------- the error handler


def _raising_page():
    import streamlit as st

    from contract_monitor import page_errors

    def page():
        st.write("before the failure")
        raise RuntimeError("secret detail /srv/app/contract_monitor/data_access.py line 42")

    page_errors.run_page(page)


def _stopping_page():
    import streamlit as st

    from contract_monitor import page_errors

    def page():
        st.write("before the stop")
        st.stop()
        st.write("never shown")

    page_errors.run_page(page)
    st.write("after the page")


def _rerunning_page():
    import streamlit as st

    from contract_monitor import page_errors

    st.session_state.setdefault("runs", 0)
    st.session_state["runs"] += 1

    def page():
        if st.session_state["runs"] == 1:
            st.rerun()
        st.write(f"run {st.session_state['runs']}")

    page_errors.run_page(page)


def test_an_unexpected_error_shows_one_sentence_with_a_reference_and_no_traceback(caplog):
    at = AppTest.from_function(_raising_page).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert re.fullmatch(r"Something went wrong showing this page\. Reference: [0-9a-f]{8}\. .*", error)
    everything = " ".join(str(getattr(e, "value", "")) for e in at.main)
    for leak in ("Traceback", "RuntimeError", "secret detail", "/srv/", ".py"):
        assert leak not in everything
    reference = error.split("Reference: ")[1][:8]
    logged = [r for r in caplog.records if r.name == "contract_monitor.pages"]
    assert logged and reference in logged[0].getMessage() and logged[0].exc_info


def test_st_stop_inside_a_page_still_just_stops():
    at = AppTest.from_function(_stopping_page).run()
    assert not at.exception and not at.error
    shown = [m.value for m in at.markdown]
    assert "before the stop" in shown and "never shown" not in shown and "after the page" not in shown


def test_st_rerun_inside_a_page_still_reruns():
    at = AppTest.from_function(_rerunning_page).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["run 2"]


def test_the_app_shows_a_reference_when_a_real_page_fails(app_env, monkeypatch: pytest.MonkeyPatch):
    def broken():
        raise RuntimeError("boom at /srv/app/queries/portfolio.sql")

    monkeypatch.setattr(data_access, "portfolio_overview", broken)
    at = open_page("dashboards/contract.py")
    assert not at.exception
    assert any(e.value.startswith("Something went wrong showing this page. Reference: ") for e in at.error)
    assert not any("boom" in text or "/srv/" in text for text in _shown(at))


# --------------------------------------------------------------------------- the Streamlit settings


def test_streamlit_shows_no_error_details_and_listens_on_this_machine_only():
    config = tomllib.loads((settings.PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"
