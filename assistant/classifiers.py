"""Polarity and standard classifiers learnt from the reports' own labelled material.

Why learnt and not only cue words: the cue lexicon (``assistant.tone``) misses the reports'
register ("Pleasingly, ...", "an area of strength", "no delays in accessing these services"
read as negative to a lexicon). Every report labels its own sentences for us: the bullets under
"Strengths" and "Areas for improvement" are polarity labels, and every sentence of a standard's
section belongs to that standard. Logistic regression (scikit-learn) on the embedding model's
vectors (the index's cached embedder, so no extra model and no network) learns both:

- polarity: ``strength`` / ``improvement`` / ``neutral`` (neutral: sentences of the background,
  context and methodology sections, which describe rather than judge);
- standard: "1.1" .. "4.1" from the sentences of each standard's own section.

Trained on first use per library state and cached in the index folder (``classifiers-*.pkl``),
keyed by the reports' hashes, the embedding model and this module's recipe version.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from ingest.model import Report

RECIPE = "1"
POLARITIES = ("strength", "improvement", "neutral")
_NEUTRAL_KINDS = ("front", "annex", "context", "background", "table")
_NEUTRAL_PER_REPORT = 120
_STANDARD_ID = re.compile(r"^\d\.\d$")
_LOCK = threading.Lock()


@dataclass
class Labelled:
    text: str
    source: str
    polarity: str | None = None
    standard: str | None = None


def _sentences(report: Report, line_start: int, line_end: int, section: str) -> list[str]:
    from assistant.evidence import sentences_from_lines

    return [s.text for s in sentences_from_lines(report.lines[line_start - 1 : line_end], line_start,
                                                 source=report.source, service=report.service, section=section,
                                                 title="")]


def labelled(report: Report) -> list[Labelled]:
    """One report's labelled sentences (see module docstring)."""
    out: list[Labelled] = []
    neutral: list[str] = []
    for sec in report.sections:
        sid = sec.id if _STANDARD_ID.match(sec.id) else None
        for b in sec.strengths:
            out.append(Labelled(b, report.source, "strength", sid))
        for b in sec.improvements:
            out.append(Labelled(b, report.source, "improvement", sid))
        bullets = set(sec.strengths) | set(sec.improvements)
        if sid is not None and sec.kind == "standard":
            for s in _sentences(report, sec.line_start, sec.line_end, sec.id):
                if s not in bullets:
                    out.append(Labelled(s, report.source, None, sid))
        elif sec.kind in _NEUTRAL_KINDS or (sec.kind not in ("standard", "domain") and not bullets):
            if sec.id in ("ratings", "recommendations", "executive-summary", "overall-findings"):
                continue
            neutral += _sentences(report, sec.line_start, sec.line_end, sec.id)
    step = max(1, len(neutral) // _NEUTRAL_PER_REPORT)
    out += [Labelled(s, report.source, "neutral", None) for s in neutral[::step][:_NEUTRAL_PER_REPORT]]
    return out


@dataclass
class Classifiers:
    """The two fitted models; ``predict_*`` take texts and return labels with probabilities."""

    polarity_model: Any
    standard_model: Any
    embed: Any = field(repr=False, default=None)  # texts -> vectors
    trained_on: tuple[str, ...] = ()

    def _vectors(self, texts: Sequence[str]):
        import numpy as np

        v = np.asarray(self.embed(list(texts)), dtype="float32")
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)

    def polarity(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        probs = self.polarity_model.predict_proba(self._vectors(texts))
        classes = list(self.polarity_model.classes_)
        return [(classes[int(p.argmax())], float(p.max())) for p in probs]

    def polarity_scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        probs = self.polarity_model.predict_proba(self._vectors(texts))
        return [dict(zip(self.polarity_model.classes_, map(float, p))) for p in probs]

    def standard(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, the probability of each standard."""
        if not texts:
            return []
        probs = self.standard_model.predict_proba(self._vectors(texts))
        return [dict(zip(self.standard_model.classes_, map(float, p))) for p in probs]


def _fit(items: Sequence[Labelled], vectors, which: str):
    from sklearn.linear_model import LogisticRegression

    idx = [i for i, it in enumerate(items) if getattr(it, which) is not None]
    y = [getattr(items[i], which) for i in idx]
    model = LogisticRegression(max_iter=2000, class_weight="balanced", C=4.0)
    model.fit(vectors[idx], y)
    return model


def train(reports: Iterable[Report], embed) -> Classifiers:
    """Fit both classifiers on ``reports``; ``embed(texts) -> vectors``."""
    import numpy as np

    reports = list(reports)
    items = [it for r in reports for it in labelled(r)]
    if not items:
        raise ValueError("no labelled sentences to train on")
    v = np.asarray(embed([it.text for it in items]), dtype="float32")
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return Classifiers(_fit(items, v, "polarity"), _fit(items, v, "standard"), embed,
                       tuple(sorted(r.source for r in reports)))


def _embed_fn(embedder):
    return lambda texts: embedder.embed_documents(texts)


def warm_in_background(lib) -> None:
    """For a server: never make a request wait for training. From now on ``for_library`` on this
    library returns None (callers fall back to the cue lexicon) until a background thread has
    trained or loaded the classifiers for the library's current reports; the thread starts on
    first use (after the server has loaded the embedding model: two threads loading it at once
    fail) and again whenever the reports change."""
    lib.__dict__["_classifiers_wait"] = False


def for_library(lib, wait: bool | None = None) -> Classifiers | None:
    """The classifiers for a library's current reports: from the index folder's cache, else
    trained now and cached. None when the library has no labelled material, or (after
    ``warm_in_background``) while they are still being trained."""
    if wait is None:
        wait = lib.__dict__.get("_classifiers_wait", True)
    reports = [r for r in lib.reports if r.sections]
    if not reports:
        return None
    embedder = lib.index.embedder
    key = hashlib.sha256("\x00".join(
        [RECIPE, str(embedder.settings.model), str(embedder.settings.backend)]
        + sorted(f"{r.source}:{r.sha256}" for r in reports)).encode()).hexdigest()[:16]
    memo = lib.__dict__.setdefault("_classifiers", {})
    if key in memo:
        return memo[key]
    if not wait:
        busy = lib.__dict__.setdefault("_classifiers_training", set())
        if key not in busy:
            busy.add(key)
            threading.Thread(target=for_library, args=(lib, True), name="yotassist-classifiers", daemon=True).start()
        return None
    with _LOCK:
        if key in memo:
            return memo[key]
        path = Path(lib.index.dir) / f"classifiers-{key}.pkl"
        clf = None
        if path.is_file():
            try:
                pol, std, trained = pickle.loads(path.read_bytes())
                clf = Classifiers(pol, std, _embed_fn(embedder), trained)
            except Exception:  # a damaged cache is retrained, never trusted
                clf = None
        if clf is None:
            try:
                clf = train(reports, _embed_fn(embedder))
            except ValueError:
                return None
            for old in Path(lib.index.dir).glob("classifiers-*.pkl"):
                old.unlink(missing_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps((clf.polarity_model, clf.standard_model, clf.trained_on)))
            tmp.replace(path)
        memo[key] = clf
        return clf


def leave_one_report_out(reports: Sequence[Report], embedder) -> dict[str, Any]:
    """Accuracy of both classifiers on each report when trained on the others (benchmark)."""
    from collections import Counter

    embed = _embed_fn(embedder)
    reports = [r for r in reports if labelled(r)]
    per: dict[str, dict[str, float]] = {}
    hits = {"polarity": [0, 0], "polarity_lists": [0, 0], "standard": [0, 0]}
    base = {"polarity": 0, "polarity_lists": 0, "standard": 0}
    for held in reports:
        rest = [r for r in reports if r.source != held.source]
        clf = train(rest, embed)
        test = labelled(held)
        row = {}
        for which, predict in (("polarity", lambda t: [p for p, _ in clf.polarity(t)]),
                               ("standard", lambda t: [max(d, key=d.get) for d in clf.standard(t)])):
            items = [it for it in test if getattr(it, which) is not None]
            if not items:
                continue
            pred = predict([it.text for it in items])
            ok = sum(p == getattr(it, which) for p, it in zip(pred, items))
            hits[which][0] += ok
            hits[which][1] += len(items)
            train_labels = Counter(getattr(it, which) for r in rest for it in labelled(r) if getattr(it, which))
            top = train_labels.most_common(1)[0][0] if train_labels else None
            base[which] += sum(getattr(it, which) == top for it in items)
            row[which] = ok / len(items)
        bullets = [it for it in test if it.polarity in ("strength", "improvement")]
        if bullets:
            sc = clf.polarity_scores([it.text for it in bullets])
            pred = ["strength" if p.get("strength", 0) >= p.get("improvement", 0) else "improvement" for p in sc]
            hits["polarity_lists"][0] += sum(p == it.polarity for p, it in zip(pred, bullets))
            hits["polarity_lists"][1] += len(bullets)
            counts = Counter(it.polarity for r in rest for it in labelled(r) if it.polarity in ("strength", "improvement"))
            base["polarity_lists"] += sum(it.polarity == counts.most_common(1)[0][0] for it in bullets)
        per[held.source] = {"polarity": row.get("polarity", float("nan")), "standard": row.get("standard", float("nan"))}
    out: dict[str, Any] = {"per_report": per}
    for which in hits:
        ok, n = hits[which]
        out[which] = {"accuracy": ok / n if n else 0.0, "baseline": base[which] / n if n else 0.0, "n": n}
    return out
