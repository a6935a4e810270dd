// Runs of every outcome, as the promotion reports them, for the summary's snapshot tests and for
// rendering the summary as GitHub does (scripts/render-summaries.ts).
import { helloWorld, otherImage } from './manifests.js'
import { inspectManifest } from '../src/oci/index.js'
import {
  buildImageReport,
  buildReleaseReport,
  type ImageResult,
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

function image(tags: TagOutcome[], extra: Partial<ImageResult> = {}): ImageResult {
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

function result(images: ImageResult[], flags: Partial<PromotionResult> = {}): PromotionResult {
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
                permanent: true
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
