from django.urls import path

from qingfeng.membership import views

app_name = "membership"
urlpatterns = [
    path("candidates/", views.candidates, name="candidates"),
    path("candidates/apply/", views.apply, name="apply"),
    path("candidates/<int:pk>/", views.candidate, name="candidate"),
    path("candidates/<int:pk>/<slug:name>/", views.step, name="step"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/new/<int:person_pk>/", views.transfer_request, name="transfer_request"),
    path("transfers/<int:pk>/<slug:decision>/", views.transfer_decide, name="transfer_decide"),
    path("letters/new/<int:person_pk>/", views.letter_new, name="letter_new"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("dues/", views.my_dues, name="my_dues"),
    path("dues/<str:code>/", views.dues, name="dues"),
    path("dues/declare/<int:person_pk>/", views.dues_declare, name="dues_declare"),
    path("dues/pay/<int:person_pk>/", views.dues_pay, name="dues_pay"),
    path("lapses/", views.lapses, name="lapses"),
]
