//! What the checks say of each figure.
//!
//! Takes a document's facts and its final checks (each naming the facts it compares, by
//! place); gives every fact its [`Evidence`]: `confirmed` when at least one identity it takes
//! part in holds (exactly or within rounding) and binds it (a sum of one row's columns binds
//! its total, not which term is which: see [`Binds`]), `contradicted` when
//! every identity it takes part in fails, `unchecked` otherwise. Runs once the checks are final: at
//! the end of a document's parse, and again in the run's second pass after codes learned from
//! the corpus or the published budget added checks. Does not run or change any check.

use crate::model::{Binds, Check, Fact};
use crate::vocab::{CheckStatus, Evidence};

/// Sets each fact's evidence from the checks.
pub fn assess(facts: &mut [Fact], checks: &[Check]) {
    for f in facts.iter_mut() {
        f.evidence = Evidence::Unchecked;
    }
    for check in checks {
        let holds = check.status != CheckStatus::Fail;
        for (k, &place) in check.members.iter().enumerate() {
            let Some(f) = facts.get_mut(place as usize) else { continue };
            let binds = match check.binds {
                Binds::All => true,
                Binds::First => k == 0,
                Binds::Nothing => false,
            };
            f.evidence = match (f.evidence, holds) {
                (Evidence::Confirmed, _) => Evidence::Confirmed,
                (_, true) if binds => Evidence::Confirmed,
                // Held, but says nothing of which term this is: no evidence either way.
                (e, true) => e,
                (_, false) => Evidence::Contradicted,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::vocab::Statement;

    fn fact(amount: &str, line: u32) -> Fact {
        Fact { amount: Amount::parse(amount).unwrap(), line, ..Fact::sample(Statement::T03, None, "x") }
    }

    fn check(status: CheckStatus, members: Vec<u32>) -> Check {
        Check {
            check: "t03.total_sum".into(),
            subject: "合计".into(),
            expected: Default::default(),
            actual: Default::default(),
            status,
            detail: String::new(),
            line: 1,
            members,
            binds: Binds::All,
        }
    }

    #[test]
    fn one_holding_identity_confirms_and_only_failing_ones_contradict() {
        let mut facts = vec![fact("3.00", 1), fact("1.00", 2), fact("2.00", 3), fact("9.00", 4)];
        let checks = [
            check(CheckStatus::Rounding, vec![0, 1, 2]),
            check(CheckStatus::Fail, vec![0, 3]),
            check(CheckStatus::Fail, vec![3, 99]),
        ];
        assess(&mut facts, &checks);
        let got: Vec<Evidence> = facts.iter().map(|f| f.evidence).collect();
        assert_eq!(got, [Evidence::Confirmed, Evidence::Confirmed, Evidence::Confirmed, Evidence::Contradicted]);
        assess(&mut facts, &[]);
        assert!(facts.iter().all(|f| f.evidence == Evidence::Unchecked), "assessing again starts afresh");
    }

    #[test]
    fn a_sum_of_one_row_s_columns_confirms_its_total_only() {
        let mut facts = vec![fact("3.00", 1), fact("1.00", 1), fact("2.00", 1)];
        let columns = Check { binds: Binds::First, ..check(CheckStatus::Pass, vec![0, 1, 2]) };
        assess(&mut facts, std::slice::from_ref(&columns));
        let got: Vec<Evidence> = facts.iter().map(|f| f.evidence).collect();
        assert_eq!(got, [Evidence::Confirmed, Evidence::Unchecked, Evidence::Unchecked]);
        assess(&mut facts, &[Check { status: CheckStatus::Fail, ..columns }]);
        assert!(facts.iter().all(|f| f.evidence == Evidence::Contradicted));
    }
}
