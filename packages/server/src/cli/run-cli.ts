import { availableParallelism } from 'node:os';
import { isEdgeLabError } from '@edgelab/core';
import { buildImages, createJudge, createSandbox } from '@edgelab/executor';
import type { Judge, Sandbox } from '@edgelab/executor';
import type { GradingJudge } from '../grading-ports.js';
import { createStore } from '@edgelab/store';
import { Command, CommanderError, Option } from 'commander';
import { pino } from 'pino';
import { loadServerConfig } from '../config.js';
import { startServer } from '../start-server.js';
import { createWorkerPool } from '../worker-pool.js';
import { defaultFeedbackProvider } from '../default-feedback.js';
import { checkAssignments, formatCheckRows } from './check-command.js';
import { gradeCommand } from './grade-command.js';

/** Exit codes of the `edgelab` CLI. */
export const ExitCode = { ok: 0, failed: 1, config: 2 } as const;

function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`edgelab: ${signal} again, exiting now\n`);
      process.exit(ExitCode.failed);
    }
    stopping = true;
    process.stderr.write(`edgelab: ${signal}: stopping (finishing or releasing in-flight work)\n`);
    stop().then(
      () => process.exit(ExitCode.ok),
      (error: unknown) => {
        process.stderr.write(`edgelab: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(ExitCode.failed);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

const graceMs = () => Number(process.env.EDGELAB_SHUTDOWN_GRACE_MS ?? 20_000);
const sandboxOption = () => new Option('--sandbox <backend>', 'sandbox backend').choices(['auto', 'docker', 'bwrap']);

/** Builds the `edgelab` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('edgelab')
    .description('EdgeLab: grade student programs in a sandbox')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('serve')
    .description('run the HTTP API, the reference UI and in-process grading workers')
    .option('--port <port>', 'port (EDGELAB_PORT, default 3000)')
    .option('--host <host>', 'interface (EDGELAB_HOST, default 127.0.0.1)')
    .option('--assignments <dir>', 'assignments folder (EDGELAB_ASSIGNMENTS_DIR, default ./assignments)')
    .option('--db <url>', 'SQLite file or postgres:// URL (EDGELAB_DATABASE_URL, default ./data/edgelab.db)')
    .addOption(sandboxOption())
    .option('--workers <n>', 'in-process workers; 0 for an API-only process (EDGELAB_WORKERS, default CPU cores)')
    .action(async (flags: Record<string, string | undefined>) => {
      const config = loadServerConfig(process.env, {
        ...(flags.port === undefined ? {} : { port: flags.port }),
        ...(flags.host === undefined ? {} : { host: flags.host }),
        ...(flags.assignments === undefined ? {} : { assignments: flags.assignments }),
        ...(flags.db === undefined ? {} : { db: flags.db }),
        ...(flags.sandbox === undefined ? {} : { sandbox: flags.sandbox }),
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      });
      const logger = pino({ level: config.logLevel });
      const feedback = defaultFeedbackProvider(process.env, logger);
      const server = await startServer({ config, logger, ...(feedback === undefined ? {} : { feedback }) });
      for (const problem of server.assignmentErrors) process.stderr.write(`edgelab: skipped invalid assignment: ${problem}\n`);
      // The URL is one to open on this host; say so when the server also answers on every other interface.
      const everywhere = config.host === '0.0.0.0' || config.host === '::' ? `; bound to every interface, --host ${config.host}` : '';
      process.stdout.write(`EdgeLab listening on ${server.url} (${config.workers} workers${everywhere})\n`);
      onShutdownSignal(() => server.close({ graceMs: graceMs() }));
    });

  program
    .command('worker')
    .description('run grading workers only, against a shared database (scale across hosts with PostgreSQL)')
    .option('--db <url>', 'SQLite file or postgres:// URL (EDGELAB_DATABASE_URL)')
    .addOption(sandboxOption())
    .option('--concurrency <n>', 'concurrent gradings (EDGELAB_WORKERS, default CPU cores)')
    .action(async (flags: Record<string, string | undefined>) => {
      const config = loadServerConfig(process.env, {
        ...(flags.db === undefined ? {} : { db: flags.db }),
        ...(flags.sandbox === undefined ? {} : { sandbox: flags.sandbox }),
        ...(flags.concurrency === undefined ? {} : { workers: flags.concurrency }),
      });
      const logger = pino({ level: config.logLevel });
      const store = await createStore({ url: config.databaseUrl });
      const sandbox = await createSandbox({ backend: config.sandbox }).catch(async (error: unknown) => {
        await store.close();
        throw error;
      });
      const feedback = defaultFeedbackProvider(process.env, logger);
      const pool = createWorkerPool({
        store,
        judge: createJudge({ sandbox }),
        concurrency: Math.max(1, config.workers || availableParallelism()),
        leaseMs: config.leaseMs,
        logger,
        ...(feedback === undefined ? {} : { feedback }),
      });
      await pool.start();
      process.stdout.write(`EdgeLab worker running: ${Math.max(1, config.workers)} concurrent gradings on ${sandbox.backend}\n`);
      onShutdownSignal(async () => {
        await pool.stop({ graceMs: graceMs() });
        await sandbox.close();
        await store.close();
      });
    });

  program
    .command('grade')
    .description('grade one solution file; exit code 0 only when every test passes')
    .argument('<assignment>', 'assignment file, or an assignment id in --assignments')
    .argument('<solution>', 'solution file (language from the extension)')
    .option('--language <language>', 'python, java or sql (default: from the file extension)')
    .addOption(sandboxOption())
    .option('--assignments <dir>', 'where to look up an assignment id', process.env.EDGELAB_ASSIGNMENTS_DIR ?? './assignments')
    .option('--json', 'print the public result as JSON', false)
    .action(async (assignment: string, solution: string, flags: { language?: string; sandbox?: string; json: boolean; assignments: string }) => {
      const config = loadServerConfig(process.env, flags.sandbox === undefined ? {} : { sandbox: flags.sandbox });
      process.exitCode = await gradeCommand(assignment, solution, {
        ...(flags.language === undefined ? {} : { language: flags.language }),
        sandbox: config.sandbox,
        json: flags.json,
        assignmentsDir: flags.assignments,
      });
    });

  program
    .command('check')
    .description('validate every assignment and grade its reference and known-wrong solutions')
    .argument('[dir]', 'assignments folder', process.env.EDGELAB_ASSIGNMENTS_DIR ?? './assignments')
    .addOption(sandboxOption())
    .action(async (dir: string, flags: { sandbox?: string }) => {
      const config = loadServerConfig(process.env, flags.sandbox === undefined ? {} : { sandbox: flags.sandbox });
      // The sandbox starts on the first grading, so a folder of invalid files is reported without one.
      let sandbox: Sandbox | undefined;
      let judge: Judge | undefined;
      const lazyJudge: GradingJudge = {
        async grade(assignment, submission, gradeOptions) {
          sandbox ??= await createSandbox({ backend: config.sandbox });
          judge ??= createJudge({ sandbox });
          return judge.grade(assignment, submission, gradeOptions);
        },
      };
      try {
        const rows = await checkAssignments(dir, { judge: lazyJudge, onProgress: (line) => process.stderr.write(`${line}\n`) });
        process.stdout.write(`${formatCheckRows(rows)}\n`);
        const failed = rows.filter((r) => !r.ok).length;
        process.stdout.write(failed === 0 ? `all ${rows.length} checks passed\n` : `${failed} of ${rows.length} checks FAILED\n`);
        process.exitCode = failed === 0 ? ExitCode.ok : ExitCode.failed;
      } finally {
        await sandbox?.close();
      }
    });

  program
    .command('images')
    .description('runtime images and root file systems')
    .command('build')
    .description('build the runtime root file systems and Docker images')
    .option('--offline', 'debootstrap from a Debian mirror; no container registry needed', false)
    .option('--force', 'rebuild even what is current', false)
    .action(async (flags: { offline: boolean; force: boolean }) => {
      const result = await buildImages({
        offline: flags.offline,
        force: flags.force,
        onProgress: (e) => {
          if (e.status !== 'log') process.stderr.write(`[${e.target}] ${e.status}: ${e.message}\n`);
        },
      });
      process.stdout.write(`built: ${result.built.join(', ') || 'nothing (all current)'}${result.dockerSkipped ? `; ${result.dockerSkipped}` : ''}\n`);
    });

  return program;
}

/**
 * Runs the CLI: errors become one clear line on stderr (never a stack trace); configuration and usage errors exit 2,
 * other failures 1.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.config;
      return;
    }
    if (isEdgeLabError(error)) {
      process.stderr.write(`edgelab: ${error.message}\n`);
      for (const detail of error.details) process.stderr.write(`  ${detail}\n`);
      process.exitCode = error.code === 'CONFIG_INVALID' || error.code === 'ASSIGNMENT_INVALID' ? ExitCode.config : ExitCode.failed;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`edgelab: unexpected error: ${message}\n`);
    process.exitCode = ExitCode.failed;
  }
}
