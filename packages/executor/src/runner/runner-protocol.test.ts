import { describe, expect, it } from 'vitest';
import { decodeResult, defaultWallMs, encodeRun, DEFAULT_PIDS } from './runner-protocol.js';

describe('runner protocol encoding', () => {
  it('encodes stdin and files as base64 and fills defaults', () => {
    const msg = encodeRun(7, {
      command: ['python3', 'solution.py'],
      stdin: 'héllo',
      files: { 'a.bin': new Uint8Array([0, 255]) },
      limits: { timeMs: 500, memoryMb: 64, outputKb: 16 },
    });
    expect(msg).toMatchObject({ type: 'run', id: 7, wallMs: defaultWallMs(500), pids: DEFAULT_PIDS, keepOutputs: false });
    expect(Buffer.from(msg.stdin, 'base64').toString('utf8')).toBe('héllo');
    expect(msg.files['a.bin']).toBe('AP8=');
    expect('addressSpaceMb' in msg).toBe(false);
  });

  it('passes optional limits only when set', () => {
    const msg = encodeRun(1, { command: ['x'], limits: { timeMs: 100, wallMs: 250, memoryMb: 64, outputKb: 1, addressSpaceMb: 320, pids: 4 } });
    expect(msg).toMatchObject({ wallMs: 250, addressSpaceMb: 320, pids: 4 });
  });

  it('decodes output, replacing invalid UTF-8 instead of throwing', () => {
    const out = decodeResult({
      type: 'result',
      stdout: Buffer.from([0x61, 0xff]).toString('base64'),
      stderr: '',
      exitCode: 0,
      signal: null,
      wallMs: 5,
      cpuMs: 4,
      memoryKb: 900,
      limitHit: null,
      truncated: false,
    });
    expect(out.stdout).toBe('a\uFFFD');
    expect(out.usage).toEqual({ wallMs: 5, cpuMs: 4, memoryKb: 900 });
  });
});
