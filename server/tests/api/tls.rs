//! HTTPS: the server speaks TLS with the configured certificate, and refuses plain HTTP
//! on an address other machines can reach.
use e2e_tests::pki::TestPki;
use exam_server::config::Settings;
use exam_server::startup::Application;
use reqwest::StatusCode;

use crate::helpers::spawn_app_with;

#[tokio::test]
async fn https_is_served_with_the_configured_certificate_to_clients_trusting_its_ca() {
    let pki = TestPki::new();
    let ca = pki.ca_pem.clone();
    let app = spawn_app_with(|s| {
        s.tls_cert = pki.path("cert.pem").display().to_string();
        s.tls_key = pki.path("key.pem").display().to_string();
    })
    .await;
    assert!(app.base.starts_with("https://127.0.0.1:"), "{}", app.base);

    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
        .build()
        .unwrap();
    let resp = trusting
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let untrusting = reqwest::Client::new();
    let err = untrusting
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .expect_err("a certificate from an unknown CA is refused");
    assert!(err.is_connect(), "{err:?}");

    let plain = app.base.replacen("https://", "http://", 1);
    assert!(
        untrusting
            .get(format!("{plain}/healthz"))
            .send()
            .await
            .map(|r| !r.status().is_success())
            .unwrap_or(true),
        "plain HTTP to the TLS port gets no answer"
    );
}

#[tokio::test]
async fn plain_http_on_a_network_address_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        listen: "0.0.0.0:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        ..Settings::default()
    };
    let err = Application::build(settings.clone())
        .await
        .err()
        .expect("refused");
    let text = format!("{err:#}");
    assert!(
        text.contains("明文") && text.contains("--allow-plain-http"),
        "{text}"
    );
    assert!(
        !dir.path().join("exam.db").exists(),
        "refused before touching the database"
    );
}

#[tokio::test]
async fn a_certificate_without_its_key_refuses_to_start() {
    let pki = TestPki::new();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        tls_cert: pki.path("cert.pem").display().to_string(),
        ..Settings::default()
    };
    let err = Application::build(settings).await.err().expect("refused");
    assert!(format!("{err:#}").contains("tls_key"), "{err:#}");
}
