// Renders the job summary of every canonical outcome as GitHub does (GFM with raw HTML to HTML with
// cmark-gfm, in a pane about 1,000 px wide) and screenshots each with headless Chromium:
//   npm run pictures                       docs/images: each outcome's picture, and summaries.json
//   npm run pictures -- OUT summary.md...   a real run's GITHUB_STEP_SUMMARY files, into OUT
// Needs Debian's cmark-gfm, chromium and fonts-noto-color-emoji. __tests__/pictures.test.ts checks
// that docs/images/summaries.json holds the hash of the markdown the summary renders today, so a change to the summary that
// leaves the pictures behind fails there until this is run again.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { canonicalSummaries } from '../__fixtures__/summaries.js'

const out = resolve(process.argv[2] ?? 'docs/images')
const files = process.argv.slice(3)
mkdirSync(out, { recursive: true })
const pages = mkdtempSync(join(tmpdir(), 'summaries-'))

// GitHub's summary pane: its width, its font, its table and details styling, near enough.
const STYLE = `body{margin:0;background:#fff}main{box-sizing:border-box;width:1000px;padding:16px 24px;
font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328}
h3{font-size:1.25em;margin:0 0 16px}table{border-collapse:collapse;display:block;max-width:100%;overflow:auto}
td,th{border:1px solid #d1d9e0;padding:6px 13px}th{font-weight:600}tr:nth-child(2n){background:#f6f8fa}
code{font:85% ui-monospace,SFMono-Regular,Menlo,monospace;background:#818b981f;padding:.2em .4em;border-radius:6px}
details{margin:8px 0}sub{color:#59636e}`

function render(name: string, markdown: string, height = 900): void {
  const html = execFileSync('cmark-gfm', ['--unsafe', '-e', 'table'], {
    input: markdown
  }).toString()
  const page = join(pages, `${name}.html`)
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><style>${STYLE}</style><main>${html}</main>`
  )
  execFileSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
      '--hide-scrollbars',
      `--window-size=1048,${height}`,
      `--screenshot=${join(out, `${name}.png`)}`,
      `file://${page}`
    ],
    { stdio: 'ignore' }
  )
  console.log(join(out, `${name}.png`))
}

if (files.length > 0) {
  for (const file of files) render(basename(file).replace(/\.\w+$/, ''), readFileSync(file, 'utf8'))
  process.exit(0)
}
// Each picture's height: its summary without the blank page below (the large release is cut short).
const HEIGHTS: Record<string, number> = {
  success: 320,
  'nothing-to-do': 320,
  'dry-run': 330,
  'refused-protect-tags': 420,
  'refused-gate': 440,
  failed: 430,
  cancelled: 420,
  release: 580,
  'large-release': 900,
  'input-error': 240
}

// Each picture with a hash of the markdown it shows, which the test compares with today's.
const rendered: Record<string, string> = {}
for (const [name, markdown] of canonicalSummaries()) {
  rendered[name] = createHash('sha256').update(markdown).digest('hex')
  render(`summary-${name}`, markdown, HEIGHTS[name])
}
writeFileSync(join(out, 'summaries.json'), `${JSON.stringify(rendered, null, 2)}\n`)
