// State as a JSON fixtures file: repositories with their settings, blobs (base64) and images
// (manifests with tags, and what ECR knows of them: scans, signing statuses), loaded through the
// same rules as the API.
import type { EmulatorSettings } from './context.js'
import { pushManifest } from './operations/images.js'
import { sha256 } from './manifests.js'
import { putScan, scanSnapshot, type ScanSpec } from './scans.js'
import { completedSigning, putSigning, type SigningSpec } from './signing.js'
import {
  ARTIFACT_STATUSES,
  tagsOf,
  type ArtifactStatus,
  type Store,
  type TagMutability
} from './store.js'
import { remaining, settle } from './timeline.js'

export interface StateFile {
  /** ECR Public registries; their repositories are listed with region "public". */
  publicRegistries?: Array<{ registryId: string; alias: string }>
  repositories: Array<{
    registryId: string
    region: string
    name: string
    tagMutability?: TagMutability
    exclusionFilters?: string[]
    /** digest -> base64 bytes */
    blobs?: Record<string, string>
    /** In push order: children before the indexes that list them, subjects before referrers. */
    images?: Array<{
      manifest: string
      mediaType?: string
      tags?: string[]
      /** Default ACTIVE. */
      artifactStatus?: ArtifactStatus
      /** Timestamps as ISO 8601 strings; a delay counts from when the file is loaded. */
      scan?: ScanSpec
      signingStatuses?: SigningSpec[]
    }>
  }>
}

export function loadState(store: Store, settings: EmulatorSettings, state: StateFile): void {
  for (const registry of state.publicRegistries ?? [])
    store.publicRegistries.set(registry.registryId, { ...registry })
  for (const entry of state.repositories) {
    const repository =
      store.find(entry.registryId, entry.region, entry.name) ??
      store.create(entry.registryId, entry.region, entry.name, {
        ...(entry.tagMutability && { tagMutability: entry.tagMutability }),
        ...(entry.exclusionFilters && { exclusionFilters: entry.exclusionFilters })
      })
    for (const [digest, base64] of Object.entries(entry.blobs ?? {})) {
      const bytes = Buffer.from(base64, 'base64')
      if (sha256(bytes) !== digest)
        throw new Error(`fixture blob ${digest} in ${entry.name} does not hash to its digest`)
      repository.blobs.set(digest, { digest, size: bytes.length, chunks: [bytes] })
    }
    for (const image of entry.images ?? []) {
      const request = {
        manifest: image.manifest,
        ...(image.mediaType && { mediaType: image.mediaType })
      }
      const tags = image.tags ?? []
      const pushes = tags.length === 0 ? [request] : tags.map((tag) => ({ ...request, tag }))
      const digest = pushes.map((push) => pushManifest(repository, push, settings).image.digest)[0]!
      if (image.artifactStatus !== undefined) {
        if (!ARTIFACT_STATUSES.includes(image.artifactStatus))
          throw new Error(`fixture image ${digest} has unknown status ${image.artifactStatus}`)
        repository.images.get(digest)!.artifactStatus = image.artifactStatus
      }
      putScan(repository, digest, image.scan)
      putSigning(repository, digest, image.signingStatuses)
    }
  }
}

/** A state as JSON holds it: Dates become ISO strings. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

export function exportState(store: Store): StateFile {
  return {
    ...(store.publicRegistries.size > 0 && {
      publicRegistries: [...store.publicRegistries.values()].map((registry) => ({ ...registry }))
    }),
    repositories: [...store.repositories.values()].map((repository) => {
      // Children and subjects first, so the file loads back through PutImage's checks.
      const images = [...repository.images.values()].sort(
        (a, b) =>
          Number(a.childDigests.length > 0) - Number(b.childDigests.length > 0) ||
          Number(a.subject !== undefined) - Number(b.subject !== undefined)
      )
      return {
        registryId: repository.registryId,
        region: repository.region,
        name: repository.name,
        tagMutability: repository.tagMutability,
        exclusionFilters: repository.exclusionFilters,
        blobs: Object.fromEntries(
          [...repository.blobs.values()].map((blob) => [
            blob.digest,
            Buffer.concat(blob.chunks).toString('base64')
          ])
        ),
        images: images.map((image) => {
          const scan = repository.scans.get(image.digest)
          const signing = repository.signing.get(image.digest)
          return {
            manifest: image.manifest,
            mediaType: image.mediaType,
            tags: tagsOf(repository, image.digest),
            ...(image.artifactStatus !== 'ACTIVE' && { artifactStatus: image.artifactStatus }),
            // As they stand now, with what is left of any delay.
            ...(scan && { scan: plain(scanSnapshot(scan)) }),
            ...(signing && {
              signingStatuses: signing.map((status) =>
                plain(remaining(settle(status, completedSigning)))
              )
            })
          }
        })
      }
    })
  }
}
