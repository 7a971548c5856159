import { LanguageIdSchema } from '@edgelab/core';
import type { LanguageId } from '@edgelab/core';

/** What `GET /languages` lists and how the CLI infers a language from a file name. */
export interface LanguageInfo {
  id: LanguageId;
  name: string;
  extensions: readonly string[];
}

const NAMES: Record<LanguageId, { name: string; extensions: readonly string[] }> = {
  python: { name: 'Python 3', extensions: ['.py'] },
  java: { name: 'Java', extensions: ['.java'] },
  sql: { name: 'SQL (SQLite)', extensions: ['.sql'] },
};

/** Every language EdgeLab grades, in the order of core's `LanguageIdSchema`. */
export const LANGUAGES: readonly LanguageInfo[] = LanguageIdSchema.options.map((id) => ({ id, ...NAMES[id] }));

/** The language of a file name from its extension, or `undefined`. */
export function languageOfFile(fileName: string): LanguageId | undefined {
  const lower = fileName.toLowerCase();
  return LANGUAGES.find((l) => l.extensions.some((ext) => lower.endsWith(ext)))?.id;
}
