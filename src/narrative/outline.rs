//! The shape of the prose: parts, numbered sections, sub-sections and list items.
//!
//! Takes the prose lines; gives the [`Block`]s of the in-scope part — the 情况说明 / 编制说明,
//! not the 概况, 名词解释, 绩效 or project parts — each a paragraph or list item joined into
//! one [`Flow`] and carrying what its headings say: the fund scope of its section (§一–§三
//! all funds, §四 财政拨款, §五/§六 一般公共预算, the 三公 section), whether it is about the
//! 三公经费, and whether its sub-section is about 基本支出 or 项目支出. Sections about
//! 机关运行经费, procurement, assets, performance or other matters give no block. Page-number
//! lines (`- 38 -`, a lone `10`), figure captions (`图 2：…`) and contents entries are left
//! out of the flow. Does not read sentences.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::flow::{BREAK, Flow};
use crate::normalize::{Line, squeeze};
use crate::vocab::{FundScope, Split};

/// What the headings above a block say about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The fund scope its numbered section names, if it names one.
    pub scope: Option<FundScope>,
    /// It is in a section or sub-section about the 三公经费.
    pub three_public: bool,
    /// Its sub-section is about 基本支出 or 项目支出: function items in it break that down.
    pub focus: Option<Split>,
}

/// A paragraph or list item of the in-scope prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub context: Context,
    pub flow: Flow,
}

/// What one line is, for the outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Blank, a page number, a figure caption or a contents entry.
    Noise,
    /// `第三部分 …情况说明`, or a title line such as `2024年部门预算编制说明`.
    Part,
    /// `一、…`
    Section,
    /// `（一）…`; its text after the marker starts at the byte given.
    Sub(usize),
    /// `1.`, `(1)`, `①`: a list item; its text starts at the byte given.
    Item(usize),
    Body,
}

static PAGE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-—–]?\s*(?:第\s*)?\d{1,3}\s*(?:页)?\s*[-—–]?$").expect("valid regex"));
static CAPTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^图\s*\d+\s*[:：.．]").expect("valid regex"));
static PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^第[一二三四五六七八九十]+部分").expect("valid regex"));
static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[一二三四五六七八九十]+\s*[、.．]").expect("valid regex"));
static SUB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[(（]\s*[一二三四五六七八九十]+\s*[)）]\s*").expect("valid regex"));
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d{1,2}\s*[、.．](?:\s*[^\d\s])|[(（]\s*\d{1,2}\s*[)）]|[①-⑳])").expect("valid regex")
});
/// A title line that starts a part without a `第X部分` number (layout text centres them).
static TITLE_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^，。,；;：:、()（）]{0,20}(?:说明)$").expect("valid regex"));

/// Parts about these are not the narrative of the figures: terms, the department's profile,
/// the tables themselves, performance, procurement, projects, other matters.
const PART_OUT: &[&str] =
    &["名词解释", "概况", "预算表", "决算表", "报表", "表格", "绩效", "采购", "项目", "重点工作", "需要说明", "附件"];
/// A part's title says it explains the figures (`…情况说明`, `…编制说明`, `收支总体情况`,
/// `“三公”经费预算情况`, `其他重要事项说明`).
const PART_IN: &[&str] = &["说明", "情况"];
/// Sections and sub-sections about these state no fact of the statements.
const SECTION_OUT: &[&str] = &[
    "机关运行",
    "采购",
    "资产",
    "绩效",
    "重要事项",
    "需要说明",
    "名词解释",
    "概况",
    "职责",
    "职能",
    "机构设置",
    "重点工作",
    "专项",
    "购买服务",
    "附件",
];
/// A heading line is continued by a next line this short (a wrapped `…说` / `明`).
const CONTINUATION_CHARS: usize = 6;

/// A line's text from its first word: markdown heading marks, list dashes and spaces off.
fn from_first_word(text: &str) -> &str {
    let mut t = text.trim_start().trim_start_matches('#').trim_start();
    // As `trim_start_matches("- ")`, without setting up a substring search for every line.
    while let Some(rest) = t.strip_prefix("- ") {
        t = rest;
    }
    t.trim_start()
}

/// The text of a line without markdown heading marks, list dashes and surrounding spaces.
fn bare(text: &str) -> &str {
    from_first_word(text).trim_end()
}

