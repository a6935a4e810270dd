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
