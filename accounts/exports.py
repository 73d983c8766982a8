"""Export columns of the accounts lists (Chinese headers of SPREADSHEETS.md)."""

from import_export import fields

from yibao.exporting import ExportResource


def _field(attribute, column_name, **kwargs):
    return fields.Field(attribute=attribute, column_name=column_name, readonly=True, **kwargs)


class InsuredPersonExport(ExportResource):
    """§1 参保人员 columns first, so the file re-imports; then account and audit columns."""

    name = _field("name", "姓名")
    id_number = _field("id_number", "公民身份号码")
    scheme = _field("scheme", "险种类型")
    category = _field("category", "人员类别")
    status = _field("get_status_display", "参保状态")
    region = _field("region_id", "参保统筹区")
    phone = _field("phone", "联系电话")
    enrolled_on = _field("enrolled_on", "参保日期")
    account_number = _field("account__number", "个人账户号")
    balance = _field("account__balance", "账户余额")
    created_by = _field("created_by__username", "创建人")
    created_at = _field("created_at", "创建时间")

    sensitive = {"id_number": "id", "phone": "phone"}


class PersonalAccountExport(ExportResource):
    number = _field("number", "个人账户号")
    name = _field("person__name", "姓名")
    id_number = _field("person__id_number", "公民身份号码")
    region = _field("person__region_id", "参保统筹区")
    balance = _field("balance", "账户余额")
    status = _field("get_status_display", "账户状态")
    status_reason = _field("status_reason", "状态原因")
    status_changed_by = _field("status_changed_by__username", "状态变更经办人")
    status_changed_at = _field("status_changed_at", "状态变更时间")

    sensitive = {"person__id_number": "id"}


class LedgerEntryExport(ExportResource):
    holder = _field("account__number", "个人账户号")
    wallet_owner = _field("wallet__person__id_number", "钱包持有人身份号码")
    occurred_at = _field("occurred_at", "发生时间")
    kind = _field("get_kind_display", "类型")
    amount = _field("amount", "金额")
    balance_after = _field("balance_after", "变动后余额")
    use = _field("get_use_display", "用途")
    scope = _field("get_scope_display", "共济范围")
    counterpart = _field("counterpart__id_number", "对方身份号码")
    institution_code = _field("institution_code", "定点机构编码")
    institution_name = _field("institution_name", "定点机构名称")
    reference = _field("reference", "业务参考号")
    memo = _field("memo", "摘要")
    created_by = _field("created_by__username", "经办人")
    created_at = _field("created_at", "记账时间")

    sensitive = {"wallet__person__id_number": "id", "counterpart__id_number": "id"}


class SharingAgreementExport(ExportResource):
    """§3 共济关系 columns first, so the file re-imports; then status, scope and audit."""

    grantor = _field("grantor__id_number", "共济人身份号码")
    beneficiary = _field("beneficiary__id_number", "被共济人身份号码")
    relationship = _field("get_relationship_display", "关系")
    evidence_type = _field("get_evidence_type_display", "证明材料类型")
    evidence_number = _field("evidence_number", "证明材料编号")
    effective_from = _field("effective_from", "生效日期")
    grantor_name = _field("grantor__name", "共济人姓名")
    beneficiary_name = _field("beneficiary__name", "被共济人姓名")
    scope = _field("get_scope_display", "共济范围")
    status = _field("get_status_display", "状态")
    created_by = _field("created_by__username", "登记人")
    created_at = _field("created_at", "登记时间")
    reviewed_by = _field("reviewed_by__username", "复核人")
    reviewed_at = _field("reviewed_at", "复核时间")
    review_note = _field("review_note", "复核意见")
    ended_on = _field("ended_on", "终止日期")
    end_reason = _field("get_end_reason_display", "终止原因")

    sensitive = {"grantor__id_number": "id", "beneficiary__id_number": "id"}
