from django.urls import path  # noqa: F401

from qingfeng.grassroots import views  # noqa: F401

app_name = "grassroots"
urlpatterns: list = []
