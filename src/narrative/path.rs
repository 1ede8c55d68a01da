//! 类/款/项 paths as prose prints them.
//!
//! Takes text such as `一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）`;
//! gives [`Path`]s: the leaf's name and level (类 1, 款 2, 项 3) and the names of its
//! ancestors, outermost first, each cleaned like a table row name (`一般公共服务（类）支出` →
//! `一般公共服务支出`). A [`Glossary`] collects every path a document prints anywhere — its
//! 名词解释 lists the items it uses — so that an item the figures name bare
//! (`其他政府办公厅（室）及相关机构事务支出 1070.79 万元`) can take its level and path from
//! there. Does not resolve codes.

use std::sync::LazyLock;

use regex::Regex;

use crate::FastMap;
use crate::codes::book::match_key;
use crate::normalize::clean_name;

/// A function item with its place in the classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub name: String,
    pub level: u8,
    /// Ancestor names, outermost first.
    pub ancestors: Vec<String>,
}

static MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[(（]([类款项])[)）]").expect("valid regex"));

/// Characters that a path's first name cannot reach back over.
fn stops_name(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '，' | '。'
                | ','
                | '；'
                | ';'
                | '：'
                | ':'
                | '、'
                | '！'
                | '？'
                | '!'
                | '?'
                | '“'
                | '”'
                | '"'
                | '\''
                | '‘'
                | '’'
                | '%'
                | '％'
                | '.'
                | '．'
                | '-'
                | '—'
        )
        || c == super::flow::BREAK
}

fn level_of(marker: &str) -> u8 {
    match marker {
        "类" => 1,
        "款" => 2,
        _ => 3,
    }
}

/// One name of a path with the byte range of its text and marker.
struct Segment {
    name: String,
    level: u8,
    start: usize,
    end: usize,
}

/// Every marked name in `text`, with where it starts (reaching back to the previous marker
/// or to punctuation) and where its marker ends.
fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for caps in MARKER.captures_iter(text) {
        let (Some(whole), Some(word)) = (caps.get(0), caps.get(1)) else { continue };
        let floor = out.last().map_or(0, |s| s.end);
        let before = text.get(floor..whole.start()).unwrap_or("");
        let start =
            before.char_indices().rev().find(|&(_, c)| stops_name(c)).map_or(floor, |(i, c)| floor + i + c.len_utf8());
        let raw = text.get(start..whole.start()).unwrap_or("");
        out.push(Segment { name: raw.to_string(), level: level_of(word.as_str()), start, end: whole.end() });
    }
    out
}

/// Groups adjacent segments into paths: a segment continues the previous one when it starts
/// where that one's marker ends. A bare `支出` after a 类 marker belongs to the 类's name
/// (`一般公共服务（类）支出`).
fn chains(text: &str) -> Vec<(Vec<Segment>, usize)> {
    let mut out: Vec<(Vec<Segment>, usize)> = Vec::new();
    for mut seg in segments(text) {
        let continues = out.last().is_some_and(|(c, _)| c.last().is_some_and(|p| p.end == seg.start));
        if continues
            && let Some((chain, _)) = out.last_mut()
            && let Some(prev) = chain.last_mut()
            && let Some(rest) = seg.name.strip_prefix("支出")
            && !prev.name.ends_with("支出")
        {
            prev.name.push_str("支出");
            seg.name = rest.to_string();
        }
        if continues && let Some((chain, end)) = out.last_mut() {
            *end = seg.end;
            chain.push(seg);
        } else {
            let end = seg.end;
            out.push((vec![seg], end));
        }
    }
    for (chain, end) in out.iter_mut() {
        let tail = text.get(*end..).unwrap_or("");
        if tail.starts_with("支出")
            && let Some(last) = chain.last_mut()
            && !last.name.ends_with("支出")
        {
            // After a 款 or 项 the word is the verb's (`行政运行（项）支出 2,342 万元`), except
            // for the residual items, whose names end in it (`其他…事务（项）支出`).
            if last.level == 1 || clean_name(&last.name).starts_with("其他") {
                last.name.push_str("支出");
            }
            *end += "支出".len();
        }
    }
    out
}

fn to_path(chain: &[Segment]) -> Option<Path> {
    let (leaf, above) = chain.split_last()?;
    let name = clean_name(&leaf.name);
    if name.is_empty() {
        return None;
    }
    Some(Path { name, level: leaf.level, ancestors: above.iter().map(ancestor_name).collect() })
}

/// An ancestor's name as the classification prints it. Every 类 name ends in 支出; prose
/// often shortens it (`一般公共服务（类）政府办公厅…`), which code resolution would not match.
fn ancestor_name(s: &Segment) -> String {
    let name = clean_name(&s.name);
    if s.level == 1 && !name.ends_with("支出") { format!("{name}支出") } else { name }
}

