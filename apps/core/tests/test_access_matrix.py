"""Who may reach what: every URL pattern (ours, allauth's, admin's) × anonymous, shopper A, shopper B, a
seller, a rival seller and staff, as the table below says. A route without a row fails
``test_every_route_has_a_row``.

Expectations per role, in ``ROLES`` order: a status code (``"200"``, ``"404"``…), a class (``"2xx"``,
``"3xx"``, ``"4xx"``), ``"login"`` (a redirect to the login page) or ``"admin"`` (to the admin's login).
Each row's objects belong to shopper A or to the seller, so B's column is the IDOR check: B fetching A's
order, address, review or cart line gets 404/403, never A's page. The rival is another approved seller with a
shop of its own: tried against the seller's products, orders, shipments, cancel requests, statements,
broadcasts, studio and reports, every cell is refused (404), while its own seller-center lists answer 200.
Unsafe methods run in the order B, rival, seller, staff, anonymous and A last, so the owner's own action cannot
hide what the others would have got.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from apps.accounts.tests.factories import ShippingAddressFactory, UserFactory
from apps.catalog import services as catalog_services
from apps.catalog.models import Review
from apps.catalog.tests.factories import ProductFactory, ProductOptionFactory, image_upload
from apps.core.tests.factories import policies_fresh
from apps.live import media_server
from apps.live.models import Broadcast, ChatQuestion
from apps.live.tests.factories import BroadcastFactory, BroadcastProductFactory, SellerFactory
from apps.orders import services as order_services
from apps.orders.models import CancelRequest, CartItem
from apps.orders.services import returns
from apps.orders.tests.factories import order_make
from apps.reports.models import SellerStatement

pytestmark = pytest.mark.django_db

ROLES = ("anon", "a", "b", "seller", "rival", "staff")
UNSAFE_ORDER = ("b", "rival", "seller", "staff", "anon", "a")

# route pattern → (method, path with {placeholders}, "anon a b seller rival staff")
MATRIX: dict[str, tuple[str, str, str]] = {
    # --- core, catalog --------------------------------------------------------------------------------
    "healthz": ("GET", "/healthz", "200 200 200 200 200 200"),
    # 이용약관 and 개인정보처리방침 are public, every version (the world has version 1 of each).
    "terms/": ("GET", "/terms/", "200 200 200 200 200 200"),
    "terms/<int:version>/": ("GET", "/terms/1/", "200 200 200 200 200 200"),
    "privacy/": ("GET", "/privacy/", "200 200 200 200 200 200"),
    "privacy/<int:version>/": ("GET", "/privacy/1/", "200 200 200 200 200 200"),
    "": ("GET", "/", "200 200 200 200 200 200"),
    "categories/": ("GET", "/categories/", "200 200 200 200 200 200"),
    "c/<str:slug>/": ("GET", "/c/{category}/", "200 200 200 200 200 200"),
    "search/": ("GET", "/search/?q=x", "200 200 200 200 200 200"),
    "p/<int:pk>/": ("GET", "/p/{product}/", "200 200 200 200 200 200"),
    "p/<int:pk>/reviews/": ("GET", "/p/{product}/reviews/", "200 200 200 200 200 200"),
    "p/<int:pk>/reviews/new/": ("GET", "/p/{product}/reviews/new/", "login 403 403 403 403 403"),
    "p/<int:pk>/wish/": ("POST", "/p/{product}/wish/", "login 3xx 3xx 3xx 3xx 3xx"),
    "reviews/<int:review_id>/edit/": ("GET", "/reviews/{review}/edit/", "login 200 404 404 404 404"),
    "reviews/<int:review_id>/delete/": ("POST", "/reviews/{review}/delete/", "login 3xx 404 404 404 404"),
    "wishlist/": ("GET", "/wishlist/", "login 200 200 200 200 200"),
    # A shop is public (an approved or suspended seller's); applying to sell needs a login.
    "shops/<int:pk>/": ("GET", "/shops/{shop}/", "200 200 200 200 200 200"),
    "seller/apply/": ("GET", "/seller/apply/", "login 200 200 200 200 200"),
    # --- seller center: only a member with an approved (or suspended) shop; others go to the application -----
    "seller/": ("GET", "/seller/", "login 3xx 3xx 200 200 3xx"),
    # The seller's own products ({own_*}); another seller's are 404 (apps/sellercenter/tests/test_products.py).
    "seller/products/": ("GET", "/seller/products/", "login 3xx 3xx 200 200 3xx"),
    "seller/products/new/": ("GET", "/seller/products/new/", "login 3xx 3xx 200 200 3xx"),
    "seller/products/export.csv": ("GET", "/seller/products/export.csv", "login 3xx 3xx 200 200 3xx"),
    "seller/products/import/": ("GET", "/seller/products/import/", "login 3xx 3xx 200 200 3xx"),
    "seller/products/import/confirm/": (
        "POST",
        "/seller/products/import/confirm/",
        "login 3xx 3xx 3xx 3xx 3xx",
    ),
    "seller/products/<int:pk>/": ("GET", "/seller/products/{own_product}/", "login 3xx 3xx 200 404 3xx"),
    "seller/products/<int:pk>/visibility/": (
        "POST",
        "/seller/products/{own_product}/visibility/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    # An empty options table or picture upload is a form error (400), not a change.
    "seller/products/<int:pk>/options/": (
        "POST",
        "/seller/products/{own_product}/options/",
        "login 3xx 3xx 400 404 3xx",
    ),
    "seller/products/<int:pk>/options/<int:option_id>/remove/": (
        "POST",
        "/seller/products/{own_product}/options/{own_option}/remove/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/products/<int:pk>/images/": (
        "POST",
        "/seller/products/{own_product}/images/",
        "login 3xx 3xx 400 404 3xx",
    ),
    "seller/products/<int:pk>/images/<int:image_id>/<slug:action>/": (
        "POST",
        "/seller/products/{own_product}/images/{own_image}/down/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/statements/": ("GET", "/seller/statements/", "login 3xx 3xx 200 200 3xx"),
    "seller/statements/export.csv": ("GET", "/seller/statements/export.csv", "login 3xx 3xx 200 200 3xx"),
    "seller/statements/<int:pk>/": ("GET", "/seller/statements/{statement}/", "login 3xx 3xx 200 404 3xx"),
    # Orders: the seller's own parcel (paid, acknowledged, its shopper's cancel request waiting). Another
    # seller's 404 is apps/sellercenter/tests/test_orders.py's. Empty POSTs: a form error (400), or a step.
    "seller/orders/": ("GET", "/seller/orders/", "login 3xx 3xx 200 200 3xx"),
    "seller/orders/acknowledge/": ("POST", "/seller/orders/acknowledge/", "login 3xx 3xx 3xx 3xx 3xx"),
    "seller/orders/ship-upload/": ("GET", "/seller/orders/ship-upload/", "login 3xx 3xx 200 200 3xx"),
    "seller/orders/export.csv": ("GET", "/seller/orders/export.csv", "login 3xx 3xx 200 200 3xx"),
    "seller/orders/<int:shipment_id>/": ("GET", "/seller/orders/{shipment}/", "login 3xx 3xx 200 404 3xx"),
    "seller/orders/<int:shipment_id>/acknowledge/": (
        "POST",
        "/seller/orders/{shipment}/acknowledge/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/orders/<int:shipment_id>/ship/": (
        "POST",
        "/seller/orders/{shipment}/ship/",
        "login 3xx 3xx 400 404 3xx",
    ),
    "seller/orders/<int:shipment_id>/cancel-requests/<int:request_id>/approve/": (
        "POST",
        "/seller/orders/{shipment}/cancel-requests/{cancel_request}/approve/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/orders/<int:shipment_id>/cancel-requests/<int:request_id>/refuse/": (
        "POST",
        "/seller/orders/{shipment}/cancel-requests/{cancel_request}/refuse/",
        "login 3xx 3xx 400 404 3xx",
    ),
    # Returns: the world's seller has a delivered parcel of A's with a request waiting (placeholders
    # return_order, return_shipment, return_request); the rival shop gets 404 on each.
    "seller/returns/": ("GET", "/seller/returns/", "login 3xx 3xx 200 200 3xx"),
    "seller/returns/<int:return_id>/": (
        "GET",
        "/seller/returns/{return_request}/",
        "login 3xx 3xx 200 404 3xx",
    ),
    "seller/returns/<int:return_id>/approve/": (
        "POST",
        "/seller/returns/{return_request}/approve/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/returns/<int:return_id>/refuse/": (
        "POST",
        "/seller/returns/{return_request}/refuse/",
        "login 3xx 3xx 400 404 3xx",
    ),
    "seller/returns/<int:return_id>/tracking/": (
        "POST",
        "/seller/returns/{return_request}/tracking/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/returns/<int:return_id>/collect/": (
        "POST",
        "/seller/returns/{return_request}/collect/",
        "login 3xx 3xx 3xx 404 3xx",
    ),
    "seller/returns/<int:return_id>/exchange-ship/": (
        "POST",
        "/seller/returns/{return_request}/exchange-ship/",
        "login 3xx 3xx 400 404 3xx",
    ),
    "orders/<str:merchant_uid>/parcels/<int:shipment_id>/return/": (
        "GET",
        "/orders/{return_order}/parcels/{return_shipment}/return/",
        "login 200 404 404 404 404",
    ),
    "orders/<str:merchant_uid>/returns/<int:return_id>/tracking/": (
        "POST",
        "/orders/{return_order}/returns/{return_request}/tracking/",
        "login 3xx 404 404 404 404",
    ),
    # The owner withdraws the request (back to the order page); nobody else learns it exists.
    "orders/<str:merchant_uid>/returns/<int:return_id>/withdraw/": (
        "POST",
        "/orders/{return_order}/returns/{return_request}/withdraw/",
        "login 3xx 404 404 404 404",
    ),
    "restock-alerts/<int:option_id>/": ("POST", "/restock-alerts/{option}/", "login 3xx 3xx 3xx 3xx 3xx"),
    # --- cart, checkout, orders, payments --------------------------------------------------------------
    "cart/": ("GET", "/cart/", "200 200 200 200 200 200"),
    "cart/add/": ("POST", "/cart/add/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "cart/items/<int:option_id>/": ("POST", "/cart/items/{option}/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "cart/items/<int:option_id>/remove/": ("POST", "/cart/items/{option}/remove/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "checkout/": ("GET", "/checkout/", "login 200 3xx 3xx 3xx 3xx"),
    # The tracking service's callback: a wrong secret is a 404 whoever asks.
    "delivery-tracking/<str:secret>/": ("POST", "/delivery-tracking/wrong/", "404 404 404 404 404 404"),
    "orders/": ("GET", "/orders/", "login 200 200 200 200 200"),
    "orders/<str:merchant_uid>/": ("GET", "/orders/{order}/", "login 200 404 404 404 404"),
    "orders/<str:merchant_uid>/cancel/": ("POST", "/orders/{order}/cancel/", "login 3xx 404 404 404 404"),
    "orders/<str:merchant_uid>/confirm/": ("POST", "/orders/{order}/confirm/", "login 3xx 404 404 404 404"),
    "payments/pay/<str:merchant_uid>/": ("GET", "/payments/pay/{order}/", "login 200 404 404 404 404"),
    "payments/complete/": ("GET", "/payments/complete/?merchant_uid={order}", "login 3xx 404 404 404 404"),
    # Only PortOne's addresses (and loopback for the sandbox in tests): the body is then verified at the PG.
    "payments/webhook/": ("POST", "/payments/webhook/", "400 400 400 400 400 400"),
    # --- live -----------------------------------------------------------------------------------------
    "live/": ("GET", "/live/", "200 200 200 200 200 200"),
    "live/<int:pk>/": ("GET", "/live/{broadcast}/", "200 200 200 200 200 200"),
    "live/<int:pk>/status/": ("GET", "/live/{broadcast}/status/", "200 200 200 200 200 200"),
    "live/<int:pk>/alarm/": ("POST", "/live/{broadcast}/alarm/", "login 3xx 3xx 3xx 3xx 3xx"),
    "live/<int:pk>/buy/": ("POST", "/live/{broadcast}/buy/", "401 4xx 4xx 4xx 4xx 4xx"),
    "live/<int:pk>/coupons/<int:coupon_id>/claim/": (
        "POST",
        "/live/{broadcast}/coupons/999999/claim/",
        "401 4xx 4xx 4xx 4xx 4xx",
    ),
    # Any member may report a broadcast (the seller not their own: 400); anonymous viewers are told to log in.
    "live/<int:pk>/report/": ("POST", "/live/{broadcast}/report/", "401 4xx 4xx 4xx 4xx 4xx"),
    "live/studio/": ("GET", "/live/studio/", "login 403 403 200 200 200"),
    "live/<int:pk>/studio/": ("GET", "/live/{broadcast}/studio/", "login 404 404 200 404 200"),
    "live/<int:pk>/studio/console/": (
        "GET",
        "/live/{broadcast}/studio/console/",
        "login 404 404 200 404 200",
    ),
    "live/<int:pk>/studio/key/": ("POST", "/live/{broadcast}/studio/key/", "login 404 404 3xx 404 3xx"),
    "live/<int:pk>/studio/end/": ("POST", "/live/{broadcast}/studio/end/", "login 404 404 3xx 404 3xx"),
    "live/<int:pk>/studio/products/": (
        "POST",
        "/live/{broadcast}/studio/products/",
        "login 404 404 3xx 404 3xx",
    ),
    "live/<int:pk>/studio/products/<int:item_id>/<slug:action>/": (
        "POST",
        "/live/{broadcast}/studio/products/{item}/pin/",
        "login 404 404 3xx 404 3xx",
    ),
    "live/<int:pk>/studio/moderators/<slug:action>/": (
        "POST",
        "/live/{broadcast}/studio/moderators/add/",
        "login 404 404 3xx 404 3xx",
    ),
    "live/<int:pk>/studio/report/": ("GET", "/live/{broadcast}/studio/report/", "login 404 404 200 404 200"),
    # The question queue: the seller's and staff's. Posting without a text is refused (409), and the group
    # the seller closed first is closed for staff (409).
    "live/<int:pk>/studio/questions/": (
        "GET",
        "/live/{broadcast}/studio/questions/",
        "login 404 404 200 404 200",
    ),
    "live/<int:pk>/studio/questions/<int:question_id>/answer/": (
        "POST",
        "/live/{broadcast}/studio/questions/{question}/answer/",
        "login 404 404 4xx 404 4xx",
    ),
    "live/<int:pk>/studio/questions/<int:question_id>/done/": (
        "POST",
        "/live/{broadcast}/studio/questions/{question}/done/",
        "login 404 404 200 404 4xx",
    ),
    "live/<int:pk>/studio/health/": ("GET", "/live/{broadcast}/studio/health/", "login 404 404 200 404 200"),
    # The media server's callbacks: a wrong secret is refused whoever asks.
    "live/media-server/<str:secret>/publish/": (
        "POST",
        "/live/media-server/wrong/publish/",
        "403 403 403 403 403 403",
    ),
    "live/media-server/<str:secret>/publish-done/": (
        "POST",
        "/live/media-server/wrong/publish-done/",
        "403 403 403 403 403 403",
    ),
    "live/media-server/<str:secret>/record-done/": (
        "POST",
        "/live/media-server/wrong/record-done/",
        "403 403 403 403 403 403",
    ),
    # --- reports (staff) --------------------------------------------------------------------------------
    "staff/dashboard/": ("GET", "/staff/dashboard/", "login 403 403 403 403 200"),
    # The report queue: staff only; an unknown report is 404 to staff, never reached by anyone else.
    "staff/moderation/": ("GET", "/staff/moderation/", "login 403 403 403 403 200"),
    "staff/moderation/<int:pk>/<slug:action>/": (
        "POST",
        "/staff/moderation/999999/dismiss/",
        "login 403 403 403 403 404",
    ),
    "staff/moderation/bans/<int:user_id>/lift/": (
        "POST",
        "/staff/moderation/bans/999999/lift/",
        "login 403 403 403 403 404",
    ),
    "staff/dashboard/<slug:table>.csv": (
        "GET",
        "/staff/dashboard/user-statistics.csv",
        "login 403 403 403 403 2xx",
    ),
    "staff/runtime-settings.json": ("GET", "/staff/runtime-settings.json", "login 403 403 403 403 200"),
    # The live monitor and its actions: staff only. Stopping the seller's broadcast with no reason is refused
    # with a message and back to the monitor (3xx); the broadcast stays on air for the cells after it.
    "staff/live/": ("GET", "/staff/live/", "login 403 403 403 403 200"),
    "staff/live/figures.json": ("GET", "/staff/live/figures.json", "login 403 403 403 403 200"),
    "staff/live/<int:pk>/stop/": ("POST", "/staff/live/{broadcast}/stop/", "login 403 403 403 403 3xx"),
    # Runtime settings history; a restore of a change that does not exist is a message on the page (3xx).
    "staff/settings/": ("GET", "/staff/settings/", "login 403 403 403 403 200"),
    "staff/settings/changes/<int:change_id>/restore/": (
        "POST",
        "/staff/settings/changes/999999/restore/",
        "login 403 403 403 403 3xx",
    ),
    # Loopback may scrape (the test client is 127.0.0.1); the gateway never exposes /metrics.
    "metrics": ("GET", "/metrics", "200 200 200 200 200 200"),
    # --- accounts (ours) ------------------------------------------------------------------------------
    "accounts/signup/": ("GET", "/accounts/signup/", "200 3xx 3xx 3xx 3xx 3xx"),
    "accounts/signup/check-username/": (
        "GET",
        "/accounts/signup/check-username/?username=x",
        "200 200 200 200 200 200",
    ),
    "accounts/verify/": ("GET", "/accounts/verify/", "login login login login login login"),
    "accounts/login/": ("GET", "/accounts/login/", "200 3xx 3xx 3xx 3xx 3xx"),
    "accounts/logout/": ("POST", "/accounts/logout/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "accounts/find-id/": ("GET", "/accounts/find-id/", "200 200 200 200 200 200"),
    "accounts/password/reset/": ("GET", "/accounts/password/reset/", "200 200 200 200 200 200"),
    "accounts/social/connect/": ("GET", "/accounts/social/connect/", "login login login login login login"),
    "accounts/me/": ("GET", "/accounts/me/", "login 200 200 200 200 200"),
    "accounts/me/profile/": ("GET", "/accounts/me/profile/", "login 200 200 200 200 200"),
    "accounts/me/password/": ("GET", "/accounts/me/password/", "login 200 200 200 200 200"),
    "accounts/me/email/": ("GET", "/accounts/me/email/", "login 200 200 200 200 200"),
    "accounts/me/addresses/": ("GET", "/accounts/me/addresses/", "login 200 200 200 200 200"),
    "accounts/me/addresses/new/": ("GET", "/accounts/me/addresses/new/", "login 200 200 200 200 200"),
    "accounts/me/addresses/<int:address_id>/edit/": (
        "GET",
        "/accounts/me/addresses/{address}/edit/",
        "login 200 404 404 404 404",
    ),
    "accounts/me/addresses/<int:address_id>/delete/": (
        "POST",
        "/accounts/me/addresses/{address}/delete/",
        "login 3xx 404 404 404 404",
    ),
    "accounts/me/addresses/<int:address_id>/default/": (
        "POST",
        "/accounts/me/addresses/{address}/default/",
        "login 3xx 404 404 404 404",
    ),
    "accounts/me/withdraw/": ("GET", "/accounts/me/withdraw/", "login 200 200 200 200 200"),
    # Staff add or remove the TOTP device the admin's login then asks a code of.
    "accounts/staff/2fa/": ("GET", "/accounts/staff/2fa/", "login 403 403 403 403 200"),
    # allauth pages done TriMarket's way: redirects to the my page.
    "accounts/email/": ("GET", "/accounts/email/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "accounts/password/change/": ("GET", "/accounts/password/change/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "accounts/password/set/": ("GET", "/accounts/password/set/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "accounts/3rdparty/": ("GET", "/accounts/3rdparty/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    # --- allauth's own (the ones shadowed by ours above resolve to ours) -------------------------------
    "accounts/inactive/": ("GET", "/accounts/inactive/", "200 200 200 200 200 200"),
    "accounts/reauthenticate/": ("GET", "/accounts/reauthenticate/", "login 200 200 200 200 200"),
    "accounts/confirm-email/": ("GET", "/accounts/confirm-email/", "200 200 200 200 200 200"),
    "accounts/login/code/confirm/": ("GET", "/accounts/login/code/confirm/", "login 3xx 3xx 3xx 3xx 3xx"),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (
        "GET",
        "/accounts/confirm-email/bogus-key/",
        "200 200 200 200 200 200",
    ),
    "accounts/password/reset/key/done/": (
        "GET",
        "/accounts/password/reset/key/done/",
        "200 200 200 200 200 200",
    ),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "GET",
        "/accounts/password/reset/key/1-bogus/",
        "200 200 200 200 200 200",
    ),
    "accounts/password/reset/done/": ("GET", "/accounts/password/reset/done/", "200 200 200 200 200 200"),
    "accounts/3rdparty/login/cancelled/": (
        "GET",
        "/accounts/3rdparty/login/cancelled/",
        "200 200 200 200 200 200",
    ),
    "accounts/3rdparty/login/error/": ("GET", "/accounts/3rdparty/login/error/", "401 401 401 401 401 401"),
    "accounts/3rdparty/signup/": ("GET", "/accounts/3rdparty/signup/", "login login login login login login"),
    "accounts/social/login/cancelled/": (
        "GET",
        "/accounts/social/login/cancelled/",
        "3xx 3xx 3xx 3xx 3xx 3xx",
    ),
    "accounts/social/login/error/": ("GET", "/accounts/social/login/error/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "accounts/social/signup/": ("GET", "/accounts/social/signup/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    "accounts/social/connections/": ("GET", "/accounts/social/connections/", "3xx 3xx 3xx 3xx 3xx 3xx"),
    # Kakao/Naver without a configured client: nothing to start.
    "accounts/kakao/login/": ("GET", "/accounts/kakao/login/", "404 404 404 404 404 404"),
    "accounts/kakao/login/callback/": ("GET", "/accounts/kakao/login/callback/", "404 404 404 404 404 404"),
    "accounts/naver/login/": ("GET", "/accounts/naver/login/", "404 404 404 404 404 404"),
    "accounts/naver/login/callback/": ("GET", "/accounts/naver/login/callback/", "404 404 404 404 404 404"),
    # --- API -------------------------------------------------------------------------------------------
    "api/auth/token/": ("POST", "/api/auth/token/", "400 400 400 400 400 400"),
    "api/auth/token/refresh/": ("POST", "/api/auth/token/refresh/", "400 400 400 400 400 400"),
    "api/auth/logout/": ("POST", "/api/auth/logout/", "400 400 400 400 400 400"),
    # Session-authenticated: the test client skips CSRF, the browser's page sends it.
    "api/auth/session-token/": ("POST", "/api/auth/session-token/", "403 201 201 201 201 201"),
    "api/me/": ("GET", "/api/me/", "401 200 200 200 200 200"),
    "api/schema/": ("GET", "/api/schema/", "200 200 200 200 200 200"),
    "api/docs/": ("GET", "/api/docs/", "200 200 200 200 200 200"),
    # --- REST API v1: 401 (the JSON error body) for anonymous on a member's endpoint; B's column is the IDOR
    # check on A's address, cart line and order (404). Empty POSTs: 400 naming the missing fields.
    "api/v1/auth/token/": ("POST", "/api/v1/auth/token/", "400 400 400 400 400 400"),
    "api/v1/auth/token/refresh/": ("POST", "/api/v1/auth/token/refresh/", "400 400 400 400 400 400"),
    "api/v1/auth/logout/": ("POST", "/api/v1/auth/logout/", "400 400 400 400 400 400"),
    "api/v1/me/": ("GET", "/api/v1/me/", "401 200 200 200 200 200"),
    "api/v1/me/addresses/": ("GET", "/api/v1/me/addresses/", "401 200 200 200 200 200"),
    "api/v1/me/addresses/<int:pk>/": ("GET", "/api/v1/me/addresses/{address}/", "401 200 404 404 404 404"),
    "api/v1/categories/": ("GET", "/api/v1/categories/", "200 200 200 200 200 200"),
    "api/v1/products/": ("GET", "/api/v1/products/?q=x&sort=new", "200 200 200 200 200 200"),
    "api/v1/products/<int:pk>/": ("GET", "/api/v1/products/{product}/", "200 200 200 200 200 200"),
    "api/v1/products/<int:pk>/reviews/": (
        "GET",
        "/api/v1/products/{product}/reviews/",
        "200 200 200 200 200 200",
    ),
    "api/v1/wishlist/": ("GET", "/api/v1/wishlist/", "401 200 200 200 200 200"),
    # Nobody has hearted the product: un-hearting it is a 404 for everyone.
    "api/v1/wishlist/<int:product_id>/": ("DELETE", "/api/v1/wishlist/{product}/", "401 404 404 404 404 404"),
    "api/v1/restock-alerts/": ("GET", "/api/v1/restock-alerts/", "401 200 200 200 200 200"),
    "api/v1/cart/": ("GET", "/api/v1/cart/", "401 200 200 200 200 200"),
    "api/v1/cart/items/": ("POST", "/api/v1/cart/items/", "401 400 400 400 400 400"),
    "api/v1/cart/items/<int:option_id>/": (
        "DELETE",
        "/api/v1/cart/items/{option}/",
        "401 204 404 404 404 404",
    ),
    "api/v1/orders/": ("GET", "/api/v1/orders/", "401 200 200 200 200 200"),
    "api/v1/orders/<str:merchant_uid>/": ("GET", "/api/v1/orders/{order}/", "401 200 404 404 404 404"),
    "api/v1/orders/<str:merchant_uid>/cancel/": (
        "POST",
        "/api/v1/orders/{order}/cancel/",
        "401 200 404 404 404 404",
    ),
    # A's order is 결제대기: not one to confirm yet (400, the service's sentence).
    "api/v1/orders/<str:merchant_uid>/confirm/": (
        "POST",
        "/api/v1/orders/{order}/confirm/",
        "401 400 404 404 404 404",
    ),
    "api/v1/orders/<str:merchant_uid>/returns/": (
        "GET",
        "/api/v1/orders/{return_order}/returns/",
        "401 200 404 404 404 404",
    ),
    # An empty body: the owner hears what is missing (400), anyone else that there is no such return.
    "api/v1/orders/<str:merchant_uid>/returns/<int:return_id>/tracking/": (
        "POST",
        "/api/v1/orders/{return_order}/returns/{return_request}/tracking/",
        "401 400 404 404 404 404",
    ),
    "api/v1/orders/<str:merchant_uid>/returns/<int:return_id>/withdraw/": (
        "POST",
        "/api/v1/orders/{return_order}/returns/{return_request}/withdraw/",
        "401 200 404 404 404 404",
    ),
    "api/v1/payments/prepare/": ("POST", "/api/v1/payments/prepare/", "401 400 400 400 400 400"),
    "api/v1/payments/verify/": ("POST", "/api/v1/payments/verify/", "401 400 400 400 400 400"),
    "api/v1/broadcasts/": ("GET", "/api/v1/broadcasts/?tab=scheduled", "200 200 200 200 200 200"),
    "api/v1/broadcasts/<int:pk>/": ("GET", "/api/v1/broadcasts/{broadcast}/", "200 200 200 200 200 200"),
    "api/v1/broadcasts/<int:pk>/holds/": (
        "POST",
        "/api/v1/broadcasts/{broadcast}/holds/",
        "401 400 400 400 400 400",
    ),
    # --- admin (staff only; every model's pages are summarised by its changelist below) -----------------
    "admin/": ("GET", "/admin/", "admin admin admin admin admin 200"),
    "admin/login/": ("GET", "/admin/login/", "200 200 200 200 200 3xx"),
    "admin/logout/": ("POST", "/admin/logout/", "3xx 3xx 3xx 3xx 3xx 200"),
    "admin/password_change/": ("GET", "/admin/password_change/", "admin admin admin admin admin 200"),
    "admin/password_change/done/": (
        "GET",
        "/admin/password_change/done/",
        "admin admin admin admin admin 200",
    ),
    "admin/jsi18n/": ("GET", "/admin/jsi18n/", "admin admin admin admin admin 200"),
    "sitemap.xml": ("GET", "/sitemap.xml", "200 200 200 200 200 200"),
    "robots.txt": ("GET", "/robots.txt", "200 200 200 200 200 200"),
    "favicon.ico": ("GET", "/favicon.ico", "200 200 200 200 200 200"),
    "site.webmanifest": ("GET", "/site.webmanifest", "200 200 200 200 200 200"),
    "admin/autocomplete/": ("GET", "/admin/autocomplete/", "admin admin admin admin admin 4xx"),
    "admin/r/<path:content_type_id>/<path:object_id>/": (
        "GET",
        "/admin/r/1/1/",
        "admin admin admin admin admin 4xx",
    ),
    "admin/^(?P<app_label>{apps})/$": ("GET", "/admin/catalog/", "admin admin admin admin admin 200"),
    "admin/(?P<url>.*)$": ("GET", "/admin/no-such-page/", "admin admin admin admin admin 404"),
}

# Every ModelAdmin's pages (changelist, add, history, delete, change) behave alike: staff only.
ADMIN_MODELS = {
    "account/emailaddress",
    "accounts/accountban",
    "accounts/emailverification",
    "accounts/shippingaddress",
    "accounts/user",
    "auth/group",
    "axes/accessattempt",
    "axes/accessfailurelog",
    "axes/accesslog",
    "catalog/category",
    "catalog/product",
    "catalog/restockalert",
    "catalog/review",
    "constance/config",
    "core/eventdelivery",
    "core/policydocument",
    "django_celery_beat/clockedschedule",
    "django_celery_beat/crontabschedule",
    "django_celery_beat/intervalschedule",
    "django_celery_beat/periodictask",
    "django_celery_beat/solarschedule",
    "live/broadcast",
    "live/broadcastalarm",
    "live/moderationaction",
    "live/viewerreport",
    "orders/cart",
    "orders/order",
    "orders/orderline",
    "orders/returnrequest",
    "orders/stockreservation",
    "otp_totp/totpdevice",
    "payments/paymentattempt",
    "payments/refund",
    "reports/broadcastreport",
    "reports/jobrun",
    "reports/runtimesettingchange",
    "reports/sellerstatement",
    "reports/settlement",
    "reports/userstatisticsday",
    "sellers/seller",
    "sites/site",
    "socialaccount/socialaccount",
    "socialaccount/socialapp",
    "socialaccount/socialtoken",
    "token_blacklist/blacklistedtoken",
    "token_blacklist/outstandingtoken",
}
ADMIN_MODEL_ROW = "admin admin admin admin admin 200"
ADMIN_MODEL_PREFIX = re.compile(r"^admin/(?P<model>[a-z_]+/[a-z_]+)/")


def _walk(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _row_key(route: str) -> str:
    """The table key of a route: admin model pages share their model's row, the app index its template."""
    if route in MATRIX:
        return route
    match = ADMIN_MODEL_PREFIX.match(route)
    if match and not route.startswith(("admin/r/", "admin/^")):
        return f"admin-model:{match['model']}"
    if route.startswith("admin/^(?P<app_label>"):
        return "admin/^(?P<app_label>{apps})/$"
    return route


