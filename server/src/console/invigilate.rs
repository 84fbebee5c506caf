//! The invigilation page of one session: facts, 开考, and the seat table (refreshed every
//! 5 s by a few lines of inline JS; the page works without it).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup, PreEscaped};
use question_bank::wire::{
    CandidateView, ExtendTimeRequest, InvigilatorAction, PaperStatus, SessionStatus, SessionView,
};
use serde::Deserialize;

use super::auth::CsrfForm;
use super::dashboard::session_status_zh;
use super::register::{register_form, RegisterErrors, RegisterForm};
use super::{china_time, html_response, layout, message, see_other, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::service::{invigilation, sessions, AppState};

/// Which row form an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowAction {
    /// 批准换机.
    Takeover,
    /// 延长时间.
    Extend,
}

impl RowAction {
    fn failed_zh(self) -> &'static str {
        match self {
            RowAction::Takeover => "批准换机失败：",
            RowAction::Extend => "延长时间失败：",
        }
    }
}

/// A row action (takeover approval, extension) that failed, shown on its row with
/// what was typed.
pub(super) struct RowError {
    candidate: i64,
    action: RowAction,
    reason: String,
    /// Typed minutes (extension only).
    minutes: String,
    message: String,
}

/// Minutes an extension form offers by default.
const DEFAULT_EXTEND_MINUTES: &str = "10";

fn seat_status(c: &CandidateView) -> &'static str {
    match c.paper_status {
        PaperStatus::Pending if c.signed_in => "等待开考",
        PaperStatus::Pending => "未登录",
        PaperStatus::Started => "答题中",
        PaperStatus::Submitted => "已交卷",
        PaperStatus::Absent => "缺考",
    }
}

fn seat_rows(
    session_id: i64,
    user: &ConsoleUser,
    candidates: &[CandidateView],
    row_error: Option<&RowError>,
) -> Markup {
    let can_invigilate = Permission::Invigilate
        .roles()
        .contains(&user.principal.role);
    html! {
        tbody id="seats" {
            @for c in candidates {
                @let error = row_error.filter(|e| e.candidate == c.id && e.action == RowAction::Takeover);
                @let extend_error = row_error.filter(|e| e.candidate == c.id && e.action == RowAction::Extend);
                @let extendable = can_invigilate
                    && matches!(c.paper_status, PaperStatus::Pending | PaperStatus::Started);
                tr {
                    td { (c.seat) }
                    td { (c.name) br; span.muted { (c.ticket) " · " (c.id_number_masked) } }
                    td {
                        span.badge { (seat_status(c)) }
                        @if let Some(t) = &c.takeover_request {
                            " " span.badge.warn { "换机待批" }
                            br; span.muted {
                                "请求终端：" (t.terminal_seat.as_deref().unwrap_or("未知"))
                                "，" (china_time(t.requested_at))
                            }
                        }
                    }
                    td { (c.terminal_seat.as_deref().unwrap_or("—")) }
                    td { (c.deadline_at.map(china_time).unwrap_or_else(|| "—".to_owned())) }
                    td { (c.submitted_at.map(china_time).unwrap_or_else(|| "—".to_owned())) }
                    td {
                        @if c.takeover_request.is_some() && can_invigilate {
                            @let input_id = format!("reason-{}", c.id);
                            form method="post"
                                action=(format!("/console/sessions/{session_id}/candidates/{}/takeover", c.id)) {
                                input type="hidden" name="_csrf" value=(user.csrf);
                                label for=(input_id) { "原因" }
                                input id=(input_id) name="reason" type="text" required maxlength="200"
                                    value=(error.map(|e| e.reason.as_str()).unwrap_or(""));
                                @if let Some(e) = error { p.error role="alert" { (e.message) } }
                                button type="submit" { "批准换机" }
                            }
                        }
                        @if extendable {
                            @let minutes_id = format!("extend-minutes-{}", c.id);
                            @let reason_id = format!("extend-reason-{}", c.id);
                            form.extend method="post"
                                action=(format!("/console/sessions/{session_id}/candidates/{}/extend", c.id)) {
                                input type="hidden" name="_csrf" value=(user.csrf);
                                label for=(minutes_id) { "分钟" }
                                input id=(minutes_id) name="minutes" type="number" min="1" max="120" required
                                    value=(extend_error.map(|e| e.minutes.as_str()).unwrap_or(DEFAULT_EXTEND_MINUTES));
                                label for=(reason_id) { "原因" }
                                input id=(reason_id) name="reason" type="text" required maxlength="200"
                                    value=(extend_error.map(|e| e.reason.as_str()).unwrap_or(""));
                                @if let Some(e) = extend_error { p.error role="alert" { (e.message) } }
                                button type="submit" { "延长时间" }
                            }
                        }
                    }
                }
            }
            @if candidates.is_empty() {
                tr { td colspan="7" { span.muted { "尚无考生报名" } } }
            }
        }
    }
}

fn refresh_script(session_id: i64) -> Markup {
    let js = format!(
        "(function(){{var url='/console/sessions/{session_id}/seats';\
function busy(){{var a=document.activeElement;if(a&&(a.name==='reason'||a.name==='minutes'))return true;\
return [].some.call(document.querySelectorAll('input[name=reason]'),function(i){{return i.value!=='';}});}}\
setInterval(function(){{if(busy())return;\
fetch(url,{{credentials:'same-origin'}}).then(function(r){{if(r.redirected){{location.href='/console/login';return null;}}return r.ok?r.text():null;}})\
.then(function(t){{var b=document.getElementById('seats');if(t&&b&&!busy())b.outerHTML=t;}}).catch(function(){{}});}},5000);}})();"
    );
    html! { script { (PreEscaped(js)) } }
}

