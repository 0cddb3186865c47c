"""Demo matching and review workflow: every step goes through the real services (matcher,
invitations, answers, opinions, releases, delegation, reminders), then dates are moved back
so the pages show a workflow in every state:

DEMO-0005 (ent_a)   brief written, three invited: two opinions submitted and released
                    (one named, one anonymous), one declined with an alternate suggested;
DEMO-0046           expert_a invited yesterday (to answer); another invitation unanswered
                    for five days (reminded); delegated to 新疆农业工程学会 (society_a picks);
DEMO-0047           expert_a accepted, opinion drafted, due in six days (reminded);
DEMO-0030           one expert accepted and four days overdue (reminded, staff told), one
                    declined for a conflict of interest (never suggested again);
DEMO-0032, -0035, -0029, -0024  ready and waiting for matching (bulk assignment).

The seed_demo command keeps the mail this sends in memory (the addresses are fictitious)."""

from datetime import date, datetime, timedelta

from accounts.models import User
from experts.matching import suggest_experts
from experts.models import Assignment, AssignmentEvent, Expert, Society
from experts.services.assignments import (
    assignment_accept,
    assignment_decline,
    assignment_invite,
    problem_brief_save,
)
from experts.services.delegations import delegation_create
from experts.services.reminders import reminders_send
from experts.services.reviews import review_release, review_save
from problems.models import Problem

from .common import expert_account
from .data import REF_PREFIX

D = Assignment.DeclineReason

BRIEF = (
    "废旧滴灌带再生造粒的工艺难题",
    "农田回收的聚乙烯滴灌带夹带泥沙、秸秆和残留化肥，清洗耗水大，再生料熔体流动速率波动、"
    "力学性能下降明显，只能降级使用。请专家评估：（1）低耗水的干法除杂与分选工艺；"
    "（2）再生聚乙烯的增容、稳定化改性方案；（3）再生料用于滴灌带生产的可行比例及质量控制指标。",
)
OPINIONS = (
    {
        "severity": 4,
        "difficulty": 3,
        "urgency": 4,
        "feasibility": 4,
        "route": "joint",
        "recommend_topic": True,
        "opinion": "再生料性能下降主要来自热氧老化与杂质。建议采用干法破碎—风选—摩擦清洗组合除杂，"
        "配合扩链剂与受阻酚/亚磷酸酯复合稳定体系，再生料掺混比例控制在30%以内可满足一般滴灌带要求。"
        "建议与高校联合攻关，建立再生料批次质量快速检测规程。",
    },
    {
        "severity": 3,
        "difficulty": 3,
        "urgency": 3,
        "feasibility": 4,
        "route": "own",
        "recommend_topic": False,
        "opinion": "企业已有造粒线，改造重点在前处理。可先开展小试验证熔体过滤与排气改造效果，"
        "再决定是否扩大规模；现阶段不必单独立项。",
    },
)


