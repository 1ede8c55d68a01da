//! Printed words the parsers recognise, in one place.
//!
//! The wording of column labels that reports wrap over several header lines: a label is
//! known whole, so that its pieces on separate lines are read as one label even where the
//! header's geometry alone would read them as a group label over a column.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_known_whole_not_by_its_pieces() {
        assert!(is_column_label("一般公共预 算收入"));
        assert!(!is_column_label("一般公共预"));
        assert!(!is_column_label("收入预算事业收入"));
    }
}
