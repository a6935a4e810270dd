// The inputs, as both faces take them (the action's INPUT_* variables, the command line's options):
// read through an InputReader, validated before any AWS call, and turned into a PromotionRequest.
// A bad input throws one InputError naming it. It may import src/promotion's types and src/oci.
import { readFile, realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { describeRepository, splitImageReference } from '../oci/index.js'
import type { ImageRequest, PromotionRequest } from '../promotion/index.js'
import { InputError, quote } from './errors.js'
import { parseGates } from './gates.js'
import { INPUTS } from './table.js'
import { parseImage, SINGLE_IMAGE_INPUTS, type EntryInputs, type ImageEntry } from './images.js'
import {
  parseBoolean,
  parseDuration,
  parseLifecycleCheck,
  parseOnFailure,
  parsePositiveNumber,
  parseProtectTags,
  splitList,
  type InputReader
} from './values.js'

export { InputError, quote } from './errors.js'
export { INPUTS, type InputSpec } from './table.js'
export type { InputReader } from './values.js'
export { splitList } from './values.js'

export interface PromoteInputs {
  request: PromotionRequest
  /** PutImage calls per second per target account and region. */
  putImageRate: number
  /** The overall deadline, in ms from the start; unset: none. */
  timeoutMs?: number
  /** Things that are allowed but probably not meant (tags Docker cannot pull). */
  warnings: string[]
}

/** Where the files the inputs name are read: the workspace, or a command line's directory. */
export interface InputContext {
  env: NodeJS.ProcessEnv
  /** A command line's current directory: relative paths are from it, and any readable file may be
   * named. Unset (the action): relative paths are from GITHUB_WORKSPACE, which must hold the file. */
  cwd?: string
}

/**
 * The largest release file read: about 4,000 entries of a thousand characters, far past any
 * release; a larger one is refused before it is read, so memory never depends on the file.
 */
export const MAX_RELEASE_FILE_BYTES = 4 * 1024 * 1024

/**
 * A release file's or a record's text. Relative paths are from the workspace (or a command line's
 * directory); on a runner (GITHUB_WORKSPACE set) the file, its links followed, must be inside the
 * workspace, as a step's own files are.
 */
async function readWorkspaceFile(
  input: 'sources-file' | 'rollback-record',
  file: string,
  context: InputContext
): Promise<string> {
  const what = input === 'sources-file' ? 'a release file' : 'a record'
  const workspace = context.cwd === undefined ? context.env.GITHUB_WORKSPACE : undefined
  const path = isAbsolute(file) ? file : resolve(context.cwd ?? workspace ?? process.cwd(), file)
  const fail = (why: string): never => {
    throw new InputError(input, why)
  }
  try {
    const real = await realpath(path)
    if (workspace !== undefined) {
      const root = await realpath(workspace)
      const inside = relative(root, real)
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
        fail(`${quote(file)} is outside the workspace ${root}; ${what} must be in it`)
    }
    const { size } = await stat(real)
    if (size > MAX_RELEASE_FILE_BYTES)
      fail(
        `${quote(file)} is ${size} bytes, over the ${MAX_RELEASE_FILE_BYTES} (4 MiB) ${what} may be${input === 'sources-file' ? '; split the release' : ''}`
      )
    return await readFile(real, 'utf8')
  } catch (error) {
    if (error instanceof InputError) throw error
    return fail(
      `cannot read ${quote(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
    )
  }
}

const SINGLE_ONLY = [
  'repository',
  'source-tag',
  'source-digest',
  'expected-digest',
  'target-repository'
]

/** `REPOSITORY:TAG`, `REPOSITORY@DIGEST` or `REPOSITORY:TAG@DIGEST` (then an expected digest). */
function sourceLine(line: string): ImageEntry {
  const reference = splitImageReference(line)
  const repository =
    reference.host !== undefined
      ? `${reference.host}/${reference.repository}`
      : reference.repository
  if (reference.tag === undefined && reference.digest === undefined)
    throw new InputError(
      'sources',
      `${quote(line)} names no image; expected REPOSITORY:TAG, REPOSITORY@DIGEST or REPOSITORY:TAG@DIGEST`
    )
  return reference.tag !== undefined
    ? {
        repository,
        tag: reference.tag,
        ...(reference.digest !== undefined && { expectedDigest: reference.digest }),
        tags: []
      }
    : { repository, digest: reference.digest!, tags: [] }
}

/** An error about one entry of a release, said as that entry's. */
function inEntry<T>(input: string, where: string, body: () => T): T {
  try {
    return body()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    // Errors of other inputs (registry-id, region...) stay theirs, and say where they were met.
    if (error.input !== input) throw new InputError(error.input, `${error.detail}, for ${where}`)
    throw new InputError(input, `${where}: ${error.detail}`)
  }
}

/** The entries of a release, from `sources` (lines, or an inline release document) or `sources-file`. */
async function releaseEntries(
  read: InputReader,
  context: InputContext
): Promise<{ input: string; entries: ImageEntry[] }> {
  const [sources, file] = [read('sources'), read('sources-file')]
  if (sources !== '' && file !== '')
    throw new InputError('sources', 'give sources or sources-file, not both')
  for (const input of SINGLE_ONLY)
    if (read(input) !== '')
      throw new InputError(
        input,
        `does not apply to a release (${sources !== '' ? 'sources' : 'sources-file'}): give each image's source${input === 'target-repository' ? ' and target-repository in a release entry' : input === 'expected-digest' ? ' as REPOSITORY:TAG@DIGEST, or expected-digest in a release entry' : ' in the list'}, or promote one image with repository, source-tag and source-digest`
      )
  const { parseReleaseDocument } = await import('./release-file.js')
  if (file !== '') {
    const text = await readWorkspaceFile('sources-file', file, context)
    return { input: 'sources-file', entries: parseReleaseDocument(text, 'sources-file') }
  }
  // A YAML or JSON list inline, as the matrix output hands a group of a release to one job.
  if (/^\s*[[-]/.test(sources))
    return { input: 'sources', entries: parseReleaseDocument(sources, 'sources') }
  return {
    input: 'sources',
    entries: splitList(sources).map((line, i) =>
      inEntry('sources', `line ${i + 1}`, () => sourceLine(line))
    )
  }
}

/** No tag may be claimed by two images in one repository: the second would undo the first. */
function checkTagClaims(images: ImageRequest[], input: string): void {
  const claims = new Map<string, ImageRequest>()
  for (const image of images) {
    for (const tag of image.tags) {
      const key = `${describeRepository(image.target)}:${tag}`
      const other = claims.get(key)
      if (other && other.name !== image.name)
        throw new InputError(
          input,
          `${other.name} and ${image.name} would both get tag "${tag}" in ${describeRepository(image.target)}`
        )
      claims.set(key, image)
    }
  }
}

const fieldsOf = (input: string): EntryInputs => ({
  repository: input,
  tag: input,
  digest: input,
  expectedDigest: input,
  targetRepository: input,
  tags: input
})

const DAY_MS = 24 * 60 * 60 * 1000

/** What a rollback from a record takes besides it: the record names everything else. */
const ROLLBACK_INPUTS = new Set(['rollback-record', 'dry-run', 'put-image-rate', 'timeout'])

/** A rollback from an earlier run's record: the record, and the few inputs that still apply. */
async function parseRollbackInputs(
  read: InputReader,
  context: InputContext
): Promise<PromoteInputs> {
  for (const input of INPUTS)
    if (
      !ROLLBACK_INPUTS.has(input.name) &&
      read(input.name) !== '' &&
      read(input.name) !== input.default
    )
      throw new InputError(
        input.name,
        'does not apply to a rollback from a record, which names each image, repository and tag itself'
      )
  const file = read('rollback-record')
  const { parseRollbackRecord } = await import('./rollback-record.js')
  const rollback = parseRollbackRecord(
    await readWorkspaceFile('rollback-record', file, context),
    file
  )
  const timeout = read('timeout')
  const timeoutMs = timeout === '' ? undefined : parseDuration('timeout', timeout)
  return {
    request: {
      images: rollback.images.map((image) => image.request),
      release: rollback.images.length > 1,
      protectTags: [],
      dryRun: parseBoolean('dry-run', read('dry-run'), false),
      copyReferrers: false,
      createRepository: false,
      onFailure: 'keep',
      restoreArchived: false,
      lifecycle: { check: 'off', horizonDays: 0 },
      signingWaitMs: 0,
      rollback
    },
    putImageRate: parsePositiveNumber('put-image-rate', read('put-image-rate'), 10),
    ...(timeoutMs !== undefined && { timeoutMs }),
    warnings: []
  }
}

/** Reads and validates every input; throws an InputError naming the first bad one. */
export async function parseInputs(
  read: InputReader,
  context: InputContext
): Promise<PromoteInputs> {
  if (read('rollback-record') !== '') return parseRollbackInputs(read, context)
  const release = read('sources') !== '' || read('sources-file') !== ''
  const warnings: string[] = []
  let images: ImageRequest[]
  if (!release) {
    if (read('repository') === '')
      throw new InputError(
        'repository',
        'is required: give repository (with source-tag and/or source-digest) for one image, or sources or sources-file for a release'
      )
    const parsed = parseImage(
      read,
      context.env,
      {
        repository: read('repository'),
        ...(read('source-tag') !== '' && { tag: read('source-tag') }),
        ...(read('source-digest') !== '' && { digest: read('source-digest') }),
        ...(read('expected-digest') !== '' && { expectedDigest: read('expected-digest') }),
        ...(read('target-repository') !== '' && { targetRepository: read('target-repository') }),
        tags: []
      },
      read('tags'),
      SINGLE_IMAGE_INPUTS,
      true
    )
    images = [parsed.image]
    warnings.push(...parsed.warnings)
  } else {
    const { input, entries } = await releaseEntries(read, context)
    images = entries.map((entry, i) =>
      inEntry(
        input,
        `${input === 'sources' && entry.tags.length === 0 ? 'line' : 'entry'} ${i + 1} (${entry.repository})`,
        () => {
          const parsed = parseImage(read, context.env, entry, read('tags'), fieldsOf(input), false)
          warnings.push(...parsed.warnings)
          return parsed.image
        }
      )
    )
    checkTagClaims(images, input)
  }
  const gates = parseGates(read)
  const publicSource = images.find((image) => image.source.publicAlias !== undefined)
  if (gates && publicSource)
    throw new InputError(
      gates.vulnerability ? 'vulnerability-threshold' : 'require-signature',
      `${publicSource.name} is in ECR Public, which neither scans nor signs images: gates need private sources`
    )
  const timeout = read('timeout')
  const timeoutMs = timeout === '' ? undefined : parseDuration('timeout', timeout)
  return {
    request: {
      images,
      release,
      protectTags: parseProtectTags(read('protect-tags')),
      dryRun: parseBoolean('dry-run', read('dry-run'), false),
      copyReferrers: parseBoolean('copy-referrers', read('copy-referrers'), true),
      createRepository: parseBoolean('create-repository', read('create-repository'), false),
      onFailure: parseOnFailure(read('on-failure')),
      restoreArchived: parseBoolean('restore-archived', read('restore-archived'), false),
      signingWaitMs: parseDuration('signing-wait', read('signing-wait') || '30s', true),
      lifecycle: {
        check: parseLifecycleCheck(read('lifecycle-check')),
        horizonDays: Math.ceil(
          parseDuration('lifecycle-horizon', read('lifecycle-horizon') || '30d', true) / DAY_MS
        )
      },
      ...(gates && { gates })
    },
    putImageRate: parsePositiveNumber('put-image-rate', read('put-image-rate'), 10),
    ...(timeoutMs !== undefined && { timeoutMs }),
    warnings: [...new Set(warnings)]
  }
}
