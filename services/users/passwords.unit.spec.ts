import { dummyHash, hashPassword, verifyPassword } from './passwords';

// "Unknown user, wrong password, disabled user: the same answer and timing" (issue 15): an unknown name is
// verified against a dummy hash made with the same argon2id parameters as every stored one, so it costs the same
// work. Asserted by the parameters, not by a stopwatch (timings belong in bench/).
test('the dummy hash of unknown users has the parameters of a real one, and never verifies', async () => {
  const real = await hashPassword('correct horse battery');
  const params = (h: string) => h.split('$').slice(1, 4).join('$'); // argon2id $ v=19 $ m=...,t=...,p=...
  expect(params(await dummyHash())).toBe(params(real));
  expect(params(real)).toMatch(/^argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
  expect(await verifyPassword(undefined, 'mxhub-no-such-user-dummy-password')).toBe(false);
  expect(await verifyPassword(real, 'wrong horse battery')).toBe(false);
  expect(await verifyPassword(real, 'correct horse battery')).toBe(true);
});
