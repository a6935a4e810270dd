// GitHub's strategy.matrix for a release: the action's own view of the release report, for a
// workflow that fans a release out by target account and region.
import { repositoryUri, type RepositoryRef } from '../oci/index.js'
import type { ReleaseReport } from '../promotion/index.js'

/**
 * The release grouped by target account and region, for `strategy.matrix` when one job's quota is
 * not enough: each group's `sources` is a release document pinning every image to the digest this
 * run resolved, with its full target and tags, so each job promotes exactly what was planned.
 */
export function releaseMatrix(report: ReleaseReport): string {
  // A plan refused is no plan to fan out.
  if (report.status === 'refused') return ''
  const groups = new Map<string, { target: string; images: number; entries: unknown[] }>()
  for (const image of report.images) {
    // Only a release whose every image resolved can be fanned out: each entry pins its digest.
    const { digest, target: into, source } = image
    if (digest === undefined || source === undefined) return ''
    if (into.publicAlias === undefined && into.registryId === undefined) return ''
    const target = into.publicAlias !== undefined ? 'public' : `${into.registryId}/${into.region}`
    const group = groups.get(target) ?? { target, images: 0, entries: [] }
    group.images++
    group.entries.push({
      repository: uri(source),
      digest,
      // A public target is named by its alias alone.
      'target-repository': uri(into),
      tags: image.tags.map((tag) => tag.tag)
    })
    groups.set(target, group)
  }
  return JSON.stringify({
    include: [...groups.values()].map((group) => ({
      target: group.target,
      images: group.images,
      sources: JSON.stringify(group.entries)
    }))
  })
}

function uri(repository: RepositoryRef): string {
  return repositoryUri({ ...repository, registryId: repository.registryId ?? '' })
}
