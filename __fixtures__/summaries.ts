// Runs of every outcome, as the promotion reports them, for the summary's snapshot tests and for
// rendering the summary as GitHub does (scripts/render-summaries.ts).
import * as core from '@actions/core'
import { helloWorld, otherImage } from './manifests.js'
import {
  fitSummary,
  renderEarlyFailure,
  renderImageSummary,
  renderReleaseSummary,
  type SummaryView
} from '../src/action/summary.js'
import { inspectManifest } from '../src/oci/index.js'
import {
  buildImageReport,
  buildReleaseReport,
  type ImageRecord,
  type PromotionReport,
  type PromotionResult,
  type Provenance,
  type ReleaseReport,
  type TagOutcome
} from '../src/promotion/index.js'

const ACCOUNT = '123456789012'
const provenance: Provenance = {
  repository: 'acme/app',
  workflow: 'Release',
  job: 'promote',
  runId: 4242,
  runAttempt: 1,
  runUrl: 'https://github.com/acme/app/actions/runs/4242',
  actor: 'octocat',
  event: 'workflow_dispatch',
  ref: 'refs/heads/main',
  sha: '0123456789abcdef0123456789abcdef01234567',
  serverUrl: 'https://github.com'
}

const repository = { name: 'demo/app', region: 'us-east-1', registryId: ACCOUNT }
const source = {
  digest: helloWorld.digest,
  mediaType: helloWorld.mediaType,
  manifest: helloWorld.manifest,
  info: inspectManifest(helloWorld.manifest, helloWorld.mediaType, 'fixture'),
  repository
}

function image(tags: TagOutcome[], extra: Partial<ImageRecord> = {}): ImageRecord {
  return {
    request: {
      name: 'demo/app:staging',
      source: { name: 'demo/app', region: 'us-east-1' },
      sourceTag: 'staging',
      target: { name: 'demo/app', region: 'us-east-1' },
      tags: tags.map((tag) => tag.tag)
    },
    source,
    target: repository,
    tags,
    ...extra
  }
}

function result(images: ImageRecord[], flags: Partial<PromotionResult> = {}): PromotionResult {
  return { images, release: false, dryRun: false, cancelled: false, refused: false, ...flags }
}

const single = (outcome: PromotionResult): PromotionReport => ({
  ...buildImageReport(outcome.images[0]!, outcome),
  provenance
})

const moved = { tag: 'prod', status: 'moved', previousDigest: otherImage.digest } as const
const created = { tag: 'v1.4.0', status: 'created', previousDigest: null } as const
const unchanged = { tag: 'v1.4', status: 'unchanged', previousDigest: helloWorld.digest } as const

export const OUTCOMES: Record<string, { report: PromotionReport; cancelReason?: string }> = {
  created: { report: single(result([image([moved, created, unchanged])])) },
  unchanged: {
    report: single(result([image([{ ...unchanged, tag: 'prod' }, unchanged])]))
  },
  'dry run': {
    report: single(
      result(
        [
          image([
            { ...moved, status: 'would-move' },
            { ...created, status: 'would-create' }
          ])
        ],
        { dryRun: true }
      )
    )
  },
  refused: {
    report: single(
      result(
        [
          image(
            [
              {
                tag: 'v1.3.0',
                status: 'refused',
                previousDigest: otherImage.digest,
                message: `Tag "v1.3.0" is protected by pattern "v*.*.*" and points at ${otherImage.digest}; it must never move.`
              },
              {
                ...created,
                status: 'skipped',
                message: 'Not written: the promotion was refused before any write.'
              }
            ],
            // As the engine reports a refusal: the plan's problem beside the tags.
            {
              problems: [
                {
                  title: 'Protected tag',
                  tag: 'v1.3.0',
                  message: `Tag "v1.3.0" is protected by pattern "v*.*.*" and points at ${otherImage.digest}; it must never move.`
                }
              ]
            }
          )
        ],
        { refused: true }
      )
    )
  },
  conflict: {
    report: single(
      result(
        [
          image(
            [
              {
                tag: 'prod',
                status: 'conflict',
                previousDigest: otherImage.digest,
                message: `Tag "prod" points at ${otherImage.digest}, not at ${helloWorld.digest}, and cannot move: the repository is IMMUTABLE. Promote under a new tag, or change the repository's tag mutability.`,
                retryable: false
              }
            ],
            {
              problems: [
                {
                  title: 'Tag conflict',
                  tag: 'prod',
                  message: `Tag "prod" points at ${otherImage.digest}, not at ${helloWorld.digest}, and cannot move: the repository is IMMUTABLE. Promote under a new tag, or change the repository's tag mutability.`
                }
              ]
            }
          )
        ],
        { refused: true }
      )
    )
  },
  'partial failure': {
    report: single(
      result([
        image([
          moved,
          {
            tag: 'v1.4.0',
            status: 'failed',
            previousDigest: null,
            message:
              'PutImage for tag "v1.4.0" in "demo/app" failed: ECR had an internal error and kept failing after 12 attempts. Rerun the job; tags already done stay done.'
          },
          {
            tag: 'latest',
            status: 'skipped',
            previousDigest: null,
            message: 'Not attempted after an earlier write failed; rerun to finish.'
          }
        ])
      ])
    )
  },
  cancelled: {
    report: single(
      result(
        [
          image([
            moved,
            {
              ...created,
              status: 'cancelled',
              message: 'Not written: the run was cancelled (SIGINT).'
            }
          ])
        ],
        { cancelled: true }
      )
    ),
    cancelReason: 'the run was cancelled (SIGINT)'
  }
}

