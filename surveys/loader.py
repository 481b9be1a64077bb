"""Load survey definitions from YAML, with errors that say exactly where.

Every mistake a person can make in a definition file is reported as a
:class:`DefinitionError` naming the file, the line and the key path, for
example ``staff.yaml, line 14: sections[1].questions[2].type: unknown
question type 'agremeent'``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from surveys.concerns import concern_problems
from surveys.model import (
    Audience,
    Choice,
    HelpContact,
    Mode,
    PageMode,
    Question,
    Section,
    Settings,
    ShowIf,
    Survey,
    Translation,
)
from surveys.types import UnknownQuestionType, get_type

SURVEY_KEY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
#: choice values may start with a digit (age bands like 16_17, rating values like 9)
CHOICE_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$")


class DefinitionError(ValueError):
    """A survey definition is malformed. ``str()`` gives a message for a person."""

    def __init__(self, message: str, *, source: str = "<definition>", line: int | None = None,
                 key: str = "") -> None:
        self.message, self.source, self.line, self.key = message, source, line, key
        where = source if line is None else f"{source}, line {line}"
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")


class _Node(dict):
    """A mapping that remembers the line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


def _join(path: str, name: str) -> str:
    """``sections[0]`` + ``title`` -> ``sections[0].title``; no leading dot at the top."""
    if not path or name.startswith("["):
        return path + name
    return f"{path}.{name}" if name else path


