//! wasi:sockets — a browser has no raw sockets, so every socket is refused
//! with a proper `error-code`: creation says `not-supported` (the address
//! family is unsupported, as for `EAFNOSUPPORT`), name lookup says
//! `invalid-argument` for names that are not names and
//! `permanent-resolver-failure` otherwise. `instance-network` works: it is
//! only a capability handle.

use super::{Preview2, Resource, Result};

/// `wasi:sockets/network.error-code` names used here.
pub const NOT_SUPPORTED: &str = "not-supported";
pub const INVALID_ARGUMENT: &str = "invalid-argument";
pub const PERMANENT_RESOLVER_FAILURE: &str = "permanent-resolver-failure";

impl Preview2 {
    pub fn instance_network(&mut self) -> Result<u32> {
        self.push(Resource::Network, None)
    }
}

/// `create-tcp-socket` / `create-udp-socket`: the error code.
pub fn create_socket() -> &'static str {
    NOT_SUPPORTED
}

/// `resolve-addresses(name)`: the error code.
pub fn resolve_addresses(name: &str) -> &'static str {
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
        });
    if valid {
        PERMANENT_RESOLVER_FAILURE
    } else {
        INVALID_ARGUMENT
    }
}
