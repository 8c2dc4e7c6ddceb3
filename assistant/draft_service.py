"""A new inspection's draft through the citation gate: the ``Draft`` the API and CLI return.

Why its own module: ``Assistant.draft`` serves indexed services; a new inspection (a service
with no report in the index yet, drafted from the inspector's figures and notes) is built by
``assistant.draft_new`` and only needs the assistant's library and gate. Trusted lines (figures,
the rating module's sentences, marked notes) pass the gate as they are; every borrowed sentence
must verify against its cited line.
"""

from __future__ import annotations

from typing import Any

from assistant.draft_new import draft_findings_new, draft_list_new
from assistant.model import Draft


def new_inspection_draft(assistant: Any, standard: str, kind: str, service: str | None, notes: str | None,
                         kq: str | None, framework: str, mode: str = "extractive") -> Draft:
    from assistant.rating_rules import get_rules

    rules = get_rules(framework)  # ValueError names the known frameworks
    if rules.standard(standard) is None:
        raise ValueError(f"{standard} is not a standard in the {rules.name} framework")
    if kq:
        from assistant.rating import parse_kq_spec

        if not kq.strip().startswith(standard + "="):
            raise ValueError(f"--kq {kq!r} is for a different standard than --standard {standard}")
        parse_kq_spec(kq, framework)
    lib = assistant.lib
    lib.refresh(force=True)
    if kind == "findings":
        nd = draft_findings_new(lib, standard, service, framework, kq, notes)
        text = nd.work.text + ("\n" + "\n".join(nd.comparable) if nd.comparable else "")
    else:
        nd = draft_list_new(lib, standard, kind, service, framework, kq, notes)
        text = nd.work.text
    gate = assistant._gate(nd.work.passages, nd.work.trusted)
    verified = gate.verify(text)
    lines = verified.text.splitlines()
    items = [ln[2:] for ln in lines if ln.startswith("- ")]
    rest = "\n".join(ln for ln in lines if ln.strip() and not ln.startswith("- ")) or None
    if kind == "findings":
        ext = Draft(standard=standard, kind=kind, service=service, paragraph=rest, comparable=items,
                    citations=verified.citations, unsupported=verified.unsupported, computed_rating=nd.computed,
                    framework=framework, left_out=nd.left.result(verified.unsupported))
    else:
        ext = Draft(standard=standard, kind=kind, service=service, bullets=items, paragraph=rest,
                    citations=verified.citations, unsupported=verified.unsupported, computed_rating=nd.computed,
                    framework=framework, left_out=nd.left.result(verified.unsupported))
    if mode != "llm":
        return ext
    from assistant.draft_findings import from_figures
    from assistant.draft_llm_new import llm_new_draft
    from assistant.draft_new import read_notes

    ff = from_figures(standard, kq, framework) if kq else None
    own = [p.text for p in ff.passages] if ff else []  # the figures as data; the rating is never given to restate
    return llm_new_draft(assistant, ext, nd.work.passages, own, read_notes(notes), rules.standard(standard).title)
