/**
 * A small seccomp deny-list for the bubblewrap backend, as classic BPF bytes for `bwrap --seccomp FD`. It refuses
 * (EPERM) the system calls graded programs never need and that make up most of the kernel's attack surface from an
 * unprivileged process: tracing other processes, kernel keyrings, eBPF, perf events, userfaultfd, io_uring, module
 * and kexec loading, mount / namespace changes. Roughly the part of Docker's default profile that matters here.
 * Only x86-64 has a filter; other architectures run without one (see README).
 */

/** System calls refused inside the sandbox, by x86-64 number. */
export const DENIED_SYSCALLS_X86_64: Readonly<Record<string, number>> = Object.freeze({
  ptrace: 101,
  process_vm_readv: 310,
  process_vm_writev: 311,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  bpf: 321,
  perf_event_open: 298,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  mount: 165,
  umount2: 166,
  pivot_root: 155,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  acct: 163,
  kexec_load: 246,
  kexec_file_load: 320,
  init_module: 175,
  finit_module: 313,
  delete_module: 176,
  unshare: 272,
  setns: 308,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  fsopen: 430,
  fsmount: 432,
  move_mount: 429,
  open_tree: 428,
});

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_RET_K = 0x06;

type Instruction = [code: number, jt: number, jf: number, k: number];

/** The filter as bytes (struct sock_filter[]), or null when there is none for this architecture. */
export function seccompFilter(arch: string = process.arch): Buffer | null {
  if (arch !== 'x64') return null;
  const numbers = Object.values(DENIED_SYSCALLS_X86_64);
  const program: Instruction[] = [
    [BPF_LD_W_ABS, 0, 0, 4], // seccomp_data.arch
    [BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64],
    [BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS], // another ABI (i386 via int 0x80): refuse outright
    [BPF_LD_W_ABS, 0, 0, 0], // seccomp_data.nr
  ];
  // Layout after the loads: one x32 check, one jump per denied call, then ALLOW, then ERRNO.
  const allowAt = program.length + 1 + numbers.length;
  const errnoAt = allowAt + 1;
  program.push([BPF_JGE_K, errnoAt - program.length - 1, 0, X32_SYSCALL_BIT]);
  for (const nr of numbers) program.push([BPF_JEQ_K, errnoAt - program.length - 1, 0, nr]);
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW]);
  program.push([BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes;
}
