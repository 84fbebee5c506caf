//! 考生: search registrations across theory and practical sessions, and bulk-register a
//! roster spreadsheet into a theory session.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::id_number::masked;
use question_bank::wire::{CandidateView, SessionView};
use question_bank::Subject;
use serde::Deserialize;

use super::fields::{select, top_error, FormErrors};
use super::layout::field_error;
use super::{china_time, html_response, layout, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::clock::to_datetime;
use crate::error::ApiError;
use crate::routes::reports::attachment;
use crate::routes::upload::read_form;
use crate::service::candidate_import::{
    import_roster, template_xlsx, RosterFailure, RowIssue, MAX_ROSTER_BYTES,
};
use crate::service::candidate_search::{search_candidates, CandidateHit, SEARCH_LIMIT};
use crate::service::{sessions, AppState};

/// `?q=` of the search.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

/// What the last import did.
enum Outcome {
    None,
    Registered(SessionView, Vec<CandidateView>),
    Refused(Vec<RowIssue>),
}

/// A found registration's state in Chinese.
fn hit_status(hit: &CandidateHit) -> String {
    let verdict = match hit.passed {
        Some(true) => "（合格）",
        Some(false) => "（不合格）",
        None => "",
    };
    let state = match (hit.part.as_str(), hit.status.as_str()) {
        ("theory", "pending") => "未开始答题",
        ("theory", "started") => "答题中",
        ("theory", "submitted") => "已交卷",
        ("practical", "pending") => "待评分",
        ("practical", "signed_off") => "已签发",
        (_, "absent") => "缺考",
        (_, other) => other,
    };
    format!("{state}{verdict}")
}

fn subject_name(code: &str) -> String {
    code.parse::<Subject>()
        .map_or_else(|_| code.to_owned(), |s| s.name_zh())
}

fn search_section(query: &str, hits: &[CandidateHit]) -> Markup {
    html! {
        form.card method="get" action="/console/candidates" role="search" {
            div.inline {
                div {
                    label for="q" { "姓名、身份证号或准考证号" }
                    input id="q" name="q" type="search" value=(query) autocomplete="off"
                        aria-describedby="q-hint";
                }
                button type="submit" { "查询" }
            }
            p.muted id="q-hint" { "姓名可只填一部分；身份证号和准考证号须完整。" }
        }
        @if !query.trim().is_empty() {
            h2 { "查询结果（" (hits.len()) " 条）" }
            @if hits.len() >= SEARCH_LIMIT { p.muted { "仅显示前 " (SEARCH_LIMIT) " 条，请输入更完整的条件。" } }
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "姓名" } th scope="col" { "身份证号" } th scope="col" { "准考证号" }
                    th scope="col" { "考试" } th scope="col" { "场次" } th scope="col" { "科目" }
                    th scope="col" { "时间（北京时间）" } th scope="col" { "座位" } th scope="col" { "状态" }
                } }
                tbody {
                    @for h in hits { tr {
                        td { (h.name) }
                        td { (masked(&h.id_number)) }
                        td { (h.ticket.as_deref().unwrap_or("—")) }
                        td { @if h.part == "theory" { "理论" } @else { "实操" } }
                        td {
                            @if h.part == "theory" {
                                a href=(format!("/console/sessions/{}", h.session_id)) { (h.session_title) }
                            } @else {
                                a href=(format!("/console/practical/{}", h.session_id)) { (h.session_title) }
                            }
                        }
                        td { (subject_name(&h.subject)) }
                        td { (china_time(to_datetime(h.starts_at))) }
                        td { (h.seat.as_deref().unwrap_or("—")) }
                        td { (hit_status(h)) }
                    } }
                    @if hits.is_empty() { tr { td colspan="9" { span.muted { "没有找到匹配的考生" } } } }
                }
            } }
        }
    }
}

fn outcome_section(outcome: &Outcome) -> Markup {
    match outcome {
        Outcome::None => html! {},
        Outcome::Registered(session, list) => html! {
            section.card.success role="status" aria-labelledby="import-result" {
                h2 id="import-result" { "导入成功：已登记 " (list.len()) " 名考生" }
                p { "场次：" a href=(format!("/console/sessions/{}", session.id)) { (session.title) }
                    "（" (session.subject_name) "）；每名考生的试卷已组好。" }
                div.table-wrap { table {
                    thead { tr { th scope="col" { "姓名" } th scope="col" { "准考证号" } th scope="col" { "座位" } } }
                    tbody { @for c in list { tr { td { (c.name) } td { (c.ticket) } td { (c.seat) } } } }
                } }
            }
        },
        Outcome::Refused(issues) => html! {
            section.card role="alert" aria-labelledby="import-errors" {
                h2 id="import-errors" { "导入失败：名单有 " (issues.len()) " 处错误，未登记任何考生" }
                p { "请改正下列各行后重新上传整个文件。" }
                div.table-wrap { table {
                    thead { tr { th scope="col" { "行" } th scope="col" { "列" } th scope="col" { "原因" } } }
                    tbody { @for i in issues { tr {
                        td { (i.row) }
                        td { @if let Some(c) = i.column { (c) } @else { "—" } }
                        td { (i.reason) }
                    } } }
                } }
            }
        },
    }
}

