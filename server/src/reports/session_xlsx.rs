//! The session report as a workbook: 概况 (summary and distribution), 考生成绩 (one row per
//! candidate), 监考记录 (invigilator actions).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::pdf::SessionReport;

/// Write `r` as an XLSX workbook.
pub fn session_report_xlsx(r: &SessionReport) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let score = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0");
    let percent = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");

    let sheet = book.add_worksheet().set_name("概况")?;
    sheet.set_column_width(0, 16)?;
    sheet.set_column_width(1, 40)?;
    sheet.write_with_format(0, 0, "考试场次报告", &title)?;
    let rate = if r.present == 0 {
        0.0
    } else {
        f64::from(r.passed) / f64::from(r.registered.max(1))
    };
    let facts: [(&str, String); 8] = [
        ("考试机构", r.institution_name.clone()),
        ("场次", r.title.clone()),
        ("考试项目", r.subject_name.clone()),
        ("批次", r.batch.clone()),
        ("考试日期", r.exam_date.to_string()),
        ("考试类型", r.kind.clone()),
        ("合格线", format!("{:.0}", r.pass_mark)),
        (
            "生成时间",
            r.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
    ];
    let mut row = 2;
    for (k, v) in facts {
        sheet.write_with_format(row, 0, k, &header)?;
        sheet.write_with_format(row, 1, v, &cell)?;
        row += 1;
    }
    row += 1;
    let figures: [(&str, Option<f64>); 11] = [
        ("应考人数", Some(f64::from(r.registered))),
        ("实考人数", Some(f64::from(r.present))),
        ("缺考人数", Some(f64::from(r.absent))),
        ("合格人数", Some(f64::from(r.passed))),
        ("平均分", r.mean),
        ("标准差", r.sd),
        ("中位数", r.median),
        ("最低分", r.min),
        ("最高分", r.max),
        ("KR-20 信度", r.kr20),
        ("合格率", Some(rate)),
    ];
    for (k, v) in figures {
        sheet.write_with_format(row, 0, k, &header)?;
        match v {
            Some(v) if k == "合格率" => sheet.write_with_format(row, 1, v, &percent)?,
            Some(v) if v.is_finite() => sheet.write_with_format(row, 1, v, &score)?,
            _ => sheet.write_with_format(row, 1, "—", &cell)?,
        };
        row += 1;
    }
    row += 1;
    sheet.write_with_format(row, 0, "分数段", &header)?;
    sheet.write_with_format(row, 1, "人数", &header)?;
    for bin in &r.histogram {
        row += 1;
        sheet.write_with_format(row, 0, &bin.label, &cell)?;
        sheet.write_with_format(row, 1, bin.count, &cell)?;
    }
    row += 2;
    sheet.write_with_format(row, 0, "分项", &header)?;
    sheet.write_with_format(row, 1, "平均得分 / 满分", &header)?;
    for a in &r.areas {
        row += 1;
        sheet.write_with_format(row, 0, &a.name, &cell)?;
        sheet.write_with_format(row, 1, format!("{:.1} / {:.0}", a.mean, a.max), &cell)?;
    }

    let sheet = book.add_worksheet().set_name("考生成绩")?;
    let columns = [
        ("座位", 8.0),
        ("姓名", 14.0),
        ("身份证号", 22.0),
        ("状态", 12.0),
        ("成绩", 10.0),
        ("结果", 10.0),
    ];
    for (i, (name, width)) in columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        sheet.set_column_width(col, *width)?;
        sheet.write_with_format(0, col, *name, &header)?;
    }
    for (i, c) in r.candidates.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        sheet.write_with_format(row, 0, &c.seat, &cell)?;
        sheet.write_with_format(row, 1, &c.name, &cell)?;
        sheet.write_with_format(row, 2, &c.id_number_masked, &cell)?;
        sheet.write_with_format(row, 3, &c.status, &cell)?;
        match c.score {
            Some(s) => sheet.write_with_format(row, 4, s, &score)?,
            None => sheet.write_with_format(row, 4, "缺考", &cell)?,
        };
        sheet.write_with_format(row, 5, if c.passed { "合格" } else { "不合格" }, &cell)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !r.candidates.is_empty() {
        sheet.autofilter(
            0,
            0,
            u32::try_from(r.candidates.len()).unwrap_or(u32::MAX),
            5,
        )?;
    }

    let sheet = book.add_worksheet().set_name("监考记录")?;
    let columns = [
        ("时间", 20.0),
        ("操作人", 12.0),
        ("操作", 24.0),
        ("对象", 16.0),
        ("原因/说明", 50.0),
    ];
    for (i, (name, width)) in columns.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        sheet.set_column_width(col, *width)?;
        sheet.write_with_format(0, col, *name, &header)?;
    }
    for (i, a) in r.actions.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let china = a.at + chrono::Duration::hours(8);
        sheet.write_with_format(row, 0, china.format("%Y-%m-%d %H:%M:%S").to_string(), &cell)?;
        sheet.write_with_format(row, 1, &a.actor, &cell)?;
        sheet.write_with_format(row, 2, &a.action, &cell)?;
        sheet.write_with_format(row, 3, &a.target, &cell)?;
        sheet.write_with_format(row, 4, &a.reason, &cell)?;
    }
    book.save_to_buffer()
}
