"""GZip for the text the views render, never for files.

HTML, JSON and the like shrink about seven-fold (the ledger: 51.7 KB → 7.6 KB, issue 13),
which is what a phone on a weak signal needs. Files are left alone: photos and .xlsx are
compressed already, and they are streamed (``FileResponse``); static files are served
pre-compressed by WhiteNoise.

Django's GZipMiddleware compresses at level 6; this one at ``GZIP_LEVEL`` (1, nginx's
default ``gzip_comp_level``): on the county's ledger (71 kB of HTML) level 6 took 0.77 ms
of the worker's ~15 ms and gave 12.0 kB, level 1 0.18 ms and 13.3 kB (issue 17,
docs/benchmarks.md §13). Otherwise it does what Django's does: responses under 200 bytes
and those already encoded are sent as they are, ``Vary: Accept-Encoding``, a strong ETag
made weak, the compressed body only when it is shorter, and Django's BREACH mitigation
("Heal The Breach"): a random file name of random length in the gzip header, so the
compressed length of a page tells an eavesdropper less about a secret in it (the CSRF token
is masked per response too).
"""

import gzip
import secrets

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.regex_helper import _lazy_re_compile

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/manifest+json",
)
MAX_RANDOM_BYTES = 100  # as Django's GZipMiddleware.max_random_bytes
_ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")


def compress(content, level, max_random_bytes=MAX_RANDOM_BYTES):
    """``content`` gzipped at ``level``, with a file name of 0 to ``max_random_bytes`` - 1
    bytes in its header (FLG.FNAME), as ``django.utils.text.compress_string`` writes it."""
    data = gzip.compress(content, compresslevel=level, mtime=0)
    header = bytearray(data[:10])
    header[3] = gzip.FNAME
    name = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
    return bytes(header) + name + data[10:]


class TextGZipMiddleware(MiddlewareMixin):
    def process_response(self, request, response):
        if response.streaming:
            return response
        if not response.get("Content-Type", "").startswith(TEXT_TYPES):
            return response
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = compress(response.content, settings.GZIP_LEVEL)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
