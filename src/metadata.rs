//! What a report says about itself: department, fiscal year, phase and unit.
//!
//! Takes the document's cleaned lines; gives a [`Meta`] in which every field was read from
//! the text (labels such as `部门：`, `编制单位：`; the title; part headings such as
//! `第一部分 X概况`; table unit lines), or is `None`. Never guesses: when the text disagrees
//! with itself the most frequent reading wins, and when there is none the field stays empty
//! and the document is marked partial by the caller.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::model::Meta;
use crate::normalize::{Line, has_char, squeeze};
use crate::vocab::{Phase, Unit};

/// Only the first lines can be a title.
const TITLE_LINES: usize = 6;
/// Longer lines are prose, not titles or headings.
const MAX_HEADING_CHARS: usize = 60;

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:部门|部门名称|单位名称|编制部门|编制单位|预算单位|预算主管部门)\s*[:：]\s*(\S+)")
        .expect("valid regex")
});
static OVERVIEW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^第[一二三四五六七八九十]+部分\s*(\S+?)\s*概况$").expect("valid regex"));
/// A year as a title names it (`2023 年度`), not as a comparison does (`比2022年`): the start of
/// a [`year_mentions`] match.
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^比与较同和至\d\s])\s*((?:19|20)\d{2})\s*年(度?)\s*").expect("valid regex"));
/// At most this many characters come between a year's 年 and its phase word.
const YEAR_TO_PHASE_CHARS: usize = 30;
static PHASE_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:部门|单位|年度|年)\s*(决算|预算)(?:公开|表|$|\s)").expect("valid regex"));
static UNIT_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:金额)?[单平]位\s*[:：]\s*(万元|元|万兀|兀)").expect("valid regex"));
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:19|20)\d{2}年度?)?(.+?)(?:(?:19|20)\d{2}年度?)?(?:区级|市级)?(?:部门|单位)?(?:决算|预算)")
        .expect("valid regex")
});

/// Reads the document's metadata.
pub fn read(lines: &[Line]) -> Meta {
    let titles = phase_lines(lines);
    Meta { department: department(lines), fiscal_year: fiscal_year(&titles), phase: phase(&titles), unit: unit(lines) }
}

fn is_heading(line: &Line) -> bool {
    let n = line.text.trim().chars().count();
    n > 0 && n <= MAX_HEADING_CHARS
}

/// The value with the most votes; ties go to the one seen first.
fn most_frequent<T: Clone + Eq + std::hash::Hash>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: HashMap<T, (usize, usize)> = HashMap::new();
    for (i, v) in values.into_iter().enumerate() {
        counts.entry(v).or_insert((0, i)).0 += 1;
    }
    counts.into_iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1))).map(|(v, _)| v)
}

/// The report's own heading (`第一部分 X概况`) names the department as the report does; label
/// fields (`单位名称：`) come next: an attached form may shorten the name (`洪山区大数据中心`).
fn department(lines: &[Line]) -> Option<String> {
    let overview = lines.iter().find_map(|l| {
        let text = l.text.trim().trim_start_matches('#').trim();
        if !text.contains("概况") || !is_heading(l) {
            return None;
        }
        OVERVIEW.captures(&squeeze(text)).map(|c| c[1].to_string())
    });
    let labelled = || {
        most_frequent(lines.iter().filter_map(|l| {
            if !(has_char(&l.text, '：') || l.text.contains(':')) {
                return None;
            }
            let caps = LABEL.captures(&l.text)?;
            let value = caps[1].trim_end_matches(['（', '(']);
            (value.chars().count() >= 2).then(|| value.to_string())
        }))
    };
    overview.or_else(labelled).or_else(|| title_department(lines))
}

/// `2023年度武汉市江汉区大数据中心 部门决算公开` → `武汉市江汉区大数据中心`, reading the
/// title across its first lines, as layout text wraps it.
fn title_department(lines: &[Line]) -> Option<String> {
    let title: String =
        lines.iter().filter(|l| !l.is_blank()).take(3).map(|l| squeeze(l.text.trim_start_matches('#'))).collect();
    let caps = TITLE.captures(&title)?;
    let name = caps[1].trim_end_matches(['年', '度']);
    let plausible = name.chars().count() >= 4 && !name.contains("目录");
    plausible.then(|| name.to_string())
}

/// The year the most title-like mentions name: the title lines count most, and `2023 年度…决算`
/// (the report's own year names its 年度) counts more than a bare `2022 年预算`, which short
/// prose lines (OCR or layout text wraps sentences) repeat about the year before.
fn fiscal_year(titles: &[(usize, &Line)]) -> Option<i16> {
    // A year mention needs a 年: most of these lines have none.
    let candidates = titles.iter().filter(|(_, l)| has_char(&l.text, '年')).flat_map(|&(weight, l)| {
        let years: Vec<(i16, usize)> = year_mentions(&l.text)
            .into_iter()
            .filter_map(|(year, names_year)| Some((year.parse().ok()?, if names_year { 2 * weight } else { weight })))
            .collect();
        years.into_iter().flat_map(|(y, w)| std::iter::repeat_n(y, w))
    });
    most_frequent(candidates)
}

