import { describe, expect, test } from '@jest/globals'
import { blobsOf, bytesToCopy, manifestWrites, missingBlobs, planCopy } from '../src/copy/plan.js'
import type { ManifestNode } from '../src/oci/manifest.js'
import { inspectManifest } from '../src/oci/manifest.js'

const d = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`

function image(
  digest: string,
  blobs: Array<{ digest: string; size: number; mediaType?: string; urls?: string[] }>
): ManifestNode {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...blobs[0] },
    layers: blobs
      .slice(1)
      .map((blob) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...blob }))
  })
  return {
    digest,
    manifest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    info: inspectManifest(manifest, undefined, 'test')
  }
}

describe('planCopy', () => {
  const amd = image(d(10), [
    { digest: d(1), size: 100 },
    { digest: d(2), size: 1000 }
  ])
  const arm = image(d(11), [
    { digest: d(3), size: 100 },
    { digest: d(2), size: 1000 }
  ])
  const index = {
    ...image(d(12), []),
    info: { ...image(d(12), []).info, kind: 'index' as const, blobs: [] }
  }
  const signature = image(d(13), [
    { digest: d(4), size: 2 },
    { digest: d(5), size: 50 }
  ])
  const nodes = [
    { ...signature, role: 'referrer' as const, level: 1 },
    { ...index, role: 'root' as const, level: 0 },
    { ...amd, role: 'child' as const, level: 1 },
    { ...arm, role: 'child' as const, level: 1 }
  ]

  test('copies the blobs of missing manifests once each, and skips what the target has', () => {
    const plan = planCopy(nodes, new Set([d(11)]), new Map([[d(1), 100]]))
    expect(plan.manifests.map((node) => [node.digest, node.role, node.present])).toEqual([
      [d(10), 'child', false],
      [d(11), 'child', true],
      [d(12), 'root', false],
      [d(13), 'referrer', false]
    ])
    // arm64 is there, so its blobs are not asked for; the layer it shares with amd64 is.
    expect(plan.blobs).toEqual([
      { digest: d(1), size: 100, present: true },
      { digest: d(2), size: 1000, present: false },
      { digest: d(4), size: 2, present: false },
      { digest: d(5), size: 50, present: false }
    ])
    expect(missingBlobs(plan).map((blob) => blob.digest)).toEqual([d(2), d(4), d(5)])
    expect(bytesToCopy(plan)).toBe(1052)
    expect(plan.referrers).toBe(1)
  })

  test('writes the root by digest before the tags only when referrers need it as their subject', () => {
    const withReferrer = planCopy(nodes, new Set(), new Map())
    expect(manifestWrites(withReferrer).map((node) => node.role)).toEqual([
      'child',
      'child',
      'root',
      'referrer'
    ])
    const without = planCopy(nodes.slice(1), new Set(), new Map())
    expect(manifestWrites(without).map((node) => node.role)).toEqual(['child', 'child'])
    const referrerPresent = planCopy(nodes, new Set([d(13)]), new Map())
    expect(manifestWrites(referrerPresent).map((node) => node.role)).toEqual(['child', 'child'])
  })

  test('a target that has everything needs nothing', () => {
    const plan = planCopy(nodes, new Set([d(10), d(11), d(12), d(13)]), new Map())
    expect(plan.blobs).toEqual([])
    expect(manifestWrites(plan)).toEqual([])
  })
})

describe('blobsOf', () => {
  test('leaves out foreign and non-distributable layers', () => {
    const node = image(d(20), [
      { digest: d(1), size: 1 },
      {
        digest: d(2),
        size: 2,
        mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
        urls: ['https://example.com/x']
      },
      {
        digest: d(3),
        size: 3,
        mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip'
      },
      { digest: d(4), size: 4 }
    ])
    expect(blobsOf(node).map((blob) => blob.digest)).toEqual([d(1), d(4)])
  })
})
