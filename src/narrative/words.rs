//! The words around an amount: its subject and its measure.
//!
//! Takes the text that leads up to an amount within its clause (`2023年度一般公共预算财政拨款
//! 支出年初预算为`); gives a [`Lead`]: the label that names the subject (`一般公共预算财政拨款
//! 支出`), the measures its measure words state (`年初预算` → initial budget, `全年预算数与
//! 支出数` → full-year budget and final), and whether `分别为` spreads a compound subject
//! over several amounts. [`fixed`] reads the labels with a fixed meaning: totals
//! (`收、支总计`, `本年收入合计`, `基本支出`, `部门收入预算` …), revenue sources, 人员经费 /
//! 公用经费 and 三公 items, each named as the gold conventions name them. Does not know
//! which section a sentence is in: scope and context are the reader's.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::model::Code;
use crate::normalize::{clean_name, push_replacing};
use crate::vocab::{Dimension, FundScope, Measure, Phase, Split};

/// What an amount is of, before its section gives it a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub dimension: Dimension,
    pub level: Option<u8>,
    pub name: String,
    /// Ancestor names of a function item, outermost first.
    pub path: Vec<String>,
    pub split: Split,
    /// The fund scope the label's own words name (`一般公共预算…` → gpb), for prose whose
    /// sections do not name one.
    pub scope: Option<FundScope>,
    /// The code printed with the name (`行政运行（2010801）`, `2011301-行政运行`).
    pub code: Option<Code>,
}

impl Subject {
    pub fn new(dimension: Dimension, level: u8, name: impl Into<String>) -> Subject {
        Subject {
            dimension,
            level: Some(level),
            name: name.into(),
            path: Vec::new(),
            split: Split::Total,
            scope: None,
            code: None,
        }
    }

    /// 人员经费 or 公用经费: the economic items listed after it break it down.
    pub fn opens_economic_list(&self) -> bool {
        self.dimension == Dimension::Economic && self.level == Some(0)
    }
}

/// The words before an amount, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lead {
    /// What names the subject (may be empty: the subject is the one before).
    pub label: String,
    /// The measures stated; empty for the document's default.
    pub measures: Vec<Measure>,
    /// `分别为`: the label's parts go to the amounts in turn.
    pub respectively: bool,
    /// The lead ends with `为` (or `是`): a bare `0` after it is an amount.
    pub copula: bool,
    /// When nothing but a year and measure words follow it, the label before the year
    /// (`因公出国（境）费 2026 年预算数`); empty otherwise.
    pub before_year: String,
}

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d{2}(?:年度|年|度)|本年度|上年度").expect("valid regex"));

/// Words that end a lead and link it to its amount, longest first.
const COPULAS: &[&str] = &["分别为", "分别是", "均为", "都为", "合计为", "共计", "为", "是", "达"];
/// Words that open a list or a clause and belong to no label.
const CONNECTORS: &[&str] =
    &["其中", "收入包括", "支出包括", "主要包括", "包括", "具体为", "分别", "此外", "另外", "另", "，", "："];
/// Words that join two measure phrases (`全年预算数与支出数`).
const JOINERS: &[&str] = &["与", "和", "及", "、"];

