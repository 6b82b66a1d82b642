"""Tests of source_lib.datasets (data shipped with scikit-learn, nothing downloaded)."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from source_lib.datasets import load_digits_split, load_photo


def test_digits_split_partitions_the_data_set_reproducibly():
    X_train, y_train, X_val, y_val = load_digits_split(val_fraction=0.25, seed=3, standardize=False)
    digits = load_digits()
    assert X_train.shape == (1348, 64) and X_val.shape == (449, 64)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    # every image lands in exactly one part: the multisets of rows agree
    together = np.vstack([X_train, X_val])
    assert np.array_equal(np.sort(together, axis=0), np.sort(digits.data.astype(float), axis=0))
    again = load_digits_split(val_fraction=0.25, seed=3, standardize=False)
    assert all(np.array_equal(a, b) for a, b in zip((X_train, y_train, X_val, y_val), again))


def test_digits_are_scikit_learns_without_importing_it(monkeypatch):
    import pathlib
    import subprocess
    import sys

    from source_lib import datasets

    digits = load_digits()
    X, y = datasets._digits()
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert np.array_equal(X, digits.data) and np.array_equal(y, digits.target)
    code = ("import sys\nfrom source_lib.datasets import load_digits_split\nload_digits_split()\n"
            "assert 'sklearn' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
    # where scikit-learn keeps its file elsewhere, it loads them itself
    monkeypatch.setattr(pathlib.Path, "is_file", lambda self: False)
    X2, y2 = datasets._digits()
    assert np.array_equal(X2, digits.data) and np.array_equal(y2, digits.target)


def test_digits_are_standardised_with_training_statistics():
    X_train, _, X_val, _ = load_digits_split()
    varying = X_train.std(axis=0) > 0
    assert np.allclose(X_train.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(X_train.std(axis=0)[varying], 1)
    assert np.all(np.isfinite(X_val))


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1])
def test_digits_split_rejects_bad_fractions(bad):
    with pytest.raises(ValueError, match="val_fraction"):
        load_digits_split(val_fraction=bad)


def test_photo_is_a_grey_image_in_the_unit_interval():
    gray = load_photo()
    colour = load_photo(gray=False)
    assert gray.ndim == 2 and colour.shape == gray.shape + (3,)
    assert 0 <= gray.min() and gray.max() <= 1
    assert np.allclose(gray, colour @ [0.299, 0.587, 0.114])
