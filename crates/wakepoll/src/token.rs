//! `Token`: the user's number for a registration.

/// Associates readiness events with the [`event::Source`](crate::event::Source) that caused
/// them.
///
/// The whole `usize` range belongs to the user: wakepoll keeps no token for itself.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(pub usize);

impl From<Token> for usize {
    fn from(val: Token) -> usize {
        val.0
    }
}
