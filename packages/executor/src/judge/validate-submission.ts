import { EdgeLabError, type Assignment, type LanguageId } from '@edgelab/core';
import { findLanguage, LANGUAGES, type LanguageRegistry } from '../languages/language-registry.js';

/** Largest submission accepted, in bytes of UTF-8 over all files. */
export const MAX_SUBMISSION_BYTES = 64 * 1024;

/** Submitted code: one main file, several named files, or raw bytes (checked to be UTF-8). */
export type SubmittedCode = string | Uint8Array | Record<string, string | Uint8Array>;

/** What a caller submits; `language` is checked, so any string is accepted here. */
export interface SubmissionInput {
  language: string;
  code: SubmittedCode;
}

/** A submission that passed {@link validateSubmission}: a known, offered language and UTF-8 files by name. */
export interface ValidSubmission {
  language: LanguageId;
  files: Record<string, string>;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string): EdgeLabError {
  return new EdgeLabError({ code: 'SUBMISSION_INVALID', message });
}

function decode(name: string, content: string | Uint8Array): string {
  if (typeof content !== 'string') {
    try {
      content = utf8.decode(content);
    } catch {
      throw invalid(`${name} is not valid UTF-8 text; save the file as UTF-8 and submit again`);
    }
  }
  if (content.includes('\uFFFD')) {
    throw invalid(`${name} contains the replacement character U+FFFD, a sign it was not valid UTF-8; save the file as UTF-8 and submit again`);
  }
  if (LONE_SURROGATE.test(content)) throw invalid(`${name} contains an unpaired UTF-16 surrogate and is not valid Unicode text`);
  return content;
}

/**
 * Checks a submission before anything runs: the language is known and offered by the assignment; the code is
 * non-empty, at most 64 KB, valid UTF-8 (strings with U+FFFD or lone surrogates are refused; bytes are decoded
 * strictly), and file names fit the language. Throws `LANGUAGE_UNSUPPORTED` or `SUBMISSION_INVALID` with what to fix.
 */
export function validateSubmission(
  assignment: Pick<Assignment, 'id' | 'languages'>,
  submission: SubmissionInput,
  languages: LanguageRegistry = LANGUAGES,
): ValidSubmission {
  const offered = Object.keys(assignment.languages);
  const definition = findLanguage(submission.language, languages);
  if (definition === undefined) {
    throw new EdgeLabError({
      code: 'LANGUAGE_UNSUPPORTED',
      message: `language "${submission.language}" is not supported; ${assignment.id} offers: ${offered.join(', ')}`,
    });
  }
  if (!offered.includes(definition.id)) {
    throw new EdgeLabError({
      code: 'LANGUAGE_UNSUPPORTED',
      message: `assignment ${assignment.id} does not offer ${definition.id}; offered: ${offered.join(', ')}`,
    });
  }
  const code = submission.code;
  const raw: Record<string, string | Uint8Array> =
    typeof code === 'string' || code instanceof Uint8Array ? { [definition.mainFile]: code } : code;
  if (raw === null || typeof raw !== 'object') throw invalid('code must be a string or an object of file name to content');
  const files: Record<string, string> = {};
  let bytes = 0;
  for (const [name, content] of Object.entries(raw)) {
    if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw invalid(`${name}: content must be text`);
    if (!definition.filePattern.test(name) || name.startsWith('edgelab_')) {
      throw invalid(`file name "${name}" is not allowed for ${definition.displayName}; use names like ${definition.mainFile}`);
    }
    files[name] = decode(name, content);
    bytes += Buffer.byteLength(files[name]);
  }
  if (!(definition.mainFile in files)) {
    throw invalid(`the submission has no ${definition.mainFile}; ${definition.displayName} submissions start from ${definition.mainFile}`);
  }
  if (Object.values(files).every((text) => text.trim() === '')) throw invalid('the submission is empty: write some code first');
  if (bytes > MAX_SUBMISSION_BYTES) {
    throw invalid(`the submission is ${Math.ceil(bytes / 1024)} KB; at most ${MAX_SUBMISSION_BYTES / 1024} KB is accepted`);
  }
  return { language: definition.id, files };
}
