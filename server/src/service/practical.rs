//! The practical exam: sheet templates, sessions with their assessors and chief examiner,
//! candidates, each assessor's own sheet (draft → signed → superseded by a correction),
//! the chief's sign-off of the combined result, and theory + practical results.

use chrono::NaiveDate;
use question_bank::id_number::masked;
use question_bank::practical::wire::{PracticalResultView, SheetScoreView, TemplateSummary};
use question_bank::practical::{
    check_assignment, combine, score, Apparatus, AssessorProfile, Combination, CombinationRule,
    Part, SheetRecord, SheetScore, SheetTemplate, SignedSheet, PASS_MARK_TENTHS,
};
use question_bank::wire::{
    CreatePracticalSessionRequest, JointResultView, PracticalCandidateView, PracticalSessionView,
    PracticalStatus, RegisterPracticalCandidateRequest, Role, SheetStatus, SheetView,
    SignOffRequest, WriteSheetRequest,
};
use question_bank::Subject;

use super::people::{check_registration, person_sittings};
use super::{validate, AppState};
use crate::auth::Principal;
use crate::clock::{china_date, now_millis, to_datetime};
use crate::error::{ApiError, ApiResult};
use crate::store::practical::{
    NewPracticalSession, PracticalCandidateRow, PracticalSessionRow, SheetRefusal, SheetRow,
    SignOff,
};

/// Put the bundled templates on record (each version once; versions never change).
pub async fn install_bundled_templates(state: &AppState) -> anyhow::Result<()> {
    for t in question_bank::practical::bundled_templates()? {
        let json = serde_json::to_string(&t)?;
        state
            .store
            .ensure_template(&t.id, t.version, &json, now_millis())
            .await?;
    }
    Ok(())
}

async fn template(state: &AppState, id: &str, version: Option<u32>) -> ApiResult<SheetTemplate> {
    let json = state
        .store
        .template(id, version)
        .await?
        .ok_or(ApiError::NotFound("评分表模板"))?;
    Ok(serde_json::from_str(&json).map_err(anyhow::Error::from)?)
}

/// Every template version on record.
pub async fn list_templates(state: &AppState) -> ApiResult<Vec<TemplateSummary>> {
    state
        .store
        .templates()
        .await?
        .iter()
        .map(|json| {
            let t: SheetTemplate = serde_json::from_str(json).map_err(anyhow::Error::from)?;
            Ok(TemplateSummary::from(&t))
        })
        .collect()
}

/// One template version, whole (`None`: the newest).
pub async fn get_template(
    state: &AppState,
    id: &str,
    version: Option<u32>,
) -> ApiResult<SheetTemplate> {
    template(state, id, version).await
}

/// A loaded practical session.
struct Session {
    row: PracticalSessionRow,
    subject: Subject,
    template: SheetTemplate,
    rule: CombinationRule,
    apparatus: Apparatus,
    assessors: Vec<i64>,
}

impl Session {
    fn view(&self) -> PracticalSessionView {
        PracticalSessionView {
            id: self.row.id,
            title: self.row.title.clone(),
            batch: self.row.batch.clone(),
            subject: self.subject.code(),
            subject_name: self.subject.name_zh(),
            starts_at: to_datetime(self.row.starts_at),
            template_id: self.template.id.clone(),
            template_version: self.template.version,
            apparatus_name: self.apparatus.describe_zh(),
            apparatus: self.apparatus.clone(),
            rule: self.rule,
            assessor_ids: self.assessors.clone(),
            chief_assessor_id: self.row.chief_assessor_id,
        }
    }

    fn date(&self) -> NaiveDate {
        china_date(self.row.starts_at)
    }

    /// A stored sheet's record and its score on this session's template (validated when
    /// it was written, so a failure here is an internal error).
    fn scored(&self, row: &SheetRow) -> anyhow::Result<(SheetRecord, SheetScore)> {
        let record: SheetRecord = serde_json::from_str(&row.record_json)?;
        let scored = score(&self.template, &record)
            .map_err(|_| anyhow::anyhow!("stored sheet {} does not score", row.id))?;
        Ok((record, scored))
    }
}

