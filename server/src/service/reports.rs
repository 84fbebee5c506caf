//! 汇总报表 and per-candidate documents built from sealed records: the result summary
//! (CSV / XLSX), QTI 3.0 result documents, 成绩单 and session reports (PDF / XLSX).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use question_bank::archive::{mark_theory, RecordBody, RecordContent};
use question_bank::reports::{
    qti_result_xml, summary_csv, summary_xlsx, PartResult, QtiItemResult, QtiResultInput,
    SummaryRow,
};
use question_bank::{Answer, QuestionKind, Subject};

use super::statistics::StatsQuery;
use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::store::archive::SummarySource;

/// Rows fetched per query while building a summary.
const PAGE: i64 = 5000;

/// Output of a summary export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    /// UTF-8 CSV with BOM.
    Csv,
    /// Excel workbook.
    Xlsx,
}

/// Item code, item name and limitation (限定范围) of a subject code.
fn item_parts(code: &str) -> (String, String, String) {
    match code.parse::<Subject>() {
        Ok(Subject::Q1) => ("Q1".into(), "起重机指挥".into(), String::new()),
        Ok(Subject::Q2(t)) => (
            "Q2".into(),
            "起重机司机".into(),
            t.map(|t| format!("{}起重机", t.name_zh()))
                .unwrap_or_default(),
        ),
        Err(_) => (code.to_owned(), code.to_owned(), String::new()),
    }
}

fn part(source: &SummarySource) -> PartResult {
    match source.score_tenths {
        Some(t) => PartResult::Score {
            points: t as f64 / 10.0,
            passed: source.passed,
        },
        None => PartResult::Absent,
    }
}

/// A summary row being built: first seq seen, the row, the record hashes.
type PersonRow = (i64, SummaryRow, Vec<String>);

/// One row per person, subject and batch: the latest theory and practical results.
pub async fn summary_rows(state: &AppState, query: &StatsQuery) -> ApiResult<Vec<SummaryRow>> {
    let institution = super::institution::profile(&state.store).await?;
    let mut filter = query.filter()?;
    // Keyed by (ID number, subject, batch); the first seq keeps rows in sealing order.
    let mut rows: BTreeMap<(String, String, String), PersonRow> = BTreeMap::new();
    loop {
        let page = state.store.summary_sources(&filter, PAGE).await?;
        let Some(last) = page.last() else { break };
        filter.after = last.seq;
        for s in page {
            let key = (s.id_number.clone(), s.subject.clone(), s.batch.clone());
            let exam_date = s.exam_date.parse::<NaiveDate>().unwrap_or_default();
            let entry = rows.entry(key).or_insert_with(|| {
                let (item_code, item_name, limitation) = item_parts(&s.subject);
                (
                    s.seq,
                    SummaryRow {
                        institution_code: institution.code.clone(),
                        authority_code: institution.authority_code.clone(),
                        batch: s.batch.clone(),
                        exam_date,
                        name: s.name.clone(),
                        gender: s.gender.clone(),
                        id_number: s.id_number.clone(),
                        employer: s.employer.clone(),
                        item_code,
                        item_name,
                        limitation,
                        theory: PartResult::NotTaken,
                        practical: PartResult::NotTaken,
                        passed: false,
                        record_hash: String::new(),
                    },
                    Vec::new(),
                )
            });
            match s.kind.as_str() {
                "theory" => {
                    entry.1.theory = part(&s);
                    entry.1.exam_date = exam_date;
                }
                _ => entry.1.practical = part(&s),
            }
            entry.2.push(s.hash);
        }
    }
    let mut out: Vec<(i64, SummaryRow)> = rows
        .into_values()
        .map(|(seq, mut row, hashes)| {
            let passed = |p: &PartResult| matches!(p, PartResult::Score { passed: true, .. });
            row.passed = passed(&row.theory) && passed(&row.practical);
            row.record_hash = hashes.join(" ");
            (seq, row)
        })
        .collect();
    out.sort_by_key(|(seq, _)| *seq);
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

/// The result summary as a file: (bytes, content type, file name).
pub async fn summary_file(
    state: &AppState,
    query: &StatsQuery,
    format: SummaryFormat,
) -> ApiResult<(Vec<u8>, &'static str, String)> {
    let rows = summary_rows(state, query).await?;
    let stem = format!(
        "汇总报表_{}_{}",
        query
            .from
            .map(|d| d.to_string())
            .unwrap_or_else(|| "all".into()),
        query
            .to
            .map(|d| d.to_string())
            .unwrap_or_else(|| "all".into())
    );
    Ok(match format {
        SummaryFormat::Csv => (
            summary_csv(&rows),
            "text/csv; charset=utf-8",
            format!("{stem}.csv"),
        ),
        SummaryFormat::Xlsx => (
            summary_xlsx(&rows, "特种设备作业人员考试成绩汇总报表").map_err(anyhow::Error::from)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{stem}.xlsx"),
        ),
    })
}

/// QTI 3.0 result document of one sealed theory record.
pub async fn qti_result(state: &AppState, hash: &str) -> ApiResult<String> {
    let record = super::archive::by_hash(state, hash).await?;
    let content: RecordContent =
        serde_json::from_str(&record.content).map_err(anyhow::Error::from)?;
    let RecordBody::Theory(t) = content.body else {
        return Err(ApiError::invalid(
            "not_theory",
            "QTI 成绩文档只适用于理论考试记录",
        ));
    };
    let bank = state.catalog.version(&t.paper.bank_version.0).await?;
    let report = if t.score.is_some() {
        Some(mark_theory(&t, &bank).map_err(|e| anyhow::anyhow!(e))?)
    } else {
        None
    };
    let labels = |a: Option<Answer>| -> Vec<String> {
        match a {
            None => vec![],
            Some(a) => {
                let wire = a.to_wire();
                if matches!(a, Answer::Judge(_)) {
                    vec![wire]
                } else {
                    wire.chars().map(String::from).collect()
                }
            }
        }
    };
    let items = report
        .as_ref()
        .map(|r| {
            r.questions
                .iter()
                .enumerate()
                .map(|(i, m)| QtiItemResult {
                    identifier: m.id.0.clone(),
                    sequence_index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    multiple: bank
                        .get(&m.id)
                        .is_some_and(|q| q.kind == QuestionKind::Multiple),
                    correct: labels(Some(m.key)),
                    response: labels(m.answer),
                    score: f64::from(m.earned_tenths) / 10.0,
                    max_score: f64::from(m.max_tenths) / 10.0,
                })
                .collect()
        })
        .unwrap_or_default();
    let score = t.score.as_ref();
    Ok(qti_result_xml(&QtiResultInput {
        institution_code: t.institution.code.clone(),
        candidate_id: t.ticket.clone(),
        id_number_masked: question_bank::id_number::masked(&t.person.id_number),
        session_identifier: format!("session-{}", t.session.id),
        test_identifier: format!(
            "{}-{}",
            t.subject,
            &t.paper.bank_version.0[..12.min(t.paper.bank_version.0.len())]
        ),
        datestamp: t
            .attendance
            .submitted_at
            .or(t.deadline_at)
            .unwrap_or(content.sealed_at),
        completed: score.is_some(),
        score: score.map_or(0.0, |s| f64::from(s.total_tenths) / 10.0),
        max_score: score.map_or(100.0, |s| f64::from(s.max_tenths) / 10.0),
        pass_mark: f64::from(t.blueprint.pass_mark_tenths) / 10.0,
        passed: score.is_some_and(|s| s.passed),
        items,
    }))
}
