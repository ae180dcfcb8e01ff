"""Demo shops for `make run`: the house shop, the demo seller's shop (approved) and two more member shops,
each with business details. The catalog's demo then spreads its products over them."""

from django.contrib.auth import get_user_model

from apps.accounts import services as account_services
from apps.sellers import services
from apps.sellers.models import Bank, Seller

ORDER = 15
DEMO_SELLER_USERNAME = "seller"
DEMO_SHOP_PASSWORD = "sell1234!"
# (login ID, member name, application)
SHOPS = (
    (
        DEMO_SELLER_USERNAME,
        "라이브셀러",
        {
            "business_name": "라이브셀러 스튜디오",
            "representative": "이라이브",
            "business_number": "2118800122",
            "mail_order_number": "2025-서울마포-01872",
            "address": "서울특별시 마포구 양화로 45, 3층",
            "phone": "02-335-1200",
            "email": "cs@liveseller.example",
            "bank": Bank.KAKAO,
            "account_number": "3333-01-2345678",
            "account_holder": "이라이브",
            "introduction": "매주 화·목 저녁 8시, 라이브로 먼저 만나는 신상품",
        },
    ),
    (
        "seller_green",
        "초록상회",
        {
            "business_name": "초록상회",
            "representative": "박초록",
            "business_number": "3148100776",
            "mail_order_number": "2024-대전유성-00451",
            "address": "대전광역시 유성구 대학로 99, 1층",
            "phone": "042-861-3300",
            "email": "hello@chorok.example",
            "bank": Bank.NH,
            "account_number": "301-0123-4567-81",
            "account_holder": "박초록",
            "introduction": "산지에서 바로 보내는 제철 먹거리와 살림살이",
        },
    ),
    (
        "seller_haneul",
        "하늘리빙",
        {
            "business_name": "하늘리빙",
            "representative": "최하늘",
            "business_number": "2208703451",
            "mail_order_number": "2023-경기성남-02310",
            "address": "경기도 성남시 분당구 판교역로 166, 7층",
            "phone": "031-702-5500",
            "email": "cs@haneul-living.example",
            "bank": Bank.SHINHAN,
            "account_number": "110-482-339120",
            "account_holder": "최하늘",
            "introduction": "오래 쓰는 생활용품과 뷰티",
        },
    ),
)


def load(*, progress) -> list[tuple[str, str, str]]:
    """Make the demo shops if missing (approved), idempotently. The demo seller's login is printed by
    accounts; the other shop members share its password and are not printed."""
    services.seller_house_ensure()
    users = get_user_model().objects
    for username, name, details in progress(SHOPS, desc="데모 셀러"):
        user = users.filter(username=username).first() or account_services.user_ensure_demo(
            username=username, password=DEMO_SHOP_PASSWORD, name=name
        )
        seller = Seller.objects.filter(user=user).first()
        if seller is None:
            seller = services.seller_apply(user=user, **details)
        if seller.status != Seller.Status.APPROVED:
            services.seller_approve(seller=seller)
    return []
