"""Grading: a submission's code run where nothing it can reach helps it, and grades decided
only from facts the trusted side computes itself.

The package is the course's grading machinery, apart from the reference library and from
the checks (:mod:`source_lib.checks`, which say what each exercise must do). Its modules,
from the bottom up (each imports only those above it, and :mod:`source_lib.checks`
imports only the first two):

* :mod:`~source_lib.grading.worker`: the program that runs a submission's code in the
  sandbox (a broker that holds the channel and observes the inputs, an executor that runs
  the student's code under an audit hook), and the format values cross in;
* :mod:`~source_lib.grading.reader`: reading a submission's code against each exercise's
  allowlist of modules (never importing anything);
* :mod:`~source_lib.grading.sandbox`: bubblewrap, a user and a cgroup per sandbox, the
  lesson's packages only;
* :mod:`~source_lib.grading.remote`: starting the worker and asking it for calls, with a
  deadline on every read and write (the checks' runner at grading);
* :mod:`~source_lib.grading.submission`: a submission as input to sanitise (its folder,
  its notebook's metadata, outputs and markdown);
* :mod:`~source_lib.grading.pipeline`: nbgrader's side (the preprocessors and the hook
  that ``nbgrader_config.py`` names): no notebook kernel at grading;
* :mod:`~source_lib.grading.classroom`: the instructor's commands (a class graded on every
  core, a demo class).
"""
