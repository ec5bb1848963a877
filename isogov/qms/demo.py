"""A believable QMS for the demo agency, written through the services (docs/demo.md).

Policy, scope, context, steering committee, controlled documents (the control procedure and
the catalogue's processes, one on its second issue), read acknowledgements, four objectives with
a measured history, a risk register, one internal audit whose finding became a nonconformity
closed after an effectiveness check, nonconformities proposed from late dossiers, one management
review with its outputs, and the conformity announcement. Idempotent: a second run finds the
scope and stops. Dated in the past with ``clock.as_of`` so the history reads as it happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from isogov.accounts.models import Agency, User
from isogov.catalog.models import InternalProcess, Procedure
from isogov.core import clock

from .models import NcStatus, Nonconformity, QmsScope, QualityObjective
from .rules import add_months
from .services import audits, documents, nonconformities, review, risks, system
from .services.proposals import nonconformities_propose
from .transitions import RevisionAction


@dataclass(frozen=True)
class QmsSeed:
    created: bool
    documents: int = 0
    objectives: int = 0


POLICY = (
    "Sở Khoa học và Công nghệ cam kết giải quyết thủ tục hành chính đúng pháp luật, đúng hạn, "
    "công khai, minh bạch; lấy sự hài lòng của người dân, doanh nghiệp làm thước đo chất lượng; "
    "duy trì và cải tiến thường xuyên Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015."
)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=clock.LOCAL_TZ)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _publish(revision: documents.DocumentRevision, day: dt.date) -> None:
    for action, who in (
        (RevisionAction.SUBMIT, revision.author),
        (RevisionAction.APPROVE, revision.approver),
        (RevisionAction.PUBLISH, revision.author),
    ):
        revision.refresh_from_db()
        documents.revision_act(
            actor=who,
            revision_id=revision.pk,
            action=action,
            version=revision.version,
            effective_on=day if action == RevisionAction.PUBLISH else None,
        )


@transaction.atomic
def seed_qms(*, agency: Agency) -> QmsSeed:
    """Fill the demo agency's QMS once; return what was made."""
    if QmsScope.objects.filter(agency=agency).exists():
        return QmsSeed(created=False)
    thuky, lanhdao, head = _user("thuky"), _user("lanhdao"), _user("truongphong")
    auditor, specialist = _user("danhgia"), _user("chuyenvien")
    today = clock.today()
    start = today - dt.timedelta(days=200)
    units = {unit.code: unit for unit in agency.units.all()}

    with clock.as_of(_at(start)):
        for kind, title, requirements in [
            ("internal", "Biên chế phòng chuyên môn mỏng, cán bộ kiêm nhiệm", ""),
            ("external", "Sáp nhập Sở Thông tin và Truyền thông vào Sở (01/3/2025)", ""),
            ("party", "Người dân, doanh nghiệp", "Giải quyết đúng hạn, công khai, thuận tiện"),
            ("party", "Ủy ban nhân dân thành phố", "Báo cáo ISO hằng năm, kết quả kiểm soát TTHC"),
        ]:
            system.context_issue_add(
                actor=thuky, agency=agency, kind=kind, title=title, requirements=requirements
            )
        system.scope_set(
            actor=thuky,
            agency=agency,
            statement="Toàn bộ hoạt động giải quyết thủ tục hành chính thuộc thẩm quyền của Sở",
            procedures=list(
                Procedure.objects.filter(agencies__agency=agency, agencies__is_active=True)
            ),
            units=list(units.values()),
        )
        for member, position in ((lanhdao, "head"), (head, "member"), (thuky, "secretary")):
            system.steering_member_add(
                actor=thuky,
                agency=agency,
                user=member,
                position=position,
                decision="25/QĐ-SKHCN",
            )
        for clause, title in [
            ("7.1", "Danh mục thiết bị đo, máy quét và phần mềm một cửa có người quản lý"),
            ("7.2", "Tập huấn TCVN ISO 9001:2015 cho cán bộ giải quyết TTHC"),
            ("7.4", "Kế hoạch trao đổi thông tin nội bộ và với người dân"),
            ("9.1", "Khảo sát sự hài lòng của người dân quý I"),
            ("10.3", "Đề xuất số hóa sổ theo dõi hồ sơ: đã áp dụng"),
        ]:
            system.qms_record_add(actor=thuky, agency=agency, clause=clause, title=title)

    with clock.as_of(_at(start + dt.timedelta(days=2))):
        system.policy_publish(actor=lanhdao, agency=agency, text=POLICY)
        control = documents.document_create(
            actor=thuky,
            agency=agency,
            code="QT-KSTL",
            title="Quy trình kiểm soát thông tin dạng văn bản",
            doc_type="instruction",
            owner_unit=units.get("VP"),
            retention_years=5,
        )
        revision = documents.revision_draft(
            actor=thuky,
            document=control,
            change_summary="Ban hành lần đầu",
            reviewer=head,
            approver=lanhdao,
            content="Quy định việc soạn thảo, xem xét, phê duyệt, ban hành và kiểm soát tài liệu.",
        )
        _publish(revision, start + dt.timedelta(days=3))
        made = 1
        assigned = (
            InternalProcess.objects.filter(versions__procedure__agencies__agency=agency)
            .distinct()
            .order_by("code")[:3]
        )
        process_docs = []
        for process in assigned:
            document = documents.document_create(
                actor=thuky,
                agency=agency,
                code=process.code,
                title=process.title,
                doc_type="process",
                owner_unit=units.get("BCXB"),
                internal_process=process,
                retention_years=10,
            )
            revision = documents.revision_draft(
                actor=thuky,
                document=document,
                change_summary="Ban hành lần đầu",
                reviewer=head,
                approver=lanhdao,
            )
            _publish(revision, start + dt.timedelta(days=3))
            process_docs.append(document)
            made += 1

    if process_docs:  # a legal change reflected in a process: its second issue
        with clock.as_of(_at(today - dt.timedelta(days=60))):
            revision = documents.revision_draft(
                actor=thuky,
                document=process_docs[0],
                change_summary="Cập nhật theo văn bản pháp luật mới: thời hạn và thành phần hồ sơ",
                reviewer=head,
                approver=lanhdao,
            )
            _publish(revision, today - dt.timedelta(days=58))
    with clock.as_of(_at(today - dt.timedelta(days=50))):
        published = documents.DocumentRevision.objects.filter(
            document__agency=agency, status="published"
        )
        for revision in published:
            if documents.revision_readers(revision=revision).filter(pk=specialist.pk).exists():
                documents.revision_acknowledge(actor=specialist, revision_id=revision.pk)

    objectives = _objectives(agency, thuky, lanhdao, head, today)
    _risks(agency, thuky, head, today, assigned[0] if assigned else None)
    _audit(agency, thuky, auditor, head, units, today)
    _late_dossiers(agency, thuky, head, today)

    with clock.as_of(_at(today - dt.timedelta(days=20))):
        meeting = review.management_review_record(
            actor=thuky,
            agency=agency,
            held_on=today - dt.timedelta(days=20),
            chair=lanhdao,
            attendees="Ban Chỉ đạo ISO, trưởng các phòng",
            conclusions=(
                "Hệ thống duy trì hiệu lực; tỷ lệ hồ sơ đúng hạn đạt mục tiêu; "
                "cần bổ sung máy quét."
            ),
            system_effective=True,
        )
        review.review_output_add(
            actor=thuky,
            review=meeting,
            description="Trang bị thêm 02 máy quét cho Bộ phận Một cửa",
            owner=head,
            due_on=today + dt.timedelta(days=40),
        )
    with clock.as_of(_at(today - dt.timedelta(days=15))):
        announcement = review.announcement_issue(
            actor=lanhdao,
            agency=agency,
            number="112/QĐ-SKHCN",
            signed_on=today - dt.timedelta(days=15),
        )
    with clock.as_of(_at(today - dt.timedelta(days=14))):
        review.announcement_mark(
            actor=thuky,
            announcement_id=announcement.pk,
            which="notified",
            on=today - dt.timedelta(days=14),
        )
        review.announcement_mark(
            actor=thuky,
            announcement_id=announcement.pk,
            which="posted",
            on=today - dt.timedelta(days=14),
        )
    return QmsSeed(created=True, documents=made, objectives=objectives)


