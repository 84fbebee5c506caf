//! Bank interchange formats. Every importer turns its input into [`RawRow`]s (strings as
//! the author wrote them, with where they came from); one validator turns rows into
//! questions, so every format reports the same reasons for the same mistakes, as
//! `file:row: field: reason`. Exporters write what the importers read back.
//!
//! | format | import | export |
//! |---|---|---|
//! | TOML (bundled banks) | yes | yes |
//! | Excel template (.xlsx) | yes | yes |
//! | CSV (same columns) | yes | yes |
//! | Moodle XML | yes | yes |
//! | GIFT | yes | yes |
//! | Aiken | yes | — (single choice only; import) |
//! | QTI 2.1 package (.zip) | yes | yes |
//! | QTI 3.0 package (.zip) | yes | yes |

use std::collections::HashSet;
use std::fmt;

use crate::bank::{BankErrors, BankFile, BankHeader, BankIssue};
use crate::question::{Answer, Area, OptionSet, Question, QuestionId, QuestionKind, MAX_OPTIONS};
use crate::subject::Subject;

pub mod aiken;
pub mod gift;
pub mod moodle;
pub mod qti;
pub mod tabular;
pub mod toml_file;

pub use toml_file::parse_bank_toml;

/// A bank interchange format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The bundled TOML format (`banks/README.md`).
    Toml,
    /// The Excel template Chinese authors use.
    Xlsx,
    /// CSV with the template's columns, UTF-8 (a BOM is accepted).
    Csv,
    /// Moodle XML (multichoice, truefalse; categories map to topics).
    MoodleXml,
    /// GIFT.
    Gift,
    /// Aiken (single choice; import only).
    Aiken,
    /// IMS content package of QTI 2.1 items and an assessment test.
    Qti21,
    /// IMS content package of QTI 3.0 items and an assessment test.
    Qti30,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 8] = [
        Format::Toml,
        Format::Xlsx,
        Format::Csv,
        Format::MoodleXml,
        Format::Gift,
        Format::Aiken,
        Format::Qti21,
        Format::Qti30,
    ];

    /// Name used on the command line and in the API (`xlsx`, `moodle`, `qti21`...).
    pub fn code(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::MoodleXml => "moodle",
            Format::Gift => "gift",
            Format::Aiken => "aiken",
            Format::Qti21 => "qti21",
            Format::Qti30 => "qti30",
        }
    }

    /// Parse a [`Format::code`].
    pub fn parse(code: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Guess from a file name: `.toml`, `.xlsx`, `.csv`, `.xml` (Moodle), `.gift`,
    /// `.aiken`/`.txt` (Aiken), `.zip` (QTI 2.1; QTI 3.0 is told apart by its manifest).
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "toml" => Format::Toml,
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            "xml" => Format::MoodleXml,
            "gift" => Format::Gift,
            "aiken" | "txt" => Format::Aiken,
            "zip" => Format::Qti21,
            _ => return None,
        })
    }

    /// File extension for exports.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Toml => "toml",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::MoodleXml => "xml",
            Format::Gift => "gift",
            Format::Aiken => "txt",
            Format::Qti21 | Format::Qti30 => "zip",
        }
    }

    /// MIME type for downloads.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Toml => "application/toml",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::MoodleXml => "application/xml",
            Format::Gift | Format::Aiken => "text/plain; charset=utf-8",
            Format::Qti21 | Format::Qti30 => "application/zip",
        }
    }

    /// Whether [`export`] can write this format.
    pub fn can_export(self) -> bool {
        self != Format::Aiken
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What to assume for what a file does not say.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Bank id for the imported file (`[a-z0-9-]+`).
    pub bank_id: String,
    /// Bank title.
    pub title: String,
    /// Scope of rows that name none.
    pub scope: Subject,
    /// Area of rows that name none (formats without metadata: GIFT, Aiken...).
    pub area: Option<Area>,
    /// Topic of rows that name none.
    pub topic: Option<String>,
    /// Difficulty of rows that name none.
    pub difficulty: Option<u8>,
    /// Prefix for generated ids of rows without one: `<prefix>-0001`...
    pub id_prefix: String,
    /// Import the valid rows and report the others, instead of importing nothing.
    pub skip_invalid: bool,
}

