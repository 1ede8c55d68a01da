//! `Amount::parse` on arbitrary text: it never panics, and what it accepts prints back to a
//! string that parses to the same value and converts to yuan the same way.
#![no_main]

use cnbudget::Amount;
use cnbudget::vocab::Unit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some(a) = Amount::parse(text) {
        let again = Amount::parse(&a.to_string()).expect("a printed amount parses");
        assert_eq!(again.value(), a.value());
        assert_eq!(again.to_yuan(Unit::Wan), a.to_yuan(Unit::Wan));
    }
});
