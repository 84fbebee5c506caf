//! 管理：考试终端 — registered theory exam terminals (`GET/POST /api/v1/terminals`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::wire::{RegisterTerminalRequest, TerminalView};
use serde::Deserialize;

use super::super::fields::{input, top_error, FormErrors};
use super::super::{china_time, see_other, ConsoleResult, ConsoleUser};
use super::{admin_page, may, saved_notice};
use crate::auth::Permission;
use crate::service::{institution, AppState};

/// The registration form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct TerminalForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    location: String,
}

/// `?added=` after a successful POST.
#[derive(Debug, Default, Deserialize)]
pub struct Added {
    #[serde(default)]
    added: String,
}

fn field_of(code: &str) -> Option<&'static str> {
    match code {
        "invalid_label" | "terminal_exists" => Some("label"),
        _ => None,
    }
}

fn terminals_table(list: &[TerminalView]) -> Markup {
    let active = list.iter().filter(|t| t.active).count();
    html! {
        p { "在用终端 " strong { (active) } " 台（基本要求：不少于 10 台）。" }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { "终端编号" } th scope="col" { "位置" } th scope="col" { "状态" }
                th scope="col" { "登记时间（北京时间）" }
            } }
            tbody {
                @for t in list { tr {
                    td { code { (t.label) } }
                    td { @if t.location.is_empty() { span.muted { "—" } } @else { (t.location) } }
                    td { @if t.active { span.badge { "在用" } } @else { span.badge.warn { "停用" } } }
                    td { (china_time(t.registered_at)) }
                } }
                @if list.is_empty() { tr { td colspan="4" { span.muted { "尚未登记考试终端" } } } }
            }
        } }
    }
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: &TerminalForm,
    errors: &FormErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let list = institution::terminals(state)
        .await
        .map_err(|e| user.fail(e))?;
    let body = html! {
        (saved_notice(notice))
        (terminals_table(&list))
        @if may(user, Permission::ManageInstitution) {
            h2 id="register" { "登记终端" }
            form.card method="post" action="/console/admin/terminals" {
                input type="hidden" name="_csrf" value=(user.csrf);
                (top_error(errors))
                div.grid {
                    (input("terminal", "label", "终端编号（如座位号 07 或机器名）", "text", &form.label, errors))
                    (input("terminal", "location", "位置（如 第一考场）", "text", &form.location, errors))
                }
                button type="submit" { "登记" }
            }
        }
    };
    admin_page(user, "考试终端", status, body)
}

/// `GET /console/admin/terminals`.
pub async fn terminals_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    added: web::Query<Added>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewInstitution)?;
    let notice = (added.added == "1").then_some("终端已登记。");
    render(
        &state,
        &user,
        &TerminalForm::default(),
        &FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /console/admin/terminals`: register a terminal (`institution::add_terminal`).
pub async fn add_terminal(
    user: ConsoleUser,
    state: web::Data<AppState>,
    form: web::Form<TerminalForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::ManageInstitution)?;
    let request = RegisterTerminalRequest {
        label: form.label.clone(),
        location: form.location.clone(),
    };
    match institution::add_terminal(&state, &user.principal, request).await {
        Ok(_) => Ok(see_other("/console/admin/terminals?added=1")),
        Err(e) if e.status_code().is_client_error() => {
            let mut errors = FormErrors::default();
            errors.put(&e, field_of);
            render(&state, &user, &form, &errors, None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}