def _objectives(agency: Agency, thuky: User, lanhdao: User, head: User, today: dt.date) -> int:
    specs: list[tuple[str, str, int, str, list[int] | None]] = [
        # (title, registry measure, target, direction, frequency, monthly values by hand)
        ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên", "2.1", 98, "higher", None),
        ("Không để mất, hư hỏng giấy tờ của người dân", "", 0, "lower", [0, 0, 0, 1, 0, 0]),
        (
            "Mức độ hài lòng của người dân đạt từ 90% trở lên",
            "",
            90,
            "higher",
            [88, 91, 93, 92, 94, 95],
        ),
        (
            "Cập nhật quy trình trong 3 tháng khi văn bản pháp luật thay đổi (%)",
            "",
            100,
            "higher",
            [100, 100, 100, 100, 100, 100],
        ),
    ]
    months = [add_months(today.replace(day=15), -back) for back in range(6, 0, -1)]
    with clock.as_of(_at(months[0])):
        for title, code, target, direction, values in specs:
            objective = system.objective_create(
                actor=thuky,
                agency=agency,
                year=today.year,
                title=title,
                target=Decimal(target),
                direction=direction,
                frequency="monthly",
                owner=lanhdao,
                measure_code=code,
            )
            system.objective_plan_add(
                actor=thuky,
                objective=objective,
                what="Theo dõi, nhắc hạn hằng tuần trên hệ thống",
                who=head,
                due_on=dt.date(today.year, 12, 31),
                resources="Phần mềm ISO điện tử",
                evaluation="Số liệu hằng tháng",
            )
            values_by_month: list[int | None] = list(values) if values else [None] * len(months)
            for month, value in zip(months, values_by_month, strict=True):
                if value is None:
                    system.objective_measure(objective=objective, day=month)
                else:
                    system.objective_enter_value(
                        actor=thuky, objective=objective, day=month, value=Decimal(value)
                    )
    return QualityObjective.objects.filter(agency=agency).count()