fn kind(line: &Line) -> Kind {
    let t = bare(&line.text);
    let Some(first) = t.chars().next() else { return Kind::Noise };
    // Every pattern is anchored at the line's first character: look at it before running any
    // (most prose lines start with none of these and skip all seven).
    let numeral = matches!(first, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十');
    let digit = first.is_ascii_digit();
    let bracket = matches!(first, '(' | '（');
    let offset = line.text.len() - from_first_word(&line.text).len();
    if is_noise(t, first) {
        Kind::Noise
    } else if (first == '第' && PART.is_match(t))
        || (t.ends_with("说明") && line.text.starts_with(' ') && TITLE_PART.is_match(t))
    {
        Kind::Part
    } else if numeral && SECTION.is_match(t) {
        Kind::Section
    } else if let Some(m) = bracket.then(|| SUB.find(t)).flatten() {
        Kind::Sub(offset + m.end())
    } else if let Some(m) = (digit || bracket || ('①'..='⑳').contains(&first)).then(|| ITEM.find(t)).flatten() {
        Kind::Item(offset + marker_end(m.as_str()))
    } else {
        Kind::Body
    }
}

/// Where an item marker ends: `1.` keeps the character after it that the pattern looked at.
fn marker_end(marker: &str) -> usize {
    if marker.starts_with(|c: char| c.is_ascii_digit()) {
        marker.char_indices().find(|(_, c)| matches!(c, '、' | '.' | '．')).map_or(0, |(i, c)| i + c.len_utf8())
    } else {
        marker.len()
    }
}

/// A page number, a figure's caption or a contents entry: not prose. `t` is the bare line,
/// `first` its first character.
fn is_noise(t: &str, first: char) -> bool {
    let page_number = (first.is_ascii_digit() || matches!(first, '-' | '—' | '–' | '第')) && PAGE_NUMBER.is_match(t);
    page_number || (first == '图' && CAPTION.is_match(t)) || is_contents_entry(t)
}

fn is_contents_entry(t: &str) -> bool {
    // One scan for the first bytes of the leaders (`.`, `…` E2 80 A6, `·` C2 B7), rather than
    // one per leader: this runs on every prose line.
    let bytes = t.as_bytes();
    memchr::memchr3_iter(b'.', 0xC2, 0xE2, bytes).any(|at| {
        let rest = &bytes[at..];
        ["……", "···", "...."].iter().any(|leader| rest.starts_with(leader.as_bytes()))
    })
}

/// A heading followed by a short line that finishes it (a wrapped `…说` / `明`): the
/// heading's full text and how many lines it took.
fn heading_text(lines: &[&Line], kinds: &[Kind], at: usize) -> (String, usize) {
    let mut text = squeeze(bare(lines.get(at).map_or("", |l| &l.text)));
    let next = kinds.iter().skip(at + 1).position(|k| *k != Kind::Noise).map(|p| at + 1 + p);
    // `第三部分` alone on its line: its title is the next line (`2026 年度部门预算情况说明`).
    if PART.find(&text).is_some_and(|m| text.get(m.end()..).unwrap_or("").trim_matches([':', '：']).is_empty())
        && let Some(j) = next
        && let Some(l) = lines.get(j)
    {
        text.push_str(&squeeze(bare(&l.text)));
        return (text, j + 1 - at);
    }
    if let Some(j) = next
        && let (Some(l), Some(k)) = (lines.get(j), kinds.get(j))
        && matches!(k, Kind::Body | Kind::Part)
        && !PART.is_match(bare(&l.text))
    {
        let t = squeeze(&l.text);
        let short = t.chars().count() <= CONTINUATION_CHARS;
        if short && !t.chars().any(|c| c.is_ascii_digit() || "，。,；;：:".contains(c)) {
            text.push_str(&t);
            return (text, j + 1 - at);
        }
    }
    (text, 1)
}

fn part_in_scope(title: &str) -> bool {
    PART_IN.iter().any(|w| title.contains(w)) && !PART_OUT.iter().any(|w| title.contains(w))
}

/// What a part's title says of its blocks: a part about the 三公经费 or about one fund
/// scope (`第五部分 财政拨款“三公”经费预算情况`) is read as a section about it would be.
fn part_context(title: &str) -> Context {
    match section_scope(title) {
        FundScope::All if !title.contains("三公") => Context::default(),
        scope => Context { scope: Some(scope), three_public: title.contains("三公"), focus: None },
    }
}

fn is_out(title: &str) -> bool {
    // One pass over the heading for all the words, not one per word.
    static WORDS: LazyLock<AhoCorasick> =
        LazyLock::new(|| AhoCorasick::new(SECTION_OUT).expect("literal words build an automaton"));
    WORDS.is_match(title)
}

/// The fund scope a section heading names.
fn section_scope(title: &str) -> FundScope {
    if title.contains("三公") {
        // `一般公共预算“三公”经费…` is that fund's; `财政拨款“三公”经费…` (or neither) fiscal,
        // as the 三公 tables are.
        if title.contains("一般公共预算") { FundScope::Gpb } else { FundScope::Fiscal }
    } else if title.contains("政府性基金") {
        FundScope::GovFund
    } else if title.contains("国有资本") {
        FundScope::SoeCapital
    } else if title.contains("一般公共预算") {
        FundScope::Gpb
    } else if title.contains("财政拨款") {
        FundScope::Fiscal
    } else {
        FundScope::All
    }
}

/// The outline walk's state.
#[derive(Default)]
struct Walk {
    in_part: bool,
    /// What the current section heading says.
    section: Context,
    section_out: bool,
    /// What the current sub-section says (the section's context until one starts).
    sub: Context,
    sub_out: bool,
    block: Option<Block>,
    /// The open block is a sub-section's first: its heading sentence is read when it closes.
    heading_block: bool,
    out: Vec<Block>,
}

impl Walk {
    fn close(&mut self) {
        let Some(mut b) = self.block.take() else { return };
        if std::mem::take(&mut self.heading_block) {
            self.settle_sub(&mut b);
        }
        if !b.flow.is_empty() && !self.sub_out {
            self.out.push(b);
        }
    }

    /// Starts a block: a sub-section's first (which takes the section's context until its
    /// heading sentence is read), or a paragraph or item of the current sub-section.
    fn open(&mut self, heading: bool) {
        self.close();
        if heading {
            self.sub = self.section;
            self.sub_out = false;
        }
        self.block = Some(Block { context: self.sub, flow: Flow::default() });
        self.heading_block = heading;
    }

    /// A sub-section's title — its first words, up to a figure or punctuation — says what
    /// it is about (the explanation that may follow in the same sentence does not).
    fn settle_sub(&mut self, b: &mut Block) {
        let text = b.flow.text();
        let head = text.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '年' | '度' | '、'));
        let title_end = head.find(|c: char| c.is_ascii_digit() || "，。,；;：:、".contains(c) || c == BREAK);
        let head = head.get(..title_end.unwrap_or(head.len())).unwrap_or("");
        self.sub_out = is_out(head);
        b.context.focus = if head.starts_with("基本支出") {
            Some(Split::Basic)
        } else if head.starts_with("项目支出") {
            Some(Split::Project)
        } else {
            None
        };
        b.context.three_public |= head.contains("三公");
        // `（四）财政拨款收支预算情况` under a section about all funds: its own scope.
        let scope = section_scope(head);
        if scope.within(b.context.scope.unwrap_or(FundScope::All)) {
            b.context.scope = Some(scope);
        }
        self.sub = b.context;
    }

    fn push(&mut self, line: &Line, skip: usize) {
        if !self.in_part || self.section_out || self.sub_out && !self.heading_block {
            return;
        }
        if let Some(b) = self.block.as_mut() {
            b.flow.push(line, skip);
            if ends_title(&line.text) {
                b.flow.push_break();
            }
        }
    }

    /// A part or section heading: what it says replaces what the last one said.
    fn heading(&mut self, title: &str, part: bool) {
        self.close();
        if part {
            self.in_part = part_in_scope(title);
            self.section = part_context(title);
            self.section_out = false;
        } else {
            self.section_out = is_out(title);
            self.section =
                Context { scope: Some(section_scope(title)), three_public: title.contains("三公"), focus: None };
        }
        self.sub = self.section;
        self.sub_out = false;
    }
}

