"""Who runs the shop, as staff set it in admin → 운영 설정 → 사업자 정보 (django-constance).

The footer of every page shows it (전자상거래법 §10, §13: 상호, 대표자, 사업자등록번호 with the FTC's check,
통신판매업 신고번호, address, phone, email, hosting provider) and the privacy policy names its officer from it.
Read through ``pagecache.frame_local``: one read of the runtime settings per process until a setting changes
(``CoreConfig.ready`` connects constance's ``config_updated`` to ``pagecache.frame_changed``), never a read
per request.
"""

import re
from dataclasses import dataclass, fields

import redis
from django.conf import settings

from apps.core.pagecache import frame_local

# The FTC's page "사업자정보 확인" (통신판매사업자 정보공개) for a business registration number (10 digits).
FTC_BUSINESS_URL = "https://www.ftc.go.kr/bizCommPop.do?wrkr_no={digits}"
REGISTRATION_DIGITS = 10


@dataclass(frozen=True)
class BusinessInfo:
    name: str
    representative: str
    registration_number: str
    mail_order_report_number: str
    address: str
    phone: str
    hours: str
    email: str
    hosting_provider: str
    privacy_officer_name: str
    privacy_officer_contact: str
    escrow_enabled: bool

    @property
    def registration_digits(self) -> str:
        return re.sub(r"\D", "", self.registration_number)

    @property
    def ftc_url(self) -> str:
        """The FTC's page for this business, or "" while the number is not 10 digits or is the placeholder of
        zeros (a link to nobody's page)."""
        digits = self.registration_digits
        if len(digits) != REGISTRATION_DIGITS or not digits.strip("0"):
            return ""
        return FTC_BUSINESS_URL.format(digits=digits)


# BusinessInfo field → its runtime setting (CONSTANCE_CONFIG in trimarket/settings/base.py).
SETTINGS = {
    "name": "BUSINESS_NAME",
    "representative": "BUSINESS_REPRESENTATIVE",
    "registration_number": "BUSINESS_REGISTRATION_NUMBER",
    "mail_order_report_number": "MAIL_ORDER_REPORT_NUMBER",
    "address": "BUSINESS_ADDRESS",
    "phone": "CUSTOMER_SERVICE_PHONE",
    "hours": "CUSTOMER_SERVICE_HOURS",
    "email": "CUSTOMER_SERVICE_EMAIL",
    "hosting_provider": "HOSTING_PROVIDER",
    "privacy_officer_name": "PRIVACY_OFFICER_NAME",
    "privacy_officer_contact": "PRIVACY_OFFICER_CONTACT",
    "escrow_enabled": "ESCROW_ENABLED",
}
assert set(SETTINGS) == {field.name for field in fields(BusinessInfo)}


def _read() -> BusinessInfo:
    from constance.utils import get_values_for_keys

    defaults = {name: settings.CONSTANCE_CONFIG[key][0] for name, key in SETTINGS.items()}
    try:
        # One MGET (or one query) for all of them, and unlike ``config.NAME`` no write of a missing default.
        stored = get_values_for_keys(list(SETTINGS.values()))
    except redis.exceptions.ConnectionError:
        # Unreadable for a moment: the defaults for this process's next minute, never a failed page.
        return BusinessInfo(**defaults)
    return BusinessInfo(**{name: stored.get(key, defaults[name]) for name, key in SETTINGS.items()})


def business_info() -> BusinessInfo:
    """The shop's business details as of the last runtime-settings change this process has heard of."""
    return frame_local("business-info", _read)
