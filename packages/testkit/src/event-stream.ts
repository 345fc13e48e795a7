/** One Server-Sent Event, its data parsed as JSON. */
export interface ServerEvent {
  readonly event: string;
  readonly data: unknown;
}

/** An open event stream, read by {@link openEventStream}. */
export interface EventStreamReader {
  readonly response: Response;
  /** The next event called `event` (earlier events of other names are dropped); rejects if the stream ends. */
  next(event: string): Promise<ServerEvent>;
  close(): void;
}

/**
 * Opens a `text/event-stream` with fetch and reads its frames (`event:` + one JSON `data:` line, as the
 * status page sends them). Waiting is bounded by the test's own timeout.
 */
export async function openEventStream(url: string, init?: RequestInit): Promise<EventStreamReader> {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const queue: ServerEvent[] = [];
  let buffer = '';
  return {
    response,
    async next(event) {
      for (;;) {
        const i = queue.findIndex((e) => e.event === event);
        if (i !== -1) return queue.splice(0, i + 1)[i] as ServerEvent;
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before a "${event}" event`);
        buffer += value;
        const frames = buffer.split('\n\n');
        buffer = frames.pop() ?? '';
        for (const frame of frames) {
          const name = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (name !== undefined && data !== undefined) queue.push({ event: name, data: JSON.parse(data) });
        }
      }
    },
    close: () => controller.abort(),
  };
}