/// The section headings that name one unit (`二、深圳市劳动人事争议仲裁院`) in a part that
/// has several: each such section gives one unit's figures, not the department's. A part
/// with one (the department itself) is read as usual.
fn unit_sections(lines: &[&Line], kinds: &[Kind]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut part: Vec<usize> = Vec::new();
    let flush = |part: &mut Vec<usize>, out: &mut Vec<bool>| {
        if part.len() >= 2 {
            for &i in part.iter() {
                if let Some(o) = out.get_mut(i) {
                    *o = true;
                }
            }
        }
        part.clear();
    };
    for (i, (line, kind)) in lines.iter().zip(kinds).enumerate() {
        match kind {
            Kind::Part => flush(&mut part, &mut out),
            Kind::Section => {
                let t = bare(&line.text);
                let title = SECTION.find(t).map_or(t, |m| t.get(m.end()..).unwrap_or(""));
                if crate::lexicon::names_a_body(title) {
                    part.push(i);
                }
            }
            _ => {}
        }
    }
    flush(&mut part, &mut out);
    out
}

/// Cuts the prose into blocks (see the module doc).
pub fn blocks(prose: &[&[Line]]) -> Vec<Block> {
    let lines: Vec<&Line> = prose.iter().flat_map(|run| run.iter()).collect();
    let kinds: Vec<Kind> = lines.iter().map(|l| kind(l)).collect();
    let by_unit = unit_sections(&lines, &kinds);
    let is_scoped_part =
        |i: usize| kinds.get(i) == Some(&Kind::Part) && part_in_scope(&heading_text(&lines, &kinds, i).0);
    let mut walk = Walk { in_part: !(0..lines.len()).any(is_scoped_part), ..Walk::default() };
    let mut i = 0;
    while let (Some(line), Some(&k)) = (lines.get(i), kinds.get(i)) {
        let mut used = 1;
        match k {
            Kind::Noise => {}
            Kind::Part | Kind::Section => {
                let (title, n) = heading_text(&lines, &kinds, i);
                used = n;
                walk.heading(&title, k == Kind::Part);
                walk.section_out |= by_unit.get(i).copied().unwrap_or(false);
            }
            Kind::Sub(at) | Kind::Item(at) => {
                walk.open(matches!(k, Kind::Sub(_)));
                walk.push(line, at);
            }
            Kind::Body => {
                if walk.block.is_none() {
                    walk.open(false);
                }
                walk.push(line, 0);
            }
        }
        i += used;
    }
    walk.close();
    walk.out
}

