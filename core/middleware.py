"""Turn input that no database integer can hold into a clear refusal, not a 500.

A URL id or a form choice such as 9223372036854775808 passes Django's int conversion but
overflows SQLite's 64-bit INTEGER when the query runs (PostgreSQL answers such a lookup
with no rows). Nothing has been written when this happens: the query that overflows is
the lookup of the value itself.
"""

from django.shortcuts import render
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
