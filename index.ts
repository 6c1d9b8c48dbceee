// wakepoll: readiness polling and cross-thread wake-up for Node.js.
// The API users import; each class lives in its own file under lib/.

export { Poll, type PollAsyncOptions } from './lib/poll.js'
export { Registry, type RegistryHandle, type Source } from './lib/registry.js'
export { Events, Event } from './lib/events.js'
export { Interest } from './lib/interest.js'
export { Waker, type WakerHandle } from './lib/waker.js'
export { AtomicWaker, type AtomicWakerHandle } from './lib/atomic-waker.js'
export { SyncEvent, type SyncEventHandle, type SyncEventWaitResult } from './lib/sync-event.js'
export { WaitContext, type TriggeredEvent, type WaitEventType } from './lib/wait-context.js'
export { Timer, type TimerHandle } from './lib/timer.js'
export {
  Socket,
  TcpListener,
  TcpStream,
  UdpSocket,
  UnixListener,
  UnixStream,
  UnixDatagram,
  PipeSender,
  PipeReceiver,
  pipe,
  type InetAddress,
  type InetAddressOptions,
  type TcpListenOptions,
  type UnixListenOptions,
  type UnixAddress,
  type Received,
  type ShutdownHow,
  type SocketHandle,
  type FdSource,
  type ReceivedWithFds,
  MAX_FDS_PER_MESSAGE,
} from './lib/net.js'
export { listenFds, type ListenFd, type ListenFdsOptions } from './lib/listen-fds.js'
export type { WakepollSource } from './lib/source.js'
export type { WakepollErrorCode } from './lib/errors.js'
