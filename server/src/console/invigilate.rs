//! The invigilation page of one session: facts, 开考, and the seat table (refreshed every
//! 5 s by a few lines of inline JS; the page works without it).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use maud::{html, Markup, PreEscaped};
use question_bank::wire::{
    CandidateView, ExtendTimeRequest, InvigilatorAction, PaperAction, PaperStatus, SessionStatus,
    SessionView,
};
use serde::Deserialize;

use super::auth::CsrfForm;
use super::dashboard::session_status_zh;
use super::fields::FormErrors;
use super::register::{register_form, RegisterForm};
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
    /// Pause, resume, admit late or terminate (the one action form).
    Paper(PaperAction),
    /// 全场暂停 / 全场恢复 (the session form above the table; no row).
    Session(PaperAction),
}

impl RowAction {
    fn failed_zh(self) -> String {
        let what = match self {
            RowAction::Takeover => "批准换机",
            RowAction::Extend => "延长时间",
            RowAction::Paper(a) => action_zh(a),
            RowAction::Session(PaperAction::Resume) => "全场恢复",
            RowAction::Session(_) => "全场暂停",
        };
        format!("{what}失败：")
    }
}

/// An invigilator action's Chinese name.
fn action_zh(action: PaperAction) -> &'static str {
    match action {
        PaperAction::Pause => "暂停",
        PaperAction::Resume => "恢复",
        PaperAction::AdmitLate => "允许迟到入场",
        PaperAction::Terminate => "违纪终止",
    }
}

/// A terminal not heard from for this long while answering shows as disconnected. The
/// terminal polls every 30 s and the server notes it at most once a minute.
const SILENT_AFTER_SECS: i64 = 150;

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

/// The seat's state word, and whether it needs the invigilator's eye.
pub(super) fn seat_status(c: &CandidateView, now: DateTime<Utc>) -> (&'static str, bool) {
    let silent = c
        .last_seen_at
        .is_none_or(|t| (now - t).num_seconds() > SILENT_AFTER_SECS);
    match c.paper_status {
        _ if c.terminated_reason.is_some() => ("违纪终止", true),
        PaperStatus::Pending | PaperStatus::Started if c.paused_at.is_some() => ("已暂停", true),
        PaperStatus::Pending if c.signed_in => ("等待开考", false),
        PaperStatus::Pending => ("未登录", false),
        PaperStatus::Started if silent => ("连接中断", true),
        PaperStatus::Started => ("答题中", false),
        PaperStatus::Submitted => ("已交卷", false),
        PaperStatus::Absent => ("缺考", false),
    }
}

/// Time left on a paper: to the deadline, or as it stood when paused.
fn time_left(c: &CandidateView, now: DateTime<Utc>) -> String {
    match (c.paper_status, c.deadline_at) {
        (PaperStatus::Pending | PaperStatus::Started, Some(deadline)) => {
            let left = (deadline - c.paused_at.unwrap_or(now)).num_seconds().max(0);
            format!("{}:{:02}", left / 60, left % 60)
        }
        _ => "—".to_owned(),
    }
}

/// `HH:MM:SS`, Beijing time.
fn clock_time(t: DateTime<Utc>) -> String {
    crate::clock::in_beijing(t, "%H:%M:%S")
}

/// The actions the row's action form offers for this candidate now.
fn row_actions(c: &CandidateView, late_window_over: bool) -> Vec<PaperAction> {
    if !matches!(c.paper_status, PaperStatus::Pending | PaperStatus::Started)
        || c.deadline_at.is_none()
    {
        return Vec::new();
    }
    let mut actions = Vec::new();
    if c.paused_at.is_some() {
        actions.push(PaperAction::Resume);
    } else {
        actions.push(PaperAction::Pause);
    }
    if c.paper_status == PaperStatus::Pending && late_window_over && !c.late_admitted {
        actions.push(PaperAction::AdmitLate);
    }
    actions.push(PaperAction::Terminate);
    actions
}

