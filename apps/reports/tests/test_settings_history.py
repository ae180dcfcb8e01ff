"""Runtime settings with a history: each change in admin → 운영 설정 (or by a service) is kept with who, when,
the old and the new value; staff restore any earlier value through the same path, and the restore is kept."""

from decimal import Decimal

import pytest
from constance import config
from constance.forms import ConstanceForm
from constance.utils import get_values
from django.contrib.contenttypes.models import ContentType

from apps.catalog.tests.factories import UserFactory
from apps.reports.models import RuntimeSettingChange
from apps.reports.settings_history import runtime_setting_restore
from apps.reports.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

HISTORY = "/staff/settings/"


def _admin_form_post(client, **changes) -> None:
    """Submit admin → 운영 설정 as a browser would: every field with its value, some changed."""
    form = ConstanceForm(initial=get_values())
    data = {"version": form.initial["version"]}
    for name in form.fields:
        if name == "version":
            continue
        value = changes.get(name, form.initial.get(name))
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    response = client.post("/admin/constance/config/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_change_in_admin_is_kept_with_who_when_old_and_new(client):
    """The admin's form writes through constance; the signal keeps who (the request's member) and both values."""
    # The admin logs the change against constance's content type: after a transactional test flushed the
    # table, the cached id would point at a row that is gone.
    ContentType.objects.clear_cache()
    admin_user = StaffFactory(is_superuser=True, username="ops_kim")
    client.force_login(admin_user)
    config.CHAT_RATE_LIMIT_COUNT  # noqa: B018 - constance stores the default on first read: nobody's change

    _admin_form_post(client, CHAT_RATE_LIMIT_COUNT=8, SELLER_COMMISSION_RATE=Decimal("4.5"))

    changes = {change.key: change for change in RuntimeSettingChange.objects.all()}
    assert set(changes) == {"CHAT_RATE_LIMIT_COUNT", "SELLER_COMMISSION_RATE"}
    count = changes["CHAT_RATE_LIMIT_COUNT"]
    assert count.actor == admin_user
    assert count.actor_name == "ops_kim"
    assert (count.old_value, count.new_value) == (
        '{"__type__": "default", "__value__": 5}',
        '{"__type__": "default", "__value__": 8}',
    )
    assert count.changed_at is not None
    assert config.CHAT_RATE_LIMIT_COUNT == 8

    page = client.get(HISTORY).content.decode()
    assert "CHAT_RATE_LIMIT_COUNT" in page
    assert "ops_kim" in page
    assert 'data-testid="change-old">5<' in page
    assert "4.5" in page


def test_a_change_outside_a_request_has_no_member_and_an_unchanged_write_is_not_kept():
    """A command or task writing a setting is recorded as nobody's; writing the same value again is no change."""
    config.FREE_SHIPPING_THRESHOLD = 30000
    config.FREE_SHIPPING_THRESHOLD = 30000

    change = RuntimeSettingChange.objects.get()
    assert change.actor is None
    assert change.actor_name == ""
    assert change.old_value == '{"__type__": "default", "__value__": 50000}'


def test_staff_restore_an_earlier_value_and_the_restore_is_kept(client):
    """Restoring the value before a change writes it through constance, recorded with its author and source."""
    staff = StaffFactory()
    config.FREE_SHIPPING_THRESHOLD = 30000
    config.FREE_SHIPPING_THRESHOLD = 70000
    first, second = RuntimeSettingChange.objects.order_by("id")
    client.force_login(staff)

    response = client.post(f"/staff/settings/changes/{second.pk}/restore/", {"which": "old"}, follow=True)

    assert "FREE_SHIPPING_THRESHOLD을(를) 30000(으)로 되돌렸어요." in response.content.decode()
    assert config.FREE_SHIPPING_THRESHOLD == 30000
    restore = RuntimeSettingChange.objects.order_by("-id").first()
    assert restore.restored_from == second
    assert restore.actor == staff
    assert (restore.old_value, restore.new_value) == (second.new_value, first.new_value)

    # Back to the very first value (the default before any change), from the first row.
    client.post(f"/staff/settings/changes/{first.pk}/restore/", {"which": "old"})
    assert config.FREE_SHIPPING_THRESHOLD == 50000
    assert RuntimeSettingChange.objects.count() == 4


def test_a_restore_to_the_value_in_force_is_refused_and_members_cannot_restore(client):
    """No change to make: a Korean message and no row; a shopper gets 403 and nothing moves."""
    config.CHAT_SLOW_MODE_SECONDS = 30
    change = RuntimeSettingChange.objects.get()
    client.force_login(UserFactory())
    assert client.post(f"/staff/settings/changes/{change.pk}/restore/", {"which": "old"}).status_code == 403
    assert config.CHAT_SLOW_MODE_SECONDS == 30

    client.force_login(StaffFactory())
    response = client.post(f"/staff/settings/changes/{change.pk}/restore/", {"which": "new"}, follow=True)
    assert "이미 30(으)로 설정되어 있어요" in response.content.decode()
    assert RuntimeSettingChange.objects.count() == 1


def test_the_service_refuses_non_staff():
    """The restore service checks the member itself, whatever view calls it."""
    from django.core.exceptions import PermissionDenied

    config.CHAT_SLOW_MODE_SECONDS = 10
    with pytest.raises(PermissionDenied):
        runtime_setting_restore(
            change_id=RuntimeSettingChange.objects.get().pk, which="old", actor=UserFactory()
        )
