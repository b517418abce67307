from django.urls import path

from qingfeng.honors import views

app_name = "honors"
urlpatterns = [
    path("", views.commendation_list, name="list"),
    path("new/", views.commendation_create, name="create"),
    path("<str:code>/", views.commendation_detail, name="detail"),
    path("<str:code>/honorees/", views.honoree_add, name="add_honoree"),
]
