//! Durability across a hard crash of the real server process.

use e2e_tests::Server;
use question_bank::wire::{ExamView, SaveAnswerResponse, TokenResponse};
use serde_json::json;

async fn sign_in(http: &reqwest::Client, url: &str, ticket: &str, id: &str) -> String {
    let t: TokenResponse = http
        .post(format!("{url}/api/v1/auth/candidate"))
        .json(&json!({"ticket": ticket, "id_number": id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    t.token
}

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
    let token = sign_in(&http, &server.url, &c.ticket, &c.id_number).await;
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
    let token = sign_in(&http, &server.url, &c.ticket, &c.id_number).await;
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
