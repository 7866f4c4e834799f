from ninja import Router, Schema
from ninja.pagination import CursorPagination, paginate

from lindung.accounts.scoping import user_covers_area
from lindung.areas.models import Area
from lindung.areas.services import normalise_code

router = Router(tags=["areas"])


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    level: int
    parent_id: str | None
    postal_code: str


@router.get("/", response=list[AreaOut], summary="Wilayah di dalam wilayah kerja")
@paginate(CursorPagination, ordering=("code",), page_size=100)
def list_areas(request, parent: str | None = None, level: int | None = None):
    """Areas inside the user's scope; `parent` lists the children of one area."""
    code = request.auth.scope_code
    qs = Area.objects.all() if code == "" else Area.objects.within(code or "-")
    if parent:
        qs = qs.filter(parent_id=normalise_code(parent))
    if level:
        qs = qs.filter(level=level)
    return qs


@router.get("/{code}", response=AreaOut, summary="Satu wilayah")
def get_area(request, code: str):
    from django.http import Http404

    code = normalise_code(code)
    if not user_covers_area(request.auth, code):
        raise Http404
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404
    return area