impl ImportOptions {
    /// Defaults for a bank called `bank_id`: scope Q1, no defaults for metadata, ids
    /// prefixed with the bank id in upper case.
    pub fn new(bank_id: &str, scope: Subject) -> ImportOptions {
        ImportOptions {
            bank_id: bank_id.to_owned(),
            title: bank_id.to_owned(),
            scope,
            area: None,
            topic: None,
            difficulty: None,
            id_prefix: bank_id.to_ascii_uppercase(),
            skip_invalid: false,
        }
    }
}

/// The result of an import: the bank file and, with `skip_invalid`, what was left out.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The valid questions.
    pub file: BankFile,
    /// Problems of rows that were skipped (empty unless `skip_invalid`).
    pub skipped: Vec<BankIssue>,
}

/// Import `bytes` of `format`. Every problem is reported with file, row (or line) and
/// field; unless `skip_invalid`, any problem imports nothing.
pub fn import(
    format: Format,
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Imported, BankErrors> {
    if format == Format::Toml {
        let text = utf8(file, bytes)?;
        return parse_bank_toml(file, text).map(|file| Imported {
            file,
            skipped: Vec::new(),
        });
    }
    let rows = match format {
        Format::Toml => unreachable!("handled above"),
        Format::Xlsx => tabular::read_xlsx(file, bytes)?,
        Format::Csv => tabular::read_csv(file, bytes)?,
        Format::MoodleXml => moodle::read(file, utf8(file, bytes)?)?,
        Format::Gift => gift::read(file, utf8(file, bytes)?)?,
        Format::Aiken => aiken::read(file, utf8(file, bytes)?)?,
        Format::Qti21 | Format::Qti30 => qti::read_package(file, bytes)?,
    };
    build(file, rows, options)
}

/// Write `questions` as `format` (everything [`import`] needs to read them back).
///
/// # Panics
/// For [`Format::Aiken`], which cannot hold judge or multiple-choice questions.
pub fn export(format: Format, header: &BankHeader, questions: &[Question]) -> Vec<u8> {
    match format {
        Format::Toml => toml_file::write(header, questions).into_bytes(),
        Format::Xlsx => tabular::write_xlsx(questions),
        Format::Csv => tabular::write_csv(questions),
        Format::MoodleXml => moodle::write(questions).into_bytes(),
        Format::Gift => gift::write(questions).into_bytes(),
        Format::Aiken => panic!("Aiken export is not supported"),
        Format::Qti21 => qti::write_package(header, questions, qti::Version::V2p1),
        Format::Qti30 => qti::write_package(header, questions, qti::Version::V3p0),
    }
}

fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, BankErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        BankErrors(vec![issue(
            file,
            line,
            "-",
            "文件不是 UTF-8 编码".to_owned(),
        )])
    })
}

/// Area and topic from a category path (`$course$/top/safety/吊索具`, as Moodle XML and
/// GIFT write it): the segment naming an area, and the last segment if it is not one.
pub(crate) fn category_path(path: &str) -> (String, String) {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && !p.starts_with('$') && *p != "top")
        .collect();
    let area = parts
        .iter()
        .find(|p| Area::parse(p).is_some())
        .map(|p| (*p).to_owned())
        .unwrap_or_default();
    let topic = parts
        .last()
        .filter(|p| Area::parse(p).is_none())
        .map(|p| (*p).to_owned())
        .unwrap_or_default();
    (area, topic)
}

pub(crate) fn issue(file: &str, line: usize, field: &str, reason: String) -> BankIssue {
    BankIssue {
        file: file.to_owned(),
        line,
        column: None,
        field: field.to_owned(),
        reason,
    }
}