fn seat_rows(
    session: &SessionView,
    user: &ConsoleUser,
    candidates: &[CandidateView],
    row_error: Option<&RowError>,
) -> Markup {
    let session_id = session.id;
    let can_invigilate = Permission::Invigilate
        .roles()
        .contains(&user.principal.role);
    let now = Utc::now();
    let late_window_over = session
        .opened_at
        .is_some_and(|t| (now - t).num_minutes() >= i64::from(session.late_entry_minutes));
    html! {
        tbody id="seats" {
            @for c in candidates {
                @let error = row_error.filter(|e| e.candidate == c.id && e.action == RowAction::Takeover);
                @let extend_error = row_error.filter(|e| e.candidate == c.id && e.action == RowAction::Extend);
                @let action_error = row_error.filter(|e| e.candidate == c.id && matches!(e.action, RowAction::Paper(_)));
                @let extendable = can_invigilate
                    && matches!(c.paper_status, PaperStatus::Pending | PaperStatus::Started);
                @let actions = if can_invigilate { row_actions(c, late_window_over) } else { Vec::new() };
                @let (status, alert) = seat_status(c, now);
                tr {
                    td { (c.seat) }
                    td { (c.name) br; span.muted { (c.ticket) " · " (c.id_number_masked) } }
                    td {
                        @if alert { span.badge.warn { (status) } } @else { span.badge { (status) } }
                        @if c.late_admitted && c.paper_status == PaperStatus::Pending {
                            " " span.badge { "迟到已批准" }
                        }
                        @if let Some(why) = &c.terminated_reason {
                            br; span.muted { "原因：" (why) }
                        }
                        @if let Some(t) = &c.takeover_request {
                            " " span.badge.warn { "换机待批" }
                            br; span.muted {
                                "请求终端：" (t.terminal_seat.as_deref().unwrap_or("未知"))
                                "，" (china_time(t.requested_at))
                            }
                        }
                    }
                    td { (c.terminal_seat.as_deref().unwrap_or("—")) }
                    td { (c.answered) }
                    td { (time_left(c, now)) }
                    td { (c.deadline_at.map(china_time).unwrap_or_else(|| "—".to_owned())) }
                    td { (c.last_save_at.map(clock_time).unwrap_or_else(|| "—".to_owned())) }
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
                        @if !actions.is_empty() {
                            @let action_id = format!("action-{}", c.id);
                            @let reason_id = format!("action-reason-{}", c.id);
                            @let chosen = action_error.and_then(|e| match e.action { RowAction::Paper(a) => Some(a), _ => None });
                            form.act method="post"
                                action=(format!("/console/sessions/{session_id}/candidates/{}/action", c.id))
                                onsubmit="return this.action.value!=='terminate'||confirm('确认以违纪终止该考生的考试？成绩将作废。');" {
                                input type="hidden" name="_csrf" value=(user.csrf);
                                label for=(action_id) { "操作" }
                                select id=(action_id) name="action" {
                                    @for a in &actions {
                                        option value=(a.as_str()) selected[chosen == Some(*a)] { (action_zh(*a)) }
                                    }
                                }
                                label for=(reason_id) { "原因" }
                                input id=(reason_id) name="reason" type="text" required maxlength="200"
                                    value=(action_error.map(|e| e.reason.as_str()).unwrap_or(""));
                                @if let Some(e) = action_error { p.error role="alert" { (e.message) } }
                                button type="submit" { "执行" }
                            }
                        }
                    }
                }
            }
            @if candidates.is_empty() {
                tr { td colspan="10" { span.muted { "尚无考生报名" } } }
            }
        }
    }
}

