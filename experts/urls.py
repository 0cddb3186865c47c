from django.urls import path

from .views import pool as views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="expert_list"),
    path("<int:pk>/", views.expert_detail, name="expert_detail"),
    path("<int:pk>/verify/", views.expert_verify, name="expert_verify"),
    path("<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/conflicts/", views.conflicts, name="conflicts"),
    path("me/conflicts/<int:pk>/remove/", views.conflict_remove, name="conflict_remove"),
    path("societies/", views.society_list, name="society_list"),
    path("societies/mine/", views.my_society, name="my_society"),
    path("societies/<int:pk>/", views.society_detail, name="society_detail"),
    path("societies/<int:pk>/edit/", views.society_edit, name="society_edit"),
    path("societies/<int:pk>/members/", views.society_members, name="society_members"),
    path(
        "societies/<int:pk>/members/<int:expert_pk>/remove/",
        views.society_member_remove,
        name="society_member_remove",
    ),
]
