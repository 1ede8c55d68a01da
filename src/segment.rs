//! Cuts a document into its statements and its prose.
//!
//! Takes the cleaned lines; gives a [`Segmented`] document: one [`TableSegment`] per statement
//! title that is followed by a table (a title in the table of contents is not), with the unit
//! its header prints, and the prose lines in between for the narrative parser. Does not read
//! the cells: a segment is the run of lines from its title to the next title or part heading.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::catalogue::{self, Named};
use crate::normalize::{Line, has_char, squeeze};
use crate::vocab::{FundScope, Statement, Unit};

/// How far below a title the evidence of a table (unit line, header row) must appear.
const EVIDENCE_WINDOW: usize = 12;
/// A statement title is short.
const MAX_TITLE_CHARS: usize = 48;

/// One statement's lines.
#[derive(Debug, Clone)]
pub struct TableSegment<'a> {
    pub statement: Statement,
    /// The money its title says it covers (a t05 of all appropriations is `fiscal`).
    pub scope: FundScope,
    /// The title as printed, whitespace removed.
    pub title: String,
    /// The line the title is on.
    pub title_line: u32,
    /// The unit its header states (`单位：万元`), if any.
    pub unit: Option<Unit>,
    /// Its title restricts it to 基本支出 (a t06 of the basic spending: every column is a
    /// part of it, none a split).
    pub basic_only: bool,
    /// From the line after the title to the end of the statement.
    pub lines: &'a [Line],
}

/// A document cut into statements and prose.
#[derive(Debug, Clone)]
pub struct Segmented<'a> {
    pub tables: Vec<TableSegment<'a>>,
    /// Runs of lines outside every statement, in order.
    pub prose: Vec<&'a [Line]>,
    /// Tables outside the nine (catalogue: [`Named::Outside`]): their title's line and text.
    /// Their lines are in no statement and not in the prose.
    pub outside: Vec<(u32, String)>,
}

static UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:金额)?[单平]位\s*[:：]\s*(万元|元|万兀|兀)").expect("valid regex"));
static TABLE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:公开\s*\d+\s*表|表\s*\d+|[(（]表\s*\d+[)）])$").expect("valid regex"));
static TITLE_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:[(（]?(?:公开)?表\d+[)）]?|公开\d+表)$").expect("valid regex"));
/// A table number glued before its title: `表1：`, `公开表3`, `表一`.
static TABLE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:部门公开表|公开表|预算表|表)[0-9一二三四五六七八九十]+[:：、.．]?").expect("valid regex")
});
/// A short qualifier in brackets after a title.
static QUALIFIER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[(（][^()（）]{1,20}[)）]$").expect("valid regex"));
static CAPTION_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（]?(?:公开)?表\s*\d+").expect("valid regex"));
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])")
        .expect("valid regex")
});
static PART_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:第[一二三四五六七八九十]+部分|.{0,30}(?:情况说明|编制说明|名词解释)$)").expect("valid regex")
});
/// A unit printed alone in a header cell (`（万元）`), as forms such as 绩效目标表 state it.
static UNIT_CELL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*[(（](?:万元|元)[)）]\s*$").expect("valid regex"));
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:部门|单位名称|编制部门|编制单位|预算单位)\s*[:：]").expect("valid regex"));

