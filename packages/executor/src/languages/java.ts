import type { Limits } from '@edgelab/core';
import type { LanguageDefinition } from './language-definition.js';
import { withStartup } from './language-definition.js';

/** CPU time the JVM needs to start before the student's code runs (class loading, C1). */
const JVM_STARTUP_MS = 500;
/** Memory the JVM uses outside the heap (metaspace, code cache, thread stacks): the cgroup allows it on top. */
const JVM_NON_HEAP_MB = 160;
/** javac's own limits: the compile is the platform's work, not the test's. */
const JAVAC_LIMITS: Limits = { timeMs: 10_000, memoryMb: 512, outputKb: 64 };

/**
 * Where the Java runtime image keeps EdgeLab's own Java parts (images/java/post-install.sh puts them there): the
 * warm worker's classes and class-data-sharing archives of javac and of the worker.
 */
export const JAVA_SUPPORT_DIR = '/usr/lib/edgelab/java';

/** Flags that make a short-lived JVM start fast and stay small and predictable. */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-XX:ActiveProcessorCount=1'];

/**
 * A class-data-sharing archive made at image build time: the classes a JVM loads at start, pre-parsed, mapped from
 * the image instead of loaded from the JDK's modules (javac starts in ~0.3 s instead of ~0.5 s). `-Xshare:auto`:
 * a missing or unusable archive only costs that speed.
 */
const sharedArchive = (name: string) => [`-XX:SharedArchiveFile=${JAVA_SUPPORT_DIR}/${name}.jsa`, '-Xshare:auto'];

/** `java` for a test program: the heap is the memory limit; the stack as deep as recursive solutions need. */
const jvm = (l: Limits) => ['java', `-Xmx${l.memoryMb}m`, '-Xss64m', ...JVM_FLAGS];

/** The warm worker's JVM for tests with these limits (compile and tests share it when their limits agree). */
const workerJvm = (l: Limits) => [...jvm(l), ...sharedArchive('worker'), '-cp', `${JAVA_SUPPORT_DIR}/edgelab-worker.jar`, 'edgelab.JavaWorker'];

/** javac's own arguments: no annotation processing (a submission is plain source); the class path named, because javac
 * inside the worker would otherwise search the worker's own. */
const javacArgs = (files: readonly string[]) => ['-proc:none', '-cp', '.', '-encoding', 'UTF-8', '-d', '.', ...files.filter((f) => f.endsWith('.java')).sort()];

/**
 * Java 17. Compiled once per submission (`javac`, class files kept for every test). Memory: the limit is the
 * heap (`-Xmx`), so running out is a clean `OutOfMemoryError` (→ `memory_limit`); the sandbox's cgroup allows
 * {@link JVM_NON_HEAP_MB} more as the backstop. Time: {@link JVM_STARTUP_MS} of startup is added to the limit.
 *
 * javac and the tests run in a warm worker (images/java/worker/edgelab/JavaWorker.java): one JVM per session, javac
 * in it first (falling back to the `javac` command if it runs out of memory), then each test in a
 * fresh class loader with fresh System.in/out/err, properties, locale and time zone, `System.exit` ending the test.
 * What it cannot reset makes the runner start a fresh JVM for the next test, and a program that registers shutdown
 * hooks is run again in a JVM of its own; `command` (`java Main`) stays the reference behaviour.
 */
export const java: LanguageDefinition = {
  id: 'java',
  displayName: 'Java 17',
  image: 'edgelab/java:bookworm',
  rootfs: 'java',
  mainFile: 'Main.java',
  filePattern: /^[A-Za-z_][A-Za-z0-9_]*\.java$/,
  compile: {
    command: (_limits, files) => ['javac', '-J-Xmx384m', ...[...JVM_FLAGS, ...sharedArchive('javac')].map((f) => `-J${f}`), ...javacArgs(files)],
    limits: () => ({ ...withStartup(JAVAC_LIMITS, 0), memoryMb: JAVAC_LIMITS.memoryMb, outputKb: JAVAC_LIMITS.outputKb, pids: 128 }),
    // javac inside the tests' worker: one JVM start per submission instead of two. Given the first test's limits.
    worker: (l, files) => ({ command: workerJvm(l), args: ['--javac', ...javacArgs(files)] }),
  },
  run: {
    command: (l) => [...jvm(l), '-Xshare:auto', '-cp', '.', 'Main'],
    limits: (l) => ({ ...withStartup(l, JVM_STARTUP_MS), memoryMb: l.memoryMb, outputKb: l.outputKb, pids: 128 }),
    worker: (l) => ({ command: workerJvm(l), args: ['Main'] }),
  },
  memoryPatterns: [/java\.lang\.OutOfMemoryError/],
  sessionOverheadMb: JVM_NON_HEAP_MB,
};
