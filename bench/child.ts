// Runs one raw measurement in its own process, as the action runs in its own, so neither shares the
// emulator's event loop: `node --import ./scripts/ts-hooks.js bench/child.ts '<json job>'`.
import { rawCopy, rawMount, unavoidableRoundTrips } from './raw.js'

type Job =
  | {
      kind: 'round-trips'
      url: string
      repository: string
      sourceTag: string
      tags: string[]
      concurrency: number
    }
  | {
      kind: 'copy' | 'mount'
      url: string
      from: string
      to: string
      digests: string[]
      concurrency: number
    }

const job = JSON.parse(process.argv[2]!) as Job
const ms =
  job.kind === 'round-trips'
    ? await unavoidableRoundTrips(job.url, job.repository, job.sourceTag, job.tags, job.concurrency)
    : job.kind === 'mount'
      ? await rawMount(job.url, job.from, job.to, job.digests, job.concurrency)
      : await rawCopy(job.url, job.from, job.to, job.digests, job.concurrency)
process.stdout.write(JSON.stringify({ ms }))
process.exit(0)
