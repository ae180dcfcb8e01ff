from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts import services
from apps.accounts.models import AccountBan, EmailVerification, PolicyConsent, ShippingAddress, User
from apps.core.masking import mask_phone


class PhoneMasked:
    @admin.display(description=_("연락처"))
    def phone_masked(self, obj) -> str:
        """Staff recognise a member's number by its last digits; only the member sees (and edits) it whole."""
        return mask_phone(obj.phone)


class ShippingAddressInline(PhoneMasked, admin.TabularInline):
    model = ShippingAddress
    extra = 0
    fields = (
        "label",
        "recipient",
        "phone_masked",
        "postcode",
        "road_address",
        "detail_address",
        "is_default",
    )
    readonly_fields = ("phone_masked",)

    # An address needs its phone, which staff do not type: members add their own.
    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PolicyConsentInline(admin.TabularInline):
    """Which versions of 이용약관 and 개인정보처리방침 the member agreed to: a record, never edited."""

    model = PolicyConsent
    extra = 0
    fields = ("document", "agreed_at")
    readonly_fields = ("document", "agreed_at")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AccountBanInline(admin.TabularInline):
    """The member's platform bans, latest first: given and lifted through 이용 제한 (or the report queue)."""

    model = AccountBan
    fk_name = "user"
    extra = 0
    fields = ("reason", "until", "created_by", "created_at", "lifted_at", "lifted_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(PhoneMasked, DjangoUserAdmin):
    list_display = (
        "username",
        "name",
        "email",
        "phone_masked",
        "status",
        "join_channel",
        "is_seller",
        "is_staff",
        "date_joined",
    )
    list_filter = ("status", "join_channel", "is_seller", "is_staff", "date_joined", "withdrawn_at")
    # The phone is sealed (apps.core.sealed) and cannot be searched.
    search_fields = ("username", "name", "email")
    # Who may sell is decided by reviewing the seller's application (admin → 판매자), which keeps this in step.
    readonly_fields = (
        "email_verified_at",
        "withdrawn_at",
        "last_login",
        "date_joined",
        "is_seller",
        "phone_masked",
    )
    inlines = [ShippingAddressInline, PolicyConsentInline, AccountBanInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("회원 정보"), {"fields": ("name", "email", "phone_masked", "email_verified_at")}),
        (_("상태"), {"fields": ("status", "join_channel", "is_seller", "withdrawn_at", "is_active")}),
        (_("관리 권한"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("주요 일시"), {"fields": ("last_login", "date_joined")}),
    )


@admin.register(ShippingAddress)
class ShippingAddressAdmin(PhoneMasked, admin.ModelAdmin):
    list_display = (
        "recipient",
        "user",
        "phone_masked",
        "postcode",
        "road_address",
        "is_default",
        "created_at",
    )
    list_filter = ("is_default", "created_at")
    search_fields = ("recipient", "user__username", "user__name", "road_address")
    raw_id_fields = ("user",)
    exclude = ("phone",)
    readonly_fields = ("phone_masked",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EmailVerification)
class EmailVerificationAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "sent_at", "expires_at", "failed_attempts")
    search_fields = ("user__username", "email")
    readonly_fields = ("user", "email", "code_hash", "sent_at", "expires_at", "failed_attempts")


@admin.register(AccountBan)
class AccountBanAdmin(admin.ModelAdmin):
    """Platform bans. A new one goes through ``ban_platform`` (it lifts the member's earlier ban); a ban is
    never edited, only lifted (the action), so the record of who banned whom stays as it was."""

    list_display = ("user", "reason", "until", "created_by", "created_at", "lifted_at", "lifted_by")
    list_filter = (
        ("lifted_at", admin.EmptyFieldListFilter),
        ("until", admin.EmptyFieldListFilter),
        "created_at",
    )
    search_fields = ("user__username", "user__name", "reason")
    raw_id_fields = ("user",)
    date_hierarchy = "created_at"
    actions = ("lift",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "reason", "until")
        return ("user", "reason", "until", "created_by", "created_at", "lifted_at", "lifted_by")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        ban = services.ban_platform(user=obj.user, reason=obj.reason, until=obj.until, actor=request.user)
        obj.pk = ban.pk

    @admin.action(description=_("선택한 회원의 이용 제한 해제"))
    def lift(self, request, queryset) -> None:
        lifted = sum(
            services.ban_lift(user=ban.user, actor=request.user) for ban in queryset.select_related("user")
        )
        self.message_user(request, f"{lifted}건의 이용 제한을 해제했어요.", messages.SUCCESS)
