"""Load YAML and remember the line of every key, so config errors can name file and line."""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]

# Values a gates file may expand to, aliases included. A real one has a few hundred; an
# "alias bomb" (each alias doubling the one before) reaches millions from 2 KB, and would hang
# the validation for minutes: it is refused before anything is built from it.
MAX_VALUES = 50_000


class YamlError(ValueError):
    """A YAML document could not be read; ``line`` is 1-based or None; ``field`` is the dotted
    key path when one is known (a duplicate key)."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves an impossible date (2027-13-01) as a string instead of raising a
    bare ValueError with no line: schema validation then reports it with its key and line.

    Mapping keys stay as written: every key in a gates file is a name, and a component or
    profile called ``off`` or ``yes`` must not become a boolean (the line map uses the text)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_node.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse ``text``; return the data and a map from key path to 1-based line number.

    Duplicate keys are an error here, where PyYAML would silently keep the last one.
    """
    lines: dict[Path_, int] = {}
    loader = _Loader(text)  # safe: _Loader is a SafeLoader
    try:
        # Parsed once: the node gives the lines, then the data (what yaml.load does). The walk
        # comes first: constructing folds merge keys (<<) into the node in place.
        node = loader.get_single_node()
        if node is not None:
            _walk(node, (), lines, _Walk())
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        return_line = mark.line + 1 if mark else None
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != return_line:
            # An unclosed bracket or quote is found lines later: say where it was opened.
            problem += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise YamlError(f"invalid YAML: {problem}", return_line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, lines


class _Walk:
    """What the walk has seen: how many values, and which nodes enclose the current one (an
    alias to one of those is a document that contains itself)."""

    def __init__(self) -> None:
        self.values = 0
        self.enclosing: set[int] = set()


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], walk: _Walk) -> None:
    line = node.start_mark.line + 1
    walk.values += 1
    if walk.values > MAX_VALUES:
        raise YamlError(
            f"the file expands to more than {MAX_VALUES:,} values through its aliases"
            " (an alias bomb?); write the values out or use fewer aliases",
            lines.get(path[:1], line),  # the top-level key whose value grew past the limit
        )
    if id(node) in walk.enclosing:
        raise YamlError(
            "an alias refers to a value that contains it (the document would be infinite)",
            line,
            ".".join(str(p) for p in path) or None,
        )
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        walk.enclosing.add(id(node))
        try:
            _walk_children(node, path, lines, walk)
        finally:
            walk.enclosing.discard(id(node))


def _walk_children(
    node: yaml.MappingNode | yaml.SequenceNode, path: Path_, lines: dict[Path_, int], walk: _Walk
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise YamlError(
                    f"duplicate key '{key}'",
                    key_node.start_mark.line + 1,
                    ".".join(str(p) for p in (*path, key)),
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            # The key's own line wins over its value's: errors about a value name its key.
            _walk(value_node, (*path, key), lines, walk)
    else:
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, walk)


def line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
