import { z } from 'zod';
import { ping } from '../../infra/db/database.js';
import { OPEN_DATA_HEADERS } from '../../infra/http/security.js';
import { typedRoutes } from '../../infra/http/input.js';
import type { Feature } from '../../infra/services.js';

const healthQuery = z.object({
  deep: z
    .string()
    .optional()
    .transform((v) => v === '1'),
});

const HEALTHY = {
  headers: { ...OPEN_DATA_HEADERS, 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ status: 'ok' }),
};

export const healthFeature: Feature = {
  name: 'health',
  routes: async (base, { db }) => {
    const app = typedRoutes(base);
    // Load balancers poll it many times a second: answered before routing (infra/http/fast-lane).
    base.fastLane.get('/healthz', () => HEALTHY);
    // Answers without touching the database so load balancers can poll it cheaply;
    // /healthz?deep=1 also checks the database.
    app.get(
      '/healthz',
      {
        logLevel: 'warn',
        config: { securityHeaders: 'open-data' },
        schema: { querystring: healthQuery },
      },
      async (req, reply) => {
        const { deep } = req.query;
        if (deep) {
          try {
            await ping(db);
          } catch (err) {
            req.log.error({ err }, 'database ping failed');
            return reply.code(503).send({ status: 'error', database: 'unreachable' });
          }
        }
        return { status: 'ok', ...(deep ? { database: db.dialect } : {}) };
      },
    );
  },
};
