"""A web worker starts without the analysis stack.

Every gunicorn worker builds the app, and most serve only respondents' pages. Loading
scikit-learn, SciPy, matplotlib (or the sentence model's torch) there cost 2.5 s of CPU
per worker start and its memory for the life of the worker, so those load on first use
in the workspace pages that draw charts, find themes or write exports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from feedback.services import themes as theme_runs

ROOT = Path(__file__).resolve().parents[2]

#: what a worker that serves respondents must not import
HEAVY = ("sklearn", "scipy", "matplotlib", "torch", "sentence_transformers", "fpdf",
         "openpyxl")

CREATE_APP = """
import json, sys
import feedback
app = feedback.create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:"},
                          instance_path=sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[2:])))
"""


def test_creating_the_app_imports_no_analysis_stack(tmp_path):
    # a fresh interpreter: this one has imported everything the other tests needed
    done = subprocess.run([sys.executable, "-c", CREATE_APP, str(tmp_path), *HEAVY],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert sorted({m.split(".")[0] for m in loaded}) == []


def test_the_non_answer_theme_number_is_the_analysis_one():
    # kept in feedback.services.themes so pages that read themes need not import the stack
    from analysis.themes import NON_ANSWER_ID

    assert theme_runs.NON_ANSWER_ID == NON_ANSWER_ID
