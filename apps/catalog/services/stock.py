"""Options and their stock: the one conditional UPDATE a checkout takes stock with, its release, staff's
sets and adjustments, and the product's 품절 status following its options."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import caching
from apps.catalog.models import (
    Product,
    ProductOption,
)
from apps.core.events import publish

OPTION_RESTOCKED = "catalog.option_restocked"


@transaction.atomic
def option_create(
    *, product: Product, name: str, stock: int = 0, extra_price: int = 0, position: int = 0
) -> ProductOption:
    return option_save(
        option=ProductOption(
            product=product, name=name, stock=stock, extra_price=extra_price, position=position
        )
    )


@transaction.atomic
def option_save(*, option: ProductOption) -> ProductOption:
    """Save a new or edited option. When its stock comes back from 0, ``catalog.option_restocked`` is
    published (after commit) and the product's 품절 status follows its options.
    """
    previous_stock = None
    if option.pk:
        previous_stock = (
            ProductOption.objects.select_for_update()
            .filter(pk=option.pk)
            .values_list("stock", flat=True)
            .first()
        )
    option.full_clean()
    option.save()
    if option.stock > 0:
        caching.option_sold_out_clear(option.pk)
    if previous_stock == 0 and option.stock > 0:
        publish(OPTION_RESTOCKED, {"option_id": option.pk})
    _product_status_follow_stock(product_id=option.product_id)
    caching.product_changed(option.product_id, listing=False)
    return option


@transaction.atomic
def option_stock_set(*, option_id: int, stock: int) -> ProductOption:
    """Set an option's stock (staff counting the shelf, a supplier delivery)."""
    option = ProductOption.objects.select_for_update().get(pk=option_id)
    option.stock = stock
    return option_save(option=option)


@transaction.atomic
def option_stock_adjust(*, option_id: int, delta: int) -> ProductOption:
    """Add ``delta`` (negative to take) to an option's stock under a row lock; never below 0.

    Raises ValidationError when there is not enough stock: the caller (an order) must not oversell.
    """
    option = ProductOption.objects.select_for_update().get(pk=option_id)
    if option.stock + delta < 0:
        raise ValidationError(_("재고가 부족합니다."))
    option.stock += delta
    return option_save(option=option)


def option_stock_reserve(*, option_id: int, quantity: int) -> bool:
    """Take ``quantity`` from an option's stock in one conditional UPDATE (``stock >= quantity``).

    Returns False, changing nothing, when there is not enough. Never oversells with any number of
    processes: the database checks and decrements in one statement. The row stays locked until the
    caller's transaction ends, so call it last in a short transaction (orders reserve at checkout).
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    taken = ProductOption.objects.filter(pk=option_id, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    option = (
        ProductOption.objects.filter(pk=option_id)
        .values("product_id", "stock", "name", "product__name")
        .first()
    )
    if option is not None and option["stock"] == 0:
        # Sold out (now, or already: then the marker is set at once, as nothing here will commit it).
        caching.option_sold_out_mark(
            option_id,
            label=f"{option['product__name']} ({option['name']})",
            product_url=reverse("catalog:product", args=[option["product_id"]]),
            after_commit=bool(taken),
        )
    if not taken:
        return False
    if option["stock"] == 0:
        _product_status_follow_stock(product_id=option["product_id"])
    caching.product_changed(option["product_id"], listing=False)
    return True


def option_stock_release(*, option_id: int, quantity: int) -> None:
    """Give back ``quantity`` taken by ``option_stock_reserve`` (a reservation expired, an order cancelled).

    Stock coming back from 0 un-sells-out the product and tells the shoppers waiting for a restock.
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    option = ProductOption.objects.filter(pk=option_id).values("product_id", "stock").first()
    if option is None:
        return
    ProductOption.objects.filter(pk=option_id).update(stock=F("stock") + quantity)
    caching.option_sold_out_clear(option_id)
    if option["stock"] == 0:
        _product_status_follow_stock(product_id=option["product_id"])
        publish(OPTION_RESTOCKED, {"option_id": option_id})
    caching.product_changed(option["product_id"], listing=False)


def _product_status_follow_stock(*, product_id: int) -> None:
    """판매중 becomes 품절 when every option is at 0, and back when one returns; 숨김 is left as staff set it."""
    product = Product.objects.select_for_update().get(pk=product_id)
    in_stock = ProductOption.objects.filter(product_id=product_id, stock__gt=0).exists()
    if product.status == Product.Status.ON_SALE and not in_stock:
        new_status = Product.Status.SOLD_OUT
    elif product.status == Product.Status.SOLD_OUT and in_stock:
        new_status = Product.Status.ON_SALE
    else:
        return
    Product.objects.filter(pk=product_id).update(status=new_status, updated_at=timezone.now())
    caching.product_changed(product_id, home=True)


@transaction.atomic
def option_stock_put(*, option_id: int, stock: int, expected_stock: int | None = None) -> int:
    """Set an option's stock without a read-modify-write that could undo a sale; returns the previous stock.

    With ``expected_stock`` (what the seller's form showed) the set is one conditional UPDATE: when a checkout
    took stock in between, nothing changes and a ValidationError names the stock now, so the seller decides
    again. Without it the row is locked first (the CSV import, whose file carries no "stock seen"). Either
    way a checkout's ``option_stock_reserve`` waits for this row and then sees the new figure, so no number of
    buyers can take more than the seller set.
    """
    if stock < 0:
        raise ValidationError({"stock": _("재고는 0 이상이어야 합니다.")})
    options = ProductOption.objects.filter(pk=option_id)
    if expected_stock == stock:
        return stock  # the seller left it as shown: sales since then stand
    if expected_stock is None:
        previous = options.select_for_update().values_list("stock", flat=True).get()
        options.update(stock=stock)
    else:
        if not options.filter(stock=expected_stock).update(stock=stock):
            now = options.values_list("stock", flat=True).get()
            raise ValidationError(
                {
                    "stock": _("그 사이 주문으로 재고가 %(now)d개로 바뀌었어요. 확인하고 다시 저장해 주세요.")
                    % {"now": now}
                }
            )
        previous = expected_stock
    if previous == stock:
        return previous
    product_id = options.values_list("product_id", flat=True).get()
    if stock > 0:
        caching.option_sold_out_clear(option_id)
    if previous == 0 and stock > 0:
        publish(OPTION_RESTOCKED, {"option_id": option_id})
    _product_status_follow_stock(product_id=product_id)
    caching.product_changed(product_id, listing=False)
    return previous