fn refresh_script(session_id: i64) -> Markup {
    let js = format!(
        "(function(){{var url='/console/sessions/{session_id}/seats';\
function busy(){{var a=document.activeElement;if(a&&(a.name==='reason'||a.name==='minutes'||a.name==='action'))return true;\
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
    registration: Option<(&RegisterForm, &FormErrors)>,
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
    let can_invigilate = Permission::Invigilate
        .roles()
        .contains(&user.principal.role);
    let blank = (RegisterForm::default(), FormErrors::default());
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
        @if can_invigilate && session.status == SessionStatus::Open {
            (session_actions(id, user, row_error))
        }
        div.table-wrap {
            table {
                thead { tr {
                    th scope="col" { "座位" }
                    th scope="col" { "考生" }
                    th scope="col" { "状态" }
                    th scope="col" { "终端" }
                    th scope="col" { "已答" }
                    th scope="col" { "剩余时间" }
                    th scope="col" { "截止时间" }
                    th scope="col" { "最后保存" }
                    th scope="col" { "交卷时间" }
                    th scope="col" { "操作" }
                } }
                (seat_rows(&session, user, &candidates, row_error))
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
    let session = sessions::session_view(&state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let candidates = sessions::list_candidates(&state, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(html_response(
        StatusCode::OK,
        seat_rows(&session, &user, &candidates, None).into_string(),
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

/// 全场暂停 / 全场恢复, above the seat table.
fn session_actions(session_id: i64, user: &ConsoleUser, row_error: Option<&RowError>) -> Markup {
    let error = row_error.filter(|e| matches!(e.action, RowAction::Session(_)));
    html! {
        form.session-act method="post" action=(format!("/console/sessions/{session_id}/action")) {
            input type="hidden" name="_csrf" value=(user.csrf);
            label for="session-reason" { "全场操作原因" }
            input id="session-reason" name="reason" type="text" required maxlength="200"
                value=(error.map(|e| e.reason.as_str()).unwrap_or(""));
            button type="submit" name="action" value="pause" { "全场暂停" }
            " "
            button type="submit" name="action" value="resume" { "全场恢复" }
        }
    }
}

/// The action form of a row, or of the whole session.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

impl ActionForm {
    fn action(&self) -> Option<PaperAction> {
        PaperAction::ALL
            .into_iter()
            .find(|a| a.as_str() == self.action)
    }
}

/// Apply an action form to one candidate (`Some`) or the session; errors re-render the
/// page with the message on the row (or above the table) and what was typed.
async fn apply(
    state: &AppState,
    user: &ConsoleUser,
    id: i64,
    candidate: Option<i64>,
    form: &ActionForm,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::Invigilate)?;
    let Some(action) = form.action() else {
        return Err(user.fail(crate::error::ApiError::invalid(
            "invalid_action",
            "未知的操作",
        )));
    };
    let req = InvigilatorAction {
        reason: form.reason.clone(),
    };
    match invigilation::act(state, &user.principal, id, candidate, action, req).await {
        Ok(_) => Ok(see_other(&format!("/console/sessions/{id}"))),
        Err(e) if e.status_code().is_client_error() && e.code() != "not_found" => {
            let row = RowError {
                candidate: candidate.unwrap_or(0),
                action: match candidate {
                    Some(_) => RowAction::Paper(action),
                    None => RowAction::Session(action),
                },
                reason: form.reason.clone(),
                minutes: String::new(),
                message: message(&e),
            };
            render(state, user, id, Some(&row), None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}

/// `POST /console/sessions/{id}/candidates/{candidate}/action`: pause, resume, admit late,
/// terminate one candidate.
pub async fn candidate_action(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<ActionForm>,
) -> ConsoleResult<HttpResponse> {
    let (id, candidate) = path.into_inner();
    apply(&state, &user, id, Some(candidate), &form).await
}

/// `POST /console/sessions/{id}/action`: 全场暂停 / 全场恢复.
pub async fn session_action(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> ConsoleResult<HttpResponse> {
    apply(&state, &user, id.into_inner(), None, &form).await
}
