//! The role matrix: which role may do what. Every handler asks here; nowhere else decides.

use std::future::{ready, Ready};

use actix_web::{web, FromRequest, HttpRequest};
use question_bank::wire::Role;

use super::token::TokenKeys;
use crate::error::ApiError;

/// Something an endpoint does that not every role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create and list staff accounts.
    ManageUsers,
    /// Schedule and open sessions, register candidates.
    ManageSessions,
    /// See sessions and their candidates.
    ViewSessions,
    /// See results with answers and keys.
    ViewResults,
    /// Sit one's own paper.
    TakeExam,
}

impl Permission {
    /// Roles granted this permission.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Permission::ManageUsers => &[Role::Admin],
            Permission::ManageSessions => &[Role::Examiner, Role::Admin],
            Permission::ViewSessions => &[Role::Examiner, Role::Admin, Role::Certifier],
            Permission::ViewResults => &[Role::Examiner, Role::Certifier],
            Permission::TakeExam => &[Role::Candidate],
        }
    }
}

/// The authenticated caller, from a verified bearer token.
#[derive(Debug, Clone)]
pub struct Principal {
    /// User id or candidate id, per role.
    pub id: i64,
    /// Role claim.
    pub role: Role,
    /// Account name or ticket.
    pub name: String,
}

impl Principal {
    /// Fail with 403 unless the role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if permission.roles().contains(&self.role) {
            Ok(())
        } else {
            tracing::info!(role = self.role.as_str(), ?permission, "forbidden");
            Err(ApiError::Forbidden)
        }
    }

    /// The candidate id, for endpoints only candidates reach.
    pub fn candidate_id(&self) -> Result<i64, ApiError> {
        self.require(Permission::TakeExam)?;
        Ok(self.id)
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Principal, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let keys = req
            .app_data::<web::Data<TokenKeys>>()
            .expect("TokenKeys registered in startup");
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        ready(match token {
            None => Err(ApiError::Unauthenticated),
            Some(t) => keys.verify(t.trim()).and_then(|c| {
                let id = c.sub.parse().map_err(|_| ApiError::Unauthenticated)?;
                Ok(Principal {
                    id,
                    role: c.role,
                    name: c.name,
                })
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_only_take_exams_and_staff_never_do() {
        let all = [
            Permission::ManageUsers,
            Permission::ManageSessions,
            Permission::ViewSessions,
            Permission::ViewResults,
            Permission::TakeExam,
        ];
        for p in all {
            assert_eq!(
                p.roles().contains(&Role::Candidate),
                p == Permission::TakeExam,
                "{p:?}"
            );
        }
        assert_eq!(Permission::TakeExam.roles(), &[Role::Candidate]);
        assert!(!Permission::ViewResults.roles().contains(&Role::Assessor));
        assert!(!Permission::ManageSessions
            .roles()
            .contains(&Role::Certifier));
    }
}
