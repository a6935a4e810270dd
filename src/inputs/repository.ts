// Repositories as the inputs name them: a name, a full private URI or public.ecr.aws/ALIAS/NAME,
// with the registry-id and region inputs that must agree with them.
import {
  PUBLIC_REGION,
  isPublicRegistryHost,
  isValidPublicAlias,
  isValidPublicRepositoryName,
  isValidRepositoryName,
  parseRegistryHost,
  splitImageReference,
  type RepositoryRef
} from '../oci/index.js'
import { InputError, quote } from './errors.js'
import { parseRegion, parseRegistryId, type InputReader } from './values.js'

export interface RepositoryInput {
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

/** A registry-id input, validated and agreeing with the account in the repository's URI, if any. */
export function registryIdInput(read: InputReader, input: string, fromUri: string | undefined) {
  return agree(input, 'registry id', fromUri, parseRegistryId(input, read(input)))
}

/** A region input, validated and agreeing with the region in the repository's URI, if any. */
export function regionInput(read: InputReader, input: string, fromUri: string | undefined) {
  return agree(input, 'region', fromUri, parseRegion(input, read(input)))
}

/** ECR Public names its registry by the alias and has its API in one region: no other input applies. */
export function refuseForPublic(read: InputReader, inputs: string[], uri: string): void {
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
export function parseTarget(
  read: InputReader,
  source: RepositoryRef,
  privateRegion: string | undefined,
  named: { input: string; value: string }
): RepositoryRef {
  const value = named.value
  const repository: RepositoryInput =
    value === ''
      ? {
          name: source.name,
          ...(source.publicAlias !== undefined && { publicAlias: source.publicAlias })
        }
      : parseRepository(named.input, value)
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
    registryIdInput(read, 'target-registry-id', repository.registryId) ??
    (fromPublic ? undefined : source.registryId)
  const region =
    regionInput(read, 'target-region', repository.region) ??
    (fromPublic ? privateRegion : source.region)
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
