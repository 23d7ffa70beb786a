"""Command line: ``contract-monitor <command>`` (also ``python -m contract_monitor``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import settings


def _say(message: str) -> None:
    print(message, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from . import loader, models, warehouse
    from .narrative import themes

    started = time.perf_counter()
    db = Path(args.db) if args.db else settings.db_path()
    data = Path(args.data) if args.data else None
    if args.if_outdated and db.is_file():
        reason = warehouse.outdated(db)
        if reason is None:
            _say(f"{db} is up to date with this version; not rebuilt")
            return 0
        data = data or warehouse.built_from(db)
        _say(f"rebuilding {db} from {data}: {reason}")
    try:
        warehouse.build(data or settings.SAMPLE_DATA_DIR, db, progress=_say)
    except (loader.LoadError, models.ModelError, warehouse.BuildError, themes.CodebookError) as exc:
        print(f"Build failed; the previous database is unchanged.\n{exc}", file=sys.stderr)
        return 1
    _say(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_generate_sample(args: argparse.Namespace) -> int:
    from . import sample

    out = Path(args.out)
    if args.scale:
        counts = sample.generate_scale(out, sample.SCALES[args.scale], seed=args.seed)
    else:
        counts = sample.generate_sample(out, seed=args.seed)
    for table, rows in counts.items():
        _say(f"{table}: {rows:,} rows")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .returns import importer

    files, missing = [], []
    for name in args.files:
        path = Path(name)
        if path.is_file():
            files.append((str(path), path.read_bytes()))
        else:
            missing.append(f"{name}: no such file")
    mapping = (args.map, Path(args.map).read_bytes()) if args.map and Path(args.map).is_file() else None
    if args.map and mapping is None:
        missing.append(f"{args.map}: no such mapping file")
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 2
    result = importer.run(
        files,
        Path(args.db) if args.db else None,
        by=args.by,
        dry_run=args.dry_run,
        mapping=mapping,
        contract=args.contract,
        progress=_say,
    )
    if not result.ok:
        print(f"Import failed; nothing was imported.\n{result.report()}", file=sys.stderr)
        return 1
    _say(result.report())
    _say(f"done in {result.seconds:.1f} s")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from .returns import templates

    try:
        written = templates.write(Path(args.path), example=args.example)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in written:
        _say(f"wrote {path}")
    return 0


def cmd_evaluate_narrative(args: argparse.Namespace) -> int:
    from .narrative import evaluate, fft, themes

    try:
        result = evaluate.evaluate(Path(args.data), all_rows=args.all_rows, speed=not args.no_speed)
    except (fft.DataError, themes.CodebookError) as exc:
        print(f"evaluate-narrative failed: {exc}", file=sys.stderr)
        return 1
    _say(evaluate.report(result))
    return 0


def cmd_redact(args: argparse.Namespace) -> int:
    from .narrative import redact

    names = redact.names_regex()
    for line in sys.stdin:
        end = "\n" if line.endswith("\n") else ""
        sys.stdout.write(redact.redact(line[: len(line) - len(end)], names) + end)
    sys.stdout.flush()
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    scales = [s.strip().upper() for s in args.scale.split(",") if s.strip()]
    unknown = [s for s in scales if s not in bench.SCALES]
    if unknown:
        print(f"--scale: unknown scale(s) {unknown}; choose from {', '.join(bench.SCALES)}", file=sys.stderr)
        return 2
    docs = Path(args.docs) if args.docs else None
    out = Path(args.out) if args.out else settings.PROJECT_ROOT / "artifacts" / "bench"
    if args.report_only:
        if docs is None:
            print("--report-only needs --docs: where to write the report", file=sys.stderr)
            return 2
        bench.write_report(docs, out)
        print(f"wrote {docs} from the results in {out}")
        return 0
    bench.run(scales, reps=args.reps, out_dir=out, docs=docs, say=_say)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from . import records

    db = Path(args.db) if args.db else settings.db_path()
    try:
        written = records.backup(Path(args.destination), settings.records_db_path(db))
    except FileNotFoundError as exc:
        print(f"Nothing to back up: {exc}", file=sys.stderr)
        return 1
    for path in written:
        _say(f"copied {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="contract-monitor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="load CSVs and (re)create every view, atomically")
    build.add_argument(
        "--data",
        help="folder of CSV files (default: sample_data; with --if-outdated, the folder it was built from)",
    )
    build.add_argument(
        "--db",
        help=f"DuckDB file (default: $CONTRACT_MONITOR_DB or {settings.DEFAULT_DB.relative_to(settings.PROJECT_ROOT)})",
    )
    build.add_argument(
        "--if-outdated",
        action="store_true",
        help="build only when there is no database or this version's SQL, tagger or app did not build it",
    )
    build.set_defaults(func=cmd_build)

    gen = commands.add_parser("generate-sample", help="write the synthetic sample portfolio as CSV files")
    gen.add_argument("--out", default=str(settings.SAMPLE_DATA_DIR))
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--scale", choices=("S", "M", "L"), help="a benchmark scale instead of the sample portfolio")
    gen.set_defaults(func=cmd_generate_sample)

    imp = commands.add_parser("import", help="import monthly return files (CSV or .xlsx), atomically and idempotently")
    imp.add_argument("files", nargs="+", metavar="FILE", help="return files; A&E and FFT exports are recognised too")
    imp.add_argument(
        "--db", help="warehouse DuckDB file (default: $CONTRACT_MONITOR_DB); its records store: see README"
    )
    imp.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    imp.add_argument("--by", help="who is importing (default: $USER)")
    imp.add_argument("--map", help="mapping CSV for A&E (org_code,contract_id,kpi_code) or FFT (trust,contract_id)")
    imp.add_argument("--contract", help="FFT comments: the contract every comment belongs to")
    imp.set_defaults(func=cmd_import)

    tpl = commands.add_parser("template", help="write a blank (or --example) monthly return: .xlsx or .csv")
    tpl.add_argument("path", help="where to write it; .xlsx = one workbook, .csv = one file per sheet")
    tpl.add_argument("--example", action="store_true", help="an example November 2026 return for C001 and C003")
    tpl.set_defaults(func=cmd_template)

    ev = commands.add_parser(
        "evaluate-narrative", help="score sentiment and themes against human-labelled comments (FFT v6 columns)"
    )
    ev.add_argument("--data", required=True, help="CSV with the NHS FFT v6 columns (nhs_fft_comments_v6.csv)")
    ev.add_argument("--all-rows", action="store_true", help="score every row, not only the held-out split")
    ev.add_argument("--no-speed", action="store_true", help="skip the throughput measurement (reports 0)")
    ev.set_defaults(func=cmd_evaluate_narrative)

    red = commands.add_parser("redact", help="redact personal data: comments on stdin, one per line, to stdout")
    red.set_defaults(func=cmd_redact)

    ben = commands.add_parser("bench", help="measure page data, rebuild and memory at S/M/L scale (writes docs)")
    ben.add_argument("--scale", default="S", help="comma-separated scales: XS (smoke), S, M, L (default S)")
    ben.add_argument("--reps", type=int, default=20, help="repetitions per measurement (default 20)")
    ben.add_argument("--out", help="folder for the JSON results (default artifacts/bench)")
    ben.add_argument("--docs", help="write the Markdown report here (make bench: docs/benchmarks.md)")
    ben.add_argument(
        "--report-only", action="store_true", help="measure nothing: rewrite --docs from the saved results"
    )
    ben.set_defaults(func=cmd_bench)

    bak = commands.add_parser(
        "backup", help="copy the records store (imports, approvals, actions) and its import archive to a folder"
    )
    bak.add_argument("destination", help="folder to copy into (created if absent)")
    bak.add_argument("--db", help="the warehouse whose records to copy (default: $CONTRACT_MONITOR_DB)")
    bak.set_defaults(func=cmd_backup)

    args = parser.parse_args(argv)
    from . import records

    if moved := records.move_legacy_default():
        _say(f"moved the records store to {moved} (its own folder, which make clean leaves alone)")
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
