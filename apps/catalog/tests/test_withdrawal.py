"""A member who withdraws leaves no wishlist and no restock alert behind (catalog's ``account.withdrawn``)."""

import pytest
from django.core import mail

from apps.accounts import services as accounts_services
from apps.catalog import services
from apps.catalog.models import RestockAlert, Wishlist
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_withdrawal_clears_the_wishlist_and_restock_alerts_and_no_restock_mail_follows():
    leaving, staying = UserFactory(), UserFactory()
    product = ProductFactory()
    option = ProductOptionFactory(product=product, stock=0)
    for user in (leaving, staying):
        Wishlist.objects.create(user=user, product=product)
        RestockAlert.objects.create(user=user, option=option)
    leaving_email = leaving.email

    accounts_services.user_withdraw(user=leaving, password="pw-1234!a")
    option.stock = 5
    services.option_save(option=option)

    assert not Wishlist.objects.filter(user=leaving).exists()
    assert not RestockAlert.objects.filter(user=leaving).exists()
    assert Wishlist.objects.filter(user=staying).exists()
    assert [message.to for message in mail.outbox if leaving_email in message.to] == []
    assert any(staying.email in message.to for message in mail.outbox)
