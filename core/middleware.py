"""Turn crafted input into a clear refusal (400 with a Chinese message), not a 500.

RefuseOverflowingNumbersMiddleware: input that no database integer can hold.
RefuseNulBytesMiddleware: a NUL byte in any query-string or form value.
LimitUploadsMiddleware: a body, a number of files or photos too costly to read or decode.
PrivatePagesMiddleware (not a refusal): pages of signed-in users are never cached.

A URL id or a form choice such as 9223372036854775808 passes Django's int conversion but
overflows SQLite's 64-bit INTEGER when the query runs (PostgreSQL answers such a lookup
with no rows). Nothing has been written when this happens: the query that overflows is
the lookup of the value itself.
"""

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class RefuseOverflowingNumbersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return render(
                request,
                "400.html",
                {"message": _("输入的编号或数值超出范围，请检查后重试。未作任何修改。")},
                status=400,
            )
        return None


class RefuseNulBytesMiddleware:
    """Answer 400 to a NUL byte in any query-string or form value, name or file name.

    PostgreSQL cannot store or even compare a text containing NUL ("A string literal
    cannot contain NUL (0x00) characters") and raises in the middle of a query; SQLite
    stores it silently. No form has a use for one, so it is refused before any view runs,
    alike on every database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        texts = [*_texts(request.GET)]
        if request.method == "POST":
            texts += [*_texts(request.POST)]
            texts += [f.name or "" for files in request.FILES.lists() for f in files[1]]
        if any("\x00" in text for text in texts):
            return render(
                request,
                "400.html",
                {"message": _("提交的内容含有不可见的控制字符（NUL），已拒绝，未作任何修改。")},
                status=400,
            )
        return None


def _texts(query_dict):
    for key, values in query_dict.lists():
        yield key
        yield from values


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user.

    Ledgers, enterprise registers and reports must not stay in a shared proxy's cache or
    in the browser's back/forward history on a shared township PC. A view that chose its
    own policy (photos: private for a day; /healthz: never_cache) keeps it; static files
    are answered by whitenoise before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


# Checks the apps add for the files of a POST, from their AppConfig.ready(): each is called
# with the list of uploaded files before any view reads them and raises ValidationError
# (a Chinese message) to refuse the request.
UPLOAD_CHECKS = []


def register_upload_check(check):
    if check not in UPLOAD_CHECKS:
        UPLOAD_CHECKS.append(check)


class LimitUploadsMiddleware:
    """Refuse an upload too large or too costly before it is read, stored or decoded.

    Runs (process_view) before the CSRF check reads the body: a body over
    ``REQUEST_MAX_BYTES`` is refused from its Content-Length, more files than
    ``DATA_UPLOAD_MAX_NUMBER_FILES`` stop the parser at the first file too many, and the
    files are handed to the checks the apps registered (``register_upload_check``; hazards
    weighs its photos from their headers) before any view decodes one: a refusal is a 400
    or 413 in Chinese, and nothing is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        limit = settings.REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return _too_large(request, length, limit)
        try:
            files = [f for _name, group in request.FILES.lists() for f in group]
        except TooManyFilesSent:
            return _refusal(
                request,
                _("一次最多上传 %(max)d 个文件（照片），请分几次上传。未作任何修改。")
                % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
            )
        except RequestDataTooBig:
            return _too_large(request, length, limit)
        except TooManyFieldsSent:
            return _refusal(request, _("提交的项目过多，已拒绝。未作任何修改。"))
        for check in UPLOAD_CHECKS if files else ():
            try:
                check(files)
            except ValidationError as exc:
                return _refusal(request, " ".join(exc.messages) + _("未作任何修改。"))
        return None


def _refusal(request, message, status=400):
    return render(request, "400.html", {"message": message}, status=status)


def _too_large(request, length, limit):
    return _refusal(
        request,
        _("提交的内容过大（%(size).1f MB），一次最多 %(max).0f MB。未作任何修改。")
        % {"size": length / 1024 / 1024, "max": limit / 1024 / 1024},
        status=413,
    )
