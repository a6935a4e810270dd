// The pictures of the job summary in docs/images (and the README) show what the summary renders
// today: each picture was made from markdown whose hash docs/images/summaries.json records, and a
// change to the summary that changes any of them fails here until `npm run pictures` is run again.
import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { canonicalSummaries } from '../__fixtures__/summaries.js'

const root = new URL('..', import.meta.url)
const recorded = JSON.parse(
  readFileSync(new URL('docs/images/summaries.json', root), 'utf8')
) as Record<string, string>
const SUMMARY_LIMIT = 1024 * 1024

describe('the pictures of the job summary', () => {
  const summaries = canonicalSummaries()

  test.each(summaries)('%s is the summary as it renders today', (name, markdown) => {
    expect(existsSync(new URL(`docs/images/summary-${name}.png`, root))).toBe(true)
    const hash = createHash('sha256').update(markdown).digest('hex')
    // A mismatch: the summary changed; run `npm run pictures`, look at them, and commit them.
    expect({ name, hash }).toEqual({ name, hash: recorded[name] })
  })

  test('cover every canonical outcome, and no other', () => {
    expect(Object.keys(recorded).sort()).toEqual(summaries.map(([name]) => name).sort())
  })

  test('the large release fits GitHub’s limit and names each failure first, in full', () => {
    const [, markdown] = summaries.find(([name]) => name === 'large-release')!
    expect(Buffer.byteLength(markdown)).toBeLessThan(SUMMARY_LIMIT)
    const table = markdown.indexOf('<table>')
    for (const i of ['0017', '0503', '0998']) {
      const at = markdown.indexOf(`release/service-${i}:no-such-build: There is no image`)
      expect(at).toBeGreaterThan(0)
      expect(at).toBeLessThan(table)
    }
    expect(markdown).toContain("Shortened to fit GitHub's 1 MiB limit")
  })

  test('the README shows the success, the refused gate and the release', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8')
    for (const name of ['success', 'refused-gate', 'release'])
      expect(readme).toContain(`](docs/images/summary-${name}.png)`)
  })
})
