//! The Excel template Chinese bank authors use, and CSV with the same columns.
//!
//! One question per row under a header row. Headers may be Chinese or English and in any
//! order; only 题型, 题干 and 答案 are required (the rest fall back to import options).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Color, Format as CellFormat, FormatBorder, Note, Workbook};

use super::{issue, to_row, RawRow};
use crate::bank::BankErrors;
use crate::question::{Question, MAX_OPTIONS};
use crate::syllabus;

/// A template column: Chinese header, English header, and a note for authors.
struct Column {
    zh: &'static str,
    en: &'static str,
    note: &'static str,
    width: f64,
}

const COLUMNS: &[Column] = &[
    Column { zh: "题号", en: "id", note: "可留空，导入时自动编号；只能用字母、数字、连字符。Optional id.", width: 12.0 },
    Column { zh: "题型", en: "kind", note: "判断题 / 单选题 / 多选题（也可写 judge / single / multiple）。Required.", width: 8.0 },
    Column { zh: "题干", en: "stem", note: "题目正文；选择题以“（ ）。”结尾。Required.", width: 50.0 },
    Column { zh: "选项A", en: "option_a", note: "判断题不填选项。选择题 2–6 个选项，从 A 开始连续填写。", width: 18.0 },
    Column { zh: "选项B", en: "option_b", note: "", width: 18.0 },
    Column { zh: "选项C", en: "option_c", note: "", width: 18.0 },
    Column { zh: "选项D", en: "option_d", note: "", width: 18.0 },
    Column { zh: "选项E", en: "option_e", note: "", width: 14.0 },
    Column { zh: "选项F", en: "option_f", note: "", width: 14.0 },
    Column { zh: "答案", en: "answer", note: "判断题：正确 / 错误（或 T / F、对 / 错）；单选题：一个字母；多选题：两个以上字母，如 ABD。Required.", width: 8.0 },
    Column { zh: "分值", en: "points", note: "可留空，默认 1 分。Default 1.", width: 6.0 },
    Column { zh: "难度", en: "difficulty", note: "1（易）–5（难），可留空（默认 3）。", width: 6.0 },
    Column { zh: "知识领域", en: "area", note: "基础知识 / 安全知识 / 法规标准知识。", width: 12.0 },
    Column { zh: "知识点", en: "topic", note: "大纲知识点，见“知识点”工作表。", width: 16.0 },
    Column { zh: "细分知识点", en: "subtopic", note: "可留空。", width: 16.0 },
    Column { zh: "解析", en: "explanation", note: "一句话说明答案依据。", width: 40.0 },
    Column { zh: "依据", en: "reference", note: "标准或法规条款，如 GB/T 5972-2016。", width: 18.0 },
    Column { zh: "适用", en: "scope", note: "Q1、Q2、Q2-bridge、Q2-gantry、Q2-tower、Q2-portal、Q2-cable、Q2-mobile；留空则用导入时指定的范围。", width: 10.0 },
    Column { zh: "互斥题", en: "enemies", note: "不能与本题同卷的题号，逗号分隔。", width: 12.0 },
];

/// Which template column each file column is, from the header row.
fn map_header(
    file: &str,
    line: usize,
    header: &[String],
) -> Result<Vec<Option<usize>>, BankErrors> {
    let mut map = Vec::with_capacity(header.len());
    let mut seen = vec![false; COLUMNS.len()];
    let mut problems = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('*').trim();
        let found = COLUMNS.iter().position(|c| {
            c.zh == h
                || c.en.eq_ignore_ascii_case(h)
                || (h.len() == 1 && c.en == format!("option_{}", h.to_ascii_lowercase()))
        });
        if let Some(c) = found {
            if std::mem::replace(&mut seen[c], true) {
                problems.push(issue(
                    file,
                    line,
                    h,
                    format!("第 {} 列表头 `{h}` 重复", i + 1),
                ));
            }
        }
        map.push(found);
    }
    for required in ["kind", "stem", "answer"] {
        let c = COLUMNS
            .iter()
            .position(|c| c.en == required)
            .expect("known column");
        if !seen[c] {
            problems.push(issue(
                file,
                line,
                COLUMNS[c].zh,
                format!("缺少必填列 `{}`（{}）", COLUMNS[c].zh, COLUMNS[c].en),
            ));
        }
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(BankErrors(problems))
    }
}

/// Build a row from cells under a mapped header. `None` for a blank row.
fn row_from_cells(line: usize, map: &[Option<usize>], cells: &[String]) -> Option<RawRow> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return None;
    }
    let mut row = RawRow {
        line,
        ..RawRow::default()
    };
    let mut options = vec![String::new(); MAX_OPTIONS];
    for (cell, col) in cells.iter().zip(map) {
        let Some(col) = col else { continue };
        let v = cell.trim().to_owned();
        match COLUMNS[*col].en {
            "id" => row.id = v,
            "kind" => row.kind = v,
            "stem" => row.stem = v,
            "answer" => row.answer = v,
            "points" => row.points = v,
            "difficulty" => row.difficulty = v,
            "area" => row.area = v,
            "topic" => row.topic = v,
            "subtopic" => row.subtopic = v,
            "explanation" => row.explanation = v,
            "reference" => row.reference = v,
            "scope" => row.scope = v,
            "enemies" => row.enemies = v,
            option => {
                let i = usize::from(option.as_bytes()[option.len() - 1] - b'a');
                options[i] = v;
            }
        }
    }
    while options.last().is_some_and(String::is_empty) {
        options.pop();
    }
    row.options = options;
    Some(row)
}

