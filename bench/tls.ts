// The benchmark as a runner meets ECR: HTTPS (the emulator's throwaway CA, trusted through
// NODE_EXTRA_CA_CERTS), a round-trip time on every packet flight (rtt-proxy.ts: TCP and TLS
// handshakes pay it too), ECR's own 20 ms per request. Side by side in one run: the action, the
// action without its connections opened ahead, the existing retag action (when its bundle was
// reconstructed into bench/tmp/retag) and the stand-in for it (retag-standin.js: the same round
// trips through the SDK's defaults), and the floor: a bare `node -e 0` plus a minimal keep-alive
// HTTPS client making the action's requests at its concurrency through one pool.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { emulatorEnvironment } from '../__fixtures__/actions.js'
import type { ConnectionCounts, Emulator } from '../emulator/index.js'
import { actionEnv, median, rounds, startProxy, timed, timedChild } from './measure.js'

const root = new URL('..', import.meta.url).pathname
const NODE = process.execPath
/** Where a reconstruction of abronin/ecr-retag-action's bundle may be put by hand (never committed). */
export const RETAG_BUNDLE = `${root}bench/tmp/retag/dist/index.js`
const STANDIN_SOURCE = `${root}bench/retag-standin.js`
const STANDIN_BUNDLE = `${root}bench/tmp/standin/index.js`
/** The raw client's floor writes ten tags at a time. */
const CONCURRENCY = 10
/** At the raised rate the action keeps as many writes in flight as there are tags, up to its cap
 * (src/session: min of tags, the rate's burst, 64). */
const ACTION_WRITES_IN_FLIGHT = 64
/** A raised PutImage quota, so that the action's pacing (benchmarked on its own) is not measured. */
const RAISED_RATE = '1000'

export interface Contender {
  ms: number
  connections: ConnectionCounts
  calls: Record<string, number>
}

export interface TlsRow {
  rttMs: number
  tags: number
  action: Contender
  /** The action with ECR_PROMOTE_PRECONNECT=false: no connections opened ahead. */
  actionNoPreconnect: Contender
  retag?: Contender
  standin?: Contender
  floor: { ms: number; nodeMs: number; networkMs: number; connections: ConnectionCounts }
  /** The action's time less its cold start (the failing-input run, same environment). */
  afterStartupMs: number
  /** What the concurrency needs: the two reads together, then up to ten writes at once. */
  handshakesNeeded: number
  ratios: {
    afterStartupOverNetwork: number
    actionOverFloor: number
    actionOverRetag?: number
    actionOverStandin?: number
    noPreconnectOverAction: number
  }
}

export interface TlsResult {
  serviceMs: number
  runs: number
  /** node -e 0 and the action failing on a bad input, with NODE_EXTRA_CA_CERTS as here. */
  startup: { nodeMs: number; actionFailingMs: number }
  rows: TlsRow[]
  /** Which stand-ins for the existing retag action ran, and what each is. */
  competitors: string[]
  skipped: string[]
}

export interface TlsOptions {
  rtts: number[]
  tagCounts: number[]
  runs: number
  serviceMs: number
  dist: string
  log: (line: string) => void
}

type Repository = ReturnType<Emulator['state']['createRepository']>

const handshakes = (c: ConnectionCounts): number => c.tlsFull + c.tlsResumed

/** Bundles the stand-in with ncc (plain JavaScript: no type-check of the project). */
function buildStandin(skipped: string[]): boolean {
  try {
    if (
      !existsSync(STANDIN_BUNDLE) ||
      statSync(STANDIN_BUNDLE).mtimeMs < statSync(STANDIN_SOURCE).mtimeMs
    )
      execFileSync(
        `${root}node_modules/.bin/ncc`,
        ['build', STANDIN_SOURCE, '--out', `${root}bench/tmp/standin`, '--minify', '--quiet'],
        { stdio: 'pipe' }
      )
    return true
  } catch (error) {
    skipped.push(
      `the SDK-defaults stand-in: ncc could not bundle it (${String(error).split('\n')[0]})`
    )
    return false
  }
}

