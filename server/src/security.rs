//! Browser-facing defences applied to every response and every state-changing request.

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderName, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use farewell_api::{CSRF_HEADER, CSRF_HEADER_VALUE};

use crate::error::AppError;

/// Refuses state-changing requests that a cross-site page could have sent: they must carry
/// `X-Requested-With: farewell` (which a cross-origin form cannot set without a CORS
/// preflight we never grant) and, when the browser sends an `Origin`, it must be our own.
pub async fn csrf_guard(request: Request, next: Next) -> Response {
    // Only these methods reach a handler that changes anything; any other is a 405 anyway.
    let changes_state =
        matches!(*request.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if !changes_state || is_same_site_request(request.headers()) {
        next.run(request).await
    } else {
        AppError::Csrf.into_response()
    }
}

fn is_same_site_request(headers: &HeaderMap) -> bool {
    let marked =
        headers.get(CSRF_HEADER).is_some_and(|v| v.as_bytes() == CSRF_HEADER_VALUE.as_bytes());
    marked && origin_is_ours(headers).unwrap_or(true)
}

/// Whether a plain HTML form was sent from one of our own pages. Such a form cannot carry our
/// header, so here the browser's word is required: an `Origin` of our own, or else
/// `Sec-Fetch-Site: same-origin` — our `Referrer-Policy: no-referrer` makes browsers send a
/// form's `Origin` as `null`, even to its own site. Anything else — a form on another site, a
/// client that says nothing — is refused, so no other site can sign a visitor in to an
/// account of its choosing.
pub fn is_form_from_our_pages(headers: &HeaderMap) -> bool {
    let opaque = headers.get(header::ORIGIN).is_some_and(|origin| origin.as_bytes() == b"null");
    match origin_is_ours(headers) {
        Some(ours) if !opaque => ours,
        _ => headers.get("sec-fetch-site").is_some_and(|site| site.as_bytes() == b"same-origin"),
    }
}

/// Whether the request's `Origin` names the host it was sent to; `None` without an `Origin`.
fn origin_is_ours(headers: &HeaderMap) -> Option<bool> {
    let origin = headers.get(header::ORIGIN)?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
    Some(matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h)))
}

/// The Content-Security-Policy: our own scripts and wasm only; nothing inline, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers of SPEC §4 to every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn a_marked_request_without_origin_passes() {
        assert!(is_same_site_request(&headers(&[("x-requested-with", "farewell")])));
    }

    #[test]
    fn a_marked_request_from_our_own_origin_passes() {
        assert!(is_same_site_request(&headers(&[
            ("x-requested-with", "farewell"),
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ])));
    }

    #[test]
    fn a_foreign_origin_or_a_missing_marker_is_refused() {
        assert!(!is_same_site_request(&headers(&[
            ("x-requested-with", "farewell"),
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ])));
        assert!(!is_same_site_request(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(!is_same_site_request(&headers(&[("x-requested-with", "other")])));
        assert!(!is_same_site_request(&headers(&[
            ("x-requested-with", "farewell"),
            ("origin", "null"),
        ])));
    }

    #[test]
    fn a_form_needs_the_browser_to_vouch_for_our_origin() {
        let host = ("host", "127.0.0.1:8080");
        assert!(is_form_from_our_pages(&headers(&[host, ("origin", "http://127.0.0.1:8080")])));
        assert!(is_form_from_our_pages(&headers(&[host, ("sec-fetch-site", "same-origin")])));
        assert!(!is_form_from_our_pages(&headers(&[host, ("origin", "https://evil.example")])));
        // An Origin decides over what the fetch metadata says.
        assert!(!is_form_from_our_pages(&headers(&[
            host,
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!is_form_from_our_pages(&headers(&[host, ("sec-fetch-site", "cross-site")])));
        // An opaque Origin (ours, under `no-referrer`; or a sandboxed frame's) says nothing.
        let null = ("origin", "null");
        assert!(is_form_from_our_pages(&headers(&[host, null, ("sec-fetch-site", "same-origin")])));
        assert!(!is_form_from_our_pages(&headers(&[host, null, ("sec-fetch-site", "cross-site")])));
        assert!(!is_form_from_our_pages(&headers(&[host, null])));
        assert!(!is_form_from_our_pages(&headers(&[host])));
    }
}
