//! Copies core events into the two typed arrays of a JavaScript `Events` (lib/events.ts).

use wakepoll::event::Event;

// Bit layout of the flags array, shared with lib/events.ts.
const READABLE: u8 = 1;
const WRITABLE: u8 = 2;
const ERROR: u8 = 4;
const READ_CLOSED: u8 = 8;
const WRITE_CLOSED: u8 = 16;
const PRIORITY: u8 = 32;
const AIO: u8 = 64;
const LIO: u8 = 128;

/// The flag byte of one event.
#[inline]
pub(crate) fn flags(event: &Event) -> u8 {
    (event.is_readable() as u8 * READABLE)
        | (event.is_writable() as u8 * WRITABLE)
        | (event.is_error() as u8 * ERROR)
        | (event.is_read_closed() as u8 * READ_CLOSED)
        | (event.is_write_closed() as u8 * WRITE_CLOSED)
        | (event.is_priority() as u8 * PRIORITY)
        | (event.is_aio() as u8 * AIO)
        | (event.is_lio() as u8 * LIO)
}
