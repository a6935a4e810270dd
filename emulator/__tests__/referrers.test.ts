// ListImageReferrers to ECR's model: a subject digest, a filter by artifact type and status (ACTIVE
// only by default), pages of 1..50 (20 by default) with an opaque nextToken, and the annotations.
import {
  CreateRepositoryCommand,
  ListImageReferrersCommand,
  PutImageCommand,
  type ECRClient,
  type ListImageReferrersCommandInput
} from '@aws-sdk/client-ecr'
import { beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { buildImage, buildReferrer, pushImage, type BuiltImage } from '../index.js'
import { ACCOUNT, REGION, client, ecrError, useEmulator } from './helpers.js'

const SIGNATURE = 'application/vnd.example.signature.v1+json'
const SBOM = 'application/spdx+json'
const context = useEmulator()
let ecr: ECRClient
let counter = 0
beforeAll(() => {
  ecr = client(context.emulator)
})

/** A repository with a subject image and `signatures` signature referrers plus one SBOM. */
async function subjectWithReferrers(signatures: number) {
  const name = `referrers/repo${++counter}`
  await ecr.send(new CreateRepositoryCommand({ repositoryName: name }))
  const repository = context.emulator.state.repository(ACCOUNT, REGION, name)
  const { settings } = context.emulator.state
  const subject = buildImage({ files: { 'bin/app': randomBytes(64) } })
  pushImage(repository, subject, settings, ['v1'])
  const referrers = Array.from({ length: signatures }, (_, i) =>
    buildReferrer(subject, SIGNATURE, `sig ${i}`)
  )
  const sbom = buildReferrer(subject, SBOM, 'sbom', { 'org.example.kind': 'sbom' })
  for (const referrer of [...referrers, sbom]) pushImage(repository, referrer, settings)
  pushImage(repository, buildImage({ files: { unrelated: 'x' } }), settings, ['other'])
  return { name, subject, signatures: referrers, sbom }
}

const list = (name: string, subject: BuiltImage, extra: Partial<ListImageReferrersCommandInput>) =>
  ecr.send(
    new ListImageReferrersCommand({
      repositoryName: name,
      subjectId: { imageDigest: subject.digest },
      ...extra
    })
  )

async function listAll(
  name: string,
  subject: BuiltImage,
  extra: Partial<ListImageReferrersCommandInput> = {}
): Promise<{ digests: string[]; pages: number[] }> {
  const digests: string[] = []
  const pages: number[] = []
  let nextToken: string | undefined
  do {
    const answer = await list(name, subject, { ...extra, ...(nextToken && { nextToken }) })
    pages.push(answer.referrers!.length)
    digests.push(...answer.referrers!.map((referrer) => referrer.digest!))
    nextToken = answer.nextToken
  } while (nextToken)
  return { digests, pages }
}

const digestsOf = (images: BuiltImage[]): string[] => images.map((image) => image.digest).sort()

describe('ListImageReferrers', () => {
  test('lists every referrer of the subject page by page: 20 a page by default, maxResults up to 50', async () => {
    const { name, subject, signatures, sbom } = await subjectWithReferrers(24)
    const byDefault = await listAll(name, subject)
    expect(byDefault.pages).toEqual([20, 5])
    expect(byDefault.digests.sort()).toEqual(digestsOf([...signatures, sbom]))
    expect((await listAll(name, subject, { maxResults: 50 })).pages).toEqual([25])
    expect((await listAll(name, subject, { maxResults: 10 })).pages).toEqual([10, 10, 5])
    for (const maxResults of [0, 51]) {
      const error = await ecrError(() => list(name, subject, { maxResults }))
      expect(error.name).toBe('InvalidParameterException')
      expect(error.message).toMatch(/^Invalid parameter at 'maxResults' failed to satisfy/)
    }
    const forged = await ecrError(() => list(name, subject, { nextToken: 'not-a-token' }))
    expect(forged.name).toBe('InvalidParameterException')
  })

  test('filters by artifact type, and answers each referrer in the model’s shape', async () => {
    const { name, subject, sbom } = await subjectWithReferrers(2)
    const sboms = await list(name, subject, { filter: { artifactTypes: [SBOM] } })
    expect(sboms.referrers).toEqual([
      {
        digest: sbom.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: SBOM,
        size: Buffer.byteLength(sbom.manifest),
        annotations: { 'org.example.kind': 'sbom' },
        artifactStatus: 'ACTIVE'
      }
    ])
    expect(sboms.nextToken).toBeUndefined()
    const both = await list(name, subject, { filter: { artifactTypes: [SBOM, SIGNATURE] } })
    expect(both.referrers).toHaveLength(3)
    const none = await list(name, subject, { filter: { artifactTypes: ['application/x-none'] } })
    expect(none.referrers).toEqual([])
  })

  test('lists only ACTIVE referrers unless the filter names another status, or ANY', async () => {
    const { name, subject, signatures, sbom } = await subjectWithReferrers(3)
    const [archived, activating] = signatures as [BuiltImage, BuiltImage, BuiltImage]
    context.emulator.state.setArtifactStatus(ACCOUNT, REGION, name, archived.digest, 'ARCHIVED')
    context.emulator.state.setArtifactStatus(ACCOUNT, REGION, name, activating.digest, 'ACTIVATING')
    const active = [signatures[2]!, sbom]
    expect((await listAll(name, subject)).digests.sort()).toEqual(digestsOf(active))
    const statusOf = async (artifactStatus: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY') =>
      (await list(name, subject, { filter: { artifactStatus } })).referrers!
    expect((await statusOf('ACTIVE')).map((r) => r.digest).sort()).toEqual(digestsOf(active))
    expect(await statusOf('ARCHIVED')).toEqual([
      expect.objectContaining({ digest: archived.digest, artifactStatus: 'ARCHIVED' })
    ])
    expect((await statusOf('ACTIVATING')).map((r) => r.artifactStatus)).toEqual(['ACTIVATING'])
    expect(await statusOf('ANY')).toHaveLength(4)
    const typed = await list(name, subject, {
      filter: { artifactTypes: [SIGNATURE], artifactStatus: 'ANY' }
    })
    expect(typed.referrers).toHaveLength(3)
    const bad = await ecrError(() =>
      list(name, subject, { filter: { artifactStatus: 'GONE' as 'ANY' } })
    )
    expect(bad.name).toBe('InvalidParameterException')
  })

  test('needs a subject digest; one with no referrers lists none', async () => {
    const { name, subject } = await subjectWithReferrers(1)
    const malformed = await ecrError(() =>
      list(name, subject, { subjectId: { imageDigest: 'sha256:nope' } })
    )
    expect(malformed.name).toBe('InvalidParameterException')
    const lonely = buildImage({ files: { lonely: randomBytes(8) } })
    expect((await list(name, lonely, {})).referrers).toEqual([])
  })

  test('a referrer is pushed like any image: its subject need not be there, its blobs must', async () => {
    const name = `referrers/repo${++counter}`
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name }))
    const subject = buildImage({ files: { 'bin/app': randomBytes(64) } })
    const signature = buildReferrer(subject, SIGNATURE, 'sig')
    const error = await ecrError(() =>
      ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: signature.manifest }))
    )
    expect(error.name).toBe('LayersNotFoundException')
  })
})
