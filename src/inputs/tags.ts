// The tags input: plain tags, or the full references docker/metadata-action lists.
import {
  isPublicRegistryHost,
  parseRegistryHost,
  splitImageReference,
  type RepositoryRef
} from '../oci/index.js'
import { InputError, quote } from './errors.js'
import { checkTag, splitList } from './values.js'

const MAX_TAGS = 1000

interface TagList {
  tags: string[]
  registryIdFromTags?: string
}

/** The repository a full reference in `tags` must name: the target's, as that registry spells it. */
function expectedPath(repository: RepositoryRef, isPublic: boolean): string {
  return isPublic && repository.publicAlias !== undefined
    ? `${repository.publicAlias}/${repository.name}`
    : repository.name
}

/** A full reference must name the target's kind of registry: ECR Public, or a private one. */
function checkRegistryKind(
  input: string,
  entry: string,
  host: string,
  repository: RepositoryRef
): void {
  if (isPublicRegistryHost(host) !== (repository.publicAlias !== undefined)) {
    throw new InputError(
      input,
      `${quote(entry)} names registry ${quote(host)}, but the target is ${repository.publicAlias !== undefined ? 'in ECR Public' : 'a private ECR repository'}`
    )
  }
}

/** A private registry host must be the target's region and, where known, account; returns its account. */
function checkPrivateHost(
  input: string,
  entry: string,
  host: string,
  repository: RepositoryRef,
  knownRegistryId: string | undefined
): string {
  const parsed = parseRegistryHost(host)
  if (!parsed) {
    throw new InputError(
      input,
      `${quote(entry)} names registry ${quote(host)}, which is not an Amazon ECR registry`
    )
  }
  if (parsed.region !== repository.region) {
    throw new InputError(
      input,
      `${quote(entry)} is in region ${parsed.region}, but the target is in ${repository.region}`
    )
  }
  if (knownRegistryId !== undefined && parsed.registryId !== knownRegistryId) {
    throw new InputError(
      input,
      `${quote(entry)} is in registry ${parsed.registryId}, but the target is registry ${knownRegistryId}`
    )
  }
  return parsed.registryId
}

/** One entry of `tags`: a plain tag, or `[REGISTRY/]REPOSITORY:TAG` naming the target. */
function parseTagEntry(
  input: string,
  references: boolean,
  entry: string,
  repository: RepositoryRef,
  knownRegistryId: string | undefined
): { tag: string; registryId?: string } {
  if (!/[:/@]/.test(entry)) return { tag: checkTag(input, entry) }
  if (!references) {
    throw new InputError(
      input,
      `${quote(entry)} is a full reference; a release gives plain tags, which every image gets in its own repository`
    )
  }
  const reference = splitImageReference(entry)
  if (reference.digest !== undefined) {
    throw new InputError(input, `${quote(entry)} is a digest reference; tags must name a tag`)
  }
  if (reference.tag === undefined) {
    throw new InputError(
      input,
      `${quote(entry)} names no tag; expected TAG or REGISTRY/REPOSITORY:TAG`
    )
  }
  const { host } = reference
  if (host !== undefined) checkRegistryKind(input, entry, host, repository)
  const expected = expectedPath(repository, host !== undefined && isPublicRegistryHost(host))
  if (reference.repository !== expected) {
    throw new InputError(
      input,
      `${quote(entry)} names repository ${quote(reference.repository)}, not the target ${quote(expected)}`
    )
  }
  const registryId =
    host !== undefined && !isPublicRegistryHost(host)
      ? checkPrivateHost(input, entry, host, repository, knownRegistryId)
      : undefined
  return { tag: checkTag(input, reference.tag, entry), ...(registryId && { registryId }) }
}

/**
 * Tags may be plain tags or full references `REGISTRY/REPO:TAG`, as docker/metadata-action lists them;
 * a reference must name the target repository (and its registry, where that is known).
 */
export function parseTags(
  value: string,
  repository: RepositoryRef,
  { input, references }: { input: string; references: boolean }
): TagList {
  const entries = splitList(value)
  if (entries.length === 0)
    throw new InputError(input, 'no tags given; list one or more, separated by newlines or commas')
  const tags: string[] = []
  let registryIdFromTags: string | undefined
  for (const entry of entries) {
    const parsed = parseTagEntry(
      input,
      references,
      entry,
      repository,
      repository.registryId ?? registryIdFromTags
    )
    if (parsed.registryId !== undefined && repository.registryId === undefined)
      registryIdFromTags = parsed.registryId
    tags.push(parsed.tag)
  }
  const unique = [...new Set(tags)]
  if (unique.length > MAX_TAGS) {
    throw new InputError(
      input,
      `${unique.length} tags given; ECR allows at most ${MAX_TAGS} tags per image`
    )
  }
  return { tags: unique, ...(registryIdFromTags && { registryIdFromTags }) }
}
