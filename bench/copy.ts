// The copy part: a 1 GiB image copied between repositories by the action and by a minimal raw
// client, and the action's peak memory against a copy a quarter of the size.
import { randomBytes } from 'node:crypto'
import { buildImage, pushImage, type Emulator } from '../emulator/index.js'
import { actionEnv, timed, timedChild } from './measure.js'
import type { BenchResult } from './types.js'

const NODE = process.execPath
const MiB = 1024 * 1024

/** A 1 GiB image of four layers copied between repositories: the action, and a minimal raw client. */
export async function copyBench(
  emulator: Emulator,
  bytes: number,
  env: NodeJS.ProcessEnv,
  dist: string,
  log: (line: string) => void
): Promise<NonNullable<BenchResult['copy']>> {
  log(`copy of ${Math.round(bytes / MiB)} MiB`)
  emulator.setLatency(0)
  const account = '123456789012'
  const region = 'us-east-1'
  const layerBytes = Math.floor(bytes / 4)
  const layers = Array.from({ length: 4 }, () => randomBytes(layerBytes))
  const big = buildImage({ files: { 'bin/app': 'x' }, rawLayers: layers })
  // A quarter of the size, same shape: memory that stays flat is the same for both.
  const small = buildImage({
    files: { 'bin/app': 'y' },
    rawLayers: Array.from({ length: 4 }, () => randomBytes(Math.floor(layerBytes / 4)))
  })
  const source = emulator.state.createRepository(account, region, 'bench/big')
  pushImage(source, big, emulator.state.settings, ['big'])
  pushImage(source, small, emulator.state.settings, ['small'])
  for (const name of [
    'bench/big-prod',
    'bench/big-raw',
    'bench/small-prod',
    'bench/big-mounted',
    'bench/big-raw-mounted'
  ])
    emulator.state.createRepository(account, region, name)

  const run = async (tag: string, target: string) => {
    emulator.resetLog()
    const outcome = await timed(
      NODE,
      [dist],
      actionEnv(
        {
          repository: source.name,
          'source-tag': tag,
          tags: 'prod',
          'target-repository': target,
          region
        },
        env
      ),
      { rss: true }
    )
    if (outcome.code !== 0) throw new Error(`the copy failed:\n${outcome.stdout}`)
    return { ...outcome, calls: emulator.counts() }
  }
  const smallCopy = await run('small', 'bench/small-prod')
  const action = await run('big', 'bench/big-prod')
  // The same copy within the registry with ECR's BLOB_MOUNTING on: every blob mounted.
  emulator.state.setAccountSetting(account, region, 'BLOB_MOUNTING', 'ENABLED')
  const mounting = async () => {
    const action = await run('big', 'bench/big-mounted')
    const raw = await timedChild(
      {
        kind: 'mount',
        url: emulator.url,
        from: source.name,
        to: 'bench/big-raw-mounted',
        digests: big.blobs.slice(2).map((blob) => blob.digest),
        concurrency: 4
      },
      env
    )
    return { ...action, rawMs: (JSON.parse(raw.stdout) as { ms: number }).ms }
  }
  const mounted = await mounting().finally(() =>
    emulator.state.setAccountSetting(account, region, 'BLOB_MOUNTING', 'DISABLED')
  )
  const raw = await timedChild(
    {
      kind: 'copy',
      url: emulator.url,
      from: source.name,
      to: 'bench/big-raw',
      digests: big.blobs.slice(2).map((blob) => blob.digest),
      concurrency: 4
    },
    env
  )
  const rawMs = (JSON.parse(raw.stdout) as { ms: number }).ms
  const copied = layerBytes * 4
  return {
    bytes: copied,
    layers: 4,
    actionMs: action.ms,
    rawMs,
    actionMiBps: copied / MiB / (action.ms / 1000),
    rawMiBps: copied / MiB / (rawMs / 1000),
    actionOverRaw: action.ms / rawMs,
    peakRssMiB: (action.peakRssKiB ?? 0) / 1024,
    smallCopyPeakRssMiB: (smallCopy.peakRssKiB ?? 0) / 1024,
    calls: action.calls,
    mounted: {
      ms: mounted.ms,
      peakRssMiB: (mounted.peakRssKiB ?? 0) / 1024,
      copyOverMounted: action.ms / mounted.ms,
      rawMs: mounted.rawMs,
      uploadParts: mounted.calls.UploadLayerPart ?? 0,
      calls: mounted.calls
    }
  }
}