def routes() -> set[str]:
    return {_row_key(route) for route in _walk(get_resolver())}


def test_every_route_has_a_row():
    """A route (or admin model) added without a row here fails until someone decides who may reach it."""
    table = set(MATRIX) | {f"admin-model:{model}" for model in ADMIN_MODELS}
    present = routes()
    missing, stale = present - table, table - present
    assert not missing, f"routes without a row in MATRIX/ADMIN_MODELS: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def world(db, portone):
    """Shopper A's order, address, review and cart line; the seller's broadcast; B, staff, nobody else's."""
    policies_fresh()
    shopper_a = UserFactory(username="shopper_a")
    shopper_b = UserFactory(username="shopper_b")
    seller = SellerFactory(username="seller_x")
    staff = UserFactory(username="staff_x", is_staff=True, is_superuser=True)
    option = ProductOptionFactory(stock=10)
    product = option.product
    order = order_make(user=shopper_a, option=option)
    order_services.cart_item_add(user=shopper_a, option_id=option.pk)
    address = ShippingAddressFactory(user=shopper_a, is_default=True)
    review = Review.objects.create(
        product=ProductFactory(), user=shopper_a, order_line_id=9_100_000_001, rating=5, text="좋아요"
    )
    item = BroadcastProductFactory(
        broadcast=BroadcastFactory(seller=seller, scheduled_at=timezone.now() + datetime.timedelta(hours=1))
    )
    own_option = ProductOptionFactory(product=ProductFactory(seller=seller.seller), stock=3)
    own_image = catalog_services.product_image_add(product=own_option.product, image=image_upload())
    statement = SellerStatement.objects.create(
        seller=seller.seller, kind=SellerStatement.Kind.DAY, period_start=datetime.date(2026, 11, 10)
    )
    sold = order_services.order_mark_paid_demo(
        order=order_make(
            user=shopper_a, option=ProductOptionFactory(product=ProductFactory(seller=seller.seller))
        ),
        imp_uid="imp_matrix_sold",
    )
    shipment = sold.shipments.get()
    order_services.shipment_acknowledge(shipment=shipment, seller_id=seller.seller.pk, actor=seller.username)
    order_services.order_cancel(order=sold, actor=shopper_a.username)
    returned = order_services.order_mark_paid_demo(
        order=order_make(
            user=shopper_a, option=ProductOptionFactory(product=ProductFactory(seller=seller.seller))
        ),
        imp_uid="imp_matrix_returned",
    )
    for step in ("preparing", "shipping", "delivered"):
        order_services.order_status_advance(
            order=returned, to_status=step, actor="staff", tracking_number="601234567890"
        )
    return_request = returns.return_request(
        shipment=returned.shipments.get(),
        user=shopper_a,
        kind="return",
        reason="defective",
        quantities={returned.lines.get().pk: 1},
    )
    rival = SellerFactory(username="seller_rival")
    users = {"a": shopper_a, "b": shopper_b, "seller": seller, "rival": rival, "staff": staff, "anon": None}
    placeholders = {
        "return_order": returned.merchant_uid,
        "return_shipment": return_request.shipment_id,
        "return_request": return_request.pk,
        "shipment": shipment.pk,
        "cancel_request": CancelRequest.objects.get(shipment=shipment).pk,
        "category": product.category.slug,
        "product": product.pk,
        "shop": product.seller_id,
        "option": option.pk,
        "order": order.merchant_uid,
        "address": address.pk,
        "review": review.pk,
        "broadcast": item.broadcast_id,
        "item": item.pk,
        "question": ChatQuestion.objects.create(
            broadcast=item.broadcast,
            topic="price",
            open_key="price:0",
            first_asked_at=timezone.now(),
            last_asked_at=timezone.now(),
        ).pk,
        "secret": media_server.callback_secret(),
        "own_product": own_option.product_id,
        "own_option": own_option.pk,
        "own_image": own_image.pk,
        "statement": statement.pk,
    }
    return users, placeholders


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _verdict(response) -> str:
    """The response as the table's vocabulary can match it."""
    location = response.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308):
        if location.startswith("/admin/login/"):
            return "admin"
        if location.startswith("/accounts/login/"):
            return "login"
    return str(response.status_code)


