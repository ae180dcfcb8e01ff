"""Reads of the orders module: the cart as the page shows it (re-checked against stock and price), orders.

A seller's side (its parcels, the 발송 CSV check, the dashboard's figures) is in ``shipments``, re-exported here.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog import selectors as catalog_selectors
from apps.catalog.models import Product, ProductOption
from apps.orders.constants import DIRECT_CHECKOUT_SESSION_KEY, GUEST_CART_SESSION_KEY, cart_count_key
from apps.orders.models import (
    CancelRequest,
    CartItem,
    Order,
    OrderLine,
    OrderStatusChange,
    Shipment,
    ShipmentEvent,
    StockHold,
)
from apps.orders.pricing import Amounts, SellerAmounts, amounts_for, option_prices
from apps.sellers.models import Seller

CART_COUNT_SECONDS = 10 * 60
# What "my orders" shows under each tab.
ORDER_TABS = {
    "": None,
    "progress": (Order.Status.PAID, Order.Status.PREPARING, Order.Status.SHIPPING),
    "done": (Order.Status.DELIVERED, Order.Status.CONFIRMED),
    "cancelled": (Order.Status.CANCEL_REQUESTED, Order.Status.CANCELLED, Order.Status.REFUNDED),
}


@dataclass
class CartLine:
    option: ProductOption
    quantity: int
    price_at_add: int = 0
    problem: str = ""  # why it cannot be ordered as it is (sold out, not enough stock)
    agreed_price: int | None = None  # a live hold's unit price (a live price), instead of the sale price
    note: str = ""  # something that changed since it went in (the price)

    @property
    def product(self) -> Product:
        return self.option.product

    @property
    def list_price(self) -> int:
        return option_prices(self.option)[0]

    @property
    def unit_price(self) -> int:
        return self.agreed_price if self.agreed_price is not None else option_prices(self.option)[1]

    @property
    def amount(self) -> int:
        return self.unit_price * self.quantity

    @property
    def orderable(self) -> bool:
        return not self.problem


@dataclass
class CartShop:
    """One shop's lines of a cart and what that shop's parcel costs (None: nothing of it can be ordered)."""

    seller: Seller
    lines: list[CartLine] = field(default_factory=list)
    amounts: SellerAmounts | None = None


@dataclass
class CartView:
    lines: list[CartLine] = field(default_factory=list)

    @property
    def orderable_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.orderable]

    @property
    def amounts(self) -> Amounts:
        return amounts_for(
            (line.product.seller_id, line.list_price, line.unit_price, line.quantity)
            for line in self.orderable_lines
        )

    @property
    def shops(self) -> list[CartShop]:
        """The lines grouped by shop (seller), in the order shops first appear, each with its shipping."""
        amounts = self.amounts
        shops: dict[int, CartShop] = {}
        for line in self.lines:
            shop = shops.setdefault(line.product.seller_id, CartShop(seller=line.product.seller))
            shop.lines.append(line)
        for shop in shops.values():
            if any(group.seller_id == shop.seller.pk for group in amounts.sellers):
                shop.amounts = amounts.seller(shop.seller.pk)
        return list(shops.values())

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)

    @property
    def notes(self) -> list[str]:
        return [line.note for line in self.lines if line.note] + [
            f"{line.product.name} ({line.option.name}): {line.problem}" for line in self.lines if line.problem
        ]

    def items(self) -> dict[int, int]:
        """{option_id: quantity} of what can be ordered."""
        return {line.option.pk: line.quantity for line in self.orderable_lines}


def _options(option_ids) -> dict[int, ProductOption]:
    return (
        ProductOption.objects.select_related("product__seller")
        .prefetch_related("product__images")
        .exclude(product__status=Product.Status.HIDDEN)
        .in_bulk(list(option_ids))
    )


def _line_checked(option: ProductOption, quantity: int, price_at_add: int = 0) -> CartLine:
    line = CartLine(option=option, quantity=quantity, price_at_add=price_at_add)
    if not option.product.is_purchasable or option.stock == 0:
        line.problem = _("품절")
    elif option.stock < quantity:
        line.problem = _("재고가 %(stock)d개 남았어요. 수량을 줄여 주세요.") % {"stock": option.stock}
    if price_at_add and price_at_add != line.unit_price:
        line.note = _("%(name)s의 가격이 %(old)s원에서 %(new)s원으로 바뀌었어요.") % {
            "name": option.product.name,
            "old": f"{price_at_add:,}",
            "new": f"{line.unit_price:,}",
        }
    return line


def guest_cart_items(session) -> dict[int, int]:
    """A guest's cart, kept in the session as {option_id: quantity}."""
    return {
        int(option_id): int(quantity)
        for option_id, quantity in session.get(GUEST_CART_SESSION_KEY, {}).items()
    }


