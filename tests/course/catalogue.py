"""Catalogues of wrong and correct implementations of the graded functions.

Each lesson has a module ``catalogue_NN_name.py`` beside this one that builds a
:class:`Catalogue` called ``variants``::

    variants = Catalogue()

    @variants.wrong("softmax", "no max-shift: overflows for large logits")
    def softmax_no_shift(z, axis=-1):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)

    @variants.correct("softmax", "shift by the max of the whole array? no: per row, with a loop")
    def softmax_loop(z, axis=-1):
        ...

The course tests run each variant in the lesson's kernel in place of the
solution: a wrong variant must fail at least one test cell of its function, a
correct one must pass them all. A wrong variant registered with ``hint="..."`` must also
fail with a message containing that text, so that the check names the mistake made:

    @variants.wrong("pca_dimension", "uncentred data", hint="centre")  A variant's source is sent to the kernel as
written (decorator lines removed), so it may use what the notebook's first code
cell imports (``np``, ...) and must import anything else inside its body.

A variant that replaces several functions at once (a forward/backward pair with
another cache layout) is a function of no arguments that returns them, with the
target names given as a tuple::

    @variants.correct(("affine_forward", "affine_backward"), "cache as a dict")
    def affine_dict_cache():
        def forward(X, W, b): ...
        def backward(dout, cache): ...
        return forward, backward
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """One implementation of one or more graded functions."""

    targets: tuple
    kind: str  # "wrong" or "correct"
    why: str
    source: str
    hint: str = None  # text the first failing check's message must contain (a wrong variant)

    @property
    def label(self):
        return f"{'/'.join(self.targets)}: {self.why}"


class Catalogue:
    """The wrong and correct variants of one lesson's graded functions."""

    def __init__(self):
        self.variants = []

    def wrong(self, target, why, hint=None):
        """Register a wrong implementation of ``target``; the tests must reject it, and with
        ``hint``, the message of its first failing test cell must contain that text (the
        check names the mistake made)."""
        return self._register(target, "wrong", why, hint)

    def correct(self, target, why):
        """Register a correct alternative of ``target``; the tests must accept it."""
        return self._register(target, "correct", why)

    def _register(self, target, kind, why, hint=None):
        targets = (target,) if isinstance(target, str) else tuple(target)

        def decorate(func):
            lines = textwrap.dedent(inspect.getsource(func)).splitlines()
            start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(("def ", "class ")))
            body = "\n".join(lines[start:])
            if len(targets) == 1:
                bind = f"{targets[0]} = {func.__name__}"
            else:
                bind = f"{', '.join(targets)} = {func.__name__}()"
            self.variants.append(Variant(targets, kind, why, f"{body}\n{bind}\n", hint))
            return func

        return decorate