fn import_form(
    user: &ConsoleUser,
    list: &[SessionView],
    selected: &str,
    errors: &FormErrors,
) -> Markup {
    let options: Vec<(String, String)> = std::iter::once((String::new(), "请选择场次".to_owned()))
        .chain(list.iter().map(|s| {
            (
                s.id.to_string(),
                format!(
                    "{}（{}，{}，已报 {}/{}）",
                    s.title,
                    s.subject_name,
                    china_time(s.starts_at),
                    s.candidates,
                    s.seats
                ),
            )
        }))
        .collect();
    let file_error = errors.get("file");
    html! {
        h2 id="import" { "批量导入考生（Excel）" }
        form.card method="post" action="/console/candidates/import" enctype="multipart/form-data" {
            input type="hidden" name="_csrf" value=(user.csrf);
            (top_error(errors))
            p.muted { "先下载模板，每行一名考生（姓名、身份证号、准考证号、座位号必填，工作单位选填）。"
                "所有行都通过校验才会登记；只要有一行有误，就不登记任何考生，并列出全部错误。" }
            p { a href="/console/candidates/template" { "下载考生名单模板（.xlsx）" } }
            (select("roster", "session", "理论考试场次", &options, selected, errors))
            div {
                label for="roster-file" { "考生名单文件（.xlsx）" }
                input id="roster-file" name="file" type="file" required
                    accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-invalid=[file_error.map(|_| "true")]
                    aria-describedby=[file_error.map(|_| "roster-file-error")];
                (field_error("roster-file", file_error))
            }
            button type="submit" { "导入并登记" }
        }
    }
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    query: &str,
    selected: &str,
    errors: &FormErrors,
    outcome: &Outcome,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let role_can = |p: Permission| p.roles().contains(&user.principal.role);
    let hits = search_candidates(state, query, role_can(Permission::ViewPractical))
        .await
        .map_err(|e| user.fail(e))?;
    let import_to = if role_can(Permission::ManageSessions) {
        Some(
            sessions::list_sessions(state)
                .await
                .map_err(|e| user.fail(e))?,
        )
    } else {
        None
    };
    let body = html! {
        h1 { "考生" }
        (outcome_section(outcome))
        (search_section(query, &hits))
        @if let Some(list) = &import_to {
            (import_form(user, list, selected, errors))
        }
    };
    Ok(html_response(
        status,
        layout("考生", Some(user), body).into_string(),
    ))
}

/// `GET /console/candidates?q=…`.
pub async fn page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewSessions)?;
    render(
        &state,
        &user,
        &params.q,
        "",
        &FormErrors::default(),
        &Outcome::None,
        StatusCode::OK,
    )
    .await
}

/// The form field an import error belongs to.
fn field_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "not_found" | "invalid_session" => "session",
        "empty_file" | "missing_file" | "file_too_large" => "file",
        _ => return None,
    })
}

/// `POST /console/candidates/import` (multipart: `session`, `file`).
pub async fn import(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: Multipart,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageSessions)?;
    let mut errors = FormErrors::default();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let upload = match read_form(body, MAX_ROSTER_BYTES + 16 * 1024).await {
        Ok(upload) => upload,
        Err(e @ ApiError::Invalid { .. }) => {
            errors.put(&e, field_of);
            return render(
                &state,
                &user,
                "",
                "",
                &errors,
                &Outcome::None,
                unprocessable,
            )
            .await;
        }
        Err(_) => return Err(super::bad_request()),
    };
    user.check_csrf(upload.text("_csrf"))?;
    let selected = upload.text("session").to_owned();
    let session_id = selected.parse::<i64>().ok();
    if session_id.is_none() {
        errors.set("session", "请选择考试场次");
    }
    let file = upload.file.unwrap_or_default();
    if file.name.is_empty() && file.bytes.is_empty() {
        errors.set("file", "请选择考生名单文件");
    }
    let Some(session_id) = session_id.filter(|_| !errors.any()) else {
        return render(
            &state,
            &user,
            "",
            &selected,
            &errors,
            &Outcome::None,
            unprocessable,
        )
        .await;
    };
    let (outcome, status) =
        match import_roster(&state, &user.principal, session_id, &file.name, &file.bytes).await {
            Ok(list) => {
                let session = sessions::session_view(&state, session_id)
                    .await
                    .map_err(|e| user.fail(e))?;
                (Outcome::Registered(session, list), StatusCode::OK)
            }
            Err(RosterFailure::Rows(issues)) => (Outcome::Refused(issues), unprocessable),
            Err(RosterFailure::Other(e)) if e.status_code().is_client_error() => {
                let status = e.status_code();
                if status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED {
                    return Err(user.fail(e));
                }
                errors.put(&e, field_of);
                (Outcome::None, status)
            }
            Err(RosterFailure::Other(e)) => return Err(user.fail(e)),
        };
    render(&state, &user, "", &selected, &errors, &outcome, status).await
}

/// `GET /console/candidates/template`: the empty roster template.
pub async fn template(user: ConsoleUser) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageSessions)?;
    Ok(attachment(
        template_xlsx(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "考生名单模板.xlsx".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(part: &str, status: &str, passed: Option<bool>) -> CandidateHit {
        CandidateHit {
            part: part.to_owned(),
            session_id: 1,
            session_title: "场次".to_owned(),
            subject: "Q1".to_owned(),
            starts_at: 0,
            name: "张三".to_owned(),
            id_number: String::new(),
            ticket: None,
            seat: None,
            status: status.to_owned(),
            passed,
        }
    }

    #[test]
    fn statuses_read_in_chinese() {
        assert_eq!(hit_status(&hit("theory", "pending", None)), "未开始答题");
        assert_eq!(
            hit_status(&hit("theory", "submitted", Some(true))),
            "已交卷（合格）"
        );
        assert_eq!(
            hit_status(&hit("practical", "signed_off", Some(false))),
            "已签发（不合格）"
        );
        assert_eq!(hit_status(&hit("practical", "absent", None)), "缺考");
    }
}
