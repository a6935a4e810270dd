// Supply chain and least privilege: pinned third-party actions, the libraries the bundles hold as the
// README names them, and an IAM policy (docs/iam.md) that matches exactly the ECR calls the action makes.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useEmulator } from '../__fixtures__/emulator.js'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { runDist } from '../__fixtures__/actions.js'
import {
  buildImage,
  buildIndex,
  buildReferrer,
  pushImage,
  type RequestLogEntry
} from '../emulator/index.js'

const root = new URL('..', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')
const readme = read('README.md')
const iam = read('docs/iam.md')
const docs = readdirSync(new URL('docs/', root))
  .filter((file) => file.endsWith('.md'))
  .map((file) => read(`docs/${file}`))

/** The text of a README section, from its heading to the next heading of the same or higher level. */
function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const level = heading.split(' ')[0]!
  const rest = readme.slice(start + heading.length)
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `))
  return next < 0 ? rest : rest.slice(0, next)
}

describe('third-party actions', () => {
  const pinned = /^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40}(?:\s+#.*)?$/
  test('every workflow pins every action by commit SHA', () => {
    const files = readdirSync(new URL('.github/workflows/', root)).filter((file) =>
      /\.ya?ml$/.test(file)
    )
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const uses = [...read(`.github/workflows/${file}`).matchAll(/^\s*-?\s*uses:\s*(.+)$/gm)].map(
        (match) => match[1]!.trim()
      )
      expect(uses.length).toBeGreaterThan(0)
      for (const use of uses) if (!use.startsWith('./')) expect(use).toMatch(pinned)
    }
  })

  test('the README and docs examples pin every action but this one by commit SHA', () => {
    const uses = [readme, ...docs].flatMap((text) =>
      [...text.matchAll(/^\s*-?\s*uses:\s*(.+)$/gm)].map((match) => match[1]!.trim())
    )
    const others = uses.filter((use) => !use.startsWith('your-org/ecr-promote@'))
    expect(others.length).toBeGreaterThan(3)
    for (const use of others) expect(use).toMatch(pinned)
  })
})

/** Every file under a folder of the repository, recursively. */
const sourceFiles = (dir: string): string[] =>
  readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(`${dir}${entry.name}/`) : [`${dir}${entry.name}`]
  )

describe('runtime dependencies', () => {
  // The bundles hold every library the source imports; the package installs none of them.
  const imported = new Set(
    sourceFiles('src/')
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...read(file).matchAll(/(?:from |import\()'([^.'][^']*)'/g)])
      .map((match) => match[1]!)
      .filter((specifier) => !specifier.startsWith('node:'))
      .map((specifier) =>
        specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/')
      )
  )
  const manifest = JSON.parse(read('package.json')) as {
    dependencies?: Record<string, string>
    devDependencies: Record<string, string>
  }

  test('are exactly the ones the README names, each a devDependency the bundles hold', () => {
    // The list under "Runtime": each bullet names its packages first, then says what they are for.
    const runtime = /Runtime[^:]*:\n\n((?:(?:- | {2})[^\n]*\n)+)/.exec(
      section('### Dependencies')
    )![1]!
    const named = runtime
      .split(/\n(?=- )/)
      .flatMap((bullet) => /^- ([^:]*):/.exec(bullet)![1]!.match(/`[^`]+`/g)!)
      .map((name) => name.slice(1, -1))
    expect(imported.size).toBeGreaterThan(5)
    expect(named.sort()).toEqual([...imported].sort())
    for (const name of named) expect(manifest.devDependencies[name]).toBeDefined()
    expect(manifest.dependencies).toBeUndefined()
  })
})

