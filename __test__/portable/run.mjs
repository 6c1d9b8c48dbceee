// Runs the portable tests: `node run.mjs`, `bun run.mjs`, `deno run -A run.mjs`, from a
// directory whose node_modules holds wakepoll (scripts/runtimes.mjs makes one). Every file
// imports wakepoll by name, as a user's code does.
import { run } from './harness.mjs'
import './poll.mjs'
import './async.mjs'
import './atomic-sync.mjs'
import './net.mjs'
import './terminate.mjs'
import './loader.mjs'
import './process.mjs'

const failed = await run()
// Exit now: a test that failed may have left a worker or a wait behind.
process.exit(failed === 0 ? 0 : 1)
