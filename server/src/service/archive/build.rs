//! Building record bodies from the live tables, for sealing.

use std::collections::HashMap;
use std::sync::Arc;

use question_bank::archive::{
    theory_score, AnswerEvent, Attendance, AuditEntry, InstitutionRef, PersonRef, PracticalOutcome,
    PracticalRecord, RecordBody, SessionRef, SheetEntry, TemplateRef, Termination, TheoryRecord,
};
use question_bank::practical::AssessorProfile;
use question_bank::wire::PaperStatus;
use question_bank::Paper;

use crate::clock::{china_date, to_datetime};
use crate::service::exam::LoadedPaper;
use crate::service::sessions::session_blueprint;
use crate::service::AppState;
use crate::store::archive::{AuditRow, Pending};
use crate::store::exams::AnswerRow;

/// The institution as it is now, for the record.
pub(super) async fn institution(state: &AppState) -> anyhow::Result<InstitutionRef> {
    let p = crate::service::institution::profile(&state.store)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(InstitutionRef {
        code: p.code,
        name: p.name,
        authority_code: p.authority_code,
    })
}

/// 男 / 女 from the stored gender.
fn gender_zh(stored: &str) -> String {
    if stored == "female" { "女" } else { "男" }.to_owned()
}

fn audit_entry(row: &AuditRow) -> AuditEntry {
    AuditEntry {
        at: to_datetime(row.at),
        actor: row.actor.clone(),
        action: row.action.clone(),
        detail: serde_json::Value::String(row.detail.clone()),
    }
}

/// One record per candidate of a closed theory session.
pub(super) async fn theory_records(
    state: &AppState,
    session_id: i64,
    institution: &InstitutionRef,
) -> anyhow::Result<Vec<Pending>> {
    let store = &state.store;
    let session = store
        .session(session_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("session {session_id} vanished"))?;
    let blueprint = session_blueprint(&session)?;
    let session_ref = SessionRef {
        id: session.id,
        title: session.title.clone(),
        batch: session.batch.clone(),
        exam_date: china_date(session.opened_at.unwrap_or(session.starts_at)),
    };
    let mut events: HashMap<i64, Vec<AnswerEvent>> = HashMap::new();
    for e in store.session_answer_events(session_id).await? {
        events.entry(e.paper_id).or_default().push(AnswerEvent {
            no: u16::try_from(e.question_no)?,
            answer: e.answer,
            seq: e.seq,
            at: to_datetime(e.received_at),
        });
    }
    let mut answers: HashMap<i64, Vec<AnswerRow>> = HashMap::new();
    for a in store.session_answers(session_id).await? {
        answers.entry(a.paper_id).or_default().push(a);
    }
    let mut audit: HashMap<String, Vec<AuditEntry>> = HashMap::new();
    for row in store.session_candidate_audit(session_id).await? {
        audit
            .entry(row.target.clone())
            .or_default()
            .push(audit_entry(&row));
    }
    let mut out = Vec::new();
    for src in store.theory_sources(session_id).await? {
        let paper: Paper = serde_json::from_str(&src.paper_json)?;
        let loaded = LoadedPaper {
            bank: state.catalog.version(&paper.bank_version.0).await?,
            paper: Arc::new(paper),
            blueprint: blueprint.clone(),
        };
        let rows = answers.remove(&src.paper_id).unwrap_or_default();
        let mut finals = vec![None; loaded.paper.questions.len()];
        for row in &rows {
            if let Some(slot) = usize::try_from(row.question_no - 1)
                .ok()
                .and_then(|i| finals.get_mut(i))
            {
                *slot = row.answer.clone();
            }
        }
        let submitted = src.status == "submitted";
        let terminated = match (src.terminated_at, src.terminated_reason) {
            (Some(at), Some(reason)) => Some(Termination {
                at: to_datetime(at),
                reason,
            }),
            _ => None,
        };
        let score = if submitted {
            let report = loaded.mark(&rows)?;
            let mut score = theory_score(&report, blueprint.pass_mark_tenths);
            if terminated.is_some() {
                score = score.voided();
            }
            if src.score_tenths != Some(i64::from(score.total_tenths)) {
                anyhow::bail!(
                    "paper {} stored score {:?} but marks to {}",
                    src.paper_id,
                    src.score_tenths,
                    score.total_tenths
                );
            }
            Some(score)
        } else {
            None
        };
        let record = TheoryRecord {
            institution: institution.clone(),
            person: PersonRef {
                name: src.name,
                id_number: src.id_number,
                gender: gender_zh(&src.gender),
                employer: src.employer,
            },
            candidate_id: src.candidate_id,
            ticket: src.ticket,
            seat: src.seat,
            subject: session.subject.clone(),
            session: session_ref.clone(),
            opened_at: session.opened_at.map(to_datetime),
            deadline_at: src.deadline_at.map(to_datetime),
            blueprint: blueprint.clone(),
            paper: Arc::unwrap_or_clone(loaded.paper),
            attendance: Attendance {
                status: if submitted {
                    PaperStatus::Submitted
                } else {
                    PaperStatus::Absent
                },
                started_at: src.started_at.map(to_datetime),
                submitted_at: src.submitted_at.map(to_datetime),
                auto_submitted: src.auto_submitted,
                terminal: src.terminal_id,
                terminal_seat: src.terminal_seat,
                terminated,
            },
            answer_events: events.remove(&src.paper_id).unwrap_or_default(),
            answers: finals,
            score,
            events: audit
                .remove(&format!("candidate:{}", src.candidate_id))
                .unwrap_or_default(),
        };
        out.push(Pending {
            session_id,
            candidate_id: src.candidate_id,
            body: RecordBody::Theory(Box::new(record)),
        });
    }
    Ok(out)
}

