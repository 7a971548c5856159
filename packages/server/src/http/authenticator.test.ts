import { generateKeyPair, exportSPKI, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { canReadSubmission, createAuthenticator, submitterIdOf } from './authenticator.js';

const secret = 'a-very-long-secret-for-hs256-tests-0123456789';

describe('createAuthenticator', () => {
  it('lets everyone in as anonymous when auth is off', async () => {
    const auth = createAuthenticator({ mode: 'none', apiKeys: [] });
    await expect(auth.authenticate({}, '10.0.0.1')).resolves.toEqual({ role: 'anonymous', clientId: 'ip:10.0.0.1' });
  });

  it('accepts API keys with roles, and lms keys acting for a user', async () => {
    const auth = createAuthenticator({ mode: 'token', apiKeys: [{ key: 'lms-key-0123456789ab', role: 'lms' }, { key: 'admin-key-0123456789', role: 'admin' }] });
    await expect(auth.authenticate({ authorization: 'Bearer lms-key-0123456789ab', 'x-edgelab-user': 'u42' }, 'ip')).resolves.toMatchObject({ role: 'lms', userId: 'u42' });
    await expect(auth.authenticate({ authorization: 'Bearer admin-key-0123456789' }, 'ip')).resolves.toMatchObject({ role: 'admin' });
    await expect(auth.authenticate({}, 'ip')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    await expect(auth.authenticate({ authorization: 'Bearer nope' }, 'ip')).rejects.toMatchObject({ status: 401 });
  });

  it('verifies HS256 and RS256 JWTs and rejects expired or foreign ones', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const auth = createAuthenticator({ mode: 'token', apiKeys: [], jwtSecret: secret, jwtPublicKey: await exportSPKI(publicKey) });
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const rs = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('bob').setExpirationTime('5m').sign(privateKey);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(secret));
    const wrongKey = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').sign(new TextEncoder().encode('x'.repeat(40)));
    await expect(auth.authenticate({ authorization: `Bearer ${hs}` }, 'ip')).resolves.toMatchObject({ role: 'user', userId: 'alice' });
    await expect(auth.authenticate({ authorization: `Bearer ${rs}` }, 'ip')).resolves.toMatchObject({ role: 'user', userId: 'bob' });
    await expect(auth.authenticate({ authorization: `Bearer ${expired}` }, 'ip')).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate({ authorization: `Bearer ${wrongKey}` }, 'ip')).rejects.toMatchObject({ status: 401 });
  });

  it('checks issuer and audience when configured', async () => {
    const auth = createAuthenticator({ mode: 'token', apiKeys: [], jwtSecret: secret, jwtIssuer: 'https://lms.example.edu', jwtAudience: 'edgelab' });
    const key = new TextEncoder().encode(secret);
    const good = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('amy').setIssuer('https://lms.example.edu').setAudience('edgelab').sign(key);
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('amy').setIssuer('https://other.example').setAudience('edgelab').sign(key);
    await expect(auth.authenticate({ authorization: `Bearer ${good}` }, 'ip')).resolves.toMatchObject({ userId: 'amy' });
    await expect(auth.authenticate({ authorization: `Bearer ${foreign}` }, 'ip')).rejects.toMatchObject({ status: 401 });
  });
});

describe('canReadSubmission', () => {
  it('lets only the submitter or an admin read a result', () => {
    expect(canReadSubmission({ role: 'user', userId: 'alice', clientId: 'user:alice' }, 'user:alice')).toBe(true);
    expect(canReadSubmission({ role: 'user', userId: 'bob', clientId: 'user:bob' }, 'user:alice')).toBe(false);
    expect(canReadSubmission({ role: 'admin', clientId: 'key:1' }, 'alice')).toBe(true);
    expect(canReadSubmission({ role: 'anonymous', clientId: 'ip:1' }, 'anonymous')).toBe(true);
  });

  it('a JWT sub equal to a key id cannot read what that key submitted for nobody (distinct prefixes)', () => {
    const key = { role: 'lms', clientId: 'key:0123456789ab' } as const;
    const submitter = submitterIdOf(key) as string;
    expect(submitter).toBe('key:0123456789ab');
    expect(canReadSubmission({ role: 'user', userId: 'key:0123456789ab', clientId: 'user:key:0123456789ab' }, submitter)).toBe(false);
    expect(submitterIdOf({ role: 'user', userId: 'key:0123456789ab', clientId: 'user:key:0123456789ab' })).toBe('user:key:0123456789ab');
    expect(submitterIdOf({ role: 'lms', userId: 'carol', clientId: 'user:carol' })).toBe('user:carol');
  });
});
