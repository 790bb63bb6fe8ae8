"""Account pages, included under ``tai-khoan/``: ``path("tai-khoan/", include("chiso.accounts.urls"))``."""

from django.urls import path

from chiso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("ma-truy-cap/", views.token_list, name="tokens"),
    path("ma-truy-cap/tao/", views.token_create, name="token_create"),
    path("ma-truy-cap/<int:token_id>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
