import type { Command } from 'commander';
import closeWithGrace from 'close-with-grace';
import { ConfigError } from '../../lib/errors';
import { buildHub } from '../../hub/build';
import { removeRunFile, runningHub, writeRunFile } from '../../hub/run-file';
import { configFrom, createLogger, logFormat, run, withDataFlags, type CommonFlags } from '../common';
import { startSummary } from '../start-summary';

export function startCommand(program: Command): void {
  withDataFlags(program.command('start').description('run the hub (embedded profile unless configured for production)'))
    .option('--port <n>', 'HTTP port (0 picks a free one)')
    .option('--host <host>', 'HTTP bind address')
    .option('--log-format <format>', 'json, or pretty (the default on a terminal)')
    .action((flags: CommonFlags) =>
      run(async () => {
        const config = configFrom(flags);
        const logger = createLogger(config.logLevel, logFormat(flags.logFormat));
        const other = runningHub(config.dataDir);
        if (other) throw new ConfigError(`a hub (pid ${other.pid}) already runs on ${config.dataDir} at ${other.url}`);
        const hub = await buildHub(config, logger);
        const url = await hub.start();
        writeRunFile(config.dataDir, { pid: process.pid, url });
        logger.info(
          { url, profile: config.profile, dataDir: config.dataDir, backbone: hub.backbone.kind, store: hub.sql.kind },
          'mxhub started',
        );
        if (hub.adminToken?.created)
          logger.info({ file: hub.adminToken.file }, `admin token written to ${hub.adminToken.file}`);
        // Said whatever the log level: where the hub listens and what it runs with.
        process.stderr.write(startSummary(hub, url));

        // close-with-grace owns the ending: the first SIGTERM or SIGINT (or an uncaught error) stops the hub
        // and exits 0, or 1 when the stop failed; a second signal while stopping exits at once.
        closeWithGrace(
          {
            delay: false,
            logger: false,
            onSecondSignal: (signal) => {
              logger.warn({ signal }, 'second signal: exiting at once');
              process.exit(130);
            },
          },
          async ({ signal, err }) => {
            if (err) logger.error({ err }, 'uncaught error: stopping');
            logger.info({ signal }, 'stopping: no new work, finishing what is in flight, flushing the relay');
            try {
              await hub.stop();
            } catch (stopErr) {
              logger.error({ err: stopErr }, 'unclean stop');
              throw stopErr;
            } finally {
              removeRunFile(config.dataDir);
              logger.info('mxhub stopped');
            }
          },
        );
        // Runs until a signal: close-with-grace exits the process once the hub has stopped.
        await new Promise<never>(() => undefined);
      }),
    );
}
