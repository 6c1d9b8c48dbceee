// The package entry: `import ... from 'wakepoll'` resolves to the compiled API (index.js),
// which exposes the names users and outside tests rely on.
import test from 'ava'
import { fileURLToPath } from 'node:url'

test("'wakepoll' resolves to the compiled entry and exports the API", async (t) => {
  t.is(fileURLToPath(import.meta.resolve('wakepoll')), fileURLToPath(new URL('../index.js', import.meta.url)))
  const api = await import('wakepoll')
  for (const name of ['Poll', 'Registry', 'Events', 'Event', 'Interest', 'Waker'] as const) {
    t.is(typeof api[name], name === 'Interest' ? 'object' : 'function', name)
  }
  const poll = new api.Poll()
  const waker = new api.Waker(poll.registry, 3)
  waker.wake()
  const events = new api.Events(2)
  t.is(poll.poll(events, 0), 1)
  t.is(events.token(0), 3)
  poll.close()
})
