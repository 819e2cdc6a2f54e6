import type { Command } from 'commander';
import { ConfigError } from '../../lib/errors';
import { buildHub } from '../../hub/build';
import { removeRunFile, runningHub, writeRunFile } from '../../hub/run-file';
import { configFrom, createLogger, run, withCommonFlags, type CommonFlags } from '../common';

export function startCommand(program: Command): void {
  withCommonFlags(
    program.command('start').description('run the hub (embedded profile unless configured for production)'),
  )
    .option('--port <n>', 'HTTP port (0 picks a free one)')
    .option('--host <host>', 'HTTP bind address')
    .action((flags: CommonFlags) =>
      run(async () => {
        const config = configFrom(flags);
        const logger = createLogger(config.logLevel);
        const other = runningHub(config.dataDir);
        if (other) throw new ConfigError(`a hub (pid ${other.pid}) already runs on ${config.dataDir} at ${other.url}`);
        const hub = await buildHub(config, logger);
        const url = await hub.start();
        writeRunFile(config.dataDir, { pid: process.pid, url });
        logger.info(
          { url, profile: config.profile, dataDir: config.dataDir, backbone: hub.backbone.kind, store: hub.sql.kind },
          'mxhub started',
        );
        if (hub.adminToken?.file)
          logger.info({ file: hub.adminToken.file }, `admin token written to ${hub.adminToken.file}`);

        const clean = await new Promise<boolean>((resolve) => {
          let stopping = false;
          const shutdown = (signal: string) => {
            if (stopping) {
              logger.warn({ signal }, 'second signal: exiting at once');
              process.exit(130);
            }
            stopping = true;
            logger.info({ signal }, 'stopping: no new work, finishing what is in flight, flushing the relay');
            hub
              .stop()
              .then(
                () => true,
                (err) => (logger.error({ err }, 'unclean stop'), false),
              )
              .then((ok) => {
                removeRunFile(config.dataDir);
                logger.info('mxhub stopped');
                resolve(ok);
              });
          };
          process.once('SIGTERM', () => shutdown('SIGTERM'));
          process.once('SIGINT', () => shutdown('SIGINT'));
        });
        return clean ? 0 : 1;
      }),
    );
}
