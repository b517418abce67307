from django.urls import path

from qingfeng.economy import views

app_name = "economy"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("by-county/", views.by_county, name="by_county"),
    path("new/", views.item_create, name="create"),
    path("<str:code>/", views.item_detail, name="detail"),
]
