// Glob patterns as Redis's stringmatchlen reads them (CONFIG GET, COMMAND LIST FILTERBY
// PATTERN): `*`, `?`, `[abc]`, `[^a-z]`, and `\` to quote the next character.

/** Whether `s` matches `pattern`; `nocase` compares ASCII letters without case. */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase()
    s = s.toLowerCase()
  }
  return match(pattern, 0, s, 0)
}

function match(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!
    if (c === '*') {
      while (p[pi + 1] === '*') pi++
      if (pi + 1 === p.length) return true
      for (let k = si; k <= s.length; k++) if (match(p, pi + 1, s, k)) return true
      return false
    }
    if (si >= s.length) return false
    if (c === '?') {
      pi++
      si++
      continue
    }
    if (c === '[') {
      let j = pi + 1
      const not = p[j] === '^'
      if (not) j++
      let hit = false
      for (; j < p.length && p[j] !== ']'; j++) {
        if (p[j] === '\\' && j + 1 < p.length) {
          j++
          if (p[j] === s[si]) hit = true
        } else if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
          let lo = p[j]!
          let hi = p[j + 2]!
          if (lo > hi) [lo, hi] = [hi, lo]
          if (s[si]! >= lo && s[si]! <= hi) hit = true
          j += 2
        } else if (p[j] === s[si]) {
          hit = true
        }
      }
      if (hit === not) return false
      pi = j + 1
      si++
      continue
    }
    const lit = c === '\\' && pi + 1 < p.length ? p[++pi]! : c
    if (lit !== s[si]) return false
    pi++
    si++
  }
  return si === s.length
}
