//! A code book: classification codes with their names, looked up by name and path.
//!
//! Takes (code, name) pairs — from the bundled reference, or from the codes a report prints;
//! gives [`CodeBook::find`], which resolves a row's name, level and ancestor names (类 → 款 →
//! 项) to one code, or says that it is ambiguous or unknown. A leaf name alone is enough only
//! when it is unique in the book at that level; otherwise the path decides (`事业运行` is
//! under many 款). Does not know where its pairs came from.

use crate::FastMap;
use crate::model::Code;
use crate::normalize::push_replacing;

/// A name as matched: brackets of either width and quote marks are the same, and so are the
/// two spellings of 其他 (`其它`, as some reports print it).
pub fn match_key(name: &str) -> String {
    let mut key = String::new();
    // What changes is ASCII or starts with one of these bytes: the rest is copied in runs.
    let lead = |b: u8| matches!(b, b'\t'..=b'\r' | b' ' | b'"' | 0xC2 | 0xE1..=0xE3 | 0xE5 | 0xEF);
    push_replacing(&mut key, name, lead, |at, c| match c {
        '（' => Some("("),
        '）' => Some(")"),
        '“' | '”' | '"' => Some(""),
        c if c.is_whitespace() => Some(""),
        '它' if name[..at].ends_with('其') => Some("他"),
        _ => None,
    });
    key
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    One(Code),
    /// Several codes fit equally well.
    Ambiguous(Vec<Code>),
    None,
}

/// Codes and their names.
#[derive(Debug, Clone, Default)]
pub struct CodeBook {
    names: FastMap<Code, Vec<String>>,
    by_name: FastMap<String, Vec<Code>>,
}

