/**
 * Test helpers for real services (Docker, PostgreSQL, Chromium, bubblewrap).
 *
 * Locally a test may skip when a service is missing; in CI (`CI=true`) a missing service is a failure,
 * never a silent skip.
 */
export const inCI = process.env.CI === 'true';

/** What a probe found: available, or not with the reason. */
export type ServiceStatus = { ok: true } | { ok: false; reason: string };

/**
 * Probes a service once. Returns `true` when it is available; `false` locally when it is not (the caller
 * then uses `describe.skipIf(!available)`); throws in CI so that the run fails loudly.
 */
export async function requireService(name: string, probe: () => Promise<ServiceStatus>): Promise<boolean> {
  let status: ServiceStatus;
  try {
    status = await probe();
  } catch (error) {
    status = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (status.ok) return true;
  const message = `${name} is not available: ${status.reason}`;
  if (inCI) throw new Error(`${message} (CI=true: a missing service fails the run; .ci/run must start it)`);
  console.warn(`[skip] ${message}`);
  return false;
}

/** Probes for a usable sandbox backend (`auto`: Docker, else bubblewrap), for tests that grade for real. */
export async function probeSandbox(): Promise<ServiceStatus> {
  const { createSandbox } = await import('@edgelab/executor');
  try {
    await (await createSandbox({ backend: 'auto' })).close();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
