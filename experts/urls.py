from django.urls import path

from . import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="expert_list"),
    path("<int:pk>/", views.expert_detail, name="expert_detail"),
    path("<int:pk>/verify/", views.expert_verify_view, name="expert_verify"),
    path("societies/<int:pk>/", views.society_detail, name="society_detail"),
]