/** A release of three images, one of which a gate refused. */
export function releaseReport(): ReleaseReport {
  const names = ['acme/api', 'acme/web', 'acme/worker']
  const images = names.map((name, i) =>
    // As the engine reports a refused release: no image's tags were written, whichever refused.
    image(
      [
        {
          tag: 'prod',
          status: 'skipped',
          previousDigest: null,
          message: 'Not written: the promotion was refused before any write.'
        }
      ],
      {
        request: {
          name: `${name}:build-7`,
          source: { name, region: 'us-east-1' },
          sourceTag: 'build-7',
          target: { name, region: 'eu-west-1', registryId: '222222222222' },
          tags: ['prod']
        },
        target: { name, region: 'eu-west-1', registryId: '222222222222' },
        ...(i === 2 && {
          gates: [
            {
              gate: 'vulnerability' as const,
              passed: false,
              summary: '1 CRITICAL; threshold HIGH, UNDEFINED and UNTRIAGED count as LOW',
              reason:
                'The vulnerability gate refused the promotion: image: 1 CRITICAL at or above HIGH.',
              counts: { image: { CRITICAL: 1 } }
            }
          ],
          problems: [
            {
              title: 'Vulnerability gate',
              message:
                'The vulnerability gate refused the promotion: image: 1 CRITICAL at or above HIGH.'
            }
          ]
        })
      }
    )
  )
  return {
    ...buildReleaseReport(result(images, { release: true, dryRun: false, refused: true })),
    provenance
  }
}

const GATE_REASON =
  'The vulnerability gate refused the promotion: linux/amd64: 1 CRITICAL, 2 HIGH at or above HIGH. Worst first: CVE-2024-3094 (xz-utils 5.6.0, CRITICAL, fixed in 5.6.1); CVE-2023-38545 (curl 8.3.0, HIGH, fixed in 8.4.0); CVE-2023-4911 (glibc 2.37, HIGH, fixed in 2.37-12).'

/** One image a vulnerability gate refused, with the findings that decided it. */
export const GATE_REFUSED: PromotionReport = single(
  result(
    [
      image(
        [
          {
            tag: 'prod',
            status: 'skipped',
            previousDigest: otherImage.digest,
            message: 'Not written: the promotion was refused before any write.'
          }
        ],
        {
          gates: [
            {
              gate: 'vulnerability',
              passed: false,
              summary:
                'linux/amd64: 1 CRITICAL, 2 HIGH, 4 MEDIUM; linux/arm64: 1 MEDIUM; threshold HIGH, UNDEFINED and UNTRIAGED count as LOW',
              reason: GATE_REASON,
              counts: { 'linux/amd64': { CRITICAL: 1, HIGH: 2, MEDIUM: 4 }, 'linux/arm64': {} },
              findings: [
                ['CVE-2024-3094', 'CRITICAL', 'xz-utils', '5.6.0', '5.6.1'],
                ['CVE-2023-38545', 'HIGH', 'curl', '8.3.0', '8.4.0'],
                ['CVE-2023-4911', 'HIGH', 'glibc', '2.37', '2.37-12']
              ].map(([id, severity, name, version, fixedIn]) => ({
                id: id!,
                severity: severity!,
                package: name!,
                version: version!,
                fixedIn: fixedIn!,
                url: `https://nvd.nist.gov/vuln/detail/${id}`,
                platforms: ['linux/amd64']
              }))
            }
          ],
          problems: [{ title: 'Vulnerability gate', message: GATE_REASON }]
        }
      )
    ],
    { refused: true }
  )
)

