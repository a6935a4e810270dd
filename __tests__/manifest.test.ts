import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { helloWorld, helmChart, ociIndex } from '../__fixtures__/manifests.js'
import { ManifestError } from '../src/oci/manifest.js'
import { MediaType, inspectManifest, manifestDigest } from '../src/oci/manifest.js'

// The two lines of the example output on the AWS CLI's put-image page (seed 003) that name the
// manifest and the digest ECR answered for it, verbatim.
const SEED = new URL('../__fixtures__/put-image-example-output.txt', import.meta.url)

describe('manifestDigest', () => {
  test('is the digest ECR returned for the put-image example manifest', () => {
    expect(manifestDigest(helloWorld.manifest, helloWorld.mediaType)).toBe(
      'sha256:8ece96b74f87652876199d83bd107d0435a196133af383ac54cb82b6cc5283ae'
    )
  })

  test('the fixture is byte for byte the manifest in the ECR seed document', () => {
    const seed = readFileSync(SEED, 'utf8')
    const literal = /"imageManifest": ("(?:[^"\\]|\\.)*")/.exec(seed)![1]!
    expect(JSON.parse(literal)).toBe(helloWorld.manifest)
    expect(seed).toContain(`"imageDigest": "${helloWorld.digest}"`)
  })

  test('changes with any byte: whitespace, line endings, key order', () => {
    const digest = manifestDigest(helloWorld.manifest, helloWorld.mediaType)
    expect(manifestDigest(helloWorld.manifest.trimEnd(), helloWorld.mediaType)).not.toBe(digest)
    expect(
      manifestDigest(helloWorld.manifest.replace(/\n/g, '\r\n'), helloWorld.mediaType)
    ).not.toBe(digest)
    expect(
      manifestDigest(JSON.stringify(JSON.parse(helloWorld.manifest)), helloWorld.mediaType)
    ).not.toBe(digest)
  })

  test('hashes non-ASCII text as UTF-8', () => {
    expect(manifestDigest('{"a":"é"}', MediaType.ociManifest)).toBe(
      'sha256:b3a092a6af48807fa9482b2ee140105575daa26d5b24b3c0e60a7e2dee6683b1'
    )
  })

  test('covers the payload of a signed schema 1 manifest, not its signatures', () => {
    const payload =
      '{\n   "schemaVersion": 1,\n   "name": "app",\n   "tag": "latest",\n   "fsLayers": [{"blobSum": "sha256:' +
      'c'.repeat(64) +
      '"}]\n}'
    const formatLength = payload.length - 2
    const formatTail = Buffer.from(payload.slice(formatLength)).toString('base64url')
    const protectedHeader = Buffer.from(JSON.stringify({ formatLength, formatTail })).toString(
      'base64url'
    )
    const signed = `${payload.slice(0, formatLength)},\n   "signatures": [{"protected": "${protectedHeader}", "signature": "x"}]\n}`
    expect(manifestDigest(signed, MediaType.dockerSchema1Signed)).toBe(
      manifestDigest(payload, MediaType.ociManifest)
    )
    expect(inspectManifest(signed, MediaType.dockerSchema1Signed, 'x').blobs).toEqual([
      { digest: `sha256:${'c'.repeat(64)}` }
    ])
  })
})

describe('inspectManifest', () => {
  test('lists config and layers of an image manifest', () => {
    const info = inspectManifest(helloWorld.manifest, undefined, 'x')
    expect(info.kind).toBe('image')
    expect(info.mediaType).toBe(MediaType.dockerManifest)
    expect(info.blobs).toHaveLength(12)
    expect(info.blobs[0]!.digest).toBe(
      'sha256:cea5fe7701b7db3dd1c372f3cea6f43cdda444fcc488f530829145e426d8b980'
    )
  })

  test('takes the media type ECR reported when the manifest has none', () => {
    const info = inspectManifest(helmChart.manifest, helmChart.mediaType, 'x')
    expect(info).toMatchObject({ kind: 'image', mediaType: MediaType.ociManifest })
    expect(info.blobs).toHaveLength(2)
  })

  test('lists the children of an index', () => {
    const info = inspectManifest(ociIndex.manifest, undefined, 'x')
    expect(info.kind).toBe('index')
    expect(info.children.map((child) => child.platform?.architecture)).toEqual(['amd64', 'arm64'])
  })

  test.each([
    [
      'not JSON',
      '{"schemaVersion": 2',
      undefined,
      'x: the manifest ECR returned is not valid JSON'
    ],
    [
      'not an object',
      '[1]',
      MediaType.ociManifest,
      'x: the manifest ECR returned is not a JSON object'
    ],
    [
      'without any media type',
      helmChart.manifest,
      undefined,
      'x: the manifest has no mediaType and ECR reported none'
    ],
    [
      'over 4 MiB',
      `{"a":"${'x'.repeat(4_194_304)}"}`,
      MediaType.ociManifest,
      'x: the manifest is 4194312 characters long, over the 4194304'
    ]
  ])('refuses a manifest %s', (_what, text, mediaType, message) => {
    expect(() => inspectManifest(text, mediaType, 'x')).toThrow(ManifestError)
    expect(() => inspectManifest(text, mediaType, 'x')).toThrow(message)
  })
})
