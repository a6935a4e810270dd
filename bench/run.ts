// npm run bench: this action side by side with the AWS CLI recipe, the existing retag action and the
// round-trip floor, against the local ECR; prints markdown tables and writes bench/results.json.
// Parts, each runnable alone with `npm run bench -- --only PART[,PART]` (results.json keeps the
// other parts' last figures):
//   startup  cold starts: bare node, the action and the CLI failing on a bad input, the AWS CLI
//   http     promotions over plain HTTP with 20 ms per request, the CLI recipe, a rerun (http.ts)
//   tls      promotions over HTTPS with a 30 and an 80 ms RTT (tls.ts), the retag action, the floor
//   quota    ECR's quotas: 200 tags, a release of 30 images × 2 tags, and it as 30 runs (quota.ts);
//            with --large, 999 tags and a release of 100 images × 3 tags
//   gates    what the vulnerability, signing-status and Sigstore gates add to a promotion (gates.ts)
//   copy     1 GiB copied between repositories, against a minimal raw client (copy.ts)
// The tables and targets are report.ts's; the types, types.ts's.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { pushImage, startEmulator } from '../emulator/index.js'
import { copyBench } from './copy.js'
import { gatesBench } from './gates.js'
import { baseEnv, benchImage, httpBench, startupBench } from './http.js'
import { quotaBench } from './quota.js'
import { renderTable, targets } from './report.js'
import { tlsBench } from './tls.js'
import { PARTS, type BenchOptions, type BenchResult, type Part } from './types.js'

export { renderTable } from './report.js'
export { PARTS, type BenchOptions, type BenchResult, type Part } from './types.js'

const root = new URL('..', import.meta.url).pathname
const MiB = 1024 * 1024

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  // The bundle to measure: dist/ as committed, unless the caller names a fresh build.
  const dist = options.entry ?? `${root}dist/index.js`
  const parts = options.parts ?? [...PARTS]
  const log = options.log ?? (() => {})
  const skipped: string[] = []
  const result: Omit<BenchResult, 'targets'> = {
    node: process.version,
    cpus: availableParallelism(),
    latencyMs: options.latencyMs,
    runs: options.runs,
    parts,
    skipped
  }
  const loadStart = loadavg()[0]!
  if (parts.includes('startup')) result.startup = await startupBench(options, dist, skipped, log)
  if (parts.includes('http')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      Object.assign(result, await httpBench(emulator, options, dist, skipped, log))
    } finally {
      await emulator.close()
    }
  }
  if (parts.includes('tls')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs, tls: true })
    try {
      const repository = emulator.state.createRepository('123456789012', 'us-east-1', 'bench/app')
      pushImage(repository, benchImage(), emulator.state.settings, ['staging'])
      const tls = options.tls ?? {
        rtts: [30, 80],
        tagCounts: options.tagCounts,
        runs: options.runs
      }
      result.tls = await tlsBench(emulator, repository, {
        ...tls,
        serviceMs: options.latencyMs,
        dist: dist,
        log
      })
      skipped.push(...result.tls.skipped)
    } finally {
      await emulator.close()
    }
  }
  if (parts.includes('quota')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      const quota = options.quota ?? { tags: 200, images: 30, tagsPerImage: 2, runs: 1 }
      result.quota = await quotaBench(emulator, {
        ...quota,
        dist: dist,
        latencyMs: options.latencyMs,
        log
      })
    } finally {
      await emulator.close()
    }
  }
  if (parts.includes('gates')) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      result.gates = await gatesBench(emulator, {
        runs: options.gates?.runs ?? options.runs,
        dist: dist,
        latencyMs: options.latencyMs,
        log
      })
    } finally {
      await emulator.close()
    }
  }
  // Last: its gigabyte stays in this process's heap a while, and a big parent spawns children slowly
  // (every later process start would pay for it).
  if (parts.includes('copy') && options.copyBytes > 0) {
    const emulator = await startEmulator({ latencyMs: options.latencyMs })
    try {
      result.copy = await copyBench(emulator, options.copyBytes, baseEnv(emulator.url), dist, log)
    } finally {
      await emulator.close()
    }
  }
  result.loadAverage = { start: loadStart, end: loadavg()[0]! }
  return { ...result, targets: targets(result) }
}
/** `--only tls,quota`: the parts named; default all. */
export function partsFrom(argv: string[]): Part[] {
  const at = argv.indexOf('--only')
  if (at < 0) return [...PARTS]
  const named = (argv[at + 1] ?? '').split(',').filter((part) => part !== '')
  const unknown = named.filter((part) => !(PARTS as readonly string[]).includes(part))
  if (named.length === 0 || unknown.length > 0)
    throw new Error(
      `--only takes parts among ${PARTS.join(', ')}; got ${argv[at + 1] ?? 'nothing'}`
    )
  return named as Part[]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke')
  const log = (line: string) => console.error(`… ${line}`)
  // BENCH_ENTRY: another build of the action to measure (default dist/index.js).
  const entry = process.env.BENCH_ENTRY ? { entry: process.env.BENCH_ENTRY } : {}
  const result = await runBench(
    smoke
      ? {
          ...entry,
          parts: partsFrom(process.argv),
          tagCounts: [1],
          runs: 1,
          recipeRuns: 1,
          latencyMs: 20,
          copyBytes: 0,
          tls: { rtts: [30], tagCounts: [1], runs: 1 },
          quota: { tags: 20, images: 3, tagsPerImage: 2, runs: 1 },
          gates: { runs: 1 },
          log
        }
      : {
          ...entry,
          parts: partsFrom(process.argv),
          tagCounts: [1, 10, 50],
          runs: 7,
          recipeRuns: 3,
          latencyMs: 20,
          copyBytes: 1024 * MiB,
          tls: { rtts: [30, 80], tagCounts: [1, 10, 50], runs: 7 },
          // --large: release scale (999 tags, ECR's limit of 1,000 with the source's own tag, and a
          // release of 100 images × 3 tags), without the hundred processes started at once.
          quota: process.argv.includes('--large')
            ? { tags: 999, images: 100, tagsPerImage: 3, runs: 1, matrix: false }
            : { tags: 200, images: 30, tagsPerImage: 2, runs: 1 },
          gates: { runs: 7 },
          log
        }
  )
  console.log(renderTable(result))
  if (!smoke) {
    const file = `${root}bench/results.json`
    // A partial run keeps the other parts' last figures.
    const earlier = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResult>)
      : {}
    const kept = Object.fromEntries(
      PARTS.filter((part) => !result.parts.includes(part)).flatMap((part) => {
        const keys = part === 'http' ? (['promotions', 'rerun'] as const) : ([part] as const)
        return keys.filter((key) => earlier[key] !== undefined).map((key) => [key, earlier[key]])
      })
    )
    const merged = { ...kept, ...result }
    writeFileSync(file, JSON.stringify({ ...merged, targets: targets(merged) }, null, 2) + '\n')
    console.error(`wrote bench/results.json (${statSync(file).size} bytes)`)
  }
}
