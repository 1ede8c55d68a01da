//! Crash safety: a run killed at any point leaves the last published output complete and
//! readable, the next run recovers without manual clean-up, and a second run started while one
//! is going refuses instead of corrupting it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Dir, batches, cnbudget, corpus, walk};

const JIANGHAN: &str = "wuhan-jianghan-bigdata-2023-final.txt";

/// Every file of a published output with its bytes.
fn snapshot(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walk(out).into_iter().map(|p| (p.clone(), fs::read(&p).unwrap())).collect()
}

/// A folder of `n` reports (links to one), big enough that a run takes a while.
fn big_input(dir: &Dir, n: usize) -> PathBuf {
    let big = dir.join("big");
    fs::create_dir_all(&big).unwrap();
    let source = corpus().join(JIANGHAN);
    for i in 0..n {
        std::os::unix::fs::symlink(&source, big.join(format!("r{i:05}.txt"))).unwrap();
    }
    big
}

fn spawn_run(dir: &Dir, input: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cnbudget"))
        .args(["run", "-i", input, "-o", "out", "-q", "-j", "1"])
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_for(path: &Path) {
    let started = Instant::now();
    while !path.exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Every Parquet file of an output opens and reads to the end, and run.json parses.
fn assert_readable(out: &Path) {
    let run: serde_json::Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert!(run["files"].as_u64().is_some());
    for f in walk(out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "parquet")) {
        assert!(!batches(&f).is_empty() || f.ends_with("documents.parquet"), "{} unreadable", f.display());
    }
}

#[test]
fn sigkill_at_several_points_leaves_a_complete_output() {
    let dir = Dir::new("sigkill");
    fs::create_dir_all(dir.join("small")).unwrap();
    fs::copy(corpus().join(JIANGHAN), dir.join("small/a.txt")).unwrap();
    big_input(&dir, 3000);
    cnbudget(dir.path(), &["run", "-i", "small", "-o", "out", "-q"], 0);
    let mut previous = snapshot(&dir.join("out"));
    let staging = dir.join(".out.staging");
    // From before the staging folder exists to the swap itself.
    for delay_ms in [0, 5, 40, 150, 400, 900, 2000] {
        let mut child = spawn_run(&dir, "big");
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let out = dir.join("out");
        assert_readable(&out);
        let run: serde_json::Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
        match run["files"].as_u64() {
            // Killed before the swap: the previous output, untouched.
            Some(1) => assert!(snapshot(&out) == previous, "killed at {delay_ms} ms: the published output changed"),
            // Killed after the swap: the new output, whole.
            Some(3000) => {}
            other => panic!("killed at {delay_ms} ms: run.json says {other:?} files"),
        }
        // The next run recovers by itself and publishes.
        cnbudget(dir.path(), &["run", "-i", "small", "-o", "out", "-q"], 0);
        assert!(!staging.exists() && !dir.join(".out.old").exists(), "killed at {delay_ms} ms: leftovers remain");
        previous = snapshot(&out);
    }
}

#[test]
fn a_second_run_on_the_same_output_refuses() {
    let dir = Dir::new("concurrent");
    big_input(&dir, 400);
    let mut first = spawn_run(&dir, "big");
    wait_for(&dir.join(".out.staging"));
    let second = cnbudget(dir.path(), &["run", "-i", "big", "-o", "out", "-q"], 1);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("is in use by another cnbudget run"), "{stderr}");
    assert!(first.wait().unwrap().success(), "the first run is not disturbed");
    let run: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("out/run.json")).unwrap()).unwrap();
    assert_eq!(run["files"], 400);
}
