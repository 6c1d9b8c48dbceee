//! Facts about this build of the module, for benchmarks and bug reports.

/// `"release"` or `"debug"`: figures measured on a debug build mean nothing, so the bench
/// refuses one.
// napi-derive registers the export only outside cfg(test); clippy's test build sees no caller.
#[cfg_attr(test, allow(dead_code))]
#[napi_derive::napi]
pub fn build_profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}
