// The job summary of every outcome, as markdown snapshots: a change to what a release engineer
// reads shows in review. Rendered as GitHub renders it with scripts/render-summaries.ts.
import { beforeEach, describe, expect, test } from '@jest/globals'
import * as core from '@actions/core'
import { INPUT_ERROR, OUTCOMES, releaseReport } from '../__fixtures__/summaries.js'
import {
  renderEarlyFailure,
  renderImageSummary,
  renderReleaseSummary,
  shortDigest
} from '../src/action/summary.js'

beforeEach(() => void core.summary.emptyBuffer())

describe('the job summary', () => {
  test.each(Object.keys(OUTCOMES))('of a run that is %s', (outcome) => {
    const { report, cancelReason } = OUTCOMES[outcome]!
    const markdown = renderImageSummary(core.summary, report, cancelReason).stringify()
    expect(markdown).toMatchSnapshot()
    // The headline marks each outcome differently.
    expect(markdown.split('\n')[0]).toMatch(/^<h3>(✅|➖|🔍|⛔|❌|⏹️) /)
    // Digests are short in the table and full in the folded details.
    expect(markdown).toContain(shortDigest(report.digest))
    expect(markdown).toMatch(
      /<details><summary>Full digests and messages<\/summary>.*<code>sha256:[0-9a-f]{64}<\/code>/s
    )
    // The footer links the run.
    expect(markdown).toContain(
      '<a href="https://github.com/acme/app/actions/runs/4242">Release run 4242</a>'
    )
  })

  test('each outcome has its own headline mark', () => {
    const marks = Object.values(OUTCOMES).map(
      ({ report, cancelReason }) =>
        core.summary.emptyBuffer() &&
        renderImageSummary(core.summary, report, cancelReason).stringify().slice(4, 6)
    )
    expect(new Set(marks).size).toBe(6) // refused and conflict share ⛔: nothing was written either way
  })

  test('of an input error', () => {
    const markdown = renderEarlyFailure(
      core.summary,
      INPUT_ERROR.report,
      INPUT_ERROR.inputs
    ).stringify()
    expect(markdown).toMatchSnapshot()
    expect(markdown).toContain('⚠️ Input error: nothing was done')
  })

  test('of an error the session could not report tag by tag: no claim about writes', () => {
    const report = { ...INPUT_ERROR.report, status: 'failed' as const, error: 'Unexpected' }
    const markdown = renderEarlyFailure(core.summary, report, INPUT_ERROR.inputs).stringify()
    expect(markdown.split('\n')[0]).toBe(
      '<h3>❌ Failed: the run stopped on an error it could not report tag by tag</h3>'
    )
    expect(markdown).not.toContain('before any write')
  })

  test('of a release, with a gate that refused one image', () => {
    const markdown = renderReleaseSummary(core.summary, releaseReport()).stringify()
    expect(markdown).toMatchSnapshot()
    // The refusal is said once, in the problems; the gate's own line points there.
    expect(markdown.match(/The vulnerability gate refused the promotion/g)).toHaveLength(1)
    expect(markdown).toContain('⛔ Vulnerability scan refused the image (why: in the problems)')
    // A reference in the details breaks before its digest, never inside the registry's host.
    expect(markdown).toMatch(
      /Image: <code>222222222222\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/acme\/api<\/code><wbr><code>@sha256:[0-9a-f]{64}<\/code>/
    )
    // Every image says the status `result` says; the mark tells the image the gate refused from
    // the others, held back with it.
    const rows = markdown.split('</tr>').filter((row) => row.includes('<td><code>acme/'))
    expect(rows.map((row) => /<td>([^<]*)<\/td>$/.exec(row)?.[1])).toEqual([
      '⏭️ refused',
      '⏭️ refused',
      '⛔ refused'
    ])
  })

  test("a release's targets say where they are: in place, another account and region, or ECR Public", () => {
    const report = releaseReport()
    const [api, web, worker] = report.images
    const release = {
      ...report,
      images: [
        // Retagged in its own repository.
        {
          ...api!,
          source: { name: api!.target.name, registryId: '222222222222', region: 'eu-west-1' }
        },
        web!,
        {
          ...worker!,
          target: { name: worker!.target.name, publicAlias: 'acme', region: 'us-east-1' }
        }
      ]
    }
    const markdown = renderReleaseSummary(core.summary, release).stringify()
    const cells = [...markdown.matchAll(/<\/sub><\/td><td>(.*?)<\/td><td>/g)].map((m) => m[1])
    expect(cells).toEqual([
      'in place<br><sub>222222222222</sub><br><sub>eu-west-1</sub>',
      '<code>acme/web</code><br><sub>222222222222</sub><br><sub>eu-west-1</sub>',
      '<code>acme/acme/worker</code><br><sub>ECR Public</sub>'
    ])
  })

  test('outside text cannot become markup', () => {
    const { report } = OUTCOMES.refused!
    const hostile = {
      ...report,
      tags: [
        { ...report.tags[0]!, tag: '<img src=x onerror=alert(1)>', message: '<script>x</script>' }
      ]
    }
    const markdown = renderImageSummary(core.summary, hostile).stringify()
    expect(markdown).not.toContain('<script>')
    expect(markdown).not.toContain('<img')
    expect(markdown).toContain('&lt;script&gt;')
  })
})
