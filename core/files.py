"""Serving stored photos to the one user a scoped view has already let through."""

from django.http import FileResponse, Http404


def private_jpeg(stored, filename):
    """Stream a stored JPEG; 404 when there is none. Never cached by a shared proxy:
    photos of hazards carry legal weight and are shown only within the user's grid."""
    if not stored:
        raise Http404("no file")
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404("file missing") from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
