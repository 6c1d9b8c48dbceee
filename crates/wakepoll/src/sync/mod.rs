//! Blocking synchronisation between threads and processes, crosvm-style: [`Event`],
//! [`Timer`] and [`WaitContext`].
//!
//! An [`Event`] is signalled by any number of threads (or processes, see its fd traits) and
//! waited on by one at a time; a [`Timer`] fires once or periodically; a [`WaitContext`]
//! waits on several sources at once (Events, Timers, sockets, pipes, raw fds). Unlike a [`Poll`](crate::Poll), a
//! `WaitContext` is **level-triggered**: an Event stays reported by every wait until it is
//! reset or waited.
//!
//! ```
//! use std::thread;
//! use wakepoll::sync::{Event, WaitContext};
//! use wakepoll::Token;
//!
//! let a = Event::new()?;
//! let b = Event::new()?;
//! let ctx = WaitContext::new()?;
//! ctx.add(&a, Token(1))?;
//! ctx.add(&b, Token(2))?;
//!
//! let remote = b.try_clone()?;
//! thread::spawn(move || remote.signal().expect("signal")).join().unwrap();
//!
//! assert_eq!(ctx.wait()?, vec![Token(2)]);
//! assert_eq!(ctx.wait()?, vec![Token(2)]); // still signalled: reported again
//! b.wait()?; // consumes the signal
//! assert!(ctx.wait_timeout(std::time::Duration::ZERO)?.is_empty());
//! # Ok::<(), std::io::Error>(())
//! ```

mod event;
mod timer;
mod wait;
mod wait_context;

pub use self::event::{Event, EventWaitResult};
pub use self::timer::Timer;
pub use self::wait_context::{EventType, TriggeredEvent, WaitContext};
