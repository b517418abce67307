from django.urls import path

from qingfeng.activities import campaigns, views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("calendar/<str:code>/", views.calendar, name="calendar"),
    path("campaigns/", campaigns.campaign_index, name="campaigns"),
    path("campaigns/<str:name>/", campaigns.campaign_detail, name="campaign"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<str:code>/", views.team_detail, name="team_detail"),
    path("teams/<str:code>/lecturers/", views.team_add_lecturer, name="team_add_lecturer"),
    path("teams/<str:code>/lecturers/<int:pk>/leave/", views.team_remove_lecturer, name="team_remove_lecturer"),
    path("teams/<str:code>/dissolve/", views.team_dissolve, name="team_dissolve"),
    path("<str:code>/", views.activity_detail, name="detail"),
    path("<str:code>/edit/", views.activity_edit, name="edit"),
    path("<str:code>/files/", views.activity_attach, name="attach"),
]
