"""The payment methods the shop offers, all through PortOne v1: which are on, their channels, their names.

``settings.PORTONE_METHODS`` switches a method on with its channel (IMP.request_pay's ``pg``: ``PG사코드`` or
``PG사코드.MID``). Card and 가상계좌 go through a card PG (KG Inicis ``html5_inicis.<MID>`` or NHN KCP
``kcp.<site>``); 카카오페이, 네이버페이 and 토스페이 are PGs of their own (``kakaopay.<CID>``, ``naverpay``,
``tosspay``). What a payment was made with is read back from the PG's own answer (``method_of``), never from
what the browser said.
"""

from dataclasses import dataclass

from django.conf import settings

CARD = "card"
KAKAOPAY = "kakaopay"
NAVERPAY = "naverpay"
TOSSPAY = "tosspay"
VBANK = "vbank"


@dataclass(frozen=True)
class Method:
    code: str
    label: str
    note: str
    # IMP.request_pay's pay_method for this method.
    pay_method: str
    # The mark checkout draws (a self-hosted text badge: no PG's CDN).
    mark: str
    channel: str = ""

    @property
    def provider(self) -> str:
        """The PG code PortOne reports as the payment's ``pg_provider``."""
        return self.channel.split(".")[0]


CATALOG: dict[str, Method] = {
    CARD: Method(CARD, "신용·체크카드", "PG사 결제창에서 카드 정보를 입력해요", "card", "카드"),
    KAKAOPAY: Method(KAKAOPAY, "카카오페이", "카카오톡에서 카드나 카카오페이머니로 결제해요", "card", "pay"),
    NAVERPAY: Method(NAVERPAY, "네이버페이", "네이버 아이디로 간편하게 결제해요", "card", "N pay"),
    TOSSPAY: Method(TOSSPAY, "토스페이", "토스 앱에서 결제해요", "card", "toss"),
    VBANK: Method(VBANK, "가상계좌", "발급받은 계좌로 입금 기한까지 입금하면 결제돼요", "vbank", "입금"),
}

# Banks PortOne names by their 금융결제원 codes (vbank_code, refund_bank).
BANKS: dict[str, str] = {
    "004": "KB국민은행",
    "088": "신한은행",
    "020": "우리은행",
    "081": "하나은행",
    "011": "NH농협은행",
    "003": "IBK기업은행",
    "090": "카카오뱅크",
    "092": "토스뱅크",
    "089": "케이뱅크",
    "023": "SC제일은행",
    "071": "우체국",
    "045": "새마을금고",
}


def methods_enabled() -> list[Method]:
    """The methods switched on in ``PORTONE_METHODS``, in its order, each with its channel.

    None switched on (an empty or misspelt setting) leaves the card through ``PORTONE_PG``: checkout always
    offers a way to pay.
    """
    enabled = [
        Method(**{**vars(CATALOG[code]), "channel": channel})
        for code, channel in settings.PORTONE_METHODS.items()
        if code in CATALOG and channel
    ]
    return enabled or [Method(**{**vars(CATALOG[CARD]), "channel": settings.PORTONE_PG})]


def method_enabled(code: str) -> Method | None:
    return next((method for method in methods_enabled() if method.code == code), None)


def methods_for_shopper(*, last_used: str | None) -> list[Method]:
    """The enabled methods, the shopper's last paid one first."""
    methods = methods_enabled()
    return sorted(methods, key=lambda method: method.code != last_used)


def accepted_providers() -> set[str]:
    return {method.provider for method in methods_enabled()}


def method_of(raw: dict) -> str:
    """Which of the shop's methods a PortOne Payment object was made with."""
    if raw.get("pay_method") == "vbank":
        return VBANK
    for provider in (raw.get("pg_provider"), raw.get("emb_pg_provider")):
        if provider in (KAKAOPAY, NAVERPAY, TOSSPAY):
            return provider
    return CARD


def method_label(code: str) -> str:
    method = CATALOG.get(code)
    return method.label if method else ""
