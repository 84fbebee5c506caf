//! The bundled bank format: TOML, one `[bank]` header and `[[question]]` tables, as
//! documented in `banks/README.md`.

use std::collections::HashSet;

use serde::Deserialize;

use crate::bank::{BankErrors, BankFile, BankHeader, BankIssue};
use crate::question::{Answer, Area, OptionSet, Question, QuestionId, QuestionKind, MAX_OPTIONS};
use crate::subject::Subject;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    bank: RawHeader,
    #[serde(default)]
    question: Vec<toml::Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: String,
    title: String,
    scope: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    kind: String,
    area: String,
    topic: String,
    #[serde(default)]
    subtopic: String,
    difficulty: i64,
    stem: String,
    #[serde(default)]
    options: Vec<String>,
    answer: String,
    #[serde(default)]
    explanation: String,
    reference: Option<String>,
    points: Option<f64>,
    #[serde(default)]
    enemies: Vec<String>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn is_id(s: &str, upper: bool) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c == '-'
                || c.is_ascii_digit()
                || if upper {
                    c.is_ascii_uppercase()
                } else {
                    c.is_ascii_lowercase()
                }
        })
}

/// Parse and validate one bank file in the TOML format of `banks/README.md`.
///
/// Collects every problem rather than stopping at the first, so an author fixes a file in
/// one pass.
pub fn parse_bank_toml(file: &str, text: &str) -> Result<BankFile, BankErrors> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, None), |s| {
            let (l, c) = line_col(text, s.start);
            (l, Some(c))
        });
        BankErrors(vec![BankIssue {
            file: file.to_owned(),
            line,
            column,
            field: "-".to_owned(),
            reason: format!("TOML 语法错误: {}", e.message()),
        }])
    })?;

    let mut issues = Vec::new();
    let mut issue = |line: usize, field: &str, reason: String| {
        issues.push(BankIssue {
            file: file.to_owned(),
            line,
            column: None,
            field: field.to_owned(),
            reason,
        });
    };
    if !is_id(&raw.bank.id, false) {
        issue(
            1,
            "bank.id",
            format!("题库 id `{}` 只能包含小写字母、数字和连字符", raw.bank.id),
        );
    }
    let scope = raw.bank.scope.parse::<Subject>().unwrap_or_else(|e| {
        issue(1, "bank.scope", e.to_string());
        Subject::Q1
    });

    let mut questions = Vec::with_capacity(raw.question.len());
    let mut rows = Vec::with_capacity(raw.question.len());
    let mut seen = HashSet::new();
    for spanned in raw.question {
        let line = line_col(text, spanned.span().start).0;
        let q = spanned.into_inner();
        let mut bad = |field: &str, reason: String| issue(line, field, reason);
        if !is_id(&q.id, true) {
            bad(
                "id",
                format!("题目 id `{}` 只能包含大写字母、数字和连字符", q.id),
            );
        } else if !seen.insert(q.id.clone()) {
            bad("id", format!("题目 id `{}` 重复", q.id));
        }
        let kind = match q.kind.as_str() {
            "judge" => Some(QuestionKind::Judge),
            "single" => Some(QuestionKind::Single),
            "multiple" => Some(QuestionKind::Multiple),
            other => {
                bad(
                    "kind",
                    format!("题型 `{other}` 无效，应为 judge / single / multiple"),
                );
                None
            }
        };
        let area = match q.area.as_str() {
            "basic" => Some(Area::Basic),
            "safety" => Some(Area::Safety),
            "law" => Some(Area::Law),
            other => {
                bad(
                    "area",
                    format!("知识领域 `{other}` 无效，应为 basic / safety / law"),
                );
                None
            }
        };
        if !(1..=5).contains(&q.difficulty) {
            bad("difficulty", format!("难度 {} 超出范围 1–5", q.difficulty));
        }
        if q.stem.trim().is_empty() {
            bad("stem", "题干为空".to_owned());
        }
        if q.topic.trim().is_empty() {
            bad("topic", "知识点（topic）为空".to_owned());
        }
        let points_tenths = match q.points {
            None => Some(10),
            Some(p)
                if (0.1..=100.0).contains(&p) && ((p * 10.0).round() - p * 10.0).abs() < 1e-9 =>
            {
                Some((p * 10.0).round() as u32)
            }
            Some(p) => {
                bad(
                    "points",
                    format!("分值 {p} 无效，应为 0.1–100 且最多一位小数"),
                );
                None
            }
        };
        let key = kind.and_then(|kind| {
            check_options_and_key(kind, &q.options, &q.answer)
                .map_err(|(f, r)| bad(f, r))
                .ok()
        });

        if let (Some(kind), Some(area), Some(key), Some(points_tenths)) =
            (kind, area, key, points_tenths)
        {
            rows.push(line);
            questions.push(Question {
                id: QuestionId(q.id),
                scope,
                kind,
                area,
                topic: q.topic,
                subtopic: q.subtopic,
                difficulty: q.difficulty.clamp(1, 5) as u8,
                stem: q.stem,
                options: q.options,
                key,
                points_tenths,
                explanation: q.explanation,
                reference: q.reference,
                enemies: q.enemies.into_iter().map(QuestionId).collect(),
            });
        }
    }
    if issues.is_empty() {
        Ok(BankFile {
            header: BankHeader {
                id: raw.bank.id,
                title: raw.bank.title,
                scope,
            },
            questions,
            rows,
        })
    } else {
        Err(BankErrors(issues))
    }
}

