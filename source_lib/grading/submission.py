"""A submission is input to sanitise: its folder, its notebook's metadata, outputs and text.

Everything a submission brings reaches the instructor's files, Formgrader pages and the
students' feedback, so nothing of it is trusted:

* :func:`clean_folder` (before nbgrader copies anything): symbolic links, devices, FIFOs
  and sockets are removed from the submission's folder (nbgrader would copy their
  targets with the grader's rights: a link to ``gradebook.db`` or to a classmate's
  notebook), as are hard links to files elsewhere; a notebook too big to read safely, and
  extra files beyond what a submission may bring, are set aside;
* :func:`repair_metadata`: nbgrader metadata that nbgrader's own checks would reject as a
  fatal error of the whole run (a test cell pasted twice, as Jupyter's copy and paste
  does; a schema version of another nbgrader; a cell without points) is removed from the
  faulty cells, so that a notebook's defect costs at most that notebook (grading restores
  the test cells from the instructor's copy anyway);
* :func:`sanitize_notebook`: outputs kept as the student's notebook had them, but only
  text and images (no HTML, SVG, JavaScript or widget state), each output and the
  notebook's outputs as a whole capped in bytes; markdown the instructor did not write has
  its raw HTML escaped and its ``javascript:`` links disarmed; attachments other than
  images dropped.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

__all__ = ["clean_folder", "repair_metadata", "sanitize_notebook", "sanitize_outputs",
           "MAX_NOTEBOOK_BYTES"]

MAX_NOTEBOOK_BYTES = 64 << 20       # a bigger notebook is set aside, not read
MAX_CELLS = 20_000                  # a notebook with more cells is set aside too
MAX_EXTRA_BYTES = 64 << 20          # the other files of a submission, all together
MAX_EXTRA_FILES = 200
MAX_OUTPUT_BYTES = 256 << 10        # text of one output
MAX_IMAGE_BYTES = 2 << 20           # one image
MAX_OUTPUTS_BYTES = 16 << 20        # all the outputs of one notebook
TEXT_TYPES = ("text/plain",)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


def clean_folder(folder):
    """Remove from a submission's folder what must not be copied, and set aside what is too
    big to copy; what was done, a line each.

    Parameters
    ----------
    folder : str or Path
        ``submitted/<student>/<assignment>``. What is set aside goes to
        ``submitted/<student>/.<assignment>.set-aside/``, which nbgrader does not read.

    Returns
    -------
    list of str
        One line per thing removed or set aside, for the review.
    """
    folder = Path(folder)
    report = []
    if folder.is_symlink():
        folder.unlink()
        return [f"the submission folder {folder.name} was a symbolic link: removed, not graded"]
    student_dir = folder.parent
    if student_dir.is_symlink():
        student_dir.unlink()
        return [f"the student folder {student_dir.name} was a symbolic link: removed, not graded"]
    aside = student_dir / f".{folder.name}.set-aside"
    extras = []
    for dirpath, dirnames, filenames in os.walk(folder, topdown=True, followlinks=False):
        for name in list(dirnames) + filenames:
            path = Path(dirpath) / name
            try:
                info = path.lstat()
            except OSError:
                continue
            mode = info.st_mode
            relative = path.relative_to(folder)
            if stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                kind = ("a symbolic link" if stat.S_ISLNK(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                        else "a socket" if stat.S_ISSOCK(mode) else "a device")
                report.append(_remove(path, relative, kind))
                if name in dirnames:
                    dirnames.remove(name)
            elif stat.S_ISREG(mode) and name.endswith(".ipynb") and path.parent == folder:
                why = (f"has {info.st_size >> 20} MiB (more than {MAX_NOTEBOOK_BYTES >> 20} MiB)"
                       if info.st_size > MAX_NOTEBOOK_BYTES else _too_many_cells(path))
                if why:
                    report.append(_set_aside(path, relative, aside, f"{why}: not graded"))
                elif info.st_nlink > 1 and name == f"{folder.name}.ipynb":
                    # the student's notebook, which someone may have linked to from elsewhere:
                    # it keeps its content, in a file of its own
                    _unlink_copy(path)
                elif info.st_nlink > 1:
                    report.append(_remove(path, relative, "a hard link to another file"))
            elif stat.S_ISREG(mode) and info.st_nlink > 1:
                # another name of a file somewhere else (the gradebook?)
                report.append(_remove(path, relative, "a hard link to another file"))
            elif stat.S_ISREG(mode):
                extras.append((info.st_size, path, relative))
    total = sum(size for size, _, _ in extras)
    if len(extras) > MAX_EXTRA_FILES or total > MAX_EXTRA_BYTES:
        for _, path, relative in extras:   # more than a submission may bring: none of it is copied
            _set_aside(path, relative, aside, "")
        report.append(f"{len(extras)} files beside the notebook, of {total >> 20} MiB, more than a "
                      f"submission may bring ({MAX_EXTRA_FILES} files, {MAX_EXTRA_BYTES >> 20} MiB): "
                      f"set aside in {aside.name}")
        for dirpath, _, _ in sorted(os.walk(folder), reverse=True):   # the folders they left empty
            if dirpath != str(folder) and not os.listdir(dirpath):
                os.rmdir(dirpath)
    return report


def _remove(path, relative, kind):
    try:
        path.unlink()
        return f"{relative} was {kind}: removed"
    except OSError as err:
        return f"{relative} is {kind} that could not be removed ({err})"


def _unlink_copy(path):
    """Give a hard-linked file a content of its own (the other names keep theirs)."""
    private = path.with_name(path.name + ".unlinked")
    shutil.copyfile(path, private)
    private.replace(path)


def _set_aside(path, relative, aside, why):
    target = aside / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    return f"{relative} {why}: set aside in {aside.name}"


def _too_many_cells(path):
    """A reason if a notebook file holds more cells than grading reads (counted without
    parsing it)."""
    count = 0
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            count += chunk.count(b'"cell_type"')
    return f"has {count} cells (more than {MAX_CELLS})" if count > MAX_CELLS else None


def repair_metadata(nb):
    """Remove the nbgrader metadata that nbgrader would reject from the cells that carry it;
    what was repaired.

    A cell whose metadata does not validate becomes an ordinary cell. Of a duplicated
    grade id, the last copy is kept (as nbgrader keeps it); the earlier copies of a test
    cell are dropped (grading restores test cells from the instructor's copy anyway), and
    those of a solution cell become ordinary cells (the later definition wins, as in the
    student's kernel).
    """
    from nbgrader.nbgraderformat import MetadataValidator, ValidationError

    validator = MetadataValidator()
    notes, last, drop = [], {}, set()
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        if not isinstance(meta, dict):
            del cell.metadata["nbgrader"]
            notes.append(f"cell {index}: nbgrader metadata that is not an object was removed")
            continue
        try:
            if meta.get("schema_version") != 3:
                raise ValidationError(f"schema version {meta.get('schema_version')!r}")
            validator.validate_cell(cell)
        except (ValidationError, Exception) as err:  # noqa: BLE001 - nbgrader's checks raise several
            del cell.metadata["nbgrader"]
            notes.append(f"cell {index}: invalid nbgrader metadata removed ({str(err)[:120]})")
            continue
        gid = meta.get("grade_id")
        if gid is not None:
            if gid in last:
                del nb.cells[last[gid]].metadata["nbgrader"]
                notes.append(f"cell {last[gid]}: a copy of the cell {gid!r} (the last copy is kept)")
                if meta.get("grade") and not meta.get("solution"):
                    drop.add(last[gid])
            last[gid] = index
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in drop]
    return notes


def _size(value):
    if isinstance(value, str):
        return len(value.encode("utf-8", "replace"))
    if isinstance(value, list):
        return sum(_size(v) for v in value)
    return len(str(value))


_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_SCHEME = re.compile(r"^[\s\x00-\x1f<]*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
_LINK = re.compile(r"(!?\[[^\]]*\])\(([^)]*)\)")
_REFERENCE = re.compile(r"^(\s*\[[^\]]+\]:[ \t]*)(\S+)", re.MULTILINE)
_ATTACHMENT = re.compile(r"!?\[([^\]]*)\]\(\s*attachment:([^)\s]+)[^)]*\)")


def _scripted(target):
    """Whether a link's target, as a browser reads it (entities decoded), runs a script."""
    import html
    return bool(_SCHEME.match(html.unescape(html.unescape(target))))


def _disarm_markdown(text):
    """Markdown whose raw HTML shows as text and whose script links lead nowhere (the
    link keeps its text, loses its target)."""
    text = _TAG.sub("&lt;", text)
    text = _LINK.sub(lambda m: m.group(1).lstrip("!").strip("[]") if _scripted(m.group(2)) else m.group(0), text)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}#" if _scripted(m.group(2)) else m.group(0), text)


def _needs_disarming(text):
    return bool(_TAG.search(text)) or any(_scripted(m.group(2)) for m in _LINK.finditer(text)) \
        or any(_scripted(m.group(2)) for m in _REFERENCE.finditer(text))


def outside_hidden_tests(source):
    """The lines of ``source`` outside its ``### BEGIN/END HIDDEN TESTS`` blocks."""
    kept, hidden = [], False
    for line in source.splitlines():
        if "### BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "### END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return kept


def sanitize_notebook(nb, instructor_markdown=()):
    """Make a submitted notebook safe to store and show; what was removed.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        Changed in place.
    instructor_markdown : collection of str
        The instructor's markdown cells: those are kept as they are.
    """
    notes = []
    budget = MAX_OUTPUTS_BYTES
    instructor_markdown = set(instructor_markdown)
    for key in [k for k in nb.metadata if k not in ("kernelspec", "language_info", "nbgrader")]:
        del nb.metadata[key]     # widget state, extensions' data: nothing grading needs
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source not in instructor_markdown \
                and _needs_disarming(cell.source):
            cell.source = _disarm_markdown(cell.source)
            notes.append(f"cell {index}: raw HTML or a script link in markdown shown as text")
        if "attachments" in cell:
            kept = {name: {k: v for k, v in data.items() if k in IMAGE_TYPES}
                    for name, data in (cell.attachments or {}).items() if isinstance(data, dict)}
            kept = {name: data for name, data in kept.items() if data}
            if kept != cell.attachments:
                notes.append(f"cell {index}: attachments other than images removed")
            cell.attachments = kept
            # a reference to an attachment that is gone keeps its text, not the reference
            cell.source = _ATTACHMENT.sub(lambda m: m.group(0) if m.group(2) in kept else m.group(1),
                                          cell.source)
        if "### BEGIN HIDDEN TESTS" in cell.source and not cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "\n".join(outside_hidden_tests(cell.source))   # in a cell that is no test
            notes.append(f"cell {index}: a hidden-test block outside a test cell removed")
        if cell.cell_type == "code":
            budget = _sanitize_outputs(cell, index, budget, notes)
    return list(dict.fromkeys(notes))


def sanitize_outputs(nb):
    """Make the outputs of a notebook's code cells safe to store and show (text and images
    only; each output, and the notebook's outputs together, capped); what was removed."""
    notes, budget = [], MAX_OUTPUTS_BYTES
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            budget = _sanitize_outputs(cell, index, budget, notes)
    return list(dict.fromkeys(notes))


def _sanitize_outputs(cell, index, budget, notes):
    """One code cell's outputs made safe (what was removed added to ``notes``); the notebook's
    output budget left."""
    outputs = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            text = out.get("text", "")
            if _size(text) > MAX_OUTPUT_BYTES:
                text = text[:MAX_OUTPUT_BYTES // 4] + "\n[... output cut at grading: too long]\n"
                notes.append(f"cell {index}: a long output cut")
            out["text"] = text
        elif kind == "error":
            out["traceback"] = [t[:4000] for t in out.get("traceback", [])[:100]]
            out["evalue"] = str(out.get("evalue", ""))[:2000]
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            kept = {}
            for mime, value in data.items():
                limit = MAX_OUTPUT_BYTES if mime in TEXT_TYPES else MAX_IMAGE_BYTES
                if (mime in TEXT_TYPES or mime in IMAGE_TYPES) and _size(value) <= limit:
                    kept[mime] = value
            if set(kept) != set(data):
                notes.append(f"cell {index}: outputs other than text and images removed")
            if not kept:
                continue
            out["data"] = kept
            out["metadata"] = {}
        else:
            continue
        size = _size(out.get("text", "")) + sum(_size(v) for v in out.get("data", {}).values()) \
            + sum(_size(t) for t in out.get("traceback", []))
        if size > budget:
            notes.append(f"cell {index}: outputs beyond the notebook's {MAX_OUTPUTS_BYTES >> 20} MiB removed")
            budget = 0
            continue
        budget -= size
        outputs.append(out)
    cell.outputs = outputs
    return budget
