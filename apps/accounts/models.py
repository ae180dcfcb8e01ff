from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.sealed import SealedCharField

phone_validator = RegexValidator(
    r"^01[016789]-?\d{3,4}-?\d{4}$", _("휴대폰 번호를 010-1234-5678 형식으로 입력해 주세요.")
)
postcode_validator = RegexValidator(r"^\d{5}$", _("우편번호는 숫자 5자리예요."))


class User(AbstractUser):
    """A shopper, seller or staff member. ``username`` is the login ID shoppers choose at signup.

    A password signup stays ``PENDING`` (and ``is_active`` False) until its email is verified by code;
    a withdrawn user keeps the row (orders refer to it) with every personal field anonymised.
    """

    class JoinChannel(models.TextChoices):
        PASSWORD = "password", _("아이디/비밀번호")
        KAKAO = "kakao", _("카카오")
        NAVER = "naver", _("네이버")

    class Status(models.TextChoices):
        PENDING = "pending", _("이메일 인증 대기")
        ACTIVE = "active", _("정상")
        WITHDRAWN = "withdrawn", _("탈퇴")

    name = models.CharField(_("이름"), max_length=50, blank=True)
    phone = SealedCharField(_("휴대폰 번호"), max_length=20, blank=True)
    join_channel = models.CharField(
        _("가입 경로"), max_length=16, choices=JoinChannel.choices, default=JoinChannel.PASSWORD
    )
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    email_verified_at = models.DateTimeField(_("이메일 인증 일시"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("탈퇴 일시"), null=True, blank=True)
    is_seller = models.BooleanField(
        _("셀러"), default=False, help_text=_("라이브 방송을 열고 상품을 판매할 수 있어요.")
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("회원")
        verbose_name_plural = _("회원")

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None


class ShippingAddress(models.Model):
    """A saved delivery address. Exactly one of a user's addresses is the default whenever they have any.

    MariaDB has no partial unique index, so ``apps.accounts.services`` keeps this invariant by locking the
    user's row before changing which address is the default.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("회원")
    )
    label = models.CharField(_("배송지 이름"), max_length=30, blank=True)
    recipient = models.CharField(_("받는 분"), max_length=50)
    phone = SealedCharField(_("연락처"), max_length=20, validators=[phone_validator])
    postcode = models.CharField(_("우편번호"), max_length=5, validators=[postcode_validator])
    road_address = models.CharField(_("도로명 주소"), max_length=200)
    detail_address = models.CharField(_("상세 주소"), max_length=200, blank=True)
    is_default = models.BooleanField(_("기본 배송지"), default=False)
    created_at = models.DateTimeField(_("등록일"), auto_now_add=True)

    class Meta:
        verbose_name = _("배송지")
        verbose_name_plural = _("배송지")
        ordering = ("-is_default", "-created_at")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.road_address} {self.detail_address}".strip()


class EmailVerification(models.Model):
    """A 6-digit code mailed to verify a signup's email. Only the code's hash is stored.

    Invariants (enforced by ``apps.accounts.services``): one live code per user (a resend replaces it),
    valid ``CODE_TTL`` after it was sent, dead after ``MAX_ATTEMPTS`` wrong tries.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_verification"
    )
    email = models.EmailField(_("이메일"))
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(_("발송 일시"))
    expires_at = models.DateTimeField(_("만료 일시"))
    failed_attempts = models.PositiveSmallIntegerField(_("틀린 횟수"), default=0)

    class Meta:
        verbose_name = _("이메일 인증 코드")
        verbose_name_plural = _("이메일 인증 코드")

    def __str__(self) -> str:
        return f"{self.user} · {self.email}"


class PolicyConsent(models.Model):
    """A member's agreement to one version of 이용약관 or 개인정보처리방침, kept as proof of what they agreed to.

    Kept when the member withdraws (the account row stays, anonymised); a version someone agreed to cannot be
    deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_consents",
        verbose_name=_("회원"),
    )
    document = models.ForeignKey(
        "core.PolicyDocument", on_delete=models.PROTECT, related_name="consents", verbose_name=_("문서")
    )
    agreed_at = models.DateTimeField(_("동의 일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("약관 동의")
        verbose_name_plural = _("약관 동의")
        ordering = ("-agreed_at",)
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="accounts_consent_once")]

    def __str__(self) -> str:
        return f"{self.document} ({self.agreed_at:%Y-%m-%d})"


class AccountBan(models.Model):
    """A platform ban: while active the member may not chat in any room nor go live.

    Active while ``lifted_at`` is empty and ``until`` is empty (for good) or still ahead. Written only by
    ``apps.accounts.services.bans``; the live module's moderation logs who banned whom and from which report.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bans", verbose_name=_("회원")
    )
    reason = models.CharField(_("사유"), max_length=200)
    until = models.DateTimeField(
        _("제한 기한"), null=True, blank=True, help_text=_("비워 두면 영구 제한이에요.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("처리한 사람"),
    )
    created_at = models.DateTimeField(_("처리 시각"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("해제 시각"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("해제한 사람"),
    )

    class Meta:
        verbose_name = _("이용 제한")
        verbose_name_plural = _("이용 제한")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "lifted_at"], name="accounts_ban_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.reason[:30]}"

    @property
    def is_permanent(self) -> bool:
        return self.until is None
