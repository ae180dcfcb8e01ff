from django.urls import path

from apps.payments.api import views

# Mounted at /api/v1/.
urlpatterns = [
    path("payments/prepare/", views.PaymentPrepareView.as_view(), name="api-v1-payment-prepare"),
    path("payments/verify/", views.PaymentVerifyView.as_view(), name="api-v1-payment-verify"),
]
