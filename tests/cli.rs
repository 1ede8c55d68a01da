//! The binary as users run it: exit codes, `--help`, bad input, determinism, encodings and
//! atomic publishing.

use std::fs;
use std::path::Path;

use crate::util::{Dir, cnbudget, corpus, documents, fact_lines, fixture, walk};

const JIANGHAN: &str = "wuhan-jianghan-bigdata-2023-final.txt";

fn copy_jianghan(to: &Path) {
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    fs::copy(corpus().join(JIANGHAN), to).unwrap();
}

/// Facts without the columns that identify the file, for comparing two copies of a report.
fn facts_of(out: &Path, source_file: &str) -> Vec<String> {
    let columns = [
        "statement",
        "fund_scope",
        "dimension",
        "code",
        "level",
        "name",
        "split",
        "measure",
        "amount",
        "unit",
        "amount_yuan",
        "source_line",
    ];
    fact_lines(out, source_file, &columns)
}

#[test]
fn help_matches_the_committed_text() {
    let dir = Dir::new("help");
    for (args, file) in [
        (&["--help"][..], "help.txt"),
        (&["run", "--help"][..], "help-run.txt"),
        (&["inspect", "--help"][..], "help-inspect.txt"),
    ] {
        let out = cnbudget(dir.path(), args, 0);
        let got = String::from_utf8(out.stdout).unwrap();
        let want = fs::read_to_string(fixture(file)).unwrap();
        assert_eq!(got, want, "`cnbudget {}` changed: update tests/fixtures/{file} if intended", args.join(" "));
    }
}

#[test]
fn inspect_shows_each_statement_and_the_checks_that_do_not_pass() {
    let dir = Dir::new("inspect");
    let report = corpus().join(JIANGHAN);
    let out = cnbudget(dir.path(), &["inspect", report.to_str().unwrap()], 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("wuhan-jianghan-bigdata-2023-final.txt  [ok]"), "{text}");
    assert!(text.contains("department 武汉市江汉区大数据中心  year 2023  phase final  unit 万元"));
    for statement in ["t01", "t02", "t03", "t04", "t05", "t06", "t09"] {
        assert!(text.contains(&format!("\n== {statement} (")), "no {statement} section");
    }
    // Gold line 188: t03 合计 3,087.79; NOTES 002: t02 201 2,619.58 vs t03 2,619.57.
    let t03_total = |l: &&str| {
        l.trim_start().starts_with("188 ") && l.contains(" total ") && l.ends_with("3087.79 万元 confirmed    合计")
    };
    assert!(text.lines().any(|l| t03_total(&l)), "{text}");
    assert!(text.contains("rounding line   189  t02_vs_t03"), "{text}");
    assert!(!text.contains("pass     line"), "passing checks only with --all-checks");
    let all = cnbudget(dir.path(), &["inspect", "--all-checks", report.to_str().unwrap()], 0);
    assert!(String::from_utf8(all.stdout).unwrap().contains("pass     line"));
    cnbudget(dir.path(), &["inspect", "missing.txt"], 1);
}

#[test]
fn bad_files_get_a_failed_row_and_the_rest_is_written() {
    let dir = Dir::new("bad-input");
    copy_jianghan(&dir.join("in/good.txt"));
    fs::write(dir.join("in/empty.txt"), "").unwrap();
    fs::write(dir.join("in/binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254, 0, 0, 7]).unwrap();
    fs::write(dir.join("in/notes.md"), "# Meeting notes\n\nNothing about money here.\n").unwrap();
    fs::write(dir.join("in/pages.json"), "{\"not\": \"a page array\"}").unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let docs = documents(&dir.join("out"));
    let status =
        |f: &str| docs.iter().find(|d| d.0 == f).cloned().unwrap_or_else(|| panic!("no row for {f}: {docs:?}"));
    assert_eq!(status("good.txt").1, "ok");
    assert_eq!(status("empty.txt"), ("empty.txt".into(), "failed".into(), Some("empty file".into())));
    assert!(status("binary.txt").2.unwrap().starts_with("binary file"), "{docs:?}");
    assert!(status("notes.md").2.unwrap().starts_with("not a budget or final-accounts report"), "{docs:?}");
    assert!(status("pages.json").2.unwrap().starts_with("invalid page-array JSON"), "{docs:?}");
    // Gold: 194 table rows and 45 narrative rows.
    assert_eq!(facts_of(&dir.join("out"), "good.txt").len(), 239, "the good report's facts are all written");

    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out2", "-q", "--strict"], 3);
    assert!(dir.join("out2/documents.parquet").is_file(), "--strict still publishes");
}

#[test]
fn run_failures_exit_1_and_name_the_path() {
    let dir = Dir::new("missing-input");
    let out = cnbudget(dir.path(), &["run", "-i", "nowhere", "-o", "out"], 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read input") && stderr.contains("nowhere"), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing is published");

    fs::create_dir(dir.join("src")).unwrap();
    fs::write(dir.join("src/keep.rs"), "").unwrap();
    copy_jianghan(&dir.join("in/a.txt"));
    let out = cnbudget(dir.path(), &["run", "-i", "in", "-o", "src"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a cnbudget output"));
    assert!(dir.join("src/keep.rs").exists(), "a foreign folder is never replaced");

    cnbudget(dir.path(), &["run", "--jobs", "0"], 2);
}

#[test]
fn same_input_gives_byte_identical_files_whatever_the_thread_count() {
    let dir = Dir::new("deterministic");
    let input = corpus();
    let input = input.to_str().unwrap();
    cnbudget(dir.path(), &["run", "-i", input, "-o", "a", "-j", "1", "-q"], 0);
    cnbudget(dir.path(), &["run", "-i", input, "-o", "b", "-j", "4", "-q"], 0);
    let files = |d: &str| -> Vec<String> {
        walk(&dir.join(d))
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
            .map(|p| p.strip_prefix(dir.join(d)).unwrap().display().to_string())
            .collect()
    };
    assert_eq!(files("a"), files("b"));
    assert!(files("a").len() >= 3);
    for f in files("a") {
        assert!(fs::read(dir.join("a").join(&f)).unwrap() == fs::read(dir.join("b").join(&f)).unwrap(), "{f} differs");
    }
}

#[test]
fn encodings_and_line_endings_give_the_same_facts() {
    let dir = Dir::new("encodings");
    let utf8 = fs::read_to_string(corpus().join(JIANGHAN)).unwrap();
    fs::create_dir(dir.join("in")).unwrap();
    fs::write(dir.join("in/utf8.txt"), &utf8).unwrap();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&utf8);
    assert!(!unmappable);
    fs::write(dir.join("in/gb18030.txt"), gb).unwrap();
    fs::write(dir.join("in/crlf-bom.txt"), format!("\u{feff}{}", utf8.replace('\n', "\r\n"))).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let reference = facts_of(&dir.join("out"), "utf8.txt");
    assert_eq!(reference.len(), 239, "jianghan's 194 table and 45 narrative gold rows");
    assert_eq!(facts_of(&dir.join("out"), "gb18030.txt"), reference);
    assert_eq!(facts_of(&dir.join("out"), "crlf-bom.txt"), reference);
}
