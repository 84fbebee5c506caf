//! The staff web console (考务控制台): server-rendered HTML pages over the same services
//! the JSON API calls. Sessions live in an `HttpOnly` cookie holding the API's own JWT;
//! every form carries a CSRF token derived from that JWT.

mod admin;
mod archives;
mod auth;
mod banks;
mod candidates;
mod dashboard;
mod fields;
mod invigilate;
mod layout;
mod practical;
mod register;
mod reports;
mod sessions;

use std::fmt;
use std::future::{ready, Ready};

use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use question_bank::wire::Role;
use sha2::{Digest, Sha256};

use crate::auth::{Permission, Principal, TokenKeys};
use crate::error::ApiError;

pub use layout::layout;

/// Name of the session cookie.
pub const COOKIE: &str = "ce_session";

/// Register the console's routes under `/console` (before the API's JSON 404).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/console")
            .app_data(
                web::FormConfig::default()
                    .limit(16 * 1024)
                    .error_handler(|_, _| bad_request().into()),
            )
            .app_data(web::QueryConfig::default().error_handler(|_, _| bad_request().into()))
            .app_data(web::PathConfig::default().error_handler(|_, _| {
                layout::error_page(None, StatusCode::NOT_FOUND, "页面不存在").into()
            }))
            .route("", web::get().to(dashboard::page))
            .route("/", web::get().to(dashboard::page))
            .route("/login", web::get().to(auth::form))
            .route("/login", web::post().to(auth::submit))
            .route("/logout", web::post().to(auth::logout))
            .route("/sessions", web::get().to(sessions::list))
            .route("/sessions", web::post().to(sessions::schedule))
            .route("/sessions/{id}", web::get().to(invigilate::page))
            .route("/sessions/{id}/seats", web::get().to(invigilate::seats))
            .route("/sessions/{id}/open", web::post().to(invigilate::open))
            .route(
                "/sessions/{id}/candidates",
                web::post().to(register::register),
            )
            .route(
                "/sessions/{id}/candidates/{candidate}/takeover",
                web::post().to(invigilate::takeover),
            )
            .route(
                "/sessions/{id}/candidates/{candidate}/extend",
                web::post().to(invigilate::extend),
            )
            .route(
                "/sessions/{id}/candidates/{candidate}/action",
                web::post().to(invigilate::candidate_action),
            )
            .route(
                "/sessions/{id}/action",
                web::post().to(invigilate::session_action),
            )
            .route("/practical", web::get().to(practical::list))
            .route("/practical/{id}", web::get().to(practical::session_page))
            .route(
                "/practical/{id}/candidates/{candidate}",
                web::get().to(practical::candidate_page),
            )
            .route(
                "/practical/{id}/candidates/{candidate}/sheet",
                web::post().to(practical::save_sheet),
            )
            .route(
                "/practical/{id}/candidates/{candidate}/signoff",
                web::post().to(practical::sign_off),
            )
            .route("/reports", web::get().to(reports::page))
            .route("/download/summary", web::get().to(reports::summary))
            .route(
                "/download/session/{id}",
                web::get().to(reports::session_report),
            )
            .route("/download/transcript", web::get().to(reports::transcript))
            .route("/archives", web::get().to(archives::page))
            .route("/banks", web::get().to(banks::page))
            .route("/banks/import", web::post().to(banks::import))
            .route("/banks/export", web::get().to(banks::export))
            .route("/banks/template", web::get().to(banks::template))
            .route("/candidates", web::get().to(candidates::page))
            .route("/candidates/import", web::post().to(candidates::import))
            .route("/candidates/template", web::get().to(candidates::template))
            .route("/admin", web::get().to(admin::hub))
            .route("/admin/users", web::get().to(admin::users_page))
            .route("/admin/users", web::post().to(admin::create_user))
            .route("/admin/institution", web::get().to(admin::institution_page))
            .route(
                "/admin/institution",
                web::post().to(admin::save_institution),
            )
            .route("/admin/compliance", web::get().to(admin::compliance_page))
            .route("/admin/terminals", web::get().to(admin::terminals_page))
            .route("/admin/terminals", web::post().to(admin::add_terminal))
            .route("/admin/assessors", web::get().to(admin::assessors_page))
            .route("/admin/assessors", web::post().to(admin::register_assessor))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> HttpResponse {
    layout::error_page(None, StatusCode::NOT_FOUND, "页面不存在").error_response()
}

fn bad_request() -> ConsoleError {
    layout::error_page(None, StatusCode::BAD_REQUEST, "请求格式错误，请返回后重试")
}

