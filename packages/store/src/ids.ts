import { randomBytes } from 'node:crypto';

/** A new unguessable id: 128 random bits from the OS CSPRNG, base64url (22 characters). */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** True when `value` has the shape of an id from {@link newId} (cheap check before a database look-up). */
export function isWellFormedId(value: string): boolean {
  return ID_PATTERN.test(value);
}
