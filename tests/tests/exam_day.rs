//! A whole exam day through the real binaries.

use e2e_tests::{run_client, Server};
use question_bank::wire::Role;
use serde_json::Value;

#[test]
fn demo_seeds_every_role_and_twelve_seats() {
    let server = Server::start_demo();
    let demo = server.demo();
    for role in [Role::Admin, Role::Examiner, Role::Assessor, Role::Certifier] {
        let account = demo
            .account(role)
            .unwrap_or_else(|| panic!("no {role:?} account"));
        assert!(account.password.len() >= 16);
    }
    let assessors: Vec<&str> = demo
        .accounts
        .iter()
        .filter(|a| a.role == Role::Assessor)
        .map(|a| a.username.as_str())
        .collect();
    assert_eq!(assessors, ["assessor1", "assessor2", "chief"]);
    assert!(demo.practical_session_id.is_some(), "a practical session");
    let seats: Vec<_> = demo.candidates.iter().map(|c| c.seat.as_str()).collect();
    assert_eq!(
        seats,
        ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
    );
    for c in &demo.candidates {
        assert!(
            c.id_number.parse::<question_bank::IdNumber>().is_ok(),
            "{} has a valid ID number",
            c.name
        );
    }
}

/// Run `exam-client simulate` against a fresh demo server; it must succeed. Returns the
/// JSON summary from its last stdout line.
fn simulate(terminals: u32, think_ms: u32) -> Value {
    let server = Server::start_demo();
    let demo = server.demo_file();
    let (terminals, think_ms) = (terminals.to_string(), think_ms.to_string());
    let args = [
        "simulate",
        "--server",
        &server.url,
        "--demo-file",
        demo.to_str().unwrap(),
    ];
    let args = [
        &args[..],
        &["--terminals", &terminals, "--think-ms", &think_ms],
    ]
    .concat();
    let (ok, stdout, stderr) = run_client(&args, None);
    assert!(ok, "simulate failed\nstdout: {stdout}\nstderr: {stderr}");
    let last = stdout.lines().last().expect("summary line");
    serde_json::from_str(last).expect("last line is JSON")
}

#[test]
fn twelve_terminals_sit_concurrently_and_nothing_acknowledged_is_lost() {
    let summary = simulate(12, 5);
    assert_eq!(summary["terminals"], 12);
    assert_eq!(summary["submitted"], 12);
    assert_eq!(summary["answers_lost"], 0);
    assert!(
        summary["answers_acked"].as_u64().unwrap() >= 1200,
        "{summary}"
    );
    for key in ["save_p50_ms", "save_p99_ms", "elapsed_s"] {
        assert!(
            summary[key].as_f64().is_some(),
            "{key} missing in {summary}"
        );
    }
}

#[test]
fn simulate_registers_extra_candidates_beyond_the_demo_twelve() {
    let summary = simulate(20, 0);
    assert_eq!(
        (
            summary["submitted"].as_u64(),
            summary["answers_lost"].as_u64()
        ),
        (Some(20), Some(0))
    );
}
