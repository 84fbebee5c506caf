//! 考生报名 on the invigilation page: the registration form and its handler.

use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::wire::RegisterCandidateRequest;
use serde::Deserialize;

use super::fields::{input, FormErrors};
use super::invigilate::render;
use super::{see_other, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
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

/// The registration field an API error belongs to (`None`: above the form).
fn field_of(code: &str) -> Option<&'static str> {
    match code {
        "invalid_name" => Some("name"),
        "invalid_id_number" | "already_registered" => Some("id_number"),
        "invalid_ticket" | "ticket_taken" => Some("ticket"),
        "invalid_seat" | "seat_taken" => Some("seat"),
        "invalid_employer" => Some("employer"),
        _ => None,
    }
}

pub(super) fn register_form(
    session_id: i64,
    user: &ConsoleUser,
    form: &RegisterForm,
    errors: &FormErrors,
) -> Markup {
    html! {
        h2 id="register" { "考生报名" }
        form.card method="post" action=(format!("/console/sessions/{session_id}/candidates")) {
            input type="hidden" name="_csrf" value=(user.csrf);
            @if let Some(top) = &errors.top { p.error role="alert" { (top) } }
            div.grid {
                (input("register", "name", "姓名", "text", &form.name, errors))
                (input("register", "id_number", "身份证号", "text", &form.id_number, errors))
                (input("register", "ticket", "准考证号", "text", &form.ticket, errors))
                (input("register", "seat", "座位号", "text", &form.seat, errors))
                (input("register", "employer", "工作单位", "text", &form.employer, errors))
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
            let mut errors = FormErrors::default();
            errors.put(&e, field_of);
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
