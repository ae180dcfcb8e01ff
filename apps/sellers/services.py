"""Every write of sellers: a member applies, staff approve, reject or suspend, and the shop's details change.

The seller profile is the truth of who may sell (live asks ``selectors.seller_may_sell`` too).
``accounts.User.is_seller`` (a display flag the
member's pages read) follows it and is written here alone: approved → True, anything else → False. Each
change publishes an event after which the seller is mailed (``events``) and the catalog drops the pages that
name the shop.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.events import publish
from apps.sellers.constants import HOUSE_BUSINESS_NUMBER, SELLER_CHANGED, SELLER_STATUS_CHANGED
from apps.sellers.models import Bank, Seller
from apps.sellers.validators import business_number_digits

APPLICATION_FIELDS = (
    "business_name",
    "representative",
    "business_number",
    "mail_order_number",
    "address",
    "phone",
    "email",
    "bank",
    "account_number",
    "account_holder",
    "introduction",
)
HOUSE_DETAILS = {
    "business_name": "TriMarket 직영",
    "representative": "김트라이",
    "business_number": HOUSE_BUSINESS_NUMBER,
    "mail_order_number": "2026-서울강남-00001",
    "address": "서울특별시 강남구 테헤란로 427, 10층",
    "phone": "1588-0000",
    "email": "help@trimarket.example",
    "bank": Bank.WOORI,
    "account_number": "1005-301-234567",
    "account_holder": "(주)트라이마켓",
    "introduction": "TriMarket이 직접 고르고 직접 보내는 상품",
}


def _user_seller_flag_set(*, user_id: int | None, selling: bool) -> None:
    if user_id is not None:
        get_user_model().objects.filter(pk=user_id).update(is_seller=selling)


def _status_set(*, seller: Seller, status: str, reason: str = "") -> Seller:
    seller.status = status
    seller.status_reason = reason
    seller.reviewed_at = timezone.now()
    seller.full_clean()
    seller.save()
    _user_seller_flag_set(user_id=seller.user_id, selling=status == Seller.Status.APPROVED)
    publish(SELLER_STATUS_CHANGED, {"seller_id": seller.pk, "status": status})
    return seller


def _locked(seller: Seller) -> Seller:
    return Seller.objects.select_for_update().get(pk=seller.pk)


@transaction.atomic
def seller_apply(*, user, **details) -> Seller:
    """A member's application (or a rejected one sent again): 심사 중 until staff decide.

    ``details`` are ``APPLICATION_FIELDS``. A member already selling (or suspended) cannot apply again.
    """
    unknown = set(details) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown seller fields: {sorted(unknown)}")
    seller = Seller.objects.select_for_update().filter(user_id=user.pk).first()
    if seller is not None and seller.status in (Seller.Status.APPROVED, Seller.Status.SUSPENDED):
        raise ValidationError("이미 셀러로 등록된 회원이에요.")
    seller = seller or Seller(user=user)
    for name, value in details.items():
        setattr(seller, name, value.strip() if isinstance(value, str) else value)
    seller.business_number = business_number_digits(seller.business_number)
    seller.status = Seller.Status.PENDING
    seller.status_reason = ""
    seller.reviewed_at = None
    seller.full_clean()
    seller.save()
    return seller


@transaction.atomic
def seller_approve(*, seller: Seller) -> Seller:
    """승인: the seller may sell and go live (again, after a suspension)."""
    seller = _locked(seller)
    if seller.status == Seller.Status.APPROVED:
        raise ValidationError("이미 승인된 셀러예요.")
    return _status_set(seller=seller, status=Seller.Status.APPROVED)


def _reason(reason: str, *, what: str) -> str:
    """The reason the seller is mailed, required for a refusal: trimmed, never empty."""
    if not reason.strip():
        raise ValidationError(f"{what} 사유를 적어 주세요.")
    return reason.strip()


@transaction.atomic
def seller_reject(*, seller: Seller, reason: str) -> Seller:
    """반려 an application in review, with the reason the applicant is mailed."""
    seller = _locked(seller)
    if seller.status != Seller.Status.PENDING:
        raise ValidationError("심사 중인 신청만 반려할 수 있어요.")
    return _status_set(seller=seller, status=Seller.Status.REJECTED, reason=_reason(reason, what="반려"))


@transaction.atomic
def seller_suspend(*, seller: Seller, reason: str) -> Seller:
    """정지 an approved seller: its products cannot be bought and it cannot go live until approved again."""
    seller = _locked(seller)
    if seller.status != Seller.Status.APPROVED:
        raise ValidationError("승인된 셀러만 정지할 수 있어요.")
    return _status_set(seller=seller, status=Seller.Status.SUSPENDED, reason=_reason(reason, what="정지"))


@transaction.atomic
def seller_save(*, seller: Seller) -> Seller:
    """Save edited shop details (staff in admin). The state changes only through the services above."""
    seller.business_number = business_number_digits(seller.business_number)
    if seller.pk:
        seller.status = Seller.objects.values_list("status", flat=True).get(pk=seller.pk)
    seller.full_clean()
    seller.save()
    publish(SELLER_CHANGED, {"seller_id": seller.pk})
    return seller


@transaction.atomic
def seller_house_ensure() -> Seller:
    """The shop TriMarket runs itself (no member behind it), approved; made once."""
    seller = Seller.objects.filter(business_number=HOUSE_BUSINESS_NUMBER).first()
    if seller is None:
        seller = Seller(**HOUSE_DETAILS, status=Seller.Status.APPROVED, reviewed_at=timezone.now())
        seller.full_clean()
        seller.save()
    return seller
