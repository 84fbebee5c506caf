//! Typed HTTP client for the exam server's API.

use std::time::Duration;

use anyhow::Context;

use question_bank::wire::{
    CandidateLoginRequest, CandidateView, CreateSessionRequest, ErrorBody, ExamView, LoginRequest,
    RegisterCandidateRequest, SaveAnswerRequest, SaveAnswerResponse, SessionResults, SessionView,
    SubmitResult, TokenResponse,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::tls::Transport;

/// What can go wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No answer: connection refused, reset, timed out. Worth retrying.
    #[error("无法连接服务器 server unreachable: {0}")]
    Unreachable(#[from] reqwest::Error),
    /// The server answered with an error.
    #[error("{status}: {} ({})", body.message, body.code)]
    Server {
        /// HTTP status.
        status: StatusCode,
        /// Error body.
        body: ErrorBody,
    },
}

impl ApiError {
    /// Stable error code, if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Server { body, .. } => Some(&body.code),
            ApiError::Unreachable(_) => None,
        }
    }

    /// Whether the token is missing, expired or no longer accepted (sign in again).
    pub fn needs_sign_in(&self) -> bool {
        matches!(self.code(), Some("unauthenticated" | "token_expired"))
    }

    /// Whether retrying the same request may succeed: the server could not be reached,
    /// failed, was too busy, or (408) did not read the request in time, which a server
    /// under a room's synchronized start does.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Unreachable(_) => true,
            ApiError::Server { status, .. } => {
                status.is_server_error()
                    || *status == StatusCode::TOO_MANY_REQUESTS
                    || *status == StatusCode::REQUEST_TIMEOUT
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_failing_servers_are_worth_a_retry_refusals_are_not() {
        let server = |status| ApiError::Server {
            status,
            body: ErrorBody {
                code: String::new(),
                message: String::new(),
                details: Vec::new(),
            },
        };
        for status in [
            StatusCode::REQUEST_TIMEOUT,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::INTERNAL_SERVER_ERROR,
        ] {
            assert!(server(status).is_transient(), "{status}");
        }
        for status in [
            StatusCode::UNAUTHORIZED,
            StatusCode::CONFLICT,
            StatusCode::UNPROCESSABLE_ENTITY,
        ] {
            assert!(!server(status).is_transient(), "{status}");
        }
    }
}

/// A client bound to one server and (after sign-in) one token.
#[derive(Clone)]
pub struct Api {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
    terminal: Option<String>,
    terminal_seat: Option<String>,
}

impl Api {
    /// Client for `base` (e.g. `https://exam.lan:8443`) over `transport`, giving up on a
    /// request after `timeout` (an exam terminal wants to know soon that the network is
    /// gone; every request it retries is idempotent). Refuses plain HTTP to another
    /// machine unless the transport allows it.
    pub fn connect(base: &str, transport: &Transport, timeout: Duration) -> anyhow::Result<Api> {
        Api::connect_pooled(base, transport, timeout, 64)
    }

    /// [`Api::connect`] keeping up to `idle` connections open between requests: one per
    /// terminal when this process plays many terminals.
    pub fn connect_pooled(
        base: &str,
        transport: &Transport,
        timeout: Duration,
        idle: usize,
    ) -> anyhow::Result<Api> {
        transport.check_url(base)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(transport.client_config()?)
            .timeout(timeout)
            .connect_timeout(timeout)
            .pool_max_idle_per_host(idle)
            .build()
            .context("HTTP client")?;
        Ok(Api {
            base: base.trim_end_matches('/').to_owned(),
            http,
            token: None,
            terminal: None,
            terminal_seat: None,
        })
    }

    /// A copy of this client that names its terminal (and seat) when a candidate signs
    /// in: the server keeps a started paper on one terminal at a time.
    pub fn on_terminal(&self, id: &str, seat: Option<&str>) -> Api {
        Api {
            terminal: Some(id.to_owned()),
            terminal_seat: seat.map(str::to_owned),
            ..self.clone()
        }
    }

