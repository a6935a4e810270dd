// Reads what a copy into another repository needs: the source's child manifests and referrers, and
// which of them (and of their blobs) the target already has. Reads only; the plan is planCopy's.
import type { ManifestNode, RepositoryRef, SettledRepository } from '../oci/index.js'
import {
  isUnsupported,
  presentManifests,
  readManifests,
  type Referrer,
  type Registry,
  type Unsupported
} from '../registry/index.js'
import {
  blobsOf,
  planCopy,
  type CopyPlan,
  type ManifestRole,
  type SurveyedManifest
} from './plan.js'

/** Deeper nesting than an index of indexes, or signatures of signatures of signatures, is not followed. */
const MAX_DEPTH = 4

export interface SurveyRequest {
  source: ManifestNode & { repository: RepositoryRef }
  target: SettledRepository
  /** The target already has the root manifest (a tag there points at it). */
  rootPresent: boolean
  /** The target repository does not exist yet: it has nothing, and is not asked. */
  targetMissing?: boolean
  copyReferrers: boolean
}

/** What one level of the walk found: the manifests read from the source, and which the target has. */
interface Level {
  nodes: SurveyedManifest[]
  present: Set<string>
}

/** Reads `digests` from the source while asking the target which of `ask` it already has. */
async function readLevel(
  registry: Registry,
  request: SurveyRequest,
  digests: string[],
  ask: string[],
  role: Exclude<ManifestRole, 'root'>,
  level: number
): Promise<Level> {
  const [manifests, present] = await Promise.all([
    readManifests(
      registry,
      request.source.repository,
      digests,
      role === 'child' ? 'child manifest' : role
    ),
    request.targetMissing ? new Set<string>() : presentManifests(registry, request.target, ask)
  ])
  return { nodes: manifests.map((node) => ({ ...node, role, level })), present }
}

/** The root's presence, and for an index its descendants level by level, and which the target lacks. */
async function surveyManifests(
  registry: Registry,
  request: SurveyRequest,
  present: Set<string>
): Promise<SurveyedManifest[]> {
  if (request.rootPresent) return []
  const nodes: SurveyedManifest[] = []
  let parents: ManifestNode[] = [request.source]
  for (let level = 1; level <= MAX_DEPTH && parents.length > 0; level++) {
    const digests = [
      ...new Set(parents.flatMap((parent) => parent.info.children.map((child) => child.digest)))
    ]
    // The first round also asks whether the target has the root itself.
    const ask = level === 1 ? [request.source.digest, ...digests] : digests
    const found = await readLevel(registry, request, digests, ask, 'child', level)
    for (const digest of found.present) present.add(digest)
    nodes.push(...found.nodes)
    // A manifest the target has brings its own children along.
    parents = found.nodes.filter(
      (child) => child.info.kind === 'index' && !present.has(child.digest)
    )
  }
  return nodes
}

/** Referrers of the promoted digest (and of those referrers), listed in the source. */
async function surveyReferrers(
  registry: Registry,
  request: SurveyRequest,
  present: Set<string>,
  inactive: Map<string, string>
): Promise<SurveyedManifest[] | Unsupported> {
  const nodes: SurveyedManifest[] = []
  const seen = new Set<string>([request.source.digest])
  let subjects = [request.source.digest]
  for (let level = 1; level <= MAX_DEPTH && subjects.length > 0; level++) {
    const listed = await Promise.all(
      subjects.map((subject) => registry.listReferrers(request.source.repository, subject))
    )
    const unsupported = listed.find(isUnsupported)
    if (unsupported) return unsupported
    const lists = listed
      .filter((referrers): referrers is Referrer[] => !isUnsupported(referrers))
      .map((referrers) =>
        referrers.filter((referrer) => {
          // One that cannot be read (archived, or being restored) is set aside for the caller.
          const status = referrer.status ?? 'ACTIVE'
          if (status !== 'ACTIVE') inactive.set(referrer.digest, status)
          return status === 'ACTIVE'
        })
      )
    const digests = [
      ...new Set(lists.flatMap((referrers) => referrers.map((referrer) => referrer.digest)))
    ].filter((digest) => !seen.has(digest))
    if (digests.length === 0) break
    for (const digest of digests) seen.add(digest)
    const found = await readLevel(registry, request, digests, digests, 'referrer', level)
    for (const digest of found.present) present.add(digest)
    nodes.push(...found.nodes)
    subjects = digests
  }
  return nodes
}

/** Everything the target lacks, found with reads only: what a dry run reports and apply copies. */
export async function surveyCopy(registry: Registry, request: SurveyRequest): Promise<CopyPlan> {
  const present = new Set<string>(request.rootPresent ? [request.source.digest] : [])
  const root: SurveyedManifest = { ...request.source, role: 'root', level: 0 }
  const inactive = new Map<string, string>()
  const [descendants, referrers] = await Promise.all([
    surveyManifests(registry, request, present),
    request.copyReferrers
      ? surveyReferrers(registry, request, present, inactive)
      : Promise.resolve([])
  ])
  const nodes = [...descendants, root, ...(isUnsupported(referrers) ? [] : referrers)]
  const needed = [
    ...new Set(
      nodes
        .filter((node) => !present.has(node.digest))
        .flatMap((node) => blobsOf(node).map((blob) => blob.digest))
    )
  ]
  const sizes =
    needed.length > 0 && !request.targetMissing
      ? await registry.checkBlobs(request.target, needed)
      : new Map<string, number>()
  const plan = {
    ...planCopy(nodes, present, sizes),
    ...(inactive.size > 0 && {
      inactiveReferrers: [...inactive].map(([digest, status]) => ({ digest, status }))
    })
  }
  return isUnsupported(referrers) ? { ...plan, referrersUnlisted: referrers.reason } : plan
}
