//! The one place that maps failures to HTTP statuses and stable error codes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use question_bank::wire::ErrorBody;

/// Every error an API call can return. Handlers never pick status codes themselves.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not valid JSON or does not match the schema.
    #[error("请求格式错误: {0}")]
    MalformedRequest(String),
    /// A field has an invalid value.
    #[error("{message}")]
    Invalid {
        /// Stable code, e.g. `invalid_id_number`.
        code: &'static str,
        /// What is wrong.
        message: String,
        /// One line per problem, when there are several.
        details: Vec<String>,
    },
    /// No or unusable credentials.
    #[error("未登录或令牌无效 missing or invalid token")]
    Unauthenticated,
    /// The token was valid but has expired.
    #[error("登录已过期，请重新登录 token expired")]
    TokenExpired,
    /// Wrong username/password or ticket/ID number.
    #[error("账号或密码错误 wrong credentials")]
    BadCredentials,
    /// Too many failed sign-ins.
    #[error("登录失败次数过多，请 {retry_after_seconds} 秒后再试 too many attempts")]
    TooManyAttempts {
        /// Seconds until the lock lifts.
        retry_after_seconds: i64,
    },
    /// The role may not do this.
    #[error("无权执行此操作 forbidden for this role")]
    Forbidden,
    /// The thing does not exist (or is not visible to the caller).
    #[error("{0}不存在 not found")]
    NotFound(&'static str),
    /// The request conflicts with the current state.
    #[error("{message}")]
    Conflict {
        /// Stable code, e.g. `deadline_passed`.
        code: &'static str,
        /// What conflicts.
        message: String,
        /// One line per problem, when there are several.
        details: Vec<String>,
    },
    /// An uploaded bank has broken rows; nothing was imported.
    #[error("{message}")]
    InvalidBank {
        /// Summary.
        message: String,
        /// One `file:row: field: reason` line per problem.
        details: Vec<String>,
    },
    /// A server-side prerequisite is missing (e.g. no CJK font for PDFs); an operator
    /// can fix it, the caller cannot.
    #[error("{message}")]
    Unavailable {
        /// Stable code, e.g. `pdf_font_missing`.
        code: &'static str,
        /// What is missing and how to fix it.
        message: String,
    },
    /// Anything else: logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// Shorthand for [`ApiError::Invalid`].
    pub fn invalid(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::invalid_with(code, message, Vec::new())
    }

    /// [`ApiError::Invalid`] listing every problem.
    pub fn invalid_with(
        code: &'static str,
        message: impl Into<String>,
        details: Vec<String>,
    ) -> ApiError {
        ApiError::Invalid {
            code,
            message: message.into(),
            details,
        }
    }

    /// No such route.
    pub fn invalid_route(path: &str) -> ApiError {
        tracing::debug!(path, "no such route");
        ApiError::NotFound("接口")
    }

    /// Shorthand for [`ApiError::Conflict`].
    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::conflict_with(code, message, Vec::new())
    }

    /// [`ApiError::Conflict`] listing every problem.
    pub fn conflict_with(
        code: &'static str,
        message: impl Into<String>,
        details: Vec<String>,
    ) -> ApiError {
        ApiError::Conflict {
            code,
            message: message.into(),
            details,
        }
    }

    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedRequest(_) => "malformed_request",
            ApiError::Invalid { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Unavailable { code, .. } => code,
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::TokenExpired => "token_expired",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::InvalidBank { .. } => "bank_invalid",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl ApiError {
    /// Itemised problems (rows of a file, missing sheets...), when the error has them.
    pub fn details(&self) -> &[String] {
        match self {
            ApiError::InvalidBank { details, .. }
            | ApiError::Invalid { details, .. }
            | ApiError::Conflict { details, .. } => details,
            _ => &[],
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        if crate::store::is_unavailable(&e) {
            tracing::error!(error = %e, "storage unavailable");
            return ApiError::Unavailable {
                code: "storage_unavailable",
                message:
                    "服务器存储暂不可用（磁盘已满或数据库被占用），本次操作未保存，请稍后重试 \
                          storage unavailable, nothing was saved; retry later"
                        .to_owned(),
            };
        }
        ApiError::Internal(e.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } | ApiError::InvalidBank { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated | ApiError::TokenExpired | ApiError::BadCredentials => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "服务器内部错误，请联系管理员 internal server error".to_owned()
            }
            other => other.to_string(),
        };
        let mut resp = HttpResponse::build(self.status_code());
        if let ApiError::TooManyAttempts {
            retry_after_seconds,
        } = self
        {
            resp.insert_header(("Retry-After", retry_after_seconds.to_string()));
        }
        resp.json(ErrorBody {
            code: self.code().to_owned(),
            message,
            details: self.details().to_vec(),
        })
    }
}

/// Result of a handler or service call.
pub type ApiResult<T> = Result<T, ApiError>;
