// The benchmark's tables and targets, from a result: printed by run.ts, read back from
// bench/results.json when a part is rerun alone.
import { gatesTargets, renderGates } from './gates.js'
import { quotaTargets, renderQuota } from './quota.js'
import { renderTls, tlsTargets } from './tls.js'
import type { BenchResult } from './types.js'

const MiB = 1024 * 1024

/** Call counts with their operations in order: requests in parallel answer in any order. */
const sortedJson = (counts: Record<string, number>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))))

export function targets(result: Omit<BenchResult, 'targets'>): BenchResult['targets'] {
  const list: BenchResult['targets'] = []
  const add = (target: string, value: string, met: boolean): void =>
    void list.push({ target, value, met })
  for (const promotion of result.promotions ?? []) {
    // The tag mutability, the image's tag count, the lifecycle policy and the signing configuration
    // are read beside the images, in one round trip.
    const expected = {
      BatchGetImage: 1,
      DescribeImages: 1,
      DescribeRepositories: 1,
      GetLifecyclePolicy: 1,
      GetSigningConfiguration: 1,
      PutImage: promotion.tags
    }
    add(
      `calls, ${promotion.tags} tag(s): 5 reads + ${promotion.tags}`,
      sortedJson(promotion.action.calls),
      sortedJson(promotion.action.calls) === sortedJson(expected)
    )
    if (promotion.tags === 10 && promotion.ratios.recipeOverAction !== undefined) {
      add(
        'CLI recipe / action, 10 tags: ≥ 20',
        promotion.ratios.recipeOverAction.toFixed(1),
        promotion.ratios.recipeOverAction >= 20
      )
    }
    if (promotion.tags >= 10) {
      add(
        `HTTP: after start-up / round trips, ${promotion.tags} tags: ≤ 1.3`,
        promotion.ratios.afterStartupOverRoundTrips.toFixed(2),
        promotion.ratios.afterStartupOverRoundTrips <= 1.3
      )
      add(
        `HTTP: action / floor, ${promotion.tags} tags: ≤ 2`,
        promotion.ratios.actionOverFloor.toFixed(2),
        promotion.ratios.actionOverFloor <= 2
      )
    }
  }
  if (result.rerun)
    add(
      'calls on a rerun: 5 reads in one round trip',
      sortedJson(result.rerun.calls),
      sortedJson(result.rerun.calls) ===
        sortedJson({
          BatchGetImage: 1,
          DescribeImages: 1,
          DescribeRepositories: 1,
          GetLifecyclePolicy: 1,
          GetSigningConfiguration: 1
        })
    )
  if (result.tls) tlsTargets(result.tls, add)
  if (result.quota) quotaTargets(result.quota, add)
  if (result.gates) gatesTargets(result.gates, add)
  if (result.copy) {
    const growth = result.copy.peakRssMiB / result.copy.smallCopyPeakRssMiB
    add(
      'copy memory flat: peak RSS, 4× the bytes / 1× the bytes ≤ 1.25',
      growth.toFixed(2),
      growth <= 1.25
    )
    const mounted = result.copy.mounted
    if (mounted) {
      add(
        'copy within one registry: time with mounting off / on ≥ 20',
        mounted.copyOverMounted.toFixed(1),
        mounted.copyOverMounted >= 20
      )
      add(
        'copy with mounting on: UploadLayerPart calls = 0',
        String(mounted.uploadParts),
        mounted.uploadParts === 0
      )
    }
  }
  if (result.startup)
    add(
      'cold start over bare node: ≤ 130 ms',
      `${result.startup.coldStartOverNodeMs.toFixed(0)} ms`,
      result.startup.coldStartOverNodeMs <= 130
    )
  return list
}

const ms = (value: number): string => `${value.toFixed(0)} ms`
const ratio = (value: number | undefined): string =>
  value === undefined ? '—' : `${value.toFixed(2)}×`
const calls = (counts: Record<string, number> | undefined): string =>
  counts
    ? Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([operation, n]) => `${n} ${operation}`)
        .join(', ')
    : '—'

