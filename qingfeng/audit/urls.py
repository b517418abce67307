from django.urls import path  # noqa: F401

from qingfeng.audit import views  # noqa: F401

app_name = "audit"
urlpatterns: list = []
