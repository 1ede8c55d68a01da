"""Reads a cnbudget output folder with DuckDB, polars and pyarrow, as users do.

usage: consumers.py OUTPUT_DIR

Exits non-zero (with an assertion message) when a reader cannot read a dataset, sees a
wrong type, or gets a figure that differs from the gold key. The figures asserted here come
from tests/fixtures/gold (jianghan's t03 合计 is 3,087.79 万元).
"""
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as ds

out = Path(sys.argv[1])
facts_glob = str(out / "facts" / "**" / "*.parquet")
JIANGHAN = "wuhan-jianghan-bigdata-2023-final.txt"

# DuckDB, with hive partitioning.
con = duckdb.connect()
types = {r[0]: r[1] for r in con.sql(f"DESCRIBE SELECT * FROM read_parquet('{facts_glob}', hive_partitioning=true)").fetchall()}
assert types["amount_yuan"] == "DECIMAL(18,2)", types["amount_yuan"]
assert types["amount"] == "DECIMAL(18,2)", types["amount"]
assert "year" in types, "the year partition is a column"
total = con.sql(f"""
    SELECT amount_yuan FROM read_parquet('{facts_glob}', hive_partitioning=true)
    WHERE source_file = '{JIANGHAN}' AND statement = 't03' AND dimension = 'total' AND split = 'total'
""").fetchall()
assert total == [(Decimal("30877900.00"),)], total
years = con.sql(f"SELECT DISTINCT year FROM read_parquet('{facts_glob}', hive_partitioning=true) ORDER BY 1").fetchall()
assert (2023,) in years, years

primary = con.sql(f"""
    SELECT func_code, split, amount_yuan FROM read_parquet('{out}/functional_expenditure/**/*.parquet', hive_partitioning=true)
    WHERE is_primary AND report_id = (SELECT report_id FROM '{out}/documents.parquet' WHERE source_file = '{JIANGHAN}')
      AND fund_scope = 'all' AND level = 1 AND split = 'total' ORDER BY func_code
""").fetchall()
assert primary == [("201", "total", Decimal("26195700.00")), ("206", "total", Decimal("3136100.00")),
                   ("208", "total", Decimal("372100.00")), ("210", "total", Decimal("782500.00")),
                   ("221", "total", Decimal("391500.00"))], primary

docs = con.sql(f"SELECT status, count(*) FROM '{out}/documents.parquet' GROUP BY 1").fetchall()
assert dict(docs).get("ok", 0) >= 1, docs

# polars.
df = pl.read_parquet(facts_glob, hive_partitioning=True)
assert df.schema["amount_yuan"] == pl.Decimal(18, 2), df.schema["amount_yuan"]
j = df.filter((pl.col("source_file") == JIANGHAN) & (pl.col("statement") == "t03")
              & (pl.col("dimension") == "total") & (pl.col("split") == "total"))
assert j["amount_yuan"].to_list() == [Decimal("30877900.00")], j

# pyarrow.
table = ds.dataset(str(out / "facts"), format="parquet", partitioning="hive").to_table()
assert str(table.schema.field("amount_yuan").type) == "decimal128(18, 2)", table.schema
assert table.num_rows == df.height

print(f"ok: {df.height} facts read by duckdb, polars and pyarrow")

# Issue 6: the curated long table gives each Wuhan report's class totals once, as its gold
# key states them (the general public budget's classes per measure: t05's where the tables
# survive, else the narrative's), through one DuckDB query over the primary rows.
import csv
from collections import defaultdict

gold_dir = Path(__file__).resolve().parents[1] / "fixtures" / "gold"
for gold_file in sorted(gold_dir.glob("wuhan-*.csv")):
    rows = [r for r in csv.DictReader(open(gold_file, encoding="utf-8"))
            if r["dimension"] == "function" and r["level"] == "1" and r["split"] == "total"
            and r["fund_scope"] == "gpb" and r["code"]]
    by_key = defaultdict(dict)
    for r in rows:
        by_key[(r["code"], r["measure"])].setdefault(r["statement"], Decimal(r["amount_wan"]) * 10000)
    want = {(code, measure, stated.get("t05", stated.get("narrative")))
            for (code, measure), stated in by_key.items() if "t05" in stated or "narrative" in stated}
    got = con.sql(f"""
        SELECT f.func_code, f.measure, f.amount_yuan
        FROM read_parquet('{out}/functional_expenditure/**/*.parquet', hive_partitioning=true) f
        JOIN '{out}/documents.parquet' d USING (report_id)
        WHERE d.source_file = '{gold_file.stem}.txt' AND f.is_primary AND f.fund_scope = 'gpb'
          AND f.level = 1 AND f.split = 'total' AND f.func_code IS NOT NULL
    """).fetchall()
    got = {(c, m, Decimal(a)) for c, m, a in got}
    assert got == want, f"{gold_file.stem}: class totals differ\n  missing {sorted(want - got)}\n  extra {sorted(got - want)}"
print("ok: every Wuhan report's class totals come out once, as its gold states")
