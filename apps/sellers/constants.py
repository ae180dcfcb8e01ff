"""Names both the services and the selectors use."""

SELLER_CHANGED = "seller.changed"
SELLER_STATUS_CHANGED = "seller.status_changed"
HOUSE_BUSINESS_NUMBER = "1208123456"
# A product of a seller who may not sell (suspended) is not bought, whatever its stock.
NOT_SELLING_MESSAGE = "판매자 사정으로 지금은 구매할 수 없는 상품이에요."
