import { createHash, timingSafeEqual } from 'node:crypto';
import { EdgeLabError } from '@edgelab/core';
import { importSPKI, jwtVerify } from 'jose';
import type { AuthConfig } from '../config.js';
import { HttpError } from './http-status.js';

/** Who is calling: resolved once per request from the Authorization header. */
export interface Principal {
  /** `anonymous` only when auth is off. */
  role: 'anonymous' | 'user' | 'lms' | 'admin';
  /** The user the request acts for (JWT `sub`, or the `X-EdgeLab-User` header of an `lms`/`admin` key). */
  userId?: string;
  /** Key for the rate limiter: `user:<id>`, `key:<key id>` or `ip:<client address>` (prefixes never overlap). */
  clientId: string;
}

/** The header an `lms` key uses to act for a user. */
export const ON_BEHALF_HEADER = 'x-edgelab-user';

/** Resolves request credentials to a {@link Principal}; throws 401 UNAUTHORIZED when they are missing or invalid. */
export interface Authenticator {
  readonly mode: AuthConfig['mode'];
  authenticate(headers: Record<string, string | string[] | undefined>, clientAddress: string): Promise<Principal>;
}

const USER_ID = /^[A-Za-z0-9_.@:|-]{1,200}$/;

function unauthorized(message: string): HttpError {
  return new HttpError(401, { code: 'UNAUTHORIZED', message }, { 'WWW-Authenticate': 'Bearer realm="edgelab"' });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Creates the authenticator for `EDGELAB_AUTH=none|token` (static API keys, JWT HS256 or RS256 with `sub`). */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const keys = config.apiKeys.map((k) => ({ ...k, digest: digest(k.key), id: digest(k.key).toString('hex').slice(0, 12) }));
  const hsKey = config.jwtSecret === undefined ? undefined : new TextEncoder().encode(config.jwtSecret);
  let rsKey: Promise<CryptoKey> | undefined;
  if (config.jwtPublicKey !== undefined) {
    rsKey = importSPKI(config.jwtPublicKey.replace(/\\n/g, '\n'), 'RS256').catch((cause: unknown) => {
      throw new EdgeLabError({ code: 'CONFIG_INVALID', message: 'EDGELAB_JWT_PUBLIC_KEY: not a PEM SPKI RSA public key', cause });
    });
    rsKey.catch(() => undefined);
  }

  return {
    mode: config.mode,
    async authenticate(headers, clientAddress) {
      if (config.mode === 'none') return { role: 'anonymous', clientId: `ip:${clientAddress}` };
      const header = headers.authorization;
      const value = Array.isArray(header) ? header[0] : header;
      if (value === undefined || value === '') throw unauthorized('this server needs a bearer token: send "Authorization: Bearer <token>"');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
      if (match === null) throw unauthorized('the Authorization header must be "Bearer <token>"');
      const token = match[1] as string;

      const tokenDigest = digest(token);
      const key = keys.find((k) => timingSafeEqual(k.digest, tokenDigest));
      if (key !== undefined) {
        const onBehalf = headers[ON_BEHALF_HEADER];
        const userId = Array.isArray(onBehalf) ? onBehalf[0] : onBehalf;
        if (userId !== undefined && !USER_ID.test(userId)) {
          throw new HttpError(400, { code: 'BAD_REQUEST', message: `${ON_BEHALF_HEADER}: user ids are 1-200 letters, digits or _.@:|-` });
        }
        return { role: key.role, ...(userId === undefined ? {} : { userId }), clientId: userId === undefined ? `key:${key.id}` : `user:${userId}` };
      }

      if (token.split('.').length === 3 && (hsKey !== undefined || rsKey !== undefined)) {
        const candidates: Array<Uint8Array | Promise<CryptoKey>> = [];
        if (hsKey !== undefined) candidates.push(hsKey);
        if (rsKey !== undefined) candidates.push(rsKey);
        for (const candidate of candidates) {
          try {
            const key = await candidate;
            const { payload } = await jwtVerify(token, key, {
              algorithms: key instanceof Uint8Array ? ['HS256'] : ['RS256'],
              ...(config.jwtIssuer === undefined ? {} : { issuer: config.jwtIssuer }),
              ...(config.jwtAudience === undefined ? {} : { audience: config.jwtAudience }),
            });
            if (typeof payload.sub !== 'string' || !USER_ID.test(payload.sub)) {
              throw unauthorized('the token has no usable "sub" (user id) claim');
            }
            return { role: 'user', userId: payload.sub, clientId: `user:${payload.sub}` };
          } catch (error) {
            if (error instanceof HttpError || error instanceof EdgeLabError) throw error;
          }
        }
      }
      throw unauthorized('the bearer token is not a known API key nor a valid, unexpired JWT');
    },
  };
}

/**
 * The submitter id recorded for a submission made by `principal`; `undefined` (the store's default) when auth is off.
 * Users (JWT `sub`, or an `lms`/`admin` key's `X-EdgeLab-User`) are `user:<id>`, a key acting for nobody is
 * `key:<key id>`: distinct prefixes, so no JWT `sub` (say `key:<id>`) can name a key's submissions.
 */
export function submitterIdOf(principal: Principal): string | undefined {
  if (principal.role === 'anonymous') return undefined;
  if (principal.userId !== undefined) return `user:${principal.userId}`;
  return principal.clientId;
}

/** True when `principal` may read a submission made by `submitterId`: its submitter, an admin, or anyone when auth is off. */
export function canReadSubmission(principal: Principal, submitterId: string): boolean {
  if (principal.role === 'anonymous' || principal.role === 'admin') return true;
  return submitterId === submitterIdOf(principal);
}
