from django.urls import path

from fms.accounts import views

urlpatterns = [
    path("purchaser-users/", views.purchaser_users, name="purchaser-users"),
]