/// One question as an author wrote it, before validation. Empty strings mean "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    /// Row (tabular), line (text) or element line (XML) the question starts at.
    pub line: usize,
    /// Where inside the file, for formats with structure (`question[3]`, an item path).
    pub path: String,
    /// Question id.
    pub id: String,
    /// Type, as code or Chinese name.
    pub kind: String,
    /// Stem.
    pub stem: String,
    /// Option texts, in order (empty trailing options removed).
    pub options: Vec<String>,
    /// Key: `T`/`F`/正确/错误..., or letters (`ABD`, `A,B,D`, `A、B、D`).
    pub answer: String,
    /// Points.
    pub points: String,
    /// Difficulty 1–5.
    pub difficulty: String,
    /// Area, as code or Chinese name.
    pub area: String,
    /// Syllabus topic.
    pub topic: String,
    /// Finer topic.
    pub subtopic: String,
    /// Why the key is right.
    pub explanation: String,
    /// Standard or law clause.
    pub reference: String,
    /// Scope code (`Q1`, `Q2`, `Q2-bridge`...).
    pub scope: String,
    /// Enemy ids, separated by commas, spaces or `、`.
    pub enemies: String,
    /// A structural problem the reader found (field, reason): the row is reported and,
    /// with `skip_invalid`, skipped like any other invalid row.
    pub broken: Option<(&'static str, String)>,
}

impl RawRow {
    /// Field name for an error: the path inside the file (if any) and the field.
    fn field(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.path)
        }
    }
}

/// Validate rows into a bank file: every row checked, ids generated where missing,
/// duplicates rejected.
pub(crate) fn build(
    file: &str,
    rows: Vec<RawRow>,
    options: &ImportOptions,
) -> Result<Imported, BankErrors> {
    let mut issues = Vec::new();
    let mut questions = Vec::new();
    let mut lines = Vec::new();
    let mut seen = HashSet::new();
    for (n, row) in rows.iter().enumerate() {
        let mut problems = Vec::new();
        match validate_row(row, n + 1, options) {
            Ok(q) => {
                if !seen.insert(q.id.clone()) {
                    problems.push(("id", format!("题目 id `{}` 重复", q.id)));
                } else {
                    questions.push(q);
                    lines.push(row.line);
                }
            }
            Err(p) => problems = p,
        }
        issues.extend(
            problems
                .into_iter()
                .map(|(field, reason)| issue(file, row.line, &row.field(field), reason)),
        );
    }
    if rows.is_empty() {
        return Err(BankErrors(vec![issue(
            file,
            1,
            "-",
            "文件中没有题目".to_owned(),
        )]));
    }
    if !issues.is_empty() && !options.skip_invalid {
        return Err(BankErrors(issues));
    }
    Ok(Imported {
        file: BankFile {
            header: BankHeader {
                id: options.bank_id.clone(),
                title: options.title.clone(),
                scope: options.scope,
            },
            questions,
            rows: lines,
        },
        skipped: issues,
    })
}

