from django.urls import path  # noqa: F401

from qingfeng.burden import views  # noqa: F401

app_name = "burden"
urlpatterns: list = []
