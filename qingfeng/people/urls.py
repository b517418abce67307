from django.urls import path

from qingfeng.people import views

app_name = "people"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
]