fn facts(s: &SessionView) -> Markup {
    html! {
        div.card.grid {
            p { "科目：" (s.subject_name) }
            p { "批次：" @if s.batch.is_empty() { "—" } @else { (s.batch) } }
            p { "开始时间：" (china_time(s.starts_at)) "（北京时间）" }
            p { "时长：" (s.duration_seconds / 60) " 分钟" }
            p { "座位数：" (s.seats) "，已报名 " (s.candidates) " 人" }
            p { "状态：" span.badge { (session_status_zh(s.status)) }
                @if let Some(t) = s.opened_at { "（" (china_time(t)) " 开考）" } }
            p { "迟到限制：开考后 " (s.late_entry_minutes) " 分钟" }
        }
    }
}

pub(super) async fn render(
    state: &AppState,
    user: &ConsoleUser,
    id: i64,
    row_error: Option<&RowError>,
    registration: Option<(&RegisterForm, &RegisterErrors)>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewSessions)?;
    let session = sessions::session_view(state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let candidates = sessions::list_candidates(state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let can_open = session.status == SessionStatus::Scheduled
        && Permission::ManageSessions
            .roles()
            .contains(&user.principal.role);
    let can_register = Permission::ManageSessions
        .roles()
        .contains(&user.principal.role);
    let blank = (RegisterForm::default(), RegisterErrors::default());
    let (register_values, register_errors) = registration.unwrap_or((&blank.0, &blank.1));
    let body = html! {
        p { a href="/console/sessions" { "← 返回考场列表" } }
        h1 { (session.title) }
        (facts(&session))
        @if can_open {
            form method="post" action=(format!("/console/sessions/{id}/open")) {
                input type="hidden" name="_csrf" value=(user.csrf);
                button type="submit" { "开考" }
            }
        }
        h2 { "座位" }
        @if let Some(e) = row_error {
            p.notice role="alert" { (e.action.failed_zh()) (e.message) }
        }
        div.table-wrap {
            table {
                thead { tr {
                    th scope="col" { "座位" }
                    th scope="col" { "考生" }
                    th scope="col" { "状态" }
                    th scope="col" { "终端" }
                    th scope="col" { "截止时间" }
                    th scope="col" { "交卷时间" }
                    th scope="col" { "操作" }
                } }
                (seat_rows(id, user, &candidates, row_error))
            }
        }
        p.muted { "座位表每 5 秒自动刷新；输入原因时暂停刷新。" }
        @if can_register { (register_form(id, user, register_values, register_errors)) }
        (refresh_script(id))
    };
    Ok(html_response(
        status,
        layout("考场", Some(user), body).into_string(),
    ))
}

/// `GET /console/sessions/{id}`.
pub async fn page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ConsoleResult<HttpResponse> {
    render(&state, &user, id.into_inner(), None, None, StatusCode::OK).await
}

/// `GET /console/sessions/{id}/seats`: the seat table body alone.
pub async fn seats(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewSessions)?;
    let id = id.into_inner();
    let candidates = sessions::list_candidates(&state, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(html_response(
        StatusCode::OK,
        seat_rows(id, &user, &candidates, None).into_string(),
    ))
}

/// `POST /console/sessions/{id}/open`: 开考.
pub async fn open(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(form.csrf())?;
    user.require(Permission::ManageSessions)?;
    let id = id.into_inner();
    sessions::open_session(&state, &user.principal, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(see_other(&format!("/console/sessions/{id}")))
}

/// The takeover approval form.
#[derive(Debug, Default, Deserialize)]
pub struct TakeoverForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /console/sessions/{id}/candidates/{candidate}/takeover`: 批准换机.
pub async fn takeover(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<TakeoverForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::Invigilate)?;
    let (id, candidate) = path.into_inner();
    let action = InvigilatorAction {
        reason: form.reason.clone(),
    };
    match invigilation::approve_takeover(&state, &user.principal, id, candidate, action).await {
        Ok(_) => Ok(see_other(&format!("/console/sessions/{id}"))),
        Err(e) if e.status_code().is_client_error() && e.code() != "not_found" => {
            let row = RowError {
                candidate,
                action: RowAction::Takeover,
                reason: form.reason.clone(),
                minutes: String::new(),
                message: message(&e),
            };
            render(&state, &user, id, Some(&row), None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}

/// The extension form.
#[derive(Debug, Default, Deserialize)]
pub struct ExtendForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    reason: String,
}

/// `POST /console/sessions/{id}/candidates/{candidate}/extend`: 延长时间.
pub async fn extend(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<ExtendForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::Invigilate)?;
    let (id, candidate) = path.into_inner();
    // Anything that is not a whole number of minutes is refused as out of range.
    let req = ExtendTimeRequest {
        minutes: form.minutes.trim().parse().unwrap_or(0),
        reason: form.reason.clone(),
    };
    match invigilation::extend_time(&state, &user.principal, id, candidate, req).await {
        Ok(_) => Ok(see_other(&format!("/console/sessions/{id}"))),
        Err(e) if e.status_code().is_client_error() && e.code() != "not_found" => {
            let row = RowError {
                candidate,
                action: RowAction::Extend,
                reason: form.reason.clone(),
                minutes: form.minutes.clone(),
                message: message(&e),
            };
            render(&state, &user, id, Some(&row), None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}