type Problems = Vec<(&'static str, String)>;

/// Whether `s` can be a question id: ASCII letters, digits, `-`, `_`, `.`, at most 64.
pub(crate) fn is_question_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn validate_row(row: &RawRow, n: usize, options: &ImportOptions) -> Result<Question, Problems> {
    if let Some(broken) = &row.broken {
        return Err(vec![broken.clone()]);
    }
    let mut problems: Problems = Vec::new();
    let given = |s: &str| !s.trim().is_empty();
    let id = if given(&row.id) {
        let id = row.id.trim().to_owned();
        if !is_question_id(&id) {
            problems.push((
                "id",
                format!("题目 id `{id}` 只能包含字母、数字、连字符、下划线和点"),
            ));
        }
        id
    } else {
        format!("{}-{n:04}", options.id_prefix)
    };
    let kind = QuestionKind::parse(&row.kind);
    if kind.is_none() {
        problems.push((
            "kind",
            format!(
                "题型 `{}` 无效，应为 判断题 / 单选题 / 多选题",
                row.kind.trim()
            ),
        ));
    }
    let area = if given(&row.area) {
        let a = Area::parse(&row.area);
        if a.is_none() {
            problems.push((
                "area",
                format!(
                    "知识领域 `{}` 无效，应为 基础知识 / 安全知识 / 法规标准知识",
                    row.area.trim()
                ),
            ));
        }
        a
    } else {
        if options.area.is_none() {
            problems.push((
                "area",
                "缺少知识领域；请在文件中填写或导入时指定默认领域".to_owned(),
            ));
        }
        options.area
    };
    let topic = if given(&row.topic) {
        row.topic.trim().to_owned()
    } else if let Some(t) = &options.topic {
        t.clone()
    } else {
        problems.push((
            "topic",
            "缺少知识点；请在文件中填写或导入时指定默认知识点".to_owned(),
        ));
        String::new()
    };
    let difficulty = if given(&row.difficulty) {
        match row.difficulty.trim().parse::<f64>() {
            Ok(d) if (1.0..=5.0).contains(&d) && d.fract() == 0.0 => Some(d as u8),
            _ => {
                problems.push((
                    "difficulty",
                    format!("难度 `{}` 无效，应为 1–5 的整数", row.difficulty.trim()),
                ));
                None
            }
        }
    } else {
        Some(options.difficulty.unwrap_or(3))
    };
    let points_tenths = if given(&row.points) {
        match row.points.trim().parse::<f64>() {
            Ok(p) if (0.1..=100.0).contains(&p) && ((p * 10.0).round() - p * 10.0).abs() < 1e-9 => {
                Some((p * 10.0).round() as u32)
            }
            _ => {
                problems.push((
                    "points",
                    format!(
                        "分值 `{}` 无效，应为 0.1–100 且最多一位小数",
                        row.points.trim()
                    ),
                ));
                None
            }
        }
    } else {
        Some(10)
    };
    let scope = if given(&row.scope) {
        let code = row.scope.trim();
        match code.parse::<Subject>() {
            Ok(s) => Some(s),
            // Q3–Q10 are not current codes: read them as pre-2019 items where that is
            // unambiguous (domain.md §1).
            Err(_) if code.len() >= 2 && code.starts_with(['q', 'Q']) => {
                match Subject::from_legacy_code(code) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        problems.push(("scope", e.to_string()));
                        None
                    }
                }
            }
            Err(e) => {
                problems.push(("scope", e.to_string()));
                None
            }
        }
    } else {
        Some(options.scope)
    };
    if row.stem.trim().is_empty() {
        problems.push(("stem", "题干为空".to_owned()));
    }
    let key = kind.and_then(|kind| {
        check_options_and_key(kind, &row.options, &normalise_answer(kind, &row.answer))
            .map_err(|p| problems.push(p))
            .ok()
    });
    let enemies: Vec<QuestionId> = row
        .enumerate_enemies()
        .map(|e| QuestionId(e.to_owned()))
        .collect();
    match (kind, area, key, difficulty, points_tenths, scope) {
        (Some(kind), Some(area), Some(key), Some(difficulty), Some(points_tenths), Some(scope))
            if problems.is_empty() =>
        {
            Ok(Question {
                id: QuestionId(id),
                scope,
                kind,
                area,
                topic,
                subtopic: row.subtopic.trim().to_owned(),
                difficulty,
                stem: row.stem.trim().to_owned(),
                options: row.options.iter().map(|o| o.trim().to_owned()).collect(),
                key,
                points_tenths,
                explanation: row.explanation.trim().to_owned(),
                reference: Some(row.reference.trim().to_owned()).filter(|r| !r.is_empty()),
                enemies,
            })
        }
        _ => Err(problems),
    }
}

