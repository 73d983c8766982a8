"""Export columns of the transfers lists: the SPREADSHEETS.md §4 and §5 columns first
(so an exported file re-imports), then status, scope and who/when."""

from import_export import fields

from yibao.exporting import ExportResource

from .services.checks import USE_WORDS

WORD_OF_USE = {use: word for word, use in USE_WORDS.items()}


def _field(attribute, column_name):
    return fields.Field(attribute=attribute, column_name=column_name, readonly=True)


class SharingPaymentExport(ExportResource):
    settlement_id = _field("settlement_id", "结算ID")
    settled_at = _field("settled_at", "结算时间")
    institution_code = _field("institution_code", "定点机构编码")
    institution_name = _field("institution_name", "定点机构名称")
    use = _field("use", "用途")
    beneficiary = _field("beneficiary__id_number", "被共济人身份号码")
    grantor = _field("grantor__id_number", "共济人身份号码")
    amount = _field("amount", "共济支付金额")
    status = _field("get_status_display", "状态")
    scope = _field("get_scope_display", "共济范围")
    hold_reasons = _field("get_hold_reasons_display", "暂挂原因")
    reject_reason = _field("reject_reason", "驳回原因")
    created_by = _field("created_by__username", "录入人")
    created_at = _field("created_at", "录入时间")
    reviewed_by = _field("reviewed_by__username", "复核人")
    reviewed_at = _field("reviewed_at", "复核时间")

    sensitive = {"beneficiary__id_number": "id", "grantor__id_number": "id"}

    def dehydrate_use(self, payment):
        return WORD_OF_USE[payment.use]


class WalletTransferExport(ExportResource):
    transfer_number = _field("transfer_number", "转账流水号")
    transferred_at = _field("transferred_at", "转账时间")
    sender = _field("sender__id_number", "转出人身份号码")
    recipient = _field("recipient__id_number", "转入人身份号码")
    amount = _field("amount", "金额")
    status = _field("get_status_display", "状态")
    scope = _field("get_scope_display", "共济范围")
    unspent = _field("unspent", "未用金额")
    returned_amount = _field("returned_amount", "退回金额")
    return_reason = _field("get_return_reason_display", "退回原因")
    created_by = _field("created_by__username", "录入人")
    created_at = _field("created_at", "录入时间")

    sensitive = {"sender__id_number": "id", "recipient__id_number": "id"}


class ReversalExport(ExportResource):
    settlement_id = _field("payment__settlement_id", "结算ID")
    grantor = _field("payment__grantor__id_number", "共济人身份号码")
    beneficiary = _field("payment__beneficiary__id_number", "被共济人身份号码")
    amount = _field("payment__amount", "冲正金额")
    reason = _field("reason", "冲正原因")
    status = _field("get_status_display", "状态")
    requested_by = _field("requested_by__username", "申请人")
    requested_at = _field("requested_at", "申请时间")
    reviewed_by = _field("reviewed_by__username", "复核人")
    reviewed_at = _field("reviewed_at", "复核时间")
    review_note = _field("review_note", "复核意见")

    sensitive = {"payment__grantor__id_number": "id", "payment__beneficiary__id_number": "id"}