def _risks(agency: Agency, thuky: User, head: User, today: dt.date, process: object) -> None:
    with clock.as_of(_at(today - dt.timedelta(days=120))):
        entries = [
            ("R01", "risk", "Hồ sơ trễ hạn do thiếu cán bộ thẩm định", 4, 4),
            ("R02", "risk", "Thất lạc giấy tờ gốc khi chuyển giữa các phòng", 2, 5),
            ("R03", "risk", "Văn bản pháp luật thay đổi nhưng quy trình chưa cập nhật", 3, 3),
            (
                "O01",
                "opportunity",
                "Tiếp nhận trực tuyến toàn trình để giảm thời gian đi lại",
                4,
                3,
            ),
        ]
        made = {}
        for code, kind, title, likelihood, impact in entries:
            made[code] = risks.risk_create(
                actor=thuky,
                agency=agency,
                code=code,
                kind=kind,
                title=title,
                owner=head,
                likelihood=likelihood,
                impact=impact,
                review_on=today + dt.timedelta(days=60),
                process=process if code == "R01" else None,  # type: ignore[arg-type]
            )
        risks.risk_action_add(
            actor=thuky,
            risk=made["R01"],
            description="Bố trí thêm 01 cán bộ thẩm định luân phiên",
            owner=head,
            due_on=today - dt.timedelta(days=90),
        )
        r01 = risks.risk_plan_treatment(
            actor=thuky,
            risk_id=made["R01"].pk,
            version=made["R01"].version,
            treatment="mitigate",
            residual_likelihood=2,
            residual_impact=3,
        )
        risks.risk_approve(actor=head, risk_id=r01.pk, version=r01.version)
        r03 = risks.risk_plan_treatment(
            actor=thuky,
            risk_id=made["R03"].pk,
            version=made["R03"].version,
            treatment="accept",
            residual_likelihood=3,
            residual_impact=3,
            accepted_until=today + dt.timedelta(days=180),
        )
        risks.risk_approve(actor=head, risk_id=r03.pk, version=r03.version)


