//! Printable documents from sealed records: the 成绩单 (score report) of one person and
//! subject, and the report of one theory session (PDF and XLSX).

use chrono::{Months, NaiveDate, Utc};
use question_bank::analysis::{Period, ResponseMatrix, HISTOGRAM_BINS};
use question_bank::archive::{RecordBody, RecordContent, SealedRecord, TheoryRecord};
use question_bank::id_number::masked;
use question_bank::wire::PaperStatus;

use super::statistics::{mark_examinee, seen_items, subject_name, trend};
use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::reports::pdf::{
    self, ActionRow, AreaLine, AreaMean, FontSource, HistogramBin, PartScore, ReportRow,
    SessionReport, Transcript, TrendPoint,
};
use crate::store::archive::ArchiveFilter;

fn font(state: &AppState) -> ApiResult<FontSource> {
    state
        .report_font
        .clone()
        .map_err(|why| ApiError::Unavailable {
            code: "pdf_font_missing",
            message: format!("无法生成 PDF：{why}"),
        })
}

/// Render on the blocking pool: layout and font subsetting take a few hundred ms.
async fn render<T: Send + 'static>(
    data: T,
    font: FontSource,
    f: fn(&T, &FontSource) -> Result<Vec<u8>, pdf::PdfError>,
) -> ApiResult<Vec<u8>> {
    actix_web::web::block(move || f(&data, &font))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))
}

fn parse(record: &SealedRecord) -> ApiResult<RecordContent> {
    Ok(serde_json::from_str(&record.content).map_err(anyhow::Error::from)?)
}

fn theory_part(t: &TheoryRecord) -> PartScore {
    let pass_mark = f64::from(t.blueprint.pass_mark_tenths) / 10.0;
    match &t.score {
        Some(s) => PartScore {
            score: f64::from(s.total_tenths) / 10.0,
            pass_mark,
            passed: s.passed,
            absent: false,
            date: t.session.exam_date,
            areas: s
                .areas
                .iter()
                .map(|a| AreaLine {
                    name: a.area.name_zh().to_owned(),
                    earned: f64::from(a.earned_tenths) / 10.0,
                    max: f64::from(a.max_tenths) / 10.0,
                })
                .collect(),
        },
        None => PartScore {
            score: 0.0,
            pass_mark,
            passed: false,
            absent: true,
            date: t.session.exam_date,
            areas: vec![],
        },
    }
}

/// The 成绩单 of one person for one subject: their latest sealed theory and practical
/// results, with the hash of the latest record to verify it.
pub async fn transcript(state: &AppState, id_number: &str, subject: &str) -> ApiResult<Vec<u8>> {
    let font = font(state)?;
    let id = super::validate::id_number(id_number)?;
    let mut theory: Option<(TheoryRecord, String)> = None;
    let mut practical = None;
    let mut latest_hash = String::new();
    let mut first = None;
    for row in state.store.archive_of_person(id.as_str()).await? {
        let record = SealedRecord::from(row);
        let content = parse(&record)?;
        if content.body.subject() != subject {
            continue;
        }
        first.get_or_insert_with(|| content.body.clone());
        latest_hash = record.hash.clone();
        match content.body {
            RecordBody::Theory(t) => theory = Some((*t, record.hash)),
            RecordBody::Practical(p) => practical = Some(*p),
        }
    }
    let Some(first) = first else {
        return Err(ApiError::NotFound("该考生该项目的存档成绩"));
    };
    let theory_part = theory.as_ref().map(|(t, _)| theory_part(t));
    let practical_part = practical.as_ref().map(|p| PartScore {
        score: f64::from(p.outcome.score_tenths.unwrap_or(0)) / 10.0,
        pass_mark: 70.0,
        passed: p.outcome.passed,
        absent: p.outcome.score_tenths.is_none(),
        date: p.session.exam_date,
        areas: vec![],
    });
    let passed = |p: &Option<PartScore>| p.as_ref().is_some_and(|p| p.passed);
    let overall_passed = passed(&theory_part) && passed(&practical_part);
    let overall_text = match (&theory_part, &practical_part) {
        _ if overall_passed => "合格".to_owned(),
        (None, _) => "待考：理论考试尚无成绩".to_owned(),
        (_, None) => "待考：实际操作考试尚无成绩".to_owned(),
        (Some(t), Some(p)) => {
            let failed: Vec<&str> = [(t, "理论考试"), (p, "实际操作考试")]
                .into_iter()
                .filter(|(part, _)| !part.passed)
                .map(|(_, name)| name)
                .collect();
            format!("不合格（{}不合格，一年内可补考一次）", failed.join("、"))
        }
    };
    let person = first.person();
    let session = first.session();
    let institution = first.institution();
    let data = Transcript {
        institution_name: institution.name.clone(),
        institution_code: institution.code.clone(),
        authority_code: institution.authority_code.clone(),
        candidate_name: person.name.clone(),
        id_number_masked: masked(&person.id_number),
        gender: person.gender.clone(),
        employer: person.employer.clone(),
        subject_name: subject_name(subject),
        batch: session.batch.clone(),
        exam_date: theory
            .as_ref()
            .map(|(t, _)| t.session.exam_date)
            .unwrap_or(session.exam_date),
        theory: theory_part,
        practical: practical_part,
        overall_passed,
        overall_text,
        verification_hash: latest_hash,
        issued_at: Utc::now(),
    };
    render(data, font, pdf::transcript_pdf).await
}

