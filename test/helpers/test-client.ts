import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser-like client over app.inject: keeps cookies, and sends forms with the CSRF token of
 * the last page it loaded, as a real browser form would.
 */
export class TestClient {
  private cookies = new Map<string, string>();
  lastCsrf: string | undefined;

  /**
   * remoteAddress sets the client's IP (default 127.0.0.1 as app.inject uses), so tests can act
   * as distinct visitors for per-IP limits.
   */
  constructor(
    private readonly app: FastifyInstance,
    private readonly options: { remoteAddress?: string } = {},
  ) {}

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      const expired = c.expires instanceof Date && c.expires.getTime() <= Date.now();
      if (c.value === '' || expired || c.maxAge === 0) this.cookies.delete(c.name);
      // light-my-request hands the value decoded; a browser sends back the encoded form it was set in.
      else this.cookies.set(c.name, encodeURIComponent(c.value));
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (match) this.lastCsrf = match[1];
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader();
    const res = await this.app.inject({
      method: 'GET',
      url,
      ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...headers },
    });
    this.remember(res);
    return res;
  }

  /** POSTs a urlencoded form; `_csrf` is filled from the last page unless given. */
  async post(
    url: string,
    form: Record<string, string | string[]> = {},
    headers: Record<string, string> = {},
  ) {
    const body = new URLSearchParams();
    if (!('_csrf' in form) && this.lastCsrf) body.append('_csrf', this.lastCsrf);
    for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
    const cookie = this.cookieHeader();
    const res = await this.app.inject({
      method: 'POST',
      url,
      ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
      payload: body.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'text/html',
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    });
    this.remember(res);
    return res;
  }

  /**
   * POSTs a multipart form, as a browser sends a file upload: `_csrf` (from the last page unless
   * given) first, then the fields, then the files. `withoutCsrf` leaves the token out, as a
   * forged form would.
   */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: Record<string, { filename: string; content: string | Buffer; contentType?: string }>,
    headers: Record<string, string> = {},
    options: { withoutCsrf?: boolean } = {},
  ) {
    const boundary = `----RallyTestBoundary${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = [];
    const csrf = this.lastCsrf && !options.withoutCsrf ? { _csrf: this.lastCsrf } : {};
    const allFields = { ...csrf, ...fields };
    for (const [name, value] of Object.entries(allFields))
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        ),
      );
    for (const [name, file] of Object.entries(files)) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'text/csv'}\r\n\r\n`,
        ),
        Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const cookie = this.cookieHeader();
    const res = await this.app.inject({
      method: 'POST',
      url,
      ...(this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {}),
      payload: Buffer.concat(parts),
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        accept: 'text/html',
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    });
    this.remember(res);
    return res;
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }
}
