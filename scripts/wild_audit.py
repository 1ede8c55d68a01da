#!/usr/bin/env python3
"""The self-audit of a run over ../shared/wild, the training and validation sets side by side.

    scripts/wild_audit.py [OUTPUT]      # OUTPUT: a run over ../shared/wild/text (default: runs one)

Prints, per set: reports by status, the median and 10th-percentile coverage, the statements
found per report, and the facts by evidence. The validation cities are listed in
tests/fixtures/wild/README.md.
"""
import os
import subprocess
import sys
import tempfile

import duckdb

VALIDATION = ("changsha", "huzhou", "changchun", "chongqing", "quanzhou", "wuxi", "zhuhai")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    if len(sys.argv) > 1:
        out = sys.argv[1]
    else:
        out = os.path.join(tempfile.mkdtemp(), "out")
        binary = os.path.join(ROOT, "target/release/cnbudget")
        wild = os.path.join(ROOT, "..", "shared", "wild", "text")
        subprocess.run([binary, "run", "-q", "-i", wild, "-o", out], check=True)
    cities = ", ".join(f"'{c}'" for c in VALIDATION)
    part = f"CASE WHEN split_part(source_file, '-', 1) IN ({cities}) THEN 'validation' ELSE 'training' END"
    docs = f"(SELECT *, {part} AS part FROM '{out}/documents.parquet')"
    facts = f"(SELECT *, {part} AS part FROM read_parquet('{out}/facts/**/*.parquet', hive_partitioning = true))"
    duckdb.sql(f"""
        SELECT part, count(*) AS reports,
               count(*) FILTER (status = 'ok') AS ok, count(*) FILTER (status = 'partial') AS partial,
               count(*) FILTER (status = 'failed') AS failed,
               round(median(coverage), 3) AS median_coverage,
               round(quantile_cont(coverage, 0.1), 3) AS p10_coverage,
               round(avg(len(statements)), 1) AS statements_per_report,
               sum(len(unread_statements)) AS unread_statements
        FROM {docs} GROUP BY part ORDER BY part""").show(max_width=250)
    duckdb.sql(f"""
        SELECT part, count(*) AS facts,
               count(*) FILTER (evidence = 'confirmed') AS confirmed,
               count(*) FILTER (evidence = 'contradicted') AS contradicted,
               count(*) FILTER (evidence = 'unchecked') AS unchecked,
               round(count(*) FILTER (evidence = 'confirmed') / count(*), 3) AS confirmed_share
        FROM {facts} GROUP BY part ORDER BY part""").show(max_width=250)


if __name__ == "__main__":
    main()
