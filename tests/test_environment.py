"""The pip pins (requirements.txt) and the conda/Binder environment agree."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> pip name


def pip_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def conda_pins():
    pins, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        line = line.split("#")[0]
        pip = re.match(r"\s+-\s+([A-Za-z0-9_.-]+)==(\S+)\s*$", line)   # the pip: section
        if in_deps and pip:
            pins[pip.group(1).lower()] = (pip.group(2), None)
            continue
        match = re.match(r"\s+-\s+([A-Za-z0-9_.-]+)(?:=([^=\s]+))?(?:=(\S+))?\s*$", line)
        if in_deps and match:
            name, version, build = match.groups()
            pins[CONDA_NAMES.get(name.lower(), name.lower())] = (version, build)
    return pins


def test_every_pip_pin_is_in_environment_yml_with_the_same_version():
    conda = conda_pins()
    for name, version in pip_pins().items():
        assert name in conda, f"{name} is pinned in requirements.txt but missing from environment.yml"
        assert conda[name][0] == version, (
            f"{name}: requirements.txt pins {version}, environment.yml {conda[name][0]}")


def test_environment_yml_has_nothing_the_pip_pins_lack():
    extra = set(conda_pins()) - set(pip_pins()) - {"python", "pip"}
    assert not extra, f"environment.yml installs {sorted(extra)}, which requirements.txt does not pin"


def test_binder_gets_a_cpu_only_torch():
    version, build = conda_pins()["torch"]
    assert build is not None and build.startswith("cpu"), (
        f"environment.yml must pin a CPU-only torch build (pytorch={version}=cpu_*), got {build}")


@pytest.mark.parametrize("name", ["pip", "python"])
def test_environment_yml_has_python_and_pip(name):
    assert name in conda_pins()


def test_postbuild_installs_source_lib():
    text = (ROOT / "postBuild").read_text()
    assert re.search(r"pip install .*-e \.", text), "postBuild must install source_lib (pip install -e .)"
