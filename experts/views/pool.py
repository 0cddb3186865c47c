import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.listing import filtered_page
from accounts.rules import is_expert, is_society_admin
from problems.services import DomainError

from .. import services
from ..filters import ExpertFilter, SocietyFilter
from ..forms import ChangeDecisionForm, ConflictForm, ExpertProfileForm, MemberAddForm, SocietyForm
from ..models import DeclaredConflict, Expert, ProfileChange, Society
from ..rules import Membership, experts_visible_to, societies_visible_to
from ..search import experts_matching

# How many candidates the member search offers; people refine the words rather than page.
CANDIDATES = 20


def require(request: HttpRequest, perm: str, obj=None) -> None:
    # rules.has_perm, not user.has_perm: Django grants superusers every permission, and a
    # platform admin must get exactly what the predicates say.
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied


def own_expert(request: HttpRequest) -> Expert:
    """The profile of the logged-in expert: 403 for other roles, 404 if none is linked."""
    if not is_expert(request.user):
        raise PermissionDenied
    return get_object_or_404(Expert.objects.select_related("region"), user=request.user)


# --- experts --------------------------------------------------------------------------------


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    require(request, "experts.list_experts")
    # Anonymised experts (deletion approved) stay only under their assignments and opinions.
    queryset = (
        experts_visible_to(request.user)
        .filter(anonymised_at__isnull=True)
        .select_related("region")
        .prefetch_related("disciplines")
    )
    filterset = ExpertFilter(request.GET or None, queryset=queryset)
    return render(request, "experts/expert_list.html", filtered_page(request, filterset))


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    expert = get_object_or_404(
        experts_visible_to(user).select_related("region__parent__parent", "verified_by"), pk=pk
    )
    is_self = rules.has_perm("experts.edit_own_profile", user, expert)
    can_edit = rules.has_perm("experts.change_expert", user, expert)
    context = {
        "expert": expert,
        "disciplines": expert.disciplines.all(),
        "societies": expert.societies.all(),
        "is_self": is_self,
        "can_edit": can_edit,
        "can_verify": rules.has_perm("experts.verify_expert", user, expert) and not expert.verified,
        "contact_visible": rules.has_perm("experts.view_contacts", user, expert),
    }
    # Conflicts and change requests concern the expert and the staff who match and verify.
    context["show_private"] = is_self or rules.has_perm("experts.list_experts", user)
    if context["show_private"]:
        changes = list(expert.changes.select_related("requested_by", "decided_by")[:20])
        pending = [c for c in changes if c.status == ProfileChange.Status.PENDING]
        context.update(
            conflicts=expert.conflicts.all(),
            changes=changes,
            can_decide=bool(pending) and rules.has_perm("experts.decide_change", user, pending[0]),
        )
    return render(request, "experts/expert_detail.html", context)


