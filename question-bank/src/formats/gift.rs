//! GIFT (Moodle's plain-text format): true/false, single and multiple choice.
//!
//! ```text
//! $CATEGORY: $course$/top/安全知识/钢丝绳
//! // @meta difficulty=3; scope=Q2; reference=GB/T 5972-2016
//! ::Q2S-0009:: 钢丝绳出现整股断裂时应报废。 {T ####整股断裂属于报废条件。}
//! ::Q2S-0010:: 单选题（ ）。 {=对的 ~错的 ~也错}
//! ::Q2S-0011:: 多选题（ ）。 {~%50%对的 ~%50%也对 ~%-100%错的}
//! ```
//! Our fields without a GIFT place travel in `// @meta key=value; ...` comments.

use super::moodle::strip_html;
use super::{category_path, to_row, RawRow};
use crate::bank::BankErrors;
use crate::question::{Answer, Question, QuestionKind};

/// Split at the first unescaped `c`.
fn split_unescaped(s: &str, c: char) -> Option<(&str, &str)> {
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == c {
            return Some((&s[..i], &s[i + c.len_utf8()..]));
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(n) => out.push(n),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '%' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Answer entries of a choice block: `(weight, text)` in order, and the general feedback.
fn parse_choices(block: &str) -> (Vec<(f64, String)>, String) {
    let (body, general) = match block.find("####") {
        Some(i) => (&block[..i], unescape(&block[i + 4..])),
        None => (block, String::new()),
    };
    let mut entries = Vec::new();
    let mut rest = body.trim();
    while let Some(first) = rest.chars().next() {
        if first != '=' && first != '~' {
            break;
        }
        let after = &rest[1..];
        // The entry ends at the next unescaped `=` or `~`.
        let mut end = after.len();
        let mut escaped = false;
        for (i, ch) in after.char_indices() {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '=' || ch == '~' {
                end = i;
                break;
            }
        }
        let mut text = after[..end].trim();
        let mut weight = if first == '=' { 100.0 } else { 0.0 };
        if let Some(w) = text.strip_prefix('%') {
            if let Some((num, tail)) = w.split_once('%') {
                weight = num.trim().parse().unwrap_or(weight);
                text = tail.trim();
            }
        }
        // Per-answer feedback after `#` is dropped.
        let text = split_unescaped(text, '#').map_or(text, |(t, _)| t);
        entries.push((weight, unescape(text)));
        rest = after[end..].trim_start();
    }
    (entries, general)
}

/// Rows of a GIFT file.
pub fn read(_file: &str, text: &str) -> Result<Vec<RawRow>, BankErrors> {
    let mut rows = Vec::new();
    let (mut area, mut topic) = (String::new(), String::new());
    let mut meta: Vec<(String, String)> = Vec::new();
    let mut block = String::new();
    let mut block_line = 0;
    let lines: Vec<&str> = text.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let l = raw.trim();
        if let Some(m) = l.strip_prefix("// @meta") {
            meta = m
                .split(';')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            continue;
        }
        if l.starts_with("//") {
            continue;
        }
        if let Some(cat) = l.strip_prefix("$CATEGORY:") {
            (area, topic) = category_path(cat.trim());
            continue;
        }
        if !l.is_empty() {
            if block.is_empty() {
                block_line = i + 1;
            } else {
                block.push('\n');
            }
            block.push_str(l);
        }
        let last = i + 1 == lines.len();
        if (l.is_empty() || last) && !block.is_empty() {
            let q = std::mem::take(&mut block);
            match parse_question(&q) {
                Ok(mut row) => {
                    row.line = block_line;
                    if row.area.is_empty() {
                        row.area = area.clone();
                    }
                    if row.topic.is_empty() {
                        row.topic = topic.clone();
                    }
                    for (k, v) in meta.drain(..) {
                        match k.as_str() {
                            "area" => row.area = v,
                            "topic" => row.topic = v,
                            "subtopic" => row.subtopic = v,
                            "difficulty" => row.difficulty = v,
                            "points" => row.points = v,
                            "reference" => row.reference = v,
                            "scope" => row.scope = v,
                            "enemies" => row.enemies = v,
                            _ => {}
                        }
                    }
                    rows.push(row);
                }
                Err(reason) => rows.push(RawRow {
                    line: block_line,
                    broken: Some(("-", reason)),
                    ..RawRow::default()
                }),
            }
        }
    }
    Ok(rows)
}

fn parse_question(q: &str) -> Result<RawRow, String> {
    let mut row = RawRow::default();
    let mut rest = q.trim();
    if let Some(after) = rest.strip_prefix("::") {
        let (title, tail) = split_unescaped(after, ':')
            .filter(|(_, t)| t.starts_with(':'))
            .ok_or("题目名称 `::名称::` 没有结束")?;
        row.id = unescape(title);
        rest = tail[1..].trim();
    }
    // An optional text format marker: `[html]`, `[plain]`, `[markdown]`, `[moodle]`.
    let mut html = false;
    if let Some(end) = rest.strip_prefix('[').and_then(|r| r.find(']')) {
        html = rest[1..end + 1].eq_ignore_ascii_case("html");
        rest = rest[end + 2..].trim();
    }
    let (stem, after) = split_unescaped(rest, '{').ok_or("缺少答案块 `{…}`")?;
    let (answers, _) = split_unescaped(after, '}').ok_or("答案块 `{` 没有对应的 `}`")?;
    row.stem = if html {
        strip_html(&unescape(stem))
    } else {
        unescape(stem)
    };
    let answers = answers.trim();
    let (head, general) = match answers.find("####") {
        Some(i) => (answers[..i].trim(), unescape(&answers[i + 4..])),
        None => (answers, String::new()),
    };
    let head_word = split_unescaped(head, '#').map_or(head, |(h, _)| h).trim();
    match head_word.to_ascii_uppercase().as_str() {
        "T" | "TRUE" => {
            row.kind = "judge".to_owned();
            row.answer = "T".to_owned();
            row.explanation = general;
        }
        "F" | "FALSE" => {
            row.kind = "judge".to_owned();
            row.answer = "F".to_owned();
            row.explanation = general;
        }
        _ => {
            let (entries, general) = parse_choices(answers);
            if entries.is_empty() {
                return Err("不支持的 GIFT 题型（只支持判断、单选、多选）".to_owned());
            }
            let exact = entries.iter().filter(|(w, _)| *w >= 100.0).count();
            row.kind = if exact == 1 && entries.iter().all(|(w, _)| *w >= 100.0 || *w <= 0.0) {
                "single"
            } else {
                "multiple"
            }
            .to_owned();
            row.options = entries.iter().map(|(_, t)| t.clone()).collect();
            row.answer = entries
                .iter()
                .enumerate()
                .filter(|(_, (w, _))| *w > 0.0)
                .map(|(i, _)| char::from(b'A' + i.min(25) as u8))
                .collect();
            row.explanation = general;
        }
    }
    Ok(row)
}

/// GIFT text: a `$CATEGORY` per area/topic, a `// @meta` line and the question.
pub fn write(questions: &[Question]) -> String {
    let mut out = String::new();
    let mut category = String::new();
    for q in questions {
        let path = format!("$course$/top/{}/{}", q.area.name_zh(), q.topic);
        if path != category {
            out.push_str(&format!("$CATEGORY: {path}\n\n"));
            category = path;
        }
        let row = to_row(q);
        let meta: Vec<String> = [
            ("difficulty", row.difficulty.as_str()),
            ("points", row.points.as_str()),
            ("subtopic", row.subtopic.as_str()),
            ("reference", row.reference.as_str()),
            ("scope", row.scope.as_str()),
            ("enemies", row.enemies.as_str()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", v.replace([';', '\n'], " ")))
        .collect();
        out.push_str(&format!("// @meta {}\n", meta.join("; ")));
        out.push_str(&format!(
            "::{}::[plain] {} {{",
            escape(&q.id.0),
            escape(&q.stem)
        ));
        match q.key {
            Answer::Judge(k) => out.push_str(if k { "T" } else { "F" }),
            Answer::Choice(set) => {
                let share = 100.0 / set.len() as f64;
                for (i, o) in q.options.iter().enumerate() {
                    let mark = match (q.kind, set.contains(i)) {
                        (QuestionKind::Single, true) => "=".to_owned(),
                        (QuestionKind::Single, false) => "~".to_owned(),
                        (_, true) => format!("~%{}%", trim_float(share)),
                        (_, false) => "~%-100%".to_owned(),
                    };
                    out.push_str(&format!("\n  {mark}{}", escape(o)));
                }
                out.push('\n');
            }
        }
        if !q.explanation.is_empty() {
            out.push_str(&format!(" ####{}", escape(&q.explanation)));
        }
        out.push_str("}\n\n");
    }
    out
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use crate::formats::{import, round_trip, Format, ImportOptions};
    use crate::question::{Area, QuestionKind};
    use crate::subject::Subject;

    #[test]
    fn round_trips() {
        round_trip::check(Format::Gift, |_| {});
    }

    #[test]
    fn reads_plain_gift_with_category_defaults() {
        let text = "// 一个注释\n$CATEGORY: $course$/top/安全知识/钢丝绳\n\n\
                    ::q1:: 钢丝绳整股断裂应报废。 {TRUE}\n\n\
                    钢丝绳直径减小达到（ ）时应报废。 {\n=7%\n~1%\n~2%\n}\n\n\
                    下列哪些属于报废条件（ ）？ {~%50%整股断裂 ~%50%绳芯挤出 ~%-100%有油}\n\n\
                    坏题没有答案块\n";
        let mut opts = ImportOptions::new("g", Subject::Q2(None));
        opts.skip_invalid = true;
        let got = import(Format::Gift, "g.gift", text.as_bytes(), &opts).unwrap();
        let errs = got.skipped;
        assert_eq!(
            (errs[0].line, errs[0].reason.contains("答案块")),
            (14, true),
            "{errs:?}"
        );
        let got = got.file;
        let kinds: Vec<QuestionKind> = got.questions.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            vec![
                QuestionKind::Judge,
                QuestionKind::Single,
                QuestionKind::Multiple
            ]
        );
        assert!(got
            .questions
            .iter()
            .all(|q| q.area == Area::Safety && q.topic == "钢丝绳"));
        assert_eq!(got.questions[2].key.to_wire(), "AB");
        assert_eq!(got.rows, vec![4, 6, 12]);
    }
}
