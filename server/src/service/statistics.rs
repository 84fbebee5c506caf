//! 统计查询 and 试题分析 over sealed records: pass rates by subject, part, batch, date
//! range and employer; pass rate over time; item analysis of a bank version with each
//! session's KR-20.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use question_bank::analysis::{
    pass_rate_trend, Examinee, ItemMeta, Period, PeriodPassRate, ResponseMatrix,
};
use question_bank::archive::{mark_theory, RecordBody, RecordContent, SealedRecord, TheoryRecord};
use question_bank::wire::{ItemAnalysisView, SessionAnalysis, StatGroup, StatisticsView};
use question_bank::{Bank, QuestionId, Subject};

use super::AppState;
use crate::error::{ApiError, ApiResult};
use crate::store::archive::ArchiveFilter;

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    /// First exam day.
    pub from: Option<NaiveDate>,
    /// Last exam day.
    pub to: Option<NaiveDate>,
    /// Subject code.
    pub subject: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// Employer.
    pub employer: Option<String>,
    /// `theory` or `practical`.
    pub kind: Option<String>,
    /// Trend period (default month).
    pub period: Option<Period>,
}

impl StatsQuery {
    pub(crate) fn filter(&self) -> ApiResult<ArchiveFilter> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(ApiError::invalid("invalid_range", "开始日期晚于结束日期"));
            }
        }
        super::validate::part_kind(self.kind.as_deref())?;
        let text = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Ok(ArchiveFilter {
            after: 0,
            from: self.from.map(|d| d.to_string()),
            to: self.to.map(|d| d.to_string()),
            subject: text(&self.subject),
            batch: text(&self.batch),
            kind: self.kind.clone(),
            employer: text(&self.employer),
        })
    }
}

/// Subject name as printed, or the code when unknown.
pub fn subject_name(code: &str) -> String {
    code.parse::<Subject>()
        .map(|s| s.name_zh())
        .unwrap_or_else(|_| code.to_owned())
}

/// Pass rates per subject and part, and over time.
pub async fn statistics(state: &AppState, query: &StatsQuery) -> ApiResult<StatisticsView> {
    let filter = query.filter()?;
    let groups = state
        .store
        .archive_stats(&filter)
        .await?
        .into_iter()
        .map(|r| {
            let records = u64::try_from(r.records).unwrap_or_default();
            let passed = u64::try_from(r.passed).unwrap_or_default();
            StatGroup {
                subject_name: subject_name(&r.subject),
                subject: r.subject,
                part: r.kind,
                records,
                absent: u64::try_from(r.absent).unwrap_or_default(),
                passed,
                pass_rate: (records > 0).then(|| passed as f64 / records as f64),
                mean_score: r.mean_tenths.map(|t| t.round() / 10.0),
            }
        })
        .collect();
    let trend = trend(state, &filter, query.period.unwrap_or(Period::Month)).await?;
    Ok(StatisticsView { groups, trend })
}

/// Pass rates per period of the sealed results matching `filter`.
pub(crate) async fn trend(
    state: &AppState,
    filter: &ArchiveFilter,
    period: Period,
) -> ApiResult<Vec<PeriodPassRate>> {
    let outcomes = state.store.archive_outcomes(filter).await?;
    Ok(pass_rate_trend(
        outcomes
            .into_iter()
            .filter_map(|(day, passed)| day.parse::<NaiveDate>().ok().map(|d| (d, passed))),
        period,
    ))
}

/// Item analysis of `bank_version` (default: the current bank) over the sealed theory
/// papers drawn from it in the filtered range, with each session's statistics.
pub async fn item_analysis(
    state: &AppState,
    bank_version: Option<&str>,
    query: &StatsQuery,
) -> ApiResult<ItemAnalysisView> {
    let version = match bank_version {
        Some(v) => v.to_owned(),
        None => state.catalog.current().version().0.clone(),
    };
    let bank = state
        .catalog
        .version(&version)
        .await
        .map_err(|_| ApiError::NotFound("题库版本"))?;
    let mut filter = query.filter()?;
    filter.kind = Some("theory".into());
    // Examinees in a stable order (seq), grouped per session for KR-20.
    let mut examinees = Vec::new();
    let mut sessions: BTreeMap<i64, (String, u32, Vec<Examinee>)> = BTreeMap::new();
    let mut seen: HashSet<QuestionId> = HashSet::new();
    loop {
        let page = state.store.archive_page(&filter, 500).await?;
        let Some(last) = page.last() else { break };
        filter.after = last.seq;
        for row in page {
            let record = SealedRecord::from(row);
            let content: RecordContent =
                serde_json::from_str(&record.content).map_err(anyhow::Error::from)?;
            let RecordBody::Theory(t) = content.body else {
                continue;
            };
            if t.paper.bank_version.0 != version || t.score.is_none() {
                continue;
            }
            let examinee = mark_examinee(&t, &bank, &mut seen)?;
            sessions
                .entry(t.session.id)
                .or_insert_with(|| {
                    (
                        t.session.title.clone(),
                        t.blueprint.pass_mark_tenths,
                        Vec::new(),
                    )
                })
                .2
                .push(examinee.clone());
            examinees.push(examinee);
        }
    }
    let items = seen_items(&bank, &seen);
    let count = examinees.len();
    let matrix = ResponseMatrix::new(items.clone(), examinees).map_err(anyhow::Error::from)?;
    let mut stats = matrix.item_stats();
    stats.sort_by_key(|s| !s.needs_review());
    let sessions = sessions
        .into_iter()
        .map(|(session_id, (title, pass_mark, examinees))| {
            let m = ResponseMatrix::new(items.clone(), examinees).map_err(anyhow::Error::from)?;
            Ok(SessionAnalysis {
                session_id,
                title,
                stats: m.session_stats(pass_mark),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(ItemAnalysisView {
        bank_version: version,
        examinees: count,
        flagged: stats.iter().filter(|s| s.needs_review()).count(),
        items: stats,
        sessions,
    })
}

/// Re-mark a sealed paper as an examinee for item analysis, noting the questions it had.
pub(crate) fn mark_examinee(
    record: &TheoryRecord,
    bank: &Bank,
    seen: &mut HashSet<QuestionId>,
) -> ApiResult<Examinee> {
    let report = mark_theory(record, bank).map_err(|e| anyhow::anyhow!(e))?;
    seen.extend(report.questions.iter().map(|q| q.id.clone()));
    Ok(Examinee::from(&report))
}

/// The bank's items that appeared on at least one paper, in bank order.
pub(crate) fn seen_items(bank: &Bank, seen: &HashSet<QuestionId>) -> Vec<ItemMeta> {
    bank.questions()
        .iter()
        .filter(|q| seen.contains(&q.id))
        .map(ItemMeta::from)
        .collect()
}
