from django.urls import path  # noqa: F401

from qingfeng.indicators import views  # noqa: F401

app_name = "indicators"
urlpatterns: list = []