/**
 * A release of `count` images with five tags each, all of them in place already but `missing`,
 * whose source tags do not exist: a failed run before any write, too big for a summary in full.
 */
export function largeReleaseReport(count = 1000, missing = [17, 503, 998]): ReleaseReport {
  const tags = ['v2.31.0', '2.31', 'prod', 'prod-eu-west-1', 'release-2026-12-06']
  const images = Array.from({ length: count }, (_, i): ImageRecord => {
    const name = `release/service-${String(i).padStart(4, '0')}`
    const where = { name, region: 'us-east-1', registryId: ACCOUNT }
    const request = {
      name: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}:${missing.includes(i) ? 'no-such-build' : 'build'}`,
      source: where,
      sourceTag: 'build',
      target: where,
      tags
    }
    if (!missing.includes(i))
      return {
        request,
        source: { ...source, repository: where },
        target: where,
        tags: tags.map((tag) => ({ tag, status: 'unchanged', previousDigest: helloWorld.digest }))
      }
    const problem = `Source image not found: there is no image with tag "no-such-build" in repository ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}. Check the source's tag or digest and the repository, registry and region.`
    return {
      request,
      problem: { title: 'Source image not found', message: problem, failed: true },
      tags: tags.map((tag) => ({
        tag,
        status: 'skipped',
        message: `Not written: ${problem}`,
        retryable: false
      })),
      problems: [{ title: 'Source image not found', message: problem }]
    }
  })
  return { ...buildReleaseReport(result(images, { release: true })), provenance }
}

export const INPUT_ERROR = {
  report: {
    status: 'input-error' as const,
    error:
      'Input "tags": "bad tag" is not a valid tag; ECR tags are 1 to 300 characters of letters, digits, "_", "." and "-"',
    input: 'tags',
    dryRun: false,
    changed: false as const,
    provenance
  },
  inputs: [
    ['repository', 'demo/app'],
    ['source-tag', 'staging'],
    ['tags', 'prod,bad tag']
  ] as Array<[string, string]>
}

/**
 * The job summary of each canonical outcome, as the action renders it (within GitHub's size limit):
 * what docs/images holds as markdown and as a picture, named by file.
 */
export function canonicalSummaries(): Array<[string, string]> {
  const fitted = (render: (summary: typeof core.summary, view: SummaryView) => void): string => {
    fitSummary(core.summary, (view) => render(core.summary, view))
    const markdown = core.summary.stringify()
    core.summary.emptyBuffer()
    return markdown
  }
  const one = (report: PromotionReport, cancelReason?: string) =>
    fitted((summary, view) => renderImageSummary(summary, report, cancelReason, view))
  const release = (report: ReleaseReport) =>
    fitted((summary, view) =>
      renderReleaseSummary(summary, report, undefined, {
        ...view,
        resultFile: '/home/runner/work/_temp/ecr-promote-result-2231-1796533808557.json'
      })
    )
  return [
    ['success', one(OUTCOMES.created!.report)],
    ['nothing-to-do', one(OUTCOMES.unchanged!.report)],
    ['dry-run', one(OUTCOMES['dry run']!.report)],
    ['refused-protect-tags', one(OUTCOMES.refused!.report)],
    ['refused-gate', one(GATE_REFUSED)],
    ['failed', one(OUTCOMES['partial failure']!.report)],
    ['cancelled', one(OUTCOMES.cancelled!.report, OUTCOMES.cancelled!.cancelReason)],
    ['release', release(releaseReport())],
    ['large-release', release(largeReleaseReport())],
    [
      'input-error',
      (() => {
        const markdown = renderEarlyFailure(
          core.summary.emptyBuffer(),
          INPUT_ERROR.report,
          INPUT_ERROR.inputs
        ).stringify()
        core.summary.emptyBuffer()
        return markdown
      })()
    ]
  ]
}
