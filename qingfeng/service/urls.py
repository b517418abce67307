from django.urls import path

from qingfeng.service import views

app_name = "service"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<str:code>/", views.item_detail, name="detail"),
    path("<str:code>/start/", views.item_start, name="start"),
    path("<str:code>/complete/", views.item_complete, name="complete"),
]
