import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a fast-lane answer sends: always 200, the headers given and the body. An answerer that
 * returns the same object again (a constant, or memoised while its value holds) saves building
 * the header list a second time.
 */
export interface FastAnswer {
  body: string;
  headers: Readonly<Record<string, string>>;
}

export type FastAnswerer = (param: string) => FastAnswer | undefined;

/** Told of every request the lane answered, so metrics, logs and the surge gauge see it. */
export type FastLaneObserver = (route: string, url: string, elapsedMs: number) => void;

interface ParamRoute {
  prefix: string;
  suffix: string;
  route: string;
  answer: FastAnswerer;
}

/**
 * The hottest read-only GETs (`/healthz`, a petition's `count.json` during a surge) answered from
 * memory before Fastify's routing, validation and hooks, which cost as much again as Node's HTTP
 * stack for a 30-byte body. Only a plain GET (no query string) whose answer is already in memory
 * and fresh takes the lane; anything else (HEAD, a query, a cold cache, an unknown slug) returns
 * false and goes through Fastify as usual, so behaviour is the route's own. An answerer must
 * therefore send exactly what its Fastify route would (headers included), and the route's tests
 * run through both (see fast-lane.test.ts).
 */
export class FastLane {
  private readonly exact = new Map<string, { route: string; answer: FastAnswerer }>();
  private readonly params: ParamRoute[] = [];
  private observer: FastLaneObserver | undefined;
  /** Each answer's headers as one flat list with its content-length, built on first use. */
  private readonly heads = new WeakMap<FastAnswer, string[]>();
  /** Requests answered in the lane so far. */
  answered = 0;

  /** `path` exactly, e.g. '/healthz'. */
  get(path: string, answer: FastAnswerer): void {
    this.exact.set(path, { route: path, answer });
  }

  /** `prefix` + one path segment + `suffix`, e.g. '/p/' + slug + '/count.json'. */
  getParam(prefix: string, suffix: string, route: string, answer: FastAnswerer): void {
    this.params.push({ prefix, suffix, route, answer });
  }

  observe(observer: FastLaneObserver): void {
    this.observer = observer;
  }

  /** True when it answered; false leaves the request to Fastify untouched. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    if (url.includes('?')) return false;
    const started = performance.now();
    let route: string | undefined;
    let answer: FastAnswer | undefined;
    const exact = this.exact.get(url);
    if (exact) {
      route = exact.route;
      answer = exact.answer('');
    } else {
      for (const p of this.params) {
        if (!url.startsWith(p.prefix) || !url.endsWith(p.suffix)) continue;
        const param = url.slice(p.prefix.length, url.length - p.suffix.length);
        if (param.length === 0 || param.includes('/')) continue;
        route = p.route;
        answer = p.answer(param);
        break;
      }
    }
    if (!answer || !route) return false;
    let head = this.heads.get(answer);
    if (!head) {
      head = Object.entries(answer.headers).flat();
      head.push('content-length', String(Buffer.byteLength(answer.body)));
      this.heads.set(answer, head);
    }
    // writeHead alone, with nothing set before it, is Node's fast path: each header is checked
    // once, with no per-response header map (setHeader first made Node merge the two).
    res.writeHead(200, head);
    res.end(answer.body);
    this.answered++;
    this.observer?.(route, url, performance.now() - started);
    return true;
  }
}