async fn load_session(state: &AppState, id: i64) -> ApiResult<Session> {
    let row = state
        .store
        .practical_session(id)
        .await?
        .ok_or(ApiError::NotFound("实操考试场次"))?;
    let version = u32::try_from(row.template_version).map_err(anyhow::Error::from)?;
    Ok(Session {
        subject: row.subject.parse().map_err(anyhow::Error::from)?,
        template: template(state, &row.template_id, Some(version)).await?,
        rule: serde_json::from_str(&row.rule_json).map_err(anyhow::Error::from)?,
        apparatus: serde_json::from_str(&row.apparatus_json).map_err(anyhow::Error::from)?,
        assessors: state.store.practical_session_assessors(row.id).await?,
        row,
    })
}

async fn assessor_profile(state: &AppState, id: i64) -> ApiResult<AssessorProfile> {
    let row = state.store.assessor(id).await?.ok_or_else(|| {
        ApiError::invalid("unknown_assessor", format!("没有编号为 {id} 的考评员"))
    })?;
    Ok(serde_json::from_str(&row.profile_json).map_err(anyhow::Error::from)?)
}

/// Schedule a practical session. Every assessor (and the chief) must be qualified for the
/// subject on the exam date; the refusal lists every reason.
pub async fn create_session(
    state: &AppState,
    by: &Principal,
    req: CreatePracticalSessionRequest,
) -> ApiResult<PracticalSessionView> {
    let title = validate::title(&req.title)?;
    let subject = validate::subject(&req.subject)?;
    let template = template(state, &req.template_id, req.template_version).await?;
    if template.subject != subject && template.subject != Subject::Q2(None) {
        return Err(ApiError::invalid(
            "template_mismatch",
            format!(
                "评分表「{}」用于 {}，与考试科目 {} 不符",
                template.title,
                template.subject.name_zh(),
                subject.name_zh()
            ),
        ));
    }
    let mut assessors = req.assessor_ids.clone();
    assessors.sort_unstable();
    assessors.dedup();
    if assessors.len() < 2 || assessors.len() != req.assessor_ids.len() {
        return Err(ApiError::invalid(
            "too_few_assessors",
            "每名考生须由至少 2 名不同的考评员评分",
        ));
    }
    let rule = req.rule.unwrap_or(CombinationRule::Mean);
    if rule == CombinationRule::Chief && !assessors.contains(&req.chief_assessor_id) {
        return Err(ApiError::invalid(
            "chief_not_assessing",
            "按主考评员评分合成时，主考评员须同时评分",
        ));
    }
    let date = china_date(req.starts_at.timestamp_millis());
    let mut problems = Vec::new();
    let mut people = assessors.clone();
    people.push(req.chief_assessor_id);
    people.dedup();
    for id in people {
        let profile = assessor_profile(state, id).await?;
        if let Err(why) = check_assignment(&profile, subject, date) {
            problems.extend(
                why.iter()
                    .map(|w| format!("考评员 {}（编号 {id}）：{w}", profile.name)),
            );
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_with(
            "assessor_unqualified",
            "考评员不符合考评要求，不能安排",
            problems,
        ));
    }
    let id = state
        .store
        .create_practical_session(NewPracticalSession {
            title,
            batch: validate::batch(&req.batch)?,
            subject: &subject.code(),
            starts_at: req.starts_at.timestamp_millis(),
            template: (&template.id, template.version),
            apparatus_json: &serde_json::to_string(&req.apparatus).map_err(anyhow::Error::from)?,
            rule_json: &serde_json::to_string(&rule).map_err(anyhow::Error::from)?,
            assessors: &assessors,
            chief: req.chief_assessor_id,
            created_by: by.id,
            now: now_millis(),
        })
        .await?;
    state
        .store
        .audit(
            &by.name,
            "practical.session.create",
            &format!("practical:{id}"),
            title,
        )
        .await?;
    Ok(load_session(state, id).await?.view())
}

/// One practical session.
pub async fn get_session(state: &AppState, id: i64) -> ApiResult<PracticalSessionView> {
    Ok(load_session(state, id).await?.view())
}

/// Every practical session.
pub async fn list_sessions(state: &AppState) -> ApiResult<Vec<PracticalSessionView>> {
    let mut out = Vec::new();
    for row in state.store.practical_sessions().await? {
        out.push(load_session(state, row.id).await?.view());
    }
    Ok(out)
}

