//! Staff accounts.

use question_bank::wire::{CreateUserRequest, Role, UserView};

use super::{validate, AppState};
use crate::auth::password::hash_password_blocking;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};

/// Create a staff account.
pub async fn create_user(
    state: &AppState,
    by: &Principal,
    req: CreateUserRequest,
) -> ApiResult<UserView> {
    let username = validate::username(&req.username)?.to_owned();
    if req.role == Role::Candidate {
        return Err(ApiError::invalid(
            "invalid_role",
            "考生不使用账号登录，请在考试场次中登记考生",
        ));
    }
    validate::password(&req.password)?;
    let display_name = req.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        return Err(ApiError::invalid(
            "invalid_display_name",
            "姓名不能为空且不超过 50 字",
        ));
    }
    let hash = hash_password_blocking(req.password).await?;
    let id = state
        .store
        .create_user(&username, &hash, req.role, display_name)
        .await?;
    state
        .store
        .audit(
            &by.name,
            "user.create",
            &format!("user:{id}"),
            req.role.as_str(),
        )
        .await?;
    Ok(UserView {
        id,
        username,
        role: req.role,
        display_name: display_name.to_owned(),
    })
}

/// Every staff account.
pub async fn list_users(state: &AppState) -> ApiResult<Vec<UserView>> {
    Ok(state
        .store
        .list_users()
        .await?
        .iter()
        .filter_map(|u| u.view())
        .collect())
}
