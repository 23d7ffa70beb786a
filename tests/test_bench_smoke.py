"""`contract-monitor bench` runs end to end on a tiny scale (a smoke run: nothing here is about time)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from contract_monitor import bench


def test_bench_smoke_run_writes_results_report_and_summary_line(tmp_path: Path):
    docs = tmp_path / "benchmarks.md"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "contract_monitor",
            "bench",
            "--scale",
            "XS",
            "--reps",
            "2",
            "--out",
            str(tmp_path / "bench"),
            "--docs",
            str(docs),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"scale=XS page_p95_ms=[\d.]+ search_p95_ms=[\d.]+ import_s=[\d.]+ rss_mb=[\d.]+ pandas_ratio=[\d.]+", last
    ), last
    result = json.loads((tmp_path / "bench" / "XS.json").read_text())
    assert result["import_rows"] == result["rows"]["kpi_definitions"]
    assert result["provider_import_s"] > 0 and result["provider_import_files"] == 1  # 12 contracts, 100 a file
    assert result["approval_s"] > 0 and any("refreshing in place by feedback_id" in m for m in result["approval_log"])
    assert (
        set(result["warm"])
        == set(result["cold"])
        == {"portfolio", "contract", "voices_search_portfolio", "voices_search_contract", "monthly_review"}
    )
    assert all(v["n"] == 2 for v in result["warm"].values())
    # how busy other processes kept the machine while the warm calls were timed, in the report too
    assert 0 <= result["warm_others_cpu_pct"] <= 100 * os.cpu_count()
    assert f"| {result['warm_others_cpu_pct']} |" in docs.read_text()
    assert re.search(r"^\| XS \| \d{4}-\d\d-\d\d \| 12 \|", docs.read_text(), re.MULTILINE)
    assert "Where the time of the first build went at XS" in docs.read_text()
    # every page's median and p95, warm and cold, as measured
    review = result["warm"]["monthly_review"], result["cold"]["monthly_review"]
    row = (
        f"| XS | monthly review (portfolio and returns) | {review[0]['median_ms']} | {review[0]['p95_ms']} "
        f"| {review[1]['median_ms']} | {review[1]['p95_ms']} | 2 |"
    )
    assert row in docs.read_text().splitlines()
    assert "Where the time of the full rebuild went at XS" in docs.read_text()
    assert result["first_build_s"] > 0 and any("tagged 0 new distinct" in line for line in result["rebuild_log"])
    assert (tmp_path / "benchmarks_scaling.png").stat().st_size > 10_000


def test_percentiles_are_taken_from_the_samples():
    summary = bench.summarise([0.010, 0.020, 0.030, 0.040] * 5)
    assert summary == {"median_ms": 25.0, "p95_ms": 40.0, "n": 20}


def test_pandas_baseline_agrees_with_the_portfolio_mart_on_experience(fixture_db):
    raw = bench.load_raw_frames(fixture_db)
    frame = bench.pandas_portfolio(raw).set_index("contract_id")
    import duckdb

    con = duckdb.connect(str(fixture_db), read_only=True)
    mart = dict(
        con.execute(
            "select contract_id, experience_positive_share from contract_month"
            " where month = (select max(month) from contract_month)"
        ).fetchall()
    )
    for contract_id, share in mart.items():
        pandas_share = frame.loc[contract_id, "experience_share"]
        assert (share is None and pandas_share != pandas_share) or abs(share - pandas_share) < 1e-9


def test_the_report_keeps_the_last_results_of_scales_not_run_this_time(tmp_path: Path):
    (tmp_path / "M.json").write_text(json.dumps({"scale": "M", "contracts": 5000, "from": "earlier"}))
    (tmp_path / "S.json").write_text(json.dumps({"scale": "S", "contracts": 200, "from": "earlier"}))
    shown = bench.with_earlier_scales([{"scale": "S", "contracts": 200, "from": "now"}], tmp_path)
    assert [(r["scale"], r["from"]) for r in shown] == [("S", "now"), ("M", "earlier")]


def test_a_childs_peak_memory_is_its_own_not_its_parents():
    ballast = bytearray(400 * 2**20)  # this process now holds 400 MB more than the child will
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page so it is resident
    child = bench.peak_rss_of("x = bytearray(50 * 2**20); x[::4096] = b'y' * len(x[::4096])")
    grown = bench.peak_rss_of("x = bytearray(250 * 2**20); x[::4096] = b'y' * len(x[::4096])")
    assert 50 < child < 300 and grown - child > 150
    del ballast


def test_each_scales_import_goes_to_that_scales_own_records_store(fixture_db: Path, tmp_path: Path):
    import shutil

    db = tmp_path / "warehouse_XS.duckdb"
    shutil.copy(fixture_db, db)
    records = tmp_path / "records_XS.duckdb"
    seconds, rows, files = bench.time_monthly_import(db, records, say=lambda _m: None)
    assert rows > 0 and files == 1 and records.is_file()
    assert not (tmp_path / "records.duckdb").exists()  # not the store a sibling scale would share


def test_the_next_month_can_be_imported_as_one_file_per_provider(fixture_db: Path, tmp_path: Path):
    import shutil

    import duckdb

    db = tmp_path / "warehouse_XS.duckdb"
    shutil.copy(fixture_db, db)
    records = tmp_path / "records_XS.duckdb"
    log, step = bench._step_log()
    _seconds, rows, files = bench.time_monthly_import(db, records, step, contracts_per_file=1)
    con = duckdb.connect(str(records), read_only=True)
    try:
        per_file = con.execute(
            "select source_file, count(distinct contract_id), count(*) from return_kpi_values group by 1 order by 1"
        ).fetchall()
        contracts = con.execute("select count(distinct contract_id) from return_kpi_values").fetchone()[0]
    finally:
        con.close()
    assert files == len(per_file) == contracts >= 3
    assert all(n == 1 for _file, n, _rows in per_file) and sum(r for *_x, r in per_file) == rows
    short = bench._condensed(log, keep=1)
    validating = [line for line in short if "validating " in line]
    assert len(validating) == 2 and validating[0].endswith(f"(1 of {files}, " + validating[0].split(", ")[-1])
    assert f"... {files - 2:,} more 'validating' lines" in "\n".join(short)
    assert [line for line in short if "stored " not in line and "validat" not in line and "more '" not in line] == [
        line for line in log if "stored " not in line and "validat" not in line
    ]


def test_the_report_judges_each_goal_at_its_scale_and_says_when_one_was_not_measured():
    at_l = {"scale": "L", "page_p95_ms": 149.9, "search_p95_ms": 251, "import_s": 4.0, "rebuild_s": 61.0}
    at_l |= {"rss_mb": None, "pandas_ratio": 5.0}
    at_s = {"scale": "S", "page_p95_ms": 50.1, "search_p95_ms": 999, "import_s": 999, "rebuild_s": 999}
    at_s |= {"rss_mb": 9999, "pandas_ratio": 0.1, "bench_s": 61.2}
    verdicts = {(g["scale"], g["measure"]): g["verdict"] for g in bench.goal_rows([at_s, at_l])}
    assert verdicts == {
        ("S", "page data, p95 (warm)"): "not met",  # 50.1 ms against < 50
        ("S", "the bench at this scale alone (`--scale S`)"): "not met",  # 61.2 s against a minute
        ("L", "page data, p95 (warm)"): "met",
        ("L", "portfolio-wide text search, p95 (warm)"): "not met",
        ("L", "one month's import for every contract"): "met",
        ("L", "full rebuild from CSV"): "not met",
        ("L", "app RSS rendering every page"): "not measured",
        ("L", "times faster than the pandas baseline (at least)"): "met",  # 5.0 is at least 5
    }


def test_make_bench_runs_every_scale_and_one_when_asked():
    def dry_run(*args: str) -> str:
        root = Path(__file__).parents[1]
        out = subprocess.run(["make", "-n", "bench", *args], cwd=root, capture_output=True, text=True, check=True)
        return next(line for line in out.stdout.splitlines() if "contract-monitor bench" in line)

    assert "--scale S,M,L " in dry_run()
    assert "--scale M " in dry_run("SCALES=M")


def test_the_pandas_ratio_is_rounded_down_so_a_ratio_just_under_the_goal_is_not_met():
    result = {
        "pandas": {"portfolio": {"median_ms": 17140.32}, "contract": {"median_ms": 170.95}},
        "warm": {"portfolio": {"median_ms": 81.44}, "contract": {"median_ms": 34.23}},
    }
    assert bench.pandas_ratio(result) == 4.99  # 170.95 / 34.23 = 4.994: the contract page is the lower
    verdicts = {g["measure"]: g["verdict"] for g in bench.goal_rows([{"scale": "L", "pandas_ratio": 4.99}])}
    assert verdicts["times faster than the pandas baseline (at least)"] == "not met"


def test_other_processes_cpu_is_what_the_machine_was_busy_with_less_this_process():
    # 10 s of busy ticks (100 a second), 4 of them this process's: 6 s of others' work over 3 s = 2 cores
    assert bench.others_cpu_pct((1_000, 200), (2_000, 600), 3.0, ticks_per_s=100) == 200.0
    assert bench.others_cpu_pct((1_000, 200), (1_400, 600), 3.0, ticks_per_s=100) == 0.0  # only this process
    assert bench.others_cpu_pct(None, (1_000, 200), 3.0) is None  # no /proc


def test_this_processs_own_work_is_counted_as_its_own():
    before = bench.cpu_ticks()
    started = time.process_time()
    while time.process_time() - started < 0.3:  # 0.3 s of this process's CPU
        pass
    after = bench.cpu_ticks()
    ticks = os.sysconf("SC_CLK_TCK")
    assert after[1] - before[1] >= 0.2 * ticks  # its own ticks grew by about 0.3 s
    # and the machine's busy ticks by about as much: the kernel counts them apart (each CPU's ticks, each
    # process's run time), so the two can differ by a tick or two, never by the 0.3 s
    assert after[0] - before[0] >= 0.2 * ticks


def test_the_warm_calls_are_timed_from_a_swept_heap(monkeypatch):
    """What the build left in the bench's process is collected after the warm-up, before any timed call."""
    events = []
    monkeypatch.setenv("CONTRACT_MONITOR_DB", "unused.duckdb")
    monkeypatch.setattr(bench, "page_calls", lambda _contract: {"page": lambda: events.append("call")})
    monkeypatch.setattr(bench, "_clear_caches", lambda: None)
    monkeypatch.setattr(bench.gc, "collect", lambda *_args: events.append("collect"))
    bench.time_warm(Path("unused.duckdb"), "C001", 2)
    assert events == ["call", "collect", "call", "call"]


def test_each_cold_call_runs_in_a_new_process_with_no_connection_open(fixture_db, fx):
    contract = fx.execute("select min(contract_id) from stg_contracts").fetchone()[0]
    samples = bench.cold_samples(fixture_db, contract, "contract", 3)
    pids = [pid for _seconds, pid, _open in samples]
    assert len(set(pids)) == 3 and os.getpid() not in pids
    assert [open_before for _seconds, _pid, open_before in samples] == [0, 0, 0]
    assert all(seconds > 0 for seconds, _pid, _open in samples)
