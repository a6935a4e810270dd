// Reads what a copy into another repository needs: the source's child manifests and referrers, and
// which of them (and of their blobs) the target already has. Reads only; the plan is planCopy's.
import { planCopy, blobsOf, type CopyPlan, type ManifestRole } from './copy-plan.js'
import type { EcrApi } from './ecr.js'
import { presentManifests, readManifests, type ManifestNode } from './graph.js'
import type { SettledRepository } from './inputs.js'
import type { SourceImage } from './resolve.js'

/** Deeper nesting than an index of indexes, or signatures of signatures of signatures, is not followed. */
const MAX_DEPTH = 4
const ROOT_STAGE = 100

type StagedNode = ManifestNode & { role: ManifestRole; stage: number }

export interface SurveyRequest {
  source: SourceImage
  target: SettledRepository
  /** The target already has the root manifest (a tag there points at it). */
  rootPresent: boolean
  copyReferrers: boolean
}

/** Descendants of an index, level by level, read from the source while the target is asked which it has. */
async function surveyDescendants(
  ecr: EcrApi,
  request: SurveyRequest,
  present: Set<string>
): Promise<StagedNode[]> {
  const { source, target } = request
  const nodes: StagedNode[] = []
  let parents: ManifestNode[] = [source]
  for (let depth = 1; depth <= MAX_DEPTH; depth++) {
    const digests = [
      ...new Set(parents.flatMap((parent) => parent.info.children.map((child) => child.digest)))
    ]
    // The first round also asks whether the target has the root itself.
    const ask = depth === 1 ? [source.digest, ...digests] : digests
    if (ask.length === 0) break
    const [children, found] = await Promise.all([
      readManifests(ecr, source.repository, digests, 'child manifest'),
      presentManifests(ecr, target, ask)
    ])
    for (const digest of found) present.add(digest)
    for (const child of children) nodes.push({ ...child, role: 'child', stage: ROOT_STAGE - depth })
    // A manifest the target has brings its own children along.
    parents = children.filter((child) => child.info.kind === 'index' && !present.has(child.digest))
    if (parents.length === 0) break
  }
  return nodes
}

/** The root, and for an index its descendants: which the target lacks. */
async function surveyManifests(
  ecr: EcrApi,
  request: SurveyRequest,
  present: Set<string>
): Promise<StagedNode[]> {
  if (request.rootPresent) return []
  if (request.source.info.kind === 'index') return surveyDescendants(ecr, request, present)
  for (const digest of await presentManifests(ecr, request.target, [request.source.digest]))
    present.add(digest)
  return []
}

/** Referrers of the promoted digest (and of those referrers), from ListImageReferrers on the source. */
async function surveyReferrers(
  ecr: EcrApi,
  request: SurveyRequest,
  present: Set<string>
): Promise<StagedNode[]> {
  const { source, target } = request
  const nodes: StagedNode[] = []
  const seen = new Set<string>([source.digest])
  let subjects = [source.digest]
  for (let depth = 1; depth <= MAX_DEPTH && subjects.length > 0; depth++) {
    const listed = (
      await Promise.all(subjects.map((subject) => ecr.listReferrers(source.repository, subject)))
    ).flat()
    const digests = [...new Set(listed.map((referrer) => referrer.digest))].filter(
      (digest) => !seen.has(digest)
    )
    if (digests.length === 0) break
    for (const digest of digests) seen.add(digest)
    const [referrers, found] = await Promise.all([
      readManifests(ecr, source.repository, digests, 'referrer'),
      presentManifests(ecr, target, digests)
    ])
    for (const digest of found) present.add(digest)
    for (const referrer of referrers)
      nodes.push({ ...referrer, role: 'referrer', stage: ROOT_STAGE + depth })
    subjects = digests
  }
  return nodes
}

/** Everything the target lacks, found with reads only: what dry-run reports and apply copies. */
export async function surveyCopy(ecr: EcrApi, request: SurveyRequest): Promise<CopyPlan> {
  const present = new Set<string>(request.rootPresent ? [request.source.digest] : [])
  const root: StagedNode = { ...request.source, role: 'root', stage: ROOT_STAGE }
  const [descendants, referrers] = await Promise.all([
    surveyManifests(ecr, request, present),
    request.copyReferrers ? surveyReferrers(ecr, request, present) : Promise.resolve([])
  ])
  const nodes = [...descendants, root, ...referrers]
  const needed = [
    ...new Set(
      nodes
        .filter((node) => !present.has(node.digest))
        .flatMap((node) => blobsOf(node).map((blob) => blob.digest))
    )
  ]
  const sizes =
    needed.length > 0 ? await ecr.checkBlobs(request.target, needed) : new Map<string, number>()
  return planCopy(nodes, present, sizes)
}
