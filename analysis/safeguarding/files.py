"""Reading, checking and merging safeguarding phrase files.

A phrase file is YAML with up to four top-level keys, all optional::

    categories:            # what to look for, by category key
      self_harm:
        label: Self-harm or suicidal thoughts   # required the first time a key appears
        phrases: [...]     # flag whenever one matches
        negatable: [...]   # flag unless a negation comes just before ("not bullied")
        ignore: [...]      # a match inside one of these is not a flag ("bully training")
        patterns: [...]    # regular expressions on the canonical text, never negated
    groups:                # named alternatives that phrases use as <name>
      parent: [mum, dad, step dad, ...]
    spellings:             # one written word -> the words to read instead
      wanna: want to
    negations: [not, no, never, ...]   # words that can cancel a negatable phrase

Files are merged in order: a category, group or negation list that already
exists is extended, a later label replaces an earlier one, and a later
spelling of the same word replaces an earlier one. Every problem is reported
as a :class:`PhraseFileError` naming the file and the key, for example
``local.yaml: categories.neglect.phrases[2]: '(' is missing``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .grammar import (
    CompiledPhrase,
    PhraseSyntaxError,
    choice,
    compile_phrase,
    group_names,
    valid_name,
)
from .tokens import canonical_words, squash

__all__ = [
    "DEFAULT_PHRASE_DIR",
    "PhraseBook",
    "PhraseFileError",
    "Rule",
    "default_phrase_files",
    "load_phrase_files",
]

#: The folder of phrase files shipped with Chorus.
DEFAULT_PHRASE_DIR = Path(__file__).resolve().parent / "phrases"

_TOP_KEYS = ("categories", "groups", "spellings", "negations")
_LIST_KEYS = ("phrases", "negatable", "ignore", "patterns")
_CATEGORY_KEYS = ("label", *_LIST_KEYS)


class PhraseFileError(ValueError):
    """A phrase file that cannot be read or does not follow the format.

    Attributes
    ----------
    path : str
        The file.
    key : str
        Where in the file, as a dotted path with list indices
        (``categories.neglect.phrases[2]``); empty for the file as a whole.
    """

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Entry:
    """One phrase, pattern or group alternative, with where it was written."""

    text: str
    path: str
    key: str

    def error(self, problem: str) -> PhraseFileError:
        return PhraseFileError(self.path, self.key, problem)


@dataclass
class _CategorySpec:
    label: str | None = None
    lists: dict[str, list[Entry]] = field(default_factory=lambda: {k: [] for k in _LIST_KEYS})


@dataclass(frozen=True)
class Rule:
    """One compiled phrase or pattern of a category.

    Attributes
    ----------
    category : str
        The category key.
    kind : str
        ``"phrases"``, ``"negatable"`` or ``"ignore"`` (patterns are phrases).
    pattern : re.Pattern
        Matched from the space before a word of the canonical text.
    firsts : frozenset of (str, bool)
        The words a match can start with (True: a stem); empty for a raw
        pattern, which is searched for anywhere.
    """

    category: str
    kind: str
    pattern: re.Pattern[str]
    firsts: frozenset[tuple[str, bool]]


@dataclass
class PhraseBook:
    """The merged content of one or more phrase files, checked but not yet compiled."""

    categories: dict[str, _CategorySpec] = field(default_factory=dict)
    groups: dict[str, list[Entry]] = field(default_factory=dict)
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negations: set[str] = field(default_factory=set)

    def read(self, path: str | os.PathLike[str]) -> None:
        """Check one phrase file and merge it into this book."""
        name = str(path)
        data = _load_yaml(Path(path), name)
        if not isinstance(data, dict):
            raise PhraseFileError(name, "", "the file must be a mapping with keys such as "
                                            "'categories:'")
        for key in data:
            if key not in _TOP_KEYS:
                raise PhraseFileError(name, str(key), f"unknown key; expected one of "
                                                      f"{', '.join(_TOP_KEYS)}")
        self._read_spellings(data.get("spellings") or {}, name)
        self._read_negations(data.get("negations") or [], name)
        self._read_groups(data.get("groups") or {}, name)
        self._read_categories(data.get("categories") or {}, name)

    def _read_spellings(self, spellings: Any, path: str) -> None:
        if not isinstance(spellings, dict):
            raise PhraseFileError(path, "spellings", "expected a mapping of word: words")
        for written, instead in spellings.items():
            key = f"spellings.{written}"
            if isinstance(written, bool) or not isinstance(written, str | int):
                raise PhraseFileError(path, key, "the word must be text (write it in quotes)")
            words = canonical_words(str(written))
            if len(words) != 1:
                raise PhraseFileError(path, key, "the word to replace must be one word")
            if isinstance(instead, bool) or not isinstance(instead, str | int):
                raise PhraseFileError(path, key, "the replacement must be text (write it in "
                                                 "quotes)")
            replacement = canonical_words(str(instead))
            if not replacement:
                raise PhraseFileError(path, key, "the replacement has no letters or digits")
            self.spellings[words[0]] = replacement

    def _read_negations(self, negations: Any, path: str) -> None:
        for index, word in enumerate(_text_list(negations, path, "negations")):
            if not re.fullmatch(r"[^\W_]+", squash(word)):
                raise PhraseFileError(path, f"negations[{index}]", "a negation is one word")
            self.negations.add(squash(word))

    def _read_groups(self, groups: Any, path: str) -> None:
        if not isinstance(groups, dict):
            raise PhraseFileError(path, "groups", "expected a mapping of name: [alternatives]")
        for name, alternatives in groups.items():
            key = f"groups.{name}"
            if not isinstance(name, str) or not valid_name(name):
                raise PhraseFileError(path, key, "a group name is lower case letters, digits "
                                                 "and underscores")
            entries = [Entry(text, path, f"{key}[{i}]")
                       for i, text in enumerate(_text_list(alternatives, path, key))]
            self.groups.setdefault(name, []).extend(entries)

    def _read_categories(self, categories: Any, path: str) -> None:
        if not isinstance(categories, dict):
            raise PhraseFileError(path, "categories", "expected a mapping of key: {label, "
                                                      "phrases, ...}")
        for name, body in categories.items():
            key = f"categories.{name}"
            if not isinstance(name, str) or not valid_name(name):
                raise PhraseFileError(path, key, "a category key is lower case letters, digits "
                                                 "and underscores")
            if not isinstance(body, dict):
                raise PhraseFileError(path, key, "expected a mapping with label and phrases")
            for part in body:
                if part not in _CATEGORY_KEYS:
                    raise PhraseFileError(path, f"{key}.{part}", "unknown key; expected one of "
                                                                 f"{', '.join(_CATEGORY_KEYS)}")
            spec = self.categories.get(name) or _CategorySpec()
            label = body.get("label")
            if label is not None and (not isinstance(label, str) or not label.strip()):
                raise PhraseFileError(path, f"{key}.label", "the label must be plain text")
            if label is None and spec.label is None:
                raise PhraseFileError(path, f"{key}.label", "a new category needs a label")
            spec.label = label.strip() if label else spec.label
            for part in _LIST_KEYS:
                texts = _text_list(body.get(part) or [], path, f"{key}.{part}")
                spec.lists[part].extend(Entry(t, path, f"{key}.{part}[{i}]")
                                        for i, t in enumerate(texts))
            self.categories[name] = spec

    def labels(self) -> dict[str, str]:
        """Every category key with its label, in the order the categories were first read."""
        return {name: spec.label or name for name, spec in self.categories.items()}

    def compile(self) -> tuple[Rule, ...]:
        """Compile every phrase; phrase errors name the file and key of the phrase."""
        groups = self._compile_groups()
        rules = []
        for name, spec in self.categories.items():
            for kind in ("phrases", "negatable", "ignore"):
                for entry in spec.lists[kind]:
                    compiled = _compile_entry(entry, self._canonical, groups)
                    rules.append(Rule(name, kind, re.compile(compiled.regex), compiled.firsts))
            for entry in spec.lists["patterns"]:
                try:
                    pattern = re.compile(entry.text)
                except re.error as error:
                    raise entry.error(f"not a valid regular expression: {error}") from None
                rules.append(Rule(name, "phrases", pattern, frozenset()))
        return tuple(rules)

    def _canonical(self, written: str) -> tuple[str, ...]:
        return canonical_words(written, self.spellings)

    def _compile_groups(self) -> dict[str, CompiledPhrase]:
        done: dict[str, CompiledPhrase] = {}

        def build(name: str, stack: tuple[str, ...]) -> None:
            if name in done:
                return
            for entry in self.groups[name]:
                for ref in group_names(entry.text):
                    if ref in stack or ref == name:
                        raise entry.error(f"group <{ref}> refers to itself")
                    if ref in self.groups:
                        build(ref, (*stack, name))
            options = [_compile_entry(e, self._canonical, done) for e in self.groups[name]]
            done[name] = choice(options)

        for name in self.groups:
            build(name, ())
        return done


def _compile_entry(
    entry: Entry, canonical: Any, groups: Mapping[str, CompiledPhrase]
) -> CompiledPhrase:
    try:
        return compile_phrase(entry.text, canonical, groups)
    except PhraseSyntaxError as error:
        raise entry.error(f"{error} in {entry.text!r}") from None


def _text_list(value: Any, path: str, key: str) -> list[str]:
    if not isinstance(value, list):
        raise PhraseFileError(path, key, "expected a list")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise PhraseFileError(path, f"{key}[{index}]",
                                  f"expected text, got {item!r} (write it in quotes)")
    return [item.strip() for item in value]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key written twice in one mapping.

    PyYAML keeps the last of two equal keys silently, which would drop a whole
    list of phrases without a word.
    """


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            seen = key in result
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark) from None
        if seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is written twice", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _load_yaml(path: Path, name: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PhraseFileError(name, "", f"cannot be read: {error}") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as error:
        raise PhraseFileError(name, "", f"is not valid YAML: {error}") from None


def default_phrase_files() -> list[Path]:
    """The phrase files shipped with Chorus, in the order they are read."""
    return sorted(DEFAULT_PHRASE_DIR.glob("*.yaml"))


def load_phrase_files(paths: Iterable[str | os.PathLike[str]]) -> PhraseBook:
    """Read, check and merge phrase files, in order, into one :class:`PhraseBook`.

    Raises
    ------
    PhraseFileError
        If a file cannot be read, is not valid YAML, or breaks the format; the
        message names the file and the key.
    """
    book = PhraseBook()
    for path in paths:
        book.read(path)
    return book
