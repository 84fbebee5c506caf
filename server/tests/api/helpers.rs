//! `spawn_app()`: a fresh server per test, plus a small typed client.

use std::time::{Duration, Instant};

use e2e_tests::pg::{postgres_admin_url, TestDatabase};
use exam_server::auth::password::hash_password;
use exam_server::config::{Secret, Settings};
use exam_server::service::AppState;
use exam_server::startup::Application;
use question_bank::id_number::synthesize;
use question_bank::wire::{CandidateView, Role, SessionView, TokenResponse};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const JWT_SECRET: &str = "test-secret-for-integration-tests";
pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    /// The running server's state (database, keys), for seeding and inspection.
    pub state: AppState,
    pub settings: Settings,
    pub _dir: tempfile::TempDir,
    /// The test's own PostgreSQL database, dropped with the app.
    pub _database: Option<TestDatabase>,
}

/// A server with one account per staff role (`admin`, `examiner`, `assessor`,
/// `certifier`, all with [`PASSWORD`]).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    // Server warnings and errors go to the test's captured output (shown when it fails).
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_max_level(tracing::Level::WARN)
        .try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        jwt_secret: Secret(JWT_SECRET.to_owned()),
        sweeper_interval_ms: 100,
        ..Settings::default()
    };
    let database = match postgres_admin_url() {
        Some(admin) => Some(TestDatabase::create(&admin).await),
        None => None,
    };
    if let Some(db) = &database {
        settings.database_url = Secret(db.url.clone());
    }
    adjust(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("build app");
    let hash = hash_password(PASSWORD).unwrap();
    for role in [Role::Admin, Role::Examiner, Role::Assessor, Role::Certifier] {
        app.state()
            .store
            .upsert_user(role.as_str(), &hash, role, role.as_str())
            .await
            .unwrap();
    }
    let base = format!("{}://127.0.0.1:{}", app.scheme(), app.port());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        http: reqwest::Client::new(),
        state,
        settings,
        _dir: dir,
        _database: database,
    }
}

/// A valid ID number, distinct per `n`.
pub fn id_number(n: u16) -> String {
    synthesize(
        330_106,
        chrono::NaiveDate::from_ymd_opt(1985, 6, 15).unwrap(),
        n,
    )
    .to_string()
}

impl TestApp {
    /// Whether this app runs on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self._database.is_some()
    }

    /// A connection pool of its own to the app's database, for tests that look at (or
    /// tamper with) what the server stored. SQL must use `$N` placeholders.
    pub async fn raw_db(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        let url = match &self._database {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", self.settings.database_path().display()),
        };
        sqlx::AnyPool::connect(&url)
            .await
            .expect("connect to the app's database")
    }

    /// Send a request; returns status and JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET a file: status, `Content-Disposition` (empty when absent) and the bytes.
    pub async fn download(&self, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent");
        let disposition = resp
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (
            resp.status(),
            disposition,
            resp.bytes().await.unwrap().to_vec(),
        )
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, role: Role) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": role.as_str(), "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value::<TokenResponse>(body).unwrap().token
    }

    pub async fn candidate_login(&self, ticket: &str, id_number: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            "/api/v1/auth/candidate",
            None,
            Some(json!({"ticket": ticket, "id_number": id_number})),
        )
        .await
    }

    /// A candidate token for a sign-in on terminal `terminal` at seat `seat`.
    pub async fn candidate_token_on(
        &self,
        ticket: &str,
        id_number: &str,
        terminal: &str,
        seat: &str,
    ) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/candidate",
                None,
                Some(json!({"ticket": ticket, "id_number": id_number, "terminal": terminal, "terminal_seat": seat})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn candidate_token(&self, ticket: &str, id_number: &str) -> String {
        let (status, body) = self.candidate_login(ticket, id_number).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Schedule a Q2 bridge session of `duration_seconds`.
    pub async fn create_session(&self, examiner: &str, duration_seconds: u32) -> SessionView {
        self.create_session_with(examiner, json!({"duration_seconds": duration_seconds}))
            .await
    }

    /// Schedule a Q2 bridge session with 30 seats, overriding fields with `extra`.
    pub async fn create_session_with(&self, examiner: &str, extra: Value) -> SessionView {
        let mut body = json!({"title": "测试场次", "subject": "Q2-bridge", "starts_at": chrono::Utc::now(), "seats": 30});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (status, body) = self.post("/api/v1/sessions", examiner, body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub async fn register(&self, examiner: &str, session: i64, n: u16) -> CandidateView {
        let (status, body) = self
            .post(
                &format!("/api/v1/sessions/{session}/candidates"),
                examiner,
                json!({"name": format!("考生{n}"), "id_number": id_number(n), "ticket": format!("T{session:03}{n:04}"), "seat": n.to_string()}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    pub async fn open(&self, examiner: &str, session: i64) {
        let (status, body) = self
            .post(
                &format!("/api/v1/sessions/{session}/open"),
                examiner,
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// A session with one registered, opened, started candidate: (examiner, candidate token, session id, exam view).
    pub async fn started_candidate(&self, duration_seconds: u32) -> (String, String, i64, Value) {
        let examiner = self.login(Role::Examiner).await;
        let session = self.create_session(&examiner, duration_seconds).await;
        let c = self.register(&examiner, session.id, 1).await;
        self.open(&examiner, session.id).await;
        let token = self.candidate_token(&c.ticket, &id_number(1)).await;
        let (status, exam) = self.post("/api/v1/exam/start", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{exam}");
        (examiner, token, session.id, exam)
    }

    pub async fn results(&self, token: &str, session: i64) -> Value {
        let (status, body) = self
            .get(&format!("/api/v1/sessions/{session}/results"), token)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// Assert an error response: its HTTP status and its stable `code`.
#[track_caller]
pub fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(
        (status, body["code"].as_str()),
        (expected, Some(code)),
        "{body}"
    );
}

/// Poll `check` until it returns Some, or panic after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            start.elapsed() < timeout,
            "condition not met within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
