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
 * A stable content hash of an assignment: the sha-256 hex digest of its canonical JSON. Synchronous and pure JS,
 * so it runs in browsers too. Two assignments with equal content (in any key order) have the same version.
 */
export function assignmentVersion(a: Assignment): string {
  const { $schema: _editorHint, ...content } = a;
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(content))));
}
