//! The project's vocabulary: every closed set of values that appears in the output contract
//! (docs/schema.md), as enums with their one spelling on disk.
//!
//! Takes nothing; gives the types the stages pass around instead of strings. Does not know
//! how the words are printed in reports: recognising `决算数` as [`Measure::Final`] is the
//! job of the parsers.

use std::fmt;

/// Declares a vocabulary enum whose variants map one-to-one to the strings written to Parquet.
macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in the output datasets.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the output spelling back (used by tests and the cache).
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocab! {
    /// The nine standard statements, named by concept (design.md), plus the narrative.
    Statement {
        /// 收入支出决算总表 / 收支预算总表
        T01 => "t01",
        /// 收入决算表 / 收入预算总表
        T02 => "t02",
        /// 支出决算表 / 支出预算总表
        T03 => "t03",
        /// 财政拨款收入支出决算总表 / 财政拨款收支预算总表
        T04 => "t04",
        /// 一般公共预算财政拨款支出决算表 / 一般公共预算支出功能分类预算表
        T05 => "t05",
        /// 一般公共预算财政拨款基本支出决算表 / 一般公共预算基本支出经济分类预算表
        T06 => "t06",
        /// 政府性基金预算财政拨款收入支出决算表 / 政府性基金预算支出表
        T07 => "t07",
        /// 国有资本经营预算财政拨款支出决算表 / 国有资本经营预算支出表
        T08 => "t08",
        /// 财政拨款"三公"经费支出决算表 / "三公"经费预算表
        T09 => "t09",
        /// Figures stated in the prose (情况说明 / 编制说明).
        Narrative => "narrative",
    }
}

vocab! {
    /// How far the report's own arithmetic vouches for a figure (docs/schema.md, "Evidence").
    Evidence {
        /// Takes part in at least one identity of the report that holds (rounding included).
        Confirmed => "confirmed",
        /// Takes part in identities, and every one of them fails.
        Contradicted => "contradicted",
        /// Takes part in no identity the report prints or implies.
        Unchecked => "unchecked",
    }
}

vocab! {
    /// Whether a report states what was spent or what is planned.
    Phase {
        /// 决算: final accounts.
        Final => "final",
        /// 预算: a budget.
        Budget => "budget",
    }
}

vocab! {
    /// Which money a figure covers.
    FundScope {
        /// All funds of the department.
        All => "all",
        /// 财政拨款: all appropriations.
        Fiscal => "fiscal",
        /// 一般公共预算财政拨款.
        Gpb => "gpb",
        /// 政府性基金预算财政拨款.
        GovFund => "gov_fund",
        /// 国有资本经营预算财政拨款.
        SoeCapital => "soe_capital",
    }
}

impl FundScope {
    /// True when this scope lies strictly within `wider`: one fund's appropriations within
    /// all appropriations (财政拨款), or any narrower scope within all funds.
    pub fn within(self, wider: FundScope) -> bool {
        match wider {
            FundScope::All => self != FundScope::All,
            FundScope::Fiscal => matches!(self, FundScope::Gpb | FundScope::GovFund | FundScope::SoeCapital),
            _ => false,
        }
    }
}

vocab! {
    /// What a figure is classified by.
    Dimension {
        /// A total or subtotal row.
        Total => "total",
        /// A revenue source.
        Revenue => "revenue",
        /// A functional classification (类/款/项).
        Function => "function",
        /// An economic classification (301, 30101, ...).
        Economic => "economic",
        /// A "三公" item.
        ThreePublic => "three_public",
    }
}

vocab! {
    /// Which column of a statement an amount sits in.
    Split {
        Total => "total",
        /// 基本支出
        Basic => "basic",
        /// 项目支出
        Project => "project",
        /// 财政拨款收入 (t02)
        Fiscal => "fiscal",
        /// 上缴上级支出
        RemitSuperior => "remit_superior",
        /// 经营支出
        Operating => "operating",
        /// 对附属单位补助支出
        SubsidyAffiliates => "subsidy_affiliates",
    }
}

