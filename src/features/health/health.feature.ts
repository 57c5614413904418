import { ping } from '../../infra/db/database.js';
import type { Feature } from '../../infra/services.js';

export const healthFeature: Feature = {
  name: 'health',
  routes: async (app, { db }) => {
    // Answers without touching the database so load balancers can poll it cheaply;
    // /healthz?deep=1 also checks the database.
    app.get(
      '/healthz',
      { logLevel: 'warn', config: { securityHeaders: 'open-data' } },
      async (req, reply) => {
        const deep = (req.query as Record<string, string | undefined>).deep === '1';
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
