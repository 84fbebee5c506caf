//! Sign-in for staff (password) and candidates (ticket + ID number), with throttling.

use chrono::Duration;
use question_bank::wire::{CandidateLoginRequest, LoginRequest, Role, TokenResponse};

use super::AppState;
use crate::auth::password::verify_password_blocking;
use crate::clock::now_millis;
use crate::error::{ApiError, ApiResult};
use crate::store::exams::Terminal;

async fn ensure_not_locked(state: &AppState, key: &str) -> ApiResult<i64> {
    let now = now_millis();
    if let Some(until) = state.store.login_locked_until(key, now).await? {
        return Err(ApiError::TooManyAttempts {
            retry_after_seconds: (until - now + 999) / 1000,
        });
    }
    Ok(now)
}

async fn fail(state: &AppState, key: &str, now: i64) -> ApiError {
    let s = &state.settings;
    match state
        .store
        .record_login_failure(key, now, s.login_max_failures, s.login_lock_seconds * 1000)
        .await
    {
        Ok(()) => ApiError::BadCredentials,
        Err(e) => e.into(),
    }
}

/// Staff sign-in with username and password.
pub async fn staff_login(state: &AppState, req: LoginRequest) -> ApiResult<TokenResponse> {
    let key = format!("user:{}", req.username);
    let now = ensure_not_locked(state, &key).await?;
    let user = state.store.find_user(&req.username).await?;
    // Verify against a dummy hash when the user is unknown so timing does not reveal it.
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str())
        .to_owned();
    let ok = verify_password_blocking(req.password, hash).await;
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!("staff sign-in failed");
        return Err(fail(state, &key, now).await);
    };
    let role = user
        .role()
        .ok_or_else(|| anyhow::anyhow!("user {} has unknown role {}", user.id, user.role))?;
    state.store.clear_login_failures(&key).await?;
    let (token, expires_at) = state.keys.issue(
        user.id,
        role,
        &user.username,
        None,
        Duration::minutes(state.settings.staff_token_minutes),
    )?;
    tracing::info!(user_id = user.id, role = role.as_str(), "staff signed in");
    Ok(TokenResponse {
        token,
        role,
        expires_at,
    })
}

/// Candidate sign-in with admission ticket and ID number.
pub async fn candidate_login(
    state: &AppState,
    req: CandidateLoginRequest,
) -> ApiResult<TokenResponse> {
    let terminal = terminal_of(&req)?;
    let ticket = req.ticket.trim();
    let key = format!("ticket:{ticket}");
    let now = ensure_not_locked(state, &key).await?;
    let exam = state.store.exam_by_ticket(ticket).await?;
    let given = req.id_number.trim().to_ascii_uppercase();
    let Some(exam) = exam.filter(|e| e.id_number == given) else {
        tracing::info!("candidate sign-in failed");
        return Err(fail(state, &key, now).await);
    };
    state.store.clear_login_failures(&key).await?;
    let (token, expires_at) = state.keys.issue(
        exam.candidate_id,
        Role::Candidate,
        &exam.ticket,
        Some(&terminal),
        Duration::minutes(state.settings.candidate_token_minutes),
    )?;
    // The identity check (ticket + ID number) and the terminal and seat it happened at go
    // into the candidate's archive record.
    state
        .store
        .audit(
            &exam.ticket,
            "exam.signin",
            &format!("candidate:{}", exam.candidate_id),
            &format!(
                "准考证号与身份证号核验通过；终端 {}，座位 {}",
                if terminal.id.is_empty() {
                    "-"
                } else {
                    &terminal.id
                },
                terminal.seat.as_deref().unwrap_or("-")
            ),
        )
        .await?;
    tracing::info!(candidate_id = exam.candidate_id, "candidate signed in");
    Ok(TokenResponse {
        token,
        role: Role::Candidate,
        expires_at,
    })
}

/// The terminal a candidate signs in on, validated.
fn terminal_of(req: &CandidateLoginRequest) -> ApiResult<Terminal> {
    let id = req.terminal.as_deref().unwrap_or_default().trim();
    let id_ok = id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b));
    if !id_ok {
        return Err(ApiError::invalid(
            "invalid_terminal",
            "终端编号最长 64 个字符，只能包含字母、数字和 . _ : -",
        ));
    }
    let seat = req
        .terminal_seat
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if seat.is_some_and(|s| s.chars().count() > 16 || s.chars().any(char::is_control)) {
        return Err(ApiError::invalid(
            "invalid_terminal_seat",
            "终端座位号最长 16 个字符",
        ));
    }
    Ok(Terminal {
        id: id.to_owned(),
        seat: seat.map(str::to_owned),
    })
}

/// Argon2id hash of a random string, verified against when the account does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7tEbD4AOuPcOvHpuVQHEyZEaDMPi9NWiqyJqrw0UXLw";
