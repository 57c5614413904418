import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a fast-lane answer sends: always 200, the headers given and the body. */
export interface FastAnswer {
  body: string;
  headers: Record<string, string>;
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
    res.setHeader('content-length', Buffer.byteLength(answer.body));
    res.writeHead(200, answer.headers);
    res.end(answer.body);
    this.answered++;
    this.observer?.(route, url, performance.now() - started);
    return true;
  }
}
