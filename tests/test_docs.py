"""The README stays true: its example loads, and every command is documented."""

import re
from pathlib import Path

import click
import pytest

import surveys
from feedback.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def all_commands(group: click.Group, prefix: str = "chorus") -> list[str]:
    names = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            names.extend(all_commands(command, full))
        else:
            names.append(full)
    return names


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block


def test_readme_survey_example_is_a_valid_definition():
    example = next(block for block in re.findall(r"```yaml\n(.*?)```", README, re.S)
                   if block.startswith("key:"))
    survey = surveys.loads_survey(example, "README.md")
    assert survey.question("why_not_safe").show_if.question == "feel_safe"


@pytest.mark.parametrize("command", all_commands(main))
def test_every_command_is_in_the_readme(command):
    assert f"`{command}" in README, f"{command} is not described in README.md"


def test_readme_library_table_lists_every_library_survey():
    for survey in surveys.load_library():
        assert f"`{survey.key}`" in README