fn check_options_and_key(
    kind: QuestionKind,
    options: &[String],
    answer: &str,
) -> Result<Answer, (&'static str, String)> {
    if kind == QuestionKind::Judge {
        if !options.is_empty() {
            return Err(("options", "判断题不应有选项".to_owned()));
        }
        return match answer {
            "T" => Ok(Answer::Judge(true)),
            "F" => Ok(Answer::Judge(false)),
            other => Err(("answer", format!("判断题答案应为 T 或 F，收到 `{other}`"))),
        };
    }
    if !(2..=MAX_OPTIONS).contains(&options.len()) {
        return Err((
            "options",
            format!(
                "选择题应有 2–{MAX_OPTIONS} 个选项，实有 {} 个",
                options.len()
            ),
        ));
    }
    let mut distinct = HashSet::new();
    for (i, o) in options.iter().enumerate() {
        let label = (b'A' + i as u8) as char;
        if o.trim().is_empty() {
            return Err(("options", format!("选项 {label} 为空")));
        }
        if !distinct.insert(o.trim()) {
            return Err(("options", format!("选项 {label} 与前面的选项重复")));
        }
    }
    let set = OptionSet::parse_letters(answer)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            (
                "answer",
                format!("答案 `{answer}` 应为选项字母 A–F 且不重复"),
            )
        })?;
    if !set.fits(options.len()) {
        return Err((
            "answer",
            format!(
                "答案 `{answer}` 指向不存在的选项（共 {} 个）",
                options.len()
            ),
        ));
    }
    match (kind, set.len()) {
        (QuestionKind::Single, 1) => Ok(Answer::Choice(set)),
        (QuestionKind::Single, _) => Err((
            "answer",
            format!("单选题答案只能有一个字母，收到 `{answer}`"),
        )),
        (_, n) if n >= 2 => Ok(Answer::Choice(set)),
        _ => Err(("answer", format!("多选题答案至少两个字母，收到 `{answer}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Bank;

    const GOOD: &str = r#"
[bank]
id = "t"
title = "测试"
scope = "Q2-bridge"

[[question]]
id = "T-1"
kind = "judge"
area = "law"
topic = "证书"
difficulty = 1
stem = "作业人员证书有效期为4年。"
answer = "T"

[[question]]
id = "T-2"
kind = "multiple"
area = "safety"
topic = "安全装置"
difficulty = 3
stem = "下列属于安全装置的是（ ）。"
options = ["起升高度限位器", "缓冲器", "卷筒"]
answer = "AB"
"#;

    #[test]
    fn good_file_parses() {
        let f = parse_bank_toml("good.toml", GOOD).unwrap();
        assert_eq!(f.questions.len(), 2);
        assert_eq!(
            f.questions[1].key,
            Answer::Choice(OptionSet::parse_letters("AB").unwrap())
        );
        assert_eq!(f.header.scope.code(), "Q2-bridge");
    }

    #[test]
    fn broken_rows_report_file_line_field_and_reason() {
        let text = GOOD
            .replace("answer = \"AB\"", "answer = \"AD\"")
            .replace("difficulty = 1", "difficulty = 9");
        let errs = parse_bank_toml("bad.toml", &text).unwrap_err().0;
        assert_eq!(errs.len(), 2);
        assert_eq!(
            (errs[0].file.as_str(), errs[0].line, errs[0].field.as_str()),
            ("bad.toml", 7, "difficulty")
        );
        assert_eq!((errs[1].line, errs[1].field.as_str()), (16, "answer"));
        assert!(
            errs[1].reason.contains("不存在的选项"),
            "{}",
            errs[1].reason
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let errs = parse_bank_toml("x.toml", "[bank]\nid = \"t\"\ntitle = \n")
            .unwrap_err()
            .0;
        assert_eq!(errs[0].line, 3);
        assert!(errs[0].column.is_some());
    }

    #[test]
    fn version_depends_on_content_and_survives_json() {
        let a = Bank::from_toml_files([("a", GOOD)]).unwrap();
        let again = Bank::from_json(&a.to_json()).unwrap();
        assert_eq!(a.version(), again.version());
        let b = Bank::from_toml_files([("a", &*GOOD.replace("4年", "5年"))]).unwrap();
        assert_ne!(a.version(), b.version());
    }

    #[test]
    fn duplicate_ids_across_files_are_rejected() {
        let err = Bank::from_toml_files([("a", GOOD), ("b", GOOD)]).unwrap_err();
        assert!(err.to_string().contains("T-1"));
    }
}
