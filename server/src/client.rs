//! Who is asking: the address limits and the audit log count by.

use axum::Extension;
use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use std::net::SocketAddr;

/// The TCP peer, or with `trust_proxy` the last `X-Forwarded-For` address
/// (the one the reverse proxy appended; earlier ones are the client's to
/// forge).
pub fn client_address(
    trust_proxy: bool,
    headers: &HeaderMap,
    info: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> String {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .next_back();
        if let Some(ip) = forwarded {
            return ip.to_string();
        }
    }
    info.map(|Extension(ConnectInfo(addr))| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}
