"""Export columns of the accounts lists (Chinese headers of SPREADSHEETS.md); a list
with a file format starts with that format's columns, declared once by its import."""

from accounts.imports import AgreementsImport, PersonsImport
from core.exporting import ExportResource, column, format_resource


class InsuredPersonExport(format_resource(PersonsImport, region="region_id")):
    """§1 参保人员 columns first, so the file re-imports; then account and audit columns."""

    account_number = column("account__number", "个人账户号")
    balance = column("account__balance", "账户余额")
    created_by = column("created_by__username", "创建人")
    created_at = column("created_at", "创建时间")

    sensitive = {"id_number": "id", "phone": "phone"}


class PersonalAccountExport(ExportResource):
    number = column("number", "个人账户号")
    name = column("person__name", "姓名")
    id_number = column("person__id_number", "公民身份号码")
    region = column("person__region_id", "参保统筹区")
    balance = column("balance", "账户余额")
    status = column("get_status_display", "账户状态")
    status_reason = column("status_reason", "状态原因")
    status_changed_by = column("status_changed_by__username", "状态变更经办人")
    status_changed_at = column("status_changed_at", "状态变更时间")

    sensitive = {"person__id_number": "id"}


class LedgerEntryExport(ExportResource):
    holder = column("account__number", "个人账户号")
    wallet_owner = column("wallet__person__id_number", "钱包持有人身份号码")
    occurred_at = column("occurred_at", "发生时间")
    value_date = column("value_date", "业务日期")
    kind = column("get_kind_display", "类型")
    amount = column("amount", "金额")
    balance_after = column("balance_after", "变动后余额")
    use = column("get_use_display", "用途")
    scope = column("get_scope_display", "共济范围")
    counterpart = column("counterpart__id_number", "对方身份号码")
    institution_code = column("institution_code", "定点机构编码")
    institution_name = column("institution_name", "定点机构名称")
    reference = column("reference", "业务参考号")
    memo = column("memo", "摘要")
    created_by = column("created_by__username", "经办人")
    created_at = column("created_at", "记账时间")

    sensitive = {"wallet__person__id_number": "id", "counterpart__id_number": "id"}


class SharingAgreementExport(
    format_resource(
        AgreementsImport,
        grantor_id_number="grantor__id_number",
        beneficiary_id_number="beneficiary__id_number",
    )
):
    """§3 共济关系 columns first, so the file re-imports; then status, scope and audit."""

    grantor_name = column("grantor__name", "共济人姓名")
    beneficiary_name = column("beneficiary__name", "被共济人姓名")
    scope = column("get_scope_display", "共济范围")
    status = column("get_status_display", "状态")
    created_by = column("created_by__username", "登记人")
    created_at = column("created_at", "登记时间")
    reviewed_by = column("reviewed_by__username", "复核人")
    reviewed_at = column("reviewed_at", "复核时间")
    review_note = column("review_note", "复核意见")
    ended_on = column("ended_on", "终止日期")
    end_reason = column("get_end_reason_display", "终止原因")

    sensitive = {"grantor__id_number": "id", "beneficiary__id_number": "id"}