@login_required
@require_POST
def expert_verify(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(experts_visible_to(request.user), pk=pk)
    require(request, "experts.verify_expert", expert)
    try:
        services.expert_verify(expert, by=request.user)
        messages.success(request, _("Expert verified."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(expert)


@login_required
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff of the expert's region edit the record directly, name and employer included."""
    expert = get_object_or_404(experts_visible_to(request.user).select_related("region"), pk=pk)
    require(request, "experts.change_expert", expert)
    return _profile_form(request, expert, confirm_identity=False)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """The expert edits their own profile; name and employer changes wait for staff."""
    expert = own_expert(request)
    require(request, "experts.edit_own_profile", expert)
    return _profile_form(request, expert, confirm_identity=True)


def _profile_form(request: HttpRequest, expert: Expert, *, confirm_identity: bool):
    if expert.anonymised_at:
        messages.error(request, _("This profile has been anonymised and can no longer be edited."))
        return redirect(expert)
    ref, pending = expert.ref, list(expert.changes.filter(status=ProfileChange.Status.PENDING))
    form = ExpertProfileForm(
        request.POST or None, instance=expert, confirm_identity=confirm_identity
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.expert_update_profile(
                expert, by=request.user, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if any(c.status == ProfileChange.Status.PENDING for c in changes):
                messages.info(
                    request,
                    _(
                        "Saved. Your change of name or employer takes effect once CAST staff "
                        "confirm it."
                    ),
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("experts:expert_detail", expert.pk)
    return render(
        request,
        "experts/expert_form.html",
        {
            "form": form,
            "expert_pk": expert.pk,
            "ref": ref,
            "pending": pending,
            "confirm_identity": confirm_identity,
        },
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    return redirect(own_expert(request))


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(
        ProfileChange.objects.filter(expert__in=experts_visible_to(request.user)).select_related(
            "expert"
        ),
        pk=pk,
    )
    require(request, "experts.decide_change", change)
    form = ChangeDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(change.expert)
    try:
        services.profile_change_decide(
            change, by=request.user, approve=form.approve, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Change approved.") if form.approve else _("Change rejected."))
    return redirect(change.expert)


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    expert = own_expert(request)
    require(request, "experts.manage_conflicts", expert)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_add(expert, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Conflict declared."))
            return redirect("experts:conflicts")
    return render(
        request,
        "experts/conflicts.html",
        {"expert": expert, "conflicts": expert.conflicts.all(), "form": form},
    )


@login_required
@require_POST
def conflict_remove(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(
        DeclaredConflict.objects.filter(expert__user=request.user).select_related("expert"),
        pk=pk,
    )
    require(request, "experts.manage_conflicts", conflict.expert)
    try:
        services.conflict_remove(conflict, by=request.user)
        messages.success(request, _("Conflict removed."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("experts:conflicts")


# --- societies ------------------------------------------------------------------------------


@login_required
def society_list(request: HttpRequest) -> HttpResponse:
    require(request, "experts.list_societies")
    queryset = (
        societies_visible_to(request.user)
        .select_related("region")
        .prefetch_related("disciplines")
        .annotate(n_members=Count("members"))
        .order_by("name", "pk")
    )
    filterset = SocietyFilter(request.GET or None, queryset=queryset)
    return render(request, "experts/society_list.html", filtered_page(request, filterset))


@login_required
def society_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    society = get_object_or_404(
        societies_visible_to(user).select_related("region__parent__parent"), pk=pk
    )
    return render(
        request,
        "experts/society_detail.html",
        {
            "society": society,
            "disciplines": society.disciplines.all(),
            "members": society.members.select_related("region").order_by("name", "pk"),
            "events": society.events.select_related("actor", "expert")[:100],
            "can_edit": rules.has_perm("experts.change_society", user, society),
            "can_manage": rules.has_perm("experts.manage_members", user, society),
        },
    )


@login_required
def my_society(request: HttpRequest) -> HttpResponse:
    if not is_society_admin(request.user):
        raise PermissionDenied
    society = Society.objects.filter(admins=request.user).order_by("name", "pk").first()
    return redirect(society) if society else redirect("home")


@login_required
def society_edit(request: HttpRequest, pk: int) -> HttpResponse:
    society = get_object_or_404(societies_visible_to(request.user), pk=pk)
    require(request, "experts.change_society", society)
    name = society.name
    may_rename = rules.has_perm("experts.rename_society", request.user, society)
    form = SocietyForm(request.POST or None, instance=society, may_rename=may_rename)
    if request.method == "POST" and form.is_valid():
        try:
            services.society_update(society, by=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("experts:society_detail", society.pk)
    return render(
        request,
        "experts/society_form.html",
        {"form": form, "society_pk": society.pk, "name": name},
    )


@login_required
def society_members(request: HttpRequest, pk: int) -> HttpResponse:
    """The member list, an add-by-reference form and a search over the pool that offers
    candidates to add (the pool is too large for a drop-down list)."""
    society = get_object_or_404(societies_visible_to(request.user), pk=pk)
    require(request, "experts.manage_members", society)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expert = form.cleaned_data["expert"]
        try:
            services.society_member_add(society, expert, by=request.user)
        except DomainError as error:
            form.add_error("expert", str(error))
        else:
            messages.success(request, _("%(name)s added.") % {"name": expert.name})
            return redirect("experts:society_members", society.pk)
    query = request.GET.get("q", "").strip()
    candidates = []
    if query:
        is_member = Exists(Membership.objects.filter(society=society, expert=OuterRef("pk")))
        candidates = experts_matching(
            Expert.objects.exclude(is_member).select_related("region"), query
        )[:CANDIDATES]
    return render(
        request,
        "experts/society_members.html",
        {
            "society": society,
            "members": society.members.select_related("region").order_by("name", "pk"),
            "form": form,
            "query": query,
            "candidates": candidates,
            "max_candidates": CANDIDATES,
        },
    )


@login_required
@require_POST
def society_member_remove(request: HttpRequest, pk: int, expert_pk: int) -> HttpResponse:
    society = get_object_or_404(societies_visible_to(request.user), pk=pk)
    require(request, "experts.manage_members", society)
    expert = get_object_or_404(society.members.all(), pk=expert_pk)
    try:
        services.society_member_remove(society, expert, by=request.user)
        messages.success(request, _("%(name)s removed.") % {"name": expert.name})
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("experts:society_members", society.pk)
