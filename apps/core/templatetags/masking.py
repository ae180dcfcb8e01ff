"""``{{ phone|mask_phone }}``, ``{{ number|mask_account }}``: last four digits only (``apps.core.masking``)."""

from django import template

from apps.core import masking

register = template.Library()
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_account", masking.mask_account)
