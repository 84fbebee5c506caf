//! `serve --demo`: demo accounts for every role and an open Q2(限桥式起重机) session with
//! twelve candidates, written to `<data_dir>/demo.json`.

use chrono::{NaiveDate, Utc};
use question_bank::id_number::synthesize;
use question_bank::wire::{
    CreateSessionRequest, DemoAccount, DemoCandidate, DemoFile, InstitutionProfile,
    RegisterCandidateRequest, Role,
};

use crate::auth::password::{hash_password_blocking, random_password};
use crate::auth::Principal;
use crate::service::{institution, sessions, AppState};
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
        (Role::Assessor, "assessor", "考评员"),
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
    let session = sessions::create_session(
        state,
        &examiner,
        CreateSessionRequest {
            title: format!("演示考试 {} Q2(限桥式起重机)", now.format("%Y-%m-%d %H:%M")),
            batch: now.format("%Y-%m-%d-演示").to_string(),
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
    let demo = DemoFile {
        server: server_url.to_owned(),
        session_id: session.id,
        accounts,
        candidates,
    };
    write_private(
        &state.settings.data_dir.join("demo.json"),
        &serde_json::to_string_pretty(&demo)?,
    )?;
    Ok(demo)
}