/// Measure phrases, longest first, with what each states in a final account and in a budget.
/// In a final account a bare `预算` is the 年初预算: the reports that say `“三公”经费…预算为 X`
/// compare each item with `年初预算` (gold NOTES, 002/003). In a budget, what was spent
/// (`执行数`, `决算`) is the previous year's.
const MEASURES: &[(&str, Measure, Measure)] = &[
    ("当年预算执行数", Measure::Final, Measure::PriorActual),
    ("预算执行数", Measure::Final, Measure::PriorActual),
    ("调整后预算数", Measure::FullYearBudget, Measure::Budget),
    ("调整后预算", Measure::FullYearBudget, Measure::Budget),
    ("年初预算数", Measure::InitialBudget, Measure::Budget),
    ("全年预算数", Measure::FullYearBudget, Measure::Budget),
    ("支出决算数", Measure::Final, Measure::PriorActual),
    ("支出预算数", Measure::InitialBudget, Measure::Budget),
    ("实际执行数", Measure::Final, Measure::PriorActual),
    ("年初预算", Measure::InitialBudget, Measure::Budget),
    ("全年预算", Measure::FullYearBudget, Measure::Budget),
    ("支出决算", Measure::Final, Measure::PriorActual),
    ("支出预算", Measure::InitialBudget, Measure::Budget),
    ("预算安排", Measure::InitialBudget, Measure::Budget),
    ("实际支出", Measure::Final, Measure::PriorActual),
    ("决算数", Measure::Final, Measure::PriorActual),
    ("预算数", Measure::InitialBudget, Measure::Budget),
    ("执行数", Measure::Final, Measure::PriorActual),
    ("支出数", Measure::Final, Measure::PriorActual),
    ("决算", Measure::Final, Measure::PriorActual),
    ("预算", Measure::InitialBudget, Measure::Budget),
];

fn strip_suffix_word<'t>(text: &'t str, words: &[&str]) -> Option<(&'t str, usize)> {
    words.iter().enumerate().find_map(|(i, w)| text.strip_suffix(w).map(|rest| (rest, i)))
}

/// The measure phrase a label ends with, taken off: the rest and what it states.
fn strip_measure(label: &str, phase: Phase) -> Option<(&str, Measure)> {
    MEASURES.iter().find_map(|&(w, final_m, budget_m)| {
        label.strip_suffix(w).map(|rest| (rest, if phase == Phase::Budget { budget_m } else { final_m }))
    })
}

/// Drops everything up to the last year (`2023年度…`), quote marks and the connectors
/// that open a clause.
pub fn bare_label(text: &str) -> String {
    let after_year = YEAR.find_iter(text).last().map_or(text, |m| text.get(m.end()..).unwrap_or(""));
    // Quote marks dropped by the run-copying helper `clean_name` uses (the curly ones start
    // with 0xE2): a label without them is copied whole, not character by character.
    let mut label = String::new();
    let quote = |_, c| matches!(c, '“' | '”' | '"' | '‘' | '’').then_some("");
    push_replacing(&mut label, after_year, |b| b == b'"' || b == 0xE2, quote);
    let mut rest: &str = &label;
    while let Some(after) = CONNECTORS.iter().find_map(|w| rest.strip_prefix(w)) {
        rest = after;
    }
    label.drain(..label.len() - rest.len());
    label
}

/// Takes apart the words before an amount.
pub fn lead(text: &str, phase: Phase) -> Lead {
    let (rest, copula) = match strip_suffix_word(text, COPULAS) {
        Some((rest, i)) => (rest, COPULAS.get(i).copied()),
        None => (text, None),
    };
    let respectively = copula.is_some_and(|w| w.starts_with("分别"));
    let copula = copula.is_some();
    let label = bare_label(rest);
    let (stripped, measures) = strip_measures(&label, phase);
    let stripped = stripped.to_string();
    // `因公出国（境）费 2026 年预算数`: the subject may stand before the year, the measure after.
    let before_year = if stripped.is_empty() { bare_label(before_year(rest)) } else { String::new() };
    if phase == Phase::Budget && budget_total(&label).is_some() {
        return Lead { label, measures: Vec::new(), respectively, copula, before_year };
    }
    Lead { label: stripped, measures, respectively, copula, before_year }
}

/// Measure phrases come off from the end, two when joined (`全年预算数与支出数`): the rest
/// and the measures, in the order printed.
fn strip_measures(label: &str, phase: Phase) -> (&str, Vec<Measure>) {
    let mut rest = label;
    let mut measures = Vec::new();
    while let Some((before, measure)) = strip_measure(rest, phase) {
        measures.insert(0, measure);
        rest = before;
        match strip_suffix_word(rest, JOINERS) {
            Some((before, _)) if strip_measure(before, phase).is_some() => rest = before,
            _ => break,
        }
    }
    (rest, measures)
}