export function renderTable(result: BenchResult): string {
  const lines = [
    `Node ${result.node}, ${result.cpus} CPUs, medians of ${result.runs} runs; parts: ${result.parts.join(', ')}${result.loadAverage ? `; load average ${result.loadAverage.start.toFixed(1)} at the start, ${result.loadAverage.end.toFixed(1)} at the end` : ''}.`
  ]
  if (result.startup) {
    const s = result.startup
    lines.push(
      '',
      '| Cold start (failing on a bad input, no network) | Time | Over bare node |',
      '| --- | ---: | ---: |',
      `| bare \`node -e 0\` | ${ms(s.nodeMs)} | — |`,
      `| the action (\`node dist/index.js\`) | ${ms(s.actionFailingMs)} | ${ms(s.coldStartOverNodeMs)} |`,
      `| the CLI (\`node dist/cli/index.js\`) | ${s.cliFailingMs === undefined ? '—' : ms(s.cliFailingMs)} | ${s.cliFailingMs === undefined ? '—' : ms(s.cliFailingMs - s.nodeMs)} |`,
      `| the AWS CLI (\`aws ecr batch-get-image\`, a required argument missing) | ${s.awsCliFailingMs === undefined ? '—' : ms(s.awsCliFailingMs)} | ${s.awsCliFailingMs === undefined ? '—' : ms(s.awsCliFailingMs - s.nodeMs)} |`,
      '',
      `Bundle: ${(s.bundleBytes / 1024).toFixed(0)} KiB (${(s.bundleGzipBytes / 1024).toFixed(0)} KiB gzipped) for the entry file.`
    )
  }
  if (result.promotions) {
    lines.push(
      '',
      `Plain HTTP, ${result.latencyMs} ms added per request.`,
      '',
      '| Tags | Action | CLI recipe | Floor (node + round trips) | Recipe / action | Action / floor | After start-up / round trips | Action calls | Recipe calls |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
      ...result.promotions.map(
        (p) =>
          `| ${p.tags} | ${ms(p.action.ms)} | ${p.recipe ? ms(p.recipe.ms) : '—'} | ${ms(p.floor.ms)} (${ms(p.floor.ms - p.floor.roundTripsMs)} + ${ms(p.floor.roundTripsMs)}) | ${ratio(p.ratios.recipeOverAction)} | ${ratio(p.ratios.actionOverFloor)} | ${ratio(p.ratios.afterStartupOverRoundTrips)} | ${calls(p.action.calls)} | ${calls(p.recipe?.calls)} |`
      )
    )
  }
  if (result.rerun)
    lines.push(
      '',
      `Rerun with nothing to change (10 tags): ${ms(result.rerun.ms)}, ${calls(result.rerun.calls)}, ${result.rerun.connections} connections.`
    )
  if (result.tls) lines.push('', ...renderTls(result.tls))
  if (result.quota) lines.push('', ...renderQuota(result.quota))
  if (result.gates) lines.push('', ...renderGates(result.gates))
  if (result.copy) {
    const c = result.copy
    lines.push(
      '',
      `Copy of ${(c.bytes / MiB / 1024).toFixed(2)} GiB in ${c.layers} layers between repositories: ${(c.actionMs / 1000).toFixed(1)} s (${c.actionMiBps.toFixed(0)} MiB/s) against ${(c.rawMs / 1000).toFixed(1)} s (${c.rawMiBps.toFixed(0)} MiB/s) for a minimal raw client: ${ratio(c.actionOverRaw)}. Peak RSS of the action: ${c.peakRssMiB.toFixed(0)} MiB (${c.smallCopyPeakRssMiB.toFixed(0)} MiB for an image a quarter of the size).`,
      ...(c.mounted
        ? [
            '',
            `The same copy with ECR's BLOB_MOUNTING on, every blob mounted: ${(c.mounted.ms / 1000).toFixed(2)} s, ${c.mounted.copyOverMounted.toFixed(1)}× faster than copying, ${c.mounted.uploadParts} UploadLayerPart calls; peak RSS ${c.mounted.peakRssMiB.toFixed(0)} MiB. A minimal raw client mounting the same layers (one token, one POST each, no process start-up): ${(c.mounted.rawMs / 1000).toFixed(2)} s.`
          ]
        : [])
    )
  }
  lines.push(
    '',
    '| Target | Value | Met |',
    '| --- | --- | --- |',
    ...result.targets.map((t) => `| ${t.target} | ${t.value} | ${t.met ? 'yes' : '**no**'} |`)
  )
  if (result.skipped.length > 0) lines.push('', ...result.skipped.map((s) => `Skipped: ${s}.`))
  return lines.join('\n')
}
