# The course's two front doors: `make lab` and `make test`. Both build the
# virtual environment in .venv the first time (and again when the pins change).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader needs the environment's `alembic` on PATH to create a gradebook.
export PATH := $(CURDIR)/$(BIN):$(PATH)
LESSONS := $(notdir $(wildcard solutions/[0-9][0-9]_*))

.PHONY: setup system lab instructor grade demo-class test test-lib test-course release bench clean-notebooks

setup: $(STAMP)

# What grading and the browser test need from the system: bubblewrap (the grading
# sandbox) and Debian's chromium. Installed with apt-get when missing and run as root;
# otherwise say what to install.
system:
	@missing=""; command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Please install:$$missing (Debian/Ubuntu: sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Jupyter refuses root unless told; containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The student's JupyterLab: the lessons, without nbgrader's instructor tools (jupyter/student).
lab: setup
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/student $(BIN)/jupyter lab $(ROOT_FLAG) course/

# The instructor's JupyterLab, at the course root: Formgrader and Create Assignment.
instructor: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=$(CURDIR)

# Autograde every submission in submitted/ on every core (LESSON="03_probability ..." for
# some lessons only, FORCE=1 to grade again what is graded): a table of students x
# exercises and what needs a look at the end; the gradebook holds the grades.
grade: setup system
	$(BIN)/python -m source_lib.grading.classroom grade $(LESSON) $(if $(FORCE),--force)

# Try the whole instructor's cycle on a synthetic class, in demo-class/.
demo-class: setup system
	$(BIN)/python -m source_lib.grading.classroom demo demo-class

test: setup system
	$(BIN)/python -m pytest -n 2 --dist loadgroup

test-lib: setup
	$(BIN)/python -m pytest -n 2 tests --ignore=tests/course

test-course: setup system
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests/course

# Regenerate the student release course/ from solutions/ with nbgrader (this also
# records each lesson in gradebook.db, which `nbgrader autograde` needs).
release: setup
	@for lesson in $(LESSONS); do \
	  $(BIN)/nbgrader generate_assignment $$lesson --force --log-level=WARN || exit 1; \
	done

bench: setup
	$(BIN)/python tests/course/bench.py

# Strip outputs and execution counts from the source notebooks.
clean-notebooks: setup
	$(BIN)/python tests/course/harness.py clean solutions/*/*.ipynb
