//! Connections: the accept loop `axum::serve` runs, plus what it lacks
//! against slow clients (slowloris): a deadline for each request's headers
//! (hyper also applies it while a kept-alive connection sits idle), a
//! deadline for each request's body, and caps on open connections in total
//! and per client address. A connection over a cap is closed at once, so
//! one address holding many half-sent requests cannot starve the others.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// How long a client may take, and how many connections it may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A request's headers must be complete within this; an idle
    /// kept-alive connection is closed after it.
    pub header_timeout: Duration,
    /// A request's body must be complete within this.
    pub body_timeout: Duration,
    /// Open connections in total.
    pub max_connections: usize,
    /// Open connections per client address. Behind a reverse proxy every
    /// connection comes from the proxy: raise it there (the proxy holds the
    /// slow clients, not this server).
    pub max_per_client: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(20),
            // Well under the usual file-descriptor limits; one address
            // (a school or an office behind one NAT, a load test) may
            // still hold a good share.
            max_connections: 4096,
            max_per_client: 256,
        }
    }
}

/// Who holds how many connections.
struct Slots {
    limits: Limits,
    open: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// One open connection; frees its place when dropped.
struct Slot {
    slots: Arc<Slots>,
    ip: IpAddr,
}

impl Slots {
    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_client) = &mut *open;
        let mine = per_client.get(&ip).copied().unwrap_or(0);
        if *total >= self.limits.max_connections || mine >= self.limits.max_per_client {
            return None;
        }
        *total += 1;
        per_client.insert(ip, mine + 1);
        Some(Slot {
            slots: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        let (total, per_client) = &mut *open;
        *total -= 1;
        if let Some(n) = per_client.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                per_client.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then lets open requests finish (for at most the body timeout).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Slots {
        limits,
        open: Mutex::new((0, HashMap::new())),
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait, do not spin.
                Err(e) => {
                    eprintln!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = slots.take(peer.ip()) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // The router for this connection: knows the peer (for the limits
        // and the audit log) and puts a deadline on each request body.
        let app = app.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let mut req = req.map(|b| Body::new(TimeoutBody::new(limits.body_timeout, b)));
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // Errors here are clients going away or timing out.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.body_timeout) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_cap_each_client_and_the_total_and_come_back() {
        let slots = Arc::new(Slots {
            limits: Limits {
                max_connections: 3,
                max_per_client: 2,
                ..Limits::default()
            },
            open: Mutex::new((0, HashMap::new())),
        });
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let a1 = slots.take(a).unwrap();
        let _a2 = slots.take(a).unwrap();
        assert!(slots.take(a).is_none(), "a third from one client");
        let _b1 = slots.take(b).unwrap();
        assert!(slots.take(b).is_none(), "over the total");
        drop(a1);
        assert!(
            slots.take(b).is_some(),
            "a closed connection frees its place"
        );
    }
}