/// Segments a document.
pub fn segment(lines: &[Line]) -> Segmented<'_> {
    let starts = titles(lines);
    let mut tables: Vec<TableSegment> = Vec::with_capacity(starts.len());
    // Where each table's body starts in `lines`.
    let mut body_starts: Vec<usize> = Vec::with_capacity(starts.len());
    let mut prose = Vec::new();
    let mut outside = Vec::new();
    let mut cursor = 0;
    for (k, start) in starts.iter().enumerate() {
        let limit = starts.get(k + 1).map_or(lines.len(), |s| s.at);
        let end = (start.last + 1..limit).find(|&j| is_part_heading(&lines[j].text)).unwrap_or(limit);
        push_prose(&mut prose, lines, cursor..start.at);
        let body = &lines[start.last + 1..end];
        // A title printed again at the top of the next page continues its table.
        let previous = k.checked_sub(1).and_then(|p| starts.get(p));
        let continues = matches!(start.named, Named::Statement(..))
            && previous.is_some_and(|p| p.named == start.named && p.title == start.title && cursor == start.at);
        if continues
            && let (Some(table), Some(&from)) = (tables.last_mut(), body_starts.last())
            && let Some(joined) = lines.get(from..end)
        {
            table.lines = joined;
            cursor = end;
            continue;
        }
        match start.named {
            Named::Statement(statement, scope) => {
                body_starts.push(start.last + 1);
                tables.push(TableSegment {
                    statement,
                    scope,
                    title: start.title.clone(),
                    basic_only: start.title.contains("基本支出"),
                    title_line: lines[start.at].no,
                    unit: body.iter().take(EVIDENCE_WINDOW * 2).find_map(|l| unit_of(&l.text)),
                    lines: body,
                })
            }
            Named::Outside => outside.push((lines[start.at].no, start.title.clone())),
        }
        cursor = end;
    }
    push_prose(&mut prose, lines, cursor..lines.len());
    keep_basic_economic_tables(&mut tables, &mut outside);
    Segmented { tables, prose, outside }
}

/// t06 is the 基本支出 table by economic class; an economic table of all the fund's spending
/// stands in for it only where the report prints no such table. Where it prints both, the
/// wider one is a table outside the nine.
fn keep_basic_economic_tables(tables: &mut Vec<TableSegment>, outside: &mut Vec<(u32, String)>) {
    let basic_scopes: Vec<FundScope> =
        tables.iter().filter(|t| t.statement == Statement::T06 && t.basic_only).map(|t| t.scope).collect();
    tables.retain(|t| {
        let wider = t.statement == Statement::T06 && !t.basic_only && basic_scopes.contains(&t.scope);
        if wider {
            outside.push((t.title_line, t.title.clone()));
        }
        !wider
    });
    outside.sort_by_key(|o| o.0);
}

/// A statement title found in the text: its first and last line (a title may wrap onto a
/// second line), what it names and its text.
struct Start {
    at: usize,
    last: usize,
    named: Named,
    title: String,
}

/// The statement titles followed by a table. A title that wraps (`…部门预算` / `经济分类预算表`)
/// is read across its two lines when neither line alone is a title.
fn titles(lines: &[Line]) -> Vec<Start> {
    let mut out: Vec<Start> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if out.last().is_some_and(|s| s.last >= i) {
            continue;
        }
        let single = title(&line.text).map(|(named, title)| Start { at: i, last: i, named, title });
        let found = single.or_else(|| wrapped_title(lines, i));
        if let Some(start) = found.filter(|s| has_table_evidence(lines, s.last)) {
            out.push(start);
        }
    }
    out
}

/// A title printed over two lines: the first line does not end a title, the next non-blank
/// line does, and together they name a statement.
fn wrapped_title(lines: &[Line], i: usize) -> Option<Start> {
    let first = lines.get(i)?;
    let text = first.text.trim();
    if text.is_empty() || text.ends_with('表') || longer_than(text, MAX_TITLE_CHARS) {
        return None;
    }
    let j = (i + 1..lines.len().min(i + 3)).find(|&j| lines.get(j).is_some_and(|l| !l.is_blank()))?;
    let second = lines.get(j)?.text.trim();
    // A second line that is a statement title of its own is not a title's end (a wrapped
    // fragment like `经济分类预算表` may name a table outside the nine alone).
    if longer_than(second, MAX_TITLE_CHARS / 2) || matches!(title(second), Some((Named::Statement(..), _))) {
        return None;
    }
    // Every title has a 表: most pairs of lines are not joined to find out.
    if !has_char(text, '表') && !has_char(second, '表') {
        return None;
    }
    let (named, title) = title(&format!("{text}{second}"))?;
    Some(Start { at: i, last: j, named, title })
}

