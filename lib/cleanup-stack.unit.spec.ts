import { createCleanupStack } from './cleanup-stack';

describe('cleanup stack', () => {
  test('closes newest first, each once', async () => {
    const closed: string[] = [];
    const stack = createCleanupStack();
    for (const name of ['storage', 'backbone', 'gateway']) stack.defer(name, () => void closed.push(name));
    await Promise.all([stack.close(), stack.close()]);
    await stack.close();
    expect(closed).toEqual(['gateway', 'backbone', 'storage']);
    expect(stack.pending()).toEqual([]);
  });

  test('a failing step closes what was opened before it and rethrows its error', async () => {
    const closed: string[] = [];
    const stack = createCleanupStack({ onClosed: (name) => closed.push(name) });
    await stack.guard(async () => stack.defer('storage', () => undefined));
    const failed = stack.guard(async () => {
      stack.defer('backbone', () => undefined);
      throw new Error('port 8080 is taken');
    });
    await expect(failed).rejects.toThrow('port 8080 is taken');
    expect(closed).toEqual(['backbone', 'storage']);
  });

  test('a failing close does not keep the others open; close rejects with the first failure', async () => {
    const closed: string[] = [];
    const errors: string[] = [];
    const stack = createCleanupStack({ onError: (name) => errors.push(name) });
    stack.defer('storage', () => void closed.push('storage'));
    stack.defer('engines', async () => {
      throw new Error('engines stuck');
    });
    stack.defer('queue', async () => {
      throw new Error('queue stuck');
    });
    await expect(stack.close()).rejects.toThrow('queue stuck');
    expect(closed).toEqual(['storage']);
    expect(errors).toEqual(['queue', 'engines']);
  });
});