/// Rows of a CSV file (UTF-8, optional BOM, comma separated, header row first).
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Vec<RawRow>, BankErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut map = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            BankErrors(vec![issue(file, line, "-", format!("CSV 格式错误: {e}"))])
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        match &map {
            None => map = Some(map_header(file, line, &cells)?),
            Some(m) => rows.extend(row_from_cells(line, m, &cells)),
        }
    }
    Ok(rows)
}

/// Rows of the first worksheet of an .xlsx workbook; row numbers as Excel shows them.
pub fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Vec<RawRow>, BankErrors> {
    let fail = |reason: String| BankErrors(vec![issue(file, 1, "-", reason)]);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("不是有效的 Excel (.xlsx) 文件: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| fail("工作簿中没有工作表".to_owned()))?
        .map_err(|e| fail(format!("无法读取第一个工作表: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut map = None;
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let line = first_row + i + 1;
        let cells: Vec<String> = cells.iter().map(cell_text).collect();
        match &map {
            None if cells.iter().all(|c| c.trim().is_empty()) => {}
            None => map = Some(map_header(file, line, &cells)?),
            Some(m) => rows.extend(row_from_cells(line, m, &cells)),
        }
    }
    Ok(rows)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(true) => "T".to_owned(),
        Data::Bool(false) => "F".to_owned(),
        other => other.to_string(),
    }
}

fn cells_of(q: &Question) -> Vec<String> {
    let row = to_row(q);
    COLUMNS
        .iter()
        .map(|c| match c.en {
            "id" => row.id.clone(),
            "kind" => row.kind.clone(),
            "stem" => row.stem.clone(),
            "answer" => row.answer.clone(),
            "points" => row.points.clone(),
            "difficulty" => row.difficulty.clone(),
            "area" => row.area.clone(),
            "topic" => row.topic.clone(),
            "subtopic" => row.subtopic.clone(),
            "explanation" => row.explanation.clone(),
            "reference" => row.reference.clone(),
            "scope" => row.scope.clone(),
            "enemies" => row.enemies.clone(),
            option => {
                let i = usize::from(option.as_bytes()[option.len() - 1] - b'a');
                row.options.get(i).cloned().unwrap_or_default()
            }
        })
        .collect()
}

/// CSV with a BOM (so Excel opens it as UTF-8) and the Chinese header row.
pub fn write_csv(questions: &[Question]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(COLUMNS.iter().map(|c| c.zh))
            .expect("writing to memory");
        for q in questions {
            w.write_record(cells_of(q)).expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// The questions as an .xlsx workbook in the template layout.
pub fn write_xlsx(questions: &[Question]) -> Vec<u8> {
    workbook(questions, false)
}

/// An empty template: header row with a note on every column, one example row per kind,
/// and a sheet listing the syllabus topics.
pub fn template_xlsx() -> Vec<u8> {
    workbook(&[], true)
}

fn workbook(questions: &[Question], template: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let header = CellFormat::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let wrap = CellFormat::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name("题库").expect("valid sheet name");
    for (c, col) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet
            .write_with_format(0, c, col.zh, &header)
            .expect("in range");
        sheet.set_column_width(c, col.width).expect("in range");
        if template && !col.note.is_empty() {
            let note =
                Note::new(format!("{} ({})\n{}", col.zh, col.en, col.note)).set_author("CraneExam");
            sheet.insert_note(0, c, &note).expect("in range");
        }
    }
    sheet.set_freeze_panes(1, 0).expect("in range");
    let examples: Vec<Vec<String>> = if template {
        EXAMPLES
            .iter()
            .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    } else {
        questions.iter().map(cells_of).collect()
    };
    for (r, cells) in examples.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                sheet
                    .write_with_format(r as u32 + 1, c as u16, v, &wrap)
                    .expect("in range");
            }
        }
    }
    if template {
        let topics = book.add_worksheet();
        topics.set_name("知识点").expect("valid sheet name");
        topics
            .write_with_format(0, 0, "大纲知识点 syllabus topics", &header)
            .expect("in range");
        topics.set_column_width(0, 28).expect("in range");
        for (i, t) in syllabus::TOPICS.iter().enumerate() {
            topics.write(i as u32 + 1, 0, *t).expect("in range");
        }
    }
    book.save_to_buffer().expect("workbook serializes")
}

