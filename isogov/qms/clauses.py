"""The clauses 4–10 of TCVN ISO 9001:2015 with their titles and our own short audit questions.

Clause numbers and titles are those of the standard (their Vietnamese titles as in TCVN ISO
9001:2015); the questions are ours, written for a state agency, not the standard's text. Pure
data: the checklist of an audit and the coverage matrix read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    number: str
    title: str
    questions: tuple[str, ...]


CLAUSES: tuple[Clause, ...] = (
    Clause(
        "4.1",
        "Hiểu tổ chức và bối cảnh của tổ chức",
        ("Các vấn đề nội bộ và bên ngoài đã được xác định và xem xét lại trong năm chưa?",),
    ),
    Clause(
        "4.2",
        "Hiểu nhu cầu và mong đợi của các bên quan tâm",
        ("Người dân, doanh nghiệp và cơ quan cấp trên có được liệt kê cùng yêu cầu của họ không?",),
    ),
    Clause(
        "4.3",
        "Xác định phạm vi của hệ thống quản lý chất lượng",
        ("Phạm vi có nêu đủ các thủ tục hành chính và đơn vị áp dụng không?",),
    ),
    Clause(
        "4.4",
        "Hệ thống quản lý chất lượng và các quá trình",
        ("Mỗi thủ tục có quy trình nội bộ được phê duyệt, có bước, đơn vị và thời gian không?",),
    ),
    Clause(
        "5.1",
        "Sự lãnh đạo và cam kết",
        ("Lãnh đạo có chủ trì xem xét của lãnh đạo và xác nhận hiệu lực của hệ thống không?",),
    ),
    Clause(
        "5.2",
        "Chính sách",
        ("Chính sách chất lượng có được ký, công bố và phổ biến đến cán bộ không?",),
    ),
    Clause(
        "5.3",
        "Vai trò, trách nhiệm và quyền hạn trong tổ chức",
        ("Ban Chỉ đạo ISO và thư ký ISO có quyết định phân công không?",),
    ),
    Clause(
        "6.1",
        "Hành động giải quyết rủi ro và cơ hội",
        ("Sổ rủi ro có mức độ, biện pháp, người chịu trách nhiệm và ngày xem xét lại không?",),
    ),
    Clause(
        "6.2",
        "Mục tiêu chất lượng và hoạch định để đạt được mục tiêu",
        ("Mục tiêu có đo được, có kế hoạch thực hiện và kết quả theo từng kỳ không?",),
    ),
    Clause(
        "6.3",
        "Hoạch định các thay đổi",
        ("Văn bản pháp luật thay đổi có được cập nhật vào quy trình trong 3 tháng không?",),
    ),
    Clause(
        "7.1",
        "Nguồn lực",
        (
            "Nguồn lực theo dõi, đo lường và tri thức của "
            "tổ chức có được liệt kê, có người quản lý không?",
        ),
    ),
    Clause(
        "7.2", "Năng lực", ("Cán bộ giải quyết thủ tục có hồ sơ đào tạo, bồi dưỡng phù hợp không?",)
    ),
    Clause(
        "7.3", "Nhận thức", ("Cán bộ đã xác nhận đọc chính sách và các quy trình liên quan chưa?",)
    ),
    Clause(
        "7.4",
        "Trao đổi thông tin",
        ("Có quy định trao đổi thông tin: nội dung gì, khi nào, với ai không?",),
    ),
    Clause(
        "7.5",
        "Thông tin dạng văn bản",
        (
            "Tài liệu có mã, lần ban hành, người xem xét, người phê duyệt và ngày hiệu lực không?",
            "Tài liệu lỗi thời có được thu hồi, hồ sơ có thời hạn lưu không?",
        ),
    ),
    Clause(
        "8.1",
        "Hoạch định và kiểm soát việc thực hiện",
        ("Hồ sơ có được giải quyết theo đúng các bước của quy trình không?",),
    ),
    Clause(
        "8.2",
        "Yêu cầu đối với sản phẩm và dịch vụ",
        ("Thành phần hồ sơ, thời hạn và phí có được công khai đúng với quyết định công bố không?",),
    ),
    Clause(
        "8.5",
        "Sản xuất và cung cấp dịch vụ",
        ("Mỗi hồ sơ có mã, lịch sử xử lý và giấy tờ gốc được giữ gìn, trả lại đầy đủ không?",),
    ),
    Clause(
        "8.6",
        "Thông qua sản phẩm và dịch vụ",
        ("Kết quả có được người có thẩm quyền phê duyệt, ký trước khi trả không?",),
    ),
    Clause(
        "8.7",
        "Kiểm soát đầu ra không phù hợp",
        ("Hồ sơ trễ hạn, sai sót có được ghi nhận và xử lý, có thư xin lỗi không?",),
    ),
    Clause(
        "9.1",
        "Theo dõi, đo lường, phân tích và đánh giá",
        ("Sự hài lòng của người dân và các chỉ số có được theo dõi và phân tích định kỳ không?",),
    ),
    Clause(
        "9.2",
        "Đánh giá nội bộ",
        (
            "Có chương trình đánh giá nội bộ hằng năm và "
            "chuyên gia không đánh giá công việc của mình không?",
        ),
    ),
    Clause(
        "9.3",
        "Xem xét của lãnh đạo",
        ("Xem xét của lãnh đạo có được thực hiện ít nhất mỗi năm một lần với đủ đầu vào không?",),
    ),
    Clause("10.1", "Cải tiến – Khái quát", ("Có xác định và lựa chọn cơ hội cải tiến không?",)),
    Clause(
        "10.2",
        "Sự không phù hợp và hành động khắc phục",
        (
            "Sự không phù hợp có nguyên nhân, hành động khắc "
            "phục và đánh giá hiệu lực trước khi đóng không?",
        ),
    ),
    Clause(
        "10.3", "Cải tiến thường xuyên", ("Kết quả các đề xuất cải tiến có được theo dõi không?",)
    ),
)

CLAUSE_NUMBERS = frozenset(clause.number for clause in CLAUSES)
BY_NUMBER = {clause.number: clause for clause in CLAUSES}
