"""Every static file a template names exists: under the production storage (a manifest) a missing one is an
exception while the page renders, and on the 503 page that answers while Redis is down it left a bare 500."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def test_every_static_file_a_template_names_is_there():
    """A `{% static 'path' %}` with a literal path points at a file the static finders find."""
    missing = {}
    for root in settings.TEMPLATES[0]["DIRS"]:
        for template in Path(root).rglob("*.html"):
            for path in STATIC_TAG.findall(template.read_text(encoding="utf-8")):
                if not finders.find(path):
                    missing.setdefault(str(template.relative_to(root)), []).append(path)
    assert not missing, missing