/// The text before the first year a lead names, without the punctuation that ends a clause.
fn before_year(text: &str) -> &str {
    let head = YEAR.find(text).map_or("", |m| text.get(..m.start()).unwrap_or(""));
    head.trim_end_matches(|c: char| c.is_whitespace() || "，。,；;：:、".contains(c))
}

/// The words that may name a total's funds before it (`财政拨款收、支总计`), longest first.
const FUND_WORDS: &str = "一般公共预算财政拨款|一般公共预算拨款|一般公共预算|政府性基金预算财政拨款|政府性基金预算拨款|政府性基金拨款|政府性基金预算|国有资本经营预算财政拨款|国有资本经营预算拨款|国有资本经营预算|财政拨款|部门";

static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "(?:{FUND_WORDS})?(?:收、支总计|收支总计|收入支出总计|收、支合计|收入总计|支出总计|本年收入合计|本年支出合计|收入合计|支出合计)$"
    ))
    .expect("valid regex")
});
static SPENDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("(?:(?:一般公共预算|政府性基金预算|国有资本经营预算)(?:财政)?拨款|财政拨款|一般公共预算|政府性基金预算|国有资本经营预算)支出$")
        .expect("valid regex")
});
/// A fund's money named bare (`一般公共预算拨款`): a source in a list of revenue, the
/// spending of that money in a list under a spending total.
static FUND_MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("^(?:一般公共预算|政府性基金预算|国有资本经营预算)(?:财政)?拨款$").expect("valid regex")
});
static BUDGET_TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "(?:(?:{FUND_WORDS})?(?:收入预算|支出预算|收、?支总预算|收支预算总计)|本年预算|(?:^|部门|单位|财政拨款)(?:当年|本年)?预算(?:收入|支出))$"
    ))
        .expect("valid regex")
});
static REVENUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        "(?:(?:一般公共预算|政府性基金(?:预算)?|国有资本经营预算)?(?:财政)?拨款(?:本年)?收入|(?:一般公共预算|政府性基金预算|国有资本经营预算)收入|上级补助收入|事业单位经营收入|事业收入|经营收入|附属单位上缴收入|其他收入)$",
    )
    .expect("valid regex")
});
static SPLIT_TOTAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("(基本支出|项目支出|上缴上级支出|经营支出|对附属单位补助支出)$").expect("valid regex"));
static ECONOMIC_TOTAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^(?:其中)?(人员经费|公用经费)(?:合计)?$").expect("valid regex"));

/// What may stand before 基本支出 / 项目支出 when they name the split: nothing, a fund, a
/// year or the body (`一般公共预算财政拨款基本支出`, `本年项目支出`) — not a project's name
/// (`大厅保安和安检服务项目支出` is one project's spending).
fn names_a_split(before: &str) -> bool {
    const ENDS: &[&str] = &["拨款", "预算", "资金", "本年", "当年", "年度", "部门", "单位", "本级", "其中", "的", "明"];
    before.is_empty() || ENDS.iter().any(|w| before.ends_with(w))
}

/// The fund scope a total's own words name.
pub fn own_scope(name: &str) -> FundScope {
    if name.contains("一般公共预算") {
        FundScope::Gpb
    } else if name.contains("政府性基金") {
        FundScope::GovFund
    } else if name.contains("国有资本经营") {
        FundScope::SoeCapital
    } else if name.contains("财政拨款") {
        FundScope::Fiscal
    } else {
        FundScope::All
    }
}

pub fn total(name: &str, split: Split) -> Subject {
    Subject { split, scope: Some(own_scope(name)), ..Subject::new(Dimension::Total, 0, clean_name(name)) }
}

/// A budget document's totals, named with 预算 (`部门收入预算`, `财政拨款收支总预算`, `本年预算`).
pub fn budget_total(label: &str) -> Option<Subject> {
    // `财政拨款基本支出预算` is the 基本支出 total, its 预算 a measure word.
    if label.ends_with("基本支出预算") || label.ends_with("项目支出预算") {
        return None;
    }
    // `本部门当年预算收入` is named `部门预算收入`, as `深圳市信访局部门预算收入` is.
    BUDGET_TOTAL.find(label).map(|m| total(&m.as_str().replacen("当年", "", 1), Split::Total))
}

