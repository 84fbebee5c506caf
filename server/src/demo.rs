//! `serve --demo`: demo accounts for every role, an open Q2(限桥式起重机) session with
//! twelve candidates, and a practical session (two assessors and a chief) with the first
//! three of them, written to `<data_dir>/demo.json`.

use chrono::{NaiveDate, Utc};
use question_bank::id_number::synthesize;
use question_bank::practical::{Apparatus, AssessorProfile, AssessorStatus, Filing, Title};
use question_bank::wire::{
    CreatePracticalSessionRequest, CreateSessionRequest, DemoAccount, DemoCandidate, DemoFile,
    InstitutionProfile, RegisterAssessorRequest, RegisterCandidateRequest,
    RegisterPracticalCandidateRequest, Role,
};
use question_bank::{CraneType, Subject};

use crate::auth::password::{hash_password_blocking, random_password};
use crate::auth::Principal;
use crate::clock::in_beijing;
use crate::service::{institution, practical, sessions, AppState};
use crate::startup::write_private;

const NAMES: [&str; 12] = [
    "张伟", "王芳", "李强", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐刚", "孙悦",
];

/// (Re)create the demo accounts with fresh passwords and a fresh, open demo session.
pub async fn seed(state: &AppState, server_url: &str) -> anyhow::Result<DemoFile> {
    let mut accounts = Vec::new();
    let mut examiner_id = 0;
    for (role, username, display) in [
        (Role::Admin, "admin", "系统管理员"),
        (Role::Examiner, "examiner", "考务员"),
        (Role::Certifier, "certifier", "发证机关"),
    ] {
        let password = random_password();
        let hash = hash_password_blocking(password.clone()).await?;
        let id = state
            .store
            .upsert_user(username, &hash, role, display)
            .await?;
        if role == Role::Examiner {
            examiner_id = id;
        }
        accounts.push(DemoAccount {
            role,
            username: username.to_owned(),
            password,
        });
    }
    let examiner = Principal {
        id: examiner_id,
        role: Role::Examiner,
        name: "examiner".to_owned(),
        terminal: Default::default(),
    };
    if state.store.institution_profile().await?.is_none() {
        // Reports print the institution; a demo without one would look broken.
        let admin = Principal {
            role: Role::Admin,
            name: "admin".to_owned(),
            ..examiner.clone()
        };
        institution::set_profile(
            state,
            &admin,
            InstitutionProfile {
                name: "演示特种设备作业人员考试中心".to_owned(),
                code: "TS3201-DEMO".to_owned(),
                authority_code: "SJ3201".to_owned(),
                ..InstitutionProfile::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let now = Utc::now();
    let assessor_ids = seed_assessors(state, &mut accounts).await?;
    let session = sessions::create_session(
        state,
        &examiner,
        CreateSessionRequest {
            title: format!(
                "演示考试 {} Q2(限桥式起重机)",
                in_beijing(now, "%Y-%m-%d %H:%M")
            ),
            batch: in_beijing(now, "%Y-%m-%d-演示"),
            subject: "Q2-bridge".to_owned(),
            starts_at: now,
            duration_seconds: None,
            seats: 1000,
            late_entry_minutes: None,
            difficulty_mean: None,
            difficulty_tolerance: None,
            difficulty_min_spread: None,
            kind_counts: None,
            area_weights: None,
            takeover_policy: None,
            show_score: None,
        },
    )
    .await?;
    let mut candidates = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let birth = NaiveDate::from_ymd_opt(1980 + i as i32, 1 + (i as u32 % 12), 10 + i as u32)
            .expect("valid date");
        let id_number = synthesize(320_102, birth, 10 + i as u16).to_string();
        let seat = format!("{:02}", i + 1);
        let ticket = format!("D{:05}{seat}", session.id);
        sessions::register_candidate(
            state,
            &examiner,
            session.id,
            RegisterCandidateRequest {
                name: (*name).to_owned(),
                id_number: id_number.clone(),
                ticket: ticket.clone(),
                seat: seat.clone(),
                employer: "演示起重吊装有限公司".to_owned(),
            },
        )
        .await?;
        candidates.push(DemoCandidate {
            name: (*name).to_owned(),
            ticket,
            id_number,
            seat,
        });
    }
    sessions::open_session(state, &examiner, session.id).await?;
    let practical_session_id =
        seed_practical(state, &examiner, &assessor_ids, &candidates[..3]).await?;
    let demo = DemoFile {
        server: server_url.to_owned(),
        session_id: session.id,
        practical_session_id: Some(practical_session_id),
        accounts,
        candidates,
    };
    write_private(
        &state.settings.data_dir.join("demo.json"),
        &serde_json::to_string_pretty(&demo)?,
    )?;
    Ok(demo)
}

/// Demo assessors (username, name); the last is the chief.
const ASSESSORS: [(&str, &str); 3] = [
    ("assessor1", "李建国"),
    ("assessor2", "王振华"),
    ("chief", "赵明"),
];

/// Register the demo assessors (or give them fresh passwords on a later start); their
/// assessor ids, in [`ASSESSORS`] order.
async fn seed_assessors(
    state: &AppState,
    accounts: &mut Vec<DemoAccount>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for (n, (username, name)) in (1u16..).zip(ASSESSORS) {
        let password = random_password();
        let existing = match state.store.find_user(username).await? {
            Some(user) => state.store.assessor_by_user(user.id).await?,
            None => None,
        };
        let id = match existing {
            Some(assessor) => {
                let hash = hash_password_blocking(password.clone()).await?;
                state
                    .store
                    .upsert_user(username, &hash, Role::Assessor, name)
                    .await?;
                assessor.id
            }
            None => {
                let profile = AssessorProfile {
                    name: name.to_owned(),
                    id_number: synthesize(
                        320_102,
                        NaiveDate::from_ymd_opt(1975, 3, n.into()).expect("valid date"),
                        30 + n,
                    ),
                    subjects: vec![Subject::Q2(None)],
                    practice_years: 12,
                    teaching_years: 6,
                    title: Title::Engineer,
                    filing: Some(Filing {
                        number: format!("BA-DEMO-{n}"),
                        date: NaiveDate::from_ymd_opt(2024, 1, 10).expect("valid date"),
                    }),
                    status: AssessorStatus::Active,
                };
                let system = Principal {
                    id: 0,
                    role: Role::Admin,
                    name: "demo".to_owned(),
                    terminal: Default::default(),
                };
                let request = RegisterAssessorRequest {
                    username: username.to_owned(),
                    password: password.clone(),
                    profile,
                };
                institution::register_assessor(state, &system, request)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .id
            }
        };
        accounts.push(DemoAccount {
            role: Role::Assessor,
            username: username.to_owned(),
            password,
        });
        ids.push(id);
    }
    Ok(ids)
}

/// A practical session on the demo bridge crane with `candidates`, scored by the first two
/// demo assessors and signed off by the third.
async fn seed_practical(
    state: &AppState,
    examiner: &Principal,
    assessors: &[i64],
    candidates: &[DemoCandidate],
) -> anyhow::Result<i64> {
    let now = Utc::now();
    let session = practical::create_session(
        state,
        examiner,
        CreatePracticalSessionRequest {
            title: format!(
                "演示实操 {} Q2(限桥式起重机)",
                in_beijing(now, "%Y-%m-%d %H:%M")
            ),
            batch: in_beijing(now, "%Y-%m-%d-演示"),
            subject: "Q2-bridge".to_owned(),
            starts_at: now,
            template_id: "Q2-bridge".to_owned(),
            template_version: None,
            apparatus: Apparatus::Crane {
                crane_type: CraneType::Bridge,
                cab: true,
                model: "QD 5t-22.5m".to_owned(),
            },
            assessor_ids: assessors[..2].to_vec(),
            chief_assessor_id: assessors[2],
            rule: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    for c in candidates {
        practical::register_candidate(
            state,
            examiner,
            session.id,
            RegisterPracticalCandidateRequest {
                name: c.name.clone(),
                id_number: c.id_number.clone(),
                employer: "演示起重吊装有限公司".to_owned(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(session.id)
}
