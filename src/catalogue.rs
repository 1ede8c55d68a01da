//! The statement catalogue: which statement, and which money, a table's title names.
//!
//! Takes a title as printed (numbering, year and body name already stripped by `segment`);
//! gives what it names: one of the nine statements with its fund scope, or a table outside
//! the nine (a performance target, procurement, a 基本支出 / 项目支出 detail table, an
//! economic cross-table) whose lines belong to no statement and are not read. One rule per
//! wording family, tried in order, most specific first; a new template's wording is a new
//! rule here and its test. Does not look at the table below the title.

use crate::vocab::{FundScope, Statement};

/// What a title names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// One of the nine statements, and the money it covers.
    Statement(Statement, FundScope),
    /// A table outside the nine (design.md, "Templates beyond the nine"): not read.
    Outside,
}

/// A title rule: it matches a title holding every word of `all`, at least one of `any`
/// (when not empty) and none of `none`.
struct Rule {
    named: Named,
    all: &'static [&'static str],
    any: &'static [&'static str],
    none: &'static [&'static str],
}

impl Rule {
    fn matches(&self, title: &str) -> bool {
        self.all.iter().all(|w| title.contains(w))
            && (self.any.is_empty() || self.any.iter().any(|w| title.contains(w)))
            && !self.none.iter().any(|w| title.contains(w))
    }
}

const fn rule(
    named: Named,
    all: &'static [&'static str],
    any: &'static [&'static str],
    none: &'static [&'static str],
) -> Rule {
    Rule { named, all, any, none }
}

const fn st(statement: Statement, scope: FundScope) -> Named {
    Named::Statement(statement, scope)
}

use FundScope::{All, Fiscal, GovFund, Gpb, SoeCapital};
use Statement::{T01, T02, T03, T04, T05, T06, T07, T08, T09};

/// The rules, in the order they are tried.
const RULES: &[Rule] = &[
    // Tables outside the nine.
    rule(Named::Outside, &[], &["绩效", "政府采购", "购买服务", "结转资金", "专项业务经费"], &[]),
    // (`…（按支出功能分类科目-不含上年结转）` is the statement itself.)
    rule(Named::Outside, &["上年结转"], &[], &["不含"]),
    rule(Named::Outside, &["机关运行经费"], &[], &["三公"]),
    // 项目支出 detail (项目支出总表, 一般公共预算项目支出情况表, 项目支出及其他支出预算表).
    rule(Named::Outside, &["项目支出"], &[], &["三公", "收支", "收入"]),
    // 基本支出 by function (一般公共预算基本支出明细表（按支出功能分类科目）): t06 is by
    // economic class.
    rule(Named::Outside, &["基本支出"], &["功能分类", "功能科目"], &["经济"]),
    // 基本支出 detail of all funds (基本支出总表, 部门预算基本支出预算表).
    rule(Named::Outside, &["基本支出"], &[], &["一般公共预算", "财政拨款", "三公"]),
    // An economic table of all 一般公共预算 (or all appropriations) spending, basic and
    // project (一般公共预算支出表（按经济分类）) is t06 of that fund (design.md), unless the
    // report prints the 基本支出 one too (segment keeps that one).
    rule(st(T06, Gpb), &["一般公共预算"], &["经济分类", "经济科目"], &[]),
    rule(st(T06, Fiscal), &["财政拨款"], &["经济分类", "经济科目"], &[]),
    // Economic tables of spending of every fund.
    rule(Named::Outside, &[], &["经济分类", "经济科目"], &["基本支出"]),
    // The nine.
    rule(st(T09, Gpb), &["三公", "一般公共预算"], &[], &[]),
    rule(st(T09, Fiscal), &["三公"], &[], &[]),
    rule(st(T06, Gpb), &["基本支出", "一般公共预算"], &[], &[]),
    rule(st(T06, Fiscal), &["基本支出", "财政拨款"], &[], &[]),
    rule(st(T05, Gpb), &["一般公共预算", "支出"], &[], &["收入", "收支"]),
    rule(st(T07, GovFund), &["政府性基金"], &[], &[]),
    rule(st(T08, SoeCapital), &["国有资本经营"], &[], &[]),
    rule(st(T04, Fiscal), &[], &["财政拨款收入支出", "财政拨款收支"], &[]),
    // 财政拨款支出表（功能科目）: function × 基本/项目 of all appropriations.
    rule(st(T05, Fiscal), &["财政拨款支出"], &[], &["收"]),
    rule(
        st(T01, All),
        &[],
        &["收入支出决算总表", "收支预算总表", "收支总表", "收支决算总表", "收支总体情况表", "收支预算表"],
        &[],
    ),
    rule(st(T02, All), &[], &["收入决算表", "收入预算总表", "收入总表", "收入预算表", "收入总体情况表"], &[]),
    rule(st(T03, All), &[], &["支出决算表", "支出预算总表", "支出总表", "支出预算表", "支出总体情况表"], &[]),
];

