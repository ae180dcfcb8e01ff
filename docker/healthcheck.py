"""Container healthcheck: GET a URL (default: the app's /healthz) and exit 0 only on a 2xx answer.

The request names the first of ALLOWED_HOSTS and says it came over HTTPS, as the gateway's requests do, so
Django's host check and SSL redirect answer it like a real one.
"""

import os
import sys
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz"
host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if 200 <= response.status < 300 else 1)
except OSError as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