# The C parser when PyYAML has it (about ten times faster); same safe constructors.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):
    """SafeLoader whose mappings are :class:`_Node` with line numbers (1-based).

    It tracks the key path of what it is building, so that a key written twice
    (which the YAML parser itself accepts) is reported with its full path.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.path = ""

    def construct_sequence(self, node: yaml.Node, deep: bool = False) -> list[Any]:
        result, parent = [], self.path
        for i, child in enumerate(node.value):
            self.path = _join(parent, f"[{i}]")
            result.append(self.construct_object(child, deep=deep))
        self.path = parent
        return result

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Node:
        result = _Node()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        parent = self.path
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, Hashable):
                raise DefinitionError("a key must be a single word, not a list or mapping",
                                      line=line, key=parent)
            if key in result:
                raise DefinitionError(f"the key {key!r} appears twice", line=line,
                                      key=_join(parent, str(key)))
            result.key_lines[key] = line
            self.path = _join(parent, str(key))
            result[key] = self.construct_object(value_node, deep=True)
        self.path = parent
        return result

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as e:  # 2025-02-30 matches the pattern but is no date
            raise DefinitionError(f"{node.value!r} is not a real date ({e})",
                                  line=node.start_mark.line + 1, key=self.path) from None


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)

# YAML 1.1 reads 16_17 as 1617, 10:30 as 630 and 0123 as 83. People write age bands,
# times and phone numbers like that and mean the text, so only plain decimals are ints.
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                  list("-+0123456789"))
# As in YAML 1.2, only true and false are booleans: "yes", "no", "on" and "off" stay
# text, so an answer value "yes" means the choice yes.
_LineLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


class _Reader:
    """Walks a parsed definition, turning each part into model objects."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen: dict[str, Question] = {}
        self.section_keys: set[str] = set()
        self.languages: tuple[str, ...] = ("en",)

    def fail(self, message: str, node: Any, path: str, field: str | None = None) -> DefinitionError:
        line = None
        if isinstance(node, _Node):
            line = node.key_lines.get(field, node.line) if field else node.line
        return DefinitionError(message, source=self.source, line=line,
                               key=_join(path, field or ""))

    def mapping(self, node: Any, path: str, required: tuple[str, ...],
                optional: tuple[str, ...]) -> _Node:
        if not isinstance(node, dict):
            raise self.fail("must be a mapping of keys to values", node, path)
        for name in required:
            if node.get(name) in (None, ""):
                raise self.fail("is required", node, path, name)
        unknown = [k for k in node if k not in required + optional]
        if unknown:
            allowed = ", ".join(required + optional)
            raise self.fail(f"unknown key (allowed here: {allowed})", node, path, str(unknown[0]))
        assert isinstance(node, _Node)
        return node

    def text(self, node: Mapping[str, Any], path: str, name: str, default: str = "") -> str:
        value = node.get(name, default)
        if value is None:
            return default
        if not isinstance(value, str | int | float):
            raise self.fail("must be text", node, path, name)
        return str(value).strip()

    def integer(self, node: _Node, path: str, name: str, default: int, minimum: int) -> int:
        value = node.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(f"must be a whole number of at least {minimum}", node, path, name)
        return value

    def flag(self, node: _Node, path: str, name: str, default: bool = False) -> bool:
        value = node.get(name, default)
        if not isinstance(value, bool):
            raise self.fail("must be true or false", node, path, name)
        return value

    def choice_of(self, enum: type[Enum], node: _Node, path: str, name: str, default: Any) -> Any:
        value = node.get(name, default)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            raise self.fail(f"{value!r} is not one of: {allowed}", node, path, name) from None

    def listing(self, node: _Node, path: str, name: str, *, required: bool = False) -> list:
        value = node.get(name)
        if value is None:
            if required:
                raise self.fail("is required", node, path, name)
            return []
        if not isinstance(value, list):
            raise self.fail("must be a list", node, path, name)
        if required and not value:
            raise self.fail("must not be empty", node, path, name)
        return value

    # -- parts -------------------------------------------------------------

    def survey(self, doc: Any) -> Survey:
        doc = self.mapping(doc, "", ("key", "title", "audience", "sections"),
                           ("version", "description", "settings", "translations"))
        key = self.text(doc, "", "key")
        if not SURVEY_KEY.match(key):
            raise self.fail("use lower-case letters, digits and hyphens, like staff-annual",
                            doc, "", "key")
        settings = self.settings(doc.get("settings") or _empty(doc), "settings")
        self.languages = settings.languages
        sections = [self.section(s, f"sections[{i}]")
                    for i, s in enumerate(self.listing(doc, "", "sections", required=True))]
        return Survey(
            key=key,
            title=self.text(doc, "", "title"),
            audience=self.choice_of(Audience, doc, "", "audience", None),
            version=self.integer(doc, "", "version", 1, 1),
            description=self.text(doc, "", "description"),
            settings=settings,
            sections=tuple(sections),
            translations=self.translations(doc, "", ("title", "description")),
        )

    def settings(self, node: Any, path: str) -> Settings:
        node = self.mapping(node, path, (), (
            "mode", "page_mode", "min_group_score", "min_group_comments", "retention_days",
            "safeguarding_notice", "safeguarding_notice_translations", "help_contacts",
            "languages", "age_band", "allow_resume"))
        languages = tuple(str(x) for x in self.listing(node, path, "languages")) or ("en",)
        for lang in languages:
            if not LANGUAGE.match(lang):
                raise self.fail(f"{lang!r} is not a language code like en or cy", node, path,
                                "languages")
        if languages[0] != "en":
            raise self.fail("English (en) comes first", node, path, "languages")
        self.languages = languages
        notices = node.get("safeguarding_notice_translations") or {}
        if not isinstance(notices, dict):
            raise self.fail("must map language codes to text", node, path,
                            "safeguarding_notice_translations")
        p = _join(path, "safeguarding_notice_translations")
        for lang in notices:
            self.check_language(lang, notices, p)
            self.text(notices, p, lang)
        contacts = []
        for i, c in enumerate(self.listing(node, path, "help_contacts")):
            p = f"{path}.help_contacts[{i}]"
            c = self.mapping(c, p, ("name",), ("phone", "url", "description"))
            contacts.append(HelpContact(self.text(c, p, "name"), self.text(c, p, "phone"),
                                        self.text(c, p, "url"), self.text(c, p, "description")))
        return Settings(
            mode=self.choice_of(Mode, node, path, "mode", Mode.ANONYMOUS),
            page_mode=self.choice_of(PageMode, node, path, "page_mode", PageMode.SECTIONS),
            min_group_score=self.integer(node, path, "min_group_score", 5, 1),
            min_group_comments=self.integer(node, path, "min_group_comments", 10, 1),
            retention_days=self.integer(node, path, "retention_days", 730, 1),
            safeguarding_notice=self.text(node, path, "safeguarding_notice"),
            safeguarding_notice_translations=MappingProxyType(
                {str(k): self.text(notices, p, k) for k in notices}),
            help_contacts=tuple(contacts),
            languages=languages,
            age_band=self.text(node, path, "age_band"),
            allow_resume=self.flag(node, path, "allow_resume", True),
        )

    def section(self, node: Any, path: str) -> Section:
        node = self.mapping(node, path, ("key", "title", "questions"),
                            ("intro", "translations"))
        key = self.text(node, path, "key")
        if not FIELD_KEY.match(key):
            raise self.fail("use lower-case letters, digits and underscores", node, path, "key")
        if key in self.section_keys:
            raise self.fail(f"duplicate section key {key!r}", node, path, "key")
        self.section_keys.add(key)
        questions = [self.question(q, f"{path}.questions[{i}]")
                     for i, q in enumerate(self.listing(node, path, "questions", required=True))]
        return Section(key=key, title=self.text(node, path, "title"),
                       intro=self.text(node, path, "intro"), questions=tuple(questions),
                       translations=self.translations(node, path, ("title", "intro")))

    def question(self, node: Any, path: str) -> Question:
        node = self.mapping(node, path, ("key", "type", "text"), (
            "hint", "required", "choices", "dont_know", "rather_not_say", "show_if", "core",
            "options", "translations", "concern"))
        key = self.text(node, path, "key")
        if not FIELD_KEY.match(key):
            raise self.fail("use lower-case letters, digits and underscores, like feel_safe",
                            node, path, "key")
        if key in self.seen:
            raise self.fail(f"duplicate question key {key!r}", node, path, "key")
        try:
            qtype = get_type(self.text(node, path, "type"))
        except UnknownQuestionType as e:
            raise self.fail(str(e), node, path, "type") from None
        options = node.get("options") or {}
        if not isinstance(options, dict):
            raise self.fail("must be a mapping", node, path, "options")
        question = Question(
            key=key, type=qtype.name, text=self.text(node, path, "text"),
            hint=self.text(node, path, "hint"),
            required=self.flag(node, path, "required"),
            choices=tuple(self.choices(node, path)),
            dont_know=self.flag(node, path, "dont_know", qtype.name == "agreement"),
            rather_not_say=self.flag(node, path, "rather_not_say"),
            show_if=self.show_if(node, path),
            core=self.flag(node, path, "core"),
            options=MappingProxyType(dict(options)),
            translations=self.translations(node, path, ("text", "hint")),
            concern=self.concern_values(node, path),
        )
        for problem in qtype.check(question):
            field, _, message = problem.partition(": ")
            head, _, rest = field.partition(".")
            if head == "options" and rest in getattr(options, "key_lines", {}):
                raise self.fail(message, options, f"{path}.options", rest)
            raise self.fail(message, node, path, head) from None
        problems = concern_problems(question)
        if problems:
            raise self.fail(problems[0], node, path, "concern")
        self.seen[key] = question
        return question

    def concern_values(self, node: _Node, path: str) -> tuple[str, ...]:
        """``concern:`` as a tuple of answer values; one bare value is a list of one."""
        raw = node.get("concern")
        if raw is None:
            return ()
        values = raw if isinstance(raw, list) else [raw]
        if any(isinstance(v, bool) or not isinstance(v, str | int) for v in values):
            raise self.fail("list the answer values that raise a concern, like [sad]",
                            node, path, "concern")
        return tuple(str(v) for v in values)

    def choices(self, node: _Node, path: str) -> list[Choice]:
        result = []
        for i, c in enumerate(self.listing(node, path, "choices")):
            p = f"{path}.choices[{i}]"
            if isinstance(c, bool):
                # YAML reads a bare Yes/No/On/Off as true/false, not as the word
                raise self.fail("write this choice in quotes, like \"Yes\"", node, path,
                                "choices")
            if isinstance(c, str | int):
                result.append(Choice(_slug(str(c)), str(c)))
                continue
            c = self.mapping(c, p, ("value", "label"), ("translations",))
            value = self.text(c, p, "value")
            if not CHOICE_VALUE.match(value):
                raise self.fail("use lower-case letters, digits and underscores", c, p, "value")
            langs = c.get("translations") or {}
            if not isinstance(langs, dict):
                raise self.fail("must map language codes to labels", c, p, "translations")
            for lang in langs:
                self.check_language(lang, langs, f"{p}.translations")
            result.append(Choice(value, self.text(c, p, "label"),
                                 MappingProxyType({k: str(v) for k, v in langs.items()})))
        return result

    def show_if(self, node: _Node, path: str) -> ShowIf | None:
        raw = node.get("show_if")
        if raw is None:
            return None
        p = f"{path}.show_if"
        raw = self.mapping(raw, p, ("question",), ("equals", "in", "not_in"))
        given = [k for k in ("equals", "in", "not_in") if k in raw]
        if len(given) != 1:
            raise self.fail("give exactly one of equals, in or not_in", raw, p)
        target = self.text(raw, p, "question")
        if target not in self.seen:
            raise self.fail(f"{target!r} is not an earlier question; show_if can only look "
                            "back", raw, p, "question")
        values = raw[given[0]]
        values = tuple(str(v) for v in (values if isinstance(values, list) else [values]))
        earlier = self.seen[target]
        offered = {c.value for c in get_type(earlier.type).offered(earlier)}
        if offered:
            wrong = [v for v in values if v not in offered]
            if wrong:
                raise self.fail(f"{wrong[0]!r} is not an answer to {target!r} "
                                f"(answers: {', '.join(sorted(offered))})", raw, p, given[0])
        return ShowIf(target, values, negate=given[0] == "not_in")

    def translations(self, node: _Node, path: str, fields: tuple[str, str]
                     ) -> Mapping[str, Translation]:
        raw = node.get("translations")
        if raw is None:
            return MappingProxyType({})
        if not isinstance(raw, dict):
            raise self.fail("must map language codes to wording", node, path, "translations")
        result = {}
        for lang, wording in raw.items():
            self.check_language(lang, raw, _join(path, "translations"))
            p = _join(path, f"translations.{lang}")
            wording = self.mapping(wording, p, (fields[0],), (fields[1],))
            result[str(lang)] = Translation(self.text(wording, p, fields[0]),
                                            self.text(wording, p, fields[1]))
        return MappingProxyType(result)

    def check_language(self, lang: Any, node: Any, path: str) -> None:
        if lang not in self.languages[1:]:
            raise self.fail(f"{lang!r} is not in settings.languages "
                            f"({', '.join(self.languages)})", node, path, str(lang))


def _empty(parent: _Node) -> _Node:
    node = _Node()
    node.line, node.key_lines = parent.line, {}
    return node


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "choice"


def loads_survey(text: str, source: str = "<definition>") -> Survey:
    """Parse a definition from YAML text; raises :class:`DefinitionError`."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except DefinitionError as e:
        raise DefinitionError(e.message, source=source, line=e.line, key=e.key) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        raise DefinitionError(f"not valid YAML: {problem}", source=source, line=line) from None
    finally:
        loader.dispose()
    if not isinstance(doc, dict):
        raise DefinitionError("a definition must be a mapping of keys to values, starting "
                              "with key, title, audience and sections", source=source,
                              line=node.start_mark.line + 1 if node is not None else None)
    return _Reader(source).survey(doc)


def load_survey(path: str | Path) -> Survey:
    """Load a definition file; errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DefinitionError(f"cannot read the file ({e})", source=path.name) from None
    return loads_survey(text, source=path.name)
