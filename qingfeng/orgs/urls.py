from django.urls import path

from qingfeng.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("options/", views.options, name="options"),
    path("committees/", views.committees, name="committees"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/village-tags/", views.village_tags, name="village_tags"),
    path("<str:code>/committee/", views.committee, name="committee"),
    path("<str:code>/committee/<int:pk>/end/", views.committee_end, name="committee_end"),
    path("<str:code>/groups/", views.party_groups, name="party_groups"),
    path("<str:code>/groups/<int:pk>/", views.party_group, name="party_group"),
    path("<str:code>/groups/<int:pk>/dissolve/", views.party_group_dissolve, name="party_group_dissolve"),
]
