// GraphQL over SSE as curl sees it: POST the subscription with `Accept: text/event-stream` and read
// `event:`/`data:` blocks off the response as they stream in.
export interface SseMessage {
  event: string;
  data: any;
}

type Fetcher = (input: string, init: RequestInit) => Response | Promise<Response>;

export async function sseSubscribe(
  fetcher: Fetcher,
  url: string,
  query: string,
  variables: Record<string, unknown>,
  key: string | null,
) {
  const controller = new AbortController();
  const response = await fetcher(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pending: SseMessage[] = [];
  let ended = false;

  const pump = async () => {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const lines = block.split('\n');
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (event) pending.push({ event, data: data ? JSON.parse(data) : null });
    }
  };

  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    /** The next `event: next` payload (or `complete`), or an error after `ms`. */
    async next(ms = 10_000): Promise<SseMessage> {
      const deadline = Date.now() + ms;
      while (pending.length === 0) {
        if (ended) return { event: 'end', data: null };
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no SSE message within ${ms} ms`);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), left);
        });
        const outcome = await Promise.race([pump(), timeout]);
        clearTimeout(timer);
        if (outcome === 'timeout' && pending.length === 0) throw new Error(`no SSE message within ${ms} ms`);
      }
      return pending.shift()!;
    },
    /** Resolves true when nothing arrives within `ms` (what must not be delivered is not). */
    async quietFor(ms: number): Promise<SseMessage | null> {
      try {
        return await this.next(ms);
      } catch {
        return null;
      }
    },
    close() {
      controller.abort();
      reader.cancel().catch(() => {});
    },
  };
}

export type SseSubscription = Awaited<ReturnType<typeof sseSubscribe>>;
