//! Operator commands against real data: online backup while the server runs, restoring
//! it, and the first administrator account.

use e2e_tests::{run_binary, Server};
use question_bank::wire::Role;
use serde_json::json;

async fn staff_login(url: &str, username: &str, password: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn online_backup_restores_into_a_working_server_and_accounts_come_from_the_cli() {
    let server = Server::start_demo();
    let demo = server.demo();
    let examiner = demo.account(Role::Examiner).unwrap().clone();
    let data = server.data_dir.path().to_str().unwrap().to_owned();

    // The first administrator of a fresh install, password from stdin.
    let (ok, out, err) = run_binary(
        "exam-server",
        &[
            "user",
            "add",
            "--data-dir",
            &data,
            "--username",
            "chief-admin",
            "--role",
            "admin",
            "--name",
            "系统管理员",
            "--password-stdin",
        ],
        Some("a-long-admin-password\n"),
    );
    assert!(ok, "{out}{err}");
    assert_eq!(
        staff_login(&server.url, "chief-admin", "a-long-admin-password").await,
        reqwest::StatusCode::OK
    );
    // A weak password changes nothing.
    let (ok, _, err) = run_binary(
        "exam-server",
        &[
            "user",
            "set-password",
            "--data-dir",
            &data,
            "--username",
            "chief-admin",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!ok && err.contains("10"), "{err}");
    // A reset without stdin prints a generated password once.
    let (ok, out, err) = run_binary(
        "exam-server",
        &[
            "user",
            "set-password",
            "--data-dir",
            &data,
            "--username",
            "chief-admin",
        ],
        None,
    );
    assert!(ok, "{out}{err}");
    let password = out
        .lines()
        .find_map(|l| l.split(": ").nth(1))
        .expect("password printed")
        .trim()
        .to_owned();
    assert_eq!(
        staff_login(&server.url, "chief-admin", &password).await,
        reqwest::StatusCode::OK
    );

    // Back up while the server is running.
    let backups = tempfile::tempdir().unwrap();
    let copy = backups.path().join("exam-backup.db");
    let (ok, out, err) = run_binary(
        "exam-server",
        &[
            "backup",
            "--data-dir",
            &data,
            "--output",
            copy.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok && out.contains("quick_check ok"), "{out}{err}");
    // It never overwrites.
    let (ok, _, err) = run_binary(
        "exam-server",
        &[
            "backup",
            "--data-dir",
            &data,
            "--output",
            copy.to_str().unwrap(),
        ],
        None,
    );
    assert!(!ok && err.contains("already exists"), "{err}");

    // Restore: a new data directory with the copy (and the keys) serves the same data.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&copy, restored.path().join("exam.db")).unwrap();
    for key in ["jwt.key", "archive-signing.key"] {
        std::fs::copy(format!("{data}/{key}"), restored.path().join(key)).unwrap();
    }
    drop(server);
    let server = Server::start_in(restored, false);
    assert_eq!(
        staff_login(&server.url, &examiner.username, &examiner.password).await,
        reqwest::StatusCode::OK
    );
    assert_eq!(
        staff_login(&server.url, "chief-admin", &password).await,
        reqwest::StatusCode::OK
    );
}