/// Why a console request did not produce its page.
#[derive(Debug)]
pub enum ConsoleError {
    /// Not signed in (or the session expired): back to the login form.
    Login,
    /// An error page, already rendered.
    Page {
        /// HTTP status.
        status: StatusCode,
        /// The page.
        html: String,
    },
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsoleError::Login => f.write_str("console sign-in required"),
            ConsoleError::Page { status, .. } => write!(f, "console error page ({status})"),
        }
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::Login => StatusCode::SEE_OTHER,
            ConsoleError::Page { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ConsoleError::Login => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/console/login"))
                .insert_header((header::SET_COOKIE, clear_cookie()))
                .finish(),
            ConsoleError::Page { status, html } => html_response(*status, html.clone()),
        }
    }
}

/// Result of a console handler.
pub type ConsoleResult<T> = Result<T, ConsoleError>;

/// An HTML response.
pub fn html_response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html)
}

/// A 303 redirect (after a successful POST).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A signed-in staff member, from the verified session cookie.
pub struct ConsoleUser {
    /// Who.
    pub principal: Principal,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
}

impl ConsoleUser {
    /// Fail with a 403 page unless the role holds `permission`.
    pub fn require(&self, permission: Permission) -> ConsoleResult<()> {
        self.principal.require(permission).map_err(|e| self.fail(e))
    }

    /// Fail with a 403 page (changing nothing) unless `given` is this session's token.
    pub fn check_csrf(&self, given: &str) -> ConsoleResult<()> {
        if constant_time_eq(given.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            tracing::info!(user = %self.principal.name, "console csrf check failed");
            Err(layout::error_page(
                Some(self),
                StatusCode::FORBIDDEN,
                "表单校验失败（CSRF），操作未执行。请刷新页面后重新提交。",
            ))
        }
    }

    /// An API error as an error page with the matching status.
    pub fn fail(&self, e: ApiError) -> ConsoleError {
        match e {
            ApiError::Unauthenticated | ApiError::TokenExpired => ConsoleError::Login,
            other => layout::error_page(Some(self), other.status_code(), &message(&other)),
        }
    }
}

/// What to show for an API error: its message, never an internal cause.
pub fn message(e: &ApiError) -> String {
    match e {
        ApiError::Internal(_) => {
            // Logs the cause.
            let _ = e.error_response();
            "服务器内部错误，请联系管理员".to_owned()
        }
        ApiError::Forbidden => "您的角色无权执行此操作".to_owned(),
        other => other.to_string(),
    }
}

impl FromRequest for ConsoleUser {
    type Error = ConsoleError;
    type Future = Ready<Result<ConsoleUser, ConsoleError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(user_of(req))
    }
}

fn user_of(req: &HttpRequest) -> ConsoleResult<ConsoleUser> {
    let keys = req
        .app_data::<web::Data<TokenKeys>>()
        .expect("TokenKeys registered in startup");
    let token = session_cookie(req).ok_or(ConsoleError::Login)?;
    let principal = Principal::from_token(keys, &token).map_err(|_| ConsoleError::Login)?;
    if principal.role == Role::Candidate {
        return Err(ConsoleError::Login);
    }
    Ok(ConsoleUser {
        principal,
        csrf: csrf_token(&token),
    })
}

/// The `ce_session` cookie's value, if sent.
fn session_cookie(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of a session: hex SHA-256 of `csrf:` + the session JWT.
pub fn csrf_token(jwt: &str) -> String {
    hex::encode(
        Sha256::new()
            .chain_update(b"csrf:")
            .chain_update(jwt)
            .finalize(),
    )
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `Set-Cookie` value that signs the browser in.
fn session_cookie_header(jwt: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={jwt}; HttpOnly; SameSite=Strict; Path=/console; Max-Age={max_age_seconds}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value that signs the browser out.
fn clear_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/console; Max-Age=0")
}

/// An instant as Beijing time, `YYYY-MM-DD HH:MM`.
pub fn china_time(t: DateTime<Utc>) -> String {
    crate::clock::in_beijing(t, "%Y-%m-%d %H:%M")
}

/// A role's Chinese name.
pub fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Candidate => "考生",
        Role::Examiner => "考务人员",
        Role::Assessor => "考评员",
        Role::Certifier => "发证机关",
        Role::Admin => "系统管理员",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_is_stable_hex_and_compared_in_full() {
        let t = csrf_token("a.b.c");
        assert_eq!(t.len(), 64);
        assert_eq!(t, csrf_token("a.b.c"));
        assert_ne!(t, csrf_token("a.b.d"));
        assert!(constant_time_eq(t.as_bytes(), t.as_bytes()));
        assert!(!constant_time_eq(t.as_bytes(), &t.as_bytes()[..63]));
        assert!(!constant_time_eq(b"", t.as_bytes()));
    }
}
