"""EdgeLab in-sandbox runner: starts each test of one submission inside an already-isolated sandbox.

Python 3.11 standard library only. Speaks JSON lines on stdin/stdout (see PROTOCOL.md). Started once per
submission as `python3 -I -S -c <this source> [scratch dir]`, ideally as PID 1 of its own PID namespace so that
`kill(-1, SIGKILL)` removes every process the student left behind.

Why a runner: starting a container or namespace per test costs far more than the test itself. One sandbox per
submission with this small loop inside keeps the per-test cost close to a bare `python3 solution.py`.
"""

import binascii
import errno
import fcntl
import json
import os
import re
import resource
import select
import signal
import sys
import time

PROTOCOL_VERSION = 1
TICK_S = 0.02
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CLK_TCK = os.sysconf("SC_CLK_TCK")
AM_INIT = os.getpid() == 1
if len(sys.argv) > 1:
    SCRATCH = sys.argv[1]
elif AM_INIT:
    SCRATCH = "/tmp"
else:
    # Outside a sandbox of our own, never wipe a shared /tmp: work in a private directory instead.
    import tempfile

    SCRATCH = tempfile.mkdtemp(prefix="edgelab-runner-")
# Other writable places the student could use to pass data from one test to the next; wiped after every run,
# but only when we are init of a private namespace (otherwise they belong to the host). /dev/mqueue lists the
# POSIX message queues of the sandbox's IPC namespace (Docker mounts it; the bwrap backend too).
EXTRA_WIPE = ["/dev/shm", "/dev/mqueue"] if AM_INIT else []
# System V IPC objects (shared memory, message queues, semaphores) outlive the processes that made them: as init
# of a private IPC namespace, every one of them was made by a test and is removed after every run.
SYSV_IPC = [("/proc/sysvipc/shm", "shmctl"), ("/proc/sysvipc/msg", "msgctl"), ("/proc/sysvipc/sem", "semctl")]
IPC_RMID = 0
# A warm worker's working directory in the scratch: the same directory for every test (a JVM cannot change its
# working directory), emptied and refilled between tests.
WORKER_DIR = "work"
# How long a warm worker may take to say `ready` before the session runs its tests cold.
WORKER_BOOT_S = 10

_proto_out = None  # the protocol stream, a dup of the original stdout


def send(message):
    _proto_out.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
    _proto_out.flush()


# binascii rather than base64: one import less on the session's start-up path.
def b64d(text):
    return binascii.a2b_base64(text) if text else b""


def b64e(data):
    return binascii.b2a_base64(data, newline=False).decode("ascii")


def harden_self():
    """Makes the runner hard to tamper with from the student's process (same uid): not dumpable means no
    ptrace and no /proc/1/mem or /proc/1/fd access (the protocol pipes carry the next tests' input, and a
    forged result); subreaper so daemonised orphans come back to us. Without the first the runner refuses to
    start: the host then reports a sandbox failure, never grades in a runner the student can read."""
    dumpable = None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
        dumpable = libc.prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER 1
    except Exception as exc:  # noqa: BLE001 - reported below
        sys.stderr.write("edgelab runner: ctypes unavailable (%s)\n" % exc)
    if dumpable != 0:
        sys.stderr.write("edgelab runner: cannot make itself non-dumpable; refusing to run student code\n")
        sys.stderr.flush()
        os._exit(72)
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("-1000" if os.geteuid() == 0 else "0")
    except OSError:
        pass