/// One example row per kind for the template (cells in `COLUMNS` order).
const EXAMPLES: &[[&str; 19]] = &[
    [
        "EX-0001",
        "判断题",
        "起重机作业人员证书每4年复审一次。",
        "",
        "",
        "",
        "",
        "",
        "",
        "正确",
        "1",
        "1",
        "法规标准知识",
        "作业人员考核与证书",
        "证书有效期",
        "特种设备作业人员证书有效期为4年。",
        "TSG Z6001-2019",
        "Q2",
        "",
    ],
    [
        "EX-0002",
        "单选题",
        "起吊重物时，应先将重物吊离地面（ ）左右，检查制动器等是否可靠。",
        "0.1 m",
        "0.5 m",
        "1 m",
        "2 m",
        "",
        "",
        "A",
        "1",
        "2",
        "安全知识",
        "安全操作规程",
        "试吊",
        "试吊高度约 100 mm–200 mm，便于发现问题后及时放下。",
        "GB/T 6067.1-2010",
        "Q2",
        "",
    ],
    [
        "EX-0003",
        "多选题",
        "下列属于起重机安全保护装置的有（ ）。",
        "起升高度限位器",
        "起重量限制器",
        "缓冲器",
        "卷筒",
        "",
        "",
        "ABC",
        "1",
        "2",
        "安全知识",
        "安全装置",
        "安全装置种类",
        "卷筒是起升机构的工作部件，不是安全装置。",
        "GB/T 6067.1-2010",
        "Q2",
        "",
    ],
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{import, round_trip, Format, ImportOptions};
    use crate::subject::Subject;

    #[test]
    fn csv_and_xlsx_round_trip() {
        round_trip::check(Format::Csv, |_| {});
        round_trip::check(Format::Xlsx, |_| {});
    }

    #[test]
    fn template_examples_import_cleanly() {
        let opts = ImportOptions::new("tpl", Subject::Q2(None));
        let got = import(Format::Xlsx, "template.xlsx", &template_xlsx(), &opts).unwrap();
        assert_eq!(got.file.questions.len(), 3);
        assert_eq!(got.file.rows, vec![2, 3, 4]);
    }

    #[test]
    fn broken_rows_name_file_row_column_and_reason() {
        let csv = "题型,题干,选项A,选项B,答案,知识领域,知识点\n\
                   单选题,好题（ ）。,甲,乙,A,安全知识,安全装置\n\
                   单选题,坏题（ ）。,甲,乙,C,安全知识,安全装置\n\
                   判断题,题,,,也许,法规,标准规范\n\
                   问答题,题,,,A,安全知识,安全装置\n";
        let opts = ImportOptions::new("x", Subject::Q1);
        let errs = import(Format::Csv, "bank.csv", csv.as_bytes(), &opts)
            .unwrap_err()
            .0;
        let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            got,
            vec![(3, "answer"), (4, "answer"), (5, "kind")],
            "{errs:#?}"
        );
        assert!(
            errs[0].to_string().starts_with("bank.csv:3: answer: "),
            "{}",
            errs[0]
        );

        // With skip_invalid the good row is imported and the bad ones reported.
        let opts = ImportOptions {
            skip_invalid: true,
            ..opts
        };
        let got = import(Format::Csv, "bank.csv", csv.as_bytes(), &opts).unwrap();
        assert_eq!(got.file.questions.len(), 1);
        assert_eq!(got.skipped.len(), 3);
    }

    #[test]
    fn pre_2019_item_codes_in_the_scope_column_are_mapped() {
        let csv = "题型,题干,答案,知识领域,知识点,适用\n\
                   判断题,旧题库的指挥题。,对,安全知识,指挥信号,Q3\n\
                   判断题,旧题库的桥门式题。,错,安全知识,安全装置,Q4\n";
        let opts = ImportOptions::new("old", Subject::Q2(None));
        let errs = import(Format::Csv, "old.csv", csv.as_bytes(), &opts)
            .unwrap_err()
            .0;
        assert_eq!(
            (errs.len(), errs[0].line, errs[0].field.as_str()),
            (1, 3, "scope")
        );
        assert!(errs[0].reason.contains("Q2-bridge"), "{}", errs[0]);
        let opts = ImportOptions {
            skip_invalid: true,
            ..opts
        };
        let got = import(Format::Csv, "old.csv", csv.as_bytes(), &opts).unwrap();
        assert_eq!(got.file.questions[0].scope, Subject::Q1);
    }

    #[test]
    fn missing_required_column_is_reported_on_the_header() {
        let opts = ImportOptions::new("x", Subject::Q1);
        let errs = import(
            Format::Csv,
            "b.csv",
            "题型,题干\n判断题,x\n".as_bytes(),
            &opts,
        )
        .unwrap_err()
        .0;
        assert_eq!((errs[0].line, errs[0].field.as_str()), (1, "答案"));
    }

    #[test]
    fn not_an_xlsx_is_a_clear_error() {
        let opts = ImportOptions::new("x", Subject::Q1);
        let errs = import(Format::Xlsx, "b.xlsx", b"PK-not-really", &opts)
            .unwrap_err()
            .0;
        assert!(errs[0].reason.contains("Excel"), "{}", errs[0]);
    }
}
