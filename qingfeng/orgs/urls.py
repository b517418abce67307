from django.urls import path

from qingfeng.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("options/", views.options, name="options"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/village-tags/", views.village_tags, name="village_tags"),
]