def oom_kill_count():
    """Reads the cgroup OOM-kill counter when the cgroup is visible (Docker with cgroupns); None otherwise."""
    for path, key in (("/sys/fs/cgroup/memory.events", "oom_kill"), ("/sys/fs/cgroup/memory/memory.oom_control", "oom_kill")):
        try:
            with open(path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == key:
                        return int(parts[1])
        except (OSError, ValueError):
            continue
    return None


def proc_cpu_ticks(pid, include_children):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read()
    except OSError:
        return 0
    fields = data[data.rfind(b")") + 2 :].split()
    # fields[0] is state (field 3); utime is field 14, stime 15, cutime 16, cstime 17.
    try:
        ticks = int(fields[11]) + int(fields[12])
        if include_children:
            ticks += int(fields[13]) + int(fields[14])
        return ticks
    except (IndexError, ValueError):
        return 0


def list_pids():
    pids = []
    try:
        for name in os.listdir("/proc"):
            if name.isdigit():
                pids.append(int(name))
    except OSError:
        pass
    return pids


def ppid_of(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read()
        return int(data[data.rfind(b")") + 2 :].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def sandbox_cpu_ms(child):
    """CPU time of everything the test started: the whole PID namespace when we are its init (each live process
    with the children it reaped: they are in no other count), else the child."""
    me = os.getpid()
    if AM_INIT:
        ticks = sum(proc_cpu_ticks(p, True) for p in list_pids() if p != me)
    else:
        ticks = proc_cpu_ticks(child, True)
    return ticks * 1000 // CLK_TCK


def warm_cpu_ms(worker_pid):
    """CPU time used so far by a warm worker and what it started: everything alive in the namespace when we are its
    init, each process with the children it reaped (a process that outlives the test may hold the time of others it
    ran, e.g. a shell), else the worker and every process below it."""
    me = os.getpid()
    if AM_INIT:
        ticks = sum(proc_cpu_ticks(p, True) for p in list_pids() if p != me)
    else:
        ticks = sum(proc_cpu_ticks(p, True) for p in descendants(worker_pid))
    return ticks * 1000 // CLK_TCK


def descendants(pid):
    """`pid` and every live process below it."""
    children = {}
    for p in list_pids():
        children.setdefault(ppid_of(p), []).append(p)
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        stack.extend(children.get(p, ()))
    return found


class WorkerFailed(Exception):
    """The warm worker cannot run the request (it will not take it, or broke the protocol): run it cold."""


REPLY_DONE = re.compile(rb"^done\t(-?[0-9]{1,10})\t([a-z0-9,-]{0,200})$")


class Reaper:
    """Collects exit statuses of the test and of orphans re-parented to the runner."""

    def __init__(self):
        self.orphan_cpu_ms = 0

    def reap(self, child, block=False):
        """Reaps what has exited; returns (status, rusage) of `child` once it has exited, else None."""
        result = None
        while True:
            try:
                pid, status, usage = os.wait4(-1, 0 if block and result is None else os.WNOHANG)
            except ChildProcessError:
                return result
            except InterruptedError:
                continue
            if pid == 0:
                return result
            if pid == child:
                result = (status, usage)
            else:
                self.orphan_cpu_ms += int((usage.ru_utime + usage.ru_stime) * 1000)


REAPER = Reaper()


def kill_leftovers():
    """Kills every process but the runner and reaps them. As PID 1, kill(-1) reaches the whole namespace;
    otherwise children (the subreaper brings orphans back to us) are killed until none is left."""
    me = os.getpid()
    for _ in range(200):
        if AM_INIT:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            except OSError:
                pass
        else:
            for pid in list_pids():
                if pid != me and ppid_of(pid) == me:
                    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                        try:
                            target()
                        except OSError:
                            pass
        REAPER.reap(-2)
        if AM_INIT:
            others = [p for p in list_pids() if p != me]
        else:
            others = [p for p in list_pids() if p != me and ppid_of(p) == me]
        if not others:
            return
        time.sleep(0.005)


def clear_directory(path, keep=None):
    """Empties `path` whatever the student left in it: any depth (no recursion, no long paths: it walks with
    chdir), any permissions (the owner may always chmod), symlinks never followed. Bounded, so it always ends.
    `keep`: the name of one directory directly in `path` left in place (its contents too)."""
    try:
        os.chdir(path)
    except OSError:
        return
    names = []  # the directories we descended into, innermost last
    budget = 5_000_000
    skip = set()  # (depth, name) of directories that would not go away: never descend into them again
    try:
        while budget > 0:
            budget -= 1
            try:
                os.chmod(".", 0o700)
            except OSError:
                pass
            descended = False
            try:
                with os.scandir(".") as entries:
                    for entry in entries:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                if (len(names), entry.name) in skip or (not names and entry.name == keep):
                                    continue
                                try:
                                    os.chmod(entry.name, 0o700)  # a directory without x cannot be entered
                                except OSError:
                                    pass
                                os.chdir(entry.name)
                                names.append(entry.name)
                                descended = True
                                break
                            os.unlink(entry.name)
                        except OSError:
                            if entry.is_dir(follow_symlinks=False) and not descended:
                                skip.add((len(names), entry.name))
            except OSError:
                pass
            if descended:
                continue
            if not names:
                return
            name = names.pop()
            os.chdir("..")
            try:
                os.rmdir(name)
            except OSError:
                skip.add((len(names), name))
    finally:
        os.chdir("/")


def sysv_ipc_ids():
    """(remover name, id) of every System V IPC object in our IPC namespace (/proc/sysvipc shows the caller's)."""
    found = []
    for path, remover in SYSV_IPC:
        try:
            with open(path) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 1 and parts[1].isdigit():
                found.append((remover, int(parts[1])))
    return found


def remove_sysv_ipc():
    """Removes every System V IPC object a test left. The runner shares the test's uid and every object's creator
    is a test process, so IPC_RMID is allowed; ctypes is how the standard library reaches these calls."""
    found = sysv_ipc_ids()
    if not found:
        return True
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
    except Exception:  # noqa: BLE001 - no ctypes: the caller fails closed
        return False
    for remover, ident in found:
        if remover == "semctl":
            libc.semctl(ident, 0, IPC_RMID)
        else:
            getattr(libc, remover)(ident, IPC_RMID, None)
    return not sysv_ipc_ids()


def wipe_writable_places(keep=None):
    """Removes everything in the scratch directory and other writable places, so nothing passes between runs.
    `keep`: a directory directly in the scratch that stays, emptied (a warm worker's working directory).
    A System V IPC object that will not go away ends the runner (the host then sees a sandbox failure) rather
    than let a later test read what an earlier, maybe hidden, one stored there."""
    for base in [SCRATCH] + EXTRA_WIPE:
        if os.path.isdir(base):
            clear_directory(base, keep if base == SCRATCH else None)
    if keep is not None:
        clear_directory(os.path.join(SCRATCH, keep))
    if AM_INIT and not remove_sysv_ipc():
        sys.stderr.write("edgelab runner: cannot remove System V IPC objects left by a test; stopping\n")
        sys.stderr.flush()
        os._exit(70)


def remove_private_scratch():
    """Outside a sandbox of our own, the scratch is a private temporary directory: remove it on exit."""
    if not AM_INIT and len(sys.argv) <= 1:
        clear_directory(SCRATCH)
        try:
            os.rmdir(SCRATCH)
        except OSError:
            pass


def walk_files(top, max_depth=32):
    """(relative path, absolute path) of regular files under `top`, iteratively and at most `max_depth` deep."""
    stack = [("", 0)]
    while stack:
        rel, depth = stack.pop()
        try:
            with os.scandir(os.path.join(top, rel)) as entries:
                for entry in entries:
                    child = os.path.join(rel, entry.name) if rel else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if depth < max_depth:
                            stack.append((child, depth + 1))
                    elif entry.is_file(follow_symlinks=False):
                        yield child, entry.path
        except OSError:
            continue


def safe_relpath(rel):
    norm = os.path.normpath(rel)
    if norm.startswith("/") or norm == ".." or norm.startswith("../") or norm in (".", ""):
        raise ValueError("bad file path %r: must be relative and stay inside the working directory" % rel)
    return norm


def write_files(workdir, files):
    for rel, data in files.items():
        path = os.path.join(workdir, safe_relpath(rel))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def read_tree(workdir, limit=64 * 1024 * 1024):
    """The files a run left in its working directory (for keepOutputs), up to `limit` bytes in total."""
    out = {}
    total = 0
    for rel, path in walk_files(workdir):
        if rel == ".tmp" or rel.startswith(".tmp/"):
            continue
        try:
            with open(path, "rb") as f:
                data = f.read(limit - total + 1)
        except OSError:
            continue
        total += len(data)
        if total > limit:
            raise ValueError("the run left more than %d MB of files to keep" % (limit // (1024 * 1024)))
        out[rel] = data
    return out


def make_read_only(workdir):
    for root, dirs, files in os.walk(workdir, topdown=False):
        for name in files:
            try:
                os.chmod(os.path.join(root, name), 0o444)
            except OSError:
                pass
        for name in dirs:
            if root == workdir and name == ".tmp":
                continue
            try:
                os.chmod(os.path.join(root, name), 0o555)
            except OSError:
                pass
    os.chmod(workdir, 0o555)


def child_exec(req, workdir, fds, env, exec_w, cpu_limit=None):
    """In the forked child: isolate the process group, set limits, wire `fds` (target descriptor -> ours: 0, 1
    and 2 always, more for a worker) and exec. Never returns. A failure before the program starts is written to
    `exec_w` (closed by a successful exec), so the host can tell a broken runtime from a program that exits 127.
    `cpu_limit`: (soft, hard) RLIMIT_CPU in seconds; default a backstop just past the run's CPU limit."""
    try:
        os.setsid()
        # Every source moves above every target first, so wiring one never overwrites another.
        top = max(fds) + 1
        moved = {target: fcntl.fcntl(source, fcntl.F_DUPFD_CLOEXEC, top) for target, source in fds.items()}
        exec_w = fcntl.fcntl(exec_w, fcntl.F_DUPFD_CLOEXEC, top)
        for target, source in moved.items():
            os.dup2(source, target)  # dup2 clears close-on-exec on the target
        os.closerange(top, exec_w)
        os.closerange(exec_w + 1, 65536)
        for sig in (signal.SIGPIPE, signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        try:
            with open("/proc/self/oom_score_adj", "w") as f:
                f.write("1000")
        except OSError:
            pass
        limits = [
            (resource.RLIMIT_CORE, 0),
            (resource.RLIMIT_FSIZE, int(req.get("fileMb", 64)) * 1024 * 1024),
        ]
        if req.get("addressSpaceMb"):
            limits.append((resource.RLIMIT_AS, int(req["addressSpaceMb"]) * 1024 * 1024))
        if req.get("pids"):
            limits.append((resource.RLIMIT_NPROC, int(req["pids"])))
        for which, value in limits:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass
        if cpu_limit is None:
            # Soft limit sends SIGXCPU, hard one SIGKILL: a backstop behind the runner's own CPU polling.
            cpu_s = max(1, (int(req["timeMs"]) + 999) // 1000)
            cpu_limit = (cpu_s + 1, cpu_s + 2)
        try:
            resource.setrlimit(resource.RLIMIT_CPU, cpu_limit)
        except (ValueError, OSError):
            pass
        os.chdir(workdir)
        argv = [str(a) for a in req["argv"]]
        os.execvpe(argv[0], argv, env)
    except BaseException as exc:  # noqa: BLE001 - report why the program could not be started
        message = "cannot run %r: %s" % (req.get("argv"), exc)
        for fd in (exec_w, 2):
            try:
                os.write(fd, (message + "\n").encode())
            except OSError:
                pass
        os._exit(127)
    os._exit(127)


def read_exec_error(exec_r):
    """Blocks until the exec succeeds (the pipe closes on exec) or fails (the child writes why)."""
    exec_error = b""
    while True:
        try:
            piece = os.read(exec_r, 4096)
        except InterruptedError:
            continue
        if not piece:
            break
        exec_error += piece
    os.close(exec_r)
    return exec_error.decode("utf-8", "replace").strip() or None


def run_env(req, home):
    """The minimal environment of a run, plus the request's variables."""
    env = {"PATH": DEFAULT_PATH, "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    for k, v in (req.get("env") or {}).items():
        env[str(k)] = str(v)
    return env


def signal_name(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return "SIG%d" % num


def decode_status(status):
    """(exit code, signal name) of a wait status."""
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status), None
    if os.WIFSIGNALED(status):
        return None, signal_name(os.WTERMSIG(status))
    return None, None


def limit_after_exit(over_time, sig_name, oom_before, killed_by_us):
    """The limit a run that ended without the runner stopping it for one hit, if any: time (past the CPU or wall
    limit, or SIGXCPU), else memory (the cgroup's OOM-kill counter grew, or a SIGKILL nobody in the runner sent:
    the kernel's OOM killer), else None."""
    if over_time or sig_name == "SIGXCPU":
        return "time"
    oom_after = oom_kill_count()
    if oom_before is not None and oom_after is not None and oom_after > oom_before:
        return "memory"
    if sig_name == "SIGKILL" and not killed_by_us:
        return "memory"
    return None


class Output:
    """stdout and stderr of a run, capped together at `cap` bytes."""

    def __init__(self, out_r, err_r, cap):
        self.chunks = {out_r: [], err_r: []}
        self.out_r, self.err_r = out_r, err_r
        self.cap = cap
        self.total = 0
        self.truncated = False

    def add(self, fd, data):
        """Keeps what fits; returns False once the cap is passed."""
        room = self.cap - self.total
        if len(data) > room:
            data = data[: max(room, 0)]
            self.truncated = True
        self.total += len(data)
        if data:
            self.chunks[fd].append(data)
        return not self.truncated

    def fields(self):
        return {
            "stdout": b64e(b"".join(self.chunks[self.out_r])),
            "stderr": b64e(b"".join(self.chunks[self.err_r])),
            "truncated": self.truncated,
        }


class Worker:
    """A warm worker: one long-lived process (the JVM, for Java) that runs one test per request, so tests skip
    the runtime's start-up. Descriptors: 0 a memory file holding the test's stdin, 1/2 pipes read as the test's
    stdout/stderr, 3 requests, 4 replies (see PROTOCOL.md, "Warm workers")."""

    def __init__(self, key, pid, stdin_fd, out_r, err_r, req_w, reply_r):
        self.key = key
        self.pid = pid
        self.stdin_fd = stdin_fd
        self.out_r, self.err_r, self.req_w, self.reply_r = out_r, err_r, req_w, reply_r
        self.reply_buf = b""
        self.confidential = False  # has run a confidential run: never runs another kind again

    def fds(self):
        return (self.stdin_fd, self.out_r, self.err_r, self.req_w, self.reply_r)

    def reply_line(self):
        """Reads what is there of the reply pipe; returns a complete line, b"" at EOF, or None."""
        if b"\n" not in self.reply_buf:
            try:
                data = os.read(self.reply_r, 4096)
            except BlockingIOError:
                return None
            except OSError:
                data = b""
            if not data:
                return b""
            self.reply_buf += data
        if b"\n" not in self.reply_buf:
            if len(self.reply_buf) > 4096:  # no reply is this long: garbage, never buffered without bound
                line, self.reply_buf = self.reply_buf[:4096], b""
                return line
            return None
        line, self.reply_buf = self.reply_buf.split(b"\n", 1)
        return line


def hwm_kb(pid):
    """Peak resident memory (VmHWM) of a live process, in KiB."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def drain(fd, output):
    """Reads what a pipe holds now; False once the output cap is passed."""
    while True:
        try:
            data = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            return True
        if not data:
            return True
        if not output.add(fd, data):
            return False


class Session:
    def __init__(self):
        self.files = {}
        self.kept = {}
        self.counter = 0
        self.worker = None
        self.worker_broken = None  # why warm workers are off for this session, once one failed to start
        self.wakeup_r, self.wakeup_w = os.pipe()
        os.set_blocking(self.wakeup_r, False)
        os.set_blocking(self.wakeup_w, False)
        signal.set_wakeup_fd(self.wakeup_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)

    def init(self, msg):
        self.stop_worker()
        self.files = {k: b64d(v) for k, v in (msg.get("files") or {}).items()}
        for rel in self.files:
            safe_relpath(rel)
        self.kept = {}
        self.worker_broken = None
        self.wipe()
        send({"type": "ready", "version": PROTOCOL_VERSION, "pid": os.getpid(), "init": AM_INIT})

    def clear_wakeup(self, readable):
        """Empties the signal wake-up pipe when select() found it readable (SIGCHLD only wakes the loop)."""
        if self.wakeup_r in readable:
            try:
                os.read(self.wakeup_r, 4096)
            except OSError:
                pass

    def wipe(self):
        wipe_writable_places(keep=WORKER_DIR if self.worker else None)

    def stop(self):
        """Kills everything the session started (the worker too) and wipes the writable places."""
        self.stop_worker()
        kill_leftovers()
        wipe_writable_places()

    def fill(self, workdir, req, keep):
        write_files(workdir, self.files)
        write_files(workdir, self.kept)
        write_files(workdir, {k: b64d(v) for k, v in (req.get("files") or {}).items()})
        before = read_tree(workdir) if keep else None
        tmpdir = os.path.join(workdir, ".tmp")
        os.makedirs(tmpdir)
        if not keep:
            make_read_only(workdir)
        return before, tmpdir

    def run(self, req):
        keep = bool(req.get("keepOutputs"))
        spec = req.get("worker")
        result = None
        note = None
        if spec:
            if self.worker_broken is None:
                try:
                    result, note = self._run_warm(req, spec, keep)
                except (WorkerFailed, OSError, ValueError) as exc:
                    # Whatever the program did to the worker, the run is still owed a result: it runs cold.
                    note = "cold: the warm worker failed (%s)" % exc
            else:
                note = self.worker_broken
        if result is None:
            if spec:
                # After a warm attempt the run starts again from nothing: its processes gone, the scratch wiped
                # (the attempt may have filled it, or made the directory the cold run is about to create).
                self.stop()
            else:
                self.stop_worker()
            result = self._run_cold(req, keep)
        if spec:
            result["worker"] = {"warm": note is None or note.startswith("recycled"), "note": note}
        result["type"] = "result"
        if "id" in req:
            result["id"] = req["id"]
        send(result)
        # Wiped after answering (the host is comparing meanwhile) but before the next message is read: the next
        # run still starts from an empty scratch.
        self.wipe()

    def _run_cold(self, req, keep):
        self.counter += 1
        workdir = os.path.join(SCRATCH, "run-%d" % self.counter)
        os.makedirs(workdir)
        before, tmpdir = self.fill(workdir, req, keep)
        try:
            result = self._execute(req, workdir, run_env(req, tmpdir))
        finally:
            kill_leftovers()
        if keep:
            self.keep_outputs(result, workdir, before)
        return result

    def keep_outputs(self, result, workdir, before):
        """After a successful keepOutputs run: what it added or changed is copied into every later run."""
        if result["exitCode"] == 0:
            try:
                after = read_tree(workdir)
            except ValueError as exc:  # a run that leaves too much behind is stopped like an output flood
                after = {}
                result["limitHit"] = result["limitHit"] or "output"
                result["stderr"] = b64e(b64d(result["stderr"]) + ("\nedgelab: %s\n" % exc).encode())
            for rel, data in after.items():
                if before is None or before.get(rel) != data:
                    self.kept[rel] = data

    # ---- warm workers --------------------------------------------------------------------------------------

    def stop_worker(self):
        """Kills the warm worker, if any; returns its wait status (None if it was reaped already)."""
        worker = self.worker
        if worker is None:
            return None
        for target in (lambda: os.killpg(worker.pid, signal.SIGKILL), lambda: os.kill(worker.pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass
        status = None
        while True:
            try:
                status = os.waitpid(worker.pid, 0)[1]
            except InterruptedError:
                continue
            except ChildProcessError:
                pass  # already reaped
            break
        self.forget_worker()
        return status

    def forget_worker(self):
        """Drops the worker (already dead and reaped) and closes our ends of its descriptors."""
        worker, self.worker = self.worker, None
        for fd in worker.fds() if worker else ():
            try:
                os.close(fd)
            except OSError:
                pass

    def _start_worker(self, req, spec, key, workdir, env):
        """Starts a worker and waits for its `ready`; returns it, or None with self.worker_broken set."""
        stdin_fd = os.memfd_create("edgelab-stdin", os.MFD_CLOEXEC)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        req_r, req_w = os.pipe()
        reply_r, reply_w = os.pipe()
        exec_r, exec_w = os.pipe()
        launch = dict(req, argv=spec["argv"])
        pid = os.fork()
        if pid == 0:
            os.close(exec_r)
            # No CPU backstop of its own: the worker lives across tests; each test's CPU is polled (and a
            # per-test RLIMIT_CPU is set with prlimit before it starts).
            child_exec(launch, workdir, {0: stdin_fd, 1: out_w, 2: err_w, 3: req_r, 4: reply_w}, env, exec_w,
                       cpu_limit=(resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        for fd in (out_w, err_w, req_r, reply_w, exec_w):
            os.close(fd)
        worker = Worker(key, pid, stdin_fd, out_r, err_r, req_w, reply_r)
        for fd in (out_r, err_r, reply_r, req_w):
            os.set_blocking(fd, False)
        exec_error = read_exec_error(exec_r)
        boot = Output(out_r, err_r, 64 * 1024)
        deadline = time.monotonic() + WORKER_BOOT_S
        line = None
        while exec_error is None and time.monotonic() < deadline:
            if REAPER.reap(pid) is not None:
                line = b""
                break
            try:
                readable, _, _ = select.select([out_r, err_r, reply_r, self.wakeup_r], [], [], TICK_S)
            except InterruptedError:
                readable = []
            for fd in (out_r, err_r):
                if fd in readable:
                    drain(fd, boot)
            self.clear_wakeup(readable)
            if reply_r in readable:
                line = worker.reply_line()
                if line is not None:
                    break
        REAPER.orphan_cpu_ms = 0
        self.worker = worker
        if line == b"ready":
            return worker
        self.stop_worker()
        detail = exec_error or b64d(boot.fields()["stderr"]).decode("utf-8", "replace").strip()[-300:]
        why = "did not start" if line is None else "ended before it was ready"
        self.worker_broken = "cold: the warm worker %s (%s)" % (why, detail or "no output")
        return None

    def _run_warm(self, req, spec, keep):
        """Runs one test (or, with `keep`, a compile) in the session's warm worker, starting one when needed.
        Returns (result, note), or (None, why) when it must run cold instead (no worker, or the worker asked)."""
        key = json.dumps([spec["argv"], req.get("env"), req.get("pids"), req.get("fileMb"), req.get("addressSpaceMb")])
        confidential = spec.get("confidential") is True
        if self.worker is not None and (self.worker.key != key or (self.worker.confidential and not confidential)):
            # A worker that has held a confidential input never runs a run that is not: what the program kept
            # (memory, state) could reach an output that is shown.
            self.stop_worker()
        workdir = os.path.join(SCRATCH, WORKER_DIR)
        if self.worker is None:
            kill_leftovers()
            wipe_writable_places()
            os.makedirs(workdir)
            before, _ = self.fill(workdir, req, keep)
            if self._start_worker(req, spec, key, workdir, run_env(req, os.path.join(workdir, ".tmp"))) is None:
                return None, self.worker_broken
        else:
            clear_directory(workdir)
            before, _ = self.fill(workdir, req, keep)
        worker = self.worker
        worker.confidential = worker.confidential or confidential  # from now on: its input goes in below
        result, flags = self._execute_warm(req, spec, worker)
        if keep and "cold" not in flags:
            self.keep_outputs(result, workdir, before)
        note = None if self.worker is worker else "recycled: the worker ended with the test"
        others = [p for p in list_pids() if p not in (os.getpid(), worker.pid) and (AM_INIT or ppid_of(p) == os.getpid())]
        if self.worker is worker and (others or flags):
            # Any flag means the worker could not put everything back (see JavaWorker.java): a fresh one follows.
            note = "recycled: " + ("processes left running" if others else ",".join(sorted(flags)))
            self.stop_worker()
        if others:
            kill_leftovers()
        REAPER.orphan_cpu_ms = 0
        if "cold" in flags:
            return None, "cold: the worker asked for a process of its own (%s)" % ",".join(sorted(flags - {"cold"}))
        return result, note

    def _execute_warm(self, req, spec, worker):
        time_ms = int(req["timeMs"])
        wall_ms = int(req.get("wallMs") or (2 * time_ms + 1000))
        output = Output(worker.out_r, worker.err_r, int(req["outputKb"]) * 1024)
        stdin_data = b64d(req.get("stdin"))
        line = ("\t".join(["run"] + [str(a) for a in spec["args"]]) + "\n").encode()
        if len(line) > 4096:
            raise WorkerFailed("a request longer than a pipe writes at once")
        os.ftruncate(worker.stdin_fd, 0)
        offset = 0
        while offset < len(stdin_data):
            offset += os.pwrite(worker.stdin_fd, stdin_data[offset : offset + (1 << 20)], offset)
        oom_before = oom_kill_count()
        REAPER.orphan_cpu_ms = 0
        cpu_before = warm_cpu_ms(worker.pid)
        try:
            with open("/proc/%d/clear_refs" % worker.pid, "w") as f:
                f.write("5")  # resets VmHWM: the peak below is this test's
        except OSError:
            pass
        try:
            used_s = proc_cpu_ticks(worker.pid, False) // CLK_TCK
            cpu_s = max(1, (time_ms + 999) // 1000)
            resource.prlimit(worker.pid, resource.RLIMIT_CPU, (used_s + cpu_s + 1, resource.RLIM_INFINITY))
        except (OSError, ValueError):
            pass
        start = time.monotonic()
        try:
            # Non-blocking: a program that filled the request pipe (it can reach it) must not hang the runner.
            written = os.write(worker.req_w, line)
        except OSError as exc:
            raise WorkerFailed("the worker did not take the request (%s)" % exc.__class__.__name__) from exc
        if written != len(line):
            raise WorkerFailed("the worker took part of the request")
        limit_hit = None
        killed_by_us = False
        reply = None
        status = None
        cpu_ms = 0
        last_cpu_check = 0.0
        while reply is None and status is None:
            try:
                readable, _, _ = select.select([worker.out_r, worker.err_r, worker.reply_r, self.wakeup_r], [], [], TICK_S)
            except InterruptedError:
                readable = []
            self.clear_wakeup(readable)
            for fd in (worker.out_r, worker.err_r):
                if fd in readable and not drain(fd, output) and limit_hit is None:
                    limit_hit = "output"
            if worker.reply_r in readable:
                line = worker.reply_line()
                if line is not None:
                    reply = line
            exited = REAPER.reap(worker.pid)
            if exited is not None:
                status = exited[0]
            if limit_hit is None and reply is None and status is None:
                now = time.monotonic()
                if (now - start) * 1000 > wall_ms:
                    limit_hit = "time"
                elif now - last_cpu_check >= TICK_S:
                    last_cpu_check = now
                    cpu_ms = warm_cpu_ms(worker.pid) - cpu_before + REAPER.orphan_cpu_ms
                    if cpu_ms > time_ms:
                        limit_hit = "time"
            if limit_hit is not None:
                killed_by_us = True
                break
        wall = (time.monotonic() - start) * 1000
        cpu_ms = max(cpu_ms, warm_cpu_ms(worker.pid) - cpu_before + REAPER.orphan_cpu_ms)
        memory_kb = hwm_kb(worker.pid)
        for fd in (worker.out_r, worker.err_r):
            if not drain(fd, output) and limit_hit is None:
                limit_hit = "output"
        flags = set()
        done = REPLY_DONE.match(reply) if reply else None
        if limit_hit is None and done:
            exit_code, sig_name = int(done.group(1)) & 0xFF, None
            flags = set(f for f in done.group(2).decode().split(",") if f)
        else:
            # Stopped for a limit, died, or answered garbage: this worker is done either way.
            if status is None:
                killed_by_us = True
                status = self.stop_worker()
            else:
                self.forget_worker()
            exit_code, sig_name = decode_status(status) if status is not None else (None, "SIGKILL")
        try:
            os.ftruncate(worker.stdin_fd, 0)  # the test's input does not outlive the test
        except OSError:
            pass
        limit_hit = limit_hit or limit_after_exit(cpu_ms > time_ms or wall > wall_ms, sig_name, oom_before, killed_by_us)
        result = {
            "exitCode": exit_code,
            "signal": sig_name,
            "wallMs": int(wall),
            "cpuMs": int(max(cpu_ms, 0)),
            "memoryKb": int(memory_kb),
            "limitHit": limit_hit,
            "execError": None,
        }
        result.update(output.fields())
        return result, flags

    # ---- one process per run ------------------------------------------------------------------------------

    def _execute(self, req, workdir, env):
        time_ms = int(req["timeMs"])
        wall_ms = int(req.get("wallMs") or (2 * time_ms + 1000))
        stdin_data = b64d(req.get("stdin"))
        stdin_r, stdin_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        exec_r, exec_w = os.pipe()
        oom_before = oom_kill_count()
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.close(exec_r)
            child_exec(req, workdir, {0: stdin_r, 1: out_w, 2: err_w}, env, exec_w)
        for fd in (stdin_r, out_w, err_w, exec_w):
            os.close(fd)
        exec_error = read_exec_error(exec_r)
        for fd in (stdin_w, out_r, err_r):
            os.set_blocking(fd, False)

        output = Output(out_r, err_r, int(req["outputKb"]) * 1024)
        limit_hit = None
        killed_by_us = False
        stdin_off = 0
        open_reads = {out_r, err_r}
        if not stdin_data:
            os.close(stdin_w)
            stdin_w = -1
        exited = None
        last_cpu_check = 0.0
        cpu_ms = 0

        def kill_all():
            nonlocal killed_by_us
            killed_by_us = True
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

        while True:
            if exited is None:
                exited = REAPER.reap(pid)
                if exited is not None:
                    # The test is over: whatever it left running dies now, so the pipes reach EOF.
                    kill_leftovers()
            if exited is not None and not open_reads:
                break
            rlist = list(open_reads) + [self.wakeup_r]
            wlist = [stdin_w] if stdin_w >= 0 and exited is None else []
            try:
                readable, writable, _ = select.select(rlist, wlist, [], TICK_S)
            except InterruptedError:
                readable, writable = [], []
            self.clear_wakeup(readable)
            for fd in readable:
                if fd == self.wakeup_r:
                    continue
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    open_reads.discard(fd)
                    os.close(fd)
                    continue
                if not output.add(fd, data) and limit_hit is None:
                    limit_hit = "output"
                    kill_all()
            if writable:
                try:
                    n = os.write(stdin_w, stdin_data[stdin_off : stdin_off + 65536])
                    stdin_off += n
                except BlockingIOError:
                    pass
                except OSError:
                    stdin_off = len(stdin_data)  # the program closed stdin (EPIPE): it does not want the rest
                if stdin_off >= len(stdin_data):
                    os.close(stdin_w)
                    stdin_w = -1
            now = time.monotonic()
            elapsed_ms = (now - start) * 1000
            if exited is None and limit_hit is None:
                if elapsed_ms > wall_ms:
                    limit_hit = "time"
                    kill_all()
                elif now - last_cpu_check >= TICK_S:
                    last_cpu_check = now
                    cpu_ms = sandbox_cpu_ms(pid)
                    if cpu_ms > time_ms:
                        limit_hit = "time"
                        kill_all()
            if exited is not None and open_reads and elapsed_ms > wall_ms + 2000:
                for fd in list(open_reads):  # a process we cannot see keeps the pipe open: give up on it
                    open_reads.discard(fd)
                    os.close(fd)
        if stdin_w >= 0:
            os.close(stdin_w)
        wall = (time.monotonic() - start) * 1000
        status, usage = exited
        cpu_ms = max(cpu_ms, int((usage.ru_utime + usage.ru_stime) * 1000) + REAPER.orphan_cpu_ms)
        REAPER.orphan_cpu_ms = 0
        exit_code, sig_name = decode_status(status)
        limit_hit = limit_hit or limit_after_exit(cpu_ms > time_ms or wall > wall_ms, sig_name, oom_before, killed_by_us)
        result = {
            "exitCode": exit_code,
            "signal": sig_name,
            "wallMs": int(wall),
            "cpuMs": int(cpu_ms),
            "memoryKb": int(usage.ru_maxrss),
            "limitHit": limit_hit,
            "execError": exec_error,
        }
        result.update(output.fields())
        return result


def main():
    global _proto_out
    # Keep the protocol on private descriptors; fds 0/1 point at /dev/null so nothing stray corrupts the stream.
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    _proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.set_inheritable(proto_in.fileno(), False)
    os.set_inheritable(_proto_out.fileno(), False)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    harden_self()
    os.umask(0o022)
    session = Session()
    send({"type": "hello", "version": PROTOCOL_VERSION, "pid": os.getpid(), "init": AM_INIT})
    buf = b""
    while True:
        try:
            data = proto_in.read(1 << 20)
        except InterruptedError:
            continue
        if not data:
            break
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not line.strip():
                continue
            msg = None
            try:
                msg = json.loads(line)
                kind = msg.get("type")
                if kind == "init":
                    session.init(msg)
                elif kind == "run":
                    session.run(msg)
                elif kind == "exit":
                    session.stop()
                    remove_private_scratch()
                    send({"type": "bye"})
                    return
                else:
                    raise ValueError("unknown message type %r" % kind)
            except Exception as exc:  # noqa: BLE001 - a protocol or runner fault is reported, never fatal
                reply = {"type": "error", "message": "%s: %s" % (type(exc).__name__, exc)}
                if isinstance(msg, dict) and "id" in msg:
                    reply["id"] = msg["id"]
                try:
                    session.stop()
                except Exception:  # noqa: BLE001
                    pass
                send(reply)
    session.stop()
    remove_private_scratch()


if __name__ == "__main__":
    main()
