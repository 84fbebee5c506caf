//! 特种设备作业人员考试成绩单: one candidate, one subject, usually one page.

use super::blocks::{heading, paragraph, signatures, title_block};
use super::canvas::{Canvas, Style, BOTTOM, CONTENT_W, GRAY, INK, LABEL_FILL, MARGIN, RED, RULE};
use super::table::{col, kv_block, Align, Cell, Kv, Table};
use super::textfmt::{china_time, date, num, ratio, DASH};
use super::{FontSource, PartScore, PdfError, Transcript};

const TITLE: &str = "特种设备作业人员考试成绩单";

pub(super) fn render(t: &Transcript, font: &FontSource) -> Result<Vec<u8>, PdfError> {
    let mut c = Canvas::new(font)?;
    c.set_running_header(t.institution_name.clone(), format!("{TITLE}（续）"));
    let serial: String = t
        .verification_hash
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(8)
        .collect();
    let note = if serial.is_empty() {
        format!("机构代码：{}", t.institution_code)
    } else {
        format!("编号：{}-{}", t.institution_code, serial.to_uppercase())
    };
    title_block(&mut c, TITLE, &t.institution_name, &note);
    let mut n = 0;

    heading(&mut c, &mut n, "考生信息", 100.0);
    kv_block(
        &mut c,
        &[
            Kv::Pair("姓名", t.candidate_name.clone(), "性别", t.gender.clone()),
            Kv::Pair(
                "身份证号",
                t.id_number_masked.clone(),
                "考试日期",
                date(t.exam_date),
            ),
            Kv::Wide("工作单位", t.employer.clone()),
            Kv::Pair(
                "考试项目",
                t.subject_name.clone(),
                "考试批次",
                t.batch.clone(),
            ),
            Kv::Pair(
                "机构代码",
                t.institution_code.clone(),
                "发证机关代码",
                t.authority_code.clone(),
            ),
        ],
        10.0,
    );

    heading(&mut c, &mut n, "考试成绩", 60.0);
    let cols = [
        col("考试科目", 1.6, Align::Left),
        col("考试日期", 1.4, Align::Center),
        col("成绩（分）", 1.0, Align::Center),
        col("合格线（分）", 1.0, Align::Center),
        col("结果", 1.0, Align::Center),
    ];
    let rows = vec![
        part_row("理论考试", t.theory.as_ref()),
        part_row("实际操作考试", t.practical.as_ref()),
    ];
    Table {
        cols: &cols,
        size: 10.0,
        max_lines: 2,
    }
    .draw(&mut c, &rows);

    let areas: Vec<Vec<Cell>> = [("理论考试", &t.theory), ("实际操作考试", &t.practical)]
        .into_iter()
        .filter_map(|(name, part)| part.as_ref().filter(|p| !p.absent).map(|p| (name, p)))
        .flat_map(|(name, p)| {
            p.areas.iter().enumerate().map(move |(i, a)| {
                let r = ratio(a.earned, a.max);
                let pct = r.map_or_else(|| DASH.to_string(), |r| format!("{:.0}%", r * 100.0));
                vec![
                    if i == 0 {
                        Cell::from(name)
                    } else {
                        Cell::from(name).cont()
                    },
                    a.name.clone().into(),
                    num(a.earned, 1).into(),
                    num(a.max, 1).into(),
                    Cell::from(pct).bar(r.unwrap_or(0.0) as f32),
                ]
            })
        })
        .collect();
    if !areas.is_empty() {
        heading(&mut c, &mut n, "分项得分", 50.0);
        let cols = [
            col("考试科目", 1.3, Align::Left),
            col("分项", 2.0, Align::Left),
            col("得分", 0.7, Align::Center),
            col("满分", 0.7, Align::Center),
            col("得分率", 1.6, Align::Right),
        ];
        Table {
            cols: &cols,
            size: 9.0,
            max_lines: 2,
        }
        .draw(&mut c, &areas);
    }

    heading(&mut c, &mut n, "考试结论", 50.0);
    conclusion(&mut c, t);
    c.y += 10.0;
    paragraph(
        &mut c,
        &format!("签发时间：{}（北京时间）", china_time(t.issued_at)),
        Style::new(9.5).color(GRAY),
        0.0,
    );
    c.y += 4.0;
    signatures(&mut c, &["考试机构（盖章）", "日期"]);
    verification(&mut c, &t.verification_hash);

    let right = format!("签发 {}", china_time(t.issued_at));
    c.finish(TITLE, "CraneExam 考试系统 · 成绩单", &right)
}

