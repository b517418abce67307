from django.urls import path  # noqa: F401

from qingfeng.service import views  # noqa: F401

app_name = "service"
urlpatterns: list = []
