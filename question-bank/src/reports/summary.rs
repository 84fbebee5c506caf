//! 汇总报表: the result summary an exam institution files with the issuing authority, one
//! row per person, subject and sitting, as CSV (for the authority's import) or .xlsx (for
//! people).

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use serde::{Deserialize, Serialize};

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The workbook writer failed.
    #[error("生成 Excel 汇总报表失败: {0}")]
    Xlsx(#[from] XlsxError),
    /// More rows than one worksheet holds.
    #[error("汇总报表共 {0} 行，超出 Excel 单个工作表的行数上限")]
    TooManyRows(usize),
}

/// One person's result for one subject at one sitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryRow {
    /// 考试机构代码.
    pub institution_code: String,
    /// 发证机关代码.
    pub authority_code: String,
    /// 批次.
    pub batch: String,
    /// 考试日期: the theory date, else the practical date.
    pub exam_date: NaiveDate,
    /// 姓名.
    pub name: String,
    /// 性别: 男 / 女.
    pub gender: String,
    /// 身份证号, in full: the authority needs it.
    pub id_number: String,
    /// 工作单位.
    pub employer: String,
    /// 作业项目代码, `Q1` / `Q2`.
    pub item_code: String,
    /// 作业项目: 起重机指挥 / 起重机司机.
    pub item_name: String,
    /// 限定范围, e.g. `桥式起重机`, or empty.
    pub limitation: String,
    /// 理论成绩.
    pub theory: PartResult,
    /// 实操成绩.
    pub practical: PartResult,
    /// 考试结论: 合格 / 不合格.
    pub passed: bool,
    /// Hex digest of the sealed archive record(s), so the authority can verify the row.
    pub record_hash: String,
}

/// The result of one part (theory or practical) as the summary shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PartResult {
    /// Sat the part and was scored.
    Score {
        /// Points out of 100.
        points: f64,
        /// Whether the part was passed.
        passed: bool,
    },
    /// 缺考: registered but did not sit the part.
    Absent,
    /// Not part of this sitting (e.g. a practical-only retake): shown blank.
    NotTaken,
}

impl PartResult {
    /// The cell text: one decimal (`85.0`), `缺考`, or empty.
    pub fn text(&self) -> String {
        match self {
            PartResult::Score { points, .. } => format!("{points:.1}"),
            PartResult::Absent => "缺考".to_owned(),
            PartResult::NotTaken => String::new(),
        }
    }
}

/// Report columns in order: (machine key = `SummaryRow` field, Chinese header).
pub const SUMMARY_COLUMNS: &[(&str, &str)] = &[
    ("institution_code", "考试机构代码"),
    ("authority_code", "发证机关代码"),
    ("batch", "批次"),
    ("exam_date", "考试日期"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("id_number", "身份证号"),
    ("employer", "工作单位"),
    ("item_code", "作业项目代码"),
    ("item_name", "作业项目"),
    ("limitation", "限定范围"),
    ("theory", "理论成绩"),
    ("practical", "实操成绩"),
    ("passed", "考试结论"),
    ("record_hash", "核验码"),
];

/// Column widths for the .xlsx, in `SUMMARY_COLUMNS` order (the digest is 64 hex digits).
const WIDTHS: [f64; 15] = [
    14.0, 14.0, 12.0, 12.0, 10.0, 6.0, 22.0, 30.0, 12.0, 12.0, 14.0, 10.0, 10.0, 10.0, 66.0,
];

fn conclusion(passed: bool) -> &'static str {
    if passed {
        "合格"
    } else {
        "不合格"
    }
}

/// A row's cells as text, in `SUMMARY_COLUMNS` order.
fn text_cells(r: &SummaryRow) -> [String; 15] {
    [
        r.institution_code.clone(),
        r.authority_code.clone(),
        r.batch.clone(),
        r.exam_date.format("%Y-%m-%d").to_string(),
        r.name.clone(),
        r.gender.clone(),
        r.id_number.clone(),
        r.employer.clone(),
        r.item_code.clone(),
        r.item_name.clone(),
        r.limitation.clone(),
        r.theory.text(),
        r.practical.text(),
        conclusion(r.passed).to_owned(),
        r.record_hash.clone(),
    ]
}

