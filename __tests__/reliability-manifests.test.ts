// Manifests no registry should hand out, answered by a misbehaving ECR: each is refused with a clear
// error before anything is written.
import { describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { createHash } from 'node:crypto'
import { runDist } from '../__fixtures__/actions.js'

const sha = (text: string): string => 'sha256:' + createHash('sha256').update(text).digest('hex')
const OCI = 'application/vnd.oci.image.manifest.v1+json'
const valid = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI,
  config: { digest: sha('c'), size: 1 },
  layers: []
})

const emulator = useEmulator({ seed: true })

const cases: Array<[string, string, string, string | undefined, RegExp]> = [
  [
    'is not JSON',
    '{"schemaVersion": 2,',
    sha('{"schemaVersion": 2,'),
    OCI,
    /the manifest ECR returned is not valid JSON/
  ],
  [
    'is over 4 MiB',
    `{"pad":"${'x'.repeat(4_194_304)}"}`,
    '',
    OCI,
    /the manifest is 4194314 characters long, over the 4194304 that PutImage accepts/
  ],
  [
    'has no mediaType and none was reported',
    JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }),
    '',
    undefined,
    /the manifest has no mediaType and ECR reported none/
  ],
  [
    'does not hash to its digest',
    valid,
    sha(valid + ' '),
    OCI,
    /hashes to sha256:[0-9a-f]{64}, not to the digest ECR reported/
  ]
]

describe('a manifest that', () => {
  test.each(cases)(
    '%s is refused before any write',
    async (_what, manifest, digest, mediaType, error) => {
      emulator.resetLog()
      emulator.onRequest((request) => {
        if (request.operation !== 'BatchGetImage') return
        return {
          status: 200,
          body: {
            images: [
              {
                registryId: '123456789012',
                repositoryName: 'demo/app',
                imageId: { imageTag: 'staging', imageDigest: digest || sha(manifest) },
                imageManifest: manifest,
                ...(mediaType && { imageManifestMediaType: mediaType })
              }
            ],
            failures: []
          }
        }
      })
      const run = await runDist(
        {
          repository: 'demo/app',
          'source-tag': 'staging',
          tags: 'prod',
          'target-repository': 'demo/app-prod'
        },
        emulator.env
      )
      emulator.onRequest(undefined)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(error)
      expect(run.stdout.split('\n').filter((line) => line.startsWith('::error'))).toHaveLength(1)
      expect(
        emulator.log
          .map((entry) => entry.operation)
          // Reads only: the images, and beside them the target's tag mutability, lifecycle policy
          // and signing configuration, and the source's status.
          .filter(
            (operation) =>
              ![
                'BatchGetImage',
                'DescribeRepositories',
                'DescribeImages',
                'GetLifecyclePolicy',
                'GetSigningConfiguration'
              ].includes(operation)
          )
      ).toEqual([])
    }
  )
})
