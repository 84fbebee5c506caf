//! 考生报名 on the invigilation page: the registration form and its handler.

use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::wire::RegisterCandidateRequest;
use serde::Deserialize;

use super::invigilate::render;
use super::layout::field_error;
use super::{message, see_other, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::error::ApiError;
use crate::service::{sessions, AppState};

/// The registration form (考生报名), as typed (re-shown on errors).
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    seat: String,
    #[serde(default)]
    employer: String,
}

/// Registration errors: field → message; `top` for errors that belong to no field.
#[derive(Debug, Default)]
pub(super) struct RegisterErrors {
    top: Option<String>,
    name: Option<String>,
    id_number: Option<String>,
    ticket: Option<String>,
    seat: Option<String>,
    employer: Option<String>,
}

impl RegisterErrors {
    /// Put an API error next to its field.
    pub(super) fn from_error(e: &ApiError) -> RegisterErrors {
        let mut errors = RegisterErrors::default();
        let slot = match e.code() {
            "invalid_name" => &mut errors.name,
            "invalid_id_number" | "already_registered" => &mut errors.id_number,
            "invalid_ticket" | "ticket_taken" => &mut errors.ticket,
            "invalid_seat" | "seat_taken" => &mut errors.seat,
            "invalid_employer" => &mut errors.employer,
            _ => &mut errors.top,
        };
        *slot = Some(message(e));
        errors
    }
}

fn register_input(id: &str, label: &str, value: &str, error: Option<&str>) -> Markup {
    let input_id = format!("register-{id}");
    html! {
        div {
            label for=(input_id) { (label) }
            input id=(input_id) name=(id) type="text" value=(value)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{input_id}-error"))];
            (field_error(&input_id, error))
        }
    }
}

pub(super) fn register_form(
    session_id: i64,
    user: &ConsoleUser,
    form: &RegisterForm,
    errors: &RegisterErrors,
) -> Markup {
    html! {
        h2 id="register" { "考生报名" }
        form.card method="post" action=(format!("/console/sessions/{session_id}/candidates")) {
            input type="hidden" name="_csrf" value=(user.csrf);
            @if let Some(top) = &errors.top { p.error role="alert" { (top) } }
            div.grid {
                (register_input("name", "姓名", &form.name, errors.name.as_deref()))
                (register_input("id_number", "身份证号", &form.id_number, errors.id_number.as_deref()))
                (register_input("ticket", "准考证号", &form.ticket, errors.ticket.as_deref()))
                (register_input("seat", "座位号", &form.seat, errors.seat.as_deref()))
                (register_input("employer", "工作单位", &form.employer, errors.employer.as_deref()))
            }
            button type="submit" { "报名" }
        }
    }
}

/// `POST /console/sessions/{id}/candidates`: 考生报名.
pub async fn register(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RegisterForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::ManageSessions)?;
    let id = id.into_inner();
    let req = RegisterCandidateRequest {
        name: form.name.clone(),
        id_number: form.id_number.clone(),
        ticket: form.ticket.clone(),
        seat: form.seat.clone(),
        employer: form.employer.clone(),
    };
    match sessions::register_candidate(&state, &user.principal, id, req).await {
        Ok(_) => Ok(see_other(&format!("/console/sessions/{id}"))),
        Err(e) if e.status_code().is_client_error() && e.code() != "not_found" => {
            let errors = RegisterErrors::from_error(&e);
            render(
                &state,
                &user,
                id,
                None,
                Some((&form, &errors)),
                e.status_code(),
            )
            .await
        }
        Err(e) => Err(user.fail(e)),
    }
}
