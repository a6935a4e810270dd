import { InputError, quote } from './errors.js'
import {
  DIGEST_PATTERN,
  PUBLIC_REGION,
  REGISTRY_ID_PATTERN,
  TAG_PATTERN,
  isPublicRegistryHost,
  isValidPublicAlias,
  isValidPublicRepositoryName,
  isValidRegion,
  isValidRepositoryName,
  parseRegistryHost,
  splitImageReference,
  tagPullWarning
} from './references.js'

export interface RepositoryRef {
  /** Undefined means the default registry of the caller's account. */
  registryId?: string
  region: string
  name: string
  /** Set for an ECR Public repository, public.ecr.aws/ALIAS/NAME; its region is always us-east-1. */
  publicAlias?: string
}

/** A repository whose registry id is known (the caller's default one resolved). */
export type SettledRepository = RepositoryRef & { registryId: string }

export interface PromoteInputs {
  /** Where the image is. */
  source: RepositoryRef
  /** Where the new tags go; the source repository unless a target-* input says otherwise. */
  target: RepositoryRef
  sourceTag?: string
  sourceDigest?: string
  /** New tags, deduplicated, in the order given. */
  tags: string[]
  expectedDigest?: string
  protectTags: string[]
  dryRun: boolean
  /** Also copy the image's referrers (signatures, SBOMs) when the target is another repository. */
  copyReferrers: boolean
  /** Things that are allowed but probably not meant (tags Docker cannot pull). */
  warnings: string[]
}

export type InputReader = (name: string) => string

const MAX_TAGS = 1000
const GLOB_PATTERN = /^[a-zA-Z0-9_.*?-]{1,300}$/