/// Register a candidate; the retake rules decide whether they may sit the practical part.
pub async fn register_candidate(
    state: &AppState,
    by: &Principal,
    session_id: i64,
    req: RegisterPracticalCandidateRequest,
) -> ApiResult<PracticalCandidateView> {
    let session = load_session(state, session_id).await?;
    let name = validate::person_name(&req.name)?;
    let id_number = validate::id_number(&req.id_number)?;
    check_registration(
        state,
        id_number.as_str(),
        session.subject,
        session.date(),
        Part::Practical,
    )
    .await?;
    let id = state
        .store
        .add_practical_candidate(
            session_id,
            name,
            id_number.as_str(),
            validate::employer(&req.employer)?,
            now_millis(),
        )
        .await?;
    state
        .store
        .audit(
            &by.name,
            "practical.candidate.register",
            &format!("practical-candidate:{id}"),
            &format!("practical:{session_id}"),
        )
        .await?;
    candidate_view(state, &session, id).await
}

async fn candidate_view(
    state: &AppState,
    session: &Session,
    id: i64,
) -> ApiResult<PracticalCandidateView> {
    let row = candidate_in(state, session, id).await?;
    let sheets = state.store.sheets(id).await?;
    Ok(view_of(session, &row, &sheets)?)
}

fn view_of(
    session: &Session,
    row: &PracticalCandidateRow,
    sheets: &[SheetRow],
) -> anyhow::Result<PracticalCandidateView> {
    let mut signed_by: Vec<i64> = sheets
        .iter()
        .filter(|s| s.status == "signed")
        .map(|s| s.assessor_id)
        .collect();
    signed_by.dedup();
    Ok(PracticalCandidateView {
        id: row.id,
        session_id: row.session_id,
        name: row.name.clone(),
        id_number_masked: masked(&row.id_number),
        status: match row.status.as_str() {
            "absent" => PracticalStatus::Absent,
            "signed_off" => PracticalStatus::SignedOff,
            _ => PracticalStatus::Pending,
        },
        signed_by,
        sheets_required: u32::try_from(session.assessors.len())?,
        result: row
            .combination_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?,
    })
}

async fn candidate_in(
    state: &AppState,
    session: &Session,
    id: i64,
) -> ApiResult<PracticalCandidateRow> {
    state
        .store
        .practical_candidate(id)
        .await?
        .filter(|c| c.session_id == session.row.id)
        .ok_or(ApiError::NotFound("实操考生"))
}

/// Candidates of a session with their sheet progress and results.
pub async fn list_candidates(
    state: &AppState,
    session_id: i64,
) -> ApiResult<Vec<PracticalCandidateView>> {
    let session = load_session(state, session_id).await?;
    let mut out = Vec::new();
    for row in state.store.practical_candidates(session_id).await? {
        let sheets = state.store.sheets(row.id).await?;
        out.push(view_of(&session, &row, &sheets)?);
    }
    Ok(out)
}

/// The assessor id of a signed-in assessor who works in `session` (as assessor or chief).
async fn assessor_in(state: &AppState, who: &Principal, session: &Session) -> ApiResult<i64> {
    let me = state
        .store
        .assessor_by_user(who.id)
        .await?
        .ok_or(ApiError::Forbidden)?;
    if session.assessors.contains(&me.id) || session.row.chief_assessor_id == me.id {
        Ok(me.id)
    } else {
        Err(ApiError::conflict(
            "not_assigned",
            "您不是本场实操考试的考评员",
        ))
    }
}

fn sheet_view(session: &Session, row: &SheetRow) -> ApiResult<SheetView> {
    let (record, scored) = session.scored(row)?;
    Ok(SheetView {
        id: row.id,
        candidate_id: row.candidate_id,
        assessor_id: row.assessor_id,
        version: u32::try_from(row.version).map_err(anyhow::Error::from)?,
        status: match row.status.as_str() {
            "signed" => SheetStatus::Signed,
            "superseded" => SheetStatus::Superseded,
            _ => SheetStatus::Draft,
        },
        score: SheetScoreView::new(&session.template, &scored),
        record,
        apparatus_name: session.apparatus.describe_zh(),
        signed_at: row.signed_at.map(to_datetime),
        correction_reason: row.correction_reason.clone(),
    })
}

