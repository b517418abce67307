from django.urls import path

from qingfeng.burden import views

app_name = "burden"
urlpatterns = [
    path("", views.form_list, name="list"),
    path("new/", views.form_create, name="create"),
    path("<str:code>/", views.form_detail, name="detail"),
    path("<str:code>/retire/", views.form_retire, name="retire"),
]
