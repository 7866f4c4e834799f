"""Pointers into research files outside the repository, rewritten in seeded texts: used by the
data migrations that clean stored rule notes (pure text in, text out)."""

import re

# Seeded texts are shown to users: they cite regulations and docs/domain.md, never files outside
# the repository.
_PATTERNS = [
    (
        re.compile(r"(?:reference/)?domain-research(?:\.md)?\s*(?:§[\d.]+[,\s–-]*)*"),
        "docs/domain.md ",
    ),
    # "(ref §5.2, §7.2)" or "(riset domain §2.1 [?])": only a pointer, dropped
    (
        re.compile(
            r"\s*\((?:ref|[Rr]iset domain|domain-research(?:\.md)?)\s*(?:§[\d.]+[,\s]*)+(?:\[\?\])?\)"  # noqa: E501
        ),
        "",
    ),
    # "(ref §3, §9.4: 56 tahun ...)": keep the explanation, drop the pointer
    (
        re.compile(
            r"(?:ref|[Rr]iset domain|domain-research(?:\.md)?)\s*(?:§[\d.]+[,\s]*)+[:;]?\s*"
        ),
        "",
    ),
    # any other section sign points into the research file: point to the repository's docs
    (re.compile(r"(?:kontradiksi\s*)?§[\d.]+(?:\s*no\.\s*\d+)?"), "docs/domain.md"),
    (re.compile(r"(?:docs/domain\.md[,\s]*)+docs/domain\.md"), "docs/domain.md"),
    (re.compile(r"\s*\(anchors[^()]*\)"), ""),
    (re.compile(r"docs/domain\.md\s+\)"), "docs/domain.md)"),
    (re.compile(r"\(\s*\)"), ""),
    (re.compile(r"\s+\."), "."),
]


def clean(text: str) -> str:
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text.strip()


def clean_rows(model, fields):
    for obj in model.objects.all():
        changed = []
        for name in fields:
            value = getattr(obj, name) or ""
            new = clean(value)
            if new != value:
                setattr(obj, name, new)
                changed.append(name)
        if changed:
            obj.save(update_fields=changed)
