from django.urls import path

from apps.payments import views

app_name = "payments"

urlpatterns = [
    path("pay/<str:merchant_uid>/", views.pay, name="pay"),
    path("complete/", views.complete, name="complete"),
    path("webhook/", views.webhook, name="webhook"),
]
