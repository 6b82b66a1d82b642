"""nbgrader configuration of the course.

The instructor's source notebooks live in ``solutions/`` and the student release
in ``course/`` (committed, so that Binder users can open it). Run nbgrader from
the repository root, inside the project's environment (``make lab`` creates it).
"""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "math-of-deep-learning"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Only the notebook travels with a lesson; caches never do.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.egg-info"]

# A student's runaway cell costs that cell, not the grading run. Each graded call
# also has its own, shorter time limit (source_lib.testing).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Students see a stub that fails loudly rather than silently passing.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Keep a notebook's output small in the gradebook even if a student prints a lot.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 100