class WorkflowSeeder:
    def __init__(self, *, users: dict[str, User], today: date, now: datetime, password_hash):
        self.users, self.today, self.now = users, today, now
        self.password_hash = password_hash
        self.staff = users["staff_xj"]

    def run(self) -> int:
        if Assignment.objects.filter(problem__ref__startswith=REF_PREFIX).exists():
            return 0
        self.released_opinions(self.problem("0005"))
        self.waiting_answers(self.problem("0046"))
        self.drafted(self.problem("0047"))
        self.overdue_and_conflict(self.problem("0030"))
        reminders_send(self.today)
        return Assignment.objects.filter(problem__ref__startswith=REF_PREFIX).count()

    # helpers ------------------------------------------------------------------------------

    def problem(self, number: str) -> Problem:
        return Problem.objects.select_related("enterprise").get(ref=f"{REF_PREFIX}{number}")

    def account(self, expert: Expert) -> User:
        """The expert's user account; demo experts picked by the matcher get one."""
        return expert_account(expert, self.password_hash)[0]

    def suggested(self, problem: Problem, count: int, *, skip=()) -> list[Expert]:
        taken = {e.pk for e in skip}
        ids = [
            s.expert_id
            for s in suggest_experts(problem, top=count + 10)
            if s.expert_id not in taken and not s.flags and s.capacity > 0
        ][:count]
        experts = Expert.objects.in_bulk(ids)
        return [experts[pk] for pk in ids]

    def invite(self, problem, expert) -> Assignment:
        self.account(expert)  # before the invitation, which reads the expert afresh
        due = self.today + timedelta(days=14)
        return assignment_invite(problem=problem, expert=expert, due_date=due, by=self.staff)

    def backdate(self, assignment: Assignment, *, days_ago: int, due_in: int) -> None:
        invited_at = self.now - timedelta(days=days_ago)
        Assignment.objects.filter(pk=assignment.pk).update(
            invited_at=invited_at, due_date=self.today + timedelta(days=due_in)
        )
        AssignmentEvent.objects.filter(assignment=assignment, from_status="").update(
            created_at=invited_at
        )
        assignment.refresh_from_db()

    def answered(self, assignment: Assignment, *, days_ago: int) -> None:
        at = self.now - timedelta(days=days_ago)
        Assignment.objects.filter(pk=assignment.pk).update(responded_at=at)
        AssignmentEvent.objects.filter(assignment=assignment).exclude(from_status="").update(
            created_at=at
        )

    # the stories ---------------------------------------------------------------------------

    def released_opinions(self, problem: Problem) -> None:
        problem_brief_save(problem, by=self.staff, title=BRIEF[0], summary=BRIEF[1])
        expert_b = self.users["expert_b"].expert
        first, second, third = [expert_b, *self.suggested(problem, 2, skip=[expert_b])]
        for expert, opinion in ((first, OPINIONS[0]), (second, OPINIONS[1])):
            user = self.account(expert)
            assignment = self.invite(problem, expert)
            assignment_accept(assignment, by=user, no_conflict=True)
            review = review_save(assignment, by=user, data=opinion, submit=True)
            review_release(review, by=self.staff, named=expert is expert_b)
            self.answered(assignment, days_ago=18)
            self.backdate(assignment, days_ago=20, due_in=-2)
        declined = self.invite(problem, third)
        alternate = self.suggested(problem, 1, skip=[first, second, third])
        assignment_decline(
            declined,
            by=self.account(third),
            reason=D.TIME,
            note="本月在南疆开展田间试验，无法按期完成评审。",
            suggested_expert=alternate[0] if alternate else None,
        )
        self.answered(declined, days_ago=19)
        self.backdate(declined, days_ago=20, due_in=-2)

    def waiting_answers(self, problem: Problem) -> None:
        expert_a = self.users["expert_a"].expert
        self.backdate(self.invite(problem, expert_a), days_ago=1, due_in=20)
        for expert in self.suggested(problem, 1, skip=[expert_a]):
            self.account(expert)
            self.backdate(self.invite(problem, expert), days_ago=5, due_in=16)
        society = Society.objects.filter(admins=self.users["society_a"]).first()
        if society is not None:
            delegation_create(
                problem=problem,
                society=society,
                experts_wanted=2,
                due_date=self.today + timedelta(days=21),
                note="请学会推荐熟悉采棉机采摘部件的会员专家。",
                by=self.staff,
            )

    def drafted(self, problem: Problem) -> None:
        expert_a = self.users["expert_a"].expert
        assignment = self.invite(problem, expert_a)
        assignment_accept(assignment, by=self.users["expert_a"], no_conflict=True)
        draft = {**OPINIONS[0], "opinion": "初步意见：测产传感器标定方法需要补充田间数据。"}
        review_save(assignment, by=self.users["expert_a"], data=draft, submit=False)
        self.answered(assignment, days_ago=8)
        self.backdate(assignment, days_ago=9, due_in=6)

    def overdue_and_conflict(self, problem: Problem) -> None:
        late, conflicted = self.suggested(problem, 2)
        assignment = self.invite(problem, late)
        assignment_accept(assignment, by=self.account(late), no_conflict=True)
        self.answered(assignment, days_ago=28)
        self.backdate(assignment, days_ago=30, due_in=-4)
        declined = self.invite(problem, conflicted)
        assignment_decline(
            declined,
            by=self.account(conflicted),
            reason=D.CONFLICT,
            note="本人近三年承担过该企业的横向课题。",
        )
        self.answered(declined, days_ago=29)
        self.backdate(declined, days_ago=30, due_in=-4)