/// The summary as CSV: a UTF-8 BOM, the Chinese header row, one line per row, CRLF endings
/// (RFC 4180).
///
/// The BOM is there because Excel otherwise reads a CSV as the system code page (GBK on
/// Chinese Windows) and garbles every Chinese cell. ID numbers are written as plain text, with
/// no `="…"` wrapper or leading apostrophe: the CSV is for the authority's import, which must
/// get the number verbatim. Excel opening the CSV directly will still show 18-digit numbers as
/// 1.1E+17 and drop the last digits, so people should use [`summary_xlsx`] instead.
pub fn summary_csv(rows: &[SummaryRow]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(SUMMARY_COLUMNS.iter().map(|(_, zh)| *zh))
            .expect("writing to memory");
        for r in rows {
            w.write_record(text_cells(r)).expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// `合计 N 人，合格 M 人，合格率 X%`: N counts rows (a person sitting two subjects counts
/// twice), X has one decimal and is 0.0 when there are no rows.
pub fn summary_totals(rows: &[SummaryRow]) -> String {
    let n = rows.len();
    let m = rows.iter().filter(|r| r.passed).count();
    let rate = if n == 0 {
        0.0
    } else {
        m as f64 * 100.0 / n as f64
    };
    format!("合计 {n} 人，合格 {m} 人，合格率 {rate:.1}%")
}

/// Formats for the summary sheet.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    id: Format,
    date: Format,
    score: Format,
    score_failed: Format,
    failed: Format,
    totals: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let red = Color::RGB(0xC0_00_00);
        let score = cell.clone().set_num_format("0.0");
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDD_EB_F7))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            // `@` keeps the cell text when someone edits it in Excel.
            id: cell.clone().set_num_format("@"),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            score_failed: score.clone().set_font_color(red),
            score,
            failed: cell.clone().set_font_color(red),
            totals: Format::new().set_bold(),
            text: cell,
        }
    }
}

/// The summary as an .xlsx workbook with one sheet, 汇总报表: a merged title row, a bold
/// header row with an autofilter and the panes frozen below it, then one row per result and a
/// totals row ([`summary_totals`]). ID numbers are text cells (never numbers, which Excel would
/// round), scores are numbers shown as `0.0` (缺考 as red text, failed scores in red), dates
/// are dates shown as `yyyy-mm-dd`.
pub fn summary_xlsx(rows: &[SummaryRow], title: &str) -> Result<Vec<u8>, ReportError> {
    /// Title, header and totals rows besides the data.
    const EXTRA_ROWS: usize = 3;
    const MAX_ROWS: usize = 1_048_576;
    if rows.len() + EXTRA_ROWS > MAX_ROWS {
        return Err(ReportError::TooManyRows(rows.len()));
    }
    let f = Formats::new();
    let last_col = (SUMMARY_COLUMNS.len() - 1) as u16;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("汇总报表")?;
    sheet.merge_range(0, 0, 0, last_col, title, &f.title)?;
    sheet.set_row_height(0, 30)?;
    for (c, ((_, zh), width)) in SUMMARY_COLUMNS.iter().zip(WIDTHS).enumerate() {
        sheet.write_string_with_format(1, c as u16, *zh, &f.header)?;
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    for (i, r) in rows.iter().enumerate() {
        write_row(sheet, i as u32 + 2, r, &f)?;
    }
    let last_data = rows.len() as u32 + 1;
    sheet.autofilter(1, 0, last_data, last_col)?;
    sheet.merge_range(
        last_data + 1,
        0,
        last_data + 1,
        last_col,
        &summary_totals(rows),
        &f.totals,
    )?;
    sheet.set_landscape().set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 1)?;
    Ok(book.save_to_buffer()?)
}

fn write_row(
    sheet: &mut Worksheet,
    row: u32,
    r: &SummaryRow,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, ((key, _), text)) in SUMMARY_COLUMNS.iter().zip(text_cells(r)).enumerate() {
        let c = c as u16;
        match *key {
            "exam_date" => match excel_date(r.exam_date) {
                Some(date) => sheet.write_date_with_format(row, c, &date, &f.date)?,
                None => sheet.write_string_with_format(row, c, text, &f.text)?,
            },
            "theory" => write_part(sheet, row, c, &r.theory, f)?,
            "practical" => write_part(sheet, row, c, &r.practical, f)?,
            _ if text.is_empty() => sheet.write_blank(row, c, &f.text)?,
            "id_number" => sheet.write_string_with_format(row, c, text, &f.id)?,
            "passed" if !r.passed => sheet.write_string_with_format(row, c, text, &f.failed)?,
            _ => sheet.write_string_with_format(row, c, text, &f.text)?,
        };
    }
    Ok(())
}

/// Excel has no dates before 1900 (or after 9999): those stay text.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// A score as a `0.0` number (red when failed), 缺考 as red text, not taken as blank.
fn write_part<'a>(
    sheet: &'a mut Worksheet,
    row: u32,
    c: u16,
    part: &PartResult,
    f: &Formats,
) -> Result<&'a mut Worksheet, XlsxError> {
    match part {
        PartResult::Score { points, passed } => {
            let fmt = if *passed { &f.score } else { &f.score_failed };
            sheet.write_number_with_format(row, c, *points, fmt)
        }
        PartResult::Absent => sheet.write_string_with_format(row, c, part.text(), &f.failed),
        PartResult::NotTaken => sheet.write_blank(row, c, &f.text),
    }
}
