//! 考生名单: the candidate roster spreadsheet (its template, and reading it into rows).
//! Pure: bytes in, rows or problems out.

use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use question_bank::wire::RegisterCandidateRequest;
use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Workbook};

/// Largest roster file accepted.
pub const MAX_ROSTER_BYTES: usize = 5 * 1024 * 1024;

/// A column of the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// 姓名.
    Name,
    /// 身份证号.
    IdNumber,
    /// 准考证号.
    Ticket,
    /// 座位号.
    Seat,
    /// 工作单位 (optional).
    Employer,
}

impl Column {
    /// Every column, in the template's order.
    pub const ALL: [Column; 5] = [
        Column::Name,
        Column::IdNumber,
        Column::Ticket,
        Column::Seat,
        Column::Employer,
    ];

    /// The header as the template writes it.
    pub fn header(self) -> &'static str {
        match self {
            Column::Name => "姓名",
            Column::IdNumber => "身份证号",
            Column::Ticket => "准考证号",
            Column::Seat => "座位号",
            Column::Employer => "工作单位",
        }
    }

    /// Headers people also write for this column.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Name => &["姓名", "考生姓名"],
            Column::IdNumber => &["身份证号", "身份证号码", "证件号码"],
            Column::Ticket => &["准考证号", "准考证号码"],
            Column::Seat => &["座位号", "座位"],
            Column::Employer => &["工作单位", "单位"],
        }
    }

    /// Whether every row must fill it in.
    pub fn required(self) -> bool {
        self != Column::Employer
    }

    fn note(self) -> &'static str {
        match self {
            Column::Name => "必填，不超过 50 字。",
            Column::IdNumber => "必填，18 位居民身份证号码（末位可为 X）。本列为文本格式，请勿改为数字，否则末位会丢失。",
            Column::Ticket => "必填，4–32 位字母、数字或连字符，全系统唯一。",
            Column::Seat => "必填，1 到场次座位数之间的数字，如 7 或 07；同一场次内不能重复。",
            Column::Employer => "选填，不超过 100 字。",
        }
    }

    fn width(self) -> f64 {
        match self {
            Column::Name => 12.0,
            Column::IdNumber => 22.0,
            Column::Ticket => 18.0,
            Column::Seat => 8.0,
            Column::Employer => 30.0,
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header())
    }
}

/// One problem in a roster: the spreadsheet row (as Excel numbers it), the column when
/// one is at fault, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// 1-based row as Excel shows it.
    pub row: usize,
    /// The column at fault; `None` for the file or the row as a whole.
    pub column: Option<Column>,
    /// What is wrong, in words the author can act on.
    pub reason: String,
}

impl RowIssue {
    /// An issue at `row`, `column`.
    pub fn new(row: usize, column: Option<Column>, reason: impl Into<String>) -> RowIssue {
        RowIssue {
            row,
            column,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}: {c}: {}", self.row, self.reason),
            None => write!(f, "{}: -: {}", self.row, self.reason),
        }
    }
}

/// A filled-in roster row: where it is, and the registration it asks for, as written.
#[derive(Debug, Clone)]
pub struct RosterRow {
    /// 1-based row as Excel shows it.
    pub row: usize,
    /// The registration, fields as written (trimmed).
    pub request: RegisterCandidateRequest,
}

/// The empty roster template: the header row with a note on every column, and the ID
/// number, ticket and seat columns formatted as text so Excel keeps them as typed.
pub fn template_xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name("考生名单").expect("valid sheet name");
    for (c, column) in Column::ALL.into_iter().enumerate() {
        let c = c as u16;
        sheet
            .set_column_width(c, column.width())
            .expect("column in range");
        if column != Column::Name && column != Column::Employer {
            sheet.set_column_format(c, &text).expect("column in range");
        }
        sheet
            .write_with_format(0, c, column.header(), &header)
            .expect("cell in range");
        let note =
            Note::new(format!("{}\n{}", column.header(), column.note())).set_author("CraneExam");
        sheet.insert_note(0, c, &note).expect("cell in range");
    }
    sheet.set_freeze_panes(1, 0).expect("cell in range");
    book.save_to_buffer()
        .expect("an in-memory workbook serialises")
}

