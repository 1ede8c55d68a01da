//! Printed words the parsers recognise, in one place.
//!
//! The wording of column labels that reports wrap over several header lines: a label is
//! known whole, so that its pieces on separate lines are read as one label even where the
//! header's geometry alone would read them as a group label over a column. The words that
//! end a public body's name, so that a heading naming one unit is told from a heading about
//! a matter.

use crate::normalize::squeeze;

/// Column labels of the standard statements as printed whole (revenue sources, fund
/// scopes, splits), in every template seen.
const COLUMN_LABELS: &[&str] = &[
    "一般公共预算收入",
    "一般公共预算拨款",
    "一般公共预算拨款收入",
    "一般公共预算",
    "政府性基金预算收入",
    "政府性基金预算拨款",
    "政府性基金拨款",
    "政府性基金预算",
    "国有资本经营预算收入",
    "国有资本经营预算拨款",
    "国有资本经营预算",
    "财政拨款收入",
    "财政专户管理资金收入",
    "财政专户管理资金",
    "事业收入",
    "事业收入（不含教育收费）",
    "事业单位经营收入",
    "上级补助收入",
    "附属单位上缴收入",
    "使用非财政拨款结余",
    "用事业基金弥补收支差额",
    "上年结转",
    "上年结转结余",
    "其他收入",
    "基本支出",
    "项目支出",
    "人员经费",
    "公用经费",
    "人员支出",
    "日常公用支出",
    "上缴上级支出",
    "事业单位经营支出",
    "对附属单位补助支出",
    "单位预留机动经费",
];

/// True when `text` (spaces aside) is a column label printed whole.
pub fn is_column_label(text: &str) -> bool {
    let t = squeeze(text);
    COLUMN_LABELS.contains(&t.as_str())
}

/// How the names of public bodies end (`…局`, `…管理中心`, `…（本级）`).
const BODY_ENDS: &[&str] =
    &["局", "院", "中心", "委员会", "办公室", "站", "队", "馆", "学校", "本级", "（本级）", "(本级)", "厅", "所", "署"];

/// True when `text` is a body's name and nothing else: no figure, no punctuation of a
/// sentence, and a body's ending (`深圳市社会保险基金管理局福田分局`, `深圳市考试院`).
pub fn names_a_body(text: &str) -> bool {
    let t = squeeze(text);
    let n = t.chars().count();
    (4..=40).contains(&n)
        && !t.chars().any(|c| c.is_ascii_digit() || "，。,；;：:、".contains(c))
        && BODY_ENDS.iter().any(|w| t.ends_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_named_by_its_ending() {
        assert!(names_a_body("深圳市社会保险基金管理局福田分局"));
        assert!(names_a_body("深圳市人力资源和社会保障局（本级）"));
        assert!(!names_a_body("部门职责"));
        assert!(!names_a_body("项目支出：指在基本支出之外为完成特定任务和事业发展目标所"));
        assert!(!names_a_body("2026 年主要工作目标"));
    }

    #[test]
    fn a_label_is_known_whole_not_by_its_pieces() {
        assert!(is_column_label("一般公共预 算收入"));
        assert!(!is_column_label("一般公共预"));
        assert!(!is_column_label("收入预算事业收入"));
    }
}
