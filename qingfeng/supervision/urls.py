from django.urls import path  # noqa: F401

from qingfeng.supervision import views  # noqa: F401

app_name = "supervision"
urlpatterns: list = []