def direct_checkout_sold_out(*, session) -> list[dict]:
    """The session's 바로 구매 (direct checkout) items, as {label, url}, when every one is known to be sold out; else [].

    Read from the cache alone: in a live drop most presses of 결제하기 come after the last unit went, and
    they are answered without the database (which still decides for everyone else)."""
    option_ids = {int(option_id) for option_id in session.get(DIRECT_CHECKOUT_SESSION_KEY) or {}}
    sold_out = catalog_selectors.options_sold_out(option_ids=option_ids) if option_ids else {}
    return list(sold_out.values()) if option_ids and len(sold_out) == len(option_ids) else []


def cart_view(*, user=None, session=None) -> CartView:
    """The member's cart (or the session's guest cart) with each line checked against stock and price now."""
    if user is not None and user.is_authenticated:
        items = list(
            CartItem.objects.filter(cart__user=user)
            .select_related("option__product__seller")
            .prefetch_related("option__product__images")
            .exclude(option__product__status=Product.Status.HIDDEN)
        )
        return CartView([_line_checked(item.option, item.quantity, item.price_at_add) for item in items])
    guest = guest_cart_items(session or {})
    options = _options(guest)
    return CartView([_line_checked(options[oid], qty) for oid, qty in guest.items() if oid in options])


def items_view(*, items: dict[int, int]) -> CartView:
    """Lines of the product page's 바로 구매 (direct checkout, {option_id: quantity}), checked like a cart's."""
    options = _options(items)
    return CartView([_line_checked(options[oid], qty) for oid, qty in items.items() if oid in options])


def stock_hold_get_for_user(*, user, pk: int) -> StockHold:
    """The buyer's own hold that is still held, or Http404."""
    hold = StockHold.objects.filter(pk=pk, user=user, state=StockHold.State.HELD).first()
    if hold is None:
        raise Http404(_("확보한 재고를 찾을 수 없어요."))
    return hold


def stock_hold_ids_of_order(*, order_id: int) -> list[int]:
    """The live holds an order was placed from."""
    return list(StockHold.objects.filter(order_id=order_id).values_list("pk", flat=True))


def stock_hold_option_id(*, hold_id: int) -> int | None:
    """The option whose units a hold took (and gives back when released), or None for no such hold."""
    return StockHold.objects.filter(pk=hold_id).values_list("option_id", flat=True).first()


def hold_view(*, hold: StockHold) -> CartView:
    """The checkout line of a hold: its units are taken already, so only a hidden product is a problem."""
    options = _options([hold.option_id])
    if hold.option_id not in options:
        return CartView([])
    return CartView(
        [CartLine(option=options[hold.option_id], quantity=hold.quantity, agreed_price=hold.unit_price)]
    )


def cart_has(*, user, option_id: int) -> bool:
    """Whether the member's cart has a line of this option."""
    return CartItem.objects.filter(cart__user=user, option_id=option_id).exists()


def cart_count(*, user=None, session=None) -> int:
    """How many lines the header's cart badge shows; a member's count is cached (dropped on each change)."""
    if user is not None and user.is_authenticated:
        key = cart_count_key(user.pk)
        count = cache.get(key)
        if count is None:
            count = CartItem.objects.filter(cart__user=user).count()
            cache.set(key, count, CART_COUNT_SECONDS)
        return count
    return len(guest_cart_items(session or {}))


def _orders() -> QuerySet[Order]:
    return Order.objects.prefetch_related(
        Prefetch(
            "lines", queryset=OrderLine.objects.select_related("product").prefetch_related("product__images")
        )
    )


def orders_for_user(*, user, tab: str = "") -> QuerySet[Order]:
    """A shopper's orders, newest first, with lines and their product pictures."""
    orders = _orders().filter(user=user)
    statuses = ORDER_TABS.get(tab)
    if statuses:
        orders = orders.filter(status__in=statuses)
    return orders


