from django.urls import path  # noqa: F401

from qingfeng.discipline import views  # noqa: F401

app_name = "discipline"
urlpatterns: list = []