/// Record (or correct) one's own sheet for a candidate.
pub async fn write_sheet(
    state: &AppState,
    who: &Principal,
    session_id: i64,
    candidate_id: i64,
    req: WriteSheetRequest,
) -> ApiResult<SheetView> {
    let session = load_session(state, session_id).await?;
    let me = assessor_in(state, who, &session).await?;
    if !session.assessors.contains(&me) {
        return Err(ApiError::conflict(
            "not_assigned",
            "主考评员只审核签发成绩，不填写本场评分表",
        ));
    }
    candidate_in(state, &session, candidate_id).await?;
    let record = req.record;
    if (record.template_id.as_str(), record.template_version)
        != (session.template.id.as_str(), session.template.version)
    {
        return Err(ApiError::invalid(
            "sheet_invalid",
            format!(
                "本场使用评分表 {} 第 {} 版",
                session.template.id, session.template.version
            ),
        ));
    }
    let scored = score(&session.template, &record).map_err(|errors| {
        ApiError::invalid_with(
            "sheet_invalid",
            "评分记录有误",
            errors.iter().map(ToString::to_string).collect(),
        )
    })?;
    let reason = req
        .correction_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 200) {
        return Err(ApiError::invalid("invalid_reason", "更正原因不超过 200 字"));
    }
    let json = serde_json::to_string(&record).map_err(anyhow::Error::from)?;
    let row = state
        .store
        .write_sheet(
            candidate_id,
            me,
            &json,
            scored.total_tenths,
            reason,
            now_millis(),
        )
        .await?
        .map_err(refusal)?;
    sheet_view(&session, &row)
}

fn refusal(r: SheetRefusal) -> ApiError {
    match r {
        SheetRefusal::Signed => ApiError::conflict(
            "sheet_signed",
            "评分表已签名，不能修改；如需更正，请填写更正原因，系统将保留原评分表",
        ),
        SheetRefusal::NoDraft => ApiError::conflict("no_draft", "没有待签名的评分表"),
        SheetRefusal::SignedOff => {
            ApiError::conflict("signed_off", "该考生成绩已签发，评分表不能再改动")
        }
    }
}

/// Sign one's own draft; from then on it never changes.
pub async fn sign_sheet(
    state: &AppState,
    who: &Principal,
    session_id: i64,
    candidate_id: i64,
) -> ApiResult<SheetView> {
    let session = load_session(state, session_id).await?;
    let me = assessor_in(state, who, &session).await?;
    candidate_in(state, &session, candidate_id).await?;
    let row = state
        .store
        .sign_sheet(candidate_id, me, now_millis())
        .await?
        .map_err(refusal)?;
    state
        .store
        .audit(
            &who.name,
            "practical.sheet.sign",
            &format!("sheet:{}", row.id),
            &format!("practical-candidate:{candidate_id} v{}", row.version),
        )
        .await?;
    sheet_view(&session, &row)
}

/// The sheets of a candidate the caller may see. Staff see every signed and superseded
/// sheet; an assessor sees their own, and others' signed sheets only once they have
/// signed their own (the chief, who records none, sees the signed ones). Drafts are
/// seen only by their author.
pub async fn list_sheets(
    state: &AppState,
    who: &Principal,
    session_id: i64,
    candidate_id: i64,
) -> ApiResult<Vec<SheetView>> {
    let session = load_session(state, session_id).await?;
    candidate_in(state, &session, candidate_id).await?;
    let rows = state.store.sheets(candidate_id).await?;
    let me = if who.role == Role::Assessor {
        Some(assessor_in(state, who, &session).await?)
    } else {
        None
    };
    let signed_own = me.is_some_and(|me| {
        !session.assessors.contains(&me)
            || rows
                .iter()
                .any(|r| r.assessor_id == me && r.status != "draft")
    });
    rows.iter()
        .filter(|r| match me {
            Some(me) if r.assessor_id == me => true,
            Some(_) => signed_own && r.status != "draft",
            None => r.status != "draft",
        })
        .map(|r| sheet_view(&session, r))
        .collect()
}

