//! Sealed archives: sealing at session close, the certifier pull API, verification
//! (including tampering), purges, bundles and delivery to the issuing authority.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use exam_server::service::archive::bundle::{export_bundle, verify_bundle};
use exam_server::service::archive::verify::verify_store;
use exam_server::service::AppState;
use exam_server::store::archive::{Pending, SealMark};
use question_bank::archive::{
    InstitutionRef, PersonRef, PracticalOutcome, PracticalRecord, PublicKey, RecordBody,
    RecordContent, SessionRef, TemplateRef,
};
use question_bank::wire::{ArchivePage, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, eventually, id_number, spawn_app, spawn_app_with, TestApp};

/// Sit a 3-candidate session of `seconds`: two candidates answer and submit (one changes
/// an answer), the third never starts and becomes absent at the deadline. Returns the
/// session id once it has been sealed.
pub async fn sealed_session(app: &TestApp) -> i64 {
    let examiner = app.login(Role::Examiner).await;
    let s = app
        .create_session_with(
            &examiner,
            json!({"duration_seconds": 3, "batch": "2026-11-B3"}),
        )
        .await;
    let cands: Vec<_> = [1, 2, 3]
        .into_iter()
        .map(|n| (n, format!("T{:03}{n:04}", s.id)))
        .collect();
    for (n, _) in &cands {
        app.register(&examiner, s.id, *n).await;
    }
    app.open(&examiner, s.id).await;
    for (n, ticket) in &cands[..2] {
        let token = app.candidate_token(ticket, &id_number(*n)).await;
        let (status, exam) = app.post("/api/v1/exam/start", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{exam}");
        for (seq, q) in exam["questions"]
            .as_array()
            .unwrap()
            .iter()
            .take(10)
            .enumerate()
        {
            let answer = if q["kind"] == "judge" { "T" } else { "A" };
            let no = q["no"].as_u64().unwrap();
            let (status, body) = app
                .put(
                    &format!("/api/v1/exam/answers/{no}"),
                    &token,
                    json!({"answer": answer, "seq": seq + 1}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let first = &exam["questions"][0];
        let changed = if first["kind"] == "judge" { "F" } else { "B" };
        app.put(
            "/api/v1/exam/answers/1",
            &token,
            json!({"answer": changed, "seq": 99}),
        )
        .await;
        let (status, body) = app.post("/api/v1/exam/submit", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let certifier = app.login(Role::Certifier).await;
    eventually(Duration::from_secs(15), || async {
        let (_, page) = app.get("/api/v1/archives", &certifier).await;
        (page["records"].as_array().map(Vec::len) == Some(3)).then_some(())
    })
    .await;
    s.id
}

fn contents(page: &Value) -> Vec<RecordContent> {
    let page: ArchivePage = serde_json::from_value(page.clone()).unwrap();
    page.records
        .iter()
        .map(|r| serde_json::from_str(&r.content).unwrap())
        .collect()
}

#[tokio::test]
async fn a_closed_session_is_sealed_with_answers_events_and_scores_and_verifies() {
    let app = spawn_app().await;
    sealed_session(&app).await;
    let certifier = app.login(Role::Certifier).await;
    let (_, page) = app.get("/api/v1/archives", &certifier).await;
    let records = contents(&page);
    let theory: Vec<_> = records
        .iter()
        .map(|c| match &c.body {
            RecordBody::Theory(t) => t,
            RecordBody::Practical(_) => panic!("only theory sealed"),
        })
        .collect();
    assert_eq!(
        theory.iter().map(|t| t.seat.as_str()).collect::<Vec<_>>(),
        ["01", "02", "03"]
    );
    let sat = theory[0];
    assert_eq!(sat.session.batch, "2026-11-B3");
    assert_eq!(sat.paper.questions.len(), 100);
    // Ten saves and one change, each with a server timestamp; the final answer is the change.
    assert_eq!(sat.answer_events.len(), 11);
    assert_eq!(sat.answers.iter().filter(|a| a.is_some()).count(), 10);
    assert_eq!(sat.answers[0], sat.answer_events[10].answer);
    // The identity check at sign-in, with the terminal, is part of the record.
    assert!(sat.events.iter().any(|e| e.action == "exam.signin"));
    let score = sat.score.as_ref().expect("scored");
    assert_eq!(score.unanswered, 90);
    assert_eq!(score.areas.iter().map(|a| a.max_tenths).sum::<u32>(), 1000);
    let absent = theory[2];
    assert_eq!(
        (absent.score.is_none(), absent.answer_events.len()),
        (true, 0)
    );
    // Chain: consecutive seqs, each pointing at the one before.
    assert_eq!(records[1].prev_hash, page["records"][0]["hash"]);

    // The public key is served without sign-in and verifies every signature.
    let (status, keys) = app
        .call(reqwest::Method::GET, "/api/v1/archives/keys", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let key = PublicKey::from_hex(keys[0]["public_key"].as_str().unwrap()).unwrap();
    for r in page["records"].as_array().unwrap() {
        let hash = hex::decode(r["hash"].as_str().unwrap()).unwrap();
        assert!(key.verify_hex(&hash, r["signature"].as_str().unwrap()));
    }
    let report = verify_store(&app.state.store, &app.state.catalog, |_, _| {})
        .await
        .unwrap();
    assert_eq!((report.records, report.rescored), (3, 3));
    assert!(report.ok(), "{:?}", report.problems);

    // A record is found by the hash printed on reports.
    let hash = page["records"][1]["hash"].as_str().unwrap();
    let (status, one) = app
        .get(&format!("/api/v1/archives/records/{hash}"), &certifier)
        .await;
    assert_eq!((status, one["seq"].as_u64()), (StatusCode::OK, Some(2)));
}

#[tokio::test]
async fn flipping_one_byte_in_the_database_makes_archive_verify_fail() {
    let app = spawn_app().await;
    sealed_session(&app).await;
    let bin = env!("CARGO_BIN_EXE_exam-server");
    let data_dir = app.settings.data_dir.to_str().unwrap();
    let database_url = app.settings.database_url.0.clone();
    let run = || {
        std::process::Command::new(bin)
            .args(["archive", "verify", "--data-dir", data_dir])
            .env("CRANE_EXAM__DATABASE_URL", &database_url)
            .output()
            .unwrap()
    };
    let clean = run();
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    // An intruder with the database file: drop the guard trigger, flip one byte.
    let db = app.raw_db().await;
    let (content,): (String,) = sqlx::query_as("SELECT content FROM archive_records WHERE seq = 2")
        .fetch_one(&db)
        .await
        .unwrap();
    let (status, _) = (
        sqlx::query("UPDATE archive_records SET content = $1 WHERE seq = 2")
            .bind(&content)
            .execute(&db)
            .await
            .is_err(),
        (),
    );
    assert!(status, "the trigger refuses updates of sealed records");
    let at = content.find("\"seat\":\"").unwrap() + 8;
    let mut bytes = content.into_bytes();
    bytes[at] ^= 0x01;
    sqlx::query(if app.on_postgres() {
        "DROP TRIGGER archive_records_guard ON archive_records"
    } else {
        "DROP TRIGGER archive_records_never_change"
    })
    .execute(&db)
    .await
    .unwrap();
    sqlx::query("UPDATE archive_records SET content = $1 WHERE seq = 2")
        .bind(String::from_utf8(bytes).unwrap())
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    let tampered = run();
    let out = String::from_utf8_lossy(&tampered.stdout);
    assert_eq!(tampered.status.code(), Some(1), "{out}");
    assert!(
        out.contains("记录 #2") && out.contains("hash mismatch"),
        "{out}"
    );
}

/// A minimal practical record for bulk seeding.
pub fn practical(n: u32, subject: &str, exam_date: NaiveDate) -> Pending {
    Pending {
        session_id: 1,
        candidate_id: i64::from(n),
        body: RecordBody::Practical(Box::new(PracticalRecord {
            institution: InstitutionRef {
                code: "JG-01".into(),
                name: "测试考试机构".into(),
                authority_code: "FZ-01".into(),
            },
            person: PersonRef {
                name: format!("考生{n}"),
                id_number: id_number(u16::try_from(n % 999).unwrap()),
                gender: "男".into(),
                employer: "某公司".into(),
            },
            candidate_id: i64::from(n),
            subject: subject.into(),
            session: SessionRef {
                id: 1,
                title: "实操".into(),
                batch: "B1".into(),
                exam_date,
            },
            apparatus: json!({"kind": "crane"}),
            template: TemplateRef {
                id: "q2-bridge".into(),
                version: 1,
            },
            rule: json!({"rule": "mean"}),
            sheets: vec![],
            outcome: PracticalOutcome {
                status: "signed_off".into(),
                score_tenths: Some(800 + n % 200),
                passed: true,
                signed_off_by: Some(1),
                signed_off_at: None,
                combination: None,
            },
            events: vec![],
        })),
    }
}

pub async fn seed(state: &AppState, records: Vec<Pending>) {
    // Each seeded record is its own "candidate"; the mark only needs an existing id type.
    state
        .store
        .append_to_chain(
            &state.archive_key,
            records,
            SealMark::PracticalCandidate(0),
            |_, _| None,
            exam_server::clock::now_millis(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_certifier_pages_through_ten_thousand_records_and_gets_each_exactly_once() {
    let app = spawn_app().await;
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    seed(
        &app.state,
        (1..=10_000)
            .map(|n| practical(n, if n % 4 == 0 { "Q1" } else { "Q2-bridge" }, day))
            .collect(),
    )
    .await;
    let certifier = app.login(Role::Certifier).await;
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/archives?limit=777&after={c}"),
            None => "/api/v1/archives?limit=777".to_owned(),
        };
        let (status, page) = app.get(&path, &certifier).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for r in page["records"].as_array().unwrap() {
            assert!(seen.insert(r["seq"].as_u64().unwrap()), "seen twice: {r}");
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!((seen.len(), pages), (10_000, 13));
    assert_eq!(seen.iter().max(), Some(&10_000));

    // Filters narrow the same stable order.
    let (_, q1) = app
        .get(
            "/api/v1/archives?subject=Q1&limit=1000&from=2026-11-01&to=2026-11-30",
            &certifier,
        )
        .await;
    let q1 = q1["records"].as_array().unwrap();
    assert_eq!(q1.len(), 1000);
    assert!(q1
        .windows(2)
        .all(|w| w[0]["seq"].as_u64() < w[1]["seq"].as_u64()));
    let (_, none) = app
        .get("/api/v1/archives?from=2026-12-01", &certifier)
        .await;
    assert_eq!(none["records"].as_array().map(Vec::len), Some(0));

    // Bad queries and other roles are refused.
    let (status, body) = app.get("/api/v1/archives?after=abc", &certifier).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_cursor",
    );
    let (status, body) = app.get("/api/v1/archives?limit=5000", &certifier).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_limit",
    );
    let examiner = app.login(Role::Examiner).await;
    let (status, _) = app.get("/api/v1/archives", &examiner).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn purging_past_retention_removes_a_prefix_logs_it_and_the_rest_still_verifies() {
    let app = spawn_app().await;
    let old = NaiveDate::from_ymd_opt(2019, 5, 1).unwrap();
    let recent = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    let mut records: Vec<Pending> = (1..=5).map(|n| practical(n, "Q1", old)).collect();
    records.push(practical(6, "Q1", recent));
    records.push(practical(7, "Q1", old)); // behind a record still kept: stays
    seed(&app.state, records).await;

    let admin = app.login(Role::Admin).await;
    let (status, body) = app
        .post(
            "/api/v1/archives/purge",
            &admin,
            json!({"reason": "", "before": "2020-01-01"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_reason",
    );
    let (status, body) = app
        .post(
            "/api/v1/archives/purge",
            &admin,
            json!({"reason": "到期", "before": "2026-01-01"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "within_retention",
    );
    let certifier = app.login(Role::Certifier).await;
    let (status, _) = app
        .post("/api/v1/archives/purge", &certifier, json!({"reason": "x"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = app
        .post(
            "/api/v1/archives/purge",
            &admin,
            json!({"reason": "超过 4 年保存期"}),
        )
        .await;
    assert_eq!(
        (status, body["removed"].as_u64()),
        (StatusCode::OK, Some(5)),
        "{body}"
    );
    let (_, page) = app.get("/api/v1/archives", &certifier).await;
    let seqs: Vec<_> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [6, 7]);
    let report = verify_store(&app.state.store, &app.state.catalog, |_, _| {})
        .await
        .unwrap();
    assert!(report.ok() && report.records == 2, "{:?}", report.problems);
    // New records continue the chain after the purge.
    seed(&app.state, vec![practical(8, "Q1", recent)]).await;
    let report = verify_store(&app.state.store, &app.state.catalog, |_, _| {})
        .await
        .unwrap();
    assert!(report.ok() && report.records == 3, "{:?}", report.problems);
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'archive.purge' AND actor = 'admin'",
    )
    .fetch_one(&app.raw_db().await)
    .await
    .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_bundle_verifies_offline_and_a_flipped_byte_in_it_is_detected() {
    let app = spawn_app().await;
    sealed_session(&app).await;
    let mut buf = std::io::Cursor::new(Vec::new());
    let manifest = export_bundle(
        &app.state.store,
        &app.state.catalog,
        &app.state.archive_key,
        &mut buf,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(manifest.records, 3);
    let bytes = buf.into_inner();
    let pinned = app.state.archive_key.public();
    let (_, report) = verify_bundle(
        std::io::Cursor::new(bytes.clone()),
        Some(&pinned),
        |_, _| {},
    )
    .unwrap();
    assert!(report.ok() && report.rescored == 3, "{:?}", report.problems);

    // A stranger's key is refused as a trust anchor.
    let stranger = question_bank::archive::ArchiveKey::from_secret([9; 32]).public();
    assert!(verify_bundle(
        std::io::Cursor::new(bytes.clone()),
        Some(&stranger),
        |_, _| {}
    )
    .is_err());

    // Flip bytes spread over the file: every flip is an error or a reported problem.
    for pos in (100..bytes.len()).step_by(bytes.len() / 23) {
        let mut tampered = bytes.clone();
        tampered[pos] ^= 0x01;
        match verify_bundle(std::io::Cursor::new(tampered), Some(&pinned), |_, _| {}) {
            Err(_) => {}
            Ok((_, report)) => assert!(!report.ok(), "byte {pos} flipped, bundle still verified"),
        }
    }
}

#[tokio::test]
async fn result_summaries_are_delivered_signed_and_retried_until_accepted() {
    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

    #[derive(Default)]
    struct Inbox {
        attempts: u32,
        accepted: Vec<(String, String, String)>,
    }
    let inbox = Arc::new(Mutex::new(Inbox::default()));
    let shared = web::Data::new(inbox.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let receiver = HttpServer::new(move || {
        App::new().app_data(shared.clone()).route(
            "/results",
            web::post().to(
                |req: HttpRequest, body: web::Bytes, inbox: web::Data<Arc<Mutex<Inbox>>>| async move {
                    let mut inbox = inbox.lock().unwrap();
                    inbox.attempts += 1;
                    // The authority's endpoint is down for the first two attempts.
                    if inbox.attempts <= 2 {
                        return HttpResponse::ServiceUnavailable().finish();
                    }
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    inbox.accepted.push((
                        String::from_utf8(body.to_vec()).unwrap(),
                        header("X-CraneExam-Signature"),
                        header("Idempotency-Key"),
                    ));
                    HttpResponse::Ok().finish()
                },
            ),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(receiver);

    let app = spawn_app_with(|s| {
        s.transmission_endpoint = format!("http://127.0.0.1:{port}/results");
        s.transmission_interval_ms = 50;
    })
    .await;
    sealed_session(&app).await;
    let accepted = eventually(Duration::from_secs(20), || async {
        let inbox = inbox.lock().unwrap();
        (inbox.accepted.len() == 3).then(|| inbox.accepted.clone())
    })
    .await;
    let key = app.state.archive_key.public();
    for (body, signature, idempotency) in &accepted {
        let sig = signature.strip_prefix("ed25519=").unwrap();
        assert!(key.verify_hex(body.as_bytes(), sig), "signature of {body}");
        let msg: Value = serde_json::from_str(body).unwrap();
        assert_eq!(msg["schema"], "crane-exam.result-summary.v1");
        assert_eq!(msg["batch"], "2026-11-B3");
        assert!(idempotency.ends_with(&format!("-{}", msg["record_seq"])));
    }
    assert_eq!(
        accepted
            .iter()
            .filter(|(b, _, _)| b.contains("\"absent\":true"))
            .count(),
        1
    );

    let examiner = app.login(Role::Examiner).await;
    let (status, log) = app.get("/api/v1/transmission", &examiner).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (log["delivered"].as_u64(), log["waiting"].as_u64()),
        (Some(3), Some(0))
    );
    let outcomes: Vec<_> = log["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "failed").count(),
        2,
        "{log}"
    );
}

#[tokio::test]
async fn sealing_the_same_candidate_twice_is_refused_by_the_store() {
    let app = spawn_app().await;
    let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    seed(&app.state, vec![practical(1, "Q1", day)]).await;
    let again = app
        .state
        .store
        .append_to_chain(
            &app.state.archive_key,
            vec![practical(1, "Q1", day)],
            SealMark::PracticalCandidate(0),
            |_, _| None,
            exam_server::clock::now_millis(),
        )
        .await;
    assert!(again.is_err());
    let report = verify_store(&app.state.store, &app.state.catalog, |_, _| {})
        .await
        .unwrap();
    assert!(report.ok() && report.records == 1);
}
