//! Durability across a hard crash of the real server process.

use e2e_tests::{candidate_token, staff_token, Server};
use question_bank::wire::{ExamView, SaveAnswerResponse};

use serde_json::json;

async fn start(http: &reqwest::Client, url: &str, token: &str) -> ExamView {
    let resp = http
        .post(format!("{url}/api/v1/exam/start"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

#[tokio::test]
async fn acknowledged_answers_and_deadline_survive_kill_9_and_restart() {
    let server = Server::start_demo();
    let demo = server.demo();
    let c = &demo.candidates[0];
    let http = reqwest::Client::new();
    let token = candidate_token(&http, &server.url, &c.ticket, &c.id_number).await;
    let before = start(&http, &server.url, &token).await;
    let mut acked = Vec::new();
    for q in before.questions.iter().take(30) {
        let answer = match q.kind {
            question_bank::QuestionKind::Judge => "F",
            question_bank::QuestionKind::Single => "C",
            question_bank::QuestionKind::Multiple => "BD",
        };
        let ack: SaveAnswerResponse = http
            .put(format!("{}/api/v1/exam/answers/{}", server.url, q.no))
            .bearer_auth(&token)
            .json(&json!({"answer": answer, "seq": 1}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        acked.push((ack.no, ack.answer));
    }

    let data_dir = server.kill_hard();
    let server = Server::start_in(data_dir, false);
    // The candidate signs in again on a "new terminal".
    let token = candidate_token(&http, &server.url, &c.ticket, &c.id_number).await;
    let after = start(&http, &server.url, &token).await;
    assert_eq!(after.deadline, before.deadline, "the deadline did not move");
    for (no, answer) in &acked {
        assert_eq!(
            &after.questions[usize::from(*no) - 1].answer,
            answer,
            "question {no} survived"
        );
    }
    let stems = |v: &ExamView| {
        v.questions
            .iter()
            .map(|q| (q.stem.clone(), q.options.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        stems(&after),
        stems(&before),
        "same paper, same option order"
    );
}

/// `GET url+path` as `token`, decoded.
async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    path: &str,
    token: &str,
) -> T {
    let resp = http
        .get(format!("{url}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

/// One terminal of the 100: what the server acknowledged, and the deadline it was given.
#[derive(Default)]
struct Terminal {
    ticket: String,
    session_id: i64,
    deadline: Option<chrono::DateTime<chrono::Utc>>,
    acked: Vec<(u16, Option<String>)>,
    retries: usize,
    submitted: bool,
}

/// A save that keeps its answer and retries it (same seq) until the server answers, as
/// the terminal's journal does; `None` when the paper is closed (time ran out).
async fn save_until_acked(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    no: u16,
    answer: &str,
    retries: &mut usize,
) -> Option<SaveAnswerResponse> {
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        assert!(
            std::time::Instant::now() < give_up,
            "server never came back"
        );
        let sent = http
            .put(format!("{url}/api/v1/exam/answers/{no}"))
            .bearer_auth(token)
            .json(&json!({"answer": answer, "seq": 1}))
            .send()
            .await;
        match sent {
            Ok(resp) if resp.status().is_success() => return Some(resp.json().await.unwrap()),
            Ok(resp) if resp.status() == reqwest::StatusCode::CONFLICT => return None,
            Ok(resp) if resp.status().is_client_error() => {
                panic!("save refused: {}", resp.text().await.unwrap())
            }
            _ => {
                *retries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

#[tokio::test]
async fn a_hundred_terminals_survive_kill_9_mid_exam() {
    let data_dir = tempfile::tempdir().unwrap();
    // A fixed port, so terminals find the restarted server where they left it.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let listen = format!("127.0.0.1:{port}");
    let server = Server::start_on(data_dir, &listen, true);
    let url = server.url.clone();
    let demo = server.demo();
    let http = reqwest::Client::new();
    let staff = staff_token(&http, &url, &demo, question_bank::wire::Role::Examiner).await;
    let post = |path: String, body: serde_json::Value| {
        let (http, url, token) = (http.clone(), url.clone(), staff.clone());
        async move {
            let resp = http
                .post(format!("{url}{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            let body: serde_json::Value = resp.json().await.unwrap();
            assert!(status.is_success(), "{path}: {body}");
            body
        }
    };
    // Room A sits an hour; room B's time runs out while the server is down.
    let mut seats = Vec::new();
    for (room, duration, n) in [("A", 3600, 90), ("B", 12, 10)] {
        let session = post(
            "/api/v1/sessions".to_owned(),
            json!({"title": format!("断电演练 {room}"), "subject": "Q2-bridge",
                   "starts_at": chrono::Utc::now(), "seats": n, "duration_seconds": duration}),
        )
        .await;
        let id = session["id"].as_i64().unwrap();
        for k in 1..=n {
            let idn = question_bank::id_number::synthesize(
                if room == "A" { 110101 } else { 310101 },
                chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap() + chrono::Days::new(k),
                7,
            )
            .to_string();
            let c = post(
                format!("/api/v1/sessions/{id}/candidates"),
                json!({"name": format!("考生{room}{k}"), "id_number": idn,
                       "ticket": format!("K{room}{k:03}"), "seat": k.to_string()}),
            )
            .await;
            seats.push((id, c["ticket"].as_str().unwrap().to_owned(), idn));
        }
        post(format!("/api/v1/sessions/{id}/open"), json!({})).await;
    }

    // 100 terminals answer; room B stops after 5 answers (then its clock runs out).
    let mut tasks = tokio::task::JoinSet::new();
    for (session_id, ticket, idn) in seats {
        let (http, url) = (http.clone(), url.clone());
        tasks.spawn(async move {
            let token = candidate_token(&http, &url, &ticket, &idn).await;
            let exam = start(&http, &url, &token).await;
            let mut t = Terminal {
                ticket,
                session_id,
                deadline: exam.deadline,
                ..Terminal::default()
            };
            let limit = if t.ticket.starts_with("KB") { 5 } else { 100 };
            for q in exam.questions.iter().take(limit) {
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                let answer = match q.kind {
                    question_bank::QuestionKind::Judge => "T",
                    question_bank::QuestionKind::Single => "B",
                    question_bank::QuestionKind::Multiple => "AC",
                };
                let Some(ack) =
                    save_until_acked(&http, &url, &token, q.no, answer, &mut t.retries).await
                else {
                    break;
                };
                t.acked.push((ack.no, ack.answer));
            }
            if limit == 100 {
                loop {
                    let resp = http
                        .post(format!("{url}/api/v1/exam/submit"))
                        .bearer_auth(&token)
                        .send()
                        .await;
                    if resp.is_ok_and(|r| r.status().is_success()) {
                        t.submitted = true;
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
            t
        });
    }

    // Mid-exam: kill -9, stay down past room B's deadline, come back on the same port.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let data_dir = server.kill_hard();
    tokio::time::sleep(std::time::Duration::from_secs(12)).await;
    let server = Server::start_on(data_dir, &listen, false);
    assert_eq!(server.url, url);

    let mut terminals = Vec::new();
    while let Some(t) = tasks.join_next().await {
        terminals.push(t.unwrap());
    }
    assert_eq!(terminals.len(), 100);
    assert!(
        terminals.iter().map(|t| t.retries).sum::<usize>() > 0,
        "the kill happened while terminals were saving"
    );

    let mut results = std::collections::HashMap::new();
    for t in &terminals {
        if let std::collections::hash_map::Entry::Vacant(slot) = results.entry(t.session_id) {
            let path = format!("/api/v1/sessions/{}/results", t.session_id);
            slot.insert(
                get_json::<question_bank::wire::SessionResults>(&http, &url, &path, &staff).await,
            );
        }
    }
    let mut checked = 0;
    for t in &terminals {
        let r = results[&t.session_id]
            .candidates
            .iter()
            .find(|c| c.ticket == t.ticket)
            .unwrap();
        assert_eq!(
            r.status,
            question_bank::wire::PaperStatus::Submitted,
            "{}",
            t.ticket
        );
        if t.ticket.starts_with("KB") {
            assert!(r.auto_submitted, "{}: auto-submitted on restart", t.ticket);
        } else {
            assert!(t.submitted && !r.auto_submitted, "{}", t.ticket);
            assert_eq!(t.acked.len(), 100, "{} answered every question", t.ticket);
        }
        for (no, answer) in &t.acked {
            let held = r.questions.iter().find(|q| q.no == *no).unwrap();
            assert_eq!(&held.shown_answer, answer, "{} question {no}", t.ticket);
            checked += 1;
        }
    }
    assert!(
        checked >= 90 * 100,
        "{checked} acknowledged answers checked"
    );
    // Deadlines did not move across the crash.
    for session_id in results.keys() {
        let path = format!("/api/v1/sessions/{session_id}/candidates");
        let views: Vec<question_bank::wire::CandidateView> =
            get_json(&http, &url, &path, &staff).await;
        for v in views {
            let t = terminals.iter().find(|t| t.ticket == v.ticket).unwrap();
            assert!(t.deadline.is_some(), "{}", t.ticket);
            assert_eq!(
                v.deadline_at, t.deadline,
                "{}: deadline unchanged",
                t.ticket
            );
        }
    }
}
