//! The role matrix: which role may do what. Every handler asks here; nowhere else decides.

use std::future::{ready, Ready};
use std::marker::PhantomData;

use actix_web::{web, FromRequest, HttpRequest};
use question_bank::wire::Role;

use super::token::TokenKeys;
use crate::error::ApiError;
use crate::store::exams::Terminal;

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
    /// Import and export question banks (which hold the answer keys).
    ManageBanks,
    /// Sit one's own paper.
    TakeExam,
    /// Act on candidates during a session (approve a terminal move, ...).
    Invigilate,
    /// Register and update assessors (考评员).
    ManageAssessors,
    /// Edit the institution profile and register terminals.
    ManageInstitution,
    /// See the institution, its assessors and compliance report.
    ViewInstitution,
    /// Schedule practical sessions and register their candidates.
    ManagePractical,
    /// See practical sessions, candidates and signed sheets.
    ViewPractical,
    /// Record, sign and sign off practical score sheets (as assigned).
    ScorePractical,
    /// Pull sealed archive records (they carry full ID numbers and every answer).
    ViewArchives,
    /// Purge sealed records past retention.
    PurgeArchives,
    /// Reports, statistics, result summaries and the delivery log.
    ViewReports,
}

impl Permission {
    /// Roles granted this permission.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Permission::ManageUsers => &[Role::Admin],
            Permission::ManageSessions => &[Role::Examiner, Role::Admin],
            Permission::ViewSessions => &[Role::Examiner, Role::Admin, Role::Certifier],
            Permission::ViewResults => &[Role::Examiner, Role::Certifier],
            Permission::ManageBanks => &[Role::Examiner, Role::Admin],
            Permission::TakeExam => &[Role::Candidate],
            Permission::Invigilate => &[Role::Examiner, Role::Admin],
            Permission::ManageAssessors => &[Role::Examiner, Role::Admin],
            Permission::ManageInstitution => &[Role::Admin],
            Permission::ViewInstitution => &[Role::Examiner, Role::Admin, Role::Certifier],
            Permission::ManagePractical => &[Role::Examiner, Role::Admin],
            Permission::ViewPractical => {
                &[Role::Examiner, Role::Admin, Role::Certifier, Role::Assessor]
            }
            Permission::ScorePractical => &[Role::Assessor],
            Permission::ViewArchives => &[Role::Certifier, Role::Admin],
            Permission::PurgeArchives => &[Role::Admin],
            Permission::ViewReports => &[Role::Examiner, Role::Admin, Role::Certifier],
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
    /// Candidates: the terminal signed in on (`""` when it gave none).
    pub terminal: Terminal,
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
}

impl Principal {
    /// The caller a token names, once its signature and expiry check out. The API reads
    /// the token from the `Authorization` header, the web console from its cookie.
    pub fn from_token(keys: &TokenKeys, token: &str) -> Result<Principal, ApiError> {
        let c = keys.verify(token)?;
        let id = c.sub.parse().map_err(|_| ApiError::Unauthenticated)?;
        Ok(Principal {
            id,
            role: c.role,
            name: c.name,
            terminal: Terminal {
                id: c.term.unwrap_or_default(),
                seat: c.tseat,
            },
        })
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
            Some(t) => Principal::from_token(keys, t.trim()),
        })
    }
}

/// A permission as a type, so handlers state it in their signature.
pub trait Grant {
    /// The permission required.
    const PERMISSION: Permission;
}

macro_rules! grants {
    ($($name:ident),*) => {$(
        #[doc = concat!("Type-level [`Permission::", stringify!($name), "`].")]
        pub struct $name;
        impl Grant for $name {
            const PERMISSION: Permission = Permission::$name;
        }
    )*};
}

/// Marker types for [`Authorized`].
pub mod can {
    use super::{Grant, Permission};
    grants!(
        ManageUsers,
        ManageSessions,
        ViewSessions,
        ViewResults,
        ManageBanks,
        TakeExam,
        Invigilate,
        ManageAssessors,
        ManageInstitution,
        ViewInstitution,
        ManagePractical,
        ViewPractical,
        ScorePractical,
        ViewArchives,
        PurgeArchives,
        ViewReports
    );
}

/// A caller holding permission `P`. Put it before any body extractor: the role check then
/// runs first, so a denied role gets 403 whatever it sent.
pub struct Authorized<P: Grant> {
    /// The caller.
    pub principal: Principal,
    _permission: PhantomData<P>,
}

impl<P: Grant> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = Ready<Result<Authorized<P>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload).into_inner();
        ready(principal.and_then(|p| {
            p.require(P::PERMISSION)?;
            Ok(Authorized {
                principal: p,
                _permission: PhantomData,
            })
        }))
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
            Permission::ManageBanks,
            Permission::TakeExam,
            Permission::Invigilate,
            Permission::ManageAssessors,
            Permission::ManageInstitution,
            Permission::ViewInstitution,
            Permission::ManagePractical,
            Permission::ViewPractical,
            Permission::ScorePractical,
            Permission::ViewArchives,
            Permission::PurgeArchives,
            Permission::ViewReports,
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
