from django.urls import path

from qingfeng.forms import views

app_name = "forms"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.upload, name="upload"),
    path("new/<int:pk>/", views.draft, name="draft"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/fill/", views.fill, name="fill"),
    path("<str:code>/template/<int:number>/", views.template_file, name="template"),
    path("<str:code>/retire/", views.retire, name="retire"),
]