vocab! {
    /// What kind of figure an amount is.
    Measure {
        /// 决算数
        Final => "final",
        /// 年初预算
        InitialBudget => "initial_budget",
        /// 全年预算 / 调整后预算
        FullYearBudget => "full_year_budget",
        /// The amount of a budget document.
        Budget => "budget",
        /// A budget's previous-year budget column.
        PriorBudget => "prior_budget",
        /// A budget's previous-year actual column.
        PriorActual => "prior_actual",
    }
}

vocab! {
    /// The unit an amount is printed in.
    Unit {
        Wan => "万元",
        Yuan => "元",
    }
}

vocab! {
    /// Where a row's classification code came from.
    CodeSource {
        /// Printed on the row itself.
        Printed => "printed",
        /// Printed on the same row of another statement of the same report.
        SiblingTable => "sibling_table",
        /// From the bundled classification reference.
        Standard => "standard",
        /// Learned from other reports of the same run.
        Corpus => "corpus",
    }
}

vocab! {
    /// Whether a figure was read from a table or from a sentence.
    Source {
        Table => "table",
        Narrative => "narrative",
    }
}

vocab! {
    /// How well a document was read.
    Status {
        Ok => "ok",
        /// Read, but something essential (year, department) is missing.
        Partial => "partial",
        /// Not read at all; `error` says why.
        Failed => "failed",
        /// Not read because another file is the same report (`error` names it).
        Skipped => "skipped",
    }
}

vocab! {
    /// The outcome of one arithmetic check.
    CheckStatus {
        /// The identity holds exactly.
        Pass => "pass",
        /// Off by no more than the 0.01-per-term rounding these reports admit.
        Rounding => "rounding",
        /// Off by more.
        Fail => "fail",
    }
}

vocab! {
    /// A "三公" item, as the `three_public` dataset names it.
    ThreePublicItem {
        /// 合计 / "三公"经费
        Total => "total",
        /// 因公出国(境)费
        Overseas => "overseas",
        /// 公务用车购置及运行(维护)费: the vehicle subtotal.
        Vehicle => "vehicle",
        /// 公务用车购置费
        VehiclePurchase => "vehicle_purchase",
        /// 公务用车运行(维护)费
        VehicleOperation => "vehicle_operation",
        /// 公务接待费
        Reception => "reception",
    }
}

vocab! {
    /// What an economic code pays for, as the `economic_expenditure` dataset groups it.
    EconomicCategory {
        /// 人员经费: 301 工资福利支出, 303 对个人和家庭的补助.
        Personnel => "personnel",
        /// 公用经费: 302 商品和服务支出 and the other current items.
        Public => "public",
        /// 309/310 资本性支出.
        Capital => "capital",
        /// A total or subtotal row (人员经费合计, 公用经费合计, 合计).
        Subtotal => "subtotal",
    }
}

vocab! {
    /// Where revenue comes from, as the `revenue` dataset names it.
    RevenueSource {
        /// A t02 row's 本年收入合计: all sources of that function.
        Total => "total",
        /// 财政拨款收入: all appropriations.
        Fiscal => "fiscal",
        /// 一般公共预算财政拨款收入
        FiscalGpb => "fiscal_gpb",
        /// 政府性基金预算财政拨款收入
        FiscalGovFund => "fiscal_gov_fund",
        /// 国有资本经营预算财政拨款收入
        FiscalSoeCapital => "fiscal_soe_capital",
        /// 上级补助收入
        SuperiorSubsidy => "superior_subsidy",
        /// 事业收入
        Business => "business",
        /// (事业单位)经营收入
        Operating => "operating",
        /// 附属单位上缴收入
        Affiliated => "affiliated",
        /// 其他收入
        Other => "other",
        /// 年初结转和结余
        CarryOver => "carry_over",
        /// 使用非财政拨款结余
        BalanceUsed => "balance_used",
    }
}

