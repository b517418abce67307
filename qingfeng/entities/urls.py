from django.urls import path  # noqa: F401

from qingfeng.entities import views  # noqa: F401

app_name = "entities"
urlpatterns: list = []
