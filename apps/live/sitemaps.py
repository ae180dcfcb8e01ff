"""Live's part of ``/sitemap.xml``: every broadcast page (on air, coming, ended: each has a page)."""

from apps.core.sitemaps import SiteSitemap
from apps.live.models import Broadcast


class BroadcastSitemap(SiteSitemap):
    changefreq = "hourly"
    priority = 0.7

    def items(self):
        return Broadcast.objects.only("pk", "created_at", "scheduled_at", "started_at", "ended_at").order_by(
            "-scheduled_at", "pk"
        )

    def lastmod(self, broadcast: Broadcast):
        return broadcast.ended_at or broadcast.started_at or broadcast.created_at
