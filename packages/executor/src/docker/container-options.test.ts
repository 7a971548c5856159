import { describe, expect, it } from 'vitest';
import { SANDBOX_LABELS, sandboxContainerOptions, type SandboxContainerConfig } from './container-options.js';

const config: SandboxContainerConfig = {
  image: 'edgelab/python:bookworm',
  language: 'python',
  command: ['python3', '-c', 'runner'],
  memoryMb: 300,
  scratchMb: 32,
  pidsLimit: 128,
  cpus: 1,
  uid: 23456,
  owner: 'host-a:42',
};

describe('sandboxContainerOptions', () => {
  const options = sandboxContainerOptions(config, new Date('2026-01-02T03:04:05.000Z'));

  it('isolates every container: no network, read-only root, no capabilities, no privilege gain, no host mounts', () => {
    expect(options.NetworkDisabled).toBe(true);
    expect(options.HostConfig).toMatchObject({
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Binds: [],
      Init: false,
      AutoRemove: false,
    });
    expect(options.HostConfig.CapAdd).toBeUndefined();
    expect(options.User).toBe('23456:23456');
  });

  it('makes a size-limited noexec tmpfs the only writable place and caps file size to it', () => {
    expect(options.HostConfig.Tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=32m,mode=1777' });
    expect(options.HostConfig.Ulimits).toContainEqual({ Name: 'fsize', Soft: 32 * 1024 * 1024, Hard: 32 * 1024 * 1024 });
    expect(options.HostConfig.Ulimits).toContainEqual({ Name: 'core', Soft: 0, Hard: 0 });
  });

  it('turns swap off so that exceeding memory is an OOM kill, and limits pids and CPU', () => {
    expect(options.HostConfig.Memory).toBe(300 * 1024 * 1024);
    expect(options.HostConfig.MemorySwap).toBe(options.HostConfig.Memory);
    expect(options.HostConfig.PidsLimit).toBe(128);
    expect(options.HostConfig.NanoCpus).toBe(1_000_000_000);
  });

  it('labels the container with its owner and creation time for the reaper', () => {
    expect(options.Labels).toEqual({
      [SANDBOX_LABELS.sandbox]: '1',
      [SANDBOX_LABELS.owner]: 'host-a:42',
      [SANDBOX_LABELS.createdAt]: '2026-01-02T03:04:05.000Z',
      [SANDBOX_LABELS.language]: 'python',
    });
  });

  it('keeps stdin open for the runner protocol and writes no container log (outputs may hold test data)', () => {
    expect(options).toMatchObject({ OpenStdin: true, StdinOnce: false, AttachStdin: true, Tty: false, Cmd: config.command });
    expect(options.HostConfig.LogConfig).toEqual({ Type: 'none', Config: {} });
  });
});
