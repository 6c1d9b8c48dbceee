//! TCP: a listener and a stream.

mod listener;
mod stream;

pub use self::listener::{ListenOptions, TcpListener};
pub use self::stream::TcpStream;
