"""nbgrader configuration of the course.

The instructor's source notebooks live in ``solutions/`` and the student release
in ``course/`` (committed, so that Binder users can open it). Run nbgrader from
the repository root, inside the project's environment (``make lab`` creates it).

Autograding runs no notebook kernel: the score of every test cell is decided by the
course's checks in nbgrader's own process, which call the student's functions in a
sandboxed worker holding only what the lesson allows (``source_lib.grading``). A
submission's folder, metadata, outputs and markdown are sanitised first. Nothing a
submission does changes its score or anyone else's. The sandbox needs bubblewrap (see
the README).
"""

import warnings

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    DeduplicateIds, GetGrades, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)

from source_lib.grading.pipeline import RepairSubmission, TrustedGrading, sanitize_submission

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
# (source_lib.grading.pipeline) stays with the instructor: feedback does not copy it.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.egg-info",
                            "course-review.json"]

# Before nbgrader copies a submission: symbolic links, devices and FIFOs removed.
c.Autograde.pre_convert_hook = sanitize_submission

# The submission's own outputs are kept (sanitised), not cleared; faulty nbgrader metadata
# is repaired before nbgrader's checks, which would otherwise stop the whole run.
c.Autograde.sanitize_preprocessors = [
    RepairSubmission,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]

# No kernel: every test cell's outputs become the checks' verdict, which nbgrader scores.
c.Autograde.autograde_preprocessors = [
    TrustedGrading,
    ClearMetadataPreprocessor,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# For fresh figures in the graded notebooks (sandboxed, deciding nothing, slower):
# c.TrustedGrading.rerun_demos = True

# Feedback shows every verdict and no line of the hidden tests (nbgrader's default shows
# them: its issues #917 and #1363).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# Students see a stub that fails loudly rather than silently passing.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
