// The ES module entry of wakepoll (`import { Poll } from 'wakepoll'`).
//
// There is one implementation, the CommonJS build in dist/ (what `require('wakepoll')` gets);
// this file only re-exports its names. Two builds would be two copies of every class in a
// process that both imports and requires wakepoll (directly or through dependencies), and
// `instanceof`, the registry's own checks and the native objects behind them would disagree
// between the copies (the dual-package hazard). CommonJS is the side that can load the other
// way round on every Node 20 (require() of an ES module needs 20.19+ and prints a warning).
//
// The names are listed, not `export *`, which would also export tsc's `__esModule` marker.
// __test__/package.test.ts checks that this list and index.ts's exports are the same.
export {
  AtomicWaker,
  Event,
  Events,
  Interest,
  MAX_FDS_PER_MESSAGE,
  PipeReceiver,
  PipeSender,
  Poll,
  Registry,
  Socket,
  SyncEvent,
  TcpListener,
  TcpStream,
  Timer,
  UdpSocket,
  UnixDatagram,
  UnixListener,
  UnixStream,
  WaitContext,
  Waker,
  listenFds,
  pipe,
} from './dist/index.js'
