//! Text to clean, numbered lines.
//!
//! Takes a document's decoded text; gives its [`Line`]s, each with its 1-based number as
//! `sed -n Np` counts it and its page where the input marks pages (`\f`, or a
//! `-- PAGE_BREAK --` line). Each line's text has HTML tags (`<b>`, `<input …>`), markdown
//! emphasis, superscript footnote markers (`^{2.}`, `²⁷`) and carriage returns removed,
//! full-width digits made ASCII, and odd spaces made plain. Does not split cells or read
//! numbers: a line keeps its tabs and runs of spaces for the table parser.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// One line of the document, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the source file.
    pub no: u32,
    /// 1-based page, when the input marks pages.
    pub page: Option<u16>,
    pub text: String,
}

impl Line {
    /// True for a line with nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

const PAGE_BREAK: &str = "-- PAGE_BREAK --";
const FORM_FEED: char = '\u{c}';

/// Splits and cleans a document. A line that holds a form feed is split there, so one source
/// line may give several [`Line`]s with the same number and successive pages.
pub fn lines(text: &str) -> Vec<Line> {
    let paged = text.contains(FORM_FEED) || text.contains(PAGE_BREAK);
    let mut page: u16 = 1;
    let mut out = Vec::with_capacity(text.len() / 40);
    for (i, raw) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if raw.trim() == PAGE_BREAK {
            page = page.saturating_add(1);
            continue;
        }
        let parts = raw.split(FORM_FEED).count();
        for (k, part) in raw.split(FORM_FEED).enumerate() {
            if k > 0 {
                page = page.saturating_add(1);
            }
            // A form feed starts no line: the empty side of one gives no line of its own.
            if parts > 1 && part.trim().is_empty() {
                continue;
            }
            out.push(Line { no, page: paged.then_some(page), text: clean(part).into_owned() });
        }
    }
    out
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").expect("valid regex"));
static CARET_SUPERSCRIPT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\^\{[^{}]{0,8}\}").expect("valid regex"));

/// Cleans one line (see the module doc).
pub fn clean(raw: &str) -> Cow<'_, str> {
    let needs_work = raw.bytes().any(|b| matches!(b, b'<' | b'^' | b'*' | b'\r')) || !raw.is_ascii();
    if !needs_work {
        return Cow::Borrowed(raw);
    }
    let text = TAG.replace_all(raw, "");
    let text = CARET_SUPERSCRIPT.replace_all(&text, "");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' | '*' => {}
            '\u{FF10}'..='\u{FF19}' => out.push(char::from(b'0' + (c as u32 - 0xFF10) as u8)),
            '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{3000}' => out.push(' '),
            '\u{200b}' | '\u{feff}' => {}
            c if is_superscript_digit(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

static ORDINAL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:-|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?:\D|$)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])",
    )
    .expect("valid regex")
});
static LEVEL_MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[(（][类款项][)）]").expect("valid regex"));

/// A row or item name as the output keeps it: whitespace (line wraps, OCR gaps) removed,
/// ordinal prefixes (`一、`, `1.`, `(1)`, `- `), level markers (`（类）`) and quote marks
/// dropped, trailing punctuation trimmed. The document's own bracket style is kept.
///
/// ```
/// use cnbudget::normalize::clean_name;
/// assert_eq!(clean_name("一、一般公共服务 支出"), "一般公共服务支出");
/// assert_eq!(clean_name("一般公共服务（类）支出"), "一般公共服务支出");
/// assert_eq!(clean_name("维修（护）费"), "维修（护）费");
/// ```
pub fn clean_name(raw: &str) -> String {
    let mut name: String =
        raw.chars().filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '‘' | '’')).collect();
    loop {
        let stripped = match ORDINAL_PREFIX.find(&name) {
            // Keep the character after a `1.` that the pattern had to look at.
            Some(m) if m.as_str().starts_with(|c: char| c.is_ascii_digit()) => {
                let cut = m
                    .as_str()
                    .char_indices()
                    .find(|(_, c)| matches!(c, '、' | '.' | '．'))
                    .map(|(i, c)| i + c.len_utf8());
                cut.map(|i| name[i..].to_string())
            }
            Some(m) => Some(name[m.end()..].to_string()),
            None => None,
        };
        match stripped {
            Some(rest) if rest != name => name = rest,
            _ => break,
        }
    }
    let name = LEVEL_MARKER.replace_all(&name, "");
    name.trim_matches(|c: char| matches!(c, '：' | ':' | '，' | ',' | '。' | '；' | ';')).to_string()
}

fn is_superscript_digit(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴'..='⁹')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lines_as_sed_does() {
        let ls = lines("a\r\nb\n\nc");
        let nos: Vec<(u32, &str)> = ls.iter().map(|l| (l.no, l.text.as_str())).collect();
        assert_eq!(nos, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        assert!(ls.iter().all(|l| l.page.is_none()));
    }

    #[test]
    fn form_feeds_start_pages_not_lines() {
        let ls = lines("p1\n\u{c}p2 first\np2\u{c}p3");
        let got: Vec<(u32, Option<u16>, &str)> = ls.iter().map(|l| (l.no, l.page, l.text.as_str())).collect();
        assert_eq!(got, [(1, Some(1), "p1"), (2, Some(2), "p2 first"), (3, Some(2), "p2"), (3, Some(3), "p3")]);
    }

    #[test]
    fn page_break_markers_count_as_lines() {
        let ls = lines("a\n-- PAGE_BREAK --\nb");
        assert_eq!(ls.len(), 2);
        assert_eq!((ls[1].no, ls[1].page), (3, Some(2)));
    }

    #[test]
    fn strips_tags_emphasis_and_superscripts() {
        assert_eq!(clean("<b>本年收入合计</b>\t<b>27</b>"), "本年收入合计\t27");
        assert_eq!(clean("1、部门预算项目 <input checked=\"\" type=\"checkbox\"/> 2"), "1、部门预算项目  2");
        assert_eq!(clean("^{2.} 本套报表"), " 本套报表");
        assert_eq!(clean("²⁷ 行= (1+2) 行"), " 行= (1+2) 行");
        assert_eq!(clean("## **二、机构设置情况**"), "## 二、机构设置情况");
        assert_eq!(clean("≤30分钟 <x 3"), "≤30分钟 <x 3");
    }

    #[test]
    fn names_lose_ordinals_markers_and_gaps() {
        let cases = [
            ("一、一般公共预算财政拨款收入", "一般公共预算财政拨款收入"),
            ("合 计", "合计"),
            ("十九、住房保障支 出", "住房保障支出"),
            ("(1)公务用车购置", "公务用车购置"),
            ("- 1. 基本工资", "基本工资"),
            ("2.公务用车购置及运行费", "公务用车购置及运行费"),
            ("“三公”经费", "三公经费"),
            ("因公出国 (境)费", "因公出国(境)费"),
            ("住房保障支出（类）住房改革支出（款）", "住房保障支出住房改革支出"),
            ("其他政府办公厅(室)及相关机构事 务支出", "其他政府办公厅(室)及相关机构事务支出"),
            ("2023年度", "2023年度"),
            ("①办公费", "办公费"),
        ];
        for (raw, want) in cases {
            assert_eq!(clean_name(raw), want, "{raw}");
        }
    }

    #[test]
    fn makes_digits_and_spaces_plain() {
        assert_eq!(clean("２０２３年\u{3000}收入"), "2023年 收入");
        assert_eq!(clean("plain ascii"), "plain ascii");
    }
}
