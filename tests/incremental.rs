//! Incremental runs: only new or changed files are parsed, removed files leave the output,
//! and what is published is byte-identical to a full rebuild.

use std::fs;
use std::path::Path;

use crate::util::{Dir, batches, cnbudget, corpus, text, walk};

fn run_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap()
}

fn cache_counts(out: &Path) -> (u64, u64, u64) {
    let c = &run_json(out)["cache"];
    (c["parsed"].as_u64().unwrap(), c["reused"].as_u64().unwrap(), c["removed"].as_u64().unwrap())
}

fn parquet_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    walk(out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .map(|p| (p.strip_prefix(out).unwrap().display().to_string(), fs::read(&p).unwrap()))
        .collect()
}

fn sources(out: &Path) -> Vec<String> {
    let mut files: Vec<String> = batches(&out.join("documents.parquet"))
        .iter()
        .flat_map(|b| (0..b.num_rows()).filter_map(move |r| text(b, "source_file", r)))
        .collect();
    files.sort();
    files
}

#[test]
fn a_nightly_run_parses_only_what_changed_and_equals_a_full_rebuild() {
    let dir = Dir::new("incremental");
    fs::create_dir(dir.join("in")).unwrap();
    for f in [
        "wuhan-jianghan-bigdata-2023-final.txt",
        "wuhan-city-info-center-2023-final.txt",
        "wuhan-caidian-bigdata-2023-final.txt",
        "shanghai-putuo-wanli-subdistrict-2024-budget.txt",
    ] {
        fs::copy(corpus().join(f), dir.join("in").join(f)).unwrap();
    }
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    assert_eq!(cache_counts(&dir.join("out")), (4, 0, 0));

    // One file changed, one new, one removed.
    let mut changed = fs::read(dir.join("in/wuhan-caidian-bigdata-2023-final.txt")).unwrap();
    changed.extend_from_slice("\n附：本报告于夜间更新。\n".as_bytes());
    fs::write(dir.join("in/wuhan-caidian-bigdata-2023-final.txt"), changed).unwrap();
    fs::copy(
        corpus().join("wuhan-hanyang-bigdata-2023-budget.txt"),
        dir.join("in/wuhan-hanyang-bigdata-2023-budget.txt"),
    )
    .unwrap();
    fs::remove_file(dir.join("in/shanghai-putuo-wanli-subdistrict-2024-budget.txt")).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    assert_eq!(cache_counts(&dir.join("out")), (2, 2, 1), "parsed, reused, removed");
    assert!(!sources(&dir.join("out")).iter().any(|f| f.starts_with("shanghai")), "a removed file leaves the output");

    cnbudget(dir.path(), &["run", "-i", "in", "-o", "full", "-q", "--rebuild"], 0);
    assert_eq!(cache_counts(&dir.join("full")), (4, 0, 0));
    let (incremental, full) = (parquet_files(&dir.join("out")), parquet_files(&dir.join("full")));
    assert_eq!(incremental.iter().map(|f| &f.0).collect::<Vec<_>>(), full.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, a), (_, b)) in incremental.iter().zip(&full) {
        assert!(a == b, "{name} differs from a full rebuild");
    }

    // A renamed file is the same bytes: reused, under its new name.
    fs::rename(dir.join("in/wuhan-hanyang-bigdata-2023-budget.txt"), dir.join("in/hanyang.txt")).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    assert_eq!(cache_counts(&dir.join("out")), (0, 4, 1));
    assert!(sources(&dir.join("out")).contains(&"hanyang.txt".to_string()));
}
