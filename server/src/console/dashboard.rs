//! `GET /console`: today's sessions (Beijing date).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use question_bank::wire::{SessionStatus, SessionView};

use super::{china_time, html_response, layout, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::clock::{china_date, now_millis};
use crate::service::{sessions, AppState};

/// A session's status in Chinese.
pub fn session_status_zh(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Scheduled => "未开考",
        SessionStatus::Open => "已开考",
    }
}

/// The sessions table (shared with the sessions page).
pub fn sessions_table(list: &[SessionView]) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr {
                    th scope="col" { "标题" }
                    th scope="col" { "批次" }
                    th scope="col" { "科目" }
                    th scope="col" { "开始时间（北京时间）" }
                    th scope="col" { "状态" }
                    th scope="col" { "考生数" }
                } }
                tbody {
                    @for s in list {
                        tr {
                            td { a href=(format!("/console/sessions/{}", s.id)) { (s.title) } }
                            td { @if s.batch.is_empty() { span.muted { "—" } } @else { (s.batch) } }
                            td { (s.subject_name) }
                            td { (china_time(s.starts_at)) }
                            td { span.badge { (session_status_zh(s.status)) } }
                            td { (s.candidates) " / " (s.seats) }
                        }
                    }
                    @if list.is_empty() {
                        tr { td colspan="6" { span.muted { "暂无考试场次" } } }
                    }
                }
            }
        }
    }
}

/// `GET /console`.
pub async fn page(user: ConsoleUser, state: web::Data<AppState>) -> ConsoleResult<HttpResponse> {
    let role_can = |p: Permission| p.roles().contains(&user.principal.role);
    let today = china_date(now_millis());
    let body = if role_can(Permission::ViewSessions) {
        let all = sessions::list_sessions(&state)
            .await
            .map_err(|e| user.fail(e))?;
        let todays: Vec<SessionView> = all
            .into_iter()
            .filter(|s| china_date(s.starts_at.timestamp_millis()) == today)
            .collect();
        html! {
            h1 { "今日考场（" (today.format("%Y年%m月%d日")) "）" }
            (sessions_table(&todays))
            p { a href="/console/sessions" { "查看全部考试场次" } }
        }
    } else {
        html! {
            h1 { "首页" }
            p.card { "您的角色在考务控制台中暂无可用页面。" }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        layout("首页", Some(&user), body).into_string(),
    ))
}
