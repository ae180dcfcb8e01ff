"""Phone and account numbers are sealed at rest, read under rotated keys, and moved to the newest by `reseal`."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from apps.core.masking import mask_account, mask_phone
from apps.core.sealed import SealedValueUnreadable

OLD = settings.FIELD_ENCRYPTION_KEYS[0]
NEW = Fernet.generate_key().decode()


def _stored_phone(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def _member(phone: str = "010-9876-5432"):
    return get_user_model().objects.create(username=f"sealed{get_user_model().objects.count()}", phone=phone)


@pytest.mark.django_db
def test_the_column_holds_a_token_not_the_number():
    """The database has a Fernet token where the phone number was; the model reads the number back."""
    user = _member()

    stored = _stored_phone(user)
    assert stored.startswith("gAAAAA")
    assert "9876" not in stored
    assert "5432" not in stored
    assert Fernet(OLD.encode()).decrypt(stored.encode()) == b"010-9876-5432"
    assert get_user_model().objects.get(pk=user.pk).phone == "010-9876-5432"


@pytest.mark.django_db
def test_a_blank_value_stays_blank_and_can_be_filtered():
    """A member without a phone stores "" and is found by `phone=""`."""
    user = _member(phone="")

    assert _stored_phone(user) == ""
    assert get_user_model().objects.filter(phone="", pk=user.pk).exists()
    assert not get_user_model().objects.filter(phone__isnull=True).exists()


@pytest.mark.django_db
def test_a_sealed_column_cannot_be_searched_by_its_value():
    """Filtering by the number (which could only ever match nothing) is an error, not an empty result."""
    _member()

    with pytest.raises(FieldError, match="sealed"):
        list(get_user_model().objects.filter(phone="010-9876-5432"))
    with pytest.raises(FieldError):
        list(get_user_model().objects.filter(phone__icontains="5432"))


@pytest.mark.django_db
def test_after_rotation_old_rows_still_read_and_new_ones_use_the_new_key():
    """With a new key put first, rows sealed under the old key still read; what is written uses the new key."""
    old_row = _member()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert get_user_model().objects.get(pk=old_row.pk).phone == "010-9876-5432"
        new_row = _member(phone="010-1111-2222")

    assert Fernet(NEW.encode()).decrypt(_stored_phone(new_row).encode()) == b"010-1111-2222"
    with pytest.raises(InvalidToken):
        Fernet(NEW.encode()).decrypt(_stored_phone(old_row).encode())


@pytest.mark.django_db
def test_reseal_moves_every_row_to_the_newest_key_so_the_old_key_can_go():
    """`reseal` seals old rows under the newest key; `--check` then passes and the old key is no longer needed."""
    user = _member()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        with pytest.raises(CommandError, match="not under the newest key"):
            call_command("reseal", "--check")
        call_command("reseal")
        call_command("reseal", "--check")

    assert Fernet(NEW.encode()).decrypt(_stored_phone(user).encode()) == b"010-9876-5432"
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert get_user_model().objects.get(pk=user.pk).phone == "010-9876-5432"


@pytest.mark.django_db
def test_a_value_whose_key_was_dropped_is_an_error_not_ciphertext():
    """Dropping a key before `reseal` makes its rows fail loudly (and `reseal` says so), never show the token."""
    user = _member()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        with pytest.raises(SealedValueUnreadable, match=r"accounts\.User\.phone"):
            get_user_model().objects.get(pk=user.pk)
        with pytest.raises(CommandError, match="put back the key"):
            call_command("reseal")


@pytest.mark.django_db
def test_a_plain_row_left_from_before_is_read_and_then_sealed_by_reseal():
    """A number written before its column was sealed (or by the previous release mid-deploy) reads as it is
    until `reseal` seals it, as the data migration does."""
    user = _member()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET phone = %s WHERE id = %s", ["010-5555-6666", user.pk])

    assert get_user_model().objects.get(pk=user.pk).phone == "010-5555-6666"
    call_command("reseal")
    assert _stored_phone(user).startswith("gAAAAA")
    assert get_user_model().objects.get(pk=user.pk).phone == "010-5555-6666"


def test_masks_keep_the_last_four_digits_only():
    """Phones keep their dashes and last four digits; accounts show only their last four."""
    assert mask_phone("010-1234-5678") == "***-****-5678"
    assert mask_phone("01012345678") == "*******5678"
    assert mask_phone("") == ""
    assert mask_account("1005-301-234567") == "****4567"