/// Labels with a fixed meaning: totals, revenue sources, 人员经费 / 公用经费, 基本支出 /
/// 项目支出. `phase` decides whether `…预算` names a budget total.
pub fn fixed(label: &str, phase: Phase) -> Option<Subject> {
    // Every pattern below is anchored at the label's end, on one of these words: a label
    // that ends otherwise (most do) runs none of them.
    let ends = |word: &str| label.ends_with(word);
    if !(ends("计") || ends("支出") || ends("收入") || ends("费") || ends("算")) {
        return None;
    }
    if let Some(c) = ECONOMIC_TOTAL.captures(label).and_then(|c| c.get(1)) {
        return Some(Subject::new(Dimension::Economic, 0, c.as_str()));
    }
    if !ends("支出") && !ends("计") && !ends("收入") {
        return (phase == Phase::Budget).then(|| budget_total(label)).flatten();
    }
    if let Some(m) = SPLIT_TOTAL.captures(label).and_then(|c| c.get(1))
        && names_a_split(label.get(..m.start()).unwrap_or(""))
    {
        let split = match m.as_str() {
            "基本支出" => Split::Basic,
            "项目支出" => Split::Project,
            "上缴上级支出" => Split::RemitSuperior,
            "经营支出" => Split::Operating,
            _ => Split::SubsidyAffiliates,
        };
        let whole = label.get(..m.end()).unwrap_or("");
        return Some(Subject { scope: Some(own_scope(whole)), ..total(m.as_str(), split) });
    }
    if let Some(m) = TOTAL.find(label).or_else(|| SPENDING.find(label)) {
        return Some(total(m.as_str(), Split::Total));
    }
    if phase == Phase::Budget
        && let Some(s) = budget_total(label)
    {
        return Some(s);
    }
    REVENUE.find(label).map(|m| Subject::new(Dimension::Revenue, 1, clean_name(m.as_str())))
}

/// A fund's money named bare (`一般公共预算拨款`): a source in a revenue list, that fund's
/// spending under a spending total.
pub fn is_fund_money(label: &str) -> bool {
    FUND_MONEY.is_match(label)
}

/// A 三公 label as the gold names it, in the document's bracket style; `None` for what is not
/// one of the items (燃料费, a 国内公务接待 sub-breakdown, 公务用车保有量).
pub fn three_public(label: &str) -> Option<Subject> {
    let has = |w: &str| label.contains(w);
    if has("国内") || has("外宾") || has("境外") || has("国外") {
        return None;
    }
    // `公务用车`, and the `公务车` some reports print.
    let vehicle = has("公务用车") || has("公务车");
    let tp = |level: u8, name: &str| Some(Subject::new(Dimension::ThreePublic, level, name));
    if has("三公") {
        tp(0, "三公经费")
    } else if has("因公出国") {
        tp(1, if label.contains('（') { "因公出国（境）费" } else { "因公出国(境)费" })
    } else if vehicle && has("购置") && has("运行") {
        tp(1, "公务用车购置及运行费")
    } else if vehicle && has("购置") {
        tp(2, "公务用车购置费")
    } else if vehicle && has("运行") {
        tp(2, "公务用车运行费")
    } else if has("公务接待") {
        tp(1, "公务接待费")
    } else if has("会议费") || has("培训费") {
        // Printed beside the 三公 (`“三公”经费、会议费、培训费`), level 0 as in the tables.
        tp(0, if has("会议费") { "会议费" } else { "培训费" })
    } else {
        None
    }
}

/// A code printed before the name (`2011301-行政运行`, `301 工资福利支出`) or after it in
/// brackets (`行政运行（2010801）`).
static CODED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:(\d{3,7})[-—－–]?(\D.*)|(\D.*?)[（(](\d{3,7})[)）])$").expect("valid regex"));

