"""The example bank of the meaning layer: example disclosures per category, and
ordinary answers, in YAML files that a service can extend.

Each file holds one category::

    # a comment saying where the examples came from
    category: self_harm          # a category key, or "ordinary"
    label: Self-harm or suicidal thoughts   # optional; needed for a new category
    examples:
      - i want to go to sleep and not wake up
      - ...

The shipped files are in ``analysis/safeguarding/examples/``. The bank's
:attr:`ExampleBank.version` is a hash of its contents, stored with every flag
the meaning layer raises, so a flag always says which examples it came from.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.text import normalise

__all__ = ["DEFAULT_EXAMPLE_DIR", "ORDINARY", "ExampleBank", "ExampleFileError",
           "default_example_files"]

#: Where the shipped example files are.
DEFAULT_EXAMPLE_DIR = Path(__file__).resolve().parent / "examples"

#: The category of answers that are not a concern.
ORDINARY = "ordinary"

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_FILE_KEYS = frozenset({"category", "label", "examples"})


class ExampleFileError(ValueError):
    """An example file cannot be used; the message names the file and the key."""

    def __init__(self, path: str | os.PathLike[str], key: str, problem: str) -> None:
        self.path = str(path)
        self.key = key
        super().__init__(f"{Path(path).name}: {key}: {problem}" if key else
                         f"{Path(path).name}: {problem}")


def default_example_files() -> list[Path]:
    """The shipped example files, in name order."""
    return sorted(DEFAULT_EXAMPLE_DIR.glob("*.yaml"))


@dataclass(frozen=True)
class ExampleBank:
    """Examples the meaning layer learns from.

    Attributes
    ----------
    texts : tuple of str
        The examples, normalised (:func:`analysis.text.normalise`), each once.
    categories : tuple of str
        For each text its category key, or :data:`ORDINARY`.
    labels : mapping of str to str
        Plain-English labels the files gave (category -> label).
    """

    texts: tuple[str, ...]
    categories: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.categories):
            raise ValueError("texts and categories differ in length")

    @property
    def version(self) -> str:
        """A short hash of every example and its category: changes when the bank does."""
        digest = hashlib.sha256()
        for text, category in sorted(zip(self.texts, self.categories, strict=True)):
            digest.update(f"{category}\0{text}\n".encode())
        return digest.hexdigest()[:12]

    @property
    def concern_categories(self) -> list[str]:
        """The category keys with examples, in name order (not :data:`ORDINARY`)."""
        return sorted(set(self.categories) - {ORDINARY})

    def __len__(self) -> int:
        return len(self.texts)

    @classmethod
    def default(cls) -> ExampleBank:
        """The shipped examples."""
        return cls.from_files(default_example_files(), include_default=False)

    @classmethod
    def from_files(cls, paths: Iterable[str | os.PathLike[str]],
                   include_default: bool = True) -> ExampleBank:
        """The examples of ``paths`` (after the shipped ones, unless ``include_default``
        is False). A text given twice keeps its first category.

        Raises
        ------
        ExampleFileError
            If a file cannot be read or breaks the format.
        """
        files: list[str | os.PathLike[str]] = []
        if include_default:
            files.extend(default_example_files())
        files.extend(paths)
        seen: dict[str, str] = {}
        labels: dict[str, str] = {}
        for path in files:
            category, label, examples = _read(path)
            if label:
                labels[category] = label
            for text in examples:
                seen.setdefault(text, category)
        return cls(tuple(seen), tuple(seen.values()), labels)


def _read(path: str | os.PathLike[str]) -> tuple[str, str | None, list[str]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ExampleFileError(path, "", f"cannot be read ({e.strerror})") from None
    except yaml.YAMLError as e:
        raise ExampleFileError(path, "", f"is not valid YAML ({e})") from None
    if not isinstance(data, dict):
        raise ExampleFileError(path, "", "must be a mapping with category and examples")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ExampleFileError(path, sorted(unknown)[0],
                               f"unknown key (known: {', '.join(sorted(_FILE_KEYS))})")
    category = data.get("category")
    if not isinstance(category, str) or not _KEY.match(category):
        raise ExampleFileError(path, "category",
                               "must be a key of lower-case letters, digits and underscores")
    label = data.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip()):
        raise ExampleFileError(path, "label", "must be plain text")
    examples = data.get("examples")
    if not isinstance(examples, list) or not examples:
        raise ExampleFileError(path, "examples", "must be a list of at least one answer")
    texts = []
    for index, example in enumerate(examples):
        if not isinstance(example, str) or not normalise(example):
            raise ExampleFileError(path, f"examples[{index}]", "must be a non-empty text")
        texts.append(normalise(example))
    return category, label.strip() if label else None, texts