export async function tlsBench(
  emulator: Emulator,
  repository: Repository,
  options: TlsOptions
): Promise<TlsResult> {
  const skipped: string[] = []
  const competitors: string[] = []
  const hasRetag = existsSync(RETAG_BUNDLE)
  if (hasRetag)
    competitors.push(
      'abronin/ecr-retag-action: its index.js with the dependency versions its yarn.lock pins (@aws-sdk/client-ecr 3.514.0, @actions/core 1.10.1), bundled with ncc into bench/tmp/retag'
    )
  else
    skipped.push(
      'abronin/ecr-retag-action: no reconstruction of its bundle at bench/tmp/retag/dist/index.js (see docs/performance.md)'
    )
  const hasStandin = buildStandin(skipped)
  if (hasStandin)
    competitors.push(
      'the stand-in (bench/retag-standin.js): one BatchGetImage, then every PutImage at once, through this project’s SDK with its defaults'
    )
  const region = 'us-east-1'
  const rows: TlsRow[] = []
  let startup: TlsResult['startup'] | undefined
  for (const rttMs of options.rtts) {
    const proxy = await startProxy(Number(new URL(emulator.url).port), rttMs)
    const url = `https://127.0.0.1:${proxy.port}`
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...emulatorEnvironment(url, 'AKIDBENCH'),
      AWS_REGION: region,
      NODE_EXTRA_CA_CERTS: emulator.caFile!
    }
    try {
      if (!startup) {
        options.log('TLS: start-up')
        const node: number[] = []
        const failing: number[] = []
        await rounds(options.runs + 1, async (round) => {
          const n = await timed(NODE, ['-e', '0'], base)
          const f = await timed(
            NODE,
            [options.dist],
            actionEnv(
              { repository: 'Not/A/Valid/Name', 'source-tag': 'x', tags: 'y', region },
              base
            )
          )
          if (f.code !== 1) throw new Error('the failing-input run did not fail')
          if (round < 0) return
          node.push(n.ms)
          failing.push(f.ms)
        })
        startup = { nodeMs: median(node), actionFailingMs: median(failing) }
      }
      for (const tags of options.tagCounts) {
        options.log(`TLS: ${rttMs} ms RTT, ${tags} tag(s)`)
        rows.push(
          await measureRow(emulator, repository, {
            ...options,
            base,
            url,
            rttMs,
            tags,
            hasRetag,
            hasStandin,
            startup
          })
        )
      }
    } finally {
      await proxy.close()
    }
  }
  return {
    serviceMs: options.serviceMs,
    runs: options.runs,
    startup: startup!,
    rows,
    competitors,
    skipped
  }
}

async function measureRow(
  emulator: Emulator,
  repository: Repository,
  o: TlsOptions & {
    base: NodeJS.ProcessEnv
    url: string
    rttMs: number
    tags: number
    hasRetag: boolean
    hasStandin: boolean
    startup: TlsResult['startup']
  }
): Promise<TlsRow> {
  const region = 'us-east-1'
  let unique = 0
  const fresh = (): string[] => {
    unique++
    return Array.from({ length: o.tags }, (_, i) => `t${o.rttMs}-${o.tags}-${unique}-${i}`)
  }
  const clean = (): void => {
    for (const tag of [...repository.tags.keys()])
      if (tag !== 'staging') repository.tags.delete(tag)
  }
  type Run = () => Promise<{ ms: number; code: number; stdout: string }>
  const samples = new Map<string, { ms: number[]; last?: Omit<Contender, 'ms'> }>()
  // The same bundle, the same inputs; only the environment differs.
  const actionRun =
    (env: NodeJS.ProcessEnv): Run =>
    () =>
      timed(
        NODE,
        [o.dist],
        actionEnv(
          {
            repository: repository.name,
            'source-tag': 'staging',
            tags: fresh().join(','),
            region,
            'put-image-rate': RAISED_RATE
          },
          env
        )
      )
  const contenders: Array<[string, Run]> = [
    ['action', actionRun(o.base)],
    ['actionNoPreconnect', actionRun({ ...o.base, ECR_PROMOTE_PRECONNECT: 'false' })]
  ]
  const retagInputs = () => ({
    repository: repository.name,
    tag: 'staging',
    'new-tags': fresh().join(','),
    'aws-region': region
  })
  if (o.hasRetag)
    contenders.push(['retag', () => timed(NODE, [RETAG_BUNDLE], actionEnv(retagInputs(), o.base))])
  if (o.hasStandin)
    contenders.push([
      'standin',
      () => timed(NODE, [STANDIN_BUNDLE], actionEnv(retagInputs(), o.base))
    ])
  contenders.push([
    'floor',
    async () => {
      const child = await timedChild(
        {
          kind: 'round-trips',
          url: o.url,
          repository: repository.name,
          sourceTag: 'staging',
          tags: fresh(),
          concurrency: CONCURRENCY
        },
        o.base
      )
      return { ...child, ms: (JSON.parse(child.stdout) as { ms: number }).ms }
    }
  ])
  contenders.push(['node', () => timed(NODE, ['-e', '0'], o.base)])
  await rounds(o.runs, async (round) => {
    // A different order each round: none always runs first, after the machine was idle.
    const order = contenders.map(
      (_, i) => contenders[(i + Math.max(0, round)) % contenders.length]!
    )
    for (const [name, run] of order) {
      emulator.resetLog()
      const outcome = await run()
      if (outcome.code !== 0) throw new Error(`${name} failed:\n${outcome.stdout}`)
      const entry = samples.get(name) ?? { ms: [] }
      if (round >= 0) entry.ms.push(outcome.ms)
      entry.last = { connections: emulator.connections(), calls: emulator.counts() }
      samples.set(name, entry)
      clean()
    }
  })
  const contender = (name: string): Contender | undefined => {
    const entry = samples.get(name)
    return entry ? { ms: median(entry.ms), ...entry.last! } : undefined
  }
  const action = contender('action')!
  const actionNoPreconnect = contender('actionNoPreconnect')!
  const retag = contender('retag')
  const standin = contender('standin')
  const floorNetwork = contender('floor')!
  const nodeMs = contender('node')!.ms
  const afterStartupMs = action.ms - o.startup.actionFailingMs
  const floorMs = nodeMs + floorNetwork.ms
  return {
    rttMs: o.rttMs,
    tags: o.tags,
    action,
    actionNoPreconnect,
    ...(retag && { retag }),
    ...(standin && { standin }),
    floor: {
      ms: floorMs,
      nodeMs,
      networkMs: floorNetwork.ms,
      connections: floorNetwork.connections
    },
    afterStartupMs,
    // The five reads go at once (images and tags, mutability, tag count, lifecycle, signing); then the writes.
    handshakesNeeded: Math.max(5, Math.min(o.tags, ACTION_WRITES_IN_FLIGHT)),
    ratios: {
      afterStartupOverNetwork: afterStartupMs / floorNetwork.ms,
      actionOverFloor: action.ms / floorMs,
      ...(retag && { actionOverRetag: action.ms / retag.ms }),
      ...(standin && { actionOverStandin: action.ms / standin.ms }),
      noPreconnectOverAction: actionNoPreconnect.ms / action.ms
    }
  }
}

