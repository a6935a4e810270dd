/** Annotations a log line may carry: GitHub shows the title above the message. */
export interface AnnotationProperties {
  title?: string
}

/** What the promotion tells the person running it: one group per phase, progress, problems. */
export interface Log {
  info(message: string): void
  debug(message: string): void
  warning(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  group<T>(name: string, body: () => Promise<T>): Promise<T>
}

/** A log whose every line names what it is about, for work on several images side by side. */
export function prefixed(log: Log, prefix: string): Pick<Log, 'info' | 'debug'> {
  return {
    info: (message) => log.info(`${prefix}${message}`),
    debug: (message) => log.debug(`${prefix}${message}`)
  }
}
