"""Who sells: a member's seller profile with the business details Korean law asks a seller to show, and its
review state. The profile is the truth of who may sell; ``services`` keeps everything that follows from it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.sealed import SealedCharField
from apps.sellers.validators import (
    account_number_validate,
    business_number_format,
    business_number_validate,
    mail_order_number_validate,
    phone_validate,
)


class Bank(models.TextChoices):
    KB = "kb", _("KB국민은행")
    SHINHAN = "shinhan", _("신한은행")
    WOORI = "woori", _("우리은행")
    HANA = "hana", _("하나은행")
    NH = "nh", _("NH농협은행")
    IBK = "ibk", _("IBK기업은행")
    SC = "sc", _("SC제일은행")
    KAKAO = "kakao", _("카카오뱅크")
    TOSS = "toss", _("토스뱅크")
    KBANK = "kbank", _("케이뱅크")
    BUSAN = "busan", _("부산은행")
    IM = "im", _("iM뱅크(대구은행)")
    POST = "post", _("우체국")


class Seller(models.Model):
    """A shop on TriMarket. ``user`` is the member who runs it; the house shop (TriMarket 직영) has none.

    Only an approved seller may sell or go live (``selectors.seller_may_sell``); a suspended one keeps its
    products and broadcasts, but nobody can buy them and it cannot go on air.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("심사 중")
        APPROVED = "approved", _("승인")
        REJECTED = "rejected", _("반려")
        SUSPENDED = "suspended", _("정지")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("회원"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seller",
    )
    business_name = models.CharField(_("상호"), max_length=60)
    representative = models.CharField(_("대표자"), max_length=30)
    business_number = models.CharField(
        _("사업자등록번호"), max_length=10, unique=True, validators=[business_number_validate]
    )
    mail_order_number = models.CharField(
        _("통신판매업 신고번호"), max_length=40, validators=[mail_order_number_validate]
    )
    address = models.CharField(_("사업장 주소"), max_length=200)
    phone = SealedCharField(_("고객 문의 전화"), max_length=20, validators=[phone_validate])
    email = models.EmailField(_("고객 문의 이메일"))
    bank = models.CharField(_("정산 은행"), max_length=16, choices=Bank.choices)
    account_number = SealedCharField(_("계좌번호"), max_length=20, validators=[account_number_validate])
    account_holder = models.CharField(_("예금주"), max_length=30)
    introduction = models.CharField(_("한 줄 소개"), max_length=120, blank=True)
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(
        _("반려·정지 사유"), max_length=300, blank=True, help_text=_("셀러에게 메일로 전해집니다.")
    )
    applied_at = models.DateTimeField(_("신청일"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("처리일"), null=True, blank=True)

    class Meta:
        verbose_name = _("셀러")
        verbose_name_plural = _("셀러")
        ordering = ("-applied_at", "-id")
        indexes = [models.Index(fields=["status", "-applied_at"], name="sellers_seller_status")]

    def __str__(self) -> str:
        return self.business_name

    def get_absolute_url(self) -> str:
        return reverse("catalog:shop", kwargs={"pk": self.pk})

    @property
    def business_number_display(self) -> str:
        return business_number_format(self.business_number)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED
