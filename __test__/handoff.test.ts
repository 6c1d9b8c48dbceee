// The zero-downtime handoff of examples/handoff/ (issue #24): under a steady load whose
// connections keep being replaced, a second server process takes the listener and every live
// connection from the first over a Unix socket (sendWithFds), and the first exits. The client
// counts connections refused and echo bytes lost or reordered across it: both 0, and the
// second server goes on serving.

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { unixOnly } from './helpers/platform.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const main = fileURLToPath(new URL('../examples/handoff/main.ts', import.meta.url))

unixOnly('descriptors cross processes over a Unix socket (SCM_RIGHTS)', { serial: true })(
  'handoff: the successor takes the listener and every connection; 0 refused, 0 bytes lost or reordered',
  async (t) => {
    t.timeout(120_000)
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', main, '--connections', '16', '--before', '500', '--after', '500', '--reconnect', '20'],
      { cwd: root, maxBuffer: 1 << 20 },
    )
    t.log(stdout.trim())
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>
    t.is(result.refused, 0, 'connections refused')
    t.is(result.lost, 0, 'echo bytes lost or reordered')
    t.true(result.handedOver! > 0, 'live connections were handed over')
    t.is(result.tookOver, result.handedOver)
    t.true(result.roundTripsBefore! > 0, 'the old server served')
    t.true(result.roundTripsAfterHandoff! > 0, 'the new server serves')
    t.true(result.connectionsOpened! > 16, 'connections kept arriving')
  },
)
