// Small real images for tests and the demo: gzip'd tar layers, an image config, Docker and OCI
// manifests, a two-platform index and a signature referrer, pushed through PutImage's own rules.
import { gzipSync } from 'node:zlib'
import type { EmulatorSettings } from './context.js'
import { sha256 } from './manifests.js'
import { pushManifest } from './operations/images.js'
import type { Repository, Store } from './store.js'

export const MediaTypes = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json'
} as const

export interface Blob {
  digest: string
  bytes: Buffer
}

export interface BuiltImage {
  manifest: string
  mediaType: string
  digest: string
  blobs: Blob[]
}

function blob(bytes: Buffer): Blob {
  return { digest: sha256(bytes), bytes }
}

/** A POSIX tar archive holding the given files, deterministic to the byte. */
export function tar(files: Record<string, string | Buffer>): Buffer {
  const blocks: Buffer[] = []
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content)
    const header = Buffer.alloc(512)
    header.write(name, 0, 100)
    header.write('0000644\0', 100)
    header.write('0000000\0', 108)
    header.write('0000000\0', 116)
    header.write(data.length.toString(8).padStart(11, '0') + '\0', 124)
    header.write('00000000000\0', 136)
    header.write('        ', 148)
    header.write('0', 156)
    header.write('ustar\0', 257)
    header.write('00', 263)
    let sum = 0
    for (const byte of header) sum += byte
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

export interface ImageSpec {
  files: Record<string, string | Buffer>
  platform?: { os: string; architecture: string }
  format?: 'docker' | 'oci'
  /** Extra layer bytes, for large images in benchmarks (stored uncompressed as given). */
  rawLayers?: Buffer[]
}

/** A runnable-looking image: one gzip'd tar layer (plus any raw ones), its config, its manifest. */
export function buildImage(spec: ImageSpec): BuiltImage {
  const format = spec.format ?? 'oci'
  const layerTar = tar(spec.files)
  const layer = blob(gzipSync(layerTar, { level: 9 }))
  const extra = (spec.rawLayers ?? []).map(blob)
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' }
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        config: { Cmd: ['/bin/hello'], Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar), ...extra.map((l) => l.digest)] },
        history: [{ created_by: 'ecr-promote emulator seed' }]
      })
    )
  )
  const types =
    format === 'docker'
      ? {
          manifest: MediaTypes.dockerManifest,
          config: MediaTypes.dockerConfig,
          layer: MediaTypes.dockerLayer
        }
      : {
          manifest: MediaTypes.ociManifest,
          config: MediaTypes.ociConfig,
          layer: MediaTypes.ociLayer
        }
  const manifest = JSON.stringify(
    {
      schemaVersion: 2,
      mediaType: types.manifest,
      config: { mediaType: types.config, size: config.bytes.length, digest: config.digest },
      layers: [layer, ...extra].map((l) => ({
        mediaType: types.layer,
        size: l.bytes.length,
        digest: l.digest
      }))
    },
    null,
    3
  )
  return {
    manifest,
    mediaType: types.manifest,
    digest: sha256(manifest),
    blobs: [config, layer, ...extra]
  }
}

/** An OCI index over already built platform images. */
export function buildIndex(
  children: Array<BuiltImage & { platform: { os: string; architecture: string } }>
): BuiltImage {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: children.map((child) => ({
      mediaType: child.mediaType,
      size: Buffer.byteLength(child.manifest),
      digest: child.digest,
      platform: child.platform
    }))
  })
  return { manifest, mediaType: MediaTypes.ociIndex, digest: sha256(manifest), blobs: [] }
}

/** An OCI artifact whose subject is `subject`: how cosign and notation attach signatures. */
export function buildReferrer(
  subject: BuiltImage,
  artifactType: string,
  payload: string,
  annotations?: Record<string, string>
): BuiltImage {
  const empty = blob(Buffer.from('{}'))
  const content = blob(Buffer.from(payload))
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType,
    config: { mediaType: MediaTypes.ociEmpty, size: 2, digest: empty.digest },
    layers: [
      { mediaType: 'application/octet-stream', size: content.bytes.length, digest: content.digest }
    ],
    subject: {
      mediaType: subject.mediaType,
      size: Buffer.byteLength(subject.manifest),
      digest: subject.digest
    },
    ...(annotations && { annotations })
  })
  return {
    manifest,
    mediaType: MediaTypes.ociManifest,
    digest: sha256(manifest),
    blobs: [empty, content]
  }
}