def _audit(
    agency: Agency, thuky: User, auditor: User, head: User, units: dict, today: dt.date
) -> None:
    started = today - dt.timedelta(days=90)
    with clock.as_of(_at(started - dt.timedelta(days=10))):
        audits.programme_build(actor=thuky, agency=agency, year=today.year)
        audit = audits.audit_plan(
            actor=thuky,
            agency=agency,
            title=f"Đánh giá nội bộ năm {today.year}",
            scope="Các quy trình giải quyết TTHC tại Bộ phận Một cửa và Phòng Báo chí – Xuất bản",
            units=[units["MC"], units["BCXB"]],
            processes=[],
            clauses=["4.4", "7.5", "8.5", "8.6", "9.1"],
            starts_on=started,
            ends_on=started + dt.timedelta(days=1),
            lead_auditor=auditor,
            team=[auditor],
        )
    with clock.as_of(_at(started)):
        audits.finding_record(
            actor=auditor,
            audit_id=audit.pk,
            grade="conformity",
            clause="8.6",
            description="Kết quả được lãnh đạo phê duyệt trước khi trả",
            evidence="10 hồ sơ tháng trước",
            unit=units["BCXB"],
        )
        audits.finding_record(
            actor=auditor,
            audit_id=audit.pk,
            grade="observation",
            clause="7.5",
            description="Một số biểu mẫu in chưa ghi lần ban hành",
            evidence="Bàn tiếp nhận số 2",
            unit=units["MC"],
        )
        finding = audits.finding_record(
            actor=auditor,
            audit_id=audit.pk,
            grade="minor_nc",
            clause="8.5",
            description="Chưa ký nhận khi trả bản gốc giấy tờ cho người dân",
            evidence="Sổ theo dõi tuần 2, 3 hồ sơ thiếu chữ ký",
            unit=units["MC"],
        )
        audit.refresh_from_db()
        audits.audit_report(
            actor=auditor,
            audit_id=audit.pk,
            version=audit.version,
            summary="Hệ thống phù hợp và được duy trì; 01 điểm không phù hợp nhẹ, 01 lưu ý.",
        )
        nc = Nonconformity.objects.get(finding=finding)
        nc = nonconformities.nc_analyse(
            actor=thuky,
            nc_id=nc.pk,
            version=nc.version,
            correction="Bổ sung chữ ký nhận cho 3 hồ sơ",
            whys=["Cán bộ quên yêu cầu ký", "Mẫu sổ không có cột ký nhận"],
            root_cause="Mẫu sổ trả giấy tờ gốc thiếu cột ký nhận",
        )
        action = nonconformities.nc_action_add(
            actor=thuky,
            nc_id=nc.pk,
            description="Sửa mẫu sổ, thêm cột ký nhận; phổ biến cho Một cửa",
            owner=head,
            due_on=started + dt.timedelta(days=20),
        )
        nc.refresh_from_db()
        nonconformities.nc_start(actor=thuky, nc_id=nc.pk, version=nc.version)
    with clock.as_of(_at(started + dt.timedelta(days=15))):
        nonconformities.action_complete(
            actor=head, action_id=action.pk, result="Đã áp dụng mẫu sổ mới"
        )
    with clock.as_of(_at(started + dt.timedelta(days=50))):
        nonconformities.effectiveness_check_record(
            actor=thuky,
            nc_id=nc.pk,
            checked_on=started + dt.timedelta(days=50),
            is_effective=True,
            note="Kiểm tra 30 hồ sơ trả trong tháng: đủ chữ ký nhận",
        )
        nc.refresh_from_db()
        nonconformities.nc_close(actor=thuky, nc_id=nc.pk, version=nc.version)


def _late_dossiers(agency: Agency, thuky: User, head: User, today: dt.date) -> None:
    """Propose nonconformities from the late dossiers; confirm the first (§8.7)."""
    with clock.as_of(_at(today - dt.timedelta(days=10))):
        nonconformities_propose(agency=agency)
        proposal = Nonconformity.objects.filter(agency=agency, status=NcStatus.PROPOSED).first()
        if proposal is None:  # no late dossier in the demo: a custody incident recorded by hand
            nonconformities.nc_open(
                actor=thuky,
                agency=agency,
                source="custody",
                title="Giấy tờ bị nhàu khi chuyển hồ sơ",
                description="Bản gốc giấy phép bị gấp nếp khi chuyển giữa các phòng",
                owner=head,
            )
            return
        nonconformities.nc_accept_proposal(
            actor=thuky, nc_id=proposal.pk, version=proposal.version, owner=head
        )