/// A cell as text. Numbers with no fraction are written without `.0`, so a seat typed as
/// `7` reads `7`; an ID number Excel turned into a number cannot be recovered (its last
/// digits are gone), so it is refused with a hint.
fn cell_text(cell: &Data, column: Column) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(_) | Data::Int(_) if column == Column::IdNumber => {
            return Err(
                "身份证号被存成了数字，末位已经丢失；请把该列设为文本格式后重新填写".to_owned(),
            )
        }
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => other.to_string().trim().to_owned(),
    })
}

/// Which cell of a row holds each column.
type HeaderMap = Vec<(Column, usize)>;

fn map_header(row: usize, cells: &[Data]) -> Result<HeaderMap, Vec<RowIssue>> {
    let mut map = HeaderMap::new();
    let mut issues = Vec::new();
    for column in Column::ALL {
        let at: Vec<usize> = cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| {
                let text = cell.to_string();
                column.aliases().contains(&text.trim())
            })
            .map(|(i, _)| i)
            .collect();
        match at.as_slice() {
            [i] => map.push((column, *i)),
            [] if column.required() => issues.push(RowIssue::new(
                row,
                Some(column),
                format!("表头缺少“{column}”列"),
            )),
            [] => {}
            _ => issues.push(RowIssue::new(
                row,
                Some(column),
                format!("表头中“{column}”列出现了不止一次"),
            )),
        }
    }
    if issues.is_empty() {
        Ok(map)
    } else {
        Err(issues)
    }
}

