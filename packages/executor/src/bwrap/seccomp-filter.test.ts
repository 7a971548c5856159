import { describe, expect, it } from 'vitest';
import { DENIED_SYSCALLS_X86_64, seccompFilter } from './seccomp-filter.js';

/** Runs a classic-BPF seccomp program on (arch, nr): just the instructions the filter uses. */
function evaluate(program: Buffer, arch: number, nr: number): number {
  let acc = 0;
  for (let pc = 0; pc < program.length / 8; ) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    switch (code) {
      case 0x20:
        acc = k === 4 ? arch : k === 0 ? nr : 0;
        pc++;
        break;
      case 0x15:
        pc += 1 + (acc === k ? jt : jf);
        break;
      case 0x35:
        pc += 1 + (acc >>> 0 >= k ? jt : jf);
        break;
      case 0x06:
        return k;
      default:
        throw new Error(`unexpected BPF opcode ${code}`);
    }
  }
  throw new Error('fell off the end of the program');
}

const X86_64 = 0xc000003e;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;

describe('seccompFilter', () => {
  const program = seccompFilter('x64')!;

  it('refuses every denied system call with EPERM', () => {
    for (const [name, nr] of Object.entries(DENIED_SYSCALLS_X86_64)) expect(evaluate(program, X86_64, nr), name).toBe(EPERM);
  });

  it('allows what programs need: read, write, mmap, clone, execve, exit_group, futex', () => {
    for (const nr of [0, 1, 9, 56, 59, 231, 202]) expect(evaluate(program, X86_64, nr)).toBe(ALLOW);
  });

  it('refuses x32 system calls and kills other ABIs', () => {
    expect(evaluate(program, X86_64, 0x40000000 + 1)).toBe(EPERM);
    expect(evaluate(program, 0x40000003 /* AUDIT_ARCH_I386 */, 1)).toBe(0x80000000);
  });

  it('has no filter for other architectures', () => {
    expect(seccompFilter('arm64')).toBeNull();
  });
});
