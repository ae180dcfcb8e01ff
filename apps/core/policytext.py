"""The words of a policy document: which HTML it may hold, and the business details it names.

Both the service that writes a document and the page that shows it need these, so they sit below both.
"""

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.business import BusinessInfo

POLICY_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "a",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
POLICY_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

# What staff write in a body → the BusinessInfo field shown in its place (the help text of PolicyDocument.body).
PLACEHOLDERS = {
    "{{상호}}": "name",
    "{{대표자}}": "representative",
    "{{주소}}": "address",
    "{{고객센터_전화}}": "phone",
    "{{고객센터_이메일}}": "email",
    "{{개인정보_보호책임자}}": "privacy_officer_name",
    "{{개인정보_보호책임자_연락처}}": "privacy_officer_contact",
    "{{호스팅_제공자}}": "hosting_provider",
}


def policy_sanitise(html: str) -> str:
    """Only the tags a policy needs; links open nothing of ours to the target page."""
    return nh3.clean(html or "", tags=POLICY_TAGS, attributes=POLICY_ATTRIBUTES, link_rel="noopener nofollow")


def policy_html(body: str, *, business: BusinessInfo) -> SafeString:
    """The body as the page shows it: cleaned again (a row written around the service stays harmless) and
    each placeholder replaced by the runtime setting it names, escaped."""
    html = policy_sanitise(body)
    for placeholder, field in PLACEHOLDERS.items():
        html = html.replace(placeholder, escape(getattr(business, field)))
    # Cleaned by nh3 above, the settings' values escaped.
    return mark_safe(html)