def _own_order(orders: QuerySet[Order], *, user, merchant_uid: str) -> Order:
    """The user's order of that number from ``orders``; another shopper's (or a missing) order is a 404."""
    authenticated = getattr(user, "is_authenticated", False)
    order = orders.filter(merchant_uid=merchant_uid, user=user).first() if authenticated else None
    if order is None:
        raise Http404("order")
    return order


def order_get_for_user(*, user, merchant_uid: str) -> Order:
    """One's own order with lines, parcels (shop, cancel requests) and history; another shopper's (or a
    missing) order is a 404."""
    history = Prefetch("history", queryset=OrderStatusChange.objects.order_by("at", "id"))
    shipments = Prefetch(
        "shipments",
        queryset=Shipment.objects.select_related("seller").prefetch_related(
            Prefetch("cancel_requests", queryset=CancelRequest.objects.order_by("-created_at", "-id")),
            Prefetch("events", queryset=ShipmentEvent.objects.order_by("-at", "-id")),
        ),
    )
    return _own_order(_orders().prefetch_related(history, shipments), user=user, merchant_uid=merchant_uid)


@dataclass
class Parcel:
    """One shop's part of a shopper's order, as the order page shows it."""

    shipment: Shipment | None
    lines: list[OrderLine] = field(default_factory=list)
    paid_at: datetime.datetime | None = None

    @property
    def timeline(self) -> list[tuple[str, datetime.datetime | None]]:
        """결제완료 → 배송준비 → 배송중 → 배송완료 with when each happened (None: not yet), for a parcel
        of a paid order that was not cancelled."""
        shipment = self.shipment
        if shipment is None or self.paid_at is None or shipment.status == Shipment.Status.CANCELLED:
            return []
        return [
            ("결제완료", self.paid_at),
            ("배송준비", shipment.acknowledged_at),
            ("배송중", shipment.shipped_at),
            ("배송완료", shipment.delivered_at),
        ]

    @property
    def scans(self) -> list[ShipmentEvent]:
        """The carrier's scans the tracking service reported, newest first."""
        return list(self.shipment.events.all()) if self.shipment else []

    @property
    def waiting_request(self) -> CancelRequest | None:
        """The shopper's cancel request still waiting for the seller."""
        requests = self.shipment.cancel_requests.all() if self.shipment else []
        return next((r for r in requests if r.status == CancelRequest.Status.WAITING), None)

    @property
    def cancellable(self) -> bool:
        """Its lines may still be picked for a cancel: the parcel has not left and no request waits."""
        not_sent = self.shipment is None or self.shipment.status in (
            Shipment.Status.NEW,
            Shipment.Status.PREPARING,
        )
        return not_sent and self.waiting_request is None

    @property
    def refused_request(self) -> CancelRequest | None:
        """The latest cancel request the seller refused (its reason is shown), unless a newer one waits."""
        requests = list(self.shipment.cancel_requests.all()) if self.shipment else []
        latest = requests[0] if requests else None
        return latest if latest and latest.status == CancelRequest.Status.REFUSED else None


def order_parcels(order: Order) -> list[Parcel]:
    """The order's lines grouped by parcel (one per seller), from an order fetched by ``order_get_for_user``."""
    parcels = {
        shipment.seller_id: Parcel(shipment, paid_at=order.paid_at) for shipment in order.shipments.all()
    }
    for line in order.lines.all():
        parcels.setdefault(line.seller_id, Parcel(None, paid_at=order.paid_at)).lines.append(line)
    return [parcel for parcel in parcels.values() if parcel.lines]


def order_cancel_requests_waiting(*, order: Order) -> bool:
    """Whether a shopper's cancel of this order waits for a seller's answer."""
    return CancelRequest.objects.filter(shipment__order=order, status=CancelRequest.Status.WAITING).exists()


def order_get_for_payment(*, user, merchant_uid: str) -> Order:
    """One's own order as the payment pages need it (its lines' names, not their pictures nor the history)."""
    return _own_order(Order.objects.prefetch_related("lines"), user=user, merchant_uid=merchant_uid)


def order_get(*, merchant_uid: str) -> Order | None:
    """An order by its number, for payments' webhook and reconciliation (no access check: no user there)."""
    return Order.objects.select_related("user").filter(merchant_uid=merchant_uid).first()


