// Connections opened ahead: the first call of a run names its endpoint long before the SDK is loaded
// and ready to send (the SDK's chunks compile, its client resolves configuration, credentials and the
// endpoint), and a TCP plus TLS handshake to a distant region costs two round trips. So the registry
// opens the connections the run's first round trips will need as soon as it is asked for them, and
// the SDK's HTTP handler takes those sockets instead of opening its own. Only sockets to the exact
// host and port the SDK asks for are handed over, verified as any other (the default CAs, the host
// name), so a wrong guess costs one idle connection, never a misrouted call. Sockets nobody took are
// closed after a while, and never keep the process alive.
import { Agent as HttpAgent, type AgentOptions } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { isIP, connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Duplex } from 'node:stream'
import type { RepositoryRef } from '../oci/index.js'
import { endpointOf, type Endpoints } from './endpoints.js'

/**
 * One turn of the event loop. Loading the SDK's chunks holds the one thread for tens of
 * milliseconds, and a TLS handshake only moves when the thread is free: the registry lets the
 * connections opened ahead send their first flight between the transport's chunks and the SDK's,
 * so that the handshake's round trip overlaps the SDK's loading instead of following it.
 */
export const letIoThrough = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** ECR writes go ten at a time; connections past that would only wait for a turn. */
export const MAX_CONNECTIONS_AHEAD = 10
/**
 * The reads a promotion starts together: the images and tags, the tag mutability, and the image's
 * tag count.
 */
const READS_TOGETHER = 3
/** An opened socket nobody took by then is closed. */
const UNUSED_MS = 15_000

export interface Warmer {
  /**
   * A registry operation is about to be called: opens, in the background, the connections its
   * endpoint will want (at most MAX_CONNECTIONS_AHEAD over the run), unless they are open.
   */
  ahead(operation: string, repository: RepositoryRef, args: readonly unknown[]): void
  /** Opens `count` connections to `url` ahead, counting those already opened there. */
  open(url: string, count: number): void
  /** An opened, live socket to this origin, or none; the caller owns it from then on. */
  take(protocol: 'http:' | 'https:', host: string, port: number): Duplex | undefined
  /** Sockets opened ahead so far, taken or not, per origin: what the run paid for. */
  opened(): Record<string, number>
}

/**
 * How many connections an operation's follow-ups will want at once: a promotion reads the images
 * and tags (beside the tag mutability and the tag count), then writes one tag per call, ten at a time.
 */
export function connectionsAhead(operation: string, args: readonly unknown[]): number {
  if (operation === 'getImagesAndTags') {
    const tags = Array.isArray(args[1]) ? args[1].length : 0
    return Math.min(MAX_CONNECTIONS_AHEAD, Math.max(READS_TOGETHER, tags))
  }
  return 1
}

const originOf = (protocol: string, host: string, port: number): string =>
  `${protocol}//${host}:${port}`

