// A hub process in miniature for bullmq.int.spec.ts: takes one job, says so, and holds it until killed.
import { createBullMqWorkQueue } from './bullmq';

const [connection, prefix, name] = process.argv.slice(2) as [string, string, string];

async function main(): Promise<void> {
  const queue = createBullMqWorkQueue<unknown>(name, { connection, prefix, lockDurationMs: 500 });
  const lease = await queue.take(10_000);
  process.stdout.write(`held ${lease?.job.id}\n`);
  setInterval(() => undefined, 60_000);
}

void main();