/// True when `text` has more than `n` characters; a long line (every body line of a layout
/// table) is told by its length in bytes alone, as a character takes at most four.
fn longer_than(text: &str, n: usize) -> bool {
    text.len() > n && (text.len() > 4 * n || text.chars().count() > n)
}

fn push_prose<'a>(prose: &mut Vec<&'a [Line]>, lines: &'a [Line], range: Range<usize>) {
    if range.start < range.end {
        prose.push(&lines[range]);
    }
}

/// The unit a `单位：万元` line states.
pub fn unit_of(text: &str) -> Option<Unit> {
    UNIT.captures(text).and_then(|c| Unit::from_printed(&c[1]))
}

fn is_part_heading(text: &str) -> bool {
    // Runs on every line of every statement: squeeze only a line that can match, one that
    // starts with 第 or ends with 明 or 释 (squeezing keeps the first and last character).
    let solid = text.trim_start_matches('#').trim();
    if !(solid.starts_with('第') || solid.ends_with(['明', '释'])) {
        return false;
    }
    let t = squeeze(solid);
    t.chars().count() <= MAX_TITLE_CHARS && PART_HEADING.is_match(&t)
}

/// Recognises a table title and says what it names (the statement catalogue decides).
pub fn title(text: &str) -> Option<(Named, String)> {
    // Every title ends in 表 (a suffix such as `(表1)` may follow): most lines have none.
    if !has_char(text, '表') {
        return None;
    }
    let trimmed = text.trim();
    if trimmed.starts_with("- ") || trimmed.contains('…') || trimmed.contains("...") || trimmed.contains("··") {
        return None;
    }
    let squeezed = squeeze(trimmed.trim_start_matches('#'));
    if squeezed.chars().count() > MAX_TITLE_CHARS {
        return None;
    }
    let bare = ORDINAL.replace(&squeezed, "");
    let bare = TABLE_PREFIX.replace(&bare, "");
    let bare = TITLE_SUFFIX.replace(&bare, "");
    // A qualifier after the title (`（按功能分类科目）`, `（功能科目）`) is read with it.
    let ends = bare.ends_with('表') || QUALIFIER.find(&bare).is_some_and(|q| bare[..q.start()].ends_with('表'));
    if !ends {
        return None;
    }
    catalogue::classify(&bare).map(|s| (s, squeezed.clone()))
}

/// A real title is followed, before any other title, by what a table header prints.
fn has_table_evidence(lines: &[Line], at: usize) -> bool {
    for line in lines[at + 1..].iter().filter(|l| !l.is_blank()).take(EVIDENCE_WINDOW) {
        if title(&line.text).is_some() {
            return false;
        }
        if unit_of(&line.text).is_some()
            || is_table_label(&line.text)
            || line.text.contains('\t')
            || UNIT_CELL.is_match(&line.text)
        {
            return true;
        }
        if line.text.trim_start().starts_with('|') {
            return true;
        }
        if is_caption(&line.text) {
            return false; // another table's caption: this title was one of a list
        }
    }
    false
}

/// A table number (`表1`, `公开 02 表`) or a label (`编制单位：`) on a line of its own.
pub(crate) fn is_table_label(text: &str) -> bool {
    // Both patterns start with one of these characters: most lines are not squeezed.
    if !text.trim_start().starts_with(['公', '表', '(', '（', '部', '单', '编', '预']) {
        return false;
    }
    let t = squeeze(text);
    TABLE_NUMBER.is_match(&t) || LABEL.is_match(&t)
}

