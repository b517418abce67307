from django.urls import path

from qingfeng.education import views

app_name = "education"
urlpatterns = [
    path("", views.study_list, name="list"),
    path("by-organization/", views.by_org, name="by_org"),
    path("new/", views.study_create, name="create"),
    path("<int:pk>/", views.study_detail, name="detail"),
    path("<int:pk>/graduate/", views.study_graduate, name="graduate"),
]
