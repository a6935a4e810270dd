// Renders the job summary of every outcome as GitHub does (GFM to HTML with cmark-gfm, in a pane
// about 1,000 px wide) and screenshots each with headless Chromium, to look at while designing it:
//   node --import ./scripts/ts-hooks.js scripts/render-summaries.ts [out-dir] [summary.md...]
// With summary files (a real run's GITHUB_STEP_SUMMARY), renders those instead of the fixtures.
// Needs Debian's cmark-gfm and chromium. Not part of the test suite; the snapshots are.
import * as core from '@actions/core'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { INPUT_ERROR, OUTCOMES, releaseReport } from '../__fixtures__/summaries.js'
import {
  renderEarlyFailure,
  renderImageSummary,
  renderReleaseSummary
} from '../src/action/summary.js'

const out = resolve(process.argv[2] ?? 'bench/tmp/summaries')
const files = process.argv.slice(3)
mkdirSync(out, { recursive: true })

// GitHub's summary pane: its width, its font, its table and details styling, near enough.
const STYLE = `body{margin:0;background:#fff}main{box-sizing:border-box;width:1000px;padding:16px 24px;
font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328}
h3{font-size:1.25em;margin:0 0 16px}table{border-collapse:collapse;display:block;max-width:100%;overflow:auto}
td,th{border:1px solid #d1d9e0;padding:6px 13px}th{font-weight:600}tr:nth-child(2n){background:#f6f8fa}
code{font:85% ui-monospace,SFMono-Regular,Menlo,monospace;background:#818b981f;padding:.2em .4em;border-radius:6px}
details{margin:8px 0}sub{color:#59636e}`

function render(name: string, markdown: string): void {
  const html = execFileSync('cmark-gfm', ['--unsafe', '-e', 'table'], {
    input: markdown
  }).toString()
  const page = join(out, `${name}.html`)
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
      '--window-size=1048,900',
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
for (const [name, { report, cancelReason }] of Object.entries(OUTCOMES))
  render(
    name.replace(/ /g, '-'),
    renderImageSummary(core.summary.emptyBuffer(), report, cancelReason).stringify()
  )
render(
  'input-error',
  renderEarlyFailure(core.summary.emptyBuffer(), INPUT_ERROR.report, INPUT_ERROR.inputs).stringify()
)
render('release', renderReleaseSummary(core.summary.emptyBuffer(), releaseReport()).stringify())
