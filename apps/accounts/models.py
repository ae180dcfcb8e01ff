from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A shopper, seller or staff member. ``username`` is the login ID shoppers choose at signup."""

    class JoinChannel(models.TextChoices):
        PASSWORD = "password", _("아이디/비밀번호")
        KAKAO = "kakao", _("카카오")
        NAVER = "naver", _("네이버")

    name = models.CharField(_("이름"), max_length=50, blank=True)
    phone = models.CharField(_("휴대폰 번호"), max_length=20, blank=True)
    join_channel = models.CharField(
        _("가입 경로"), max_length=16, choices=JoinChannel.choices, default=JoinChannel.PASSWORD
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("회원")
        verbose_name_plural = _("회원")

    def __str__(self) -> str:
        return self.name or self.username