/// A label that prints its item's code: the code and the name.
pub fn coded(label: &str) -> Option<(Code, &str)> {
    let caps = CODED.captures(label)?;
    let (code, name) = match (caps.get(1), caps.get(2), caps.get(3), caps.get(4)) {
        (Some(code), Some(name), _, _) | (_, _, Some(name), Some(code)) => (code, name),
        _ => return None,
    };
    Some((Code::parse(code.as_str())?, name.as_str()))
}

/// Words after 人员经费 / 公用经费 that open its breakdown (`主要包括：`, `其中`).
pub fn breaks_down(lead: &str) -> bool {
    ["包括", "其中", "：", ":", "如下", "具体"].iter().any(|w| lead.contains(w))
}

/// `收、支分别为 X、Y`: the parts of a compound total, each named in full (`收入总计`,
/// `支出总计`, or with the label's own prefix and suffix: `财政拨款收入合计`).
pub fn compound_parts(label: &str) -> Option<Vec<Subject>> {
    let caps = COMPOUND.captures(label)?;
    let prefix = caps.get(1).map_or("", |m| m.as_str());
    let suffix = caps.get(2).map_or("总计", |m| m.as_str());
    Some(["收入", "支出"].iter().map(|w| total(&format!("{prefix}{w}{suffix}"), Split::Total)).collect())
}

static COMPOUND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("^((?:{FUND_WORDS})?)收[、和与]?支(总计|合计)?$")).expect("valid regex"));

/// `支出` after `财政拨款收入总计 X、`: the same total on the other side.
pub fn other_side(label: &str, before: &Subject) -> Option<Subject> {
    if before.dimension != Dimension::Total {
        return None;
    }
    let name = match label {
        "支出" if before.name.contains("收入") => before.name.replacen("收入", "支出", 1),
        "收入" if before.name.contains("支出") => before.name.replacen("支出", "收入", 1),
        _ => return None,
    };
    Some(total(&name, before.split))
}

/// Words that say a clause is about a change, a share, or something the narrative facts
/// leave out, wherever they stand in the clause.
const NOT_A_FIGURE: &[&str] = &[
    "增加",
    "减少",
    "增长",
    "下降",
    "降低",
    "增减",
    "持平",
    "一致",
    "相比",
    "同比",
    "较上年",
    "上升",
    "节约",
    "超支",
    "采购",
    "机关运行",
    "资产",
    "合同",
];

/// True when the clause states a change, a comparison or an out-of-scope figure.
pub fn is_not_a_figure(clause: &str) -> bool {
    // One pass over the clause for all the words, not one per word.
    static WORDS: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(NOT_A_FIGURE).expect("literal words build an automaton"));
    WORDS.is_match(clause)
}

/// Words that a bare item name never contains.
const NOT_A_NAME: &[&str] =
    &["为", "是", "用于", "包括", "主要", "其中", "占", "比", "较", "约", "预计", "申请", "完成", "金额", "合计"];

/// A label that can be a bare item name: words only, of a sensible length.
pub fn is_name_like(label: &str) -> bool {
    let n = label.chars().count();
    (2..=30).contains(&n)
        && !label.chars().any(|c| c.is_ascii_digit() || "，。,；;：:、！？!?%％".contains(c))
        && !NOT_A_NAME.iter().any(|w| label.contains(w))
}

