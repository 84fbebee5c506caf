//! Staff accounts (admin).

use actix_web::{get, post, web};
use question_bank::wire::{CreateUserRequest, ErrorBody, UserView};

use crate::auth::policy::{can, Authorized};
use crate::error::ApiResult;
use crate::service::{users, AppState};

/// Create a staff account.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    who: Authorized<can::ManageUsers>,
    body: web::Json<CreateUserRequest>,
) -> ApiResult<web::Json<UserView>> {
    Ok(web::Json(
        users::create_user(&state, &who.principal, body.into_inner()).await?,
    ))
}

/// List staff accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    _who: Authorized<can::ManageUsers>,
) -> ApiResult<web::Json<Vec<UserView>>> {
    Ok(web::Json(users::list_users(&state).await?))
}
