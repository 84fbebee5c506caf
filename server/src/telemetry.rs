//! Logging setup, and the per-request span without anything secret in it.

use std::io::IsTerminal;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Install the global subscriber: `RUST_LOG` or `info`, human or JSON lines, on stderr;
/// human lines in colour only when stderr is a terminal (in a log file colours are noise,
/// and the fmt layer would spend them on every request span's fields).
pub fn init(json: bool) {
    install(json, std::io::stderr().is_terminal(), std::io::stderr);
}

/// [`init`] writing to `writer` (tests capture the log this way). Does nothing if a
/// global subscriber is already installed.
pub fn install<W>(json: bool, ansi: bool, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer);
    // Err only when a subscriber is already installed, which is fine.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// The route pattern a request matched (e.g. `/api/v1/exam/answers/{no}`), found once by
/// the request span and kept in the request's extensions for the metrics middleware:
/// finding it walks the route table again.
#[derive(Clone, Debug)]
pub struct RoutePattern(pub Option<String>);

/// The request span: method, route pattern, path, request id, status. Unlike
/// tracing-actix-web's default it leaves out the query string (which carries ID numbers,
/// e.g. `/api/v1/reports/transcript?id_number=…`), the user agent and the host; every
/// event logged while handling the request carries these fields.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let route = request.match_pattern();
        let span = tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = route.as_deref().unwrap_or_default(),
            http.path = %request.path(),
            request_id = %request_id,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        );
        request.extensions_mut().insert(RoutePattern(route));
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
