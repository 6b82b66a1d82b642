"""A demo class: the instructor's whole cycle on synthetic students of lesson 03.

``python -m source_lib.grading.classroom demo [DIRECTORY]`` (``make demo-class``) builds a
scratch course with the students of :data:`STUDENTS` and runs release -> class grading ->
feedback -> export, printing the gradebook, what needs a look and where each file is.
The students are written independently of one another, as a class's are, but for the two
who copy: ``gus`` (from the course's reference library) and ``ivy`` (from ``ada``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from source_lib.grading.classroom import COURSE_ROOT, grade_class, report, run_nbgrader

__all__ = ["LESSON", "STUDENTS", "build_demo", "demo"]

LESSON = "03_probability"

STUDENTS = {
    "ada": "her own correct code: full marks",
    "ben": "the untouched release: no points",
    "cy": "his own code with two typical mistakes (a lost 1/2, the unbiased variance)",
    "dee": "an infinite loop in bernoulli_nll (the rest not done)",
    "eve": "a crash (a segmentation fault) in sample_categorical (the rest not done)",
    "fay": "a malformed notebook (not JSON)",
    "gus": "bernoulli_nll copied from the course's reference library, renamed and reordered",
    "hal": "the release with a test cell pasted twice (as Jupyter's copy and paste does)",
    "ivy": "ada's bernoulli_nll with its variables renamed",
}

# ada's code, each a whole solution cell (by grade id)
ADA = {
    "gaussian_log_pdf": '''def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(a, dtype=float) for a in (x, mu, sigma))
    if sigma.size and sigma.min() <= 0:
        raise ValueError("sigma: every standard deviation must be > 0")
    return -(x * x - 2 * x * mu + mu * mu) / (2 * sigma * sigma) - np.log(np.sqrt(2 * np.pi) * sigma)
''',
    "sample_categorical": '''def sample_categorical(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \\
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("probs must be a probability vector")
    shape = (size,) if isinstance(size, int) else tuple(size)
    with np.errstate(divide="ignore"):
        log_p = np.log(probs)
    return np.argmax(log_p + rng.gumbel(size=shape + (len(probs),)), axis=-1)   # Gumbel-max
''',
    "gaussian_mle": '''def gaussian_mle(x):
    mean, m2 = 0.0, 0.0
    for n, value in enumerate(np.asarray(x, dtype=float), start=1):   # Welford
        delta = value - mean
        mean += delta / n
        m2 += delta * (value - mean)
    return mean, (m2 / n) ** 0.5
''',
    "gaussian_nll_grad": '''def gaussian_nll_grad(x, mu, sigma):
    d = np.asarray(x, dtype=float) - mu
    n = d.size
    var = sigma * sigma
    d_var = 0.5 / var - (d @ d) / (2 * n * var * var)
    return float(-d.sum() / (n * var)), float(2 * sigma * d_var)
''',
    "bernoulli_nll": '''def bernoulli_nll(y, p, eps=1e-12):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError("y and p must have the same shape")
    positive, negative = y == 1, y == 0
    if not np.all(positive | negative):
        raise ValueError("y must be 0 or 1")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("p must lie in [0, 1]")
    if not 0 < eps < 0.5:
        raise ValueError("eps must be in (0, 0.5)")
    clipped = np.minimum(np.maximum(p, eps), 1 - eps)
    return float((-np.log(clipped[positive]).sum() - np.log1p(-clipped[negative]).sum()) / y.size)
''',
}

# cy's code: another student's, with two typical mistakes
CY = {
    "gaussian_log_pdf": '''def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, mu, sigma)))
    if (sigma <= 0).any():
        raise ValueError("sigma must be > 0")
    z = (x - mu) / sigma
    return -z**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)     # the 1/2 is missing
''',
    "sample_categorical": '''def sample_categorical(probs, size, rng):
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1 or probs.size == 0 or np.any(probs < 0) or not np.isfinite(probs).all() \\
            or abs(probs.sum() - 1) > 1e-8:
        raise ValueError("probs must be a probability vector")
    cdf = np.cumsum(probs)
    cdf /= cdf[-1]
    u = rng.random(size)
    lo = np.zeros(u.shape, dtype=np.int64)          # answer in [lo, hi]: count of edges <= u
    hi = np.full(u.shape, len(cdf) - 1, dtype=np.int64)
    while np.any(lo < hi):
        mid = (lo + hi) // 2
        go_right = cdf[mid] <= u
        lo = np.where(go_right, mid + 1, lo)
        hi = np.where(go_right, hi, mid)
    return lo
''',
    "gaussian_mle": '''def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), x.std(ddof=1)                  # N - 1: the unbiased estimate, not the MLE
''',
    "gaussian_nll_grad": '''def gaussian_nll_grad(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    per_sample = np.stack([(mu - x) / sigma**2, 1 / sigma - (x - mu) ** 2 / sigma**3])
    g = per_sample.mean(axis=1)
    return g[0], g[1]
''',
    "bernoulli_nll": '''def bernoulli_nll(y, p, eps=1e-12):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError(f"y and p: shapes {y.shape} and {p.shape} differ")
    if np.logical_or(y < 0, y > 1).any() or np.any(y != np.round(y)):
        raise ValueError("y: labels must be 0 or 1")
    if np.logical_or(p < 0, p > 1).any():
        raise ValueError("p: probabilities must be in [0, 1]")
    if not (0 < eps < 0.5):
        raise ValueError("eps must be in (0, 0.5)")
    q = np.clip(p, eps, 1 - eps)
    return float(np.mean(np.where(y == 1, -np.log(q), -np.log1p(-q))))
''',
}

INFINITE_LOOP = {
    "bernoulli_nll": '''def bernoulli_nll(y, p, eps=1e-12):
    total, i = 0.0, 0
    while i < len(y):                                            # i never moves on
        total += y[i] * np.log(p[i])
    return -total / len(y)
''',
}

CRASH = {
    "sample_categorical": '''def sample_categorical(probs, size, rng):
    from numpy.lib.stride_tricks import as_strided
    cdf = np.cumsum(probs)
    # a view over memory that is not there: reading it crashes the process
    steps = as_strided(cdf, shape=(10**7,), strides=(10**6,))
    return np.searchsorted(steps, rng.random(size))
''',
}

# the course's reference (source_lib/probability.py and the helpers it uses from
# source_lib/validation.py), pasted, renamed and reordered
GUS = {
    "bernoulli_nll": '''def same_shape(first, second, first_name, second_name):
    if np.shape(first) != np.shape(second):
        raise ValueError(f"{first_name} and {second_name} must have the same shape")


def floats(value, label, ndim=None, min_size=1):
    try:
        out = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{label} must be an array of numbers") from err
    if ndim is not None:
        allowed = (ndim,) if np.isscalar(ndim) else tuple(ndim)
        if out.ndim not in allowed:
            raise ValueError(f"{label} has the wrong number of dimensions")
    if out.size < min_size:
        raise ValueError(f"{label} is too small")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{label} must be finite")
    return out


def bernoulli_nll(y, p, eps=1e-12):
    probs = floats(p, "p")
    labels = floats(y, "y")
    same_shape(labels, probs, "y", "p")
    if np.any(probs < 0) or np.any(probs > 1):
        raise ValueError("p must contain probabilities in [0, 1]")
    if not np.all((labels == 0) | (labels == 1)):
        raise ValueError("y must contain only the labels 0 and 1")
    if not np.ndim(eps) == 0 or not 0 < float(eps) < 0.5:
        raise ValueError(f"eps must be strictly between 0 and 0.5; got {eps!r}")
    probs = np.clip(probs, eps, 1.0 - eps)
    return float(-np.mean(labels * np.log(probs) + (1.0 - labels) * np.log1p(-probs)))
''',
}

# ada's bernoulli_nll, its names changed
IVY = {
    "bernoulli_nll": '''def bernoulli_nll(y, p, eps=1e-12):
    labels, probs = np.asarray(y), np.asarray(p, dtype=float)
    if labels.shape != probs.shape:
        raise ValueError("y and p must have the same shape")
    ones, zeros = labels == 1, labels == 0
    if not np.all(ones | zeros):
        raise ValueError("y must be 0 or 1")
    if np.any(probs < 0) or np.any(probs > 1):
        raise ValueError("p must lie in [0, 1]")
    if not 0 < eps < 0.5:
        raise ValueError("eps must be in (0, 0.5)")
    q = np.minimum(np.maximum(probs, eps), 1 - eps)
    return float((-np.log(q[ones]).sum() - np.log1p(-q[zeros]).sum()) / labels.size)
''',
}


def _notebook(release, answers=None, quiz=None):
    """The release with some solution cells answered (by grade id)."""
    import nbformat

    nb = nbformat.read(str(release), as_version=4)
    for cell in nb.cells:
        source = (answers or {}).get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if source is not None:
            cell.source = source
        if quiz is not None and cell.metadata.get("nbgrader", {}).get("grade_id") == "quiz_answers":
            cell.source = quiz
    return nb


def _pasted_twice(nb):
    """The notebook with its first test cell pasted again right below it, metadata and all."""
    import copy
    import uuid

    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution"))
    pasted = copy.deepcopy(nb.cells[index])
    pasted.id = uuid.uuid4().hex[:8]     # Jupyter gives a pasted cell an id of its own
    nb.cells.insert(index + 1, pasted)
    return nb


def _quiz(solution):
    """The quiz answers of the solution notebook (every demo student who answers, answers right)."""
    import nbformat

    for cell in nbformat.read(str(solution), as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "quiz_answers":
            return cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip()
    return None


def build_demo(directory, lesson=LESSON):
    """Create the demo course in ``directory`` (emptied first) with its submissions."""
    import nbformat

    directory = Path(directory).resolve()
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copy(COURSE_ROOT / "nbgrader_config.py", directory / "nbgrader_config.py")
    shutil.copytree(COURSE_ROOT / "solutions" / lesson, directory / "solutions" / lesson,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    run_nbgrader(directory, "generate_assignment", lesson, "--force")
    release = directory / "course" / lesson / f"{lesson}.ipynb"
    quiz = _quiz(directory / "solutions" / lesson / f"{lesson}.ipynb")
    notebooks = {
        "ada": _notebook(release, ADA, quiz),
        "ben": _notebook(release),
        "cy": _notebook(release, CY, quiz),
        "dee": _notebook(release, INFINITE_LOOP),
        "eve": _notebook(release, CRASH),
        "gus": _notebook(release, GUS),
        "hal": _pasted_twice(_notebook(release)),
        "ivy": _notebook(release, IVY),
    }
    for student, nb in notebooks.items():
        target = directory / "submitted" / student / lesson
        target.mkdir(parents=True)
        nbformat.write(nb, str(target / f"{lesson}.ipynb"))
    target = directory / "submitted" / "fay" / lesson
    target.mkdir(parents=True)
    (target / f"{lesson}.ipynb").write_text('{"cells": [ {"cell_type": "code", "source": ')
    return directory


def demo(directory, jobs=None, out=None):
    """Build the demo class and run its whole cycle; return the grading outcomes. What it
    prints goes to ``out`` (standard output, with a progress bar, by default)."""
    progress, out = out is None, out or sys.stdout
    print(f"Building a demo course in {directory} (lesson {LESSON}) ...", file=out)
    root = build_demo(directory)
    for student, what in STUDENTS.items():
        print(f"  {student:<4} {what}", file=out)
    print("\nGrading (python -m source_lib.grading.classroom grade) ...", file=out)
    outcomes = grade_class(root, [LESSON], jobs=jobs, progress=progress)
    print(file=out)
    report(root, outcomes, out)
    print("\nFeedback (nbgrader generate_feedback) and export (nbgrader export) ...", file=out)
    run_nbgrader(root, "generate_feedback", LESSON, "--force", check=False)
    run_nbgrader(root, "export", check=False)
    print("\nWhere things are:", file=out)
    places = [("the source notebook", root / "solutions" / LESSON),
              ("the student release", root / "course" / LESSON),
              ("the submissions", root / "submitted"),
              ("the graded notebooks and each course-review.json", root / "autograded"),
              ("the feedback (HTML, no hidden test)", root / "feedback"),
              ("the grades, exported", root / "grades.csv"),
              ("the gradebook (Formgrader reads it)", root / "gradebook.db")]
    for what, path in places:
        print(f"  {what + ':':<50} {path}", file=out)
    print(f"\nOpen Formgrader on it: cd {root} && jupyter lab  (the Nbgrader menu, Formgrader)",
          file=out)
    return outcomes