/** A Helm-chart-like OCI artifact with no top-level mediaType: only PutImage's media type names it. */
export function buildChart(name: string, version: string): BuiltImage {
  const config = blob(Buffer.from(JSON.stringify({ name, version, apiVersion: 'v2' })))
  const chart = blob(
    gzipSync(
      tar({ [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: ${version}\n` })
    )
  )
  const manifest = JSON.stringify({
    schemaVersion: 2,
    config: {
      mediaType: 'application/vnd.cncf.helm.config.v1+json',
      digest: config.digest,
      size: config.bytes.length
    },
    layers: [
      {
        mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
        digest: chart.digest,
        size: chart.bytes.length
      }
    ]
  })
  return {
    manifest,
    mediaType: MediaTypes.ociManifest,
    digest: sha256(manifest),
    blobs: [config, chart]
  }
}

/** Stores the blobs, then the manifest through PutImage's rules (by digest, or with each tag). */
export function pushImage(
  repository: Repository,
  image: BuiltImage,
  settings: EmulatorSettings,
  tags: string[] = []
): string {
  for (const { digest, bytes } of image.blobs) {
    if (!repository.blobs.has(digest))
      repository.blobs.set(digest, { digest, size: bytes.length, chunks: [bytes] })
  }
  const request = { manifest: image.manifest, mediaType: image.mediaType, digest: image.digest }
  if (tags.length === 0) {
    if (!repository.images.has(image.digest)) pushManifest(repository, request, settings)
  }
  for (const tag of tags) {
    if (repository.tags.get(tag) !== image.digest)
      pushManifest(repository, { ...request, tag }, settings)
  }
  return image.digest
}

export interface SeededExample {
  registryId: string
  region: string
  repositories: { app: string; prod: string; immutable: string; charts: string }
  /** A single-platform Docker image, tagged `staging` and `build-1` in `app`, with a signature. */
  image: BuiltImage & { tags: string[] }
  signature: BuiltImage
  /** A two-platform OCI index tagged `multiarch` in `app`; its children are pushed by digest. */
  index: BuiltImage & { tags: string[]; children: BuiltImage[] }
  chart: BuiltImage & { tags: string[] }
}

/** The example repositories: an app with an image, an index and a signature, and empty targets. */
export function seedExample(
  store: Store,
  settings: EmulatorSettings,
  registryId = '123456789012',
  region = 'us-east-1'
): SeededExample {
  const repository = (name: string, tagMutability: 'MUTABLE' | 'IMMUTABLE' = 'MUTABLE') =>
    store.find(registryId, region, name) ??
    store.create(registryId, region, name, { tagMutability })
  const app = repository('demo/app')
  const prod = repository('demo/app-prod')
  const immutable = repository('demo/app-immutable', 'IMMUTABLE')
  const charts = repository('charts/hello')

  const image = buildImage({
    files: { 'bin/hello': '#!/bin/sh\necho "hello from ecr-promote"\n' },
    format: 'docker'
  })
  pushImage(app, image, settings, ['staging', 'build-1'])
  pushImage(immutable, image, settings, ['v1.0.0'])
  const signature = buildReferrer(
    image,
    'application/vnd.example.signature.v1+json',
    JSON.stringify({ signed: image.digest })
  )
  pushImage(app, signature, settings)

  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' }
  ]
  const children = platforms.map((platform) => ({
    ...buildImage({
      files: { 'bin/hello': `#!/bin/sh\necho "hello from ${platform.architecture}"\n` },
      platform
    }),
    platform
  }))
  for (const child of children) pushImage(app, child, settings)
  const index = buildIndex(children)
  pushImage(app, index, settings, ['multiarch'])

  const chart = buildChart('hello', '0.1.0')
  pushImage(charts, chart, settings, ['0.1.0'])

  return {
    registryId,
    region,
    repositories: {
      app: app.name,
      prod: prod.name,
      immutable: immutable.name,
      charts: charts.name
    },
    image: { ...image, tags: ['staging', 'build-1'] },
    signature,
    index: { ...index, tags: ['multiarch'], children },
    chart: { ...chart, tags: ['0.1.0'] }
  }
}
