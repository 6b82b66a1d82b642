"""Reference library of the course on the mathematics of deep learning.

One module per topic (``linear_algebra``, ``calculus``, ``probability``,
``information``, ``backprop``), plus what the lessons share: ``datasets``,
``plotting``, ``validation`` and ``testing`` (the helpers that hidden tests use).
"""

__version__ = "0.1.0"
