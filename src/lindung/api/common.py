"""Helpers shared by the routers: permission checks, masking and error payloads.

Write endpoints reuse the apps' own forms and services, so a record is validated the same way
whether it comes from a page or from the API; the form errors become a 422 body.
"""

from __future__ import annotations

from django import forms
from ninja import Schema

from lindung.accounts import masking


class ApiError(Exception):
    """A refused request with an Indonesian message (and optional field errors)."""

    def __init__(self, status: int, detail: str, errors: dict | None = None):
        self.status = status
        self.detail = detail
        self.errors = errors
        super().__init__(detail)


class Message(Schema):
    detail: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "detail": "Data tidak valid.",
                    "errors": {"nik": ["NIK harus 16 digit angka."]},
                }
            ]
        }
    }


# Responses every write endpoint may give besides its success response.
WRITE_ERRORS = {403: ErrorOut, 404: Message, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS = {404: Message}

READ_ONLY = "Peran Anda hanya dapat melihat data; perubahan tidak diizinkan."


def require_editor(user) -> None:
    if not getattr(user, "can_edit", False):
        raise ApiError(403, READ_ONLY)


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


def check_form(form: forms.BaseForm) -> None:
    if not form.is_valid():
        raise ApiError(422, "Data tidak valid.", form_errors(form))


def messages_of(exc: Exception) -> list[str]:
    """The user-facing messages of a ValidationError / ValueError."""
    messages = getattr(exc, "messages", None)
    if messages:
        return [str(m) for m in messages]
    return [str(exc)]


def invalid(exc: Exception, field: str = "non_field_errors", status: int = 422) -> ApiError:
    found = messages_of(exc)
    return ApiError(status, found[0], {field: found})


def shown_nik(user, nik: str) -> str:
    return masking.nik_for(user, nik)


def shown_phone(user, phone: str) -> str:
    return masking.phone_for(user, phone)


def form_data(payload: Schema, *, exclude_unset: bool = False) -> dict:
    """A payload as form data: dates as ISO strings, None as empty, lists kept."""
    data = payload.model_dump(exclude_unset=exclude_unset)
    out: dict = {}
    for key, value in data.items():
        if value is None:
            out[key] = ""
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
