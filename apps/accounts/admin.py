from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "name", "email", "phone", "join_channel", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "join_channel", "date_joined")
    search_fields = ("username", "name", "email", "phone")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("쇼핑몰 정보"), {"fields": ("name", "phone", "join_channel")}),
    )
