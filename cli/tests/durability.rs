//! Durability: the real `portal serve` on SQLite is killed with SIGKILL in
//! the middle of concurrent ingest. After a restart on the same file every
//! event that had been acknowledged with a 2xx is there, and retrying the
//! unacknowledged ones (same event ids) stores each exactly once.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn portal() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portal"))
}

/// Starts `portal serve` and waits for its address.
fn serve(dir: &Path, db: &str) -> (Child, String) {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let mut child = portal()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--db",
            db,
            "--lookups-per-minute",
            "0",
        ])
        .arg("--dist")
        .arg(dir.join("dist"))
        .arg("--secret-file")
        .arg(dir.join("secret.key"))
        .arg("--content")
        .arg(content)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Serving ") {
            let url = rest.split(" on http://").nth(1).unwrap();
            break url.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// One HTTP/1.1 request; `None` if the connection failed or broke before a
/// complete answer (the server died).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, Value)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let len: usize = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length:")
            .map(|v| v.trim().parse().ok())
    })??;
    if body.len() != len {
        return None;
    }
    Some((status, serde_json::from_str(body).ok()?))
}

/// The k-th event of every case: accept, start review, then pauses and
/// resumptions, all valid in this order.
fn kind(k: usize) -> &'static str {
    match k {
        0 => "accept",
        1 => "start_review",
        k if k % 2 == 0 => "request_correction",
        _ => "resume",
    }
}

const CASES: usize = 24;
const EVENTS_PER_CASE: usize = 400;
const THREADS: usize = 8;

#[test]
fn acknowledged_events_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist/index.html"), "home").unwrap();
    std::fs::write(dir.path().join("dist/404.html"), "not found").unwrap();
    let db = format!("sqlite://{}", dir.path().join("cases.sqlite").display());
    let out = portal()
        .args(["token", "--departments", "public-security", "--db", &db])
        .arg("--secret-file")
        .arg(dir.path().join("secret.key"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let (mut server, addr) = serve(dir.path(), &db);
    let mut cases = Vec::new();
    for i in 0..CASES {
        let body = json!({
            "case_ref": format!("durable-{i}"),
            "item_code": "ga-001", "item_name": "居民身份证换领", "department": "public-security",
            "received": "2025-03-03", "statutory_limit": {"days": 20}, "promised_limit": {"days": 10},
            "delivery_method": "express",
        });
        let (status, v) = http(
            &addr,
            "POST",
            "/api/v1/cases",
            Some(&token),
            &body.to_string(),
        )
        .unwrap();
        assert_eq!(status, 201, "{v}");
        cases.push((
            v["case_number"].as_str().unwrap().to_owned(),
            v["password"].as_str().unwrap().to_owned(),
        ));
    }

    // Per case: how many events were acknowledged (a prefix, as each case's
    // events go in order), and whether one was in flight when the server died.
    let acked: Arc<Mutex<Vec<(usize, bool)>>> = Arc::new(Mutex::new(vec![(0, false); CASES]));
    let total_acked = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for t in 0..THREADS {
        let (addr, token, cases) = (addr.clone(), token.clone(), cases.clone());
        let (acked, total_acked) = (acked.clone(), total_acked.clone());
        workers.push(std::thread::spawn(move || {
            let mine: Vec<usize> = (0..CASES).filter(|c| c % THREADS == t).collect();
            for k in 0..EVENTS_PER_CASE {
                for &c in &mine {
                    let body = json!({"event_id": format!("ev-{c}-{k}"), "kind": kind(k), "at": "2025-03-04"});
                    let path = format!("/api/v1/cases/{}/events", cases[c].0);
                    match http(&addr, "POST", &path, Some(&token), &body.to_string()) {
                        Some((200, _)) => {
                            acked.lock().unwrap()[c].0 = k + 1;
                            total_acked.fetch_add(1, Ordering::SeqCst);
                        }
                        Some((status, v)) => panic!("event {k} of case {c}: {status} {v}"),
                        None => {
                            acked.lock().unwrap()[c].1 = true;
                            return;
                        }
                    }
                }
            }
        }));
    }
    // Kill it while the workers are busy.
    let started = Instant::now();
    while total_acked.load(Ordering::SeqCst) < 300 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "ingest too slow"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let in_flight = acked.iter().filter(|a| a.1).count();
    assert!(in_flight > 0, "the server must die mid-ingest: {acked:?}");
    assert!(
        acked.iter().all(|a| a.0 < EVENTS_PER_CASE),
        "no worker may finish before the kill"
    );

    let (mut server, addr) = serve(dir.path(), &db);
    let timeline = |c: usize| -> Vec<Value> {
        let body = json!({"case_number": cases[c].0, "password": cases[c].1}).to_string();
        let (status, v) = http(&addr, "POST", "/api/v1/cases/lookup", None, &body).unwrap();
        assert_eq!(status, 200, "case {c}: {v}");
        v["timeline"].as_array().unwrap().clone()
    };
    for (c, &(n, _)) in acked.iter().enumerate() {
        let events = timeline(c);
        // Every acknowledged event is there, in order; at most the one in
        // flight may have been stored without its answer arriving.
        assert!(
            events.len() >= n,
            "case {c}: {} events stored, {n} acknowledged",
            events.len()
        );
        assert!(
            events.len() <= n + 1,
            "case {c}: more events than were sent"
        );
        for (k, e) in events.iter().enumerate().take(n) {
            assert_eq!(e["event"], kind(k), "case {c} event {k}");
        }
        // Retry what was not acknowledged, with the same ids: each is
        // stored once, whether or not it had been before the kill.
        for k in n..(n + 2).min(EVENTS_PER_CASE) {
            let body =
                json!({"event_id": format!("ev-{c}-{k}"), "kind": kind(k), "at": "2025-03-04"});
            let path = format!("/api/v1/cases/{}/events", cases[c].0);
            let (status, v) = http(&addr, "POST", &path, Some(&token), &body.to_string()).unwrap();
            assert_eq!(status, 200, "retry {k} of case {c}: {v}");
        }
        let again = timeline(c);
        assert_eq!(
            again.len(),
            (n + 2).min(EVENTS_PER_CASE),
            "case {c}: no duplicates after retries"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