describe('the IAM policy in docs/iam.md', () => {
  // ListImageReferrers has no IAM action of its own: ecr:BatchGetImage authorizes it.
  const iamAction = (operation: string): string =>
    `ecr:${operation === 'ListImageReferrers' ? 'BatchGetImage' : operation}`
  const emulator = useEmulator()
  const logs: Record<
    | 'inPlace'
    | 'across'
    | 'toPublic'
    | 'fromPublic'
    | 'publicRollback'
    | 'gated'
    | 'create'
    | 'rollback'
    | 'restore'
    | 'signing',
    RequestLogEntry[]
  > = {
    publicRollback: [],
    restore: [],
    signing: [],
    gated: [],
    rollback: [],
    create: [],
    inPlace: [],
    across: [],
    toPublic: [],
    fromPublic: []
  }

  beforeAll(async () => {
    const env = emulator.env
    const source = emulator.state.createRepository('111111111111', 'us-east-1', 'iam/app')
    const target = emulator.state.createRepository('222222222222', 'eu-west-1', 'iam/app')
    const children = ['amd64', 'arm64'].map((architecture) => ({
      ...buildImage({ files: { bin: randomBytes(200) }, platform: { os: 'linux', architecture } }),
      platform: { os: 'linux', architecture }
    }))
    for (const child of children) pushImage(source, child, emulator.state.settings)
    const index = buildIndex(children)
    pushImage(source, index, emulator.state.settings, ['staging'])
    pushImage(
      source,
      buildReferrer(index, 'application/vnd.example.signature.v1+json', 'signed'),
      emulator.state.settings
    )
    const sourceUri = '111111111111.dkr.ecr.us-east-1.amazonaws.com/iam/app'
    // Every path through the action: in place, and into another account with a copy.
    const many = Array.from({ length: 100 }, (_, i) => `p${i}`).join(',')
    const inPlace = await runDist(
      { repository: sourceUri, 'source-tag': 'staging', tags: many, 'put-image-rate': '1000' },
      env
    )
    expect(inPlace.exitCode).toBe(0)
    logs.inPlace = [...emulator.log]
    emulator.resetLog()
    const across = await runDist(
      {
        repository: sourceUri,
        'source-tag': 'staging',
        tags: many,
        'put-image-rate': '1000',
        'target-repository': '222222222222.dkr.ecr.eu-west-1.amazonaws.com/iam/app'
      },
      env
    )
    expect(across.exitCode).toBe(0)
    expect(target.tags.get('p0')).toBe(index.digest)
    // Once the image is in the target, a new tag is checked against ECR's tag limit there.
    const again = await runDist(
      {
        repository: sourceUri,
        'source-tag': 'staging',
        tags: 'one-more',
        'target-repository': '222222222222.dkr.ecr.eu-west-1.amazonaws.com/iam/app'
      },
      env
    )
    expect(again.exitCode).toBe(0)
    logs.across = [...emulator.log]

    // A target repository that does not exist, created in the same step.
    emulator.resetLog()
    const create = await runDist(
      {
        repository: sourceUri,
        'source-tag': 'staging',
        tags: 'v1',
        'create-repository': 'true',
        'target-repository': '222222222222.dkr.ecr.eu-west-1.amazonaws.com/iam/new-app'
      },
      env
    )
    expect(create.exitCode).toBe(0)
    logs.create = [...emulator.log]

    // on-failure: rollback, in place: the second image's writes are denied, the first's undone.
    const other = emulator.state.createRepository('111111111111', 'us-east-1', 'iam/other')
    pushImage(other, buildImage({ files: { bin: randomBytes(50) } }), emulator.state.settings, [
      'staging'
    ])
    emulator.resetLog()
    emulator.onRequest(async (request) => {
      if (request.operation !== 'PutImage' || request.body.repositoryName !== 'iam/other') return
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { status: 400, body: { __type: 'AccessDeniedException', message: 'denied' } }
    })
    const rolledBack = await runDist(
      {
        sources: `${sourceUri}:staging\n111111111111.dkr.ecr.us-east-1.amazonaws.com/iam/other:staging`,
        tags: 'rollback-me',
        'on-failure': 'rollback'
      },
      env
    )
    emulator.onRequest(undefined)
    expect(rolledBack.exitCode).toBe(1)
    expect(source.tags.has('rollback-me')).toBe(false)
    logs.rollback = [...emulator.log]

    // Managed signing in the target: a repository of the caller's own registry that it signs.
    const signedRepository = emulator.state.createRepository(
      '123456789012',
      'us-east-1',
      'iam/signed'
    )
    pushImage(
      signedRepository,
      buildImage({ files: { bin: randomBytes(60) } }),
      emulator.state.settings,
      ['staging']
    )
    emulator.state.store.signingConfigurations.set('123456789012/us-east-1', [
      {
        signingProfileArn: 'arn:aws:signer:us-east-1:123456789012:/signing-profiles/release_signing'
      }
    ])
    emulator.resetLog()
    const signedRun = await runDist(
      { repository: 'iam/signed', 'source-tag': 'staging', tags: 'signed-prod' },
      env
    )
    expect(signedRun.exitCode).toBe(0)
    expect(signedRun.result?.signing?.statuses?.[0]?.status).toBe('COMPLETE')
    logs.signing = [...emulator.log]
    emulator.state.store.signingConfigurations.delete('123456789012/us-east-1')

    // The gates: a scanned, signed image promoted with both asked.
    const gatedImage = buildImage({ files: { bin: randomBytes(100) } })
    pushImage(source, gatedImage, emulator.state.settings, ['gated'])
    emulator.state.setScan('111111111111', 'us-east-1', 'iam/app', gatedImage.digest, {
      status: 'COMPLETE',
      findings: []
    })
    emulator.state.setSigningStatus('111111111111', 'us-east-1', 'iam/app', gatedImage.digest, [
      {
        signingProfileArn:
          'arn:aws:signer:us-east-1:111111111111:/signing-profiles/release_signing',
        status: 'COMPLETE'
      }
    ])
    emulator.resetLog()
    const gated = await runDist(
      {
        repository: sourceUri,
        'source-tag': 'gated',
        tags: 'gated-prod',
        'vulnerability-threshold': 'high',
        'require-signature': 'ecr'
      },
      env
    )
    expect(gated.exitCode).toBe(0)
    logs.gated = [...emulator.log]

    // ECR Public: publish from the private source (in the default account), then retag there.
    emulator.state.createPublicRegistry('123456789012', 'acme')
    const published = emulator.state.createPublicRepository('123456789012', 'iam/app')
    emulator.resetLog()
    const toPublic = await runDist(
      {
        repository: sourceUri,
        'source-tag': 'staging',
        tags: 'v1',
        'target-repository': 'public.ecr.aws/acme/iam/app'
      },
      env
    )
    expect(toPublic.exitCode).toBe(0)
    logs.toPublic = [...emulator.log]
    emulator.resetLog()
    const fromPublic = await runDist(
      { repository: 'public.ecr.aws/acme/iam/app', 'source-tag': 'v1', tags: 'latest' },
      env
    )
    expect(fromPublic.exitCode).toBe(0)
    logs.fromPublic = [...emulator.log]
    expect(published.tags.get('latest')).toBe(index.digest)

    // A rollback in ECR Public: the second repository's writes are denied, the first's undone.
    const deniedPublic = emulator.state.createPublicRepository('123456789012', 'iam/denied')
    pushImage(
      deniedPublic,
      buildImage({ files: { bin: randomBytes(40) } }),
      emulator.state.settings,
      ['v1']
    )
    emulator.resetLog()
    emulator.onRequest(async (request) => {
      if (
        request.operation !== 'ecr-public:PutImage' ||
        request.body.repositoryName !== 'iam/denied'
      )
        return
      await new Promise((resolve) => setTimeout(resolve, 300))
      return { status: 400, body: { __type: 'AccessDeniedException', message: 'denied' } }
    })
    const publicRollback = await runDist(
      {
        sources: 'public.ecr.aws/acme/iam/app:v1\npublic.ecr.aws/acme/iam/denied:v1',
        tags: 'public-rollback-me',
        'on-failure': 'rollback'
      },
      env
    )
    emulator.onRequest(undefined)
    expect(publicRollback.exitCode).toBe(1)
    expect(published.tags.has('public-rollback-me')).toBe(false)
    logs.publicRollback = [...emulator.log]

    // restore-archived, in place: an archived image restored, waited for, and promoted.
    const cold = buildImage({ files: { bin: randomBytes(30) } })
    pushImage(source, cold, emulator.state.settings, ['cold'])
    emulator.state.setArtifactStatus(
      '111111111111',
      'us-east-1',
      'iam/app',
      cold.digest,
      'ARCHIVED'
    )
    emulator.resetLog()
    const restored = await runDist(
      { repository: sourceUri, 'source-tag': 'cold', tags: 'warm', 'restore-archived': 'true' },
      env
    )
    expect(restored.exitCode).toBe(0)
    logs.restore = [...emulator.log]
  })

  /** The lifecycle check's read: optional (without it the run warns), granted on its own. */
  const OPTIONAL = ['GetLifecyclePolicy']
  const actionsOn = (
    log: RequestLogEntry[],
    registryId: string,
    region: string,
    optional = false
  ): string[] =>
    [
      ...new Set(
        log
          .filter(
            (entry) =>
              entry.operation !== 'BlobDownload' &&
              entry.registryId === registryId &&
              entry.region === region &&
              (optional || !OPTIONAL.includes(entry.operation))
          )
          .map((entry) => iamAction(entry.operation))
      )
    ].sort()

  /** The actions of the statement `sid` in docs/iam.md's JSON blocks. */
  const granted = (sid: string): string[] => {
    const block = [...iam.matchAll(/```json\n([\s\S]*?)```/g)].find((match) =>
      match[1]!.includes(`"${sid}"`)
    )
    const policy = JSON.parse(block![1]!) as { Statement: Array<{ Sid: string; Action: string[] }> }
    return policy.Statement.find((statement) => statement.Sid === sid)!.Action
  }
  /** What a run called on its repository beyond a promotion in place. */
  const beyondInPlace = (log: RequestLogEntry[], registryId = '111111111111'): string[] => {
    const inPlace = actionsOn(logs.inPlace, '111111111111', 'us-east-1')
    return actionsOn(log, registryId, 'us-east-1').filter((a) => !inPlace.includes(a))
  }

  test('grants exactly what the action calls on the source and on the target', () => {
    const policy = JSON.parse(/```json\n([\s\S]*?)```/.exec(iam)![1]!) as {
      Statement: Array<{ Sid: string; Action: string[] }>
    }
    const granted = Object.fromEntries(
      policy.Statement.map((statement) => [statement.Sid, [...statement.Action].sort()])
    )
    expect(granted).toEqual({
      ReadSource: actionsOn(logs.across, '111111111111', 'us-east-1'),
      WriteTarget: actionsOn(logs.across, '222222222222', 'eu-west-1')
    })
  })

  test('covers every ECR and ECR Public operation the code can call', () => {
    const commands = (file: string, prefix = ''): string[] => [
      ...new Set([...read(file).matchAll(/\b(\w+)Command\b/g)].map((match) => prefix + match[1]!))
    ]
    const called = new Set(
      Object.values(logs).flatMap((log) => log.map((entry) => entry.operation))
    )
    const imported = [
      ...commands('src/registry/ecr.ts'),
      ...commands('src/registry/ecr-public.ts', 'ecr-public:')
    ]
    expect(imported.filter((operation) => !called.has(operation))).toEqual([])
  })

  test('grants exactly what the action calls in ECR Public', () => {
    const block = [...iam.matchAll(/```json\n([\s\S]*?)```/g)].find((match) =>
      match[1]!.includes('ecr-public:')
    )
    const policy = JSON.parse(block![1]!) as {
      Statement: Array<{ Sid: string; Action: string[] }>
    }
    const granted = Object.fromEntries(
      policy.Statement.map((statement) => [statement.Sid, [...statement.Action].sort()])
    )
    const publicActions = [...logs.toPublic, ...logs.fromPublic]
      .map((entry) => entry.operation)
      .filter((operation) => operation.startsWith('ecr-public:'))
    const rollbackActions = logs.publicRollback
      .map((entry) => entry.operation)
      .filter(
        (operation) => operation.startsWith('ecr-public:') && !publicActions.includes(operation)
      )
    // Registry-wide calls; GetAuthorizationToken also needs sts:GetServiceBearerToken, always.
    const registryWide = ['ecr-public:DescribeRegistries', 'ecr-public:GetAuthorizationToken']
    expect(granted).toEqual({
      PublicRepository: [...new Set(publicActions)].filter((a) => !registryWide.includes(a)).sort(),
      PublicRollback: [...new Set(rollbackActions)].sort(),
      PublicRegistry: [
        ...registryWide.filter((a) => publicActions.includes(a)),
        'sts:GetServiceBearerToken'
      ].sort()
    })
  })

  test('the gates need exactly what the Gates statement grants, beside a promotion in place', () => {
    expect(beyondInPlace(logs.gated)).toEqual([...granted('Gates')].sort())
    expect(granted('EnhancedScanningFindings')).toEqual([
      'inspector2:ListFindings',
      'inspector2:ListCoverage'
    ])
  })

  test('create-repository needs what the CreateTarget statement grants, beside a copy', () => {
    const across = actionsOn(logs.across, '222222222222', 'eu-west-1')
    expect(
      actionsOn(logs.create, '222222222222', 'eu-west-1').filter((a) => !across.includes(a))
    ).toEqual([...granted('CreateTarget')].sort())
    // The source's settings are read with what the source statement grants, and DescribeRepositories.
    expect(actionsOn(logs.create, '111111111111', 'us-east-1')).toEqual(
      [
        'ecr:BatchGetImage',
        'ecr:DescribeImages',
        'ecr:DescribeRepositories',
        'ecr:GetDownloadUrlForLayer'
      ].sort()
    )
  })

  test('on-failure: rollback needs what the Rollback statement grants, beside a promotion in place', () => {
    expect(beyondInPlace(logs.rollback)).toEqual([...granted('Rollback')].sort())
  })

  test('lifecycle-check needs what the Lifecycle statement grants, and nothing else', () => {
    const across = actionsOn(logs.across, '222222222222', 'eu-west-1')
    expect(
      actionsOn(logs.across, '222222222222', 'eu-west-1', true).filter((a) => !across.includes(a))
    ).toEqual(['ecr:GetLifecyclePolicy'])
    // Listing the target's images, when it has a policy, is what WriteTarget grants already.
    expect([...granted('Lifecycle')].sort()).toEqual([
      'ecr:DescribeImages',
      'ecr:GetLifecyclePolicy'
    ])
    expect(across).toContain('ecr:DescribeImages')
  })

  test('managed signing in the target needs what the Signing statement grants, beside a promotion in place', () => {
    const extra = granted('Signing')
    // signer:SignPayload is ECR's call to AWS Signer, as the pushing identity: not in ECR's log.
    expect(beyondInPlace(logs.signing, '123456789012')).toEqual(
      extra.filter((action) => action.startsWith('ecr:')).sort()
    )
    expect(extra).toContain('signer:SignPayload')
  })

  test('restore-archived needs what the Restore statement grants, beside a promotion in place', () => {
    expect(beyondInPlace(logs.restore)).toEqual([...granted('Restore')].sort())
  })

  test('within one repository, the actions docs/iam.md names suffice', () => {
    expect(actionsOn(logs.inPlace, '111111111111', 'us-east-1')).toEqual([
      'ecr:BatchGetImage',
      'ecr:DescribeImages',
      'ecr:DescribeRepositories',
      'ecr:PutImage'
    ])
    expect(iam).toContain(
      'Within one repository, `ecr:BatchGetImage`, `ecr:PutImage`, `ecr:DescribeRepositories` and\n`ecr:DescribeImages` on it are all it needs.'
    )
  })
})
