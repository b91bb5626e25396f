"""Plan files -> validated ``Plan``, with every problem as ``FILE:LINE:COLUMN: key.path: message``.

The steps, each of which can only add positioned errors (never raise on bad input):

1. read the bytes, refusing files over ``MAX_BYTES`` (parsing is pure Python, so
   the cap is also what keeps every file under a second) and bytes that are not UTF-8;
2. parse YAML 1.2 and compose positioned nodes (``sourcemap``): syntax errors,
   duplicate keys, unsupported tags, aliases, empty files;
3. build plain data, expanding aliases under a budget (alias bombs);
4. validate the model (``model.Plan``), with pydantic's errors rewritten in
   plain English (``validation_messages``);
5. the cross-reference checks (``checks``), which also run on the valid parts of
   a plan that failed step 4, so one run lists all of a file's problems.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from qualplan import checks
from qualplan.assembly import Located, PlanSources, assemble, place
from qualplan.model import Fragment, Plan
from qualplan.plan_kind import meant_as_fragment, plan_kind
from qualplan.sourcemap import (
    ComposeError,
    ComposeProblem,
    ExpansionError,
    Mapping,
    Node,
    SourceMap,
    compose_with_problems,
    to_data,
)
from qualplan.validation_messages import Finding, translate

#: Largest plan file accepted (bytes). A plan of 1000 realistic tasks is about 200 KB; the cap is
#: also what keeps the slowest file (the pure-Python YAML parser reads about 0.5 MB/s) under a second.
MAX_BYTES = 256 * 1024
#: Most YAML nodes (parser events) a file may hold: about 20 per task, so room for over 1000 tasks.
MAX_EVENTS = 25_000
#: Most values aliases may expand to.
MAX_VALUES = 200_000
#: Errors listed per file; a file with more is garbled, and its first errors say how.
MAX_ERRORS = 200
PLAN_SUFFIXES = (".yaml", ".yml")
#: A plan's top-level ``qualplan:`` key at the start of a line, found without parsing: how a folder
#: scan tells plans from other YAML files (``.pre-commit-config.yaml``, CI workflows).
_PLAN_KEY = re.compile(r"""^\ufeff?(?:\{[ \t]*)?["']?qualplan["']?[ \t]*:""", re.MULTILINE)
#: The same key anywhere in a flow mapping (``{id: x, qualplan: 1}``), for files written in flow style.
_FLOW_KEY = re.compile(r"""[{,]\s*["']?qualplan["']?[ \t]*:""")
#: Lines before a document's content: blank lines, comments, directives, the document marker.
_PREAMBLE = re.compile(r"^(?:\ufeff)?(?:[ \t]*(?:#[^\n]*)?\n|%[^\n]*\n|---[ \t]*\n)*")
#: Byte order marks of the encodings a plan is sometimes saved in by mistake (longest first).
_FOREIGN_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "UTF-32", "utf-32"),
    (b"\xff\xfe", "UTF-16", "utf-16"),
    (b"\xfe\xff", "UTF-16", "utf-16"),
)


