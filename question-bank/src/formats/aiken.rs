//! Aiken: single-choice questions in plain text (import only).
//!
//! ```text
//! 起重机的额定起重量是指（ ）。
//! A. 允许起吊的最大质量
//! B) 吊钩的自重
//! ANSWER: A
//! ```

use super::RawRow;
use crate::bank::BankErrors;

/// Rows of an Aiken file; each question is a stem line, option lines `A.`/`A)` and an
/// `ANSWER:` line. Blank lines between questions are optional.
pub fn read(_file: &str, text: &str) -> Result<Vec<RawRow>, BankErrors> {
    let mut rows = Vec::new();
    let mut current: Option<RawRow> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        let option = l
            .char_indices()
            .nth(1)
            .filter(|&(_, c)| c == '.' || c == ')' || c == '、' || c == '．')
            .and_then(|(at, c)| {
                let letter = l.chars().next()?;
                letter
                    .is_ascii_uppercase()
                    .then(|| (letter, l[at + c.len_utf8()..].trim()))
            });
        if let Some(answer) = l
            .strip_prefix("ANSWER:")
            .or_else(|| l.strip_prefix("ANSWER："))
            .or_else(|| l.strip_prefix("答案："))
            .or_else(|| l.strip_prefix("答案:"))
        {
            match current.take() {
                Some(mut row) => {
                    row.answer = answer.trim().to_owned();
                    rows.push(row);
                }
                None => rows.push(broken(line, "ANSWER 行前没有题目")),
            }
        } else if let (Some((letter, text)), Some(row)) = (option, current.as_mut()) {
            let expected = char::from(b'A' + row.options.len().min(25) as u8);
            if letter != expected && row.broken.is_none() {
                row.broken = Some((
                    "options",
                    format!("第 {line} 行：选项应为 {expected}，收到 {letter}"),
                ));
            }
            row.options.push(text.to_owned());
        } else if let Some(row) = current.as_mut().filter(|r| r.options.is_empty()) {
            // A stem may run over several lines.
            row.stem.push('\n');
            row.stem.push_str(l);
        } else {
            if let Some(row) = current.take() {
                rows.push(broken(row.line, "题目缺少 ANSWER 行"));
            }
            current = Some(RawRow {
                line,
                kind: "single".to_owned(),
                stem: l.to_owned(),
                ..RawRow::default()
            });
        }
    }
    if let Some(row) = current {
        rows.push(broken(row.line, "题目缺少 ANSWER 行"));
    }
    Ok(rows)
}

fn broken(line: usize, reason: &str) -> RawRow {
    RawRow {
        line,
        broken: Some(("answer", reason.to_owned())),
        ..RawRow::default()
    }
}

#[cfg(test)]
mod tests {
    use crate::formats::{import, Format, ImportOptions};
    use crate::question::Area;
    use crate::subject::Subject;

    #[test]
    fn reads_questions_with_defaults_and_reports_broken_ones() {
        let text =
            "起重机的额定起重量是指（ ）。\nA. 允许起吊的最大质量\nB) 吊钩自重\nANSWER: A\n\n\
                    第二题（ ）。\nA. 甲\nB. 乙\nANSWER: C\n";
        let mut opts = ImportOptions::new("aiken", Subject::Q2(None));
        opts.area = Some(Area::Basic);
        opts.topic = Some("主要参数".to_owned());
        let errs = import(Format::Aiken, "a.txt", text.as_bytes(), &opts)
            .unwrap_err()
            .0;
        assert_eq!(
            (errs.len(), errs[0].line, errs[0].field.as_str()),
            (1, 6, "answer")
        );
        let ok = text.replace("ANSWER: C", "ANSWER: B");
        let got = import(Format::Aiken, "a.txt", ok.as_bytes(), &opts)
            .unwrap()
            .file;
        assert_eq!(got.questions.len(), 2);
        assert_eq!(
            got.questions[0].options,
            vec!["允许起吊的最大质量", "吊钩自重"]
        );
        assert_eq!(got.questions[1].id.0, "AIKEN-0002");

        let missing = import(
            Format::Aiken,
            "a.txt",
            "题（ ）。\nA. 甲\n".as_bytes(),
            &opts,
        )
        .unwrap_err()
        .0;
        assert_eq!((missing[0].line, missing[0].field.as_str()), (1, "answer"));
    }
}
