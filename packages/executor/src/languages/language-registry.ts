import type { LanguageId } from '@edgelab/core';
import type { LanguageDefinition } from './language-definition.js';
import { java } from './java.js';
import { python } from './python.js';
import { sql } from './sql.js';

/** The languages EdgeLab ships, by id. */
export const LANGUAGES: Readonly<Record<LanguageId, LanguageDefinition>> = Object.freeze({ python, java, sql });

/** A language registry: the built-in languages, optionally replaced or extended. */
export type LanguageRegistry = Readonly<Partial<Record<string, LanguageDefinition>>>;

/** The definition of `id` in `registry`, or undefined. */
export function findLanguage(id: string, registry: LanguageRegistry = LANGUAGES): LanguageDefinition | undefined {
  return Object.hasOwn(registry, id) ? registry[id] : undefined;
}