export function createWarmer(options: { enabled?: boolean; endpoints?: Endpoints } = {}): Warmer {
  const enabled = options.enabled ?? true
  const idle = new Map<string, Socket[]>()
  const counts = new Map<string, number>()

  function openOne(origin: string, url: URL): Socket {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const socket: Socket =
      url.protocol === 'https:'
        ? tlsConnect({ host, port, ...(isIP(host) === 0 && { servername: host }) })
        : netConnect({ host, port })
    socket.setNoDelay(true)
    // Until taken, it is nobody's: it must neither crash the run nor keep it alive.
    const drop = (): void => {
      socket.destroy()
      const list = idle.get(origin)
      const at = list?.indexOf(socket) ?? -1
      if (at >= 0) list!.splice(at, 1)
    }
    socket.on('error', drop)
    socket.once('close', drop)
    socket.unref()
    const timer = setTimeout(drop, UNUSED_MS)
    timer.unref()
    ;(socket as Socket & { releaseWarm?: () => void }).releaseWarm = () => {
      clearTimeout(timer)
      socket.off('error', drop)
      socket.off('close', drop)
      socket.ref()
    }
    const list = idle.get(origin) ?? []
    list.push(socket)
    idle.set(origin, list)
    return socket
  }

  const parsed = new Map<string, { url: URL; origin: string } | null>()
  function parse(endpoint: string): { url: URL; origin: string } | null {
    let known = parsed.get(endpoint)
    if (known === undefined) {
      known = null
      try {
        const url = new URL(endpoint)
        if (url.protocol === 'https:' || url.protocol === 'http:') {
          const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
          known = {
            url,
            origin: originOf(url.protocol, url.hostname.replace(/^\[|\]$/g, ''), port)
          }
        }
      } catch {
        // Not a URL the SDK could use either: nothing to open.
      }
      parsed.set(endpoint, known)
    }
    return known
  }

  function open(endpoint: string, count: number): void {
    if (!enabled) return
    const target = parse(endpoint)
    if (!target) return
    const { url, origin } = target
    const already = counts.get(origin) ?? 0
    const wanted = Math.min(count, MAX_CONNECTIONS_AHEAD)
    if (wanted <= already) return
    counts.set(origin, wanted)
    // The first calls' connections now; the ones for the calls after them once the first is up, so
    // that their handshakes (CPU on this one thread) do not hold up the first requests, and overlap
    // those requests' round trip instead.
    const now = Math.max(0, Math.min(wanted, READS_TOGETHER) - already)
    const later = wanted - already - now
    const first = Array.from({ length: now }, () => openOne(origin, url))
    if (later === 0) return
    const openRest = (): void => {
      for (let n = 0; n < later; n++) openOne(origin, url)
    }
    const lead = first[0]
    if (!lead) return openRest()
    lead.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', openRest)
  }

  return {
    ahead(operation, repository, args) {
      // ECR Public's calls split between its API and its registry endpoint: not guessed.
      if (repository.publicAlias !== undefined) return
      open(
        endpointOf('ECR', repository.region, options.endpoints),
        connectionsAhead(operation, args)
      )
    },
    open,
    take(protocol, host, port) {
      const list = idle.get(originOf(protocol, host.replace(/^\[|\]$/g, ''), port))
      while (list && list.length > 0) {
        const socket = list.shift()!
        if (socket.destroyed || !socket.writable) continue
        ;(socket as Socket & { releaseWarm?: () => void }).releaseWarm?.()
        return socket
      }
      return undefined
    },
    opened: () => Object.fromEntries(counts)
  }
}

type CreateConnection = (
  options: Record<string, unknown>,
  callback?: (error: Error | null, socket: Duplex) => void
) => Duplex | undefined

/** Hands a socket opened ahead to the agent when it would open one to the same origin. */
function takingFirst(warmer: Warmer, protocol: 'http:' | 'https:', original: CreateConnection) {
  return function createConnection(
    this: unknown,
    options: Record<string, unknown>,
    callback?: (error: Error | null, socket: Duplex) => void
  ): Duplex | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost')
    const port = Number(options.port) || (protocol === 'https:' ? 443 : 80)
    const warm = warmer.take(protocol, host, port)
    if (warm) return warm
    return original.call(this, options, callback)
  }
}

/** The SDK handler's agents (keep-alive, as the SDK makes its own), taking opened sockets first. */
export function warmAgents(
  warmer: Warmer,
  options: AgentOptions
): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const httpAgent = new HttpAgent(options)
  const httpsAgent = new HttpsAgent(options)
  const agents = [
    [httpAgent, 'http:'],
    [httpsAgent, 'https:']
  ] as const
  for (const [agent, protocol] of agents) {
    const self = agent as unknown as { createConnection: CreateConnection }
    self.createConnection = takingFirst(warmer, protocol, self.createConnection)
  }
  return { httpAgent, httpsAgent }
}
