"""Answer benchmark: the extractive assistant on our own question set over the reference corpus.

Run from the project root:  .venv/bin/python bench/answers.py [--index DIR] [--corpus ../shared/corpus]

Development sets (tune on these): dev-1 (bench/questions/dev-1.jsonl, our own), dev-2 (dev-2.jsonl,
the former "held-out" set: it was tuned on after its first run, so it is development material now),
dev-3 (dev-3.jsonl, 80 questions written by an independent helper), dev-gen (dev-gen.jsonl over
generated reports, from bench/gen_questions.py), dev-4 (dev-4.jsonl, 60 questions by an independent writer who
did not see the code: tune on ``--slice :30`` only, ``30:`` is a private check). ``--frozen LABEL [--frozen-set NAME]``
runs only a frozen held-out set (FROZEN below; each run at most twice, never tuned on) into bench/results/NAME.md;
a third run is refused.
``--replay`` gives follow-ups the assistant's own answers to the earlier turns (as the page and the API do).
``--slice A:B`` runs questions A..B-1 of each set (e.g. ``--sets dev-3 --slice :40`` to tune on the first
half of dev-3 and keep ``40:`` as a private check).
Each line: {"q", "kind", "facts", "services"?, "sources"?, "history"?}. For every question it runs
``Assistant.ask`` and plain search top-3 on the same index in the same run, and measures:
- answer-fact recall: share of expected facts found in the answer text (case-insensitive,
  whitespace-normalised substring), per kind;
- citation validity: every citation's quote re-verified against the cited lines of the stored
  source text, and every [n] marker in the text backed by a citation;
- service coverage (comparative questions): share of expected services with a table row that
  carries at least one verified citation (a rating or evidence), never an invented one;
- source precision: for single-report questions, share of citations from the expected report;
- answer length (words, without the sources list) and plain search top-3 recall per kind;
- latency: one warm-up pass, then the second pass is timed (p50 / p95 per kind and overall).
Without --index, the corpus is ingested into a temporary index (embeddings cached in build/).
Results: bench/results/answers.md and answers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

CACHE = ROOT / "build" / "test-embed-cache-corpus.sqlite"
WARM_UP = ("What did the report say about the youth offending team's volunteers?",
           "How did the services compare on information and facilities?", "What was the score?",
           "How are standards rated?")


def norm(s: str) -> str:
    return " ".join(s.replace("\u2013", "-").split()).casefold()


def open_index(index_dir: Path | None, corpus: Path):
    from index.store import Index

    if index_dir is not None:
        idx = Index.open(index_dir=index_dir)
        if not idx.reports():
            idx.ingest([corpus], progress=False)
        return idx, None
    tmp = Path(tempfile.mkdtemp(prefix="yotassist-bench-"))
    d = tmp / "index"
    d.mkdir()
    if CACHE.is_file():
        shutil.copyfile(CACHE, d / "embed-cache.sqlite")
    idx = Index.open(index_dir=d)
    summary = idx.ingest([corpus], progress=False)
    failed = [r for r in summary.results if r.status == "failed"]
    if failed:
        raise SystemExit(f"ingest failed: {failed}")
    return idx, tmp


def covered_services(answer: str, services: list[str]) -> dict[str, bool]:
    rows = [ln for ln in answer.splitlines() if ln.startswith("| ")]
    out = {}
    for svc in services:
        mine = [r for r in rows if r.split("|")[1].strip().startswith(svc)]
        out[svc] = any(re.search(r"\[\d+\]", r) for r in mine)
    return out


def pct(xs: list[float]) -> str:
    return f"{100 * sum(xs) / len(xs):.1f}%" if xs else "-"


def quantile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    i = min(len(xs) - 1, max(0, int(round(q * (len(xs) - 1)))))
    return xs[i]


SETS = {  # name -> (question file, index: corpus | generated)
    "dev-1": ("bench/questions/dev-1.jsonl", "corpus"),
    "dev-2": ("bench/questions/dev-2.jsonl", "corpus"),
    "dev-3": ("bench/questions/dev-3.jsonl", "corpus"),
    "dev-gen": ("bench/questions/dev-gen.jsonl", "generated"),
    "dev-dial": ("bench/questions/dev-dial.jsonl", "corpus"),  # what-if and follow-up questions (issue 11 items 7-8)
    "dev-4": ("bench/questions/dev-4.jsonl", "corpus"),  # 60 questions by an independent writer (tune on :30 only)
}
FROZEN = {  # frozen held-out sets: name -> (question file, index); each run at most twice, never tuned on
    "heldout-frozen": ("bench/questions/heldout-frozen.jsonl", "corpus"),  # used up (two runs, stop 19)
    "heldout-2": ("bench/questions/heldout-2.jsonl", "corpus"),
}
MAX_FROZEN_RUNS = 2
ORDER = ["lookup", "numeric", "comparative", "methodology", "whatif", "drafting", "follow-up", "followup", "none"]


def words(text: str) -> int:
    """Answer length without the sources list and citation markers."""
    body = text.split("\nSources")[0]
    return len(re.sub(r"\[\d+\]", " ", body).split())


def replayed(a, history: list | None) -> list | None:
    """The earlier turns as a chat replays them: each earlier question answered by the assistant
    (with the turns before it), so the follow-up sees the answers too, as in the page and the API."""
    if not history:
        return history
    out: list[dict[str, str]] = []
    for turn in history:
        tq = turn if isinstance(turn, str) else (turn.get("q") or turn.get("question") or "")
        out.append({"q": tq, "answer": a.ask(tq, history=list(out)).answer})
    return out


def run_set(a, idx, questions: list[dict], replay: bool = False) -> list[dict[str, Any]]:
    """Every question through the assistant and through plain search top-3 (same index, same run)."""
    from assistant.citations import recheck

    rows: list[dict[str, Any]] = []
    for q in questions:
        history = replayed(a, q.get("history")) if replay else q.get("history")
        t = time.perf_counter()
        ans = a.ask(q["q"], history=history)
        ms = 1000 * (time.perf_counter() - t)
        t = time.perf_counter()
        a.ask(q["q"], history=history)
        repeat_ms = 1000 * (time.perf_counter() - t)
        text = norm(ans.answer)
        found = [f for f in q.get("facts", []) if norm(f) in text]
        # What `yotassist search Q --k 3` prints: the text of the top three hits for the question as typed.
        hits = idx.search(q["q"], k=3)
        stext = norm(" ".join(h.text for h in hits))
        sfound = [f for f in q.get("facts", []) if norm(f) in stext]
        checks = recheck(ans.citations, a.lib.lines_of)
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.answer)}
        markers_ok = markers == {c.n for c in ans.citations}
        cov = covered_services(ans.answer, q.get("services", [])) if q.get("services") else {}
        src_ok = None
        if q.get("sources") and ans.citations:
            src_ok = sum(c.source in q["sources"] for c in ans.citations) / len(ans.citations)
        kind = "follow-up" if q["kind"] in ("followup", "follow-up") else q["kind"]
        rows.append({
            "q": q["q"], "kind": kind, "routed": ans.kind, "ms": ms, "repeat_ms": repeat_ms, "facts": q.get("facts", []),
            "found": found, "search_found": sfound, "citations": len(ans.citations), "valid": sum(checks),
            "markers_ok": markers_ok, "coverage": cov, "source_precision": src_ok, "unsupported": ans.unsupported,
            "words": words(ans.answer), "history": bool(q.get("history")),
        })
    return rows


def table(rows: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    kinds = sorted({r["kind"] for r in rows}, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))
    out = ["| kind | questions | fact recall | search top-3 | citations valid | markers backed | service coverage | "
           "source precision | mean words | p50 ms | p95 ms |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    summary: dict[str, Any] = {}
    for k in kinds + ["all"]:
        rs = rows if k == "all" else [r for r in rows if r["kind"] == k]
        nf = sum(len(r["facts"]) for r in rs)
        ff = sum(len(r["found"]) for r in rs)
        sf = sum(len(r["search_found"]) for r in rs)
        nc = sum(r["citations"] for r in rs)
        vc = sum(r["valid"] for r in rs)
        mk = sum(r["markers_ok"] for r in rs)
        cov = [v for r in rs for v in r["coverage"].values()]
        sp = [r["source_precision"] for r in rs if r["source_precision"] is not None]
        ms = [r["ms"] for r in rs]
        mw = sum(r["words"] for r in rs) / max(1, len(rs))
        summary[k] = {"questions": len(rs), "fact_recall": ff / nf if nf else None,
                      "search_top3_recall": sf / nf if nf else None, "citations": nc,
                      "citations_valid": vc / nc if nc else None, "service_coverage": (sum(cov) / len(cov)) if cov else None,
                      "mean_words": mw, "p50_ms": quantile(ms, 0.5), "p95_ms": quantile(ms, 0.95)}
        r1 = f"{ff}/{nf} ({100 * ff / nf:.1f}%)" if nf else "-"
        r2 = f"{sf}/{nf} ({100 * sf / nf:.1f}%)" if nf else "-"
        out.append(f"| {k} | {len(rs)} | {r1} | {r2} | {vc}/{nc} ({(100 * vc / nc) if nc else 100:.1f}%) | "
                   f"{mk}/{len(rs)} | {pct(cov) if cov else '-'} | {pct(sp) if sp else '-'} | {mw:.0f} | "
                   f"{quantile(ms, 0.5):.0f} | {quantile(ms, 0.95):.0f} |")
    ln = [r for r in rows if r["kind"] in ("lookup", "numeric")]
    fu = [r for r in rows if r["history"]]
    summary["lookup_numeric_mean_words"] = sum(r["words"] for r in ln) / max(1, len(ln))
    summary["follow_up_recall"] = (sum(len(r["found"]) for r in fu) / max(1, sum(len(r["facts"]) for r in fu))) if fu else None
    summary["follow_up_search_top3"] = (sum(len(r["search_found"]) for r in fu) / max(1, sum(len(r["facts"]) for r in fu))) if fu else None
    return out, summary


def per_question(rows: list[dict[str, Any]]) -> list[str]:
    out = ["| kind (routed) | question | facts found | search top-3 | citations | words | ms | missing / uncovered |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        missing = [f for f in r["facts"] if f not in r["found"]] + [s for s, ok in r["coverage"].items() if not ok]
        out.append(f"| {r['kind']} ({r['routed']}) | {r['q']} | {len(r['found'])}/{len(r['facts'])} | "
                   f"{len(r['search_found'])}/{len(r['facts'])} | {r['valid']}/{r['citations']} | {r['words']} | "
                   f"{r['ms']:.0f} | {', '.join(missing) or ''} |")
    return out


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=None, help="corpus index folder (built from --corpus when empty)")
    ap.add_argument("--gen-index", type=Path, default=None, help="index folder for the generated reports")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--gen-reports", type=Path, default=ROOT / "build" / "i11-synthetic" / "reports",
                    help="generated reports (bench/gen_questions.py writes them)")
    ap.add_argument("--sets", default=",".join(SETS),
                    help="comma-separated development sets to run; NAME:N = first N questions, NAME:-N = last N")
    ap.add_argument("--frozen", metavar="LABEL", default=None,
                    help="run ONLY a frozen held-out set (--frozen-set) and append a run called LABEL to bench/results/<set>.md")
    ap.add_argument("--frozen-set", default="heldout-2", choices=sorted(FROZEN),
                    help="which frozen held-out set --frozen runs (refused after two runs)")
    ap.add_argument("--slice", default=None, metavar="A:B",
                    help="run only questions A..B-1 of each set (python slice), e.g. ':40' to tune on the first 40 "
                         "of dev-3 and '40:' for the private check on the rest")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "answers.md")
    ap.add_argument("--replay", action="store_true",
                    help="follow-ups: answer the earlier turns first and pass their answers in the history (as a chat "
                         "does); without it the history is the earlier questions only")
    ap.add_argument("--label", default="", help="run label written in the heading (e.g. before / after)")
    args = ap.parse_args()

    from assistant.service import Assistant

    # "dev-3:40" is the first 40 questions of dev-3, "dev-3:-40" the last 40 (a private check slice).
    if args.frozen:
        done = ROOT / "bench" / "results" / f"{args.frozen_set}.md"
        runs = done.read_text(encoding="utf-8").count("\n# Run: ") if done.is_file() else 0
        if runs >= MAX_FROZEN_RUNS:
            sys.exit(f"{args.frozen_set} has been run {runs} times already (the limit is {MAX_FROZEN_RUNS}); "
                     "a new held-out set is needed to measure again")
    plan = {args.frozen_set: FROZEN[args.frozen_set]} if args.frozen else {k: SETS[k.split(":")[0]] for k in args.sets.split(",") if k}
    indexes: dict[str, Any] = {}
    tmps: list[Path] = []
    t0 = time.perf_counter()
    for kind in sorted({v[1] for v in plan.values()}):
        if kind == "corpus":
            idx, tmp = open_index(args.index, args.corpus)
        else:
            if not args.gen_reports.is_dir():  # regenerate (deterministic, same seed as dev-gen.jsonl)
                sys.path.insert(0, str(ROOT / "bench"))
                from gen_questions import build

                build(6, 11, args.gen_reports.parent)
            idx, tmp = open_index(args.gen_index, args.gen_reports)
        indexes[kind] = (idx, Assistant(idx, mode="extractive"))
        if tmp is not None:
            tmps.append(tmp)
    build_s = time.perf_counter() - t0
    for idx, a in indexes.values():
        a.warm()
        for w in WARM_UP:
            a.ask(w)
    results: dict[str, Any] = {}
    sections: list[str] = []
    all_rows: list[dict[str, Any]] = []
    for name, (qfile, kind) in plan.items():
        idx, a = indexes[kind]
        qs = load(ROOT / qfile)
        if ":" in name:
            n = int(name.split(":")[1])
            qs = qs[:n] if n >= 0 else qs[n:]
        elif args.slice:
            a_, _, b_ = args.slice.partition(":")
            qs = qs[int(a_) if a_ else None:int(b_) if b_ else None]
        rows = run_set(a, idx, qs, replay=args.replay)
        all_rows += rows
        tab, summary = table(rows)
        results[name] = {"summary": summary, "rows": rows}
        fu = summary["follow_up_recall"]
        sections += [f"## {name}{' [' + args.slice + ']' if args.slice else ''}: {len(rows)} questions from `{qfile}` ({kind} index, {len(idx.reports())} reports)", ""] + tab + [
            "", f"- lookup + numeric mean words: {summary['lookup_numeric_mean_words']:.0f} (target <= 120)",
            f"- follow-up recall (questions with history): "
            + (f"{100 * fu:.1f}% (search top-3 on the question alone {100 * summary['follow_up_search_top3']:.1f}%)" if fu is not None else "-"), ""]
    for tmp in tmps:
        shutil.rmtree(tmp, ignore_errors=True)
    loadavg = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    head = [f"Machine: {os.cpu_count()} CPUs, load average {loadavg} (1/5/15 min) at the end of the run; above 2 the latency is inflated by waiting for a core. "
            f"Indexes ready in {build_s:.1f} s. Latency: each question timed the first time it is asked after a warm-up on other "
            f"questions. Search top-3 = fact found in the text of the top three hits of `Index.search(question, k=3)` "
            f"(what `yotassist search Q --k 3` prints), same index, same run. Facts: case-insensitive substring of the answer text.",
            "", "Caveats: a fact that is a service name (dev-gen lookups: 'which service runs X?') is always in the answer's "
            "citation labels but only sometimes in chunk text, so there search top-3 is undercounted; follow-ups are "
            "searched on the last question alone (what a user of `yotassist search` would type).", ""]
    if len(plan) > 1:
        tab, summary = table(all_rows)
        results["all-dev"] = {"summary": summary}
        head += [f"## All development sets together ({len(all_rows)} questions)", ""] + tab + [
            "", f"- lookup + numeric mean words: {summary['lookup_numeric_mean_words']:.0f}",
            f"- follow-up recall: {100 * (summary['follow_up_recall'] or 0):.1f}%", ""]
    body = head + sections
    if args.frozen:
        out = ROOT / "bench" / "results" / f"{args.frozen_set}.md"
        prev = out.read_text(encoding="utf-8") if out.is_file() else (
            f"# Frozen held-out set {args.frozen_set}\n\n`{FROZEN[args.frozen_set][0]}`, written by someone who never saw the code, "
            "committed before tuning. Run at most twice (midway, end); never tuned on.\n\n"
            f"Run: `.venv/bin/python bench/answers.py --frozen LABEL --frozen-set {args.frozen_set}`.\n")
        text = prev + f"\n# Run: {args.frozen}\n\n" + "\n".join(body) + "\n### Per question\n\n" + "\n".join(per_question(all_rows)) + "\n"
        out.write_text(text, encoding="utf-8")
        out.with_name(f"{args.frozen_set}-run{1 + prev.count(chr(10) + '# Run: ')}.json").write_text(
            json.dumps(results, indent=1), encoding="utf-8")
    else:
        lines = [f"# Answer benchmark (extractive mode){': ' + args.label if args.label else ''}", ""] + body
        for name in plan:
            lines += [f"## Per question: {name}", ""] + per_question(results[name]["rows"]) + [""]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print("\n".join(body))


if __name__ == "__main__":
    main()