def orders_pending_older_than(*, created_before, limit: int = 200) -> list[Order]:
    """Pending orders created before ``created_before``: reconciliation asks the PG about each."""
    return list(
        Order.objects.filter(status=Order.Status.PENDING, created_at__lt=created_before).order_by(
            "created_at"
        )[:limit]
    )


def order_merchant_uid_of(*, order_id: int) -> str | None:
    """The order number of an order id (events carry ids; the PG knows numbers)."""
    return Order.objects.filter(pk=order_id).values_list("merchant_uid", flat=True).first()


def order_line_ids_awaiting_refund(*, order: Order, line_ids) -> list[int]:
    """Which of ``line_ids`` still wait for their refund (취소요청); a line refunded already is not asked twice."""
    return list(
        order.lines.filter(pk__in=line_ids, status=OrderLine.Status.CANCEL_REQUESTED).values_list(
            "pk", flat=True
        )
    )


def orders_expired_unpaid_since(*, created_since) -> QuerySet[Order]:
    """Orders created since ``created_since`` that were cancelled because nobody paid in time.

    A payment may still land on one of these; payments' reconciliation asks the PG about them.
    """
    return Order.objects.filter(
        status=Order.Status.CANCELLED,
        cancel_reason=Order.CancelReason.EXPIRED,
        created_at__gte=created_since,
    )


def reviewable_order_line_ids(*, user, product_id: int) -> list[int]:
    """The hook catalog asks (``apps.catalog.hooks``): the user's lines of the product delivered or confirmed."""
    return list(
        OrderLine.objects.filter(
            order__user=user,
            order__status__in=(Order.Status.DELIVERED, Order.Status.CONFIRMED),
            product_id=product_id,
            status=OrderLine.Status.ORDERED,
        ).values_list("pk", flat=True)
    )


def ordered_option_ids(*, option_ids) -> list[int]:
    """Those of these options that any order line names, whatever the order's status."""
    return list(
        OrderLine.objects.filter(option_id__in=list(option_ids))
        .values_list("option_id", flat=True)
        .distinct()
    )


def stock_holds_open_count(*, user_id: int) -> int:
    """How many holds the member has open across the shop: still held and not yet run out.

    A hold past ``expires_at`` that the sweep has not released yet no longer counts (its checkout refuses it).
    Read inside the transaction that took the buyer's cart lock (``stock_hold_place``) to count the holds of
    that buyer's other requests, which take the same lock first.
    """
    return StockHold.objects.filter(
        user_id=user_id, state=StockHold.State.HELD, expires_at__gt=timezone.now()
    ).count()


def paid_line_sales(*, product_ids, placed_from, paid_from=None) -> list[tuple[int, object, int]]:
    """(order id, paid at, amount) of every paid line of these products in orders placed from ``placed_from``
    on (and paid after ``paid_from``, when given): what a live broadcast's console and the staff's live
    monitor count as its sales as they come in (a refund later is the report's and the settlement's
    business)."""
    lines = OrderLine.objects.filter(
        product_id__in=list(product_ids), order__created_at__gte=placed_from, order__paid_at__isnull=False
    )
    if paid_from is not None:
        lines = lines.filter(order__paid_at__gt=paid_from)
    rows = lines.values_list("order_id", "order__paid_at", "unit_price", "quantity")
    return [(order_id, paid_at, unit_price * quantity) for order_id, paid_at, unit_price, quantity in rows]


from apps.orders.selectors.shipments import (  # noqa: E402 - the package's second file, re-exported
    SELLER_TABS,
    SHIP_CSV_COLUMNS,
    SellerDashboardFigures,
    ShipCsvRow,
    cancel_request_get_for_seller,
    seller_dashboard_figures,
    seller_shipment_counts,
    seller_shipments,
    ship_csv_rows,
    shipment_amount,
    shipment_get_for_seller,
    shipments_to_send,
)

__all__ = [
    "SELLER_TABS",
    "SHIP_CSV_COLUMNS",
    "SellerDashboardFigures",
    "ShipCsvRow",
    "cancel_request_get_for_seller",
    "seller_dashboard_figures",
    "seller_shipment_counts",
    "seller_shipments",
    "ship_csv_rows",
    "shipment_amount",
    "shipment_get_for_seller",
    "shipments_to_send",
]
