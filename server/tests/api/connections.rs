//! The server as a client on the network meets it: slow clients holding
//! connections (over real TCP on loopback), and the static files' headers:
//! caching, `Vary`, ranges, repeated slashes, absurd paths.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use portal_server::listen::{self, Limits};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tower::ServiceExt;

/// A built site in miniature: pages, a hashed asset with its brotli twin.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("h")).unwrap();
    std::fs::create_dir_all(p.join("items")).unwrap();
    std::fs::write(p.join("index.html"), "home").unwrap();
    std::fs::write(p.join("404.html"), "the site's own 404 page").unwrap();
    std::fs::write(p.join("items/index.html"), "items").unwrap();
    std::fs::write(p.join("h/app-1.js"), "console.log('app')").unwrap();
    std::fs::write(p.join("h/app-1.js.br"), b"\x0b\x08\x80brotli\x03").unwrap();
    dir
}

async fn get_with(app: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn static_files_keep_their_cache_policy_and_say_what_varies() {
    let site = dist();
    let app = portal_server::app(site.path());
    let asset = "/h/app-1.js";
    let full = get_with(&app, asset, &[("accept-encoding", "br")]).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.headers["content-encoding"], "br");
    assert!(
        full.headers.get_all("vary").iter().any(|v| v
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")),
        "{:?}",
        full.headers
    );
    let immutable = "public, max-age=31536000, immutable";
    assert_eq!(full.headers["cache-control"], immutable);
    assert!(full.headers.contains_key("permissions-policy"));
    assert!(!full.headers.contains_key("strict-transport-security"));
    // Revalidation and ranges keep the stored policy (RFC 9111 §4.3.4).
    let modified = full.headers["last-modified"].to_str().unwrap().to_owned();
    let not_modified = get_with(&app, asset, &[("if-modified-since", &modified)]).await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert_eq!(not_modified.headers["cache-control"], immutable);
    let part = get_with(&app, asset, &[("range", "bytes=0-6")]).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.body, b"console");
    assert_eq!(part.headers["cache-control"], immutable);
    // Several ranges, or nonsense: ignored, the whole file (RFC 9110 §14.2).
    for range in ["bytes=0-1,4-6", "bytes=9-2", "bytes=x-y", "lines=1-2"] {
        let r = get_with(&app, asset, &[("range", range)]).await;
        assert_eq!(r.status, StatusCode::OK, "{range}");
        assert_eq!(r.body, b"console.log('app')", "{range}");
    }
    let hsts = portal_server::http::with_hsts(portal_server::app(site.path()));
    assert!(
        get_with(&hsts, "/", &[])
            .await
            .headers
            .contains_key("strict-transport-security")
    );
}

#[tokio::test]
async fn odd_paths_never_redirect_off_site_or_fail() {
    let site = dist();
    let app = portal_server::app(site.path());
    for uri in ["//items", "///items", "//items?x=1"] {
        let r = get_with(&app, uri, &[]).await;
        if let Some(loc) = r.headers.get("location") {
            let loc = loc.to_str().unwrap();
            assert!(
                loc.starts_with('/') && !loc.starts_with("//"),
                "{uri} → {loc}"
            );
        } else {
            assert_eq!(r.status, StatusCode::OK, "{uri}");
        }
    }
    let long_cjk = "办".repeat(86);
    for uri in [
        format!("/{}", "a".repeat(256)),
        format!("/items/{}", urlencode(&long_cjk)),
        format!("/{}", "a/".repeat(2100)),
    ] {
        let r = get_with(&app, &uri, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", &uri[..40]);
        assert_eq!(r.text(), "the site's own 404 page");
    }
}

/// A connection from `source` (another loopback address than the test's
/// normal client) that has sent `head` and then stalls.
async fn stalled(server: SocketAddr, source: [u8; 4], head: &[u8]) -> Option<TcpStream> {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((source, 0))).unwrap();
    let mut s = socket.connect(server).await.ok()?;
    s.write_all(head).await.ok()?;
    Some(s)
}

/// Whether the server has closed `s` (reading gives EOF or an error, after
/// any response it sent).
async fn closed(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_cannot_starve_the_server() {
    let files = dist();
    let env = env(Backend::Sqlite).await;
    let app = site(files.path(), Some(env.cases.clone()));
    let limits = Limits {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        max_connections: 1000,
        max_per_client: 64,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(listen::serve(listener, app, limits, std::future::pending()));
    // 300 connections from one address: half-sent headers, half-sent
    // bodies, and kept-alive connections left idle after one request.
    let attacker = [127, 0, 0, 2];
    let mut held = Vec::new();
    for i in 0..300 {
        let head: &[u8] = match i % 3 {
            0 => b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ",
            1 => b"POST /api/v1/cases/lookup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"case",
            _ => b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        };
        if let Some(s) = stalled(addr, attacker, head).await {
            held.push(s);
        }
    }
    // Meanwhile someone else is served at once.
    let started = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    let took = started.elapsed();
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(
        took < Duration::from_millis(100),
        "a normal request took {took:?}"
    );
    // And every stalled connection is closed within the timeouts.
    let deadline = Duration::from_secs(4);
    let mut still_open = 0;
    for s in &mut held {
        if !closed(s, deadline).await {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "of {} stalled connections", held.len());
}
