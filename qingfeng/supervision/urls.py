from django.urls import path

from qingfeng.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.finding_list, name="list"),
    path("new/", views.finding_create, name="create"),
    path("<str:code>/", views.finding_detail, name="detail"),
    path("<str:code>/submit/", views.finding_submit, name="submit"),
    path("<str:code>/return/", views.finding_return, name="return"),
    path("<str:code>/close/", views.finding_close, name="close"),
    path("<str:code>/category/", views.finding_classify, name="classify"),
    path("<str:code>/accountability/", views.accountability_create, name="accountability"),
]
