"""`contract-monitor bench`: how fast pages get their data, at S/M/L scale, against a pandas baseline.

For each scale: generate the synthetic portfolio into a temporary folder (never
committed), rebuild the warehouse from CSV, then time each page's data calls —
cold (a fresh process per repetition) and warm (the same process, caches
cleared) — and the same page data computed the way a pandas user would. Results
go to ``artifacts/bench/<scale>.json`` and ``docs/benchmarks.md``. Nothing here
asserts anything about time: this is a measurement, not a test.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from . import sample, settings, warehouse

SCALES = {"XS": 12, **sample.SCALES}
# The goals of issue #7 (a user on a 2-core, 24 GB machine): (measure, result key, goal, unit, scales).
# A goal is met when the result is at most the goal ("at least" for the pandas ratio).
GOALS = (
    ("page data, p95 (warm)", "page_p95_ms", {"S": 50, "M": 100, "L": 150}, "ms"),
    ("portfolio-wide text search, p95 (warm)", "search_p95_ms", {"L": 250}, "ms"),
    ("one month's import for every contract", "import_s", {"L": 5}, "s"),
    ("full rebuild from CSV", "rebuild_s", {"L": 60}, "s"),
    ("app RSS rendering every page", "rss_mb", {"L": 1024}, "MB"),
    ("times faster than the pandas baseline (at least)", "pandas_ratio", {"L": 5}, "x"),
    ("the bench at this scale alone (`--scale S`)", "bench_s", {"S": 60}, "s"),
)
SEARCH_WORD = "rushed"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def cpu_ticks() -> tuple[int, int] | None:
    """(clock ticks every CPU spent busy, of them this process's own, every thread included) since boot,
    from /proc; None where there is no /proc. Busy counts the hypervisor's steal: a virtual machine's
    core taken away is as lost to the bench as one another process uses."""
    try:
        total = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
        own = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in total)
    return user + nice + system + irq + softirq + steal, int(own[11]) + int(own[12])  # utime, stime


def others_cpu_pct(before, after, seconds: float, ticks_per_s: int | None = None) -> float | None:
    """How busy everything but this process kept the machine between two ``cpu_ticks()``, in % of one core
    (200 = both cores of this machine): a run with other work going on reads slower, and says so."""
    if before is None or after is None or seconds <= 0:
        return None
    ticks_per_s = ticks_per_s or os.sysconf("SC_CLK_TCK")
    others = (after[0] - before[0]) - (after[1] - before[1])
    # the kernel counts the machine's ticks and a process's apart: on an idle machine the difference can
    # be a tick below zero
    return round(max(others, 0) / ticks_per_s / seconds * 100, 1)


def _or_na(value) -> str:
    """A measurement for the report, or 'n/a' when it was not measured (results saved by an older bench)."""
    return "n/a" if value is None else str(value)


def summarise(samples_s: list[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"median_ms": _ms(statistics.median(ordered)), "p95_ms": _ms(p95), "n": len(ordered)}


def page_calls(contract_id: str) -> dict[str, Callable[[], object]]:
    """What each page asks for: the same data_access calls (and filters) the page files make."""
    from . import data_access as da
    from . import presentation

    def voices(contracts=()):
        filters = da.CommentFilters(search=SEARCH_WORD, contracts=tuple(contracts))
        return da.comment_month_counts(filters), da.search_comments(filters)

    def portfolio():
        overview = da.portfolio_overview()  # in the page's default order: most domains needing attention
        on_screen = tuple(overview["contract_id"].head(presentation.SCORECARD_ROWS))
        return overview, da.latest_month_changes(on_screen), da.rating_legend()

    def contract():
        months = da.contract_months(contract_id)
        latest = months["month"].max()  # the page opens on the contract's latest month
        return (
            months,
            da.kpi_status(contract_id, since=latest - pd.DateOffset(months=11), until=latest),
            da.experience_measures(contract_id, month=latest),
            da.relationship_pulse(contract_id, until=latest),
            da.comments(contract_id, month=latest),
        )

    return {
        "portfolio": portfolio,
        "contract": contract,
        "voices_search_portfolio": voices,
        "voices_search_contract": lambda: voices([contract_id]),
        "monthly_review": lambda: (portfolio(), da.returns_status()),
    }


def _clear_caches() -> None:
    from . import data_access

    data_access.clear_caches()


def time_warm(db: Path, contract_id: str, reps: int) -> dict[str, dict[str, float]]:
    os.environ["CONTRACT_MONITOR_DB"] = str(db)
    calls = page_calls(contract_id)
    for call in calls.values():  # open the connection, warm DuckDB's buffers
        call()
    # Start from a swept heap: the build and generation that ran in this process before left garbage
    # that a full collection would otherwise sweep during a timed call (a probe of the S sequence: one
    # of 59.5 ms), which the app's server, that builds nothing, never carries. Garbage the calls make is still
    # collected while they are timed, as in the app.
    gc.collect()
    results = {}
    for name, call in calls.items():
        samples = []
        for _ in range(reps):
            _clear_caches()
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
        results[name] = summarise(samples)
    return results


# Each cold call runs in a process of its own, forked from a helper process that has imported the app's
# modules and opened nothing: DuckDB's connection and buffers and the app's caches start empty, as in a
# server just started (imports were never timed). A new interpreter for each call, as before, cost a
# second of imports each: at S the 100 took 129 s, against "`--scale S` alone finishes within a minute".
# A forked child copies each shared memory page it writes to (objects' reference counts, mostly): at S,
# side by side, about 4,300 more page faults and a contract page's median of 74-82 ms against 55-57 ms
# in a new interpreter, so the cold figures are on the high side by that much.
_COLD_SCRIPT = """
import gc, json, logging, os, sys, time, traceback
db, contract_id, name, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.environ["CONTRACT_MONITOR_DB"] = db
from contract_monitor import bench, data_access
logging.getLogger("streamlit").setLevel(logging.ERROR)  # "missing ScriptRunContext": there is no app here
call = bench.page_calls(contract_id)[name]
gc.freeze()
for _ in range(reps):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            open_before = len(data_access._open)
            started = time.perf_counter()
            call()
            os.write(write, json.dumps([time.perf_counter() - started, os.getpid(), open_before]).encode())
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        sample = answer.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        sys.exit(f"the cold {name} call failed in its process")
    print(sample.decode(), flush=True)
"""


def cold_samples(db: Path, contract_id: str, name: str, reps: int) -> list[tuple[float, int, int]]:
    """``reps`` cold calls of one page, each in a new process: (seconds, process id, how many warehouse
    connections the app had open before the call)."""
    out = subprocess.run(
        [sys.executable, "-c", _COLD_SCRIPT, str(db), contract_id, name, str(reps)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if out.returncode != 0:
        raise RuntimeError(f"cold {name} calls: {out.stderr.strip()[-2000:]}")
    return [tuple(json.loads(line)) for line in out.stdout.splitlines() if line.startswith("[")]


def time_cold(db: Path, contract_id: str, reps: int) -> dict[str, dict[str, float]]:
    """A fresh process per repetition: connection opened and nothing cached (imports not timed)."""
    return {
        name: summarise([seconds for seconds, _pid, _open in cold_samples(db, contract_id, name, reps)])
        for name in page_calls(contract_id)
    }


# --- the pandas baseline ------------------------------------------------------------------------


def load_raw_frames(db: Path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name='raw'").fetchall()]
        return {n: con.execute(f"select * from raw.{n}").df() for n in names}
    finally:
        con.close()


def pandas_portfolio(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The portfolio's latest-month scorecard the way a pandas user would compute it from raw tables."""
    values = (
        raw["kpi_values"]
        .sort_values(["submitted_date"])
        .drop_duplicates(["contract_id", "kpi_code", "month"], keep="last")
    )
    latest = values["month"].max()
    kpis = raw["kpi_definitions"].merge(values[values["month"] == latest], on=["contract_id", "kpi_code"], how="left")
    higher = kpis["direction"] == "higher"
    gap = (kpis["target"] - kpis["value"]).where(higher, kpis["value"] - kpis["target"])
    short = (gap / kpis["tolerance"].replace(0, float("nan"))).clip(lower=0)
    points = pd.cut(short, [-1, 0, 1, 2, float("inf")], labels=[3, 2, 1, 0]).astype(float)
    kpis["points"] = points.where(kpis["kind"] != "experience")
    outcomes = kpis.groupby("contract_id")["points"].mean().rename("outcomes_points")
    exp = raw["experience_measures"]
    exp = exp[exp["month"] == latest].groupby("contract_id")[["respondents", "positive"]].sum()
    exp["experience_share"] = exp["positive"] / exp["respondents"]
    fb = raw["narrative_feedback"].copy()
    fb["month"] = pd.to_datetime(fb["received_date"]).dt.to_period("M").dt.to_timestamp()
    fb = fb[fb["month"] == pd.Timestamp(latest)]
    voice = fb.groupby("contract_id")["rating"].apply(lambda r: (r >= 4).sum() / max(r.notna().sum(), 1))
    fin = raw["finance"]
    window = fin[fin["month"] > pd.Timestamp(latest) - pd.DateOffset(months=12)]
    cost = window.groupby("contract_id")[["spend_gbp", "outcomes_achieved"]].sum()
    cost["cost_per_outcome"] = cost["spend_gbp"] / cost["outcomes_achieved"].replace(0, float("nan"))
    pulse = raw["relationship_pulse"]
    pulse = pulse[pulse["quarter"] == pulse["quarter"].max()]
    pulse = pulse.assign(score=pulse[["trust", "openness", "shared_purpose", "flexibility"]].mean(axis=1))
    relationships = pulse.groupby("contract_id")["score"].mean().rename("relationships")
    return (
        raw["contracts"]
        .set_index("contract_id")
        .join(
            [outcomes, exp["experience_share"], voice.rename("voice_negative"), cost["cost_per_outcome"], relationships]
        )
        .reset_index()
    )


def pandas_contract(raw: dict[str, pd.DataFrame], contract_id: str) -> pd.DataFrame:
    """The contract page's data as the page reads it: every month's scorecard, a year of KPIs up to the
    latest month, that month's survey measures and comments."""
    values = raw["kpi_values"]
    values = values[values["contract_id"] == contract_id].sort_values("submitted_date")
    values = values.drop_duplicates(["kpi_code", "month"], keep="last")
    latest = values["month"].max()
    defs = raw["kpi_definitions"][raw["kpi_definitions"]["contract_id"] == contract_id]
    exp = raw["experience_measures"][raw["experience_measures"]["contract_id"] == contract_id]
    fin = raw["finance"][raw["finance"]["contract_id"] == contract_id]
    comments = raw["narrative_feedback"][raw["narrative_feedback"]["contract_id"] == contract_id]
    comments = comments[comments["received_date"].dt.to_period("M").dt.to_timestamp() == latest]
    grid = (
        defs.merge(values, on=["contract_id", "kpi_code"])
        .merge(exp.groupby("month")[["respondents", "positive"]].sum().reset_index(), on="month", how="left")
        .merge(fin, on=["contract_id", "month"], how="left")
    )
    year = grid[grid["month"] > latest - pd.DateOffset(months=12)]
    return grid, year, exp[exp["month"] == latest], comments.sort_values("received_date", ascending=False)


def pandas_search(raw: dict[str, pd.DataFrame], word: str, contract_id: str | None = None) -> pd.DataFrame:
    fb = raw["narrative_feedback"]
    if contract_id is not None:
        fb = fb[fb["contract_id"] == contract_id]
    return fb[fb["text"].str.contains(word, case=False, regex=False)].head(200)


def time_pandas(db: Path, contract_id: str, reps: int) -> dict[str, dict[str, float]]:
    started = time.perf_counter()
    raw = load_raw_frames(db)
    load_s = time.perf_counter() - started
    jobs = {
        "portfolio": lambda: pandas_portfolio(raw),
        "contract": lambda: pandas_contract(raw, contract_id),
        "voices_search_portfolio": lambda: pandas_search(raw, SEARCH_WORD),
        "voices_search_contract": lambda: pandas_search(raw, SEARCH_WORD, contract_id),
    }
    results: dict[str, dict[str, float]] = {
        "load_raw_tables": {"median_ms": _ms(load_s), "p95_ms": _ms(load_s), "n": 1}
    }
    for name, job in jobs.items():
        samples = []
        for _ in range(max(3, reps // 4)):
            t0 = time.perf_counter()
            job()
            samples.append(time.perf_counter() - t0)
        results[name] = summarise(samples)
    return results


# --- the run ---------------------------------------------------------------------------------------


# The second import of the run: next month again, sent as one file per provider of this many contracts
# (at L, 500 files of 800 rows) rather than in files of 100,000 rows
CONTRACTS_PER_PROVIDER = 100


def time_monthly_import(
    db: Path, records: Path, say: Callable[[str], None], contracts_per_file: int | None = None
) -> tuple[float, int, int]:
    """Import next month's KPI return for every contract (the project's CSV format) into the scale's
    own records store; the warehouse is refreshed in place (or rebuilt when it cannot be). The rows go
    in files of the most rows a file may hold, or of ``contracts_per_file`` contracts each. Returns the
    seconds, rows and files."""
    from .returns import formats, importer

    con = duckdb.connect(str(db), read_only=True)
    try:
        month = con.execute(
            "select strftime(max(month) + interval 1 month, '%Y-%m') from int_reporting_months"
        ).fetchone()[0]
        rows = con.execute("select contract_id, kpi_code, target from stg_kpi_definitions order by all").fetchall()
    finally:
        con.close()
    chunks: list[list[tuple]] = []
    if contracts_per_file:
        by_contract: dict[str, list[tuple]] = {}
        for row in rows:
            by_contract.setdefault(row[0], []).append(row)
        contracts = list(by_contract.values())
        for start in range(0, len(contracts), contracts_per_file):
            chunks.append([row for kpis in contracts[start : start + contracts_per_file] for row in kpis])
    else:
        per_file = formats.MAX_ROWS // 2
        chunks = [rows[start : start + per_file] for start in range(0, len(rows), per_file)]
    files = []
    for number, chunk in enumerate(chunks, start=1):
        lines = ["contract_id,kpi_code,month,value,submitted_date,note"]
        lines += [f"{c},{k},{month},{t},,bench" for c, k, t in chunk]
        files.append((f"bench_{month}_kpi_values_{number}.csv", ("\n".join(lines) + "\n").encode()))
    started = time.perf_counter()
    result = importer.run(files, db, records_path=records, by="bench", progress=say)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(result.report())
    return round(seconds, 2), len(rows), len(files)


def _condensed(log: list[str], keep: int = 2) -> list[str]:
    """A step log (``_step_log``'s lines) with the messages about each file (validating, validated,
    stored) cut to the first and last ``keep`` of each kind, and a line saying how many are left out."""
    kinds = ("validating ", "validated ", "stored ")

    def kind(line: str) -> str | None:
        message = line.split(" s  ", 1)[-1]
        return next((k for k in kinds if message.startswith(k)), None)

    totals = {k: sum(1 for line in log if kind(line) == k) for k in kinds}
    seen = dict.fromkeys(kinds, 0)
    out = []
    for line in log:
        k = kind(line)
        if k is None:
            out.append(line)
            continue
        index, seen[k] = seen[k], seen[k] + 1
        if index < keep or index >= totals[k] - keep:
            out.append(line)
        elif index == keep:
            out.append(f"         ... {totals[k] - 2 * keep:,} more '{k.strip()}' lines")
    return out


def time_approval(db: Path, records: Path, log: Callable[[str], None]) -> float | None:
    """Approve one pending comment that has consent (as the Approve comments page does) and bring the
    warehouse up to date; seconds, or None when no comment is waiting."""
    from .narrative import workflow

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "select feedback_id, display_text from feedback where consent_to_share and approval_state = 'pending'"
            " order by feedback_id limit 1"
        ).fetchone()
    finally:
        con.close()
    if row is None:
        return None
    started = time.perf_counter()
    workflow.record_decision(row[0], "approved", "bench", row[1], store=records)
    warehouse.rebuild_current(db, records, progress=log)
    return round(time.perf_counter() - started, 2)


def own_peak_rss_mb() -> float:
    """This process's peak resident memory (MB): VmHWM, the high-water mark of its own address space.
    (``getrusage``'s ru_maxrss is not used: Linux carries it across fork and exec, so a child started
    by a large parent, like this benchmark holding the pandas baseline's frames, reports the parent's.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the best available, with the caveat above

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_of(script: str, *args: str) -> float:
    """Peak RSS (MB) of a fresh Python process running ``script`` (which must not print last)."""
    code = script + "\nfrom contract_monitor import bench as _b\nprint(_b.own_peak_rss_mb())\n"
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def peak_rss_serving_pages(db: Path, contract_id: str) -> float:
    """Peak RSS (MB) of a fresh process that renders every page with Streamlit's AppTest."""
    script = (
        "import os, sys\n"
        "os.environ['CONTRACT_MONITOR_DB'] = sys.argv[1]\n"
        "from contract_monitor import bench\n"
        "bench.render_pages(sys.argv[2])"
    )
    return peak_rss_of(script, str(db), contract_id)


def render_pages(contract_id: str) -> dict[str, float]:
    """Render each page once with AppTest; returns seconds per page."""
    from streamlit.testing.v1 import AppTest

    timings = {}
    app = str(settings.PROJECT_ROOT / "streamlit_app.py")
    for page, params in (("portfolio", {}), ("contract", {"contract": contract_id}), ("voices", {})):
        at = AppTest.from_file(app, default_timeout=600)
        for key, value in params.items():
            at.query_params[key] = value
        started = time.perf_counter()
        at.switch_page(f"dashboards/{page}.py").run()
        timings[page] = round(time.perf_counter() - started, 3)
        if at.exception:
            raise RuntimeError(f"page {page} raised: {at.exception[0].value}")
    return timings


def _step_log() -> tuple[list[str], Callable[[str], None]]:
    """A log and a progress callback that adds each message to it with the seconds since this call."""
    started = time.perf_counter()
    log: list[str] = []

    def step(message: str) -> None:
        log.append(f"{time.perf_counter() - started:8.1f} s  {message}")

    return log, step


def run_scale(scale: str, reps: int, work: Path, say: Callable[[str], None]) -> dict:
    n = SCALES[scale]
    data, db, records = work / f"data_{scale}", work / f"warehouse_{scale}.duckdb", work / f"records_{scale}.duckdb"
    result: dict = {"scale": scale, "contracts": n}
    whole = time.perf_counter()
    say(f"[{scale}] generating {n:,} contracts x 36 months")
    started = time.perf_counter()
    result["rows"] = sample.generate_scale(data, n)
    result["generate_s"] = round(time.perf_counter() - started, 2)
    for key, what in (
        ("first_build", "first build from CSV (every comment text tagged)"),
        ("rebuild", "full rebuild from CSV"),
    ):
        say(f"[{scale}] {what}")
        started = time.perf_counter()
        log, step = _step_log()
        # the second build replaces the first: every CSV is loaded and validated again, tags are reused
        warehouse.build(data, db, records_path=records, progress=step)
        result[f"{key}_s"] = round(time.perf_counter() - started, 2)
        result[f"{key}_log"] = log
    result["db_mb"] = round(db.stat().st_size / 2**20, 1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        contract_id = random.Random(7).choice(
            [r[0] for r in con.execute("select contract_id from stg_contracts order by all").fetchall()]
        )
    finally:
        con.close()  # an open connection in this process would stop the import refreshing in place
    result["contract_id"] = contract_id
    say(f"[{scale}] page data calls, warm x{reps}")
    ticks, started = cpu_ticks(), time.perf_counter()
    result["warm"] = time_warm(db, contract_id, reps)
    result["warm_others_cpu_pct"] = others_cpu_pct(ticks, cpu_ticks(), time.perf_counter() - started)
    say(f"[{scale}] page data calls, cold x{reps}")
    result["cold"] = time_cold(db, contract_id, reps)
    # The import and the approval come before the pandas baseline: reading every raw table into
    # DataFrames (many GB at L) pushes the warehouse out of the page cache, which a server that imports
    # a month has not just done. The baseline reads the raw tables, which neither changes.
    say(f"[{scale}] one month's import for every contract")
    result["import_log"], step = _step_log()
    result["import_s"], result["import_rows"], result["import_files"] = time_monthly_import(db, records, step)
    say(f"[{scale}] the next month's import again, as one file per {CONTRACTS_PER_PROVIDER} contracts")
    log, step = _step_log()
    result["provider_import_s"], _rows, result["provider_import_files"] = time_monthly_import(
        db, records, step, contracts_per_file=CONTRACTS_PER_PROVIDER
    )
    result["provider_import_log"] = _condensed(log)
    say(f"[{scale}] approving one comment")
    result["approval_log"], step = _step_log()
    result["approval_s"] = time_approval(db, records, step)
    say(f"[{scale}] pandas baseline")
    result["pandas"] = time_pandas(db, contract_id, reps)
    try:  # a page that fails at this scale is a finding to report, not a reason to lose the run
        result["rss_mb"] = peak_rss_serving_pages(db, contract_id)
    except subprocess.CalledProcessError as exc:
        result["rss_mb"], result["rss_error"] = None, (exc.stderr or "")[-2000:]
        say(f"[{scale}] rendering the pages failed: {result['rss_error'][-300:]}")
    if scale in ("XS", "S", "M"):
        try:
            result["apptest_s"] = render_pages(contract_id)
        except RuntimeError as exc:
            result["apptest_s"], result["apptest_error"] = None, str(exc)
    pages = ("portfolio", "contract", "monthly_review")
    result["page_p95_ms"] = max(result["warm"][p]["p95_ms"] for p in pages)
    result["search_p95_ms"] = result["warm"]["voices_search_portfolio"]["p95_ms"]
    result["pandas_ratio"] = pandas_ratio(result)
    result["bench_s"] = round(time.perf_counter() - whole, 1)
    return result


def pandas_ratio(result: dict) -> float:
    """How many times faster than the pandas baseline: the lower of the portfolio's and the contract
    page's ratios of medians, rounded down to 2 decimals (4.994 must not read as 5.0 against a goal of 5)."""
    ratios = [
        result["pandas"][p]["median_ms"] / max(result["warm"][p]["median_ms"], 1e-3) for p in ("portfolio", "contract")
    ]
    return math.floor(min(ratios) * 100) / 100


def summary_line(r: dict) -> str:
    return (
        f"scale={r['scale']} page_p95_ms={r['page_p95_ms']} search_p95_ms={r['search_p95_ms']} "
        f"import_s={r.get('import_s', 'n/a')} rss_mb={r['rss_mb']} pandas_ratio={r['pandas_ratio']}"
    )


def goal_rows(results: list[dict]) -> list[dict[str, str]]:
    """One row per goal and scale that has one: the goal, what was measured and whether it was met."""
    rows = []
    for measure, key, goals, unit in GOALS:
        for r in results:
            goal, value = goals.get(r["scale"]), r.get(key)
            if goal is None:
                continue
            if value is None:
                verdict = "not measured"
            elif key == "pandas_ratio":
                verdict = "met" if value >= goal else "not met"
            else:
                verdict = "met" if value <= goal else "not met"
            bound = "≥" if key == "pandas_ratio" else "<"
            rows.append(
                {
                    "measure": measure,
                    "scale": r["scale"],
                    "goal": f"{bound} {goal:,} {unit}",
                    "result": "n/a" if value is None else f"{value:,} {unit}",
                    "verdict": verdict,
                }
            )
    return rows


def machine() -> dict[str, str]:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": str(os.cpu_count()),
        "memory_gb": f"{mem_gb:.0f}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
        "date": dt.date.today().isoformat(),
    }


def run(
    scales: list[str],
    reps: int = 20,
    out_dir: Path | None = None,
    docs: Path | None = None,
    say: Callable[[str], None] = print,
) -> list[dict]:
    out_dir = out_dir or settings.PROJECT_ROOT / "artifacts" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    work = Path(tempfile.mkdtemp(prefix="contract-monitor-bench-"))
    try:
        for scale in scales:
            result = run_scale(scale, reps, work, say)
            result["machine"] = machine()
            (out_dir / f"{scale}.json").write_text(json.dumps(result, indent=2, default=str))
            results.append(result)
            say(summary_line(result))
            shutil.rmtree(work / f"data_{scale}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if docs is not None:
        write_report(docs, out_dir, results)
    return results


def write_report(docs: Path, out_dir: Path, results: list[dict] = ()) -> None:
    """Write the Markdown report and its plot from ``results`` and the saved results of other scales."""
    shown = with_earlier_scales(list(results), out_dir)
    for r in shown:  # results saved before the ratio was rounded down
        if "pandas" in r and "warm" in r:
            r["pandas_ratio"] = pandas_ratio(r)
    plot = docs.with_name("benchmarks_scaling.png")
    plot_scaling(shown, plot)
    docs.write_text(report(shown, plot.name))


def with_earlier_scales(results: list[dict], out_dir: Path) -> list[dict]:
    """This run's results plus, for the S/M/L scales it did not run, the last results saved in
    ``out_dir`` (each row of the report carries its own date), in scale order."""
    by_scale = {}
    for scale in sample.SCALES:
        saved = out_dir / f"{scale}.json"
        if saved.is_file():
            by_scale[scale] = json.loads(saved.read_text())
    by_scale.update({r["scale"]: r for r in results})
    return sorted(by_scale.values(), key=lambda r: SCALES[r["scale"]])


def plot_scaling(results: list[dict], path: Path) -> None:
    """Log-log plot of time against number of contracts, so growth with scale is visible."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = sorted(results, key=lambda r: r["contracts"])
    x = [r["contracts"] for r in ordered]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    series = {
        "portfolio page data, warm p95 (ms)": [r["warm"]["portfolio"]["p95_ms"] for r in ordered],
        "contract page data, warm p95 (ms)": [r["warm"]["contract"]["p95_ms"] for r in ordered],
        "monthly review data, warm p95 (ms)": [r["warm"]["monthly_review"]["p95_ms"] for r in ordered],
        "voices search, warm p95 (ms)": [r["search_p95_ms"] for r in ordered],
        "pandas portfolio, median (ms)": [r["pandas"]["portfolio"]["median_ms"] for r in ordered],
        "full rebuild (ms)": [r["rebuild_s"] * 1000 for r in ordered],
        "monthly import (ms)": [r["import_s"] * 1000 for r in ordered],
    }
    for (label, y), marker in zip(series.items(), "osPD^vx", strict=True):
        ax.plot(x, y, marker=marker, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("contracts (x 36 months)")
    ax.set_ylabel("milliseconds")
    ax.set_title("Contract Monitor: time against scale (log-log)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


PAGE_NAMES = {
    "portfolio": "portfolio",
    "contract": "contract detail",
    "voices_search_portfolio": "voices search, portfolio-wide",
    "voices_search_contract": "voices search, one contract",
    "monthly_review": "monthly review (portfolio and returns)",
}


def page_table(results: list[dict]) -> list[str]:
    """Every page's data calls at every scale: median and p95, warm and cold (a fresh process each)."""
    lines = [
        "Page data calls, each page at each scale (ms; warm: caches cleared, connection open; cold: a new "
        "process, forked from one that imported the app and opened nothing):",
        "",
        "| scale | page | warm median | warm p95 | cold median | cold p95 | repetitions |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for page, name in PAGE_NAMES.items():
            warm, cold = r["warm"].get(page), r["cold"].get(page)
            if warm is None or cold is None:
                continue
            lines.append(
                f"| {r['scale']} | {name} | {warm['median_ms']} | {warm['p95_ms']} | {cold['median_ms']} "
                f"| {cold['p95_ms']} | {warm['n']} |"
            )
    return lines


def _provider_import(r: dict) -> str:
    """The per-provider import's seconds and file count, or n/a (results from before it was measured)."""
    if r.get("provider_import_s") is None:
        return "n/a"
    return f"{r['provider_import_s']} ({r['provider_import_files']:,})"


def report(results: list[dict], plot_name: str | None = None) -> str:
    m = results[0]["machine"] if results else machine()
    lines = [
        "# Benchmarks",
        "",
        f"Measured {m['date']} on {m['cores']} cores, {m['memory_gb']} GB RAM; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}. Written by `make bench`.",
        "",
        "| scale | measured | contracts | generate s | first build s | rebuild s "
        "| portfolio p95 ms | contract p95 ms | search p95 ms "
        "| cold portfolio p95 ms | pandas portfolio ms | pandas ratio | monthly import s "
        f"| next month, one file per {CONTRACTS_PER_PROVIDER} contracts: s (files) | approval s | app RSS MB "
        "| other processes' CPU during the warm calls, % of a core | the scale's whole run s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']} | {r.get('machine', m)['date']} | {r['contracts']:,} "
            f"| {r['generate_s']} | {r.get('first_build_s', 'n/a')} | {r['rebuild_s']} "
            f"| {r['warm']['portfolio']['p95_ms']} | {r['warm']['contract']['p95_ms']} | {r['search_p95_ms']} "
            f"| {r['cold']['portfolio']['p95_ms']} | {r['pandas']['portfolio']['median_ms']} | {r['pandas_ratio']} "
            f"| {r['import_s']} | {_provider_import(r)} | {r.get('approval_s') or 'n/a'} | {r['rss_mb']} "
            f"| {_or_na(r.get('warm_others_cpu_pct'))} | {_or_na(r.get('bench_s'))} |"
        )
    lines += ["", *page_table(results)]
    goals = goal_rows(results)
    if goals:
        lines += [
            "",
            "Against the goals (what was done to meet them, and what is left: [performance.md](performance.md)):",
            "",
            "| measure | scale | goal | result | verdict |",
            "|---|---|---|---|---|",
        ]
        lines += [f"| {g['measure']} | {g['scale']} | {g['goal']} | {g['result']} | {g['verdict']} |" for g in goals]
    if plot_name:
        lines += ["", f"![Time against scale, log-log]({plot_name})"]
    lines += ["", "Summary lines:", "", "```"] + [summary_line(r) for r in results] + ["```", ""]
    for r in results:
        for key, what in (
            ("first_build", "first build"),
            ("rebuild", "full rebuild"),
            ("import", "monthly import"),
            ("provider_import", "next month's import (one file per provider)"),
            ("approval", "approval of one comment"),
        ):
            if r.get(f"{key}_log"):
                lines += [f"Where the time of the {what} went at {r['scale']} (seconds since it started):", "", "```"]
                lines += r[f"{key}_log"] + ["```", ""]
    return "\n".join(lines)
