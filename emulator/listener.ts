// The socket side: an HTTP or HTTPS server on 127.0.0.1 that counts TCP connections and TLS
// handshakes (full and resumed), and on close destroys every socket, held ones included.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { TlsMaterial } from './tls.js'

export interface ConnectionCounts {
  /** TCP connections accepted. */
  tcp: number
  /** TLS handshakes that negotiated a new session. */
  tlsFull: number
  /** TLS handshakes that resumed a session (a ticket or session id from an earlier one). */
  tlsResumed: number
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void

export class Listener {
  private counts: ConnectionCounts = { tcp: 0, tlsFull: 0, tlsResumed: 0 }
  private readonly sockets = new Set<Socket>()
  private readonly server:
    ReturnType<typeof createHttpServer> | ReturnType<typeof createHttpsServer>
  private readonly tls: TlsMaterial | undefined

  constructor(handler: Handler, tls?: TlsMaterial) {
    this.tls = tls
    this.server = tls
      ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
      : createHttpServer(handler)
    this.server.on('connection', (socket: Socket) => {
      this.counts.tcp++
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
    })
    this.server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.isSessionReused()) this.counts.tlsResumed++
      else this.counts.tlsFull++
    })
  }

  /** Listens on 127.0.0.1 and answers the base URL, https when serving TLS. */
  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve))
    const { port: bound } = this.server.address() as AddressInfo
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${bound}`
  }

  connections(): ConnectionCounts {
    return { ...this.counts }
  }

  resetCounts(): void {
    this.counts = { tcp: 0, tlsFull: 0, tlsResumed: 0 }
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    // Stalled requests hold their sockets open; nothing would ever end them otherwise.
    for (const socket of this.sockets) socket.destroy()
    await closed
    await this.tls?.dispose()
  }
}