/// What a title (ending in 表) names, if it names a table the catalogue knows.
pub fn classify(title: &str) -> Option<Named> {
    RULES.iter().find(|r| r.matches(title)).map(|r| r.named)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Titles as the templates print them (design.md and issue 26's families), each with what
    /// it names.
    #[test]
    fn each_template_family_s_titles_name_their_statement() {
        let cases: &[(&str, Option<Named>)] = &[
            // Ministry of Finance final accounts (公开01–09表) and Wuhan / Shanghai.
            ("收入支出决算总表", Some(st(T01, All))),
            ("收入决算表", Some(st(T02, All))),
            ("支出决算表", Some(st(T03, All))),
            ("财政拨款收入支出决算总表", Some(st(T04, Fiscal))),
            ("一般公共预算财政拨款支出决算表", Some(st(T05, Gpb))),
            ("一般公共预算财政拨款基本支出决算明细表", Some(st(T06, Gpb))),
            ("政府性基金预算财政拨款收入支出决算表", Some(st(T07, GovFund))),
            ("国有资本经营预算财政拨款支出决算表", Some(st(T08, SoeCapital))),
            ("财政拨款“三公”经费支出决算表", Some(st(T09, Fiscal))),
            // Ministry of Finance budget wording.
            ("部门收支总体情况表", Some(st(T01, All))),
            ("部门收入总体情况表", Some(st(T02, All))),
            ("部门支出总体情况表", Some(st(T03, All))),
            ("本年支出总体情况表", Some(st(T03, All))),
            ("财政拨款收支总体情况表", Some(st(T04, Fiscal))),
            ("一般公共预算支出情况表", Some(st(T05, Gpb))),
            ("一般公共预算基本支出情况表", Some(st(T06, Gpb))),
            ("一般公共预算“三公”经费支出情况表", Some(st(T09, Gpb))),
            ("政府性基金预算支出情况表", Some(st(T07, GovFund))),
            // All appropriations by function and by economic class (公开05/06表).
            ("财政拨款支出表（功能科目）", Some(st(T05, Fiscal))),
            ("财政拨款基本支出表（经济科目）", Some(st(T06, Fiscal))),
            ("收支预算总表", Some(st(T01, All))),
            ("部门综合预算收支总表", Some(st(T01, All))),
            // Outside the nine.
            ("基本支出总表", Some(Named::Outside)),
            ("项目支出总表", Some(Named::Outside)),
            ("一般公共预算项目支出情况表（按经济分类科目）", Some(Named::Outside)),
            ("一般公共预算支出经济分类情况表", Some(st(T06, Gpb))),
            ("一般公共预算支出表（按经济分类）", Some(st(T06, Gpb))),
            ("部门支出经济分类情况表", Some(Named::Outside)),
            ("一般公共预算机关运行经费支出预算表", Some(Named::Outside)),
            ("政府采购支出表", Some(Named::Outside)),
            ("项目支出绩效目标表", Some(Named::Outside)),
            ("部门综合预算专项业务经费支出表", Some(Named::Outside)),
            ("部门综合预算财政拨款上年结转资金支出表", Some(Named::Outside)),
            ("部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）", Some(Named::Outside)),
            ("2022年部门综合预算一般公共预算支出明细表（按支出功能分类科目-不含上年结转）", Some(st(T05, Gpb))),
            ("2022年部门综合预算专项业务经费支出表（不含上年结转）", Some(Named::Outside)),
            ("部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）", Some(st(T06, Gpb))),
            // Not a table title.
            ("目录表", None),
        ];
        for (title, want) in cases {
            assert_eq!(classify(title), *want, "{title}");
        }
    }

    /// Every statement is named by some rule, and no rule is shadowed by an earlier one that
    /// matches every title it would (its own words always reach it).
    #[test]
    fn the_catalogue_names_every_statement_and_no_rule_is_dead() {
        for s in Statement::ALL.iter().filter(|s| **s != Statement::Narrative) {
            assert!(RULES.iter().any(|r| matches!(r.named, Named::Statement(t, _) if t == *s)), "{s}");
        }
        for (i, r) in RULES.iter().enumerate() {
            let title: String = r.all.iter().chain(r.any.first()).copied().collect::<String>() + "表";
            let first = RULES.iter().position(|q| q.matches(&title));
            assert_eq!(first, Some(i), "rule {i} ({title}) is reached first by rule {first:?}");
        }
    }
}