    /// A copy of this client with its own token, sharing the connection pool.
    pub fn with_token(&self, token: String) -> Api {
        Api {
            token: Some(token),
            ..self.clone()
        }
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp.json().await?);
        }
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| ErrorBody {
            code: "http_error".to_owned(),
            message: text.chars().take(200).collect(),
            details: Vec::new(),
        });
        Err(ApiError::Server { status, body })
    }

    /// Staff sign-in; returns a client holding the token.
    pub async fn staff_login(&self, username: &str, password: &str) -> Result<Api, ApiError> {
        let req = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let t: TokenResponse = self
            .call(Method::POST, "/api/v1/auth/login", Some(&req))
            .await?;
        Ok(self.with_token(t.token))
    }

    /// Candidate sign-in; returns a client holding the token.
    pub async fn candidate_login(&self, ticket: &str, id_number: &str) -> Result<Api, ApiError> {
        let req = CandidateLoginRequest {
            ticket: ticket.to_owned(),
            id_number: id_number.to_owned(),
            terminal: self.terminal.clone(),
            terminal_seat: self.terminal_seat.clone(),
        };
        let t: TokenResponse = self
            .call(Method::POST, "/api/v1/auth/candidate", Some(&req))
            .await?;
        Ok(self.with_token(t.token))
    }

    /// Whether the server answers (`GET /healthz`); any HTTP answer counts.
    pub async fn health(&self) -> Result<(), ApiError> {
        self.call::<(), serde_json::Value>(Method::GET, "/healthz", None)
            .await
            .map(drop)
    }

    /// My exam.
    pub async fn exam(&self) -> Result<ExamView, ApiError> {
        self.call::<(), _>(Method::GET, "/api/v1/exam", None).await
    }

    /// Start or resume my paper.
    ///
    /// Generic over the body's type so the load simulator can read only what it needs of
    /// the paper; the terminal reads the whole [`ExamView`].
    pub async fn start<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        self.call::<(), _>(Method::POST, "/api/v1/exam/start", None)
            .await
    }

    /// Save one answer (display labels; `None` clears).
    pub async fn save_answer(
        &self,
        no: u16,
        answer: Option<String>,
        seq: u64,
    ) -> Result<SaveAnswerResponse, ApiError> {
        self.call(
            Method::PUT,
            &format!("/api/v1/exam/answers/{no}"),
            Some(&SaveAnswerRequest { answer, seq }),
        )
        .await
    }

    /// Submit my paper.
    pub async fn submit(&self) -> Result<SubmitResult, ApiError> {
        self.call::<(), _>(Method::POST, "/api/v1/exam/submit", None)
            .await
    }

    /// Candidates of a session (staff).
    pub async fn candidates(&self, session_id: i64) -> Result<Vec<CandidateView>, ApiError> {
        self.call::<(), _>(
            Method::GET,
            &format!("/api/v1/sessions/{session_id}/candidates"),
            None,
        )
        .await
    }

    /// Register a candidate (examiner).
    pub async fn register_candidate(
        &self,
        session_id: i64,
        req: &RegisterCandidateRequest,
    ) -> Result<CandidateView, ApiError> {
        self.call(
            Method::POST,
            &format!("/api/v1/sessions/{session_id}/candidates"),
            Some(req),
        )
        .await
    }

    /// Schedule a session (examiner).
    pub async fn create_session(
        &self,
        req: &CreateSessionRequest,
    ) -> Result<SessionView, ApiError> {
        self.call(Method::POST, "/api/v1/sessions", Some(req)).await
    }

    /// Open a session: candidates may start (examiner).
    pub async fn open_session(&self, session_id: i64) -> Result<SessionView, ApiError> {
        self.call(
            Method::POST,
            &format!("/api/v1/sessions/{session_id}/open"),
            Some(&serde_json::json!({})),
        )
        .await
    }

    /// The server's Prometheus text (from loopback, or with a metrics token).
    pub async fn metrics_text(&self) -> Result<String, ApiError> {
        Ok(self
            .http
            .get(format!("{}/metrics", self.base))
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?)
    }

    /// Results of a session (examiner, certifier).
    pub async fn results(&self, session_id: i64) -> Result<SessionResults, ApiError> {
        self.call::<(), _>(
            Method::GET,
            &format!("/api/v1/sessions/{session_id}/results"),
            None,
        )
        .await
    }
}