const ms = (value: number | undefined): string =>
  value === undefined ? '—' : `${value.toFixed(0)} ms`
const ratio = (value: number | undefined): string =>
  value === undefined ? '—' : `${value.toFixed(2)}×`
const conns = (c: Contender | undefined): string =>
  c ? `${c.connections.tcp} / ${handshakes(c.connections)}` : '—'

export function renderTls(result: TlsResult): string[] {
  return [
    `HTTPS through the RTT proxy, ECR's own ${result.serviceMs} ms per request, medians of ${result.runs} runs. Cold start here (NODE_EXTRA_CA_CERTS set): bare node ${ms(result.startup.nodeMs)}, the action failing on a bad input ${ms(result.startup.actionFailingMs)}.`,
    '',
    '| RTT | Tags | Action | No preconnect | Retag action | SDK-defaults stand-in | Floor (node + network) | After start-up / floor network | Action / retag | Action / stand-in | Connections / TLS handshakes: action, retag, floor (needed) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...result.rows.map(
      (r) =>
        `| ${r.rttMs} ms | ${r.tags} | ${ms(r.action.ms)} | ${ms(r.actionNoPreconnect.ms)} | ${ms(r.retag?.ms)} | ${ms(r.standin?.ms)} | ${ms(r.floor.ms)} (${ms(r.floor.nodeMs)} + ${ms(r.floor.networkMs)}) | ${ratio(r.ratios.afterStartupOverNetwork)} | ${ratio(r.ratios.actionOverRetag)} | ${ratio(r.ratios.actionOverStandin)} | ${conns(r.action)}, ${conns(r.retag)}, ${r.floor.connections.tcp} / ${handshakes(r.floor.connections)} (${r.handshakesNeeded}) |`
    )
  ]
}

export function tlsTargets(
  result: TlsResult,
  add: (target: string, value: string, met: boolean) => void
): void {
  for (const row of result.rows.filter((r) => r.rttMs === 30)) {
    add(
      `TLS 30 ms, ${row.tags} tag(s): after start-up / floor network ≤ 1.3`,
      row.ratios.afterStartupOverNetwork.toFixed(2),
      row.ratios.afterStartupOverNetwork <= 1.3
    )
    const h = handshakes(row.action.connections)
    add(
      `TLS 30 ms, ${row.tags} tag(s): TLS handshakes ≤ ${row.handshakesNeeded} (what the concurrency needs)`,
      String(h),
      h <= row.handshakesNeeded
    )
    if (row.tags === 10) {
      const fastest = Math.min(
        ...[row.retag?.ms, row.standin?.ms].filter((v): v is number => v !== undefined)
      )
      if (Number.isFinite(fastest))
        add(
          'TLS 30 ms, 10 tags: action / fastest retag ≤ 0.90',
          (row.action.ms / fastest).toFixed(2),
          row.action.ms / fastest <= 0.9
        )
    }
    if (row.tags === 50 && row.standin)
      add(
        'TLS 30 ms, 50 tags at a raised rate: action / stand-in sending all at once ≤ 1.0',
        (row.action.ms / row.standin.ms).toFixed(2),
        row.action.ms <= row.standin.ms
      )
  }
}
