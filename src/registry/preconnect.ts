// Connections opened ahead: the first call of a run names its endpoint long before the SDK is loaded
// and ready to send (the SDK's chunks compile, its client resolves configuration, credentials and the
// endpoint), and a TCP plus TLS handshake to a distant region costs two round trips. So the registry
// opens the connections the run's first round trips will need as soon as it is asked for them, and
// the SDK's HTTP handler takes those sockets instead of opening its own. Only sockets to the exact
// host and port the SDK asks for are handed over, verified as any other (the default CAs, the host
// name), so a wrong guess costs one idle connection, never a misrouted call. Sockets nobody took are
// closed after a while, and never keep the process alive.
import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http'
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https'
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

/** Writes in flight when the run does not say: connections past them would only wait for a turn. */
export const DEFAULT_WRITES_IN_FLIGHT = 10
/**
 * The reads a promotion starts together: the images and tags, the tag mutability, the image's
 * tag count (and archive status), the target's lifecycle policy and its registry's signing
 * configuration.
 */
const READS_TOGETHER = 5
/** An opened socket nobody took by then is closed. */
const UNUSED_MS = 15_000

/**
 * How many connections a promotion's first reads want to their endpoint when they ask for `tags`
 * tags: the images and tags (beside the tag mutability and the tag count), then one write per tag,
 * as many at a time as the run keeps in flight (the Warmer's cap).
 */
export function connectionsAhead(tags: number): number {
  return Math.max(READS_TOGETHER, tags)
}

const originOf = (protocol: string, host: string, port: number): string =>
  `${protocol}//${host}:${port}`

const bare = (host: string): string => host.replace(/^\[|\]$/g, '')

/** A socket opened ahead, until it is taken: then it is the SDK's, and the process waits for it. */
interface WarmSocket {
  socket: Socket
  release(): void
}

/**
 * Connections opened ahead, by origin. A TLS session one of them (or a connection of the SDK's)
 * was given is offered to the connections opened after it, so that they resume it where the
 * server allows: a shorter handshake, and no certificate to verify again on the one thread.
 */
export class Warmer {
  private readonly enabled: boolean
  private readonly endpoints: Endpoints | undefined
  private readonly writesInFlight: number
  /** Certificate authorities to trust beside the defaults, as the SDK's agent is given them. */
  private readonly ca: string | Buffer | undefined
  private readonly idle = new Map<string, WarmSocket[]>()
  private readonly counts = new Map<string, number>()
  private readonly sessions = new Map<string, Buffer>()
  private readonly parsed = new Map<string, { url: URL; origin: string } | null>()

  constructor(
    options: {
      enabled?: boolean
      endpoints?: Endpoints
      writesInFlight?: number
      ca?: string | Buffer
    } = {}
  ) {
    this.ca = options.ca
    this.enabled = options.enabled ?? true
    this.endpoints = options.endpoints
    this.writesInFlight = Math.max(
      READS_TOGETHER,
      options.writesInFlight ?? DEFAULT_WRITES_IN_FLIGHT
    )
  }

  /**
   * A registry operation for `repository` is about to be called: opens, in the background,
   * `connections` to its endpoint (at most the writes in flight, over the run), unless they are open.
   */
  ahead(repository: RepositoryRef, connections: number): void {
    // ECR Public's calls split between its API and its registry endpoint: not guessed.
    if (repository.publicAlias !== undefined) return
    this.open(endpointOf('ECR', repository.region, this.endpoints), connections)
  }

  /** Opens `count` connections to `endpoint` ahead, counting those already opened there. */
  open(endpoint: string, count: number): void {
    if (!this.enabled) return
    const target = this.parse(endpoint)
    if (!target) return
    const { url, origin } = target
    const already = this.counts.get(origin) ?? 0
    const wanted = Math.min(count, this.writesInFlight)
    if (wanted <= already) return
    this.counts.set(origin, wanted)
    // The first calls' connections now; the ones for the calls after them once the first is up, so
    // that their handshakes (CPU on this one thread) do not hold up the first requests, and overlap
    // those requests' round trip instead (and may resume the first one's session).
    const now = Math.max(0, Math.min(wanted, READS_TOGETHER) - already)
    const later = wanted - already - now
    const first = Array.from({ length: now }, () => this.openOne(origin, url))
    if (later === 0) return
    const openRest = (): void => {
      for (let n = 0; n < later; n++) this.openOne(origin, url)
    }
    const lead = first[0]
    if (!lead) return openRest()
    lead.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', openRest)
  }

  /** An opened, live socket to this origin, or none; the caller owns it from then on. */
  take(protocol: 'http:' | 'https:', host: string, port: number): Duplex | undefined {
    const list = this.idle.get(originOf(protocol, bare(host), port))
    while (list && list.length > 0) {
      const warm = list.shift()!
      if (warm.socket.destroyed || !warm.socket.writable) continue
      warm.release()
      return warm.socket
    }
    return undefined
  }

