// What a person sees while the run goes: the session's log as headed sections, and a copy's progress
// as one line updated in place on a terminal (plain lines elsewhere, as in a CI log).
import { progressText, type CopyProgressState } from '../copy/index.js'
import type { Log } from '../promotion/index.js'

/** The stream human output goes to: a terminal, a pipe or a file. */
export interface Output {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export type Detail = 'quiet' | 'normal' | 'verbose'

/**
 * Text from outside (tags, registry answers) shown without the control characters that a terminal
 * or a CI log viewer would act on: an escape sequence could rewrite what the screen says.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it finds
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`
  )
}

/** Lines, with at most one status line under them that is redrawn in place on a terminal. */
export class Screen {
  readonly interactive: boolean
  /** Whether anything was shown yet: a section after another is set apart by a blank line. */
  used = false
  private readonly output: Output
  private status = ''

  constructor(output: Output) {
    this.output = output
    this.interactive = output.isTTY === true
  }

  line(text: string): void {
    this.output.write(`${this.erase()}${printable(text)}\n${this.status}`)
    this.used = true
  }

  /** A blank line, unless nothing came before. */
  gap(): void {
    if (this.used) this.line('')
  }

  /** Shows `text` as the status line, or removes it (''). Only a terminal has one. */
  setStatus(text: string): void {
    if (!this.interactive) return
    const width = Math.max((this.output.columns || 80) - 1, 20)
    const shown = printable(text).slice(0, width)
    if (shown === this.status) return
    this.output.write(`${this.erase()}${shown}`)
    this.status = shown
  }

  private erase(): string {
    return this.status === '' ? '' : '\r\x1b[K'
  }
}

/** Every copy going on at once, in one line. */
function statusLine(copies: readonly CopyProgressState[]): string {
  const sum = (field: 'bytes' | 'totalBytes' | 'blobs' | 'blobCount'): number =>
    copies.reduce((total, copy) => total + copy[field], 0)
  const all = progressText({
    bytes: sum('bytes'),
    totalBytes: sum('totalBytes'),
    blobs: sum('blobs'),
    blobCount: sum('blobCount'),
    elapsedMs: Math.max(...copies.map((copy) => copy.elapsedMs)),
    done: false
  })
  return copies.length > 1 ? `${copies.length} images: ${all}` : all
}

export interface TerminalLog extends Log {
  /** Where each copy is; for CopyOptions.onProgress. */
  progress(copy: CopyProgressState): void
  /** How often copies should report: often where a line updates in place, seldom in a log. */
  readonly progressIntervalMs: number
}

export function createTerminalLog(screen: Screen, detail: Detail): TerminalLog {
  const copies = new Set<CopyProgressState>()
  let groups = 0
  const say = (text: string): void => {
    for (const line of text.split(/\r?\n/)) screen.line(`${groups > 0 ? '  ' : ''}${line}`)
  }
  const redraw = (): void => screen.setStatus(copies.size > 0 ? statusLine([...copies]) : '')
  return {
    progressIntervalMs: screen.interactive ? 250 : 10_000,
    info: (message) => {
      if (detail !== 'quiet') say(message)
    },
    debug: (message) => {
      if (detail === 'verbose') say(`debug: ${message}`)
    },
    warning: (message, properties = {}) =>
      say(`warning: ${properties.title ? `${properties.title}: ` : ''}${message}`),
    error: (message, properties = {}) =>
      say(`error: ${properties.title ? `${properties.title}: ` : ''}${message}`),
    async group(name, body) {
      if (detail !== 'quiet') {
        screen.gap()
        say(name)
      }
      groups++
      try {
        return await body()
      } finally {
        groups--
        // A copy that failed ends without a last update: its line goes with its section.
        for (const copy of copies) if (copy.done) copies.delete(copy)
        redraw()
      }
    },
    progress(copy) {
      if (detail === 'quiet') return
      if (copy.done) {
        copies.delete(copy)
        redraw()
        say(progressText(copy))
      } else if (screen.interactive) {
        copies.add(copy)
        redraw()
      } else say(progressText(copy))
    }
  }
}
