"""Benchmarks of the course (``make bench``).

For every solution notebook: the time to run it top to bottom and the kernel's peak
memory, the time its test cells take together (in a fresh kernel where only the set-up
and solution cells ran, so imports inside hidden blocks count), and the time nbgrader
takes to autograde one full submission. Exits 1 if a target is missed.
"""

import sys
import tempfile
import threading
import time

import psutil
from harness import SOLUTIONS, Course, Kernel, Lesson, lessons, notebook_path, read

TARGETS = {"run_s": 30.0, "peak_mb": 1536.0, "tests_s": 5.0}


def peak_memory_while(kernel, work):
    """Run ``work()``; return its seconds and the kernel's peak resident memory (MB)."""
    process = psutil.Process(kernel.km.provisioner.process.pid)
    peak, done = [0], threading.Event()

    def sample():
        while not done.is_set():
            try:
                rss = sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
            except psutil.Error:
                rss = 0
            peak[0] = max(peak[0], rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        work()
    finally:
        done.set()
        sampler.join()
    return time.perf_counter() - start, peak[0] / 2**20


def bench(lesson):
    nb = read(notebook_path(lesson))
    kernel = Kernel(SOLUTIONS / lesson, timeout=300)
    try:
        def run_all():
            for cell in nb.cells:
                if cell.cell_type == "code":
                    outcome = kernel.run(cell.source)
                    if outcome.error:
                        raise RuntimeError(f"{lesson}: a cell failed: {outcome}")

        run_s, peak_mb = peak_memory_while(kernel, run_all)
    finally:
        kernel.shutdown()
    # The test cells in a fresh kernel where only the set-up and solution cells ran, so
    # that the imports inside hidden blocks count.
    spec = Lesson.load(lesson)
    kernel = Kernel(SOLUTIONS / lesson, timeout=300)
    try:
        kernel.run_cells(lesson, [("set-up cell", spec.setup), *spec.solutions.items()])
        tests_s = sum(kernel.run(source).seconds
                      for cells in spec.tests.values() for _, source in cells)
    finally:
        kernel.shutdown()
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(tmp)
        course.release(lesson)
        course.submit(lesson, "solution", notebook_path(lesson))
        start = time.perf_counter()
        course.autograde(lesson)
        grade_s = time.perf_counter() - start
    return {"run_s": run_s, "peak_mb": peak_mb, "tests_s": tests_s, "grade_s": grade_s}


def main():
    names = sys.argv[1:] or lessons()
    print(f"{'lesson':<26}{'run (s)':>9}{'peak (MB)':>11}{'hidden tests (s)':>18}{'autograde (s)':>15}")
    missed = []
    for lesson in names:
        r = bench(lesson)
        print(f"{lesson:<26}{r['run_s']:>9.1f}{r['peak_mb']:>11.0f}{r['tests_s']:>18.2f}"
              f"{r['grade_s']:>15.1f}", flush=True)
        missed += [f"{lesson}: {k} = {r[k]:.2f} > {v}" for k, v in TARGETS.items() if r[k] > v]
    print(f"\ntargets: notebook run <= {TARGETS['run_s']:.0f} s, peak <= {TARGETS['peak_mb']:.0f} MB, "
          f"hidden tests <= {TARGETS['tests_s']:.0f} s")
    if missed:
        print("MISSED:\n  " + "\n  ".join(missed))
        sys.exit(1)
    print("all targets met")


if __name__ == "__main__":
    main()