/// The chief examiner signs off a candidate's result: every assessor's sheet must be
/// signed (with no correction pending); the session's rule combines them, and where the
/// totals disagree beyond the consensus tolerance the chief gives the score.
pub async fn sign_off(
    state: &AppState,
    who: &Principal,
    session_id: i64,
    candidate_id: i64,
    req: SignOffRequest,
) -> ApiResult<PracticalCandidateView> {
    let session = load_session(state, session_id).await?;
    let me = assessor_in(state, who, &session).await?;
    if me != session.row.chief_assessor_id {
        return Err(ApiError::conflict("not_chief", "只有主考评员可以签发成绩"));
    }
    let row = candidate_in(state, &session, candidate_id).await?;
    if row.status != "pending" {
        return Err(refusal(SheetRefusal::SignedOff));
    }
    let rows = state.store.sheets(candidate_id).await?;
    let mut sheets = Vec::new();
    let mut missing = Vec::new();
    for &assessor in &session.assessors {
        let latest = rows
            .iter()
            .filter(|r| r.assessor_id == assessor)
            .max_by_key(|r| r.version);
        match latest {
            Some(r) if r.status == "signed" => {
                let (_, scored) = session.scored(r)?;
                sheets.push(SignedSheet {
                    assessor_id: assessor,
                    chief: assessor == session.row.chief_assessor_id,
                    score: scored,
                });
            }
            Some(_) => missing.push(format!("考评员编号 {assessor}：评分表未签名或更正未签名")),
            None => missing.push(format!("考评员编号 {assessor}：尚未评分")),
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::conflict_with(
            "sheets_missing",
            "评分表未全部签名，不能签发成绩",
            missing,
        ));
    }
    let outcome = combine(session.rule, &sheets)
        .map_err(|e| ApiError::conflict("sheets_inconsistent", e.to_string()))?;
    let mut view = PracticalResultView::new(session.rule, &sheets, outcome);
    let (total, passed, absent) = match outcome {
        Combination::Combined {
            total_tenths,
            passed,
            absent,
        } => (total_tenths, passed, absent),
        Combination::NeedsChief { spread_tenths } => {
            let Some(points) = req.score.filter(|p| (0.0..=100.0).contains(p)) else {
                return Err(ApiError::invalid(
                    "chief_score_required",
                    format!(
                        "考评员评分相差 {:.1} 分，超出允许范围，请主考评员给出 0–100 的成绩",
                        f64::from(spread_tenths) / 10.0
                    ),
                ));
            };
            let tenths = (points * 10.0).round() as u32;
            view.score = Some(f64::from(tenths) / 10.0);
            view.passed = Some(tenths >= PASS_MARK_TENTHS);
            (tenths, tenths >= PASS_MARK_TENTHS, false)
        }
    };
    let json = serde_json::to_string(&view).map_err(anyhow::Error::from)?;
    let signed = SignOff {
        chief: me,
        absent,
        score_tenths: total,
        passed,
        combination_json: &json,
    };
    if !state
        .store
        .sign_off(candidate_id, signed, now_millis())
        .await?
    {
        return Err(refusal(SheetRefusal::SignedOff));
    }
    let note = req.note.unwrap_or_default();
    state
        .store
        .audit(
            &who.name,
            "practical.signoff",
            &format!("practical-candidate:{candidate_id}"),
            &format!("{:.1} {note}", f64::from(total) / 10.0),
        )
        .await?;
    candidate_view(state, &session, candidate_id).await
}

/// Theory and practical joined for every candidate of a practical session: the sitting
/// their practical result belongs to, with the theory part of that sitting.
pub async fn joint_results(state: &AppState, session_id: i64) -> ApiResult<Vec<JointResultView>> {
    let session = load_session(state, session_id).await?;
    let mut out = Vec::new();
    for row in state.store.practical_candidates(session_id).await? {
        let sittings = person_sittings(state, &row.id_number).await?;
        let sitting = sittings.iter().rev().find(|s| {
            s.subject == session.subject && s.practical.is_some_and(|(d, _)| d == session.date())
        });
        let theory = sitting.and_then(|s| s.theory).map(|(_, r)| r).or_else(|| {
            // Not signed off yet: the open sitting's theory part, if any.
            sittings
                .iter()
                .rev()
                .find(|s| s.subject == session.subject)
                .and_then(|s| s.theory)
                .map(|(_, r)| r)
        });
        let practical = sitting.and_then(|s| s.practical).map(|(_, r)| r);
        let overall = sitting.and_then(|s| s.overall());
        out.push(JointResultView {
            name: row.name.clone(),
            id_number_masked: masked(&row.id_number),
            subject: session.subject.code(),
            subject_name: session.subject.name_zh(),
            theory,
            practical,
            retake: sitting.is_some_and(|s| s.retake),
            passed: overall.is_some_and(|o| o.passed()),
            valid_until: overall.and_then(|o| o.valid_until()),
        });
    }
    Ok(out)
}
