//! Code resolution against the gold key: every gold figure the pipeline finds carries the code
//! gold gives it, and no code where gold has none. The only exceptions are codes that no
//! report of the corpus prints with their name, so that no source available to the project
//! (data/reference/SOURCES: no official list exists as a file) can give them; they stay NULL,
//! with a note, rather than being guessed.

use crate::gold::{GoldRow, UNAVAILABLE, load, reports};
use crate::util::{FactRow, corpus_output, facts};

fn same_but_code(g: &GoldRow, o: &FactRow) -> bool {
    (&g.statement, &g.fund_scope, &g.dimension, &g.split, &g.measure, &g.name)
        == (&o.statement, &o.fund_scope, &o.dimension, &o.split, &o.measure, &o.name)
        && g.yuan == o.yuan
        && (g.line - o.line).abs() <= 2
}

#[test]
fn every_found_gold_figure_has_gold_s_code() {
    let out = facts(corpus_output());
    let mut wrong = Vec::new();
    let mut compared = 0;
    for report in reports() {
        let rows: Vec<&FactRow> = out.iter().filter(|o| o.source_file.starts_with(&format!("{report}."))).collect();
        for g in load(&report).iter().filter(|g| matches!(g.dimension.as_str(), "function" | "economic")) {
            let nearest = rows.iter().filter(|o| same_but_code(g, o)).min_by_key(|o| (o.line - g.line).abs());
            let Some(o) = nearest else { continue };
            compared += 1;
            if o.code == g.code {
                continue;
            }
            let unavailable =
                UNAVAILABLE.iter().any(|(r, line, code, _)| *r == report && *line == g.line && *code == g.code);
            if !(unavailable && o.code.is_empty()) {
                wrong.push(format!(
                    "{report} line {}: {} {:?}: gold {:?}, output {:?}",
                    g.line, g.statement, g.name, g.code, o.code
                ));
            }
        }
    }
    assert!(compared >= 500, "only {compared} gold figures found to compare");
    assert!(wrong.is_empty(), "{} codes differ from gold:\n{}", wrong.len(), wrong.join("\n"));
}

/// A code no bundled source has, printed by another report of the same run: the narrative
/// row of hongshan (line 262, 一般公共服务支出（类）商贸事务（款）招商引资（项）) takes it as
/// `corpus`, and its "no code" note goes.
#[test]
fn a_code_another_report_of_the_run_prints_is_learned() {
    use crate::util::{Dir, batches, cnbudget, corpus, fixture, list_text, text};
    let dir = Dir::new("corpus-codes");
    std::fs::create_dir(dir.join("in")).unwrap();
    std::fs::copy(fixture("corpus/prints-2011308.txt"), dir.join("in/commerce.txt")).unwrap();
    std::fs::copy(corpus().join("wuhan-hongshan-bigdata-2023-final.txt"), dir.join("in/hongshan.txt")).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let mut rows = Vec::new();
    for b in batches(&dir.join("out/facts")) {
        for r in 0..b.num_rows() {
            if text(&b, "source_file", r).as_deref() == Some("hongshan.txt")
                && text(&b, "name", r).as_deref() == Some("招商引资")
            {
                rows.push((text(&b, "code", r), text(&b, "code_source", r), text(&b, "source_line", r)));
            }
        }
    }
    assert_eq!(rows.len(), 2, "年初预算 and 决算 (gold line 262)");
    for row in rows {
        assert_eq!(row, (Some("2011308".into()), Some("corpus".into()), Some("262".into())));
    }
    for b in batches(&dir.join("out/documents.parquet")) {
        for r in 0..b.num_rows() {
            if text(&b, "source_file", r).as_deref() == Some("hongshan.txt") {
                assert!(!list_text(&b, "notes", r).iter().any(|n| n.contains("招商引资")));
            }
        }
    }
}
