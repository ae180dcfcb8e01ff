"""A member's shipping addresses: one default at most, kept under the member's row lock."""

from django.db import transaction

from apps.accounts.models import ShippingAddress, User


def _lock_user(user: User) -> None:
    User.objects.select_for_update().only("pk").get(pk=user.pk)


@transaction.atomic
def address_create(
    *,
    user: User,
    recipient: str,
    phone: str,
    postcode: str,
    road_address: str,
    detail_address: str = "",
    label: str = "",
    is_default: bool = False,
) -> ShippingAddress:
    """Save an address; the first one, or one marked default, becomes the only default."""
    _lock_user(user)
    is_default = is_default or not user.addresses.exists()
    address = ShippingAddress(
        user=user,
        label=label,
        recipient=recipient,
        phone=phone,
        postcode=postcode,
        road_address=road_address,
        detail_address=detail_address,
        is_default=is_default,
    )
    address.full_clean()
    if is_default:
        user.addresses.filter(is_default=True).update(is_default=False)
    address.save()
    return address


@transaction.atomic
def address_update(*, address: ShippingAddress, is_default: bool = False, **fields: str) -> ShippingAddress:
    """Change an address's fields; ``is_default=True`` makes it the default (unsetting is not allowed:
    choose another address as the default instead)."""
    _lock_user(address.user)
    for field, value in fields.items():
        setattr(address, field, value)
    address.full_clean()
    address.save()
    if is_default and not address.is_default:
        address_set_default(address=address)
    return address


@transaction.atomic
def address_set_default(*, address: ShippingAddress) -> ShippingAddress:
    _lock_user(address.user)
    ShippingAddress.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )
    address.is_default = True
    address.save(update_fields=["is_default"])
    return address


@transaction.atomic
def address_delete(*, address: ShippingAddress) -> None:
    """Delete an address; when it was the default, the newest remaining one becomes the default."""
    _lock_user(address.user)
    was_default = address.is_default
    user_id = address.user_id
    address.delete()
    if was_default:
        successor = ShippingAddress.objects.filter(user_id=user_id).order_by("-created_at").first()
        if successor:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
