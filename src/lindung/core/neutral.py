"""Wording for regency staff: strip research references and source-hunting remarks that early
seed data carried ("domain-research §4.2", "kabaran.id", "belum dibaca"). Used by the data
migrations that clean stored notes; pure text in, text out."""

from __future__ import annotations

import re

_SECTION = r"§\s?\d+(?:\.\d+)*(?:\s*(?:no\.|butir)\s*\d+)?(?:\s*\[\?\])?"
_SECTIONS = rf"{_SECTION}(?:\s*(?:,|;|–|dan)\s*{_SECTION})*"
_SOURCE = r"(?:domain-research(?:\.md)?|riset domain|ref|anchors(?:\.md)?|reference)"
_SITE = r"(?:[\w-]+\.)+(?:com|net|org)\b|kabaran\.id|ayonusa\.com"
_REFERENCES = [
    # "(domain-research §1.1, §9.1)", "riset domain §2.1", "ref §5.2", "anchors §7 butir 2"
    rf"(?:reference/)?{_SOURCE}\s*{_SECTIONS}",
    r"(?:domain-research(?:\.md)?|riset domain|reference/domain-research\.md)",
    _SECTIONS,
    # "kabaran.id 15 Mei 2025", "satujuang.com"
    rf"(?:{_SITE})(?:\s+\d{{1,2}}\s+\w+\s+\d{{4}})?",
    r"\[\?\]|\[inferred\]",
]
_PHRASES = [
    (r"(?i)\(dugaan, konfirmasi ke cabang\)", "(belum dikonfirmasi kantor cabang)"),
    (r"(?i)dugaan, konfirmasi ke cabang", "belum dikonfirmasi kantor cabang"),
    (r"Susunan kolom ini DUGAAN dari", "Susunan kolom ini disusun dari"),
    (r"\bDUGAAN\b|\bDugaan\b", "Belum dikonfirmasi"),
    (r"\bdugaan\b", "belum dikonfirmasi"),
    (r"(?i)teks pasal belum dibaca", "Bunyi pasalnya masih perlu dipastikan"),
    (r"(?i)belum dibaca", "masih perlu dipastikan"),
    (r"(?i)belum diperiksa", "masih perlu dipastikan"),
    (r"DIPERSENGKETAKAN", "Masih diperdebatkan"),
    (r"Kontradiksi terbuka", "Pertanyaan terbuka"),
    (r"kontradiksi terbuka", "pertanyaan terbuka"),
    (r"(?i)\bkontradiksi\b", "pertanyaan terbuka"),
    (r"BELUM TERKONFIRMASI", "belum ditetapkan"),
    (r"hanya dari satu blog dan tidak konsisten", "belum dicocokkan dengan naskah resmi"),
    (r"hanya dari satu sumber sekunder", "belum dicocokkan dengan naskah resmi"),
    (r"Belum terjawab di sumber mana pun", "Belum ada ketentuan yang menjawabnya"),
    (r"\bRiset domain:?\s*", ""),
]


def neutral(text: str) -> str:
    """The same text without research references, site names or source-hunting remarks."""
    if not text:
        return text
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    for pattern in _REFERENCES:
        text = re.sub(pattern, "", text, flags=re.IGNORECASE)
    # Tidy what the removals left: "( ; )", "(, x)", "x ( )", doubled spaces and punctuation.
    for _ in range(3):
        text = re.sub(r"\(\s*[;,:]\s*", "(", text)
        text = re.sub(r"\s*[;,]\s*\)", ")", text)
        text = re.sub(r"\s*\(\s*\)", "", text)
        text = re.sub(r"\s*\[\s*\]", "", text)
        text = re.sub(r"[;,]\s*(?=[;,.])", "", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    text = re.sub(r"\.\s*\.", ".", text)
    text = re.sub(r"^[\s.;,:]+", "", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip()


def neutral_rows(apps, model_labels: list[str]) -> None:
    """Data migration body: every text field of these models, rewritten with `neutral`."""
    from django.db import models

    for label in model_labels:
        model = apps.get_model(label)
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for obj in model.objects.all():
            changed = []
            for name in fields:
                value = getattr(obj, name)
                if isinstance(value, str) and value != (new := neutral(value)):
                    setattr(obj, name, new)
                    changed.append(name)
            if changed:
                obj.save(update_fields=changed)
