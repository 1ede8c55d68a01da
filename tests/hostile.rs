//! Hostile and broken input, one test each: every bad file gets a documents row with a clear
//! reason (or is read correctly), nothing panics, and every other file's data is written.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{Dir, batches, cnbudget, corpus, list_text, text};

const JIANGHAN: &str = "wuhan-jianghan-bigdata-2023-final.txt";
/// Table facts of jianghan (gold: 194 table rows; the narrative comes with issue 5).
fn jianghan_table_facts(out: &Path, file: &str) -> usize {
    facts_of(out, file).iter().filter(|s| *s != "narrative").count()
}

/// The statement of every fact of one source file.
fn facts_of(out: &Path, file: &str) -> Vec<String> {
    let mut rows = Vec::new();
    for b in batches(&out.join("facts")) {
        for r in 0..b.num_rows() {
            if text(&b, "source_file", r).as_deref() == Some(file) {
                rows.push(text(&b, "statement", r).unwrap_or_default());
            }
        }
    }
    rows
}

/// (status, error, notes) of one documents row.
fn document(out: &Path, file: &str) -> (String, Option<String>, String) {
    for b in batches(&out.join("documents.parquet")) {
        for r in 0..b.num_rows() {
            if text(&b, "source_file", r).as_deref() == Some(file) {
                let notes = list_text(&b, "notes", r).join("\n");
                return (text(&b, "status", r).unwrap(), text(&b, "error", r), notes);
            }
        }
    }
    panic!("no documents row for {file}");
}

/// A folder holding one good report plus `extra` files, run; gives the output folder.
fn run_with(name: &str, extra: &[(&str, Vec<u8>)]) -> (Dir, std::path::PathBuf) {
    let dir = Dir::new(name);
    fs::create_dir_all(dir.join("in")).unwrap();
    fs::copy(corpus().join(JIANGHAN), dir.join("in/good.txt")).unwrap();
    for (file, bytes) in extra {
        fs::write(dir.join("in").join(file), bytes).unwrap();
    }
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let out = dir.join("out");
    assert_eq!(jianghan_table_facts(&out, "good.txt"), 194, "the good report is still written in full");
    (dir, out)
}

fn jianghan() -> String {
    fs::read_to_string(corpus().join(JIANGHAN)).unwrap()
}

