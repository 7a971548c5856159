import type { LanguageDefinition } from './language-definition.js';

/** Address space Python needs beyond the data the program allocates (interpreter, libraries, thread stacks). */
const PYTHON_BASE_AS_MB = 64;

/**
 * Python 3.11. Memory: an `RLIMIT_AS` cap a little above the limit, so an allocation past it raises a clean
 * `MemoryError` (→ `memory_limit`) rather than an OOM kill; the cgroup is the backstop.
 */
export const python: LanguageDefinition = {
  id: 'python',
  displayName: 'Python 3.11',
  image: 'edgelab/python:bookworm',
  rootfs: 'python',
  mainFile: 'solution.py',
  filePattern: /^[A-Za-z_][A-Za-z0-9_]*\.py$|^[A-Za-z0-9_.-]+\.(txt|csv|json)$/,
  run: {
    // -B: no __pycache__ writes; -E -s: no environment or user site influence; the script's folder stays on
    // sys.path so multi-file submissions can import their own modules.
    command: () => ['python3', '-B', '-E', '-s', 'solution.py'],
    limits: (l) => ({
      timeMs: l.timeMs,
      memoryMb: l.memoryMb,
      outputKb: l.outputKb,
      addressSpaceMb: l.memoryMb + PYTHON_BASE_AS_MB,
    }),
  },
  memoryPatterns: [/^MemoryError\b/m, /\bMemoryError$/m],
  sessionOverheadMb: PYTHON_BASE_AS_MB,
};
