import Redis from 'ioredis';
import { UnavailableError } from '../lib/errors';

/** Fails with UnavailableError naming the server unless Redis answers PING within 3 s. */
export async function pingRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new UnavailableError(`Redis at ${url.replace(/\/\/[^@]*@/, '//***@')}`, err);
  } finally {
    redis.disconnect();
  }
}
