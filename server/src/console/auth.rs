//! Sign-in and sign-out: the login service's JWT in an `HttpOnly` cookie.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use question_bank::wire::LoginRequest;
use serde::Deserialize;

use super::layout::{field_error, layout};
use super::{
    clear_cookie, html_response, message, session_cookie_header, ConsoleResult, ConsoleUser,
};
use crate::error::ApiError;
use crate::service::{login, AppState};

/// The login form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Errors shown next to the fields.
#[derive(Default)]
struct LoginErrors {
    username: Option<String>,
    password: Option<String>,
}

fn login_page(username: &str, errors: &LoginErrors) -> Markup {
    let body = html! {
        div.card style="max-width:30rem" {
            h1 { "考务人员登录" }
            form method="post" action="/console/login" {
                label for="username" { "用户名" }
                input id="username" name="username" type="text" autocomplete="username"
                    required value=(username)
                    aria-invalid=[errors.username.as_ref().map(|_| "true")]
                    aria-describedby=[errors.username.as_ref().map(|_| "username-error")];
                (field_error("username", errors.username.as_deref()))
                label for="password" { "密码" }
                input id="password" name="password" type="password"
                    autocomplete="current-password" required
                    aria-invalid=[errors.password.as_ref().map(|_| "true")]
                    aria-describedby=[errors.password.as_ref().map(|_| "password-error")];
                (field_error("password", errors.password.as_deref()))
                div { button type="submit" { "登录" } }
            }
        }
    };
    layout("登录", None, body)
}

/// `GET /console/login`.
pub async fn form() -> HttpResponse {
    html_response(
        StatusCode::OK,
        login_page("", &LoginErrors::default()).into_string(),
    )
}

/// `POST /console/login`: sign in through the login service (with its throttling).
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm { username, password } = form.into_inner();
    let username = username.trim().to_owned();
    let mut errors = LoginErrors::default();
    if username.is_empty() {
        errors.username = Some("请输入用户名".to_owned());
    }
    if password.is_empty() {
        errors.password = Some("请输入密码".to_owned());
    }
    if errors.username.is_some() || errors.password.is_some() {
        return html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            login_page(&username, &errors).into_string(),
        );
    }
    let result = login::staff_login(
        &state,
        LoginRequest {
            username: username.clone(),
            password,
        },
    )
    .await;
    let status = match result {
        Ok(token) => {
            let max_age = (token.expires_at - Utc::now()).num_seconds().max(0);
            let secure = req.connection_info().scheme() == "https";
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/console"))
                .insert_header((
                    header::SET_COOKIE,
                    session_cookie_header(&token.token, max_age, secure),
                ))
                .finish();
        }
        Err(ApiError::BadCredentials) => {
            errors.password = Some("用户名或密码错误".to_owned());
            StatusCode::UNAUTHORIZED
        }
        Err(ApiError::TooManyAttempts {
            retry_after_seconds,
        }) => {
            errors.username = Some(format!(
                "登录失败次数过多，账号已暂时锁定，请 {retry_after_seconds} 秒后再试"
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(e) => {
            errors.username = Some(message(&e));
            actix_web::ResponseError::status_code(&e)
        }
    };
    html_response(status, login_page(&username, &errors).into_string())
}

/// The CSRF field of a form.
#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl CsrfForm {
    /// The submitted token.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// `POST /console/logout`: clear the cookie.
pub async fn logout(user: ConsoleUser, form: web::Form<CsrfForm>) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/console/login"))
        .insert_header((header::SET_COOKIE, clear_cookie()))
        .finish())
}