impl CodeBook {
    /// Adds a pair; a code may carry several names (editions and reports word it differently).
    pub fn insert(&mut self, code: &Code, name: &str) {
        let key = match_key(name);
        // A book is built from every row of every report: most pairs are already in it, and
        // the two maps always hold a pair together.
        if self.named(code, &key) {
            return;
        }
        self.names.entry(code.clone()).or_default().push(key.clone());
        self.by_name.entry(key).or_default().push(code.clone());
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn contains(&self, code: &Code) -> bool {
        self.names.contains_key(code)
    }

    fn named(&self, code: &Code, key: &str) -> bool {
        self.names.get(code).is_some_and(|n| n.iter().any(|k| k == key))
    }

    /// Resolves a leaf name at an optional level under an optional path of ancestor names
    /// (outermost first). With a path, the 类 (its first name) must match when the book knows
    /// it, and the candidate whose ancestors match the most path names wins.
    pub fn find(&self, leaf: &str, level: Option<u8>, path: &[String]) -> Found {
        let Some(candidates) = self.by_name.get(&match_key(leaf)) else {
            return Found::None;
        };
        let candidates: Vec<&Code> = candidates.iter().filter(|c| level.is_none_or(|l| c.level() == l)).collect();
        if candidates.is_empty() {
            return Found::None;
        }
        let scored: Vec<(usize, &Code)> =
            candidates.iter().filter_map(|c| self.path_score(c, path).map(|s| (s, *c))).collect();
        let Some(best) = scored.iter().map(|(s, _)| *s).max() else {
            return Found::None;
        };
        let mut winners: Vec<Code> = scored.into_iter().filter(|(s, _)| *s == best).map(|(_, c)| c.clone()).collect();
        winners.sort();
        winners.dedup();
        match winners.len() {
            1 => Found::One(winners.remove(0)),
            _ => Found::Ambiguous(winners),
        }
    }

    /// How many path names the candidate's ancestors carry, or `None` when its 类 is known
    /// under another name than the path's first.
    fn path_score(&self, code: &Code, path: &[String]) -> Option<usize> {
        let mut ancestors = Vec::new();
        let mut c = code.parent();
        while let Some(p) = c {
            c = p.parent();
            ancestors.push(p);
        }
        ancestors.reverse(); // outermost first, like the path
        if let (Some(first), Some(class)) = (path.first(), ancestors.first())
            && self.names.contains_key(class)
            && !self.named(class, &match_key(first))
        {
            return None;
        }
        let keys: Vec<String> = path.iter().map(|p| match_key(p)).collect();
        Some(ancestors.iter().filter(|a| keys.iter().any(|k| self.named(a, k))).count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn match_key_agrees_with_a_char_by_char_reference() {
        let reference = |name: &str| {
            let mut key = String::new();
            let mut prev = None;
            for c in name.chars() {
                match c {
                    '（' => key.push('('),
                    '）' => key.push(')'),
                    '“' | '”' | '"' => {}
                    c if c.is_whitespace() => {}
                    '它' if prev == Some('其') => key.push('他'),
                    c => key.push(c),
                }
                prev = Some(c);
            }
            key
        };
        const PIECES: &[&str] = &[
            "其", "它", "他", "（", "）", "(", "“", "”", "\"", "‘", " ", "\u{3000}", "\u{a0}", "支出", "费", "１", "a",
        ];
        let mut rng = Rng(0x06a7_c4e1);
        for _ in 0..20_000 {
            let n = (rng.next() % 10) as usize;
            let name = rng.text(PIECES, n);
            assert_eq!(match_key(&name), reference(&name), "on {name:?}");
        }
    }

    fn book(pairs: &[(&str, &str)]) -> CodeBook {
        let mut b = CodeBook::default();
        for (c, n) in pairs {
            b.insert(&Code::parse(c).unwrap(), n);
        }
        b
    }

    fn code(s: &str) -> Found {
        Found::One(Code::parse(s).unwrap())
    }

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_path_decides_between_equal_leaves() {
        let b = book(&[
            ("201", "一般公共服务支出"),
            ("20103", "政府办公厅（室）及相关机构事务"),
            ("2010350", "事业运行"),
            ("20113", "商贸事务"),
            ("2011350", "事业运行"),
        ]);
        assert!(matches!(b.find("事业运行", Some(3), &[]), Found::Ambiguous(_)));
        assert_eq!(
            b.find("事业运行", Some(3), &path(&["一般公共服务支出", "政府办公厅(室)及相关机构事务"])),
            code("2010350")
        );
        assert_eq!(b.find("事业运行", Some(3), &path(&["一般公共服务支出", "商贸事务"])), code("2011350"));
    }

    #[test]
    fn a_unique_leaf_survives_a_misnamed_kuan_but_not_a_wrong_class() {
        let b = book(&[
            ("206", "科学技术支出"),
            ("20604", "技术与开发"),
            ("2060404", "科技成果转化与扩散"),
            ("208", "社会保障和就业支出"),
        ]);
        assert_eq!(b.find("科技成果转化与扩散", Some(3), &path(&["科学技术支出", "研究与开发"])), code("2060404"));
        assert_eq!(b.find("科技成果转化与扩散", Some(3), &path(&["社会保障和就业支出", "研究与开发"])), Found::None);
    }

    #[test]
    fn variant_spellings_match() {
        let b = book(&[
            ("208", "社会保障和就业支出"),
            ("20805", "行政事业单位养老支出"),
            ("2080599", "其他行政事业单位养老支出"),
        ]);
        let path = path(&["社会保障和就业支出", "行政事业单位养老支出"]);
        assert_eq!(b.find("其它行政事业单位养老支出", Some(3), &path), code("2080599"));
    }

    #[test]
    fn level_filters_and_unknown_names_are_none() {
        let b = book(&[("20899", "其他社会保障和就业支出"), ("2089999", "其他社会保障和就业支出")]);
        assert_eq!(b.find("其他社会保障和就业支出", Some(2), &[]), code("20899"));
        assert!(matches!(b.find("其他社会保障和就业支出", None, &[]), Found::Ambiguous(v) if v.len() == 2));
        assert_eq!(b.find("不存在", None, &[]), Found::None);
    }
}