@dataclass(frozen=True)
class PlanError:
    """One problem in a plan file; ``str()`` is ``FILE:LINE:COLUMN: key.path: message``."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass(frozen=True)
class LoadedPlan:
    """A loaded file: the plan when valid, and all its errors and warnings sorted by position."""

    path: Path
    plan: Plan | None
    errors: tuple[PlanError, ...]
    warnings: tuple[PlanError, ...]
    source: SourceMap

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class FoundFiles:
    """What ``scan_plan_files`` found: plan files to check, and what it left out and why."""

    files: list[Path] = field(default_factory=list)
    #: YAML files in scanned folders without a top-level ``qualplan:`` key.
    not_plans: list[Path] = field(default_factory=list)
    #: Paths given that do not exist (a command-line error, not a file error).
    missing: list[Path] = field(default_factory=list)


def load_plan(path: Path) -> LoadedPlan:
    """Load and check one plan file. Never raises on bad input; problems are in ``.errors``.

    A fragment (a file meant for a plan's ``include``) is an error here: it is no plan to schedule.
    """
    return _load_path(Path(path), fragments=False)


def load_file(path: Path) -> LoadedPlan:
    """Load and check a plan file or a fragment, whichever it is (``qualplan validate``).

    A fragment is checked as far as it can be alone (``checks.check_fragment``);
    its ``plan`` is always None.
    """
    return _load_path(Path(path), fragments=True)


def load_plan_text(data: bytes | str, name: str) -> LoadedPlan:
    """Load and check plan text; ``name`` is the file name used in messages (and where includes are found)."""
    return _load(data, name, Path(name))


def _load_path(path: Path, *, fragments: bool) -> LoadedPlan:
    data = _read_bytes(path)
    if isinstance(data, str):
        return _failed(path, str(path), 1, 1, data)
    return _load(data, str(path), path, fragments=fragments)


def _read_bytes(path: Path) -> bytes | str:
    """The file's first ``MAX_BYTES + 1`` bytes, or why it cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        if path.is_symlink() and not path.exists():
            reason = f"it is a symbolic link to '{os.readlink(path)}', which does not exist"
        return f"cannot read the file: {reason}"


def find_plan_files(paths: Iterable[Path], *, fragments: bool = False) -> list[Path]:
    """The files ``scan_plan_files`` finds, missing paths included (they fail to load)."""
    found = scan_plan_files(paths, fragments=fragments)
    return list(dict.fromkeys([*found.files, *found.missing]))


def scan_plan_files(paths: Iterable[Path], *, fragments: bool = False) -> FoundFiles:
    """Files as given; folders searched recursively for plan files (sorted, no repeats).

    A file named on the command line is always taken. In a folder, only
    ``*.yaml``/``*.yml`` files that look like plans are (a top-level
    ``qualplan:`` key, found without parsing), so ``qualplan validate .`` skips
    ``.pre-commit-config.yaml``; with ``fragments``, also the files that look like
    fragments (``plan_kind.plan_kind``): ``validate`` checks them, ``check`` has
    nothing to schedule in them. Hidden folders (``.git``, ``.venv``) are not
    entered. A symbolic link that leads nowhere is taken, so that loading it
    reports it rather than it vanishing from the check.
    """
    found = FoundFiles()
    for path in map(Path, paths):
        if path.is_dir():
            for item in _yaml_files_under(path):
                taken = _is_plan_candidate(item) or (fragments and _is_fragment(item))
                (found.files if taken else found.not_plans).append(item)
        elif path.exists() or path.is_symlink():
            found.files.append(path)
        else:
            found.missing.append(path)
    return FoundFiles(list(dict.fromkeys(found.files)), list(dict.fromkeys(found.not_plans)), found.missing)


def looks_like_plan(data: bytes) -> bool:
    """Whether file bytes hold a top-level ``qualplan:`` key (in UTF-8, or UTF-16/32 saved by mistake).

    Exact for block style; a file written as one flow mapping is taken when
    ``qualplan:`` is a key anywhere in it, so a plan is never skipped.
    """
    foreign = _foreign_encoding(data)
    text = data.decode(foreign[1] if foreign else "utf-8", errors="replace")
    if _PLAN_KEY.search(text):
        return True
    # A file written as one flow mapping: the key may sit anywhere (erring towards checking the file).
    return text[_PREAMBLE.match(text).end() :].lstrip().startswith("{") and _FLOW_KEY.search(text) is not None


def _yaml_files_under(folder: Path) -> list[Path]:
    found = []
    for root, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [Path(root, name) for name in names if name.endswith(PLAN_SUFFIXES)]
    return sorted(found)


def _is_plan_candidate(path: Path) -> bool:
    """A plan by its content; a file that cannot be read (a dangling link) is kept, to be reported."""
    try:
        with path.open("rb") as handle:
            return looks_like_plan(handle.read(MAX_BYTES + 1))
    except OSError:
        return True


def _is_fragment(path: Path) -> bool:
    data = _read_bytes(path)
    return not isinstance(data, str) and plan_kind(data.decode("utf-8", errors="replace")) == "fragment"


# --- the steps -------------------------------------------------------------------------------------


#: What a file should be, in the messages about an empty or shapeless file.
_EXPECTED = {
    "plan": ("a plan starts with 'qualplan: 1'", "a plan is a mapping of keys ('qualplan: 1', 'id: ...', ...)"),
    "fragment": (
        "an included file holds calendars, windows, resources, stages, tasks or milestones",
        "an included file is a mapping of keys ('resources: ...', 'tasks: ...', ...)",
    ),
}
_FRAGMENT_ALONE = (
    "this file is a fragment (it holds only calendars, windows, resources, stages, tasks, milestones or "
    "include, and no 'qualplan: 1'): name it in a plan's 'include' and check that plan; a plan of its own "
    "needs 'qualplan: 1', 'id' and 'start'"
)


def _load(data: bytes | str, name: str, path: Path, *, fragments: bool = False) -> LoadedPlan:
    composed = _compose(data, name, "plan")
    if isinstance(composed, PlanError):
        return LoadedPlan(path, None, (composed,), (), SourceMap(None))
    root, errors = composed
    fragment = meant_as_fragment(root.index)
    if fragment and not fragments:
        return _failed(path, name, root.line, root.column, _FRAGMENT_ALONE)
    source: SourceMap = SourceMap(root)
    tree: Node = root
    if fragment or "include" in root.index or "programmes" in root.index:
        assembly = assemble(root, name, path, _read_named, fragment=fragment)
        errors.extend(PlanError(p.file, p.line, p.column, p.path, p.message) for p in assembly.problems)
        source, tree = assembly.sources, assembly.root

    try:
        document = to_data(tree, MAX_VALUES)
    except ExpansionError as error:
        file, *_ = source.locate((error.path,) if error.path else ())
        return _failed(path, file or name, error.line, error.column, error.message, source, error.path)
    assert isinstance(document, dict)  # the root is a mapping
    return validate_document(document, source, path, name, errors, fragment=fragment)


def validate_document(
    document: dict,
    source: SourceMap,
    path: Path,
    name: str,
    errors: Iterable[PlanError] = (),
    *,
    fragment: bool = False,
) -> LoadedPlan:
    """Steps 4 and 5 on plain data: the model, then the cross-reference checks, every problem
    positioned by ``source`` (in the file where it is written). ``load_plan`` ends here, and so
    does a plan changed in memory (``overrides``: ``--set``), whose ``source`` is the changed
    tree; ``errors`` are problems already found (duplicate keys, includes)."""
    errors = list(errors)
    plan: Plan | None = None
    findings: list[Finding] = []
    try:
        if fragment:
            Fragment.model_validate(document)
        else:
            plan = Plan.model_validate(document)
    except ValidationError as invalid:
        findings.extend(translate(error) for error in invalid.errors(include_url=False)[: MAX_ERRORS + 1])
    findings.extend(checks.check_fragment(document) if fragment else checks.check(document, plan))

    warnings = []
    for finding in findings:
        located = _locate(finding, name, source)
        if located is None:
            continue
        (warnings if finding.warning else errors).append(located)
    if errors:
        plan = None
    return LoadedPlan(
        path,
        plan,
        _at_most(_sorted(errors, name), name),
        _at_most(_sorted(warnings, name), name, "warnings"),
        source,
    )


def parse_value(text: str) -> Node | None:
    """One YAML value written on the command line (``--set PATH=VALUE``), under the same YAML 1.2
    rules as plan files; None for empty text. Raises ``ComposeError`` (position within ``text``)."""
    root, problems = _parse(text)
    if problems:
        first = problems[0]
        raise ComposeError(first.line, first.column, first.message)
    return root


def _compose(data: bytes | str, name: str, expect: str) -> tuple[Mapping, list[PlanError]] | PlanError:
    """The file's root mapping and the problems found composing it (duplicate keys), or the one
    problem that stops it (not UTF-8, empty, YAML syntax, not a mapping)."""
    empty, shapeless = _EXPECTED[expect]
    text_or_error = _decode(data)
    if isinstance(text_or_error, tuple):
        line, column, message = text_or_error
        return PlanError(name, line, column, "", message)
    text = text_or_error
    if not text.strip():
        return PlanError(name, 1, 1, "", f"the file is empty; {empty}")
    try:
        root, problems = _parse(text)
    except ComposeError as error:
        return PlanError(name, error.line, error.column, error.path, error.message)
    if root is None:
        return PlanError(name, 1, 1, "", f"the file holds only comments; {empty}")
    if not isinstance(root, Mapping):
        return PlanError(name, root.line, root.column, "", shapeless)
    source = SourceMap(root)
    return root, [PlanError(name, p.line, p.column, source.display(p.path), p.message) for p in problems]


def _read_named(path: Path, name: str, expect: str) -> tuple[Mapping | None, list[Located]]:
    """Read a file that a plan names (a fragment or a programme), under the same limits and YAML rules."""
    data = _read_bytes(path)
    composed = PlanError(name, 1, 1, "", data) if isinstance(data, str) else _compose(data, name, expect)
    if isinstance(composed, PlanError):
        return None, [Located(composed.file, composed.line, composed.column, composed.path, composed.message)]
    root, errors = composed
    return root, [Located(e.file, e.line, e.column, e.path, e.message) for e in errors]


def _decode(data: bytes | str) -> str | tuple[int, int, str]:
    """UTF-8 text (a leading BOM dropped), or the position and message of the problem."""
    size = len(data.encode("utf-8", errors="surrogatepass")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        return 1, 1, f"the file is larger than {MAX_BYTES // 1024} KiB; a plan file is far smaller"
    if isinstance(data, str):
        try:
            data.encode("utf-8")  # text from a caller may hold lone surrogates, which no file can
        except UnicodeEncodeError as error:
            line, column = _offset_position(data, error.start)
            return line, column, f"the text holds U+{ord(data[error.start]):04X}, a lone surrogate, not a character"
        return data.removeprefix("\ufeff")
    foreign = _foreign_encoding(data)
    if foreign is not None:
        return 1, 1, f"the file is not UTF-8 (it looks like {foreign[0]}); save it as UTF-8"
    bom = len(data) - len(data.removeprefix(b"\xef\xbb\xbf"))
    data = data[bom:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        return (
            line,
            column,
            f"the file is not UTF-8: byte 0x{data[error.start]:02x} at offset {bom + error.start} "
            "cannot be decoded; save the file as UTF-8",
        )


def _foreign_encoding(data: bytes) -> tuple[str, str] | None:
    """(name, Python codec) when ``data`` is UTF-16 or UTF-32 text, else None.

    With a byte order mark this is certain. Without one, the sign is the NUL
    bytes that ASCII characters (every key of a plan) get in those encodings,
    always at the same places: the high byte of each UTF-16 unit, the top two
    bytes of each UTF-32 unit. UTF-8 text has none (YAML forbids U+0000).
    """
    for bom, name, codec in _FOREIGN_BOMS:
        if data.startswith(bom):
            return name, codec
    sample = data[: 4096 - 4096 % 4]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    zeros = [sample[phase::4].count(0) / len(sample[phase::4]) for phase in range(4)]
    if min(zeros[2:]) > 0.9 and zeros[0] < 0.5:
        return "UTF-32", "utf-32-le"
    if min(zeros[:2]) > 0.9 and zeros[3] < 0.5:
        return "UTF-32", "utf-32-be"
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    if odd > 0.1 and even < 0.02:
        return "UTF-16", "utf-16-le"
    if even > 0.1 and odd < 0.02:
        return "UTF-16", "utf-16-be"
    return None


def _parse(text: str) -> tuple[Node | None, list[ComposeProblem]]:
    """Compose the YAML document; any syntax error becomes a positioned ``ComposeError``.

    libyaml's parser (ruamel.yaml.clib) is used when installed: it is ten times
    faster than the pure-Python one, which keeps ``qualplan validate`` on a large
    plan under half a second. Every *error* message, though, comes from the pure
    parser, so the messages are the same whether or not the C parser is present.
    """
    fast = _c_events(text)
    if fast is not None:
        try:
            return compose_with_problems(fast, MAX_EVENTS)
        except ComposeError:
            raise
        except Exception:
            pass
    return _pure_parse(text)


def _c_events(text: str) -> Iterator[object] | None:
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        return None

    def events() -> Iterator[object]:
        parser = CParser(text)
        try:
            while parser.check_event():
                yield parser.get_event()
        finally:
            parser.dispose()

    return events()


def _pure_parse(text: str) -> tuple[Node | None, list[ComposeProblem]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    parser = YAML(typ="safe", pure=True)
    try:
        return compose_with_problems(parser.parse(text), MAX_EVENTS)
    except ReaderError as error:
        line, column = _offset_position(text, error.position)
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        raise ComposeError(line, column, f"the character {character} is not allowed in YAML; remove it") from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = (error.problem or error.context or "invalid YAML").strip()
        context = f" ({error.context.strip()} on line {error.context_mark.line + 1})" if _has_context(error) else ""
        raise ComposeError(line, column, f"YAML syntax error: {problem}{context}") from None
    except YAMLError as error:
        raise ComposeError(1, 1, f"YAML syntax error: {error}") from None
    except RecursionError:
        raise ComposeError(1, 1, "the YAML nests too deeply; a plan file is a few levels deep") from None


def _has_context(error: object) -> bool:
    context, context_mark, problem_mark = (
        getattr(error, name, None) for name in ("context", "context_mark", "problem_mark")
    )
    return (
        bool(context) and context_mark is not None and (problem_mark is None or context_mark.line != problem_mark.line)
    )


def _offset_position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _locate(finding: Finding, name: str, source: SourceMap) -> PlanError | None:
    """A finding at its position (``sources.place``), in the file where that part of the plan is written.

    None for a resource no task uses when the resource comes from another file:
    a lab fragment lists the whole lab, and a plan need not use all of it.
    """
    line, column = place(finding, source)
    message = finding.message
    if finding.related is not None:  # another entry of the same mapping, so of the same file
        other_line, _ = source.position(finding.related)
        message = message.replace("{related}", f"{source.display(finding.related)} on line {other_line}")
    file, context = name, ""
    if isinstance(source, PlanSources):
        origin = source.file_at(finding.path[:-1] if finding.at_parent else finding.path)
        if origin is not source.top:
            if finding.warning and finding.path[:1] == ("resources",):
                return None
            file, context = origin.name, origin.context()
    return PlanError(file, line, column, source.display(finding.path), message + context)


def _sorted(errors: list[PlanError], name: str) -> tuple[PlanError, ...]:
    """By position: the plan's own file first, then the files it names."""
    unique = dict.fromkeys(errors)
    return tuple(sorted(unique, key=lambda e: (e.file != name, e.file, e.line, e.column, e.path, e.message)))


def _at_most(problems: tuple[PlanError, ...], name: str, kind: str = "errors") -> tuple[PlanError, ...]:
    """The first ``MAX_ERRORS`` problems, and a last one that says more were left out."""
    if len(problems) <= MAX_ERRORS:
        return problems
    cut = problems[MAX_ERRORS]
    note = PlanError(name, cut.line, cut.column, "", f"more than {MAX_ERRORS} {kind}; fix the ones above first")
    return (*problems[:MAX_ERRORS], note)


def _failed(
    path: Path,
    name: str,
    line: int,
    column: int,
    message: str,
    source: SourceMap | None = None,
    shown_path: str = "",
) -> LoadedPlan:
    error = PlanError(name, line, column, shown_path, message)
    return LoadedPlan(path, None, (error,), (), source or SourceMap(None))


def revalidate(loaded: LoadedPlan, changes: dict[str, object], *, cause: str) -> LoadedPlan:
    """``loaded`` with top-level keys of its document replaced by ``changes``, validated and
    checked again as a file would be (a command-line option that changes the plan in memory).

    Positions stay those of the file (a key the change added has none of its own, so its
    problems point at the closest key that exists); every error names ``cause`` (the
    option, e.g. ``--status-date 2026-03-02``), since the file alone had none. The
    warnings are the changed plan's.
    """
    if loaded.source.root is None:
        raise ValueError("revalidate needs a plan that loaded from YAML")
    document = to_data(loaded.source.root, MAX_VALUES)
    assert isinstance(document, dict)  # a loaded plan's root is a mapping
    document.update(changes)
    checked = validate_document(document, loaded.source, loaded.path, str(loaded.path))
    errors = tuple(dataclasses.replace(error, message=f"{error.message} (with {cause})") for error in checked.errors)
    return dataclasses.replace(checked, errors=errors)


__all__ = [
    "FoundFiles",
    "LoadedPlan",
    "PlanError",
    "find_plan_files",
    "load_file",
    "load_plan",
    "load_plan_text",
    "looks_like_plan",
    "parse_value",
    "revalidate",
    "scan_plan_files",
    "validate_document",
]
