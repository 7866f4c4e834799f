"""PDF documents of coverage pages (certificates, reports). CSV and XLSX come from
`lindung.core.export`, the one writer of spreadsheet downloads."""

from __future__ import annotations

from django.http import HttpResponse

from lindung.core.export import attachment


def pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(html: str, filename: str, base_url: str | None = None) -> HttpResponse:
    return attachment(pdf_bytes(html, base_url), "application/pdf", filename + ".pdf")
