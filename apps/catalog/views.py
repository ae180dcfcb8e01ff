"""Shopper pages of the catalog: main page, categories, search, product, wishlist, reviews.

Page views only read (selectors); the POST views call one service each. Nothing is written on GET.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.catalog import caching, selectors, services
from apps.catalog.forms import ListingForm, ReviewForm
from apps.catalog.models import ProductOption
from apps.catalog.personal import product_shows_own
from apps.core.pagecache import render_shared
from apps.sellers import selectors as seller_selectors

PRODUCTS_PER_PAGE = 20
WISHLIST_PER_PAGE = 40


def _listing(request, *, template: str, scope: Callable[[], tuple[dict, dict]], shared_key: str = ""):
    """A product listing of ``scope()``: what it lists (``product_listing``'s categories or seller; nothing:
    all) and the page's own context. With ``shared_key``, first-time visitors of its plain URL get the shared
    HTML (``scope`` is not even called)."""

    def listing_context(request) -> dict:
        listed, context = scope()
        form = ListingForm(request.GET)
        filters = form.filters()
        products = selectors.product_listing(**listed, **filters)
        page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
        return context | {
            "form": form,
            "filters": filters,
            "sorts": [(key, label) for key, (label, _order) in selectors.SORTS.items()],
            "page": page,
            "cards": selectors.product_cards(page.object_list),
        }

    if shared_key:
        return render_shared(
            request, key=shared_key, template=template, context=listing_context, seconds=caching.PAGE_SECONDS
        )
    return render(request, template, listing_context(request))


def _home_sections_html() -> str:
    """The main page's product sections as HTML: the same for every shopper, and dear to build and draw."""
    html = cache.get_or_set(
        caching.HOME_SECTIONS_KEY,
        lambda: render_to_string("catalog/_home_sections.html", {"sections": selectors.home_sections()}),
        timeout=caching.HOME_SECTIONS_SECONDS,
    )
    return mark_safe(html)


@require_safe
def home(request):
    return render_shared(
        request,
        key=caching.HOME_PAGE_KEY,
        template="catalog/home.html",
        context=lambda request: {
            "tree": selectors.category_tree(),
            "sections_html": _home_sections_html(),
            "live_now": selectors.live_now(),
        },
        seconds=caching.PAGE_SECONDS,
    )


@require_safe
def category_list(request):
    return render(request, "catalog/category_list.html", {"tree": selectors.category_tree()})


@require_safe
def category_detail(request, slug: str):
    def scope() -> tuple[dict, dict]:
        tree, category = selectors.category_get_by_slug(slug=slug)  # 404 for an unknown slug
        return {"category_ids": tree.descendant_ids(category)}, {
            "category": category,
            "breadcrumbs": tree.breadcrumbs(category),
            "subcategories": category.children
            or (tree.by_pk[category.parent_id].children if category.parent_id else []),
            "current_category_root_id": category.root_id,
        }

    return _listing(
        request,
        template="catalog/category_detail.html",
        scope=scope,
        shared_key=caching.category_page_key(slug),
    )


@require_safe
def search(request):
    return _listing(request, template="catalog/search.html", scope=lambda: ({}, {}))


@require_safe
def shop(request, pk: int):
    """A seller's shop: its visible products (sorted and filtered like a category), its broadcasts, and the
    business details 전자상거래법 asks a seller to show."""

    def scope() -> tuple[dict, dict]:
        seller = seller_selectors.seller_shop_get(seller_id=pk)  # 404 for an application not approved
        return {"seller_id": seller.pk}, {
            "seller": seller,
            "selling": seller_selectors.seller_may_sell(seller),
            "broadcasts": selectors.seller_broadcasts(user_id=seller.user_id),
            "empty_title": "아직 등록된 상품이 없어요",
        }

    return _listing(request, template="catalog/shop.html", scope=scope)


