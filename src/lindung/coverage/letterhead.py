"""What official documents print at the top and the bottom: the letterhead and the signature
block, from the Letterhead settings (the logo embedded, so the PDF needs no file access)."""

from __future__ import annotations

import base64
import mimetypes

from .models import Letterhead


def letterhead_context() -> dict:
    head = Letterhead.current()
    logo = ""
    if head.logo:
        try:
            with head.logo.open("rb") as f:
                data = f.read()
        except OSError:
            data = b""
        if data:
            kind = mimetypes.guess_type(head.logo.name)[0] or "image/png"
            logo = f"data:{kind};base64,{base64.b64encode(data).decode()}"
    return {"letterhead": head, "letterhead_logo": logo}