  /** The TLS session last given to a connection to this origin, to resume. */
  session(host: string, port: number): Buffer | undefined {
    return this.sessions.get(originOf('https:', bare(host), port))
  }

  /** Keeps the sessions `socket` is given, for the connections to its origin opened after it. */
  remember(socket: Duplex, host: string, port: number): void {
    socket.on('session', (session: Buffer) =>
      this.sessions.set(originOf('https:', bare(host), port), session)
    )
  }

  /** Sockets opened ahead so far, taken or not, per origin: what the run paid for. */
  opened(): Record<string, number> {
    return Object.fromEntries(this.counts)
  }

  private openOne(origin: string, url: URL): Socket {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
    const host = bare(url.hostname)
    let socket: Socket
    if (url.protocol === 'https:') {
      const session = this.session(host, port)
      socket = tlsConnect({
        host,
        port,
        ...(isIP(host) === 0 && { servername: host }),
        ...(this.ca && { ca: this.ca }),
        ...(session && { session })
      })
      this.remember(socket, host, port)
    } else socket = netConnect({ host, port })
    socket.setNoDelay(true)
    // Until taken, it is nobody's: it must neither crash the run nor keep it alive.
    const drop = (): void => {
      socket.destroy()
      const list = this.idle.get(origin)
      const at = list?.findIndex((warm) => warm.socket === socket) ?? -1
      if (at >= 0) list!.splice(at, 1)
    }
    socket.on('error', drop)
    socket.once('close', drop)
    socket.unref()
    const timer = setTimeout(drop, UNUSED_MS)
    timer.unref()
    const release = (): void => {
      clearTimeout(timer)
      socket.off('error', drop)
      socket.off('close', drop)
      socket.ref()
    }
    const list = this.idle.get(origin) ?? []
    list.push({ socket, release })
    this.idle.set(origin, list)
    return socket
  }

  private parse(endpoint: string): { url: URL; origin: string } | null {
    let known = this.parsed.get(endpoint)
    if (known === undefined) {
      known = null
      try {
        const url = new URL(endpoint)
        if (url.protocol === 'https:' || url.protocol === 'http:') {
          const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
          known = { url, origin: originOf(url.protocol, bare(url.hostname), port) }
        }
      } catch {
        // Not a URL the SDK could use either: nothing to open.
      }
      this.parsed.set(endpoint, known)
    }
    return known
  }
}

type ConnectionCallback = (error: Error | null, socket: Duplex) => void

/** Where an agent's connection goes, from the options it opens it with. */
function destination(options: ClientRequestArgs, defaultPort: number) {
  return {
    host: String(options.host ?? options.hostname ?? 'localhost'),
    port: Number(options.port) || defaultPort
  }
}

/** The SDK handler's HTTP agent, taking sockets opened ahead first. */
class WarmHttpAgent extends HttpAgent {
  private readonly warmer: Warmer
  constructor(warmer: Warmer, options: AgentOptions) {
    super(options)
    this.warmer = warmer
  }
  override createConnection(options: ClientRequestArgs, callback?: ConnectionCallback) {
    const { host, port } = destination(options, 80)
    return this.warmer.take('http:', host, port) ?? super.createConnection(options, callback)
  }
}

/**
 * The SDK handler's HTTPS agent, taking sockets opened ahead first; a connection it opens itself
 * resumes the session one opened ahead was given, and gives its own to those opened after it.
 */
class WarmHttpsAgent extends HttpsAgent {
  private readonly warmer: Warmer
  constructor(warmer: Warmer, options: HttpsAgentOptions) {
    super(options)
    this.warmer = warmer
  }
  override createConnection(options: ClientRequestArgs, callback?: ConnectionCallback) {
    const { host, port } = destination(options, 443)
    const warm = this.warmer.take('https:', host, port)
    if (warm) return warm
    const session = this.warmer.session(host, port)
    // tls.connect's own option, which the agent hands through (its session cache sets it too).
    const resuming: ClientRequestArgs & { session?: Buffer } =
      session && !('session' in options) ? { ...options, session } : options
    const socket = super.createConnection(resuming, callback)
    if (socket) this.warmer.remember(socket, host, port)
    return socket
  }
}

/** The SDK handler's agents (keep-alive, as the SDK makes its own), taking opened sockets first. */
export function warmAgents(
  warmer: Warmer,
  options: HttpsAgentOptions
): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  return {
    httpAgent: new WarmHttpAgent(warmer, options),
    httpsAgent: new WarmHttpsAgent(warmer, options)
  }
}