@require_safe
def product_detail(request, pk: int):
    def context(request) -> dict:
        # ``request`` is the one the page is rendered for: for the page all members share, nobody's.
        detail = selectors.product_detail(product_id=pk, user=request.user)
        product = detail["product"]
        tree = selectors.category_tree()
        category = tree.by_pk.get(product.category_id)
        return {
            **detail,
            "breadcrumbs": tree.breadcrumbs(category) if category else [],
            "current_category_root_id": category.root_id if category else None,
            # Nobody's page offers no 리뷰 쓰기: a member who bought the product gets the page rendered for them.
            "reviewable_lines": selectors.reviewable_order_lines_for(user=request.user, product=product)
            if request.user.pk is not None
            else [],
            "broadcasts": selectors.product_broadcasts(product_id=pk),
            "seller_selling": seller_selectors.seller_may_sell(product.seller),
        }

    return render_shared(
        request,
        key=caching.product_page_key(pk),
        template="catalog/product_detail.html",
        context=context,
        seconds=caching.PRODUCT_PAGE_SECONDS,
        personal_only=lambda bag: product_shows_own(bag, pk),
    )


@require_safe
def product_reviews(request, pk: int):
    product = selectors.product_get(product_id=pk)
    page = Paginator(selectors.product_reviews(product_id=pk), selectors.REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    template = "catalog/_review_page.html" if request.headers.get("HX-Request") else "catalog/reviews.html"
    return render(request, template, {"product": product, "page": page})


@require_POST
def wishlist_toggle(request, pk: int):
    """Heart button: htmx swaps the button; without JavaScript the form posts and comes back."""
    if not request.user.is_authenticated:
        login = f"{settings.LOGIN_URL}?{urlencode({'next': reverse('catalog:product', kwargs={'pk': pk})})}"
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": login})
        return redirect(login)
    product = selectors.product_get(product_id=pk)
    wished = services.wishlist_toggle(user=request.user, product=product)
    if request.headers.get("HX-Request"):
        return render(request, "catalog/_wish_button.html", {"product": product, "wished": wished})
    messages.success(request, "찜 목록에 담았어요." if wished else "찜 목록에서 뺐어요.")
    return redirect(_next_or(request, product.get_absolute_url()))


def _next_or(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_safe
def wishlist(request):
    page = Paginator(selectors.wishlist_products(user=request.user), WISHLIST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "catalog/wishlist.html", {"page": page, "cards": selectors.product_cards(page.object_list)}
    )


@login_required
@require_POST
def restock_alert(request, option_id: int):
    option = get_object_or_404(ProductOption.objects.select_related("product"), pk=option_id)
    try:
        services.restock_alert_request(user=request.user, option=option)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"‘{option.name}’ 재입고되면 {request.user.email}(으)로 알려 드릴게요.")
    return redirect(option.product.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_create(request, pk: int):
    product = selectors.product_get(product_id=pk)
    lines = selectors.reviewable_order_lines_for(user=request.user, product=product)
    if not lines:
        raise PermissionDenied("배송 완료되었거나 구매 확정한 주문 상품만 리뷰를 쓸 수 있습니다.")
    order_line_id = int(request.POST.get("order_line") or request.GET.get("order_line") or lines[0])
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(
                user=request.user,
                product=product,
                order_line_id=order_line_id,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "리뷰를 등록했어요. 소중한 후기 고맙습니다!")
            return redirect(product.get_absolute_url() + "#reviews")
    return render(
        request,
        "catalog/review_form.html",
        {"form": form, "product": product, "order_line_id": order_line_id},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request, review_id: int):
    review = selectors.review_get_for_user(review_id=review_id, user=request.user)
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        services.review_update(
            review=review,
            user=request.user,
            rating=form.cleaned_data["rating"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, "리뷰를 고쳤어요.")
        return redirect(review.product.get_absolute_url() + "#reviews")
    return render(
        request, "catalog/review_form.html", {"form": form, "product": review.product, "review": review}
    )


@login_required
@require_POST
def review_delete(request, review_id: int):
    review = selectors.review_get_for_user(review_id=review_id, user=request.user)
    services.review_delete(review=review, user=request.user)
    messages.success(request, "리뷰를 삭제했어요.")
    return redirect(review.product.get_absolute_url() + "#reviews")
