"""The parcel carriers a seller ships with: their names, tracking-number lengths and public tracking pages.

A fixed list (the carriers Korean marketplaces offer a seller); a code is what a shipment stores.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    min_digits: int
    max_digits: int
    url_template: str  # the carrier's public tracking page, "{number}" replaced by the tracking number
    tracker_id: str = (
        ""  # the carrier's id at the tracking service (apps/orders/tracking), e.g. kr.cjlogistics
    )

    def tracking_url(self, number: str) -> str:
        return self.url_template.format(number=number)


CARRIERS = (
    Carrier(
        "cj",
        "CJ대한통운",
        10,
        12,
        "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo={number}",
        tracker_id="kr.cjlogistics",
    ),
    Carrier(
        "lotte",
        "롯데택배",
        12,
        13,
        "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={number}",
        tracker_id="kr.lotte",
    ),
    Carrier(
        "hanjin",
        "한진택배",
        10,
        12,
        "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={number}",
        tracker_id="kr.hanjin",
    ),
    Carrier(
        "epost",
        "우체국택배",
        13,
        13,
        "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={number}",
        tracker_id="kr.epost",
    ),
    Carrier(
        "logen",
        "로젠택배",
        11,
        11,
        "https://www.ilogen.com/web/personal/trace/{number}",
        tracker_id="kr.logen",
    ),
    Carrier(
        "kdexp",
        "경동택배",
        9,
        16,
        "https://kdexp.com/service/delivery/etc/delivery.do?barcode={number}",
        tracker_id="kr.kdexp",
    ),
)
CARRIER_CHOICES = tuple((carrier.code, carrier.name) for carrier in CARRIERS)
_BY_CODE = {carrier.code: carrier for carrier in CARRIERS}
# A CSV row may name the carrier as the seller's Excel does: by its name, with or without spaces, or its code.
_BY_NAME = {re.sub(r"\s", "", carrier.name): carrier for carrier in CARRIERS} | {
    "CJ": _BY_CODE["cj"],
    "대한통운": _BY_CODE["cj"],
    "우체국": _BY_CODE["epost"],
    "롯데": _BY_CODE["lotte"],
    "한진": _BY_CODE["hanjin"],
    "로젠": _BY_CODE["logen"],
    "경동": _BY_CODE["kdexp"],
}


def carrier_get(code: str) -> Carrier | None:
    return _BY_CODE.get(code)


def carrier_find(text: str) -> Carrier:
    """The carrier a seller named (code or name, as typed in a form or a CSV cell), or a Korean error."""
    key = re.sub(r"\s", "", text or "")
    carrier = _BY_CODE.get(key.lower()) or _BY_NAME.get(key) or _BY_NAME.get(key.upper())
    if carrier is None:
        names = ", ".join(carrier.name for carrier in CARRIERS)
        raise ValidationError(
            _("택배사를 알 수 없어요: '%(text)s' (%(names)s 중 하나)") % {"text": text, "names": names}
        )
    return carrier


def tracking_number_clean(carrier: Carrier, text: str) -> str:
    """The tracking number as digits (hyphens and spaces dropped), checked against the carrier's length."""
    number = re.sub(r"[\s-]", "", text or "")
    if not number:
        raise ValidationError(_("송장번호를 입력해 주세요."))
    if not number.isdigit():
        raise ValidationError(_("송장번호는 숫자만 입력해 주세요: '%(text)s'") % {"text": text})
    if not carrier.min_digits <= len(number) <= carrier.max_digits:
        digits = (
            f"{carrier.min_digits}자리"
            if carrier.min_digits == carrier.max_digits
            else f"{carrier.min_digits}~{carrier.max_digits}자리"
        )
        raise ValidationError(
            _("%(carrier)s 송장번호는 %(digits)s예요 (입력: %(count)d자리).")
            % {"carrier": carrier.name, "digits": digits, "count": len(number)}
        )
    return number
