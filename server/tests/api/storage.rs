//! Answer saves under concurrency and when the database cannot take writes.

use std::time::{Duration, Instant};

use question_bank::wire::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Executor;

use crate::helpers::{assert_error, id_number, spawn_app, TestApp};

/// An answer valid for the question's kind, in display labels.
fn answer_for(q: &Value) -> &'static str {
    match q["kind"].as_str() {
        Some("judge") => "T",
        Some("multiple") => "AB",
        _ => "A",
    }
}

async fn metric(app: &TestApp, name: &str) -> u64 {
    let text = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("crane_exam_{name} ")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
}

#[tokio::test]
async fn concurrent_saves_share_commits_and_every_acknowledged_answer_is_stored() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let mut tickets = Vec::new();
    for n in 1..=16 {
        tickets.push((n, app.register(&examiner, session.id, n).await.ticket));
    }
    app.open(&examiner, session.id).await;
    let mut terminals = Vec::new();
    for (n, ticket) in &tickets {
        let token = app.candidate_token(ticket, &id_number(*n)).await;
        let (status, exam) = app.post("/api/v1/exam/start", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{exam}");
        terminals.push((token, exam));
    }

    // Every terminal saves its whole paper at once: 16 x 100 concurrent requests.
    let mut saves = tokio::task::JoinSet::new();
    for (token, exam) in &terminals {
        for q in exam["questions"].as_array().unwrap() {
            let (http, base, token) = (app.http.clone(), app.base.clone(), token.clone());
            let (no, answer) = (q["no"].as_u64().unwrap(), answer_for(q));
            saves.spawn(async move {
                let resp = http
                    .put(format!("{base}/api/v1/exam/answers/{no}"))
                    .bearer_auth(token)
                    .json(&json!({"answer": answer, "seq": 1}))
                    .send()
                    .await
                    .unwrap();
                (resp.status(), resp.json::<Value>().await.unwrap())
            });
        }
    }
    let mut acked = 0;
    while let Some(done) = saves.join_next().await {
        let (status, body) = done.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["applied"], true, "{body}");
        acked += 1;
    }
    assert_eq!(acked, 16 * 100);

    for (token, _) in &terminals {
        let (status, view) = app.get("/api/v1/exam", token).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        for q in view["questions"].as_array().unwrap() {
            assert_eq!(q["answer"], answer_for(q), "question {}", q["no"]);
        }
    }
    let (commits, carried) = (
        metric(&app, "answer_commits_total").await,
        metric(&app, "answer_commit_saves_total").await,
    );
    assert_eq!(carried, 1600);
    assert!(
        commits < carried / 2,
        "concurrent saves should share commits: {commits} commits for {carried} saves"
    );
}

#[tokio::test]
async fn concurrent_saves_of_one_question_keep_the_highest_seq_and_one_event_per_change() {
    let app = spawn_app().await;
    let (_, token, _, exam) = app.started_candidate(3600).await;
    let q = exam["questions"][0].clone();
    let no = q["no"].as_u64().unwrap();
    let kind_answers: &[&str] = match q["kind"].as_str() {
        Some("judge") => &["T", "F"],
        Some("multiple") => &["AB", "CD"],
        _ => &["A", "B"],
    };
    // 200 saves of the same question at once, seq 1..=200: batches hold the question
    // many times over (PostgreSQL refuses to change a row twice in one statement).
    let mut saves = tokio::task::JoinSet::new();
    for seq in 1..=200u64 {
        let (http, base, token) = (app.http.clone(), app.base.clone(), token.clone());
        let answer = kind_answers[usize::try_from(seq).unwrap() % 2];
        saves.spawn(async move {
            let resp = http
                .put(format!("{base}/api/v1/exam/answers/{no}"))
                .bearer_auth(token)
                .json(&json!({"answer": answer, "seq": seq}))
                .send()
                .await
                .unwrap();
            (seq, resp.status(), resp.json::<Value>().await.unwrap())
        });
    }
    let mut applied = 0;
    while let Some(done) = saves.join_next().await {
        let (seq, status, body) = done.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        let stored = body["seq"].as_u64().unwrap();
        if body["applied"] == true {
            assert_eq!(stored, seq, "{body}");
            applied += 1;
        } else {
            assert!(stored >= seq, "a refused save reports a newer row: {body}");
        }
        if seq == 200 {
            assert_eq!(body["applied"], true, "the highest seq always applies");
        }
    }
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(
        view["questions"][0]["answer"], kind_answers[0],
        "seq 200 won"
    );

    // One answer event per applied save, in increasing seq order.
    let db = app.raw_db().await;
    let seqs: Vec<i64> = sqlx::query_scalar(
        "SELECT e.seq FROM answer_events e JOIN papers p ON p.id = e.paper_id
         WHERE e.question_no = $1 ORDER BY e.id",
    )
    .bind(i64::try_from(no).unwrap())
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(seqs.len(), applied, "{seqs:?}");
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert_eq!(seqs.last(), Some(&200));
}

#[tokio::test]
async fn a_locked_database_fails_saves_with_a_clear_error_and_loses_nothing_acknowledged() {
    let app = spawn_app().await;
    let (_, token, _, exam) = app.started_candidate(3600).await;
    let first = &exam["questions"][0];
    let second = &exam["questions"][1];
    let path = |q: &Value| format!("/api/v1/exam/answers/{}", q["no"]);
    let (status, ack) = app
        .put(
            &path(first),
            &token,
            json!({"answer": answer_for(first), "seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ack}");

    // Another process holds the write lock (a backup tool, an operator's sqlite3 shell;
    // on PostgreSQL, a session holding the instances' write lock).
    let lock = format!(
        "SELECT pg_advisory_lock({})",
        exam_server::store::PG_WRITE_LOCK
    );
    let (take, release) = if app.on_postgres() {
        (lock.as_str(), "SELECT pg_advisory_unlock_all()")
    } else {
        ("BEGIN IMMEDIATE", "ROLLBACK")
    };
    let pool = app.raw_db().await;
    let mut holder = pool.acquire().await.unwrap();
    holder.execute(take).await.unwrap();

    let started = Instant::now();
    let (status, body) = app
        .put(
            &path(second),
            &token,
            json!({"answer": answer_for(second), "seq": 1}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "storage_unavailable",
    );
    assert!(
        body["message"].as_str().unwrap().contains("未保存"),
        "{body}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "waited for the lock first"
    );
    // Reads still work while the writer is locked out.
    let (status, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["questions"][0]["answer"], answer_for(first));
    assert!(view["questions"][1]["answer"].is_null(), "{view}");

    holder.execute(release).await.unwrap();
    drop(holder);
    pool.close().await;
    // The terminal retries the same save; it goes through now.
    let (status, ack) = app
        .put(
            &path(second),
            &token,
            json!({"answer": answer_for(second), "seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ack}");
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(view["questions"][0]["answer"], answer_for(first));
    assert_eq!(view["questions"][1]["answer"], answer_for(second));
}
