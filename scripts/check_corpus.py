#!/usr/bin/env python3
"""Checks that cnbudget reads a generated corpus as it reads the templates.

Runs the cnbudget binary on the templates and on a sample of a corpus written by
`examples/gen_corpus.rs`, and compares each sampled file with its template (from the corpus's
manifest.tsv): the same status, statements, unit and phase, the same facts (statement, split,
measure, amount, in order), and the department and fiscal year the generator wrote.

    scripts/check_corpus.py CORPUS [--sample 64] [--bin target/release/cnbudget]

Exits 1 and lists the differences when any file differs. Needs pyarrow.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict

import pyarrow.dataset as ds
import pyarrow.parquet as pq


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", help="a folder written by gen_corpus (with manifest.tsv)")
    p.add_argument("--sample", type=int, default=64, help="files to check, spread over the corpus (default 64)")
    p.add_argument("--bin", default="target/release/cnbudget", help="the cnbudget binary")
    p.add_argument("--templates", default="data/corpus", help="the template folder gen_corpus read")
    args = p.parse_args()

    with open(os.path.join(args.corpus, "manifest.tsv"), newline="", encoding="utf-8") as f:
        manifest = list(csv.DictReader(f, delimiter="\t"))
    sample = pick(manifest, args.sample)
    with tempfile.TemporaryDirectory(prefix="cnbudget-check-") as tmp:
        want = run(args.bin, args.templates, os.path.join(tmp, "templates-out"))
        sample_dir = os.path.join(tmp, "sample")
        for row in sample:
            link = os.path.join(sample_dir, row["file"])
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink(os.path.abspath(os.path.join(args.corpus, row["file"])), link)
        got = run(args.bin, sample_dir, os.path.join(tmp, "sample-out"))
    problems = [f"{row['file']}: {p}" for row in sample for p in compare(row, got[row["file"]], want[row["template"]])]
    facts = sum(len(got[row["file"]]["facts"]) for row in sample)
    if problems:
        print("\n".join(problems))
        print(f"check_corpus: {len(problems)} differences in {len(sample)} files", file=sys.stderr)
        sys.exit(1)
    print(f"check_corpus: {len(sample)} generated files read like their templates ({facts} facts)")


def pick(manifest, n):
    """The first file of each template, then a fixed pseudo-random sample of the rest."""
    firsts = {}
    for i, row in enumerate(manifest):
        firsts.setdefault(row["template"], i)
    rest = random.Random(0).sample(range(len(manifest)), min(n, len(manifest)))
    return [manifest[i] for i in sorted(set(firsts.values()) | set(rest))]


def run(binary, input_dir, output_dir):
    """Runs cnbudget; returns {source_file: {"doc": documents row, "facts": [facts]}}."""
    subprocess.run([binary, "run", "-q", "-i", input_dir, "-o", output_dir], check=True)
    out = defaultdict(lambda: {"doc": None, "facts": []})
    for doc in pq.read_table(os.path.join(output_dir, "documents.parquet")).to_pylist():
        out[doc["source_file"]]["doc"] = doc
    facts_dir = os.path.join(output_dir, "facts")
    if os.path.isdir(facts_dir):
        columns = ["source_file", "source_line", "statement", "split", "measure", "amount"]
        for fact in ds.dataset(facts_dir, format="parquet").to_table(columns=columns).to_pylist():
            out[fact["source_file"]]["facts"].append(fact)
    return out


def compare(row, got, want):
    g, w = got["doc"], want["doc"]
    if g is None:
        yield "not in the output"
        return
    for key in ("status", "statements", "phase", "unit", "facts", "checks_failed"):
        if g[key] != w[key]:
            yield f"{key}: {g[key]!r}, template {row['template']} has {w[key]!r}"
    if w["department"] is not None and g["department"] != row["department"]:
        yield f"department: read {g['department']!r}, generated {row['department']!r}"
    expected_year = int(row["fiscal_year"]) if row["fiscal_year"] else None
    if g["fiscal_year"] != expected_year:
        yield f"fiscal_year: {g['fiscal_year']}, expected {expected_year}"
    key = lambda f: (f["source_line"], f["statement"], f["split"], f["measure"], f["amount"])
    if sorted(map(key, got["facts"])) != sorted(map(key, want["facts"])):
        yield "facts differ from the template's (statement, split, measure, amount or line)"


if __name__ == "__main__":
    main()
