"""Turn crafted input into a clear refusal (400 with a Chinese message), not a 500.

RefuseOverflowingNumbersMiddleware: input that no database integer can hold.
RefuseNulBytesMiddleware: a NUL byte in any query-string or form value.
PrivatePagesMiddleware (not a refusal): pages of signed-in users are never cached.

A URL id or a form choice such as 9223372036854775808 passes Django's int conversion but
overflows SQLite's 64-bit INTEGER when the query runs (PostgreSQL answers such a lookup
with no rows). Nothing has been written when this happens: the query that overflows is
the lookup of the value itself.
"""

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
