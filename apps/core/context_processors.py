from django.conf import settings


def site(request) -> dict:
    """What the frame (templates/base.html) shows on every page."""
    return {"SITE_NAME": "TriMarket", "SITE_URL": settings.SITE_URL}