impl RawRow {
    fn enumerate_enemies(&self) -> impl Iterator<Item = &str> {
        self.enemies
            .split([',', '，', '、', ' ', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Judge keys as authors write them (`正确`, `对`, `√`, `true`...) become `T`/`F`; choice
/// keys lose separators (`A,B,D` → `ABD`) and case.
fn normalise_answer(kind: QuestionKind, answer: &str) -> String {
    let a = answer.trim();
    if kind == QuestionKind::Judge {
        return match a.to_lowercase().as_str() {
            "t" | "true" | "正确" | "对" | "√" | "✓" | "是" | "y" | "yes" => "T".to_owned(),
            "f" | "false" | "错误" | "错" | "×" | "✗" | "否" | "n" | "no" => "F".to_owned(),
            _ => a.to_owned(),
        };
    }
    a.chars()
        .filter(|c| !matches!(c, ',' | '，' | '、' | ' ' | ';' | '；' | '/'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Check a question's options against its kind and parse its key (bank labels).
pub(crate) fn check_options_and_key(
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

/// Escape text for XML content and attribute values. Line breaks and tabs become
/// character references, which survive attribute-value normalisation.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// The row a question exports as: every field in the template's terms.
pub(crate) fn to_row(q: &Question) -> RawRow {
    RawRow {
        line: 0,
        path: String::new(),
        id: q.id.0.clone(),
        kind: q.kind.name_zh().to_owned(),
        stem: q.stem.clone(),
        options: q.options.clone(),
        answer: match q.key {
            Answer::Judge(true) => "正确".to_owned(),
            Answer::Judge(false) => "错误".to_owned(),
            Answer::Choice(set) => set.letters(),
        },
        points: points_text(q.points_tenths),
        difficulty: q.difficulty.to_string(),
        area: q.area.name_zh().to_owned(),
        topic: q.topic.clone(),
        subtopic: q.subtopic.clone(),
        explanation: q.explanation.clone(),
        reference: q.reference.clone().unwrap_or_default(),
        scope: q.scope.code(),
        enemies: q
            .enemies
            .iter()
            .map(|e| e.0.as_str())
            .collect::<Vec<_>>()
            .join(","),
        broken: None,
    }
}

/// Points in tenths as the shortest decimal (`10` → `1`, `15` → `1.5`).
pub(crate) fn points_text(tenths: u32) -> String {
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
pub(crate) mod round_trip {
    //! Shared round-trip check: what a format writes, it reads back unchanged.
    use super::*;
    use crate::bundled::bundled_bank;

    /// A spread of real questions: every kind, area and scope, with explanation, reference
    /// and enemies.
    pub fn sample() -> (BankHeader, Vec<Question>) {
        let bank = bundled_bank().unwrap();
        let mut picked: Vec<Question> = Vec::new();
        for q in bank.questions() {
            let same = picked
                .iter()
                .filter(|p| p.kind == q.kind && p.area == q.area && p.scope == q.scope)
                .count();
            if same < 2 {
                picked.push(q.clone());
            }
        }
        let ids: HashSet<QuestionId> = picked.iter().map(|q| q.id.clone()).collect();
        for q in &mut picked {
            q.enemies.retain(|e| ids.contains(e));
        }
        picked[0].points_tenths = 15;
        let header = BankHeader {
            id: "sample".to_owned(),
            title: "样例题库".to_owned(),
            scope: Subject::Q1,
        };
        (header, picked)
    }

    /// Export then import; the questions must come back equal (up to `normalise`, for
    /// formats that cannot carry some field).
    pub fn check(format: Format, normalise: impl Fn(&mut Question)) {
        let (header, mut questions) = sample();
        let bytes = export(format, &header, &questions);
        let opts = ImportOptions::new("sample", Subject::Q1);
        let back = import(format, "sample", &bytes, &opts)
            .unwrap_or_else(|e| panic!("{format}: {e}"))
            .file
            .questions;
        for q in &mut questions {
            normalise(q);
        }
        assert_eq!(back.len(), questions.len(), "{format}");
        for (a, b) in questions.iter().zip(&back) {
            assert_eq!(a, b, "{format}: {}", a.id);
        }
    }
}

#[cfg(test)]
mod samples {
    use super::*;

    /// The sample files shipped in `samples/`, one per format, all holding the same bank.
    const SAMPLES: &[(&str, &[u8])] = &[
        ("sample.toml", include_bytes!("../../samples/sample.toml")),
        ("sample.xlsx", include_bytes!("../../samples/sample.xlsx")),
        ("sample.csv", include_bytes!("../../samples/sample.csv")),
        (
            "sample.moodle.xml",
            include_bytes!("../../samples/sample.moodle.xml"),
        ),
        ("sample.gift", include_bytes!("../../samples/sample.gift")),
        (
            "sample-qti21.zip",
            include_bytes!("../../samples/sample-qti21.zip"),
        ),
        (
            "sample-qti30.zip",
            include_bytes!("../../samples/sample-qti30.zip"),
        ),
    ];

    #[test]
    fn every_shipped_sample_imports_to_the_same_questions() {
        let opts = ImportOptions::new("sample", Subject::Q1);
        let read = |name: &str, bytes: &[u8]| {
            let format = if name.contains("qti30") {
                Format::Qti30
            } else {
                Format::from_file_name(name).unwrap()
            };
            import(format, name, bytes, &opts)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .file
                .questions
        };
        let reference = read(SAMPLES[0].0, SAMPLES[0].1);
        assert_eq!(reference.len(), 18);
        for (name, bytes) in &SAMPLES[1..] {
            assert_eq!(read(name, bytes), reference, "{name}");
        }
    }

    #[test]
    fn the_shipped_template_imports_its_examples() {
        let bytes = include_bytes!("../../samples/template.xlsx");
        let got = import(
            Format::Xlsx,
            "template.xlsx",
            bytes,
            &ImportOptions::new("t", Subject::Q1),
        )
        .unwrap();
        assert_eq!(got.file.questions.len(), 3);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text an author might write: CJK, ASCII, and every character some format treats
    /// specially (GIFT `~=#{}:\`, XML `<>&"'`, CSV `,"`, TOML quotes), no edge spaces.
    fn text() -> impl Strategy<Value = String> {
        "[起重机钢丝绳吊钩（）。，、a-zA-Z0-9~=#{}:<>&\"',;%\\\\/ \\n-]{1,40}"
            .prop_map(|s| s.trim().to_owned())
            .prop_filter("non-empty after trim", |s| !s.is_empty())
    }

    fn question() -> impl Strategy<Value = Question> {
        (
            0usize..3,
            text(),
            proptest::collection::vec(text(), 2..=6),
            any::<u8>(),
            1u8..=5,
            1u32..=50,
            text(),
        )
            .prop_filter_map(
                "distinct options",
                |(k, stem, options, key, difficulty, points, explanation)| {
                    let distinct: HashSet<&str> = options.iter().map(String::as_str).collect();
                    if distinct.len() != options.len() {
                        return None;
                    }
                    let kind = QuestionKind::ALL[k];
                    let n = options.len();
                    let (options, key) = match kind {
                        QuestionKind::Judge => (vec![], Answer::Judge(key % 2 == 0)),
                        QuestionKind::Single => (
                            options,
                            Answer::Choice(OptionSet::from_indices([usize::from(key) % n])?),
                        ),
                        QuestionKind::Multiple => (
                            options,
                            Answer::Choice(OptionSet::from_indices([
                                usize::from(key) % n,
                                (usize::from(key) + 1) % n,
                            ])?),
                        ),
                    };
                    Some(Question {
                        id: QuestionId(format!("P-{points}")),
                        scope: Subject::Q2(None),
                        kind,
                        area: Area::Safety,
                        topic: "钢丝绳".into(),
                        subtopic: String::new(),
                        difficulty,
                        stem,
                        options,
                        key,
                        points_tenths: points,
                        explanation,
                        reference: None,
                        enemies: vec![],
                    })
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn every_format_round_trips_arbitrary_text(q in question()) {
            let header = BankHeader { id: "p".into(), title: "p".into(), scope: Subject::Q2(None) };
            for format in Format::ALL.into_iter().filter(|f| f.can_export()) {
                let bytes = export(format, &header, std::slice::from_ref(&q));
                let back = import(format, "p", &bytes, &ImportOptions::new("p", Subject::Q1))
                    .map_err(|e| TestCaseError::fail(format!("{format}: {e}")))?;
                prop_assert_eq!(&back.file.questions, &vec![q.clone()], "{}", format);
            }
        }
    }
}

#[cfg(test)]
mod fuzz_regressions;
