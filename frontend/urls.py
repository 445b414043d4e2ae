from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("processes/<slug:slug>/", views.process_detail, name="process"),
    path("processes/<slug:slug>/<slug:axis>/", views.axis_detail, name="axis"),
    path(
        "processes/<slug:slug>/<slug:axis>/proposals/<int:pk>/",
        views.proposal_detail,
        name="proposal",
    ),
]