def _matches(expected: str, verdict: str) -> bool:
    if expected == verdict:
        return True
    if expected.endswith("xx") and verdict.isdigit():
        return verdict[0] == expected[0]
    return False


def _request(client: Client, method: str, path: str):
    return getattr(client, method.lower())(path)


def _check_row(world, method: str, template: str, expected_row: str) -> None:
    users, placeholders = world
    path = template.format(**placeholders)
    expected = dict(zip(ROLES, expected_row.split(), strict=True))
    order = ROLES if method == "GET" else UNSAFE_ORDER
    got = {role: _verdict(_request(_client(users[role]), method, path)) for role in order}
    wrong = {
        role: f"expected {expected[role]}, got {got[role]}"
        for role in ROLES
        if not _matches(expected[role], got[role])
    }
    assert not wrong, f"{method} {path}: {wrong}"


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_answers_each_role_as_the_table_says(world, route):
    """Each role gets exactly the answer (or refusal) the table gives for this route."""
    method, template, expected_row = MATRIX[route]
    _check_row(world, method, template, expected_row)


@pytest.mark.parametrize("model", sorted(ADMIN_MODELS))
def test_admin_model_pages_are_staff_only(world, model):
    """Each ModelAdmin's changelist: staff only; everybody else is sent to the admin's login."""
    assert model in {f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry}
    _check_row(world, "GET", f"/admin/{model}/", ADMIN_MODEL_ROW)


