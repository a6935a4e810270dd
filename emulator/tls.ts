// A throwaway certificate authority for serving the emulator over HTTPS: made with the openssl
// binary at start-up, valid for a day, for 127.0.0.1 and localhost. Clients trust it through the
// CA file (NODE_EXTRA_CA_CERTS, or an https.Agent's `ca`); the keys never leave memory.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TlsMaterial {
  key: Buffer
  cert: Buffer
  /** The CA certificate (PEM), and the file it is written to. */
  ca: Buffer
  caFile: string
  /** Removes the CA file and its directory. */
  dispose(): Promise<void>
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

const SERVER_EXTENSIONS = [
  'subjectAltName=IP:127.0.0.1,DNS:localhost',
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth'
].join('\n')

export async function createTlsMaterial(openssl = 'openssl'): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'ecr-emulator-tls-'))
  const path = (name: string): string => join(dir, name)
  try {
    await run(openssl, [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      path('ca.key'),
      '-out',
      path('ca.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=ecr-promote emulator throwaway CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign'
    ])
    await run(openssl, [
      'req',
      '-new',
      ...EC_KEY,
      '-keyout',
      path('server.key'),
      '-out',
      path('server.csr'),
      '-subj',
      '/CN=localhost'
    ])
    await writeFile(path('server.ext'), SERVER_EXTENSIONS)
    await run(openssl, [
      'x509',
      '-req',
      '-in',
      path('server.csr'),
      '-CA',
      path('ca.pem'),
      '-CAkey',
      path('ca.key'),
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-days',
      '1',
      '-extfile',
      path('server.ext'),
      '-out',
      path('server.pem')
    ])
    const [key, cert, ca] = await Promise.all(
      ['server.key', 'server.pem', 'ca.pem'].map((name) => readFile(path(name)))
    )
    // Only the CA certificate stays on disk, for clients to trust.
    await Promise.all(
      ['ca.key', 'server.key', 'server.csr', 'server.ext', 'server.pem'].map((name) =>
        unlink(path(name))
      )
    )
    return {
      key: key!,
      cert: cert!,
      ca: ca!,
      caFile: path('ca.pem'),
      dispose: () => rm(dir, { recursive: true, force: true })
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`could not make the emulator's TLS certificates with ${openssl}: ${error}`, {
      cause: error
    })
  }
}
