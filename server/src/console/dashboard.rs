//! `GET /console`: today's sessions (Beijing date), and for the open ones the terminals
//! online and the seats that need an invigilator.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use question_bank::wire::{CandidateView, PaperStatus, SessionStatus, SessionView};

use super::invigilate::seat_status;
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

/// An open session at a glance: terminals answering, and the seats that need an
/// invigilator (a terminal waiting to take over, disconnected, paused, terminated).
fn live_card(s: &SessionView, seats: &[CandidateView]) -> Markup {
    let now = Utc::now();
    let answering = seats
        .iter()
        .filter(|c| c.paper_status == PaperStatus::Started)
        .count();
    let online = seats
        .iter()
        .filter(|c| c.paper_status == PaperStatus::Started && !seat_status(c, now).1)
        .count();
    let alerts: Vec<(&CandidateView, &str)> = seats
        .iter()
        .filter_map(
            |c| match (c.takeover_request.is_some(), seat_status(c, now)) {
                (true, _) => Some((c, "换机待批")),
                (false, (word, true)) => Some((c, word)),
                _ => None,
            },
        )
        .collect();
    html! {
        div.card {
            p { a href=(format!("/console/sessions/{}", s.id)) { strong { (s.title) } } }
            p { "答题中 " (answering) " 人，终端在线 " (online) " 台；已交卷 "
                (seats.iter().filter(|c| c.paper_status == PaperStatus::Submitted).count()) " 人" }
            @if alerts.is_empty() {
                p.muted { "无需处理的座位" }
            } @else {
                ul.alerts { @for (c, word) in &alerts {
                    li { span.badge.warn { (word) } " 座位 " (c.seat) " " (c.name) }
                } }
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
        let mut live = Vec::new();
        for s in todays.iter().filter(|s| s.status == SessionStatus::Open) {
            let seats = sessions::list_candidates(&state, s.id)
                .await
                .map_err(|e| user.fail(e))?;
            live.push((s, seats));
        }
        html! {
            h1 { "今日考场（" (today.format("%Y年%m月%d日")) "）" }
            (sessions_table(&todays))
            p { a href="/console/sessions" { "查看全部考试场次" } }
            @if !live.is_empty() { h2 { "现场情况" } }
            @for (s, seats) in &live { (live_card(s, seats)) }
        }
    } else if role_can(Permission::ScorePractical) {
        html! {
            h1 { "首页" }
            p.card { "请在" a href="/console/practical" { "实操考试" } "中选择场次和考生，填写并签名评分表；主考评员在场次页面签发成绩。" }
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
