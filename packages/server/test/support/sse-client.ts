/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: any;
  /** The event's `id:` field, if any. */
  id?: string;
  raw: string;
}

/** Reads an SSE stream to its end (or until `until` returns true), parsing each event. */
export async function readEvents(url: string, options: { headers?: Record<string, string>; until?: (e: SseEvent) => boolean; timeoutMs?: number } = {}): Promise<SseEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 60_000);
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...options.headers }, signal: abort.signal });
    if (response.status !== 200 || response.body === null) throw new Error(`SSE ${url}: status ${response.status}: ${await response.text()}`);
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (event === undefined) continue;
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        const parsed: SseEvent = { event, data: JSON.parse(data), raw: block, ...(id === undefined ? {} : { id }) };
        events.push(parsed);
        if (options.until?.(parsed)) {
          abort.abort();
          return events;
        }
      }
    }
    return events;
  } catch (error) {
    if (abort.signal.aborted) return events;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