/// Labels that point back to the subject just named (`…，金额为 1.14 万元`).
pub fn is_anaphoric(label: &str) -> bool {
    matches!(label, "" | "金额" | "数额" | "共计" | "合计" | "支出" | "资金" | "经费")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead_of(text: &str) -> (String, Vec<Measure>) {
        let l = lead(text, Phase::Final);
        (l.label, l.measures)
    }

    #[test]
    fn measure_words_come_off_the_label() {
        assert_eq!(
            lead_of("2023年度一般公共预算财政拨款支出年初预算为"),
            ("一般公共预算财政拨款支出".into(), vec![Measure::InitialBudget])
        );
        assert_eq!(lead_of("支出决算为"), ("".into(), vec![Measure::Final]));
        assert_eq!(
            lead_of("“三公”经费财政拨款支出全年预算为"),
            ("三公经费财政拨款支出".into(), vec![Measure::FullYearBudget])
        );
        assert_eq!(
            lead_of("因公出国(境)费全年预算数与支出数均为"),
            ("因公出国(境)费".into(), vec![Measure::FullYearBudget, Measure::Final])
        );
        assert_eq!(lead_of("其中：财政拨款收入"), ("财政拨款收入".into(), vec![]));
    }

    #[test]
    fn a_budget_keeps_its_budget_totals_and_reads_prior_year_figures() {
        let l = lead("2023年部门收入预算", Phase::Budget);
        assert_eq!((l.label.as_str(), l.measures.len()), ("部门收入预算", 0));
        let l = lead("2023年当年预算执行数为", Phase::Budget);
        assert_eq!((l.label.as_str(), l.measures.as_slice()), ("", &[Measure::PriorActual][..]));
        let l = lead("2024年预算安排", Phase::Budget);
        assert_eq!(l.measures, [Measure::Budget]);
    }

    #[test]
    fn fixed_labels_are_named_as_the_gold_names_them() {
        let name = |l: &str| fixed(l, Phase::Final).map(|s| (s.name, s.dimension, s.split, s.scope));
        assert_eq!(
            name("明一般公共预算财政拨款基本支出"),
            Some(("基本支出".into(), Dimension::Total, Split::Basic, Some(FundScope::Gpb)))
        );
        assert_eq!(name("财政拨款收、支总计").map(|n| n.0), Some("财政拨款收、支总计".into()));
        assert_eq!(name("本年收入合计").map(|n| n.0), Some("本年收入合计".into()));
        assert_eq!(name("一般公共预算财政拨款支出").map(|n| n.3), Some(Some(FundScope::Gpb)));
        assert_eq!(name("一般公共预算财政拨款本年收入").map(|n| n.1), Some(Dimension::Revenue));
        assert_eq!(name("人员经费").map(|n| n.1), Some(Dimension::Economic));
        assert_eq!(name("社会保障和就业支出"), None);
        assert_eq!(name("项目支出主要用于数据中心建设项目"), None);
        assert_eq!(name("大厅保安和安检服务项目支出"), None, "one project's spending");
        assert_eq!(name("本年项目支出").map(|n| n.2), Some(Split::Project));
        assert_eq!(fixed("财政拨款收支总预算", Phase::Budget).map(|s| s.scope), Some(Some(FundScope::Fiscal)));
        assert_eq!(fixed("本年预算", Phase::Final), None);
    }

    #[test]
    fn three_public_items_take_the_standard_names() {
        let name = |l: &str| three_public(l).map(|s| (s.name, s.level));
        assert_eq!(name("公务用车购置费用"), Some(("公务用车购置费".into(), Some(2))));
        assert_eq!(name("公务用车购置及运行维护费"), Some(("公务用车购置及运行费".into(), Some(1))));
        assert_eq!(name("因公出国（境）费支出"), Some(("因公出国（境）费".into(), Some(1))));
        assert_eq!(name("公务接待"), Some(("公务接待费".into(), Some(1))));
        assert_eq!(name("国内公务接待支出"), None);
        assert_eq!(name("燃料费"), None);
    }

    #[test]
    fn a_printed_code_comes_off_the_name() {
        let code = |l: &str| coded(l).map(|(c, n)| (c.as_str().to_string(), n.to_string()));
        assert_eq!(code("2011301-行政运行"), Some(("2011301".into(), "行政运行".into())));
        assert_eq!(code("行政运行（2010801）"), Some(("2010801".into(), "行政运行".into())));
        assert_eq!(code("工资福利支出(301)"), Some(("301".into(), "工资福利支出".into())));
        assert_eq!(code("住房公积金"), None);
        assert_eq!(code("2026行政运行"), None, "four digits are no code");
    }

    #[test]
    fn compound_totals_and_the_other_side() {
        let parts: Vec<String> = compound_parts("收、支").unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(parts, ["收入总计", "支出总计"]);
        let before = fixed("财政拨款收入总计", Phase::Final).unwrap();
        assert_eq!(other_side("支出", &before).map(|s| s.name), Some("财政拨款支出总计".into()));
    }
}
