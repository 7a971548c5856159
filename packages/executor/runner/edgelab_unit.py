"""EdgeLab unit-test harness: runs instructor test code against the student's module (solution.py).

stdin: first line a per-run random nonce, then JSON {"code": <test code>, "entryPoint": <name or null>}. Both are
read before any student code is imported, and stdin is then closed: the test code never exists as a file.
stdout: whatever the student prints, then one final line `EDGELAB-UNIT <nonce> <json>` with
{"status": "pass" | "fail" | "error", "message": ...}. The host trusts only the line carrying its nonce.

Residual risk (documented for operators): the student's code runs in this same process, so a determined student
can find the nonce in memory (frames, gc) or monkey-patch the test's helpers and forge a pass. The sandbox still
contains everything; what is at stake is only the grade of a unit-tested assignment. Use `io` tests when that
matters.
"""

import importlib.util
import json
import os
import sys
import traceback


def main():
    nonce = sys.stdin.readline().strip()
    spec = json.loads(sys.stdin.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    out = os.dup(1)  # our own copy of stdout, so closing sys.stdout does not silence the verdict
    code = spec["code"]
    entry = spec.get("entryPoint")

    def report(status, message=None):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001
            pass
        line = "\nEDGELAB-UNIT %s %s\n" % (nonce, json.dumps({"status": status, "message": message}))
        os.write(out, line.encode())
        os._exit(0)

    def describe_failure(exc, tb_source):
        frames = traceback.extract_tb(exc.__traceback__)
        where = None
        for fr in frames:
            if fr.filename == tb_source:
                where = fr
        detail = str(exc)
        if isinstance(exc, AssertionError):
            if detail:
                return "assertion failed: %s" % detail
            if where is not None:
                lines = code.splitlines()
                text = lines[where.lineno - 1].strip() if 0 < where.lineno <= len(lines) else ""
                return "assertion failed at line %d of the test: %s" % (where.lineno, text)
            return "assertion failed"
        last = frames[-1] if frames else None
        loc = " (%s, line %d)" % (os.path.basename(last.filename), last.lineno) if last is not None else ""
        return "%s: %s%s" % (type(exc).__name__, detail, loc)

    # Started with -I, so the working directory (the student's files) joins sys.path only now: a submitted module
    # named like one imported above (json.py, ...) can no longer run before the nonce and the test are read.
    sys.path.insert(0, os.getcwd())
    try:
        module_spec = importlib.util.spec_from_file_location("solution", os.path.join(os.getcwd(), "solution.py"))
        module = importlib.util.module_from_spec(module_spec)
        sys.modules["solution"] = module
        module_spec.loader.exec_module(module)
    except MemoryError:
        raise
    except SystemExit as exc:
        report("error", "the solution called exit(%s) while being imported" % (exc.code,))
    except BaseException as exc:  # noqa: BLE001 - any failure to import is the student's error
        traceback.print_exc()
        report("error", "importing solution.py failed: " + describe_failure(exc, "solution.py"))

    scope = dict(vars(module))
    scope["__name__"] = "edgelab_test"
    source = "<test>"
    try:
        exec(compile(code, source, "exec"), scope)
        if entry:
            if entry not in scope or not callable(scope[entry]):
                report("fail", "the solution does not define a function named %s" % entry)
            if callable(scope.get("check")):
                scope["check"](scope[entry])
    except MemoryError:
        raise
    except AssertionError as exc:
        report("fail", describe_failure(exc, source))
    except SystemExit as exc:
        report("error", "the solution called exit(%s) during the test" % (exc.code,))
    except RecursionError as exc:
        report("error", describe_failure(exc, source))
    except BaseException as exc:  # noqa: BLE001
        traceback.print_exc()
        report("error", describe_failure(exc, source))
    report("pass")


if __name__ == "__main__":
    main()