/// The sealed theory records of a session, or why there are none yet.
async fn sealed_session(state: &AppState, session_id: i64) -> ApiResult<Vec<TheoryRecord>> {
    let session = state
        .store
        .session(session_id)
        .await?
        .ok_or(ApiError::NotFound("场次"))?;
    let rows = state.store.session_records("theory", session.id).await?;
    if rows.is_empty() {
        return Err(ApiError::conflict(
            "session_not_sealed",
            "该场次尚未结束存档（全部考生交卷或缺考后自动封存），暂无场次报告",
        ));
    }
    rows.into_iter()
        .map(|r| match parse(&SealedRecord::from(r))?.body {
            RecordBody::Theory(t) => Ok(*t),
            RecordBody::Practical(_) => Err(ApiError::Internal(anyhow::anyhow!("kind mismatch"))),
        })
        .collect()
}

/// Everything a session report shows, from its sealed records.
pub async fn session_report(state: &AppState, session_id: i64) -> ApiResult<SessionReport> {
    let records = sealed_session(state, session_id).await?;
    let first = &records[0];
    let bank = state.catalog.version(&first.paper.bank_version.0).await?;
    let mut seen = std::collections::HashSet::new();
    let examinees = records
        .iter()
        .filter(|t| t.score.is_some())
        .map(|t| mark_examinee(t, &bank, &mut seen))
        .collect::<ApiResult<Vec<_>>>()?;
    let stats = ResponseMatrix::new(seen_items(&bank, &seen), examinees)
        .map_err(anyhow::Error::from)?
        .session_stats(first.blueprint.pass_mark_tenths);
    let histogram = stats
        .histogram
        .iter()
        .enumerate()
        .map(|(i, count)| HistogramBin {
            label: if i + 1 == HISTOGRAM_BINS {
                format!("{}-100", i * 10)
            } else {
                format!("{}-{}", i * 10, i * 10 + 9)
            },
            count: u32::try_from(*count).unwrap_or(u32::MAX),
        })
        .collect();
    let present: Vec<&TheoryRecord> = records.iter().filter(|t| t.score.is_some()).collect();
    let areas = question_bank::Area::ALL
        .iter()
        .map(|area| {
            let (earned, max) = present
                .iter()
                .flat_map(|t| t.score.iter().flat_map(|s| s.areas.iter()))
                .filter(|a| a.area == *area)
                .fold((0u64, 0u64), |(e, m), a| {
                    (e + u64::from(a.earned_tenths), m + u64::from(a.max_tenths))
                });
            let n = present.len().max(1) as f64;
            AreaMean {
                name: area.name_zh().to_owned(),
                mean: earned as f64 / 10.0 / n,
                max: max as f64 / 10.0 / n,
            }
        })
        .collect();
    let mut actions: Vec<ActionRow> = Vec::new();
    for row in state
        .store
        .audit_of(&format!("session:{session_id}"))
        .await?
    {
        actions.push(ActionRow {
            at: crate::clock::to_datetime(row.at),
            actor: row.actor,
            action: row.action,
            target: "本场次".into(),
            reason: row.detail,
        });
    }
    for t in &records {
        for e in &t.events {
            actions.push(ActionRow {
                at: e.at,
                actor: e.actor.clone(),
                action: e.action.clone(),
                target: format!("{} {}", t.seat, t.person.name),
                reason: e.detail.as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    actions.retain(|a| a.action != "candidate.register" && a.action != "exam.signin");
    actions.sort_by_key(|a| a.at);
    let day = first.session.exam_date;
    let trend = subject_trend(state, &first.subject, day).await?;
    let summary = stats.scores.as_ref();
    Ok(SessionReport {
        institution_name: first.institution.name.clone(),
        title: first.session.title.clone(),
        subject_name: subject_name(&first.subject),
        batch: first.session.batch.clone(),
        exam_date: day,
        kind: "理论考试".into(),
        registered: u32::try_from(records.len()).unwrap_or(u32::MAX),
        present: u32::try_from(present.len()).unwrap_or(u32::MAX),
        absent: u32::try_from(records.len() - present.len()).unwrap_or(u32::MAX),
        passed: u32::try_from(stats.passed).unwrap_or(u32::MAX),
        pass_mark: f64::from(first.blueprint.pass_mark_tenths) / 10.0,
        mean: summary.map(|s| s.mean),
        sd: summary.map(|s| s.sd),
        median: summary.map(|s| s.median),
        min: summary.map(|s| s.min),
        max: summary.map(|s| s.max),
        kr20: stats.kr20,
        histogram,
        areas,
        candidates: records
            .iter()
            .map(|t| ReportRow {
                seat: t.seat.clone(),
                name: t.person.name.clone(),
                id_number_masked: masked(&t.person.id_number),
                status: match t.attendance.status {
                    PaperStatus::Absent => "缺考",
                    _ if t.attendance.auto_submitted => "到时交卷",
                    _ => "已交卷",
                }
                .into(),
                score: t.score.as_ref().map(|s| f64::from(s.total_tenths) / 10.0),
                passed: t.score.as_ref().is_some_and(|s| s.passed),
            })
            .collect(),
        actions,
        trend,
        generated_at: Utc::now(),
    })
}

/// Monthly theory pass rates of a subject over the year up to `day`.
async fn subject_trend(
    state: &AppState,
    subject: &str,
    day: NaiveDate,
) -> ApiResult<Vec<TrendPoint>> {
    let filter = ArchiveFilter {
        from: day
            .checked_sub_months(Months::new(11))
            .map(|d| d.to_string()),
        to: Some(day.to_string()),
        subject: Some(subject.to_owned()),
        kind: Some("theory".into()),
        ..ArchiveFilter::default()
    };
    Ok(trend(state, &filter, Period::Month)
        .await?
        .into_iter()
        .map(|p| TrendPoint {
            period: p.period,
            sat: u32::try_from(p.count).unwrap_or(u32::MAX),
            passed: u32::try_from(p.passed).unwrap_or(u32::MAX),
        })
        .collect())
}

/// The session report as XLSX.
pub async fn session_report_xlsx(state: &AppState, session_id: i64) -> ApiResult<Vec<u8>> {
    let report = session_report(state, session_id).await?;
    Ok(crate::reports::session_xlsx::session_report_xlsx(&report).map_err(anyhow::Error::from)?)
}

/// The session report as PDF.
pub async fn session_report_pdf(state: &AppState, session_id: i64) -> ApiResult<Vec<u8>> {
    let font = font(state)?;
    let report = session_report(state, session_id).await?;
    render(report, font, pdf::session_report_pdf).await
}
