import type { Limits } from '@edgelab/core';
import type { LanguageDefinition } from './language-definition.js';
import { withStartup } from './language-definition.js';

/** CPU time the JVM needs to start before the student's code runs (class loading, C1). */
const JVM_STARTUP_MS = 500;
/** Memory the JVM uses outside the heap (metaspace, code cache, thread stacks): the cgroup allows it on top. */
const JVM_NON_HEAP_MB = 160;
/** javac's own limits: the compile is the platform's work, not the test's. */
const JAVAC_LIMITS: Limits = { timeMs: 10_000, memoryMb: 512, outputKb: 64 };

/** Flags that make a short-lived JVM start fast and stay small and predictable. */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:-UsePerfData', '-XX:ActiveProcessorCount=1'];

/**
 * Java 17. Compiled once per submission (`javac`, class files kept for every test). Memory: the limit is the
 * heap (`-Xmx`), so running out is a clean `OutOfMemoryError` (→ `memory_limit`); the sandbox's cgroup allows
 * {@link JVM_NON_HEAP_MB} more as the backstop. Time: {@link JVM_STARTUP_MS} of startup is added to the limit.
 */
export const java: LanguageDefinition = {
  id: 'java',
  displayName: 'Java 17',
  image: 'edgelab/java:bookworm',
  rootfs: 'java',
  mainFile: 'Main.java',
  filePattern: /^[A-Za-z_][A-Za-z0-9_]*\.java$/,
  compile: {
    command: (_limits, files) => [
      'javac',
      '-J-Xmx384m',
      ...JVM_FLAGS.map((f) => `-J${f}`),
      '-encoding',
      'UTF-8',
      '-d',
      '.',
      ...files.filter((f) => f.endsWith('.java')).sort(),
    ],
    limits: () => ({ ...withStartup(JAVAC_LIMITS, 0), memoryMb: JAVAC_LIMITS.memoryMb, outputKb: JAVAC_LIMITS.outputKb, pids: 128 }),
  },
  run: {
    command: (l) => ['java', `-Xmx${l.memoryMb}m`, '-Xss64m', ...JVM_FLAGS, '-cp', '.', 'Main'],
    limits: (l) => ({ ...withStartup(l, JVM_STARTUP_MS), memoryMb: l.memoryMb, outputKb: l.outputKb, pids: 128 }),
  },
  memoryPatterns: [/java\.lang\.OutOfMemoryError/],
  sessionOverheadMb: JVM_NON_HEAP_MB,
};
