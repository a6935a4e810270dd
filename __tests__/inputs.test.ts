import { describe, expect, test } from '@jest/globals'
import { InputError } from '../src/inputs/index.js'
import { parseInputs, splitList } from '../src/inputs/index.js'

const DIGEST = `sha256:${'a'.repeat(64)}`
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'

/** One image's request with the run's options beside it, as a single-image run parses. */
async function parse(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' }
) {
  const parsed = await parseInputs((name) => (inputs[name] ?? '').trim(), { env })
  const { name, ...image } = parsed.request.images[0]!
  expect(name).toBe(
    `${inputs.repository}${inputs['source-tag'] ? `:${inputs['source-tag']}` : ''}${inputs['source-digest'] ? `@${inputs['source-digest']}` : ''}`
  )
  const { protectTags, dryRun, copyReferrers } = parsed.request
  return { ...image, protectTags, dryRun, copyReferrers, warnings: parsed.warnings }
}

async function inputError(
  inputs: Record<string, string>,
  env?: NodeJS.ProcessEnv
): Promise<InputError> {
  try {
    await await parse(inputs, env)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

const base = { repository: 'app', 'source-tag': 'staging', tags: 'prod' }

describe('parseInputs', () => {
  test('reads a minimal promotion with the region from AWS_REGION', async () => {
    expect(await parse(base)).toEqual({
      source: { name: 'app', region: 'us-east-1' },
      target: { name: 'app', region: 'us-east-1' },
      sourceTag: 'staging',
      tags: ['prod'],
      protectTags: [],
      dryRun: false,
      copyReferrers: true,
      warnings: []
    })
  })

  test('falls back to AWS_DEFAULT_REGION, and the region input wins over both', async () => {
    expect((await parse(base, { AWS_DEFAULT_REGION: 'eu-central-1' })).source.region).toBe(
      'eu-central-1'
    )
    expect(
      (await parse({ ...base, region: 'ap-south-1' }, { AWS_REGION: 'us-east-1' })).source.region
    ).toBe('ap-south-1')
  })

  test('reads a name with dots in its first component as a name, not a registry host', async () => {
    expect(await parse({ ...base, repository: 'team.a/app', tags: 'team.a/app:1' })).toMatchObject({
      source: { name: 'team.a/app' },
      tags: ['1']
    })
  })

  test('takes registry id and region from a full repository URI', async () => {
    expect((await parse({ ...base, repository: `${HOST}/team/app` })).source).toEqual({
      name: 'team/app',
      registryId: '123456789012',
      region: 'eu-west-1'
    })
    expect(
      (await parse({ ...base, repository: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app' }))
        .source.region
    ).toBe('cn-north-1')
    expect(
      (
        await parse({
          ...base,
          repository: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app'
        })
      ).source.region
    ).toBe('us-gov-west-1')
  })

  test('accepts registry-id and region inputs that agree with the URI, and refuses ones that do not', async () => {
    expect(
      (
        await parse({
          ...base,
          repository: `${HOST}/app`,
          'registry-id': '123456789012',
          region: 'eu-west-1'
        })
      ).source.name
    ).toBe('app')
    expect(
      (await inputError({ ...base, repository: `${HOST}/app`, 'registry-id': '210987654321' }))
        .message
    ).toBe(
      'Input "registry-id": "210987654321" contradicts the registry id "123456789012" in the repository URI'
    )
    expect(
      (await inputError({ ...base, repository: `${HOST}/app`, region: 'us-east-1' })).input
    ).toBe('region')
  })

  test('a registry-id that contradicts one entry of a release names that entry', async () => {
    const other = HOST.replace('123456789012', '210987654321')
    const error = await inputError({
      sources: `${HOST}/app:one\n${other}/web:two`,
      tags: 'prod',
      'registry-id': '123456789012'
    })
    expect(error.input).toBe('registry-id')
    expect(error.message).toBe(
      `Input "registry-id": "123456789012" contradicts the registry id "210987654321" in the repository URI, for line 2 (${other}/web)`
    )
  })

  test('reads source-digest, expected-digest, protect-tags and dry-run', async () => {
    const inputs = await parse({
      repository: 'app',
      'source-digest': DIGEST,
      'expected-digest': DIGEST,
      tags: 'prod',
      'protect-tags': 'v*\nrelease-?',
      'dry-run': 'true'
    })
    expect(inputs).toMatchObject({
      sourceDigest: DIGEST,
      expectedDigest: DIGEST,
      protectTags: ['v*', 'release-?'],
      dryRun: true
    })
    expect(inputs.sourceTag).toBeUndefined()
  })

  test('splits tags on newlines and commas, drops blanks and duplicates, keeps order', async () => {
    expect((await parse({ ...base, tags: 'b, a\n\n c,,b\r\n' })).tags).toEqual(['b', 'a', 'c'])
    expect(splitList(' x ,\ny\r\n,')).toEqual(['x', 'y'])
  })

  test('accepts the full references docker/metadata-action lists, for the target repository', async () => {
    const inputs = await parse({
      ...base,
      repository: `${HOST}/team/app`,
      tags: `${HOST}/team/app:1.2.3\n${HOST}/team/app:latest\nsha-abc1234`
    })
    expect(inputs.tags).toEqual(['1.2.3', 'latest', 'sha-abc1234'])
  })

  test('takes the registry from full references when nothing else names it', async () => {
    const inputs = await parse({ ...base, tags: `${HOST}/app:1.0` }, { AWS_REGION: 'eu-west-1' })
    const repository = { name: 'app', region: 'eu-west-1', registryId: '123456789012' }
    expect(inputs.source).toEqual(repository)
    expect(inputs.target).toEqual(repository)
  })

  test('refuses references to another repository, registry or region, or without a tag', async () => {
    expect(
      (await inputError({ ...base, tags: `${HOST}/other:1.0` }, { AWS_REGION: 'eu-west-1' }))
        .message
    ).toBe(`Input "tags": "${HOST}/other:1.0" names repository "other", not the target "app"`)
    expect(
      (
        await inputError({
          ...base,
          repository: `${HOST}/app`,
          tags: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:1'
        })
      ).message
    ).toContain('is in registry 210987654321, but the target is registry 123456789012')
    expect((await inputError({ ...base, tags: `${HOST}/app:1` })).message).toContain(
      'is in region eu-west-1, but the target is in us-east-1'
    )
    expect((await inputError({ ...base, tags: 'docker.io/library/app:1' })).message).toContain(
      'names repository "library/app"'
    )
    expect((await inputError({ ...base, tags: 'ghcr.io/app:1' })).message).toContain(
      'which is not an Amazon ECR registry'
    )
    expect(
      (await inputError({ ...base, tags: `${HOST}/app` }, { AWS_REGION: 'eu-west-1' })).message
    ).toContain('names no tag')
    expect((await inputError({ ...base, tags: `app@${DIGEST}` })).message).toContain(
      'is a digest reference'
    )
    expect(
      (
        await inputError(
          { ...base, tags: `${HOST}/app:1\n210987654321.dkr.ecr.eu-west-1.amazonaws.com/app:2` },
          { AWS_REGION: 'eu-west-1' }
        )
      ).message
    ).toContain('is in registry 210987654321, but the target is registry 123456789012')
  })

  test('targets another repository, registry and region, each defaulting to the source', async () => {
    expect((await parse({ ...base, 'target-repository': 'app-prod' })).target).toEqual({
      name: 'app-prod',
      region: 'us-east-1'
    })
    expect(
      (
        await parse({
          ...base,
          repository: `${HOST}/app`,
          'target-repository': 'app-prod',
          'target-region': 'us-west-2'
        })
      ).target
    ).toEqual({ name: 'app-prod', registryId: '123456789012', region: 'us-west-2' })
    expect(
      (
        await parse({
          ...base,
          'target-repository': '210987654321.dkr.ecr.eu-central-1.amazonaws.com/prod/app'
        })
      ).target
    ).toEqual({
      name: 'prod/app',
      registryId: '210987654321',
      region: 'eu-central-1'
    })
    expect((await parse({ ...base, 'target-registry-id': '210987654321' })).target).toEqual({
      name: 'app',
      registryId: '210987654321',
      region: 'us-east-1'
    })
    expect((await parse({ ...base, 'copy-referrers': 'false' })).copyReferrers).toBe(false)
  })

  test('full references in tags must name the target, not the source', async () => {
    const target = '210987654321.dkr.ecr.eu-central-1.amazonaws.com/prod/app'
    expect(
      (await parse({ ...base, 'target-repository': target, tags: `${target}:1.0` })).tags
    ).toEqual(['1.0'])
    expect(
      (await inputError({ ...base, 'target-repository': target, tags: `${HOST}/app:1.0` })).message
    ).toContain('names repository "app", not the target "prod/app"')
  })

  test('warns about tags that ECR accepts but Docker clients cannot pull', async () => {
    const long = 'x'.repeat(129)
    const inputs = await parse({ ...base, tags: `.hidden\n-dash\n${long}\nfine` })
    expect(inputs.tags).toHaveLength(4)
    expect(inputs.warnings).toEqual([
      'tag ".hidden" starts with ".": ECR accepts it, but Docker clients cannot pull it',
      'tag "-dash" starts with "-": ECR accepts it, but Docker clients cannot pull it',
      `tag "${'x'.repeat(40)}…" is 129 characters long: ECR accepts up to 300, but Docker clients cannot pull tags longer than 128`
    ])
  })

  test.each([
    [
      { repository: '' },
      'repository',
      'Input "repository": is required: give repository (with source-tag and/or source-digest) for one image, or sources or sources-file for a release'
    ],
    [
      { repository: 'App' },
      'repository',
      'Input "repository": "App" is not a valid repository name'
    ],
    [{ repository: 'a' }, 'repository', 'is not a valid repository name'],
    [{ repository: 'app/' }, 'repository', 'is not a valid repository name'],
    [{ repository: 'a..b' }, 'repository', 'is not a valid repository name'],
    [{ repository: 'app:latest' }, 'repository', 'names an image, not a repository'],
    [{ repository: 'ghcr.io/owner/app' }, 'repository', 'is not an Amazon ECR repository'],
    [
      { repository: '12345678901.dkr.ecr.us-east-1.amazonaws.com/app' },
      'repository',
      'is not an Amazon ECR repository'
    ],
    [{ repository: 'localhost/app' }, 'repository', 'is not an Amazon ECR repository'],
    [
      { 'registry-id': '1234' },
      'registry-id',
      'Input "registry-id": "1234" is not an AWS account id (12 digits)'
    ],
    [
      { region: 'mars' },
      'region',
      'Input "region": "mars" is not an AWS region name such as us-east-1'
    ],
    [
      { 'source-tag': '' },
      'source-tag',
      'no source image given for app; give a tag, a digest, or both'
    ],
    [{ 'source-tag': 'bad tag' }, 'source-tag', 'Input "source-tag": "bad tag" is not a valid tag'],
    [
      { 'source-digest': 'sha256:abc' },
      'source-digest',
      'Input "source-digest": "sha256:abc" is not an image digest'
    ],
    [{ 'source-digest': `sha256:${'A'.repeat(64)}` }, 'source-digest', 'is not an image digest'],
    [
      { 'expected-digest': 'latest' },
      'expected-digest',
      'Input "expected-digest": "latest" is not an image digest'
    ],
    [{ tags: '' }, 'tags', 'Input "tags": no tags given'],
    [{ tags: ' , \n ' }, 'tags', 'no tags given'],
    [{ tags: 'ok\nnot ok' }, 'tags', 'Input "tags": "not ok" is not a valid tag'],
    [{ tags: 'x'.repeat(301) }, 'tags', 'is not a valid tag'],
    [{ tags: 'tag$(whoami)' }, 'tags', 'is not a valid tag'],
    [{ tags: 'é' }, 'tags', 'is not a valid tag'],
    [
      { 'protect-tags': 'v[0-9]' },
      'protect-tags',
      'Input "protect-tags": "v[0-9]" is not a tag pattern'
    ],
    [{ 'dry-run': 'yes' }, 'dry-run', 'Input "dry-run": "yes" is not a boolean; use true or false'],
    [{ 'copy-referrers': '1' }, 'copy-referrers', 'Input "copy-referrers": "1" is not a boolean'],
    [{ 'target-repository': 'Prod' }, 'target-repository', 'is not a valid repository name'],
    [
      { 'target-repository': 'quay.io/app' },
      'target-repository',
      'is not an Amazon ECR repository'
    ],
    [{ 'target-registry-id': 'x' }, 'target-registry-id', 'is not an AWS account id'],
    [{ 'target-region': 'EU' }, 'target-region', 'is not an AWS region name'],
    [
      { 'target-repository': `${HOST}/app`, 'target-region': 'us-east-1' },
      'target-region',
      'Input "target-region": "us-east-1" contradicts the region "eu-west-1" in the repository URI'
    ]
  ])('refuses %j with an error naming %s', async (override, input, message) => {
    const error = await inputError({ ...base, ...override })
    expect(error.input).toBe(input)
    expect(error.message).toContain(message)
  })

  test('needs a region from somewhere', async () => {
    expect((await inputError(base, {})).message).toBe(
      'Input "region": no region given; set the region input, use a full repository URI, or set AWS_REGION'
    )
    expect((await inputError(base, { AWS_REGION: 'nowhere' })).message).toContain(
      '(from AWS_REGION or AWS_DEFAULT_REGION) is not an AWS region name'
    )
  })

  test('refuses more tags than an image may carry', async () => {
    const tags = Array.from({ length: 1001 }, (_, i) => `t${i}`).join(',')
    expect((await inputError({ ...base, tags })).message).toBe(
      'Input "tags": 1001 tags given; ECR allows at most 1000 tags per image'
    )
  })

  test('shows hostile values escaped and cut short', async () => {
    const error = await inputError({
      ...base,
      tags: `x\n::set-output name=digest::evil${'y'.repeat(300)}`
    })
    expect(error.message).not.toContain('\n')
    expect(error.message).toContain('"::set-output name=digest::evil')
    expect(error.message).toContain('(330 characters)')
  })
})

describe('ECR Public repositories', () => {
  const PUBLIC = 'public.ecr.aws/acme/tools/cli'

  test('public.ecr.aws/ALIAS/NAME is a public repository in us-east-1, whatever AWS_REGION says', async () => {
    const inputs = await parse({ ...base, repository: PUBLIC }, { AWS_REGION: 'eu-west-1' })
    const repository = { name: 'tools/cli', region: 'us-east-1', publicAlias: 'acme' }
    expect(inputs.source).toEqual(repository)
    expect(inputs.target).toEqual(repository)
  })

  test('full public references in tags must name the public target', async () => {
    expect((await parse({ ...base, repository: PUBLIC, tags: `${PUBLIC}:v1, v2` })).tags).toEqual([
      'v1',
      'v2'
    ])
    expect(
      await inputError({ ...base, repository: PUBLIC, tags: 'public.ecr.aws/other/tools/cli:v1' })
    ).toMatchObject({ input: 'tags' })
    expect(
      await inputError({ ...base, repository: PUBLIC, tags: `${HOST}/tools/cli:v1` })
    ).toMatchObject({
      input: 'tags'
    })
    expect((await inputError({ ...base, tags: `${PUBLIC}:v1` })).message).toContain(
      'but the target is a private ECR repository'
    )
  })

  test('private to public: the target is public, the source keeps its region', async () => {
    const inputs = await parse({ ...base, repository: `${HOST}/app`, 'target-repository': PUBLIC })
    expect(inputs.source).toEqual({ name: 'app', region: 'eu-west-1', registryId: '123456789012' })
    expect(inputs.target).toEqual({ name: 'tools/cli', region: 'us-east-1', publicAlias: 'acme' })
  })

  test('public to private: the private side takes region from the inputs or the environment', async () => {
    const inputs = await parse(
      {
        ...base,
        repository: PUBLIC,
        'target-repository': 'mirror',
        'target-registry-id': '123456789012'
      },
      { AWS_REGION: 'eu-central-1' }
    )
    expect(inputs.target).toEqual({
      name: 'mirror',
      region: 'eu-central-1',
      registryId: '123456789012'
    })
    expect(
      await inputError({ ...base, repository: PUBLIC, 'target-repository': 'mirror' })
    ).toMatchObject({
      input: 'target-registry-id'
    })
  })

  test.each([
    ['registry-id', { repository: PUBLIC, 'registry-id': '123456789012' }],
    ['target-region', { 'target-repository': PUBLIC, 'target-region': 'eu-west-1' }],
    ['target-registry-id', { 'target-repository': PUBLIC, 'target-registry-id': '123456789012' }]
  ])('%s does not apply to a public repository', async (input, extra) => {
    const error = await inputError({ ...base, ...extra })
    expect(error.input).toBe(input)
    expect(error.message).toContain('us-east-1 only')
  })

  test.each([
    'public.ecr.aws/acme',
    'public.ecr.aws/a/app',
    'public.ecr.aws/Acme/app',
    'public.ecr.aws/acme/App',
    `public.ecr.aws/acme/${'a'.repeat(206)}`,
    'public.ecr.aws/acme/app:tag'
  ])('%s is refused, naming the input', async (repository) => {
    expect((await inputError({ ...base, repository })).input).toBe('repository')
  })
})