impl ThreePublicItem {
    /// Reads an item name as the tables and the prose print it.
    pub fn from_printed(name: &str) -> Option<ThreePublicItem> {
        Some(if name.contains("购置费") {
            ThreePublicItem::VehiclePurchase
        } else if name.contains("公务用车") && name.contains("购置及运行") {
            ThreePublicItem::Vehicle
        } else if name.contains("公务用车") && name.contains("运行") {
            ThreePublicItem::VehicleOperation
        } else if name.contains("出国") {
            ThreePublicItem::Overseas
        } else if name.contains("接待") {
            ThreePublicItem::Reception
        } else if name.contains("合计") || name.contains("三公") {
            ThreePublicItem::Total
        } else {
            return None;
        })
    }
}

impl RevenueSource {
    /// Reads a revenue row's name (t01, t04, narrative).
    pub fn from_printed(name: &str) -> Option<RevenueSource> {
        Some(if name.contains("结转") {
            RevenueSource::CarryOver
        } else if name.contains("结余") {
            RevenueSource::BalanceUsed
        } else if name.contains("一般公共预算") {
            RevenueSource::FiscalGpb
        } else if name.contains("政府性基金") {
            RevenueSource::FiscalGovFund
        } else if name.contains("国有资本经营") {
            RevenueSource::FiscalSoeCapital
        } else if name.contains("财政拨款") {
            RevenueSource::Fiscal
        } else if name.contains("上级补助") {
            RevenueSource::SuperiorSubsidy
        } else if name.contains("附属单位") {
            RevenueSource::Affiliated
        } else if name.contains("经营") {
            RevenueSource::Operating
        } else if name.contains("事业收入") {
            RevenueSource::Business
        } else if name.contains("其他") {
            RevenueSource::Other
        } else {
            return None;
        })
    }
}

impl Statement {
    /// Narrative figures come from prose, every other statement from a table.
    pub const fn source(self) -> Source {
        match self {
            Statement::Narrative => Source::Narrative,
            _ => Source::Table,
        }
    }
}

impl Unit {
    /// Reads a unit as printed in a `单位：万元` line or after an amount. `兀` is how OCR
    /// reads `元`.
    pub fn from_printed(s: &str) -> Option<Unit> {
        let s = s.trim();
        if s.starts_with("万元") || s.starts_with("万兀") {
            Some(Unit::Wan)
        } else if s.starts_with('元') || s.starts_with('兀') {
            Some(Unit::Yuan)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for s in Statement::ALL {
            assert_eq!(Statement::from_name(s.as_str()), Some(*s));
        }
        for m in Measure::ALL {
            assert_eq!(Measure::from_name(m.as_str()), Some(*m));
        }
        assert_eq!(FundScope::GovFund.to_string(), "gov_fund");
    }

    #[test]
    fn items_and_sources_are_read_from_their_printed_names() {
        assert_eq!(ThreePublicItem::from_printed("公务用车购置及运行维护费"), Some(ThreePublicItem::Vehicle));
        assert_eq!(ThreePublicItem::from_printed("公务用车运行维护费"), Some(ThreePublicItem::VehicleOperation));
        assert_eq!(ThreePublicItem::from_printed("公务用车购置费"), Some(ThreePublicItem::VehiclePurchase));
        assert_eq!(ThreePublicItem::from_printed("因公出国(境)费"), Some(ThreePublicItem::Overseas));
        assert_eq!(ThreePublicItem::from_printed("三公经费"), Some(ThreePublicItem::Total));
        assert_eq!(RevenueSource::from_printed("一般公共预算财政拨款收入"), Some(RevenueSource::FiscalGpb));
        assert_eq!(RevenueSource::from_printed("财政拨款收入"), Some(RevenueSource::Fiscal));
        assert_eq!(RevenueSource::from_printed("事业单位经营收入"), Some(RevenueSource::Operating));
        assert_eq!(RevenueSource::from_printed("年初结转和结余"), Some(RevenueSource::CarryOver));
        assert_eq!(RevenueSource::from_printed("使用非财政拨款结余"), Some(RevenueSource::BalanceUsed));
    }

    #[test]
    fn printed_units() {
        assert_eq!(Unit::from_printed("万元"), Some(Unit::Wan));
        assert_eq!(Unit::from_printed(" 万兀"), Some(Unit::Wan));
        assert_eq!(Unit::from_printed("元"), Some(Unit::Yuan));
        assert_eq!(Unit::from_printed("千元"), None);
    }
}
