//! Readiness event types and the [`Source`] trait.

#[allow(clippy::module_inception)]
mod event;
mod events;
mod raw_source;
mod registration;
mod source;

pub use self::event::Event;
pub use self::events::{Events, Iter};
pub use self::raw_source::{AsRawSource, IntoRawSource, RawSource, SourceRaw};
pub(crate) use self::registration::{registered_source_impls, Registration};
pub use self::source::Source;
