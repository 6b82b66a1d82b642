"""Reference library of the course on the mathematics of deep learning.

One module per lesson topic (``linear_algebra``, ``calculus``, ``probability``,
``information``, ``backprop``, ``initialization``, ``optimizers``, ``normalization``,
``schedules``, ``manifolds``, ``function_space``, ``residual``), plus what the lessons
share: ``datasets``, ``plotting`` and ``validation``; and the grading machinery:
``checks`` (one check module per lesson), ``testing`` (comparisons and failure
messages), ``worker``, ``grader`` and ``sandbox`` (grading outside the student's kernel).
"""

__version__ = "0.1.0"
