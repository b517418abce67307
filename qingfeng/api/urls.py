from django.urls import path

from qingfeng.api import views

app_name = "api"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new", views.create_token, name="token_create"),
    path("tokens/<int:pk>/revoke", views.revoke_token, name="token_revoke"),
]
