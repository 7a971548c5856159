import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Assignment } from './assignment-schema.js';

/**
 * JSON with object keys sorted at every level, so equal content always gives equal text. `undefined` members are
 * left out as `JSON.stringify` does; `$schema` (an editor hint) is left out at the top level.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`);
  return `{${members.join(',')}}`;
}

/**
 * The sha-256 hex digest of a value's canonical JSON: equal content always gives the same hash. Used for the public
 * version of an assignment ({@link toPublicAssignment}), hashed over the public view only.
 */
export function contentHash(value: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(value))));
}

/**
 * A stable content hash of an assignment, hidden tests and solutions included. INTERNAL: never show it to
 * students (with it, guessable hidden inputs and outputs could be checked offline by hashing candidates); public
 * views carry {@link toPublicAssignment}'s `version`, hashed over the public view only. It is the sha-256 hex
 * digest of the assignment's canonical JSON; synchronous and pure JS, so it runs in browsers too. Two assignments with equal content (in any key order) have the same version.
 */
export function assignmentVersion(a: Assignment): string {
  const { $schema: _editorHint, ...content } = a;
  return contentHash(content);
}
