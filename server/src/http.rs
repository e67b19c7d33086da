//! What every request and response passes through, whichever route serves
//! it: the request tidied before routing (repeated slashes, absurd paths,
//! `Range` headers the file server would refuse), then the security
//! headers and the cache policy on the way out.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::{Layer, ServiceExt};
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline script anywhere; wasm may compile; nothing may frame the site.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// The portal uses no device or sensor API; nothing embedded may either.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
    magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()";

/// Only for a deployment whose every visitor arrives over TLS: browsers then
/// refuse plain HTTP to this host for a year.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Longest path segment served: no file system has longer names (255 bytes
/// on ext4), and no page of the site comes near.
const MAX_SEGMENT: usize = 255;
/// Longest path served.
const MAX_PATH: usize = 4096;

/// `router` with the request tidying, the security headers and the cache
/// policy; `not_found` is the site's 404 page. The tidying wraps the whole
/// router, so it runs before routing (a layer of the router would run
/// after it, and a rewritten path would miss its route).
pub fn wrap(router: Router, not_found: ServeFile) -> Router {
    let inner = router
        .layer(middleware::from_fn(cache_control))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(
            header::HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ));
    let tidy = middleware::from_fn_with_state(not_found, tidy_request);
    Router::new().fallback_service(tidy.layer(inner))
}

/// Adds `Strict-Transport-Security` (`portal serve --hsts`).
pub fn with_hsts(router: Router) -> Router {
    router.layer(header_layer(header::STRICT_TRANSPORT_SECURITY, HSTS))
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Before routing: an absurdly long path is a 404 (not the file system's
/// "name too long" as a 500); `//x` becomes `/x`, so a redirect to a folder
/// can never point at another host; a `Range` the file server would refuse
/// is dropped, so the whole file is sent (RFC 9110 §14.2).
async fn tidy_request(
    State(not_found): State<ServeFile>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    // The API answers any path itself, in JSON; only files have names.
    let is_api = path == "/api" || path.starts_with("/api/");
    if !is_api && (path.len() > MAX_PATH || path.split('/').any(|s| s.len() > MAX_SEGMENT)) {
        return site_not_found(not_found, req).await;
    }
    if path.contains("//")
        && let Some(uri) = collapse_slashes(req.uri())
    {
        *req.uri_mut() = uri;
    }
    let range_ok = req
        .headers()
        .get(header::RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(is_single_byte_range));
    if !range_ok {
        req.headers_mut().remove(header::RANGE);
    }
    next.run(req).await
}

/// The site's 404 page, with status 404.
async fn site_not_found(not_found: ServeFile, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let req = Request::from_parts(parts, Body::empty());
    let mut res = match not_found.oneshot(req).await {
        Ok(res) => res.into_response(),
        Err(never) => match never {},
    };
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// `uri` with each run of slashes in its path made one.
fn collapse_slashes(uri: &Uri) -> Option<Uri> {
    let mut path = String::with_capacity(uri.path().len());
    for c in uri.path().chars() {
        if !(c == '/' && path.ends_with('/')) {
            path.push(c);
        }
    }
    let with_query = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    with_query.parse().ok()
}

/// `bytes=A-B`, `bytes=A-` or `bytes=-N`: the one form worth honouring.
/// Several ranges, other units and garbage are ignored, not refused.
fn is_single_byte_range(value: &str) -> bool {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return false;
    };
    let Some((start, end)) = spec.trim().split_once('-') else {
        return false;
    };
    let number = |s: &str| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
    match (start.trim(), end.trim()) {
        ("", n) => number(n),
        (a, "") => number(a),
        (a, b) => number(a) && number(b) && a.parse::<u64>().ok() <= b.parse::<u64>().ok(),
    }
}

/// Hashed files never change; pages may change with every build; API
/// answers (case status, receipts) must never be cached anywhere. A handler
/// that set its own policy (the case form: `no-store`) keeps it. A 304 or a
/// 206 carries the policy of the file it stands for: a cache updates its
/// stored headers from it (RFC 9111 §4.3.4), so `no-cache` there would undo
/// `immutable`. Files chosen by `Accept-Encoding` (brotli, gzip) say so.
async fn cache_control(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_api = path == "/api" || path.starts_with("/api/");
    let immutable = path.contains("/h/");
    let mut res = next.run(req).await;
    if !is_api {
        let vary = res.headers().get_all(header::VARY).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
        });
        if !vary {
            res.headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    if res.headers().contains_key(header::CACHE_CONTROL) && !is_api {
        return res;
    }
    let like_the_file = matches!(
        res.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    );
    let value = if is_api {
        "no-store"
    } else if !like_the_file {
        "no-cache"
    } else if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_single_byte_range_is_honoured() {
        for ok in ["bytes=0-99", "bytes=100-", "bytes=-500", " bytes=0-0 "] {
            assert!(is_single_byte_range(ok), "{ok}");
        }
        for ignored in [
            "bytes=0-1,5-9",
            "bytes=9-1",
            "bytes=-",
            "bytes=a-b",
            "items=0-1",
            "bytes=99999999999999999999-",
            "",
        ] {
            assert!(!is_single_byte_range(ignored), "{ignored}");
        }
    }

    #[test]
    fn runs_of_slashes_become_one() {
        let uri: Uri = "//items///x?q=a//b".parse().unwrap();
        assert_eq!(collapse_slashes(&uri).unwrap(), "/items/x?q=a//b");
    }
}
