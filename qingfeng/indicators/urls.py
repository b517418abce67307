from django.urls import path

from qingfeng.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("drill/", views.drill, name="drill"),
    path("warnings/", views.warnings_page, name="warnings"),
    path("requirements/", views.requirements, name="requirements"),
]