/// A line that ends like a heading (`…情况说明`, `…具体情况`, `…如下：`) ends its sentence,
/// even without a full stop, so that the paragraph below it is read on its own.
fn ends_title(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(['。', '.']);
    t.ends_with("说明") || t.ends_with("情况") || t.ends_with("如下：") || t.ends_with("如下:")
}

/// The whole prose as one text, noise lines left out: where the glossary looks for the
/// 类/款/项 paths the document prints.
pub fn joined(prose: &[&[Line]]) -> String {
    let mut flow = Flow::default();
    for line in prose.iter().flat_map(|run| run.iter()) {
        let t = bare(&line.text);
        // Only the noise matters here: the full `kind` would also try every heading pattern.
        if t.chars().next().is_some_and(|first| !is_noise(t, first)) {
            flow.push(line, 0);
        }
    }
    flow.text().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;

    fn outline(text: &str) -> Vec<(Context, String)> {
        let lines = normalize::lines(text);
        blocks(&[&lines]).into_iter().map(|b| (b.context, b.flow.text().to_string())).collect()
    }

    #[test]
    fn a_wrapped_heading_sets_its_scope_and_noise_lines_are_dropped() {
        let got = outline(
            "六、一般公共预算财政拨款基本支出决算情况说\n\n明\n\n- 38 -\n基本支出 1 万元，\n10\n图 2：结构\n其中。",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.scope, Some(FundScope::Gpb));
        assert_eq!(got[0].1, "基本支出1万元，其中。");
    }

    #[test]
    fn an_item_keeps_its_text_whatever_trails_it_and_takes_its_sub_sections_focus() {
        let got = outline("三、支出安排\n(二)项目支出 5 万元。其中：\n1.事业运行 5 万元。   \n");
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["项目支出5万元。其中：", "事业运行5万元。"]);
        assert!(got.iter().all(|(c, _)| c.focus == Some(Split::Project) && c.scope == Some(FundScope::All)));
    }

    #[test]
    fn out_of_scope_parts_sections_and_sub_sections_give_nothing() {
        let text = "第一部分 概况\n收入 1 万元。\n第三部分 部门决算情况说明\n十、机关运行经费支出情况\n2 万元。\n\
                    九、“三公”经费支出情况\n（一）政府采购情况\n3 万元。\n（二）三公经费情况\n4 万元。";
        let got = outline(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.three_public && got[0].1.starts_with("三公经费情况"));
    }

    #[test]
    fn a_sub_section_is_judged_by_its_title_not_by_its_explanation() {
        let got =
            outline("九、三公经费情况\n（二）、公务用车购置费 5 万元，主要原因是采购车辆。\n（三）政府采购 6 万元。");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].1.starts_with("、公务用车购置费"));
    }

    #[test]
    fn a_centred_title_starts_a_part_in_layout_text() {
        let got =
            outline("三、名词解释\n基本支出 1 万元。\n            2024年部门预算编制说明\n    收入预算 2 万元。\n");
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["收入预算2万元。"]);
        assert_eq!(got[0].0.scope, None);
    }
}
