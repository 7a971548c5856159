/** A server-sent events connection; `close()` ends it. */
export interface EventStream {
  close(): void;
}

/** Callbacks of {@link openEventStream}. */
export interface EventStreamHandlers {
  onOpen?(): void;
  onEvent(type: string, data: string): void;
  /** The stream failed or ended; it is not reopened. */
  onError(): void;
}

/**
 * Opens a server-sent events stream. Uses the browser's `EventSource` when no headers are needed; with headers
 * (a bearer token, which `EventSource` cannot send) it reads `text/event-stream` over `fetch`.
 */
export function openEventStream(
  url: string,
  eventTypes: readonly string[],
  handlers: EventStreamHandlers,
  headers: Record<string, string> = {},
  doFetch: typeof fetch = (input, init) => globalThis.fetch(input, init),
): EventStream {
  if (Object.keys(headers).length === 0 && typeof EventSource !== 'undefined') {
    const source = new EventSource(url);
    let ended = false;
    source.addEventListener('open', () => handlers.onOpen?.());
    for (const type of eventTypes) {
      source.addEventListener(type, (event) => handlers.onEvent(type, (event as MessageEvent<string>).data));
    }
    source.addEventListener('error', () => {
      // EventSource would reconnect forever; the caller decides what comes next.
      source.close();
      if (!ended) handlers.onError();
      ended = true;
    });
    return {
      close() {
        ended = true;
        source.close();
      },
    };
  }

  const abort = new AbortController();
  void (async () => {
    try {
      const response = await doFetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
      if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
      handlers.onOpen?.();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length > 0 && eventTypes.includes(type)) handlers.onEvent(type, data.join('\n'));
        }
      }
      if (!abort.signal.aborted) handlers.onError();
    } catch {
      if (!abort.signal.aborted) handlers.onError();
    }
  })();
  return { close: () => abort.abort() };
}
