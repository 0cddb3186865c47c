from django.urls import path

from .views import assignments, delegations, matching, personal, proposals, reviews
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

# The assignment workflow: invitations, review opinions, delegations to societies.
urlpatterns += [
    path("assignments/", assignments.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", assignments.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/accept/", assignments.assignment_accept, name="assignment_accept"),
    path(
        "assignments/<int:pk>/decline/", assignments.assignment_decline, name="assignment_decline"
    ),
    path(
        "assignments/<int:pk>/withdraw/",
        assignments.assignment_withdraw,
        name="assignment_withdraw",
    ),
    path(
        "assignments/<int:pk>/invite-alternate/",
        assignments.assignment_invite_alternate,
        name="assignment_invite_alternate",
    ),
    path(
        "assignments/<int:pk>/files/<int:attachment_pk>/",
        assignments.brief_attachment,
        name="brief_attachment",
    ),
    path("assignments/<int:pk>/opinion/", reviews.review_edit, name="review_edit"),
    path("opinions/files/<int:pk>/", reviews.review_attachment, name="review_attachment"),
    path(
        "opinions/files/<int:pk>/remove/",
        reviews.review_attachment_delete,
        name="review_attachment_delete",
    ),
    path("opinions/<int:pk>/release/", reviews.review_release, name="review_release"),
    path("opinions/<int:pk>/unrelease/", reviews.review_unrelease, name="review_unrelease"),
    path("problems/<int:problem_pk>/brief/", assignments.problem_brief, name="problem_brief"),
    path("problems/<int:problem_pk>/opinions/", reviews.problem_opinions, name="problem_opinions"),
    path(
        "problems/<int:problem_pk>/delegate/",
        delegations.delegation_create_view,
        name="delegation_create",
    ),
    path("delegations/", delegations.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/", delegations.delegation_detail, name="delegation_detail"),
    path(
        "delegations/<int:pk>/withdraw/",
        delegations.delegation_withdraw_view,
        name="delegation_withdraw",
    ),
]

# Matching one problem, and bulk assignment proposals.
urlpatterns += [
    path("problems/<int:pk>/matching/", matching.problem_matching, name="problem_matching"),
    path("proposals/", proposals.proposal_list, name="proposal_list"),
    path("proposals/new/", proposals.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/confirm/", proposals.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/add/", proposals.proposal_item_add, name="proposal_item_add"),
    path(
        "proposals/<int:pk>/items/<int:item_pk>/remove/",
        proposals.proposal_item_remove,
        name="proposal_item_remove",
    ),
    path("proposals/<int:pk>/recompute/", proposals.proposal_recompute, name="proposal_recompute"),
    path("proposals/<int:pk>/discard/", proposals.proposal_discard, name="proposal_discard"),
    path("proposals/<int:pk>/publish/", proposals.proposal_publish, name="proposal_publish"),
]

# Personal data: the expert's own data and deletion requests; staff decide the requests.
urlpatterns += [
    path("me/data/", personal.my_data, name="my_data"),
    path("me/data/download/", personal.my_data_download, name="my_data_download"),
    path("me/data/delete/", personal.deletion_request_create, name="deletion_request_create"),
    path(
        "me/data/delete/<int:pk>/withdraw/",
        personal.deletion_request_withdraw,
        name="deletion_request_withdraw",
    ),
    path("deletion-requests/", personal.deletion_request_list, name="deletion_request_list"),
    path(
        "deletion-requests/<int:pk>/",
        personal.deletion_request_detail,
        name="deletion_request_detail",
    ),
    path(
        "deletion-requests/<int:pk>/decide/",
        personal.deletion_request_decide,
        name="deletion_request_decide",
    ),
]
