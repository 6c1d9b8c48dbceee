//! Socket activation (systemd's `LISTEN_FDS` protocol) has no Windows counterpart: no
//! descriptors are ever passed that way, so there are none to find.

use std::io;

use crate::sys::windows::RawSource;

/// Always empty: nothing is activated on Windows.
pub(crate) fn listen_fds(_unset: bool) -> io::Result<Vec<(String, RawSource)>> {
    Ok(Vec::new())
}
