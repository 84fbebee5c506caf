//! Two `exam-server` instances sharing one PostgreSQL database, as behind the reverse
//! proxy of deploy/docker/docker-compose.yml. Runs when `CRANE_EXAM_TEST_POSTGRES` is set.

use std::time::{Duration, Instant};

use e2e_tests::pg::{postgres_admin_url, TestDatabase};
use e2e_tests::{candidate_token, staff_token, Server};
use question_bank::wire::{ExamView, PaperStatus, Role, SaveAnswerResponse, SessionResults};
use serde_json::{json, Value};

const SECRET: &str = "shared-token-key-of-both-instances";

/// An instance over the shared database, with the shared token key.
fn instance(database_url: &str, demo: bool) -> Server {
    Server::start_env(
        tempfile::tempdir().unwrap(),
        "127.0.0.1:0",
        demo,
        &[],
        &[
            ("CRANE_EXAM__DATABASE_URL", database_url),
            ("CRANE_EXAM__JWT_SECRET", SECRET),
            ("CRANE_EXAM__SWEEPER_INTERVAL_MS", "200"),
        ],
    )
}

async fn send(req: reqwest::RequestBuilder) -> (reqwest::StatusCode, Value) {
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A candidate's terminal: its token and what the servers acknowledged.
struct Terminal {
    ticket: String,
    token: String,
    exam: ExamView,
    acked: Vec<(u16, Option<String>)>,
}

async fn save(http: &reqwest::Client, url: &str, t: &mut Terminal, k: usize) {
    let q = &t.exam.questions[k];
    let answer = match q.kind {
        question_bank::QuestionKind::Judge => "T",
        question_bank::QuestionKind::Single => "A",
        question_bank::QuestionKind::Multiple => "AB",
    };
    let (status, body) = send(
        http.put(format!("{url}/api/v1/exam/answers/{}", q.no))
            .bearer_auth(&t.token)
            .json(&json!({"answer": answer, "seq": 1})),
    )
    .await;
    assert!(status.is_success(), "{}: {body}", t.ticket);
    let ack: SaveAnswerResponse = serde_json::from_value(body).unwrap();
    t.acked.push((ack.no, ack.answer));
}

#[tokio::test]
async fn the_first_instance_keeps_serving_and_sweeping_when_the_second_is_killed() {
    let Some(admin) = postgres_admin_url() else {
        eprintln!("SKIPPED: set CRANE_EXAM_TEST_POSTGRES to run the multi-instance test");
        return;
    };
    let db = TestDatabase::create(&admin).await;
    // B starts first, so B's sweeper holds the lease; A seeds the demo accounts.
    let b = instance(&db.url, false);
    let a = instance(&db.url, true);
    let demo = a.demo();
    let http = reqwest::Client::new();
    // Demo accounts seeded through A sign in on B.
    let staff = staff_token(&http, &b.url, &demo, Role::Examiner).await;

    // Scheduled through B, registered and opened through A (one database, one key).
    let post = |url: String, body: Value| {
        let (http, token) = (http.clone(), staff.clone());
        async move {
            let (status, body) = send(http.post(url).bearer_auth(token).json(&body)).await;
            assert!(status.is_success(), "{body}");
            body
        }
    };
    let session = post(
        format!("{}/api/v1/sessions", b.url),
        json!({"title": "双实例演练", "subject": "Q2-bridge", "starts_at": chrono::Utc::now(),
               "seats": 20, "duration_seconds": 20}),
    )
    .await;
    let id = session["id"].as_i64().unwrap();
    let mut seats = Vec::new();
    for k in 1..=20u64 {
        let idn = question_bank::id_number::synthesize(
            110101,
            chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap() + chrono::Days::new(k),
            7,
        )
        .to_string();
        post(
            format!("{}/api/v1/sessions/{id}/candidates", a.url),
            json!({"name": format!("考生{k}"), "id_number": idn, "ticket": format!("M{k:03}"),
                   "seat": k.to_string()}),
        )
        .await;
        seats.push((format!("M{k:03}"), idn));
    }
    post(format!("{}/api/v1/sessions/{id}/open", a.url), json!({})).await;
    let opened = Instant::now();

    // Odd seats work on B, even seats on A: five answers each.
    let mut terminals = Vec::new();
    for (k, (ticket, idn)) in seats.into_iter().enumerate() {
        let url = if k % 2 == 1 { &b.url } else { &a.url };
        let token = candidate_token(&http, url, &ticket, &idn).await;
        let (status, body) = send(
            http.post(format!("{url}/api/v1/exam/start"))
                .bearer_auth(&token),
        )
        .await;
        assert!(status.is_success(), "{body}");
        let mut t = Terminal {
            ticket,
            token,
            exam: serde_json::from_value(body).unwrap(),
            acked: Vec::new(),
        };
        for q in 0..5 {
            save(&http, url, &mut t, q).await;
        }
        terminals.push(t);
    }

    // B dies mid-exam. The proxy sends B's terminals to A; their tokens still work.
    let _ = b.kill_hard();
    for t in terminals.iter_mut() {
        for q in 5..10 {
            save(&http, &a.url, t, q).await;
        }
    }
    assert!(
        opened.elapsed() < Duration::from_secs(20),
        "the answers went in before the deadline"
    );

    // Nobody submits: at the deadline A's sweeper, which took the lease from the dead B,
    // closes every paper.
    let path = format!("{}/api/v1/sessions/{id}/results", a.url);
    let give_up = Instant::now() + Duration::from_secs(60);
    let results = loop {
        let (status, body) = send(http.get(&path).bearer_auth(&staff)).await;
        assert!(status.is_success(), "{body}");
        let results: SessionResults = serde_json::from_value(body).unwrap();
        if results
            .candidates
            .iter()
            .all(|c| c.status == PaperStatus::Submitted)
        {
            break results;
        }
        assert!(
            Instant::now() < give_up,
            "papers were not auto-submitted after B died"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let mut checked = 0;
    for t in &terminals {
        let r = results
            .candidates
            .iter()
            .find(|c| c.ticket == t.ticket)
            .unwrap();
        assert!(r.auto_submitted, "{}", t.ticket);
        assert_eq!(t.acked.len(), 10);
        for (no, answer) in &t.acked {
            let held = r.questions.iter().find(|q| q.no == *no).unwrap();
            assert_eq!(&held.shown_answer, answer, "{} question {no}", t.ticket);
            checked += 1;
        }
    }
    assert_eq!(
        checked, 200,
        "every acknowledged answer is in the marked papers"
    );
}
