//! 自动记录存档 and data transmission: sealing closed sessions and signed-off practical
//! results into the signed chain, the certifier pull API, retention purges, offline
//! bundles and verification.

mod build;
pub mod bundle;
pub mod verify;

use std::path::Path;

use anyhow::Context;
use chrono::{Months, NaiveDate};
use question_bank::archive::{ArchiveKey, PublicKey, RecordBody, SealedRecord};
use question_bank::wire::{
    ArchiveKeyView, ArchivePage, PurgeReport, PurgeRequest, ResultSummaryMessage,
};

use super::AppState;
use crate::auth::Principal;
use crate::clock::{china_date, now_millis};
use crate::error::{ApiError, ApiResult};
use crate::store::archive::{ArchiveFilter, SealMark};
use crate::store::Store;

/// Practical candidates sealed per pass.
const PRACTICAL_BATCH: i64 = 200;
/// Largest page of the pull API.
pub const MAX_PAGE: u32 = 1000;

/// The signing key in `<data_dir>/archive-signing.key`, created on first start.
pub fn load_or_create_key(data_dir: &Path) -> anyhow::Result<ArchiveKey> {
    let path = data_dir.join("archive-signing.key");
    if path.exists() {
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
        let secret: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .with_context(|| format!("{} is not a 32-byte hex key", path.display()))?;
        return Ok(ArchiveKey::from_secret(secret));
    }
    let key = ArchiveKey::from_secret(rand::random());
    crate::startup::write_private(&path, &hex::encode(key.secret()))?;
    tracing::info!(key_id = %key.public().key_id(), "archive signing key created");
    Ok(key)
}

/// Seal every closed theory session and every final practical result not sealed yet.
/// Returns the number of records sealed.
pub async fn seal_closed(state: &AppState) -> anyhow::Result<usize> {
    let sessions = state.store.closed_unsealed_sessions().await?;
    let practical = state.store.practical_ready_to_seal(PRACTICAL_BATCH).await?;
    if sessions.is_empty() && practical.is_empty() {
        return Ok(0);
    }
    let institution = build::institution(state).await?;
    let mut sealed = 0;
    for session_id in sessions {
        let records = build::theory_records(state, session_id, &institution).await?;
        sealed += append(state, records, SealMark::TheorySession(session_id)).await?;
        tracing::info!(session_id, "theory session sealed");
    }
    for candidate_id in practical {
        let record = build::practical_record(state, candidate_id, &institution).await?;
        sealed += append(
            state,
            vec![record],
            SealMark::PracticalCandidate(candidate_id),
        )
        .await?;
    }
    Ok(sealed)
}

async fn append(
    state: &AppState,
    records: Vec<crate::store::archive::Pending>,
    mark: SealMark,
) -> anyhow::Result<usize> {
    let deliver = !state.settings.transmission_endpoint.is_empty();
    let sealed = state
        .store
        .append_to_chain(
            &state.archive_key,
            records,
            mark,
            |record, body| {
                deliver
                    .then(|| serde_json::to_string(&summary_message(record, body)).ok())
                    .flatten()
            },
            now_millis(),
        )
        .await?;
    state.metrics.records_sealed(sealed.len());
    Ok(sealed.len())
}

/// The result summary delivered to the issuing authority for one record.
pub fn summary_message(record: &SealedRecord, body: &RecordBody) -> ResultSummaryMessage {
    let (score, passed) = body.outcome();
    let person = body.person();
    let session = body.session();
    let institution = body.institution();
    ResultSummaryMessage {
        schema: "crane-exam.result-summary.v1".to_owned(),
        record_seq: record.seq,
        record_hash: record.hash.clone(),
        institution_code: institution.code.clone(),
        authority_code: institution.authority_code.clone(),
        batch: session.batch.clone(),
        exam_date: session.exam_date,
        subject: body.subject().to_owned(),
        subject_name: super::statistics::subject_name(body.subject()),
        part: body.kind().to_owned(),
        name: person.name.clone(),
        gender: person.gender.clone(),
        id_number: person.id_number.clone(),
        employer: person.employer.clone(),
        score: score.map(|t| f64::from(t) / 10.0),
        passed,
        absent: score.is_none(),
    }
}

/// Filters a certifier may give.
#[derive(Debug, Clone, Default)]
pub struct PullQuery {
    /// Cursor from the previous page.
    pub after: Option<String>,
    /// Page size (default 100, at most [`MAX_PAGE`]).
    pub limit: Option<u32>,
    /// First exam day.
    pub from: Option<NaiveDate>,
    /// Last exam day.
    pub to: Option<NaiveDate>,
    /// Subject code.
    pub subject: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// `theory` or `practical`.
    pub kind: Option<String>,
}

