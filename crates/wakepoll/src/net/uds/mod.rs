//! Unix domain sockets: a listener, a stream and a datagram socket (Unix only).

mod datagram;
mod listener;
mod stream;

pub use self::datagram::UnixDatagram;
pub use self::listener::UnixListener;
pub use self::stream::UnixStream;
