//! 考试场次报告: summary figures, charts, the candidate roster and invigilator actions.

use super::blocks::{heading, paragraph, signatures, title_block};
use super::canvas::{Canvas, Style, GRAY, RED};
use super::chart::{area_bars, histogram, trend};
use super::table::{col, kv_block, Align, Cell, Kv, Table};
use super::textfmt::{china_time, date, fixed, num, opt, pct, DASH};
use super::{FontSource, PdfError, SessionReport};

const TITLE: &str = "考试场次报告";

pub(super) fn render(r: &SessionReport, font: &FontSource) -> Result<Vec<u8>, PdfError> {
    let mut c = Canvas::new(font)?;
    c.set_running_header(r.institution_name.clone(), format!("{TITLE} · {}", r.title));
    let generated = china_time(r.generated_at);
    title_block(
        &mut c,
        TITLE,
        &r.institution_name,
        &format!("生成时间：{generated}"),
    );
    kv_block(
        &mut c,
        &[
            Kv::Wide("场次名称", r.title.clone()),
            Kv::Pair(
                "考试项目",
                r.subject_name.clone(),
                "考试类型",
                r.kind.clone(),
            ),
            Kv::Pair("考试批次", r.batch.clone(), "考试日期", date(r.exam_date)),
            Kv::Pair(
                "合格线",
                format!("{} 分", num(r.pass_mark, 1)),
                "生成时间",
                generated.clone(),
            ),
        ],
        10.0,
    );
    let mut n = 0;

    heading(&mut c, &mut n, "考试概况", 90.0);
    let cols = [
        col("应考人数", 1.0, Align::Center),
        col("实考人数", 1.0, Align::Center),
        col("缺考人数", 1.0, Align::Center),
        col("合格人数", 1.0, Align::Center),
        col("合格率", 1.0, Align::Center),
    ];
    let row = vec![
        Cell::from(r.registered.to_string()).bold(),
        Cell::from(r.present.to_string()).bold(),
        Cell::from(r.absent.to_string()).bold(),
        Cell::from(r.passed.to_string()).bold(),
        Cell::from(pct(r.passed, r.present)).bold(),
    ];
    Table {
        cols: &cols,
        size: 10.5,
        max_lines: 1,
    }
    .draw(&mut c, &[row]);
    c.y += 8.0;
    let cols = [
        col("平均分", 1.0, Align::Center),
        col("标准差", 1.0, Align::Center),
        col("中位数", 1.0, Align::Center),
        col("最低分", 1.0, Align::Center),
        col("最高分", 1.0, Align::Center),
        col("KR-20 信度", 1.0, Align::Center),
    ];
    let stats = [
        opt(r.mean, 1),
        fixed(r.sd, 2),
        opt(r.median, 1),
        opt(r.min, 1),
        opt(r.max, 1),
        fixed(r.kr20, 3),
    ];
    let row: Vec<Cell> = stats.into_iter().map(Cell::from).collect();
    Table {
        cols: &cols,
        size: 10.0,
        max_lines: 1,
    }
    .draw(&mut c, &[row]);
    c.y += 4.0;
    let note =
        "注：合格率 = 合格人数 ÷ 实考人数；统计量按实考考生计算；KR-20 为试卷内部一致性信度系数。";
    paragraph(&mut c, note, Style::new(8.0).color(GRAY), 0.0);

    heading(
        &mut c,
        &mut n,
        "成绩分布",
        if r.histogram.is_empty() { 16.0 } else { 170.0 },
    );
    histogram(&mut c, &r.histogram, r.pass_mark, 170.0);

    heading(&mut c, &mut n, "分项平均得分", 40.0);
    if r.areas.is_empty() {
        paragraph(&mut c, "无", Style::new(10.0), 0.0);
    } else {
        area_bars(&mut c, &r.areas);
    }

    if r.trend.len() >= 2 {
        heading(&mut c, &mut n, "合格率趋势", 150.0);
        trend(&mut c, &r.trend, 150.0);
    }

    heading(&mut c, &mut n, "考生成绩明细", 60.0);
    if r.candidates.is_empty() {
        paragraph(&mut c, "无", Style::new(10.0), 0.0);
    } else {
        let cols = [
            col("序号", 0.6, Align::Center),
            col("座位号", 0.9, Align::Center),
            col("姓名", 1.3, Align::Center),
            col("身份证号", 2.1, Align::Center),
            col("状态", 1.1, Align::Center),
            col("成绩", 0.8, Align::Center),
            col("结果", 0.8, Align::Center),
        ];
        let rows: Vec<Vec<Cell>> = r
            .candidates
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let result = match row.score {
                    None => Cell::from(DASH).color(GRAY),
                    Some(_) if row.passed => Cell::from("合格"),
                    Some(_) => Cell::from("不合格").color(RED),
                };
                vec![
                    (i + 1).to_string().into(),
                    row.seat.clone().into(),
                    row.name.clone().into(),
                    row.id_number_masked.clone().into(),
                    row.status.clone().into(),
                    opt(row.score, 1).into(),
                    result,
                ]
            })
            .collect();
        Table {
            cols: &cols,
            size: 9.0,
            max_lines: 2,
        }
        .draw(&mut c, &rows);
    }

    heading(&mut c, &mut n, "监考操作记录", 50.0);
    if r.actions.is_empty() {
        paragraph(&mut c, "无", Style::new(10.0), 0.0);
    } else {
        let cols = [
            col("时间", 1.35, Align::Center),
            col("操作人", 0.9, Align::Left),
            col("操作", 1.1, Align::Left),
            col("对象", 1.1, Align::Left),
            col("原因", 2.4, Align::Left),
        ];
        let rows: Vec<Vec<Cell>> = r
            .actions
            .iter()
            .map(|a| {
                vec![
                    china_time(a.at).into(),
                    a.actor.clone().into(),
                    a.action.clone().into(),
                    a.target.clone().into(),
                    a.reason.clone().into(),
                ]
            })
            .collect();
        Table {
            cols: &cols,
            size: 9.0,
            max_lines: 4,
        }
        .draw(&mut c, &rows);
    }

    c.y += 16.0;
    signatures(&mut c, &["监考人员（签字）", "考试机构（盖章）", "日期"]);
    c.finish(
        TITLE,
        "CraneExam 考试系统 · 考试场次报告",
        &format!("生成 {generated}"),
    )
}
