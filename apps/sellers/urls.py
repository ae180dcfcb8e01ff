from django.urls import path

from apps.sellers import views

app_name = "sellers"

urlpatterns = [
    path("seller/apply/", views.apply, name="apply"),
]
