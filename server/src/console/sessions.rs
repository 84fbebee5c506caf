//! `GET /console/sessions` (list + schedule form) and `POST /console/sessions`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use maud::{html, Markup};
use question_bank::wire::CreateSessionRequest;
use question_bank::{CraneType, Subject};
use serde::Deserialize;

use super::dashboard::sessions_table;
use super::layout::field_error;
use super::{html_response, layout, message, see_other, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::clock::beijing;
use crate::error::ApiError;
use crate::service::sessions::MAX_SEATS;
use crate::service::{sessions, validate, AppState};

/// The schedule form, as typed (re-shown on errors).
#[derive(Debug, Default, Deserialize)]
pub struct ScheduleForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    seats: String,
}

/// Field → message; `top` for errors that belong to no field.
#[derive(Debug, Default)]
struct FieldErrors {
    top: Option<String>,
    title: Option<String>,
    batch: Option<String>,
    subject: Option<String>,
    starts_at: Option<String>,
    duration: Option<String>,
    seats: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        self.top.is_some()
            || self.title.is_some()
            || self.batch.is_some()
            || self.subject.is_some()
            || self.starts_at.is_some()
            || self.duration.is_some()
            || self.seats.is_some()
    }

    /// Put an API validation error next to its field.
    fn put(&mut self, e: &ApiError) {
        let slot = match e.code() {
            "invalid_title" => &mut self.title,
            "invalid_batch" => &mut self.batch,
            "invalid_subject" => &mut self.subject,
            "invalid_start" => &mut self.starts_at,
            "invalid_duration" => &mut self.duration,
            "invalid_seats" => &mut self.seats,
            _ => &mut self.top,
        };
        slot.get_or_insert_with(|| message(e));
    }
}

/// Every subject a session can be scheduled for: Q1, Q2 and Q2 limited to each type.
pub fn all_subjects() -> Vec<Subject> {
    let mut v = vec![Subject::Q1, Subject::Q2(None)];
    v.extend(CraneType::ALL.into_iter().map(|t| Subject::Q2(Some(t))));
    v
}

/// The form's values as a request, or every problem found.
fn parse(form: &ScheduleForm) -> Result<CreateSessionRequest, Box<FieldErrors>> {
    let mut errors = FieldErrors::default();
    for check in [
        validate::title(&form.title).err(),
        validate::batch(&form.batch).err(),
        validate::subject(form.subject.trim()).err(),
    ]
    .into_iter()
    .flatten()
    {
        errors.put(&check);
    }
    let raw = form.starts_at.trim();
    let starts_at = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .ok()
        .and_then(|t| beijing().from_local_datetime(&t).single())
        .map(|t| t.with_timezone(&Utc));
    if starts_at.is_none() {
        errors.starts_at = Some("请填写开始时间（北京时间）".to_owned());
    }
    let duration = form.duration_minutes.trim();
    let duration_seconds = if duration.is_empty() {
        None
    } else {
        match duration.parse::<u32>().ok().and_then(|m| m.checked_mul(60)) {
            Some(s) => Some(s),
            None => {
                errors.duration = Some("时长应为 1–480 之间的整数（分钟）".to_owned());
                None
            }
        }
    };
    let seats = form.seats.trim().parse::<u16>().ok();
    if seats.is_none() {
        errors.seats = Some(format!("座位数应为 1–{MAX_SEATS} 之间的整数"));
    }
    match (starts_at, seats) {
        (Some(starts_at), Some(seats)) if !errors.any() => Ok(CreateSessionRequest {
            title: form.title.clone(),
            batch: form.batch.clone(),
            subject: form.subject.trim().to_owned(),
            starts_at,
            duration_seconds,
            seats,
            late_entry_minutes: None,
            difficulty_mean: None,
            difficulty_tolerance: None,
            difficulty_min_spread: None,
            kind_counts: None,
            area_weights: None,
            takeover_policy: None,
            show_score: None,
        }),
        _ => Err(Box::new(errors)),
    }
}

fn text_input(id: &str, label: &str, kind: &str, value: &str, error: Option<&str>) -> Markup {
    html! {
        div {
            label for=(id) { (label) }
            input id=(id) name=(id) type=(kind) value=(value)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{id}-error"))];
            (field_error(id, error))
        }
    }
}

fn schedule_form(user: &ConsoleUser, form: &ScheduleForm, errors: &FieldErrors) -> Markup {
    html! {
        h2 id="schedule" { "安排考试场次" }
        form.card method="post" action="/console/sessions" {
            input type="hidden" name="_csrf" value=(user.csrf);
            @if let Some(top) = &errors.top {
                p.notice role="alert" { (top) }
            }
            div.grid {
                (text_input("title", "标题", "text", &form.title, errors.title.as_deref()))
                (text_input("batch", "批次", "text", &form.batch, errors.batch.as_deref()))
                div {
                    label for="subject" { "科目" }
                    select id="subject" name="subject"
                        aria-invalid=[errors.subject.as_ref().map(|_| "true")]
                        aria-describedby=[errors.subject.as_ref().map(|_| "subject-error")] {
                        @for s in all_subjects() {
                            option value=(s.code()) selected[s.code() == form.subject.trim()] {
                                (s.name_zh())
                            }
                        }
                    }
                    (field_error("subject", errors.subject.as_deref()))
                }
                (text_input("starts_at", "开始时间（北京时间）", "datetime-local", &form.starts_at,
                    errors.starts_at.as_deref()))
                (text_input("duration_minutes", "时长（分钟）", "number", &form.duration_minutes,
                    errors.duration.as_deref()))
                (text_input("seats", "座位数", "number", &form.seats, errors.seats.as_deref()))
            }
            button type="submit" { "安排场次" }
        }
    }
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: &ScheduleForm,
    errors: &FieldErrors,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let list = sessions::list_sessions(state)
        .await
        .map_err(|e| user.fail(e))?;
    let can_manage = Permission::ManageSessions
        .roles()
        .contains(&user.principal.role);
    let body = html! {
        h1 { "考场" }
        (sessions_table(&list))
        @if can_manage { (schedule_form(user, form, errors)) }
    };
    Ok(html_response(
        status,
        layout("考场", Some(user), body).into_string(),
    ))
}

/// `GET /console/sessions`.
pub async fn list(user: ConsoleUser, state: web::Data<AppState>) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewSessions)?;
    let start = (Utc::now() + Duration::hours(1)).with_timezone(&beijing());
    let form = ScheduleForm {
        subject: "Q1".to_owned(),
        starts_at: start.format("%Y-%m-%dT%H:00").to_string(),
        duration_minutes: "60".to_owned(),
        seats: "30".to_owned(),
        ..ScheduleForm::default()
    };
    render(
        &state,
        &user,
        &form,
        &FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /console/sessions`: schedule, then go to the new session's page.
pub async fn schedule(
    user: ConsoleUser,
    state: web::Data<AppState>,
    form: web::Form<ScheduleForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::ManageSessions)?;
    let request = match parse(&form) {
        Ok(r) => r,
        Err(errors) => {
            return render(
                &state,
                &user,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    match sessions::create_session(&state, &user.principal, request).await {
        Ok(view) => Ok(see_other(&format!("/console/sessions/{}", view.id))),
        Err(e @ ApiError::Invalid { .. }) => {
            let mut errors = FieldErrors::default();
            errors.put(&e);
            render(
                &state,
                &user,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(user.fail(e)),
    }
}
