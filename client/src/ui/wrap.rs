//! Line breaking for Chinese text. ratatui's `Paragraph` wraps only at whitespace, so a
//! Chinese sentence after a space (`停用 1 年以上的…`) would move whole to the next line
//! and leave a ragged gap. Here a line may break between any two Chinese characters and
//! at spaces, never inside a Latin word or number (unless it is longer than a line),
//! never before closing punctuation (`，。）`) and never after an opening bracket
//! (`（《`). Widths come from unicode-width, as in ratatui. The lines are then drawn by a
//! `Paragraph`, which finds nothing left to wrap.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Must not begin a line.
const NO_LINE_START: &str = "，。、；：？！）》」』】〉”’…,.;:?!)]}%";
/// Must not end a line.
const NO_LINE_END: &str = "（《「『【〈“‘([{";

fn is_wide(c: char) -> bool {
    c.width().unwrap_or(0) >= 2
}

/// Pieces that stay together on a line; `true` marks a run of whitespace.
fn units(text: &str) -> Vec<(String, bool)> {
    let mut units: Vec<(String, bool)> = Vec::new();
    let mut glue_next = false;
    for c in text.chars() {
        let space = c.is_whitespace();
        let join = match units.last() {
            None => false,
            // After an opening bracket anything sticks, even a space: `（ ）` stays whole.
            Some((_, false)) if glue_next => true,
            Some((_, true)) => space,
            Some((last, false)) => {
                !space
                    && (NO_LINE_START.contains(c)
                        || glue_next
                        || (!is_wide(c) && !last.chars().last().is_some_and(is_wide)))
            }
        };
        match units.last_mut() {
            Some((last, _)) if join => last.push(c),
            _ => units.push((c.to_string(), space)),
        }
        glue_next = NO_LINE_END.contains(c) || (glue_next && space);
    }
    units
}

/// `text` broken into lines of at most `width` columns (explicit newlines kept).
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(2));
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for (unit, space) in units(paragraph) {
            let w = unit.width();
            if used + w <= width {
                if !(space && used == 0 && !lines.is_empty() && line.is_empty()) {
                    line.push_str(&unit);
                    used += w;
                }
                continue;
            }
            if !line.is_empty() {
                lines.push(line.trim_end().to_owned());
                line = String::new();
                used = 0;
            }
            if space {
                continue; // a break: the space goes
            }
            // A unit longer than a line is cut where it must be.
            for c in unit.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_breaks_between_characters_and_fills_the_line() {
        let lines = wrap("按规则，起重机拟停用 1 年以上的，使用单位应采取措施", 20);
        assert_eq!(lines[0], "按规则，起重机拟停用");
        assert_eq!(lines[1], "1 年以上的，使用单位");
        assert_eq!(lines[2], "应采取措施");
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let lines = wrap("一二三四五，六七", 10);
        assert_eq!(lines, ["一二三四", "五，六七"]);
    }

    #[test]
    fn an_opening_bracket_stays_with_what_follows() {
        let lines = wrap("一二三四（五六）", 10);
        assert_eq!(lines, ["一二三四", "（五六）"]);
    }

    #[test]
    fn an_answer_blank_in_brackets_is_never_split() {
        let lines = wrap("一二三四（ ）。", 10);
        assert_eq!(lines, ["一二三四", "（ ）。"]);
    }

    #[test]
    fn latin_words_and_numbers_are_kept_whole() {
        let lines = wrap("依据 GB/T 5972 判定报废", 12);
        assert_eq!(lines, ["依据 GB/T", "5972 判定报", "废"]);
    }

    #[test]
    fn no_line_is_wider_than_asked_and_nothing_is_lost() {
        let text = "起重机司机在作业过程中，发现起升机构制动器突然失灵（重物下滑），此时应当采取的正确做法是 ABCDEFGHIJKLMNOPQRSTUVWXYZ 哪一项？";
        for width in [7, 10, 33, 76] {
            let lines = wrap(text, width);
            assert!(
                lines.iter().all(|l| l.width() <= usize::from(width)),
                "{lines:?}"
            );
            let joined: String = lines
                .concat()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(joined, expected);
        }
    }
}
