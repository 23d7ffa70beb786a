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

    started = time.perf_counter()
    try:
        warehouse.build(Path(args.data), Path(args.db) if args.db else None, progress=_say)
    except (loader.LoadError, models.ModelError, warehouse.BuildError) as exc:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="contract-monitor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="load CSVs and (re)create every view, atomically")
    build.add_argument(
        "--data", default=str(settings.SAMPLE_DATA_DIR), help="folder of CSV files (default: sample_data)"
    )
    build.add_argument(
        "--db",
        help=f"DuckDB file (default: $CONTRACT_MONITOR_DB or {settings.DEFAULT_DB.relative_to(settings.PROJECT_ROOT)})",
    )
    build.set_defaults(func=cmd_build)

    gen = commands.add_parser("generate-sample", help="write the synthetic sample portfolio as CSV files")
    gen.add_argument("--out", default=str(settings.SAMPLE_DATA_DIR))
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--scale", choices=("S", "M", "L"), help="a benchmark scale instead of the sample portfolio")
    gen.set_defaults(func=cmd_generate_sample)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
