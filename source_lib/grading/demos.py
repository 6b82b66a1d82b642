"""Fresh figures in graded notebooks, for instructors who want them (off by default).

Grading runs no notebook kernel: the graded notebook keeps the outputs the submission
came with (sanitised). With ``c.TrustedGrading.rerun_demos = True`` in
``nbgrader_config.py``, the submission's code cells (all but the test cells, whose hidden
lines never reach a kernel) run again from top to bottom in a kernel, and their fresh
outputs replace the submitted ones. Those outputs decide nothing.

Everything of that run happens inside one sandbox (:mod:`source_lib.grading.sandbox`,
with the course library visible, since the demos import it): this module, run there as a
program, executes the cells with nbclient and a kernel that are both inside; the kernel's
runtime files live in the sandbox's private ``/tmp``, which disappears with it, however
deep a student nests directories there. The trusted side reads what comes out with a
deadline and a cap in bytes as it arrives, then sanitises it like any submitted output
(:func:`source_lib.grading.submission.sanitize_notebook`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

__all__ = ["rerun", "DEADLINE", "MAX_BYTES"]

DEADLINE = 300.0        # seconds for the whole run
CELL_TIMEOUT = 60       # seconds per cell
MAX_BYTES = 32 << 20    # what the run may send back, all outputs together


def rerun(nb, sub):
    """Run the code cells of ``nb`` (not its test cells) again in a sandboxed kernel and put
    their sanitised outputs in place; a line for the review saying how it went."""
    from source_lib.grading import sandbox, submission

    indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               and not c.metadata.get("nbgrader", {}).get("grade")]
    sources = [nb.cells[i].source for i in indices]
    sandboxed = sandbox.available()
    cgroup = sandbox.Cgroup.create() if sandboxed else None
    argv = [os.path.abspath(sys.executable), "-m", "source_lib.grading.demos"]
    if sandboxed:
        argv = sandbox.command(argv, course_root=sub.course_root, library=True, cgroup=cgroup,
                               env=sandbox.sandbox_env(), cwd="/tmp/notebook")
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True,
                            preexec_fn=sandbox.die_with_parent)
    try:
        data, why = _exchange(proc, json.dumps({"cells": sources}).encode())
    finally:
        try:
            os.killpg(proc.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
        if cgroup is not None:
            cgroup.destroy()
    if data is None:
        return f"the demos were not run again: {why}"
    try:
        outputs = json.loads(data)["outputs"]
    except (ValueError, KeyError, TypeError):
        return "the demos were not run again: their run sent back something unreadable"
    if not isinstance(outputs, list) or len(outputs) != len(indices):
        return "the demos were not run again: their run sent back something unreadable"
    import nbformat

    for index, cell_outputs in zip(indices, outputs):
        try:
            nb.cells[index].outputs = [nbformat.from_dict(o) for o in cell_outputs][:100]
        except (TypeError, ValueError, AttributeError):
            nb.cells[index].outputs = []
    submission.sanitize_outputs(nb)   # the rest of the notebook was made safe before
    return "the demos were run again in a sandboxed kernel"


def _exchange(proc, request):
    """Send ``request`` and read the answer, both with the deadline; at most MAX_BYTES."""
    import select

    deadline = time.monotonic() + DEADLINE
    os.set_blocking(proc.stdin.fileno(), False)
    view, out = memoryview(request), bytearray()
    reading, writing = [proc.stdout.fileno()], [proc.stdin.fileno()]
    while time.monotonic() < deadline:
        ready_r, ready_w, _ = select.select(reading, writing if view else [], [],
                                            max(0.0, deadline - time.monotonic()))
        if ready_w:
            try:
                view = view[os.write(proc.stdin.fileno(), view[:1 << 16]):]
            except BlockingIOError:
                continue
            except BrokenPipeError:
                view = view[:0]
            if not view:
                proc.stdin.close()
                writing = []
        if ready_r:
            chunk = os.read(proc.stdout.fileno(), 1 << 20)
            if not chunk:
                return bytes(out), None
            out += chunk
            if len(out) > MAX_BYTES:
                return None, f"their outputs exceeded {MAX_BYTES >> 20} MiB"
    return None, f"they did not finish within {DEADLINE:g} s"


def _run_inside():
    """Inside the sandbox: run the cells from stdin in a kernel, print their outputs."""
    import nbformat
    from nbclient import NotebookClient

    cells = json.loads(sys.stdin.buffer.read())["cells"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    os.makedirs("/tmp/notebook", exist_ok=True)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": "/tmp/notebook"}})
    try:
        client.execute()
    except Exception:  # noqa: BLE001 - a dead kernel: the outputs so far
        pass
    sys.stdout.write(json.dumps({"outputs": [c.get("outputs", []) for c in nb.cells]}))
    sys.stdout.flush()


if __name__ == "__main__":
    _run_inside()