#[test]
fn pdf_and_image_renamed_txt() {
    let (_d, out) = run_with(
        "renamed",
        &[
            ("report.txt", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n".to_vec()),
            ("scan.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ],
    );
    assert_eq!(
        document(&out, "report.txt").1.as_deref(),
        Some("binary file, not text (a PDF document: extract its text first)")
    );
    assert_eq!(document(&out, "scan.txt").1.as_deref(), Some("binary file, not text (a PNG image)"));
}

#[test]
fn truncated_mid_table_and_mid_number() {
    let full = jianghan();
    // Cut inside t03's row `2010399 … 2,305.64` (line 192), after `2,305.6`.
    let line_192 = full.lines().nth(191).unwrap();
    assert!(line_192.starts_with("2010399"));
    let cut_at = full.find(line_192).unwrap() + line_192.find("2,305.64").unwrap() + "2,305.6".len();
    let (_d, out) = run_with("truncated", &[("cut.txt", full.as_bytes()[..cut_at].to_vec())]);
    let (status, error, notes) = document(&out, "cut.txt");
    // The cut line's figures are not read: the report says so, and is not `ok`.
    assert_eq!(status, "partial");
    assert!(
        error.as_deref().is_some_and(|e| e.starts_with("t03: ") && e.ends_with("printed numbers not read")),
        "{error:?}"
    );
    assert!(notes.contains("ends in the middle of a number"), "{notes}");
    assert!(notes.lines().any(|l| l == "line 192: t03: not read: 2,305.6"), "{notes}");
    // t01 and t02 are whole (9 + 42 gold rows); t03 keeps its gold rows of lines 188–191
    // (3 + 3 + 3 + 2) and loses line 192's, whose last figure was cut.
    let statements = facts_of(&out, "cut.txt");
    let count = |s: &str| statements.iter().filter(|x| *x == s).count();
    assert_eq!((count("t01"), count("t02"), count("t03")), (9, 42, 11));
}

/// Every amount of t03 (lines 188–208 of jianghan) replaced by one too large for DECIMAL(18,2):
/// t03 is read as unread, the report is `partial` saying so, and every other statement's
/// figures are still written.
#[test]
fn amounts_that_cannot_be_stored_leave_a_partial_report_with_its_other_figures() {
    let huge = "1,000,000,000,000,000,000.00";
    let amount = replace_amounts();
    let text: String = jianghan()
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| if (187..208).contains(&i) { amount(l, huge) } else { l.to_string() })
        .collect();
    let (_d, out) = run_with("unstorable", &[("huge.txt", text.into_bytes())]);
    let (status, error, notes) = document(&out, "huge.txt");
    assert_eq!(status, "partial");
    assert!(error.as_deref().is_some_and(|e| e.starts_with("t03: ")), "{error:?}");
    assert!(notes.contains("cannot be stored exactly"), "{notes}");
    let statements = facts_of(&out, "huge.txt");
    let count = |s: &str| statements.iter().filter(|x| *x == s).count();
    // Gold: t01 9 rows, t02 42, t05 46; t03 none left.
    assert_eq!((count("t01"), count("t02"), count("t03"), count("t05")), (9, 42, 0, 46));
}

/// Replaces each decimal amount (`2,305.64`) of a line by `by`.
fn replace_amounts() -> impl Fn(&str, &str) -> String {
    |line: &str, by: &str| {
        line.split('\t')
            .map(|cell| {
                let is_amount = cell.contains('.') && cell.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.');
                if is_amount { by.to_string() } else { cell.to_string() }
            })
            .collect::<Vec<_>>()
            .join("\t")
    }
}

#[test]
fn utf16_and_gb18030_files_are_read() {
    let utf8 = jianghan();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(utf8.encode_utf16().flat_map(u16::to_le_bytes));
    let (gb, _, _) = encoding_rs::GB18030.encode(&utf8);
    let (_d, out) = run_with("utf16", &[("utf16.txt", utf16), ("gbk.txt", gb.into_owned())]);
    assert_eq!(jianghan_table_facts(&out, "utf16.txt"), 194);
    assert_eq!(jianghan_table_facts(&out, "gbk.txt"), 194);
}

#[test]
fn a_100_mb_file_is_refused_with_its_size() {
    let dir = Dir::new("huge");
    fs::create_dir_all(dir.join("in")).unwrap();
    fs::copy(corpus().join(JIANGHAN), dir.join("in/good.txt")).unwrap();
    let f = fs::File::create(dir.join("in/huge.txt")).unwrap();
    f.set_len(100 << 20).unwrap(); // sparse: 100 MiB without writing them
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let out = dir.join("out");
    assert_eq!(
        document(&out, "huge.txt").1.as_deref(),
        Some("file too large: 100 MiB (the limit is 32 MiB; raise it with --max-file-mb)")
    );
    assert_eq!(jianghan_table_facts(&out, "good.txt"), 194);
}

#[test]
fn a_file_with_one_10_mb_line() {
    let line = "一般公共服务支出\t2,619.57 ".repeat((10 << 20) / 30);
    let (_d, out) = run_with("long-line", &[("line.txt", line.into_bytes())]);
    let (status, error, _) = document(&out, "line.txt");
    assert_eq!(
        (status.as_str(), error.as_deref()),
        ("failed", Some("not a budget or final-accounts report: no statement titles and no budget figures found"))
    );
}

#[test]
fn invalid_json_and_a_json_that_is_not_a_page_array() {
    let (_d, out) = run_with(
        "json",
        &[("cut.json", b"[{\"page\": 1, \"text\": \"2023".to_vec()), ("obj.json", b"{\"a\": 1}".to_vec())],
    );
    for f in ["cut.json", "obj.json"] {
        let (status, error, _) = document(&out, f);
        assert_eq!(status, "failed");
        assert!(error.unwrap().starts_with("invalid page-array JSON:"));
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_and_a_dangling_link() {
    let dir = Dir::new("links");
    fs::create_dir_all(dir.join("in/sub")).unwrap();
    fs::copy(corpus().join(JIANGHAN), dir.join("in/sub/good.txt")).unwrap();
    std::os::unix::fs::symlink(dir.join("in"), dir.join("in/sub/loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("in/missing.txt"), dir.join("in/dangling.txt")).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let out = dir.join("out");
    assert_eq!(jianghan_table_facts(&out, "sub/good.txt"), 194, "read once, not once per loop");
    let (status, error, _) = document(&out, "dangling.txt");
    assert_eq!(status, "failed");
    assert!(error.unwrap().starts_with("cannot open:"));
}

/// A folder that cannot be read (tested as an unprivileged user: root reads everything).
#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new("unreadable");
    fs::create_dir_all(dir.join("in/locked")).unwrap();
    fs::copy(corpus().join(JIANGHAN), dir.join("in/good.txt")).unwrap();
    fs::write(dir.join("in/locked/hidden.txt"), "x").unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    fs::set_permissions(dir.join("in/locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let as_nobody = running_as_root() && Path::new("/usr/bin/setpriv").exists();
    let mut cmd = if as_nobody {
        let mut c = Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_cnbudget")]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_cnbudget"))
    };
    let status = cmd.args(["run", "-i", "in", "-o", "out", "-q"]).current_dir(dir.path()).status().unwrap();
    fs::set_permissions(dir.join("in/locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(status.success());
    let out = dir.join("out");
    let (st, error, _) = document(&out, "locked");
    assert_eq!(st, "failed");
    assert!(error.unwrap().starts_with("cannot read folder: Permission denied"));
    assert_eq!(jianghan_table_facts(&out, "good.txt"), 194);
}

/// True when this process runs as root (who can read a mode-000 folder).
fn running_as_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .is_ok_and(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")))
}
