import type { CliCommand } from '../../infra/services.js';

/** `rally inbound`: the bounce and complaint listener, in a process of its own. */
export const inboundCommand: CliCommand = {
  summary: 'Receive bounces (DSN) and complaints (ARF) by SMTP on INBOUND_SMTP_PORT',
  options: { host: { type: 'string' } },
  run: async (values, _positionals, cli) =>
    cli.withServices(async (services) => {
      const [{ startInboundServer }, { stopOnSignals }] = await Promise.all([
        import('./inbound.js'),
        import('../../server.js'),
      ]);
      const host = typeof values.host === 'string' ? values.host : '0.0.0.0';
      const server = await startInboundServer(services, {
        port: services.config.inboundSmtpPort,
        host,
      });
      console.log(`Rally inbound SMTP listening on ${host}:${server.port}`);
      await new Promise<void>((resolve) =>
        stopOnSignals(async () => {
          await server.close();
          resolve();
        }),
      );
      return 0;
    }),
};
