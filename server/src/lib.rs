//! The portal's server: serves the built site with the right headers. The
//! case-status API joins it here; everything else stays static, so the same
//! `dist/` also works from any web server or CDN.

use anyhow::{Context, Result};
use axum::Router;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline script anywhere; wasm may compile; nothing may frame the site.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// The router serving `dist`: precompressed files when present, the site's
/// own 404 page (with status 404) for anything missing.
pub fn app(dist: &Path) -> Router {
    let not_found = ServeFile::new(dist.join("404.html"));
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .not_found_service(not_found);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_control))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Hashed files never change; pages may change with every build.
async fn cache_control(req: Request<axum::body::Body>, next: Next) -> Response {
    let immutable = req.uri().path().contains("/h/");
    let mut res = next.run(req).await;
    let value = if res.status() != StatusCode::OK {
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

/// Serves `dist` on `addr` until Ctrl-C.
pub fn serve_blocking(dist: &Path, addr: &str) -> Result<()> {
    if !dist.join("index.html").is_file() {
        anyhow::bail!(
            "{} holds no built site: run `portal build --out {}` first",
            dist.display(),
            dist.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        eprintln!(
            "Serving {} on http://{} (Ctrl-C to stop)",
            dist.display(),
            listener.local_addr()?
        );
        axum::serve(listener, app(dist))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}