/// The path that a label ends with, if it ends with a marked name (or its `支出` tail).
pub fn ending_path(label: &str) -> Option<Path> {
    let (chain, end) = chains(label).pop()?;
    if end != label.len() {
        return None;
    }
    to_path(&chain)
}

/// Every path a document prints, by leaf name.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    by_leaf: FastMap<String, Path>,
}

/// A bare name matches a printed leaf worded slightly differently when the leaf's characters
/// appear in it in order, with the same first and last two characters, and cover this much of
/// it (`其他巩固脱贫衔接乡村振兴支出` in `其他巩固脱贫攻坚成果衔接乡村振兴支出`).
const VARIANT_COVER: f64 = 0.7;

impl Glossary {
    /// Collects the paths of a text (a whole document's prose, joined).
    pub fn from_text(text: &str) -> Glossary {
        let mut g = Glossary::default();
        for (chain, _) in chains(text) {
            for k in 1..=chain.len() {
                if let Some(path) = chain.get(..k).and_then(to_path) {
                    g.by_leaf.entry(match_key(&path.name)).or_insert(path);
                }
            }
        }
        g
    }

    /// The path the document prints for a bare name, exactly or in a close wording.
    pub fn find(&self, name: &str) -> Option<&Path> {
        let key = match_key(name);
        if let Some(p) = self.by_leaf.get(&key) {
            return Some(p);
        }
        let mut close = self.by_leaf.iter().filter(|(leaf, _)| is_variant(leaf, &key));
        match (close.next(), close.next()) {
            (Some((_, p)), None) => Some(p),
            _ => None,
        }
    }
}

fn is_variant(leaf: &str, name: &str) -> bool {
    let l: Vec<char> = leaf.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let ends = l.len() >= 4 && l.get(..2) == n.get(..2) && l.get(l.len() - 2..) == n.get(n.len().saturating_sub(2)..);
    let mut rest = n.iter();
    let in_order = l.iter().all(|c| rest.any(|d| d == c));
    ends && in_order && l.len() as f64 >= VARIANT_COVER * n.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str, level: u8, ancestors: &[&str]) -> Path {
        Path { name: name.into(), level, ancestors: ancestors.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn a_full_path_gives_its_leaf_and_ancestors() {
        let p = ending_path("1.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）");
        assert_eq!(p, Some(path("事业运行", 3, &["一般公共服务支出", "政府办公厅（室）及相关机构事务"])));
    }

    #[test]
    fn a_class_marker_inside_the_name_and_ascii_brackets() {
        assert_eq!(ending_path("主要用于以下方面：一般公共服务（类）支出"), Some(path("一般公共服务支出", 1, &[])));
        assert_eq!(ending_path("会保障和就业(类)支出"), Some(path("会保障和就业支出", 1, &[])));
        assert_eq!(ending_path("住房改革支出（类）"), Some(path("住房改革支出", 1, &[])));
    }

    #[test]
    fn a_kuan_alone_and_text_after_the_marker() {
        assert_eq!(ending_path("科学技术支出（类）研究与开发（款）"), Some(path("研究与开发", 2, &["科学技术支出"])));
        assert_eq!(ending_path("事业运行（项）主要用于"), None);
        assert_eq!(ending_path("审计事务（款）行政运行（项）支出"), Some(path("行政运行", 3, &["审计事务"])));
        assert_eq!(
            ending_path("其他政府办公厅（室）及相关机构事务（项）支出").map(|p| p.name),
            Some("其他政府办公厅（室）及相关机构事务支出".into())
        );
        assert_eq!(ending_path("没有标记"), None);
    }

    #[test]
    fn the_glossary_finds_exact_and_close_wordings() {
        let g = Glossary::from_text(
            "名词解释：2.一般公共服务（类）政府办公厅（室）及相关机构事务（款）其他政府办公厅（室）及相关机构事务支出（项）：反映…\
             6.农林水支出(类)巩固脱贫衔接乡村振兴(款)其他巩固脱贫衔接乡村振兴支出(项):反映",
        );
        let p = g.find("其他政府办公厅（室）及相关机构事务支出").unwrap();
        assert_eq!((p.level, p.ancestors.len()), (3, 2));
        let p = g.find("其他巩固脱贫攻坚成果衔接乡村振兴支出").unwrap();
        assert_eq!(p.ancestors, ["农林水支出", "巩固脱贫衔接乡村振兴"]);
        assert!(g.find("其他支出").is_none());
        assert_eq!(g.find("农林水支出").map(|p| p.level), Some(1));
    }
}