# --- Object level: what the table's B column implies, checked on the objects themselves ----------------


def test_another_seller_reaches_neither_the_studio_nor_the_stream_key(world):
    """A second seller gets 404 for the studio and its key actions; the key stays the same."""
    _users, placeholders = world
    broadcast = Broadcast.objects.get(pk=placeholders["broadcast"])
    key = broadcast.stream_key
    other = _client(SellerFactory(username="seller_other"))

    assert other.get(f"/live/{broadcast.pk}/studio/").status_code == 404
    assert other.post(f"/live/{broadcast.pk}/studio/key/").status_code == 404
    assert other.post(f"/live/{broadcast.pk}/studio/end/").status_code == 404
    assert other.get(f"/live/{broadcast.pk}/studio/report/").status_code == 404
    stranger = UserFactory(username="would_be_moderator")
    assert (
        other.post(f"/live/{broadcast.pk}/studio/moderators/add/", {"user": stranger.pk}).status_code == 404
    )
    assert not broadcast.moderators.exists()
    broadcast.refresh_from_db()
    assert broadcast.stream_key == key
    assert broadcast.status == Broadcast.Status.SCHEDULED


def test_the_stream_key_appears_only_in_its_sellers_studio(world):
    """The public broadcast page and its status JSON never carry the key, whoever asks."""
    users, placeholders = world
    broadcast = Broadcast.objects.get(pk=placeholders["broadcast"])
    for role in ROLES:
        client = _client(users[role])
        for path in (f"/live/{broadcast.pk}/", f"/live/{broadcast.pk}/status/", "/live/"):
            assert broadcast.stream_key not in client.get(path).content.decode(), (role, path)
    assert (
        broadcast.stream_key in _client(users["seller"]).get(f"/live/{broadcast.pk}/studio/").content.decode()
    )


def test_one_shoppers_cart_and_order_stay_out_of_anothers_pages(world):
    """B's cart, order list and address book show nothing of A's; B's remove leaves A's cart line."""
    users, placeholders = world
    shopper_b = _client(users["b"])
    order_uid, address_id = placeholders["order"], placeholders["address"]
    shopper_b.post(f"/cart/items/{placeholders['option']}/remove/")

    assert order_uid not in shopper_b.get("/orders/").content.decode()
    assert (
        f"/accounts/me/addresses/{address_id}/"
        not in shopper_b.get("/accounts/me/addresses/").content.decode()
    )
    assert CartItem.objects.filter(cart__user=users["a"], option_id=placeholders["option"]).exists()
    assert shopper_b.get("/cart/").context["cart"].lines == []