impl PullQuery {
    /// The store filter, or why the query is malformed.
    pub fn filter(&self) -> ApiResult<ArchiveFilter> {
        let after = match self.after.as_deref() {
            None | Some("") => 0,
            Some(c) => c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                ApiError::invalid("invalid_cursor", "游标无效（应为上一页返回的 next_cursor）")
            })?,
        };
        super::validate::part_kind(self.kind.as_deref())?;
        Ok(ArchiveFilter {
            after,
            from: self.from.map(|d| d.to_string()),
            to: self.to.map(|d| d.to_string()),
            subject: self.subject.clone().filter(|s| !s.is_empty()),
            batch: self.batch.clone().filter(|s| !s.is_empty()),
            kind: self.kind.clone(),
            employer: None,
        })
    }
}

/// One page of sealed records for a certification body.
pub async fn pull(state: &AppState, query: &PullQuery) -> ApiResult<ArchivePage> {
    let filter = query.filter()?;
    let limit = query.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::invalid(
            "invalid_limit",
            format!("limit 应在 1 到 {MAX_PAGE} 之间"),
        ));
    }
    // One extra row tells whether another page exists.
    let mut rows = state
        .store
        .archive_page(&filter, i64::from(limit) + 1)
        .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last().map(|r| r.seq.to_string()))
        .flatten();
    Ok(ArchivePage {
        records: rows.into_iter().map(SealedRecord::from).collect(),
        next_cursor,
    })
}

/// One record by its hash (the verification code printed on reports).
pub async fn by_hash(state: &AppState, hash: &str) -> ApiResult<SealedRecord> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::invalid(
            "invalid_hash",
            "核验码应为 64 位十六进制",
        ));
    }
    state
        .store
        .archive_by_hash(&hash.to_ascii_lowercase())
        .await?
        .map(SealedRecord::from)
        .ok_or(ApiError::NotFound("存档记录"))
}

/// How many sealed records the archive holds.
pub async fn sealed_count(state: &AppState) -> ApiResult<u64> {
    let n = state.store.archive_count(&ArchiveFilter::default()).await?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// Every key that signed records; the current one first.
pub async fn keys(state: &AppState) -> ApiResult<Vec<ArchiveKeyView>> {
    Ok(key_views(&state.store, &state.archive_key.public()).await?)
}

/// `current` first, then every other key on record.
pub(super) async fn key_views(
    store: &Store,
    current: &PublicKey,
) -> anyhow::Result<Vec<ArchiveKeyView>> {
    let mut views = vec![key_view(current, true)];
    for hex in store.archive_keys().await? {
        let key = PublicKey::from_hex(&hex)?;
        if key != *current {
            views.push(key_view(&key, false));
        }
    }
    Ok(views)
}

fn key_view(key: &PublicKey, current: bool) -> ArchiveKeyView {
    ArchiveKeyView {
        key_id: key.key_id(),
        public_key: key.to_hex(),
        algorithm: "Ed25519".to_owned(),
        current,
    }
}

/// The last exam day that may be purged: today minus the retention period.
pub fn retention_cutoff(retention_years: u32, today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(Months::new(retention_years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN)
}

/// Purge records past retention; logged in the purge log and the audit log.
pub async fn purge(state: &AppState, by: &Principal, req: PurgeRequest) -> ApiResult<PurgeReport> {
    let reason = super::validate::reason(&req.reason, "清理")?;
    let now = now_millis();
    let cutoff = retention_cutoff(state.settings.archive_retention_years, china_date(now));
    let before = req.before.unwrap_or(cutoff);
    if before > cutoff {
        return Err(ApiError::invalid(
            "within_retention",
            format!(
                "{before} 之前的记录仍在保存期内（{} 年）；最晚只能清理 {cutoff} 之前的记录",
                state.settings.archive_retention_years
            ),
        ));
    }
    let removed = state
        .store
        .purge_archive(&before.to_string(), &by.name, reason, now)
        .await?;
    tracing::info!(removed, %before, "archive purged");
    Ok(PurgeReport {
        removed: u64::try_from(removed).unwrap_or_default(),
        before,
    })
}

/// Register the current key's public half so verifiers find it after rotation.
pub async fn register_key(state: &AppState) -> anyhow::Result<()> {
    let public = state.archive_key.public();
    state
        .store
        .register_archive_key(&public.key_id(), &public.to_hex(), now_millis())
        .await?;
    Ok(())
}
