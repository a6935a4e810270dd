// The inputs, as both faces take them (the action's INPUT_* variables, later the command line's
// options): read through an InputReader, validated before any AWS call, and turned into a
// PromotionRequest. A bad input throws one InputError naming it. It may import src/promotion's
// types and src/oci.
import {
  PUBLIC_REGION,
  isSameRepository,
  tagPullWarning,
  type RepositoryRef
} from '../oci/index.js'
import type { PromotionRequest } from '../promotion/index.js'
import { InputError } from './errors.js'
import {
  parseRepository,
  parseTarget,
  refuseForPublic,
  regionInput,
  registryIdInput,
  type RepositoryInput
} from './repository.js'
import { parseTags } from './tags.js'
import {
  checkTag,
  parseBoolean,
  parseDigest,
  parseProtectTags,
  parseRegion,
  regionFromEnv,
  type InputReader
} from './values.js'

export { InputError } from './errors.js'

export interface PromoteInputs extends PromotionRequest {
  /** Things that are allowed but probably not meant (tags Docker cannot pull). */
  warnings: string[]
}

export type { InputReader } from './values.js'
export { splitList } from './values.js'

/** Reads and validates every input; throws an InputError naming the first bad one. */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv): PromoteInputs {
  const repository = parseRepository('repository', read('repository'))
  if (repository.publicAlias !== undefined)
    return parseRest(read, parsePublicSource(read, env, repository))
  const registryId = registryIdInput(read, 'registry-id', repository.registryId)
  const region = regionInput(read, 'region', repository.region) ?? regionFromEnv(env)
  if (region === undefined) {
    throw new InputError(
      'region',
      'no region given; set the region input, use a full repository URI, or set AWS_REGION'
    )
  }
  const source: RepositoryRef = { name: repository.name, region, ...(registryId && { registryId }) }
  return parseRest(read, { source, privateRegion: region })
}

interface SourceSide {
  source: RepositoryRef
  /** The region for a private target that does not name its own. */
  privateRegion?: string
}

/** A source in ECR Public: `region` then only serves a private target. */
function parsePublicSource(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  repository: RepositoryInput
): SourceSide {
  refuseForPublic(
    read,
    ['registry-id'],
    `public.ecr.aws/${repository.publicAlias}/${repository.name}`
  )
  const privateRegion = parseRegion('region', read('region')) || regionFromEnv(env)
  return {
    source: { name: repository.name, region: PUBLIC_REGION, publicAlias: repository.publicAlias! },
    ...(privateRegion && { privateRegion })
  }
}

function parseRest(
  read: InputReader,
  { source: sourceSide, privateRegion }: SourceSide
): PromoteInputs {
  const sourceTagInput = read('source-tag')
  const sourceTag = sourceTagInput === '' ? undefined : checkTag('source-tag', sourceTagInput)
  const sourceDigest = parseDigest('source-digest', read('source-digest'))
  if (sourceTag === undefined && sourceDigest === undefined) {
    throw new InputError(
      'source-tag',
      'no source image given; set source-tag, source-digest, or both'
    )
  }

  const named = parseTarget(read, sourceSide, privateRegion)
  const { tags, registryIdFromTags } = parseTags(read('tags'), named)
  // Full references in `tags` may be the only place that names the registry: the target's, and the
  // source's too when the target is the source repository.
  const fromTags = named.registryId === undefined ? registryIdFromTags : undefined
  const target = fromTags !== undefined ? { ...named, registryId: fromTags } : named
  const source =
    fromTags !== undefined && isSameRepository(sourceSide, named)
      ? { ...sourceSide, registryId: fromTags }
      : sourceSide
  const expectedDigest = parseDigest('expected-digest', read('expected-digest'))
  const protectTags = parseProtectTags(read('protect-tags'))
  const dryRun = parseBoolean('dry-run', read('dry-run'), false)
  const copyReferrers = parseBoolean('copy-referrers', read('copy-referrers'), true)

  const warnings = tags.map(tagPullWarning).filter((warning) => warning !== undefined)
  return {
    source,
    target,
    ...(sourceTag && { sourceTag }),
    ...(sourceDigest && { sourceDigest }),
    tags,
    ...(expectedDigest && { expectedDigest }),
    protectTags,
    dryRun,
    copyReferrers,
    warnings
  }
}