/// Read the first worksheet of an .xlsx roster: a header row (the first non-empty row;
/// columns in any order, unknown ones ignored), then one candidate per non-empty row.
/// Returns every filled-in row, or every problem found while reading (cells that cannot
/// be read as typed, a missing column, an empty roster). Field values are not validated
/// here; that is the registration rules' job.
pub fn read_roster(bytes: &[u8], max_rows: usize) -> Result<Vec<RosterRow>, Vec<RowIssue>> {
    let fail = |reason: String| vec![RowIssue::new(1, None, reason)];
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|_| fail("不是有效的 Excel (.xlsx) 文件，请使用考生名单模板".to_owned()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| fail("工作簿中没有工作表".to_owned()))?
        .map_err(|e| fail(format!("无法读取第一个工作表：{e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut header: Option<HeaderMap> = None;
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let line = first_row + i + 1;
        if cells
            .iter()
            .all(|c| matches!(c, Data::Empty) || c.to_string().trim().is_empty())
        {
            continue;
        }
        let Some(map) = &header else {
            header = Some(map_header(line, cells)?);
            continue;
        };
        let mut request = RegisterCandidateRequest {
            name: String::new(),
            id_number: String::new(),
            ticket: String::new(),
            seat: String::new(),
            employer: String::new(),
        };
        let mut row_ok = true;
        for &(column, at) in map {
            let cell = cells.get(at).unwrap_or(&Data::Empty);
            let text = match cell_text(cell, column) {
                Ok(text) => text,
                Err(reason) => {
                    issues.push(RowIssue::new(line, Some(column), reason));
                    row_ok = false;
                    continue;
                }
            };
            *match column {
                Column::Name => &mut request.name,
                Column::IdNumber => &mut request.id_number,
                Column::Ticket => &mut request.ticket,
                Column::Seat => &mut request.seat,
                Column::Employer => &mut request.employer,
            } = text;
        }
        if row_ok {
            rows.push(RosterRow { row: line, request });
        }
        if rows.len() > max_rows {
            return Err(fail(format!("名单超过 {max_rows} 行，请分批导入")));
        }
    }
    if header.is_none() {
        return Err(fail(
            "文件是空的：第一行应为表头（姓名、身份证号、准考证号、座位号、工作单位）".to_owned(),
        ));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    if rows.is_empty() {
        return Err(fail("名单中没有考生：表头下面没有填写任何一行".to_owned()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook whose first sheet holds `rows` from `first_row` (0-based), strings as
    /// text cells, `#n` as a number cell.
    fn book(first_row: u32, rows: &[&[&str]]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (r, cells) in rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                let (r, c) = (first_row + r as u32, c as u16);
                if let Some(n) = v.strip_prefix('#') {
                    sheet.write(r, c, n.parse::<f64>().unwrap()).unwrap();
                } else if !v.is_empty() {
                    sheet.write(r, c, *v).unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    const HEADER: &[&str] = &["姓名", "身份证号", "准考证号", "座位号", "工作单位"];

    #[test]
    fn rows_are_read_with_excel_row_numbers_and_numbers_as_typed() {
        let bytes = book(
            2,
            &[
                HEADER,
                &["张三", "11010519491231002X", "T-0001", "#7", "杭州港务"],
                &["", "", "", "", ""],
                &[" 李四 ", "110105194912310029", "#20300002", "08", ""],
            ],
        );
        let rows = read_roster(&bytes, 100).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 4, "header on Excel row 3");
        assert_eq!(rows[0].request.name, "张三");
        assert_eq!(rows[0].request.seat, "7");
        assert_eq!(rows[0].request.employer, "杭州港务");
        assert_eq!(rows[1].row, 6, "the blank row is skipped, not renumbered");
        assert_eq!(rows[1].request.name, "李四");
        assert_eq!(rows[1].request.ticket, "20300002");
        assert_eq!(rows[1].request.employer, "");
    }

    #[test]
    fn columns_may_come_in_any_order_and_employer_may_be_missing() {
        let bytes = book(
            0,
            &[
                &["座位号", "备注", "准考证号", "身份证号码", "姓名"],
                &["3", "补考", "T-0003", "110105194912310029", "王五"],
            ],
        );
        let rows = read_roster(&bytes, 100).unwrap();
        let r = &rows[0].request;
        assert_eq!(
            (
                r.name.as_str(),
                r.id_number.as_str(),
                r.ticket.as_str(),
                r.seat.as_str()
            ),
            ("王五", "110105194912310029", "T-0003", "3")
        );
        assert_eq!(rows[0].row, 2);
    }

    #[test]
    fn an_id_number_stored_as_a_number_is_refused_on_its_row() {
        let bytes = book(
            0,
            &[
                HEADER,
                &["张三", "#110105194912310029", "T-0001", "1", ""],
                &["李四", "#110105194912310000", "T-0002", "2", ""],
            ],
        );
        let issues = read_roster(&bytes, 100).unwrap_err();
        assert_eq!(issues.len(), 2);
        assert_eq!(
            (issues[0].row, issues[0].column),
            (2, Some(Column::IdNumber))
        );
        assert!(
            issues[0].reason.contains("文本格式"),
            "{}",
            issues[0].reason
        );
        assert_eq!(issues[1].row, 3);
    }

    #[test]
    fn a_missing_required_column_is_reported_at_the_header() {
        let bytes = book(0, &[&["姓名", "准考证号"], &["张三", "T-0001"]]);
        let issues = read_roster(&bytes, 100).unwrap_err();
        let columns: Vec<_> = issues.iter().map(|i| (i.row, i.column)).collect();
        assert_eq!(
            columns,
            vec![(1, Some(Column::IdNumber)), (1, Some(Column::Seat))]
        );
        assert!(issues[0].reason.contains("缺少“身份证号”列"));
    }

    #[test]
    fn the_template_reads_as_an_empty_roster() {
        let issues = read_roster(&template_xlsx(), 100).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0].reason.contains("没有考生"),
            "{}",
            issues[0].reason
        );
    }

    #[test]
    fn garbage_and_oversized_files_are_refused_without_panicking() {
        let issues = read_roster(b"name,id\nx,y\n", 100).unwrap_err();
        assert!(issues[0].reason.contains("不是有效的 Excel"));
        let issues = read_roster(&[], 100).unwrap_err();
        assert_eq!(issues.len(), 1);
        let many: Vec<[String; 4]> = (0..4)
            .map(|i| {
                [
                    format!("考生{i}"),
                    "110105194912310029".to_owned(),
                    format!("T-{i:04}"),
                    i.to_string(),
                ]
            })
            .collect();
        let mut rows: Vec<Vec<&str>> = vec![HEADER[..4].to_vec()];
        rows.extend(many.iter().map(|r| r.iter().map(String::as_str).collect()));
        let refs: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        let issues = read_roster(&book(0, &refs), 3).unwrap_err();
        assert!(issues[0].reason.contains("超过 3 行"), "{:?}", issues);
        assert_eq!(read_roster(&book(0, &refs), 4).unwrap().len(), 4);
    }

    #[test]
    fn issues_print_as_row_column_reason() {
        let issue = RowIssue::new(5, Some(Column::Seat), "座位号应为数字");
        assert_eq!(issue.to_string(), "5: 座位号: 座位号应为数字");
        assert_eq!(RowIssue::new(1, None, "空").to_string(), "1: -: 空");
    }
}