/** Reads `INPUT_*` variables as the Actions runner sets them. */
export function envInputReader(env: NodeJS.ProcessEnv): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Splits a list input on newlines and commas, dropping blank entries. */
export function splitList(value: string): string[] {
  return value
    .split(/[\r\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, `${quote(value)} is not a boolean; use true or false`)
}

function parseDigest(input: string, value: string): string | undefined {
  if (value === '') return undefined
  if (!DIGEST_PATTERN.test(value)) {
    throw new InputError(
      input,
      `${quote(value)} is not an image digest; expected sha256: followed by 64 lowercase hex digits`
    )
  }
  return value
}

function checkTag(input: string, tag: string, shownAs = tag): string {
  if (!TAG_PATTERN.test(tag)) {
    throw new InputError(
      input,
      `${quote(shownAs)} is not a valid tag; ECR tags are 1 to 300 characters of letters, digits, "_", "." and "-"`
    )
  }
  return tag
}

interface RepositoryInput {
  name: string
  registryId?: string
  region?: string
  publicAlias?: string
}

/** `public.ecr.aws/ALIAS/NAME`: an ECR Public repository. */
function parsePublicRepository(input: string, value: string, path: string): RepositoryInput {
  const slash = path.indexOf('/')
  const alias = slash < 0 ? '' : path.slice(0, slash)
  const name = slash < 0 ? '' : path.slice(slash + 1)
  if (!isValidPublicAlias(alias) || name === '') {
    throw new InputError(
      input,
      `${quote(value)} is not an ECR Public repository; expected public.ecr.aws/ALIAS/NAME, where ALIAS is the registry alias (2 to 50 lowercase letters and digits, starting with a letter)`
    )
  }
  if (!isValidPublicRepositoryName(name)) {
    throw new InputError(
      input,
      `${quote(name)} is not a valid ECR Public repository name; names are 2 to 205 characters: lowercase letters and digits, separated by ".", "_", "__", "-" or "/"`
    )
  }
  return { name, publicAlias: alias, region: PUBLIC_REGION }
}

/** `name`, a full URI `ACCOUNT.dkr.ecr.REGION.amazonaws.com/name`, or `public.ecr.aws/ALIAS/NAME`. */
export function parseRepository(input: string, value: string): RepositoryInput {
  if (value === '') throw new InputError(input, 'is required')
  let name = value
  let registryId: string | undefined
  let region: string | undefined
  const reference = splitImageReference(value)
  if (reference.tag !== undefined || reference.digest !== undefined) {
    throw new InputError(
      input,
      `${quote(value)} names an image, not a repository; put the tag or digest in source-tag or source-digest`
    )
  }
  if (reference.host !== undefined && isPublicRegistryHost(reference.host))
    return parsePublicRepository(input, value, reference.repository)
  if (reference.host !== undefined) {
    const host = parseRegistryHost(reference.host)
    if (!host) {
      throw new InputError(
        input,
        `${quote(value)} is not an Amazon ECR repository; expected a name, ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME or public.ecr.aws/ALIAS/NAME`
      )
    }
    ;({ registryId, region } = host)
    name = reference.repository
  }
  if (!isValidRepositoryName(name)) {
    throw new InputError(
      input,
      `${quote(name)} is not a valid repository name; ECR names are 2 to 256 characters: lowercase letters and digits, separated by ".", "_", "__", "-" or "/"`
    )
  }
  return { name, ...(registryId && { registryId }), ...(region && { region }) }
}

function agree(
  input: string,
  what: string,
  fromUri: string | undefined,
  given: string
): string | undefined {
  if (given === '') return fromUri
  if (fromUri !== undefined && fromUri !== given) {
    throw new InputError(
      input,
      `${quote(given)} contradicts the ${what} ${quote(fromUri)} in the repository URI`
    )
  }
  return given
}

interface TagList {
  tags: string[]
  registryIdFromTags?: string
}

/**
 * Tags may be plain tags or full references `REGISTRY/REPO:TAG`, as docker/metadata-action lists them;
 * a reference must name the target repository (and its registry, where that is known).
 */
function parseTags(value: string, repository: RepositoryRef): TagList {
  const entries = splitList(value)
  if (entries.length === 0)
    throw new InputError('tags', 'no tags given; list one or more, separated by newlines or commas')
  const tags: string[] = []
  let registryIdFromTags: string | undefined
  for (const entry of entries) {
    if (!/[:/@]/.test(entry)) {
      tags.push(checkTag('tags', entry))
      continue
    }
    const reference = splitImageReference(entry)
    if (reference.digest !== undefined) {
      throw new InputError('tags', `${quote(entry)} is a digest reference; tags must name a tag`)
    }
    if (reference.tag === undefined) {
      throw new InputError(
        'tags',
        `${quote(entry)} names no tag; expected TAG or REGISTRY/REPOSITORY:TAG`
      )
    }
    const isPublic = reference.host !== undefined && isPublicRegistryHost(reference.host)
    const expectedName =
      isPublic && repository.publicAlias !== undefined
        ? `${repository.publicAlias}/${repository.name}`
        : repository.name
    if (isPublic !== (repository.publicAlias !== undefined) && reference.host !== undefined) {
      throw new InputError(
        'tags',
        `${quote(entry)} names registry ${quote(reference.host)}, but the target is ${repository.publicAlias !== undefined ? 'in ECR Public' : 'a private ECR repository'}`
      )
    }
    if (reference.repository !== expectedName) {
      throw new InputError(
        'tags',
        `${quote(entry)} names repository ${quote(reference.repository)}, not the target ${quote(expectedName)}`
      )
    }
    if (reference.host !== undefined && !isPublic) {
      const host = parseRegistryHost(reference.host)
      if (!host) {
        throw new InputError(
          'tags',
          `${quote(entry)} names registry ${quote(reference.host)}, which is not an Amazon ECR registry`
        )
      }
      if (host.region !== repository.region) {
        throw new InputError(
          'tags',
          `${quote(entry)} is in region ${host.region}, but the target is in ${repository.region}`
        )
      }
      const expected = repository.registryId ?? registryIdFromTags
      if (expected !== undefined && host.registryId !== expected) {
        throw new InputError(
          'tags',
          `${quote(entry)} is in registry ${host.registryId}, but the target is registry ${expected}`
        )
      }
      if (repository.registryId === undefined) registryIdFromTags = host.registryId
    }
    tags.push(checkTag('tags', reference.tag, entry))
  }
  const unique = [...new Set(tags)]
  if (unique.length > MAX_TAGS) {
    throw new InputError(
      'tags',
      `${unique.length} tags given; ECR allows at most ${MAX_TAGS} tags per image`
    )
  }
  return { tags: unique, ...(registryIdFromTags && { registryIdFromTags }) }
}

function parseProtectTags(value: string): string[] {
  const patterns = splitList(value)
  for (const pattern of patterns) {
    if (!GLOB_PATTERN.test(pattern)) {
      throw new InputError(
        'protect-tags',
        `${quote(pattern)} is not a tag pattern; use tag characters with * and ? wildcards`
      )
    }
  }
  return patterns
}

function parseRegistryId(input: string, value: string): string {
  if (value !== '' && !REGISTRY_ID_PATTERN.test(value)) {
    throw new InputError(input, `${quote(value)} is not an AWS account id (12 digits)`)
  }
  return value
}

function parseRegion(input: string, value: string): string {
  if (value !== '' && !isValidRegion(value)) {
    throw new InputError(input, `${quote(value)} is not an AWS region name such as us-east-1`)
  }
  return value
}

/** ECR Public names its registry by the alias and has its API in one region: no other input applies. */
function refuseForPublic(read: InputReader, inputs: string[], uri: string): void {
  for (const input of inputs) {
    if (read(input) !== '') {
      throw new InputError(
        input,
        `does not apply to ${uri}: an ECR Public repository's registry is the alias in its URI, and its API is in ${PUBLIC_REGION} only`
      )
    }
  }
}

/**
 * Where the new tags go: `target-repository` (name or URI), `target-registry-id` and `target-region`,
 * each defaulting to the source's. From ECR Public into a private repository, the private side's
 * region comes from `region` (or the environment), and its registry must be named.
 */
function parseTarget(
  read: InputReader,
  source: RepositoryRef,
  privateRegion?: string
): RepositoryRef {
  const value = read('target-repository')
  const repository: RepositoryInput =
    value === ''
      ? {
          name: source.name,
          ...(source.publicAlias !== undefined && { publicAlias: source.publicAlias })
        }
      : parseRepository('target-repository', value)
  if (repository.publicAlias !== undefined) {
    refuseForPublic(
      read,
      ['target-registry-id', 'target-region'],
      value || 'the public source repository'
    )
    return { name: repository.name, region: PUBLIC_REGION, publicAlias: repository.publicAlias }
  }
  const fromPublic = source.publicAlias !== undefined
  const registryId =
    agree(
      'target-registry-id',
      'registry id',
      repository.registryId,
      parseRegistryId('target-registry-id', read('target-registry-id'))
    ) ?? (fromPublic ? undefined : source.registryId)
  const region =
    agree(
      'target-region',
      'region',
      repository.region,
      parseRegion('target-region', read('target-region'))
    ) ?? (fromPublic ? privateRegion : source.region)
  if (fromPublic && registryId === undefined) {
    throw new InputError(
      'target-registry-id',
      'is required when promoting from ECR Public into a private repository (or give target-repository as a full ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME URI)'
    )
  }
  if (region === undefined) {
    throw new InputError(
      'target-region',
      'no region for the private target; set target-region or region, use a full target-repository URI, or set AWS_REGION'
    )
  }
  return { name: repository.name, region, ...(registryId && { registryId }) }
}

/** Reads and validates every input; throws an InputError naming the first bad one. */
export function parseInputs(read: InputReader, env: NodeJS.ProcessEnv): PromoteInputs {
  const repository = parseRepository('repository', read('repository'))
  if (repository.publicAlias !== undefined)
    return parseRest(read, parsePublicSource(read, env, repository))
  const registryId = agree(
    'registry-id',
    'registry id',
    repository.registryId,
    parseRegistryId('registry-id', read('registry-id'))
  )
  const region =
    agree('region', 'region', repository.region, parseRegion('region', read('region'))) ??
    regionFromEnv(env)
  if (region === undefined) {
    throw new InputError(
      'region',
      'no region given; set the region input, use a full repository URI, or set AWS_REGION'
    )
  }
  const source: RepositoryRef = { name: repository.name, region, ...(registryId && { registryId }) }
  return parseRest(read, { source, privateRegion: region })
}

/** The AWS region named by the environment, validated. */
function regionFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const value = (env.AWS_REGION || env.AWS_DEFAULT_REGION || '').trim()
  if (value === '') return undefined
  if (!isValidRegion(value)) {
    throw new InputError(
      'region',
      `${quote(value)} (from AWS_REGION or AWS_DEFAULT_REGION) is not an AWS region name`
    )
  }
  return value
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

function parseRest(read: InputReader, { source, privateRegion }: SourceSide): PromoteInputs {
  const sourceTagInput = read('source-tag')
  const sourceTag = sourceTagInput === '' ? undefined : checkTag('source-tag', sourceTagInput)
  const sourceDigest = parseDigest('source-digest', read('source-digest'))
  if (sourceTag === undefined && sourceDigest === undefined) {
    throw new InputError(
      'source-tag',
      'no source image given; set source-tag, source-digest, or both'
    )
  }

  const target = parseTarget(read, source, privateRegion)
  const { tags, registryIdFromTags } = parseTags(read('tags'), target)
  // Full references in `tags` may be the only place that names the registry: the target's, and the
  // source's too when the target is the source repository.
  if (target.registryId === undefined && registryIdFromTags !== undefined) {
    if (isSameRepository(source, target)) source.registryId = registryIdFromTags
    target.registryId = registryIdFromTags
  }
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

/** Same registry, region and name: tags are added in place, nothing is copied. */
export function isSameRepository(a: RepositoryRef, b: RepositoryRef): boolean {
  return (
    a.name === b.name &&
    a.region === b.region &&
    a.registryId === b.registryId &&
    a.publicAlias === b.publicAlias
  )
}