/// The record of one practical candidate whose result is final.
pub(super) async fn practical_record(
    state: &AppState,
    candidate_id: i64,
    institution: &InstitutionRef,
) -> anyhow::Result<Pending> {
    let store = &state.store;
    let c = store
        .practical_candidate(candidate_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("practical candidate {candidate_id} vanished"))?;
    let s = store
        .practical_session(c.session_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("practical session {} vanished", c.session_id))?;
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut sheets = Vec::new();
    for sheet in store.sheets(candidate_id).await? {
        if sheet.status == "draft" {
            continue;
        }
        let assessor_name = match names.get(&sheet.assessor_id) {
            Some(name) => name.clone(),
            None => {
                let name = match store.assessor(sheet.assessor_id).await? {
                    Some(a) => serde_json::from_str::<AssessorProfile>(&a.profile_json)?.name,
                    None => String::new(),
                };
                names.insert(sheet.assessor_id, name.clone());
                name
            }
        };
        sheets.push(SheetEntry {
            assessor_id: sheet.assessor_id,
            assessor_name,
            version: u32::try_from(sheet.version)?,
            status: sheet.status,
            record: serde_json::from_str(&sheet.record_json)?,
            score_tenths: u32::try_from(sheet.score_tenths)?,
            signed_at: sheet.signed_at.map(to_datetime),
            correction_reason: sheet.correction_reason,
        });
    }
    let gender = c
        .id_number
        .parse::<question_bank::IdNumber>()
        .map(|id| match id.gender() {
            question_bank::Gender::Female => "女",
            question_bank::Gender::Male => "男",
        })
        .unwrap_or_default();
    let events = store
        .audit_of(&format!("practical-candidate:{candidate_id}"))
        .await?
        .iter()
        .map(audit_entry)
        .collect();
    let record = PracticalRecord {
        institution: institution.clone(),
        person: PersonRef {
            name: c.name,
            id_number: c.id_number,
            gender: gender.to_owned(),
            employer: c.employer,
        },
        candidate_id,
        subject: s.subject,
        session: SessionRef {
            id: s.id,
            title: s.title,
            batch: s.batch,
            exam_date: china_date(s.starts_at),
        },
        apparatus: serde_json::from_str(&s.apparatus_json)?,
        template: TemplateRef {
            id: s.template_id,
            version: u32::try_from(s.template_version)?,
        },
        rule: serde_json::from_str(&s.rule_json)?,
        sheets,
        outcome: PracticalOutcome {
            status: c.status,
            score_tenths: c.score_tenths.map(u32::try_from).transpose()?,
            passed: c.passed.unwrap_or(false),
            signed_off_by: c.signed_off_by,
            signed_off_at: c.signed_off_at.map(to_datetime),
            combination: c
                .combination_json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
        },
        events,
    };
    Ok(Pending {
        session_id: c.session_id,
        candidate_id,
        body: RecordBody::Practical(Box::new(record)),
    })
}
