//! Tokens as JavaScript numbers: integers 0 … 2^53−1, exactly representable in an f64.

use napi::Env;
use wakepoll::Token;

use crate::errors;

/// Number.MAX_SAFE_INTEGER.
pub(crate) const MAX_JS_TOKEN: usize = (1 << 53) - 1;

/// Tokens above every JavaScript token, for the binding's own registrations; they are never
/// copied out to JavaScript.
pub(crate) const CLOSE_TOKEN: Token = Token(usize::MAX);

pub(crate) fn from_js(env: &Env, token: f64) -> napi::Result<Token> {
    if token.fract() == 0.0 && (0.0..=MAX_JS_TOKEN as f64).contains(&token) {
        Ok(Token(token as usize))
    } else {
        Err(errors::out_of_range(
            env,
            "token",
            ">= 0 && <= 9007199254740991",
        ))
    }
}
