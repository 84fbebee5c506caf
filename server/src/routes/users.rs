//! Staff accounts (admin).

use actix_web::{get, post, web};
use question_bank::wire::{CreateUserRequest, ErrorBody, UserView};

use crate::auth::{Permission, Principal};
use crate::error::ApiResult;
use crate::service::{users, AppState};

/// Create a staff account.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    who: Principal,
    body: web::Json<CreateUserRequest>,
) -> ApiResult<web::Json<UserView>> {
    who.require(Permission::ManageUsers)?;
    Ok(web::Json(
        users::create_user(&state, &who, body.into_inner()).await?,
    ))
}

/// List staff accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    who: Principal,
) -> ApiResult<web::Json<Vec<UserView>>> {
    who.require(Permission::ManageUsers)?;
    Ok(web::Json(users::list_users(&state).await?))
}
