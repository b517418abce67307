from django.urls import path

from qingfeng.grassroots import views

app_name = "grassroots"
urlpatterns = [
    path("assignments/", views.assignment_list, name="assignments"),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("weak/", views.weak_case_list, name="weak_cases"),
    path("weak/new/", views.weak_case_create, name="weak_case_create"),
    path("weak/<int:pk>/", views.weak_case_detail, name="weak_case_detail"),
    path("weak/<int:pk>/rectify/", views.weak_case_rectify, name="weak_case_rectify"),
    path("elections/", views.election_list, name="elections"),
    path("elections/new/", views.election_create, name="election_create"),
    path("elections/<int:pk>/", views.election_detail, name="election_detail"),
]
