from django.conf import settings
from django.utils.functional import SimpleLazyObject

from apps.core.business import business_info


def site(request) -> dict:
    """What the frame (templates/base.html) shows on every page; ``site_business`` is read only by a template that
    shows it (fragments never do), and then from this process's copy (``apps.core.business``)."""
    return {
        "SITE_NAME": "TriMarket",
        "SITE_URL": settings.SITE_URL,
        "site_business": SimpleLazyObject(business_info),
    }
