"""nbgrader configuration of the course.

The instructor's source notebooks live in ``solutions/`` and the student release
in ``course/`` (committed, so that Binder users can open it). Run nbgrader from
the repository root, inside the project's environment (``make lab`` creates it).

Autograding is changed in one way: the score of every test cell is decided by the
course's checks in nbgrader's own process, which call the student's functions in a
sandboxed worker (``source_lib.grader``), and nbgrader's kernel runs in the same
sandbox (``source_lib.sandbox``). Nothing a submission does in its kernel changes its
score or anyone else's. The sandbox needs bubblewrap (see the README).
"""

import warnings

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    GetGrades, IgnorePattern, LimitOutput, SaveAutoGrades)

from source_lib.grader import StartChecks, TrustedVerdicts
from source_lib.sandbox import sandboxed_execute

c = get_config()  # noqa: F821 (provided by nbgrader)

# nbgrader 0.9 uses SQLAlchemy 1.x idioms that SQLAlchemy 2 warns about on every grade
# (cascading backrefs, "not in session"): harmless, and they bury the lines that matter.
warnings.filterwarnings("ignore", module="nbgrader.api")
warnings.filterwarnings("ignore", message=".*not in session.*")

c.CourseDirectory.course_id = "math-of-deep-learning"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Only the notebook travels with a lesson; caches never do, and the grading review
# (source_lib.grader) stays with the instructor: feedback does not copy it.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.egg-info",
                            "course-review.json"]

# The kernel still runs every cell (demos, feedback); the verdicts come from the checks.
c.Autograde.autograde_preprocessors = [
    StartChecks,            # the worker starts on the submission's code beside the kernel
    sandboxed_execute(),    # nbgrader's Execute, with the kernel in the sandbox
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    TrustedVerdicts,        # every test cell's outputs become the checks' verdict
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback shows every verdict and no line of the hidden tests (nbgrader's default shows
# them: its issues #917 and #1363).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# A student's runaway cell costs that cell, not the grading run. Each graded call
# also has its own, shorter time limit (source_lib.checks).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Students see a stub that fails loudly rather than silently passing.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Keep a notebook's output small in the gradebook even if a student prints a lot.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 100