/// A line that names a table (`表 10. 项目支出表`, `部门整体支出绩效目标申报表`), statement or not.
fn is_caption(text: &str) -> bool {
    let solid = text.trim_start_matches('#').trim();
    if !(solid.ends_with('表') || solid.starts_with(['(', '（', '公', '表'])) {
        return false;
    }
    let t = squeeze(solid);
    t.chars().count() <= MAX_TITLE_CHARS && (CAPTION_NUMBER.is_match(&t) || t.ends_with('表'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;

    #[test]
    fn titles_are_classified_by_concept() {
        let cases = [
            ("## 2023年度收入支出决算总表", Statement::T01),
            ("2023年度收入决算表 (表 2)", Statement::T02),
            ("2023年度支出决算表(表3)", Statement::T03),
            ("2023年度财政拨款收入支出决算总表", Statement::T04),
            ("## 2023年度一般公共预算财政拨款支出决算表", Statement::T05),
            ("### 2023年度一般公共预算财政拨款基本支出决算明细表", Statement::T06),
            ("2023年度政府性基金预算财政拨款收入支出决算表(表7)", Statement::T07),
            ("## 2023年度国有资本经营预算财政拨款支出决算表", Statement::T08),
            ("## 2023年度财政拨款“三公”经费支出决算表", Statement::T09),
            ("2024年部门财务收支预算总表", Statement::T01),
            ("2024年部门收入预算总表", Statement::T02),
            ("2024年部门支出预算总表", Statement::T03),
            ("2024年部门财政拨款收支预算总表", Statement::T04),
            ("2024年部门一般公共预算支出功能分类预算表", Statement::T05),
            ("2024年部门一般公共预算基本支出部门预算经济分类预算表", Statement::T06),
            ("2024年部门政府性基金预算支出功能分类预算表", Statement::T07),
            ("部门“三公”经费和机关运行经费预算表", Statement::T09),
            ("七、财政拨款“三公”经费支出决算表", Statement::T09),
        ];
        for (text, want) in cases {
            let named = title(text).map(|t| t.0);
            assert!(matches!(named, Some(Named::Statement(s, _)) if s == want), "{text}: {named:?}");
        }
    }

    #[test]
    fn prose_and_contents_entries_are_not_titles() {
        for text in [
            "- 一、收入支出决算总表",
            "一、收入支出决算总体情况说明",
            "1. 2024年部门财务收支预算总表   ……………………",
            "上海市规划和自然资源局 2024 年度部门决算表",
            "2023年度收入合计3087.79万元。",
        ] {
            assert!(title(text).is_none(), "{text}");
        }
    }

    fn layout_fixture(name: &str) -> Vec<Line> {
        let path = format!("{}/tests/fixtures/layout/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let body: String = text.lines().filter(|l| !l.starts_with("# ")).map(|l| format!("{l}\n")).collect();
        normalize::lines(&body)
    }

    #[test]
    fn a_title_followed_by_other_captions_is_a_list_entry() {
        let lines = layout_fixture("segment-caption-list.txt");
        assert!(segment(&lines).tables.is_empty());
    }

    #[test]
    fn a_title_wrapped_over_two_lines_is_read_across_them() {
        let lines = layout_fixture("segment-wrapped-title.txt");
        let seg = segment(&lines);
        let found: Vec<(Statement, u32, Option<Unit>)> =
            seg.tables.iter().map(|t| (t.statement, t.title_line, t.unit)).collect();
        assert_eq!(found, [(Statement::T06, 1, Some(Unit::Yuan))]);
        assert_eq!(
            seg.tables[0].lines.first().map(|l| l.no),
            Some(3),
            "the table starts after the title's second line"
        );
    }

    fn read(name: &str) -> String {
        std::fs::read_to_string(format!("{}/tests/fixtures/segment/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn contents_list_gives_no_segment_and_tables_do() {
        let lines = normalize::lines(&read("toc-and-tables.txt"));
        let seg = segment(&lines);
        let found: Vec<(Statement, u32, Option<Unit>)> =
            seg.tables.iter().map(|t| (t.statement, t.title_line, t.unit)).collect();
        assert_eq!(found, [(Statement::T01, 9, Some(Unit::Wan)), (Statement::T02, 17, Some(Unit::Wan))]);
        assert_eq!(seg.tables[1].lines.last().map(|l| l.no), Some(21), "ends before the part heading");
        assert_eq!(seg.prose.len(), 2);
        assert_eq!(seg.prose[1][0].no, 22);
    }
}