fn part_row(name: &str, part: Option<&PartScore>) -> Vec<Cell> {
    match part {
        None => vec![
            name.into(),
            DASH.into(),
            DASH.into(),
            DASH.into(),
            Cell::from("未参加").color(GRAY),
        ],
        Some(p) => {
            let (score, result) = if p.absent {
                (DASH.to_string(), Cell::from("缺考").color(RED))
            } else if p.passed {
                (num(p.score, 1), Cell::from("合格").bold())
            } else {
                (num(p.score, 1), Cell::from("不合格").color(RED).bold())
            };
            vec![
                name.into(),
                date(p.date).into(),
                score.into(),
                num(p.pass_mark, 1).into(),
                result,
            ]
        }
    }
}

/// The overall result in large type inside a ruled box.
fn conclusion(c: &mut Canvas<'_>, t: &Transcript) {
    let label = Style::new(11.0).color(GRAY);
    let big = Style::new(16.0)
        .bold()
        .color(if t.overall_passed { INK } else { RED });
    let label_w = c.width("考试结论：", label) + 16.0;
    let lines = c.wrap(&t.overall_text, big, CONTENT_W - label_w - 16.0, 3);
    let line_h = big.size * 1.45;
    let h = lines.len() as f32 * line_h + 20.0;
    c.ensure(h);
    let top = c.y;
    c.shade(MARGIN, top, CONTENT_W, h, LABEL_FILL);
    c.frame(MARGIN, top, CONTENT_W, h, 0.8, RULE);
    c.text(
        MARGIN + 10.0,
        top + 10.0 + line_h / 2.0 + 4.0,
        "考试结论：",
        label,
    );
    let mut y = top + 10.0;
    for line in &lines {
        c.text(
            MARGIN + label_w,
            y + line_h / 2.0 + big.size * 0.36,
            line,
            big,
        );
        y += line_h;
    }
    c.y = top + h;
}

/// Hash and how to check it, in small type at the foot of the last page.
fn verification(c: &mut Canvas<'_>, hash: &str) {
    let small = Style::new(7.5).color(GRAY);
    let mono = Style::new(8.5).mono().color(INK);
    let label = "核验码（SHA-256）：";
    let label_w = c.width(label, small);
    let hash_lines = c.wrap(hash, mono, CONTENT_W - label_w, 3);
    let how = format!("核验：exam-server archive verify 或 GET /api/v1/archives/{hash}");
    let how_lines = c.wrap(&how, small, CONTENT_W, 3);
    let note = "本成绩单由 CraneExam 考试系统生成，经考试机构盖章后有效，涂改无效；成绩记录已封存，可凭核验码查验。";
    let note_lines = c.wrap(note, small, CONTENT_W, 3);
    let h =
        6.0 + hash_lines.len() as f32 * 11.0 + (how_lines.len() + note_lines.len()) as f32 * 10.5;
    c.ensure(h + 8.0);
    let top = (c.y + 8.0).max(BOTTOM - h);
    c.hline(MARGIN, MARGIN + CONTENT_W, top, 0.4, GRAY);
    c.y = top + 6.0;
    c.text(MARGIN, c.y + 8.0, label, small);
    for line in &hash_lines {
        c.text(MARGIN + label_w, c.y + 8.0, line, mono);
        c.y += 11.0;
    }
    for line in how_lines.iter().chain(&note_lines) {
        c.text(MARGIN, c.y + 8.0, line, small);
        c.y += 10.5;
    }
}
