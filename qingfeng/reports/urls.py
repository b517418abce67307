from django.urls import path

from qingfeng.reports import views

app_name = "reports"
urlpatterns = [
    path("review/", views.review, name="review"),
    path("review/download/<str:fmt>/", views.download, name="download"),
]
