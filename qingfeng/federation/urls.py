from django.urls import path

from qingfeng.federation import views

app_name = "federation"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("drill/", views.drill, name="drill"),
    path("review/", views.review_page, name="review"),
    path("review/download/<str:fmt>/", views.review_download, name="review_download"),
]