/// Each year a line names before a phase word, and whether it says 年度: what the pattern
/// `(?:^|[^比与较同和至\d\s])\s*((?:19|20)\d{2})\s*年(度?)\s*[^，。,；;]{0,30}?(?:部门|单位)?(决算|预算)`
/// finds, match after match (`2023年度武汉市…部门决算`), but with the gap to the phase word read
/// by hand: as a regex, its 30-fold Unicode class made this the costliest search of the
/// metadata.
fn year_mentions(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(caps) = YEAR.captures_at(text, at) {
        let (Some(whole), Some(year)) = (caps.get(0), caps.get(1)) else { break };
        match phase_word_end(text, whole.end()) {
            Some(end) => {
                out.push((year.as_str(), caps.get(2).is_some_and(|m| !m.as_str().is_empty())));
                at = end;
            }
            // No phase word: look for a match that starts later.
            None => at = whole.start() + text[whole.start()..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Where the nearest `(?:部门|单位)?(决算|预算)` ends that follows `from` after at most
/// [`YEAR_TO_PHASE_CHARS`] characters, none of them a clause stop (`，。,；;`).
fn phase_word_end(text: &str, from: usize) -> Option<usize> {
    const WORDS: [&str; 6] = ["部门决算", "部门预算", "单位决算", "单位预算", "决算", "预算"];
    let mut rest = text.get(from..)?;
    for _ in 0..YEAR_TO_PHASE_CHARS {
        if let Some(word) = WORDS.iter().find(|w| rest.starts_with(*w)) {
            return Some(text.len() - rest.len() + word.len());
        }
        let c = rest.chars().next().filter(|c| !matches!(c, '，' | '。' | ',' | '；' | ';'))?;
        rest = &rest[c.len_utf8()..];
    }
    WORDS.iter().find(|w| rest.starts_with(*w)).map(|word| text.len() - rest.len() + word.len())
}

/// The title-like lines that may name the year and phase, each with its vote's weight: a line
/// among the first few counts three times. Both year and phase patterns end in 决算 or 预算: a
/// line without 算 names neither.
fn phase_lines(lines: &[Line]) -> Vec<(usize, &Line)> {
    lines
        .iter()
        .enumerate()
        .filter(|(i, l)| has_char(&l.text, '算') && (*i < TITLE_LINES || is_heading(l)))
        .map(|(i, l)| (if i < TITLE_LINES { 3 } else { 1 }, l))
        .collect()
}

fn phase(titles: &[(usize, &Line)]) -> Option<Phase> {
    let votes = titles.iter().flat_map(|&(weight, l)| {
        let found: Vec<Phase> = PHASE_WORD
            .captures_iter(&l.text)
            .map(|c| if &c[1] == "决算" { Phase::Final } else { Phase::Budget })
            .collect();
        found.into_iter().flat_map(move |p| std::iter::repeat_n(p, weight))
    });
    most_frequent(votes)
}

fn unit(lines: &[Line]) -> Option<Unit> {
    let printed = most_frequent(
        lines
            .iter()
            .filter(|l| has_char(&l.text, '位'))
            .filter_map(|l| UNIT_LINE.captures(&l.text).and_then(|c| Unit::from_printed(&c[1]))),
    );
    printed.or_else(|| lines.iter().any(|l| l.text.contains("万元")).then_some(Unit::Wan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;
    use crate::testing::Rng;

    #[test]
    fn year_mentions_are_what_the_whole_pattern_finds() {
        let pattern = Regex::new(
            r"(?:^|[^比与较同和至\d\s])\s*((?:19|20)\d{2})\s*年(度?)\s*(?:[^，。,；;]{0,30}?)(?:部门|单位)?(决算|预算)",
        )
        .unwrap();
        const PIECES: &[&str] = &[
            "2023",
            "2024年",
            "1999 年度",
            "2023年度",
            "20",
            "3",
            "年",
            "度",
            "决算",
            "预算",
            "部门决算",
            "决",
            "部门",
            "单位",
            "部",
            "，",
            "。",
            ",",
            "；",
            " ",
            "\u{3000}",
            "比",
            "较",
            "至",
            "收入支出",
            "武汉市江汉区大数据中心",
            "x",
            "12",
        ];
        // The gap's bound, exactly: 30 characters before the phase word (部门 not counted).
        for (gap, word) in [(29, "决算"), (30, "决算"), (31, "决算"), (30, "部门预算"), (31, "部门预算")]
        {
            let text = format!("2023年{}{word}", "中".repeat(gap));
            let want = pattern.captures_iter(&text).count();
            assert_eq!(year_mentions(&text).len(), want, "gap {gap} before {word}");
        }
        let mut rng = Rng(0x7ea2_5e1f);
        let mut found = 0;
        for _ in 0..30_000 {
            let n = 1 + (rng.next() % 14) as usize;
            let text = rng.text(PIECES, n);
            let want: Vec<(&str, bool)> = pattern
                .captures_iter(&text)
                .map(|c| (c.get(1).map_or("", |m| m.as_str()), c.get(2).is_some_and(|m| !m.as_str().is_empty())))
                .collect();
            assert_eq!(year_mentions(&text), want, "on {text:?}");
            found += want.len();
        }
        assert!(found > 1_000, "only {found} mentions among the samples");
    }

    fn meta(text: &str) -> Meta {
        read(&normalize::lines(text))
    }

    #[test]
    fn reads_a_markdown_title_and_labels() {
        let m =
            meta("\n# 2023年度武汉市江汉区大数据中心 部门决算公开\n\n部门：武汉市江汉区大数据中心\n\n金额单位：万元\n");
        assert_eq!(m.department.as_deref(), Some("武汉市江汉区大数据中心"));
        assert_eq!(m.fiscal_year, Some(2023));
        assert_eq!(m.phase, Some(Phase::Final));
        assert_eq!(m.unit, Some(Unit::Wan));
    }

    #[test]
    fn label_value_stops_at_the_unit_column() {
        let m = meta("上海市普陀区2024年区级部门预算\n编制部门：上海市普陀区人民政府万里街道办事处        单位：元\n");
        assert_eq!(m.department.as_deref(), Some("上海市普陀区人民政府万里街道办事处"));
        assert_eq!(m.fiscal_year, Some(2024));
        assert_eq!(m.phase, Some(Phase::Budget));
        assert_eq!(m.unit, Some(Unit::Yuan));
    }

    #[test]
    fn overview_heading_names_the_department() {
        let m = meta(
            " 第一部分 武汉市洪山区大数据中心概况\n\n 第二部分 2023 年度部门决算表\n2023 年度收入合计 1808.5 万元\n",
        );
        assert_eq!(m.department.as_deref(), Some("武汉市洪山区大数据中心"));
        assert_eq!(m.fiscal_year, Some(2023));
        assert_eq!(m.phase, Some(Phase::Final));
        assert_eq!(m.unit, Some(Unit::Wan));
    }

    #[test]
    fn wrapped_title_is_read_across_lines() {
        let m = meta("上海市普陀区规划和自然\n    资源局\n 2024 年度部门决算\n             目   录\n");
        assert_eq!(m.department.as_deref(), Some("上海市普陀区规划和自然资源局"));
        assert_eq!(m.fiscal_year, Some(2024));
        assert_eq!(m.phase, Some(Phase::Final));
    }

    #[test]
    fn the_year_a_heading_names_outweighs_prose_about_the_year_before() {
        // Short OCR lines (after wuhan-hongshan-bigdata-2023-final.txt lines 79-125) repeat
        // `2022 年…预算` more often than the headings print `2023 年度…决算`.
        let m = meta(
            "一、部门主要职责\n\n（1）贯彻落实\n\n二、机构设置\n\n 第二部分 2023 年度部门决算表\n\
             第三部分 2023 年度部门决算情况说明\n2023 年度部门决算\n是 2022 年区财政局按照调整预算安\n\
             单位部分 2022 年预算支出 231.15 万元\n区财政局按照 2022 年调整预算安排\n单位部分 2022 年预算支出\n\
             比 2022 年度决算数增加 237.31 万元\n",
        );
        assert_eq!(m.fiscal_year, Some(2023));
    }

    #[test]
    fn the_reports_overview_heading_names_it_before_a_forms_label() {
        let m = meta(
            " 第一部分 武汉市洪山区大数据中心概况\n2023 年度部门决算\n单位名称：洪山区大数据中心 填报日期：2024年\n单位名称：洪山区大数据中心\n",
        );
        assert_eq!(m.department.as_deref(), Some("武汉市洪山区大数据中心"));
    }

    #[test]
    fn comparisons_with_other_years_do_not_vote() {
        let m = meta("2023 年度某某中心决算\n比 2022 年度决算数增加\n与2022年度决算相比\n");
        assert_eq!(m.fiscal_year, Some(2023));
    }

    #[test]
    fn a_text_without_a_year_has_none() {
        let m = meta("会议纪要\n今天开会。\n");
        assert_eq!(m.fiscal_year, None);
        assert_eq!(m.phase, None);
        assert_eq!(m.unit, None);
    }
}
