from django.urls import path

from qingfeng.reminders import views

app_name = "reminders"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bell/", views.bell, name="bell"),
    path("inbox/hide/", views.hide, name="hide"),
    path("inbox/unhide/", views.unhide, name="unhide"),
    path("inbox/digest/", views.digest, name="digest"),
    path("inbox/feed/", views.feed, name="feed"),
    path("inbox/feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<slug:secret>.ics", views.calendar, name="calendar"),
]
