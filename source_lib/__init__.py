"""Reference library of the course on the mathematics of deep learning.

One module per lesson topic (``linear_algebra``, ``calculus``, ``probability``,
``information``, ``backprop``, ``initialization``, ``optimizers``, ``normalization``,
``schedules``, ``manifolds``, ``function_space``, ``residual``), plus what the lessons
share: ``datasets``, ``plotting`` and ``validation``; the capstone's ``diagnosis``; and
what grading uses: ``checks`` (one check module per lesson), ``testing`` (comparisons and
failure messages) and the ``grading`` package (code reader, sandbox, worker, nbgrader glue,
copy detection and class commands).
"""

__version__ = "0.1.0"
