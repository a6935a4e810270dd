// One image to promote, from whichever form the inputs give it in: the single-image inputs
// (repository, source-tag, source-digest, target-repository, tags) or one entry of a release.
import {
  PUBLIC_REGION,
  isSameRepository,
  tagPullWarning,
  type RepositoryRef
} from '../oci/index.js'
import type { ImageRequest } from '../promotion/index.js'
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
import { checkTag, parseDigest, parseRegion, regionFromEnv, type InputReader } from './values.js'

/** An image as an input describes it, its values still as given. */
export interface ImageEntry {
  repository: string
  tag?: string
  digest?: string
  expectedDigest?: string
  targetRepository?: string
  /** Tags of this image only, beside those every image gets. */
  tags: string[]
}

/** Which input (or which field of an entry) each part of an entry came from, for errors. */
export interface EntryInputs {
  repository: string
  tag: string
  digest: string
  expectedDigest: string
  targetRepository: string
  tags: string
}

export const SINGLE_IMAGE_INPUTS: EntryInputs = {
  repository: 'repository',
  tag: 'source-tag',
  digest: 'source-digest',
  expectedDigest: 'expected-digest',
  targetRepository: 'target-repository',
  tags: 'tags'
}

interface SourceSide {
  source: RepositoryRef
  /** The region for a private target that does not name its own. */
  privateRegion?: string
}

/** The source repository; `registry-id` and `region` (or the environment) fill in a bare name. */
function parseSource(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  input: string,
  value: string
): SourceSide {
  const repository: RepositoryInput = parseRepository(input, value)
  if (repository.publicAlias !== undefined) {
    refuseForPublic(
      read,
      ['registry-id'],
      `public.ecr.aws/${repository.publicAlias}/${repository.name}`
    )
    const privateRegion = parseRegion('region', read('region')) || regionFromEnv(env)
    return {
      source: { name: repository.name, region: PUBLIC_REGION, publicAlias: repository.publicAlias },
      ...(privateRegion && { privateRegion })
    }
  }
  const registryId = registryIdInput(read, 'registry-id', repository.registryId)
  const region = regionInput(read, 'region', repository.region) ?? regionFromEnv(env)
  if (region === undefined) {
    throw new InputError(
      'region',
      'no region given; set the region input, use a full repository URI, or set AWS_REGION'
    )
  }
  return {
    source: { name: repository.name, region, ...(registryId && { registryId }) },
    privateRegion: region
  }
}

/** How the image is named in messages: as the inputs wrote it. */
function nameOf(entry: ImageEntry): string {
  return `${entry.repository}${entry.tag !== undefined ? `:${entry.tag}` : ''}${entry.digest !== undefined ? `@${entry.digest}` : ''}`
}

/**
 * The image an entry describes. `commonTags` go to every image of the run; full references in the
 * tags (REGISTRY/REPOSITORY:TAG) are taken only where `references` allows, since they name one
 * repository.
 */
export function parseImage(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  entry: ImageEntry,
  commonTags: string,
  inputs: EntryInputs,
  references: boolean
): { image: ImageRequest; warnings: string[] } {
  const side = parseSource(read, env, inputs.repository, entry.repository)
  const sourceTag = entry.tag === undefined ? undefined : checkTag(inputs.tag, entry.tag)
  const sourceDigest = parseDigest(inputs.digest, entry.digest ?? '')
  if (sourceTag === undefined && sourceDigest === undefined) {
    throw new InputError(
      inputs.tag,
      `no source image given for ${entry.repository}; give a tag, a digest, or both`
    )
  }
  const named = parseTarget(read, side.source, side.privateRegion, {
    input: inputs.targetRepository,
    value: entry.targetRepository ?? ''
  })
  const all = [commonTags, ...entry.tags].filter((tags) => tags !== '').join('\n')
  const { tags, registryIdFromTags } = parseTags(all, named, { input: inputs.tags, references })
  // Full references in `tags` may be the only place that names the registry: the target's, and the
  // source's too when the target is the source repository.
  const fromTags = named.registryId === undefined ? registryIdFromTags : undefined
  const target = fromTags !== undefined ? { ...named, registryId: fromTags } : named
  const source =
    fromTags !== undefined && isSameRepository(side.source, named)
      ? { ...side.source, registryId: fromTags }
      : side.source
  const expectedDigest = parseDigest(inputs.expectedDigest, entry.expectedDigest ?? '')
  return {
    image: {
      name: nameOf(entry),
      source,
      target,
      ...(sourceTag !== undefined && { sourceTag }),
      ...(sourceDigest !== undefined && { sourceDigest }),
      ...(expectedDigest !== undefined && { expectedDigest }),
      tags
    },
    warnings: tags.map(tagPullWarning).filter((warning) => warning !== undefined)
  }
}
