// A round-trip time between a client and the emulator, as a runner meets a distant AWS region: a TCP
// proxy on 127.0.0.1 that holds every chunk, in each direction, for half the RTT before passing it
// on, in order. Connection set-up pays too: nothing a client sends on a new connection reaches the
// server before a whole RTT (the TCP handshake) plus half of one has passed since it connected, so
// the first byte arrives when it would over a real link, and TLS flights and requests each pay the
// RTT. Not modelled: bandwidth, loss, TCP slow start, the kernel's own handshake timing (the
// client's connect() completes at once on loopback; only what it sends after is held).
//
// Runs in its own process, so that the emulator's work in the bench's process never delays a
// timer: `node --import ./scripts/ts-hooks.js bench/rtt-proxy.ts '{"target":PORT,"rttMs":30}'`
// prints {"port":N} once listening, and stops when its standard input closes.
import { connect, createServer, type Socket } from 'node:net'

export interface RttProxy {
  port: number
  close(): Promise<void>
}

/** Passes `from`'s chunks to `to`, each `delayMs` after it arrived and never before an earlier one. */
function delayed(from: Socket, to: Socket, delayMs: number, notBefore: number): void {
  let last = notBefore
  const later = (action: () => void): void => {
    const at = Math.max(performance.now() + delayMs, last)
    last = at
    setTimeout(action, Math.max(0, at - performance.now()))
  }
  from.on('data', (chunk: Buffer) => later(() => to.destroyed || to.write(chunk)))
  from.on('end', () => later(() => to.destroyed || to.end()))
  from.on('error', () => later(() => to.destroy()))
  from.on('close', () => later(() => to.destroy()))
}

export function startRttProxy(targetPort: number, rttMs: number): Promise<RttProxy> {
  const half = rttMs / 2
  const sockets = new Set<Socket>()
  const server = createServer({ noDelay: true }, (client) => {
    const accepted = performance.now()
    const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    }
    // SYN, SYN-ACK: a client's first byte leaves one RTT after it connected, and lands half later.
    delayed(client, upstream, half, accepted + rttMs + half)
    delayed(upstream, client, half, accepted)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { target, rttMs } = JSON.parse(process.argv[2]!) as { target: number; rttMs: number }
  const proxy = await startRttProxy(target, rttMs)
  process.stdout.write(JSON.stringify({ port: proxy.port }) + '\n')
  process.stdin.resume()
  process.stdin.on('close', () => void proxy.close().then(() => process.exit(0)))
  process.stdin.on('end', () => void proxy.close().then(() => process.exit(0)))
}
