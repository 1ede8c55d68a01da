//! Wrapped lines joined back into one text, each character still knowing its line.
//!
//! Takes the lines of one paragraph or list item; gives a [`Flow`]: their text with every
//! whitespace character removed (so that `40.` / `44`, `与 20` / `22 年` and an amount whose
//! `万元` sits on a later line read as one), and for every byte the source line and page it
//! came from. Does not decide which lines belong together: that is the outline's job.

use crate::normalize::{Line, push_squeezed};

/// Where a run of the flow's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Origin {
    /// First byte of the run in the flow's text.
    at: usize,
    line: u32,
    page: Option<u16>,
}

/// Text joined from lines, with the line of every byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flow {
    text: String,
    origins: Vec<Origin>,
}

/// A mark the flow puts between sentences that the text does not end with punctuation (a
/// title line before its paragraph). Readers treat it like `。`.
pub const BREAK: char = '\n';

impl Flow {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Appends a line's text (or the part of it after `skip` bytes), whitespace removed.
    pub fn push(&mut self, line: &Line, skip: usize) {
        let rest = line.text.get(skip..).unwrap_or("");
        self.push_text(rest, line.no, line.page);
    }

    fn push_text(&mut self, text: &str, line: u32, page: Option<u16>) {
        let at = self.text.len();
        push_squeezed(&mut self.text, text);
        if self.text.len() > at {
            self.origins.push(Origin { at, line, page });
        }
    }

    /// Ends the current sentence, when the text has not ended it already.
    pub fn push_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(['。', BREAK]) {
            self.text.push(BREAK);
        }
    }

    /// The line and page of the byte at `at` (the last line when `at` is past the end).
    pub fn origin(&self, at: usize) -> (u32, Option<u16>) {
        let i = self.origins.partition_point(|o| o.at <= at);
        self.origins.get(i.saturating_sub(1)).map_or((0, None), |o| (o.line, o.page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(no: u32, text: &str) -> Line {
        Line { no, page: None, text: text.into() }
    }

    #[test]
    fn joins_broken_numbers_and_keeps_each_bytes_line() {
        let mut f = Flow::default();
        f.push(&line(288, "养老保险缴费 40. "), 0);
        f.push(&line(292, "44 万元、职工"), 0);
        assert_eq!(f.text(), "养老保险缴费40.44万元、职工");
        let at = f.text().find("40.").unwrap();
        assert_eq!(f.origin(at).0, 288);
        assert_eq!(f.origin(f.text().find("44万").unwrap()).0, 292);
        assert_eq!(f.origin(f.text().len()).0, 292);
    }

    #[test]
    fn a_break_is_added_once_and_not_after_a_full_stop() {
        let mut f = Flow::default();
        f.push_break();
        assert!(f.is_empty());
        f.push(&line(1, "一、收入决算情况说明"), 0);
        f.push_break();
        f.push_break();
        f.push(&line(2, "合计 5 万元。"), 0);
        f.push_break();
        assert_eq!(f.text(), "一、收入决算情况说明\n合计5万元。");
    }

    #[test]
    fn skip_drops_a_prefix_and_blank_lines_leave_no_origin() {
        let mut f = Flow::default();
        f.push(&line(1, "   "), 0);
        f.push(&line(2, "1. 事业运行"), 3);
        assert_eq!(f.text(), "事业运行");
        assert_eq!(f.origin(0).0, 2);
    }
}
