import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileText, spawnChild, spawnerPid, type ChildOutcome } from './spawner';

/** Runs a child through the spawner and collects what it said and how it ended. */
function run(file: string, args: string[]) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let kill!: (signal?: NodeJS.Signals) => void;
  const ended = new Promise<ChildOutcome>((resolve) => {
    kill = spawnChild(file, args, {
      stdout: (c) => out.push(c),
      stderr: (c) => err.push(c),
      end: resolve,
    }).kill;
  });
  return {
    kill: (signal?: NodeJS.Signals) => kill(signal),
    ended: ended.then((outcome) => ({ outcome, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() })),
  };
}

describe('the spawner (children started from a helper process)', () => {
  it('passes the arguments as they are, carries stdout as bytes and stderr, and ends with the exit code', async () => {
    const script = 'printf "%s|" "$@"; printf "\\000\\377"; echo warn >&2; exit 3';
    const { ended } = run('/bin/sh', ['-c', script, 'sh', 'a b', 'ü$HOME', '']);
    const { outcome, stdout, stderr } = await ended;
    expect(stdout.subarray(0, -2).toString()).toBe('a b|ü$HOME||');
    expect([...stdout.subarray(-2)]).toEqual([0, 255]);
    expect(stderr).toBe('warn\n');
    expect(outcome).toEqual({ code: 3, signal: null });
  });

  it('runs children side by side and kills the one it is told to', async () => {
    const sleeper = run('/bin/sleep', ['30']);
    const quick = await run('/bin/echo', ['hi']).ended;
    expect(quick.stdout.toString()).toBe('hi\n');
    sleeper.kill('SIGKILL');
    expect((await sleeper.ended).outcome).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('says ENOENT for a program that is not there', async () => {
    const { outcome } = await run('/nonexistent/ffmpeg', []).ended;
    expect(outcome.error?.code).toBe('ENOENT');
  });

  it('execFileText: stdout on success; the exit code and stderr on failure; abort and maxBuffer kill the child', async () => {
    await expect(execFileText('/bin/echo', ['中文'])).resolves.toEqual({ stdout: '中文\n', stderr: '' });
    await expect(execFileText('/bin/sh', ['-c', 'echo nope >&2; exit 2'])).rejects.toMatchObject({
      code: 2,
      stderr: 'nope\n',
    });
    const abort = new AbortController();
    const slow = execFileText('/bin/sleep', ['30'], { signal: abort.signal });
    abort.abort();
    await expect(slow).rejects.toThrow('/bin/sleep was aborted');
    await expect(execFileText('/usr/bin/yes', [], { maxBuffer: 100_000 })).rejects.toMatchObject({
      code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER',
    });
  });

  it('given the spawner dies, then its running children end with an error that says so, and the next starts a new one', async () => {
    const sleeper = run('/bin/sleep', ['30']);
    const pid = spawnerPid()!;
    process.kill(pid, 'SIGKILL');
    const { outcome } = await sleeper.ended;
    expect(outcome.error).toMatchObject({ code: 'ESPAWNER', message: expect.stringContaining('killed by SIGKILL') });
    await expect(execFileText('/bin/echo', ['back'])).resolves.toMatchObject({ stdout: 'back\n' });
    expect(spawnerPid()).not.toBe(pid);
  });

  it('given the process that forked it ends, then the spawner kills its children and exits', async () => {
    const helper = fork(path.join(__dirname, 'spawner-process.js'), [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const said = new Promise<number>((resolve) =>
      helper.on('message', (m: { ev: string; chunk?: Uint8Array }) => {
        if (m.ev === 'out') resolve(Number(Buffer.from(m.chunk!).toString()));
      }),
    );
    helper.send({ op: 'start', id: 1, file: '/bin/sh', args: ['-c', 'echo $$; exec sleep 30'] });
    const sleepPid = await said;
    expect(() => process.kill(sleepPid, 0)).not.toThrow();
    const exited = once(helper, 'exit');
    helper.disconnect(); // what the hub's death does to the channel
    await exited;
    await new Promise((r) => setTimeout(r, 100));
    // Gone, or a zombie that whoever inherited it has not reaped yet: either way no longer running.
    const state = await readFile(`/proc/${sleepPid}/stat`, 'utf8').then(
      (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
      () => 'gone',
    );
    expect(['gone', 'Z', 'X']).toContain(state);
  });
});
