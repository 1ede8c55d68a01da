#!/usr/bin/env python3
"""Says whether two cnbudget outputs hold the same data, as a reader sees it.

Usage: scripts/same_output.py OUT_A OUT_B

Every partition file of every dataset must read back equal with pyarrow (rows, order, types:
its bytes may differ, e.g. with other row groups), and documents.parquet must hold the same
rows but for `parser_version`, which names the build. Exits 1 and names what differs, so that
a change meant to be a speed-up can show it changed no figure.
"""
import sys
from pathlib import Path

import pyarrow.parquet as pq

DATASETS = ["facts", "checks", "functional_expenditure", "economic_expenditure", "revenue", "three_public"]


def files(out: Path, dataset: str) -> list[Path]:
    return sorted(p.relative_to(out) for p in (out / dataset).rglob("*.parquet"))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    a, b = Path(sys.argv[1]), Path(sys.argv[2])
    differ = []
    for dataset in DATASETS:
        names_a, names_b = files(a, dataset), files(b, dataset)
        if names_a != names_b:
            differ.append(f"{dataset}: other files ({len(names_a)} against {len(names_b)})")
            continue
        for name in names_a:
            if not pq.read_table(a / name).equals(pq.read_table(b / name)):
                differ.append(str(name))
    docs_a = pq.read_table(a / "documents.parquet").drop(["parser_version"])
    docs_b = pq.read_table(b / "documents.parquet").drop(["parser_version"])
    if not docs_a.equals(docs_b):
        differ.append("documents.parquet")
    for d in differ:
        print(f"differs: {d}")
    rows = docs_a.num_rows
    print(f"same output: {not differ} ({rows} documents)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
